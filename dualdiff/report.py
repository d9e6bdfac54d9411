"""The result of :func:`dualdiff.compare.compare`: data, and its rendering in every format.

A :class:`Report` holds one :class:`MethodResult` per method (AD, SymPy, each
numeric method), the symbolic details (:class:`~dualdiff.symbolic.SymbolicDerivative`
or the reason it was skipped), the check of a hand-derived derivative
(:class:`Check`) and of a computation written as steps
(:class:`~dualdiff.steps.StepsCheck`). Tables are laid out by
:func:`dualdiff.render.render_table`, so reports and traces look alike.

``report.table(fmt)`` gives the whole report as ``text``, ``markdown``,
``latex`` or ``html``; ``"csv"`` gives the methods table alone; ``"json"`` is
:meth:`Report.to_json`, whose top-level keys are ``ad``, ``symbolic`` and
``numeric`` (one entry per method), with ``point``, ``value``, ``reference``,
``expected`` and ``steps``. In Jupyter a report displays as HTML.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from .errors import InputError
from .render import format_number, json_value, latex_escape, render_table

__all__ = ["MethodResult", "Mismatch", "Check", "Report", "component_name", "format_seconds"]

#: Arrays with more elements than this are shown abbreviated in tables (JSON has all).
SHOW_ELEMENTS = 6
#: Formulas longer than this many characters are described, not printed (JSON has them).
SHOW_FORMULA = 600


@dataclass
class MethodResult:
    """One method's derivative, its cost and its error against the reference.

    ``value``: float or array (the derivative's shape); ``abs_error``: max-norm
    ``‖value - reference‖∞``; ``rel_error``: ``abs_error / ‖reference‖∞``;
    ``errors``: the componentwise absolute errors; ``evaluations``: calls to f;
    ``seconds``: wall time of one call; ``step``: the step (numeric methods);
    ``estimate``: the method's own error estimate (Richardson); ``skipped``: why
    the method gave no value (then everything else is None).
    """

    name: str
    label: str
    value: Any = None
    evaluations: int | None = None
    seconds: float | None = None
    abs_error: float | None = None
    rel_error: float | None = None
    errors: Any = None
    step: Any = None
    estimate: Any = None
    skipped: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "value": json_value(self.value),
            "abs_error": json_value(self.abs_error),
            "rel_error": json_value(self.rel_error),
            "errors": json_value(self.errors),
            "evaluations": self.evaluations,
            "seconds": self.seconds,
            "step": json_value(self.step),
            "estimate": json_value(self.estimate),
            "skipped": self.skipped,
        }


@dataclass
class Mismatch:
    """One component where a hand-derived value and AD disagree."""

    index: tuple[int, ...]
    name: str
    expected: float
    ad: float
    abs_diff: float
    rel_diff: float

    def describe(self, digits: int = 6) -> str:
        return (f"{self.name}: expected {format_number(self.expected, digits)}, AD gives "
                f"{format_number(self.ad, digits)} (differs by {format_number(self.abs_diff, 3)}, "
                f"relative {format_number(self.rel_diff, 3)})")

    def to_dict(self) -> dict[str, Any]:
        return {"index": list(self.index), "name": self.name, "expected": json_value(self.expected),
                "ad": json_value(self.ad), "abs_diff": json_value(self.abs_diff),
                "rel_diff": json_value(self.rel_diff)}


@dataclass
class Check:
    """A hand-derived derivative against AD.

    Component i disagrees when ``|expected_i - ad_i| > atol + rtol·|ad_i|``;
    ``mismatches`` lists them in index order (the first is the first wrong
    component), ``max_abs_diff``/``max_rel_diff`` the worst.
    """

    expected: Any
    ad: Any
    rtol: float
    atol: float
    mismatches: list[Mismatch]
    max_abs_diff: float
    max_rel_diff: float
    size: int
    against: str = "AD"

    @classmethod
    def build(cls, expected: Any, ad: Any, *, rtol: float, atol: float | None,
              name: Any, against: str = "AD") -> "Check":
        """Compare ``expected`` with ``ad`` componentwise; ``name(index)`` names a component.

        ``atol=None`` means ``1e-12·‖ad‖∞``: a component that AD finds to be 0 is
        not flagged for the rounding noise of a hand formula.
        """
        e = np.asarray(expected, dtype=float)
        a = np.asarray(ad, dtype=float)
        if e.shape != a.shape:
            raise InputError(
                f"the hand-derived value has shape {e.shape}, but the derivative has shape "
                f"{a.shape} (the output's shape followed by x's shape, as jacobian gives it); "
                f"give one number per component"
            )
        scale = float(np.max(np.abs(a))) if a.size and np.all(np.isfinite(a)) else 0.0
        atol = 1e-12 * scale if atol is None else float(atol)
        with np.errstate(all="ignore"):
            diff = np.abs(e - a)
            rel = np.where(a != 0, diff / np.abs(a), np.where(diff == 0, 0.0, np.inf))
            bad = ~(diff <= atol + rtol * np.abs(a))  # nan counts as a disagreement
            bad &= ~((e == a) | (np.isnan(e) & np.isnan(a)))
        mismatches = [
            Mismatch(index, name(index), float(e[index]), float(a[index]), float(diff[index]),
                     float(rel[index]))
            for index in np.ndindex(e.shape) if bad[index]
        ]
        return cls(expected=e if e.ndim else float(e), ad=a if a.ndim else float(a),
                   rtol=float(rtol), atol=atol, mismatches=mismatches,
                   max_abs_diff=float(np.max(diff)) if diff.size else 0.0,
                   max_rel_diff=float(np.max(rel)) if rel.size else 0.0,
                   size=int(e.size), against=against)

    @property
    def agree(self) -> bool:
        return not self.mismatches

    @property
    def first(self) -> Mismatch | None:
        return self.mismatches[0] if self.mismatches else None

    def summary(self, digits: int = 6) -> str:
        tolerance = f"rtol={self.rtol:g}, atol={self.atol:.3g}"
        if self.agree:
            return (f"agrees with {self.against} in all {self.size} component(s) ({tolerance}; "
                    f"largest difference {format_number(self.max_abs_diff, 3)})")
        return (f"DISAGREES with {self.against} in {len(self.mismatches)} of {self.size} "
                f"component(s) ({tolerance}); first: {self.first.describe(digits)}")

    def to_dict(self) -> dict[str, Any]:
        return {"agree": self.agree, "against": self.against, "rtol": self.rtol,
                "atol": self.atol, "value": json_value(self.expected), "ad": json_value(self.ad),
                "max_abs_diff": json_value(self.max_abs_diff),
                "max_rel_diff": json_value(self.max_rel_diff),
                "first_mismatch": self.first.to_dict() if self.first else None,
                "mismatches": [m.to_dict() for m in self.mismatches]}


def component_name(kind: str, index: tuple[int, ...], out_ndim: int, of: str = "f",
                   wrt: str = "x", names: Sequence[str] | None = None,
                   shape: tuple[int, ...] | None = None) -> str:
    """How a component of a derivative is called: ``∂f/∂x[1]``, ``∂f[0]/∂x[1]``, ``f'(x)``.

    ``kind`` is ``"derivative"`` (scalar input: ``f'(x)``, ``f'(x)[0]``) or anything
    else (partial derivatives); the first ``out_ndim`` indices belong to ``of``.
    ``names``: one name per input component (flat order of an input of ``shape``,
    default one axis), written instead of ``x[i]``: ``∂f/∂x2``, ``f'(t)``.

    >>> component_name("gradient", (1,), 0), component_name("jacobian", (0, 1), 1)
    ('∂f/∂x[1]', '∂f[0]/∂x[1]')
    >>> component_name("gradient", (1,), 0, names=["x1", "x2"])
    '∂f/∂x2'
    """
    def bracket(ix: tuple[int, ...]) -> str:
        return "[" + ", ".join(map(str, ix)) + "]" if ix else ""

    if kind == "derivative":
        if names is not None:
            return f"{of}'({names[0]}){bracket(index)}"
        return f"{of}'({wrt}){bracket(index)}"
    if names is not None:
        position = index[out_ndim:]
        flat = int(np.ravel_multi_index(position, shape)) if shape is not None else position[0]
        return f"∂{of}{bracket(index[:out_ndim])}/∂{names[flat]}"
    return f"∂{of}{bracket(index[:out_ndim])}/∂{wrt}{bracket(index[out_ndim:])}"


def format_seconds(seconds: float | None) -> str | None:
    """``'12.3 µs'``, ``'4.1 ms'``, ``'1.20 s'``.

    >>> format_seconds(1.234e-5), format_seconds(0.25)
    ('12.3 µs', '250 ms')
    """
    if seconds is None:
        return None
    if seconds < 1e-3:
        return f"{seconds * 1e6:.3g} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def _cell(value: Any) -> Any:
    """A table cell for a value: numbers as numbers, small arrays whole, large ones abbreviated."""
    if value is None:
        return None
    if isinstance(value, np.ndarray):
        if value.size <= SHOW_ELEMENTS:
            # render.format_number writes 1-D arrays; nested ones are written here
            return value if value.ndim == 1 else _point_text(value)
        head = ", ".join(format_number(v) for v in value.reshape(-1)[:4].tolist())
        return f"[{head}, …] (shape {'×'.join(map(str, value.shape))})"
    return value


@dataclass
class Report:
    """AD, SymPy and numeric derivatives of one function at one point, side by side.

    ``kind``: ``"derivative"``, ``"gradient"`` or ``"jacobian"``; ``value``: f(x);
    ``ad``: the AD row; ``symbolic_row``: the SymPy row (``skipped`` says why
    when it was); ``symbolic``: the :class:`~dualdiff.symbolic.SymbolicDerivative`
    or None; ``numeric``: method name -> row; ``reference``: ``"symbolic"`` or
    ``"ad"`` (what the errors are measured against) and ``reference_note`` why;
    ``expected``: the :class:`Check` of a hand-derived derivative, or None;
    ``steps``: the :class:`~dualdiff.steps.StepsCheck`, or None;
    ``trace_length``: elementary operations in the AD evaluation trace, and
    ``trace_note`` where that number comes from; ``names``: the input
    components' names (flat order) when the caller gave them, else None
    (then they are ``x`` or ``x[i]``).
    """

    function: str
    x: Any
    kind: str
    value: Any
    ad: MethodResult
    symbolic_row: MethodResult
    symbolic: Any
    numeric: dict[str, MethodResult]
    reference: str | None
    reference_note: str
    expected: Check | None = None
    steps: Any = None
    trace_length: int | None = None
    trace_note: str = ""
    notes: list[str] = field(default_factory=list)
    names: list[str] | None = None

    # -- the data -------------------------------------------------------------------
    @property
    def rows(self) -> list[MethodResult]:
        """Every method in table order: AD, SymPy, then the numeric methods."""
        return [self.ad, self.symbolic_row, *self.numeric.values()]

    def to_dict(self) -> dict[str, Any]:
        """Everything, JSON-ready (see :meth:`to_json`)."""
        s = self.symbolic
        symbolic = self.symbolic_row.to_dict()
        symbolic["status"] = "skipped" if self.symbolic_row.skipped else "ok"
        symbolic["reason"] = self.symbolic_row.skipped
        if s is not None:
            symbolic.update({
                "exact": json_value(_strings(s.exact)),
                "high_precision": json_value(_strings(s.high_precision)),
                "digits": s.digits,
                "formula": s.text,
                "latex": s.latex,
                "expression": json_value(_strings(s.expression)),
                "expression_ops": s.expression_ops,
                "derivative_ops": s.derivative_ops,
                "derivative_ops_cse": s.derivative_ops_cse,
                "operations": s.operations,
                "notes": list(s.notes),
            })
        ad = self.ad.to_dict()
        ad["trace_length"] = self.trace_length
        ad["trace_note"] = self.trace_note
        return {
            "function": self.function,
            "kind": self.kind,
            "point": json_value(self.x),
            "names": None if self.names is None else list(self.names),
            "value": json_value(self.value),
            "reference": {"method": self.reference, "note": self.reference_note},
            "ad": ad,
            "symbolic": symbolic,
            "numeric": {name: row.to_dict() for name, row in self.numeric.items()},
            "expected": self.expected.to_dict() if self.expected else None,
            "steps": self.steps.to_dict() if self.steps is not None else None,
            "notes": list(self.notes),
        }

    def to_json(self, indent: int | None = 2) -> str:
        """Strict JSON (nan/inf as strings), every number at full precision."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False, allow_nan=False)

    # -- rendering --------------------------------------------------------------------
    def table(self, fmt: str = "text", *, digits: int = 6, ascii: bool = False) -> str:
        """The report in ``fmt``: text, markdown, latex or html (all of it), csv (the
        methods table alone) or json (:meth:`to_json`)."""
        if fmt == "json":
            return self.to_json()
        if fmt == "csv":
            return render_table(*self._methods_table(), "csv")
        if fmt not in ("text", "markdown", "latex", "html"):
            raise InputError(f"unknown report format {fmt!r}; choose one of text, markdown, "
                             f"latex, html, csv, json")
        return _Writer(self, fmt, digits, ascii).document()

    def to_text(self, *, digits: int = 6, ascii: bool = False) -> str:
        return self.table("text", digits=digits, ascii=ascii)

    def to_markdown(self, *, digits: int = 6) -> str:
        return self.table("markdown", digits=digits)

    def to_latex(self, *, digits: int = 6) -> str:
        return self.table("latex", digits=digits)

    def to_html(self, *, digits: int = 6) -> str:
        return self.table("html", digits=digits)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        verdict = "" if self.expected is None else (
            ", expected agrees" if self.expected.agree else ", expected DISAGREES")
        return f"<Report: {self.kind} of {self.function} at {self._at()}{verdict}>"

    def _at(self) -> str:
        """``x = [2, 5]``, or with names ``x1 = 2, x2 = 5``."""
        if self.names is None:
            return f"x = {_point_text(self.x)}"
        values = np.ravel(np.asarray(self.x, dtype=float)).tolist()
        return ", ".join(f"{n} = {format_number(v)}" for n, v in zip(self.names, values))

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def _methods_table(self) -> tuple[list[str], list[list[Any]]]:
        headers = ["method", "value", "abs error", "rel error", "f evals", "time", "step"]
        rows = []
        skipped = 0
        for row in self.rows:
            label = row.label + (" = reference" if row.name == self.reference else "")
            if row.skipped:
                skipped += 1
                rows.append([label, f"skipped [{skipped}]", None, None, None, None, None])
                continue
            rows.append([label, _cell(row.value), row.abs_error, row.rel_error,
                         row.evaluations, format_seconds(row.seconds), _step_cell(row.step)])
        return headers, rows


def _step_cell(step: Any) -> Any:
    """The step: one number, or the range of the per-component steps."""
    if step is None or np.ndim(step) == 0:
        return step
    step = np.asarray(step, dtype=float)
    low, high = float(np.min(step)), float(np.max(step))
    return low if low == high else f"{format_number(low, 3)} … {format_number(high, 3)}"


def _strings(value: Any) -> Any:
    """SymPy objects (and arrays of them) as strings, for JSON."""
    if value is None:
        return None
    if isinstance(value, np.ndarray):
        return [_strings(v) for v in value.tolist()] if value.ndim else _strings(value.item())
    if isinstance(value, list):
        return [_strings(v) for v in value]
    return str(value)


def _listing(value: Any) -> str:
    """SymPy values as ``[11/2, 2 - cos(5)]`` (nested for a Jacobian), no quotes."""
    strings = _strings(value)

    def join(item: Any) -> str:
        return "[" + ", ".join(join(v) for v in item) + "]" if isinstance(item, list) else item

    return join(strings)


def _point_text(x: Any, digits: int = 6) -> str:
    """A number, or an array written as nested lists (abbreviated when large)."""
    if np.ndim(x) == 0:
        return format_number(x, digits)
    x = np.asarray(x)
    if x.size > 4 * SHOW_ELEMENTS:
        return f"an array of shape {x.shape}"

    def nested(a: np.ndarray) -> str:
        if a.ndim == 0:
            return format_number(a.item(), digits)
        return "[" + ", ".join(nested(v) for v in a) + "]"

    return nested(x)


class _Writer:
    """Lays a report out in one format: paragraphs, the methods table, the details."""

    def __init__(self, report: Report, fmt: str, digits: int, ascii: bool) -> None:
        self.r, self.fmt, self.digits, self.ascii = report, fmt, digits, ascii
        self.parts: list[str] = []

    def document(self) -> str:
        r = self.r
        self.heading(f"{r.kind.capitalize()} of {r.function} at {r._at()}")
        self.para(f"f(x) = {_point_text(r.value)}. Errors are measured against "
                  f"{r.reference_note}.")
        headers, rows = r._methods_table()
        highlight = [i for i, row in enumerate(r.rows) if row.skipped]
        self.parts.append(render_table(headers, rows, self.fmt, digits=self.digits,
                                       ascii=self.ascii, highlight_rows=highlight))
        for number, row in enumerate((row for row in r.rows if row.skipped), 1):
            self.para(f"[{number}] {row.label} skipped: {row.skipped}")
        self.symbolic_section()
        self.expected_section()
        self.steps_section()
        for note in r.notes:
            self.para(f"Note: {note}")
        return self.wrap()

    # -- sections ---------------------------------------------------------------
    def symbolic_section(self) -> None:
        r, s = self.r, self.r.symbolic
        if s is None:
            if r.trace_length is not None:
                self.para(f"AD trace: {r.trace_length} elementary operations ({r.trace_note}).")
            return
        if len(s.text) <= SHOW_FORMULA:
            self.formula(f"SymPy {s.kind}:", s.text, s.latex)
        else:
            self.para(f"SymPy {s.kind}: {len(s.text)} characters, too long to show here (the "
                      f"report's .symbolic.text and .symbolic.latex hold it).")
        if s.exact is not None and not _has_none(s.exact):
            self.para(f"Exactly, at the point: {_listing(s.exact)}")
        self.para(f"To {s.digits} digits: {_listing(s.high_precision)}")
        cse = ("" if s.derivative_ops_cse is None
               else f", {s.derivative_ops_cse} after common-subexpression elimination")
        trace = ("" if r.trace_length is None
                 else f"; the AD trace has {r.trace_length} elementary operations ({r.trace_note})")
        self.para(f"Size: f has {s.expression_ops} operations (sympy.count_ops), its "
                  f"{s.kind} {s.derivative_ops}{cse}{trace}.")
        for note in s.notes:
            self.para(f"Note: {note}.")

    def expected_section(self) -> None:
        check = self.r.expected
        if check is None:
            return
        self.para(f"Hand-derived {self.r.kind}: {check.summary(self.digits)}.")
        if len(check.mismatches) > 1:
            rows = [[m.name, m.expected, m.ad, m.abs_diff, m.rel_diff]
                    for m in check.mismatches[:20]]
            self.parts.append(render_table(
                ["component", "expected", "AD", "abs diff", "rel diff"], rows, self.fmt,
                digits=self.digits, ascii=self.ascii))

    def steps_section(self) -> None:
        steps = self.r.steps
        if steps is None:
            return
        self.para(steps.summary(self.digits))
        headers, rows = steps.table_rows()
        highlight = [i for i, step in enumerate(steps.checks) if not step.agree]
        self.parts.append(render_table(headers, rows, self.fmt, digits=self.digits,
                                       ascii=self.ascii, highlight_rows=highlight))

    # -- primitives -------------------------------------------------------------
    def heading(self, text: str) -> None:
        self.parts.append({
            "text": lambda t: t + "\n" + ("=" if self.ascii else "═") * len(t),
            "markdown": lambda t: "### " + t.replace("*", r"\*"),
            "latex": lambda t: r"\subsection*{" + latex_escape(t) + "}",
            "html": lambda t: "<h4>" + html.escape(t) + "</h4>",
        }[self.fmt](text))

    def para(self, text: str) -> None:
        self.parts.append({
            "text": lambda t: t,
            "markdown": lambda t: t.replace("*", r"\*").replace("_", r"\_"),
            "latex": lambda t: latex_escape(t) + r"\par",
            "html": lambda t: "<p>" + html.escape(t) + "</p>",
        }[self.fmt](text))

    def formula(self, lead: str, text: str, latex: str) -> None:
        self.parts.append({
            "text": lambda: f"{lead} {text}",
            "markdown": lambda: f"{lead}\n\n$$ {latex} $$",
            "latex": lambda: latex_escape(lead) + "\n\\[ " + latex + " \\]",
            "html": lambda: f"<p>{html.escape(lead)} <code>{html.escape(text)}</code></p>",
        }[self.fmt]())

    def wrap(self) -> str:
        if self.fmt == "html":
            return '<div class="dualdiff-report">\n' + "\n".join(self.parts) + "\n</div>"
        return "\n\n".join(self.parts)


def _has_none(value: Any) -> bool:
    if isinstance(value, np.ndarray):
        return any(v is None for v in value.flat)
    return value is None

