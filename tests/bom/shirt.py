"""A small hand-made product (a shirt) and its resources, for the engine's tests."""

import copy

import pytest

from bom.configurator import CatalogError, compile_product

RESOURCES = {
    "items": {
        "CLOTH": {"name": "Shirt cloth", "uom": "m", "decimals": 2, "co2e_kg": "10"},
        "BTN": {"name": "Button", "uom": "pcs", "decimals": 0, "co2e_kg": "0.1"},
        "THREAD": {"name": "Thread", "uom": "m", "decimals": 0, "co2e_kg": "0.001"},
    },
    "work_centers": {
        "CUT": {"name": "Cutting", "power_kw": "6"},
        "SEW": {"name": "Sewing", "power_kw": "1.2"},
        "EMB": {"name": "Embroidery", "power_kw": "0.8"},
        "PRESS": {"name": "Pressing", "power_kw": "3"},
    },
    "grid_co2e_kg_per_kwh": "0.5",
}

SHIRT = {
    "slug": "shirt",
    "name": "Shirt",
    "currency": "CNY",
    "base_price": "100.00",
    "options": [
        {
            "key": "colour",
            "label": "Colour",
            "type": "choice",
            "choices": [
                {"value": "red", "label": "Red"},
                {"value": "blue", "label": "Blue"},
                {"value": "green", "label": "Green", "price_delta": "10"},
            ],
        },
        {
            "key": "collar",
            "label": "Collar",
            "type": "choice",
            "choices": [{"value": "button", "label": "Button-down"}, {"value": "spread", "label": "Spread"}],
        },
        {"key": "size_cm", "label": "Size", "type": "number", "unit": "cm", "min": "30", "max": "50", "step": "0.5"},
        {"key": "with_pocket", "label": "Pocket", "type": "boolean", "default": False},
        {
            "key": "pocket_side",
            "label": "Pocket side",
            "type": "choice",
            "when": "with_pocket",
            "choices": [{"value": "left", "label": "Left"}, {"value": "right", "label": "Right"}],
        },
        {
            "key": "initials",
            "label": "Initials",
            "type": "text",
            "max_length": 3,
            "allowed": "A-Z",
            "allowed_label": "capital letters",
        },
    ],
    "rules": [
        {
            "key": "green_spread",
            "expr": "colour != 'green' or collar == 'spread'",
            "message": "Green comes with a spread collar.",
        },
        {
            "key": "big_spread",
            "expr": "size_cm <= 40 or collar == 'spread'",
            "message": "Above 40 cm, spread collar only.",
        },
    ],
    "prices": [
        {"key": "initials", "label": "Initials", "when": "initials != ''", "amount": "20"},
        {"key": "large", "label": "Large", "when": "size_cm > 45", "amount": "size_cm - 45"},
    ],
    "bom": [
        {"key": "SHIRT", "assembly": "Shirt", "quantity": "1"},
        {
            "key": "cloth",
            "parent": "SHIRT",
            "item": "CLOTH",
            "quantity": "size_cm / 20",
            "scrap_pct": "10",
            "operation": "cut",
        },
        {
            "key": "buttons",
            "parent": "SHIRT",
            "item": "BTN",
            "quantity": "7 if collar == 'button' else 6",
            "operation": "sew",
        },
        {"key": "POCKET", "parent": "SHIRT", "assembly": "Pocket", "when": "with_pocket", "quantity": "1"},
        {"key": "pocket_cloth", "parent": "POCKET", "item": "CLOTH", "quantity": "0.051", "operation": "cut"},
        {"key": "thread", "item": "THREAD", "when": "initials != ''", "quantity": "12.5", "operation": "embroider"},
    ],
    "routing": [
        {
            "key": "cut",
            "name": "Cut",
            "work_center": "CUT",
            "setup_minutes": "10",
            "run_minutes": "size_cm / 8",
            "setup_family": "colour",
        },
        {
            "key": "sew",
            "name": "Sew",
            "work_center": "SEW",
            "setup_minutes": "5",
            "run_minutes": "30",
            "after": ["cut"],
        },
        {
            "key": "embroider",
            "name": "Embroider",
            "work_center": "EMB",
            "run_minutes": "6",
            "when": "initials != ''",
            "after": ["sew"],
        },
        {"key": "press", "name": "Press", "work_center": "PRESS", "run_minutes": "4", "after": ["embroider"]},
    ],
}

FULL = {"colour": "blue", "collar": "button", "size_cm": "38", "with_pocket": False}


def shirt(**changes):
    definition = copy.deepcopy(SHIRT)
    definition.update(changes)
    return compile_product(definition, RESOURCES)


def catalog_problems(definition, resources=RESOURCES):
    with pytest.raises(CatalogError) as caught:
        compile_product(definition, resources)
    return {(p.path, p.message) for p in caught.value.problems}
