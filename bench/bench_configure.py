"""Configure calls per second for each demo product, in-process and over HTTP.

Baseline, measured in the same run: a GET of the product description over HTTP (the cost of a
request without the configurator). Prints JSON.
"""

import json

from common import setup_django, timed

PARTIAL = {
    "mtm-suit": {"fabric": "wool-navy", "jacket": "sb2", "chest_cm": "100"},
    "custom-cabinet": {"width_mm": 800, "doors": "double"},
}


def main() -> dict:
    setup_django()
    from orders.demo import CABINET, SUIT

    complete = {"mtm-suit": SUIT, "custom-cabinet": CABINET}
    from django.conf import settings
    from django.test import Client, override_settings

    from bom.selectors import engine_for, version_get_published

    # One client calling as fast as it can would be throttled; the benchmark measures the work.
    unthrottled = override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []})
    unthrottled.enable()
    client = Client(HTTP_HOST="localhost")
    figures: dict = {"benchmark": "configure", "products": {}}
    for slug in PARTIAL:
        engine = engine_for(version_get_published(slug=slug))
        assert client.get(f"/api/v1/products/{slug}/").status_code == 200
        baseline = timed(lambda slug=slug: client.get(f"/api/v1/products/{slug}/"))
        entry = {"http_product_get_baseline": baseline}
        for name, spec in (("partial", PARTIAL[slug]), ("complete", complete[slug])):
            entry[f"engine_{name}"] = timed(lambda spec=spec, engine=engine: engine.configure(spec))
            check = client.post(f"/api/v1/products/{slug}/configure/", {"spec": spec}, content_type="application/json")
            assert check.status_code == 200, check.content
            http = timed(
                lambda spec=spec, slug=slug: client.post(
                    f"/api/v1/products/{slug}/configure/", {"spec": spec}, content_type="application/json"
                )
            )
            http["ratio_to_baseline"] = round(http["p50_ms"] / baseline["p50_ms"], 2)
            entry[f"http_{name}"] = http
        figures["products"][slug] = entry
    return figures


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
