"""The pieces every structural rule uses: levels, tangents with a directions axis, axes.

A rule gathers its arguments at one level (the largest tag), reads each tangent
at full shape (a constant's is None, or zeros where a join needs one) and names
axes by negative numbers, which mean the same trailing axes whether or not the
tangent has a leading directions axis.
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import numpy as np

from ..dual import ARRAY_FUNCTIONS, Dual, _ndim, _new, full_tangent
from ..errors import UnsupportedOperationError
from ..functions import GENERIC


def _implements(*functions: Callable[..., Any]) -> Callable[[Callable], Callable]:
    """Register an implementation for the NumPy functions given (those that exist)."""

    def register(implementation: Callable) -> Callable:
        for function in functions:
            if function is not None:
                ARRAY_FUNCTIONS[function] = implementation
        return implementation

    return register


_NOVALUE = getattr(np, "_NoValue", None)


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


def _count(a: Any, axes: tuple[int, ...]) -> int:
    """How many elements a reduction over ``axes`` combines."""
    shape = np.shape(a)
    return int(np.prod([shape[i] for i in axes])) if axes else 1
