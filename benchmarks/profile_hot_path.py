"""Where the scalar hot path spends its time: ``python benchmarks/profile_hot_path.py``.

Two views of workloads 1a and 2 (a derivative at a point of a small scalar function):

1. the cost of each elementary operation on a scalar Dual next to the same
   operation on floats, which is what the 8x target is made of (timeit, the
   best of many short repeats: on a shared machine the minimum is the least
   disturbed estimate of what an operation costs);
2. a cProfile of ``dd.derivative`` on both functions, sorted by own time
   (cProfile adds a fixed cost per Python call, so it overstates functions that
   are called often and do little: read its call counts, and the table above
   for the times).
"""

from __future__ import annotations

import cProfile
import io
import math
import pstats
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if sys.path and Path(sys.path[0]).resolve() == ROOT / "benchmarks":
    sys.path[0] = str(ROOT)

import dualdiff as dd  # noqa: E402
from benchmarks.problems import (  # noqa: E402
    SURVEY_POINT,
    WAVE_POINT,
    make_survey,
    make_wave_sum,
)
from benchmarks.report import markdown_table  # noqa: E402

# (label, statement on Duals, the same statement on floats)
OPERATIONS = [
    ("x * y", "x * y", "a * b"),
    ("x + y", "x + y", "a + b"),
    ("x * 3.0", "x * 3.0", "a * 3.0"),
    ("3 * x (int, reflected)", "3 * x", "3 * a"),
    ("x / 3 (int)", "x / 3", "a / 3"),
    ("-x", "-x", "-a"),
    ("sin(x)", "sin(x)", "msin(a)"),
    ("exp(x)", "exp(x)", "mexp(a)"),
    ("log(x)", "log(x)", "mlog(a)"),
    ("x ** 2", "x ** 2", "a ** 2"),
    ("_new(p, t, tag) alone", "new(0.5, 1.0, 1)", "None"),
    ("Dual(p, t) (validating)", "Dual(0.5, 1.0)", "None"),
    ("dd.derivative(identity)", "derivative(identity, 0.5)", "identity(a)"),
]


def _time(stmt: str, namespace: dict) -> float:
    timer = timeit.Timer(stmt, globals=namespace)
    number, _ = timer.autorange()
    number = max(1, number // 4)
    return min(timer.repeat(25, number)) / number


def operation_costs() -> str:
    from dualdiff.dual import _new

    namespace = {
        "x": dd.Dual(0.5, 1.0, tag=1), "y": dd.Dual(0.25, 1.0, tag=1), "a": 0.5, "b": 0.25,
        "sin": dd.sin, "exp": dd.exp, "log": dd.log, "msin": math.sin, "mexp": math.exp,
        "mlog": math.log, "new": _new, "Dual": dd.Dual, "derivative": dd.derivative,
        "identity": lambda z: z,
    }
    empty = _time("None", namespace)
    rows = []
    for label, on_dual, on_float in OPERATIONS:
        t_dual = _time(on_dual, namespace) - empty
        t_float = _time(on_float, namespace) - empty
        rows.append([label, f"{t_dual * 1e9:.0f} ns", f"{max(t_float, 0) * 1e9:.0f} ns",
                     f"{t_dual / t_float:.1f}" if t_float > 2e-9 else "—"])
    return markdown_table(["operation", "scalar Dual", "float", "ratio"], rows)


def profile(label: str, f, x: float, calls: int) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(calls):
        dd.derivative(f, x)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime")
    stats.print_stats(14)
    return f"#### cProfile: {label}, {calls} calls\n\n```\n{out.getvalue().strip()}\n```"


def main() -> None:
    print("### Cost per elementary operation (empty statement subtracted)\n")
    print(operation_costs() + "\n")
    x1, x2 = SURVEY_POINT
    survey = make_survey(dd)
    print(profile("workload 1a, dd.derivative", lambda x: survey(x, x2), x1, 20_000) + "\n")
    print(profile("workload 2, dd.derivative", make_wave_sum(dd), WAVE_POINT, 500))


if __name__ == "__main__":
    main()
