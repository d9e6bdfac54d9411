"""The dual number ``Dual(primal, tangent)``: a value and its directional derivative(s).

Arithmetic on a Dual carries the tangent along by the chain rule::

    >>> from dualdiff import Dual, sin
    >>> x = Dual(2.0, 1.0)
    >>> x * x + 3
    Dual(7.0, 4.0)
    >>> sin(Dual(0.0, 1.0))
    Dual(0.0, 1.0)

The primal is a Python number, a NumPy array or (when derivatives are nested)
another Dual. The tangent has the primal's shape, or one extra *leading*
directions axis: ``Dual(2.0, np.array([1.0, 0.0]))`` carries two directional
derivatives at once, which is how :func:`~dualdiff.grad` gets a whole gradient
from one evaluation. A tangent may also be anything that broadcasts to that
shape (a constant added to a scalar Dual keeps the scalar tangent); readers call
:func:`full_tangent`.

Every elementary function is derived from the rule table: the generic functions
route a Dual here through :func:`functions.register`, each unary rule gets a
method (``d.sin()``, also what NumPy calls for object arrays), and
``__array_ufunc__`` maps NumPy ufuncs to rows. Only ``+ - * /`` and ``**`` are
written by hand, for speed and for the care ``**`` needs (see
:data:`dualdiff.rules.EXCEPTIONS`).

Where the C extension was built (:mod:`dualdiff.backend`), the Dual's base
class does the float case of those operators in C, and the generic functions
call a C kernel generated from each rule (:mod:`dualdiff.kernels`); the Python
methods here remain the reference and handle every other case, with the same
results bit for bit.

Nested Duals carry a *tag*: each :func:`~dualdiff.derivative` call makes a new,
larger tag, and a Dual with a smaller tag is a constant to one with a larger
tag, so nested derivatives do not confuse their perturbations.
"""

from __future__ import annotations

import itertools
import numbers
from sys import getrefcount
from typing import Any, Callable, NoReturn

import numpy as np

from .backend import DualSlots, new_instance, speedups
from .errors import DomainError, DualConversionError, InputError, UnsupportedOperationError
from .functions import GENERIC, float_partials, real_or_domain_error, register
from .rules import RULES, UFUNCS, Rule

__all__ = ["Dual", "full_tangent", "new_tag", "ARRAY_FUNCTIONS"]

_tags = itertools.count(1)


def new_tag() -> int:
    """A tag larger than every tag made before (for a new level of differentiation)."""
    return next(_tags)


#: NumPy function -> implementation on Duals, for ``__array_function__``.
#: Structural array operations register themselves here (see :mod:`dualdiff.arrays`).
ARRAY_FUNCTIONS: dict[Callable[..., Any], Callable[..., Any]] = {}

#: ufuncs that are not rows of the rule table (``np.matmul``) -> implementation,
#: and (ufunc, method) -> implementation for ``np.add.reduce`` and the like.
ARRAY_UFUNCS: dict[Any, Callable[..., Any]] = {}

_ADD, _SUB, _MUL, _DIV, _POW = (RULES[n] for n in ("add", "subtract", "multiply", "divide", "power"))


def _ndim(x: Any) -> int:
    if type(x) is float:
        return 0
    if isinstance(x, (np.ndarray, Dual)):
        return x.ndim
    return np.ndim(x)


def _lift(tangent: Any, primal_ndim: int, ndim: int) -> Any:
    """Make a tangent with a directions axis line up with a result of higher rank.

    The directions axis leads, so a tangent of shape (k,) + S broadcast against
    a value of more dimensions than S would put k in the wrong place: insert
    the missing axes after the directions axis.
    """
    if ndim > primal_ndim and _ndim(tangent) > primal_ndim:
        shape = np.shape(tangent)
        return tangent.reshape(shape[:1] + (1,) * (ndim - primal_ndim) + shape[1:])
    return tangent


def _ieee_partial(partial: Callable[..., Any], args: tuple) -> Any:
    # A partial that divides by zero on Python floats (sqrt' at 0) is
    # re-evaluated on NumPy scalars, which give inf or nan as IEEE says.
    with np.errstate(all="ignore"):
        result = partial(*(np.float64(a) if type(a) is float else a for a in args))
    return float(result) if type(result) is np.float64 else result


def _eval_partial(partial: Callable[..., Any], args: tuple) -> Any:
    try:
        return partial(*args)
    except (ZeroDivisionError, ValueError):
        return _ieee_partial(partial, args)


def _plain(x: Any) -> Any:
    """NumPy 0-d floats and ints become Python floats so the fast paths apply."""
    if isinstance(x, (np.float64, np.integer)):
        return float(x)
    return x


class Dual(DualSlots):
    """A dual number: ``primal + tangent·ε`` with ``ε² = 0``.

    Comparisons (``<``, ``<=``, ``>``, ``>=``, ``==``, ``!=``) compare primals
    only, so ordinary control flow (``if x > 0:``) works; a Dual is therefore not
    hashable. ``float(d)`` raises :class:`~dualdiff.errors.DualConversionError`
    rather than silently dropping the tangent.

    >>> d = Dual(3.0, 1.0)
    >>> d ** 2, d > 2
    (Dual(9.0, 6.0), True)
    """

    __slots__ = ()  # primal, tangent, tag: see dualdiff.backend

    def __init__(self, primal: Any, tangent: Any = 0.0, *, tag: int = 0) -> None:
        if type(primal) is float and type(tangent) is float:  # two floats: nothing to check
            self.primal = primal
            self.tangent = tangent
            self.tag = tag
            return
        primal = _as_primal(primal, "primal")
        tangent = _as_primal(tangent, "tangent")
        pshape, tshape = np.shape(primal), np.shape(tangent)
        if tshape not in (pshape, ()) and tshape[1:] != pshape:
            try:
                np.broadcast_shapes(tshape, pshape)
                ok = len(tshape) <= len(pshape)
            except ValueError:
                ok = False
            if not ok:
                raise InputError(
                    f"a tangent of shape {tshape} does not fit a primal of shape {pshape}: "
                    f"give it the primal's shape, or the shape (k,) + {pshape} for k directions"
                )
        self.primal = primal
        self.tangent = tangent
        self.tag = tag

    # -- display ----------------------------------------------------------
    def __repr__(self) -> str:
        tag = f", tag={self.tag}" if self.tag else ""
        return f"Dual({self.primal!r}, {self.tangent!r}{tag})"

    # -- conversions that would lose the tangent --------------------------
    def _refuse(self, kind: str) -> None:
        raise DualConversionError(
            f"cannot convert a Dual to {kind}: its tangent (the derivative) would be lost. "
            f"A function from the math module (math.sin, ...) or a float array "
            f"assignment (out[i] = dual) does this. Use dualdiff.sin or numpy.sin instead of "
            f"math.sin, build arrays of Duals with a list and numpy.stack, or take .primal "
            f"if you only want the value"
        )

    def __float__(self) -> float:
        self._refuse("float")

    def __int__(self) -> int:
        self._refuse("int")

    def __complex__(self) -> complex:
        self._refuse("complex")

    def __index__(self) -> int:
        self._refuse("an index")

    def __bool__(self) -> bool:
        return bool(self.primal)

    # -- comparisons act on the primal --------------------------------------
    def __lt__(self, other: Any) -> Any:
        return self.primal < (other.primal if isinstance(other, Dual) else other)

    def __le__(self, other: Any) -> Any:
        return self.primal <= (other.primal if isinstance(other, Dual) else other)

    def __gt__(self, other: Any) -> Any:
        return self.primal > (other.primal if isinstance(other, Dual) else other)

    def __ge__(self, other: Any) -> Any:
        return self.primal >= (other.primal if isinstance(other, Dual) else other)

    def __eq__(self, other: Any) -> Any:  # type: ignore[override]
        return self.primal == (other.primal if isinstance(other, Dual) else other)

    def __ne__(self, other: Any) -> Any:  # type: ignore[override]
        return self.primal != (other.primal if isinstance(other, Dual) else other)

    __hash__ = None  # type: ignore[assignment]  # equality is on the primal only

    def __reduce__(self) -> tuple:
        # copy and pickle: the slots may live in the compiled base, which the
        # default protocol does not see. _rebuild, not _new: a pickle must load
        # where the compiled module is missing too.
        return _rebuild, (self.primal, self.tangent, self.tag)

    # -- arithmetic: the hot path, by hand ----------------------------------
    # These methods are the reference implementation. With the compiled fast
    # path (dualdiff.backend) they are removed from the class after it is made,
    # and the compiled operators call them for everything but floats.
    # The float fast path: a Dual with a float primal and a float/int constant,
    # or two Duals of the same tag with float primals. Results are built inline
    # (object.__new__ and the three slots, what _new does, without its call:
    # ~70 ns of a ~190 ns operation). Aligned float arrays have their own branch;
    # everything else goes through _binary and the rule table.
    def __add__(self, other: Any) -> Dual:
        to = type(other)
        if to is Dual:
            if other.tag == self.tag:
                p, q = self.primal, other.primal
                if type(p) is float and type(q) is float:
                    r = _object_new(Dual)
                    r.primal, r.tangent, r.tag = p + q, self.tangent + other.tangent, self.tag
                    return r
                if type(p) is np.ndarray and _aligned(self, other):
                    return _new(p + q, self.tangent + other.tangent, self.tag)
        elif to is float or to is int:
            r = _object_new(Dual)
            r.primal, r.tangent, r.tag = self.primal + other, self.tangent, self.tag
            return r
        return _binary(_ADD, self, other)

    def __radd__(self, other: Any) -> Dual:
        to = type(other)
        if to is float or to is int:
            r = _object_new(Dual)
            r.primal, r.tangent, r.tag = other + self.primal, self.tangent, self.tag
            return r
        return _binary(_ADD, other, self)

    def __sub__(self, other: Any) -> Dual:
        to = type(other)
        if to is Dual:
            if other.tag == self.tag:
                p, q = self.primal, other.primal
                if type(p) is float and type(q) is float:
                    r = _object_new(Dual)
                    r.primal, r.tangent, r.tag = p - q, self.tangent - other.tangent, self.tag
                    return r
                if type(p) is np.ndarray and _aligned(self, other):
                    return _new(p - q, self.tangent - other.tangent, self.tag)
        elif to is float or to is int:
            r = _object_new(Dual)
            r.primal, r.tangent, r.tag = self.primal - other, self.tangent, self.tag
            return r
        return _binary(_SUB, self, other)

    def __rsub__(self, other: Any) -> Dual:
        to = type(other)
        if to is float or to is int:
            r = _object_new(Dual)
            r.primal, r.tangent, r.tag = other - self.primal, -self.tangent, self.tag
            return r
        return _binary(_SUB, other, self)

    def __mul__(self, other: Any) -> Dual:
        to = type(other)
        if to is Dual:
            if other.tag == self.tag:
                p, q = self.primal, other.primal
                if type(p) is float and type(q) is float:
                    r = _object_new(Dual)
                    r.primal, r.tag = p * q, self.tag
                    r.tangent = self.tangent * q + p * other.tangent
                    return r
                if type(p) is np.ndarray and _aligned(self, other):
                    return _multiply_arrays(self, other)
        elif to is float or to is int:
            r = _object_new(Dual)
            r.primal, r.tangent, r.tag = self.primal * other, self.tangent * other, self.tag
            return r
        return _binary(_MUL, self, other)

    def __rmul__(self, other: Any) -> Dual:
        to = type(other)
        if to is float or to is int:
            r = _object_new(Dual)
            r.primal, r.tangent, r.tag = other * self.primal, other * self.tangent, self.tag
            return r
        return _binary(_MUL, other, self)

    def __truediv__(self, other: Any) -> Dual:
        to = type(other)
        if to is Dual:
            if other.tag == self.tag:
                p, q = self.primal, other.primal
                if type(p) is float and type(q) is float:
                    if q == 0.0:
                        raise DomainError("divide", (p, q), _DIV.domain.text)
                    r = _object_new(Dual)
                    v = p / q
                    r.primal, r.tangent, r.tag = v, (self.tangent - v * other.tangent) / q, self.tag
                    return r
                if type(p) is np.ndarray and _aligned(self, other):
                    return _divide_arrays(self, other)
        elif to is float or to is int:
            if other == 0:
                if type(self.primal) is float:
                    raise DomainError("divide", (self.primal, other), _DIV.domain.text)
                return _binary(_DIV, self, float(other))  # arrays: NumPy's inf and warning
            r = _object_new(Dual)
            r.primal, r.tangent, r.tag = self.primal / other, self.tangent / other, self.tag
            return r
        return _binary(_DIV, self, other)

    def __rtruediv__(self, other: Any) -> Dual:
        to = type(other)
        if to is float or to is int:
            p = self.primal
            if type(p) is float:
                if p == 0.0:
                    raise DomainError("divide", (other, p), _DIV.domain.text)
                r = _object_new(Dual)
                v = other / p
                r.primal, r.tangent, r.tag = v, -v * self.tangent / p, self.tag
                return r
        return _binary(_DIV, other, self)

    def __pow__(self, other: Any) -> Dual:
        p, to = self.primal, type(other)
        if type(p) is float and (to is float or to is int):
            # x**c for a constant c, the common cases only. Anything unusual
            # (0**-1, (-8)**(1/3), an overflow, an inf or nan partial) goes to
            # _power, which knows every special case.
            try:
                v = p ** other
                d = 2.0 * p if other == 2 else 0.0 if other == 0 else other * p ** (other - 1.0)
            except (ZeroDivisionError, OverflowError):
                return _binary(_POW, self, other)
            if type(v) is float and d - d == 0.0:  # a complex v: negative base, fractional c
                r = _object_new(Dual)
                r.primal, r.tangent, r.tag = v, self.tangent * d, self.tag
                return r
        return _binary(_POW, self, other)

    def __rpow__(self, other: Any) -> Dual:
        return _binary(_POW, other, self)

    def __neg__(self) -> Dual:
        r = _object_new(Dual)
        r.primal, r.tangent, r.tag = -self.primal, -self.tangent, self.tag
        return r

    def __pos__(self) -> Dual:
        return self

    # -- //, % and divmod: piecewise, so refused with the formula to use --------
    def _piecewise(self, *args: Any) -> NoReturn:
        raise UnsupportedOperationError(
            "x // y, x % y and divmod(x, y) are piecewise (they jump at every multiple of y), "
            "so a Dual does not take them: write dd.floor(x / y) for the quotient (its "
            "derivative is 0) and x - y * dd.floor(x / y) for the remainder"
        )

    __floordiv__ = __rfloordiv__ = __mod__ = __rmod__ = __divmod__ = __rdivmod__ = _piecewise

    def __abs__(self) -> Dual:
        return GENERIC["abs"](self)

    def __floor__(self) -> Dual:
        return GENERIC["floor"](self)

    def __ceil__(self) -> Dual:
        return GENERIC["ceil"](self)

    # -- the array face: shape, indexing and the NumPy methods ----------------
    # Each method calls the NumPy function's rule (dualdiff.arrays), so a rule
    # is written once; the directions axis of the tangent, if any, stays first.
    @property
    def shape(self) -> tuple[int, ...]:
        """The primal's shape (the tangent may have one more, leading, axis)."""
        return np.shape(self.primal)

    @property
    def ndim(self) -> int:
        p = self.primal
        if type(p) is float:
            return 0
        return p.ndim if isinstance(p, (np.ndarray, Dual)) else np.ndim(p)

    @property
    def size(self) -> int:
        return int(np.size(self.primal))

    @property
    def dtype(self) -> np.dtype:
        """The primal's dtype (float64 for a Python float)."""
        p = self.primal
        return p.dtype if isinstance(p, (np.ndarray, Dual)) else np.result_type(p)

    @property
    def T(self) -> Dual:  # noqa: N802 -- NumPy's name
        """The transpose, as ``ndarray.T``."""
        return ARRAY_FUNCTIONS[np.transpose](self)

    @property
    def mT(self) -> Dual:  # noqa: N802 -- NumPy's name
        """The transpose of the last two axes, as ``ndarray.mT``."""
        return ARRAY_FUNCTIONS[np.swapaxes](self, -1, -2)

    def __len__(self) -> int:
        if _ndim(self.primal) == 0:
            raise TypeError("len() of a scalar Dual")
        return len(self.primal)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __getitem__(self, index: Any) -> Dual:
        """Basic and advanced indexing, slices and masks; the directions axis stays first."""
        p = self.primal
        if type(index) is int and type(p) is np.ndarray:  # x[i], the common case
            t = self.tangent
            if type(t) is np.ndarray:
                if t.shape == p.shape:
                    return _new(_plain(p[index]), _plain(t[index]), self.tag)
                if t.shape[1:] == p.shape:  # x[i] inside grad/jacobian: k directions
                    return _new(_plain(p[index]), t[:, index], self.tag)
        if isinstance(index, Dual) or (isinstance(index, tuple) and any(
                isinstance(i, Dual) for i in index)):
            raise InputError("an index cannot be a Dual: index with integers, slices or masks")
        tangent = full_tangent(self)
        value = p[index]
        if _ndim(tangent) == _ndim(p):
            return _new(_plain(value), _plain(tangent[index]), self.tag)
        index = index if type(index) is tuple else (index,)
        if all(_basic_index(i) for i in index):
            return _new(_plain(value), tangent[(slice(None),) + index], self.tag)
        # Advanced indices can move axes to the front: keep the directions axis
        # out of their way at the end, where an index never reaches.
        moved = np.moveaxis(tangent, 0, -1)[index + (slice(None),)]
        return _new(_plain(value), np.moveaxis(moved, -1, 0), self.tag)

    def __setitem__(self, index: Any, value: Any) -> None:
        """``d[index] = value``: copies the arrays first (they may be shared), then assigns."""
        result = _setitem(self, index, value)
        self.primal, self.tangent, self.tag = result.primal, result.tangent, result.tag

    def reshape(self, *shape: Any, order: str = "C") -> Dual:
        """The same numbers in a new shape (the directions axis, if any, stays first)."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return ARRAY_FUNCTIONS[np.reshape](self, shape, order=order)

    def ravel(self, order: str = "C") -> Dual:
        return ARRAY_FUNCTIONS[np.reshape](self, (-1,), order=order)

    flatten = ravel

    def transpose(self, *axes: Any) -> Dual:
        if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
            axes = axes[0]
        return ARRAY_FUNCTIONS[np.transpose](self, axes or None)

    def swapaxes(self, axis1: int, axis2: int) -> Dual:
        return ARRAY_FUNCTIONS[np.swapaxes](self, axis1, axis2)

    def squeeze(self, axis: Any = None) -> Dual:
        return ARRAY_FUNCTIONS[np.squeeze](self, axis)

    def copy(self) -> Dual:
        return ARRAY_FUNCTIONS[np.copy](self)

    def astype(self, dtype: Any, copy: bool = True) -> Dual:
        """A floating dtype keeps the derivative; any other would drop it and is refused."""
        if np.dtype(dtype).kind not in "fc":
            self._refuse(f"dtype {np.dtype(dtype)}")
        return ARRAY_FUNCTIONS[np.copy](self) if copy else self

    def item(self, *args: Any) -> Any:
        self._refuse("a Python number (.item())")

    def sum(self, axis: Any = None, dtype: Any = None, out: Any = None,
            keepdims: bool = False) -> Dual:
        return ARRAY_FUNCTIONS[np.sum](self, axis, dtype, out, keepdims)

    def mean(self, axis: Any = None, dtype: Any = None, out: Any = None,
             keepdims: bool = False) -> Dual:
        return ARRAY_FUNCTIONS[np.mean](self, axis, dtype, out, keepdims)

    def var(self, axis: Any = None, dtype: Any = None, out: Any = None, ddof: float = 0,
            keepdims: bool = False) -> Dual:
        return ARRAY_FUNCTIONS[np.var](self, axis, dtype, out, ddof, keepdims)

    def std(self, axis: Any = None, dtype: Any = None, out: Any = None, ddof: float = 0,
            keepdims: bool = False) -> Dual:
        return ARRAY_FUNCTIONS[np.std](self, axis, dtype, out, ddof, keepdims)

    def prod(self, axis: Any = None, dtype: Any = None, out: Any = None,
             keepdims: bool = False) -> Dual:
        return ARRAY_FUNCTIONS[np.prod](self, axis, dtype, out, keepdims)

    def cumsum(self, axis: Any = None, dtype: Any = None, out: Any = None) -> Dual:
        return ARRAY_FUNCTIONS[np.cumsum](self, axis, dtype, out)

    def max(self, axis: Any = None, out: Any = None, keepdims: bool = False) -> Dual:
        return ARRAY_FUNCTIONS[np.max](self, axis, out, keepdims)

    def min(self, axis: Any = None, out: Any = None, keepdims: bool = False) -> Dual:
        return ARRAY_FUNCTIONS[np.min](self, axis, out, keepdims)

    def argmax(self, axis: Any = None) -> Any:
        return np.argmax(_primal_of(self), axis)

    def argmin(self, axis: Any = None) -> Any:
        return np.argmin(_primal_of(self), axis)

    def clip(self, min: Any = None, max: Any = None) -> Dual:  # noqa: A002 -- NumPy's names
        return ARRAY_FUNCTIONS[np.clip](self, min, max)

    def dot(self, other: Any) -> Dual:
        return ARRAY_FUNCTIONS[np.dot](self, other)

    def __matmul__(self, other: Any) -> Dual:
        return ARRAY_UFUNCS[np.matmul](self, other)

    def __rmatmul__(self, other: Any) -> Dual:
        return ARRAY_UFUNCS[np.matmul](other, self)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        """Refuse to become a plain array, which would drop the tangent.

        ``np.array(..., dtype=object)`` asks for an object array of Duals and
        gets one; so does ``np.array([d1, d2])`` of *scalar* Duals (an object
        array, as the Jacobian accepts). An array Dual or any numeric dtype
        raises :class:`~dualdiff.errors.DualConversionError`.
        """
        if (dtype is None and _ndim(self.primal) == 0) or (
                dtype is not None and np.dtype(dtype) == object):
            return _object_array(self)
        raise DualConversionError(
            f"cannot convert a Dual of shape {self.shape} to a NumPy array: its tangent (the "
            f"derivative) would be lost. A Dual already behaves like an array, so drop "
            f"numpy.asarray/numpy.array on it (e.g. 'x = np.asarray(x)' at the top of the "
            f"function); to build an array from several Duals use numpy.stack([...]) or "
            f"numpy.concatenate; np.array(..., dtype=object) makes an object array of Duals"
        )

    # -- NumPy --------------------------------------------------------------
    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        if method != "__call__":
            implementation = ARRAY_UFUNCS.get((ufunc, method))
            if implementation is not None:
                return implementation(*inputs, **kwargs)
        if method != "__call__" or kwargs:
            raise UnsupportedOperationError(
                f"numpy.{ufunc.__name__}.{method}"
                f"{' with ' + ', '.join(kwargs) if kwargs else ''} has no forward rule for "
                f"Duals yet; call numpy.{ufunc.__name__}(...) without out=/where= arguments"
            )
        inputs = tuple(_plain(x) for x in inputs)
        rule = UFUNCS.get(ufunc)
        if rule is not None:
            return GENERIC[rule.name](*inputs)
        special = _SPECIAL_UFUNCS.get(ufunc) or ARRAY_UFUNCS.get(ufunc)
        if special is not None:
            return special(*inputs)
        if ufunc in _PRIMAL_ONLY_UFUNCS:  # comparisons and predicates: no derivative
            return ufunc(*(x.primal if isinstance(x, Dual) else x for x in inputs))
        raise UnsupportedOperationError(
            f"numpy.{ufunc.__name__} has no forward rule for Duals yet; the supported ufuncs "
            f"are those of dualdiff's rule table (see dualdiff.rules.RULES)"
        )

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        implementation = ARRAY_FUNCTIONS.get(func)
        if implementation is None:
            module = getattr(func, "__module__", None) or "numpy"
            module = module if module.startswith("numpy.") and "._" not in module else "numpy"
            raise UnsupportedOperationError(
                f"{module}.{func.__name__} has no forward rule for Duals yet, so it would lose the "
                f"derivative; write the computation with supported operations "
                f"(see the README's list of NumPy functions)"
            )
        return implementation(*args, **kwargs)


def _basic_index(i: Any) -> bool:
    """True for an index part that never reorders axes (int, slice, None, ...)."""
    return (i is None or i is Ellipsis or type(i) is slice or type(i) is int
            or isinstance(i, np.integer))


def _primal_of(x: Any) -> Any:
    """The plain value under every level of Dual."""
    while isinstance(x, Dual):
        x = x.primal
    return x


def _object_array(d: Dual) -> np.ndarray:
    """An object array of the scalar Duals in ``d`` (0-d for a scalar Dual)."""
    shape = d.shape
    out = np.empty(shape, dtype=object)
    if not shape:
        out[()] = d
    else:
        for index in np.ndindex(*shape):
            out[index] = d[index]
    return out


def _as_primal(value: Any, what: str) -> Any:
    if isinstance(value, Dual):
        return value
    if type(value) is float:
        return value
    if isinstance(value, (bool, np.bool_)):
        raise InputError(f"a Dual's {what} must be a number or an array of numbers, not a bool")
    if isinstance(value, numbers.Real) and not isinstance(value, np.generic):
        return float(value)
    if isinstance(value, (np.floating, np.integer)):
        return float(value)
    if isinstance(value, (complex, np.complexfloating)):
        return value
    try:
        array = np.asarray(value)
    except Exception:  # noqa: BLE001 -- any failure means "not numeric"
        array = None
    if array is None or array.dtype.kind not in "iufc":
        raise InputError(
            f"a Dual's {what} must be a number or an array of numbers, got "
            f"{type(value).__name__} {value!r:.60}"
        )
    return array.astype(float) if array.dtype.kind in "iu" else array


_object_new = new_instance


def _new(primal: Any, tangent: Any, tag: int) -> Dual:
    """Make a Dual without validation: the hot path's constructor."""
    d = _object_new(Dual)
    d.primal = primal
    d.tangent = tangent
    d.tag = tag
    return d


if speedups is not None:
    _new = speedups.new  # noqa: F811 -- the same, compiled (one call, no attribute stores)


def _rebuild(primal: Any, tangent: Any, tag: int) -> Dual:
    """Unpickle a Dual (see Dual.__reduce__)."""
    return _new(primal, tangent, tag)


def full_tangent(d: Dual) -> Any:
    """The tangent of ``d`` broadcast to its full shape (directions axis first, if any)."""
    t, p = d.tangent, d.primal
    pshape, tshape = np.shape(p), np.shape(t)
    has_directions = len(tshape) > len(pshape)
    shape = (tshape[:1] + pshape) if has_directions else pshape
    if tshape == shape:
        return t
    if has_directions:
        t = t.reshape(tshape[:1] + (1,) * (len(pshape) + 1 - len(tshape)) + tshape[1:])
    return np.broadcast_to(t, shape)


def _split(x: Any, tag: int) -> tuple[Any, Any]:
    """(primal, tangent) of ``x`` at the level ``tag``; a constant has no tangent (None)."""
    if isinstance(x, Dual) and x.tag == tag:
        return x.primal, x.tangent
    return x, None


def _unary_method(rule: Rule) -> Callable[[Dual], Dual]:
    """The Dual implementation of a one-argument rule: v = f(p), v̇ = f'(p)·ṗ.

    A float primal calls the rule's math function directly (the hot path);
    anything else (an array, an outer Dual) goes through the generic function.
    """
    generic = GENERIC[rule.name]
    real = rule.real
    partial = rule.partials[0]
    float_partial = float_partials(rule)[0]
    if not callable(partial):
        constant = partial

        def method(x: Dual) -> Dual:
            return _new(generic(x.primal), x.tangent * constant, x.tag)

    else:

        def method(x: Dual) -> Dual:
            p = x.primal
            if type(p) is float:
                try:
                    v = real(p)
                except (ValueError, ZeroDivisionError, OverflowError):
                    v = real_or_domain_error(rule, (p,))
                try:
                    d = float_partial(p, v)
                except (ZeroDivisionError, ValueError, OverflowError):
                    d = _eval_partial(partial, (p, v))  # the generic partial: IEEE inf or nan
                if d - d == 0.0:  # a finite partial: the common case, no check to pay
                    return _new(v, x.tangent * d, x.tag)
                return _new(v, _times(x.tangent, d), x.tag)
            v = generic(p)
            # _times reuses the partial's memory when only it holds the partial
            # (not when the partial is v or p itself: exp' = v).
            return _new(v, _times(x.tangent, _eval_partial(partial, (p, v))), x.tag)

    method.__name__ = rule.name
    method.__doc__ = f"{rule.name} of this Dual (see dualdiff.{rule.name})."
    return method


# -- large arrays: fewer temporaries ----------------------------------------------
# On big arrays the cost of an operation is mostly memory: every new array is
# fresh pages for the kernel to hand over. These helpers reuse a temporary that
# only they hold (its reference count says so), as NumPy's own temporary
# elision does, and skip the general rule machinery when both operands are
# plain float arrays whose tangents line up.


def _only_local_reference_count() -> int:
    probe = np.empty(1)
    return getrefcount(probe)


_ONLY_LOCAL = _only_local_reference_count()


def _fresh(d: Any, t: Any) -> bool:
    """Can ``d`` hold ``t * d``? (a writable float array of the product's shape)."""
    return (type(d) is np.ndarray and d.base is None and d.dtype.char == "d"
            and d.flags.writeable
            and (type(t) is float or (type(t) is np.ndarray and t.shape == d.shape
                                      and t.dtype.char == "d")))


def _times(t: Any, d: Any) -> Any:
    """The tangent times a partial: ``t * d``, NaN-safe, in ``d``'s memory when it can be.

    NaN-safe: a partial that is inf or nan (sqrt' at 0, ln of a negative base in
    x**y) gives 0 in every direction where ``t`` is exactly 0, so it cannot
    contaminate directions that do not move this argument: grad of
    ``sqrt(x) + y`` at (0, 1) is [inf, 1], not [inf, nan]. The check costs one
    subtraction for a float partial and ``np.isfinite`` for an array.

    In ``d``'s memory: when ``d`` is a temporary nobody else holds (its reference
    count says so; the caller passes it straight from the call that made it).
    """
    td = type(d)
    if td is float or td is complex:
        if d - d == 0.0:  # finite
            return t * d
    elif td is np.ndarray or isinstance(d, np.number):
        if d.dtype.kind not in "fc" or np.isfinite(d).all():
            if _fresh(d, t) and getrefcount(d) == _ONLY_LOCAL:
                return np.multiply(d, t, out=d)
            return t * d
    else:
        return t * d  # a Dual of an outer level: its own levels apply the rule
    with np.errstate(invalid="ignore"):  # 0·inf: _unmoved makes it 0
        return _unmoved(t, t * d)


def _aligned(a: Dual, b: Dual) -> bool:
    """Float arrays of equal rank, full tangents, both with or both without directions."""
    p, q, ta, tb = a.primal, b.primal, a.tangent, b.tangent
    return (type(q) is np.ndarray and type(ta) is np.ndarray and type(tb) is np.ndarray
            and p.ndim == q.ndim and p.dtype.char == "d" and q.dtype.char == "d"
            and ta.dtype.char == "d" and tb.dtype.char == "d"
            and ta.ndim - p.ndim == tb.ndim - q.ndim and ta.ndim - p.ndim in (0, 1)
            and ta.shape[ta.ndim - p.ndim:] == p.shape and tb.shape[tb.ndim - q.ndim:] == q.shape)


def _multiply_arrays(a: Dual, b: Dual) -> Dual:
    p, q = a.primal, b.primal
    if a is b:  # x * x: one product for the tangent, not two
        tangent = np.multiply(a.tangent, p)
        tangent *= 2.0
        return _new(p * p, tangent, a.tag)
    ta, tb = a.tangent, b.tangent
    if ta.shape == tb.shape == p.shape == q.shape:  # no directions, no broadcasting
        scratch = p * tb
        tangent = ta * q
        tangent += scratch
        return _new(np.multiply(p, q, out=scratch), tangent, a.tag)  # scratch is still warm
    tangent = ta * q
    tangent += p * tb
    return _new(p * q, tangent, a.tag)


def _divide_arrays(a: Dual, b: Dual) -> Dual:
    p, q = a.primal, b.primal
    value = p / q
    tangent = value * b.tangent
    np.subtract(a.tangent, tangent, out=tangent)
    tangent /= q
    return _new(value, tangent, a.tag)


def _binary(rule: Rule, a: Any, b: Any) -> Dual:
    """Any two-argument rule where at least one argument is a Dual.

    The larger tag is this level; the other argument, whatever it is, is a
    constant here (it may itself be a Dual of an outer level).
    """
    tag_a = a.tag if isinstance(a, Dual) else -1
    tag_b = b.tag if isinstance(b, Dual) else -1
    tag = tag_a if tag_a >= tag_b else tag_b
    pa, ta = _split(_plain(a), tag)
    pb, tb = _split(_plain(b), tag)
    if rule is _POW:
        return _power(pa, ta, pb, tb, tag)
    value = GENERIC[rule.name](pa, pb)
    return _new(value, _combine(rule.partials, (pa, pb), (ta, tb), value), tag)


def _combine(partials: tuple, args: tuple, tangents: tuple, value: Any) -> Any:
    """Σ ∂f/∂argᵢ · ṫᵢ over the arguments that carry a tangent."""
    ndim = _ndim(value)
    total = None
    for partial, arg, tangent in zip(partials, args, tangents):
        if tangent is None:
            continue
        tangent = _lift(tangent, _ndim(arg), ndim)
        if callable(partial):
            term = _times(tangent, _eval_partial(partial, args + (value,)))
        elif partial == 1.0:
            term = tangent
        elif partial == -1.0:
            term = -tangent
        else:
            term = tangent * partial
        total = term if total is None else total + term
    return total


def _power(p: Any, tp: Any, q: Any, tq: Any, tag: int) -> Dual:
    """``p ** q`` where the base, the exponent or both carry a tangent.

    A constant exponent never takes a logarithm (so (-2)**3 and 0**2 work), and
    the exponent's partial v·ln p is taken as 0 where v = 0 (its limit for a
    base tending to 0 with a positive exponent), instead of 0·(-inf) = nan.
    """
    power = GENERIC["power"]
    value = power(p, q)
    ndim = _ndim(value)
    total = None
    if tp is not None:
        tp = _lift(tp, _ndim(p), ndim)
        if tq is None and _is_scalar(q) and q == 2:
            total = _times(tp, 2.0 * p)
        elif tq is None and _is_scalar(q) and q == 0:
            total = tp * 0.0
        else:
            total = _times(tp, _eval_partial(lambda p, q: q * power(p, q - 1.0), (p, q)))
    if tq is not None:
        tq = _lift(tq, _ndim(q), ndim)
        term = _times(tq, _value_log_base(value, p))
        total = term if total is None else total + term
    return _new(value, total, tag)


def _unmoved(tangent: Any, product: Any) -> Any:
    """``tangent · partial`` with 0 where the tangent is 0, even if the partial is inf or nan.

    x**y has partials that are inf (0**0.5 in x) or nan (ln of a negative base,
    in y) where the other one is fine: a direction that does not move the
    argument must get 0 from it, or grad(x**y) at (-2, 3) is [nan, nan], not [12, nan].
    """
    if type(product) is float:
        return 0.0 if product != product and tangent == 0.0 else product
    if type(product) is np.ndarray and product.dtype.kind in "fc" and np.isnan(product).any():
        return np.where(np.asarray(tangent) == 0.0, 0.0, product)
    return product


def _is_scalar(x: Any) -> bool:
    return type(x) is float or type(x) is int


def _value_log_base(value: Any, base: Any) -> Any:
    """v·ln(base), with 0 where v == 0 (0**q for q > 0)."""
    if type(value) is float:
        if value == 0.0:
            return 0.0
        return _eval_partial(lambda v, b: v * GENERIC["log"](b), (value, base))
    if isinstance(value, np.ndarray):
        with np.errstate(all="ignore"):
            return np.where(value == 0.0, 0.0, value * np.log(base))
    core, b = value, base  # nested Duals: the same rules, read off the innermost primals
    while isinstance(core, Dual):
        core = core.primal
    while isinstance(b, Dual):
        b = b.primal
    if type(core) is float and isinstance(b, (int, float)):
        if core == 0.0:
            return 0.0
        if b < 0:  # no real logarithm: nan at every level, as for floats (not a DomainError)
            return value * float("nan")
    return value * GENERIC["log"](base)


def _implementation(rule: Rule) -> Callable[..., Dual]:
    """What a generic function does when an argument is a Dual."""
    if rule.arity == 1:
        return _UNARY[rule]
    return lambda a, b: _binary(rule, a, b)


_UNARY: dict[Rule, Callable[[Dual], Dual]] = {
    rule: _unary_method(rule) for rule in RULES.values() if rule.arity == 1
}

for _rule, _method in _UNARY.items():
    for _name in (_rule.name,) + _rule.aliases:
        if not hasattr(Dual, _name):
            setattr(Dual, _name, _method)
# NumPy calls these by their ufunc names on object arrays of Duals.
Dual.arcsin, Dual.arccos, Dual.arctan = Dual.asin, Dual.acos, Dual.atan
Dual.conjugate = Dual.conj = lambda self: self  # real Duals: np.conj on object arrays

if speedups is not None:
    # The Python operators above become the fallback of the compiled ones
    # (speedups.METHODS names those it covers), which then take over.
    speedups.install(Dual, {name: Dual.__dict__[name] for name in speedups.METHODS})
    for _name in speedups.METHODS:
        delattr(Dual, _name)


def _kernel(rule: Rule) -> Callable[[Dual], Dual | None] | None:
    """The compiled float fast path of a one-argument rule, if it has one (dualdiff.kernels)."""
    return speedups.kernel(rule.name) if speedups is not None else None


register(Dual, _implementation, inline=True, kernels=_kernel)  # the generic functions' float fast path

# Questions about the shape have the primal's answer.
ARRAY_FUNCTIONS[np.shape] = lambda a: np.shape(a.primal) if isinstance(a, Dual) else np.shape(a)
ARRAY_FUNCTIONS[np.ndim] = lambda a: _ndim(a)
ARRAY_FUNCTIONS[np.size] = lambda a, axis=None: np.size(
    a.primal if isinstance(a, Dual) else a, axis)

_SPECIAL_UFUNCS: dict[np.ufunc, Callable[..., Any]] = {
    np.square: lambda x: x * x,
    np.reciprocal: lambda x: 1.0 / x,
    np.conjugate: lambda x: x,
}

_PRIMAL_ONLY_UFUNCS = frozenset({
    np.greater, np.greater_equal, np.less, np.less_equal, np.equal, np.not_equal,
    np.isfinite, np.isinf, np.isnan, np.signbit, np.logical_and, np.logical_or,
    np.logical_not, np.logical_xor,
})

del _rule, _method, _name

# The structural rules register themselves into ARRAY_FUNCTIONS and ARRAY_UFUNCS.
from . import arrays as _arrays  # noqa: E402  (needs the names above)

_setitem = _arrays.setitem
ARRAY_UFUNCS.update(_arrays.UFUNC_METHODS)
