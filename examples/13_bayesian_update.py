"""Bayesian updating, Beta prior and Binomial likelihood: the posterior mode by Newton's method.

Problem (a Beta-Binomial exercise). The success probability θ of a coin has a
Beta(a, b) prior, p(θ) = θ^(a-1) (1-θ)^(b-1) / B(a, b). We observe x successes
in n trials, likelihood Bin(x | n, θ) = C(n, x) θ^x (1-θ)^(n-x).

1. SymPy derives the posterior: prior × likelihood is θ^(a+x-1) (1-θ)^(b+n-x-1)
   times a constant, so the posterior is again a Beta: Beta(a + x, b + n - x)
   (the Beta prior is *conjugate* to the Binomial likelihood). Setting the
   derivative of its logarithm to zero gives the mode (the MAP estimate)

       θ_MAP = (a + x - 1) / (a + b + n - 2).

2. Numerically, with no formula: maximise the log-posterior
   ℓ(θ) = ln p(θ) + ln Bin(x | n, θ) by Newton's method,
   θ ← θ - ℓ'(θ)/ℓ''(θ), with ℓ' from dd.derivative and ℓ'' from dd.hessian
   (forward mode nested in forward mode). Newton converges quadratically: the
   number of correct digits roughly doubles each step. (Started at θ = 1/2 it
   lands on the answer in one step: for ℓ'(θ) = A/θ - B/(1-θ) the Newton step
   from 1/2 is exactly A/(A + B). So the example starts at θ = 0.9.)

The normalising constant of the posterior does not depend on θ, so it changes
neither ℓ' nor ℓ'': the MAP needs no integral.

Run: python examples/13_bayesian_update.py
"""

from __future__ import annotations

import math

import sympy

import dualdiff as dd

CASES = (  # (a, b, n, x): a Beta(2, 7) prior, then a small and a larger experiment
    (2.0, 7.0, 6, 3),
    (2.0, 7.0, 100, 50),
)


def log_posterior_unnormalised(theta, a, b, n, x):
    """ln Beta(θ | a, b) + ln Bin(x | n, θ), constants included (they do not move the maximum)."""
    log_beta = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    log_choose = math.lgamma(n + 1) - math.lgamma(x + 1) - math.lgamma(n - x + 1)
    log_prior = (a - 1) * dd.log(theta) + (b - 1) * dd.log(1 - theta) - log_beta
    log_likelihood = log_choose + x * dd.log(theta) + (n - x) * dd.log(1 - theta)
    return log_prior + log_likelihood


def newton_map(a, b, n, x, theta0: float = 0.9, tol: float = 1e-14) -> list[tuple[float, float, float]]:
    """Newton iterates (θ, ℓ'(θ), ℓ''(θ)); a step that leaves (0, 1) is halved until it stays inside."""
    ell = lambda t: log_posterior_unnormalised(t, a, b, n, x)  # noqa: E731
    theta, history = theta0, []
    for _ in range(50):
        d1, d2 = dd.derivative(ell, theta), dd.hessian(ell, theta)
        history.append((theta, d1, d2))
        step = -d1 / d2
        while not 0.0 < theta + step < 1.0:
            step /= 2
        theta += step
        if abs(step) < tol:
            break
    history.append((theta, dd.derivative(ell, theta), dd.hessian(ell, theta)))
    return history


def sympy_posterior() -> dict:
    """The posterior derived symbolically, for general a, b, n, x, and normalised for the first case."""
    theta = sympy.Symbol("θ", positive=True)
    a, b, n, x = sympy.symbols("a b n x", positive=True)
    prior = theta ** (a - 1) * (1 - theta) ** (b - 1) / sympy.beta(a, b)
    likelihood = sympy.binomial(n, x) * theta**x * (1 - theta) ** (n - x)
    kernel = theta ** (a + x - 1) * (1 - theta) ** (b + n - x - 1)
    constant = sympy.powsimp(prior * likelihood / kernel, force=True)
    log_kernel = sympy.expand_log(sympy.log(kernel), force=True)
    mode = sympy.solve(sympy.diff(log_kernel, theta), theta)

    a0, b0, n0, x0 = (sympy.Integer(int(v)) for v in CASES[0])
    concrete = sympy.expand_func((prior * likelihood).subs({a: a0, b: b0, n: n0, x: x0}))
    normalised = sympy.simplify(concrete / sympy.integrate(concrete, (theta, 0, 1)))
    beta_pdf = theta ** (a0 + x0 - 1) * (1 - theta) ** (b0 + n0 - x0 - 1) / sympy.expand_func(
        sympy.beta(a0 + x0, b0 + n0 - x0))
    return {
        "symbols": (theta, a, b, n, x),
        "constant_free_of_theta": not constant.has(theta),
        "kernel": kernel,
        "mode": mode,
        "normalised_first_case": normalised,
        "is_beta_first_case": sympy.simplify(normalised - beta_pdf) == 0,
        "beta_parameters_first_case": (a0 + x0, b0 + n0 - x0),
    }


def main(verbose: bool = False) -> dict:
    runs = []
    for a, b, n, x in CASES:
        history = newton_map(a, b, n, x)
        runs.append({
            "a": a, "b": b, "n": n, "x": x, "history": history, "theta_map": history[-1][0],
            "closed_form": (a + x - 1) / (a + b + n - 2),
        })
    result = {"runs": runs, "sympy": sympy_posterior()}
    if verbose:
        report(result)
    return result


def report(r: dict) -> None:
    s = r["sympy"]
    theta, a, b, n, x = s["symbols"]
    print(__doc__.split("\n\n")[0])
    print()
    print("SymPy: prior × likelihood = constant ×", s["kernel"],
          f"(constant free of θ: {s['constant_free_of_theta']})")
    print(f"  d/dθ ln(kernel) = 0  =>  θ = {s['mode'][0]}")
    pa, pb = s["beta_parameters_first_case"]
    print(f"  first case normalised: {s['normalised_first_case']}  "
          f"= Beta({pa}, {pb}) density: {s['is_beta_first_case']}")
    for run in r["runs"]:
        print()
        print(f"Beta({run['a']:g}, {run['b']:g}) prior, x = {run['x']} successes in n = {run['n']} trials:")
        print(f"  {'step':>4} {'θ':>20} {'ℓ′(θ) (AD)':>13} {'ℓ″(θ) (AD)':>13}")
        for k, (t, d1, d2) in enumerate(run["history"]):
            print(f"  {k:4d} {t:20.16f} {d1:13.4e} {d2:13.4e}")
        print(f"  Newton: θ_MAP = {run['theta_map']:.16f}")
        print(f"  (a + x - 1)/(a + b + n - 2) = {run['closed_form']:.16f}")


if __name__ == "__main__":
    main(verbose=True)
