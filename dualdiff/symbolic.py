"""The SymPy bridge: run the user's function on symbols, differentiate, evaluate exactly.

:func:`symbolic_derivative` calls ``f`` the way :func:`~dualdiff.derivative` does
(a scalar point gives ``f`` one symbol ``x``; an array point gives ``f`` an array
of symbols ``x0, x1, ...`` of the point's shape), obtains the SymPy expression(s)
of its output, differentiates them (derivative, gradient or Jacobian: shape
``output.shape + x.shape``), and evaluates the result at the point exactly and
to ``digits`` significant digits (SymPy's ``evalf``, i.e. mpmath)::

    >>> import dualdiff as dd
    >>> s = symbolic_derivative(lambda v: dd.log(v[0]) + v[0] * v[1] - dd.sin(v[1]), [2.0, 5.0])
    >>> s.text
    '[x1 + 1/x0, x0 - cos(x1)]'
    >>> [str(e) for e in s.exact]
    ['11/2', '2 - cos(5)']

**Which symbols f sees.** SymPy expressions themselves do not work with NumPy
ufuncs (``np.sin(sympy.Symbol("x"))`` is a ``TypeError``) and give a cryptic
``TypeError`` on ``if x > 0``. So ``f`` receives :class:`Sym` wrappers (and, for
an array point, a :class:`SymArray`: a NumPy object array of them). They route
the generic functions (``dd.sin``), the NumPy ufuncs (``np.sin``, ``np.maximum``,
``np.sum``, ``x @ w``, ``np.linalg.norm``), indexing and arithmetic to SymPy
through the rule table, and turn what has no formula into a
:class:`~dualdiff.errors.SymbolicError` that says why: a data-dependent branch
(``if x > 0``), a conversion to a Python number (``math.sin(x)``, ``float(x)``,
assigning into a float array). A comparison SymPy can decide for every real
input (``x**2 >= 0``) is not a branch and works.

**Exact point.** A float coordinate (and a float constant in f's code) becomes
the shortest decimal that reads back as the same float, as an exact rational:
``0.1`` is ``1/10``, the number the user typed, which keeps formulas readable.
It differs from the binary double by less than half an ulp, far below every
error the comparison measures; ``point="binary"`` uses the double's exact
binary value instead (``0.1`` is ``3602879701896397/36028797018963968``).

**Time limit.** Symbolic derivatives can swell; ``timeout=`` bounds the whole
job. By default (``isolation="thread"``) the job runs in a daemon thread that is
*abandoned* when the time is up: Python cannot kill a thread, so it stops only
at its next checkpoint (every operation on a :class:`Sym`, every element of a
Jacobian, every phase), and a single long SymPy call (one huge ``diff`` or
``evalf``) runs to its end in the background. ``isolation="process"`` runs the
job in a forked process that is killed on timeout (POSIX only; the result comes
back pickled, so nothing in ``f`` needs to be picklable).
"""

from __future__ import annotations

import math
import multiprocessing
import numbers
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import sympy

from .errors import InputError, SymbolicError
from .functions import GENERIC, register
from .rules import RULES, UFUNCS, Rule

__all__ = [
    "Sym",
    "SymArray",
    "SymbolicDerivative",
    "SymbolicTimeout",
    "symbolic_derivative",
    "symbolic_function",
    "exact_number",
]


class SymbolicTimeout(SymbolicError):
    """The symbolic work took longer than the time limit (see ``timeout=``)."""


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
        raise SymbolicError(
            f"f branches on the value of its input ({self.relation}): a data-dependent `if` "
            f"has no single formula; {_NO_FORMULA}"
        )

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


#: Ufuncs that are not rows of the table but have an obvious form.
_SPECIAL = {
    np.square: (1, lambda x: x * x),
    np.reciprocal: (1, lambda x: 1 / x),
    np.conjugate: (1, lambda x: x),
}


def _ufunc(ufunc: np.ufunc, method: str, inputs: tuple, kwargs: dict) -> Any:
    """NumPy ufuncs on Syms and SymArrays: table rows elementwise through SymPy."""
    if kwargs.get("out") is not None:
        raise SymbolicError(f"numpy.{ufunc.__name__}(..., out=...) on symbols: {_NO_FORMULA}")
    plain = tuple(_plain(a) for a in inputs)
    rule = UFUNCS.get(ufunc)
    if rule is not None:
        replacement = np.frompyfunc(lambda *xs: _apply(rule, xs), rule.arity, 1)
    elif ufunc in _SPECIAL:
        nin, function = _SPECIAL[ufunc]
        replacement = np.frompyfunc(function, nin, 1)
    else:  # matmul, comparisons, ...: NumPy's object loops call our operators
        replacement = ufunc
    kwargs = {k: v for k, v in kwargs.items() if k not in ("out", "dtype", "casting")}
    return _wrap(getattr(replacement, method)(*plain, **kwargs))


class SymArray(np.ndarray):
    """A NumPy object array of :class:`Sym`: what ``f`` receives for an array point.

    Indexing, ``len``, ``@``, ``np.sum``, ``np.dot`` and every ufunc of the rule
    table work and stay symbolic.
    """

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        return _ufunc(ufunc, method, inputs, kwargs)


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


def _symbols(x: Any, name: str) -> tuple[Any, Any, np.ndarray, bool]:
    """(what f receives, the symbols as an object array, the point as floats, scalar?)."""
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
    run = _Run()
    if point.ndim == 0 and not isinstance(x, (list, tuple, np.ndarray)):
        symbol = sympy.Symbol(name, real=True)
        return Sym(symbol, run), np.array(symbol, dtype=object), point, True
    symbols = np.empty(point.shape, dtype=object)
    for index in np.ndindex(point.shape):
        symbols[index] = sympy.Symbol(name + "_".join(map(str, index)), real=True)
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
                      point: str = "decimal") -> tuple[Any, Any, int]:
    """Run ``f`` on symbols shaped like ``x``: ``(symbols, expression(s), operations)``.

    ``symbols`` is one SymPy symbol (scalar ``x``) or an object array of them;
    the expression is one SymPy expression or an object array of the output's
    shape; ``operations`` counts the elementary (scalar) operations f applied to
    its input, the length of a scalar evaluation trace. Raises
    :class:`~dualdiff.errors.SymbolicError` when f cannot run on symbols.

    >>> import numpy as np
    >>> symbols, expr, ops = symbolic_function(lambda v: np.sum(np.exp(v)), [0.0, 1.0])
    >>> expr, ops
    (exp(x0) + exp(x1), 3)
    """
    symbolic, symbols, _, scalar = _symbols(x, name)
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


# -- the derivative -----------------------------------------------------------


@dataclass
class SymbolicDerivative:
    """A symbolic derivative and its value at a point.

    ``expression``: f as SymPy (one expression, or an object array);
    ``derivative``: the derivative, gradient or Jacobian (one expression, or an
    object array of shape ``output.shape + x.shape``); ``exact``: it at the
    point, exact (same shape; ``None`` where SymPy gave up); ``value``: as
    float(s); ``digits`` significant digits in ``high_precision`` (strings);
    ``text``/``latex``: the formula; ``expression_ops``/``derivative_ops``:
    ``sympy.count_ops`` of f and of the derivative (``derivative_ops_cse`` after
    common-subexpression elimination, ``None`` when skipped as too large);
    ``operations``: scalar operations f performed on its input (the trace length);
    ``seconds``: wall time of the whole job.
    """

    kind: str
    symbols: Any
    point: Any
    expression: Any
    derivative: Any
    exact: Any
    value: Any
    high_precision: Any
    digits: int
    text: str
    latex: str
    expression_ops: int
    derivative_ops: int
    derivative_ops_cse: int | None
    operations: int
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


#: Beyond this many operations, common-subexpression elimination is skipped (it is slow).
CSE_LIMIT = 20_000
#: Up to this many operations the derivative is also evaluated exactly (SymPy), with
#: SymPy's adaptive ``evalf`` for the digits; beyond it, rebuilding and ``evalf`` of a
#: swollen tree take minutes, so it is evaluated by mpmath on the shared subexpressions
#: (``lambdify(cse=True)``) at twice the requested working precision.
EXACT_LIMIT = 400


def _evaluate(derivative: np.ndarray, at: dict, digits: int, small: bool,
              run: _Run) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """(exact or None, digit strings, complex values, notes) of the derivative at the point."""
    shape = derivative.shape
    exact = np.full(shape, None, dtype=object)
    high = np.empty(shape, dtype=object)
    value = np.empty(shape, dtype=complex)
    notes: list[str] = []
    if small:
        for index in np.ndindex(shape):
            run.checkpoint()
            exact[index] = derivative[index].xreplace(at)
            n = sympy.N(exact[index], digits)
            high[index], value[index] = _digits(n, digits), _to_complex(n)
        return exact, high, value, notes
    notes.append(
        f"the derivative is large, so it was not evaluated exactly: mpmath evaluated it at "
        f"{2 * digits} digits' working precision"
    )
    import mpmath

    symbols = list(at)
    try:
        function = sympy.lambdify(symbols, list(derivative.flat), "mpmath", cse=True)
    except (RecursionError, SyntaxError, MemoryError):
        function = None
    with mpmath.workdps(2 * digits):
        args = [mpmath.mpf(v.p) / v.q if v.is_Rational else mpmath.mpmathify(v)
                for v in at.values()]
        try:
            results = function(*args) if function is not None else None
        except Exception:  # noqa: BLE001 -- a function mpmath lacks: SymPy's evalf instead
            results = None
        if results is None:
            results = [d.evalf(2 * digits, subs=at) for d in derivative.flat]
        for index, r in zip(np.ndindex(shape), results):
            number = sympy.sympify(r) if not isinstance(r, sympy.Basic) else r
            high[index], value[index] = _digits(sympy.N(number, digits), digits), _to_complex(number)
    return exact, high, value, notes


def _job(f: Callable[[Any], Any], x: Any, name: str, point_mode: str, digits: int,
         simplify: bool, run_holder: list) -> SymbolicDerivative:
    start = time.perf_counter()
    symbolic, symbols, point, scalar = _symbols(x, name)
    run = symbolic.run if scalar else symbolic.flat[0].run
    run.point = point_mode
    run_holder.append(run)
    expr = _call(f, symbolic, run)
    flat_symbols = list(symbols.flat)
    derivative = np.empty(expr.shape + (() if scalar else symbols.shape), dtype=object)
    for out_index in np.ndindex(expr.shape):
        for in_index, symbol in zip(np.ndindex(symbols.shape), flat_symbols):
            run.checkpoint()
            d = _settle(sympy.diff(expr[out_index], symbol))
            derivative[out_index + (() if scalar else in_index)] = sympy.simplify(d) if simplify else d
    run.checkpoint()
    at = {s: exact_number(float(p), point_mode) for s, p in zip(flat_symbols, point.flat)}
    items = list(derivative.flat)
    derivative_ops = int(sympy.count_ops(items))
    run.checkpoint()
    exact, high, value, notes = _evaluate(derivative, at, digits, derivative_ops <= EXACT_LIMIT, run)
    if np.all(value.imag == 0):
        value = value.real
    cse_ops = None
    if derivative_ops <= CSE_LIMIT:
        run.checkpoint()
        replacements, reduced = sympy.cse(items)
        cse_ops = int(sympy.count_ops([r for _, r in replacements] + list(reduced)))
    kind = "derivative" if scalar else ("gradient" if expr.ndim == 0 else "jacobian")
    one = derivative.ndim == 0
    result = SymbolicDerivative(
        kind=kind,
        symbols=symbols.item() if scalar else symbols,
        point=at[flat_symbols[0]] if scalar else np.array(list(at.values()), dtype=object).reshape(
            point.shape),
        expression=expr.item() if expr.ndim == 0 else expr,
        derivative=derivative.item() if one else derivative,
        exact=exact.item() if one else exact,
        value=value.item() if one else value,
        high_precision=high.item() if one else high,
        digits=digits,
        text=_formula(derivative, derivative_ops, str, _nested),
        latex=_formula(derivative, derivative_ops, sympy.latex, _latex_array),
        expression_ops=int(sympy.count_ops(list(expr.flat))),
        derivative_ops=derivative_ops,
        derivative_ops_cse=cse_ops,
        operations=run.operations,
        notes=notes,
    )
    result.seconds = time.perf_counter() - start
    return result


def _settle(d: Any) -> Any:
    """Finish what ``sympy.diff`` leaves unevaluated.

    SymPy leaves ``Derivative(floor(u), x)`` alone; floor and ceil are piecewise
    constant, so (as the rule table says) their derivative is 0. Any other
    unevaluated derivative has no formula here: a clear SymbolicError.
    """
    if not d.has(sympy.Derivative):
        return d
    d = d.replace(lambda e: isinstance(e, sympy.Derivative)
                  and isinstance(e.expr, (sympy.floor, sympy.ceiling)), lambda e: sympy.S.Zero)
    if d.has(sympy.Derivative):
        left = next(iter(d.atoms(sympy.Derivative)))
        raise SymbolicError(f"SymPy cannot differentiate {left.expr}: it leaves {left} "
                            f"unevaluated, so there is no formula to evaluate")
    return d


def _formula(derivative: np.ndarray, ops: int, printer: Callable, arrange: Callable) -> str:
    if ops > CSE_LIMIT:
        return f"<{ops} operations: too large to print>"
    return printer(derivative.item() if derivative.ndim == 0 else arrange(derivative))


def _nested(a: np.ndarray) -> Any:
    return a.tolist() if a.ndim else a.item()


def _latex_array(a: np.ndarray) -> Any:
    if a.ndim <= 2:
        return sympy.Matrix(a.reshape(1, -1) if a.ndim == 1 else a)
    return sympy.Array(a.tolist())


def _to_complex(n: Any) -> complex:
    try:
        return complex(n)
    except (TypeError, ValueError):  # zoo, nan and other non-numbers
        return complex(math.nan, 0.0)


def _digits(n: Any, digits: int) -> str:
    if n.is_real is False and n.is_number:
        return str(n)
    if n in (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        return str(n)
    return sympy.Float(n, digits).__str__() if n.is_Number else str(n)


def symbolic_derivative(
    f: Callable[[Any], Any],
    x: Any,
    *,
    digits: int = 30,
    timeout: float | None = 10.0,
    isolation: str = "thread",
    name: str = "x",
    point: str = "decimal",
    simplify: bool = False,
) -> SymbolicDerivative:
    """The derivative, gradient or Jacobian of ``f`` at ``x`` by SymPy, exact and to ``digits`` digits.

    Same calling convention as :func:`~dualdiff.derivative` / ``grad`` /
    ``jacobian``. Raises :class:`~dualdiff.errors.SymbolicError` when f cannot
    run on symbols (the message says why) and :class:`SymbolicTimeout` after
    ``timeout`` seconds (``None``: no limit). ``isolation``: ``"thread"`` (an
    abandoned daemon thread on timeout) or ``"process"`` (a forked process,
    killed on timeout); see the module docstring, also for ``point``.
    ``simplify=True`` simplifies each derivative (slow on large expressions).

    >>> import dualdiff as dd
    >>> s = symbolic_derivative(lambda x: x**3 + dd.sin(x), 0.5)
    >>> s.text, s.exact, s.value
    ('3*x**2 + cos(x)', 3/4 + cos(1/2), 1.6275825618903728)
    """
    if not isinstance(digits, int) or isinstance(digits, bool) or digits < 16:
        raise InputError(f"digits must be an integer >= 16 (more than a double holds), got {digits!r}")
    if point not in ("decimal", "binary"):
        raise InputError(f"point must be 'decimal' or 'binary', got {point!r}")
    if isolation not in ("thread", "process"):
        raise InputError(f"isolation must be 'thread' or 'process', got {isolation!r}")
    if timeout is not None and (isinstance(timeout, bool) or not timeout > 0):
        raise InputError(f"timeout must be a positive number of seconds or None, got {timeout!r}")
    run_holder: list[_Run] = []

    def job() -> SymbolicDerivative:
        return _job(f, x, name, point, digits, simplify, run_holder)

    if timeout is None:
        return job()
    if isolation == "process":
        return _in_process(job, timeout)
    return _in_thread(job, timeout, run_holder)


def _too_slow(timeout: float) -> SymbolicTimeout:
    return SymbolicTimeout(
        f"took longer than {timeout:g} s (the symbolic derivative may be swelling); pass a "
        f"larger timeout= or leave the symbolic side out"
    )


def _in_thread(job: Callable[[], Any], timeout: float, run_holder: list) -> Any:
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = job()
        except _Cancelled:
            pass
        except BaseException as error:  # noqa: BLE001 -- handed to the caller's thread
            box["error"] = error

    worker = threading.Thread(target=target, name="dualdiff-symbolic", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        for run in run_holder:
            run.cancelled = True  # it stops at its next checkpoint
        raise _too_slow(timeout)
    if "error" in box:
        raise box["error"]
    return box["result"]


def _in_process(job: Callable[[], Any], timeout: float) -> Any:
    if "fork" not in multiprocessing.get_all_start_methods():
        raise InputError(
            "isolation='process' needs the 'fork' start method (Linux, macOS); use "
            "isolation='thread' on this platform"
        )
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def child() -> None:  # runs in the forked process: inherits f, returns a pickle
        try:
            message = ("ok", job())
        except BaseException as error:  # noqa: BLE001
            message = ("error", type(error).__name__, str(error),
                       isinstance(error, SymbolicError), isinstance(error, InputError))
        try:
            send.send(message)
        except Exception as error:  # noqa: BLE001 -- an unpicklable result
            send.send(("error", type(error).__name__, f"the result could not be sent back: "
                       f"{error}", False, False))

    process = context.Process(target=child, name="dualdiff-symbolic", daemon=True)
    process.start()
    send.close()
    try:
        ready = receive.poll(timeout)
        message = receive.recv() if ready else None
    except EOFError:
        message = ("error", "EOFError", f"the symbolic worker process died "
                   f"(exit code {process.exitcode})", False, False)
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receive.close()
    if message is None:
        raise _too_slow(timeout)
    if message[0] == "ok":
        return message[1]
    _, kind, text, symbolic, user = message
    if user:
        raise InputError(text)
    raise SymbolicError(text if symbolic else f"{kind}: {text}")
