"""Norms and linear algebra: linalg.norm, inv, solve, det."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dual import Dual, _ndim, _new, full_tangent
from ._base import _full, _gather, _implements, _make, _refuse, _sqrt_of


def _norm(x: Any, ord: Any = None, axis: Any = None, keepdims: bool = False) -> Any:
    ndim = _ndim(x)
    if axis is None:
        matrix = ndim == 2 and ord is not None
        axes = tuple(range(ndim))
    else:
        axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
        matrix = len(axes) == 2
    if matrix and ord not in (None, "fro"):
        _refuse("linalg.norm", f"with ord={ord!r} on a matrix (only the Frobenius norm is "
                               f"supported there)")
    if not matrix and ord not in (None, 2, 1, np.inf, -np.inf) and not (
            isinstance(ord, (int, float)) and ord > 0):
        _refuse("linalg.norm", f"with ord={ord!r}")
    if ord in (None, 2, "fro"):
        return _sqrt_of(np.sum(x * x, axis=axes, keepdims=keepdims))
    magnitude = np.abs(x)
    if ord == 1:
        return np.sum(magnitude, axis=axes, keepdims=keepdims)
    if ord == np.inf:
        return np.max(magnitude, axis=axes, keepdims=keepdims)
    if ord == -np.inf:
        return np.min(magnitude, axis=axes, keepdims=keepdims)
    return np.sum(magnitude ** float(ord), axis=axes, keepdims=keepdims) ** (1.0 / ord)


norm = _implements(np.linalg.norm)(_norm)
norm.__doc__ = (
    "``numpy.linalg.norm``: vector norms (ord None/2, 1, inf, -inf, p > 0) and the Frobenius "
    "norm of a matrix. The derivative of the 2-norm at the zero vector is taken as 0."
)


@_implements(np.linalg.inv)
def inv(a: Any) -> Dual:
    """``numpy.linalg.inv``: d(A⁻¹) = -A⁻¹ dA A⁻¹."""
    p, t = a.primal, full_tangent(a)
    value = np.linalg.inv(p)
    return _new(value, -np.matmul(np.matmul(value, t), value), a.tag)


@_implements(np.linalg.solve)
def solve(a: Any, b: Any) -> Dual:
    """``numpy.linalg.solve`` for one square matrix: dx = A⁻¹ (db - dA x)."""
    tag, (pa, pb), (ta, tb), k = _gather([a, b])
    if _ndim(pa) != 2 or _ndim(pb) > 2:
        _refuse("linalg.solve", "with stacked (batched) matrices")
    value = np.linalg.solve(pa, pb)
    rhs = _full(tb, pb, k)
    if ta is not None:
        rhs = rhs - np.matmul(_full(ta, pa, k), value)
    if k is None:
        return _new(value, np.linalg.solve(pa, rhs), tag)
    # All directions in one solve: they become extra right-hand-side columns.
    cols = np.moveaxis(rhs, 0, -1)  # (n, k) or (n, m, k)
    shape = np.shape(cols)
    solved = np.linalg.solve(pa, np.reshape(cols, (shape[0], -1)))
    return _new(value, np.moveaxis(np.reshape(solved, shape), -1, 0), tag)


@_implements(np.linalg.det)
def det(a: Any) -> Dual:
    """``numpy.linalg.det``: d det A = det A · tr(A⁻¹ dA) (A must be invertible)."""
    p, t = a.primal, full_tangent(a)
    value = np.linalg.det(p)
    inverse_t = np.swapaxes(np.linalg.inv(p), -1, -2)
    return _make(value, value * np.sum(inverse_t * t, axis=(-2, -1)), a.tag)
