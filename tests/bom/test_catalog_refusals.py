"""A catalog's refusal says its root cause first and stays readable however big the product."""

import pytest

from bom.configurator import CatalogError, compile_product
from bom.configurator.model import PROBLEMS_SHOWN, Problem
from bom.configurator.schema import MAX_OPTIONS
from bom.configurator.synthetic import synthetic_product
from bom.expressions import KNOWN_NAMES_SHOWN, ExpressionError, NameInfo, parse


def test_a_product_past_the_option_limit_is_refused_for_that_alone_in_a_short_message():
    # given a product of 250 options whose rules read options past the 200th
    definition, resources = synthetic_product(seed=7, choice_options=MAX_OPTIONS + 50, values_per_option=3, rules=300)
    # when it is compiled
    with pytest.raises(CatalogError) as caught:
        compile_product(definition, resources)
    # then the limit is the one problem: no "unknown name" for each rule past it
    assert [str(p) for p in caught.value.problems] == [f"options: at most {MAX_OPTIONS} options; this product has 250"]
    assert len(str(caught.value)) < 200


def test_a_refusal_shows_a_bounded_number_of_problems_and_counts_the_rest():
    problems = [Problem(f"rules[{i}].expr", "unknown name 'x'") for i in range(PROBLEMS_SHOWN + 30)]
    message = str(CatalogError(problems))
    assert message.count("\n- ") == PROBLEMS_SHOWN + 1
    assert message.endswith("- ... and 30 more problems")


def test_an_unknown_name_lists_a_bounded_number_of_the_known_ones():
    names = {f"option_{i:03d}": NameInfo("number") for i in range(KNOWN_NAMES_SHOWN + 10)}
    with pytest.raises(ExpressionError) as caught:
        parse("opton_001 > 1", names=names)
    assert "did you mean 'option_001'?" in str(caught.value)
    assert str(caught.value).endswith("and 10 more)")
