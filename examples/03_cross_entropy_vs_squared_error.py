"""Why cross-entropy, not squared error, for a sigmoid output: the gradient w.r.t. the pre-activation.

Problem (a deep-learning exam question). A binary classifier ends in
f = σ(a), where a is the pre-activation and y ∈ {0, 1} the label. Compare

    cross-entropy  L_CE(a)  = -(y ln f + (1 - y) ln(1 - f)),   dL_CE/da  = f - y
    squared error  L_MSE(a) = (f - y)²,                         dL_MSE/da = 2(f - y) f (1 - f)

The factor f(1 - f) = σ'(a) in the squared-error gradient goes to 0 when the
unit saturates (|a| large), *even when the prediction is completely wrong*: with
y = 1 and a = -10 the network says "class 0 with 99.995 % confidence", yet the
squared-error gradient is about -9e-5 and learning stalls. The cross-entropy
gradient f - y ≈ -1 stays alive: the ln in the loss cancels the σ' of the output.

dualdiff differentiates both losses (written exactly as above, with dd.sigmoid
and dd.log) at a range of a, and SymPy derives both formulas symbolically.

Run: python examples/03_cross_entropy_vs_squared_error.py
"""

from __future__ import annotations

import sympy

import dualdiff as dd

POINTS = (-10.0, -5.0, -2.0, 0.0, 2.0, 5.0, 10.0)
LABEL = 1.0


def cross_entropy(a, y=LABEL):
    f = dd.sigmoid(a)
    return -(y * dd.log(f) + (1 - y) * dd.log(1 - f))


def squared_error(a, y=LABEL):
    f = dd.sigmoid(a)
    return (f - y) ** 2


def symbolic_gradients() -> tuple[sympy.Expr, sympy.Expr, bool, bool]:
    """SymPy's dL/da for both losses, and whether they simplify to the formulas above."""
    a, y = sympy.symbols("a y", real=True)
    f = 1 / (1 + sympy.exp(-a))
    ce = sympy.diff(-(y * sympy.log(f) + (1 - y) * sympy.log(1 - f)), a)
    mse = sympy.diff((f - y) ** 2, a)
    ce_ok = sympy.simplify(ce - (f - y)) == 0
    mse_ok = sympy.simplify(mse - 2 * (f - y) * f * (1 - f)) == 0
    return ce, mse, ce_ok, mse_ok


def main(verbose: bool = False) -> dict:
    rows = []
    for a in POINTS:
        f = dd.sigmoid(a)
        rows.append({
            "a": a,
            "f": f,
            "ce_ad": dd.derivative(cross_entropy, a),
            "ce_formula": f - LABEL,
            "mse_ad": dd.derivative(squared_error, a),
            "mse_formula": 2 * (f - LABEL) * f * (1 - f),
        })
    _, _, ce_ok, mse_ok = symbolic_gradients()
    result = {
        "label": LABEL,
        "rows": rows,
        "sympy_confirms_ce": ce_ok,
        "sympy_confirms_mse": mse_ok,
        "saturated_ce": rows[0]["ce_ad"],  # a = -10, y = 1: confidently wrong
        "saturated_mse": rows[0]["mse_ad"],
    }
    if verbose:
        report(result)
    return result


def report(r: dict) -> None:
    print(__doc__.split("\n\n")[0])
    print()
    print(f"label y = {r['label']:g}; f = σ(a)")
    print(f"{'a':>6} {'f':>10} {'dCE/da (AD)':>13} {'f - y':>13} {'dMSE/da (AD)':>14} {'2(f-y)f(1-f)':>14}")
    for row in r["rows"]:
        print(f"{row['a']:6.1f} {row['f']:10.6f} {row['ce_ad']:13.6e} {row['ce_formula']:13.6e} "
              f"{row['mse_ad']:14.6e} {row['mse_formula']:14.6e}")
    print()
    print(f"SymPy: dL_CE/da simplifies to f - y: {r['sympy_confirms_ce']}; "
          f"dL_MSE/da simplifies to 2(f - y)f(1 - f): {r['sympy_confirms_mse']}")
    ratio = r["saturated_ce"] / r["saturated_mse"]
    print(f"At a = -10 (confidently wrong): cross-entropy gradient {r['saturated_ce']:.5f}, "
          f"squared-error gradient {r['saturated_mse']:.3e}, {ratio:.0f} times smaller.")
    print("Cross-entropy keeps the gradient alive when the sigmoid saturates; squared error does not.")


if __name__ == "__main__":
    main(verbose=True)
