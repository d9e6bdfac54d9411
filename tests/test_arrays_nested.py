"""Nested array Duals: Hessians (the Jacobian of a gradient) through structural operations.

The inner gradient's Duals have primals that are themselves Duals of the outer
level, so every structural rule is exercised with a Dual primal and, often, a
Dual tangent. Each case's output is reduced to a scalar with fixed weights and
its Hessian is compared with SymPy's.
"""

from __future__ import annotations

import numpy as np
import pytest

import dualdiff as dd
from array_cases import CASES, CASES_BY_ID
from array_reference import NP, SYM, central_jacobian, sympy_hessian

# Small cases keep the symbolic second derivatives quick.
NESTED = [case for case in CASES if case.sympy is not False and int(np.prod(case.shape)) <= 9
          and case.id != "solve-3x3"]


def _weights(case):
    out = np.asarray(case.f(case.point(), NP))
    return np.random.default_rng(3).normal(size=out.shape)


@pytest.mark.parametrize("case", NESTED, ids=lambda c: c.id)
def test_hessian_matches_sympy(case):
    x, w = case.point(seed=4), _weights(case)
    symbolic = case.sympy if callable(case.sympy) else (lambda a: case.f(a, SYM))

    def scalar(a):
        return np.sum(case.f(a, NP) * w)

    def scalar_symbolic(a):
        return np.sum(np.asarray(symbolic(a), dtype=object) * w)

    expected = sympy_hessian(scalar, x, scalar_symbolic)
    got = dd.hessian(scalar, x)
    assert got.shape == x.shape + x.shape
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-11)


@pytest.mark.parametrize("case_id", ["max", "clip", "sort", "where", "std", "norm-1"])
def test_hessian_of_piecewise_functions_matches_differences_of_the_exact_gradient(case_id):
    """Away from kinks these are smooth: the Hessian is the derivative of the gradient."""
    case = CASES_BY_ID[case_id]
    x, w = case.point(seed=5), _weights(case)

    def scalar(a):
        return np.sum(case.f(a, NP) * w)

    expected = central_jacobian(lambda a: dd.grad(scalar, a), x, rel_step=1e-5)
    np.testing.assert_allclose(dd.hessian(scalar, x), expected, rtol=1e-6, atol=1e-7)


def test_derivative_inside_a_function_of_an_array_is_not_confused():
    """A gradient taken inside the function being differentiated keeps its own tag."""

    def outer(x):
        inner = dd.grad(lambda y: np.sum(x * y * y), np.array([1.0, 2.0]))  # 2 x y
        return np.sum(inner * x)  # 2 x0 * 1 * x0 + 2 x1 * 2 * x1

    # d/dx (2 x0² + 4 x1²) = (4 x0, 8 x1)
    np.testing.assert_allclose(dd.grad(outer, np.array([3.0, 5.0])), [12.0, 40.0])


def test_hessian_of_a_matrix_input_has_shape_input_by_input():
    a = np.array([[1.0, 2.0], [3.0, 5.0]])
    h = dd.hessian(lambda m: np.linalg.det(m) ** 2, a)
    expected = sympy_hessian(lambda m: None, a, lambda m: (m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0]) ** 2)
    assert h.shape == (2, 2, 2, 2)
    np.testing.assert_allclose(h, expected, rtol=1e-12, atol=1e-12)


def test_third_order_nesting_through_a_reduction():
    # d³/dx³ of sum(x**4) along the diagonal: 24 x.
    def second(x):
        return dd.hessian(lambda y: np.sum(y ** 4), x)

    third = dd.jacobian(second, np.array([1.0, 2.0]))
    assert third.shape == (2, 2, 2)
    assert third[0, 0, 0] == pytest.approx(24.0) and third[1, 1, 1] == pytest.approx(48.0)
    assert np.count_nonzero(third) == 2
