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
right, yet every gradient it produces is wrong. dualdiff.compare, given the
computation as steps (hf, y, L) and the derivation's local derivatives
(∂y/∂h⁽ᶠ⁾ = V⁽ᶠ⁾, ∂L/∂y = …), checks each against AD and names the first step
where they part: ∂L/∂y. The same report puts AD next to SymPy and a central
difference, and shows how big the symbolic gradient gets compared with the
trace that forward mode runs.

Run: python examples/07_bidirectional_rnn.py
"""

from __future__ import annotations

import numpy as np

import dualdiff as dd
from _display import report_text

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


# -- the check: the derivation as steps, each hand-derived local derivative against AD ---------


def derivation_steps(p: dict) -> dict:
    """L as a function of W⁽ᶠ⁾, written as the steps of the hand derivation.

    h⁽ᵇ⁾ does not depend on W⁽ᶠ⁾, so it enters as a constant (stacked as a T×K array).
    """
    _, hb, _ = forward(p)
    hb_stacked = np.stack(hb[1:T + 1])

    def hf(x):  # the forward chain, h₁⁽ᶠ⁾ … h_T⁽ᶠ⁾ stacked as a T×K array
        h, states = np.zeros(K), []
        for t in range(T):
            h = sigmoid(x @ p["x"][t] + p["Uf"] @ h)
            states.append(h)
        return np.stack(states)

    return {
        "hf": hf,
        "y": lambda hf: hf @ p["Vf"].T + hb_stacked @ p["Vb"].T,  # row t: V⁽ᶠ⁾hₜ⁽ᶠ⁾ + V⁽ᵇ⁾hₜ⁽ᵇ⁾
        "L": lambda y: np.sum((p["z"] - y) ** 2),
    }


def dy_dhf(p: dict) -> np.ndarray:
    """∂yₜ/∂hₛ⁽ᶠ⁾ = V⁽ᶠ⁾ when s = t, else 0: shape (T, M, T, K)."""
    jac = np.zeros((T, M, T, K))
    for t in range(T):
        jac[t, :, t, :] = p["Vf"]
    return jac


def hand_derivation(p: dict, dL_dy) -> dict:
    """The local derivatives a backpropagation derivation writes down, per step."""
    return {"y": {"hf": dy_dhf(p)}, "L": {"y": lambda y: dL_dy(y, p["z"])}}


def dL_dy_student_rows(y, z):
    """The student's step (1) for every t at once: (yₜ - zₜ)/‖zₜ - yₜ‖, row by row."""
    return (y - z) / np.linalg.norm(z - y, axis=1, keepdims=True)


def main(verbose: bool = False) -> dict:
    grad_wf = dd.grad(loss_of("Wf"), P["Wf"])
    grad_ub = dd.grad(loss_of("Ub"), P["Ub"])
    correct = bptt(P)
    student = bptt(P, dL_dy_student)
    steps = derivation_steps(P)
    # One report: AD, SymPy and a central difference side by side, plus the step-by-step
    # check of the student's derivation (hand-derived local derivatives against AD).
    report_student = dd.compare(steps, P["Wf"], expected=hand_derivation(P, dL_dy_student_rows),
                                methods=("central",))
    check_correct = dd.compare(steps, P["Wf"], expected=hand_derivation(P, dL_dy_correct),
                               methods=(), symbolic=False).steps
    result = {
        "loss": float(loss(P)),
        "grad_Wf": grad_wf, "grad_Ub": grad_ub,
        "fd_Wf": dd.finite_difference(loss_of("Wf"), P["Wf"]),
        "fd_Ub": dd.finite_difference(loss_of("Ub"), P["Ub"]),
        "bptt_Wf": correct["Wf"], "bptt_Ub": correct["Ub"],
        "student_Wf": student["Wf"], "student_Ub": student["Ub"],
        "report": report_student,
        "student_first_mismatch": report_student.steps.first_mismatch,
        "student_mismatch_what": report_student.steps.first.what,
        "correct_agrees": check_correct.agree,
        "correct_summary": check_correct.summary(),
        "ad_dL_dy": report_student.steps.first.ad,  # ∂L/∂y by AD, T×M
        "student_dL_dy": dL_dy_student_rows(np.stack(forward(P)[2][1:]), P["z"]),
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
    print("dualdiff.compare on L(W⁽ᶠ⁾), written as the derivation's steps, with the student's step (1):")
    print()
    print(report_text(r["report"]))
    print()
    print("The same check with step (1) corrected to ∂L/∂y = 2(y - z):")
    print(r["correct_summary"])


if __name__ == "__main__":
    main(verbose=True)
