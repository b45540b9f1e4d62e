"""The browser benchmark's arithmetic (bench/bench_browser.py): pure, no browser, no database. The
benchmark itself runs in `make bench`, never in the test suite."""

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_browser.py"
spec = importlib.util.spec_from_file_location("bench_browser", BENCH)
assert spec is not None and spec.loader is not None
bench_browser = importlib.util.module_from_spec(spec)
sys.modules["bench_browser"] = bench_browser
spec.loader.exec_module(bench_browser)


def test_summary_gives_the_median_and_the_95th_percentile_as_the_other_benchmarks_do():
    # given 20 samples, shuffled
    samples = [float(x) for x in (7, 3, 20, 1, 15, 9, 12, 2, 18, 5, 11, 4, 16, 8, 19, 6, 13, 10, 17, 14)]
    # when summarised
    figures = bench_browser.summary(samples)
    # then p50 is the median and p95 the 19th of 20 (common.timed's rule)
    assert figures == {"runs": 20, "p50_ms": 10.5, "p95_ms": 19.0}


def test_summary_of_one_sample_is_that_sample():
    assert bench_browser.summary([42.04]) == {"runs": 1, "p50_ms": 42.0, "p95_ms": 42.0}


def test_figures_of_actions_time_each_part_and_take_the_median_bytes():
    # given three choices, each with its times and what it sent
    def action(input_ms, request_ms, server_ms, received):
        sizes = {"requests": 1, "from_cache": 1, "sent": 1000, "received": received, "response_bodies": received - 600}
        return {"input_ms": input_ms, "request_ms": request_ms, "server_ms": server_ms, "bytes": sizes}

    samples = [action(30.0, 29.0, 20.0, 12000), action(50.0, 48.0, 35.0, 12100), action(40.0, 39.0, 30.0, 12050)]
    # when their figures are taken
    figures = bench_browser.figures_of(samples, "input_ms")
    # then each time has its p50, and the bytes are the median action's
    assert figures["runs"] == 3
    assert figures["p50_ms"] == 40.0
    assert figures["request"]["p50_ms"] == 39.0
    assert figures["server"]["p50_ms"] == 30.0
    assert "dcl" not in figures
    assert figures["bytes"] == {
        "requests": 1,
        "from_cache": 1,
        "sent": 1000,
        "received": 12050,
        "response_bodies": 11450,
    }
