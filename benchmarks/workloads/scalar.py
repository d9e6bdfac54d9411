"""Workloads 1 and 2: a derivative at a point of a small scalar function.

1a  ∂f/∂x1 of f(x1, x2) = ln x1 + x1 x2 - sin x2 at (2, 5)
1b  the full gradient of the same f at (2, 5)
2   g'(0.7) for g(x) = Σ_{k=1}^{50} sin(kx)·exp(-x/k)

Every peer gets Python floats and returns a Python float (a JAX or torch result
is converted, which also waits for JAX's asynchronous dispatch to finish).
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any, Callable

import numpy as np

import dualdiff as dd

from .. import floor, peers
from ..cases import Case
from ..problems import (
    SURVEY_POINT,
    WAVE_POINT,
    make_survey,
    make_wave_sum,
    survey_gradient,
    wave_sum_derivative,
)
from . import Workload

FLOAT_MATH = "float, math.* (plain float)"
FLOAT_DD = "float, dualdiff functions"
DUALDIFF = "dualdiff dd.derivative"
DUALDIFF_GRAD = "dualdiff dd.grad"
FLOOR = "minimal pure-Python dual (the floor)"

# Labels of the peer rows the targets refer to.
AD = "ad (adnumber, .d)"
JAX_EAGER_JVP = "jax jvp, eager"
JAX_JIT = "jax jit(jvp), compiled"
JAX_JIT_COLD = "jax jit(jvp), incl. compile"
TORCH_FORWARD_AD = "torch forward_ad (dual_level)"
TORCH_FUNC_JVP = "torch.func.jvp"


def workloads(quick: bool) -> list[Workload]:
    x1, x2 = SURVEY_POINT
    return [
        Workload(
            "1a", "Workload 1a: ∂f/∂x1 of f(x1, x2) = ln x1 + x1 x2 - sin x2 at (2, 5)",
            scalar_derivative_cases(lambda m, const=float: _fix_x2(make_survey(m), const(x2)),
                                    x1, survey_gradient(x1, x2)[0], make_survey(math)(x1, x2),
                                    plain=lambda m: _call_at(make_survey(m), x1, x2)),
            [FLOAT_MATH, FLOAT_DD, DUALDIFF],
        ),
        Workload(
            "1b", "Workload 1b: the gradient (∂f/∂x1, ∂f/∂x2) of the same f at (2, 5)",
            gradient_cases(),
            [FLOAT_MATH, FLOAT_DD, DUALDIFF_GRAD],
        ),
        Workload(
            "2", "Workload 2: g'(0.7) of g(x) = Σ_{k=1}^{50} sin(kx)·exp(-x/k) (350 operations)",
            scalar_derivative_cases(lambda m, const=float: make_wave_sum(m), WAVE_POINT,
                                    wave_sum_derivative(WAVE_POINT),
                                    make_wave_sum(math)(WAVE_POINT)),
            [FLOAT_MATH, FLOAT_DD, DUALDIFF],
        ),
    ]


def _fix_x2(f: Callable[[Any, Any], Any], x2: Any) -> Callable[[Any], Any]:
    return lambda x1: f(x1, x2)


def _call_at(f: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    # partial, not a lambda: the timed call adds no Python frame of its own.
    return partial(f, *args)


def scalar_derivative_cases(make: Callable[..., Callable[[Any], Any]], x: float,
                            derivative: float, value: float,
                            plain: Callable[[Any], Callable[[], Any]] | None = None) -> list[Case]:
    """f'(x) by dualdiff and by every peer, with the plain float evaluation of f as baseline.

    ``make(m)`` builds f from the elementary functions of the namespace ``m``;
    ``make(torch, torch.tensor)`` also converts f's constants to the library's type.
    ``plain(m)``, when given, is the baseline's call (the function as written,
    without the one-argument wrapper the derivative needs).
    """
    plain = plain or (lambda m: _call_at(make(m), x))

    def float_math():
        return plain(math)

    def float_dd():
        return plain(dd)

    def dualdiff_derivative():
        return partial(dd.derivative, make(dd), x)

    def dualdiff_by_hand():
        f = make(dd)
        return lambda: f(dd.Dual(x, 1.0)).tangent

    def pure_python_floor():
        return partial(floor.derivative, make(floor.FLOOR), x)

    def ad_d():
        admath = peers.ad()
        from ad import adnumber

        f = make(admath)

        def call():
            xa = adnumber(x)
            return f(xa).d(xa)

        return call

    def autograd_grad():
        ag = peers.autograd()
        g = ag.grad(make(ag.numpy))
        return lambda: g(x)

    def autograd_jvp():
        ag = peers.autograd()
        jvp = ag.make_jvp(make(ag.numpy))
        return lambda: jvp(x)(1.0)[1]

    def jax_jvp():
        jax = peers.jax()
        f = make(jax.numpy)
        return lambda: float(jax.jvp(f, (x,), (1.0,))[1])

    def jax_grad():
        jax = peers.jax()
        g = jax.grad(make(jax.numpy))
        return lambda: float(g(x))

    def jax_jit_build(jax):
        f = make(jax.numpy)
        return jax.jit(lambda x: jax.jvp(f, (x,), (1.0,))[1])

    def jax_jit():
        jax = peers.jax()
        g = jax_jit_build(jax)
        return lambda: float(g(x))

    def jax_jit_cold():
        jax = peers.jax()

        def build():
            g = jax_jit_build(jax)
            return lambda: float(g(x))

        return peers.jit_cold(jax, build)

    def torch_forward_ad():
        torch = peers.torch()
        fwad = torch.autograd.forward_ad
        f = make(torch, torch.tensor)

        def call():
            with fwad.dual_level():
                xd = fwad.make_dual(torch.tensor(x), torch.tensor(1.0))
                return fwad.unpack_dual(f(xd)).tangent.item()

        return call

    def torch_func_jvp():
        torch = peers.torch()
        f = make(torch, torch.tensor)
        return lambda: torch.func.jvp(f, (torch.tensor(x),), (torch.tensor(1.0),))[1].item()

    def numdifftools_derivative():
        nd = peers.numdifftools()
        # NumPy's functions: its steps leave the domain of math.log (nan, not an exception).
        d = nd.Derivative(make(np))

        def call():
            with np.errstate(all="ignore"):
                return float(d(x))

        return call

    return [
        Case(FLOAT_MATH, "baseline", float_math, value, note="the target's reference",
             short="float"),
        Case(FLOAT_DD, "baseline", float_dd, value, short="float (dd functions)"),
        Case(DUALDIFF, "dualdiff", dualdiff_derivative, derivative),
        Case("dualdiff f(Dual(x, 1.0)).tangent", "dualdiff", dualdiff_by_hand, derivative),
        Case(FLOOR, "baseline", pure_python_floor, derivative,
             note="benchmarks/floor.py: no tags, checks or dispatch"),
        Case(AD, "peer", ad_d, derivative),
        Case("autograd grad (reverse)", "peer", autograd_grad, derivative),
        Case("autograd make_jvp (forward)", "peer", autograd_jvp, derivative),
        Case(JAX_EAGER_JVP, "peer", jax_jvp, derivative),
        Case("jax grad, eager (reverse)", "peer", jax_grad, derivative),
        Case(JAX_JIT, "peer", jax_jit, derivative),
        Case(JAX_JIT_COLD, "peer", jax_jit_cold, derivative, cold=True,
             note="one-off point: trace + compile + call"),
        Case(TORCH_FORWARD_AD, "peer", torch_forward_ad, derivative),
        Case(TORCH_FUNC_JVP, "peer", torch_func_jvp, derivative),
        Case("numdifftools Derivative", "peer", numdifftools_derivative, derivative, rtol=1e-7,
             note="numeric (adaptive finite differences)"),
    ]


def gradient_cases() -> list[Case]:
    """The gradient of the survey function at (2, 5), by dualdiff and every peer."""
    x1, x2 = SURVEY_POINT
    point = [x1, x2]
    gradient = np.array(survey_gradient(x1, x2))
    value = make_survey(math)(x1, x2)

    def on_vector(m):
        f = make_survey(m)
        return lambda x: f(x[0], x[1])

    def float_math():
        return partial(make_survey(math), x1, x2)

    def float_dd():
        return partial(make_survey(dd), x1, x2)

    def dualdiff_grad():
        return partial(dd.grad, on_vector(dd), point)

    def dualdiff_two_derivatives():
        f = make_survey(dd)
        return lambda: (dd.derivative(lambda a: f(a, x2), x1),
                        dd.derivative(lambda b: f(x1, b), x2))

    def dualdiff_by_hand():
        f = make_survey(dd)
        e1, e2 = np.array([1.0, 0.0]), np.array([0.0, 1.0])
        return lambda: f(dd.Dual(x1, e1), dd.Dual(x2, e2)).tangent

    def ad_gradient():
        admath = peers.ad()
        from ad import adnumber

        f = make_survey(admath)

        def call():
            a, b = adnumber(x1), adnumber(x2)
            return f(a, b).gradient([a, b])

        return call

    def autograd_grad():
        ag = peers.autograd()
        g = ag.grad(on_vector(ag.numpy))
        return lambda: g(np.array(point))

    def jax_grad():
        jax = peers.jax()
        g = jax.grad(on_vector(jax.numpy))
        return lambda: np.asarray(g(jax.numpy.array(point)))

    def jax_jacfwd():
        jax = peers.jax()
        g = jax.jacfwd(on_vector(jax.numpy))
        return lambda: np.asarray(g(jax.numpy.array(point)))

    def jax_jit():
        jax = peers.jax()
        g = jax.jit(jax.jacfwd(on_vector(jax.numpy)))
        return lambda: np.asarray(g(jax.numpy.array(point)))

    def jax_jit_cold():
        jax = peers.jax()

        def build():
            g = jax.jit(jax.jacfwd(on_vector(jax.numpy)))
            return lambda: np.asarray(g(jax.numpy.array(point)))

        return peers.jit_cold(jax, build)

    def torch_jacfwd():
        torch = peers.torch()
        g = torch.func.jacfwd(on_vector(torch))
        return lambda: g(torch.tensor(point)).numpy()

    def numdifftools_gradient():
        nd = peers.numdifftools()
        g = nd.Gradient(on_vector(np))

        def call():
            with np.errstate(all="ignore"):
                return g(point)

        return call

    return [
        Case(FLOAT_MATH, "baseline", float_math, value, note="the target's reference",
             short="float"),
        Case(FLOAT_DD, "baseline", float_dd, value, short="float (dd functions)"),
        Case(DUALDIFF_GRAD, "dualdiff", dualdiff_grad, gradient,
             note="one pass, 2 directions, x indexed"),
        Case("dualdiff 2 × dd.derivative", "dualdiff", dualdiff_two_derivatives, gradient),
        Case("dualdiff f(Dual(x1, e1), Dual(x2, e2))", "dualdiff", dualdiff_by_hand, gradient),
        Case("ad (adnumber, .gradient)", "peer", ad_gradient, gradient),
        Case("autograd grad (reverse)", "peer", autograd_grad, gradient),
        Case("jax grad, eager (reverse)", "peer", jax_grad, gradient),
        Case("jax jacfwd, eager", "peer", jax_jacfwd, gradient),
        Case("jax jit(jacfwd), compiled", "peer", jax_jit, gradient),
        Case("jax jit(jacfwd), incl. compile", "peer", jax_jit_cold, gradient, cold=True),
        Case("torch.func.jacfwd", "peer", torch_jacfwd, gradient),
        Case("numdifftools Gradient", "peer", numdifftools_gradient, gradient, rtol=1e-7),
    ]
