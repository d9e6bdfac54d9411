"""Loading the peer libraries the same way for every workload (float64 everywhere).

Each loader raises :class:`~benchmarks.cases.Unavailable` when the library is
not installed, so its rows read "skipped (... not installed)".
"""

from __future__ import annotations

import os
from typing import Any

from .cases import peer


def jax() -> Any:
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    jax = peer("jax")
    jax.config.update("jax_enable_x64", True)  # float64, as dualdiff and NumPy
    return jax


def torch() -> Any:
    torch = peer("torch")
    torch.set_default_dtype(torch.float64)
    return torch


def autograd() -> Any:
    return peer("autograd")


def ad() -> Any:
    peer("ad")
    from ad import admath

    return admath


def numdifftools() -> Any:
    return peer("numdifftools")


def sympy() -> Any:
    return peer("sympy")


def jit_cold(jax: Any, build: Any) -> Any:
    """A one-off JIT call: clear JAX's caches, then return a call that traces and compiles."""

    def prepare():
        jax.clear_caches()
        return build()

    return prepare
