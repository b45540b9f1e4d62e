"""API.md's configure additions: `quantity` (the ship date of n units), `price_breakdown` (adding up
to `price` exactly) and `prefer` (the values that conflict with the option just set are cleared)."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from bom.configurator import compile_product
from tests.bom.test_properties import (
    Oracle,
    check_answer,
    compiled_or_none,
    mixed_products,
    specs,
    synthetic_products,
    typed,
)
from tests.bom.test_refrigerator import BASIC, FLAGSHIP, FOUR_DOOR_EU, RESOURCES, SIDE_BY_SIDE_US
from tests.factories import cabinet_spec, suit_spec

REQUIRED = "This option is required."
CONFLICT = re.compile(r"Not possible together with|cannot be combined|No valid configuration is possible")
SUIT_FILE = Path(__file__).resolve().parents[2] / "bom" / "catalog" / "mtm-suit.yaml"


def post(api, slug, body):
    return api.post(f"/api/v1/products/{slug}/configure/", body, format="json")


def configure(api, slug, spec, **extra):
    response = post(api, slug, {"spec": spec, **extra})
    assert response.status_code == 200, response.content
    return response.json()


def suit():
    return compile_product(yaml.safe_load(SUIT_FILE.read_text(encoding="utf-8")), RESOURCES)


def total(breakdown):
    return sum((Decimal(line["amount"]) for line in breakdown), Decimal(0))


# -- quantity ------------------------------------------------------------------------------------


def test_a_hundred_suits_ship_later_than_one_at_the_same_unit_price(anon, demo):
    # given a valid suit configured for 1 unit, for the default quantity and for 100 units
    one = configure(anon, "mtm-suit", suit_spec(), quantity=1)
    default = configure(anon, "mtm-suit", suit_spec())
    hundred = configure(anon, "mtm-suit", suit_spec(), quantity=100)
    # then the price stays the unit price
    assert one["valid"] and hundred["valid"]
    assert one["price"] == default["price"] == hundred["price"]
    # and 100 suits (over 300 hours of sewing alone, one station each) ship strictly later
    assert default["estimated_ship_date"] == one["estimated_ship_date"]
    assert date.fromisoformat(hundred["estimated_ship_date"]) > date.fromisoformat(one["estimated_ship_date"])


@pytest.mark.parametrize("quantity", [0, 101, -1, "x", 1.5, True, None])
def test_a_quantity_outside_1_to_100_is_a_400_on_quantity_only(anon, demo, quantity):
    # when configuring a valid suit for that quantity
    response = post(anon, "mtm-suit", {"spec": suit_spec(), "quantity": quantity})
    # then the answer is a 400 that names the quantity and nothing else
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"quantity"} and body["quantity"]


# -- price breakdown -------------------------------------------------------------------------------

VALID_SPECS = [
    ("mtm-suit", suit_spec()),
    ("mtm-suit", suit_spec(fabric="cashmere-grey", lining="paisley", jacket="db6", lapel="peak")),
    ("mtm-suit", suit_spec(with_trousers=False, pleats=None, inseam_cm=None, monogram="W.L.")),
    ("mtm-suit", suit_spec(chest_cm=130, waist_cm=125, fabric="linen-sand")),
    ("custom-cabinet", cabinet_spec()),
    ("custom-cabinet", cabinet_spec(material="walnut-veneer", shelves=0)),
    ("custom-cabinet", cabinet_spec(material="white-melamine", doors="single", width_mm=555, depth_mm=333)),
    ("refrigerator", FLAGSHIP),
    ("refrigerator", BASIC),
    ("refrigerator", FOUR_DOOR_EU),
    ("refrigerator", SIDE_BY_SIDE_US),
]


@pytest.mark.parametrize(("slug", "spec"), VALID_SPECS)
def test_the_price_breakdown_adds_up_to_the_price_on_every_demo_product(anon, demo, slug, spec):
    # when a valid spec of a demo product is configured
    body = configure(anon, slug, {k: v for k, v in spec.items() if v is not None})
    # then its breakdown starts with the base price and adds up to the price exactly
    assert body["valid"] is True, body["errors"]
    breakdown = body["price_breakdown"]
    assert breakdown[0]["label"] == "Base price"
    assert all(re.fullmatch(r"-?\d+\.\d\d", line["amount"]) for line in breakdown)
    assert total(breakdown) == Decimal(body["price"])
    assert all(Decimal(line["amount"]) != 0 for line in breakdown[1:])


def test_an_invalid_spec_has_no_price_breakdown(anon, demo):
    body = configure(anon, "mtm-suit", suit_spec(lapel="shawl"))
    assert body["valid"] is False and body["price"] is None and body["price_breakdown"] is None


def test_the_suit_breakdown_names_the_base_each_choice_with_a_delta_and_each_adder():
    # given a cashmere suit with a paisley lining, a large chest and a monogram
    answer = suit().configure(suit_spec(fabric="cashmere-grey", lining="paisley", chest_cm=130, monogram="AB"))
    # then each part of the price is a line in the customer's words, without zero deltas
    assert answer["price_breakdown"] == [
        {"label": "Base price", "amount": "2999.00"},
        {"label": "Fabric: Grey cashmere", "amount": "1800.00"},
        {"label": "Lining: Paisley", "amount": "150.00"},
        {"label": "Trousers", "amount": "900.00"},
        {"label": "Large size surcharge", "amount": "300.00"},
        {"label": "Monogram embroidery", "amount": "120.00"},
    ]
    assert answer["price"] == "6269.00"


PRICED = {
    "slug": "priced",
    "name": "Priced",
    "currency": "CNY",
    "base_price": "10.00",
    "options": [
        {"key": "size", "label": "Size", "type": "number", "unit": "cm", "min": "1", "max": "9", "step": "1"},
        {"key": "finish", "label": "Finish", "type": "choice", "choices": [
            {"value": "raw", "label": "Raw"},
            {"value": "oiled", "label": "Oiled", "price_delta": "2.50"},
        ]},
    ],
    "prices": [
        {"key": "per_cm", "label": "Per centimetre", "amount": "size * 1.333"},
        {"key": "thirds", "label": "Thirds", "amount": "size * 0.3333"},
        {"key": "tiny", "label": "Tiny", "amount": "0.001"},
    ],
}  # fmt: skip


@pytest.mark.parametrize("size", range(1, 10))
@pytest.mark.parametrize("finish", ["raw", "oiled"])
def test_a_rounding_line_makes_a_breakdown_of_fractional_adders_add_up(size, finish):
    # given adders whose amounts have more than two decimals
    answer = compile_product(PRICED, {}).configure({"size": size, "finish": finish})
    breakdown = answer["price_breakdown"]
    # then the amounts, each to the cent, add up to the price exactly, a rounding line included
    assert total(breakdown) == Decimal(answer["price"])
    assert "Tiny" not in [line["label"] for line in breakdown]  # rounds to nothing: left to the rounding
    shown = sum(Decimal(line["amount"]) for line in breakdown if line["label"] != "Rounding")
    assert any(line["label"] == "Rounding" for line in breakdown) is (shown != Decimal(answer["price"]))
    assert ("Finish: Oiled" in [line["label"] for line in breakdown]) is (finish == "oiled")


def test_some_spec_of_the_rounding_product_needs_a_rounding_line():
    product = compile_product(PRICED, {})
    labels = [
        line["label"]
        for size in range(1, 10)
        for line in product.configure({"size": size, "finish": "raw"})["price_breakdown"]
    ]
    assert "Rounding" in labels


# -- prefer ------------------------------------------------------------------------------------------


def test_preferring_a_jacket_clears_the_shawl_lapel_it_conflicts_with(anon, demo):
    # given a suit with a shawl lapel, whose jacket was just changed to two buttons
    spec = suit_spec(lapel="shawl", jacket="sb2")
    # when configured preferring the jacket
    body = configure(anon, "mtm-suit", spec, prefer="jacket")
    # then the lapel is cleared, and the answer is the one for the spec without it
    assert body["cleared"] == {"lapel": "shawl"}
    assert body["errors"] == {"lapel": [REQUIRED]}
    assert body["domains"]["lapel"]["choices"] == ["notch", "peak"]
    without = configure(anon, "mtm-suit", {k: v for k, v in spec.items() if k != "lapel"})
    assert without["cleared"] == {}
    assert body == {**without, "cleared": {"lapel": "shawl"}}


def test_preferring_the_lapel_clears_the_jacket_instead(anon, demo):
    # given a double-breasted jacket (it needs peak lapels) and a shawl lapel just chosen
    body = configure(anon, "mtm-suit", suit_spec(jacket="db6", lapel="shawl"), prefer="lapel")
    # then the jacket goes, and sb1 is the one jacket offered with a shawl lapel
    assert body["cleared"] == {"jacket": "db6"}
    assert body["errors"] == {"jacket": [REQUIRED]}
    assert body["domains"]["jacket"]["choices"] == ["sb1"]


def test_without_prefer_nothing_is_cleared_and_the_conflict_is_reported(anon, demo):
    body = configure(anon, "mtm-suit", suit_spec(lapel="shawl", jacket="sb2"))
    assert body["cleared"] == {}
    assert "lapel" in body["errors"] and "jacket" in body["errors"]


def test_preferring_a_value_that_conflicts_with_nothing_clears_nothing(anon, demo):
    body = configure(anon, "mtm-suit", suit_spec(), prefer="fabric")
    assert body["cleared"] == {} and body["valid"] is True


def test_china_clears_the_power_supply_and_plug_chosen_for_the_united_states(anon, demo):
    # given a US refrigerator whose market was just changed to China
    spec = {**SIDE_BY_SIDE_US, "market": "CN"}
    # when configured preferring the market
    body = configure(anon, "refrigerator", spec, prefer="market")
    # then exactly the US power supply and plug are cleared, and China's are the ones offered
    assert body["cleared"] == {"voltage": "110-120V-60Hz", "plug_type": "type-b"}
    assert body["errors"] == {}
    assert body["domains"]["voltage"]["choices"] == ["220-240V-50Hz"]
    assert body["domains"]["plug_type"]["choices"] == ["type-i"]
    # and once China's are chosen the refrigerator is valid
    chosen = {**spec, "voltage": "220-240V-50Hz", "plug_type": "type-i"}
    assert configure(anon, "refrigerator", chosen)["valid"] is True


@pytest.mark.parametrize(
    ("spec", "prefer"),
    [
        (suit_spec(), "monogram"),  # not in the spec
        ({"fabric": "wool-navy", "monogram": "  "}, "monogram"),  # present but not set
        (suit_spec(), ""),
    ],
)
def test_prefer_of_an_option_not_set_in_the_spec_is_a_400_on_prefer(anon, demo, spec, prefer):
    response = post(anon, "mtm-suit", {"spec": spec, "prefer": prefer})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"prefer"} and body["prefer"]


def test_a_typed_measurement_can_be_cleared():
    # given a waist more than 10 cm over the chest, the chest just typed
    answer = suit().configure({"chest_cm": 80, "waist_cm": "100.5", "fabric": "wool-navy"}, prefer="chest_cm")
    # then the waist is cleared (as the engine writes numbers) and the chest kept
    assert answer["cleared"] == {"waist_cm": "100.5"}
    assert answer["domains"]["waist_cm"]["ranges"] == [["60", "90"]]
    assert answer["errors"] == {}


def test_turning_the_trousers_off_clears_their_pleats_and_inseam():
    answer = suit().configure(suit_spec(with_trousers=False), prefer="with_trousers")
    assert answer["cleared"] == {"pleats": "flat", "inseam_cm": "82"}
    assert answer["valid"] is True and answer["errors"] == {}


def test_a_preferred_value_with_no_valid_configuration_at_all_clears_nothing():
    # given a product where a=y is never valid
    product = compile_product(
        {
            "slug": "p",
            "name": "P",
            "currency": "CNY",
            "base_price": "1",
            "options": [
                {
                    "key": k,
                    "label": k.upper(),
                    "type": "choice",
                    "choices": [{"value": v, "label": v.upper()} for v in "xy"],
                }
                for k in ("a", "b")
            ],
            "rules": [
                {"key": "r1", "expr": "a != 'y' or b == 'y'", "message": "A y needs b y."},
                {"key": "r2", "expr": "a != 'y' or b == 'x'", "message": "A y needs b x."},
            ],
        },
        {},
    )
    # when a=y is preferred
    answer = product.configure({"a": "y", "b": "x"}, prefer="a")
    # then nothing is cleared and the errors explain, as without prefer
    assert answer["cleared"] == {}
    assert answer == product.configure({"a": "y", "b": "x"})


def test_the_reference_search_clears_the_same_values():
    product = suit()
    spec = suit_spec(jacket="db6", lapel="shawl", fabric="linen-sand", height_cm=150, jacket_length_cm=85)
    for prefer in ("jacket", "lapel", "fabric", "height_cm", "jacket_length_cm"):
        compiled = product.configure(spec, prefer=prefer)
        assert compiled["cleared"] == product.configure_reference(spec, prefer=prefer)["cleared"]
        assert prefer not in compiled["cleared"] and compiled["cleared"]


# -- prefer, on random products against the brute-force oracle -----------------------------------------

PREFER_SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_prefer(product, oracle, spec, prefer):
    """The cleared values conflict with the preferred one, minimally, and the rest is answered."""
    answer = product.configure(spec, prefer=prefer)
    cleared = answer["cleared"]
    event(f"values cleared: {min(len(cleared), 2)}{'+' if len(cleared) >= 2 else ''}")
    mine = typed(oracle, spec)
    component = oracle.component[prefer]
    # cleared values are values of the spec, of the preferred option's component, never its own
    assert prefer not in cleared
    assert cleared == {k: spec[k] for k in cleared}
    assert set(cleared) <= component
    rest = {k: v for k, v in mine.items() if k not in cleared}
    texts = [k for k in mine if k in component and k != prefer and oracle.by_key[k]["type"] == "text"]
    assert len(texts) <= 1  # (the strategies draw at most one text option)
    impossible = not any(
        oracle.feasible({prefer: mine[prefer], **{t: mine[t] for t in chosen}}, prefer) for chosen in ([], texts)
    )
    if oracle.feasible(mine, prefer) or impossible:
        # nothing conflicts, or the preferred value is impossible by itself (the errors explain)
        assert cleared == {}
    else:
        # the rest has a valid completion, so no conflict is reported in that component ...
        assert cleared and oracle.feasible(rest, prefer)
        assert not [m for k in component for m in answer["errors"].get(k, []) if CONFLICT.search(m)]
        if all(oracle.feasible(rest, key) for key in rest):
            assert not [m for ms in answer["errors"].values() for m in ms if CONFLICT.search(m)]
        # ... and no cleared value could be restored alone (the set is minimal)
        for key in cleared:
            assert not oracle.feasible({**rest, key: mine[key]}, prefer), (key, spec, prefer)
    # the answer is the one for the spec without the cleared values, as the oracle has it
    without = {k: v for k, v in spec.items() if k not in cleared}
    assert answer == {**check_answer(product, oracle, without), "cleared": cleared}
    # and the reference search clears the same
    assert product.configure_reference(spec, prefer=prefer)["cleared"] == cleared


def _prefer_on(data, definition):
    oracle = Oracle(definition)
    product = compiled_or_none(definition, oracle)
    assume(product is not None)
    oracle.order = [o.key for c in product._components for o in c.order]
    for _ in range(3):
        spec = data.draw(specs(definition, oracle))
        if spec:
            check_prefer(product, oracle, spec, data.draw(st.sampled_from(sorted(spec))))


@PREFER_SETTINGS
@given(data=st.data())
def test_prefer_clears_a_minimal_conflicting_set_on_synthetic_products(data):
    _prefer_on(data, data.draw(synthetic_products()))


@PREFER_SETTINGS
@given(data=st.data())
def test_prefer_clears_a_minimal_conflicting_set_on_mixed_products(data):
    _prefer_on(data, data.draw(mixed_products()))


# -- the schema ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_schema_declares_quantity_prefer_cleared_and_the_price_breakdown(anon):
    schema = anon.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    operation = schema["paths"]["/api/v1/products/{slug}/configure/"]["post"]

    def resolve(node):
        while "$ref" in node:
            node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
        return node

    request = resolve(operation["requestBody"]["content"]["application/json"]["schema"])
    assert {"spec", "strict", "quantity", "prefer"} <= set(request["properties"])
    assert (request["properties"]["quantity"]["minimum"], request["properties"]["quantity"]["maximum"]) == (1, 100)
    answer = resolve(operation["responses"]["200"]["content"]["application/json"]["schema"])
    assert {"price", "price_breakdown", "cleared", "estimated_ship_date", "errors", "domains"} <= set(
        answer["properties"]
    )
    line = resolve(answer["properties"]["price_breakdown"]["items"])
    assert set(line["properties"]) == {"label", "amount"}
