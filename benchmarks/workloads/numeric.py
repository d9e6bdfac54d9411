"""Workload 6: the derivatives of workloads 1a and 2 by SymPy and by finite differences.

SymPy's cost comes in two parts: building the derivative once (the function run
on symbols, ``sympy.diff``, ``lambdify``: timed cold, with SymPy's cache cleared
each time), and calling the lambdified derivative afterwards. dualdiff's own
numeric derivatives (``dualdiff.numeric``) run the same generic function on floats.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable

import dualdiff as dd

from .. import peers
from ..cases import Case, feature
from ..problems import (
    SURVEY_POINT,
    WAVE_POINT,
    make_survey,
    make_wave_sum,
    survey_gradient,
    wave_sum_derivative,
)
from . import Workload

DUALDIFF = "dualdiff dd.derivative"


def workloads(quick: bool) -> list[Workload]:
    x1, x2 = SURVEY_POINT
    return [
        Workload("6a", "Workload 6a: ∂f/∂x1 of workload 1a, symbolic and numeric",
                 numeric_cases(lambda m: _fix_x2(make_survey(m), x2), x1,
                               survey_gradient(x1, x2)[0]), [DUALDIFF]),
        Workload("6b", "Workload 6b: g'(0.7) of workload 2, symbolic and numeric",
                 numeric_cases(make_wave_sum, WAVE_POINT, wave_sum_derivative(WAVE_POINT)),
                 [DUALDIFF]),
    ]


def _fix_x2(f: Callable[[Any, Any], Any], x2: Any) -> Callable[[Any], Any]:
    return lambda x1: f(x1, x2)


def numeric_cases(make: Callable[[Any], Callable[[Any], Any]], x: float,
                  derivative: float) -> list[Case]:

    def sympy_derivative(sympy):
        s = sympy.Symbol("x", real=True)
        return sympy.lambdify(s, sympy.diff(make(sympy)(s), s), "math")

    def sympy_once():
        sympy = peers.sympy()

        def prepare():
            sympy.core.cache.clear_cache()
            return lambda: sympy_derivative(sympy)(x)

        return prepare

    def sympy_per_call():
        return partial(sympy_derivative(peers.sympy()), x)

    def finite_difference(scheme):
        def make_call():
            numeric = feature("dualdiff.numeric", "finite_difference")
            return partial(numeric.finite_difference, make(dd), x, scheme)

        return make_call

    def complex_step():
        numeric = feature("dualdiff.numeric", "complex_step")
        return partial(numeric.complex_step, make(dd), x)

    return [
        Case(DUALDIFF, "dualdiff", partial(partial, dd.derivative, make(dd), x), derivative),
        Case("SymPy diff + lambdify, once (incl. first call)", "peer", sympy_once, derivative,
             cold=True, note="SymPy cache cleared each time"),
        Case("SymPy lambdified derivative, per call", "peer", sympy_per_call, derivative,
             note="after the one-off build above"),
        Case("dualdiff numeric central difference", "dualdiff", finite_difference("central"),
             derivative, rtol=1e-6, note="2 calls of f, error ~1e-10"),
        Case("dualdiff numeric forward difference", "dualdiff", finite_difference("forward"),
             derivative, rtol=1e-4, note="2 calls of f, error ~1e-8"),
        Case("dualdiff numeric complex step", "dualdiff", complex_step, derivative, rtol=1e-12,
             note="1 complex call of f"),
    ]
