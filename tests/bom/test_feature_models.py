"""The feature-model generator (tests/support/feature_models.py): deterministic, sized as asked,
its tree's group semantics hold in the planted configuration, and the catalog accepts it."""

from bom.configurator import compile_product
from bom.configurator.search import rule_holds
from bom.expressions import MissingValue, NameInfo, parse
from tests.support.feature_models import feature_model_product


def _names(definition):
    return {
        o["key"]: NameInfo(o["type"], tuple(c["value"] for c in o.get("choices", []))) for o in definition["options"]
    }


def _holds(source, env, names):
    try:
        return parse(source, names=names).evaluate(env) is True
    except MissingValue:
        return False


def test_the_same_seed_gives_the_same_product_and_another_seed_another():
    # given two products of the same seed and one of another
    first = feature_model_product(seed=4, options=40, rules=90, number_options=3)
    again = feature_model_product(seed=4, options=40, rules=90, number_options=3)
    other = feature_model_product(seed=5, options=40, rules=90, number_options=3)
    # then the same seed gave the same definition and planted configuration, the other seed not
    assert (first.definition, first.planted) == (again.definition, again.planted)
    assert first.definition != other.definition


def test_products_have_the_sizes_asked_for():
    # given products of several sizes
    for options, rules, numbers in ((20, 40, 0), (60, 200, 4), (190, 900, 10)):
        model = feature_model_product(seed=11, options=options, rules=rules, number_options=numbers)
        kinds = [o["type"] for o in model.definition["options"]]
        # then they have as many feature options, numbers and rules as asked
        assert sum(k in ("choice", "boolean") for k in kinds) == options
        assert kinds.count("number") == numbers
        assert len(model.definition["rules"]) == rules
        # and every relation of a feature tree is there
        assert {f.relation for f in model.features.values()} == {"root", "mandatory", "optional", "alternative", "or"}


def test_the_planted_configuration_keeps_the_tree_semantics_and_every_rule():
    # given a product and the configuration planted in it
    model = feature_model_product(seed=23, options=120, rules=400, number_options=5)
    names = _names(model.definition)
    env = model.planted
    selected = model.selected
    # then a feature is selected exactly when its presence condition holds on the configuration
    for feature in model.features.values():
        expected = feature.presence is None or _holds(feature.presence, env, names)
        assert (feature.name in selected) is expected, feature
        # and a selected feature's parent is selected; a mandatory one goes with its parent
        if feature.parent is not None:
            assert feature.name not in selected or feature.parent in selected
            if feature.relation == "mandatory":
                assert (feature.name in selected) is (feature.parent in selected)
    # and an alternative group has exactly one feature, an or group at least one, when the parent is selected
    for parent, relation, members in model.groups.values():
        chosen = sum(m in selected for m in members)
        if parent not in selected:
            assert chosen == 0
        elif relation == "alternative":
            assert chosen == 1
        else:
            assert chosen >= 1
    # and an option has a value exactly when it applies, and every rule holds
    for option in model.definition["options"]:
        applies = "when" not in option or _holds(option["when"], env, names)
        assert (option["key"] in env) is applies, option["key"]
    product = compile_product(model.definition, model.resources)
    for rule in product._rules:
        assert rule_holds(rule, env), rule.expr.source
    # and the engine finds it valid
    answer = product.configure(env)
    assert answer["valid"], answer["errors"]
