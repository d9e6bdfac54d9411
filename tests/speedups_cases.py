"""Cases on which the compiled and the pure-Python Dual must agree bit for bit.

``outcomes()`` runs every case and describes each result exactly (float.hex of
primal and tangent, the tag, the type; or the exception's class), so two
processes, one with ``DUALDIFF_PURE_PYTHON=1``, can compare their lists.
Run as a script, it prints the list as JSON.

The points mix the special values where the two paths part ways (0, -0, inf,
nan, overflow, subnormals, domain edges, huge ints, bools) with seeded random
ones over many magnitudes.
"""

from __future__ import annotations

import json
import math
import operator
import random
import warnings
from typing import Any

import numpy as np

import dualdiff as dd
from dualdiff import Dual
from dualdiff.kernels import KERNEL_RULES

SPECIAL = [
    0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 2.0, 3.0, -2.5, 0.7, math.pi / 2, 1e-8, -1e-8,
    0.9999999999999999, 1.0000000000000002, -1.0000000000000002, 1e-300, 5e-324,
    1e300, -1e300, 1.7976931348623157e308, 710.0, -745.0, 20.0, 400.0,
    math.inf, -math.inf, math.nan,
]
TANGENTS = [1.0, -0.0, 0.0, 2.5, -1e308, math.inf, math.nan]
CONSTANTS = [0, 1, 2, 3, -1, -2, 10**400, True, 0.0, -0.0, 2.0, 0.5, -3.5, 1e308,
             math.inf, math.nan]


def _random_floats(rng: random.Random, n: int) -> list[float]:
    return [rng.choice((-1.0, 1.0)) * 10.0 ** rng.uniform(-12, 12) for _ in range(n)]


def _describe(value: Any) -> Any:
    if isinstance(value, Dual):
        return [type(value).__name__, _describe(value.primal), _describe(value.tangent),
                value.tag]
    if type(value) is float:
        return "nan" if value != value else value.hex()
    if isinstance(value, np.ndarray):
        return ["ndarray"] + [_describe(float(v)) for v in value.ravel()]
    return [type(value).__name__, repr(value)]


def _run(f, *args) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _describe(f(*args))
    except Exception as error:  # noqa: BLE001 -- the exception is the outcome
        return ["raises", type(error).__name__]


BINARY = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
          "**": operator.pow}


def cases() -> list[tuple[str, Any]]:
    """(description, thunk) for every case."""
    rng = random.Random(20261122)
    points = SPECIAL + _random_floats(rng, 60)
    out: list[tuple[str, Any]] = []
    for name, op in BINARY.items():
        for p in points:
            for q in SPECIAL:
                a, b = Dual(p, 1.0), Dual(q, -0.5)
                out.append((f"Dual({p!r}) {name} Dual({q!r})", lambda a=a, b=b, op=op: op(a, b)))
            for c in CONSTANTS:
                a = Dual(p, 0.75)
                out.append((f"Dual({p!r}) {name} {c!r:.30}", lambda a=a, c=c, op=op: op(a, c)))
                out.append((f"{c!r:.30} {name} Dual({p!r})", lambda a=a, c=c, op=op: op(c, a)))
        for t in TANGENTS:
            for s in TANGENTS:
                a, b = Dual(1.5, t), Dual(-0.25, s)
                out.append((f"tangents {t!r} {name} {s!r}", lambda a=a, b=b, op=op: op(a, b)))
        # Different tags, a directions axis, an array: the Python path, through C.
        out.append((f"tags {name}", lambda op=op: op(Dual(1.5, 1.0, tag=1), Dual(2.0, 1.0, tag=2))))
        out.append((f"directions {name}",
                    lambda op=op: op(Dual(1.5, np.array([1.0, 0.0])), Dual(2.0, np.array([0.0, 1.0])))))
        out.append((f"array {name}", lambda op=op: op(Dual(np.array([1.5, 2.0]), 1.0), 2.0)))
    for p in points:
        for t in (1.0, -2.0, math.inf, math.nan):
            out.append((f"-Dual({p!r}, {t!r})", lambda a=Dual(p, t): -a))
    for name in KERNEL_RULES:
        f = getattr(dd, name)
        for p in points + [-0.99, 0.99, 1.01, -0.999999, 1e-6, 50.0, -50.0]:
            for t in (1.0, -0.0, math.inf):
                out.append((f"{name}(Dual({p!r}, {t!r}))", lambda f=f, a=Dual(p, t): f(a)))
        out.append((f"{name} directions", lambda f=f: f(Dual(0.5, np.array([1.0, -2.0])))))
    return out


def outcomes() -> list[Any]:
    """The exact outcome of every case, in order."""
    return [_run(thunk) for _, thunk in cases()]


if __name__ == "__main__":
    print(json.dumps(outcomes()))
