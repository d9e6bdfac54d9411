"""Autodiff modes for F(x) = f₃(f₂(f₁(x))): forward mode, reverse mode, and the naive chain rule.

Problem (a deep-learning exercise). Let F(x) = f₃(f₂(f₁(x))) with known
derivatives fᵢ'. The chain rule gives

    F'(x) = f₃'(f₂(f₁(x))) · f₂'(f₁(x)) · f₁'(x).

(a) Forward mode evaluates from the inside out, carrying (value, tangent)
    pairs: v₁ = f₁(x), v̇₁ = f₁'(x)·ẋ, then v₂ = f₂(v₁), v̇₂ = f₂'(v₁)·v̇₁, ...
    Every value is computed once, right when its derivative factor needs it,
    and nothing is stored. The dualdiff trace below is exactly this list.
(b) Reverse mode first runs the functions forward and *stores* v₁, v₂, v₃
    (the tape), then sweeps back from the output with an adjoint v̄:
    v̄₃ = 1, v̄₂ = v̄₃·f₃'(v₂), v̄₁ = v̄₂·f₂'(v₁), x̄ = v̄₁·f₁'(x).
(c) Evaluating the expression for F'(x) as written, left to right, with no
    caching, is *neither* mode: each factor fₖ'(fₖ₋₁(…f₁(x))) recomputes the
    whole inner chain from x, so f₁ runs in every factor. That costs
    L(L-1)/2 inner evaluations for L functions instead of L: quadratic, not
    linear, and it is not forward mode (no tangent flows from the input) nor
    reverse mode (nothing is stored and reused). With a cache, every inner
    value is computed once and the product is accumulated from the output
    end, (f₃'·f₂')·f₁': that is reverse mode, the cache playing the tape.

Here f₁(x) = x², f₂ = sin, f₃ = exp, so F(x) = exp(sin x²), at x = 1.5.

Run: python examples/09_autodiff_modes.py
"""

from __future__ import annotations

import csv
import io

import sympy

import dualdiff as dd
from _display import table_text

X0 = 1.5


def f1(x):
    return x**2


def f2(x):
    return dd.sin(x)


def f3(x):
    return dd.exp(x)


def F(x):
    return f3(f2(f1(x)))


DERIVATIVES = {f1: lambda x: 2 * x, f2: lambda x: dd.cos(x), f3: lambda x: dd.exp(x)}


def forward_pseudocode(t) -> list[str]:
    """The forward-mode program the trace records: one line per node, value and tangent side by side."""
    rows = list(csv.DictReader(io.StringIO(t.table("csv"))))
    width = max(len(row["primal trace"]) for row in rows) + 2
    lines = ["def F_and_dF(x, ẋ=1):"]
    for row in rows:
        primal, tangent = row["primal trace"], row["tangent trace"]
        if row["node"] == "y":
            out, dout = primal.split(" = ")[1], tangent.split(" = ")[1]
            lines.append(f"    return {out}, {dout}")
        else:
            lines.append(f"    {(primal + ';').ljust(width)}{tangent}")
    return lines


REVERSE_PSEUDOCODE = [
    "def F_and_dF_reverse(x):",
    "    v1 = f1(x); v2 = f2(v1); v3 = f3(v2)     # forward sweep: store every value (the tape)",
    "    v3_bar = 1                               # seed the adjoint of the output",
    "    v2_bar = v3_bar * f3'(v2)                # backward sweep: from the output inwards",
    "    v1_bar = v2_bar * f2'(v1)",
    "    x_bar = v1_bar * f1'(x)",
    "    return v3, x_bar",
]


class Counted:
    """Wrap a function to count its calls (on floats and on Duals alike)."""

    def __init__(self, f):
        self.f, self.calls = f, 0

    def __call__(self, x):
        self.calls += 1
        return self.f(x)


def naive_chain_rule(fs: list, derivs: list, x: float) -> float:
    """F'(x) evaluated as the written product fₗ'(fₗ₋₁(…)) · … · f₁'(x), left to right, no cache."""
    product = 1.0
    for k in range(len(fs) - 1, -1, -1):  # the outermost factor first, as the expression reads
        inner = x
        for f in fs[:k]:  # recompute fₖ₋₁(…f₁(x)) from scratch for this factor
            inner = f(inner)
        product = product * derivs[k](inner)
    return product


def call_counts(depth: int) -> dict:
    """Inner evaluations for a chain of `depth` functions: naive product vs forward mode."""
    base = [f1, f2, f3]
    fs = [Counted(base[i % 3]) for i in range(depth)]
    derivs = [DERIVATIVES[base[i % 3]] for i in range(depth)]
    x = 0.3  # small enough that the chain stays tame for any depth
    naive = naive_chain_rule(fs, derivs, x)
    naive_calls = sum(f.calls for f in fs)
    for f in fs:
        f.calls = 0

    def chain(v):
        for f in fs:
            v = f(v)
        return v

    forward = dd.derivative(chain, x)
    return {"depth": depth, "naive": naive, "forward": forward,
            "naive_calls": naive_calls, "forward_calls": sum(f.calls for f in fs)}


def main(verbose: bool = False) -> dict:
    t = dd.trace(F, X0)
    x = sympy.Symbol("x")
    exact = sympy.diff(sympy.exp(sympy.sin(x**2)), x)
    result = {
        "x": X0, "value": t.value, "derivative": t.tangent,
        "derivative_plain": dd.derivative(F, X0),
        "sympy_derivative": exact, "sympy_value": float(exact.subs(x, sympy.Rational(3, 2)).evalf(30)),
        "trace_table": table_text(t), "trace_steps": t.n_intermediates,
        "forward_pseudocode": forward_pseudocode(t),
        "counts": [call_counts(depth) for depth in (3, 6, 12)],
    }
    if verbose:
        report(result)
    return result


def report(r: dict) -> None:
    print(__doc__.split("\n\n")[0])
    print()
    print(r["trace_table"])
    print()
    print(f"F'({r['x']:g}): forward mode {r['derivative']:.15f}; SymPy {r['sympy_derivative']} = {r['sympy_value']:.15f}")
    print()
    print("The forward-mode program this trace is: v₁ = f₁(v₀), v₂ = f₂(v₁), v₃ = f₃(v₂), each value")
    print("computed once, with its tangent right beside it (f₁ first: the chain rule inside out):")
    print("\n".join(r["forward_pseudocode"]))
    print()
    print("Reverse mode, for contrast (values first and stored, then the chain rule outside in):")
    print("\n".join(REVERSE_PSEUDOCODE))
    print()
    print("Evaluating f₃'(f₂(f₁(x)))·f₂'(f₁(x))·f₁'(x) as written, without a cache, for chains of L functions:")
    print(f"{'L':>4} {'inner calls, naive':>19} {'L(L-1)/2':>9} {'calls, forward mode':>20} {'same F′?':>9}")
    for c in r["counts"]:
        same = abs(c["naive"] - c["forward"]) <= 1e-12 * max(1.0, abs(c["forward"]))
        print(f"{c['depth']:4d} {c['naive_calls']:19d} {c['depth'] * (c['depth'] - 1) // 2:9d} "
              f"{c['forward_calls']:20d} {str(same):>9}")
    print("Same number, quadratic work: neither forward nor reverse mode. Cache the inner values and")
    print("multiply from the left, and it becomes reverse mode.")


if __name__ == "__main__":
    main(verbose=True)
