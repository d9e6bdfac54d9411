"""The speed targets of issue 8, as data: each a ratio of two rows of one workload's table.

A target holds when ``numerator / denominator`` (medians of the same run) is on
the right side of its bound; it cannot be judged when either row did not run.

>>> Target("2", "x", "a", "b", "<=", 8.0).judge(7.0)
True
"""

from __future__ import annotations

from dataclasses import dataclass

from .workloads import arrays, scalar, trace

FLOAT = scalar.FLOAT_MATH
FLOAT_DD = scalar.FLOAT_DD


@dataclass(frozen=True)
class Target:
    workload: str
    text: str
    numerator: str
    denominator: str | None  # None: the numerator's median in seconds itself
    sense: str  # "<=" | "<" | ">=" | ">"
    bound: float
    #: The target is stated for the workload's full size (a quick run shrinks it).
    sized: bool = False

    def judge(self, ratio: float) -> bool:
        return {"<=": ratio <= self.bound, "<": ratio < self.bound,
                ">=": ratio >= self.bound, ">": ratio > self.bound}[self.sense]


def _scalar(workload: str, dualdiff: str, ad: str, torch: list[str], jax_eager: str,
            jax_cold: str) -> list[Target]:
    targets = [
        Target(workload, "dualdiff ≤ 8× the plain float evaluation (math.*)", dualdiff, FLOAT,
               "<=", 8.0),
        Target(workload, "(same, against the dualdiff functions on floats)", dualdiff, FLOAT_DD,
               "<=", 8.0),
        Target(workload, "≥ 30× faster than ad", ad, dualdiff, ">=", 30.0),
    ]
    targets += [Target(workload, f"≥ 100× faster than {t}", t, dualdiff, ">=", 100.0)
                for t in torch]
    targets += [
        Target(workload, f"≥ 100× faster than {jax_eager}", jax_eager, dualdiff, ">=", 100.0),
        Target(workload, "faster than JAX jit incl. compile (one-off point)", jax_cold, dualdiff,
               ">", 1.0),
    ]
    return targets


TARGETS: list[Target] = [
    *_scalar("1a", scalar.DUALDIFF, scalar.AD, [scalar.TORCH_FORWARD_AD, scalar.TORCH_FUNC_JVP],
             scalar.JAX_EAGER_JVP, scalar.JAX_JIT_COLD),
    *_scalar("1b", scalar.DUALDIFF_GRAD, "ad (adnumber, .gradient)", ["torch.func.jacfwd"],
             "jax jacfwd, eager", "jax jit(jacfwd), incl. compile"),
    *_scalar("2", scalar.DUALDIFF, scalar.AD, [scalar.TORCH_FORWARD_AD, scalar.TORCH_FUNC_JVP],
             scalar.JAX_EAGER_JVP, scalar.JAX_JIT_COLD),
    Target("3", "dualdiff ≤ 2.5× plain NumPy", arrays.DUALDIFF_JVP, arrays.NUMPY_VALUE, "<=", 2.5,
           sized=True),
    Target("3", "faster than autograd", arrays.AUTOGRAD_ELEMENTWISE, arrays.DUALDIFF_JVP, ">", 1.0,
           sized=True),
    Target("4", "1 multi-direction pass < n single passes (slicing)", arrays.ROSEN_GRAD,
           arrays.ROSEN_JVPS, "<", 1.0),
    Target("4", "1 multi-direction pass < n single passes (loop)", arrays.ROSEN_GRAD_LOOP,
           arrays.ROSEN_JVPS_LOOP, "<", 1.0),
    Target("5", "record + render < 2 s", trace.RECORD_AND_RENDER, None, "<", 2.0, sized=True),
]
