"""Run the benchmark suite and print Markdown tables: ``python benchmarks/run.py [--quick]``.

Times every workload of issue 8 against the plain float/NumPy evaluation and
against every peer library that is installed, in this one process, and prints
one table per workload (absolute medians, spread, ratios to the reference rows),
then the targets. ``--json PATH`` also saves the raw results.

    python benchmarks/run.py            # the full run (a few minutes with every peer)
    python benchmarks/run.py --quick    # a smoke run: smaller sizes, fewer repeats
    python benchmarks/run.py --only 1a,2 --json results.json

The exit status is 1 when a dualdiff or baseline row fails or gives a wrong
result (a peer that fails is reported in its row, not fatal), else 0.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

# Measure the source tree this script sits in, whatever is installed.
ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "benchmarks":
    sys.path[0] = str(ROOT)
elif str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.environment import environment  # noqa: E402
from benchmarks.measure import Result, run_cases  # noqa: E402
from benchmarks.report import (  # noqa: E402
    as_json,
    machine_lines,
    targets_table,
    workload_table,
)
from benchmarks.summary import summary_table  # noqa: E402
from benchmarks.timing import Settings  # noqa: E402
from benchmarks.workloads import all_workloads  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: smaller sizes and fewer repeats (seconds, not minutes)")
    parser.add_argument("--json", metavar="PATH", help="also write the raw results as JSON")
    parser.add_argument("--only", metavar="KEYS",
                        help="comma-separated workload keys to run (e.g. 1a,1b,2)")
    args = parser.parse_args(argv)

    settings = Settings.quick() if args.quick else Settings.full()
    workloads = all_workloads(args.quick)
    if args.only:
        keys = {k.strip() for k in args.only.split(",")}
        workloads = [w for w in workloads if w.key in keys or w.key.rstrip("ab") in keys]

    started = time.perf_counter()
    results: dict[str, dict[str, Result]] = {}
    notes: dict[str, list[str]] = {}
    sections = []
    for workload in workloads:
        results[workload.key] = run_cases(workload.cases, settings)
        notes[workload.key] = [n() if callable(n) else n for n in workload.notes]
        sections.append("\n\n".join([workload_table(workload, results[workload.key]),
                                     *notes[workload.key]]))
        print(sections[-1] + "\n", flush=True)

    machine = environment()
    mode = "quick (smoke run, reduced sizes)" if args.quick else "full"
    print(f"### Machine and run\n\n{machine_lines(machine)}\n- mode: {mode}; "
          f"{settings.repeats} repeats of ≥ {settings.repeat_seconds * 1000:g} ms each "
          f"(one-off cases: {settings.cold_repeats} fresh calls); "
          f"total {time.perf_counter() - started:.0f} s\n")
    print(summary_table({w.key: w.title for w in workloads}, results) + "\n")
    print(targets_table(results, args.quick))
    if args.json:
        Path(args.json).write_text(as_json(machine, {"mode": mode, **vars(settings)}, workloads,
                                           results, notes) + "\n", encoding="utf-8")
        print(f"\nRaw results written to {args.json}")

    broken = [r for table in results.values() for r in table.values()
              if r.status in ("failed", "wrong") and r.case.kind != "peer"]
    for r in broken:
        print(f"error: {r.case.label}: {r.message}", file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
