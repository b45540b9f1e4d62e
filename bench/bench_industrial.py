"""The configurator at industrial size (issue 10): publish and configure on feature-model products
of 200 options / 900 rules and 2,500 options / 7,000 rules, beside a plain SAT oracle.

Run: `cd bench && python bench_industrial.py` (about two minutes; pure engine, no database).

Products come from tests/support/feature_models.py (seeded): a feature tree of mandatory, optional,
alternative and or groups with cross-tree constraints, and number options (5% of the options) that
no rule reads. For each size:

- publish: `compile_product` wall time, or the refusal (its first problem and its time);
- configure: partial specs along random walks (each step sets one more option that applies, to a
  value that extends to a valid configuration), taken at fill levels 0% to 100% of each walk; one
  call per spec, with the excluded values' explanations as the answer always has them; p50 / p95 /
  max in ms;
- baseline, same run, same specs and the same domain questions (the options the engine answered a
  domain for): the SAT oracle (tests/support/sat_oracle.py, CaDiCaL with assumptions, one solver
  per product) answering each option's domain, without explanations; its build time and the number
  of SAT calls. Numbers are not in the oracle (no rule reads them here, so it is exact), and each
  step's domains are checked equal to the engine's (`disagreements`).

Prints JSON.
"""

import json
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bom.configurator import CatalogError, compile_product  # noqa: E402
from bom.expressions import MissingValue, NameInfo, parse  # noqa: E402
from tests.support.feature_models import feature_model_product  # noqa: E402
from tests.support.sat_oracle import SatOracle  # noqa: E402

FILLS = (0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0)
SIZES = {
    "features-200x900": {"options": 190, "number_options": 10, "rules": 900, "walks": 12},
    "features-2500x7000": {"options": 2375, "number_options": 125, "rules": 7000, "walks": 2},
}
TARGETS = {  # issue 10, on this 2-core machine
    "features-200x900": {"publish_s": 10.0, "configure_p95_ms": 10.0},
    "features-2500x7000": {"publish_s": 60.0, "configure_p95_ms": 50.0},
}


def walks(definition: dict[str, Any], oracle: SatOracle, count: int, seed: int) -> list[dict[str, Any]]:
    """Partial specs at each fill level of `count` random walks to a complete valid configuration."""
    rng = random.Random(seed)
    names = {
        o["key"]: NameInfo(o["type"], tuple(c["value"] for c in o.get("choices", []))) for o in definition["options"]
    }
    whens = {o["key"]: parse(o["when"], names=names) for o in definition["options"] if o.get("when")}
    options = definition["options"]

    def applies(key: str, spec: dict[str, Any]) -> bool:
        if key not in whens:
            return True
        try:
            return whens[key].evaluate(spec) is True
        except MissingValue:
            return False

    specs: list[dict[str, Any]] = []
    for _ in range(count):
        spec: dict[str, Any] = {}
        steps = [dict(spec)]
        while True:
            open_ = [o for o in options if o["key"] not in spec and applies(o["key"], spec)]
            if not open_:
                break
            option = rng.choice(open_)
            key = option["key"]
            if option["type"] == "number":
                spec[key] = rng.randrange(0, 101) * 10
            else:
                values = list(oracle.values[key])
                rng.shuffle(values)
                spec[key] = next(v for v in values if oracle.extends({**spec, key: v}))
            steps.append(dict(spec))
        specs.extend(steps[round(fill * (len(steps) - 1))] for fill in FILLS)
    return specs


def stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "runs": len(ordered),
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 3),
        "max_ms": round(ordered[-1] * 1000, 3),
    }


def publish(definition: dict[str, Any], resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    t0 = time.perf_counter()
    try:
        product = compile_product(definition, resources)
    except CatalogError as exc:
        problems = exc.problems
        return None, {
            "refused_after_s": round(time.perf_counter() - t0, 3),
            "problems": len(problems),
            "first_problem": f"{problems[0].path}: {problems[0].message}",
            "message_chars": len(str(exc)),
        }
    return product, {"publish_s": round(time.perf_counter() - t0, 3)}


def configure_and_compare(product: Any, oracle: SatOracle, specs: list[dict[str, Any]]) -> dict[str, Any]:
    engine: list[float] = []
    sat: list[float] = []
    calls: list[int] = []
    disagreements = 0
    for spec in specs:
        t0 = time.perf_counter()
        answer = product.configure(spec)
        engine.append(time.perf_counter() - t0)
        keys = [k for k in answer["domains"] if k in oracle.values]
        before = oracle.calls
        t0 = time.perf_counter()
        expected = oracle.domains(answer["normalized_spec"], keys)
        sat.append(time.perf_counter() - t0)
        calls.append(oracle.calls - before)
        disagreements += sum(answer["domains"][k]["choices"] != expected[k] for k in keys)
    return {
        "configure": stats(engine),
        "sat_oracle_domains": {**stats(sat), "sat_calls_p50": statistics.median(calls)},
        "ratio_p50_to_oracle": round(statistics.median(engine) / statistics.median(sat), 2),
        "disagreements": disagreements,
    }


def measure(name: str, size: dict[str, int], seed: int) -> dict[str, Any]:
    model = feature_model_product(
        seed=seed, options=size["options"], rules=size["rules"], number_options=size["number_options"]
    )
    definition = model.definition
    entry: dict[str, Any] = {
        "options": len(definition["options"]),
        "rules": len(definition["rules"]),
        "features": len(model.features),
    }
    t0 = time.perf_counter()
    oracle = SatOracle(definition)
    entry["sat_oracle_build_s"] = round(time.perf_counter() - t0, 3)
    specs = walks(definition, oracle, size["walks"], seed)
    entry["specs"] = len(specs)
    product, entry["publish"] = publish(definition, model.resources)
    if product is not None:
        entry.update(configure_and_compare(product, oracle, specs))
    else:
        sat = []
        for spec in specs:
            t0 = time.perf_counter()
            oracle.domains(spec)
            sat.append(time.perf_counter() - t0)
        # No engine answer to take the questions from: the oracle answers every option's domain.
        entry["sat_oracle_domains"] = {**stats(sat), "questions": "every option"}
    entry["targets"] = TARGETS[name]
    oracle.close()
    return entry


def main() -> dict[str, Any]:
    return {
        "benchmark": "industrial",
        "products": {name: measure(name, size, seed=i + 1) for i, (name, size) in enumerate(SIZES.items())},
    }


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
