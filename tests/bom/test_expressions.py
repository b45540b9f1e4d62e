"""The catalog's expression language: exact decimals, short-circuits, and every refusal."""

from decimal import Decimal

import pytest

from bom.expressions import ExpressionError, MissingValue, NameInfo, parse

NAMES = {
    "jacket": NameInfo("choice", ("sb2", "sb1", "db6")),
    "chest_cm": NameInfo("number"),
    "inseam_cm": NameInfo("number"),
    "with_trousers": NameInfo("boolean"),
    "monogram": NameInfo("text"),
}


def ev(source: str, **env: object) -> object:
    return parse(source, names=NAMES if env else None).evaluate(env)


def test_number_literals_are_exact_decimals():
    # given literals that binary floats cannot hold
    # when they are added / parsed
    # then the result is the exact decimal, never a float artefact
    assert ev("0.1 + 0.2") == Decimal("0.3")
    assert str(ev("0.38")) == "0.38"
    assert isinstance(ev("7"), Decimal)
    assert ev("1_000.5") == Decimal("1000.5")


def test_arithmetic_and_precedence():
    assert ev("1 + 2 * 3") == Decimal(7)
    assert ev("(1 + 2) * 3") == Decimal(9)
    assert ev("10 - 4 - 3") == Decimal(3)
    assert ev("7 / 2") == Decimal("3.5")
    assert ev("-2 * -3") == Decimal(6)
    assert ev("+5") == Decimal(5)
    assert ev("(chest_cm * 1.6 + 75 * 1.2) / 100", chest_cm=Decimal(100)) == Decimal("2.5")


def test_division_by_zero_is_an_error_at_evaluation():
    expression = parse("1 / (chest_cm - 100)", names=NAMES)
    with pytest.raises(ExpressionError, match="division by zero"):
        expression.evaluate({"chest_cm": Decimal(100)})


def test_comparisons_and_chains():
    assert ev("chest_cm > 120", chest_cm=Decimal("120.5")) is True
    assert ev("chest_cm >= 120", chest_cm=Decimal("119.5")) is False
    assert ev("68.4 <= chest_cm <= 82.8", chest_cm=Decimal("82.5")) is True
    assert ev("68.4 <= chest_cm <= 82.8", chest_cm=Decimal(83)) is False
    assert ev("jacket == 'sb1'", jacket="sb1") is True
    assert ev("jacket != 'sb1'", jacket="sb1") is False
    assert ev("with_trousers == True", with_trousers=True) is True


def test_in_and_not_in_against_literal_tuples():
    assert ev("jacket in ('sb1', 'sb2')", jacket="sb2") is True
    assert ev("jacket not in ('sb1', 'sb2')", jacket="db6") is True
    assert ev("chest_cm in (100, 110.0)", chest_cm=Decimal("110")) is True
    assert ev("-3 in (-3, 4)") is True


def test_conditional_expression():
    assert ev("1 if jacket == 'sb1' else (2 if jacket == 'sb2' else 6)", jacket="db6") == Decimal(6)
    assert ev("1 if jacket == 'sb1' else (2 if jacket == 'sb2' else 6)", jacket="sb2") == Decimal(2)


def test_functions():
    assert ev("min(3, 1.5, 2)") == Decimal("1.5")
    assert ev("max(3, 1.5, 2)") == Decimal(3)
    assert ev("round(2.5)") == Decimal(3)  # half up, not banker's rounding
    assert ev("round(2.345, 2)") == Decimal("2.35")
    assert ev("ceil(2.1)") == Decimal(3)
    assert ev("floor(-2.1)") == Decimal(-3)
    assert isinstance(ev("ceil(2)"), Decimal)


def test_names_read_and_source_kept():
    expression = parse("not with_trousers or inseam_cm > 70", names=NAMES)
    assert expression.names == frozenset({"with_trousers", "inseam_cm"})
    assert expression.source == "not with_trousers or inseam_cm > 70"
    assert expression.type == "boolean"


def test_and_or_if_short_circuit_past_missing_values():
    # given a rule that reads inseam_cm only with trousers
    rule = parse("not with_trousers or inseam_cm > 70", names=NAMES)
    # when there are no trousers (inseam_cm absent)
    # then inseam_cm is never read
    assert rule.evaluate({"with_trousers": False}) is True
    assert parse("with_trousers and inseam_cm > 70", names=NAMES).evaluate({"with_trousers": False}) is False
    assert parse("inseam_cm if with_trousers else 0", names=NAMES).evaluate({"with_trousers": False}) == 0


def test_reading_an_absent_option_raises_missing_value():
    rule = parse("not with_trousers or inseam_cm > 70", names=NAMES)
    with pytest.raises(MissingValue) as caught:
        rule.evaluate({"with_trousers": True})
    assert caught.value.name == "inseam_cm"
    assert isinstance(caught.value, ExpressionError)


def test_booleans_in_arithmetic_and_mixed_comparisons_are_errors():
    # statically, when the names' types are known
    with pytest.raises(ExpressionError, match="'\\+' needs numbers, not true/false"):
        parse("with_trousers + 1", names=NAMES)
    with pytest.raises(ExpressionError, match="cannot compare a number with text"):
        parse("chest_cm == 'big'", names=NAMES)
    with pytest.raises(ExpressionError, match="'<' needs numbers, not text"):
        parse("jacket < 'sb2'", names=NAMES)
    # and at evaluation, when they are not
    with pytest.raises(ExpressionError, match="'\\*' needs numbers, got true/false and a number"):
        parse("x * 2").evaluate({"x": True})
    with pytest.raises(ExpressionError, match="cannot compare a number with text"):
        parse("x == 'a'").evaluate({"x": Decimal(1)})
    with pytest.raises(ExpressionError, match="'and' needs true/false values, got a number"):
        parse("x and True").evaluate({"x": Decimal(1)})


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("jacket.upper()", "attribute access is not allowed"),
        ("chest_cm.real", "attribute access is not allowed"),
        ("monogram[0]", "subscripts ([...]) are not allowed"),
        ("open('x')", "calls to 'open' are not allowed (allowed: ceil, floor, max, min, round)"),
        ("__import__('os')", "calls to '__import__' are not allowed"),
        ("(lambda: 1)()", "only calls to ceil, floor, max, min, round are allowed"),
        ("lambda: 1", "lambda is not allowed"),
        ("[c for c in monogram]", "comprehensions are not allowed"),
        ("f'{monogram}'", "f-strings are not allowed"),
        ("max(1, key=2)", "keyword arguments are not allowed in max()"),
        ("min(chest_cm)", "min() takes at least 2 arguments (1 given)"),
        ("round(1, 2, 3)", "round() takes 1 or 2 arguments (3 given)"),
        ("round(1, chest_cm)", "the digits of round() must be a whole number from 0 to 12"),
        ("ceil()", "ceil() takes exactly 1 argument (0 given)"),
        ("2 ** 10", "operator '**' is not allowed (use + - * /)"),
        ("chest_cm // 2", "operator '//' is not allowed"),
        ("jacket is None", "None is not allowed"),
        ("jacket is 'sb1'", "'is' is not allowed; use '==' or '!='"),
        ("jacket in ['sb1', chest_cm]", "'in' needs a tuple or list of constants"),
        ("jacket in monogram", "'in' needs a tuple or list of constants, like ('a', 'b')"),
        ("(1, 2)", "tuples and lists are only allowed after 'in'"),
        ("{'a': 1}", "dictionaries are not allowed"),
        ("(x := 1)", "':=' is not allowed"),
        ("chest_cm >", "syntax error"),
        ("", "empty expression"),
    ],
)
def test_refusals(source, message):
    # when a catalog author writes something outside the language
    # then parse refuses it with a readable message
    with pytest.raises(ExpressionError) as caught:
        parse(source, names=NAMES)
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("source", "advice", "column"),
    [
        ("with_trousers || jacket == 'sb1'", "use `or` instead of `||`", 15),
        ("with_trousers && jacket == 'sb1'", "use `and` instead of `&&`", 15),
        ("!with_trousers", "use `not` instead of `!`", 1),
        ("jacket = 'sb1'", "use `==` to compare", 8),
        ("jacket === 'sb1'", "use `==` instead of `===`", 8),
        ("jacket !== 'sb1'", "use `!=` instead of `!==`", 8),
        # inside quoted text they are text: the advice names the operator outside it
        ("monogram == 'A && B' || with_trousers", "use `or` instead of `||`", 22),
    ],
)
def test_operators_of_other_languages_get_this_languages_word(source, advice, column):
    # when an author writes ||, &&, !, = or === out of habit
    with pytest.raises(ExpressionError) as caught:
        parse(source, names=NAMES)
    # then the refusal says what to write instead, at that operator's column
    assert advice in str(caught.value)
    assert caught.value.column == column


def test_a_syntax_error_without_a_foreign_operator_keeps_pythons_own_words():
    with pytest.raises(ExpressionError) as caught:
        parse("chest_cm != 100 and (", names=NAMES)
    assert "never closed" in str(caught.value) and "instead" not in str(caught.value)


def test_unknown_name_suggests_the_closest_option():
    with pytest.raises(ExpressionError) as caught:
        parse("chestcm > 100", names=NAMES)
    assert str(caught.value) == (
        "column 1: unknown name 'chestcm'; did you mean 'chest_cm'? "
        "(known: chest_cm, inseam_cm, jacket, monogram, with_trousers)"
    )
    assert caught.value.column == 1


def test_unknown_choice_value_is_caught_at_parse():
    with pytest.raises(ExpressionError) as caught:
        parse("lapel_ok or jacket == 'sb3'", names={**NAMES, "lapel_ok": NameInfo("boolean")})
    assert "'sb3' is not a value of 'jacket'; did you mean 'sb2'? (values: sb2, sb1, db6)" in str(caught.value)
    with pytest.raises(ExpressionError, match="'dbl' is not a value of 'jacket'"):
        parse("jacket in ('sb1', 'dbl')", names=NAMES)
    with pytest.raises(ExpressionError, match="'sb4' is not a value of 'jacket'"):
        parse("'sb4' != jacket", names=NAMES)


def test_size_limits():
    with pytest.raises(ExpressionError, match="too long \\(1001 characters, at most 1000\\)"):
        parse("1" * 1001)
    with pytest.raises(ExpressionError, match="too large \\(319 parts, at most 300\\)"):
        parse("+".join(["a"] * 160))
    with pytest.raises(ExpressionError, match="nested too deeply \\(41 levels, at most 40\\)"):
        parse("not " * 40 + "with_trousers", names=NAMES)
    assert parse("not " * 39 + "with_trousers", names=NAMES).evaluate({"with_trousers": True}) is False


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("chest_cm * 1e30", "column 12: the number 1e30 is too large (at most 999999999999)"),
        ("1000000000000 - chest_cm", "column 1: the number 1000000000000 is too large (at most 999999999999)"),
        ("chest_cm + 1e-999999999", "column 12: the number 1e-999999999 has too many decimal places (at most 12)"),
        ("0.0000000000001", "column 1: the number 0.0000000000001 has too many decimal places (at most 12)"),
        ("jacket == 'sb1' and chest_cm in (1e99,)", "column 34: the number 1e99 is too large (at most 999999999999)"),
    ],
)
def test_number_literals_beyond_the_fields_are_refused(source, message):
    # when a literal is larger than any stored quantity or price, or finer than 12 decimals
    # then parse refuses it, at its column
    with pytest.raises(ExpressionError) as caught:
        parse(source, names=NAMES)
    assert str(caught.value) == message


def test_number_literals_within_the_bounds_are_read_exactly():
    assert ev("999999999999") == Decimal("999999999999")
    assert ev("0.000000000001") == Decimal("1E-12")
    assert ev("1.5e3") == Decimal(1500)


def test_expected_static_types():
    assert parse("chest_cm * 2", names=NAMES).type == "number"
    assert parse("jacket", names=NAMES).type == "text"
    with pytest.raises(ExpressionError, match="both branches of 'if/else' must have the same type"):
        parse("1 if with_trousers else 'x'", names=NAMES)
    with pytest.raises(ExpressionError, match="the condition of 'if/else' must be true/false"):
        parse("1 if chest_cm else 2", names=NAMES)
