"""Maximum likelihood: the Gaussian mean is the sample mean; the Laplace location is the median.

Problem (a deep-learning recitation). Given samples x₁ … x_N:

1. Gaussian N(μ, σ²I) in Rⁿ: the log-likelihood
       ℓ(μ) = -Σᵢ ‖xᵢ - μ‖²/(2σ²) + const,   ∇_μ ℓ = Σᵢ (xᵢ - μ)/σ²,
   vanishes exactly at the sample mean μ̂ = (1/N) Σᵢ xᵢ. dd.grad shows it.

2. Laplace Lap(μ, b): ℓ(μ) = -N ln(2b) - Σᵢ |xᵢ - μ|/b, so maximising ℓ is
   minimising the mean absolute deviation MAD(μ) = (1/N) Σᵢ |xᵢ - μ|, which has
   a kink at every data point. Away from the kinks
       dℓ/dμ = Σᵢ sign(xᵢ - μ)/b = (#points above μ - #points below μ)/b,
   so ℓ rises while more points lie above μ than below and falls after: the
   maximum is where the counts balance, the *median*.

   At the median itself (N odd, so the median is a data point) the term
   |x_med - μ| sits on its kink and the derivative does not exist: the one-sided
   derivatives are +1/b (from the left) and -1/b (from the right). AD still
   reports a number there: dualdiff's documented convention abs'(0) = sign(0) = 0
   (see dualdiff/rules.py, the abs row), the subgradient of least norm. Every
   other term is ±1/b and they cancel, so AD reports dℓ/dμ = 0 at the median: a
   valid subgradient (0 lies in [-1/b, +1/b]), and the optimality condition of
   convex analysis, 0 ∈ ∂(-ℓ), is what makes the median the MLE. A forward
   difference straddles the kink and reports -1/b instead.

Run: python examples/05_mle.py
"""

from __future__ import annotations

import numpy as np

import dualdiff as dd

SIGMA = 1.5
B = 2.0
GAUSS_DATA = np.array([[1.0, 2.0], [2.5, -1.0], [0.5, 0.5], [3.0, 1.5], [-0.5, 2.0]])
LAPLACE_DATA = np.array([2.9, -1.3, 0.4, 5.2, 1.7, 8.8, -0.2])  # N = 7 (odd): the median is 1.7


def gaussian_log_likelihood(mu, data=GAUSS_DATA, sigma=SIGMA):
    n, d = data.shape
    residual = data - mu
    return -np.sum(residual * residual) / (2 * sigma**2) - n * d * np.log(sigma * np.sqrt(2 * np.pi))


def laplace_log_likelihood(mu, data=LAPLACE_DATA, b=B):
    return -len(data) * np.log(2 * b) - np.sum(dd.abs(data - mu)) / b


def main(verbose: bool = False) -> dict:
    mean = GAUSS_DATA.mean(axis=0)
    grad_at_mean = dd.grad(gaussian_log_likelihood, mean)
    elsewhere = np.array([0.0, 0.0])
    grad_elsewhere = dd.grad(gaussian_log_likelihood, elsewhere)

    median = float(np.median(LAPLACE_DATA))
    probes = sorted({*np.round(LAPLACE_DATA, 6), -2.0, 0.0, 1.0, 2.5, 4.0, 10.0})
    slope_table = [
        (mu, int(np.sum(LAPLACE_DATA < mu)), int(np.sum(LAPLACE_DATA > mu)),
         dd.derivative(laplace_log_likelihood, float(mu)) + 0.0)  # + 0.0: print -0.0 as 0
        for mu in probes
    ]
    at_median = dd.derivative(laplace_log_likelihood, median) + 0.0
    h = 1e-6
    one_sided = (
        dd.derivative(laplace_log_likelihood, median - h),  # just left of the kink
        dd.derivative(laplace_log_likelihood, median + h),  # just right of it
    )
    forward_fd = dd.finite_difference(laplace_log_likelihood, median, scheme="forward", step=1e-6)
    grid = np.linspace(-2.0, 10.0, 1201)  # a brute-force argmax, to see the median win
    grid_best = float(grid[np.argmax([laplace_log_likelihood(m) for m in grid])])

    result = {
        "sample_mean": mean,
        "gaussian_grad_at_mean": grad_at_mean,
        "gaussian_grad_at_origin": grad_elsewhere,
        "median": median,
        "laplace_derivative_at_median": at_median,
        "laplace_one_sided": one_sided,
        "laplace_forward_difference": forward_fd,
        "laplace_slopes": slope_table,
        "laplace_grid_argmax": grid_best,
    }
    if verbose:
        report(result)
    return result


def report(r: dict) -> None:
    print(__doc__.split("\n\n")[0])
    print()
    print(f"Gaussian, σ = {SIGMA}, N = {len(GAUSS_DATA)} points in R²")
    print(f"  sample mean                    {r['sample_mean']}")
    print(f"  ∇_μ ℓ at the sample mean (AD)  {r['gaussian_grad_at_mean']}   (zero up to rounding)")
    print(f"  ∇_μ ℓ at μ = (0, 0)      (AD)  {r['gaussian_grad_at_origin']}")
    print(f"                Σ(xᵢ - μ)/σ²     {GAUSS_DATA.sum(axis=0) / SIGMA**2}")
    print()
    print(f"Laplace, b = {B}, data {LAPLACE_DATA.tolist()}, median {r['median']}")
    print(f"{'μ':>7} {'#below':>7} {'#above':>7} {'dℓ/dμ (AD)':>11}")
    for mu, below, above, slope in r["laplace_slopes"]:
        mark = "  <- a data point: a kink" if mu in LAPLACE_DATA else ""
        print(f"{mu:7.2f} {below:7d} {above:7d} {slope:11.4f}{mark}")
    print("At a data point AD uses abs'(0) = 0 for that term: the average of the slopes either side.")
    left, right = r["laplace_one_sided"]
    print(f"At the median μ = {r['median']}: AD reports dℓ/dμ = {r['laplace_derivative_at_median']:g} "
          f"(the convention abs'(0) = 0);")
    print(f"  just left of it {left:+.3f} = +1/b, just right {right:+.3f} = -1/b: the derivative does not exist,")
    print(f"  0 is a subgradient, and the forward difference across the kink gives "
          f"{r['laplace_forward_difference']:+.6f}.")
    print(f"Brute-force argmax of ℓ on a grid: μ = {r['laplace_grid_argmax']:.2f}, the median.")


if __name__ == "__main__":
    main(verbose=True)
