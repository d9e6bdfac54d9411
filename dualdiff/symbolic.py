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

Running f on symbols is :mod:`dualdiff.symbols`' job (what f receives, how
branches and conversions are refused, how float points and constants become
exact numbers: the decimal the user typed, or with ``point="binary"`` the
double's exact value).

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
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np
import sympy

from .errors import InputError, SymbolicError, SymbolicTimeout
from .symbols import (  # noqa: F401 -- Sym, SymArray and the helpers are re-exported
    Sym,
    SymArray,
    _call,
    _Cancelled,
    _Run,
    _symbols,
    check_names,
    exact_number,
    symbolic_function,
)

__all__ = [
    "Sym",
    "SymArray",
    "SymbolicDerivative",
    "SymbolicTimeout",
    "symbolic_derivative",
    "symbolic_function",
    "exact_number",
]


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
         simplify: bool, run_holder: list, names: list[str] | None = None) -> SymbolicDerivative:
    start = time.perf_counter()
    symbolic, symbols, point, scalar = _symbols(x, name, names)
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
    names: Sequence[str] | None = None,
) -> SymbolicDerivative:
    """The derivative, gradient or Jacobian of ``f`` at ``x`` by SymPy, exact and to ``digits`` digits.

    Same calling convention as :func:`~dualdiff.derivative` / ``grad`` /
    ``jacobian``. Raises :class:`~dualdiff.errors.SymbolicError` when f cannot
    run on symbols (the message says why) and :class:`SymbolicTimeout` after
    ``timeout`` seconds (``None``: no limit). ``isolation``: ``"thread"`` (an
    abandoned daemon thread on timeout) or ``"process"`` (a forked process,
    killed on timeout); see the module docstring, also for ``point``.
    ``simplify=True`` simplifies each derivative (slow on large expressions).
    The symbols are ``x`` (scalar point) or ``x0, x1, ...`` (``name`` instead of
    ``x``); ``names`` gives one identifier per component of ``x`` instead (flat
    order), so that the formula speaks the caller's variable names;
    :class:`~dualdiff.errors.InputError` when their number is not ``x``'s size
    or one is not an identifier.

    >>> import dualdiff as dd
    >>> s = symbolic_derivative(lambda x: x**3 + dd.sin(x), 0.5)
    >>> s.text, s.exact, s.value
    ('3*x**2 + cos(x)', 3/4 + cos(1/2), 1.6275825618903728)
    >>> symbolic_derivative(lambda v: v[0] * dd.exp(v[1]), [2.0, 0.0], names=["a", "b"]).text
    '[exp(b), a*exp(b)]'
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
        return _job(f, x, name, point, digits, simplify, run_holder, names)

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
