"""Functions with no derivative (argmax, zeros_like ...) and item assignment into a Dual."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..dual import ARRAY_FUNCTIONS, Dual, _new
from ..errors import InputError
from ._base import _as_dual_args, _directions, _full, _gather, _implements, _strip


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
del _name, _function


@_implements(np.full_like)
def full_like(a: Any, fill_value: Any, *args: Any, **kwargs: Any) -> Any:
    """``numpy.full_like``: a constant of ``a``'s shape (``fill_value`` may be a Dual)."""
    if isinstance(fill_value, Dual):
        return np.broadcast_to(fill_value, np.shape(a)).copy()
    return np.full_like(_strip(a), fill_value, *args, **kwargs)


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
