"""The configurator engine alone: configure figures per product, beside the naive search.

Run: `cd bench && python bench_configurator.py` (about two minutes).

Pure engine (no Django, no database): the catalog files of bom/catalog/ (resources made up from
the items and work centers they name), and synthetic products (tests.support.synthetic) of 40
choice options of up to 8 values with 80 rules, 80 with 160, and 40/80 with 10 number options,
300 BOM lines and 30 operations. Specs are drawn from random valid configurations (random walks
through offered values) at fill levels 0%, 25%, 50% and 90% ("partial": what a customer clicking
through costs), and whole ("complete": domains plus price, BOM, routing and footprint). Each call
starts with cold caches. Also: compile (publish) time and the publish-time analysis time.

Baseline, measured in the same run on the same specs: the reference search (search.py), which
tries each value of each option by backtracking over the grid. It can take minutes on one spec,
so each call gets a deadline; a call past it counts at the deadline (so its figures, and the
ratios, are lower bounds) and `naive_timeouts` says how many. Prints JSON: wall-clock p50/p95 and,
since other processes share the machine, the CPU-time p50/p95 of the same calls.
"""

import json
import random
import signal
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bom.configurator import compile_product  # noqa: E402
from bom.configurator.analysis import analyse  # noqa: E402
from bom.configurator.decimals import fmt  # noqa: E402
from tests.support.synthetic import synthetic_product  # noqa: E402

FILLS = (0.0, 0.25, 0.5, 0.9)
SPECS_PER_FILL = 12
MIN_SECONDS = 1.5
NAIVE_SPECS_PER_FILL = 2
NAIVE_DEADLINE_S = 2.0
TARGETS = {
    "synthetic-40x80": {"partial_p95_ms": 2.0},
    "synthetic-80x160": {"partial_p95_ms": 5.0},
    "synthetic-40x80-n10-bom300-ops30": {"complete_p95_ms": 5.0},
    "compile_s": 10.0,
    "ratio_to_naive": 15.0,
}
SYNTHETIC = {
    "synthetic-40x80": {"choice_options": 40, "values_per_option": 8, "rules": 80},
    "synthetic-80x160": {"choice_options": 80, "values_per_option": 8, "rules": 160},
    "synthetic-40x80-n10-bom300-ops30": {
        "choice_options": 40,
        "values_per_option": 8,
        "rules": 80,
        "number_options": 10,
        "bom_lines": 300,
        "operations": 30,
    },
}


def catalog_product(path: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """A catalog file and plausible facts for the items and work centers it names."""
    definition = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = {}
    for line in definition.get("bom") or []:
        sku = line.get("item")
        if sku:
            uom, decimals = ("pcs", 0)
            if sku.startswith(("FAB-", "LIN-", "CANVAS", "WB-")):
                uom, decimals = ("m", 2)
            elif sku.startswith(("BRD-", "HW-BACK")):
                uom, decimals = ("m2", 2)
            items[sku] = {"name": sku, "uom": uom, "decimals": decimals, "co2e_kg": "1.5"}
    centers = {
        op["work_center"]: {"name": op["work_center"], "power_kw": "2.5"} for op in definition.get("routing") or []
    }
    return definition, {"items": items, "work_centers": centers, "grid_co2e_kg_per_kwh": "0.581"}


def random_valid_spec(engine: Any, rng: random.Random) -> dict[str, Any]:
    """A complete valid spec: a random walk that picks only offered values."""
    spec: dict[str, Any] = {}
    left_empty: set[str] = set()
    for _ in range(10 * len(engine.options) + 10):
        result = engine.configure(spec)
        for key, messages in result["errors"].items():
            if any(m.startswith("Does not apply") for m in messages):
                spec.pop(key, None)
        open_ = [
            k
            for k in result["applicable"]
            if k not in result["normalized_spec"] and k not in left_empty and "max_length" not in result["domains"][k]
        ]
        if not open_:
            if result["valid"]:
                return result["normalized_spec"]
            raise RuntimeError(f"a walk through offered values ended invalid: {result['errors']}")
        key = rng.choice(open_)
        domain = result["domains"][key]
        if "ranges" in domain:
            if not domain["ranges"]:
                left_empty.add(key)
                continue
            low, high = rng.choice(domain["ranges"])
            option = next(o for o in engine._options if o.key == key)
            values = [v for v in option.values if float(low) <= float(v) <= float(high)]
            spec[key] = fmt(rng.choice(values))
        elif domain["choices"]:
            spec[key] = rng.choice(domain["choices"])
        else:
            left_empty.add(key)
    raise RuntimeError("the walk did not end")


def specs_for(engine: Any, seed: int) -> dict[str, list[dict[str, Any]]]:
    rng = random.Random(seed)
    full = [random_valid_spec(engine, rng) for _ in range(SPECS_PER_FILL)]
    out: dict[str, list[dict[str, Any]]] = {}
    for fill in FILLS:
        out[f"{int(fill * 100)}%"] = [
            {k: spec[k] for k in rng.sample(sorted(spec), k=int(len(spec) * fill))} for spec in full
        ]
    out["complete"] = full
    return out


def cold(engine: Any) -> None:
    """Forget what earlier calls left in the engine's caches (rule-alone checks of rules over
    numbers), so that repeating the same specs measures first calls."""
    for model in engine._models.values():
        model._rule_cache.clear()


def sample(
    calls: list[Callable[[], object]], *, engine: Any = None, min_seconds: float = MIN_SECONDS
) -> dict[str, float]:
    """Run the calls round-robin for a while; per-call p50/p95 (wall and CPU) in ms."""
    wall: list[float] = []
    cpu: list[float] = []
    start = time.perf_counter()
    while len(wall) < 2 * len(calls) or time.perf_counter() - start < min_seconds:
        call = calls[len(wall) % len(calls)]
        if engine is not None:
            cold(engine)
        t0, c0 = time.perf_counter(), time.thread_time()
        call()
        cpu.append(time.thread_time() - c0)
        wall.append(time.perf_counter() - t0)
    return summary(wall, cpu)


def summary(wall: list[float], cpu: list[float]) -> dict[str, float]:
    wall, cpu = sorted(wall), sorted(cpu)

    def p95(xs: list[float]) -> float:
        return xs[max(0, int(len(xs) * 0.95) - 1)]

    return {
        "runs": len(wall),
        "p50_ms": round(statistics.median(wall) * 1000, 3),
        "p95_ms": round(p95(wall) * 1000, 3),
        "cpu_p50_ms": round(statistics.median(cpu) * 1000, 3),
        "cpu_p95_ms": round(p95(cpu) * 1000, 3),
    }


class Deadline(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Deadline


def naive(engine: Any, specs: list[dict[str, Any]]) -> tuple[dict[str, float], int]:
    """The reference search on each spec once, each call cut at the deadline (counted at it)."""
    signal.signal(signal.SIGALRM, _alarm)
    wall: list[float] = []
    cpu: list[float] = []
    timeouts = 0
    for spec in specs:
        t0, c0 = time.perf_counter(), time.thread_time()
        signal.setitimer(signal.ITIMER_REAL, NAIVE_DEADLINE_S)
        try:
            engine.configure_reference(spec)
        except Deadline:
            timeouts += 1
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        cpu.append(time.thread_time() - c0)
        wall.append(time.perf_counter() - t0)
    return summary(wall, cpu), timeouts


def measure(name: str, definition: dict[str, Any], resources: dict[str, Any], seed: int) -> dict[str, Any]:
    t0 = time.perf_counter()
    engine = compile_product(definition, resources)
    compile_s = time.perf_counter() - t0
    specs = specs_for(engine, seed)
    entry: dict[str, Any] = {
        "options": len(definition["options"]),
        "rules": len(definition.get("rules") or []),
        "bom_lines": len(definition.get("bom") or []),
        "operations": len(definition.get("routing") or []),
        "compile_s": round(compile_s, 3),
        "warnings": len(engine.warnings),
    }
    partial = [s for fill in FILLS for s in specs[f"{int(fill * 100)}%"]]
    for label, group in specs.items():
        entry[f"configure_{label}"] = sample(
            [lambda s=s: engine.configure(s) for s in group], engine=engine, min_seconds=0.5
        )
    entry["configure_partial"] = sample([lambda s=s: engine.configure(s) for s in partial], engine=engine)
    entry["configure_complete"] = sample([lambda s=s: engine.configure(s) for s in specs["complete"]], engine=engine)
    assert all(engine.configure(s)["valid"] for s in specs["complete"])
    t0 = time.perf_counter()
    findings = analyse(engine)
    entry["analyse_s"] = round(time.perf_counter() - t0, 3)
    entry["findings"] = len(findings)
    naive_specs = [s for fill in FILLS for s in specs[f"{int(fill * 100)}%"][:NAIVE_SPECS_PER_FILL]]
    # the same specs, by the compiled engine, for a like-for-like ratio
    same = sample([lambda s=s: engine.configure(s) for s in naive_specs], engine=engine, min_seconds=0.5)
    baseline, timeouts = naive(engine, naive_specs)
    entry["naive_partial"] = baseline
    entry["naive_timeouts"] = timeouts
    entry["naive_deadline_s"] = NAIVE_DEADLINE_S
    entry["ratio_to_naive_p50"] = round(baseline["p50_ms"] / same["p50_ms"], 1)
    entry["ratio_to_naive_cpu_p50"] = round(baseline["cpu_p50_ms"] / same["cpu_p50_ms"], 1)
    return entry


def main() -> dict[str, Any]:
    figures: dict[str, Any] = {"benchmark": "configurator", "targets": TARGETS, "products": {}}
    for path in sorted((ROOT / "bom" / "catalog").glob("*.yaml")):
        definition, resources = catalog_product(path)
        figures["products"][definition["slug"]] = measure(definition["slug"], definition, resources, seed=7)
    for name, sizes in SYNTHETIC.items():
        definition, resources = synthetic_product(seed=2024, **sizes)
        figures["products"][name] = measure(name, definition, resources, seed=11)
    products = figures["products"]
    figures["acceptance"] = {
        "partial_p95_ms_40x80": products["synthetic-40x80"]["configure_partial"]["p95_ms"],
        "partial_p95_ms_80x160": products["synthetic-80x160"]["configure_partial"]["p95_ms"],
        "complete_p95_ms_40x80_n10_bom300": products["synthetic-40x80-n10-bom300-ops30"]["configure_complete"][
            "p95_ms"
        ],
        "max_compile_s": max(p["compile_s"] for p in products.values()),
        "max_analyse_s": max(p["analyse_s"] for p in products.values()),
        "min_ratio_to_naive_p50": min(p["ratio_to_naive_p50"] for p in products.values()),
    }
    return figures


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
