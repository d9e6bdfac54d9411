"""Rearranging an array Dual: reshape, transpose, squeeze, broadcast_to, flip, take, sort ...

All of these are linear and act on the primal and the tangent alike.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..dual import Dual, _ndim
from ..errors import InputError
from ._base import _NOVALUE, _axes, _axis, _implements, _lift, _linear, _no_out, _refuse, _strip


@_implements(np.reshape)
def reshape(a: Any, shape: Any = None, order: str = "C", *, newshape: Any = None,
            copy: Any = None) -> Dual:
    """``numpy.reshape``: the directions axis stays first."""
    shape = newshape if shape is None else shape
    if shape is None:
        raise InputError("reshape needs a shape")
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if order not in ("C", "F", "A"):
        _refuse("reshape", f"with order={order!r}")

    def op(x: Any, lead: int) -> Any:
        if lead and order == "F":  # F order runs the first axis fastest: keep k out of it
            moved = np.moveaxis(x, 0, -1)
            return np.moveaxis(np.reshape(moved, shape + (-1,), order="F"), -1, 0)
        return np.reshape(x, np.shape(x)[:lead] + shape, order=order)

    return _linear(a, op)


@_implements(np.ravel)
def ravel(a: Any, order: str = "C") -> Dual:
    """``numpy.ravel``."""
    return reshape(a, (-1,), order=order)


@_implements(np.transpose)
def transpose(a: Any, axes: Any = None) -> Dual:
    """``numpy.transpose`` (``.T``)."""
    n = _ndim(a)
    if axes is None:
        perm = tuple(range(n - 1, -1, -1))
    else:
        perm = tuple(_axis(int(i), n) % n for i in axes)
    return _linear(a, lambda x, lead: np.transpose(
        x, tuple(range(lead)) + tuple(i + lead for i in perm)))


@_implements(np.swapaxes)
def swapaxes(a: Any, axis1: int, axis2: int) -> Dual:
    """``numpy.swapaxes``."""
    n = _ndim(a)
    a1, a2 = _axis(axis1, n), _axis(axis2, n)
    return _linear(a, lambda x, lead: np.swapaxes(x, a1, a2))


@_implements(np.moveaxis)
def moveaxis(a: Any, source: Any, destination: Any) -> Dual:
    """``numpy.moveaxis``."""
    n = _ndim(a)
    src, dst = _axes(source, n), _axes(destination, n)
    return _linear(a, lambda x, lead: np.moveaxis(x, src, dst))


@_implements(np.squeeze)
def squeeze(a: Any, axis: Any = None) -> Dual:
    """``numpy.squeeze``: never squeezes the directions axis, even when k = 1."""
    shape = np.shape(a)
    axes = tuple(i - len(shape) for i, s in enumerate(shape) if s == 1) if axis is None \
        else _axes(axis, len(shape))
    return _linear(a, lambda x, lead: np.squeeze(x, axis=axes) if axes else x)


@_implements(np.expand_dims)
def expand_dims(a: Any, axis: Any) -> Dual:
    """``numpy.expand_dims``."""
    axis = axis if isinstance(axis, (tuple, list)) else (axis,)
    axes = _axes(axis, _ndim(a) + len(axis))
    return _linear(a, lambda x, lead: np.expand_dims(x, axes))


@_implements(np.broadcast_to)
def broadcast_to(array: Any, shape: Any, subok: bool = False) -> Dual:
    """``numpy.broadcast_to``: a read-only view, as in NumPy."""
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    return _linear(array, lambda x, lead: np.broadcast_to(
        _lift(x, lead, len(shape)), np.shape(x)[:lead] + shape))


@_implements(np.broadcast_arrays)
def broadcast_arrays(*args: Any, subok: bool = False) -> tuple:
    """``numpy.broadcast_arrays``."""
    shape = np.broadcast_shapes(*(np.shape(a) for a in args))
    return tuple(np.broadcast_to(a, shape) for a in args)


def _atleast(ndim: int) -> Callable[..., Any]:
    def atleast(*arys: Any) -> Any:
        out = []
        for a in arys:
            n = _ndim(a)
            if n >= ndim:
                out.append(a)
            elif ndim == 3 and n == 2:
                out.append(np.reshape(a, np.shape(a) + (1,)))
            elif ndim == 3 and n == 1:
                out.append(np.reshape(a, (1,) + np.shape(a) + (1,)))
            else:
                out.append(np.reshape(a, (1,) * (ndim - n) + np.shape(a)))
        return out[0] if len(out) == 1 else out

    atleast.__name__ = f"atleast_{ndim}d"
    atleast.__doc__ = f"``numpy.atleast_{ndim}d``."
    return atleast


atleast_1d = _implements(np.atleast_1d)(_atleast(1))
atleast_2d = _implements(np.atleast_2d)(_atleast(2))
atleast_3d = _implements(np.atleast_3d)(_atleast(3))


@_implements(np.flip)
def flip(m: Any, axis: Any = None) -> Dual:
    """``numpy.flip``."""
    axes = _axes(axis, _ndim(m))
    return _linear(m, lambda x, lead: np.flip(x, axes))


@_implements(np.roll)
def roll(a: Any, shift: Any, axis: Any = None) -> Dual:
    """``numpy.roll``."""
    if axis is None:
        shape = np.shape(a)
        return reshape(roll(ravel(a), shift, 0), shape)
    axes = _axes(axis, _ndim(a))
    return _linear(a, lambda x, lead: np.roll(x, shift, axes))


@_implements(np.diagonal)
def diagonal(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Dual:
    """``numpy.diagonal``."""
    n = _ndim(a)
    a1, a2 = _axis(axis1, n), _axis(axis2, n)
    return _linear(a, lambda x, lead: np.diagonal(x, offset, a1, a2))


@_implements(np.trace)
def trace(a: Any, offset: int = 0, axis1: int = 0, axis2: int = 1, dtype: Any = None,
          out: Any = None) -> Dual:
    """``numpy.trace``."""
    _no_out("trace", out)
    n = _ndim(a)
    a1, a2 = _axis(axis1, n), _axis(axis2, n)
    return _linear(a, lambda x, lead: np.trace(x, offset, a1, a2, dtype))


@_implements(np.tril)
def tril(m: Any, k: int = 0) -> Dual:
    """``numpy.tril`` (acts on the last two axes, so a directions axis is a batch axis)."""
    return _linear(m, lambda x, lead: np.tril(x, k))


@_implements(np.triu)
def triu(m: Any, k: int = 0) -> Dual:
    """``numpy.triu``."""
    return _linear(m, lambda x, lead: np.triu(x, k))


@_implements(np.copy)
def copy(a: Any, order: str = "K", subok: bool = False) -> Dual:
    """``numpy.copy``: fresh primal and tangent arrays."""
    return _linear(a, lambda x, lead: x.copy() if isinstance(x, (np.ndarray, Dual)) else x)


@_implements(np.take)
def take(a: Any, indices: Any, axis: Any = None, out: Any = None, mode: str = "raise") -> Dual:
    """``numpy.take``."""
    _no_out("take", out)
    if isinstance(indices, Dual):
        raise InputError("indices cannot be a Dual: take with integer indices")
    if axis is None:
        return take(ravel(a), indices, 0, mode=mode)
    ax = _axis(axis, _ndim(a))
    return _linear(a, lambda x, lead: np.take(x, indices, ax, mode=mode))


@_implements(np.repeat)
def repeat(a: Any, repeats: Any, axis: Any = None) -> Dual:
    """``numpy.repeat``."""
    if axis is None:
        return repeat(ravel(a), repeats, 0)
    ax = _axis(axis, _ndim(a))
    return _linear(a, lambda x, lead: np.repeat(x, repeats, ax))


@_implements(np.tile)
def tile(a: Any, reps: Any) -> Dual:
    """``numpy.tile``."""
    reps = (reps,) if isinstance(reps, (int, np.integer)) else tuple(reps)
    n = max(_ndim(a), len(reps))
    reps = (1,) * (n - len(reps)) + reps
    return _linear(a, lambda x, lead: np.tile(_lift(x, lead, n), (1,) * lead + reps))


@_implements(np.diff)
def diff(a: Any, n: int = 1, axis: int = -1, prepend: Any = _NOVALUE,
         append: Any = _NOVALUE) -> Dual:
    """``numpy.diff`` (without prepend/append)."""
    if prepend is not _NOVALUE or append is not _NOVALUE:
        _refuse("diff", "with prepend= or append=")
    ax = _axis(axis, _ndim(a))
    return _linear(a, lambda x, lead: np.diff(x, n, ax))


@_implements(np.sort)
def sort(a: Any, axis: int = -1, kind: Any = None, order: Any = None, **kwargs: Any) -> Dual:
    """``numpy.sort``: a permutation, so the tangents move with their elements."""
    if axis is None:
        return sort(ravel(a), 0, kind)
    ax = _axis(axis, _ndim(a))
    order_ = np.argsort(_strip(a), axis=ax, kind=kind)
    return _linear(a, lambda x, lead: np.take_along_axis(
        x, order_[None] if lead else order_, axis=ax))


@_implements(np.take_along_axis)
def take_along_axis(arr: Any, indices: Any, axis: Any) -> Dual:
    """``numpy.take_along_axis``."""
    if axis is None:
        return take_along_axis(ravel(arr), indices, 0)
    ax = _axis(axis, _ndim(arr))
    return _linear(arr, lambda x, lead: np.take_along_axis(
        x, np.broadcast_to(indices, np.shape(x)[:lead] + np.shape(indices)) if lead
        else indices, axis=ax))
