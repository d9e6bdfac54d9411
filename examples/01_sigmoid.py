"""The sigmoid σ(x) = 1/(1 + e⁻ˣ): its derivative by forward mode, the trace, and a Sigmoid layer's backward pass.

Problem (deep-learning interview questions). For σ(x) = 1/(1 + e⁻ˣ):

1. compute σ'(x) at x = 0 and x = 1 by forward-mode AD and compare it with
   the closed form σ'(x) = σ(x)(1 - σ(x)) (SymPy derives it too);
2. show the forward-mode table (the evaluation trace): σ is computed in four
   elementary steps, v₁ = -v₀, v₂ = exp v₁, v₃ = 1 + v₂, v₄ = 1/v₃, and each
   row carries its tangent v̇ by the chain rule;
3. complete the backward pass of a NumPy ``Sigmoid`` layer,

       class Sigmoid:
           def forward(self, x):
               self.x = x
               return 1 / (1 + np.exp(-x))
           def backward(self, grad):
               grad_input = [???]
               return grad_input

   The answer is grad_input = grad · σ(x)(1 - σ(x)), the chain rule with
   σ' written through the layer's own output. Check it against the
   vector-Jacobian product from dualdiff's Jacobian of the forward pass.

dualdiff.compare puts AD next to SymPy and five numeric methods at x = 1,
with the closed form as the hand-derived derivative it checks.

Run: python examples/01_sigmoid.py
"""

from __future__ import annotations

import numpy as np
import sympy

import dualdiff as dd
from _display import report_text, table_text


def sigmoid(x):
    return 1 / (1 + dd.exp(-x))


class Sigmoid:
    """The layer from the exercise, with its backward pass completed."""

    def forward(self, x: np.ndarray) -> np.ndarray:
        self.x = x
        self.y = 1 / (1 + np.exp(-x))
        return self.y

    def backward(self, grad: np.ndarray) -> np.ndarray:
        grad_input = grad * self.y * (1 - self.y)
        return grad_input


def sympy_derivative() -> tuple[sympy.Expr, bool]:
    x = sympy.Symbol("x")
    s = 1 / (1 + sympy.exp(-x))
    d = sympy.diff(s, x)
    return d, sympy.simplify(d - s * (1 - s)) == 0


def main(verbose: bool = False) -> dict:
    points = {}
    for x in (0.0, 1.0):
        s = sigmoid(x)
        points[x] = {"ad": dd.derivative(sigmoid, x), "closed_form": s * (1 - s),
                     "builtin": dd.derivative(dd.sigmoid, x)}
    t = dd.trace(sigmoid, 1.0)

    rng = np.random.default_rng(1)
    x_batch = rng.normal(scale=3.0, size=(2, 4))
    grad_out = rng.normal(size=(2, 4))
    layer = Sigmoid()
    layer.forward(x_batch)
    backward = layer.backward(grad_out)
    jac = dd.jacobian(sigmoid, x_batch)  # shape (2, 4, 2, 4): ∂y[i,j]/∂x[k,l]
    vjp = np.einsum("ij,ijkl->kl", grad_out, jac)  # gradᵀ J: what backward must return

    d_sym, sym_ok = sympy_derivative()
    # AD, SymPy and five numeric methods side by side, and the closed form as the hand-derived value.
    comparison = dd.compare(sigmoid, 1.0, expected=lambda x: sigmoid(x) * (1 - sigmoid(x)))
    result = {
        "report": comparison,
        "points": points, "trace": t, "trace_table": table_text(t),
        "trace_value": t.value, "trace_tangent": t.tangent, "trace_steps": t.n_intermediates,
        "x_batch": x_batch, "grad_out": grad_out, "backward": backward, "vjp": vjp,
        "backward_vs_ad": float(np.max(np.abs(backward - vjp))),
        "sympy_derivative": d_sym, "sympy_confirms": sym_ok,
    }
    if verbose:
        report(result)
    return result


def report(r: dict) -> None:
    print(__doc__.split("\n\n")[0])
    print()
    for x, p in r["points"].items():
        print(f"σ'({x:g}): AD {p['ad']:.17g}   σ(1 - σ) {p['closed_form']:.17g}   dd.sigmoid' {p['builtin']:.17g}")
    print(f"SymPy: dσ/dx = {r['sympy_derivative']}, equal to σ(1 - σ): {r['sympy_confirms']}")
    print()
    print(r["trace_table"])
    print()
    print("dualdiff.compare(sigmoid, 1.0, expected=σ(1 - σ)):")
    print(report_text(r["report"]))
    print()
    print("Sigmoid layer, a 2x4 batch: backward(grad) = grad·y(1 - y), against gradᵀJ from dd.jacobian")
    with np.printoptions(precision=9, suppress=True, linewidth=100):
        print("backward(grad):")
        print(r["backward"])
        print("gradᵀ J:")
        print(r["vjp"])
    print(f"max |backward - gradᵀJ| = {r['backward_vs_ad']:.1e}")


if __name__ == "__main__":
    main(verbose=True)
