"""Joining, splitting and choosing: concatenate, stack, hstack, split, where, clip.

Arguments that are not Duals of the current level are constants: zero tangents.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ..dual import Dual, _ndim, _new, full_tangent
from ._base import (
    _NOVALUE,
    _axis,
    _directions,
    _full,
    _gather,
    _implements,
    _lift,
    _make,
    _no_out,
    _strip,
)


@_implements(np.concatenate)
def concatenate(arrays: Sequence[Any], axis: Any = 0, out: Any = None, dtype: Any = None,
                casting: str = "same_kind") -> Dual:
    """``numpy.concatenate``: constants get zero tangents."""
    _no_out("concatenate", out)
    arrays = list(arrays)
    if axis is None:
        arrays = [np.ravel(a) if isinstance(a, Dual) else np.ravel(a) for a in arrays]
        axis = 0
    tag, primals, tangents, k = _gather(arrays)
    value = np.concatenate(primals, axis=axis)
    ax = _axis(axis, _ndim(value))
    tangent = np.concatenate([_full(t, p, k) for p, t in zip(primals, tangents)], axis=ax)
    return _new(value, tangent, tag)


@_implements(np.stack)
def stack(arrays: Sequence[Any], axis: int = 0, out: Any = None, **kwargs: Any) -> Dual:
    """``numpy.stack``: constants get zero tangents."""
    _no_out("stack", out)
    arrays = list(arrays)
    tag, primals, tangents, k = _gather(arrays)
    value = np.stack(primals, axis=axis)
    ax = _axis(axis, _ndim(value))
    tangent = np.stack([_full(t, p, k) for p, t in zip(primals, tangents)], axis=ax)
    return _new(value, tangent, tag)


@_implements(np.hstack)
def hstack(tup: Sequence[Any], **kwargs: Any) -> Dual:
    """``numpy.hstack``."""
    arrays = [np.atleast_1d(a) for a in tup]
    return concatenate(arrays, axis=0 if _ndim(arrays[0]) == 1 else 1)


@_implements(np.vstack)
def vstack(tup: Sequence[Any], **kwargs: Any) -> Dual:
    """``numpy.vstack``."""
    return concatenate([np.atleast_2d(a) for a in tup], axis=0)


@_implements(np.dstack)
def dstack(tup: Sequence[Any]) -> Dual:
    """``numpy.dstack``."""
    return concatenate([np.atleast_3d(a) for a in tup], axis=2)


@_implements(np.column_stack)
def column_stack(tup: Sequence[Any]) -> Dual:
    """``numpy.column_stack``."""
    arrays = [np.reshape(a, (-1, 1)) if _ndim(a) < 2 else a for a in tup]
    return concatenate(arrays, axis=1)


def _splitter(function: Callable[..., Any]) -> Callable[..., list]:
    def split(ary: Any, indices_or_sections: Any, axis: int = 0) -> list:
        ax = _axis(axis, _ndim(ary))
        p = ary.primal
        t = full_tangent(ary)
        ps = function(p, indices_or_sections, axis=ax)
        ts = function(t, indices_or_sections, axis=ax)
        return [_new(pi, ti, ary.tag) for pi, ti in zip(ps, ts)]

    split.__name__ = function.__name__
    split.__doc__ = f"``numpy.{function.__name__}``."
    return split


split = _implements(np.split)(_splitter(np.split))
array_split = _implements(np.array_split)(_splitter(np.array_split))


# -- selection ----------------------------------------------------------------------


@_implements(np.where)
def where(condition: Any, x: Any = _NOVALUE, y: Any = _NOVALUE) -> Any:
    """``numpy.where``: the derivative of the chosen argument; none through the condition."""
    condition = _strip(condition)
    if x is _NOVALUE and y is _NOVALUE:
        return np.nonzero(condition)
    tag, (px, py), (tx, ty), k = _gather([x, y])
    value = np.where(condition, px, py)
    n = _ndim(value)
    lead = 1 if k is not None else 0
    tx = 0.0 if tx is None else _lift(tx, lead, n) if _directions(px, tx) else tx
    ty = 0.0 if ty is None else _lift(ty, lead, n) if _directions(py, ty) else ty
    return _make(value, np.where(condition, tx, ty), tag)


@_implements(np.clip)
def clip(a: Any, a_min: Any = _NOVALUE, a_max: Any = _NOVALUE, out: Any = None, *,
         min: Any = _NOVALUE, max: Any = _NOVALUE, **kwargs: Any) -> Dual:
    """``numpy.clip``: the derivative of ``a`` on the closed interval, of the bound outside it."""
    _no_out("clip", out)
    lo = a_min if a_min is not _NOVALUE else (None if min is _NOVALUE else min)
    hi = a_max if a_max is not _NOVALUE else (None if max is _NOVALUE else max)
    result = a
    if lo is not None:
        result = where(_strip(result) < _strip(lo), lo, result)
    if hi is not None:
        result = where(_strip(result) > _strip(hi), hi, result)
    if not isinstance(result, Dual):
        return result
    if _ndim(result) < np.ndim(_strip(a)):  # keep a's shape when the bounds are scalars
        result = np.broadcast_to(result, np.shape(_strip(a)))
    return result
