"""Backtrack-free through the HTTP API: random customers who only ever pick offered values always
end with a valid configuration, and every value not offered says which choice rules it out."""

import random
from decimal import Decimal

import pytest

pytestmark = pytest.mark.usefixtures("demo")
WALKS_PER_PRODUCT = 6


def offered_value(rng: random.Random, option: dict, domain: dict):
    if option["type"] in ("choice", "boolean"):
        return rng.choice(domain["choices"]) if domain["choices"] else None
    if option["type"] == "number":
        if not domain["ranges"]:
            return None
        low, high = (Decimal(x) for x in rng.choice(domain["ranges"]))
        step = Decimal(option["step"])
        return str(low + step * rng.randint(0, int((high - low) / step)))
    return None  # free text is optional in the demo products


def assert_reasons_name_a_choice(answer: dict, spec: dict, options: dict[str, dict]) -> None:
    # a default the customer has not changed counts as their choice (API.md: domains treat it so)
    chosen = [o["label"] for key, o in options.items() if key in spec or o.get("default") is not None]
    for key, domain in answer["domains"].items():
        for value, reason in domain.get("excluded", {}).items():
            assert any(label in reason for label in chosen), (key, value, reason, spec)


def walk(api, slug: str, seed: int) -> dict:
    rng = random.Random(seed)
    options = {o["key"]: o for o in api.get(f"/api/v1/products/{slug}/").json()["options"]}
    spec: dict = {}
    for _ in range(2 * len(options)):
        answer = api.post(f"/api/v1/products/{slug}/configure/", {"spec": spec}, format="json").json()
        # values of options that stopped applying are dropped, as the shop's page does
        stale = [key for key in spec if key not in answer["applicable"]]
        if stale:
            spec = {k: v for k, v in spec.items() if k not in stale}
            continue
        assert answer["errors"] == {} or set(answer["errors"]) <= set(options) - set(spec), (spec, answer["errors"])
        assert_reasons_name_a_choice(answer, spec, options)
        if answer["valid"]:
            return answer
        open_keys = [k for k in answer["applicable"] if k not in spec and options[k]["type"] != "text"]
        assert open_keys, (spec, answer["errors"])
        key = rng.choice(open_keys)
        value = offered_value(rng, options[key], answer["domains"][key])
        assert value is not None, f"{key} offers nothing with {spec}: a dead end"
        spec[key] = value
    raise AssertionError(f"no valid configuration reached: {spec}")


@pytest.mark.parametrize("seed", range(WALKS_PER_PRODUCT))
def test_random_walks_over_the_api_end_valid(anon, seed):
    slugs = [p["slug"] for p in anon.get("/api/v1/products/").json()["results"]]
    assert {"mtm-suit", "custom-cabinet"} <= set(slugs)
    for slug in slugs:
        answer = walk(anon, slug, seed)
        assert answer["valid"] and Decimal(answer["price"]) > 0 and answer["bom"]
