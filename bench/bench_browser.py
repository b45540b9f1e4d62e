"""The live configurator in a real browser: one choice, from input to updated page, beside a full
page load of the same configured page, measured in the same run; and the bytes each sends.

Run: `scripts/with-services .venv/bin/python bench/bench_browser.py` (one to two minutes on two
cores; `make bench` runs it with the others). Needs DATABASE_URL (PostgreSQL) and
CELERY_BROKER_URL (Redis). Collects the static files into staticfiles/ as `make serve` does.

The server is the production shape: gunicorn (config/gunicorn.py, WORKERS sync workers) with
config.settings.production (DEBUG off; WhiteNoise serves the collected, hashed static files with a
far-future Cache-Control), over plain HTTP on loopback, on the demo catalog (migrate, seed_demo).
The browser is Debian's Chromium (/usr/bin/chromium, never downloaded) driven by Playwright, as a
customer the benchmark signs up on the sign-up page.

For each demo product, on the page of a complete configuration (times from the page's own clock,
performance.now() and Navigation Timing, so Playwright's round trips are not in them):

- choice: CHOICES choices alternating between two values of a choice option (select_option);
  from the select's input event to the moment a swapped-in part holding the new price and a ship
  date is in the DOM (a MutationObserver on the page; the price expected is read first from a
  full load of that spec). Also from the request's start (htmx:before:request), and the server's
  part (Resource Timing: request sent to first byte back).
- baseline: after each choice, a full load of the page it configured, in the same tab (page.goto
  of the page with the spec in its query string, which is what the no-JS form's Update button
  does); from navigation start to the end of the `load` event. Choices and loads take turns, so
  both meet the same load on a shared machine. CSS and htmx come from the browser's cache on these
  repeat loads; FIRST_LOADS first loads (a fresh browser context each, nothing cached, the same
  session cookie) are measured too.
- typed: TYPED changes of a measurement typed into its field (fill); from the input event, which
  includes the page's deliberate 500 ms pause before it asks (hx-trigger `input delay:500ms`),
  and from the request's start.

Bytes: what went over the wire for the action, from Playwright's request sizes (request line,
headers and body sent; response headers and body as transferred); a request the browser's cache
answered (Resource Timing transferSize 0) counts 0 bytes, in `from_cache`. Medians per action.
Prints JSON.
"""

import json
import os
import secrets
import statistics
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import free_port, gunicorn, manage, server_env  # noqa: E402

from tests.support.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

CHOICES = 50
TYPED = 10
FIRST_LOADS = 6
WORKERS = 2
QUIET_S = 0.05  # after an action, the network is quiet when nothing started or ended for this long

SUIT = {
    "fabric": "wool-navy",
    "jacket": "sb2",
    "lapel": "notch",
    "vents": "center",
    "lining": "navy",
    "with_trousers": "true",
    "pleats": "flat",
    "height_cm": "180",
    "chest_cm": "100",
    "waist_cm": "86",
    "sleeve_cm": "64",
    "jacket_length_cm": "76",
    "inseam_cm": "82",
}
CABINET = {
    "width_mm": "800",
    "height_mm": "1800",
    "depth_mm": "400",
    "material": "oak-veneer",
    "doors": "double",
    "shelves": "4",
    "handle": "bar-steel",
}
# product: (complete spec, (choice option, its other value), (measurement, its other value))
PRODUCTS: dict[str, tuple[dict[str, str], tuple[str, str], tuple[str, str]]] = {
    "mtm-suit": (SUIT, ("fabric", "cashmere-grey"), ("chest_cm", "125")),
    "custom-cabinet": (CABINET, ("material", "walnut-veneer"), ("width_mm", "900")),
}

# Installed in every page before its own scripts: stamps the input, the request's start and the
# moment a new #live (htmx swaps it outerHTML) holding the expected price and a ship date is in
# the DOM; `settled` once htmx is done with it (htmx:after:settle, htmx 4's event name).
PROBE = """
(() => {
  const b = window.__bench = {armed: false, input: null, request: null, dom: null, settled: false,
                              expect: null, live: null};
  const stamp = () => { if (b.armed && b.input === null) b.input = performance.now(); };
  addEventListener("input", stamp, true);
  addEventListener("change", stamp, true);
  document.addEventListener("htmx:before:request", () => { if (b.armed) b.request = performance.now(); });
  document.addEventListener("htmx:after:settle", () => { if (b.armed && b.dom !== null) b.settled = true; });
  new MutationObserver(() => {
    if (!b.armed || b.dom !== null) return;
    const live = document.getElementById("live");
    const price = live && live !== b.live && live.querySelector(".price");
    if (price && price.textContent.trim() === b.expect && live.querySelector("#ship-date")) b.dom = performance.now();
  }).observe(document, {childList: true, subtree: true});
})();
"""
ARM = """expect => {
  const b = window.__bench;
  Object.assign(b, {armed: true, input: null, request: null, dom: null, settled: false, expect,
                    live: document.getElementById("live")});
  performance.clearResourceTimings();
}"""
DONE = "() => window.__bench.settled"
CACHED = 'performance.getEntriesByType("resource").filter(r => r.transferSize === 0).map(r => r.name)'
READ = f"""() => {{
  const b = window.__bench;
  b.armed = false;
  const fetched = performance.getEntriesByType("resource").filter(r => r.initiatorType === "fetch");
  return {{input_ms: b.dom - b.input, request_ms: b.dom - b.request,
           server_ms: fetched.length ? fetched[0].responseStart - fetched[0].requestStart : null,
           cached: {CACHED}}};
}}"""
NAVIGATION = f"""() => {{
  const nav = performance.getEntriesByType("navigation")[0];
  return {{load_ms: nav.loadEventEnd - nav.startTime, dcl_ms: nav.domContentLoadedEventEnd - nav.startTime,
           server_ms: nav.responseStart - nav.requestStart, cached: {CACHED}}};
}}"""


def summary(samples: list[float]) -> dict[str, float]:
    """Runs, p50 and p95 of samples in ms (p95 picked as in common.timed)."""
    ordered = sorted(samples)
    return {
        "runs": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 1),
    }


class Wire:
    """Requests and bytes over the wire while an action runs (Playwright's request sizes)."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.requests: list[Any] = []
        self.in_flight = 0
        self.last = time.monotonic()
        page.on("request", self._started)
        page.on("requestfinished", self._finished)
        page.on("requestfailed", self._failed)

    def _started(self, request: Any) -> None:
        self.in_flight += 1
        self.last = time.monotonic()

    def _finished(self, request: Any) -> None:
        self.in_flight -= 1
        self.last = time.monotonic()
        self.requests.append(request)

    def _failed(self, request: Any) -> None:
        self.in_flight -= 1
        self.last = time.monotonic()

    def start(self) -> None:
        self.requests.clear()

    def quiet(self) -> None:
        """Wait until no request is in flight and none started or ended for QUIET_S."""
        while self.in_flight > 0 or time.monotonic() - self.last < QUIET_S:
            self.page.wait_for_timeout(20)

    def take(self, *, cached: list[str]) -> dict[str, int]:
        """What the requests since start() sent and received; one the browser's cache answered
        (its Resource Timing transferSize is 0) counts 0 bytes."""
        out = {"requests": 0, "from_cache": 0, "sent": 0, "received": 0, "response_bodies": 0}
        for request in self.requests:
            if request.url in cached:
                out["from_cache"] += 1
                continue
            sizes = request.sizes()
            out["requests"] += 1
            out["sent"] += sizes["requestHeadersSize"] + sizes["requestBodySize"]
            out["received"] += sizes["responseHeadersSize"] + sizes["responseBodySize"]
            out["response_bodies"] += sizes["responseBodySize"]
        self.requests.clear()
        return out


def bytes_summary(takes: list[dict[str, int]]) -> dict[str, float]:
    """The median of each count over the actions."""
    return {key: statistics.median(t[key] for t in takes) for key in takes[0]}


def page_url(server: str, slug: str, spec: dict[str, str]) -> str:
    return f"{server}/products/{slug}/?{urlencode(spec)}"


def price_of(page: Any, url: str) -> str:
    page.goto(url)
    return str(page.locator("#live .price").inner_text()).strip()


def change(page: Any, wire: Wire, expect: str, act: Any) -> dict[str, Any]:
    """Arm the probe, act, wait until the new answer is in and settled; its times and bytes."""
    wire.start()
    page.evaluate(ARM, expect)
    act()
    page.wait_for_function(DONE, polling="raf", timeout=15_000)
    wire.quiet()
    times = page.evaluate(READ)
    return {**times, "bytes": wire.take(cached=times["cached"])}


def measure(browser: Any, state: dict[str, Any], server: str, slug: str) -> dict[str, Any]:
    spec, (option, other), (measurement, typed) = PRODUCTS[slug]
    specs = {"a": spec, "b": {**spec, option: other}, "t": {**spec, measurement: typed}}
    context = browser.new_context(storage_state=state)
    context.add_init_script(PROBE)
    page = context.new_page()
    wire = Wire(page)
    prices = {name: price_of(page, page_url(server, slug, s)) for name, s in specs.items()}
    if len(set(prices.values())) != len(prices):
        raise SystemExit(f"{slug}: the specs must have different prices to be told apart: {prices}")

    # Each choice, then a full load of the page it configured (in the same tab: CSS and htmx
    # cached), alternating b, a, b, ... from the page of a, so that the two are measured side by
    # side under the same load; the first two of each warm up.
    urls = {name: page_url(server, slug, s) for name, s in specs.items()}
    page.goto(urls["a"])
    choices, loads = [], []
    for i in range(CHOICES + 2):
        name, value = ("b", other) if i % 2 == 0 else ("a", spec[option])
        page.wait_for_function("window.htmx !== undefined")
        choices.append(
            change(page, wire, prices[name], lambda v=value: page.select_option(f"select[name={option}]", v))
        )
        loads.append(load(page, wire, urls[name]))
    choices, loads = choices[2:], loads[2:]
    # a typed measurement, alternating, from the page of a (where the choices ended)
    page.wait_for_function("window.htmx !== undefined")
    typing = []
    for i in range(TYPED):
        name, value = ("t", typed) if i % 2 == 0 else ("a", spec[measurement])
        typing.append(change(page, wire, prices[name], lambda v=value: page.fill(f"input[name={measurement}]", v)))
    context.close()
    # first loads: a fresh context each time (nothing cached), the same session
    firsts = []
    for _ in range(FIRST_LOADS):
        context = browser.new_context(storage_state=state)
        page = context.new_page()
        firsts.append(load(page, Wire(page), urls["b"]))
        context.close()

    choice = figures_of(choices, "input_ms")
    repeat = figures_of(loads, "load_ms")
    first = figures_of(firsts, "load_ms")
    return {
        "page_spec": spec,
        "choice": {"what": f"{option}: {spec[option]} <-> {other}", **choice},
        "typed": {"what": f"{measurement}: {spec[measurement]} <-> {typed}", **figures_of(typing, "input_ms")},
        "full_load_repeat": repeat,
        "full_load_first": first,
        "ratio_full_load_p50_to_choice_p50": round(repeat["p50_ms"] / choice["p50_ms"], 1),
        "ratio_first_load_p50_to_choice_p50": round(first["p50_ms"] / choice["p50_ms"], 1),
        "ratio_full_load_received_to_choice_received": round(
            repeat["bytes"]["received"] / choice["bytes"]["received"], 2
        ),
        "ratio_first_load_received_to_choice_received": round(
            first["bytes"]["received"] / choice["bytes"]["received"], 2
        ),
    }


def load(page: Any, wire: Wire, url: str) -> dict[str, Any]:
    """A full load of url until its `load` event; its times and bytes."""
    wire.start()
    page.goto(url, wait_until="load")
    wire.quiet()
    nav = page.evaluate(NAVIGATION)
    return {**nav, "bytes": wire.take(cached=nav["cached"])}


def figures_of(samples: list[dict[str, Any]], main: str) -> dict[str, Any]:
    """p50 / p95 of the main time, of the others beside it, and the median bytes."""
    out: dict[str, Any] = summary([s[main] for s in samples])
    for key in ("request_ms", "dcl_ms", "server_ms"):
        if key in samples[0]:
            out[key.removesuffix("_ms")] = summary([s[key] for s in samples])
    out["bytes"] = bytes_summary([s["bytes"] for s in samples])
    return out


def sign_up(browser: Any, server: str) -> dict[str, Any]:
    """A new customer signs up (and is logged in) on the sign-up page; the session's state."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server}/signup/")
    password = secrets.token_urlsafe(16)
    page.fill("input[name=username]", f"bench-{secrets.token_hex(4)}")
    page.fill("input[name=email]", "bench@example.com")
    page.fill("input[name=password1]", password)
    page.fill("input[name=password2]", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state("load")
    if "/signup/" in page.url:
        raise SystemExit(f"could not sign up: {page.locator('main').inner_text()}")
    state: dict[str, Any] = context.storage_state()
    context.close()
    return state


def main() -> dict[str, Any]:
    started = time.monotonic()
    port = free_port()
    env = server_env(port, workers=WORKERS)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    manage(env, "seed_demo")
    with gunicorn(env, port) as server:
        setup_s = time.monotonic() - started
        figures: dict[str, Any] = {
            "benchmark": "browser",
            "server": f"gunicorn, {WORKERS} workers, config.settings.production, PostgreSQL",
            "browser": CHROMIUM,
            "products": {},
        }
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            state = sign_up(browser, server)
            for slug in PRODUCTS:
                figures["products"][slug] = measure(browser, state, server, slug)
            browser.close()
        figures["setup_s"] = round(setup_s, 1)
        figures["total_s"] = round(time.monotonic() - started, 1)
        figures["load_average_1min"] = round(os.getloadavg()[0], 2)
        return figures


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
