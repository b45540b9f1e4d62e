"""API.md's configure additions: `quantity` (the ship date of n units) and `price_breakdown` (adding
up to `price` exactly)."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from bom.configurator import compile_product
from tests.bom.test_refrigerator import BASIC, FLAGSHIP, FOUR_DOOR_EU, RESOURCES, SIDE_BY_SIDE_US
from tests.factories import cabinet_spec, suit_spec

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
