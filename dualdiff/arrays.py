"""Structural NumPy operations on array Duals: sum, reshape, matmul, einsum, stack, norm ...

A Dual whose primal is an array works with the NumPy functions listed in
:data:`SUPPORTED_FUNCTIONS` (NumPy calls them through ``__array_function__``)
and with ``@`` (``np.matmul`` is a ufunc; see :data:`SUPPORTED_UFUNCS`)::

    >>> import numpy as np, dualdiff as dd
    >>> dd.grad(lambda w: np.sum((np.array([[1.0, 2.0], [3.0, 4.0]]) @ w) ** 2), [1.0, 1.0])
    array([48., 68.])

Each rule is written once and serves the primal and the tangent alike:

- a *linear* operation (sum, reshape, transpose, stack, indexing ...) is applied
  to the primal and to the tangent. The tangent may carry one leading
  *directions* axis (shape ``(k,) + primal shape``); rules name axes by negative
  numbers, which mean the same trailing axes with or without it, and shapes get
  the leading ``k`` prepended;
- a *bilinear* operation (dot, matmul, outer, tensordot, einsum) uses the
  product rule, one term per argument that carries a tangent;
- the others (var, std, prod, max, norm, clip, where) have their own rules,
  written with the operations above so that they also work when the primal is
  itself a Dual (nested derivatives: a Hessian is the Jacobian of a gradient).

Arguments that are not Duals of the current level (plain arrays, or Duals of an
outer level) are constants: their tangent is zero. Anything NumPy offers that is
not listed raises :class:`~dualdiff.errors.UnsupportedOperationError` naming the
function, rather than dropping the derivative.

Conventions at the points where a function is not differentiable follow the
rule table's kinked functions: ``max``/``min`` share the derivative equally
between tied elements, ``clip`` passes the derivative of ``x`` on the closed
interval ``[lo, hi]``, and a norm's derivative at the zero vector is 0 (the
subgradient of least norm, as for ``abs``).
"""

from __future__ import annotations

import string
from typing import Any, Callable, Sequence

import numpy as np

from .dual import ARRAY_FUNCTIONS, ARRAY_UFUNCS, Dual, _ndim, _new, full_tangent
from .errors import InputError, UnsupportedOperationError
from .functions import GENERIC

__all__ = ["SUPPORTED_FUNCTIONS", "SUPPORTED_UFUNCS", "PRIMAL_ONLY_FUNCTIONS", "setitem"]

_NOVALUE = getattr(np, "_NoValue", None)


def _implements(*functions: Callable[..., Any]) -> Callable[[Callable], Callable]:
    """Register an implementation for the NumPy functions given (those that exist)."""

    def register(implementation: Callable) -> Callable:
        for function in functions:
            if function is not None:
                ARRAY_FUNCTIONS[function] = implementation
        return implementation

    return register


def _numpy(name: str) -> Any:
    """A NumPy function by dotted name, or None when this NumPy lacks it."""
    obj: Any = np
    for part in name.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


# -- the pieces every rule uses -------------------------------------------------


def _value(v: Any) -> Any:
    """Results of reductions come back as NumPy scalars or 0-d arrays: make them floats."""
    tv = type(v)
    if tv is np.float64 or (tv is np.ndarray and v.ndim == 0 and v.dtype.kind == "f"):
        return float(v)
    return v


def _make(value: Any, tangent: Any, tag: int) -> Dual:
    return _new(_value(value), _value(tangent), tag)


def _tag(values: Sequence[Any]) -> int:
    """The level of a computation: the largest tag among its Duals (-1 if none)."""
    tag = -1
    for v in values:
        if isinstance(v, Dual) and v.tag > tag:
            tag = v.tag
    return tag


def _parts(x: Any, tag: int) -> tuple[Any, Any]:
    """(primal, full tangent) at level ``tag``; a constant has tangent None."""
    if isinstance(x, Dual) and x.tag == tag:
        return x.primal, full_tangent(x)
    return x, None


def _directions(p: Any, t: Any) -> int | None:
    """k when the tangent ``t`` of the primal ``p`` has a leading directions axis."""
    if t is not None and _ndim(t) > _ndim(p):
        return np.shape(t)[0]
    return None


def _gather(values: Sequence[Any]) -> tuple[int, list, list, int | None]:
    """Level, primals, tangents (None for constants) and directions count of several args."""
    tag = _tag(values)
    primals, tangents, k = [], [], None
    for v in values:
        p, t = _parts(v, tag)
        primals.append(p)
        tangents.append(t)
        k = _directions(p, t) or k
    return tag, primals, tangents, k


def _full(t: Any, p: Any, k: int | None) -> Any:
    """The tangent of ``p`` with the common directions axis: zeros for a constant."""
    shape = np.shape(p)
    if k is not None:
        shape = (k,) + shape
    if t is None:
        return np.zeros(shape)
    if k is not None and _ndim(t) == _ndim(p):  # one tangent for every direction
        return np.broadcast_to(t, shape)
    return t


def _lead(p: Any, t: Any) -> int:
    return 1 if _ndim(t) > _ndim(p) else 0


def _linear(x: Dual, op: Callable[[Any, int], Any]) -> Dual:
    """A linear structural operation: ``op(array, lead)`` on the primal and on the tangent.

    ``lead`` is the number of leading axes ``op`` must leave alone: 0 for the
    primal, 1 for a tangent with a directions axis.
    """
    p = x.primal
    t = full_tangent(x)
    return _make(op(p, 0), op(t, _lead(p, t)), x.tag)


def _axis(axis: int, ndim: int, name: str = "axis") -> int:
    """An axis as a negative number: the same trailing axis with or without a directions axis."""
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(axis, ndim) if hasattr(np, "exceptions") else IndexError(
            f"{name} {axis} is out of bounds for an array of dimension {ndim}")
    return axis - ndim if axis >= 0 else axis


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    """``axis`` (None, an int or a tuple) as a tuple of negative axes."""
    if axis is None:
        return tuple(range(-ndim, 0))
    if isinstance(axis, (tuple, list)):
        return tuple(_axis(int(a), ndim) for a in axis)
    return (_axis(int(axis), ndim),)


def _lift(x: Any, lead: int, ndim: int) -> Any:
    """Insert length-1 axes after the ``lead`` axes so that ``x`` has ``lead + ndim`` axes."""
    shape = np.shape(x)
    missing = lead + ndim - len(shape)
    if missing <= 0:
        return x
    return np.reshape(x, shape[:lead] + (1,) * missing + shape[lead:])


def _refuse(function: str, detail: str) -> None:
    raise UnsupportedOperationError(
        f"numpy.{function} {detail} has no forward rule for Duals yet, so it would lose the "
        f"derivative; write the computation with supported operations "
        f"(see dualdiff.arrays.SUPPORTED_FUNCTIONS)"
    )


def _no_out(function: str, out: Any) -> None:
    if out is not None:
        _refuse(function, "with out=")


def _strip(x: Any) -> Any:
    """The plain value under every level of Dual (for results without a derivative)."""
    while isinstance(x, Dual):
        x = x.primal
    return x


def _as_dual_args(values: Sequence[Any]) -> bool:
    return any(isinstance(v, Dual) for v in values)


# -- shape ------------------------------------------------------------------------


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


# -- joining and splitting ----------------------------------------------------------


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


# -- reductions ---------------------------------------------------------------------


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


def _count(a: Any, axes: tuple[int, ...]) -> int:
    shape = np.shape(a)
    return int(np.prod([shape[i] for i in axes])) if axes else 1


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


def _safe_quotient(numerator: Any, denominator: Any) -> Any:
    """numerator / denominator, with 0 where the denominator is 0 (a kink's least-norm choice)."""
    zero = _strip(denominator) == 0
    if not np.any(zero):
        return numerator / denominator
    safe = np.where(zero, 1.0, denominator)
    return np.where(zero, 0.0, numerator / safe)


def _sqrt_of(v: Dual) -> Dual:
    """sqrt of a non-negative Dual with derivative 0 where it is 0 (std and norm)."""
    root = GENERIC["sqrt"](v.primal)
    tangent = _safe_quotient(full_tangent(v), 2.0 * root)
    return _make(root, tangent, v.tag)


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


# -- products -----------------------------------------------------------------------


def _tensordot_axes(axes: Any, na: int, nb: int) -> tuple[list[int], list[int]]:
    if isinstance(axes, (int, np.integer)):
        return list(range(na - int(axes), na)), list(range(int(axes)))
    ax_a, ax_b = axes
    ax_a = [ax_a] if isinstance(ax_a, (int, np.integer)) else list(ax_a)
    ax_b = [ax_b] if isinstance(ax_b, (int, np.integer)) else list(ax_b)
    return [int(i) % na for i in ax_a], [int(i) % nb for i in ax_b]


def _contract(pa: Any, ta: Any, pb: Any, tb: Any, ax_a: list[int], ax_b: list[int]) -> Any:
    """Product rule for tensordot(a, b, (ax_a, ax_b)); each directions axis ends up first."""
    total = None
    if ta is not None:
        lead = _lead(pa, ta)
        total = np.tensordot(ta, pb, ([i + lead for i in ax_a], ax_b))
    if tb is not None:
        lead = _lead(pb, tb)
        term = np.tensordot(pa, tb, (ax_a, [i + lead for i in ax_b]))
        if lead:
            term = np.moveaxis(term, _ndim(pa) - len(ax_a), 0)
        total = term if total is None else total + term
    return total


@_implements(np.tensordot)
def tensordot(a: Any, b: Any, axes: Any = 2) -> Dual:
    """``numpy.tensordot``: the product rule."""
    tag, (pa, pb), (ta, tb), _ = _gather([a, b])
    ax_a, ax_b = _tensordot_axes(axes, _ndim(pa), _ndim(pb))
    value = np.tensordot(pa, pb, (ax_a, ax_b))
    return _make(value, _contract(pa, ta, pb, tb, ax_a, ax_b), tag)


@_implements(np.dot)
def dot(a: Any, b: Any, out: Any = None) -> Dual:
    """``numpy.dot``: the product rule (a 0-d argument multiplies)."""
    _no_out("dot", out)
    tag, (pa, pb), (ta, tb), _ = _gather([a, b])
    na, nb = _ndim(pa), _ndim(pb)
    if na == 0 or nb == 0:
        return a * b
    value = np.dot(pa, pb)
    tangent = _contract(pa, ta, pb, tb, [na - 1], [nb - 2 if nb >= 2 else 0])
    return _make(value, tangent, tag)


@_implements(np.vdot)
def vdot(a: Any, b: Any) -> Dual:
    """``numpy.vdot`` for real arrays: the dot product of the flattened arguments."""
    return dot(np.ravel(a), np.ravel(b))


@_implements(np.inner)
def inner(a: Any, b: Any) -> Dual:
    """``numpy.inner``: contracts the last axes."""
    tag, (pa, pb), (ta, tb), _ = _gather([a, b])
    na, nb = _ndim(pa), _ndim(pb)
    if na == 0 or nb == 0:
        return a * b
    value = np.inner(pa, pb)
    return _make(value, _contract(pa, ta, pb, tb, [na - 1], [nb - 1]), tag)


@_implements(np.outer)
def outer(a: Any, b: Any, out: Any = None) -> Dual:
    """``numpy.outer``: a column times a row, by the product rule of ``*``."""
    _no_out("outer", out)
    return np.reshape(a, (-1, 1)) * np.reshape(b, (1, -1))


def _matmul_term(left: Any, right: Any, directions_left: bool, out_shape: tuple,
                 batch: int) -> Any:
    """matmul where one operand is a tangent with a directions axis, ``k`` first in the result.

    NumPy's matmul would read the directions axis as a batch axis and align it
    with the other operand's batch axes from the right; so the tangent is made
    at least 2-D (as matmul does to 1-D arguments) and given length-1 batch
    axes up to the result's batch rank, after its directions axis.
    """
    t = left if directions_left else right
    k = np.shape(t)[0]
    if _ndim(t) == 2:  # a 1-D operand: a row on the left, a column on the right
        t = np.reshape(t, (k, 1, -1) if directions_left else np.shape(t) + (1,))
    t = _lift(t, 1, batch + 2)
    product = np.matmul(t, right) if directions_left else np.matmul(left, t)
    return np.reshape(product, (k,) + out_shape)


def matmul(a: Any, b: Any) -> Dual:
    """``numpy.matmul`` and ``@`` (Dual @ Dual, Dual @ ndarray, ndarray @ Dual)."""
    tag, (pa, pb), (ta, tb), _ = _gather([a, b])
    na, nb = _ndim(pa), _ndim(pb)
    if na == 0 or nb == 0:
        raise ValueError("matmul: Input operand does not have enough dimensions (a scalar "
                         "cannot be an operand of @; use *)")
    value = np.matmul(pa, pb)
    out_shape = np.shape(value)
    batch = na - 2 if na >= nb else nb - 2
    batch = batch if batch > 0 else 0
    total = None
    if ta is not None:
        total = (_matmul_term(ta, pb, True, out_shape, batch) if _lead(pa, ta)
                 else np.matmul(ta, pb))
    if tb is not None:
        term = (_matmul_term(pa, tb, False, out_shape, batch) if _lead(pb, tb)
                else np.matmul(pa, tb))
        total = term if total is None else total + term
    return _make(value, total, tag)


ARRAY_UFUNCS[np.matmul] = matmul


def _vecdot(x1: Any, x2: Any, axis: int = -1) -> Dual:
    return np.sum(x1 * x2, axis=axis)


def _matvec(x1: Any, x2: Any) -> Dual:
    return np.squeeze(np.matmul(x1, np.expand_dims(x2, -1)), -1)


def _vecmat(x1: Any, x2: Any) -> Dual:
    return np.squeeze(np.matmul(np.expand_dims(x1, -2), x2), -2)


for _name, _rule in (("vecdot", _vecdot), ("matvec", _matvec), ("vecmat", _vecmat)):
    if isinstance(getattr(np, _name, None), np.ufunc):
        ARRAY_UFUNCS[getattr(np, _name)] = _rule
    elif getattr(np, _name, None) is not None:
        ARRAY_FUNCTIONS[getattr(np, _name)] = _rule


def _einsum_output(inputs: str) -> str:
    letters = inputs.replace(",", "").replace(".", "")
    once = sorted(c for c in set(letters) if letters.count(c) == 1)
    return ("..." if "..." in inputs else "") + "".join(once)


@_implements(np.einsum)
def einsum(*operands: Any, out: Any = None, optimize: Any = False, **kwargs: Any) -> Dual:
    """``numpy.einsum`` in the subscripts form: one product-rule term per Dual operand."""
    _no_out("einsum", out)
    if not operands or not isinstance(operands[0], str):
        _refuse("einsum", "in the (operand, sublist) form")
    spec, arrays = operands[0].replace(" ", ""), operands[1:]
    inputs, _, output = spec.partition("->")
    if "->" not in spec:
        output = _einsum_output(inputs)
    subscripts = inputs.split(",")
    if len(subscripts) != len(arrays):
        raise InputError(f"einsum: {len(subscripts)} subscripts for {len(arrays)} operands")
    tag, primals, tangents, _ = _gather(arrays)
    value = np.einsum(f"{inputs}->{output}", *primals, optimize=optimize, **kwargs)
    free = next(c for c in string.ascii_letters if c not in spec)  # the directions axis
    total = None
    for i, (p, t) in enumerate(zip(primals, tangents)):
        if t is None:
            continue
        subs, out_sub, ops = list(subscripts), output, list(primals)
        ops[i] = t
        if _lead(p, t):
            subs[i], out_sub = free + subs[i], free + output
        term = np.einsum(",".join(subs) + "->" + out_sub, *ops, optimize=optimize, **kwargs)
        total = term if total is None else total + term
    return _make(value, total, tag)


# -- norms and linear algebra ---------------------------------------------------------


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


# -- results without a derivative -------------------------------------------------------


def _primal_only(function: Callable[..., Any]) -> Callable[..., Any]:
    def plain(*args: Any, **kwargs: Any) -> Any:
        args = tuple([_strip(v) for v in a] if isinstance(a, (list, tuple)) else _strip(a)
                     for a in args)
        return function(*args, **{key: _strip(v) for key, v in kwargs.items()})

    plain.__name__ = function.__name__
    plain.__doc__ = f"``numpy.{function.__name__}`` of the primal (integers or booleans: no " \
                    f"derivative)."
    return plain


#: NumPy functions whose result has no derivative (indices, booleans, new constant
#: arrays): they act on the primal. ``shape``, ``ndim`` and ``size`` are in dual.py.
PRIMAL_ONLY_FUNCTIONS: tuple[str, ...] = (
    "numpy.allclose", "numpy.argmax", "numpy.argmin", "numpy.argsort", "numpy.count_nonzero",
    "numpy.isclose", "numpy.ndim", "numpy.nonzero", "numpy.ones_like", "numpy.shape",
    "numpy.size", "numpy.zeros_like",
)
for _name in PRIMAL_ONLY_FUNCTIONS:
    if _name not in ("numpy.shape", "numpy.ndim", "numpy.size"):
        _function = getattr(np, _name.split(".")[1])
        ARRAY_FUNCTIONS[_function] = _primal_only(_function)


@_implements(np.full_like)
def full_like(a: Any, fill_value: Any, *args: Any, **kwargs: Any) -> Any:
    """``numpy.full_like``: a constant of ``a``'s shape (``fill_value`` may be a Dual)."""
    if isinstance(fill_value, Dual):
        return np.broadcast_to(fill_value, np.shape(a)).copy()
    return np.full_like(_strip(a), fill_value, *args, **kwargs)


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


# -- item assignment into an array Dual --------------------------------------------------


def setitem(a: Dual, index: Any, value: Any) -> Dual:
    """``a[index] = value`` without touching ``a``'s arrays: the result is a new Dual.

    The primal and tangent are copied (they may be views shared with other
    Duals, or with the caller's input), then assigned.
    """
    if isinstance(index, Dual) or (isinstance(index, tuple) and _as_dual_args(index)):
        raise InputError("an index cannot be a Dual: index with integers, slices or masks")
    tag, (pa, pv), (ta, tv), k = _gather([a, value])
    primal = pa.copy() if isinstance(pa, (np.ndarray, Dual)) else np.array(pa, dtype=float)
    if isinstance(pv, Dual) and not isinstance(primal, Dual):
        primal = _new(primal, 0.0, pv.tag)  # an outer-level value: the primal becomes a Dual
    primal[index] = pv
    if ta is None and tv is None:
        return _new(primal, 0.0, tag)
    tangent = _full(ta, pa, k)
    tangent = tangent.copy() if isinstance(tangent, (np.ndarray, Dual)) else tangent
    if isinstance(tangent, np.ndarray) and not tangent.flags.writeable:
        tangent = np.array(tangent)
    if tv is None:
        tv = 0.0
    if k is None:
        tangent[index] = tv
        return _new(primal, tangent, tag)
    # Put the directions axis last, where any index leaves it alone, assign, move it back.
    moved = np.moveaxis(tangent, 0, -1)
    idx = index if isinstance(index, tuple) else (index,)
    if isinstance(tv, float):
        update = tv
    elif _directions(pv, tv):
        update = np.moveaxis(tv, 0, -1)
    else:
        update = np.expand_dims(tv, -1)
    moved[idx + (slice(None),)] = update
    return _new(primal, np.moveaxis(moved, -1, 0), tag)


# -- the lists the README is checked against ---------------------------------------------


def _public_name(function: Any) -> str:
    module = getattr(function, "__module__", "") or ""
    prefix = "numpy.linalg." if "linalg" in module else "numpy."
    return prefix + function.__name__


#: Every NumPy function (not ufunc) with a forward rule for Duals, as "numpy.name".
SUPPORTED_FUNCTIONS: tuple[str, ...] = tuple(sorted(
    {_public_name(f) for f in ARRAY_FUNCTIONS} - set(PRIMAL_ONLY_FUNCTIONS)))

#: The ufuncs and ufunc methods beyond the rule table's rows (every rule-table
#: ufunc works on Duals too: see dualdiff.rules.UFUNCS).
SUPPORTED_UFUNCS: tuple[str, ...] = tuple(sorted(
    [f"numpy.{u.__name__}" for u in ARRAY_UFUNCS]
    + [f"numpy.{u.__name__}.{method}" for u, method in UFUNC_METHODS]))

del _name, _rule, _function
