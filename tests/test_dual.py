"""The Dual number: every operator with every kind of operand, comparisons, conversions, repr.

Expected values are computed here by hand from the primal and tangent (the
sum, product and quotient rules written out), with NumPy's own promotion of
the plain primals as the reference for the kind of the result, never by
dualdiff.
"""

from __future__ import annotations

import math
import operator

import numpy as np
import pytest

import dualdiff as dd
from dualdiff import Dual
from dualdiff.errors import (
    DomainError, DualConversionError, DualDiffError, InputError, UnsupportedOperationError,
)

P, T = 1.75, -0.5  # the Dual's primal and tangent in the mixed-type tests

#: The other operand, of every kind a user can mix with a Dual.
OTHERS = {
    "int": 3,
    "negative int": -2,
    "float": 2.5,
    "np.float64": np.float64(2.5),
    "np.float32": np.float32(2.5),
    "np.int64": np.int64(3),
    "0-d array": np.array(2.5),
    "1-d array": np.array([1.5, -2.0, 3.0]),
    "2-d array": np.array([[1.5, -2.0], [0.25, 4.0]]),
    "complex": complex(1.5, 0.5),
}

#: op -> (plain operation, d(op)/d(left), d(op)/d(right)) as closed forms in (a, b)
RULES_BY_HAND = {
    "+": (operator.add, lambda a, b: 1.0, lambda a, b: 1.0),
    "-": (operator.sub, lambda a, b: 1.0, lambda a, b: -1.0),
    "*": (operator.mul, lambda a, b: b, lambda a, b: a),
    "/": (operator.truediv, lambda a, b: 1.0 / b, lambda a, b: -a / (b * b)),
}


def _close(actual, expected, rtol=1e-15):
    expected = np.asarray(expected)
    actual = np.broadcast_to(np.asarray(actual), expected.shape)
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=0)


def _same_kind(actual, plain):
    """The primal has the kind NumPy/Python give the same operation on plain numbers."""
    assert np.shape(actual) == np.shape(plain)
    assert np.asarray(actual).dtype == np.asarray(plain).dtype, (type(actual), type(plain))
    if isinstance(plain, complex):
        assert isinstance(actual, complex)
    elif np.ndim(plain) == 0 and not isinstance(plain, np.floating) or isinstance(plain, np.float64):
        assert isinstance(actual, float)  # Python float (np.float64 is one too)


# --- + - * / with every kind of operand, both orders --------------------------------------------


@pytest.mark.parametrize("kind", list(OTHERS))
@pytest.mark.parametrize("op", list(RULES_BY_HAND))
def test_dual_op_other(op, kind):
    other = OTHERS[kind]
    plain, d_left, _ = RULES_BY_HAND[op]
    result = plain(Dual(P, T), other)
    assert type(result) is Dual
    _same_kind(result.primal, plain(P, other))
    _close(result.primal, plain(P, other))
    _close(result.tangent, d_left(P, np.asarray(other)) * T)


@pytest.mark.parametrize("kind", list(OTHERS))
@pytest.mark.parametrize("op", list(RULES_BY_HAND))
def test_other_op_dual_uses_the_reflected_form(op, kind):
    other = OTHERS[kind]
    plain, _, d_right = RULES_BY_HAND[op]
    result = plain(other, Dual(P, T))
    assert type(result) is Dual
    _same_kind(result.primal, plain(other, P))
    _close(result.primal, plain(other, P))
    _close(result.tangent, d_right(np.asarray(other), P) * T)


@pytest.mark.parametrize("op", list(RULES_BY_HAND))
def test_dual_op_dual_of_the_same_tag(op):
    plain, d_left, d_right = RULES_BY_HAND[op]
    a, ta, b, tb = 1.75, -0.5, -2.5, 3.0
    result = plain(Dual(a, ta), Dual(b, tb))
    assert type(result) is Dual and type(result.primal) is float and result.tag == 0
    assert result.primal == plain(a, b)
    _close(result.tangent, d_left(a, b) * ta + d_right(a, b) * tb)
    # arrays and directions: the same formulas elementwise, per direction
    A, B = np.array([1.75, 0.5]), np.array([-2.5, 4.0])
    TA, TB = np.array([[1.0, 0.0], [0.5, 2.0]]), np.array([[0.0, 1.0], [-1.0, 3.0]])
    result = plain(Dual(A, TA), Dual(B, TB))
    _close(result.primal, plain(A, B))
    _close(result.tangent, d_left(A, B) * TA + d_right(A, B) * TB)


@pytest.mark.parametrize("op", list(RULES_BY_HAND))
def test_dual_op_dual_of_another_tag_is_a_constant_at_the_inner_level(op):
    """The larger tag is the outer Dual; the other Dual rides along in its primal."""
    plain, d_left, d_right = RULES_BY_HAND[op]
    a, ta, b, tb = 1.75, -0.5, -2.5, 3.0
    mixed_partial = {"+": 0.0, "-": 0.0, "*": 1.0, "/": -1.0 / (b * b)}[op]
    for result in (plain(Dual(a, ta, tag=1), Dual(b, tb, tag=2)),):
        assert type(result) is Dual and result.tag == 2
        inner = result.primal
        assert type(inner) is Dual and inner.tag == 1
        assert inner.primal == plain(a, b)
        _close(inner.tangent, d_left(a, b) * ta)
        outer_tangent = result.tangent
        if isinstance(outer_tangent, Dual):
            assert outer_tangent.tag == 1
            _close(outer_tangent.primal, d_right(a, b) * tb)
            _close(outer_tangent.tangent, mixed_partial * ta * tb)
        else:
            assert mixed_partial == 0.0
            _close(outer_tangent, d_right(a, b) * tb)
    reflected = plain(Dual(b, tb, tag=2), Dual(a, ta, tag=1))  # the inner tag on the right
    assert reflected.tag == 2 and reflected.primal.tag == 1
    assert reflected.primal.primal == plain(b, a)


def test_unary_operators():
    for p, t in [(1.75, -0.5), (-3.0, 2.0), (0.0, 1.0)]:
        neg, pos, ab = -Dual(p, t), +Dual(p, t), abs(Dual(p, t))
        assert (neg.primal, neg.tangent) == (-p, -t)
        assert (pos.primal, pos.tangent) == (p, t)
        sign = (p > 0) - (p < 0)  # abs' = sign, 0 at the kink by convention
        assert (ab.primal, ab.tangent) == (abs(p), sign * t)
    arr = Dual(np.array([-1.0, 0.0, 2.0]), np.array([1.0, 1.0, -3.0]))
    assert (-arr).primal.tolist() == [1.0, -0.0, -2.0] and (-arr).tangent.tolist() == [-1, -1, 3]
    assert abs(arr).primal.tolist() == [1.0, 0.0, 2.0]
    assert abs(arr).tangent.tolist() == [-1.0, 0.0, -3.0]
    assert (+arr).tangent.tolist() == [1.0, 1.0, -3.0]


def test_arithmetic_keeps_the_tag():
    d = Dual(2.0, 1.0, tag=7)
    for result in (d + 1, 1 + d, d - 1.5, 1 - d, d * 2, 2 * d, d / 2, 2 / d, d ** 2, 2 ** d, -d,
                   d + d, d * d, d / d, d ** d, abs(d), dd.sin(d), np.exp(d)):
        assert result.tag == 7


# --- ** in every combination -------------------------------------------------------------------


@pytest.mark.parametrize("c", [0, 1, 2, 3, -1, -2, 0.5, 2.5, -1.5, 0.0, 1.0, 2.0, np.float64(2.0),
                               np.int64(3)])
def test_dual_power_constant(c):
    p, t = 1.7, 0.75
    d = Dual(p, t) ** c
    assert d.primal == pytest.approx(p ** float(c), rel=1e-15)
    assert d.tangent == pytest.approx(float(c) * p ** (float(c) - 1) * t, rel=1e-15)


@pytest.mark.parametrize("c, value, slope", [
    (0, 1.0, 0.0), (1, 0.0, 1.0), (2, 0.0, 0.0), (3, 0.0, 0.0), (0.5, 0.0, math.inf),
    (2.5, 0.0, 0.0), (1.0, 0.0, 1.0), (0.0, 1.0, 0.0),
])
def test_zero_base_power_constant(c, value, slope):
    d = Dual(0.0, 1.0) ** c
    assert (d.primal, d.tangent) == (value, slope)


def test_zero_base_negative_power_is_a_domain_error():
    with pytest.raises(DomainError, match=r"power\(0.0, -1.0\)"):
        Dual(0.0, 1.0) ** -1


@pytest.mark.parametrize("c", [2, 3, -1, -2, 0, 2.0, 3.0, -1.0])
def test_negative_base_integer_power(c):
    p = -2.0
    d = Dual(p, 1.0) ** c
    assert d.primal == float(p) ** c
    assert d.tangent == c * float(p) ** (c - 1) if c != 0 else d.tangent == 0.0


@pytest.mark.parametrize("c", [2, 2.0, 3, -1, 0.5, 2.5])
def test_power_constant_with_directions(c):
    # d/dx x**c = c·x**(c-1), in every direction at once
    d = Dual(1.5, np.array([1.0, 0.0, -2.0])) ** c
    slope = float(c) * 1.5 ** (float(c) - 1.0)
    assert d.primal == pytest.approx(1.5 ** float(c), rel=1e-15)
    assert d.tangent == pytest.approx([slope, 0.0, -2.0 * slope], rel=1e-15)


def test_power_constant_at_the_edges_of_floats():
    d = Dual(1e200, 1.0) ** 2  # x² overflows (inf, as IEEE), 2x does not
    assert (d.primal, d.tangent) == (math.inf, 2e200)
    d = Dual(0.0, np.array([1.0, 0.0])) ** 0.5  # d/dx √x = inf at 0, only in x's direction
    assert d.primal == 0.0 and d.tangent.tolist() == [math.inf, 0.0]
    d = Dual(math.nan, 1.0) ** 2
    assert math.isnan(d.primal) and math.isnan(d.tangent)
    d = Dual(2.0, 1.0, tag=5) ** 3
    assert (d.primal, d.tangent, d.tag) == (8.0, 12.0, 5)


def test_negative_base_fractional_power_is_a_domain_error():
    with pytest.raises(DomainError, match="power"):
        Dual(-8.0, 1.0) ** (1.0 / 3.0)


@pytest.mark.parametrize("base", [2, 2.0, 0.5, np.float64(3.0), 10.0, math.e])
def test_constant_power_dual(base):
    y, t = -1.25, 0.5
    d = base ** Dual(y, t)
    assert d.primal == pytest.approx(float(base) ** y, rel=1e-15)
    assert d.tangent == pytest.approx(float(base) ** y * math.log(float(base)) * t, rel=1e-15)


@pytest.mark.parametrize("y", [0.5, 1.0, 2.0, 3.0])
def test_zero_and_one_bases_to_a_dual_exponent(y):
    zero, one = 0.0 ** Dual(y, 1.0), 1.0 ** Dual(y, 1.0)
    assert (zero.primal, zero.tangent) == (0.0, 0.0)  # 0**y = 0 near y > 0: derivative 0
    assert (one.primal, one.tangent) == (1.0, 0.0)    # 1**y = 1: derivative 0


def test_negative_base_to_a_dual_exponent_has_no_real_derivative():
    d = (-2.0) ** Dual(3.0, 1.0)
    assert d.primal == -8.0 and math.isnan(d.tangent)  # v·ln(-2): not a real number


@pytest.mark.parametrize("x", [0.5, 1.0, 2.0])
def test_x_to_the_x(x):
    d = Dual(x, 1.0) ** Dual(x, 1.0)
    assert d.primal == pytest.approx(x ** x, rel=1e-15)
    assert d.tangent == pytest.approx(x ** x * (1.0 + math.log(x)), rel=1e-15)
    assert dd.derivative(lambda u: u ** u, x) == pytest.approx(x ** x * (1 + math.log(x)),
                                                                rel=1e-15)


def test_dual_power_dual_general_and_across_tags():
    a, ta, b, tb = 1.5, 0.25, -0.75, 2.0
    d = Dual(a, ta) ** Dual(b, tb)
    assert d.primal == pytest.approx(a ** b, rel=1e-15)
    assert d.tangent == pytest.approx(a ** b * (b * ta / a + math.log(a) * tb), rel=1e-15)
    nested = Dual(a, ta, tag=1) ** Dual(b, tb, tag=2)
    assert nested.tag == 2 and nested.primal.tag == 1
    assert nested.primal.tangent == pytest.approx(b * a ** (b - 1) * ta, rel=1e-15)
    assert nested.tangent.primal == pytest.approx(a ** b * math.log(a) * tb, rel=1e-15)


def test_power_with_arrays_and_complex():
    d = Dual(2.0, 1.0) ** np.array([1.0, 2.0, 3.0])
    assert d.primal.tolist() == [2.0, 4.0, 8.0] and d.tangent.tolist() == [1.0, 4.0, 12.0]
    d = np.array([1.0, 2.0, 3.0]) ** Dual(2.0, 1.0)
    _close(d.tangent, np.array([1.0, 4.0, 9.0]) * np.log([1.0, 2.0, 3.0]))
    d = Dual(2.0, 1.0) ** complex(0.5, 1.0)
    z = complex(0.5, 1.0)
    _close(d.primal, 2.0 ** z)
    _close(d.tangent, z * 2.0 ** (z - 1))
    for f in (np.power, np.float_power, pow):
        r = f(Dual(3.0, 1.0), 2)
        assert (r.primal, r.tangent) == (9.0, 6.0)


# --- comparisons act on the primal ----------------------------------------------------------------

COMPARISONS = [operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne]


@pytest.mark.parametrize("other", [1, 1.75, 2.5, np.float64(1.75), np.float32(3.0), np.int64(1),
                                   np.array([1.0, 1.75, 3.0]), Dual(1.75, -9.0), Dual(0.5, 1.0, tag=3)])
@pytest.mark.parametrize("compare", COMPARISONS, ids=lambda c: c.__name__)
def test_comparisons_act_on_the_primal(compare, other):
    plain_other = other.primal if isinstance(other, Dual) else other
    d = Dual(1.75, 123.0)
    np.testing.assert_array_equal(compare(d, other), compare(1.75, plain_other))
    np.testing.assert_array_equal(compare(other, d), compare(plain_other, 1.75))


def test_ordinary_control_flow_on_a_dual():
    def f(x):
        if x > 0:
            return x * x
        return -x
    assert dd.derivative(f, 3.0) == 6.0
    assert dd.derivative(f, -3.0) == -1.0
    assert dd.derivative(lambda x: max(x, 2.0 * x), 1.0) == 2.0  # builtins.max compares primals


def test_a_dual_is_not_hashable():
    d = Dual(1.0, 1.0)
    with pytest.raises(TypeError):
        hash(d)
    with pytest.raises(TypeError):
        {d}  # noqa: B018
    with pytest.raises(TypeError):
        {d: 1}  # noqa: B018


# --- conversions that would drop the tangent ---------------------------------------------------------


@pytest.mark.parametrize("convert", [float, int, complex, math.sin, math.exp, math.sqrt,
                                     operator.index, math.isfinite])
def test_converting_a_dual_to_a_number_raises_with_the_fix_in_the_message(convert):
    with pytest.raises(DualConversionError) as info:
        convert(Dual(2.0, 1.0))
    assert isinstance(info.value, TypeError) and isinstance(info.value, DualDiffError)
    message = str(info.value)
    assert "tangent" in message and "lost" in message
    assert "dualdiff.sin" in message and "numpy.sin" in message and ".primal" in message


def test_truthiness_is_the_primals():
    assert bool(Dual(2.0, 0.0)) and not bool(Dual(0.0, 1.0))


# --- construction and repr -----------------------------------------------------------------------------


def test_repr():
    assert repr(Dual(2.0, 1.0)) == "Dual(2.0, 1.0)"
    assert repr(Dual(-0.5, 3)) == "Dual(-0.5, 3.0)"
    assert repr(Dual(2.0)) == "Dual(2.0, 0.0)"
    assert repr(Dual(2.0, 1.0, tag=5)) == "Dual(2.0, 1.0, tag=5)"
    assert repr(Dual(np.array([1.0, 2.0]), np.array([1.0, 0.0]))) == (
        "Dual(array([1., 2.]), array([1., 0.]))")
    assert repr(Dual(3.0, 1.0) * Dual(2.0, 0.5)) == "Dual(6.0, 3.5)"


def test_construction_normalises_numbers_and_validates():
    d = Dual(2, 1)
    assert (type(d.primal), type(d.tangent)) == (float, float)
    assert type(Dual(np.float32(1.5), np.int64(1)).primal) is float
    d = Dual(np.float64(1.5), np.float64(2.0))  # float subclasses become plain floats
    assert (type(d.primal), type(d.tangent)) == (float, float)
    d = Dual(2.5, -1.0, tag=3)  # two floats: the fast path
    assert (d.primal, d.tangent, d.tag) == (2.5, -1.0, 3)
    assert Dual([1, 2], [1, 0]).primal.dtype == np.float64
    assert Dual(2.0, [1.0, 0.0, 0.0]).tangent.shape == (3,)  # three directions
    assert Dual([1.0, 2.0], [[1.0, 0.0], [0.0, 1.0]]).tangent.shape == (2, 2)
    for primal, tangent, what in [(True, 1.0, "bool"), ("a", 1.0, "str"), (None, 1.0, "NoneType"),
                                  (1.0, None, "NoneType"), ([1.0, 2.0], [1.0, 2.0, 3.0], "(3,)")]:
        with pytest.raises(InputError, match=what.replace("(", r"\(").replace(")", r"\)")):
            Dual(primal, tangent)


# --- NumPy interoperability ---------------------------------------------------------------------------


def test_numpy_ufuncs_on_a_dual():
    x, t = 0.7, 2.0
    for ufunc, value, slope in [
        (np.sin, math.sin(x), math.cos(x)), (np.exp, math.exp(x), math.exp(x)),
        (np.log, math.log(x), 1 / x), (np.sqrt, math.sqrt(x), 0.5 / math.sqrt(x)),
        (np.square, x * x, 2 * x), (np.reciprocal, 1 / x, -1 / (x * x)),
        (np.negative, -x, -1.0), (np.absolute, x, 1.0), (np.tanh, math.tanh(x), 1 / math.cosh(x) ** 2),
        (np.conjugate, x, 1.0),
    ]:
        r = ufunc(Dual(x, t))
        assert type(r) is Dual
        assert r.primal == pytest.approx(value, rel=1e-15)
        assert r.tangent == pytest.approx(slope * t, rel=1e-15)
    r = np.add(Dual(x, t), 1)
    assert (r.primal, r.tangent) == (x + 1, t)
    r = np.multiply(3, Dual(x, t))
    assert (r.primal, r.tangent) == (3 * x, 3 * t)
    r = np.arctan2(Dual(1.0, 1.0), 2.0)
    assert r.tangent == pytest.approx(2.0 / 5.0, rel=1e-15)


def test_numpy_predicates_and_comparisons_see_the_primal():
    d = Dual(np.array([1.0, np.inf, np.nan]), np.ones(3))
    assert np.isfinite(d).tolist() == [True, False, False]
    assert np.isnan(d).tolist() == [False, False, True]
    assert np.less(Dual(1.0, 5.0), 2.0)
    assert np.greater_equal(Dual(np.array([1.0, 3.0]), 0.0), 2.0).tolist() == [False, True]


@pytest.mark.parametrize("operation", [
    lambda x: x // 2.0, lambda x: 7.0 // x, lambda x: x // x, lambda x: x % 2.0,
    lambda x: 7 % x, lambda x: divmod(x, 2.0), lambda x: divmod(7.0, x),
])
def test_floor_division_and_remainder_are_refused_with_the_formula_to_use(operation):
    with pytest.raises(UnsupportedOperationError) as info:
        operation(Dual(5.5, 1.0))
    message = str(info.value)
    assert isinstance(info.value, DualDiffError)
    assert "piecewise" in message
    assert "dd.floor(x / y)" in message and "derivative is 0" in message
    assert "x - y * dd.floor(x / y)" in message


def test_the_suggested_formulas_have_the_right_values_and_derivatives():
    # floor(5.5 / 2) = 2 with derivative 0; 5.5 - 2·floor(5.5 / 2) = 1.5 = 5.5 % 2, slope 1
    x = Dual(5.5, 1.0)
    q, r = dd.floor(x / 2.0), x - 2.0 * dd.floor(x / 2.0)
    assert (q.primal, q.tangent) == (5.5 // 2.0, 0.0)
    assert (r.primal, r.tangent) == (5.5 % 2.0, 1.0)


def test_numpy_without_a_rule_says_so():
    with pytest.raises(UnsupportedOperationError, match="gcd"):
        np.gcd(Dual(4.0, 1.0), 2)
    with pytest.raises(UnsupportedOperationError, match="out"):
        np.add(Dual(1.0, 1.0), 1.0, out=np.zeros(()))


def test_power_partials_that_are_inf_or_nan_stay_in_their_own_direction():
    # f = x**y: ∂f/∂x = y·x**(y-1), ∂f/∂y = x**y·ln x (no real value for x < 0)
    got = dd.grad(lambda v: v[0] ** v[1], [-2.0, 3.0])
    assert got[0] == 12.0 and math.isnan(got[1])
    assert dd.jvp(lambda v: v[0] ** v[1], [-2.0, 3.0], [1.0, 0.0]) == (-8.0, 12.0)
    assert (Dual(-2.0, 1.0) ** Dual(3.0, 0.0)).tangent == 12.0
    got = dd.grad(lambda v: v[0] ** v[1], [0.0, 0.5])  # 0**y = 0 for y > 0: ∂/∂y = 0
    assert got[0] == math.inf and got[1] == 0.0
    assert dd.grad(lambda v: v[0] ** v[1], [0.0, 3.0]).tolist() == [0.0, 0.0]


def test_nested_power_at_zero_and_negative_bases():
    # hessian of x**y at (0, 3): 6x, x²(1 + 3 ln x), x³ ln²x all tend to 0
    assert dd.hessian(lambda v: v[0] ** v[1], [0.0, 3.0]).tolist() == [[0.0, 0.0], [0.0, 0.0]]
    # d/dx d/dy x**y = x**(y-1)·(1 + y ln x) at (1.5, 3)
    got = dd.derivative(lambda x: dd.derivative(lambda y: x ** y, 3.0), 1.5)
    assert got == pytest.approx(1.5 ** 2 * (1 + 3 * math.log(1.5)), rel=1e-15)
    # at a negative base x**y is not defined near the point: nan, not an exception
    assert math.isnan(dd.derivative(lambda x: dd.derivative(lambda y: (-2.0) ** y, x), 3.0))
    assert np.isnan(dd.hessian(lambda v: v[0] ** v[1], [-2.0, 3.0])).all()
