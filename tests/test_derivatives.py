"""derivative, grad, jacobian, jvp, hessian: against SymPy, nested, and on misuse.

The functions under test are written once with dualdiff's generic functions,
so the very same Python function runs on Duals (the value under test) and on
SymPy symbols (the reference, differentiated by ``sympy.diff`` and evaluated by
mpmath at 50 digits at the exact float point).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy

import dualdiff as dd
from dualdiff.errors import DualDiffError, InputError

from conftest import DIGITS, assert_close, lambdify_mp, mp

x_ = sympy.Symbol("x", real=True)
V = sympy.symbols("v0:3", real=True)

#: Tolerance for first derivatives of compositions: a few roundings per node,
#: each amplified by at most the modest condition numbers of these functions at
#: these points (worst seen 7.4e-16).
RTOL1 = 2e-14
#: Second and third derivatives by nesting: more terms, each rounded (worst
#: seen 5.7e-15, log(x)·sqrt(x)'' at 1.1).
RTOL2, RTOL3 = 1e-13, 1e-13


def _at(expr, symbols, point):
    """A SymPy expression at a float point, by mpmath at 50 digits."""
    with mpmath.workdps(DIGITS):
        return mpmath.mpmathify(lambdify_mp(tuple(symbols), expr)(*(mp(p) for p in point)))


def _check_array(got, exprs, symbols, point, rtol, what):
    """Entry by entry; an entry whose reference is 0 must be within rtol·(largest entry)."""
    got = np.asarray(got, dtype=float)
    refs = np.array([[_at(e, symbols, point) for e in row] for row in exprs], dtype=object)
    refs = refs.reshape(got.shape)
    scale = max(abs(float(r)) for r in refs.flat)
    for index in np.ndindex(got.shape):
        ref = refs[index]
        if ref == 0:
            assert abs(got[index]) <= rtol * scale, (what, index, got[index])
        else:
            assert_close(got[index], ref, rtol, f"{what}{index} at {point}", "grad/jacobian/hessian")


# --- scalar functions: nth derivatives by nesting ---------------------------------------------

SCALAR = {
    "x**3 + sin(x)": lambda x: x ** 3 + dd.sin(x),
    "exp(x)*sin(x)/(1 + x**2)": lambda x: dd.exp(x) * dd.sin(x) / (1 + x ** 2),
    "log(x)*sqrt(x)": lambda x: dd.log(x) * dd.sqrt(x),
    "x**x": lambda x: x ** x,
    "tanh(x)**2*atan(x)": lambda x: dd.tanh(x) ** 2 * dd.atan(x),
    "sigmoid(x)*erf(x)": lambda x: dd.sigmoid(x) * dd.erf(x),
    "softplus(cos(x)) - cbrt(x)": lambda x: dd.softplus(dd.cos(x)) - dd.cbrt(x),
    "2**x * x**2.5 / asinh(x)": lambda x: 2 ** x * x ** 2.5 / dd.asinh(x),
    "1/(1 + x) - expm1(-x) + log1p(x)": lambda x: 1 / (1 + x) - dd.expm1(-x) + dd.log1p(x),
}
POINTS = [0.3, 1.1, 2.7]


def _nested(f, order):
    g = f
    for _ in range(order):
        g = (lambda h: lambda u: dd.derivative(h, u))(g)
    return g


@pytest.mark.parametrize("order, rtol", [(1, RTOL1), (2, RTOL2), (3, RTOL3)])
@pytest.mark.parametrize("name", list(SCALAR))
def test_nth_derivative_by_nesting_matches_sympy(name, order, rtol):
    f = SCALAR[name]
    expr = sympy.diff(f(x_), x_, order)
    for point in POINTS:
        got = _nested(f, order)(point)
        assert type(got) is float
        assert_close(got, _at(expr, (x_,), (point,)), rtol, f"d^{order}/dx^{order} {name} at {point}",
                     f"derivative order {order} (nested)")


@pytest.mark.parametrize("name", list(SCALAR))
def test_scalar_hessian_is_the_second_derivative(name):
    f = SCALAR[name]
    expr = sympy.diff(f(x_), x_, 2)
    for point in POINTS:
        assert_close(dd.hessian(f, point), _at(expr, (x_,), (point,)), RTOL2,
                     f"hessian {name} at {point}", "derivative order 2 (nested)")


# --- perturbation confusion (Siskind & Pearlmutter 2005) ----------------------------------------


@pytest.mark.parametrize("x", [1.0, -2.5, 0.0, 7.0])
def test_siskind_pearlmutter_perturbation_confusion(x):
    # d/dx (x · d/dy (x + y)|_{y=1}) = d/dx (x · 1) = 1 at every x; a confused
    # implementation adds the two perturbations and answers 2.
    assert dd.derivative(lambda x: x * dd.derivative(lambda y: x + y, 1.0), x) == 1.0


def test_nested_derivatives_that_close_over_the_outer_variable():
    assert dd.derivative(lambda x: dd.derivative(lambda y: x * y, 2.0), 3.0) == 1.0
    assert dd.derivative(lambda x: x * dd.derivative(lambda y: x * y, 2.0), 3.0) == 6.0
    # d/dx [d/dy sin(x·y)]_{y=x} = d/dx [x cos(x²)] = cos(x²) - 2x² sin(x²)
    x = 0.5
    got = dd.derivative(lambda x: dd.derivative(lambda y: dd.sin(x * y), x), x)
    assert got == pytest.approx(math.cos(x * x) - 2 * x * x * math.sin(x * x), rel=1e-15)
    # three levels: d/dz (xyz) = xy; d/dy (xy) = x; d/dx (x · x) = 2x
    got = dd.derivative(
        lambda x: x * dd.derivative(lambda y: dd.derivative(lambda z: x * y * z, 1.0), 1.0), 2.0)
    assert got == 4.0
    # a closure-free inner function: d/dx (g'(x) · x) with g = y² is d/dx (2x²) = 4x
    assert dd.derivative(lambda x: dd.derivative(lambda y: y * y, x) * x, 3.0) == 12.0


def test_derivative_of_a_gradient_and_gradient_of_a_derivative():
    # grad_v (t v0 v1) = (t v1, t v0); its first entry 2t has derivative 2 in t
    assert dd.derivative(lambda t: dd.grad(lambda v: t * v[0] * v[1], [1.0, 2.0])[0], 3.0) == 2.0
    # d/ds (v0 s² + v1 s) at s = 1 is 2 v0 + v1, whose gradient is (2, 1)
    got = dd.grad(lambda v: dd.derivative(lambda s: v[0] * s ** 2 + v[1] * s, 1.0), [1.0, 2.0])
    assert got.tolist() == [2.0, 1.0]


def test_a_dual_leaked_from_an_unfinished_derivative_is_refused():
    def f(x):
        leak = []
        dd.derivative(lambda y: leak.append(y) or y, 1.0)
        return leak[0] * x  # a perturbation of the inner derivative escapes
    with pytest.raises(InputError, match="never finished"):
        dd.derivative(f, 2.0)


# --- grad, jacobian, jvp, hessian of multi-input functions, vs SymPy ---------------------------


def f_scalar(v):
    """R³ → R, with every kind of operation."""
    return (dd.sin(v[0] * v[1]) + dd.exp(v[1] / v[2]) * dd.log(v[0]) + v[2] ** 3
            - dd.atan2(v[0], v[2]) + dd.hypot(v[0], v[1]) + dd.tanh(v[0] - v[2]) ** 2)


def f_vector(v):
    """R³ → R⁴ as a list (Duals and a constant)."""
    return [v[0] * v[1] * v[2], dd.sqrt(v[0]) - v[1] ** 2, dd.hypot(v[1], v[2]) / (1 + v[0] ** 2),
            7.0]


X_POINTS = [(1.3, -0.4, 2.1), (0.7, 2.5, 0.9), (3.0, 0.1, -1.7)]


@pytest.mark.parametrize("point", X_POINTS)
def test_grad_matches_sympy(point):
    expr = f_scalar(list(V))
    got = dd.grad(f_scalar, list(point))
    assert isinstance(got, np.ndarray) and got.shape == (3,)
    _check_array(got, [[sympy.diff(expr, s) for s in V]], V, point, RTOL1, "grad")


@pytest.mark.parametrize("point", X_POINTS)
def test_jacobian_matches_sympy(point):
    exprs = [sympy.sympify(e) for e in f_vector(list(V))]
    got = dd.jacobian(f_vector, np.array(point))
    assert got.shape == (4, 3)
    _check_array(got, [[sympy.diff(e, s) for s in V] for e in exprs], V, point, RTOL1, "jacobian")


@pytest.mark.parametrize("point", X_POINTS)
def test_hessian_matches_sympy(point):
    expr = f_scalar(list(V))
    got = dd.hessian(f_scalar, point)
    assert got.shape == (3, 3)
    np.testing.assert_allclose(got, got.T, rtol=4e-16)  # symmetric up to the order of roundings
    _check_array(got, sympy.hessian(expr, V).tolist(), V, point, RTOL2, "hessian")


@pytest.mark.parametrize("point", X_POINTS)
def test_jvp_matches_sympy(point):
    direction = np.array([0.5, -1.0, 2.0])
    exprs = [sympy.sympify(e) for e in f_vector(list(V))]
    value, jv = dd.jvp(f_vector, point, direction)
    directional = [sum(sympy.diff(e, s) * sympy.Float(d, DIGITS) for s, d in zip(V, direction))
                   for e in exprs]
    _check_array(value, [exprs], V, point, 1e-15, "jvp value")
    _check_array(jv, [directional], V, point, RTOL1, "jvp")
    value, jv = dd.jvp(f_scalar, point, direction)
    assert type(value) is float and type(jv) is float
    ref = sum(sympy.diff(f_scalar(list(V)), s) * sympy.Float(d, DIGITS) for s, d in zip(V, direction))
    assert_close(jv, _at(ref, V, point), RTOL1, f"jvp scalar at {point}", "grad/jacobian/hessian")


def test_jvp_of_a_scalar_function():
    value, slope = dd.jvp(lambda x: x ** 3, 2.0, 0.5)
    assert (value, slope) == (8.0, 6.0)


# --- what the API returns ------------------------------------------------------------------------


def test_derivative_returns_a_float_or_an_array_of_the_outputs_shape():
    assert type(dd.derivative(lambda x: x * x, 3)) is float
    assert dd.derivative(lambda x: x * x, np.float32(3.0)) == 6.0
    assert dd.derivative(lambda x: x * x, np.array(3.0)) == 6.0
    got = dd.derivative(lambda x: [x, x * x, 2.0], 3.0)
    assert isinstance(got, np.ndarray) and got.tolist() == [1.0, 6.0, 0.0]
    got = dd.derivative(lambda x: x * np.array([1.0, 2.0, 3.0]), 3.0)
    assert got.tolist() == [1.0, 2.0, 3.0]
    got = dd.derivative(lambda x: np.array([1.0, 2.0]) + x, 1.0)  # a broadcast scalar tangent
    assert isinstance(got, np.ndarray) and got.tolist() == [1.0, 1.0]
    got = dd.derivative(lambda x: np.ones((2, 2)) * x ** 2, 1.5)
    assert got.shape == (2, 2) and (got == 3.0).all()


def test_derivative_at_a_complex_point():
    got = dd.derivative(dd.sin, 1 + 1j)
    assert type(got) is complex and abs(got - complex(mpmath.cos(mpmath.mpc(1, 1)))) < 1e-15


def test_grad_works_with_indexing_len_iteration_and_numpy():
    assert dd.grad(lambda x: sum(xi * xi for xi in x), [1, 2, 3]).tolist() == [2.0, 4.0, 6.0]
    assert dd.grad(lambda x: x[len(x) - 1] ** 3, [1.0, 2.0, 3.0]).tolist() == [0.0, 0.0, 27.0]
    got = dd.grad(lambda x: np.sin(x[0]) * np.exp(x[1]), [0.5, -1.0])
    np.testing.assert_allclose(got, [math.cos(0.5) * math.exp(-1.0), math.sin(0.5) * math.exp(-1.0)],
                               rtol=1e-15)
    got = dd.grad(lambda x: x[0, 0] * x[1, 1] + x[0, 1], [[1.0, 2.0], [3.0, 4.0]])
    assert got.tolist() == [[4.0, 1.0], [0.0, 1.0]]


def test_jacobian_of_an_array_dual_and_of_a_tuple():
    assert dd.jacobian(lambda x: x * 2.0, [1.0, 2.0]).tolist() == [[2.0, 0.0], [0.0, 2.0]]
    assert dd.jacobian(lambda x: (x[0], 1.0), [1.0, 2.0]).tolist() == [[1.0, 0.0], [0.0, 0.0]]
    got = dd.jacobian(lambda x: np.sin(x), np.array([0.0, 1.0]))
    np.testing.assert_allclose(got, np.diag(np.cos([0.0, 1.0])), rtol=1e-15)


def test_results_are_fresh_writable_arrays():
    got = dd.grad(lambda x: x[0] + x[1], [1.0, 2.0])
    got[0] = 5.0  # must not be a read-only broadcast view
    assert dd.grad(lambda x: x[0] + x[1], [1.0, 2.0]).tolist() == [1.0, 1.0]


# --- misuse: clear errors, zero where zero is right ---------------------------------------------


def test_a_function_ignoring_its_input_has_zero_derivatives_of_the_right_shape():
    assert dd.derivative(lambda x: 3.0, 1.0) == 0.0
    assert type(dd.derivative(lambda x: 3.0, 1.0)) is float
    assert dd.derivative(lambda x: np.ones(3), 1.0).tolist() == [0.0, 0.0, 0.0]
    assert dd.grad(lambda x: 5.0, [1.0, 2.0]).tolist() == [0.0, 0.0]
    assert dd.grad(lambda x: 5.0, np.ones((2, 3))).shape == (2, 3)
    assert dd.jacobian(lambda x: [1.0, 2.0, 3.0], [1.0, 2.0]).tolist() == [[0.0, 0.0]] * 3
    assert dd.jvp(lambda x: 2.0, [1.0, 2.0], [1.0, 1.0]) == (2.0, 0.0)
    assert dd.hessian(lambda x: 1.0, [1.0, 2.0]).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    assert dd.hessian(lambda x: 1.0, 1.0) == 0.0
    assert dd.hessian(lambda x: x[0] + 2 * x[1], [1.0, 2.0]).tolist() == [[0.0, 0.0], [0.0, 0.0]]


@pytest.mark.parametrize("call, message", [
    (lambda: dd.derivative(lambda x: x, [1.0, 2.0]), "Perhaps you meant grad(f, x)"),
    (lambda: dd.derivative(lambda x: x, np.array([1.0, 2.0])), "Perhaps you meant grad(f, x)"),
    (lambda: dd.grad(lambda x: x * 2.0, [1.0, 2.0]), "Perhaps you meant jacobian(f, x)"),
    (lambda: dd.grad(lambda x: [x[0], x[1]], [1.0, 2.0]), "Perhaps you meant jacobian(f, x)"),
    (lambda: dd.grad(lambda x: x, 1.0), "Perhaps you meant derivative(f, x)"),
    (lambda: dd.jacobian(lambda x: x, 2.0), "Perhaps you meant derivative(f, x)"),
    (lambda: dd.derivative(lambda x: x, "a"), "needs a scalar point x (a real or complex number), got str"),
    (lambda: dd.derivative(lambda x: x, None), "got NoneType None"),
    (lambda: dd.derivative(lambda x: x, True), "got bool True"),
    (lambda: dd.grad(lambda x: x[0], ["a", "b"]), "an array of numbers"),
    (lambda: dd.grad(lambda x: 1.0, []), "non-empty"),
    (lambda: dd.derivative(2.0, lambda x: x), "did you swap f and x?"),
    (lambda: dd.grad([1.0], lambda x: x), "did you swap f and x?"),
    (lambda: dd.jacobian("f", [1.0]), "needs a function f"),
    (lambda: dd.jvp(2.0, lambda x: x, 1.0), "did you swap f and x?"),
    (lambda: dd.hessian(2.0, lambda x: x), "did you swap f and x?"),
    (lambda: dd.jvp(lambda x: x[0], [1.0, 2.0], [1.0, 2.0, 3.0]),
     "jvp needs a direction v of x's shape (2,), got an array of shape (3,)"),
    (lambda: dd.jvp(lambda x: x[0], [1.0, 2.0], 1.0), "jvp needs a direction v of x's shape (2,)"),
    (lambda: dd.jvp(lambda x: x, 1.0, [1.0, 2.0]), "x is a scalar, so v must be a number"),
    (lambda: dd.jvp(lambda x: x[0], [1.0, 2.0], ["a", "b"]), "direction v of numbers"),
    (lambda: dd.derivative(lambda x: None, 1.0), "f returned NoneType None"),
    (lambda: dd.grad(lambda x: None, [1.0, 2.0]), "f returned NoneType None"),
    (lambda: dd.jacobian(lambda x: "y", [1.0, 2.0]), "f returned str"),
    (lambda: dd.jacobian(lambda x: [], [1.0, 2.0]), "empty"),
])
def test_misuse_raises_an_input_error_that_says_what_to_do(call, message):
    with pytest.raises(InputError) as info:
        call()
    assert message in str(info.value)
    assert isinstance(info.value, DualDiffError) and isinstance(info.value, ValueError)


def test_returning_none_mentions_what_f_must_return():
    with pytest.raises(InputError, match="needs f to return a number, an array, or Duals"):
        dd.derivative(lambda x: None, 1.0)


def test_hessians_of_matrix_points_and_nested_api_calls():
    # f = x00²·x11 + x01·x10: the nonzero second partials are 2·x11, 2·x00 and 1
    got = dd.hessian(lambda x: x[0, 0] ** 2 * x[1, 1] + x[0, 1] * x[1, 0], [[1, 2], [3, 4]])
    want = np.zeros((2, 2, 2, 2))
    want[0, 0, 0, 0] = 2 * 4.0
    want[0, 0, 1, 1] = want[1, 1, 0, 0] = 2 * 1.0
    want[0, 1, 1, 0] = want[1, 0, 0, 1] = 1.0
    assert got.shape == (2, 2, 2, 2) and (got == want).all()
    # d/dt hessian_x(t·x0²·x1) = hessian_x(x0²·x1) = [[2·x1, 2·x0], [2·x0, 0]]
    got = dd.derivative(lambda t: dd.hessian(lambda x: t * x[0] ** 2 * x[1], [1.0, 2.0]), 3.0)
    assert got.tolist() == [[4.0, 2.0], [2.0, 0.0]]
    # jacobian_x of grad_y((x0·y0)² + x1·y1) at y = (1, 1) = jacobian of (2·x0², x1)
    got = dd.jacobian(lambda x: dd.grad(lambda y: (x[0] * y[0]) ** 2 + x[1] * y[1], [1.0, 1.0]),
                      [2.0, 3.0])
    assert got.tolist() == [[8.0, 0.0], [0.0, 1.0]]


# --- an inf or nan partial stays in its own direction ------------------------------------------
# ∂f/∂x of sqrt(x) at 0 is +inf (1/(2 sqrt x)); a direction that does not move x must
# get exactly 0 from it, not 0·inf = nan, or one singular input spoils the whole gradient.


def test_an_infinite_partial_does_not_contaminate_other_directions():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # and no RuntimeWarning for the zeroed 0·inf
        # f = sqrt(x) + y: ∇f = (1/(2√x), 1) = (inf, 1) at (0, 1)
        assert dd.grad(lambda v: dd.sqrt(v[0]) + v[1], [0.0, 1.0]).tolist() == [math.inf, 1.0]
        # f = sqrt(x)·y: ∇f = (y/(2√x), √x) = (inf, 0) at (0, 1)
        assert dd.grad(lambda v: dd.sqrt(v[0]) * v[1], [0.0, 1.0]).tolist() == [math.inf, 0.0]
        # f = sqrt(x·y) + y at (0, 1): ∂/∂x = √y/(2√x) = inf; ∂/∂y: x·y is 0 for all y at x = 0,
        # so only the "+ y" term moves: 1
        assert dd.grad(lambda v: dd.sqrt(v[0] * v[1]) + v[1], [0.0, 1.0]).tolist() == [
            math.inf, 1.0]
        # one scalar direction that leaves x alone: J·(0, 1) = 1
        assert dd.jvp(lambda v: dd.sqrt(v[0]) + v[1], [0.0, 1.0], [0.0, 1.0]) == (1.0, 1.0)
        # cbrt(x) + 2y: ∂/∂x = 1/(3 x^(2/3)) = inf at 0, ∂/∂y = 2
        assert dd.grad(lambda v: dd.cbrt(v[0]) + 2.0 * v[1], [0.0, 1.0]).tolist() == [
            math.inf, 2.0]


def test_an_infinite_partial_of_an_array_argument_stays_on_its_element():
    # J of sqrt elementwise at (0, 4) = diag(1/(2√0), 1/(2√4)) = diag(inf, 0.25): the off-diagonal
    # zeros are directions that do not move the element whose partial is inf
    with np.errstate(divide="ignore"):  # sqrt'(0) = 0.5/0 on an array: NumPy's own warning
        got = dd.jacobian(lambda v: dd.sqrt(v), [0.0, 4.0])
    assert got.tolist() == [[math.inf, 0.0], [0.0, 0.25]]


def test_a_nan_partial_of_a_two_argument_rule_stays_in_its_own_direction():
    # hypot(x, 0) = |x| has no derivative at x = 0 (its partial x/hypot is 0/0 = nan there),
    # but f = hypot(x, 0) + y still has ∂f/∂y = 1 exactly
    got = dd.grad(lambda v: dd.hypot(v[0], 0.0) + v[1], [0.0, 2.0])
    assert math.isnan(got[0]) and got[1] == 1.0
    # an inf partial of an inner function passed through a two-argument rule:
    # f = atan2(sqrt(t), 1) + z: ∂f/∂t = 1/(2√t) / (1 + t) = inf at t = 0, ∂f/∂z = 1
    got = dd.grad(lambda v: dd.atan2(dd.sqrt(v[0]), 1.0) + v[1], [0.0, 1.0])
    assert got.tolist() == [math.inf, 1.0]
