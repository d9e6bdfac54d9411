"""Workloads 3 and 4: array Duals.

3  the elementwise derivative of h(x) = sin(x)·exp(-x²) + log1p(x²) over 10^6 points
4  the gradient of extended Rosenbrock with n = 100 inputs: one pass carrying 100
   directions against 100 single-direction passes
"""

from __future__ import annotations

from functools import partial

import numpy as np

import dualdiff as dd

from .. import peers
from ..cases import Case, Unavailable
from ..problems import (
    bump_points,
    bump_value_and_derivative,
    make_bump,
    make_rosenbrock,
    rosenbrock_gradient,
    rosenbrock_loop,
    rosenbrock_point,
)
from . import Workload

NUMPY_VALUE = "NumPy h(x), value only (plain NumPy)"
DUALDIFF_JVP = "dualdiff dd.jvp(h, x, ones)"
AUTOGRAD_ELEMENTWISE = "autograd elementwise_grad (reverse)"

ROSEN_NUMPY = "NumPy f(x), value only"
ROSEN_GRAD = "dualdiff dd.grad, slicing: 1 pass × n directions"
ROSEN_JVPS = "dualdiff dd.jvp, slicing: n passes × 1 direction"
ROSEN_GRAD_LOOP = "dualdiff dd.grad, loop: 1 pass × n directions"
ROSEN_JVPS_LOOP = "dualdiff dd.jvp, loop: n passes × 1 direction"


def workloads(quick: bool) -> list[Workload]:
    points = 10**5 if quick else 10**6
    n = 100
    return [
        Workload(f"3", f"Workload 3: h'(x) elementwise, h(x) = sin(x)·exp(-x²) + log1p(x²), "
                 f"{points:.0e} points".replace("e+0", "e"),
                 bump_cases(points), [NUMPY_VALUE, DUALDIFF_JVP]),
        Workload("4", f"Workload 4: gradient of extended Rosenbrock, n = {n}",
                 rosenbrock_cases(n), [ROSEN_NUMPY, ROSEN_GRAD, ROSEN_GRAD_LOOP]),
    ]


def bump_cases(points: int) -> list[Case]:
    x = bump_points(points)
    ones = np.ones_like(x)
    value, derivative = bump_value_and_derivative(x)

    def numpy_value():
        return partial(make_bump(np), x)

    def numpy_by_hand():
        return lambda: bump_value_and_derivative(x)[1]

    def dualdiff_jvp():
        h = make_bump(dd)
        return lambda: dd.jvp(h, x, ones)[1]

    def dualdiff_scalar_tangent():
        h = make_bump(dd)
        return lambda: h(dd.Dual(x, 1.0)).tangent

    def dualdiff_array_tangent():
        h = make_bump(dd)
        return lambda: h(dd.Dual(x, ones)).tangent

    def autograd_elementwise():
        ag = peers.autograd()
        return partial(ag.elementwise_grad(make_bump(ag.numpy)), x)

    def jax_jvp():
        jax = peers.jax()
        h = make_bump(jax.numpy)
        return lambda: np.asarray(jax.jvp(h, (x,), (ones,))[1])

    def jax_jit_build(jax):
        h = make_bump(jax.numpy)
        return jax.jit(lambda x, v: jax.jvp(h, (x,), (v,))[1])

    def jax_jit():
        jax = peers.jax()
        g = jax_jit_build(jax)
        return lambda: np.asarray(g(x, ones))

    def jax_jit_cold():
        jax = peers.jax()

        def build():
            g = jax_jit_build(jax)
            return lambda: np.asarray(g(x, ones))

        return peers.jit_cold(jax, build)

    def torch_forward_ad():
        torch = peers.torch()
        fwad = torch.autograd.forward_ad
        h = make_bump(torch)

        def call():
            with fwad.dual_level():
                xd = fwad.make_dual(torch.from_numpy(x), torch.from_numpy(ones))
                return fwad.unpack_dual(h(xd)).tangent.numpy()

        return call

    def torch_func_jvp():
        torch = peers.torch()
        h = make_bump(torch)
        return lambda: torch.func.jvp(h, (torch.from_numpy(x),),
                                      (torch.from_numpy(ones),))[1].numpy()

    def numdifftools_derivative():
        nd = peers.numdifftools()
        return partial(nd.Derivative(make_bump(np)), x)

    def ad_not_applicable():
        peers.ad()
        raise Unavailable("not run (ad differentiates Python scalars, one object per element)")

    return [
        Case(NUMPY_VALUE, "baseline", numpy_value, value, note="the target's reference",
             short="NumPy"),
        Case("NumPy value + hand-written derivative", "baseline", numpy_by_hand, derivative,
             rtol=1e-12, note="the cost floor"),
        Case(DUALDIFF_JVP, "dualdiff", dualdiff_jvp, derivative, rtol=1e-12),
        Case("dualdiff h(Dual(x, 1.0)).tangent", "dualdiff", dualdiff_scalar_tangent,
             derivative, rtol=1e-12, note="scalar tangent, broadcast"),
        Case("dualdiff h(Dual(x, ones)).tangent", "dualdiff", dualdiff_array_tangent,
             derivative, rtol=1e-12),
        Case(AUTOGRAD_ELEMENTWISE, "peer", autograd_elementwise, derivative, rtol=1e-12),
        Case("jax jvp, eager", "peer", jax_jvp, derivative, rtol=1e-12),
        Case("jax jit(jvp), compiled", "peer", jax_jit, derivative, rtol=1e-12),
        Case("jax jit(jvp), incl. compile", "peer", jax_jit_cold, derivative, rtol=1e-12,
             cold=True),
        Case("torch forward_ad (dual_level)", "peer", torch_forward_ad, derivative, rtol=1e-12),
        Case("torch.func.jvp", "peer", torch_func_jvp, derivative, rtol=1e-12),
        Case("numdifftools Derivative", "peer", numdifftools_derivative, derivative, rtol=1e-6,
             note="numeric (adaptive finite differences)"),
        Case("ad", "peer", ad_not_applicable),
    ]


def _needs_array_face(f, x):
    """Run ``f`` once on an array Dual; the array face of Dual may not have landed yet."""
    try:
        dd.grad(f, x)
    except dd.UnsupportedOperationError as error:
        raise Unavailable(f"not available yet ({str(error).split(';')[0]})") from None


def rosenbrock_cases(n: int) -> list[Case]:
    x = rosenbrock_point(n)
    directions = np.eye(n)
    gradient = rosenbrock_gradient(x)
    value = float(make_rosenbrock(np)(x))

    def numpy_value():
        return partial(make_rosenbrock(np), x)

    def float_loop():
        return partial(rosenbrock_loop, x.tolist())

    def dualdiff_grad(f):
        def make():
            _needs_array_face(f, x)
            return partial(dd.grad, f, x)

        return make

    def dualdiff_jvps(f):
        def make():
            _needs_array_face(f, x)
            return lambda: np.array([dd.jvp(f, x, v)[1] for v in directions])

        return make

    def autograd_grad():
        ag = peers.autograd()
        return partial(ag.grad(make_rosenbrock(ag.numpy)), x)

    def jax_jacfwd():
        jax = peers.jax()
        g = jax.jacfwd(make_rosenbrock(jax.numpy))
        return lambda: np.asarray(g(x))

    def jax_jit():
        jax = peers.jax()
        g = jax.jit(jax.jacfwd(make_rosenbrock(jax.numpy)))
        return lambda: np.asarray(g(x))

    def torch_jacfwd():
        torch = peers.torch()
        g = torch.func.jacfwd(make_rosenbrock(torch))
        return lambda: g(torch.from_numpy(x)).numpy()

    rosenbrock = make_rosenbrock(np)
    return [
        Case(ROSEN_NUMPY, "baseline", numpy_value, value, short="NumPy"),
        Case("float loop f(x), value only", "baseline", float_loop, value),
        Case(ROSEN_GRAD, "dualdiff", dualdiff_grad(rosenbrock), gradient, rtol=1e-12,
             short="dd.grad slicing"),
        Case(ROSEN_JVPS, "dualdiff", dualdiff_jvps(rosenbrock), gradient, rtol=1e-12),
        Case(ROSEN_GRAD_LOOP, "dualdiff", dualdiff_grad(rosenbrock_loop), gradient, rtol=1e-12,
             short="dd.grad loop"),
        Case(ROSEN_JVPS_LOOP, "dualdiff", dualdiff_jvps(rosenbrock_loop), gradient, rtol=1e-12),
        Case("autograd grad (reverse)", "peer", autograd_grad, gradient, rtol=1e-12),
        Case("jax jacfwd, eager", "peer", jax_jacfwd, gradient, rtol=1e-12),
        Case("jax jit(jacfwd), compiled", "peer", jax_jit, gradient, rtol=1e-12),
        Case("torch.func.jacfwd", "peer", torch_jacfwd, gradient, rtol=1e-12),
    ]
