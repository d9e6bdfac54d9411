"""BatchNorm: the backward pass by forward-mode AD, by the closed-form formula, by finite differences.

Problem (a deep-learning exercise: "implement BatchNormalization in TorchsorFlow").
For a batch of M inputs with N features, X ∈ R^(M×N), the training-time layer is,
feature by feature (j) over the batch (i):

    μⱼ  = (1/M) Σᵢ Xᵢⱼ                       batch mean
    σⱼ² = (1/M) Σᵢ (Xᵢⱼ - μⱼ)²               biased batch variance
    X̂ᵢⱼ = (Xᵢⱼ - μⱼ) / √(σⱼ² + ε)            normalise (ε keeps it finite)
    Yᵢⱼ = γⱼ X̂ᵢⱼ + βⱼ                        scale and shift: γ, β are learned

With a scalar loss L(Y) and G = ∂L/∂Y, backpropagation gives, per feature,

    ∂L/∂β  = Σᵢ Gᵢ
    ∂L/∂γ  = Σᵢ Gᵢ X̂ᵢ
    ∂L/∂X̂ᵢ = Gᵢ γ
    ∂L/∂Xᵢ = 1/(M √(σ² + ε)) · (M ∂L/∂X̂ᵢ - Σₖ ∂L/∂X̂ₖ - X̂ᵢ Σₖ ∂L/∂X̂ₖ X̂ₖ)

The last line is the one students get wrong: X̂ᵢ depends on *every* Xₖ of its
feature through μ and σ², so the gradient is not just γ G / √(σ² + ε). Its two
subtracted terms make ∂L/∂X sum to zero over the batch and be orthogonal to X̂
(shifting or scaling a whole feature does not change X̂).

Here the forward pass is plain NumPy (np.mean, np.sqrt, broadcasting) run on
dualdiff's array Duals, the loss is L = ½ Σ (Y - T)² for a fixed target T, and
the three gradients by AD are checked against the formula and against central
finite differences. (At test time there is no batch to average over: the layer
uses running averages of μ and σ² collected during training, and becomes a
fixed affine map.)

Run: python examples/06_batchnorm.py
"""

from __future__ import annotations

import numpy as np

import dualdiff as dd
from _display import report_text

EPS = 1e-5
X0 = np.array([
    [0.5, -1.2, 2.0],
    [1.5, 0.3, -0.7],
    [-0.8, 2.2, 0.4],
    [0.1, -0.4, 1.1],
])
GAMMA0 = np.array([1.5, 0.8, -0.6])
BETA0 = np.array([0.1, -0.2, 0.3])
TARGET = np.array([
    [1.0, 0.0, -1.0],
    [0.5, 0.5, 0.5],
    [-1.0, 1.0, 0.0],
    [0.0, -0.5, 1.0],
])


def batchnorm(x, gamma, beta, eps=EPS):
    """Training-time BatchNorm over axis 0 (the batch), in plain NumPy."""
    mu = np.mean(x, axis=0)
    var = np.mean((x - mu) ** 2, axis=0)  # biased: divide by M, as the layer does
    x_hat = (x - mu) / np.sqrt(var + eps)
    return gamma * x_hat + beta


def loss(x, gamma, beta):
    y = batchnorm(x, gamma, beta)
    return 0.5 * np.sum((y - TARGET) ** 2)


def loss_of_inputs(x):
    """L as a function of the batch X alone (γ and β fixed): what dualdiff.compare differentiates."""
    return loss(x, GAMMA0, BETA0)


def backprop(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float = EPS) -> dict:
    """The closed-form backward pass, written out (plain NumPy floats, no AD)."""
    m = x.shape[0]
    mu = x.mean(axis=0)
    var = ((x - mu) ** 2).mean(axis=0)
    inv_std = 1.0 / np.sqrt(var + eps)
    x_hat = (x - mu) * inv_std
    y = gamma * x_hat + beta
    g = y - TARGET  # ∂L/∂Y for L = ½ Σ (Y - T)²
    d_x_hat = g * gamma
    d_x = inv_std / m * (m * d_x_hat - d_x_hat.sum(axis=0) - x_hat * (d_x_hat * x_hat).sum(axis=0))
    return {"x": d_x, "gamma": (g * x_hat).sum(axis=0), "beta": g.sum(axis=0)}


def main(verbose: bool = False) -> dict:
    ad = {
        "x": dd.grad(lambda x: loss(x, GAMMA0, BETA0), X0),
        "gamma": dd.grad(lambda g: loss(X0, g, BETA0), GAMMA0),
        "beta": dd.grad(lambda b: loss(X0, GAMMA0, b), BETA0),
    }
    formula = backprop(X0, GAMMA0, BETA0)
    fd = {
        "x": dd.finite_difference(lambda x: loss(x, GAMMA0, BETA0), X0),
        "gamma": dd.finite_difference(lambda g: loss(X0, g, BETA0), GAMMA0),
        "beta": dd.finite_difference(lambda b: loss(X0, GAMMA0, b), BETA0),
    }
    # The tempting shortcut that treats μ and σ² as constants: γ G / √(σ² + ε).
    y = batchnorm(X0, GAMMA0, BETA0)
    naive = GAMMA0 * (y - TARGET) / np.sqrt(X0.var(axis=0) + EPS)
    # The formula for ∂L/∂X as the hand-derived gradient, checked by dualdiff.compare.
    check = dd.compare(loss_of_inputs, X0, expected=formula["x"],
                       methods=("central",), timeout=5.0)
    result = {
        "report": check,
        "loss": float(loss(X0, GAMMA0, BETA0)),
        "ad": ad, "formula": formula, "fd": fd, "naive_x": naive,
        "formula_vs_ad": max(float(np.max(np.abs(formula[k] - ad[k]))) for k in ad),
        "fd_vs_ad": max(float(np.max(np.abs(fd[k] - ad[k]))) for k in ad),
        "naive_vs_ad": float(np.max(np.abs(naive - ad["x"]))),
        "column_sums_x": ad["x"].sum(axis=0),
    }
    if verbose:
        report(result)
    return result


def report(r: dict) -> None:
    print(__doc__.split("\n\n")[0])
    print()
    print(f"batch M = {X0.shape[0]}, features N = {X0.shape[1]}, ε = {EPS:g}; L = ½ Σ (Y - T)² = {r['loss']:.12f}")
    with np.printoptions(precision=9, suppress=True, linewidth=100):
        for key, name in (("x", "∂L/∂X"), ("gamma", "∂L/∂γ"), ("beta", "∂L/∂β")):
            print()
            print(f"{name} by forward-mode AD:")
            print(r["ad"][key])
            print(f"{name} by the closed-form formula:")
            print(r["formula"][key])
    print()
    print(f"max |formula - AD| over all three gradients:        {r['formula_vs_ad']:.1e}")
    print(f"max |central finite difference - AD|:                {r['fd_vs_ad']:.1e}")
    print(f"largest column sum of ∂L/∂X: {np.max(np.abs(r['column_sums_x'])):.1e} "
          f"(zero: shifting a whole feature changes nothing)")
    print(f"the shortcut γ G/√(σ²+ε), ignoring μ and σ², is off by up to {r['naive_vs_ad']:.3f}")
    print()
    print("dualdiff.compare(L(X), X, expected=<the formula's ∂L/∂X>):")
    print(report_text(r["report"]))


if __name__ == "__main__":
    main(verbose=True)
