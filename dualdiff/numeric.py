"""Numeric derivatives: finite differences, the complex step, Richardson extrapolation.

These are the *numeric* side of a cross-check against AD. They follow the calling
convention of :func:`dualdiff.derivative` / ``grad`` / ``jacobian``: a scalar ``x`` calls
``f`` with a Python float and gives f'(x) (a float, or an array of the output's shape);
an array ``x`` (any shape) calls ``f`` with an ndarray of that shape and gives an array of
shape ``output.shape + x.shape`` (the gradient for a scalar output).

One engine serves every case: a scheme is a row of the stencil table (offsets and
integer weights), applied to one input component at a time. Each result can report
the number of calls to ``f`` it cost (the ``*_result`` variants).

>>> import math
>>> round(finite_difference(math.exp, 0.0), 9)
1.0
"""

from __future__ import annotations

import sys
import warnings
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from dualdiff.errors import DomainError, InputError, NotAnalyticError

__all__ = [
    "SCHEMES",
    "METHODS",
    "NumericResult",
    "default_step",
    "scheme_order",
    "finite_difference",
    "finite_difference_result",
    "complex_step",
    "complex_step_result",
    "richardson",
    "numeric_result",
]

EPS = sys.float_info.epsilon
COMPLEX_STEP = 1e-20
_ComplexWarning = getattr(getattr(np, "exceptions", np), "ComplexWarning")


@dataclass(frozen=True)
class _Stencil:
    """f'(x) ≈ Σ numerators[k]·f(x + offsets[k]·h) / (denominator·h), error O(h^order)."""

    offsets: tuple[int, ...]
    numerators: tuple[int, ...]
    denominator: int
    order: int


_STENCILS: dict[str, _Stencil] = {
    "forward": _Stencil((0, 1), (-1, 1), 1, 1),
    "backward": _Stencil((-1, 0), (-1, 1), 1, 1),
    "central": _Stencil((-1, 1), (-1, 1), 2, 2),
    "central4": _Stencil((-2, -1, 1, 2), (1, -8, 8, -1), 12, 4),
    "central6": _Stencil((-3, -2, -1, 1, 2, 3), (-1, 9, -45, 45, -9, 1), 60, 6),
}

#: Finite-difference schemes, in order of accuracy.
SCHEMES: tuple[str, ...] = tuple(_STENCILS)
#: Everything :func:`numeric_result` accepts.
METHODS: tuple[str, ...] = SCHEMES + ("complex", "richardson")


@dataclass(frozen=True)
class NumericResult:
    """A numeric derivative and what it cost.

    ``value``: the derivative (float, or array as described in the module docstring);
    ``step``: the step actually used (float for scalar x, else an array of x's shape;
    for Richardson the first, largest step); ``evaluations``: calls made to f;
    ``scheme``: the method's name; ``error``: an error estimate (Richardson only, else None).
    """

    value: Any
    step: Any
    evaluations: int
    scheme: str
    error: Any = None


@dataclass(frozen=True)
class _Point:
    x: np.ndarray  # float64, a private copy; 0-d for a scalar x
    scalar: bool


class _Counter:
    """Wraps f: counts calls, checks outputs, and keeps their shape consistent."""

    def __init__(self, f: Callable[..., Any], point: _Point) -> None:
        if not callable(f):
            raise InputError(f"f must be a callable, not {type(f).__name__}; pass the function itself")
        self.f, self.point = f, point
        self.calls = 0
        self.peak = 0.0  # largest |output| so far: the scale of f's rounding error
        self.shape: tuple[int, ...] | None = None

    def __call__(self, x: np.ndarray, offset_from_base: bool) -> np.ndarray:
        arg: Any = x.item() if self.point.scalar else x
        self.calls += 1
        try:
            out = self.f(arg)
        except DomainError as exc:
            if not offset_from_base:
                raise
            raise InputError(
                f"f left its domain at the stencil point {_show(x)} (x = {_show(self.point.x)}): {exc}. "
                f"The finite-difference stencil samples f a few steps away from x; "
                f"pass a smaller step= or choose a one-sided scheme pointing away from the boundary"
            ) from exc
        return self._check(out)

    def _check(self, out: Any) -> np.ndarray:
        try:
            arr = np.asarray(out)
        except Exception:  # ragged lists and other oddities: report them as non-numeric
            arr = np.asarray(None)
        if arr.dtype.kind not in "iufc":
            raise InputError(
                f"f returned {type(out).__name__} {_short(out)}, which is not a number or an array of "
                f"numbers; numeric derivatives need f to return int/float/complex values or ndarrays"
            )
        if self.shape is None:
            self.shape = arr.shape
        elif arr.shape != self.shape:
            raise InputError(
                f"f returned outputs of different shapes {self.shape} and {arr.shape} at nearby points; "
                f"f must return the same shape for every input"
            )
        if arr.size:
            self.peak = max(self.peak, float(np.max(np.abs(arr))))
        return arr


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _show(x: np.ndarray) -> str:
    return repr(x.item()) if x.ndim == 0 else np.array2string(x, precision=17)


def _point(x: Any) -> _Point:
    scalar = isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, (bool, np.bool_))
    if not scalar and not isinstance(x, (np.ndarray, list, tuple)):
        raise InputError(
            f"x must be a real number or an array of real numbers, not {type(x).__name__} {_short(x)}"
        )
    try:
        arr = np.array(x)
    except Exception:  # ragged nested lists
        arr = np.asarray(None)
    if arr.dtype.kind not in "iuf":
        raise InputError(
            f"x must be a real number or an array of real numbers, got {_short(x)} "
            f"(dtype {arr.dtype}); convert it with float(...) or np.asarray(..., dtype=float)"
        )
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)):
        raise InputError(f"x must be finite, got {_short(x)}")
    return _Point(arr, scalar)


def _stencil(scheme: str) -> _Stencil:
    try:
        return _STENCILS[scheme]
    except (KeyError, TypeError):
        raise InputError(f"unknown scheme {scheme!r}; known schemes: {', '.join(SCHEMES)}") from None


def _user_step(step: Any, point: _Point) -> np.ndarray:
    try:
        h = np.array(step)
    except Exception:  # ragged lists
        h = np.asarray(None)
    if h.dtype.kind not in "iuf":  # also refuses strings, which NumPy would parse
        raise InputError(f"step must be a positive number or an array of them, not {_short(step)}")
    h = h.astype(np.float64)
    if not np.all(np.isfinite(h)) or not np.all(h > 0):
        raise InputError(f"step must be positive and finite, got {_short(step)}")
    if h.ndim and h.shape != point.x.shape:
        raise InputError(
            f"step must be a number or an array of x's shape {point.x.shape}, got shape {h.shape}"
        )
    return np.broadcast_to(h, point.x.shape).astype(np.float64)


def _exact(point: _Point, h: np.ndarray) -> np.ndarray:
    """Round h so that x + h is a float: h = (x + h) - x is then exact (no step error)."""
    exact = (point.x + h) - point.x
    if not np.all(exact > 0):
        raise InputError(
            f"step {_short(h.tolist())} is below the floating-point spacing at x = {_show(point.x)}: "
            f"x + step == x, so the difference quotient would be 0/0; pass a larger step"
        )
    return exact


def _step(stencil: _Stencil, point: _Point, step: Any) -> np.ndarray:
    # Truncation error ~ C·h^p and rounding error ~ eps·|f|/h balance at h ~ eps^(1/(p+1)),
    # scaled by max(|x|, 1) so the step stays relative for large x and absolute near 0.
    if step is None:
        step = EPS ** (1.0 / (stencil.order + 1)) * np.maximum(np.abs(point.x), 1.0)
    return _exact(point, _user_step(step, point))


def _assemble(columns: list[np.ndarray], point: _Point) -> Any:
    if point.scalar:
        value = columns[0]
        return value.item() if value.ndim == 0 else value
    out_shape = columns[0].shape if columns else ()
    stacked = np.stack(columns, axis=-1) if columns else np.zeros(out_shape + (0,))
    return stacked.reshape(out_shape + point.x.shape)


def _differences(counter: _Counter, point: _Point, stencil: _Stencil, h: np.ndarray) -> Any:
    """The engine: one stencil per input component, f(x) shared when an offset is 0."""
    base: np.ndarray | None = None
    columns = []
    for i in range(point.x.size):
        total: Any = 0
        for offset, weight in zip(stencil.offsets, stencil.numerators):
            if offset == 0:
                if base is None:
                    base = counter(point.x.copy(), offset_from_base=False)
                value = base
            else:
                shifted = point.x.copy()
                shifted.flat[i] += offset * h.flat[i]
                value = counter(shifted, offset_from_base=True)
            total = total + weight * value
        columns.append(np.asarray(total / (stencil.denominator * h.flat[i])))
    return _assemble(columns, point)


def _result_step(point: _Point, h: np.ndarray) -> Any:
    return float(h) if point.scalar else h


def scheme_order(scheme: str) -> int:
    """The order p of a scheme's truncation error O(h^p) (``"complex"``: 2).

    >>> [scheme_order(s) for s in ("forward", "central", "central4", "complex")]
    [1, 2, 4, 2]
    """
    return 2 if scheme == "complex" else _stencil(scheme).order


def default_step(scheme: str, x: Any) -> Any:
    """The step :func:`finite_difference` uses when none is given.

    ``eps**(1/(p+1)) * max(|x|, 1)`` for a scheme of order p (eps**(1/2) one-sided,
    eps**(1/3) central, eps**(1/5) central4, eps**(1/7) central6): the truncation error
    C·h^p falls and the rounding error eps·|f|/h rises as h shrinks; they balance there.
    The step is then rounded so that x + h is a float. ``"complex"`` gives 1e-20: the
    complex step subtracts nothing, so any tiny step works. A float for scalar x,
    else an array of x's shape (one step per component).

    >>> round(default_step("central", 0.0), 8)
    6.06e-06
    >>> default_step("forward", 1000.0) == 1000.0 * 2.0 ** -26
    True
    """
    point = _point(x)
    if scheme == "complex":
        return _result_step(point, np.full(point.x.shape, COMPLEX_STEP))
    return _result_step(point, _step(_stencil(scheme), point, None))


def finite_difference_result(
    f: Callable[..., Any], x: Any, scheme: str = "central", step: Any = None
) -> NumericResult:
    """Like :func:`finite_difference`, but also report the step used and the calls made to f.

    >>> r = finite_difference_result(lambda v: v[0] * v[1], [2.0, 3.0], scheme="forward")
    >>> r.evaluations, r.value.round(6).tolist()
    (3, [3.0, 2.0])
    """
    stencil = _stencil(scheme)
    point = _point(x)
    h = _step(stencil, point, step)
    counter = _Counter(f, point)
    value = _differences(counter, point, stencil, h)
    return NumericResult(value, _result_step(point, h), counter.calls, scheme)


def finite_difference(f: Callable[..., Any], x: Any, scheme: str = "central", step: Any = None) -> Any:
    """Finite-difference derivative, gradient or Jacobian of f at x.

    ``scheme``: one of :data:`SCHEMES` (``forward``/``backward``: error O(h), ``central``:
    O(h²), ``central4``: O(h⁴) on 5 points, ``central6``: O(h⁶) on 7 points).
    ``step``: a positive number or an array of x's shape; default :func:`default_step`.
    Either way the step is rounded so that x + h is exactly representable.

    >>> import math
    >>> round(finite_difference(math.sin, 0.0, scheme="central4"), 12)
    1.0
    >>> finite_difference(lambda v: v ** 2, [1.0, 2.0]).round(6).tolist()
    [[2.0, 0.0], [0.0, 4.0]]
    """
    return finite_difference_result(f, x, scheme, step).value


def complex_step_result(f: Callable[..., Any], x: Any, step: float = COMPLEX_STEP) -> NumericResult:
    """Like :func:`complex_step`, but also report the step and the calls made to f.

    >>> import cmath
    >>> r = complex_step_result(cmath.exp, 0.0)
    >>> r.value, r.evaluations
    (1.0, 1)
    """
    point = _point(x)
    h = _user_step(step, point)
    counter = _Counter(f, point)
    columns = []
    for i in range(point.x.size):
        z = point.x.astype(np.complex128)
        z.flat[i] += 1j * h.flat[i]
        out = _call_complex(counter, z)
        columns.append(np.asarray(np.imag(out) / h.flat[i]))
    return NumericResult(_assemble(columns, point), _result_step(point, h), counter.calls, "complex")


def _call_complex(counter: _Counter, z: np.ndarray) -> np.ndarray:
    advice = (
        "the complex step needs f written with complex-capable analytic operations "
        "(arithmetic, cmath, NumPy or dualdiff functions such as exp/sin/log); "
        "use finite_difference(f, x, scheme='central') instead"
    )
    try:
        with warnings.catch_warnings():
            # NumPy warns when it drops an imaginary part: that would silently give 0.
            warnings.simplefilter("error", _ComplexWarning)
            out = counter(z, offset_from_base=False)
    except NotAnalyticError:
        raise
    except (TypeError, _ComplexWarning) as exc:
        raise NotAnalyticError(
            f"f cannot take the complex input {_show(z)} ({type(exc).__name__}: {exc}); "
            f"comparisons, abs, float() and math.* functions do not accept complex numbers; {advice}"
        ) from exc
    if out.dtype.kind != "c":
        raise NotAnalyticError(
            f"f returned a real {out.dtype} value for the complex input {_show(z)}, so it dropped the "
            f"imaginary part that carries the derivative (abs, .real, float(), a real-valued "
            f"constant...); {advice}"
        )
    return out


def complex_step(f: Callable[..., Any], x: Any, step: float = COMPLEX_STEP) -> Any:
    """Complex-step derivative: Im f(x + ih)/h, one call to f per input component.

    Nothing is subtracted, so there is no cancellation: the result is exact to rounding
    for analytic f written with complex-capable functions, even for h = 1e-20.
    Raises NotAnalyticError when f rejects complex input or returns a real result.

    >>> import cmath
    >>> complex_step(lambda z: z ** 3 + cmath.sin(z), 0.0)
    1.0
    >>> complex_step(lambda v: v[0] * v[1], [2.0, 3.0]).tolist()
    [3.0, 2.0]
    """
    return complex_step_result(f, x, step).value


def richardson(f: Callable[..., Any], x: Any, step: Any = None, levels: int = 4) -> NumericResult:
    """Richardson extrapolation of central differences at steps h, h/2, ..., h/2^(levels-1).

    Each column of the tableau removes the next even power of h (Neville's scheme in h²,
    on the exact steps), so the final value is O(h^(2·levels)) accurate. ``error`` estimates
    its error as |T[n,n] - T[n,n-1]| (the last two tableau entries: the truncation left
    over) plus the rounding error eps·max|f|/h of each level carried through the same
    tableau; elementwise for arrays. It is conservative: |T[n,n] - T[n,n-1]| measures the
    error of the lower-order entry, so when truncation dominates the estimate is typically
    10 to 300 times the true error. The default first step eps^(1/(2·levels+1))·max(|x|, 1)
    balances rounding (~eps/h) against the extrapolated truncation (~h^(2·levels)); pass
    ``step=`` for a function with features much finer than that. Costs 2·levels calls
    per input component.

    >>> import math
    >>> r = richardson(math.exp, 0.0)
    >>> abs(r.value - 1.0) < 1e-13, r.error < 1e-11, r.evaluations
    (True, True, 8)
    """
    if isinstance(levels, bool) or not isinstance(levels, (int, np.integer)) or levels < 2:
        raise InputError(
            f"levels must be an integer >= 2 (two tableau rows give the error estimate), got {levels!r}"
        )
    point = _point(x)
    if step is None:
        step = EPS ** (1.0 / (2 * levels + 1)) * np.maximum(np.abs(point.x), 1.0)
    first = _user_step(step, point)
    counter = _Counter(f, point)
    steps = [_exact(point, first / 2.0**k) for k in range(levels)]
    values: list[list[Any]] = []  # the tableau T[k][j]
    rounding: list[list[Any]] = []  # bounds on the rounding error in T[k][j]
    for k, h in enumerate(steps):
        counter.peak = 0.0
        value_row = [np.asarray(_differences(counter, point, _STENCILS["central"], h))]
        rounding_row = [EPS * counter.peak / h]
        for j in range(1, k + 1):
            ratio = (steps[k - j] / h) ** 2  # per component: broadcasts over the output axes
            previous, above = value_row[j - 1], values[k - 1][j - 1]
            value_row.append(previous + (previous - above) / (ratio - 1.0))
            previous, above = rounding_row[j - 1], rounding[k - 1][j - 1]
            rounding_row.append(previous + (previous + above) / (ratio - 1.0))  # errors add
        values.append(value_row)
        rounding.append(rounding_row)
    value = values[-1][-1]
    error = np.abs(value - values[-1][-2]) + rounding[-1][-1]
    unwrap = (lambda a: a.item() if a.ndim == 0 else a) if point.scalar else (lambda a: a)
    step_used = _result_step(point, steps[0])
    return NumericResult(unwrap(value), step_used, counter.calls, "richardson", unwrap(np.asarray(error)))


def numeric_result(
    f: Callable[..., Any], x: Any, method: str = "central", step: Any = None
) -> NumericResult:
    """Any numeric method by name (one of :data:`METHODS`): a uniform entry for comparisons.

    >>> import math
    >>> [numeric_result(math.exp, 0.0, m).evaluations for m in ("forward", "central4", "richardson")]
    [2, 4, 8]
    """
    if method == "complex":
        return complex_step_result(f, x, COMPLEX_STEP if step is None else step)
    if method == "richardson":
        return richardson(f, x, step)
    if method not in _STENCILS:
        raise InputError(f"unknown method {method!r}; known methods: {', '.join(METHODS)}")
    return finite_difference_result(f, x, method, step)
