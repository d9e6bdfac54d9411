"""The generic elementary functions: one per row and alias, every kind of argument.

Per-row values and derivatives are in test_rules.py; this module checks what
the generic layer itself promises: the names, the dispatch by argument kind,
IEEE overflow, input errors and the registration hook for derivative-carrying
types. Expected values are closed forms (math, cmath) or SymPy, never dualdiff.
"""

from __future__ import annotations

import cmath
import math

import numpy as np
import pytest
import sympy

import dualdiff as dd
from dualdiff import Dual, functions
from dualdiff.errors import DomainError, InputError, NotAnalyticError
from dualdiff.functions import GENERIC
from dualdiff.rules import ALIASES, EXCEPTIONS, RULES, UFUNCS, Category, fn, lookup

x = sympy.Symbol("x", real=True)


def test_one_generic_function_per_row_and_alias_everywhere():
    assert set(GENERIC) == set(RULES) | set(ALIASES)
    for name, g in GENERIC.items():
        rule = lookup(name)
        assert g.rule is rule and g.__name__ == rule.name
        assert getattr(dd, name) is g and getattr(fn, name) is g and getattr(functions, name) is g
        assert name in dd.__all__
    with pytest.raises(KeyError):
        lookup("no_such_function")


def test_rows_are_consistent_with_themselves():
    for name, rule in RULES.items():
        assert rule.arity in (1, 2)
        assert len(rule.partials) == len(rule.domain.sample) == len(rule.params) == rule.arity
        assert rule.text and rule.latex and rule.domain.text
        assert rule.analytic == (rule.category is Category.DIFFERENTIABLE and rule.complex is not None)
        for ufunc in rule.ufuncs:
            assert UFUNCS[ufunc] is rule
        for lo, hi in rule.domain.sample:
            assert lo < hi
    for name, reason in EXCEPTIONS.items():
        assert name in RULES and reason


def test_docstrings_state_domain_category_and_convention():
    for name, rule in RULES.items():
        doc = GENERIC[name].__doc__
        assert rule.domain.text in doc and rule.category.value in doc
        if rule.note:
            assert rule.note in doc
        for alias in rule.aliases:
            assert alias in doc


def test_one_user_function_runs_on_floats_arrays_duals_and_symbols():
    def f(t):
        return dd.log(t) + t * t

    assert f(2.0) == math.log(2.0) + 4.0 and type(f(2.0)) is float
    np.testing.assert_allclose(f(np.array([1.0, 2.0])), [1.0, math.log(2.0) + 4.0], rtol=1e-15)
    d = f(Dual(2.0, 1.0))
    assert d.primal == math.log(2.0) + 4.0 and d.tangent == 0.5 + 4.0
    assert f(x) == sympy.log(x) + x ** 2
    assert sympy.diff(f(x), x) == 1 / x + 2 * x


def test_ints_and_mixed_numbers_give_floats():
    assert dd.exp(0) == 1.0 and type(dd.exp(0)) is float
    assert type(dd.maximum(2.0, 3)) is float and dd.maximum(2.0, 3) == 3.0
    assert type(dd.power(2, 3)) is float and dd.power(2, 3) == 8.0
    assert type(dd.add(1, 2)) is float
    assert dd.maximum(Dual(2.0, 1.0), 3).primal.__class__ is float


def test_lists_and_tuples_are_arrays():
    got = dd.sin([0.0, 1.0])
    assert isinstance(got, np.ndarray) and got.tolist() == [0.0, math.sin(1.0)]
    assert dd.hypot((3.0, 5.0), [4.0, 12.0]).tolist() == [5.0, 13.0]


def test_sympy_mixed_with_numbers():
    assert dd.add(x, 1.5) == x + sympy.Float(1.5)
    assert dd.atan2(x, 2) == sympy.atan2(x, 2)
    assert dd.power(2, x) == 2 ** x
    assert dd.sin(sympy.pi) == 0  # SymPy's exact evaluation, not a float


def test_complex_numbers_and_arrays():
    z = complex(0.3, -1.2)
    assert dd.exp(z) == cmath.exp(z) and dd.sqrt(z) == cmath.sqrt(z)
    assert dd.power(z, 2) == pytest.approx(z * z, rel=1e-15)
    arr = dd.exp(np.array([z, 1j]))
    assert arr.dtype.kind == "c"
    np.testing.assert_allclose(arr, [cmath.exp(z), cmath.exp(1j)], rtol=1e-15)


@pytest.mark.parametrize("name, why", [("abs", "is not complex-analytic"),
                                       ("relu", "is not complex-analytic"),
                                       ("floor", "is not complex-analytic"),
                                       ("erf", "has no complex implementation")])
def test_non_analytic_functions_refuse_complex_arguments_and_say_what_to_do(name, why):
    with pytest.raises(NotAnalyticError) as info:
        GENERIC[name](1 + 2j)
    message = str(info.value)
    assert message.startswith(f"{name} {why}") and "(1+2j)" in message
    assert "finite difference" in message
    assert isinstance(info.value, TypeError)


def test_python_scalars_overflow_to_inf_instead_of_raising():
    assert dd.exp(1000.0) == math.inf
    assert dd.cosh(-1000.0) == math.inf
    assert dd.sinh(-1000.0) == -math.inf
    assert dd.power(10.0, 400.0) == math.inf
    assert dd.expm1(1000.0) == math.inf
    assert dd.exp(1000 + 0j).real == math.inf


def test_nan_propagates_without_a_domain_error():
    for name in ("sin", "exp", "log", "sqrt", "floor", "ceil", "sign", "relu", "abs", "tanh"):
        assert math.isnan(GENERIC[name](math.nan)), name
    assert math.isnan(dd.maximum(math.nan, 1.0)) and math.isnan(dd.minimum(1.0, math.nan))
    assert dd.floor(math.inf) == math.inf and dd.ceil(-math.inf) == -math.inf


def test_numpy_scalars_follow_numpy():
    with pytest.warns(RuntimeWarning):
        assert math.isnan(dd.log(np.float64(-1.0)))
    with pytest.raises(DomainError):
        dd.log(-1.0)  # the same value as a Python float is a DomainError


def test_complex_scalars_outside_the_domain():
    with pytest.raises(DomainError, match=r"^log\(0j\)"):
        dd.log(0j)
    with pytest.raises(DomainError, match=r"^divide\(\(1\+0j\), 0j\)"):
        dd.divide(1 + 0j, 0j)


@pytest.mark.parametrize("call, shown", [
    (lambda: dd.sin("a"), "sin() got str 'a'"),
    (lambda: dd.sin(None), "sin() got NoneType None"),
    (lambda: dd.add(1.0, "b"), "add() got str 'b'"),
    (lambda: dd.exp({1: 2}), "exp() got dict"),
])
def test_non_numeric_arguments_raise_input_error(call, shown):
    with pytest.raises(InputError) as info:
        call()
    assert str(info.value).startswith(shown)
    assert "expected a number, a NumPy array, a SymPy expression or a Dual" in str(info.value)


def test_a_dual_subclass_is_routed_like_a_dual():
    class MyDual(Dual):
        __slots__ = ()

    d = dd.sin(MyDual(0.5, 1.0))
    assert type(d) is Dual and d.tangent == math.cos(0.5)
    assert dd.atan2(1.0, MyDual(2.0, 1.0)).tangent == pytest.approx(-1.0 / 5.0, rel=1e-15)


def test_register_routes_every_generic_function_to_a_new_type():
    class Marker:
        pass

    calls = []

    def factory(rule):
        return lambda *args: calls.append((rule.name, args)) or rule.name

    functions.register(Marker, factory)
    try:
        m = Marker()
        assert dd.sin(m) == "sin" and dd.ln(m) == "log"
        assert dd.atan2(1.0, m) == "atan2" and dd.hypot(m, 2.0) == "hypot"
        assert calls[0] == ("sin", (m,)) and calls[2] == ("atan2", (1.0, m))
    finally:  # leave the global dispatch tables as they were
        functions._FACTORIES.pop(Marker)
        for table in functions._TABLES.values():
            table.pop(Marker, None)
