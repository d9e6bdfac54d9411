"""The benchmark suite keeps running: a quick smoke run, and its bookkeeping.

No timing is asserted here (timings depend on the machine); what is asserted
is that the suite runs, prints its tables with the dualdiff rows, checks the
results it times, and reports a missing peer as skipped rather than failing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.cases import Case, Unavailable, peer  # noqa: E402
from benchmarks.measure import run_case  # noqa: E402
from benchmarks.timing import Settings  # noqa: E402


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench") / "results.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--json", str(out)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    return done, out


def test_quick_run_exits_cleanly(quick_run):
    done, _ = quick_run
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.mark.parametrize("row", [
    "| dualdiff dd.derivative ",
    "| dualdiff dd.grad ",
    "| dualdiff dd.jvp(h, x, ones) ",
    "| dualdiff dd.grad, loop: 1 pass × n directions ",
    "| float, math.* (plain float) ",
    "| NumPy h(x), value only (plain NumPy) ",
])
def test_quick_run_prints_the_dualdiff_and_baseline_rows(quick_run, row):
    done, _ = quick_run
    lines = [line for line in done.stdout.splitlines() if line.startswith(row)]
    assert lines, f"no row {row!r} in the output"
    for line in lines:
        assert "FAILED" not in line and "WRONG" not in line, line


def test_quick_run_prints_every_workload_the_machine_and_the_targets(quick_run):
    done, _ = quick_run
    for heading in ("### Workload 1a", "### Workload 1b", "### Workload 2", "### Workload 3",
                    "### Workload 4", "### Workload 5", "### Workload 6a", "### Workload 6b",
                    "### Machine and run", "### Summary", "### Targets (issue 8)"):
        assert heading in done.stdout
    assert "- cpu: " in done.stdout and "- python: " in done.stdout
    assert "- numpy: " in done.stdout


def test_quick_run_saves_the_raw_results_as_json(quick_run):
    _, out = quick_run
    data = json.loads(out.read_text(encoding="utf-8"))
    keys = [w["key"] for w in data["workloads"]]
    assert keys == ["1a", "1b", "2", "3", "4", "5", "6a", "6b"]
    first = data["workloads"][0]["cases"]
    derivative = next(c for c in first if c["label"] == "dualdiff dd.derivative")
    assert derivative["status"] == "ok"
    assert derivative["timing"]["median"] > 0


def test_a_missing_peer_is_skipped_not_an_error():
    with pytest.raises(Unavailable, match=r"skipped \(no_such_peer_xyz not installed\)"):
        peer("no_such_peer_xyz")


def test_a_wrong_result_is_reported_and_not_timed():
    result = run_case(Case("off by one", "dualdiff", lambda: (lambda: 3.0), expected=2.0),
                      Settings.quick())
    assert result.status == "wrong" and result.timing is None


def test_a_failing_case_is_a_row_not_a_crash():
    def broken():
        raise ZeroDivisionError("boom")

    result = run_case(Case("broken", "peer", broken), Settings.quick())
    assert result.status == "failed" and "ZeroDivisionError" in result.message


@pytest.mark.parametrize("module", ["timing", "machine", "cases", "problems", "measure", "report",
                                    "targets", "environment", "floor", "summary"])
def test_the_examples_in_the_docstrings_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"benchmarks.{module}"))
    assert result.attempted > 0 and result.failed == 0
