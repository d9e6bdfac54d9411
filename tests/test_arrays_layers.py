"""Plain-NumPy layers differentiated unchanged: BatchNorm, RNN and LSTM cells, logistic
regression, an MLP with ``@`` and a softmax cross-entropy.

References: closed-form gradients (logistic regression, softmax), a hand-written
backward pass (MLP), SymPy (BatchNorm on a small batch) and finite differences.
"""

from __future__ import annotations

import numpy as np
import pytest

import dualdiff as dd
from array_reference import central_jacobian, sympy_jacobian

rng = np.random.default_rng(11)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# -- BatchNorm -------------------------------------------------------------------------

EPS = 1e-5
GAMMA = rng.normal(size=3)
BETA = rng.normal(size=3)
TARGET = rng.normal(size=(4, 3))


def batchnorm(a, gamma=GAMMA, beta=BETA):
    return gamma * (a - a.mean(0)) / np.sqrt(a.var(0) + EPS) + beta


def batchnorm_loss(a):
    return np.sum((batchnorm(a) - TARGET) ** 2)


def test_batchnorm_loss_gradient_has_the_input_shape_and_matches_differences():
    a = rng.normal(size=(4, 3))
    g = dd.grad(batchnorm_loss, a)
    assert g.shape == (4, 3)
    np.testing.assert_allclose(g, central_jacobian(batchnorm_loss, a), rtol=1e-6, atol=1e-7)


def test_batchnorm_forward_jacobian_matches_sympy():
    a = rng.normal(size=(3, 2))
    gamma, beta = np.array([1.5, -0.5]), np.array([0.1, 0.2])

    def forward(x):
        return batchnorm(x, gamma, beta)

    def symbolic(x):  # the same formula, written for SymPy
        import sympy
        mean = x.sum(axis=0) / 3
        var = ((x - mean) ** 2).sum(axis=0) / 3
        return gamma * (x - mean) / np.array([sympy.sqrt(v + EPS) for v in var]) + beta

    j = dd.jacobian(forward, a)
    assert j.shape == (3, 2, 3, 2)
    np.testing.assert_allclose(j, sympy_jacobian(forward, a, symbolic), rtol=1e-10, atol=1e-12)


def test_batchnorm_gradient_with_respect_to_gamma_and_beta():
    a = rng.normal(size=(4, 3))
    # d loss / d beta = 2 Σ_rows (y - target); d loss / d gamma = 2 Σ_rows (y - target) x̂
    xhat = (a - a.mean(0)) / np.sqrt(a.var(0) + EPS)
    residual = GAMMA * xhat + BETA - TARGET
    np.testing.assert_allclose(
        dd.grad(lambda b: np.sum((batchnorm(a, GAMMA, b) - TARGET) ** 2), BETA),
        2 * residual.sum(0), rtol=1e-12)
    np.testing.assert_allclose(
        dd.grad(lambda g: np.sum((batchnorm(a, g, BETA) - TARGET) ** 2), GAMMA),
        2 * (residual * xhat).sum(0), rtol=1e-12)


# -- logistic regression -----------------------------------------------------------------

X = rng.normal(size=(20, 4))
Y = (rng.uniform(size=20) < 0.5).astype(float)


def logistic_loss(w):
    p = sigmoid(X @ w)
    return -np.mean(Y * np.log(p) + (1 - Y) * np.log(1 - p))


def test_logistic_regression_gradient_and_hessian_closed_forms():
    w = rng.normal(size=4)
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    np.testing.assert_allclose(dd.grad(logistic_loss, w), X.T @ (p - Y) / len(Y), rtol=1e-12)
    np.testing.assert_allclose(dd.hessian(logistic_loss, w),
                               X.T @ (X * (p * (1 - p))[:, None]) / len(Y), rtol=1e-11)


def test_logistic_regression_with_dualdiff_sigmoid():
    w = rng.normal(size=4)
    p = 1.0 / (1.0 + np.exp(-(X @ w)))

    def loss(v):
        q = dd.sigmoid(X @ v)
        return -np.mean(Y * np.log(q) + (1 - Y) * np.log(1 - q))

    np.testing.assert_allclose(dd.grad(loss, w), X.T @ (p - Y) / len(Y), rtol=1e-12)


# -- an MLP with @ ------------------------------------------------------------------------

XB = rng.normal(size=(5, 3))
W2 = rng.normal(size=(4, 2))
YB = rng.normal(size=(5, 2))


def mlp_loss(w1):
    h = np.tanh(XB @ w1)
    return 0.5 * np.sum((h @ W2 - YB) ** 2)


def test_mlp_gradient_with_respect_to_a_weight_matrix_matches_backprop():
    w1 = rng.normal(size=(3, 4))
    h = np.tanh(XB @ w1)
    delta = (h @ W2 - YB) @ W2.T * (1 - h ** 2)  # hand-written backward pass
    g = dd.grad(mlp_loss, w1)
    assert g.shape == (3, 4)
    np.testing.assert_allclose(g, XB.T @ delta, rtol=1e-12, atol=1e-14)


def test_mlp_jvp_matches_the_gradient_projected():
    w1, v = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    h = np.tanh(XB @ w1)
    expected = np.sum((XB.T @ ((h @ W2 - YB) @ W2.T * (1 - h ** 2))) * v)
    value, tangent = dd.jvp(mlp_loss, w1, v)
    assert value == pytest.approx(mlp_loss(w1), rel=1e-15)
    assert tangent == pytest.approx(expected, rel=1e-12)


# -- softmax cross-entropy with the max trick ----------------------------------------------

def softmax_xent(z, labels=np.array([2, 0, 1])):
    shifted = z - z.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    return -np.mean(logp[np.arange(len(labels)), labels])


def test_softmax_cross_entropy_gradient_is_softmax_minus_onehot():
    z = rng.normal(size=(3, 4))
    e = np.exp(z - z.max(1, keepdims=True))
    softmax = e / e.sum(1, keepdims=True)
    onehot = np.eye(4)[[2, 0, 1]]
    np.testing.assert_allclose(dd.grad(softmax_xent, z), (softmax - onehot) / 3, rtol=1e-12,
                               atol=1e-15)


# -- recurrent cells -------------------------------------------------------------------------

H, D, T = 3, 2, 4
XS = rng.normal(size=(T, D))
U = rng.normal(size=(H, D))


def rnn_loss(w):
    h = np.zeros(H)
    for x in XS:
        h = np.tanh(w @ h + U @ x)
    return np.sum(h ** 2)


def test_rnn_gradient_with_respect_to_the_recurrent_matrix():
    w = rng.normal(size=(H, H)) * 0.5
    g = dd.grad(rnn_loss, w)
    assert g.shape == (H, H)
    np.testing.assert_allclose(g, central_jacobian(rnn_loss, w), rtol=1e-7, atol=1e-9)


def lstm_step(params, h, c, x):
    w, b = params[:, :H + D], params[:, H + D]
    z = w @ np.concatenate([h, x]) + b
    i, f, o, g = np.split(z, 4)
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    return sigmoid(o) * np.tanh(c), c


def lstm_loss(params):
    h, c = np.zeros(H), np.zeros(H)
    hs = []
    for x in XS:
        h, c = lstm_step(params, h, c, x)
        hs.append(h)
    return np.sum(np.stack(hs) ** 2) + np.linalg.norm(c)


def test_lstm_gradient_with_respect_to_stacked_gate_weights():
    params = rng.normal(size=(4 * H, H + D + 1)) * 0.5
    g = dd.grad(lstm_loss, params)
    assert g.shape == params.shape
    np.testing.assert_allclose(g, central_jacobian(lstm_loss, params), rtol=1e-7, atol=1e-9)


def test_lstm_hidden_state_jacobian_has_output_by_input_shape():
    params = rng.normal(size=(4 * H, H + D + 1)) * 0.5

    def final_h(p):
        return lstm_step(p, np.zeros(H), np.zeros(H), XS[0])[0]

    j = dd.jacobian(final_h, params)
    assert j.shape == (H,) + params.shape
    np.testing.assert_allclose(j, central_jacobian(final_h, params), rtol=1e-7, atol=1e-9)


# -- any input shape -------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(5,), (2, 3), (2, 1, 3), (1, 1, 1, 2)])
def test_grad_and_jacobian_shapes_for_any_input_shape(shape):
    x = rng.normal(size=shape)
    g = dd.grad(lambda a: np.sum(np.sin(a) * a), x)
    assert g.shape == shape
    np.testing.assert_allclose(g, np.cos(x) * x + np.sin(x), rtol=1e-14)  # (x sin x)'
    j = dd.jacobian(lambda a: np.stack([a * a, a]), x)
    assert j.shape == (2,) + shape + shape
    eye = np.eye(x.size).reshape(shape + shape)
    np.testing.assert_allclose(j[0], eye * (2 * x).reshape(shape + (1,) * len(shape)))
    np.testing.assert_array_equal(j[1], eye)
