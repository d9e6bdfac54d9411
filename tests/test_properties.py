"""Properties checked by hypothesis: derivative rules and agreement with SymPy on random trees.

Rules and points are drawn from the rule table itself (``RULES`` and each row's
``Domain.sample``, kept away from ``Domain.singular``), so new rows join in.
Expected values come from the rows' SymPy forms (``sympy.diff``, mpmath at 50
digits; conftest.Reference), never from dualdiff: the linearity, product and
quotient rules compare dualdiff's derivative of a combination with the
combination of the *reference* derivatives.

Settings: ``derandomize=True`` makes every run try the same examples (a failure
in CI reproduces locally); ``max_examples`` per test is stated at each test and
the total is printed at the end of the run (conftest). Each test body counts
its examples.

Tolerances are bounds on absolute error relative to the *size of the terms*
(|a·f'| + |b·g'| for a sum, |f'g| + |fg'| for a product), not to the result,
because a sum whose terms nearly cancel has a tiny result but the absolute
error of its terms: that is rounding, not a wrong derivative.
"""

from __future__ import annotations

import math
import operator
from typing import Any

import mpmath
import sympy
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import dualdiff as dd
from dualdiff import Dual
from dualdiff.functions import GENERIC
from dualdiff.rules import RULES

from conftest import (
    DIGITS, TALLIES, WORKING_DIGITS, X, count_examples, far_from_singular, lambdify_mp, mp, record, reference,
)

UNARY = [name for name, rule in RULES.items() if rule.arity == 1]
ALL = list(RULES)
OPERATORS = {("+", 2): operator.add, ("-", 2): operator.sub, ("*", 2): operator.mul,
             ("/", 2): operator.truediv, ("**", 2): operator.pow,
             ("-", 1): operator.neg, ("+", 1): operator.pos}

#: Sums and products: a handful of roundings (each ≤ 1.1e-16) on top of the
#: partials' own errors (≤ 1.0e-15 in test_rules), relative to the terms' size.
TERMS_RTOL = 1e-14
#: Results below the normal range (2.2e-308) carry absolute, not relative,
#: rounding errors: x·x at x = 4e-308 is 0.0 for a true 1.7e-615, correctly
#: rounded. Every check allows this absolute error on top of its relative bound.
UNDERFLOW = 1e-300


def _settings(n: int) -> settings:
    return settings(max_examples=n, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def _fits(name: str, values: tuple[float, ...]) -> bool:
    """The values are inside the row's sample box, away from its singular points."""
    rule = RULES[name]
    return (all(lo <= v <= hi for v, (lo, hi) in zip(values, rule.domain.sample))
            and far_from_singular(rule, values))


def _point_in(data: Any, name: str) -> float:
    lo, hi = RULES[name].domain.sample[0]
    x = data.draw(st.floats(lo, hi, allow_nan=False), label=f"x for {name}")
    assume(_fits(name, (x,)))
    return x


def _partner(data: Any, x: float, avoid_small_value: bool = False) -> str:
    """A second unary row whose box also holds x (there is always one: sin's box is [-10, 10])."""
    names = [n for n in UNARY if _fits(n, (x,))
             and (not avoid_small_value or abs(float(reference(n)(x))) >= 1e-2)]
    assume(names)
    return data.draw(st.sampled_from(names), label="g")


def _f1(name: str, x: float) -> tuple[Any, Any]:
    """(value, derivative) of a unary row at x, from the reference."""
    ref = reference(name)
    return ref(x), ref.partial(0, x)


def _check_terms(got: float, expected: Any, terms: Any, where: str, kind: str) -> None:
    with mpmath.workdps(DIGITS):
        error = max(abs(mp(got) - expected) - UNDERFLOW, 0)
        scale = terms if terms != 0 else mpmath.mpf(1)
        ratio = float(error / scale)
    record(kind, ratio, where)
    assert ratio <= TERMS_RTOL, f"{where}: got {got!r}, expected {expected} (error/terms {ratio:.3g})"


# --- linearity, product and quotient rules ------------------------------------------------------


@_settings(500)
@given(st.data(), st.floats(-4, 4), st.floats(-4, 4))
def test_linearity(data, a, b):
    f = data.draw(st.sampled_from(UNARY), label="f")
    x = _point_in(data, f)
    g = _partner(data, x)
    F, G = GENERIC[f], GENERIC[g]
    got = dd.derivative(lambda t: a * F(t) + b * G(t), x)
    (_, df), (_, dg) = _f1(f, x), _f1(g, x)
    with mpmath.workdps(DIGITS):
        expected = mp(a) * df + mp(b) * dg
        terms = abs(mp(a) * df) + abs(mp(b) * dg)
    _check_terms(got, expected, terms, f"({a}·{f} + {b}·{g})' at {x}", "property: linearity")
    count_examples("linearity")


@_settings(500)
@given(st.data())
def test_product_rule(data):
    f = data.draw(st.sampled_from(UNARY), label="f")
    x = _point_in(data, f)
    g = _partner(data, x)
    got = dd.derivative(lambda t: GENERIC[f](t) * GENERIC[g](t), x)
    (vf, df), (vg, dg) = _f1(f, x), _f1(g, x)
    with mpmath.workdps(DIGITS):
        _check_terms(got, df * vg + vf * dg, abs(df * vg) + abs(vf * dg),
                     f"({f}·{g})' at {x}", "property: product rule")
    count_examples("product rule")


@_settings(500)
@given(st.data())
def test_quotient_rule(data):
    f = data.draw(st.sampled_from(UNARY), label="f")
    x = _point_in(data, f)
    g = _partner(data, x, avoid_small_value=True)
    got = dd.derivative(lambda t: GENERIC[f](t) / GENERIC[g](t), x)
    (vf, df), (vg, dg) = _f1(f, x), _f1(g, x)
    with mpmath.workdps(DIGITS):
        _check_terms(got, (df * vg - vf * dg) / vg ** 2, (abs(df * vg) + abs(vf * dg)) / vg ** 2,
                     f"({f}/{g})' at {x}", "property: quotient rule")
    count_examples("quotient rule")


# --- the chain rule on random compositions of rows ------------------------------------------------


@_settings(1000)
@given(st.data(), st.integers(1, 5))
def test_chain_rule_on_random_compositions(data, length):
    """y = r_k(… r_2(r_1(x)) …): y' = Π r_i'(v_{i-1}) at the float intermediates v_i.

    A two-argument row takes the running value in a drawn position and a
    constant drawn from its box in the other. Each next row is drawn among
    those whose box holds the running value, so every step is in its domain.
    """
    first = data.draw(st.sampled_from(ALL), label="r_1")
    lo, hi = RULES[first].domain.sample[0]
    x = data.draw(st.floats(lo, hi, allow_nan=False), label="x")
    steps: list[tuple[str, int, tuple[float, ...]]] = []
    value = x
    for k in range(length):
        names = [first] if k == 0 else ALL
        options = []
        for name in names:
            rule = RULES[name]
            for slot in range(rule.arity):
                if rule.domain.sample[slot][0] <= value <= rule.domain.sample[slot][1]:
                    options.append((name, slot))
        assume(options)
        name, slot = data.draw(st.sampled_from(options), label=f"r_{k + 1}")
        rule = RULES[name]
        args = [data.draw(st.floats(lo, hi, allow_nan=False), label="constant")
                for lo, hi in rule.domain.sample]
        args[slot] = value
        assume(far_from_singular(rule, tuple(args)))
        try:
            new_value = rule.real(*args)
        except (ValueError, ZeroDivisionError, OverflowError):
            assume(False)
        assume(math.isfinite(new_value) and abs(new_value) < 1e8)
        steps.append((name, slot, tuple(args)))
        value = new_value

    def composed(t):
        for name, slot, args in steps:
            call = list(args)
            call[slot] = t
            t = GENERIC[name](*call)
        return t

    got = dd.derivative(composed, x)
    with mpmath.workdps(DIGITS):
        expected = mpmath.mpf(1)
        for name, slot, args in steps:
            expected *= reference(name).partial(slot, *args)
        error = max(abs(mp(got) - expected) - UNDERFLOW, 0)
        error = error / abs(expected) if expected != 0 else error
    where = " ∘ ".join(f"{n}[{s}]" for n, s, _ in reversed(steps)) + f" at {x}"
    record("property: chain rule", float(error), where)
    assert float(error) <= TERMS_RTOL * len(steps), f"{where}: got {got}, expected {expected}"
    count_examples("chain rule")


# --- random expression trees against sympy.diff ---------------------------------------------------

#: A tree's derivative y' against sympy.diff of the same tree, at 50 digits.
#:
#: Relative tolerance: |error| ≤ TREE_RTOL·max(|y'|, M), M the derivative of the
#: tree with every partial replaced by its absolute value (the sum over paths of
#: |products of partials|): rounding in a node's tangent reaches the root scaled
#: by the partials on its path, so M, not |y'|, bounds it when terms cancel.
#: With at most 15 nodes, each rounding by a few ulps (test_rules: partials to
#: 1e-15), that error is below 15·4·1.1e-16·M ≈ 7e-15·M; 1e-10 is the issue's
#: order of magnitude, with room for what follows.
#:
#: Each node also rounds its *value*, and the partials downstream see that
#: value: where a value is ill-conditioned (log(exp(x)) at x = 1e-120 is 0.0 in
#: floats, true value 1e-120) no floating-point method can reach 1e-10, so the
#: bound is widened, per example, to ROUNDING_FACTOR·(n·ε·M + S), S the change
#: in y' when each node's value in turn is moved by one ulp (computed by the
#: references in mpmath: _Forward). The run's summary shows the worst error
#: relative to each bound and how many examples needed the wider one.
TREE_RTOL = 1e-10
ROUNDING_FACTOR = 8.0
EPS = 2.0 ** -52
MAX_DEPTH = 4


def _size(node: tuple) -> int:
    return 0 if node[0] in ("x", "c") else 1 + sum(_size(k) for k in node[2])


def _mode_options(name: str, depends: bool) -> list[str]:
    rule = RULES[name]
    modes = ["generic"]
    if rule.symbol is not None:
        modes.append("operator")
    if rule.ufuncs:
        modes.append("ufunc")
    if rule.arity == 1 and depends and hasattr(Dual, name):
        modes.append("method")
    return modes


def _leaf(data: Any, x0: float) -> tuple[tuple, float, bool]:
    if data.draw(st.integers(0, 3), label="leaf kind") > 0:
        return ("x",), x0, True
    c = data.draw(st.sampled_from([-2.5, -1.0, -0.5, 0.25, 0.5, 1.5, 2.0, 3.0, 7.0]),
                  label="constant")
    return ("c", c), c, False


def _tree(data: Any, x0: float, depth: int) -> tuple[tuple, float, bool]:
    """(node, its float value at x0, whether it depends on x)."""
    if depth == 0 or (depth < MAX_DEPTH and data.draw(st.integers(0, 4), label="leaf?") == 0):
        return _leaf(data, x0)
    arity = data.draw(st.sampled_from([1, 1, 2]), label="arity")
    kids = [_tree(data, x0, depth - 1) for _ in range(arity)]
    values = tuple(v for _, v, _ in kids)
    depends = any(d for _, _, d in kids)
    candidates = []
    for name, rule in RULES.items():
        if rule.arity != arity or not _fits(name, values):
            continue
        try:
            value = rule.real(*values)
        except (ValueError, ZeroDivisionError, OverflowError):
            continue
        if math.isfinite(value) and abs(value) < 1e6:
            candidates.append((name, value))
    if not candidates:
        return kids[0]  # no row takes these values: pass the first child through
    name, value = data.draw(st.sampled_from(candidates), label="row")
    mode = data.draw(st.sampled_from(_mode_options(name, depends)), label="how")
    return (name, mode, tuple(k for k, _, _ in kids)), value, depends


def _run(node: tuple, x: Any) -> Any:
    """The tree as a Python function of x, on Duals via dualdiff (all the ways to call a row)."""
    if node[0] == "x":
        return x
    if node[0] == "c":
        return node[1]
    name, mode, kids = node
    args = [_run(k, x) for k in kids]
    rule = RULES[name]
    if mode == "operator":
        return OPERATORS[(rule.symbol, rule.arity)](*args)
    if mode == "ufunc":
        return rule.ufuncs[0](*args)
    if mode == "method":
        return getattr(args[0], name)()
    return GENERIC[name](*args)


def _symbolic(node: tuple) -> sympy.Expr:
    """The same tree on SymPy, through the rows' SymPy forms (constants exact)."""
    if node[0] == "x":
        return X
    if node[0] == "c":
        return sympy.Rational(node[1])
    name, _, kids = node
    return RULES[name].sympy(*(_symbolic(k) for k in kids))


class _Forward:
    """The tree run forward in mpmath with the rows' reference partials (not dualdiff).

    ``run()`` gives the value, y' and M (at WORKING_DIGITS, as the references
    compose: exp(x) at x = 1e-120 rounded to 50 digits is 1, and log of it 0); ``run(k)`` the same with
    the k-th row's value moved by one ulp, as floating-point evaluation may.
    """

    def __init__(self, node: tuple, x0: float) -> None:
        self.node, self.x0 = node, x0
        self._calls: dict[tuple, Any] = {}
        self.rows = _size(node)

    def _ref(self, name: str, orders: tuple, args: tuple) -> Any:
        key = (name, orders, args)
        if key not in self._calls:
            self._calls[key] = reference(name)(*args, orders=orders, full=True)
        return self._calls[key]

    def run(self, target: int | None = None) -> tuple[Any, Any, Any]:
        counter = iter(range(10 ** 6))

        def walk(node: tuple) -> tuple[Any, Any, Any]:
            if node[0] == "x":
                return mp(self.x0), mpmath.mpf(1), mpmath.mpf(1)
            if node[0] == "c":
                return mp(node[1]), mpmath.mpf(0), mpmath.mpf(0)
            name, _, kids = node
            parts = [walk(k) for k in kids]
            args = tuple(v for v, _, _ in parts)
            value = self._ref(name, (0,) * len(args), args)
            if next(counter) == target:
                value += EPS * abs(value)
            tangent = magnitude = mpmath.mpf(0)
            for i, (_, t, m) in enumerate(parts):
                if m != 0:
                    orders = tuple(1 if j == i else 0 for j in range(len(args)))
                    partial = self._ref(name, orders, args)
                    tangent += partial * t
                    magnitude += abs(partial) * m
            return value, tangent, magnitude

        with mpmath.workdps(WORKING_DIGITS):  # values compose: keep every digit
            return walk(self.node)


def _sympy_derivative(expr: sympy.Expr) -> sympy.Expr:
    d = sympy.diff(expr, X)
    # Every subexpression is real at the points used: SymPy's re()/im() wrappers
    # (it cannot know that asin(x) is real there) are the identity and 0.
    d = d.replace(sympy.re, lambda a: a).replace(sympy.im, lambda a: sympy.S.Zero).doit()
    # d floor(g)/dx, d sign(g)/dx: 0 away from the jumps, where every point is.
    return d.replace(
        lambda e: isinstance(e, sympy.Derivative) and e.has(sympy.floor, sympy.ceiling, sympy.sign),
        lambda e: sympy.S.Zero).doit()  # doit: Subs(0, ξ, g) is 0


@_settings(1000)
@given(st.data(), st.floats(-4.0, 4.0, allow_nan=False))
def test_random_expression_trees_agree_with_sympy(data, x0):
    node, _, depends = _tree(data, x0, MAX_DEPTH)
    _check_tree(node, x0, depends)
    count_examples("random trees vs SymPy")
    # the sizes of the trees tried, to see that they are not trivial
    TALLIES[f"random trees with {min(_size(node), 6)}{'+' if _size(node) >= 6 else ''} rows"] += 1


#: Trees hypothesis found while this file was written, kept as regressions of
#: the test itself: values that underflow, SymPy forms that cancel (exp(x) - 1
#: at 1e-174), a value whose floats lose all digits (log(exp(x)) at 1e-120).
FOUND = [
    (("multiply", "generic", (("x",), ("multiply", "generic", (("x",), ("x",))))),
     4.1821612751740127e-308),
    (("multiply", "generic", (("x",), ("expm1", "generic", (("x",),)))), 2.851830840806864e-174),
    (("multiply", "generic", (("x",), ("negative", "generic", (
        ("log", "generic", (("exp", "generic", (("x",),)),)),)))), 2.480864145021985e-120),
    (("multiply", "operator", (("cosh", "method", (("x",),)), ("c", 1.0))), 2.4296165315372163e-269),
]


def test_trees_found_by_hypothesis():
    for node, x0 in FOUND:
        _check_tree(node, x0, True)


def _check_tree(node: tuple, x0: float, depends: bool) -> None:
    got = dd.derivative(lambda x: _run(node, x), x0)
    expr = _symbolic(node)
    derivative = _sympy_derivative(expr)
    assert not derivative.has(sympy.Derivative, sympy.Subs), derivative
    with mpmath.workdps(WORKING_DIGITS):  # the tree's own cancellations: see conftest
        expected = mpmath.mpmathify(lambdify_mp((X,), derivative)(mp(x0)))
    forward = _Forward(node, x0)
    _, tangent, magnitude = forward.run()
    with mpmath.workdps(DIGITS):
        expected = +expected
        # the forward model is the tree sympy.diff differentiated (up to its 50 digits)
        assert abs(tangent - expected) <= mpmath.mpf(10) ** -35 * max(magnitude, abs(expected))
        sensitivity = sum((abs(forward.run(k)[1] - tangent) for k in range(forward.rows)),
                          mpmath.mpf(0))
        scale = max(abs(expected), magnitude)
        error = max(abs(mp(got) - expected) - UNDERFLOW, 0)
        rounding = ROUNDING_FACTOR * (forward.rows * EPS * magnitude + sensitivity)
        ratio = float(error / scale) if scale != 0 else float(error)
        conditioned = sensitivity <= 1e-12 * scale
    if not depends:
        assert got == 0.0
    where = f"{expr} at x = {x0}"[:160]
    if conditioned:
        record("property: random trees, error/max(|y'|, M)", ratio, where)
    else:
        TALLIES["random trees too ill-conditioned for 1e-10 (checked by their rounding bound)"] += 1
    if rounding > 0:
        record("property: random trees, error/rounding bound", float(error / rounding), where)
    assert error <= max(TREE_RTOL * scale, rounding), (
        f"{where}: got {got!r}, expected {expected} (error/max(|y'|, M) {ratio:.3g}, "
        f"rounding bound {float(rounding):.3g})")
