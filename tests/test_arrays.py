"""Array Duals through NumPy's structural operations, checked against independent references.

Every supported NumPy function (one or more forms of it, see array_cases.py) is
differentiated three ways and compared with finite differences and SymPy:

- ``jacobian``: all directions at once (the tangent has a leading directions axis);
- ``jvp``: one direction, no directions axis;
- the primal value, against NumPy on plain arrays.
"""

from __future__ import annotations

import numpy as np
import pytest

import dualdiff as dd
from dualdiff import arrays
from array_cases import CASES, Case
from array_reference import NP, SYM, central_jacobian, sympy_jacobian

SYMPY_CASES = [case for case in CASES if case.sympy is not False]


def _numeric(case: Case):
    return lambda a: case.f(a, NP)


def _symbolic(case: Case):
    if callable(case.sympy):
        return case.sympy
    return lambda a: case.f(a, SYM)


def _direction(case: Case) -> np.ndarray:
    return np.random.default_rng(7).normal(size=case.shape)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_jacobian_matches_finite_differences(case):
    x = case.point()
    expected = central_jacobian(_numeric(case), x)
    got = dd.jacobian(_numeric(case), x)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_jvp_matches_finite_differences_and_value_matches_numpy(case):
    x, v = case.point(), _direction(case)
    value, tangent = dd.jvp(_numeric(case), x, v)
    np.testing.assert_allclose(value, case.f(x, NP), rtol=1e-13, atol=1e-14)
    jac = central_jacobian(_numeric(case), x)
    expected = np.tensordot(jac, v, axes=x.ndim)
    np.testing.assert_allclose(tangent, expected, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("case", SYMPY_CASES, ids=lambda c: c.id)
def test_jacobian_matches_sympy(case):
    x = case.point(seed=1)
    expected = sympy_jacobian(_numeric(case), x, _symbolic(case))
    got = dd.jacobian(_numeric(case), x)
    np.testing.assert_allclose(got, expected, rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("case", SYMPY_CASES, ids=lambda c: c.id)
def test_jvp_matches_sympy(case):
    x, v = case.point(seed=2), _direction(case)
    jac = sympy_jacobian(_numeric(case), x, _symbolic(case))
    _, tangent = dd.jvp(_numeric(case), x, v)
    np.testing.assert_allclose(tangent, np.tensordot(jac, v, axes=x.ndim), rtol=1e-11,
                               atol=1e-12)


def test_every_supported_function_has_a_case():
    """The README's lists (arrays.SUPPORTED_*) cannot outgrow the tests: each has a case."""
    ids = {case.id for case in CASES}
    names = arrays.SUPPORTED_FUNCTIONS + arrays.SUPPORTED_UFUNCS
    short = [name.replace("numpy.", "").replace("linalg.", "") for name in names]
    untested = [s for s in short if s not in ids and not any(i.startswith(s + "-") for i in ids)]
    assert untested == []


def test_supported_lists_name_the_issue_functions():
    required = ["sum", "mean", "var", "std", "prod", "dot", "outer", "tensordot", "einsum",
                "reshape", "transpose", "swapaxes", "moveaxis", "squeeze", "expand_dims",
                "broadcast_to", "concatenate", "stack", "hstack", "vstack", "where", "clip",
                "linalg.norm", "cumsum"]
    for name in required:
        assert f"numpy.{name}" in arrays.SUPPORTED_FUNCTIONS
    assert "numpy.matmul" in arrays.SUPPORTED_UFUNCS


PRIMAL_ONLY = {
    "allclose": lambda a: np.allclose(a, a * 1.0),
    "argmax": lambda a: np.argmax(a, axis=1),
    "argmin": lambda a: np.argmin(a),
    "argsort": lambda a: np.argsort(a, axis=0),
    "count_nonzero": lambda a: np.count_nonzero(a > 0),
    "isclose": lambda a: np.isclose(a, 0.5),
    "ndim": np.ndim,
    "nonzero": lambda a: np.nonzero(a > 0),
    "ones_like": np.ones_like,
    "shape": np.shape,
    "size": np.size,
    "zeros_like": np.zeros_like,
}


@pytest.mark.parametrize("name", sorted(PRIMAL_ONLY))
def test_functions_without_a_derivative_act_on_the_primal(name):
    x = np.array([[0.5, -1.0, 2.0], [3.0, 0.25, -0.5]])
    d = dd.Dual(x, np.ones((6,) + x.shape))
    expected = PRIMAL_ONLY[name](x)
    got = PRIMAL_ONLY[name](d)
    assert not isinstance(got, dd.Dual)
    np.testing.assert_equal(got, expected)
    assert set(f"numpy.{n}" for n in PRIMAL_ONLY) == set(arrays.PRIMAL_ONLY_FUNCTIONS)


# -- every rule-table ufunc on array Duals, with broadcasting and a directions axis ---------

from dualdiff.rules import UFUNCS  # noqa: E402


def _inside(rule, slot, size, seed):
    lo, hi = rule.domain.sample[slot]
    lo, hi = max(lo, -3.0), min(hi, 3.0)
    points = np.random.default_rng(seed).uniform(lo + 0.1 * (hi - lo), hi - 0.1 * (hi - lo),
                                                 size=size)
    if rule.domain.singular is not None:  # keep away from kinks and jumps
        points = np.where(np.abs(points) < 0.05, points + 0.2, points)
        points = np.where(np.abs(points - np.round(points)) < 0.05, points + 0.1, points)
    return points


@pytest.mark.parametrize("ufunc", sorted(UFUNCS, key=lambda u: u.__name__),
                         ids=lambda u: u.__name__)
def test_every_rule_table_ufunc_broadcasts_with_a_directions_axis(ufunc):
    rule = UFUNCS[ufunc]
    if rule.arity == 1:
        x = _inside(rule, 0, (2, 3), 1)
        f = ufunc
    else:
        # x packs a (3, 1) first argument and a (1, 2) second one: the result is (3, 2)
        first, second = _inside(rule, 0, 3, 2), _inside(rule, 1, 2, 3)
        if rule.name in ("maximum", "minimum"):
            second = second + 0.37  # no ties
        x = np.concatenate([first, second])

        def f(v):
            return ufunc(v[:3].reshape(3, 1), v[3:].reshape(1, 2))

    expected = central_jacobian(f, x, rel_step=1e-5)
    np.testing.assert_allclose(dd.jacobian(f, x), expected, rtol=1e-7, atol=1e-8)
    v = np.random.default_rng(4).normal(size=x.shape)
    _, tangent = dd.jvp(f, x, v)
    np.testing.assert_allclose(tangent, np.tensordot(expected, v, axes=x.ndim), rtol=1e-7,
                               atol=1e-8)


@pytest.mark.parametrize("name", sorted(
    name for name, rule in dd.RULES.items() if not any(UFUNCS.get(u) is rule for u in UFUNCS)))
def test_rules_without_a_numpy_ufunc_work_on_array_duals_through_dualdiff(name):
    rule, function = dd.RULES[name], getattr(dd, name)
    x = _inside(rule, 0, (2, 3), 5)
    expected = central_jacobian(function, x, rel_step=1e-5)
    np.testing.assert_allclose(dd.jacobian(function, x), expected, rtol=1e-7, atol=1e-8)
