"""Key numbers of the calculus and statistics examples (02-05, 10-13), against independent references.

Every expected value here is computed by the test itself, with SymPy, mpmath
or a closed form, never read from the example's own output.
"""

from __future__ import annotations

import math
import statistics
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy

from examples_support import result



@pytest.fixture(autouse=True)
def _mpmath_precision():
    """40 digits for the mpmath references here, without changing it for other test modules."""
    with mpmath.workdps(40):
        yield


# -- 02 arctanh ----------------------------------------------------------------


def test_arctanh_values_and_derivatives_match_mpmath_and_sympy():
    r = result("02_arctanh")
    xs = [0.37, 0.192, 0.571]
    assert r["x"].tolist() == xs
    t = sympy.Symbol("t")
    derivative = sympy.diff(sympy.atanh(t), t)  # SymPy's own rule: 1/(1 - t²)
    for i, x in enumerate(xs):
        assert r["values"][i] == pytest.approx(float(mpmath.atanh(x)), rel=1e-15)
        assert r["values_pure_python"][i] == pytest.approx(float(mpmath.atanh(x)), rel=1e-14)
        assert r["derivatives"][i] == pytest.approx(float(derivative.subs(t, sympy.Float(x, 30))), rel=1e-15)


def test_arctanh_jacobian_is_diagonal_and_the_gradcheck_agrees():
    r = result("02_arctanh")
    jac = r["jacobian"]
    assert jac.shape == (1, 3, 1, 3)
    expected = np.zeros((3, 3))
    for i, x in enumerate([0.37, 0.192, 0.571]):
        expected[i, i] = float(1 / (1 - mpmath.mpf(x) ** 2))
    np.testing.assert_allclose(jac.reshape(3, 3), expected, rtol=1e-15, atol=0)
    assert r["max_off_diagonal"] == 0.0
    assert r["backward_vs_ad"] < 1e-15
    assert r["fd_vs_ad"] < 1e-8  # a central difference: error ~ h² f''' + ε/h


def test_arctanh_gradcheck_report():
    r = result("02_arctanh")["report"]
    assert r.kind == "jacobian" and r.reference == "symbolic" and r.expected.agree
    expected = np.zeros((1, 3, 1, 3))
    for i, x in enumerate([0.37, 0.192, 0.571]):
        expected[0, i, 0, i] = float(1 / (1 - mpmath.mpf(x) ** 2))
    np.testing.assert_allclose(np.asarray(r.symbolic.value, dtype=float), expected, rtol=1e-15, atol=0)
    np.testing.assert_allclose(r.ad.value, expected, rtol=1e-15, atol=0)


# -- 03 cross-entropy vs squared error ------------------------------------------


def _loss_derivatives():
    a, y = sympy.symbols("a y")
    f = 1 / (1 + sympy.exp(-a))
    ce = -(y * sympy.log(f) + (1 - y) * sympy.log(1 - f))
    mse = (f - y) ** 2
    return (sympy.lambdify((a, y), sympy.diff(ce, a), "mpmath"),
            sympy.lambdify((a, y), sympy.diff(mse, a), "mpmath"))


def test_cross_entropy_and_squared_error_gradients_match_sympy():
    r = result("03_cross_entropy_vs_squared_error")
    dce, dmse = _loss_derivatives()
    assert r["label"] == 1.0
    assert [row["a"] for row in r["rows"]] == [-10.0, -5.0, -2.0, 0.0, 2.0, 5.0, 10.0]
    for row in r["rows"]:
        assert row["ce_ad"] == pytest.approx(float(dce(mpmath.mpf(row["a"]), 1)), rel=1e-12)
        assert row["mse_ad"] == pytest.approx(float(dmse(mpmath.mpf(row["a"]), 1)), rel=1e-12)
    assert r["sympy_confirms_ce"] is True and r["sympy_confirms_mse"] is True


def test_saturated_unit_cross_entropy_gradient_stays_alive():
    r = result("03_cross_entropy_vs_squared_error")
    s = 1 / (1 + mpmath.exp(10))  # σ(-10)
    assert r["saturated_ce"] == pytest.approx(float(s - 1), rel=1e-12)
    assert r["saturated_mse"] == pytest.approx(float(2 * (s - 1) * s * (1 - s)), rel=1e-12)
    assert abs(r["saturated_ce"] / r["saturated_mse"]) > 1e4


# -- 04 logistic regression -----------------------------------------------------


def test_logistic_gradient_matches_the_closed_form_for_both_labels():
    r = result("04_logistic_regression")
    w = [mpmath.mpf(v) for v in r["w"]]
    x = [mpmath.mpf(v) for v in r["x"]]
    for y in (1.0, -1.0):
        margin = y * mpmath.fsum(wi * xi for wi, xi in zip(w, x))
        expected = [float(-y * (1 - 1 / (1 + mpmath.exp(-margin))) * xi) for xi in x]
        np.testing.assert_allclose(r["gradient_check"][y]["ad"], expected, rtol=1e-14)
        np.testing.assert_allclose(r["gradient_check"][y]["fd"], expected, rtol=1e-8)


def _logistic_minimiser(features, labels):
    """Newton's method with the textbook gradient and Hessian of the mean logistic loss."""
    w = np.zeros(features.shape[1])
    for _ in range(30):
        s = 1 / (1 + np.exp(labels * (features @ w)))  # 1 - σ(y wᵀx)
        gradient = -(features * (labels * s)[:, None]).mean(axis=0)
        hessian = (features.T * (s * (1 - s))) @ features / len(labels)
        w = w - np.linalg.solve(hessian, gradient)
    return w, float(np.mean(np.log1p(np.exp(-labels * (features @ w))))), hessian


def test_gradient_descent_converges_with_the_small_rate_and_overshoots_with_the_large():
    module = __import__("examples_support").load("04_logistic_regression")
    features, labels = module.data_set()
    w_star, loss_star, hessian = _logistic_minimiser(features, labels)
    r = result("04_logistic_regression")
    lam = float(np.linalg.eigvalsh(hessian).max())
    assert r["lambda_max"] == pytest.approx(lam, rel=1e-10)
    assert r["good_rate"] < 2 / lam < r["bad_rate"]
    np.testing.assert_allclose(r["w_good"], w_star, atol=1e-6)
    assert r["losses_good"][-1] == pytest.approx(loss_star, abs=1e-10)
    assert all(b <= a + 1e-15 for a, b in zip(r["losses_good"], r["losses_good"][1:]))
    assert max(r["losses_bad"]) > r["losses_bad"][0] > loss_star
    assert r["losses_bad"][-1] - loss_star > 1e-2


def test_gradient_descent_on_x_squared_follows_the_closed_form():
    r = result("04_logistic_regression")
    for rate, xs in r["parabola"].items():
        expected = [(1 - 2 * rate) ** k for k in range(len(xs))]
        np.testing.assert_allclose(xs, expected, rtol=1e-12, atol=1e-300)
    assert abs(r["parabola"][1.1][-1]) > 6  # |1 - 2.2|¹⁰ = 1.2¹⁰ ≈ 6.19: diverging


# -- 05 maximum likelihood ------------------------------------------------------


def test_gaussian_gradient_vanishes_at_the_sample_mean():
    module = __import__("examples_support").load("05_mle")
    r = result("05_mle")
    data = module.GAUSS_DATA
    np.testing.assert_allclose(r["sample_mean"], [statistics.fmean(c) for c in data.T], rtol=1e-15)
    np.testing.assert_allclose(r["gaussian_grad_at_mean"], [0.0, 0.0], atol=1e-13)
    expected = [math.fsum(c) / module.SIGMA**2 for c in data.T]  # Σ(xᵢ - 0)/σ²
    np.testing.assert_allclose(r["gaussian_grad_at_origin"], expected, rtol=1e-14)


def test_laplace_kink_convention_and_median():
    module = __import__("examples_support").load("05_mle")
    r = result("05_mle")
    data, b = module.LAPLACE_DATA, module.B
    median = statistics.median(data.tolist())
    assert r["median"] == median
    mu = sympy.Symbol("mu", real=True)
    points = [sympy.Rational(str(v)) for v in data]
    ell = -sum(sympy.Abs(p - mu) for p in points) / b
    slope = sympy.diff(ell, mu)
    m = sympy.Rational(str(median))
    # One-sided derivatives at the kink, from SymPy: +1/b and -1/b.
    assert float(sympy.limit(slope, mu, m, "-")) == pytest.approx(1 / b)
    assert float(sympy.limit(slope, mu, m, "+")) == pytest.approx(-1 / b)
    left, right = r["laplace_one_sided"]
    assert left == pytest.approx(1 / b) and right == pytest.approx(-1 / b)
    # At the kink, the documented convention abs'(0) = sign(0) = 0: Σ sign(xᵢ - m)/b.
    assert float(sum(sympy.sign(p - m) for p in points) / b) == 0.0
    assert r["laplace_derivative_at_median"] == 0.0
    assert r["laplace_forward_difference"] == pytest.approx(-1 / b, abs=1e-6)
    assert r["laplace_grid_argmax"] == pytest.approx(median, abs=1e-9)


def test_laplace_slopes_count_points_above_and_below():
    module = __import__("examples_support").load("05_mle")
    data, b = module.LAPLACE_DATA, module.B
    for mu, below, above, slope in result("05_mle")["laplace_slopes"]:
        signs = [0 if x == mu else (1 if x > mu else -1) for x in data]  # sign(xᵢ - μ), sign(0) = 0
        assert (below, above) == (sum(x < mu for x in data), sum(x > mu for x in data))
        assert slope == pytest.approx(sum(signs) / b, abs=1e-15)


# -- 10 dual numbers and Taylor series --------------------------------------------


def test_dual_number_values_and_tangents():
    r = result("10_dual_numbers_taylor")
    x = sympy.Symbol("x")
    g = x**3 - 2 * x + 5
    assert r["g_value"] == 9.0 and r["g_tangent"] == float(sympy.diff(g, x).subs(x, 2)) == 10.0
    assert r["g_tangent_xdot3"] == 30.0
    h = sympy.exp(x) * sympy.sin(x)
    assert r["h_value"] == pytest.approx(float(h.subs(x, 2).evalf(30)), rel=1e-15)
    assert r["h_tangent"] == pytest.approx(float(sympy.diff(h, x).subs(x, 2).evalf(30)), rel=1e-15)


def test_expansion_coefficients_are_the_taylor_coefficients():
    e = result("10_dual_numbers_taylor")["expansions"]
    x, xdot, _ = e["symbols"]
    g = x**3 - 2 * x + 5
    taylor = [sympy.diff(g, x, k) * xdot**k / sympy.factorial(k) for k in range(4)]
    assert [sympy.expand(c - t) for c, t in zip(e["g_terms"], taylor)] == [0, 0, 0, 0]
    h = sympy.exp(x) * sympy.sin(x)
    taylor_h = [sympy.diff(h, x, k) * xdot**k / sympy.factorial(k) for k in range(4)]
    assert [sympy.simplify(c - t) for c, t in zip(e["h_terms"], taylor_h)] == [0, 0, 0, 0]
    assert e["g_identity_holds"] and e["h_identity_holds"] and e["h_rules_agree"]


# -- 11 finite-difference pitfalls --------------------------------------------------


@pytest.fixture(scope="module")
def pitfalls(tmp_path_factory):
    path = tmp_path_factory.mktemp("plot") / "sweep.png"
    return result("11_finite_difference_pitfalls", plot_path=str(path)), path


def test_finite_difference_exact_value_and_error_regimes(pitfalls):
    r, _ = pitfalls
    x = sympy.Symbol("x")
    f = sympy.exp(sympy.sin(x))
    exact = float(sympy.diff(f, x).subs(x, 1).evalf(30))
    second = float(sympy.diff(f, x, 2).subs(x, 1).evalf(30))
    assert r["exact_ad"] == pytest.approx(exact, rel=1e-15)
    assert r["second_derivative"] == pytest.approx(second, rel=1e-14)
    errors = {row["h"]: row["error"] for row in r["rows"]}
    for h in (1e-3, 1e-4, 1e-5):  # truncation dominates: error ≈ |f''| h / 2
        assert errors[h] == pytest.approx(abs(second) * h / 2, rel=0.01)
    for h in (1e-12, 1e-13, 1e-14):  # rounding dominates: far above the truncation model
        assert errors[h] > 1e3 * abs(second) * h
    eps = np.finfo(float).eps
    f1 = float(f.subs(x, 1).evalf(30))
    assert r["theory_step"] == pytest.approx(2 * math.sqrt(eps * f1 / abs(second)), rel=1e-12)
    assert 1e-9 <= r["best_forward_step"] <= 1e-7
    assert 1e-10 < r["best_forward_error"] < 1e-7
    assert r["best_central_error"] < 1e-9
    assert r["best_complex_error"] < 1e-15


def test_finite_difference_plot_is_a_png_when_matplotlib_is_there(pitfalls):
    import importlib.util

    r, path = pitfalls
    if importlib.util.find_spec("matplotlib") is not None:  # the test extra installs it
        assert str(r["plot"]) == str(path)
        assert path.read_bytes()[:4] == b"\x89PNG"
    else:
        assert r["plot"] is None and "matplotlib" in r["plot_note"]


def test_finite_difference_without_matplotlib_prints_a_note(monkeypatch, tmp_path, capsys):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    module = __import__("examples_support").load("11_finite_difference_pitfalls")
    r = module.main(verbose=True, plot_path=tmp_path / "none.png")
    out = capsys.readouterr().out
    assert r["plot"] is None and not (tmp_path / "none.png").exists()
    assert "no plot" in out and "matplotlib" in out and "plot" in r["plot_note"]


# -- 12 critical points ------------------------------------------------------------


def _sympy_critical_points(expr, x, y):
    points = sympy.solve([sympy.diff(expr, x), sympy.diff(expr, y)], [x, y], dict=True)
    hess = sympy.hessian(expr, (x, y))
    out = {}
    for p in points:
        eig = sorted(float(e) for e in hess.subs(p).eigenvals(multiple=True))
        kind = ("local minimum" if min(eig) > 0 else "local maximum" if max(eig) < 0
                else "saddle point")
        out[(float(p[x]), float(p[y]))] = (float(expr.subs(p)), eig, kind)
    return out


@pytest.mark.parametrize("name, make", [
    ("f", lambda x, y: x**3 - 3 * x + y**2),
    ("g", lambda x, y: x**3 - 3 * x - y**3 + 3 * y),
])
def test_critical_points_and_their_classification_match_sympy(name, make):
    x, y = sympy.symbols("x y", real=True)
    expected = _sympy_critical_points(make(x, y), x, y)
    rows = result("12_critical_points")[name]
    assert len(rows) == len(expected)
    for row in rows:
        key = (float(row["point"][0]), float(row["point"][1]))
        value, eig, kind = expected[key]
        assert row["value"] == pytest.approx(value, abs=1e-12)
        np.testing.assert_allclose(sorted(row["eigenvalues"]), eig, atol=1e-12)
        assert row["kind"] == kind
        h = np.array(sympy.hessian(make(x, y), (x, y)).subs({x: key[0], y: key[1]}), dtype=float)
        np.testing.assert_allclose(row["hessian"], h, atol=1e-12)


# -- 13 Bayesian updating ------------------------------------------------------------


@pytest.mark.parametrize("case", [0, 1])
def test_newton_map_matches_the_closed_form_mode(case):
    run = result("13_bayesian_update")["runs"][case]
    a, b, n, x = run["a"], run["b"], run["n"], run["x"]
    mode = Fraction(int(a) + x - 1, int(a) + int(b) + n - 2)
    assert run["theta_map"] == pytest.approx(float(mode), rel=1e-15)
    # ℓ''(θ) = -(a + x - 1)/θ² - (b + n - x - 1)/(1 - θ)², at the mode, exactly:
    second = -(Fraction(int(a) + x - 1) / mode**2 + Fraction(int(b) + n - x - 1) / (1 - mode) ** 2)
    theta, d1, d2 = run["history"][-1]
    assert d2 == pytest.approx(float(second), rel=1e-12)
    assert abs(d1) < 1e-12
    assert len(run["history"]) <= 12  # quadratic convergence: a handful of steps


def test_sympy_derivation_gives_a_beta_posterior_and_the_mode_formula():
    s = result("13_bayesian_update")["sympy"]
    theta, a, b, n, x = s["symbols"]
    assert len(s["mode"]) == 1
    assert sympy.simplify(s["mode"][0] - (a + x - 1) / (a + b + n - 2)) == 0
    assert s["constant_free_of_theta"] is True
    # Beta(2, 7) prior, 3 of 6: posterior Beta(5, 10) = θ⁴(1-θ)⁹ / B(5, 10), B(5, 10) = 4! 9! / 14!
    beta_510 = sympy.Rational(math.factorial(4) * math.factorial(9), math.factorial(14))
    expected = theta**4 * (1 - theta) ** 9 / beta_510
    assert sympy.simplify(s["normalised_first_case"] - expected) == 0
    assert s["beta_parameters_first_case"] == (5, 10)
