"""Rule tests generated from the rule table: every row of ``dualdiff.rules.RULES``.

Each test is parametrized over the rows themselves, so a row added to the table
is tested here with no change to this file. At deterministic points drawn from
the row's ``Domain.sample`` (``conftest.sample_points``: the box's corners and
seeded random draws, none skipped, all at least 1e-2 from ``Domain.singular``):

(a) the value on floats, NumPy arrays and scalars, complex numbers (when the row
    has a complex evaluation) and SymPy agrees with the row's SymPy form
    evaluated by mpmath at 50 digits, and with an independent hand-written
    mpmath definition of the function;
(b) every partial derivative (each argument seeded in turn, the others plain
    constants or Duals with a zero tangent) equals ``sympy.diff`` of the SymPy
    form at 50 digits within PARTIAL_RTOL;
(c) it agrees with a central finite difference within that difference's own
    error bound (truncation h²/6·|f'''| from mpmath plus rounding);
(d) the same through ``np.<ufunc>(dual)``, on array Duals elementwise, and with a
    directions axis (tangent of shape (k,) or (k, n));
(e) second derivatives by nesting ``derivative`` equal ``sympy.diff`` twice.

Expected values never come from dualdiff.
"""

from __future__ import annotations

import math
import operator
import warnings

import mpmath
import numpy as np
import pytest
import sympy

import dualdiff as dd
from dualdiff import Dual
from dualdiff.errors import DomainError, NotAnalyticError
from dualdiff.functions import GENERIC
from dualdiff.rules import RULES, Category

from conftest import (
    DIGITS, EPS, X, Y, assert_close, far_from_singular, mp, reference, rel_error, sample_points,
)

NAMES = list(RULES)
UNARY = [n for n in NAMES if RULES[n].arity == 1]
BINARY = [n for n in NAMES if RULES[n].arity == 2]
COMPLEX = [n for n in NAMES if RULES[n].complex is not None]
NOT_COMPLEX = [n for n in NAMES if RULES[n].complex is None]
UFUNC_CASES = [(n, uf) for n in NAMES for uf in RULES[n].ufuncs]

# --- tolerances -----------------------------------------------------------------
#: Values: math/cmath/NumPy are accurate to a few ulps (4.4e-16 is 2 ulps); the
#: careful formulas (sigmoid, softplus, complex expm1/log1p) add a rounding or two.
VALUE_RTOL = 2e-15
#: Per-row exceptions to VALUE_RTOL, each with its reason.
VALUE_RTOL_ROWS: dict[str, float] = {}
#: Complex values, normwise: cmath's are accurate to a few ulps per component.
COMPLEX_RTOL = 4e-15
#: First derivatives: tighter than the issue's 1e-13, 10x the worst seen (1.0e-15,
#: a sum of two partials times seeds); 1e-13 would pass tanh' written as 1 - v²
#: (2e-14 at x = 3), which loses every digit where tanh saturates.
PARTIAL_RTOL = 1e-14
#: Per-row exceptions to PARTIAL_RTOL, each with its reason.
PARTIAL_RTOL_ROWS: dict[str, float] = {}
#: Second derivatives by nesting: two levels of rounding, each at most a few ulps
#: of the terms of the second-order chain rule (worst seen 2.2e-15, atan2's d²/dydx).
SECOND_RTOL = 2e-14
#: The SymPy value at 50-digit Floats: SymPy evaluates eagerly at the Floats'
#: precision, so forms like log(1 + e^x) cancel digits (17 at x = -40): 30 of
#: the 50 remain, still 15 more than a double has.
SYMPY_RTOL = 1e-30

OPERATORS = {("+", 2): operator.add, ("-", 2): operator.sub, ("*", 2): operator.mul,
             ("/", 2): operator.truediv, ("**", 2): operator.pow,
             ("-", 1): operator.neg, ("+", 1): operator.pos}


def _where(name: str, point: tuple, extra: str = "") -> str:
    return f"{name}{point}{extra}"


def _replace(point: tuple, i: int, value: object) -> tuple:
    return point[:i] + (value,) + point[i + 1:]


def _seeded(point: tuple, i: int, zero_duals: bool) -> tuple:
    """The point with argument i a Dual of tangent 1; the others constants or Duals of tangent 0."""
    return tuple(Dual(p, 1.0) if j == i else (Dual(p, 0.0) if zero_duals else p)
                 for j, p in enumerate(point))


def _partial_rtol(name: str) -> float:
    return PARTIAL_RTOL_ROWS.get(name, PARTIAL_RTOL)


# --- (a) values ---------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_value_on_floats_matches_mpmath(name):
    rule, ref, g = RULES[name], reference(name), GENERIC[name]
    for point in sample_points(name):
        expected = ref(*point)
        tol = VALUE_RTOL_ROWS.get(name, VALUE_RTOL)
        assert type(g(*point)) is float
        assert_close(g(*point), expected, tol, _where(name, point), "value (float)")
        assert_close(rule.real(*point), expected, tol, _where(name, point, " row.real"),
                     "value (float)")


@pytest.mark.parametrize("name", NAMES)
def test_value_on_numpy_matches_mpmath(name):
    ref, g = reference(name), GENERIC[name]
    points = sample_points(name)
    columns = [np.array(c) for c in zip(*points)]
    result = g(*columns)
    assert isinstance(result, np.ndarray) and result.shape == (len(points),)
    tol = VALUE_RTOL_ROWS.get(name, VALUE_RTOL)
    for k, point in enumerate(points):
        assert_close(result[k], ref(*point), tol, _where(name, point, " ndarray"), "value (NumPy)")
        scalar = g(*(np.float64(p) for p in point))
        assert isinstance(scalar, np.float64)
        assert_close(scalar, ref(*point), tol, _where(name, point, " np.float64"), "value (NumPy)")


@pytest.mark.parametrize("name", COMPLEX)
def test_value_on_complex_matches_mpmath(name):
    """On the real axis and off it (a small and a moderate imaginary part)."""
    ref, g = reference(name), GENERIC[name]
    for point in sample_points(name):
        for shift in (0.0, 1e-3, 0.25):
            z = tuple(complex(p, shift * max(1.0, abs(p)) * (-1) ** j) for j, p in enumerate(point))
            result = g(*z)
            assert type(result) is complex
            assert_close(result, ref(*z), COMPLEX_RTOL, _where(name, z), "value (complex)")
    zs = np.array([complex(p[0], 0.1) for p in sample_points(name)])
    if RULES[name].arity == 1:
        result = g(zs)
        assert result.dtype.kind == "c"
        for k, z in enumerate(zs):
            assert_close(result[k], ref(z), COMPLEX_RTOL, _where(name, (z,), " complex ndarray"),
                         "value (complex)")


@pytest.mark.parametrize("name", NOT_COMPLEX)
def test_complex_argument_of_a_non_analytic_row_raises(name):
    g = GENERIC[name]
    z = tuple(complex(p, 0.5) for p in sample_points(name)[0])
    with pytest.raises(NotAnalyticError, match=name):
        g(*z)
    with pytest.raises(NotAnalyticError, match="finite difference"):
        g(*(np.array([c]) for c in z))


@pytest.mark.parametrize("name", NAMES)
def test_value_on_sympy_matches_mpmath(name):
    ref, g = reference(name), GENERIC[name]
    for point in sample_points(name):
        result = g(*(sympy.Float(p, DIGITS) for p in point))
        assert isinstance(result, sympy.Basic)
        assert_close(sympy.N(result, DIGITS), ref(*point), SYMPY_RTOL, _where(name, point),
                     "value (SymPy at 50 digits)")


def _real_cbrt(x):
    return mpmath.sign(x) * mpmath.cbrt(abs(x))


#: Hand-written mpmath definitions, independent of the rows' SymPy forms (which
#: are the oracle of every other test here): they check the oracle itself.
INDEPENDENT = {
    "add": lambda x, y: x + y, "subtract": lambda x, y: x - y,
    "multiply": lambda x, y: x * y, "divide": lambda x, y: x / y,
    "negative": lambda x: -x, "positive": lambda x: x, "power": mpmath.power,
    "exp": mpmath.exp, "expm1": mpmath.expm1, "log": mpmath.log, "log1p": mpmath.log1p,
    "log2": lambda x: mpmath.log(x, 2), "log10": mpmath.log10, "sqrt": mpmath.sqrt,
    "cbrt": _real_cbrt, "sin": mpmath.sin, "cos": mpmath.cos, "tan": mpmath.tan,
    "asin": mpmath.asin, "acos": mpmath.acos, "atan": mpmath.atan, "atan2": mpmath.atan2,
    "sinh": mpmath.sinh, "cosh": mpmath.cosh, "tanh": mpmath.tanh, "asinh": mpmath.asinh,
    "acosh": mpmath.acosh, "atanh": mpmath.atanh, "erf": mpmath.erf, "erfc": mpmath.erfc,
    "sigmoid": lambda x: 1 / (1 + mpmath.exp(-x)), "softplus": lambda x: mpmath.log1p(mpmath.exp(x)),
    "relu": lambda x: max(x, 0), "abs": mpmath.fabs, "sign": mpmath.sign,
    "floor": mpmath.floor, "ceil": mpmath.ceil, "hypot": mpmath.hypot,
    "maximum": max, "minimum": min,
}


def test_the_issue_names_every_required_row():
    required = ("exp expm1 log log1p log2 log10 sqrt cbrt sin cos tan asin acos atan atan2 sinh "
                "cosh tanh asinh acosh atanh erf erfc sigmoid softplus relu abs sign floor ceil "
                "hypot maximum minimum power add subtract multiply divide negative positive").split()
    assert set(required) <= set(RULES)
    aliases = {"ln": "log", "arcsin": "asin", "arccos": "acos", "arctan": "atan",
               "arctan2": "atan2", "arcsinh": "asinh", "arccosh": "acosh", "arctanh": "atanh",
               "logistic": "sigmoid", "absolute": "abs", "ceiling": "ceil", "pow": "power"}
    for alias, name in aliases.items():
        assert dd.rules.lookup(alias) is RULES[name]
        assert GENERIC[alias] is GENERIC[name]
        assert getattr(dd, alias) is GENERIC[name]


@pytest.mark.parametrize("name", [n for n in NAMES if n in INDEPENDENT])
def test_the_sympy_oracle_is_the_function_it_names(name):
    """The SymPy form (value and first derivative) against an independent mpmath definition.

    1e-30, not 1e-50: a form such as log(1 + e^x) cancels digits at 50-digit
    working precision (17 of them at x = -40); 30 digits are still 17 more than
    any check here needs.
    """
    ref, f = reference(name), INDEPENDENT[name]
    with mpmath.workdps(DIGITS):
        for point in sample_points(name):
            args = [mp(p) for p in point]
            assert rel_error(ref(*point), f(*args)) < 1e-30, (name, point)
            for i in range(len(point)):
                numeric = mpmath.diff(lambda t: f(*(_replace(tuple(args), i, t))), args[i])
                assert rel_error(ref.partial(i, *point), numeric) < 1e-30, (name, point, i)


# --- (b) first derivatives against sympy.diff -------------------------------------------


@pytest.mark.parametrize("zero_duals", [False, True], ids=["others-constant", "others-Duals"])
@pytest.mark.parametrize("name", NAMES)
def test_dual_tangent_matches_sympy_diff(name, zero_duals):
    rule, ref, g = RULES[name], reference(name), GENERIC[name]
    op = OPERATORS.get((rule.symbol, rule.arity)) if rule.symbol else None
    for point in sample_points(name):
        for i in range(rule.arity):
            expected = ref.partial(i, *point)
            where = _where(name, point, f" d/d{rule.params[i]}")
            result = g(*_seeded(point, i, zero_duals))
            assert type(result) is Dual and type(result.primal) is float
            assert_close(result.primal, ref(*point), VALUE_RTOL, where, "value (float)")
            assert_close(result.tangent, expected, _partial_rtol(name), where, "first derivative")
            if op is not None:  # the hand-written dunders (the hot path) too
                via_operator = op(*_seeded(point, i, zero_duals))
                assert_close(via_operator.tangent, expected, _partial_rtol(name),
                             where + f" via {rule.symbol}", "first derivative")


@pytest.mark.parametrize("name", NAMES)
def test_row_partials_match_sympy_diff(name):
    """The row's own partial formulas on floats (what traces and tables print and use)."""
    rule, ref = RULES[name], reference(name)
    for point in sample_points(name):
        value = rule.real(*point)
        for i, partial in enumerate(rule.partials):
            got = partial(*point, value) if callable(partial) else partial
            assert_close(got, ref.partial(i, *point), _partial_rtol(name),
                         _where(name, point, f" row.partials[{i}]"), "first derivative")


@pytest.mark.parametrize("name", NAMES)
def test_row_partials_on_sympy_are_sympy_diff(name):
    """Applied to symbols, each partial is the symbolic derivative (what a trace prints)."""
    rule, ref = RULES[name], reference(name)
    symbols = (X, Y)[: rule.arity]
    value = rule.sympy(*symbols)
    for i, partial in enumerate(rule.partials):
        got = sympy.sympify(partial(*symbols, value) if callable(partial) else partial)
        for point in sample_points(name)[:3]:
            numeric = got.subs(dict(zip(symbols, (sympy.Float(p, DIGITS) for p in point))))
            assert_close(sympy.N(numeric, DIGITS), ref.partial(i, *point), PARTIAL_RTOL,
                         _where(name, point, f" row.partials[{i}] on SymPy"), "first derivative")


# --- (c) finite differences ----------------------------------------------------------


def _central_difference_check(name: str, point: tuple, i: int, tangent: float) -> None:
    """|FD - tangent| within the FD's error bound: truncation + rounding (+ the tangent's own)."""
    rule, ref, g = RULES[name], reference(name), GENERIC[name]
    x = point[i]
    h = EPS ** (1.0 / 3.0) * max(abs(x), 1.0)
    while True:  # shrink the step until the stencil is inside the domain
        xp, xm = x + h, x - h
        try:
            fp, fm = g(*_replace(point, i, xp)), g(*_replace(point, i, xm))
            break
        except DomainError:
            h /= 2.0
    half = (xp - xm) / 2.0  # the step actually taken (x ± h may round)
    assert far_from_singular(rule, point, 2.0 * half), "the stencil would straddle a kink"
    fd = (fp - fm) / (xp - xm)
    third = max(abs(ref.partial(i, *_replace(point, i, t), order=3)) for t in (xm, x, xp))
    truncation = float(third) * half * half / 6.0
    rounding = 2.0 * EPS * (abs(fp) + abs(fm)) / (xp - xm) + EPS * abs(fd)
    bound = 2.0 * (truncation + rounding) + 1e-13 * abs(tangent)
    assert abs(fd - tangent) <= bound, (
        f"{name}{point} d/d{rule.params[i]}: central difference {fd!r} (h={half:.3g}) vs "
        f"tangent {tangent!r}: |diff| {abs(fd - tangent):.3g} > bound {bound:.3g}"
    )


@pytest.mark.parametrize("name", NAMES)
def test_dual_tangent_matches_central_difference(name):
    rule, g = RULES[name], GENERIC[name]
    for point in sample_points(name):
        for i in range(rule.arity):
            _central_difference_check(name, point, i, g(*_seeded(point, i, False)).tangent)


# --- (d) NumPy: ufuncs, array Duals, the directions axis ---------------------------------


@pytest.mark.parametrize("name, ufunc", UFUNC_CASES,
                         ids=[f"{n}-np.{uf.__name__}" for n, uf in UFUNC_CASES])
def test_numpy_ufunc_on_a_dual_routes_through_the_row(name, ufunc):
    rule, ref = RULES[name], reference(name)
    for point in sample_points(name):
        for i in range(rule.arity):
            result = ufunc(*_seeded(point, i, False))
            assert type(result) is Dual
            where = _where(name, point, f" np.{ufunc.__name__} d/d{rule.params[i]}")
            assert_close(result.primal, ref(*point), VALUE_RTOL, where, "value (float)")
            assert_close(result.tangent, ref.partial(i, *point), _partial_rtol(name), where,
                         "first derivative")


@pytest.mark.parametrize("via_ufunc", [False, True], ids=["generic", "ufunc"])
@pytest.mark.parametrize("name", NAMES)
def test_array_dual_is_elementwise(name, via_ufunc):
    rule, ref = RULES[name], reference(name)
    if via_ufunc and not rule.ufuncs:
        function = GENERIC[name]  # rows without a NumPy ufunc (erf, sigmoid): the generic one
    else:
        function = rule.ufuncs[0] if via_ufunc else GENERIC[name]
    points = sample_points(name)
    columns = [np.array(c) for c in zip(*points)]
    n = len(points)
    for i in range(rule.arity):
        args = [Dual(c, np.ones(n)) if j == i else c for j, c in enumerate(columns)]
        result = function(*args)
        assert type(result) is Dual and result.primal.shape == (n,)
        tangent = np.broadcast_to(result.tangent, (n,))
        for k, point in enumerate(points):
            where = _where(name, point, f" array d/d{rule.params[i]}")
            assert_close(result.primal[k], ref(*point), VALUE_RTOL, where, "value (NumPy)")
            assert_close(tangent[k], ref.partial(i, *point), _partial_rtol(name), where,
                         "first derivative")


@pytest.mark.parametrize("name", NAMES)
def test_directions_axis_carries_k_derivatives_at_once(name):
    """A scalar primal with tangent (k,), and an array primal (n,) with tangent (k, n)."""
    rule, ref, g = RULES[name], reference(name), GENERIC[name]
    # seeds[j] is argument j's tangent: k = 3 directions, none of them zero
    seeds = np.array([[1.0, -2.0, 0.5]]) if rule.arity == 1 else np.array(
        [[1.0, 0.0, -2.0], [0.0, 1.0, 0.5]])
    k = seeds.shape[1]
    points = sample_points(name)
    for point in points:
        args = [Dual(p, seeds[j]) for j, p in enumerate(point)]
        result = g(*args)
        assert np.shape(result.tangent) == (k,)
        partials = [ref.partial(j, *point) for j in range(rule.arity)]
        for d in range(k):
            with mpmath.workdps(DIGITS):
                expected = sum(partials[j] * mp(seeds[j][d]) for j in range(rule.arity))
            assert_close(result.tangent[d], expected, _partial_rtol(name) * 4,
                         _where(name, point, f" direction {d}"), "first derivative")
    columns = [np.array(c) for c in zip(*points)]
    n = len(points)
    args = [Dual(c, np.outer(seeds[j], np.ones(n))) for j, c in enumerate(columns)]
    result = g(*args)
    assert result.tangent.shape == (k, n)
    for m, point in enumerate(points):
        partials = [ref.partial(j, *point) for j in range(rule.arity)]
        for d in range(k):
            with mpmath.workdps(DIGITS):
                expected = sum(partials[j] * mp(seeds[j][d]) for j in range(rule.arity))
            assert_close(result.tangent[d, m], expected, _partial_rtol(name) * 4,
                         _where(name, point, f" array direction {d}"), "first derivative")


# --- (e) second derivatives by nesting -------------------------------------------------


def _second_by_nesting(name: str, point: tuple, i: int, j: int) -> float:
    g = GENERIC[name]
    if i == j:
        return dd.derivative(
            lambda u: dd.derivative(lambda w: g(*_replace(point, i, w)), u), point[i])
    return dd.derivative(
        lambda u: dd.derivative(lambda w: g(*_replace(_replace(point, i, u), j, w)), point[j]),
        point[i])


@pytest.mark.parametrize("name", NAMES)
def test_second_derivative_by_nesting_matches_sympy(name):
    rule, ref = RULES[name], reference(name)
    pairs = [(0, 0)] if rule.arity == 1 else [(0, 0), (1, 1), (0, 1), (1, 0)]
    for point in sample_points(name):
        for i, j in pairs:
            orders = [0] * rule.arity
            orders[i] += 1
            orders[j] += 1
            expected = ref(*point, orders=tuple(orders))
            got = _second_by_nesting(name, point, i, j)
            assert type(got) is float
            assert_close(got, expected, SECOND_RTOL,
                         _where(name, point, f" d2/d{rule.params[i]}d{rule.params[j]}"),
                         "second derivative (nested)")


# --- every row returns the kind it was given ----------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_returns_the_kind_it_was_given(name):
    rule, g = RULES[name], GENERIC[name]
    point = sample_points(name)[2]
    assert type(g(*point)) is float
    # An integer inside each argument's sample interval: ints become floats, as in math.
    ints = tuple(int(min(max(round((lo + hi) / 2), math.ceil(lo)), math.floor(hi)))
                 for lo, hi in rule.domain.sample)
    assert type(g(*ints)) is float
    assert type(g(*((ints[0],) + point[1:]))) is float
    assert isinstance(g(*(np.float64(p) for p in point)), np.float64)
    assert isinstance(g(*(np.float32(p) for p in point)), np.float32)
    array = g(*(np.full((2, 3), p) for p in point))
    assert isinstance(array, np.ndarray) and array.shape == (2, 3) and array.dtype == np.float64
    symbolic = g(*(X, Y)[: rule.arity])
    assert isinstance(symbolic, sympy.Basic)
    assert symbolic == rule.sympy(*(X, Y)[: rule.arity])
    if rule.complex is not None:
        assert type(g(*(complex(p, 0.1) for p in point))) is complex
    else:
        with pytest.raises(NotAnalyticError):
            g(*(complex(p, 0.1) for p in point))
    assert type(g(*(Dual(p, 1.0) for p in point))) is Dual
    assert type(g(Dual(point[0], 1.0), *point[1:])) is Dual
    if rule.arity == 2:
        assert type(g(point[0], Dual(point[1], 1.0))) is Dual


# --- kinks and jumps: the documented conventions -----------------------------------------


def test_abs_relu_sign_floor_ceil_at_their_kinks_and_jumps():
    for f, x, value, slope in [
        (dd.abs, 0.0, 0.0, 0.0), (dd.relu, 0.0, 0.0, 0.0), (dd.sign, 0.0, 0.0, 0.0),
        (dd.floor, 2.0, 2.0, 0.0), (dd.ceil, -3.0, -3.0, 0.0), (dd.floor, 0.0, 0.0, 0.0),
        (dd.relu, 1e-300, 1e-300, 1.0), (dd.relu, -1e-300, 0.0, 0.0),
        (dd.abs, -1e-300, 1e-300, -1.0),
    ]:
        d = f(Dual(x, 1.0))
        assert (d.primal, d.tangent) == (value, slope), (f.__name__, x)
        assert dd.derivative(f, x) == slope
        assert abs(Dual(x, 1.0)).tangent == dd.abs(Dual(x, 1.0)).tangent
    arr = dd.abs(Dual(np.array([-2.0, 0.0, 3.0]), np.ones(3)))
    assert list(arr.tangent) == [-1.0, 0.0, 1.0]
    arr = dd.relu(Dual(np.array([-2.0, 0.0, 3.0]), np.ones(3)))
    assert list(arr.tangent) == [0.0, 0.0, 1.0]


def test_maximum_and_minimum_split_the_derivative_at_a_tie():
    for f in (dd.maximum, dd.minimum, np.maximum, np.minimum):
        both = f(Dual(1.5, np.array([1.0, 0.0])), Dual(1.5, np.array([0.0, 1.0])))
        assert both.primal == 1.5 and list(both.tangent) == [0.5, 0.5]
        assert f(Dual(1.5, 1.0), 1.5).tangent == 0.5
        assert f(1.5, Dual(1.5, 1.0)).tangent == 0.5
    assert dd.grad(lambda v: dd.maximum(v[0], v[1]), [2.0, 2.0]).tolist() == [0.5, 0.5]
    assert dd.grad(lambda v: dd.maximum(v[0], v[1]), [3.0, 2.0]).tolist() == [1.0, 0.0]
    assert dd.grad(lambda v: dd.minimum(v[0], v[1]), [3.0, 2.0]).tolist() == [0.0, 1.0]


def test_piecewise_constant_rows_have_zero_derivative_everywhere():
    for name in [n for n in NAMES if RULES[n].category is Category.PIECEWISE_CONSTANT]:
        for x in (-2.0, -0.5, 0.0, 0.5, 3.0, 1e300):
            assert dd.derivative(GENERIC[name], x) == 0.0


def test_kinked_and_piecewise_rows_state_their_convention():
    for rule in RULES.values():
        if rule.category is not Category.DIFFERENTIABLE:
            assert rule.note and rule.note in GENERIC[rule.name].__doc__
            assert rule.domain.singular is not None


# --- domains ----------------------------------------------------------------------------


@pytest.mark.parametrize("call, function, shown", [  # shown: the start of the message
    (lambda: dd.log(-1.0), "log", "-1.0)"),
    (lambda: dd.sqrt(-1.0), "sqrt", "-1.0)"),
    (lambda: dd.acosh(0.5), "acosh", "0.5)"),
    (lambda: dd.log(0.0), "log", "0.0)"),
    (lambda: dd.divide(1.0, 0.0), "divide", "1.0, 0.0)"),
    (lambda: dd.asin(1.5), "asin", "1.5)"),
    (lambda: dd.atanh(1.0), "atanh", "1.0)"),
    (lambda: dd.log1p(-1.0), "log1p", "-1.0)"),
    (lambda: dd.power(-8.0, 1.0 / 3.0), "power", "-8.0, 0.333"),
    (lambda: dd.power(0.0, -1.0), "power", "0.0, -1.0)"),
    (lambda: dd.log(-1), "log", "-1.0)"),
    (lambda: dd.log(Dual(-1.0, 1.0)), "log", "-1.0)"),
    (lambda: dd.sqrt(Dual(-4.0, 1.0)), "sqrt", "-4.0)"),
    (lambda: 1.0 / Dual(0.0, 1.0), "divide", "1.0, 0.0)"),
    (lambda: Dual(1.0, 1.0) / 0.0, "divide", "1.0, 0.0)"),
    (lambda: Dual(1.0, 1.0) / Dual(0.0, 1.0), "divide", "1.0, 0.0)"),
    (lambda: dd.log(0j), "log", "0j)"),
])
def test_scalar_out_of_domain_raises_domain_error_naming_function_and_value(call, function, shown):
    with pytest.raises(DomainError) as info:
        call()
    message = str(info.value)
    assert message.startswith(f"{function}({shown}"), message
    assert "outside the domain" in message and "NumPy array" in message
    assert info.value.function == function
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("name, bad", [
    ("log", -1.0), ("sqrt", -1.0), ("acosh", 0.5), ("asin", 2.0), ("acos", -2.0),
    ("atanh", 2.0), ("log1p", -2.0), ("log2", -1.0), ("log10", -3.0),
])
def test_numpy_arrays_out_of_domain_give_nan_and_a_runtime_warning(name, bad):
    g = GENERIC[name]
    good = sample_points(name)[2][0]
    with pytest.warns(RuntimeWarning):
        result = g(np.array([good, bad]))
    assert not math.isnan(result[0]) and math.isnan(result[1])
    with pytest.warns(RuntimeWarning):
        d = g(Dual(np.array([good, bad]), np.ones(2)))
    assert math.isnan(d.primal[1]) and not math.isnan(d.tangent[0])


def test_numpy_division_by_zero_gives_inf_and_a_warning():
    with pytest.warns(RuntimeWarning):
        assert dd.divide(np.array([1.0]), np.array([0.0]))[0] == math.inf
    with pytest.warns(RuntimeWarning):
        d = Dual(np.array([1.0, -2.0]), np.ones(2)) / 0.0
    assert list(d.primal) == [math.inf, -math.inf]


def test_sqrt_at_zero_has_an_infinite_tangent_not_an_exception():
    assert dd.sqrt(Dual(0.0, 1.0)).primal == 0.0
    assert dd.sqrt(Dual(0.0, 1.0)).tangent == math.inf
    assert dd.derivative(dd.sqrt, 0.0) == math.inf
    assert dd.derivative(np.sqrt, 0.0) == math.inf
    assert dd.derivative(lambda x: x ** 0.5, 0.0) == math.inf
    assert dd.derivative(dd.cbrt, 0.0) == math.inf
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        d = dd.sqrt(Dual(np.array([0.0, 4.0]), np.ones(2)))
    assert d.tangent[0] == math.inf and d.tangent[1] == 0.25


# --- extreme arguments: no overflow, full accuracy ------------------------------------------


@pytest.mark.parametrize("x", [-1000.0, -700.0, -40.0, -1e-8, 0.0, 1e-8, 40.0, 700.0, 1000.0])
def test_sigmoid_and_softplus_at_large_arguments(x):
    with mpmath.workdps(DIGITS):
        X_ = mp(x)
        sig = 1 / (1 + mpmath.exp(-X_))
        sig_prime = mpmath.exp(-X_) / (1 + mpmath.exp(-X_)) ** 2
        soft = mpmath.log1p(mpmath.exp(X_))
    for got, expected, what in [
        (dd.sigmoid(x), sig, "sigmoid"), (dd.sigmoid(Dual(x, 1.0)).tangent, sig_prime, "sigmoid'"),
        (dd.softplus(x), soft, "softplus"), (dd.softplus(Dual(x, 1.0)).tangent, sig, "softplus'"),
        (dd.sigmoid(np.array([x]))[0], sig, "np sigmoid"),
        (dd.softplus(np.array([x]))[0], soft, "np softplus"),
        (dd.sigmoid(complex(x)), sig, "complex sigmoid"),
        (dd.softplus(complex(x)), soft, "complex softplus"),
    ]:
        if float(expected) == 0.0:  # below the smallest subnormal: 0 is the correctly rounded value
            assert got == 0.0, (what, x)
        else:
            assert_close(got, expected, 4 * EPS, f"{what}({x})", "value (extreme arguments)")


@pytest.mark.parametrize("name, x, expected", [
    ("tanh", 400.0, lambda x: 1 / mpmath.cosh(x) ** 2),
    ("tanh", -20.0, lambda x: 1 / mpmath.cosh(x) ** 2),
    ("asinh", 1e150, lambda x: 1 / mpmath.sqrt(x * x + 1)),
    ("asinh", -1e150, lambda x: 1 / mpmath.sqrt(x * x + 1)),
    ("acosh", 1e200, lambda x: 1 / mpmath.sqrt(x * x - 1)),
    ("cosh", 800.0, lambda x: mpmath.inf),
    ("exp", 1000.0, lambda x: mpmath.inf),
    ("erf", 30.0, lambda x: 2 / mpmath.sqrt(mpmath.pi) * mpmath.exp(-x * x)),
])
def test_derivatives_at_extreme_arguments_do_not_raise(name, x, expected):
    with mpmath.workdps(DIGITS):
        want = expected(mp(x))
    got = GENERIC[name](Dual(x, 1.0)).tangent
    if mpmath.isinf(want):
        assert got == math.inf
    elif float(want) == 0.0:
        assert got == 0.0
    else:
        assert_close(got, want, 4 * EPS, f"{name}'({x})", "first derivative (extreme)")


# --- complex tangents (the complex step's raw material) ----------------------------------------


@pytest.mark.parametrize("name", [n for n in COMPLEX if RULES[n].arity == 1])
def test_complex_dual_tangent_matches_sympy_diff(name):
    ref, g = reference(name), GENERIC[name]
    for point in sample_points(name):
        z = complex(point[0], 0.25 * max(1.0, abs(point[0])))
        d = g(Dual(z, 1.0))
        assert_close(d.tangent, ref.partial(0, z), PARTIAL_RTOL, _where(name, (z,)),
                     "first derivative (complex)")


# --- where the textbook formulas lose their digits -------------------------------------------

#: Points near a domain edge or where a function saturates, beyond the rows'
#: sample boxes: 1/√(1 - x²) (asin'), 1 - tanh², σ(1 - σ) and friends lose most
#: of their digits here, the rows' formulas (rules.py's docstring) none.
EDGE_POINTS = [
    ("asin", 1 - 1e-9), ("asin", -1 + 1e-12), ("acos", 1 - 1e-9), ("atanh", 1 - 1e-9),
    ("atanh", -1 + 1e-12), ("acosh", 1 + 1e-9), ("acosh", 1 + 1e-14), ("tanh", 15.0),
    ("tanh", -30.0), ("sigmoid", 30.0), ("sigmoid", -30.0), ("softplus", 30.0),
    ("softplus", -30.0), ("log1p", -1 + 1e-9), ("log1p", 1e-12), ("expm1", 1e-12),
    ("erfc", 20.0), ("erf", -5.5), ("tan", 1.5707963), ("cbrt", -1e-30), ("atan", 1e10),
    ("sqrt", 1e-200), ("log", 1e150),
]


@pytest.mark.parametrize("name, x", EDGE_POINTS)
def test_first_and_second_derivatives_keep_their_digits_at_the_edges(name, x):
    ref, g = reference(name), GENERIC[name]
    assert_close(g(Dual(x, 1.0)).tangent, ref.partial(0, x), PARTIAL_RTOL, f"{name}'({x})",
                 "first derivative (edges)")
    second = dd.derivative(lambda u: dd.derivative(g, u), x)
    assert_close(second, ref.partial(0, x, order=2), SECOND_RTOL, f"{name}''({x})",
                 "second derivative (edges)")
