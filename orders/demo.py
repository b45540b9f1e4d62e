"""The demo's complete, valid specs of the three demo products: what `seed_demo_orders` orders, and
what the tests (tests/factories.py) and the benchmarks configure and place."""

from typing import Any

SUIT: dict[str, Any] = {
    "fabric": "wool-navy",
    "jacket": "sb2",
    "lapel": "notch",
    "vents": "center",
    "lining": "navy",
    "with_trousers": True,
    "pleats": "flat",
    "height_cm": 180,
    "chest_cm": 100,
    "waist_cm": 86,
    "sleeve_cm": 64,
    "jacket_length_cm": 76,
    "inseam_cm": 82,
}
CASHMERE_JACKET = {**SUIT, "fabric": "cashmere-grey", "with_trousers": False}
for _key in ("pleats", "inseam_cm"):
    del CASHMERE_JACKET[_key]  # trousers' measurements: not asked without trousers
CABINET: dict[str, Any] = {
    "width_mm": 800,
    "height_mm": 1800,
    "depth_mm": 400,
    "material": "oak-veneer",
    "doors": "double",
    "shelves": 4,
    "handle": "bar-steel",
}
FRIDGE_BASIC: dict[str, Any] = {
    "market": "CN",
    "voltage": "220-240V-50Hz",
    "plug_type": "type-i",
    "layout": "single-door",
    "capacity_l": 150,
    "width_mm": 550,
    "height_mm": 850,
    "depth": "standard",
    "compressor": "standard",
    "cooling": "static",
    "energy_class": "a1plus",
    "smart_module": "none",
    "display": "none",
    "panel_material": "painted-steel",
    "panel_colour": "white",
    "handle_style": "recessed",
}
FRIDGE_FLAGSHIP: dict[str, Any] = {
    **FRIDGE_BASIC,
    "layout": "french-door",
    "capacity_l": 510,
    "width_mm": 910,
    "height_mm": 1800,
    "compressor": "inverter",
    "cooling": "multi-airflow",
    "energy_class": "a3plus",
    "noise_class": "quiet",
    "convertible_zone": True,
    "freezer_drawers": 3,
    "crisper_drawers": 2,
    "interior_light": "led-side",
    "ice_maker": "automatic",
    "water_dispenser": True,
    "water_line_kit": "mains-3m",
    "smart_module": "wifi",
    "display": "touch",
    "panel_material": "stainless",
    "panel_colour": "silver",
    "handle_style": "bar",
    "handle_finish": "brushed-steel",
}
