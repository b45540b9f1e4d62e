"""Which values the configurator page shows as implied: those that are the only ones left for an
option the customer has not set (orders.views._implied), on plain data."""

from orders.views import _implied

OPTIONS = {
    "options": [
        {"key": "jacket", "type": "choice"},
        {"key": "lined", "type": "boolean"},
        {"key": "trousers", "type": "boolean", "default": True},
        {"key": "height_cm", "type": "number"},
        {"key": "chest_cm", "type": "number"},
    ]
}


def _answer(errors=None, **domains):
    return {"errors": errors or {}, "applicable": list(domains), "domains": domains}


def test_one_value_left_is_implied_for_choices_booleans_and_numbers():
    answer = _answer(
        jacket={"choices": ["sb1"]},
        lined={"choices": [False]},
        height_cm={"ranges": [["170.0", "170"]]},
        chest_cm={"ranges": [["80", "150"]]},
    )
    assert _implied(OPTIONS, {}, answer) == {"jacket": "sb1", "lined": False, "height_cm": "170.0"}


def test_a_value_set_a_default_or_an_option_that_does_not_apply_is_not_implied():
    answer = _answer(jacket={"choices": ["sb1"]}, trousers={"choices": [True]})
    answer["applicable"] = ["trousers"]  # the jacket does not apply
    assert _implied(OPTIONS, {}, answer) == {}
    assert _implied(OPTIONS, {"jacket": "sb1"}, _answer(jacket={"choices": ["sb1"]})) == {}


def test_nothing_is_implied_while_a_choice_conflicts():
    domains = {"jacket": {"choices": ["sb1"]}}
    # a missing option (not set) is no conflict; an error on a value set, or on the whole, is
    assert _implied(OPTIONS, {}, _answer({"lined": ["Required."]}, **domains)) == {"jacket": "sb1"}
    assert _implied(OPTIONS, {"chest_cm": "90"}, _answer({"chest_cm": ["Too small."]}, **domains)) == {}
    assert _implied(OPTIONS, {}, _answer({"non_field_errors": ["Cannot be built."]}, **domains)) == {}
