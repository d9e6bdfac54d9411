"""Reductions: sum, mean, var, std, max, min, prod, cumsum, average, and ufunc.reduce."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..dual import Dual, _ndim, full_tangent
from ._base import (
    _NOVALUE,
    _axes,
    _axis,
    _count,
    _implements,
    _linear,
    _make,
    _no_out,
    _numpy,
    _refuse,
    _sqrt_of,
    _strip,
)
from .shape import ravel


@_implements(np.sum)
def sum_(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False,
        initial: Any = _NOVALUE, where: Any = True) -> Dual:
    """``numpy.sum``."""
    _no_out("sum", out)
    axes = _axes(axis, _ndim(a))
    extra = {} if initial is _NOVALUE else {"initial": initial}
    p = a.primal
    t = full_tangent(a)
    value = np.sum(p, axis=axes, dtype=dtype, keepdims=keepdims, where=where, **extra)
    return _make(value, np.sum(t, axis=axes, dtype=dtype, keepdims=keepdims,
                                      where=where), a.tag)


@_implements(np.mean)
def mean(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False,
         *, where: Any = True) -> Dual:
    """``numpy.mean``."""
    _no_out("mean", out)
    axes = _axes(axis, _ndim(a))
    return _linear(a, lambda x, lead: np.mean(x, axis=axes, dtype=dtype, keepdims=keepdims,
                                              where=where))


@_implements(np.var)
def var(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: float = 0,
        keepdims: bool = False, **kwargs: Any) -> Dual:
    """``numpy.var``: d var = 2/(N - ddof) · Σ (x - mean)·ẋ."""
    _no_out("var", out)
    if kwargs.get("where", True) is not True or kwargs.get("mean") is not None:
        _refuse("var", "with where= or mean=")
    if kwargs.get("correction") is not None:
        ddof = kwargs["correction"]
    axes = _axes(axis, _ndim(a))
    p = a.primal
    t = full_tangent(a)
    value = np.var(p, axis=axes, dtype=dtype, ddof=ddof, keepdims=keepdims)
    centred = p - np.mean(p, axis=axes, keepdims=True)
    scale = 2.0 / (_count(p, axes) - ddof)
    tangent = np.sum(t * centred, axis=axes, keepdims=keepdims) * scale
    return _make(value, tangent, a.tag)


@_implements(np.std)
def std(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: float = 0,
        keepdims: bool = False, **kwargs: Any) -> Dual:
    """``numpy.std`` = sqrt(var); its derivative is taken as 0 where std is 0."""
    return _sqrt_of(var(a, axis, dtype, out, ddof, keepdims, **kwargs))


def _extreme(function: Callable[..., Any], name: str) -> Callable[..., Dual]:
    def extreme(a: Any, axis: Any = None, out: Any = None, keepdims: bool = False,
                initial: Any = _NOVALUE, where: Any = True) -> Dual:
        _no_out(name, out)
        if initial is not _NOVALUE or where is not True:
            _refuse(name, "with initial= or where=")
        axes = _axes(axis, _ndim(a))
        p = a.primal
        t = full_tangent(a)
        top = function(p, axis=axes, keepdims=True)
        chosen = _strip(p) == _strip(top)  # ties share the derivative equally
        share = chosen / np.sum(chosen, axis=axes, keepdims=True)
        tangent = np.sum(t * share, axis=axes, keepdims=keepdims)
        value = top if keepdims else np.squeeze(top, axis=axes)
        return _make(value, tangent, a.tag)

    extreme.__name__ = name
    extreme.__doc__ = (f"``numpy.{name}``: the derivative of the chosen element; tied elements "
                       f"share it equally.")
    return extreme


max_ = _implements(np.max, _numpy("amax"))(_extreme(np.max, "max"))
min_ = _implements(np.min, _numpy("amin"))(_extreme(np.min, "min"))


def _exclusive_products(p: Any) -> Any:
    """g[..., i] = product of p[..., j] for j != i (along the last axis), without dividing.

    Dividing the product by p[i] fails where p[i] = 0; prefix and suffix
    products do not. A primal that is itself a Dual (nested derivatives) takes
    the same products one slice at a time.
    """
    n = np.shape(p)[-1]
    if isinstance(p, np.ndarray):
        ones = np.ones(p.shape[:-1] + (1,))
        left = np.concatenate([ones, np.cumprod(p[..., :-1], axis=-1)], axis=-1)
        right = np.concatenate([np.cumprod(p[..., :0:-1], axis=-1)[..., ::-1], ones], axis=-1)
        return left * right
    lefts, acc = [], 1.0
    for i in range(n):
        lefts.append(acc)
        acc = acc * p[..., i]
    rights, acc = [None] * n, 1.0
    for i in range(n - 1, -1, -1):
        rights[i] = acc
        acc = acc * p[..., i]
    shape = np.shape(p)[:-1]
    return np.stack([np.broadcast_to(lefts[i] * rights[i], shape) if _ndim(
        lefts[i] * rights[i]) < len(shape) else lefts[i] * rights[i] for i in range(n)], axis=-1)


@_implements(np.prod)
def prod(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False,
         initial: Any = _NOVALUE, where: Any = True) -> Dual:
    """``numpy.prod``: exact where elements are 0 (products of the others, no division)."""
    _no_out("prod", out)
    if initial is not _NOVALUE or where is not True:
        _refuse("prod", "with initial= or where=")
    ndim = _ndim(a)
    axes = _axes(axis, ndim)
    p = a.primal
    t = full_tangent(a)
    value = np.prod(p, axis=axes, keepdims=keepdims)
    if not axes:
        return _make(value, t, a.tag)
    # Bring the reduced axes to the end as one axis, take the products of the others there.
    front = [i for i in range(-ndim, 0) if i not in axes]
    moved = np.transpose(p, [i % ndim for i in front + list(axes)])
    kept = np.shape(moved)[:len(front)]
    others = _exclusive_products(np.reshape(moved, kept + (-1,)))
    others = np.reshape(others, np.shape(moved))
    inverse = np.argsort([i % ndim for i in front + list(axes)])
    others = np.transpose(others, inverse)
    return _make(value, np.sum(t * others, axis=axes, keepdims=keepdims), a.tag)


@_implements(np.cumsum)
def cumsum(a: Any, axis: Any = None, dtype: Any = None, out: Any = None) -> Dual:
    """``numpy.cumsum``."""
    _no_out("cumsum", out)
    if axis is None:
        return cumsum(ravel(a), 0, dtype)
    ax = _axis(axis, _ndim(a))
    return _linear(a, lambda x, lead: np.cumsum(x, axis=ax, dtype=dtype))


@_implements(np.average)
def average(a: Any, axis: Any = None, weights: Any = None, returned: bool = False, *,
            keepdims: bool = False) -> Any:
    """``numpy.average`` (weights may be Duals too)."""
    if weights is None:
        result = np.mean(a, axis=axis, keepdims=keepdims)
        count = _count(_strip(a), _axes(axis, _ndim(a)))
        return (result, float(count)) if returned else result
    shape = np.broadcast_shapes(np.shape(a), np.shape(weights))
    if np.shape(weights) != shape:
        if axis is None or np.ndim(_strip(weights)) != 1:
            _refuse("average", "with weights of another shape and no single axis")
        ax = _axis(axis, len(shape)) % len(shape)
        weights = np.reshape(weights, (-1,) + (1,) * (len(shape) - 1 - ax))
    total = np.sum(weights * np.ones(shape) if _ndim(weights) < len(shape) else weights,
                   axis=axis, keepdims=keepdims)
    result = np.sum(a * weights, axis=axis, keepdims=keepdims) / total
    return (result, total) if returned else result


# -- ufunc methods: np.add.reduce(d) and friends ----------------------------------------


def _reduce(function: Callable[..., Any]) -> Callable[..., Any]:
    def reduce(a: Any, axis: Any = 0, dtype: Any = None, out: Any = None,
               keepdims: bool = False, **kwargs: Any) -> Any:
        _no_out(function.__name__, out)
        return function(a, axis=axis, keepdims=keepdims)

    return reduce


def _accumulate(a: Any, axis: int = 0, dtype: Any = None, out: Any = None) -> Dual:
    return cumsum(a, axis=axis)


#: (ufunc, method) -> implementation for ``ufunc.reduce``/``accumulate`` on a Dual.
UFUNC_METHODS: dict[tuple[np.ufunc, str], Callable[..., Any]] = {
    (np.add, "reduce"): _reduce(sum_),
    (np.multiply, "reduce"): _reduce(prod),
    (np.maximum, "reduce"): _reduce(max_),
    (np.minimum, "reduce"): _reduce(min_),
    (np.add, "accumulate"): _accumulate,
}
