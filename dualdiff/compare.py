"""AD against SymPy and finite differences, as one report: :func:`compare`.

::

    >>> import dualdiff as dd
    >>> report = compare(lambda v: dd.log(v[0]) + v[0] * v[1] - dd.sin(v[1]), [2.0, 5.0])
    >>> report.kind, report.reference, report.ad.value.tolist()
    ('gradient', 'symbolic', [5.5, 1.7163378145367738])
    >>> 1e-9 < report.numeric["forward"].abs_error < 1e-6  # forward differences: error ~h
    True
    >>> print(report.to_text())  # doctest: +SKIP

The methods run in this order: AD, the numeric methods, the hand-derived check,
the trace, and SymPy last, so that a symbolic job abandoned at its time limit
(see :mod:`dualdiff.symbolic`) cannot slow down the timings of the others.
"""

from __future__ import annotations

import math
import numbers
import time
import warnings
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .derivatives import derivative, grad, jacobian
from .errors import InputError, SymbolicError
from .numeric import METHODS as NUMERIC_METHODS
from .numeric import numeric_result
from .report import Check, MethodResult, Report, component_name
from .steps import check_steps, compose, parse_steps
from .symbolic import check_names, symbolic_derivative

__all__ = ["compare", "DEFAULT_METHODS", "LABELS"]

#: The numeric methods a comparison runs unless told otherwise.
DEFAULT_METHODS: tuple[str, ...] = ("forward", "central", "central4", "complex", "richardson")

#: How each method is called in a report.
LABELS = {
    "ad": "AD (forward mode)",
    "symbolic": "SymPy (symbolic)",
    "forward": "forward difference",
    "backward": "backward difference",
    "central": "central difference",
    "central4": "central, 4th order",
    "central6": "central, 6th order",
    "complex": "complex step",
    "richardson": "Richardson (central)",
}


def compare(
    f: Callable[[Any], Any] | Mapping[str, Callable] | Sequence,
    x: Any,
    *,
    expected: Any = None,
    methods: Sequence[str] = DEFAULT_METHODS,
    symbolic: bool = True,
    timeout: float | None = 10.0,
    isolation: str = "thread",
    digits: int = 30,
    rtol: float = 1e-8,
    atol: float | None = None,
    step: Any = None,
    names: Sequence[str] | None = None,
) -> Report:
    """Differentiate ``f`` at ``x`` by AD, SymPy and numeric methods; return a :class:`Report`.

    Calling convention as :func:`~dualdiff.derivative` (scalar ``x``) and
    :func:`~dualdiff.grad` / :func:`~dualdiff.jacobian` (array ``x``).

    ``expected``: a hand-derived derivative, as values or as a function of x;
    each component is checked against AD (``|e - ad| > atol + rtol·|ad|`` is a
    disagreement; ``atol=None`` means ``1e-12·‖ad‖∞``) and the report names the
    ones that disagree. ``f`` may instead be *steps* (a dict name -> function,
    see :mod:`dualdiff.steps`) with ``expected`` a dict keyed by step name: the
    report then names the first intermediate where the derivation and AD part.

    ``methods``: numeric methods from :data:`dualdiff.numeric.METHODS`;
    ``step``: their step (default: each method's own). ``symbolic=False`` leaves
    SymPy out; ``timeout`` (seconds, None for none), ``isolation`` and
    ``digits`` go to :func:`~dualdiff.symbolic.symbolic_derivative`. A method
    that cannot run (complex step on abs, SymPy on an ``if``) is reported as
    skipped with the reason; errors are measured against SymPy's value, or
    against AD when SymPy was skipped.

    ``names``: one variable name (an identifier) per component of ``x``, in
    NumPy's flat order, or None for ``x`` / ``x0, x1, ...``; the SymPy formula,
    the report's labels (``∂f/∂x2`` rather than ``∂f/∂x[1]``), its heading and
    its JSON (``"names"``) use them. :class:`~dualdiff.errors.InputError` when
    there is not one per component or one is not an identifier.

    >>> import dualdiff as dd
    >>> r = compare(lambda v: dd.log(v[0]) + v[0] * v[1] - dd.sin(v[1]), [2.0, 5.0],
    ...             names=["x1", "x2"], methods=["central"])
    >>> r.symbolic.text
    '[x2 + 1/x1, x1 - cos(x2)]'
    """
    unknown = [m for m in methods if m not in NUMERIC_METHODS]
    if isinstance(methods, str) or unknown:
        raise InputError(f"methods must be a list of numeric methods from "
                         f"{', '.join(NUMERIC_METHODS)}; got {methods!r}")
    steps_expected = None
    if not callable(f):
        if not isinstance(f, (Mapping, list, tuple)):
            raise InputError(f"compare(f, x) needs a function f (or steps), got "
                             f"{type(f).__name__}; did you swap f and x?")
        parsed = parse_steps(f)
        f = compose(parsed)
        if isinstance(expected, Mapping):
            steps_expected, expected = (parsed, expected), None
    elif isinstance(expected, Mapping):
        raise InputError("expected is a dict of step derivatives, but f is one function; give f "
                         "as steps (a dict name -> function) to check a derivation step by step")
    point, scalar = _point(x)
    names = check_names(names, int(np.size(point)))
    arg = lambda: float(point) if scalar else point.copy()  # noqa: E731 -- f may mutate
    value = f(arg())
    kind = "derivative" if scalar else ("gradient" if np.ndim(value) == 0 else "jacobian")
    out_ndim = np.ndim(value)

    ad = _timed("ad", lambda: (
        derivative(f, float(point)) if scalar else
        (grad if kind == "gradient" else jacobian)(f, point.copy()), 1))
    numeric = {m: _timed(m, lambda m=m: _numeric(f, arg(), m, step)) for m in methods}

    def name(index: tuple[int, ...]) -> str:
        return component_name(kind, index, out_ndim, names=names, shape=np.shape(point))

    check = None
    if expected is not None:
        reference, against = (ad.value, "AD") if ad.skipped is None else (None, "")
        if reference is None:
            raise InputError(f"the hand-derived derivative cannot be checked: AD failed "
                             f"({ad.skipped})")
        hand = expected(arg()) if callable(expected) else expected
        check = Check.build(hand, reference, rtol=rtol, atol=atol, name=name, against=against)
    steps_check = None
    if steps_expected is not None:
        steps_check = check_steps(steps_expected[0], arg(), steps_expected[1], rtol=rtol,
                                  atol=atol)
    trace_length, trace_note = _trace_length(f, point, scalar)

    s = None
    if symbolic:
        try:
            s = symbolic_derivative(f, arg(), digits=digits, timeout=timeout,
                                    isolation=isolation, names=names)
            symbolic_row = MethodResult("symbolic", LABELS["symbolic"], value=s.value,
                                        evaluations=1, seconds=s.seconds)
        except SymbolicError as error:
            symbolic_row = MethodResult("symbolic", LABELS["symbolic"], skipped=str(error))
    else:
        symbolic_row = MethodResult("symbolic", LABELS["symbolic"],
                                    skipped="not requested (symbolic=False)")

    report = Report(
        function=_function_name(f), x=float(point) if scalar else point, kind=kind,
        value=value, ad=ad, symbolic_row=symbolic_row, symbolic=s, numeric=numeric,
        reference=None, reference_note="", expected=check, steps=steps_check,
        trace_length=trace_length, trace_note=trace_note, names=names,
    )
    _measure(report)
    return report


def _point(x: Any) -> tuple[Any, bool]:
    if isinstance(x, (bool, np.bool_)):
        raise InputError(f"compare needs a real point x, got the bool {x}")
    if isinstance(x, (numbers.Real, np.floating, np.integer)):
        if not math.isfinite(float(x)):
            raise InputError(f"compare needs a finite point x, got {x}")
        return np.float64(x), True
    try:
        point = np.array(x, dtype=float)
    except (TypeError, ValueError):
        raise InputError(f"compare needs x to be a real number or an array of real numbers, "
                         f"got {type(x).__name__} {x!r:.60}") from None
    if point.ndim == 0 or point.size == 0 or not np.all(np.isfinite(point)):
        raise InputError(f"compare needs a non-empty array of finite numbers (or a number), "
                         f"got {x!r:.60}")
    return point, False


def _timed(name: str, job: Callable[[], tuple[Any, int]]) -> MethodResult:
    start = time.perf_counter()
    try:
        value, evaluations, extra = (*job(), {})[:3]
    except Exception as error:  # noqa: BLE001 -- a method that cannot run is reported, not raised
        return MethodResult(name, LABELS.get(name, name), skipped=f"{type(error).__name__}: {error}")
    seconds = time.perf_counter() - start
    return MethodResult(name, LABELS.get(name, name), value=_as_value(value),
                        evaluations=evaluations, seconds=seconds, **extra)


def _numeric(f: Callable[[Any], Any], x: Any, method: str, step: Any) -> tuple[Any, int, dict]:
    result = numeric_result(f, x, method, None if method == "complex" else step)
    return result.value, result.evaluations, {"step": result.step, "estimate": result.error}


def _as_value(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return value.item() if value.ndim == 0 else value
    return value


def _function_name(f: Callable[..., Any]) -> str:
    name = getattr(f, "__name__", "f")
    return "f" if not name.isidentifier() else name


def _trace_length(f: Callable[[Any], Any], point: Any, scalar: bool) -> tuple[int | None, str]:
    """Elementary operations in f's evaluation trace (dualdiff.trace), one direction."""
    try:
        from .trace import trace
    except ImportError:  # the trace module is optional for a comparison
        return None, "dualdiff.trace is not available"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ties and NaNs are the AD row's business
            if scalar:
                recorded = trace(f, float(point))
            else:
                recorded = trace(f, point.copy(), seed=np.ones(point.size))
    except Exception as error:  # noqa: BLE001 -- no trace, no count; the rest still stands
        return None, f"the trace failed: {type(error).__name__}: {error}"
    return recorded.n_intermediates, "dualdiff.trace, counting each scalar operation"


# -- errors against the reference ----------------------------------------------------


def _measure(report: Report) -> None:
    """Choose the reference and fill in every row's errors against it."""
    s = report.symbolic
    if s is not None:
        report.reference = "symbolic"
        report.reference_note = f"the SymPy derivative evaluated to {s.digits} digits"
        reference = _high_precision(s)
    elif report.ad.skipped is None:
        report.reference = "ad"
        report.reference_note = "AD, because SymPy was skipped (the reason is below the table)"
        reference = np.asarray(report.ad.value, dtype=complex)
    else:
        report.reference_note = "nothing: AD and SymPy both failed"
        return
    for row in report.rows:
        if row.skipped is None and row.name != report.reference:
            _errors(row, reference, s.digits if s is not None else 0)


def _high_precision(s: Any) -> np.ndarray:
    import mpmath

    strings = np.asarray(s.high_precision, dtype=object)
    out = np.empty(strings.shape, dtype=object)
    with mpmath.workdps(s.digits + 5):
        for index in np.ndindex(strings.shape):
            try:
                out[index] = mpmath.mpf(strings[index])
            except (ValueError, TypeError):  # complex, zoo, nan: as the float value
                out[index] = mpmath.mpc(complex(np.asarray(s.value)[index]))
    return out


def _errors(row: MethodResult, reference: np.ndarray, digits: int) -> None:
    value = np.asarray(row.value)
    if value.shape != reference.shape:  # a method that disagrees about the shape: no errors
        return
    if reference.dtype == object:  # mpmath numbers: subtract at high precision
        import mpmath

        with mpmath.workdps(digits + 5):
            errors = np.array([float(abs(mpmath.mpmathify(complex(v) if np.iscomplexobj(v)
                                                          else float(v)) - r))
                               for v, r in zip(value.reshape(-1).tolist(),
                                               reference.reshape(-1))]).reshape(value.shape)
            scale = max((float(abs(r)) for r in reference.reshape(-1)), default=0.0)
    else:
        errors = np.abs(value - reference)
        scale = float(np.max(np.abs(reference))) if reference.size else 0.0
    worst = float(np.max(errors)) if errors.size else 0.0
    if np.isnan(errors).any():
        worst = math.nan
    row.errors = errors if errors.ndim else float(errors)
    row.abs_error = worst
    row.rel_error = worst / scale if scale > 0 else (0.0 if worst == 0 else math.inf)
