"""Run every benchmark and print one JSON document (make bench)."""

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    "bench_configure.py",
    "bench_placement.py",
    "bench_allocation.py",
    "bench_configurator.py",
    "bench_industrial.py",
    "bench_browser.py",
    # Last: it leaves 2,000 open production orders in the database, which the others would plan around.
    "bench_replan.py",
]


def main() -> int:
    results = {}
    for name in BENCHMARKS:
        out = subprocess.run([sys.executable, str(HERE / name)], cwd=HERE, capture_output=True, text=True)
        if out.returncode != 0:
            sys.stderr.write(out.stderr)
            return out.returncode
        results[name.removesuffix(".py")] = json.loads(out.stdout)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
