"""A custom activation, arctanh, checked the way one gradchecks an autograd Function.

Problem (a deep-learning interview question). A colleague wants a custom
activation y = arctanh(x), applied elementwise. In PyTorch one would write a
``torch.autograd.Function`` with a forward pass, a hand-written backward pass
(grad_input = grad_output / (1 - x²)), and then call ``gradcheck`` to compare
the analytical Jacobian with a numerical one. Do the same here on the input
[[0.37, 0.192, 0.571]]:

1. the values, in pure Python from arctanh(x) = ½ ln((1 + x)/(1 - x));
2. the derivative by forward-mode AD, against the closed form 1/(1 - x²);
3. the gradcheck: the Jacobian built from the hand-written backward pass,
   against the AD Jacobian and a central finite-difference Jacobian; then
   the same as one dualdiff.compare report, with SymPy alongside.

An elementwise function has a *diagonal* Jacobian: output (0, j) depends only
on input (0, j). The AD Jacobian shows it, zeros and all.

Run: python examples/02_arctanh.py
"""

from __future__ import annotations

import math

import numpy as np

import dualdiff as dd
from _display import report_text

X = np.array([[0.37, 0.192, 0.571]])


class Artanh:
    """The custom Function: a forward pass and a hand-written backward pass."""

    @staticmethod
    def forward(x: np.ndarray) -> np.ndarray:
        return np.arctanh(x)

    @staticmethod
    def backward(x: np.ndarray, grad_output: np.ndarray) -> np.ndarray:
        # d/dx arctanh(x) = 1/(1 - x²), applied elementwise (the chain rule for a diagonal Jacobian).
        return grad_output / (1.0 - x * x)


def pure_python_values(x: np.ndarray) -> list[float]:
    """arctanh from its logarithmic definition, no NumPy, no dualdiff."""
    return [0.5 * math.log((1.0 + v) / (1.0 - v)) for v in x.ravel()]


def backward_jacobian(x: np.ndarray) -> np.ndarray:
    """The Jacobian a gradcheck builds from backward(): one unit grad_output per output element."""
    jac = np.zeros(x.shape + x.shape)
    for index in np.ndindex(x.shape):
        grad_output = np.zeros(x.shape)
        grad_output[index] = 1.0
        # backward gives row `index` of the Jacobian (a vector-Jacobian product).
        jac[index] = Artanh.backward(x, grad_output)
    return jac


def main(verbose: bool = False) -> dict:
    x = X
    values_ad = dd.atanh(x)  # the generic function on an ndarray: NumPy's arctanh
    values_py = np.array(pure_python_values(x)).reshape(x.shape)
    # Forward-mode AD of the whole array function: shape (1, 3, 1, 3), output index then input index.
    jac_ad = dd.jacobian(dd.atanh, x)
    derivatives_ad = np.array([jac_ad[0, j, 0, j] for j in range(x.shape[1])])
    closed_form = 1.0 / (1.0 - x.ravel() ** 2)
    jac_backward = backward_jacobian(x)
    jac_fd = dd.finite_difference(np.arctanh, x, scheme="central")

    # The gradcheck as one report: the backward pass's Jacobian as the hand-derived value,
    # against AD, with SymPy and the numeric methods alongside.
    gradcheck = dd.compare(dd.atanh, x, expected=jac_backward)
    off_diagonal = jac_ad.reshape(x.size, x.size)[~np.eye(x.size, dtype=bool)]
    result = {
        "x": x.ravel().copy(),
        "values": np.asarray(values_ad).ravel(),
        "values_pure_python": values_py.ravel(),
        "derivatives": derivatives_ad,
        "closed_form": closed_form,
        "jacobian": jac_ad,
        "max_off_diagonal": float(np.max(np.abs(off_diagonal))),
        "backward_vs_ad": float(np.max(np.abs(jac_backward - jac_ad))),
        "fd_vs_ad": float(np.max(np.abs(jac_fd - jac_ad))),
        "report": gradcheck,
    }
    if verbose:
        report(result)
    return result


def report(r: dict) -> None:
    print(__doc__.split("\n\n")[0])
    print()
    print(f"{'x':>7} {'arctanh(x)':>12} {'½ln((1+x)/(1-x))':>17} {'AD d/dx':>12} {'1/(1-x²)':>12}")
    for x, v, vp, d, c in zip(r["x"], r["values"], r["values_pure_python"], r["derivatives"], r["closed_form"]):
        print(f"{x:7.3f} {v:12.9f} {vp:17.9f} {d:12.9f} {c:12.9f}")
    print()
    print("gradcheck (max |difference| over the 3x3 Jacobian):")
    print(f"  hand-written backward vs AD:      {r['backward_vs_ad']:.1e}")
    print(f"  central finite difference vs AD:  {r['fd_vs_ad']:.1e}")
    print(f"  largest off-diagonal AD entry:    {r['max_off_diagonal']:.1e}  (elementwise => diagonal)")
    ok = r["backward_vs_ad"] < 1e-12 and r["fd_vs_ad"] < 1e-7
    print("gradcheck", "passed" if ok else "FAILED")
    print()
    print("dualdiff.compare(dd.atanh, x, expected=<the backward pass's Jacobian>):")
    print(report_text(r["report"]))


if __name__ == "__main__":
    main(verbose=True)
