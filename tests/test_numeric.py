"""Tests of dualdiff.numeric: finite differences, complex step, Richardson.

Expected values come from closed forms, exact rational arithmetic and mpmath at 50 digits;
error bounds from the stencils' Taylor remainders (h/2·f'', h²/6·f''', h⁴/30·f⁽⁵⁾, h⁶/140·f⁽⁷⁾).
"""

from __future__ import annotations

import cmath
import math
import sys
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import dualdiff as dd
from dualdiff.errors import DomainError, DualDiffError, InputError, NotAnalyticError
from dualdiff.numeric import (
    METHODS,
    SCHEMES,
    NumericResult,
    complex_step,
    complex_step_result,
    default_step,
    finite_difference,
    finite_difference_result,
    numeric_result,
    richardson,
    scheme_order,
)

EPS = sys.float_info.epsilon

# Taylor remainder of each stencil: |D_h f - f'| <= C h^p max|f^(p+1)| on the stencil's span.
REMAINDER = {  # scheme: (C, p, reach of the stencil in steps, sum|weights|)
    "forward": (1 / 2, 1, 1, 2.0),
    "backward": (1 / 2, 1, 1, 2.0),
    "central": (1 / 6, 2, 1, 1.0),
    "central4": (1 / 30, 4, 2, 18 / 12),
    "central6": (1 / 140, 6, 3, 110 / 60),
}


class Counting:
    """An independent call counter around f."""

    def __init__(self, f):
        self.f, self.calls, self.args = f, 0, []

    def __call__(self, x):
        self.calls += 1
        self.args.append(x)
        return self.f(x)


# ---------------------------------------------------------------- default step


@pytest.mark.parametrize(
    "scheme, power", [("forward", 1 / 2), ("backward", 1 / 2), ("central", 1 / 3), ("central4", 1 / 5), ("central6", 1 / 7)]
)
@pytest.mark.parametrize("x", [0.0, 0.3, -1.0, 7.5, -2.5e4])
def test_default_step_is_eps_power_scaled_to_x(scheme, power, x):
    nominal = EPS**power * max(abs(x), 1.0)
    h = default_step(scheme, x)
    assert isinstance(h, float)
    assert h == pytest.approx(nominal, rel=1e-9)
    assert (x + h) - x == h  # exactly representable: no error in the step itself


def test_default_step_complex_and_arrays():
    assert default_step("complex", 2.0) == 1e-20
    x = np.array([[0.0, 3.0], [-10.0, 0.5]])
    h = default_step("central", x)
    assert h.shape == x.shape
    np.testing.assert_allclose(h, EPS ** (1 / 3) * np.maximum(np.abs(x), 1.0), rtol=1e-9)
    assert np.array_equal((x + h) - x, h)


@settings(max_examples=200, deadline=None)
@given(st.floats(-1e8, 1e8), st.sampled_from(SCHEMES))
def test_default_step_always_exact(x, scheme):
    h = default_step(scheme, x)
    assert h > 0 and (x + h) - x == h


def test_scheme_orders():
    assert [scheme_order(s) for s in SCHEMES] == [1, 1, 2, 4, 6]
    assert scheme_order("complex") == 2
    assert set(METHODS) == set(SCHEMES) | {"complex", "richardson"}


# ---------------------------------------------------------------- accuracy of the schemes


def _bound(scheme, h, x, derivative_max, f_max):
    c, p, reach, weights = REMAINDER[scheme]
    truncation = c * h**p * derivative_max(x, reach * h)
    rounding = 4 * weights * EPS * f_max(x, reach * h) / h
    return truncation + rounding


EXP = (math.exp, math.exp, lambda x, r: math.exp(x + r), lambda x, r: math.exp(x + r))
SIN = (math.sin, math.cos, lambda x, r: 1.0, lambda x, r: 1.0)


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("family", [EXP, SIN], ids=["exp", "sin"])
@pytest.mark.parametrize("x", [-2.0, 0.0, 0.3, 1.0, 5.0])
@pytest.mark.parametrize("step", [None, 1e-2, 1e-4, 1e-7])
def test_scheme_error_within_its_theoretical_bound(scheme, family, x, step):
    f, exact, derivative_max, f_max = family
    r = finite_difference_result(f, x, scheme, step)
    assert abs(r.value - exact(x)) <= _bound(scheme, r.step, x, derivative_max, f_max)


@pytest.mark.parametrize(
    "scheme, steps, leading",
    [
        # (D_h - f') / h^p -> the leading remainder term for sin at 0.6
        ("forward", np.logspace(-5, -2, 7), -math.sin(0.6) / 2),
        ("central", np.logspace(-3.5, -1.5, 9), -math.cos(0.6) / 6),
        ("central4", np.logspace(-2, -0.8, 7), -math.cos(0.6) / 30),
        ("central6", np.logspace(-1.3, -0.6, 6), -math.cos(0.6) / 140),
    ],
)
def test_error_falls_as_h_to_the_order(scheme, steps, leading):
    x, exact = 0.6, math.cos(0.6)
    used, errors = [], []
    for h in steps:
        r = finite_difference_result(math.sin, x, scheme, h)
        used.append(r.step)
        errors.append(r.value - exact)
    used, errors = np.array(used), np.array(errors)
    slope = np.polyfit(np.log(used), np.log(np.abs(errors)), 1)[0]
    assert slope == pytest.approx(scheme_order(scheme), abs=0.1)
    # the smallest step is deep in the asymptotic range: the constant is the Taylor one
    assert errors[0] / used[0] ** scheme_order(scheme) == pytest.approx(leading, rel=0.02)


def test_published_forward_difference_error():
    # f(x1, x2) = ln x1 + x1 x2 - sin x2 at (2, 5); grad = (1/x1 + x2, x1 - cos x2).
    # A forward difference with h = 1e-5 is off by h/2 * f_x1x1 = 1e-5/2 * (-1/4) = -1.25e-6 in x1.
    f = lambda v: np.log(v[0]) + v[0] * v[1] - np.sin(v[1])
    g = finite_difference(f, np.array([2.0, 5.0]), scheme="forward", step=1e-5)
    error_x1 = g[0] - 5.5
    assert -2.5e-6 < error_x1 < -0.625e-6
    assert error_x1 == pytest.approx(-1.25e-6, rel=0.05)
    assert g[1] - (2 - math.cos(5.0)) == pytest.approx(1e-5 / 2 * math.sin(5.0), rel=0.05)


@settings(max_examples=150, deadline=None)
@given(
    st.floats(-10, 10), st.floats(-10, 10), st.floats(-10, 10), st.floats(-10, 10),
    st.floats(-8, 8), st.sampled_from([1e-1, 1e-3, None]),
)
def test_central_on_a_cubic_is_off_by_exactly_a3_h2(a3, a2, a1, a0, x, step):
    f = lambda t: ((a3 * t + a2) * t + a1) * t + a0
    r = finite_difference_result(f, x, "central", step)
    h = r.step
    exact = 3 * a3 * x * x + 2 * a2 * x + a1
    scale = abs(a3) * (abs(x) + h) ** 3 + abs(a2) * (abs(x) + h) ** 2 + abs(a1) * (abs(x) + h) + abs(a0)
    slack = 1e-300  # products of tiny coefficients go subnormal, where eps no longer bounds rounding
    assert abs(r.value - (exact + a3 * h * h)) <= 8 * EPS * scale / h + 8 * EPS * abs(exact) + slack


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-5, 5), min_size=1, max_size=5), st.floats(-3, 3))
def test_central4_is_exact_on_quartics_to_rounding(coefficients, x):
    f = lambda t: sum(c * t**k for k, c in enumerate(coefficients))
    r = finite_difference_result(f, x, "central4")
    exact = sum(k * c * x ** (k - 1) for k, c in enumerate(coefficients) if k)
    scale = sum(abs(c) * (abs(x) + 2 * r.step) ** k for k, c in enumerate(coefficients))
    assert abs(r.value - exact) <= 8 * EPS * scale / r.step + 8 * EPS * abs(exact) + 1e-300


# ---------------------------------------------------------------- calling convention and shapes


def test_scalar_x_calls_f_with_a_float_and_returns_a_float():
    f = Counting(lambda t: t * t)
    value = finite_difference(f, 3)
    assert type(value) is float and value == pytest.approx(6.0, rel=1e-9)
    assert all(type(a) is float for a in f.args)


def test_scalar_x_with_array_output_gives_the_output_shape():
    value = finite_difference(lambda t: np.array([t, t * t, np.sin(t)]), 0.5, "central4")
    assert value.shape == (3,)
    np.testing.assert_allclose(value, [1.0, 1.0, math.cos(0.5)], rtol=1e-10)


def test_array_x_calls_f_with_an_array_of_its_shape():
    x = np.arange(6.0).reshape(2, 3)
    f = Counting(lambda v: float(np.sum(v**2)))
    g = finite_difference(f, x)
    assert all(isinstance(a, np.ndarray) and a.shape == (2, 3) for a in f.args)
    np.testing.assert_allclose(g, 2 * x, atol=1e-8)


def test_array_x_is_not_mutated():
    x = np.array([1.0, 2.0])
    finite_difference(lambda v: v[0] * v[1], x, "central4")
    complex_step(lambda v: v[0] * v[1], x)
    assert x.tolist() == [1.0, 2.0]


def test_zero_dimensional_array_x():
    value = finite_difference(np.exp, np.array(0.0))
    assert isinstance(value, np.ndarray) and value.shape == ()
    assert float(value) == pytest.approx(1.0, rel=1e-9)


@settings(max_examples=40, deadline=None)
@given(hnp.array_shapes(min_dims=1, max_dims=3, max_side=3), st.sampled_from(SCHEMES + ("complex",)))
def test_gradient_and_jacobian_shapes_and_values(shape, scheme):
    rng = np.random.default_rng(sum(shape))
    x = rng.uniform(-1, 1, shape)
    method = lambda f: complex_step(f, x) if scheme == "complex" else finite_difference(f, x, scheme)
    tol = {"forward": 1e-6, "backward": 1e-6}.get(scheme, 1e-8)

    grad = method(lambda v: np.sum(np.sin(v)))  # scalar output: the gradient, x's shape
    assert grad.shape == shape
    np.testing.assert_allclose(grad, np.cos(x), atol=tol)

    jac = method(np.sin)  # elementwise: a diagonal Jacobian of shape x.shape + x.shape
    assert jac.shape == shape + shape
    expected = np.diag(np.cos(x).ravel()).reshape(shape + shape)
    np.testing.assert_allclose(jac, expected, atol=tol)

    a = rng.uniform(-2, 2, (2, 4) + shape)  # fixed output shape (2, 4): a linear map
    lin = method(lambda v: np.tensordot(a, v, axes=len(shape)))
    assert lin.shape == (2, 4) + shape
    np.testing.assert_allclose(lin, a, atol=tol * 10)


@pytest.mark.parametrize("scheme, per_component, shared", [
    ("forward", 1, 1), ("backward", 1, 1), ("central", 2, 0), ("central4", 4, 0), ("central6", 6, 0),
])
@pytest.mark.parametrize("shape", [(), (3,), (2, 2)])
def test_evaluation_counts(scheme, per_component, shared, shape):
    x = 0.5 if shape == () else np.full(shape, 0.5)
    n = int(np.prod(shape))
    f = Counting(lambda v: np.sum(np.exp(v)))
    r = finite_difference_result(f, x, scheme)
    assert r.evaluations == f.calls == per_component * n + shared
    assert r.scheme == scheme and isinstance(r, NumericResult) and r.error is None


def test_complex_step_counts_one_call_per_component():
    f = Counting(lambda v: np.sum(np.exp(v)))
    r = complex_step_result(f, np.zeros((2, 3)))
    assert r.evaluations == f.calls == 6 and r.scheme == "complex" and r.step.shape == (2, 3)


# ---------------------------------------------------------------- complex step


@pytest.mark.parametrize("x", [-3.0, -1.0, 0.0, 0.5, 2.0, 3.0])
def test_complex_step_exact_on_elementary_functions(x):
    assert complex_step(cmath.exp, x) == pytest.approx(math.exp(x), rel=1e-15, abs=0)
    assert complex_step(cmath.sin, x) == pytest.approx(math.cos(x), rel=1e-15, abs=1e-16)
    assert complex_step(np.cos, x) == pytest.approx(-math.sin(x), rel=1e-15, abs=1e-16)
    assert complex_step(lambda t: 3 * t**5 - 2 * t**2 + t - 7, x) == pytest.approx(
        15 * x**4 - 4 * x + 1, rel=1e-15
    )


def test_complex_step_on_the_squire_trapp_function():
    # The classic complex-step test function e^x / sqrt(sin^3 x + cos^3 x) at x = 1.5
    # (Squire & Trapp 1998; Martins, Sturdza & Alonso 2003); reference by mpmath at 50 digits.
    mpmath.mp.dps = 50
    reference = mpmath.diff(
        lambda t: mpmath.exp(t) / mpmath.sqrt(mpmath.sin(t) ** 3 + mpmath.cos(t) ** 3), mpmath.mpf("1.5")
    )
    f = lambda z: cmath.exp(z) / cmath.sqrt(cmath.sin(z) ** 3 + cmath.cos(z) ** 3)
    assert complex_step(f, 1.5) == pytest.approx(float(reference), rel=2e-15)
    # central differences on the same function lose about a third of the digits
    assert abs(finite_difference(lambda t: f(t).real, 1.5) - float(reference)) > 1e-13


def test_complex_step_through_dualdiff_functions():
    f = lambda t: dd.exp(dd.sin(t)) * dd.log(1 + t * t)
    x = 0.7
    exact = math.cos(x) * math.exp(math.sin(x)) * math.log(1 + x * x) + math.exp(math.sin(x)) * 2 * x / (1 + x * x)
    assert complex_step(f, x) == pytest.approx(exact, rel=2e-15)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(-50, 50), min_size=1, max_size=7), st.floats(-3, 3))
def test_complex_step_on_random_polynomials(coefficients, x):
    f = lambda t: sum(c * t**k for k, c in enumerate(coefficients))
    exact = sum(k * c * Fraction(x) ** (k - 1) for k, c in enumerate(coefficients) if k)
    scale = sum(k * abs(c) * abs(x) ** (k - 1) for k, c in enumerate(coefficients) if k)
    # truncation: Im f(x+ih)/h = f'(x) - h²·f⁽³⁾(x)/6 + ..., h = 1e-20 (visible only when f'(x) ~ 0)
    truncation = 1e-40 * sum(abs(c) * k**3 * (1 + abs(x)) ** k for k, c in enumerate(coefficients))
    assert abs(Fraction(complex_step(f, x)) - exact) <= 16 * EPS * scale + Fraction(truncation)


def test_complex_step_gradient_and_jacobian():
    x = np.array([0.4, -1.2, 2.0])
    f = lambda v: np.exp(v[0]) * np.sin(v[1]) + v[0] ** 2 * v[2]
    exact = [math.exp(0.4) * math.sin(-1.2) + 2 * 0.4 * 2.0, math.exp(0.4) * math.cos(-1.2), 0.16]
    np.testing.assert_allclose(complex_step(f, x), exact, rtol=1e-15)
    jac = complex_step(lambda v: np.array([v[0] * v[1], v[2] ** 3]), x)
    np.testing.assert_allclose(jac, [[-1.2, 0.4, 0.0], [0.0, 0.0, 12.0]], rtol=1e-15)


@pytest.mark.parametrize(
    "f, why",
    [
        (abs, "real"),  # abs(complex) is a real number: the imaginary part is gone
        (lambda t: t if t > 0 else -t, "complex input"),  # comparisons reject complex
        (math.sin, "math"),  # math.* take real numbers only
        (lambda t: float(t) * 2, "complex input"),
        (lambda t: 3.0, "real"),  # real output for complex input
    ],
)
def test_complex_step_rejects_non_analytic_code(f, why):
    with pytest.raises(NotAnalyticError) as info:
        complex_step(f, 0.5)
    message = str(info.value)
    assert why in message and "scheme='central'" in message


def test_complex_step_rejects_numpy_code_that_drops_the_imaginary_part():
    with pytest.raises(NotAnalyticError, match="central"):
        complex_step(np.abs, np.array([1.0, -2.0]))

    def copies_into_a_real_buffer(v):
        buffer = np.zeros(2)
        buffer[:] = v  # NumPy casts complex to real here, with a ComplexWarning
        return buffer * 2.0 + 1j * 0

    with pytest.raises(NotAnalyticError, match="ComplexWarning"):
        complex_step(copies_into_a_real_buffer, np.array([1.0, 2.0]))


def test_not_analytic_error_from_f_propagates_unchanged():
    raised = NotAnalyticError("relu has a kink: my own message")

    def f(t):
        raise raised

    with pytest.raises(NotAnalyticError) as info:
        complex_step(f, 1.0)
    assert info.value is raised
    with pytest.raises(NotAnalyticError, match="abs"):
        complex_step(dd.abs, 1.0)


# ---------------------------------------------------------------- Richardson


@pytest.mark.parametrize(
    "f, x, exact",
    [
        (math.exp, 1.0, math.e),
        (lambda t: 1 / (1 + t * t), 0.5, -0.64),
        (lambda t: math.exp(math.sin(3 * t)), 0.4, 3 * math.cos(1.2) * math.exp(math.sin(1.2))),
        (math.log, 3.0, 1 / 3),
    ],
)
def test_richardson_beats_central_and_bounds_its_error(f, x, exact):
    r = richardson(f, x)
    central_error = abs(finite_difference(f, x) - exact)
    actual = abs(r.value - exact)
    assert actual < central_error / 10
    assert actual <= r.error <= 1e-11 * abs(exact)
    assert r.evaluations == 8 and r.scheme == "richardson"


@pytest.mark.parametrize("step, levels", [(0.4, 3), (0.8, 3), (0.5, 2), (1.0, 4)])
@pytest.mark.parametrize("f, x, exact", [(math.exp, 0.0, 1.0), (math.sin, 0.6, math.cos(0.6))])
def test_richardson_error_estimate_is_of_the_right_order(step, levels, f, x, exact):
    # large steps: truncation dominates and the estimate must be a fair, conservative bound
    r = richardson(f, x, step=step, levels=levels)
    actual = abs(r.value - exact)
    assert actual <= r.error <= 1000 * actual


def test_richardson_order_improves_with_levels():
    errors = [abs(richardson(math.exp, 0.0, step=0.4, levels=k).value - 1.0) for k in (2, 3, 4)]
    assert errors[0] > 100 * errors[1] > 10_000 * errors[2]


def test_richardson_on_arrays():
    x = np.array([[0.2, 0.5], [1.0, -0.3]])
    r = richardson(lambda v: np.sum(np.exp(v)), x, levels=3)
    assert r.value.shape == r.error.shape == (2, 2) and r.evaluations == 2 * 3 * 4
    np.testing.assert_allclose(r.value, np.exp(x), rtol=1e-12)
    assert np.all(np.abs(r.value - np.exp(x)) <= r.error)
    jac = richardson(lambda v: np.array([v[0] * v[1], np.sin(v[0])]), np.array([1.5, 2.0]))
    np.testing.assert_allclose(jac.value, [[2.0, 1.5], [math.cos(1.5), 0.0]], rtol=1e-12, atol=1e-13)


# ---------------------------------------------------------------- numeric_result dispatch


@pytest.mark.parametrize("method", METHODS)
def test_numeric_result_dispatches_every_method(method):
    r = numeric_result(np.exp, 0.5, method)
    assert r.scheme == method
    assert r.value == pytest.approx(math.exp(0.5), rel=1e-6)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("x", ["1.0", None, 1 + 2j, True, math.nan, math.inf, [1.0, "a"], [[1.0, 2.0], [3.0]], object()])
def test_bad_x(x):
    for call in (lambda: finite_difference(math.exp, x), lambda: complex_step(cmath.exp, x), lambda: richardson(math.exp, x)):
        with pytest.raises(InputError, match="x must be"):
            call()


def test_unknown_scheme_lists_the_known_ones():
    with pytest.raises(InputError) as info:
        finite_difference(math.exp, 1.0, scheme="centre")
    assert all(s in str(info.value) for s in SCHEMES)
    with pytest.raises(InputError, match="richardson"):
        numeric_result(math.exp, 1.0, "spline")
    with pytest.raises(InputError, match="central4"):
        default_step("fifth", 1.0)


@pytest.mark.parametrize("step", [0.0, -1e-3, math.nan, math.inf, "1e-3", True, [1e-3, 1e-3]])
def test_bad_step(step):
    with pytest.raises(InputError, match="step"):
        finite_difference(math.exp, 1.0, step=step)
    with pytest.raises(InputError, match="step"):
        complex_step(cmath.exp, 1.0, step=step)


def test_step_array_must_match_x():
    x = np.array([1.0, 2.0])
    g = finite_difference(lambda v: v[0] * v[1], x, step=np.array([1e-4, 1e-6]))
    np.testing.assert_allclose(g, [2.0, 1.0], rtol=1e-8)
    with pytest.raises(InputError, match="shape"):
        finite_difference(lambda v: v[0] * v[1], x, step=np.array([1e-4, 1e-6, 1e-5]))


def test_step_below_the_spacing_of_x():
    assert 1.0 + 1e-17 == 1.0  # the premise: this step vanishes next to x = 1
    with pytest.raises(InputError, match="spacing"):
        finite_difference(math.exp, 1.0, step=1e-17)
    assert complex_step(cmath.exp, 1.0, step=1e-17) == pytest.approx(math.e, rel=1e-15)  # no subtraction


@pytest.mark.parametrize("output", ["abc", None, object(), [1.0, "x"], True, {"a": 1}])
def test_non_numeric_output(output):
    with pytest.raises(InputError, match="not a number"):
        finite_difference(lambda t: output, 1.0)


def test_output_shape_must_not_change():
    with pytest.raises(InputError, match="shapes"):
        finite_difference(lambda t: np.zeros(2) if t > 1 else np.zeros(3), 1.0)


def test_f_must_be_callable():
    with pytest.raises(InputError, match="callable"):
        finite_difference("sin", 1.0)


def test_leaving_the_domain_names_the_step():
    with pytest.raises(InputError, match="smaller step") as info:
        finite_difference(dd.log, 0.01, step=0.02)
    assert isinstance(info.value.__cause__, DomainError)
    # at x itself the domain error is the user's, unchanged
    with pytest.raises(DomainError):
        finite_difference(dd.log, -1.0, scheme="forward")
    # a one-sided scheme pointing away from the boundary works
    assert finite_difference(dd.log, 0.01, scheme="forward", step=0.02) == pytest.approx(
        math.log(3) / 0.02, rel=1e-9
    )


def test_richardson_levels():
    for levels in (1, 0, 2.5, True):
        with pytest.raises(InputError, match="levels"):
            richardson(math.exp, 1.0, levels=levels)


def test_errors_are_dualdiff_errors():
    assert issubclass(InputError, DualDiffError) and issubclass(NotAnalyticError, DualDiffError)
