"""One table renderer for every view of dualdiff: traces, comparison reports, sweeps.

::

    render_table(headers, rows, fmt="text", *, title=None, caption=None, digits=6,
                 highlight_rows=(), ascii=False) -> str

``headers``
    One string (or :class:`Math`) per column.
``rows``
    A sequence of rows, each a sequence of cells, one per column. A cell is a
    number (``float``, ``int``, ``complex``, a NumPy scalar or array), a
    string, a :class:`Math` cell, or ``None`` (an empty cell).
``fmt``
    One of :data:`FORMATS`:

    ``"text"``      aligned, for the terminal (box-drawing rules; ``ascii=True``
                    gives pure ASCII rules and a ``>`` row marker);
    ``"markdown"``  a pipe table (GitHub/CommonMark), cells escaped;
    ``"latex"``     a booktabs ``tabular`` (``\\toprule``/``\\midrule``/``\\bottomrule``;
                    needs ``\\usepackage{booktabs}``), wrapped in a ``table``
                    environment with ``\\caption`` when ``title`` is given; text
                    cells are escaped, :class:`Math` cells and strings written
                    ``$...$`` are kept as math, numbers are set in math mode
                    (``$-1.5$``, ``$1\\times 10^{-7}$``);
    ``"html"``      a ``<table>``, every cell HTML-escaped, ``title`` as its
                    ``<caption>``, highlighted rows with class ``dualdiff-flag``;
    ``"csv"``       the :mod:`csv` module's dialect: a header line, then the rows;
                    numbers at full precision (``repr``, which round-trips);
                    ``title``/``caption``/``highlight_rows`` are not written;
    ``"json"``      ``{"title", "caption", "headers", "rows", "highlight_rows"}``,
                    numbers at full precision; nan/inf become the strings
                    ``"nan"``, ``"inf"``, ``"-inf"`` so the output is strict JSON.
``title``, ``caption``
    Text above / below the table (``\\caption`` and a note in LaTeX); a
    :class:`Math` title or caption gives its ``latex`` form, unescaped, in LaTeX.
``digits``
    Significant digits for numbers in text, Markdown, LaTeX and HTML
    (``format(x, ".6g")`` by default). CSV and JSON always carry every digit.
``highlight_rows``
    Indices (0-based, into ``rows``) of rows to mark: a leading marker in text,
    bold in Markdown and LaTeX, a CSS class in HTML. Callers who need the mark
    in CSV/JSON too add a column for it (as the traces do).
``ascii``
    Text format only: ASCII rules and marker instead of box drawing.

Text, Markdown, LaTeX and HTML are laid out by :mod:`tabulate` (the ``tables``
extra); without it they raise :class:`~dualdiff.errors.MissingExtraError`,
while CSV and JSON need nothing beyond the standard library. tabulate lays out
the header and one template row; every row is that template filled in, which
gives tabulate's own output at a fraction of its cost per cell (a 10⁵-node
trace renders in about a second).

>>> print(render_table(["x", "f(x)"], [[1, 0.5], [2, 1 / 3]], "csv"), end="")
x,f(x)
1,0.5
2,0.3333333333333333
>>> print(render_table(["x", "f(x)"], [[2, 1 / 3]], "markdown", digits=3))
|   x |   f(x) |
|----:|-------:|
|   2 |  0.333 |
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import numbers
import re
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from .errors import InputError, MissingExtraError

__all__ = ["render_table", "Math", "LatexText", "FORMATS", "format_number", "json_value", "latex_escape",
           "latex_number"]

#: The formats :func:`render_table` accepts.
FORMATS = ("text", "markdown", "latex", "html", "csv", "json")


@dataclass(frozen=True)
class Math:
    """A cell shown as ``text`` everywhere except LaTeX, where it is ``$latex$``.

    >>> Math("v̇₁ = v̇₋₁ / v₋₁", r"\\dot v_{1} = \\dot v_{-1} / v_{-1}")
    Math(text='v̇₁ = v̇₋₁ / v₋₁', latex='\\\\dot v_{1} = \\\\dot v_{-1} / v_{-1}')
    """

    text: str
    latex: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class LatexText(Math):
    """A cell or header shown as ``text`` everywhere except LaTeX, where ``latex`` is
    written as it is: text mode, math only where it has ``$...$`` (a header such as
    ``with numbers ($\\partial/\\partial x_{1}$)``, which is neither all text nor all math).

    >>> LatexText("tangent (∂/∂x₁)", r"tangent ($\\partial/\\partial x_{1}$)").text
    'tangent (∂/∂x₁)'
    """


# -- numbers ---------------------------------------------------------------------


def _is_number(x: Any) -> bool:
    return isinstance(x, numbers.Number) and not isinstance(x, bool)


def _is_array(x: Any) -> bool:
    return type(x).__module__ == "numpy" and hasattr(x, "ndim") and x.ndim > 0


def format_number(x: Any, digits: int = 6) -> str:
    """``x`` to ``digits`` significant digits (``"0.693147"``, ``"1e-07"``, ``"nan"``).

    >>> format_number(2 / 3), format_number(10.0), format_number(-float("inf"))
    ('0.666667', '10', '-inf')
    """
    if type(x) is float:  # the common case first: a table has a hundred thousand of them
        return format(x, f".{digits}g")
    if _is_array(x):  # nested brackets for 2-D and higher, like NumPy
        return "[" + ", ".join(format_number(v, digits) for v in x) + "]"
    if hasattr(x, "item") and not isinstance(x, (int, float, complex)):
        x = x.item()  # NumPy scalar
    if isinstance(x, bool):
        return str(x)
    if isinstance(x, numbers.Integral):
        return str(int(x))
    if isinstance(x, complex):
        return format(x, f".{digits}g").strip("()")
    return format(float(x), f".{digits}g")


def _full(x: Any) -> Any:
    """A Python number with every digit (NumPy scalars unwrapped)."""
    if hasattr(x, "item") and not isinstance(x, (int, float, complex)):
        x = x.item()
    if isinstance(x, numbers.Integral) and not isinstance(x, bool):
        return int(x)
    return x


def json_value(x: Any) -> Any:
    """A JSON-ready version of a cell or number, full precision, strict JSON.

    Floats stay floats (``json`` writes ``repr``, which round-trips); nan and
    infinities become ``"nan"``/``"inf"``/``"-inf"``; complex numbers become
    ``[re, im]``; arrays become nested lists; :class:`Math` becomes its text.

    >>> json_value(float("nan")), json_value(0.1), json_value(1 + 2j)
    ('nan', 0.1, [1.0, 2.0])
    """
    if x is None or isinstance(x, (bool, str)):
        return x
    if isinstance(x, Math):
        return x.text
    if _is_array(x):
        return [json_value(v) for v in x.tolist()]
    if isinstance(x, (list, tuple)):
        return [json_value(v) for v in x]
    if _is_number(x):
        x = _full(x)
        if isinstance(x, complex):
            return [json_value(x.real), json_value(x.imag)]
        if isinstance(x, float) and not math.isfinite(x):
            return "nan" if x != x else ("inf" if x > 0 else "-inf")
        return x
    return str(x)


def _csv_cell(x: Any) -> str:
    if x.__class__ is str:
        return x
    if x.__class__ is float:
        return repr(x)
    if x is None:
        return ""
    if isinstance(x, Math):
        return x.text
    if _is_array(x):
        return json.dumps(json_value(x))
    if _is_number(x):
        return repr(_full(x)).strip("()")
    return str(x)


# -- escaping --------------------------------------------------------------------

_LATEX_SPECIAL = {
    "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "\\": r"\textbackslash{}",
    "<": r"\textless{}", ">": r"\textgreater{}",
}
_LATEX_RE = re.compile("|".join(re.escape(c) for c in _LATEX_SPECIAL))


def latex_escape(text: str) -> str:
    r"""Escape LaTeX's special characters in plain text.

    >>> print(latex_escape("50% of x_1 & {y}"))
    50\% of x\_1 \& \{y\}
    """
    return _LATEX_RE.sub(lambda m: _LATEX_SPECIAL[m.group()], text)


def latex_number(x: Any, digits: int = 6) -> str:
    r"""A number as LaTeX math (without the dollars): ``-1.5``, ``10^{-7}``, ``\infty``.

    >>> latex_number(2.5e-7), latex_number(float("-inf"))
    ('2.5\\times 10^{-7}', '-\\infty')
    """
    text = format_number(x, digits)
    if text in ("nan", "-nan"):
        return r"\mathrm{NaN}"
    if text in ("inf", "-inf"):
        return text.replace("inf", r"\infty")
    mantissa, e, exponent = text.partition("e")
    if e:
        mantissa = "" if mantissa == "1" else ("-" if mantissa == "-1" else mantissa + r"\times ")
        text = f"{mantissa}10^{{{int(exponent)}}}"
    return text


def _latex_number(x: Any, digits: int) -> str:
    return f"${latex_number(x, digits)}$"


def _latex_cell(x: Any, digits: int) -> str:
    if x is None:
        return ""
    if isinstance(x, LatexText):  # already LaTeX, in text mode
        return x.latex
    if isinstance(x, Math):
        return f"${x.latex}$" if x.latex else ""
    if _is_number(x) and not isinstance(x, complex):
        return _latex_number(x, digits)
    if _is_number(x) or _is_array(x):
        return latex_escape(format_number(x, digits))
    text = str(x)
    if len(text) >= 2 and text.startswith("$") and text.endswith("$"):
        return text  # already math
    return latex_escape(text)


_MARKDOWN_RE = re.compile(r"([\\|*_`<>\[\]])")


def _markdown_escape(text: str) -> str:
    return _MARKDOWN_RE.sub(r"\\\1", text)


def _plain_cell(x: Any, digits: int) -> str:
    if type(x) is str:
        return x
    if x is None:
        return ""
    if isinstance(x, Math):
        return x.text
    if _is_number(x) or _is_array(x):
        return format_number(x, digits)
    return str(x)


# -- layout ----------------------------------------------------------------------


def _tabulate():
    try:
        import tabulate
    except ImportError:
        raise MissingExtraError("rendering tables", "tabulate", "tables") from None
    return tabulate


# Zero-width code points (combining marks: the dot of v̇; joiners) and East Asian
# wide ranges, enough to measure what dualdiff writes without the wcwidth package.
_ZERO_WIDTH_RANGES = ("\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
                      "\u200b-\u200d")
_WIDE_RANGES = ("\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
                "\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60"
                "\uffe0-\uffe6")
_ZERO_WIDTH = re.compile(f"[{_ZERO_WIDTH_RANGES}]")
_WIDE = re.compile(f"[{_WIDE_RANGES}]")
# Only strings with such a character need counting: one search finds them.
_SPECIAL_WIDTH = re.compile(f"[{_ZERO_WIDTH_RANGES}{_WIDE_RANGES}]")


class _DisplayWidth:
    """Stands in for :mod:`wcwidth` when it is not installed: the width of a string
    as a terminal shows it, so combining dots (v̇) do not push columns out of line.
    """

    @staticmethod
    def wcswidth(text: str) -> int:
        if text.isascii() or _SPECIAL_WIDTH.search(text) is None:
            return len(text)
        return len(text) - len(_ZERO_WIDTH.findall(text)) + len(_WIDE.findall(text))


def _layout(tabulate_module, columns, headers, tablefmt, colalign):
    """tabulate's layout of text cells given column by column, counting display widths
    (not code points) when any cell needs it."""
    needs_width = any(_ZERO_WIDTH.search(h) for h in headers if not h.isascii()) or any(
        _ZERO_WIDTH.search("\n".join(column)) for column in columns)
    patch = needs_width and tabulate_module.wcwidth is None
    if patch:  # wcwidth is tabulate's own optional dependency for exactly this
        saved = tabulate_module.wcwidth, tabulate_module.WIDE_CHARS_MODE
        tabulate_module.wcwidth, tabulate_module.WIDE_CHARS_MODE = _DisplayWidth, True
    try:
        stamped = _stamped(tabulate_module, columns, headers, tablefmt, colalign)
        if stamped is not None:
            return stamped
        rows = [list(row) for row in zip(*columns)]
        return _tabulate_all(tabulate_module, rows, headers, tablefmt, colalign)
    finally:
        if patch:
            tabulate_module.wcwidth, tabulate_module.WIDE_CHARS_MODE = saved


def _tabulate_all(tabulate_module, rows, headers, tablefmt, colalign):
    """tabulate laying out every cell itself."""
    return tabulate_module.tabulate(
        rows, headers=headers, tablefmt=tablefmt, colalign=colalign,
        disable_numparse=True, stralign="left",
    )


_MARK = "#"  # no row of the formats used here (simple, simple_outline, pipe, latex_raw,
_MARKS = re.compile("#+")  # unsafehtml) has one of its own


def _stamped(tabulate_module, columns, headers, tablefmt, colalign):
    """tabulate's layout of the cells, with tabulate's work per row done once.

    tabulate spends 3 µs or more on every cell (type detection, ANSI checks,
    widths, padding): about 2 s for the 6·10⁵ cells of a 10⁵-node trace. Here it
    lays out the header and one row of marks as wide as each column: that gives
    the rules, the header and the row template (borders, separators, HTML/LaTeX
    syntax); every row is that template filled with its cells, stripped and
    padded as tabulate pads them. The result is tabulate's own output (the tests
    compare the two); anything unusual for this shortcut (line breaks or ANSI
    codes, an unexpected template) returns None and tabulate lays out every cell.
    """
    if (not columns or not columns[0] or getattr(tabulate_module, "PRESERVE_WHITESPACE", False)
            or any("\n" in h or "\r" in h or "\x1b" in h for h in headers)):
        return None
    display = tabulate_module.wcwidth is not None and tabulate_module.WIDE_CHARS_MODE
    width = tabulate_module.wcwidth.wcswidth if display else len
    minimum = getattr(tabulate_module, "MIN_PADDING", 2)
    columns = [list(map(str.strip, column)) for column in columns]  # as tabulate strips
    widths, sizes = [], []
    for header, column in zip(headers, columns):
        size = None  # None: each cell's width is its length
        if width is _DisplayWidth.wcswidth:  # what it would give, faster
            joined = "\n".join(column)
            if _SPECIAL_WIDTH.search(joined) is not None:
                marks = set(_ZERO_WIDTH.findall(joined))
                if _WIDE.search(joined) is None and len(marks) == 1:  # typically v̇'s dot alone
                    mark = marks.pop()
                    size = [len(c) - c.count(mark) for c in column]
                else:
                    size = list(map(width, column))
        elif width is not len:
            size = list(map(width, column))
            if min(size) < 0:  # wcwidth: a control character
                return None
        widths.append(max(max(size or map(len, column)), width(header) + minimum))
        sizes.append(size)
    marks = [_MARK * w for w in widths]
    frame = _tabulate_all(tabulate_module, [marks], headers, tablefmt, colalign).split("\n")
    for line in range(len(frame) - 1, -1, -1):
        if [len(run) for run in _MARKS.findall(frame[line])] == widths:
            break
    else:
        return None
    # the row template: str.format pads cells whose width is their length itself
    pieces = [p.replace("{", "{{").replace("}", "}}") for p in _MARKS.split(frame[line])]
    template, cells = pieces[0], []
    for piece, column, size, w, align in zip(pieces[1:], columns, sizes, widths, colalign):
        right = align == "right"
        if size is None:
            template += ("{:>%d}" if right else "{:<%d}") % w + piece
            cells.append(column)
        else:
            template += "{}" + piece
            cells.append([c.rjust(w + len(c) - n) if right else c.ljust(w + len(c) - n)
                          for c, n in zip(column, size)])
    # tabulate strips every row line on the right, as here (a no-op where a border ends it)
    body = "\n".join([template.format(*row).rstrip() for row in zip(*cells)])
    if "\x1b" in body or "\r" in body or body.count("\n") != len(columns[0]) - 1:
        return None  # tabulate treats these specially
    return "\n".join(frame[:line] + [body] + frame[line + 1:])


def _numeric(column: Sequence[Any]) -> bool:
    """Whether a column holds only numbers (and blanks): then it is right-aligned."""
    seen = False
    for c in column:
        if c is None:
            continue
        if c.__class__ is not float and not (_is_number(c) or _is_array(c)):
            return False
        seen = True
    return seen


def _check(headers: Sequence[Any], rows: Sequence[Sequence[Any]], fmt: str) -> None:
    if fmt not in FORMATS:
        raise InputError(f"unknown table format {fmt!r}; choose one of {', '.join(FORMATS)}")
    for i, row in enumerate(rows):
        if len(row) != len(headers):
            raise InputError(
                f"row {i} has {len(row)} cells but there are {len(headers)} headers; "
                f"give every row one cell per column (None for an empty cell)"
            )


def render_table(
    headers: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    fmt: str = "text",
    *,
    title: str | Math | None = None,
    caption: str | Math | None = None,
    digits: int = 6,
    highlight_rows: Iterable[int] = (),
    ascii: bool = False,
) -> str:
    """Render a table of numbers and text in one of :data:`FORMATS` (see the module docstring).

    >>> print(render_table(["name", "value"], [["v1", 0.5]], "text", ascii=True))
    name      value
    ------  -------
    v1          0.5
    """
    rows = [row if row.__class__ is list else list(row) for row in rows]
    headers = list(headers)
    _check(headers, rows, fmt)
    highlight = {i for i in highlight_rows if 0 <= i < len(rows)}
    if fmt == "csv":
        return _render_csv(headers, rows)
    if fmt == "json":
        return _render_json(headers, rows, title, caption, highlight)
    module = _tabulate()
    # column by column: a column is often all text or all numbers, handled alike
    raw = list(zip(*rows)) if rows else [() for _ in headers]
    aligns = ["right" if _numeric(column) else "left" for column in raw]
    render = {"text": _render_text, "markdown": _render_markdown, "latex": _render_latex,
              "html": _render_html}[fmt]
    return render(module, headers, raw, aligns, title, caption, digits, highlight, ascii)


def _render_csv(headers, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([_csv_cell(h) for h in headers])
    writer.writerows([_csv_cell(c) for c in row] for row in rows)
    return out.getvalue()


def _render_json(headers, rows, title, caption, highlight) -> str:
    document = {
        "title": None if title is None else str(title),
        "caption": None if caption is None else str(caption),
        "headers": [json_value(h) for h in headers],
        "rows": [[json_value(c) for c in row] for row in rows],
        "highlight_rows": sorted(highlight),
    }
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)


def _plain_columns(raw, digits):
    """Each column's cells as plain text (strings as they are, numbers to ``digits``)."""
    spec = f".{digits}g"
    return [[c if c.__class__ is str else format(c, spec) if c.__class__ is float
             else _plain_cell(c, digits) for c in column] for column in raw]


def _escaped(columns, special, escape):
    """``escape`` applied to every cell of the columns that have a ``special`` character."""
    return [[escape(c) for c in column] if special.search("\n".join(column)) else column
            for column in columns]


def _render_text(module, headers, raw, aligns, title, caption, digits, highlight, ascii):
    columns = _plain_columns(raw, digits)
    head = [_plain_cell(h, digits) for h in headers]
    if highlight:  # a narrow marker column: tabulate strips padding inside cells
        mark = ">" if ascii else "▶"
        marks = [mark if i in highlight else "" for i in range(len(columns[0]))]
        columns, head, aligns = [marks] + columns, [""] + head, ["left"] + aligns
    table = _layout(module, columns, head, "simple" if ascii else "simple_outline", aligns)
    parts = [title, table, caption]
    return "\n".join(str(p) for p in parts if p)


def _bold(columns, highlight, before, after):
    for column in columns:
        for i in highlight:
            if column[i]:
                column[i] = before + column[i] + after


def _render_markdown(module, headers, raw, aligns, title, caption, digits, highlight, ascii):
    columns = _escaped(_plain_columns(raw, digits), _MARKDOWN_RE, _markdown_escape)
    if highlight:
        columns = [list(column) for column in columns]
        _bold(columns, highlight, "**", "**")
    head = [_markdown_escape(_plain_cell(h, digits)) for h in headers]
    table = _layout(module, columns, head, "pipe", aligns)
    parts = [f"**{_markdown_escape(str(title))}**" if title else None, table,
             f"*{_markdown_escape(str(caption))}*" if caption else None]
    return "\n\n".join(p for p in parts if p)


def _render_latex(module, headers, raw, aligns, title, caption, digits, highlight, ascii):
    columns = [[c if c.__class__ is str and len(c) >= 2 and c[0] == "$" and c[-1] == "$"
                else _latex_cell(c, digits) for c in column] for column in raw]
    _bold(columns, highlight, r"\textbf{", "}")
    head = [_latex_cell(h, digits) for h in headers]
    raw_table = _layout(module, columns, head, "latex_raw", aligns)
    # latex_raw draws three \hline rules: above the header, below it, at the end;
    # booktabs names them.
    lines = raw_table.split("\n")
    rules = [i for i, line in enumerate(lines) if line.strip() == r"\hline"]
    for i, name in zip(rules, (r"\toprule", r"\midrule", r"\bottomrule")):
        lines[i] = name
    tabular = "\n".join(lines)
    out = [r"% needs \usepackage{booktabs}"]
    if title:
        out += [r"\begin{table}[htbp]", r"\centering", r"\caption{" + _latex_text(title) + "}"]
    out.append(tabular)
    if caption:
        out.append(r"\par\smallskip{\footnotesize " + _latex_text(caption) + "}")
    if title:
        out.append(r"\end{table}")
    return "\n".join(out)


def _latex_text(text: Any) -> str:
    return text.latex if isinstance(text, Math) else latex_escape(str(text))


_HTML_SPECIAL = re.compile("[&<>\"']")


def _render_html(module, headers, raw, aligns, title, caption, digits, highlight, ascii):
    columns = _escaped(_plain_columns(raw, digits), _HTML_SPECIAL, html.escape)
    head = [html.escape(_plain_cell(h, digits)) for h in headers]
    table = _layout(module, columns, head, "unsafehtml", aligns)  # cells escaped above
    lines = table.split("\n")
    if highlight:
        body_rows = [i for i, line in enumerate(lines) if line.startswith("<tr><td")]
        for k, i in enumerate(body_rows):
            if k in highlight:
                lines[i] = lines[i].replace(
                    "<tr>", '<tr class="dualdiff-flag" style="background-color: #fdd;">', 1)
    if title:
        lines[0] = lines[0] + "\n<caption>" + html.escape(str(title)) + "</caption>"
    out = "\n".join(lines)
    if caption:
        out += '\n<p class="dualdiff-caption">' + html.escape(str(caption)) + "</p>"
    return out
