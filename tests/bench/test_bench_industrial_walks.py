"""The industrial benchmark (bench/bench_industrial.py): its specs and its publish budget; pure, no
database. The benchmark itself runs in `make bench`, never in the test suite."""

import importlib.util
import sys
from pathlib import Path

from bom.configurator import compile_product
from tests.support.feature_models import feature_model_product
from tests.support.sat_oracle import SatOracle

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_industrial.py"
spec = importlib.util.spec_from_file_location("bench_industrial", BENCH)
assert spec is not None and spec.loader is not None
bench_industrial = importlib.util.module_from_spec(spec)
sys.modules["bench_industrial"] = bench_industrial
spec.loader.exec_module(bench_industrial)


def test_walks_give_partial_specs_that_extend_and_end_in_a_valid_configuration():
    # given a small feature model with numbers, and its oracle
    model = feature_model_product(seed=9, options=40, rules=100, number_options=3)
    oracle = SatOracle(model.definition)
    product = compile_product(model.definition, model.resources)
    # when three walks are taken through it
    specs = bench_industrial.walks(model.definition, oracle, 3, seed=9)
    # then each walk gives one spec per fill level, from empty to complete
    fills = len(bench_industrial.FILLS)
    assert len(specs) == 3 * fills
    assert all(specs[i * fills] == {} for i in range(3))
    # and every spec extends to a valid configuration, the last of each walk being one
    for spec in specs:
        assert oracle.extends(spec)
        errors = product.configure(spec)["errors"]
        # (the one option still missing is named, API.md; anything else would be a conflict)
        assert all(messages == ["This option is required."] for messages in errors.values()), errors
    for i in range(3):
        answer = product.configure(specs[(i + 1) * fills - 1])
        assert answer["valid"], answer["errors"]


def test_a_publish_past_its_budget_is_cut_and_recorded_as_such():
    # given work that would take far longer than a one-second budget
    def forever() -> None:
        while True:
            pass

    # when it runs within the budget, then it is cut there, and nothing is returned
    result, elapsed = bench_industrial.within(1, forever)
    assert result is None and 1 <= elapsed < 5
    # and work that finishes is returned with its time
    assert bench_industrial.within(5, lambda: 42)[0] == 42
