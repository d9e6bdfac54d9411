"""The SymPy bridge: f run on symbols, its derivative exact and at high precision.

References are independent of dualdiff: SymPy expressions built by hand in the
test, and mpmath (its own functions and its own numerical differentiation at 50
digits).
"""

from __future__ import annotations

import math
import re

import mpmath
import numpy as np
import pytest
import sympy

import dualdiff as dd
from dualdiff.errors import InputError, SymbolicError
from dualdiff.functions import GENERIC
from dualdiff.rules import RULES, Category
from dualdiff.symbolic import (
    EXACT_LIMIT,
    Sym,
    SymbolicTimeout,
    exact_number,
    symbolic_derivative,
    symbolic_function,
)

a, b = sympy.symbols("x0 x1", real=True)


def canonical(v):
    return dd.log(v[0]) + v[0] * v[1] - dd.sin(v[1])


def swell(n):
    """y <- sin(y)·y + x, n times: a trace of 3n operations whose derivative tree swells."""
    def f(x):
        y = x
        for _ in range(n):
            y = dd.sin(y) * y + x
        return y
    return f


def same(expr, reference) -> bool:
    return sympy.simplify(expr - reference) == 0


# -- the canonical example (Griewank & Walther; Baydin et al., Table 2) --------------


def test_canonical_gradient_is_exact():
    s = symbolic_derivative(canonical, [2.0, 5.0])
    f = sympy.log(a) + a * b - sympy.sin(b)
    at = {a: 2, b: 5}
    assert s.kind == "gradient"
    assert same(s.derivative[0], sympy.diff(f, a)) and same(s.derivative[1], sympy.diff(f, b))
    assert s.exact[0] == sympy.Rational(11, 2)
    assert same(s.exact[1], sympy.diff(f, b).subs(at))
    with mpmath.workdps(40):
        reference = [mpmath.mpf(11) / 2, 2 - mpmath.cos(5)]
        for text, ref in zip(s.high_precision, reference):
            assert abs(mpmath.mpf(text) - ref) < mpmath.mpf(10) ** -29
    assert s.value.tolist() == [5.5, float(2 - mpmath.cos(5))]


def test_canonical_sizes_and_trace_length():
    s = symbolic_derivative(canonical, [2.0, 5.0])
    f = sympy.log(a) + a * b - sympy.sin(b)
    assert s.expression_ops == sympy.count_ops(f)
    assert s.derivative_ops == sympy.count_ops([sympy.diff(f, a), sympy.diff(f, b)])
    # the trace of this function has five intermediates v1 ... v5 (Griewank & Walther)
    assert s.operations == 5


def test_formula_in_plain_text_and_latex():
    s = symbolic_derivative(lambda x: x**3 + dd.sin(x), 0.5)
    assert same(sympy.sympify(s.text, locals={"x": sympy.Symbol("x", real=True)}),
                3 * sympy.Symbol("x", real=True) ** 2 + sympy.cos(sympy.Symbol("x", real=True)))
    assert r"\cos" in s.latex and "x^{2}" in s.latex
    assert s.kind == "derivative"
    assert s.exact == sympy.Rational(3, 4) + sympy.cos(sympy.Rational(1, 2))


# -- what user code may do on symbols ------------------------------------------------


W = np.array([[1.0, 2.0], [3.0, -4.0]])
C = np.array([1.0, 2.0])


@pytest.mark.parametrize("f, reference", [
    (lambda x: np.sin(x) * np.exp(x), lambda x: sympy.sin(x) * sympy.exp(x)),
    (lambda x: np.sqrt(x) + np.square(x) + 1.0 / x, lambda x: sympy.sqrt(x) + x**2 + 1 / x),
    (lambda x: dd.sigmoid(x) * 2.5, lambda x: sympy.Rational(5, 2) / (1 + sympy.exp(-x))),
    (lambda x: np.float64(0.5) * x ** np.float64(2.0), lambda x: x**2 / 2),
])
def test_scalar_functions_with_numpy_ufuncs(f, reference):
    x = sympy.Symbol("x", real=True)
    s = symbolic_derivative(f, 0.7)
    assert same(s.derivative, sympy.diff(reference(x), x))
    assert same(s.exact, sympy.diff(reference(x), x).subs(x, sympy.Rational(7, 10)))


@pytest.mark.parametrize("f, reference", [
    (lambda x: np.sum(np.tanh(W @ x)),
     lambda: sympy.tanh(a + 2 * b) + sympy.tanh(3 * a - 4 * b)),
    (lambda x: np.linalg.norm(x - C) ** 2, lambda: (a - 1) ** 2 + (b - 2) ** 2),
    (lambda x: np.dot(x, x) + np.mean(np.exp(x)),
     lambda: a**2 + b**2 + (sympy.exp(a) + sympy.exp(b)) / 2),
    (lambda x: x[0] * x[1] + sum(x), lambda: a * b + a + b),
    (lambda x: np.sum(np.maximum(x, 0.0)) + np.max(x), lambda: sympy.Max(a, 0) + sympy.Max(b, 0)
     + sympy.Max(a, b)),
    (lambda x: np.sum(dd.sigmoid(x)), lambda: 1 / (1 + sympy.exp(-a)) + 1 / (1 + sympy.exp(-b))),
])
def test_array_functions_indexing_matmul_reductions(f, reference):
    s = symbolic_derivative(f, [0.3, -0.4])
    ref = reference()
    for i, symbol in enumerate((a, b)):
        d = sympy.diff(ref, symbol)
        assert same(s.derivative[i], d)
        assert s.value[i] == pytest.approx(float(d.subs({a: sympy.Rational(3, 10),
                                                        b: sympy.Rational(-2, 5)})), rel=1e-15)


def test_jacobian_matches_sympy_jacobian():
    s = symbolic_derivative(lambda x: [x[0] * x[1], np.exp(x[0]) + x[1]], [2.0, 3.0])
    reference = sympy.Matrix([a * b, sympy.exp(a) + b]).jacobian([a, b])
    assert s.kind == "jacobian" and s.derivative.shape == (2, 2)
    for i in range(2):
        for j in range(2):
            assert same(s.derivative[i, j], reference[i, j])
            assert same(s.exact[i, j], reference[i, j].subs({a: 2, b: 3}))


def test_matrix_input_names_its_symbols_by_index():
    s = symbolic_derivative(lambda X: np.trace(X @ X), [[1.0, 2.0], [3.0, 4.0]])
    assert [str(v) for v in s.symbols.flat] == ["x0_0", "x0_1", "x1_0", "x1_1"]
    # d tr(X²)/dX = 2 Xᵀ
    assert s.value.tolist() == [[2.0, 6.0], [4.0, 8.0]]


def test_vector_valued_function_of_a_scalar():
    s = symbolic_derivative(lambda t: np.array([dd.cos(t), dd.sin(t)]) * t, 1.0)
    t = sympy.Symbol("x", real=True)
    assert s.kind == "derivative" and s.derivative.shape == (2,)
    assert same(s.derivative[0], sympy.diff(t * sympy.cos(t), t))


def test_a_comparison_true_for_every_real_input_is_not_a_branch():
    s = symbolic_derivative(lambda x: x**3 if x**2 >= 0 else -x, 2.0)
    assert s.exact == 12


# -- every unary rule against mpmath's own function, differentiated by mpmath ------

_MPMATH = {
    "exp": mpmath.exp, "expm1": mpmath.expm1, "log": mpmath.log, "log1p": mpmath.log1p,
    "log2": lambda x: mpmath.log(x, 2), "log10": mpmath.log10, "sqrt": mpmath.sqrt,
    "cbrt": mpmath.cbrt, "sin": mpmath.sin, "cos": mpmath.cos, "tan": mpmath.tan,
    "asin": mpmath.asin, "acos": mpmath.acos, "atan": mpmath.atan, "sinh": mpmath.sinh,
    "cosh": mpmath.cosh, "tanh": mpmath.tanh, "asinh": mpmath.asinh, "acosh": mpmath.acosh,
    "atanh": mpmath.atanh, "erf": mpmath.erf, "erfc": mpmath.erfc,
    "sigmoid": lambda x: 1 / (1 + mpmath.exp(-x)), "softplus": lambda x: mpmath.log1p(mpmath.exp(x)),
    "relu": lambda x: max(x, 0), "abs": abs, "sign": mpmath.sign, "floor": mpmath.floor,
    "ceil": mpmath.ceil, "negative": lambda x: -x, "positive": lambda x: x,
}


@pytest.mark.parametrize("name", [n for n, r in RULES.items() if r.arity == 1])
def test_every_unary_rule_against_mpmath(name):
    rule = RULES[name]
    lo, hi = rule.domain.sample[0]
    x = round(0.37 * lo + 0.63 * hi, 3) + 0.001
    s = symbolic_derivative(GENERIC[name], x)
    with mpmath.workdps(50):
        if rule.category is Category.PIECEWISE_CONSTANT:
            reference = mpmath.mpf(0)
        else:
            reference = mpmath.diff(_MPMATH[name], mpmath.mpf(repr(x)))
        assert abs(mpmath.mpf(s.high_precision) - reference) <= mpmath.mpf(10) ** -25 * max(
            1, abs(reference))


# -- large derivatives: evaluated by mpmath on shared subexpressions ----------------


def test_swollen_derivative_still_evaluates_to_30_digits():
    f = swell(6)
    s = symbolic_derivative(f, 0.7, timeout=None)
    assert s.derivative_ops > EXACT_LIMIT and s.exact is None and s.notes
    assert s.operations == 18  # three operations per iteration: the AD trace stays linear
    assert s.derivative_ops_cse < s.derivative_ops / 10  # the swell is repeated subtrees

    def f_mp(x):
        y = x
        for _ in range(6):
            y = mpmath.sin(y) * y + x
        return y

    with mpmath.workdps(60):
        reference = mpmath.diff(f_mp, mpmath.mpf(7) / 10)
        assert abs(mpmath.mpf(s.high_precision) - reference) < mpmath.mpf(10) ** -28


# -- points and constants -------------------------------------------------------------


def test_decimal_and_binary_points():
    assert exact_number(0.1) == sympy.Rational(1, 10)
    assert exact_number(0.1, "binary") == sympy.Rational(3602879701896397, 36028797018963968)
    assert exact_number(2.0) == 2 and exact_number(float("inf")) == sympy.oo
    decimal = symbolic_derivative(lambda x: x**2, 0.1)
    binary = symbolic_derivative(lambda x: x**2, 0.1, point="binary")
    assert decimal.exact == sympy.Rational(1, 5)
    assert binary.exact == 2 * sympy.Rational(0.1)


def test_float_constants_in_code_become_the_decimals_written():
    symbols, expr, _ = symbolic_function(lambda x: 0.1 * x + 2.0, 1.0)
    assert expr == symbols / 10 + 2


# -- what cannot run on symbols: a clear reason --------------------------------------


@pytest.mark.parametrize("f, x, words", [
    (lambda x: x if x > 0 else -x, 1.0, "branches on the value of its input (x > 0)"),
    (lambda v: v[0] if v[1] < v[0] else v[1], [1.0, 2.0], "branches"),
    (lambda x: math.sin(x), 1.0, "math.sin"),
    (lambda v: (lambda out: (out.__setitem__(0, v[0]), out)[1])(np.zeros(2)), [1.0, 2.0],
     "assigning into a float array"),
    (lambda x: "not a number", 1.0, "not a number"),
    (lambda x: x.no_such_method(), 1.0, "AttributeError"),
])
def test_functions_that_cannot_run_on_symbols_say_why(f, x, words):
    with pytest.raises(SymbolicError) as caught:
        symbolic_derivative(f, x)
    assert words in str(caught.value)


@pytest.mark.parametrize("isolation", ["thread", "process"])
def test_time_limit(isolation):
    with pytest.raises(SymbolicTimeout) as caught:
        symbolic_derivative(swell(10), 0.7, timeout=0.01, isolation=isolation)
    assert "took longer than 0.01 s" in str(caught.value)
    assert isinstance(caught.value, SymbolicError)


def test_process_isolation_returns_the_same_result():
    in_process = symbolic_derivative(canonical, [2.0, 5.0], isolation="process", timeout=60)
    assert [str(e) for e in in_process.exact] == ["11/2", "2 - cos(5)"]


def test_process_isolation_reports_the_reason_of_a_skip():
    with pytest.raises(SymbolicError, match="branches"):
        symbolic_derivative(lambda x: x if x > 0 else -x, 1.0, isolation="process", timeout=60)


@pytest.mark.parametrize("kwargs", [
    {"digits": 10}, {"point": "hex"}, {"isolation": "fiber"}, {"timeout": 0}, {"timeout": -1.0},
])
def test_bad_options(kwargs):
    with pytest.raises(InputError):
        symbolic_derivative(lambda x: x, 1.0, **kwargs)


@pytest.mark.parametrize("x", ["2", None, [], True, 1 + 2j])
def test_bad_points(x):
    with pytest.raises(InputError):
        symbolic_derivative(lambda x: x, x)


def test_sym_arithmetic_with_numpy_scalars_and_reflected_operators():
    x = Sym(sympy.Symbol("x"))
    result = np.float64(2.0) * x - 1 + 3 / x + 2**x
    assert isinstance(result, Sym)
    assert result.expr == 2 * sympy.Symbol("x") - 1 + 3 / sympy.Symbol("x") + 2 ** sympy.Symbol("x")


# -- statistics over axes (np.mean, np.var, np.std) and reductions of matrices ------------

# a 3×2 point: SymPy's own symbols x{i}_{j}, named as symbolic_function names them
M = sympy.Matrix(3, 2, lambda i, j: sympy.Symbol(f"x{i}_{j}", real=True))
POINT = np.array([[0.5, -1.2], [1.5, 0.3], [-0.8, 2.2]])


def column(j):
    return [M[i, j] for i in range(3)]


def row(i):
    return [M[i, j] for j in range(2)]


def mean_of(items):
    return sympy.Add(*items) / len(items)


def var_of(items, ddof=0):
    m = mean_of(items)
    return sympy.Add(*[(v - m) ** 2 for v in items]) / (len(items) - ddof)


ALL = list(M)


@pytest.mark.parametrize("f, reference", [
    (lambda x: np.mean(x, axis=0), lambda: [mean_of(column(0)), mean_of(column(1))]),
    (lambda x: np.mean(x), lambda: mean_of(ALL)),
    (lambda x: x.mean(axis=-1), lambda: [mean_of(row(i)) for i in range(3)]),
    (lambda x: np.mean(x, axis=(0, 1), keepdims=True), lambda: [[mean_of(ALL)]]),
    (lambda x: np.mean(x, axis=0, keepdims=True),
     lambda: [[mean_of(column(0)), mean_of(column(1))]]),
    (lambda x: np.var(x, axis=0), lambda: [var_of(column(0)), var_of(column(1))]),
    (lambda x: np.var(x), lambda: var_of(ALL)),
    (lambda x: x.var(axis=1, ddof=1), lambda: [var_of(row(i), 1) for i in range(3)]),
    (lambda x: np.std(x, axis=0, ddof=1),
     lambda: [sympy.sqrt(var_of(column(0), 1)), sympy.sqrt(var_of(column(1), 1))]),
    (lambda x: x.std(), lambda: sympy.sqrt(var_of(ALL))),
    (lambda x: np.std(x, axis=1, keepdims=True),
     lambda: [[sympy.sqrt(var_of(row(i)))] for i in range(3)]),
    (lambda x: np.sum(x), lambda: sympy.Add(*ALL)),
    (lambda x: x.sum(axis=(1, 0)), lambda: sympy.Add(*ALL)),
    (lambda x: np.prod(x), lambda: sympy.Mul(*ALL)),
    (lambda x: np.max(x, axis=(0, 1), keepdims=True), lambda: [[sympy.Max(*ALL)]]),
    (lambda x: np.sum(x, axis=0, keepdims=True),
     lambda: [[sympy.Add(*column(0)), sympy.Add(*column(1))]]),
])
def test_statistics_and_reductions_over_axes(f, reference):
    _, expr, _ = symbolic_function(f, POINT)
    expected = np.array(reference(), dtype=object)
    assert np.shape(expr) == expected.shape
    for got, want in zip(np.ravel(np.array(expr, dtype=object)), expected.flat):
        assert same(got, want)


def test_statistics_of_a_single_symbol():
    x = sympy.Symbol("x", real=True)
    symbols, expr, _ = symbolic_function(lambda v: np.mean(v) + np.var(v) + np.var([v, 2 * v]),
                                         1.5)
    # var of one value is 0; var of (x, 2x) is ((x - 3x/2)² + (2x - 3x/2)²)/2 = x²/4
    assert symbols == x and same(expr, x + x**2 / 4)


def test_variance_with_too_large_ddof_is_refused():
    with pytest.raises(SymbolicError, match=r"numpy\.var with ddof=3 of 3"):
        symbolic_function(lambda x: np.var(x, axis=0, ddof=3), POINT)


def test_out_into_an_array_of_symbols_works_and_into_a_float_array_says_why():
    def in_place(x):
        np.multiply(x, 2.0, out=x)
        return x

    _, expr, _ = symbolic_function(in_place, [1.0, 2.0])
    assert list(expr) == [2 * a, 2 * b]
    refused = r"numpy\.multiply\(\.\.\., out=\.\.\.\) with a float64"
    with pytest.raises(SymbolicError, match=refused):
        symbolic_function(lambda x: np.multiply(x, 2.0, out=np.zeros(2)), [1.0, 2.0])


@pytest.mark.parametrize("f, words", [
    (lambda x: np.median(x), "f calls numpy.median, which compares values of its input"),
    (lambda x: np.sort(x)[0], "f calls numpy.sort, which compares values"),
    (lambda x: np.sum(np.isnan(x)), "f calls numpy.isnan, which does not work on SymPy symbols"),
    (lambda x: np.linalg.det(x.reshape(3, 2)[:2]), "f calls numpy.linalg.det, which does not work"),
])
def test_an_unsupported_numpy_function_is_named(f, words):
    with pytest.raises(SymbolicError) as caught:
        symbolic_function(f, POINT.ravel())
    message = str(caught.value)
    assert words in message
    assert "needs a function written with dualdiff or NumPy functions" not in message


def test_compare_names_the_numpy_function_it_skipped_for():
    r = dd.compare(lambda x: np.median(x) * x[0], [1.0, 2.0, 4.0], methods=["central"])
    assert r.symbolic is None and "numpy.median" in r.symbolic_row.skipped


# -- BatchNorm (examples/06_batchnorm.py): compare() gets its SymPy column --------------

GAMMA = np.array([1.5, -0.6])
BETA = np.array([0.1, 0.3])
TARGET = np.array([[1.0, -1.0], [0.5, 0.5], [-1.0, 0.0]])


def batchnorm_loss(x, eps=1e-5):
    """Training-time BatchNorm over the batch axis and a squared-error loss, plain NumPy."""
    mu = np.mean(x, axis=0)
    var = x.var(axis=0)  # biased, as the layer uses it
    y = GAMMA * (x - mu) / np.sqrt(var + eps) + BETA
    return 0.5 * np.sum((y - TARGET) ** 2)


def test_compare_on_batchnorm_has_a_symbolic_column_matching_sympy():
    r = dd.compare(batchnorm_loss, POINT, methods=["central"], timeout=120)
    assert r.symbolic_row.skipped is None and r.reference == "symbolic"
    # the same loss written in SymPy from the layer's definition, differentiated by SymPy
    eps = sympy.Rational(1, 100000)
    loss = 0
    for j in range(2):
        mu = mean_of(column(j))
        var = var_of(column(j))
        for i in range(3):
            y = sympy.Rational(str(GAMMA[j])) * (M[i, j] - mu) / sympy.sqrt(var + eps) \
                + sympy.Rational(str(BETA[j]))
            loss += (y - sympy.Rational(str(TARGET[i, j]))) ** 2 / 2
    at = {M[i, j]: sympy.Rational(str(POINT[i, j])) for i in range(3) for j in range(2)}
    for i in range(3):
        for j in range(2):
            reference = float(sympy.diff(loss, M[i, j]).evalf(30, subs=at))
            assert r.symbolic_row.value[i, j] == pytest.approx(reference, rel=1e-14, abs=1e-15)
    assert r.ad.abs_error < 1e-13


# -- names= ------------------------------------------------------------------------


def test_names_become_the_symbols_of_the_gradient():
    x1, x2 = sympy.symbols("x1 x2", real=True)
    by_hand = sympy.log(x1) + x1 * x2 - sympy.sin(x2)
    s = symbolic_derivative(canonical, [2.0, 5.0], names=["x1", "x2"])
    assert list(s.symbols) == [x1, x2]
    assert [sympy.simplify(d - sympy.diff(by_hand, v)) for d, v in zip(s.derivative, (x1, x2))] \
        == [0, 0]
    assert s.text == "[x2 + 1/x1, x1 - cos(x2)]"
    assert "x_{0}" not in s.latex and "x_{2}" in s.latex
    assert [sympy.simplify(e - r) for e, r in zip(s.exact, (sympy.Rational(11, 2),
                                                           2 - sympy.cos(5)))] == [0, 0]


def test_names_for_a_scalar_and_a_matrix_point_in_flat_order():
    t = sympy.Symbol("t", real=True)
    s = symbolic_derivative(lambda x: x ** 3, 2.0, names=("t",))
    assert s.symbols == t and s.derivative == 3 * t ** 2 and s.exact == 12
    symbols, expr, _ = symbolic_function(lambda m: m[0, 1] * m[1, 0], [[1.0, 2.0], [3.0, 4.0]],
                                         names=["a", "b", "c", "d"])
    assert expr == sympy.Symbol("b", real=True) * sympy.Symbol("c", real=True)
    assert symbols.shape == (2, 2) and str(symbols[1, 1]) == "d"


def test_names_in_a_forked_process():
    s = symbolic_derivative(canonical, [2.0, 5.0], names=["u", "w"], isolation="process")
    assert s.text == "[w + 1/u, u - cos(w)]"


@pytest.mark.parametrize("names, words", [
    (["x1"], "1 name(s) but the point has 2"),
    (["x1", "x2", "x3"], "3 name(s) but the point has 2"),
    (["x 1", "x2"], "valid identifiers"),
    (["1x", "x2"], "valid identifiers"),
    (["x1", 2], "valid identifiers"),
    (["x1", "x1"], "distinct"),
    ("x1", "sequence of names"),
    (5, "sequence of names"),
])
def test_bad_names_are_input_errors(names, words):
    with pytest.raises(InputError, match=re.escape(words)):
        symbolic_derivative(canonical, [2.0, 5.0], names=names)


def test_without_names_the_symbols_are_still_x0_x1():
    assert symbolic_derivative(canonical, [2.0, 5.0]).text == "[x1 + 1/x0, x0 - cos(x1)]"
