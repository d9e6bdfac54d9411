"""A bidirectional RNN unrolled for 3 steps: ∇_W⁽ᶠ⁾L and ∇_U⁽ᵇ⁾L by forward mode, and a classic hand-derivation error caught.

Problem (a deep-learning homework). A bidirectional RNN with sigmoid units,

    hₜ⁽ᶠ⁾ = σ(W⁽ᶠ⁾xₜ + U⁽ᶠ⁾hₜ₋₁⁽ᶠ⁾)        forward in time,  h₀⁽ᶠ⁾ = 0
    hₜ⁽ᵇ⁾ = σ(W⁽ᵇ⁾xₜ + U⁽ᵇ⁾hₜ₊₁⁽ᵇ⁾)        backward in time, h₄⁽ᵇ⁾ = 0
    yₜ   = V⁽ᶠ⁾hₜ⁽ᶠ⁾ + V⁽ᵇ⁾hₜ⁽ᵇ⁾,         L = Σₜ ‖zₜ - yₜ‖²,

unrolled for t = 1, 2, 3. Find ∇_W⁽ᶠ⁾L and ∇_U⁽ᵇ⁾L.

The hand derivation (backpropagation through time) goes in three steps:

    (1) ∇_yₜ L = 2(yₜ - zₜ)                            (the gradient of a squared norm)
    (2) ∇_hₜ⁽ᶠ⁾L = V⁽ᶠ⁾ᵀ∇_yₜL + U⁽ᶠ⁾ᵀ(∇_hₜ₊₁⁽ᶠ⁾L ⊙ hₜ₊₁⁽ᶠ⁾ ⊙ (1 - hₜ₊₁⁽ᶠ⁾))
        ∇_hₜ⁽ᵇ⁾L = V⁽ᵇ⁾ᵀ∇_yₜL + U⁽ᵇ⁾ᵀ(∇_hₜ₋₁⁽ᵇ⁾L ⊙ hₜ₋₁⁽ᵇ⁾ ⊙ (1 - hₜ₋₁⁽ᵇ⁾))
    (3) ∇_W⁽ᶠ⁾L = Σₜ (∇_hₜ⁽ᶠ⁾L ⊙ hₜ⁽ᶠ⁾ ⊙ (1 - hₜ⁽ᶠ⁾)) xₜᵀ
        ∇_U⁽ᵇ⁾L = Σₜ (∇_hₜ⁽ᵇ⁾L ⊙ hₜ⁽ᵇ⁾ ⊙ (1 - hₜ⁽ᵇ⁾)) hₜ₊₁⁽ᵇ⁾ᵀ

Forward mode needs none of this: dd.grad of the loss, written as the forward
pass in plain NumPy, gives both gradients, and checks the hand derivation.

The classic error, found in a submitted answer, is in step (1): writing the
gradient of ‖zₜ - yₜ‖² as (yₜ - zₜ)/‖zₜ - yₜ‖. That is the gradient of the
norm ‖zₜ - yₜ‖ itself, not of its square: the square brings the factor
2‖zₜ - yₜ‖ of the chain rule, d‖r‖²/dr = 2‖r‖ · r/‖r‖ = 2r, so the right answer
is ∇_yₜ‖zₜ - yₜ‖² = 2(yₜ - zₜ) (= -2(zₜ - yₜ)). Everything after step (1) is
right, yet every gradient it produces is wrong. The example runs both
derivations through a step-by-step check against AD, which names step (1)
as the first place where the hand derivation and AD part.

Run: python examples/07_bidirectional_rnn.py
"""

from __future__ import annotations

import numpy as np

import dualdiff as dd
from dualdiff.numeric import finite_difference

T, D, K, M = 3, 2, 3, 2  # time steps, input, hidden and output sizes


def _parameters(seed: int = 7) -> dict:
    rng = np.random.default_rng(seed)
    shapes = {"Wf": (K, D), "Uf": (K, K), "Wb": (K, D), "Ub": (K, K), "Vf": (M, K), "Vb": (M, K)}
    params = {name: rng.normal(scale=0.8, size=shape) for name, shape in shapes.items()}
    params["x"] = rng.normal(size=(T, D))  # x₁, x₂, x₃ (row t-1 holds xₜ)
    params["z"] = rng.normal(size=(T, M))  # targets z₁, z₂, z₃
    return params


P = _parameters()


def sigmoid(a):
    return 1 / (1 + np.exp(-a))


def forward(p: dict) -> tuple[list, list, list]:
    """The unrolled network: lists hf[0..T] (hf[0] = h₀ = 0), hb[1..T+1] (hb[T+1] = 0), ys[1..T]."""
    zero = np.zeros(K)
    hf = [zero]
    for t in range(1, T + 1):
        hf.append(sigmoid(p["Wf"] @ p["x"][t - 1] + p["Uf"] @ hf[t - 1]))
    hb = [None] * (T + 2)
    hb[T + 1] = zero
    for t in range(T, 0, -1):
        hb[t] = sigmoid(p["Wb"] @ p["x"][t - 1] + p["Ub"] @ hb[t + 1])
    ys = [None] + [p["Vf"] @ hf[t] + p["Vb"] @ hb[t] for t in range(1, T + 1)]
    return hf, hb, ys


def loss(p: dict):
    _, _, ys = forward(p)
    return sum(np.sum((p["z"][t - 1] - ys[t]) ** 2) for t in range(1, T + 1))


def loss_of(name: str):
    """L as a function of one parameter, the others fixed at P."""
    return lambda value: loss({**P, name: value})


# -- the hand derivation, step by step -----------------------------------------------


def dL_dy_correct(y, z):
    return 2 * (y - z)


def dL_dy_student(y, z):
    return (y - z) / np.linalg.norm(z - y)  # the gradient of ‖z - y‖, not of ‖z - y‖²


def bptt(p: dict, dL_dy=dL_dy_correct) -> dict:
    """Backpropagation through time by hand, keeping every intermediate gradient."""
    hf, hb, ys = forward(p)
    gy = [None] + [dL_dy(ys[t], p["z"][t - 1]) for t in range(1, T + 1)]  # step (1)
    ghf = [None] * (T + 2)
    ghf[T + 1] = np.zeros(K)
    hf_ext = hf + [np.zeros(K)]  # hf[T+1] unused: its gradient is 0
    for t in range(T, 0, -1):  # step (2), forward chain: from t = T down
        ghf[t] = p["Vf"].T @ gy[t] + p["Uf"].T @ (ghf[t + 1] * hf_ext[t + 1] * (1 - hf_ext[t + 1]))
    ghb = [None] * (T + 2)
    ghb[0] = np.zeros(K)
    hb_ext = [np.zeros(K)] + hb[1:]  # hb[0] unused: its gradient is 0
    for t in range(1, T + 1):  # step (2), backward chain: from t = 1 up
        ghb[t] = p["Vb"].T @ gy[t] + p["Ub"].T @ (ghb[t - 1] * hb_ext[t - 1] * (1 - hb_ext[t - 1]))
    gWf = sum(np.outer(ghf[t] * hf[t] * (1 - hf[t]), p["x"][t - 1]) for t in range(1, T + 1))  # step (3)
    gUb = sum(np.outer(ghb[t] * hb[t] * (1 - hb[t]), hb[t + 1]) for t in range(1, T + 1))
    return {"dL/dy": gy[1:], "dL/dhf": ghf[1:T + 1], "dL/dhb": ghb[1:T + 1], "Wf": gWf, "Ub": gUb}


def ad_intermediates(p: dict) -> dict:
    """The same intermediate gradients by forward mode: perturb yₜ (or hₜ) and watch L."""
    hf, hb, ys = forward(p)

    def loss_from_y(t):
        return lambda y: sum(np.sum((p["z"][s - 1] - (y if s == t else ys[s])) ** 2) for s in range(1, T + 1))

    def loss_from_hf(t):  # replace hₜ⁽ᶠ⁾ by an input and rerun the forward chain from there
        def f(h):
            chain = list(hf[:t]) + [h]
            for s in range(t + 1, T + 1):
                chain.append(sigmoid(p["Wf"] @ p["x"][s - 1] + p["Uf"] @ chain[s - 1]))
            return sum(np.sum((p["z"][s - 1] - (p["Vf"] @ chain[s] + p["Vb"] @ hb[s])) ** 2)
                       for s in range(1, T + 1))
        return f

    def loss_from_hb(t):
        def f(h):
            chain = {s: hb[s] for s in range(t + 1, T + 2)}
            chain[t] = h
            for s in range(t - 1, 0, -1):
                chain[s] = sigmoid(p["Wb"] @ p["x"][s - 1] + p["Ub"] @ chain[s + 1])
            return sum(np.sum((p["z"][s - 1] - (p["Vf"] @ hf[s] + p["Vb"] @ chain[s])) ** 2)
                       for s in range(1, T + 1))
        return f

    return {
        "dL/dy": [dd.grad(loss_from_y(t), ys[t]) for t in range(1, T + 1)],
        "dL/dhf": [dd.grad(loss_from_hf(t), hf[t]) for t in range(1, T + 1)],
        "dL/dhb": [dd.grad(loss_from_hb(t), hb[t]) for t in range(1, T + 1)],
        "Wf": dd.grad(loss_of("Wf"), P["Wf"]),
        "Ub": dd.grad(loss_of("Ub"), P["Ub"]),
    }


STEPS = (  # (key, which step of the derivation)
    ("dL/dy", "step (1): ∇_yₜ L"),
    ("dL/dhf", "step (2): ∇_hₜ⁽ᶠ⁾ L"),
    ("dL/dhb", "step (2): ∇_hₜ⁽ᵇ⁾ L"),
    ("Wf", "step (3): ∇_W⁽ᶠ⁾ L"),
    ("Ub", "step (3): ∇_U⁽ᵇ⁾ L"),
)


def first_wrong_step(hand: dict, ad: dict, rtol: float = 1e-9) -> tuple[str, int | None, float] | None:
    """The first intermediate (in derivation order) where the hand value and AD part, with its
    time index (None for the weights) and the largest difference; None when all agree."""
    for key, label in STEPS:
        hand_values = hand[key] if isinstance(hand[key], list) else [hand[key]]
        ad_values = ad[key] if isinstance(ad[key], list) else [ad[key]]
        for t, (h, a) in enumerate(zip(hand_values, ad_values), start=1):
            diff = float(np.max(np.abs(np.asarray(h) - a)))
            if diff > rtol * max(1.0, float(np.max(np.abs(a)))):
                return label, (t if isinstance(hand[key], list) else None), diff
    return None


def main(verbose: bool = False) -> dict:
    grad_wf = dd.grad(loss_of("Wf"), P["Wf"])
    grad_ub = dd.grad(loss_of("Ub"), P["Ub"])
    correct = bptt(P)
    student = bptt(P, dL_dy_student)
    ad = ad_intermediates(P)
    result = {
        "loss": float(loss(P)),
        "grad_Wf": grad_wf, "grad_Ub": grad_ub,
        "fd_Wf": finite_difference(loss_of("Wf"), P["Wf"]),
        "fd_Ub": finite_difference(loss_of("Ub"), P["Ub"]),
        "bptt_Wf": correct["Wf"], "bptt_Ub": correct["Ub"],
        "student_Wf": student["Wf"], "student_Ub": student["Ub"],
        "first_wrong_correct": first_wrong_step(correct, ad),
        "first_wrong_student": first_wrong_step(student, ad),
        "ad_dL_dy": ad["dL/dy"], "student_dL_dy": student["dL/dy"],
    }
    if verbose:
        report(result)
    return result


def report(r: dict) -> None:
    print(__doc__.split("\n\n")[0])
    print()
    print(f"sizes: T = {T} steps, input {D}, hidden {K}, output {M}; L = {r['loss']:.12f}")
    with np.printoptions(precision=9, suppress=True, linewidth=100):
        print()
        print("∇_W⁽ᶠ⁾L by forward mode (dd.grad):")
        print(r["grad_Wf"])
        print("∇_U⁽ᵇ⁾L by forward mode (dd.grad):")
        print(r["grad_Ub"])
    print()
    for name in ("Wf", "Ub"):
        ad = r[f"grad_{name}"]
        print(f"{name}: max |BPTT by hand - AD| = {np.max(np.abs(r[f'bptt_{name}'] - ad)):.1e}, "
              f"max |central difference - AD| = {np.max(np.abs(r[f'fd_{name}'] - ad)):.1e}, "
              f"max |student's - AD| = {np.max(np.abs(r[f'student_{name}'] - ad)):.2e}")
    print()
    print("Step-by-step check of the hand derivation against AD:")
    print(f"  with ∇_y‖z - y‖² = 2(y - z):        {_describe(r['first_wrong_correct'])}")
    print(f"  with ∇_y‖z - y‖² = (y - z)/‖z - y‖: {_describe(r['first_wrong_student'])}")
    with np.printoptions(precision=6, suppress=True):
        print(f"  at t = 1: AD gives ∇_y₁L = {r['ad_dL_dy'][0]}, the student's formula {r['student_dL_dy'][0]}")


def _describe(found) -> str:
    if found is None:
        return "every intermediate agrees with AD"
    label, t, diff = found
    where = f" at t = {t}" if t is not None else ""
    return f"first disagreement in {label}{where} (off by up to {diff:.3g})"


if __name__ == "__main__":
    main(verbose=True)
