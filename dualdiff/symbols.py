"""Running the user's function on SymPy symbols: :class:`Sym`, :class:`SymArray`.

:func:`symbolic_function` calls ``f`` the way :func:`~dualdiff.derivative` does
(one symbol ``x`` for a scalar point, an array of symbols ``x0, x1, ...`` of
the point's shape for an array point) and returns the SymPy expression(s) of its
output. :mod:`dualdiff.symbolic` differentiates them.

**Which symbols f sees.** SymPy expressions themselves do not work with NumPy
ufuncs (``np.sin(sympy.Symbol("x"))`` is a ``TypeError``) and give a cryptic
``TypeError`` on ``if x > 0``. So ``f`` receives :class:`Sym` wrappers (and, for
an array point, a :class:`SymArray`: a NumPy object array of them). They route
the generic functions (``dd.sin``), the NumPy ufuncs (``np.sin``, ``np.maximum``,
``np.sum``, ``x @ w``, ``np.linalg.norm``), the statistics ``np.mean``,
``np.var`` and ``np.std`` (over any axes, ``keepdims``, ``ddof``), indexing and
arithmetic to SymPy through the rule table, and turn what has no formula into a
:class:`~dualdiff.errors.SymbolicError` that says why: a data-dependent branch
(``if x > 0``), a conversion to a Python number (``math.sin(x)``, ``float(x)``,
assigning into a float array), or, by name, the NumPy function that does not
work on symbols (``np.median`` sorts, ``np.isnan`` has no object loop). A
comparison SymPy can decide for every real input (``x**2 >= 0``) is not a
branch and works.

**Exact point.** A float coordinate (and a float constant in f's code) becomes
the shortest decimal that reads back as the same float, as an exact rational:
``0.1`` is ``1/10``, the number the user typed, which keeps formulas readable.
It differs from the binary double by less than half an ulp, far below every
error the comparison measures; ``point="binary"`` uses the double's exact
binary value instead (``0.1`` is ``3602879701896397/36028797018963968``).
"""

from __future__ import annotations

import math
import numbers
import operator
import threading
from typing import Any, Callable

import numpy as np
import sympy

from .errors import InputError, SymbolicError
from .functions import register
from .rules import RULES, UFUNCS, Rule

__all__ = ["Sym", "SymArray", "exact_number", "symbolic_function", "check_names"]


class _Cancelled(BaseException):
    """Raised inside an abandoned worker at its next checkpoint (never seen by users)."""


# -- exact numbers ------------------------------------------------------------


def exact_number(value: Any, point: str = "decimal") -> sympy.Expr:
    """A Python/NumPy number as an exact SymPy number.

    ``point="decimal"``: a float becomes the shortest decimal that reads back as
    the same float (``0.1`` -> ``1/10``); ``"binary"``: its exact binary value.

    >>> exact_number(0.1), exact_number(2.0), exact_number(0.5, "binary")
    (1/10, 2, 1/2)
    """
    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, (bool, np.bool_)):
        return sympy.Integer(int(value))
    if isinstance(value, (numbers.Integral, np.integer)):
        return sympy.Integer(int(value))
    if isinstance(value, (numbers.Real, np.floating)):
        value = float(value)
        if math.isnan(value):
            return sympy.nan
        if math.isinf(value):
            return sympy.oo if value > 0 else -sympy.oo
        return sympy.Rational(repr(value)) if point == "decimal" else sympy.Rational(value)
    if isinstance(value, (numbers.Complex, np.complexfloating)):
        value = complex(value)
        return exact_number(value.real, point) + sympy.I * exact_number(value.imag, point)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return exact_number(value.item(), point)
    raise TypeError(f"not a number: {type(value).__name__}")


# -- running f on symbols -----------------------------------------------------


class _Run:
    """What all the Syms of one run share: the constant mode, an operation count, a stop flag."""

    def __init__(self, point: str = "decimal") -> None:
        self.point = point
        self.operations = 0
        self.cancelled = False

    def checkpoint(self) -> None:
        if self.cancelled:
            raise _Cancelled()


_NO_FORMULA = (
    "the symbolic side needs a function written with dualdiff or NumPy functions (dd.sin, "
    "np.sin, np.maximum, ...) and no data-dependent control flow"
)


class _Condition:
    """The result of comparing a Sym: a SymPy relation that refuses to be a Python bool."""

    __slots__ = ("relation",)

    def __init__(self, relation: Any) -> None:
        self.relation = relation

    def __bool__(self) -> bool:
        if self.relation in (sympy.true, sympy.false) or isinstance(self.relation, bool):
            return bool(self.relation)  # decided for every real input: not a branch
        error = SymbolicError(
            f"f branches on the value of its input ({self.relation}): a data-dependent `if` "
            f"has no single formula; {_NO_FORMULA}"
        )
        error.relation = self.relation  # so _array_function can say "numpy.sort compares ..."
        raise error

    def __repr__(self) -> str:
        return f"_Condition({self.relation})"


def _expr(value: Any, run: _Run) -> Any:
    """A SymPy expression for an operand (a Sym's, or an exact constant)."""
    if isinstance(value, Sym):
        return value.expr
    if isinstance(value, sympy.Basic):
        return value
    try:
        return exact_number(value, run.point)
    except TypeError:
        raise SymbolicError(
            f"f combined a symbol with {type(value).__name__} {value!r:.60}, which has no "
            f"SymPy form; {_NO_FORMULA}"
        ) from None


def _run_of(args: tuple) -> _Run:
    for a in args:
        if isinstance(a, Sym):
            return a.run
        if isinstance(a, np.ndarray) and a.dtype == object:
            for item in a.flat:
                if isinstance(item, Sym):
                    return item.run
    return _Run()


def _plain(a: Any) -> Any:
    """An ndarray argument as a plain ndarray (so object loops do not come back here)."""
    if isinstance(a, SymArray):
        return a.view(np.ndarray)
    if isinstance(a, Sym):  # inside a 0-d array NumPy no longer asks it to handle the ufunc
        box = np.empty((), dtype=object)
        box[()] = a
        return box
    if isinstance(a, (list, tuple)):
        return np.array(a, dtype=object)
    return a


def _wrap(result: Any) -> Any:
    if isinstance(result, np.ndarray):
        if result.ndim == 0:
            return result.item()
        if result.dtype == object:
            return result.view(SymArray)
    return result


def _apply(rule: Rule, args: tuple) -> Any:
    """A rule applied to symbolic arguments; elementwise when one of them is an array."""
    if any(isinstance(a, np.ndarray) and a.ndim > 0 for a in args):
        elementwise = np.frompyfunc(lambda *xs: _apply(rule, xs), rule.arity, 1)
        return _wrap(elementwise(*(_plain(a) for a in args)))
    args = tuple(a.item() if isinstance(a, np.ndarray) else a for a in args)
    run = _run_of(args)
    run.checkpoint()
    if not any(isinstance(a, Sym) for a in args):  # constants only: a constant result
        return rule.sympy(*(_expr(a, run) for a in args))
    run.operations += 1
    return Sym(rule.sympy(*(_expr(a, run) for a in args)), run)


class Sym:
    """A SymPy expression that behaves like a number in user code (see the module docstring).

    >>> import numpy as np
    >>> x = Sym(sympy.Symbol("x"))
    >>> np.sin(x) * 2 + x ** 2
    Sym(x**2 + 2*sin(x))
    """

    __slots__ = ("expr", "run")
    __array_priority__ = 1000  # NumPy defers to our reflected operators

    def __init__(self, expr: Any, run: _Run | None = None) -> None:
        self.expr = sympy.sympify(expr)
        self.run = run if run is not None else _Run()

    def __repr__(self) -> str:
        return f"Sym({self.expr})"

    # arithmetic: every operation is one rule of the table
    def _op(self, name: str, a: Any, b: Any) -> Any:
        return _apply(RULES[name], (a, b))

    def __add__(self, o): return self._op("add", self, o)
    def __radd__(self, o): return self._op("add", o, self)
    def __sub__(self, o): return self._op("subtract", self, o)
    def __rsub__(self, o): return self._op("subtract", o, self)
    def __mul__(self, o): return self._op("multiply", self, o)
    def __rmul__(self, o): return self._op("multiply", o, self)
    def __truediv__(self, o): return self._op("divide", self, o)
    def __rtruediv__(self, o): return self._op("divide", o, self)
    def __pow__(self, o): return self._op("power", self, o)
    def __rpow__(self, o): return self._op("power", o, self)
    def __neg__(self): return _apply(RULES["negative"], (self,))
    def __pos__(self): return self
    def __abs__(self): return _apply(RULES["abs"], (self,))
    def __floor__(self): return _apply(RULES["floor"], (self,))
    def __ceil__(self): return _apply(RULES["ceil"], (self,))

    # comparisons give conditions, which refuse to decide an `if`
    def _compare(self, other: Any, relation: Callable) -> _Condition:
        return _Condition(relation(self.expr, _expr(other, self.run)))

    def __lt__(self, o): return self._compare(o, sympy.Lt)
    def __le__(self, o): return self._compare(o, sympy.Le)
    def __gt__(self, o): return self._compare(o, sympy.Gt)
    def __ge__(self, o): return self._compare(o, sympy.Ge)
    def __eq__(self, o): return self._compare(o, sympy.Eq)  # type: ignore[override]
    def __ne__(self, o): return self._compare(o, sympy.Ne)  # type: ignore[override]
    __hash__ = None  # type: ignore[assignment]

    # conversions that would need a number
    def _refuse(self, kind: str) -> Any:
        raise SymbolicError(
            f"f converts its input to {kind} (float(), int(), a math-module function such as "
            f"math.sin, or assigning into a float array): a symbol {self.expr} has no numeric "
            f"value; {_NO_FORMULA}"
        )

    def __float__(self): return self._refuse("a Python float")
    def __int__(self): return self._refuse("a Python int")
    def __complex__(self): return self._refuse("a Python complex")
    def __index__(self): return self._refuse("an index")
    def __bool__(self): return bool(_Condition(sympy.Ne(self.expr, 0)))

    def conjugate(self) -> "Sym":  # real symbols; NumPy calls it on object arrays
        return self

    conj = conjugate

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return _ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Any, types: tuple, args: tuple, kwargs: dict) -> Any:
        implementation = getattr(func, "_implementation", None) or func.__wrapped__
        return _array_function(func, lambda: implementation(*args, **kwargs), args, kwargs)


#: Ufuncs that are not rows of the table but have an obvious form.
_SPECIAL = {
    np.square: (1, lambda x: x * x),
    np.reciprocal: (1, lambda x: 1 / x),
    np.conjugate: (1, lambda x: x),
}


def _ufunc(ufunc: np.ufunc, method: str, inputs: tuple, kwargs: dict) -> Any:
    """NumPy ufuncs on Syms and SymArrays: table rows elementwise through SymPy."""
    out = kwargs.get("out")
    plain = tuple(_plain(a) for a in inputs)
    rule = UFUNCS.get(ufunc)
    if rule is not None:
        replacement = np.frompyfunc(lambda *xs: _apply(rule, xs), rule.arity, 1)
    elif ufunc in _SPECIAL:
        nin, function = _SPECIAL[ufunc]
        replacement = np.frompyfunc(function, nin, 1)
    else:  # matmul, comparisons, ...: NumPy's object loops call our operators
        replacement = ufunc
    where = kwargs.get("where", True) if method == "__call__" and out is not None else True
    dropped = ("out", "dtype", "casting") + (("where",) if where is not True else ())
    kwargs = {k: v for k, v in kwargs.items() if k not in dropped}  # where= applies on writing
    try:
        if method == "reduce":
            result = _reduce(ufunc, replacement, plain[0], kwargs)
        else:
            result = getattr(replacement, method)(*plain, **kwargs)
    except (SymbolicError, _Cancelled):
        raise
    except Exception as error:  # noqa: BLE001 -- e.g. np.isnan: no object loop for symbols
        name = ufunc.__name__ + ("" if method == "__call__" else f".{method}")
        raise _unsupported(f"numpy.{name}", error) from error
    if out is not None:
        return _write(f"numpy.{ufunc.__name__}", out, result, where)
    return _wrap(result)


def _write(name: str, out: Any, result: Any, where: Any) -> Any:
    """NumPy's ``out=``: the result stored into the given array(s), which are returned.

    An object array (a SymArray, or what NumPy's own code allocates) holds
    symbols; a float array cannot.
    """
    outs = out if isinstance(out, tuple) else (out,)
    results = result if isinstance(result, tuple) else (result,)
    for target, value in zip(outs, results):
        if target is None:
            continue
        if not isinstance(target, np.ndarray) or target.dtype != object:
            raise SymbolicError(
                f"f calls {name}(..., out=...) with a {getattr(target, 'dtype', type(target))} "
                f"array, which cannot hold symbols; leave out= away and use the returned value")
        np.copyto(target.view(np.ndarray), _plain(value), casting="unsafe", where=where)
    return out if not isinstance(out, tuple) or len(out) > 1 else out[0]


# -- reductions over several axes, and the statistics built on them -----------


_REORDERABLE: dict[np.ufunc, bool] = {}


def _reorderable(ufunc: np.ufunc) -> bool:
    """Whether NumPy reduces ``ufunc`` over several axes at once (add, multiply, maximum)."""
    if ufunc not in _REORDERABLE:
        try:
            ufunc.reduce(np.ones((1, 1)), axis=None)
            _REORDERABLE[ufunc] = True
        except (TypeError, ValueError):
            _REORDERABLE[ufunc] = False
    return _REORDERABLE[ufunc]


def _axes(axis: Any, ndim: int) -> tuple[int, ...]:
    """``axis`` (None, an int or a tuple, negatives allowed) as sorted non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
    result = []
    for a in axes:
        a = operator.index(a)
        if not -ndim <= a < ndim:
            raise np.exceptions.AxisError(a, ndim) if hasattr(np, "exceptions") else \
                ValueError(f"axis {a} is out of bounds for array of dimension {ndim}")
        result.append(a % ndim if ndim else a)
    if len(set(result)) != len(result):
        raise ValueError(f"duplicate value in 'axis': {axis}")
    return tuple(sorted(result))


def _reduce(ufunc: np.ufunc, replacement: Any, array: Any, kwargs: dict) -> Any:
    """``ufunc.reduce`` by ``replacement``, over several axes where ``ufunc`` allows it.

    A ``frompyfunc`` replacement is never "reorderable" to NumPy, so ``np.sum(x)``
    of a matrix would fail; the axes to reduce are moved last and merged into one.
    """
    array = np.asarray(array) if not isinstance(array, np.ndarray) else array
    axes = _axes(kwargs.get("axis", 0), array.ndim)
    if len(axes) < 2 or replacement is ufunc or not _reorderable(ufunc):
        return replacement.reduce(array, **kwargs)
    rest = tuple(d for d in range(array.ndim) if d not in axes)
    order = rest + axes
    merged = tuple(array.shape[d] for d in rest) + (math.prod(array.shape[d] for d in axes),)
    options = {k: v for k, v in kwargs.items() if k not in ("axis", "keepdims", "where")}
    if kwargs.get("where", True) is not True:
        where = np.broadcast_to(kwargs["where"], array.shape)
        options["where"] = where.transpose(order).reshape(merged)
    result = replacement.reduce(array.transpose(order).reshape(merged), axis=-1, **options)
    if kwargs.get("keepdims", False):
        kept = tuple(1 if d in axes else n for d, n in enumerate(array.shape))
        boxed = np.empty((), dtype=object)
        if not isinstance(result, np.ndarray):
            boxed[()] = result
            result = boxed
        result = result.reshape(kept)
    return result


def _symbolic_array(a: Any) -> SymArray:
    """Any operand (Sym, SymArray, list, number) as a SymArray, possibly 0-d."""
    return np.asarray(_plain(a), dtype=object).view(SymArray)


def _statistic_options(name: str, out: Any, where: Any) -> None:
    if out is not None:
        raise SymbolicError(
            f"numpy.{name}(..., out=...) on symbols is not supported; use the returned value "
            f"(y = np.{name}(x, ...))")
    if where is not True and where is not np._NoValue:
        raise SymbolicError(
            f"numpy.{name}(..., where=...) on symbols is not supported; select the elements "
            f"first (np.{name}(x[mask], ...))")


def _mean(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, keepdims: bool = False,
          *, where: Any = True) -> Any:
    """``np.mean`` on symbols: the sum over ``axis`` divided by the exact count."""
    _statistic_options("mean", out, where)
    array = _symbolic_array(a)
    count = math.prod(array.shape[d] for d in _axes(axis, array.ndim))
    total = _ufunc(np.add, "reduce", (array,), {"axis": axis, "keepdims": bool(keepdims)})
    return _apply(RULES["divide"], (total, count))


def _var(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: Any = 0,
         keepdims: bool = False, *, where: Any = True, mean: Any = np._NoValue,
         correction: Any = np._NoValue) -> Any:
    """``np.var`` on symbols: Σ(x - mean)² / (N - ddof) over ``axis``, as NumPy defines it."""
    return _variance("var", a, axis, out, ddof, keepdims, where, mean, correction)


def _std(a: Any, axis: Any = None, dtype: Any = None, out: Any = None, ddof: Any = 0,
         keepdims: bool = False, *, where: Any = True, mean: Any = np._NoValue,
         correction: Any = np._NoValue) -> Any:
    """``np.std`` on symbols: the square root of :func:`_var`."""
    variance = _variance("std", a, axis, out, ddof, keepdims, where, mean, correction)
    return _apply(RULES["sqrt"], (variance,))


def _variance(name: str, a: Any, axis: Any, out: Any, ddof: Any, keepdims: bool, where: Any,
              mean: Any, correction: Any) -> Any:
    _statistic_options(name, out, where)
    if correction is not np._NoValue:
        if ddof != 0:
            raise ValueError("ddof and correction can't be provided simultaneously.")
        ddof = correction
    array = _symbolic_array(a)
    count = math.prod(array.shape[d] for d in _axes(axis, array.ndim))
    if count - ddof <= 0:
        raise SymbolicError(
            f"numpy.{name} with ddof={ddof} of {count} element(s) divides by {count - ddof}: "
            f"no finite value; use a smaller ddof")
    if mean is np._NoValue:
        mean = _mean(array, axis=axis, keepdims=True)
    deviation = _apply(RULES["subtract"], (array, mean))
    squares = _apply(RULES["multiply"], (deviation, deviation))  # real symbols: |d|² = d·d
    total = _ufunc(np.add, "reduce", (squares,), {"axis": axis, "keepdims": bool(keepdims)})
    return _apply(RULES["divide"], (total, count - ddof))


#: NumPy functions with an implementation of their own on symbols; every other one runs
#: NumPy's code (see :func:`_array_function`).
_ARRAY_FUNCTIONS: dict[Any, Callable[..., Any]] = {np.mean: _mean, np.var: _var, np.std: _std}

_NUMPY_DEPTH = threading.local()


def _array_function(func: Any, default: Callable[[], Any], args: tuple, kwargs: dict) -> Any:
    """A NumPy function called with symbols; a failure names the function the user called.

    NumPy functions call one another; only the outermost (the one in f's code)
    turns a failure into a :class:`SymbolicError`.
    """
    name = f"{func.__module__}.{func.__name__}"
    depth = getattr(_NUMPY_DEPTH, "value", 0)
    _NUMPY_DEPTH.value = depth + 1
    own = _ARRAY_FUNCTIONS.get(func)
    try:
        return own(*args, **kwargs) if own is not None else default()
    except _Cancelled:
        raise
    except SymbolicError as error:
        if depth or own is not None:  # our own implementations name themselves
            raise
        relation = getattr(error, "relation", None)
        if relation is not None:
            raise SymbolicError(
                f"f calls {name}, which compares values of its input ({relation}) to decide "
                f"what to compute: no single formula on symbols; {_SUPPORTED}") from error
        raise SymbolicError(f"in {name}: {error}") from error
    except Exception as error:  # noqa: BLE001 -- any failure here is NumPy's, on symbols
        if depth:
            raise
        raise _unsupported(name, error) from error
    finally:
        _NUMPY_DEPTH.value = depth


def _unsupported(name: str, error: Exception) -> SymbolicError:
    return SymbolicError(
        f"f calls {name}, which does not work on SymPy symbols ({type(error).__name__}: "
        f"{error}); {_SUPPORTED}")


#: What f may use on symbols, for messages about what it may not.
_SUPPORTED = (
    "on symbols f may use the rule table's functions (dd.sin, np.sin, np.maximum, ...), "
    "arithmetic, indexing, @, np.dot, np.sum, np.prod, np.max, np.mean, np.var and np.std, "
    "and no data-dependent control flow"
)


class SymArray(np.ndarray):
    """A NumPy object array of :class:`Sym`: what ``f`` receives for an array point.

    Indexing, ``len``, ``@``, ``np.sum``, ``np.dot``, ``np.mean``/``np.var``/
    ``np.std`` (and the methods) and every ufunc of the rule table work and stay
    symbolic.
    """

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return _ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Any, types: tuple, args: tuple, kwargs: dict) -> Any:
        return _array_function(
            func, lambda: super(SymArray, self).__array_function__(func, types, args, kwargs),
            args, kwargs)

    # ndarray's own methods call NumPy's C code directly, not __array_function__
    def mean(self, *args: Any, **kwargs: Any) -> Any:
        return _array_function(np.mean, lambda: None, (self, *args), kwargs)

    def var(self, *args: Any, **kwargs: Any) -> Any:
        return _array_function(np.var, lambda: None, (self, *args), kwargs)

    def std(self, *args: Any, **kwargs: Any) -> Any:
        return _array_function(np.std, lambda: None, (self, *args), kwargs)


def _method(name: str) -> Callable[[Any], Any]:
    return lambda self: _apply(RULES[name], (self,))


# NumPy's object loops call a method named after the ufunc (np.sin -> x.sin()):
# give Sym one per unary rule, under the rule's names and NumPy's.
for _rule in RULES.values():
    if _rule.arity == 1:
        for _name in (_rule.name,) + _rule.aliases + tuple(u.__name__ for u in _rule.ufuncs):
            if not hasattr(Sym, _name):
                setattr(Sym, _name, _method(_rule.name))

register(Sym, lambda rule: lambda *args: _apply(rule, args))
register(SymArray, lambda rule: lambda *args: _apply(rule, args))


def check_names(names: Any, size: int) -> list[str] | None:
    """``names`` (one variable name per component of a point of ``size`` components,
    in NumPy's flat order) as a list, or None for None; InputError when they do not fit.

    >>> check_names(("x1", "x2"), 2), check_names(None, 3)
    (['x1', 'x2'], None)
    """
    if names is None:
        return None
    example = "e.g. names=['x1', 'x2']"
    if isinstance(names, (str, bytes)):
        raise InputError(f"names must be a sequence of names, one per component of the point "
                         f"({example}), not the single string {names!r:.60}")
    try:
        names = list(names)
    except TypeError:
        raise InputError(f"names must be a sequence of names, one per component of the point "
                         f"({example}), got {type(names).__name__}") from None
    if len(names) != size:
        raise InputError(f"names has {len(names)} name(s) but the point has {size} "
                         f"component(s); give one name per component ({example})")
    for n in names:
        if not isinstance(n, str) or not n.isidentifier():
            raise InputError(f"names must be valid identifiers (letters, digits and "
                             f"underscores, not starting with a digit), got {n!r:.60}")
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputError(f"names must be distinct (one symbol per component), but "
                         f"{', '.join(repeated)} is given more than once")
    return names


def _symbols(x: Any, name: str, names: Any = None) -> tuple[Any, Any, np.ndarray, bool]:
    """(what f receives, the symbols as an object array, the point as floats, scalar?).

    The symbols are called ``names`` (flat order) when given, else ``name`` (scalar)
    or ``name`` followed by the index (``x0``, ``x1``; ``x0_1`` in two dimensions)."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(
            x, (numbers.Real, np.floating, np.integer, list, tuple, np.ndarray)):
        raise InputError(
            f"the symbolic derivative needs a real point x (a number or an array of numbers), "
            f"got {type(x).__name__} {x!r:.60}"
        )
    point = np.array(x, dtype=float) if not isinstance(x, np.ndarray) else x
    if point.dtype.kind not in "iuf" or (point.ndim and point.size == 0):
        raise InputError(f"the symbolic derivative needs a non-empty real point, got {x!r:.60}")
    point = point.astype(float)
    names = check_names(names, point.size)
    run = _Run()
    if point.ndim == 0 and not isinstance(x, (list, tuple, np.ndarray)):
        symbol = sympy.Symbol(name if names is None else names[0], real=True)
        return Sym(symbol, run), np.array(symbol, dtype=object), point, True
    symbols = np.empty(point.shape, dtype=object)
    for k, index in enumerate(np.ndindex(point.shape)):
        symbols[index] = sympy.Symbol(
            name + "_".join(map(str, index)) if names is None else names[k], real=True)
    wrapped = np.empty(point.shape, dtype=object)
    for index in np.ndindex(point.shape):
        wrapped[index] = Sym(symbols[index], run)
    return wrapped.view(SymArray), symbols, point, False


def _output_exprs(y: Any, run: _Run) -> np.ndarray:
    """f's output as an object array of SymPy expressions (0-d for a scalar)."""
    if isinstance(y, (Sym, sympy.Basic)) or not isinstance(y, (list, tuple, np.ndarray)):
        items = np.empty((), dtype=object)
        items[()] = y
    else:
        items = np.array(_plain(y), dtype=object)
    out = np.empty(items.shape, dtype=object)
    for index in np.ndindex(items.shape):
        item = items[index]
        if isinstance(item, (_Condition, bool, np.bool_)) or item is None:
            raise SymbolicError(f"f returned {item!r:.60}, not a number or an array of numbers")
        try:
            out[index] = _expr(item, run)
        except SymbolicError:
            raise SymbolicError(
                f"f returned {type(item).__name__} {item!r:.60}, not a number, an array of "
                f"numbers or an expression of its input"
            ) from None
    return out


def symbolic_function(f: Callable[[Any], Any], x: Any, *, name: str = "x",
                      point: str = "decimal", names: Any = None) -> tuple[Any, Any, int]:
    """Run ``f`` on symbols shaped like ``x``: ``(symbols, expression(s), operations)``.

    ``symbols`` is one SymPy symbol (scalar ``x``) or an object array of them;
    the expression is one SymPy expression or an object array of the output's
    shape; ``operations`` counts the elementary (scalar) operations f applied to
    its input, the length of a scalar evaluation trace. Raises
    :class:`~dualdiff.errors.SymbolicError` when f cannot run on symbols.
    The symbols are ``x`` or ``x0, x1, ...`` (``name`` instead of ``x``), or
    ``names``: one identifier per component of ``x`` (flat order).

    >>> import numpy as np
    >>> symbols, expr, ops = symbolic_function(lambda v: np.sum(np.exp(v)), [0.0, 1.0])
    >>> expr, ops
    (exp(x0) + exp(x1), 3)
    >>> symbolic_function(lambda v: v[0] * v[1], [2.0, 5.0], names=["a", "b"])[1]
    a*b
    """
    symbolic, symbols, _, scalar = _symbols(x, name, names)
    run = symbolic.run if scalar else symbolic.flat[0].run
    run.point = point
    expr = _call(f, symbolic, run)
    return (symbols.item() if scalar else symbols), (expr.item() if expr.ndim == 0 else expr), \
        run.operations


def _call(f: Callable[[Any], Any], symbolic: Any, run: _Run) -> np.ndarray:
    if not callable(f):
        raise InputError(f"the symbolic derivative needs a function f, got {type(f).__name__}")
    try:
        y = f(symbolic)
    except (SymbolicError, _Cancelled):
        raise
    except Exception as error:  # noqa: BLE001 -- any failure on symbols is a reason to skip
        raise SymbolicError(
            f"f could not run on SymPy symbols ({type(error).__name__}: {error}); {_NO_FORMULA}"
        ) from error
    return _output_exprs(y, run)
