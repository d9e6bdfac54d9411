"""Finite-difference pitfalls: truncation error, rounding error, and the V between them.

Problem (an AD interview question). The forward-difference formula

    f'(x) ≈ (f(x + h) - f(x)) / h

has two errors that pull in opposite directions as the step h shrinks:

- truncation: Taylor gives f(x + h) = f(x) + f'(x)h + f''(ξ)h²/2, so the
  formula is off by about |f''(x)| h / 2, which shrinks with h;
- rounding: f(x + h) and f(x) are each rounded to about ε|f(x)| (ε = 2.2e-16,
  the machine epsilon) and their difference is divided by h, so the error grows
  like ε|f(x)| / h. When h is tiny the two values share most of their digits
  and the subtraction cancels them (catastrophic cancellation).

The total error is smallest near h* = 2√(ε|f|/|f''|) ≈ 1e-8, and even there only
about half of the 16 digits are right. Central differences do better (error h²,
best near 1e-5), the complex step subtracts nothing and has no rounding V, and
forward-mode AD has neither error: it is exact to rounding, with no step at all.

Here f(x) = exp(sin x) at x = 1, exact f'(x) = cos(x) exp(sin x).

Run: python examples/11_finite_difference_pitfalls.py   (writes 11_step_sweep.png
to the current directory when matplotlib is installed)
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import sympy

import dualdiff as dd

X0 = 1.0
EPS = sys.float_info.epsilon
TABLE_STEPS = [10.0**-k for k in range(1, 16)]
PLOT_NAME = "11_step_sweep.png"


def f(x):
    return dd.exp(dd.sin(x))


def forward_difference(func, x: float, h: float) -> float:
    """The textbook formula, exactly as students write it."""
    return (func(x + h) - func(x)) / h


def main(verbose: bool = False, plot_path: str | Path | None = PLOT_NAME) -> dict:
    exact_ad = dd.derivative(f, X0)
    second = dd.hessian(f, X0)  # f''(x), by nesting forward mode: sets the truncation error
    value = f(X0)
    xs = sympy.Symbol("x")
    exact_sympy = sympy.diff(sympy.exp(sympy.sin(xs)), xs).subs(xs, 1)

    rows = []
    for h in TABLE_STEPS:
        approx = forward_difference(f, X0, h)
        rows.append({
            "h": h, "value": approx, "error": abs(approx - exact_ad),
            "truncation": abs(second) * h / 2, "rounding": EPS * abs(value) / h,
        })

    sweep = dd.step_sweep(f, X0, exact_ad, schemes=("forward", "central", "complex"))
    plot_note = None
    written = None
    if plot_path is not None:
        try:
            written = sweep.plot(plot_path, title="Forward, central and complex-step errors for exp(sin x) at x = 1")
        except dd.MissingExtraError as exc:
            plot_note = f"(no plot: {exc})"

    result = {
        "x": X0, "f": value, "exact_ad": exact_ad, "exact_sympy": float(exact_sympy),
        "second_derivative": second, "rows": rows,
        "theory_step": 2 * math.sqrt(EPS * abs(value) / abs(second)),
        "best_forward_step": sweep.optimal_steps["forward"],
        "best_forward_error": sweep.optimal_errors["forward"],
        "best_central_step": sweep.optimal_steps["central"],
        "best_central_error": sweep.optimal_errors["central"],
        "best_complex_error": sweep.optimal_errors["complex"],
        "plot": written, "plot_note": plot_note,
    }
    if verbose:
        report(result)
    return result


def report(r: dict) -> None:
    print(__doc__.split("\n\n")[0])
    print()
    print(f"f(x) = exp(sin x), x = {r['x']:g}: f = {r['f']:.15f}, f'' = {r['second_derivative']:.6f}")
    print(f"exact f'(1): AD {r['exact_ad']:.16f}, SymPy cos(1)·exp(sin 1) = {r['exact_sympy']:.16f}")
    print()
    print(f"{'h':>7} {'(f(x+h)-f(x))/h':>19} {'error':>9} {'≈|f″|h/2':>9} {'~ε|f|/h':>9}  dominant")
    for row in r["rows"]:
        which = "truncation" if row["truncation"] > row["rounding"] else "rounding"
        print(f"{row['h']:7.0e} {row['value']:19.15f} {row['error']:9.1e} {row['truncation']:9.1e} "
              f"{row['rounding']:9.1e}  {which}")
    print()
    print("step sweep, 61 steps from 1e-16 to 1e-1 (best step: least worst-case error within half a decade):")
    print(f"  forward: best h = {r['best_forward_step']:.1e}, error {r['best_forward_error']:.1e}; "
          f"theory 2√(ε|f|/|f″|) = {r['theory_step']:.1e}")
    print(f"  central: best h = {r['best_central_step']:.1e}, error {r['best_central_error']:.1e}")
    print(f"  complex step: best error {r['best_complex_error']:.1e}: nothing is subtracted, so no rounding V")
    print("forward-mode AD: exact to rounding, no step to choose")
    if r["plot"] is not None:
        print(f"step-sweep plot written to {r['plot']}")
    else:
        print(r["plot_note"] or "(no plot requested)")


if __name__ == "__main__":
    main(verbose=True)
