"""Shared machinery of the core tests: independent references, sample points, accounting.

References never come from dualdiff: a rule's SymPy form is differentiated by
SymPy and evaluated by mpmath at the *exact* binary value of the float point
(``mpmath.mpf(0.1)`` is 0.1000000000000000055511…), so the only error measured
is dualdiff's. The working precision is WORKING_DIGITS = 400, not 50: SymPy
forms such as exp(x) - 1 or log(1 + x) cancel as many digits as x is small
(83 at x = 5e-83; hypothesis finds such points), and 400 digits leave 50
correct ones down to the smallest subnormal, 5e-324. Where SymPy leaves a derivative
unevaluated (d floor(x)/dx) mpmath differentiates the SymPy form numerically,
still at 50 digits; DiracDelta terms (d sign(x)/dx = 2·δ(x)) are 0 at the sample
points, which keep away from every ``Domain.singular`` point.

The run ends with a short report (``pytest_terminal_summary``): the worst
relative error seen against the references, per kind of check, and the number
of hypothesis examples the property tests ran.

Test modules import the helpers with ``from conftest import ...`` (pytest puts
this directory on ``sys.path``; the module is the one pytest loaded).
"""

from __future__ import annotations

import collections
import functools
import math
import zlib
from typing import Any, Callable

import mpmath
import numpy as np
import sympy

from dualdiff.rules import RULES, Rule

DIGITS = 50
WORKING_DIGITS = 400
EPS = float(np.finfo(float).eps)
#: Sample points keep at least this far from a kink, jump or singular point
#: (Domain.singular), so that derivatives exist there and finite differences
#: with steps far below it do not straddle one.
SINGULAR_MARGIN = 1e-2
POINTS_PER_RULE = 8

X, Y = sympy.symbols("x y", real=True)
#: Symbols without assumptions, for complex arguments.
ZX, ZY = sympy.symbols("x y")


def rule_symbols(rule: Rule, complex_: bool = False) -> tuple[sympy.Symbol, ...]:
    return ((ZX, ZY) if complex_ else (X, Y))[: rule.arity]


# -- references ------------------------------------------------------------------


def _dirac(*args: Any) -> Any:
    # δ(x) (and its derivatives) vanish away from 0; the sample points are away from 0.
    return mpmath.mpf(0) if args[0] != 0 else mpmath.inf


def _heaviside(x: Any, *_: Any) -> Any:
    return mpmath.mpf(1) if x > 0 else mpmath.mpf(0) if x < 0 else mpmath.mpf(0.5)


_MODULES = [{"DiracDelta": _dirac, "Heaviside": _heaviside}, "mpmath"]


def lambdify_mp(symbols: tuple, expr: sympy.Expr) -> Callable[..., Any]:
    """A SymPy expression as an mpmath function (evaluate it inside ``mpmath.workdps``)."""
    return sympy.lambdify(symbols, expr, _MODULES)


def mp(x: Any) -> Any:
    """The exact mpmath value of a float/complex/int (or an mpmath number unchanged)."""
    if isinstance(x, (np.floating, np.integer)):
        x = float(x)
    if isinstance(x, np.complexfloating):
        x = complex(x)
    return mpmath.mpmathify(x)


class Reference:
    """The rule's SymPy form, its derivatives by ``sympy.diff``, evaluated by mpmath at 50 digits.

    ``ref(x)`` is the value at a point, ``ref(x, y, orders=(1, 0))`` the partial
    derivative ∂/∂x, ``orders=(2, 0)`` the second one, and so on.
    """

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.expr = rule.sympy(*rule_symbols(rule))
        self.zexpr = rule.sympy(*rule_symbols(rule, True))
        self._cache: dict[tuple, Callable[..., Any]] = {}

    def symbolic(self, orders: tuple[int, ...]) -> sympy.Expr:
        expr = self.expr
        for symbol, k in zip(rule_symbols(self.rule), orders):
            if k:
                expr = sympy.diff(expr, symbol, k)
        return expr

    def _function(self, orders: tuple[int, ...], complex_: bool) -> Callable[..., Any]:
        key = (orders, complex_)
        if key not in self._cache:
            symbols = rule_symbols(self.rule, complex_)
            expr = self.zexpr if complex_ else self.expr
            derived = expr
            for symbol, k in zip(symbols, orders):
                if k:
                    derived = sympy.diff(derived, symbol, k)
            if derived.has(sympy.Derivative):  # SymPy cannot differentiate floor: mpmath can
                base = lambdify_mp(symbols, expr)
                if len(orders) == 1:
                    self._cache[key] = lambda x, _b=base, _k=orders[0]: mpmath.diff(_b, x, _k)
                else:
                    self._cache[key] = lambda *a, _b=base, _o=orders: mpmath.diff(_b, a, _o)
            else:
                self._cache[key] = lambdify_mp(symbols, derived)
        return self._cache[key]

    def __call__(self, *point: Any, orders: tuple[int, ...] | None = None,
                 full: bool = False) -> Any:
        """At 50 digits; ``full=True`` keeps all WORKING_DIGITS (to compose references)."""
        orders = orders or (0,) * self.rule.arity
        complex_ = any(isinstance(p, (complex, np.complexfloating, mpmath.mpc)) for p in point)
        function = self._function(tuple(orders), complex_)
        with mpmath.workdps(WORKING_DIGITS):
            value = mpmath.mpmathify(function(*(mp(p) for p in point)))
        if full:
            return value
        with mpmath.workdps(DIGITS):
            return +value  # rounded to 50 digits

    def partial(self, i: int, *point: Any, order: int = 1) -> Any:
        orders = [0] * self.rule.arity
        orders[i] = order
        return self(*point, orders=tuple(orders))


@functools.lru_cache(maxsize=None)
def reference(name: str) -> Reference:
    return Reference(RULES[name])


# -- sample points ------------------------------------------------------------------


def far_from_singular(rule: Rule, point: tuple[float, ...], margin: float = SINGULAR_MARGIN) -> bool:
    singular = rule.domain.singular
    return singular is None or singular(*point) >= margin


@functools.lru_cache(maxsize=None)
def sample_points(name: str, count: int = POINTS_PER_RULE) -> tuple[tuple[float, ...], ...]:
    """``count`` deterministic points in the row's ``Domain.sample`` (seeded by the name).

    The box's corners come first (the extremes of the tested range), then
    uniform draws, and log-uniform draws for wide positive intervals (log on
    [1e-3, 1e3] would otherwise almost never be tested below 1). Points closer
    than SINGULAR_MARGIN to a singular point are skipped: none is lost, the
    draw continues until there are ``count``.
    """
    rule = RULES[name]
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    boxes = rule.domain.sample
    corners = [tuple(lo for lo, _ in boxes), tuple(hi for _, hi in boxes)]
    if rule.arity == 2:
        corners += [(boxes[0][0], boxes[1][1]), (boxes[0][1], boxes[1][0])]
    points: list[tuple[float, ...]] = []

    def draw(lo: float, hi: float, k: int) -> float:
        if lo > 0 and hi / lo > 100 and k % 2:
            return float(math.exp(rng.uniform(math.log(lo), math.log(hi))))
        return float(rng.uniform(lo, hi))

    k = 0
    candidates = iter(corners)
    while len(points) < count:
        point = next(candidates, None)
        if point is None:
            point = tuple(draw(lo, hi, k) for lo, hi in boxes)
            k += 1
        if far_from_singular(rule, point) and point not in points:
            points.append(point)
    return tuple(points)


# -- errors and their accounting -------------------------------------------------------

#: kind of check -> (worst relative error, where)
WORST: dict[str, tuple[float, str]] = {}
#: property test -> hypothesis examples run
EXAMPLES: collections.Counter = collections.Counter()
#: anything else worth a line in the summary (event -> count)
TALLIES: collections.Counter = collections.Counter()


def rel_error(actual: Any, expected: Any) -> float:
    """|actual - expected| / |expected| at 50 digits; |actual| when expected is 0."""
    with mpmath.workdps(DIGITS):
        a, e = mp(actual), mpmath.mpmathify(expected)
        if mpmath.isinf(e) or mpmath.isnan(e):
            return 0.0 if (a == e or (mpmath.isnan(a) and mpmath.isnan(e))) else math.inf
        if mpmath.isnan(a) or mpmath.isinf(a):
            return math.inf
        diff = abs(a - e)
        return float(diff / abs(e)) if e != 0 else float(diff)


def record(kind: str, error: float, where: str) -> None:
    if kind not in WORST or error > WORST[kind][0]:
        WORST[kind] = (error, where)


def assert_close(actual: Any, expected: Any, rtol: float, where: str, kind: str) -> float:
    """Assert a relative error of at most ``rtol`` (exactly 0 when ``expected`` is 0)."""
    error = rel_error(actual, expected)
    record(kind, error, where)
    assert error <= rtol, (
        f"{where}: got {actual!r}, expected {mpmath.nstr(mpmath.mpmathify(expected), 20)} "
        f"(relative error {error:.3g} > {rtol:.3g})"
    )
    return error


def count_examples(test: str) -> None:
    EXAMPLES[test] += 1


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not WORST and not EXAMPLES:
        return
    write = terminalreporter.write_line
    terminalreporter.section("dualdiff core: accuracy against SymPy/mpmath (50 digits)")
    for kind in sorted(WORST):
        error, where = WORST[kind]
        write(f"worst relative error, {kind:<28} {error:9.3g}   at {where}")
    if EXAMPLES:
        detail = ", ".join(f"{name} {n}" for name, n in sorted(EXAMPLES.items()))
        write(f"hypothesis examples run: {sum(EXAMPLES.values())} ({detail})")
    for event, n in sorted(TALLIES.items()):
        write(f"{event}: {n}")
