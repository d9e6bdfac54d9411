"""Derivatives at a point: :func:`derivative`, :func:`grad`, :func:`jacobian`, :func:`jvp`, :func:`hessian`.

Each seeds the input with a tangent, runs ``f`` once and reads the tangent of
the result. A gradient or Jacobian of an n-input function takes one evaluation
with n directions at once (a leading directions axis on the tangent). Each call
uses a fresh tag, so these functions nest: ``derivative`` of a function that
calls ``derivative`` is a second derivative, and no perturbations get confused.
"""

from __future__ import annotations

import numbers
from sys import getrefcount
from typing import Any, Callable

import numpy as np

from .dual import Dual, _new, _tags, full_tangent, new_tag
from .errors import InputError

__all__ = ["derivative", "grad", "jacobian", "jvp", "hessian"]

_next_tag = _tags.__next__  # new_tag() as a C call


def derivative(f: Callable[[Any], Any], x: float) -> Any:
    """The derivative f'(x) of a function of one scalar.

    ``f`` may return a scalar (the result is a float) or an array (the result
    has the output's shape).

    >>> import dualdiff as dd
    >>> dd.derivative(lambda x: x**3 + dd.sin(x), 0.0)
    1.0
    >>> dd.derivative(lambda x: dd.derivative(lambda y: y**3, x), 2.0)  # f''(2) of y**3
    12.0
    """
    if not callable(f):  # first: derivative(2.0, f) is a swap, not a bad point
        _check_callable(f, "derivative")
    if type(x) is not float:
        x = _scalar_point(x, "derivative", "Perhaps you meant grad(f, x) or jacobian(f, x)?")
    # next(_tags) is new_tag() without its Python call; _new is compiled where
    # the fast path is (dualdiff.backend): on a small scalar function these
    # calls were a third of the derivative's cost.
    tag = _next_tag()
    seed = _new(x, 1.0, tag)
    y = f(seed)
    if type(y) is Dual and y.tag == tag and type(y.tangent) is float and type(y.primal) is float:
        # The common case, without the general bookkeeping below. The primal
        # must be checked too: an array result may carry a broadcast scalar
        # tangent (np.ones(3) + x), whose derivative is an array, not a float.
        return y.tangent
    _, tangent = _output(y, tag, None, "derivative")
    return _result(tangent)


def grad(f: Callable[[Any], Any], x: Any) -> Any:
    """The gradient of a scalar function of an array, in one evaluation.

    ``f`` receives an array Dual of ``x``'s shape (indexing, ``len``, iteration
    and NumPy functions work on it) and must return a scalar. The gradient has
    ``x``'s shape.

    >>> import dualdiff as dd, numpy as np
    >>> dd.grad(lambda x: dd.log(x[0]) + x[0] * x[1] - dd.sin(x[1]), [2.0, 5.0])
    array([5.5       , 1.71633781])
    """
    _check_callable(f, "grad")
    x = _array_point(x, "grad", "Perhaps you meant derivative(f, x)?")
    n, tag = _size(x), new_tag()
    value, tangent = _output(f(_new(x, _seeds(x, n), tag)), tag, n, "grad")
    if np.ndim(value) != 0:
        raise InputError(
            f"grad needs f to return a scalar, but f returned shape {np.shape(value)}. "
            f"Perhaps you meant jacobian(f, x)?"
        )
    return _result(tangent.reshape(_shape(x)))


def jacobian(f: Callable[[Any], Any], x: Any) -> Any:
    """The Jacobian of an array function of an array, in one evaluation.

    ``f`` may return an array Dual, or a list/tuple/ndarray of Duals and
    numbers. The result has shape ``output.shape + x.shape``: for 1-D input
    and output, the m x n matrix with ``J[i, j] = ∂f_i/∂x_j``.

    >>> import dualdiff as dd
    >>> dd.jacobian(lambda x: [x[0] * x[1], x[0] + x[1]], [2.0, 3.0])
    array([[3., 2.],
           [1., 1.]])
    """
    _check_callable(f, "jacobian")
    x = _array_point(x, "jacobian", "Perhaps you meant derivative(f, x)?")
    shape = _shape(x)
    n, tag = _size(x), new_tag()
    value, tangent = _output(f(_new(x, _seeds(x, n), tag)), tag, n, "jacobian")
    return _result(np.moveaxis(tangent, 0, -1).reshape(np.shape(value) + shape))


def jvp(f: Callable[[Any], Any], x: Any, v: Any) -> tuple[Any, Any]:
    """``(f(x), J(x)·v)``: the value and the directional derivative along ``v``, in one evaluation.

    ``x`` and ``v`` are both scalars or both arrays of the same shape.

    >>> import dualdiff as dd
    >>> dd.jvp(lambda x: x[0] * x[1], [2.0, 3.0], [1.0, 1.0])
    (6.0, 5.0)
    """
    _check_callable(f, "jvp")
    if _is_scalar_like(x):
        x = _scalar_point(x, "jvp", "")
        if not _is_scalar_like(v):
            raise InputError(
                f"jvp needs a direction v like x: x is a scalar, so v must be a number, "
                f"got {_describe(v)}"
            )
        v = _scalar_point(v, "jvp", "")
    else:
        x = _array_point(x, "jvp", "")
        v = _direction(v, _shape(x))
    tag = new_tag()
    value, tangent = _output(f(_new(x, v, tag)), tag, None, "jvp")
    return _result(value), _result(tangent)


def hessian(f: Callable[[Any], Any], x: Any) -> Any:
    """The Hessian of a scalar function: the Jacobian of its gradient, by nesting.

    For a scalar ``x`` the result is f''(x); for an array ``x`` it has shape
    ``x.shape + x.shape``.

    >>> import dualdiff as dd
    >>> dd.hessian(lambda x: x[0]**3 - 3*x[0] + x[1]**2, [1.0, 0.0])
    array([[6., 0.],
           [0., 2.]])
    """
    _check_callable(f, "hessian")
    if _is_scalar_like(x):
        return derivative(lambda z: derivative(f, z), x)
    return jacobian(lambda z: grad(f, z), x)


# -- helpers ------------------------------------------------------------------


def _check_callable(f: Any, caller: str) -> None:
    if not callable(f):
        raise InputError(
            f"{caller}(f, x) needs a function f as its first argument, got "
            f"{type(f).__name__} {f!r:.40}; did you swap f and x?"
        )


def _is_scalar_like(x: Any) -> bool:
    if isinstance(x, Dual):
        return np.ndim(x.primal) == 0
    return isinstance(x, (numbers.Number, np.generic)) or (
        isinstance(x, np.ndarray) and x.ndim == 0
    )


def _scalar_point(x: Any, caller: str, hint: str) -> Any:
    if isinstance(x, Dual):
        if np.ndim(x.primal) == 0:
            return x
    elif isinstance(x, (bool, np.bool_)):
        pass
    elif isinstance(x, (numbers.Real, np.floating, np.integer)):
        return float(x)
    elif isinstance(x, (numbers.Complex, np.complexfloating)):
        return complex(x)
    elif isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind in "iuf":
        return float(x)
    shape = np.shape(x) if isinstance(x, (list, tuple, np.ndarray, Dual)) else None
    if shape:  # the hint (grad? jacobian?) is for array points only, not for "a" or None
        raise InputError(f"{caller} needs a scalar point x, got an array of shape {shape}. {hint}"
                         .rstrip())
    raise InputError(
        f"{caller} needs a scalar point x (a real or complex number), got {_describe(x)}"
    )


def _describe(x: Any) -> str:
    if isinstance(x, (list, tuple, np.ndarray, Dual)) and np.shape(x):
        return f"an array of shape {np.shape(x)}"
    return f"{type(x).__name__} {x!r:.40}"


def _direction(v: Any, shape: tuple[int, ...]) -> Any:
    """jvp's direction for an array point: numbers of x's shape (a Dual when nested)."""
    if isinstance(v, Dual):
        array = v
    elif _is_scalar_like(v):
        array = None
    else:
        try:
            array = np.asarray(v)
        except Exception:  # noqa: BLE001 -- ragged lists and the like
            array = None
        if array is not None and array.dtype.kind not in "iufc":
            raise InputError(
                f"jvp needs a direction v of numbers, of x's shape {shape}; got "
                f"{type(v).__name__} {v!r:.40}"
            )
    if array is None or np.shape(array) != shape:
        raise InputError(f"jvp needs a direction v of x's shape {shape}, got {_describe(v)}")
    return array.astype(float) if isinstance(array, np.ndarray) and array.dtype.kind in "iu" else array


def _array_point(x: Any, caller: str, hint: str) -> Any:
    if isinstance(x, Dual):
        if np.ndim(x.primal) == 0:
            raise InputError(f"{caller} needs an array point x, got a scalar Dual. {hint}")
        return x
    if _is_scalar_like(x):
        raise InputError(
            f"{caller} needs an array point x (a list or NumPy array), got the scalar {x!r}. {hint}"
            .rstrip()
        )
    try:
        array = np.asarray(x)
    except Exception:  # noqa: BLE001 -- ragged lists and the like: not a point
        array = None
    if array is None or array.dtype.kind not in "iufc":
        raise InputError(
            f"{caller} needs x to be an array of numbers, got {type(x).__name__} {x!r:.60}"
        )
    if array.size == 0:
        raise InputError(f"{caller} needs a non-empty point x, got an empty array")
    return array.astype(float) if array.dtype.kind in "iu" else array


def _shape(x: Any) -> tuple[int, ...]:
    return np.shape(x.primal) if isinstance(x, Dual) else x.shape


def _size(x: Any) -> int:
    """The number of elements of the point x (an ndarray or an array Dual)."""
    return x.size if type(x) is np.ndarray else int(np.prod(_shape(x)))


def _seeds(x: Any, n: int) -> np.ndarray:
    """n unit directions, one per element of x: shape (n,) + x.shape."""
    return np.eye(n).reshape((n,) + _shape(x))


def _output(y: Any, tag: int, directions: int | None, caller: str) -> tuple[Any, Any]:
    """(value, tangent) of f's result at level ``tag``; the tangent has full shape."""
    if isinstance(y, Dual):
        if y.tag == tag:
            return y.primal, full_tangent(y)
        if y.tag > tag:
            raise InputError(
                f"f returned a Dual from a derivative that was never finished (tag {y.tag}); "
                f"return plain numbers or Duals built from {caller}'s input"
            )
        return y, _zeros(y, directions)
    if isinstance(y, (list, tuple)) or (isinstance(y, np.ndarray) and y.dtype == object):
        if len(y) == 0:
            raise InputError(f"f returned an empty {type(y).__name__}; {caller} needs output")
        parts = [_output(item, tag, directions, caller) for item in y]
        values = _stack([value for value, _ in parts], 0)
        tangents = _stack([tangent for _, tangent in parts], 0 if directions is None else 1)
        return values, tangents
    if isinstance(y, (numbers.Number, np.generic)) and not isinstance(y, (bool, np.bool_)):
        return y, _zeros(y, directions)
    if isinstance(y, np.ndarray) and y.dtype.kind in "iufc":
        return y, _zeros(y, directions)
    raise InputError(
        f"f returned {type(y).__name__} {y!r:.40}; {caller} needs f to return a number, an "
        f"array, or Duals computed from its input"
    )


def _zeros(value: Any, directions: int | None) -> np.ndarray | float:
    shape = np.shape(value)
    if directions is not None:
        shape = (directions,) + shape
    return np.zeros(shape) if shape else 0.0


def _stack(items: list[Any], axis: int) -> Any:
    if any(isinstance(item, Dual) for item in items):
        return np.stack(items, axis=axis)  # a Dual rule (see arrays.py)
    return np.stack([np.asarray(item) for item in items], axis=axis)


def _result(x: Any) -> Any:
    """Python float for a scalar, a fresh (writable) array otherwise.

    An array that only the caller's local variable holds (one f computed anew,
    not the input, a view or a global) is already fresh: on a million points
    the copy would cost as much as a few arithmetic operations.
    """
    if isinstance(x, Dual):
        return x
    if np.ndim(x) == 0:
        return complex(x) if np.iscomplexobj(x) else float(x)
    if (type(x) is np.ndarray and x.base is None and x.flags.writeable
            and getrefcount(x) <= _HELD_BY_CALLER_ONLY):
        return x
    return np.array(x)


def _count_references(a: Any) -> int:
    return getrefcount(a)


def _held_by_caller_only() -> int:
    """The reference count _result sees for an array that one local of its caller holds."""
    probe = np.empty(1)
    return _count_references(probe)


_HELD_BY_CALLER_ONLY = _held_by_caller_only()
