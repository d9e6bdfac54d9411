"""Key numbers of the neural-network and AD-modes examples (01, 06, 07, 08, 09), against independent references.

Every expected value here is computed by the test itself (SymPy, mpmath,
closed forms), never read from the example's own output.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import sympy

from examples_support import load, result



@pytest.fixture(autouse=True)
def _mpmath_precision():
    """40 digits for the mpmath references here, without changing it for other test modules."""
    with mpmath.workdps(40):
        yield


def _sigmoid(z):
    return 1 / (1 + sympy.exp(-z))


# -- 01 sigmoid -------------------------------------------------------------------


def test_sigmoid_derivative_at_0_and_1_matches_sympy():
    r = result("01_sigmoid")
    x = sympy.Symbol("x")
    d = sympy.diff(_sigmoid(x), x)
    assert d.subs(x, 0) == sympy.Rational(1, 4)
    assert r["points"][0.0]["ad"] == 0.25 and r["points"][0.0]["closed_form"] == 0.25
    at1 = float(d.subs(x, 1).evalf(40))
    for key in ("ad", "closed_form", "builtin"):
        assert r["points"][1.0][key] == pytest.approx(at1, rel=1e-15)
    assert r["sympy_confirms"] is True


def test_sigmoid_trace_has_the_four_elementary_steps():
    r = result("01_sigmoid")
    assert r["trace_steps"] == 4  # -x, exp, 1 + ·, 1 / ·
    assert r["trace_value"] == pytest.approx(float(1 / (1 + mpmath.exp(-1))), rel=1e-15)
    assert r["trace_tangent"] == pytest.approx(float(mpmath.exp(-1) / (1 + mpmath.exp(-1)) ** 2), rel=1e-15)
    for name in ("v₁", "v₂", "v₃", "v₄"):
        assert name in r["trace_table"]


def test_sigmoid_layer_backward_is_the_vector_jacobian_product():
    r = result("01_sigmoid")
    dsig = lambda t: mpmath.exp(-t) / (1 + mpmath.exp(-t)) ** 2  # noqa: E731  σ'(t), by hand from the quotient rule
    expected = np.vectorize(lambda g, x: float(g * dsig(mpmath.mpf(x))))(r["grad_out"], r["x_batch"])
    np.testing.assert_allclose(r["vjp"], expected, rtol=1e-14)
    np.testing.assert_allclose(r["backward"], expected, rtol=1e-14)


def test_sigmoid_comparison_report():
    r = result("01_sigmoid")["report"]
    exact = float(sympy.diff(_sigmoid(sympy.Symbol("x")), "x").subs("x", 1).evalf(40))
    assert r.kind == "derivative" and r.reference == "symbolic"
    assert float(r.symbolic.value) == pytest.approx(exact, rel=1e-15)
    assert r.ad.value == pytest.approx(exact, rel=1e-15)
    assert r.expected.agree  # the closed form σ(1 - σ), checked against AD
    assert r.numeric["complex"].value == pytest.approx(exact, rel=1e-15)


def test_trace_table_falls_back_to_csv_without_tabulate(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "tabulate", None)
    module = load("01_sigmoid")
    text = module.table_text(module.dd.trace(module.sigmoid, 1.0))
    assert "tabulate" in text.splitlines()[0]
    assert "node,primal trace,primal,tangent trace" in text


# -- 06 BatchNorm -------------------------------------------------------------------


@pytest.fixture(scope="module")
def batchnorm_reference():
    """∂L/∂X, ∂L/∂γ, ∂L/∂β by SymPy, from the layer's definition, at the example's point."""
    m = load("06_batchnorm")
    x0, g0, b0, target, eps = m.X0, m.GAMMA0, m.BETA0, m.TARGET, sympy.Rational(m.EPS)
    rows, cols = x0.shape
    grads = {"x": np.zeros_like(x0), "gamma": np.zeros(cols), "beta": np.zeros(cols)}
    for j in range(cols):  # features are independent: one small expression per column
        xs = sympy.symbols(f"x0:{rows}")
        gamma, beta = sympy.symbols("gamma beta")
        mu = sum(xs) / rows
        var = sum((xi - mu) ** 2 for xi in xs) / rows
        loss = sum((gamma * (xi - mu) / sympy.sqrt(var + eps) + beta - sympy.Rational(target[i, j])) ** 2
                   for i, xi in enumerate(xs)) / 2
        point = {xi: sympy.Rational(x0[i, j]) for i, xi in enumerate(xs)}
        point.update({gamma: sympy.Rational(g0[j]), beta: sympy.Rational(b0[j])})
        for i, xi in enumerate(xs):
            grads["x"][i, j] = float(sympy.diff(loss, xi).subs(point).evalf(30))
        grads["gamma"][j] = float(sympy.diff(loss, gamma).subs(point).evalf(30))
        grads["beta"][j] = float(sympy.diff(loss, beta).subs(point).evalf(30))
    return grads


@pytest.mark.parametrize("which", ["x", "gamma", "beta"])
def test_batchnorm_gradients_match_sympy(batchnorm_reference, which):
    r = result("06_batchnorm")
    expected = batchnorm_reference[which]
    np.testing.assert_allclose(r["ad"][which], expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(r["formula"][which], expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(r["fd"][which], expected, rtol=1e-7, atol=1e-8)


def test_batchnorm_comparison_report_checks_the_formula(batchnorm_reference):
    r = result("06_batchnorm")["report"]
    assert r.kind == "gradient" and r.expected.agree
    np.testing.assert_allclose(r.ad.value, batchnorm_reference["x"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(r.numeric["central"].value, batchnorm_reference["x"], rtol=1e-7, atol=1e-8)


def test_batchnorm_input_gradient_sums_to_zero_and_the_shortcut_is_wrong(batchnorm_reference):
    r = result("06_batchnorm")
    np.testing.assert_allclose(batchnorm_reference["x"].sum(axis=0), 0.0, atol=1e-14)
    assert np.max(np.abs(r["column_sums_x"])) < 1e-13
    assert r["naive_vs_ad"] == pytest.approx(np.max(np.abs(r["naive_x"] - batchnorm_reference["x"])), rel=1e-9)
    assert r["naive_vs_ad"] > 0.1


# -- 08 LSTM variant -------------------------------------------------------------------


def _lstm_variant_c(m, xs, standard=False, cut_h=False):
    """cₖ of the scalar LSTM variant (or the standard LSTM) in mpmath, straight from the equations."""
    p = {k: mpmath.mpf(v) for k, v in m.PARAMS.items()}
    if standard:
        p["b_f"] = mpmath.mpf(3)
    sig = lambda z: 1 / (1 + mpmath.exp(-z))  # noqa: E731
    h, c = mpmath.mpf(m.H_INIT), mpmath.mpf(m.C_INIT)
    for x in xs:
        f = sig(p["W_f"] * x + p["U_f"] * h + p["b_f"])
        o = sig(p["W_o"] * x + p["U_o"] * h + p["b_o"])
        keep = f if standard else f * (1 - f)
        c = keep * c + mpmath.tanh(p["W_c"] * x + p["U_c"] * h + p["b_c"])
        h = o * mpmath.tanh(c)
    return c


def test_lstm_dc1_dx0_matches_sympy():
    m = load("08_lstm_variant")
    r = result("08_lstm_variant")
    x0, x1, h, c = sympy.symbols("x0 x1 h c")
    p = {k: sympy.nsimplify(v) for k, v in m.PARAMS.items()}
    f0 = _sigmoid(p["W_f"] * x0 + p["U_f"] * sympy.nsimplify(m.H_INIT) + p["b_f"])
    o0 = _sigmoid(p["W_o"] * x0 + p["U_o"] * sympy.nsimplify(m.H_INIT) + p["b_o"])
    c0 = f0 * (1 - f0) * sympy.nsimplify(m.C_INIT) + sympy.tanh(
        p["W_c"] * x0 + p["U_c"] * sympy.nsimplify(m.H_INIT) + p["b_c"])
    h0 = o0 * sympy.tanh(c0)
    f1 = _sigmoid(p["W_f"] * x1 + p["U_f"] * h0 + p["b_f"])
    c1 = f1 * (1 - f1) * c0 + sympy.tanh(p["W_c"] * x1 + p["U_c"] * h0 + p["b_c"])
    point = {x0: sympy.nsimplify(m.X0), x1: sympy.nsimplify(m.X1)}
    expected = float(sympy.diff(c1, x0).subs(point).evalf(40))
    assert r["dc1_dx0"] == pytest.approx(expected, rel=1e-13)
    assert r["trace_tangent"] == pytest.approx(expected, rel=1e-13)
    assert r["c1"] == pytest.approx(float(c1.subs(point).evalf(40)), rel=1e-14)
    assert r["trace_value"] == pytest.approx(float(c1.subs(point).evalf(40)), rel=1e-14)


def test_lstm_forget_factor_bound_and_long_range_gradients():
    m = load("08_lstm_variant")
    r = result("08_lstm_variant")
    f = sympy.Symbol("f")
    critical = sympy.solve(sympy.diff(f * (1 - f), f), f)
    assert critical == [sympy.Rational(1, 2)]
    assert r["max_f_one_minus_f"] == sympy.Rational(1, 4) == (f * (1 - f)).subs(f, critical[0])
    seq = [mpmath.mpf(v) for v in m.SEQUENCE]
    for k, variant, standard, _, cell_path in r["long_range"]:
        tail = seq[1:k + 1]
        expected = mpmath.diff(lambda x: _lstm_variant_c(m, [x] + tail), seq[0])
        expected_std = mpmath.diff(lambda x: _lstm_variant_c(m, [x] + tail, standard=True), seq[0])
        assert variant == pytest.approx(float(abs(expected)), rel=1e-10)
        assert standard == pytest.approx(float(abs(expected_std)), rel=1e-10)
        assert 0 < cell_path <= 0.25**k
    last = r["long_range"][-1]
    assert last[1] < 1e-3 < 0.1 < last[2]  # the variant's gradient has vanished; the LSTM's has not


# -- 09 autodiff modes -----------------------------------------------------------------


def test_autodiff_modes_derivative_and_trace():
    r = result("09_autodiff_modes")
    x = sympy.Symbol("x")
    expected = sympy.diff(sympy.exp(sympy.sin(x**2)), x).subs(x, sympy.Rational(3, 2)).evalf(40)
    assert r["derivative"] == pytest.approx(float(expected), rel=1e-14)
    assert r["derivative_plain"] == pytest.approx(float(expected), rel=1e-14)
    assert r["trace_steps"] == 3


def test_forward_pseudocode_runs_the_chain_inside_out():
    lines = load("09_autodiff_modes").main()["forward_pseudocode"]
    body = "\n".join(lines)
    assert lines[0].startswith("def ") and lines[-1].strip().startswith("return")
    assert len(lines) == 1 + 4 + 1  # the input, three steps, the return
    assert body.index("^ 2") < body.index("sin") < body.index("exp")  # f₁, then f₂, then f₃
    assert "cos(v₁)·v̇₁" in body  # f₂'(v₁) times the tangent that came from inside


@pytest.mark.parametrize("index, depth", [(0, 3), (1, 6), (2, 12)])
def test_naive_chain_rule_costs_quadratic_evaluations(index, depth):
    c = result("09_autodiff_modes")["counts"][index]
    assert c["depth"] == depth
    assert c["naive_calls"] == depth * (depth - 1) // 2
    assert c["forward_calls"] == depth
    x = sympy.Symbol("x")
    chain = x
    for i in range(depth):
        chain = [lambda z: z**2, sympy.sin, sympy.exp][i % 3](chain)
    expected = float(sympy.diff(chain, x).subs(x, sympy.Rational(3, 10)).evalf(40))
    assert c["forward"] == pytest.approx(expected, rel=1e-12)
    assert c["naive"] == pytest.approx(expected, rel=1e-12)


# -- 07 bidirectional RNN ----------------------------------------------------------------


def _birnn_loss_mp(p, override):
    """L = Σₜ ‖zₜ - yₜ‖² of the bidirectional RNN, in mpmath, from the homework's equations."""
    q = {k: mpmath.matrix(np.asarray(v).tolist()) for k, v in p.items()}
    q.update(override)
    sig = lambda a: mpmath.matrix([1 / (1 + mpmath.exp(-a[i])) for i in range(a.rows)])  # noqa: E731
    steps, hidden = q["x"].rows, q["Wf"].rows
    col = lambda m, t: mpmath.matrix([m[t, j] for j in range(m.cols)])  # noqa: E731
    hf = {0: mpmath.matrix(hidden, 1)}
    for t in range(1, steps + 1):
        hf[t] = sig(q["Wf"] * col(q["x"], t - 1) + q["Uf"] * hf[t - 1])
    hb = {steps + 1: mpmath.matrix(hidden, 1)}
    for t in range(steps, 0, -1):
        hb[t] = sig(q["Wb"] * col(q["x"], t - 1) + q["Ub"] * hb[t + 1])
    total, ys = mpmath.mpf(0), {}
    for t in range(1, steps + 1):
        ys[t] = q["Vf"] * hf[t] + q["Vb"] * hb[t]
        r = col(q["z"], t - 1) - ys[t]
        total += sum(r[i] ** 2 for i in range(r.rows))
    return total, ys


def _birnn_gradient_mp(name):
    """∂L/∂(name) by mpmath's high-precision differentiation of the mpmath forward pass."""
    m = load("07_bidirectional_rnn")
    base = np.asarray(m.P[name])
    expected = np.zeros_like(base)
    for index in np.ndindex(base.shape):
        def along(h, index=index):
            w = mpmath.matrix(base.tolist())
            w[index] = w[index] + h
            return _birnn_loss_mp(m.P, {name: w})[0]
        expected[index] = float(mpmath.diff(along, 0))
    return expected


@pytest.mark.parametrize("name", ["Wf", "Ub"])
def test_birnn_gradients_match_high_precision_differences(name):
    r = result("07_bidirectional_rnn")
    expected = _birnn_gradient_mp(name)
    np.testing.assert_allclose(r[f"grad_{name}"], expected, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(r[f"bptt_{name}"], expected, rtol=1e-12, atol=1e-14)
    assert np.max(np.abs(r[f"student_{name}"] - expected)) > 1e-2  # the wrong step (1) spoils it


def test_birnn_check_names_the_squared_norm_step():
    m = load("07_bidirectional_rnn")
    r = result("07_bidirectional_rnn")
    loss, ys = _birnn_loss_mp(m.P, {})
    assert r["loss"] == pytest.approx(float(loss), rel=1e-14)
    expected = np.zeros((m.T, m.M))
    for t in range(1, m.T + 1):  # ∇_y‖z - y‖² = 2(y - z), from the definition
        expected[t - 1] = 2 * (np.array([float(v) for v in ys[t]]) - np.asarray(m.P["z"][t - 1]))
    np.testing.assert_allclose(r["ad_dL_dy"], expected, rtol=1e-13)
    assert np.max(np.abs(r["student_dL_dy"] - expected)) > 0.1
    assert r["student_first_mismatch"] == "L" and r["student_mismatch_what"] == "∂L/∂y"
    assert r["correct_agrees"] is True
    assert "'L' (∂L/∂y)" in r["report"].to_text()


def test_birnn_report_puts_ad_next_to_sympy():
    r = result("07_bidirectional_rnn")["report"]
    expected = _birnn_gradient_mp("Wf")
    assert r.reference == "symbolic"
    np.testing.assert_allclose(np.asarray(r.symbolic.value, dtype=float), expected, rtol=1e-12)
    np.testing.assert_allclose(r.ad.value, expected, rtol=1e-12)
    np.testing.assert_allclose(r.numeric["central"].value, expected, rtol=1e-7)
