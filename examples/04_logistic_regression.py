"""Logistic regression: the gradient of the logistic loss, then gradient descent with dd.grad.

Problem (a deep-learning interview question). For a logistic discriminant
p(y | x) = σ(y wᵀx) with labels y ∈ {-1, +1}, the loss of one sample is

    L(w) = ln(1 + exp(-y wᵀx)),   with gradient   ∇_w L = -y (1 - σ(y wᵀx)) x.

1. Check the formula against forward-mode AD, for y = +1 and for y = -1.
2. Fit a small synthetic data set by gradient descent, with dd.grad giving the
   gradient of the mean loss at every step: once with a learning rate that
   converges, once with one that overshoots.
3. The same on f(x) = x², where everything is explicit: x_{k+1} = (1 - 2η) x_k
   converges for 0 < η < 1 and diverges for η > 1.

Why the overshooting logistic run bounces instead of blowing up: gradient descent
is stable near a minimum only when η < 2/λ_max, λ_max the largest eigenvalue of
the Hessian there. Above that it overshoots the valley. But the logistic loss
grows only linearly far away and its gradient is bounded by max‖x‖, so the
iterates bounce around with a high loss instead of running off to infinity,
as they do on x², whose gradient grows with x.

Run: python examples/04_logistic_regression.py
"""

from __future__ import annotations

import numpy as np

import dualdiff as dd

W = np.array([0.5, -1.25, 0.75])
X_SAMPLE = np.array([1.5, 0.4, -2.0])
STEPS = 40


def sample_loss(w, x, y):
    return dd.log1p(dd.exp(-y * (w @ x)))


def closed_form_gradient(w: np.ndarray, x: np.ndarray, y: float) -> np.ndarray:
    return -y * (1.0 - dd.sigmoid(y * (w @ x))) * x


def data_set(n: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """n points in the plane (plus a constant feature for the bias), labels drawn from a logistic model."""
    rng = np.random.default_rng(seed)
    features = np.column_stack([rng.normal(size=(n, 2)), np.ones(n)])
    true_w = np.array([2.0, -1.0, 0.5])
    labels = np.where(rng.random(n) < 1.0 / (1.0 + np.exp(-features @ true_w)), 1.0, -1.0)
    return features, labels


def mean_loss(w, features, labels):
    return np.mean(dd.log1p(dd.exp(-labels * (features @ w))))


def gradient_descent(grad_f, f, w0, rate: float, steps: int) -> tuple[np.ndarray, list[float]]:
    w, losses = np.array(w0, dtype=float), [float(f(w0))]
    for _ in range(steps):
        w = w - rate * grad_f(w)
        losses.append(float(f(w)))
    return w, losses


def main(verbose: bool = False) -> dict:
    check = {}
    for y in (1.0, -1.0):
        ad = dd.grad(lambda w: sample_loss(w, X_SAMPLE, y), W)
        check[y] = {
            "ad": ad,
            "formula": closed_form_gradient(W, X_SAMPLE, y),
            "fd": dd.finite_difference(lambda w: sample_loss(w, X_SAMPLE, y), W),
        }

    features, labels = data_set()
    f = lambda w: mean_loss(w, features, labels)  # noqa: E731
    grad_f = lambda w: dd.grad(f, w)  # noqa: E731
    w_start = np.zeros(3)
    # Where the runs should end up: Newton's method with dualdiff's Hessian (nested forward mode).
    w_star = w_start.copy()
    for _ in range(20):
        w_star = w_star - np.linalg.solve(dd.hessian(f, w_star), grad_f(w_star))
    lam_max = float(np.linalg.eigvalsh(dd.hessian(f, w_star)).max())
    good_rate, bad_rate = 1.0 / lam_max, 6.0 / lam_max
    w_good, good = gradient_descent(grad_f, f, w_start, good_rate, STEPS)
    w_bad, bad = gradient_descent(grad_f, f, w_start, bad_rate, STEPS)

    square = lambda x: x * x  # noqa: E731
    parabola = {}
    for rate in (0.1, 0.45, 1.1):
        x, xs = 1.0, [1.0]
        for _ in range(10):
            x = x - rate * dd.derivative(square, x)
            xs.append(x)
        parabola[rate] = xs

    result = {
        "w": W, "x": X_SAMPLE, "gradient_check": check,
        "w_star": w_star, "loss_star": float(f(w_star)), "lambda_max": lam_max,
        "good_rate": good_rate, "bad_rate": bad_rate,
        "w_good": w_good, "losses_good": good, "w_bad": w_bad, "losses_bad": bad,
        "parabola": parabola,
    }
    if verbose:
        report(result)
    return result


def report(r: dict) -> None:
    print(__doc__.split("\n\n")[0])
    print()
    print(f"one sample: w = {r['w']}, x = {r['x']}")
    for y, c in r["gradient_check"].items():
        print(f"  y = {y:+g}: AD {np.array2string(c['ad'], precision=9)}")
        print(f"          -y(1-σ(y wᵀx))x {np.array2string(c['formula'], precision=9)}")
        print(f"          central diff.   {np.array2string(c['fd'], precision=9)}")
    print()
    print(f"gradient descent on the mean logistic loss of 40 samples; minimum (Newton): "
          f"w* = {np.array2string(r['w_star'], precision=6)}, loss {r['loss_star']:.6f}")
    print(f"largest Hessian eigenvalue at w*: λ_max = {r['lambda_max']:.4f}, so steps are stable "
          f"for η < 2/λ_max = {2 / r['lambda_max']:.3f}")
    print(f"{'step':>5} {'loss, η = %.2f' % r['good_rate']:>16} {'loss, η = %.2f' % r['bad_rate']:>16}")
    for k in (0, 1, 2, 3, 4, 5, 10, 20, 30, 40):
        print(f"{k:5d} {r['losses_good'][k]:16.6f} {r['losses_bad'][k]:16.6f}")
    print(f"η = {r['good_rate']:.2f} converges to w = {np.array2string(r['w_good'], precision=6)}; "
          f"η = {r['bad_rate']:.2f} overshoots: the loss jumps up and bounces, ending at {r['losses_bad'][-1]:.4f}.")
    print()
    print("f(x) = x², x₀ = 1, x_{k+1} = x_k - η f'(x_k) with f' from dd.derivative:")
    for rate, xs in r["parabola"].items():
        shown = ", ".join(f"{x:.4g}" for x in xs[:6])
        verdict = "converges" if abs(1 - 2 * rate) < 1 else "diverges"
        print(f"  η = {rate:<4g}: {shown}, ... x₁₀ = {xs[-1]:.4g}   ({verdict}: |1 - 2η| = {abs(1 - 2 * rate):.2f})")


if __name__ == "__main__":
    main(verbose=True)
