"""The benchmark functions, each written once and bound to a library's elementary functions.

``make_survey(math)``, ``make_survey(dualdiff)``, ``make_survey(jax.numpy)``...
run the same code, with the library's ``log``/``sin``/... bound to closure
locals so that no flavour pays more for name lookup than another. The
``*_derivative`` functions are the closed forms the results are checked against
(independent of dualdiff).

>>> import math
>>> round(make_survey(math)(2.0, 5.0), 6)
11.652071
>>> survey_gradient(2.0, 5.0)[0]
5.5
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

SURVEY_POINT = (2.0, 5.0)
WAVE_POINT = 0.7
WAVE_TERMS = 50


def make_survey(m: Any) -> Callable[[Any, Any], Any]:
    """f(x1, x2) = ln x1 + x1 x2 - sin x2 (Baydin et al.'s survey, Table 2)."""
    log, sin = m.log, m.sin

    def survey(x1, x2):
        return log(x1) + x1 * x2 - sin(x2)

    return survey


def survey_gradient(x1: float, x2: float) -> tuple[float, float]:
    return 1.0 / x1 + x2, x1 - math.cos(x2)


def make_wave_sum(m: Any, terms: int = WAVE_TERMS) -> Callable[[Any], Any]:
    """g(x) = Σ_{k=1}^{terms} sin(kx)·exp(-x/k): 7 operations per term."""
    sin, exp = m.sin, m.exp

    def wave_sum(x):
        s = 0.0
        for k in range(1, terms + 1):
            s = s + sin(k * x) * exp(-x / k)
        return s

    return wave_sum


def wave_sum_derivative(x: float, terms: int = WAVE_TERMS) -> float:
    return math.fsum(
        (k * math.cos(k * x) - math.sin(k * x) / k) * math.exp(-x / k)
        for k in range(1, terms + 1)
    )


def make_bump(m: Any) -> Callable[[Any], Any]:
    """h(x) = sin(x)·exp(-x²) + log1p(x²), elementwise."""
    sin, exp, log1p = m.sin, m.exp, m.log1p

    def bump(x):
        return sin(x) * exp(-x * x) + log1p(x * x)

    return bump


def bump_value_and_derivative(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The hand-written NumPy forward pass: the cost floor of an elementwise derivative."""
    sx, cx, g, x2 = np.sin(x), np.cos(x), np.exp(-x * x), x * x
    value = sx * g + np.log1p(x2)
    return value, (cx - 2.0 * x * sx) * g + 2.0 * x / (1.0 + x2)


def bump_points(n: int) -> np.ndarray:
    return np.linspace(-3.0, 3.0, n)


def make_rosenbrock(m: Any) -> Callable[[Any], Any]:
    """Extended Rosenbrock, written with array slicing: Σ 100(x₂ᵢ - x₂ᵢ₋₁²)² + (1 - x₂ᵢ₋₁)²."""
    total = m.sum

    def rosenbrock(x):
        odd, even = x[0::2], x[1::2]
        return total(100.0 * (even - odd * odd) ** 2 + (1.0 - odd) ** 2)

    return rosenbrock


def rosenbrock_loop(x: Any) -> Any:
    """The same function with scalar indexing in a Python loop (no array operations)."""
    s = 0.0
    for i in range(0, len(x), 2):
        a, b = x[i], x[i + 1]
        s = s + 100.0 * (b - a * a) ** 2 + (1.0 - a) ** 2
    return s


def rosenbrock_gradient(x: np.ndarray) -> np.ndarray:
    odd, even = x[0::2], x[1::2]
    g = np.empty_like(x)
    g[0::2] = -400.0 * odd * (even - odd * odd) - 2.0 * (1.0 - odd)
    g[1::2] = 200.0 * (even - odd * odd)
    return g


def rosenbrock_point(n: int) -> np.ndarray:
    # The classical starting point (-1.2, 1, -1.2, 1, ...).
    return np.tile([-1.2, 1.0], n // 2)


def make_chain(m: Any, operations: int) -> Callable[[Any], Any]:
    """A long chain y ← sin(y) + x: ``operations`` elementary steps (for traces)."""
    sin = m.sin

    def chain(x):
        y = x
        for _ in range(operations // 2):
            y = sin(y) + x
        return y

    return chain
