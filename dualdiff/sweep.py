"""Step sweeps: the error of each numeric scheme against the exact derivative, step by step.

As the step h shrinks, the truncation error of a scheme of order p falls like h^p while
the rounding error rises like eps/h: on a log-log plot the total error is a V whose
bottom is the best step. The complex step subtracts nothing, so its error only falls.
:func:`step_sweep` measures that V as data; :meth:`StepSweep.plot` draws it (matplotlib,
the ``plot`` extra); :meth:`StepSweep.to_text` and :meth:`StepSweep.to_dict` need nothing.

>>> import math
>>> sweep = step_sweep(math.exp, 1.0, math.e, schemes=("central",))
>>> 1e-8 < sweep.optimal_steps["central"] < 1e-3
True
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from dualdiff.errors import DomainError, InputError, MissingExtraError, NotAnalyticError
from dualdiff.numeric import (
    SCHEMES,
    _point,
    complex_step_result,
    default_step,
    finite_difference_result,
    scheme_order,
)

__all__ = ["SWEEP_SCHEMES", "ZERO_FLOOR", "StepSweep", "step_sweep"]

#: Schemes a sweep can compare: the finite-difference schemes and the complex step.
SWEEP_SCHEMES: tuple[str, ...] = SCHEMES + ("complex",)
#: Where errors of exactly 0 are drawn on the log-scale plot.
ZERO_FLOOR = 1e-18


@dataclass(frozen=True)
class StepSweep:
    """The result of :func:`step_sweep`; arrays are indexed like ``steps`` (ascending).

    ``values[s]``: the scheme's derivative at each step (nan where the step was unusable:
    x + h == x, or the stencil left f's domain); ``absolute_errors[s]`` / ``relative_errors[s]``:
    max-norm errors against ``exact`` (relative = absolute when exact is 0);
    ``optimal_steps[s]`` / ``optimal_errors[s]``: the empirical best step and its error (the
    bottom of the V: the step whose worst error within half a decade either side is least,
    so one lucky rounding does not count; ties go to the larger step);
    ``theoretical_steps[s]``: the step from the truncation-rounding balance
    (:func:`dualdiff.numeric.default_step`; for a direction v, divided by max|v|; None for
    the complex step, which has no such balance); ``evaluations[s]``: calls to f in total;
    ``function``: f's name, for titles.
    """

    x: Any
    direction: Any
    exact: Any
    steps: np.ndarray
    values: dict[str, np.ndarray]
    absolute_errors: dict[str, np.ndarray]
    relative_errors: dict[str, np.ndarray]
    optimal_steps: dict[str, float]
    optimal_errors: dict[str, float]
    theoretical_steps: dict[str, float | None]
    evaluations: dict[str, int] = field(default_factory=dict)
    function: str = ""

    @property
    def schemes(self) -> tuple[str, ...]:
        return tuple(self.values)

    def _where(self) -> str:
        if self.direction is None:
            return f"x = {_fmt_any(self.x)}"
        return f"x = {_fmt_any(self.x)} along v = {_fmt_any(self.direction)}"

    def to_text(self) -> str:
        """A summary (best and theoretical step per scheme) and the full error table.

        >>> import math
        >>> print(step_sweep(math.sin, 0.0, 1.0, ("forward",), steps=[1e-8, 1e-2]).to_text())
        ... # doctest: +NORMALIZE_WHITESPACE
        Step sweep at x = 0.0: exact derivative 1.0, 2 steps from 1e-08 to 0.01
        scheme   order  best step  error there  theory step
        forward      1      1e-08            0     1.49e-08
        <BLANKLINE>
        step     forward
        1e-08          0
        0.01   1.667e-05
        """
        lines = [
            f"Step sweep at {self._where()}: exact derivative {_fmt_any(self.exact)}, "
            f"{len(self.steps)} steps from {_fmt(self.steps[0])} to {_fmt(self.steps[-1])}"
        ]
        rows = [["scheme", "order", "best step", "error there", "theory step"]]
        for s in self.schemes:
            theory = self.theoretical_steps[s]
            rows.append(
                [s, str(scheme_order(s)), _fmt(self.optimal_steps[s]), _fmt(self.optimal_errors[s]),
                 "-" if theory is None else _fmt(theory)]
            )
        lines += _columns(rows) + [""]
        table = [["step", *self.schemes]]
        for i, h in enumerate(self.steps):
            table.append([_fmt(h), *(_fmt(self.absolute_errors[s][i]) for s in self.schemes)])
        return "\n".join(lines + _columns(table))

    def to_dict(self) -> dict[str, Any]:
        """Plain lists and numbers, JSON-ready (nan becomes None).

        >>> import json, math
        >>> d = step_sweep(math.exp, 0.0, 1.0, ("central",), steps=[1e-3]).to_dict()
        >>> sorted(d["schemes"]["central"])  # doctest: +NORMALIZE_WHITESPACE
        ['absolute_errors', 'evaluations', 'optimal_error', 'optimal_step', 'order',
         'relative_errors', 'theoretical_step', 'values']
        >>> json.dumps(d, allow_nan=False)[:10]
        '{"x": 0.0,'
        """
        return {
            "x": _plain(self.x),
            "direction": _plain(self.direction),
            "exact": _plain(self.exact),
            "steps": _plain(self.steps),
            "function": self.function,
            "zero_floor": ZERO_FLOOR,
            "schemes": {
                s: {
                    "order": scheme_order(s),
                    "values": _plain(self.values[s]),
                    "absolute_errors": _plain(self.absolute_errors[s]),
                    "relative_errors": _plain(self.relative_errors[s]),
                    "optimal_step": _plain(self.optimal_steps[s]),
                    "optimal_error": _plain(self.optimal_errors[s]),
                    "theoretical_step": _plain(self.theoretical_steps[s]),
                    "evaluations": self.evaluations.get(s),
                }
                for s in self.schemes
            },
        }

    def plot(self, path: str | Path, *, relative: bool = False, title: str | None = None) -> Path:
        """Write the log-log error-vs-step plot to ``path`` as a PNG and return the path.

        Each scheme is a line, its best step a ringed point with its value written next to
        it, its theoretical step a dotted vertical line. Errors of exactly 0 (common for the
        complex step) are drawn at ZERO_FLOOR = 1e-18, as the legend says. Uses
        matplotlib's Agg canvas directly, leaving the user's pyplot backend alone.

        >>> import math, tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "sweep.png")
        >>> step_sweep(np.exp, 1.0, math.e).plot(path).read_bytes()[:4]
        b'\\x89PNG'
        """
        try:
            import matplotlib  # noqa: F401  (first, so a blocked matplotlib is detected)
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure
            from matplotlib.lines import Line2D
        except ImportError:
            raise MissingExtraError("the step-sweep plot", "matplotlib", "plot") from None
        errors = self.relative_errors if relative else self.absolute_errors
        figure = Figure(figsize=(11, 5.8))
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()
        colors = [f"C{i}" for i in range(10)]
        floored = False
        for i, s in enumerate(self.schemes):
            color = colors[i % len(colors)]
            err = errors[s]
            shown = np.isfinite(err)
            zero = shown & (err == 0)
            floored |= bool(zero.any())
            label = f"{s}  O(h^{scheme_order(s)})"
            if math.isfinite(self.optimal_errors[s]):
                label += f": best h {self.optimal_steps[s]:.1e}, error {_fmt(self.optimal_errors[s])}"
            if zero.any():
                label += f"\n    (errors of 0 drawn at {ZERO_FLOOR:g})"
            plotted = np.where(zero, ZERO_FLOOR, err)
            axes.loglog(
                self.steps[shown], plotted[shown], "-", marker=".", ms=4, lw=1.4, color=color, label=label
            )
            if math.isfinite(self.optimal_errors[s]):
                h_best = self.optimal_steps[s]
                e_best = max(float(err[int(np.flatnonzero(self.steps == h_best)[-1])]), ZERO_FLOOR)
                axes.plot([h_best], [e_best], "o", ms=11, mfc="none", mec=color, mew=2)
                # Stack labels of schemes sharing a best step (forward and backward often do);
                # at the floor, write above the point so the label stays inside the axes.
                rank = [self.optimal_steps[t] for t in self.schemes[:i]].count(h_best)
                dy = 8 + 11 * rank if e_best <= 10 * ZERO_FLOOR else -15 - 11 * rank
                axes.annotate(
                    f"h* = {h_best:.1e}", xy=(h_best, e_best), xytext=(9, dy),
                    textcoords="offset points", fontsize=8, color=color,
                )
            theory = self.theoretical_steps[s]
            if theory is not None:
                axes.axvline(theory, color=color, ls=":", lw=1.2, alpha=0.8)
        handles, labels = axes.get_legend_handles_labels()
        handles += [
            Line2D([], [], ls="none", marker="o", ms=9, mfc="none", mec="0.3", mew=2),
            Line2D([], [], ls=":", color="0.3"),
        ]
        labels += ["empirical best step h*", "theoretical step (truncation = rounding)"]
        # outside the axes, on the right: inside it would cover one arm of the V
        axes.legend(
            handles, labels, fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0
        )
        if floored:
            axes.set_ylim(bottom=ZERO_FLOOR / 3)
        axes.set_xlabel("step h")
        axes.set_ylabel("relative error" if relative else "absolute error |numeric − exact|")
        name = "" if self.function in ("", "<lambda>") else f" of {self.function}"
        axes.set_title(title or f"Error of numeric derivatives{name} at {self._where()}", fontsize=10)
        axes.grid(True, which="major", alpha=0.3)
        target = Path(path)
        figure.savefig(target, format="png", dpi=120, bbox_inches="tight")
        return target


def _fmt(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "nan" if value is not None else "-"
    return "0" if value == 0 else f"{value:.4g}"


def _fmt_any(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return np.array2string(value, precision=6, separator=", ")
    return repr(value)


def _columns(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[c]) for row in rows) for c in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.ljust(w) if c == 0 else cell.rjust(w) for c, (cell, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
    return lines


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()] if value.ndim else _plain(value.item())
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, (int, np.integer)):
        return int(value)
    return value


def _norm(value: Any) -> float:
    arr = np.abs(np.asarray(value))
    return float(np.max(arr)) if arr.size else 0.0


def _bottom_of_the_v(grid: np.ndarray, errors: np.ndarray) -> tuple[float, float]:
    """The step whose worst error within half a decade either side is least, and its error.

    Rounding errors are noise: a single step can land on an error of exactly 0 deep in
    the rounding arm. Judging each step by its neighbourhood finds the V's real bottom.
    Ties go to the largest step, the safest.
    """
    finite = np.isfinite(errors)
    if not finite.any():
        return math.nan, math.nan
    logs = np.log10(grid)
    envelope = np.array([
        np.max(errors[finite & (np.abs(logs - here) <= 0.5 + 1e-9)]) if finite[i] else np.inf
        for i, here in enumerate(logs)
    ])
    best = int(np.flatnonzero(envelope == envelope.min())[-1])
    return float(grid[best]), float(errors[best])


def _validate_steps(steps: Any) -> np.ndarray:
    if steps is None:
        return np.logspace(-16, -1, 61)
    try:
        h = np.asarray(steps, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise InputError(f"steps must be a sequence of positive numbers, not {steps!r:.60}") from None
    if h.size == 0 or not np.all(np.isfinite(h)) or not np.all(h > 0):
        raise InputError(
            "steps must be a non-empty sequence of positive, finite numbers, "
            "such as np.logspace(-16, -1, 61)"
        )
    return np.sort(h)


def _validate_schemes(schemes: str | Sequence[str]) -> tuple[str, ...]:
    chosen = (schemes,) if isinstance(schemes, str) else tuple(schemes)
    unknown = [s for s in chosen if s not in SWEEP_SCHEMES]
    if not chosen or unknown:
        raise InputError(
            f"unknown or missing schemes {unknown or list(chosen)!r}; "
            f"choose among: {', '.join(SWEEP_SCHEMES)}"
        )
    return tuple(dict.fromkeys(chosen))


def step_sweep(
    f: Callable[..., Any],
    x: Any,
    exact: Any,
    schemes: str | Sequence[str] = ("forward", "central", "central4", "complex"),
    steps: Any = None,
    v: Any = None,
) -> StepSweep:
    """Error of each scheme against ``exact`` for every step in ``steps``.

    ``x`` scalar: ``exact`` is f'(x) (a number, or an array of f's output shape). ``x`` an
    array: pass a direction ``v`` of x's shape; the sweep is of the directional derivative
    d/dt f(x + t·v) at t = 0 and ``exact`` is J(x)·v. ``steps`` defaults to 61 points from
    1e-16 to 1e-1 (four per decade). Finite-difference steps are rounded so that
    x + h is a float (see :func:`dualdiff.numeric.finite_difference`).

    >>> import math
    >>> s = step_sweep(np.sin, 0.5, math.cos(0.5), schemes=("forward", "complex"), steps=[1e-8, 1e-3])
    >>> s.optimal_steps["forward"], s.optimal_errors["complex"] < 1e-15
    (1e-08, True)
    """
    chosen = _validate_schemes(schemes)
    grid = _validate_steps(steps)
    point = _point(x)
    try:
        exact_arr = np.asarray(exact)
    except Exception:
        exact_arr = np.asarray(None)
    if exact_arr.dtype.kind not in "iufc" or not np.all(np.isfinite(exact_arr)):
        raise InputError(
            f"exact must be a finite number or array of numbers (the true derivative), not {exact!r:.60}"
        )
    if point.scalar:
        if v is not None:
            raise InputError("v (a direction) is only for array x; for scalar x leave it out")
        g, base = f, float(point.x)
        theory = {s: (None if s == "complex" else float(default_step(s, base))) for s in chosen}
    else:
        direction = _point(v) if v is not None else None
        if direction is None or direction.x.shape != point.x.shape or not np.any(direction.x):
            raise InputError(
                f"for array x, pass a nonzero direction v of x's shape {point.x.shape}: the sweep is of "
                f"the directional derivative d/dt f(x + t·v) at t = 0, and exact is J(x)·v"
            )
        xs, vs = point.x, direction.x
        g, base = (lambda t: f(xs + t * vs)), 0.0
        scale, vnorm = float(np.max(np.abs(xs))) if xs.size else 0.0, float(np.max(np.abs(vs)))
        theory = {s: (None if s == "complex" else float(default_step(s, scale)) / vnorm) for s in chosen}

    exact_norm = _norm(exact_arr)
    values, absolute, relative, best_h, best_e, calls = {}, {}, {}, {}, {}, {}
    for s in chosen:
        results, errs, calls[s] = [], np.full(grid.size, np.nan), 0
        for i, h in enumerate(grid):
            if s != "complex" and (base + h) - base == 0:  # x + h == x: no difference to take
                results.append(None)
                continue
            try:
                if s == "complex":
                    r = complex_step_result(g, base, float(h))
                else:
                    r = finite_difference_result(g, base, s, float(h))
            except InputError as exc:
                if not isinstance(exc.__cause__, DomainError):
                    raise
                results.append(None)  # a large step left f's domain: that point has no value
                continue
            except NotAnalyticError as exc:
                raise NotAnalyticError(f"{exc}; or leave 'complex' out of schemes=") from exc
            calls[s] += r.evaluations
            value = np.asarray(r.value)
            results.append(value)
            errs[i] = _norm(value - exact_arr)
        shape = next((r.shape for r in results if r is not None), exact_arr.shape)
        values[s] = np.stack([np.full(shape, np.nan) if r is None else r for r in results])
        absolute[s] = errs
        relative[s] = errs / exact_norm if exact_norm else errs.copy()
        best_h[s], best_e[s] = _bottom_of_the_v(grid, errs)
    return StepSweep(
        x=float(point.x) if point.scalar else point.x,
        direction=None if point.scalar else direction.x,
        exact=exact_arr.item() if exact_arr.ndim == 0 else exact_arr,
        steps=grid,
        values=values,
        absolute_errors=absolute,
        relative_errors=relative,
        optimal_steps=best_h,
        optimal_errors=best_e,
        theoretical_steps=theory,
        evaluations=calls,
        function=str(getattr(f, "__name__", "")),
    )
