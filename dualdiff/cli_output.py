"""Output helpers of the ``dualdiff`` command: streams, colour, numbers, small tables.

Only the command line uses these. They decide what a terminal can show
(colour only on a TTY with ``NO_COLOR`` unset; Unicode only when the stream's
encoding can carry it) and keep every error to one clean line (or the caret
diagnostic of an :class:`~dualdiff.errors.ExpressionError`).

>>> columns([["name", "value"], ["f", "11.65"], ["df/dx1", "5.5"]])
['name    value', 'f       11.65', 'df/dx1    5.5']
"""

from __future__ import annotations

import json
import math
import os
import re
import unicodedata
from typing import Any, Iterable, Sequence, TextIO

__all__ = [
    "Style",
    "columns",
    "number",
    "json_number",
    "dumps",
    "clean",
    "error_text",
    "write",
    "display_width",
]

PROGRAM = "dualdiff"

# Characters that could move the cursor, clear the screen or hide text when
# echoed back to a terminal: every C0/C1 control except the line break.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")
_LONGEST_LINE = 2000


class Style:
    """What a stream can show: colour (a TTY, ``NO_COLOR`` unset, ``TERM`` not dumb) and Unicode.

    >>> import io
    >>> s = Style(io.StringIO())
    >>> s.colour, s.bold("f"), s.partial("f", "x1")
    (False, 'f', '∂f/∂x1')
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.colour = _wants_colour(stream)
        self.unicode = can_encode(stream, "∂ẋ─│▶₁₋")

    def _paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.colour else text

    def bold(self, text: str) -> str:
        return self._paint(text, "1")

    def red(self, text: str) -> str:
        return self._paint(text, "1;31")

    def yellow(self, text: str) -> str:
        return self._paint(text, "33")

    def partial(self, f: str, x: str, single: bool = False) -> str:
        """``∂f/∂x`` (``df/dx`` for a function of one variable, or without Unicode)."""
        if single or not self.unicode:
            return f"d{f}/d{x}"
        return f"∂{f}/∂{x}"


def _wants_colour(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # a closed or fake stream
        return False


def can_encode(stream: TextIO, sample: str) -> bool:
    """Whether ``stream``'s encoding can write ``sample`` (a C-locale terminal cannot write ∂)."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        sample.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def display_width(line: str) -> int:
    """Terminal columns of ``line``: combining marks (the dot of v̇) take none.

    >>> display_width("v̇₁ = 2")
    6
    """
    return sum(not unicodedata.combining(char) for char in line)


def write(stream: TextIO, text: str) -> None:
    """Write ``text`` and a line break, escaping what the stream's encoding cannot carry."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        try:
            text = text.encode(encoding, "backslashreplace").decode(encoding)
        except LookupError:
            text = text.encode("ascii", "backslashreplace").decode("ascii")
    stream.write(text + "\n")
    stream.flush()


def clean(text: str, limit: int = _LONGEST_LINE) -> str:
    """``text`` safe to echo: control characters shown as escapes, each line cut at ``limit``.

    >>> clean("x\\x1b[2J")
    'x\\\\x1b[2J'
    """
    text = _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")  # lone surrogates from argv
    lines = [line if len(line) <= limit else line[:limit] + " [...]" for line in text.split("\n")]
    return "\n".join(lines)


def error_text(message: str, style: Style, label: str = "error") -> str:
    """``dualdiff: error: <message>``; a caret diagnostic keeps its two extra lines.

    >>> import io
    >>> error_text("unknown variable 'z'", Style(io.StringIO()))
    "dualdiff: error: unknown variable 'z'"
    """
    first, _, rest = clean(message).partition("\n")
    head = f"{PROGRAM}: {style.red(label + ':') if label == 'error' else style.yellow(label + ':')} {first}"
    return head + ("\n" + rest if rest else "")


def number(x: Any, digits: int | None = None) -> str:
    """A float as text: every digit (shortest repr that round-trips) or ``digits`` significant ones.

    >>> number(5.5), number(1.7163378145367738, 6), number(4.0), number(float("nan"))
    ('5.5', '1.71634', '4', 'nan')
    """
    x = float(x)
    if not math.isfinite(x):
        return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")
    if digits is not None:
        text = f"{x:.{digits}g}"
    else:
        text = repr(x)
        if text.endswith(".0"):
            text = text[:-2]
    return "0" if text == "-0" else text


def json_number(x: Any) -> Any:
    """A float for JSON: nan and ±inf as the strings the table renderer uses ("nan", "inf", "-inf")."""
    x = float(x)
    if math.isfinite(x):
        return x
    return "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")


def json_nested(x: Any) -> Any:
    """Numbers, arrays and lists of them as JSON-ready nested lists."""
    if hasattr(x, "tolist"):
        x = x.tolist()
    if isinstance(x, (list, tuple)):
        return [json_nested(v) for v in x]
    return json_number(x)


def dumps(document: Any) -> str:
    """Strict JSON (no NaN literals), indented, Unicode kept."""
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)


def columns(rows: Sequence[Sequence[str]], right: Iterable[int] | None = None, gap: str = "  ") -> list[str]:
    """Rows of cells as aligned lines: the first column left-aligned, the others right-aligned.

    ``right`` names the right-aligned columns (default: all but the first).
    """
    if not rows:
        return []
    n = max(len(row) for row in rows)
    rows = [list(row) + [""] * (n - len(row)) for row in rows]
    widths = [max(len(row[c]) for row in rows) for c in range(n)]
    aligned_right = set(range(1, n)) if right is None else set(right)
    lines = []
    for row in rows:
        cells = [cell.rjust(w) if c in aligned_right else cell.ljust(w) for c, (cell, w) in enumerate(zip(row, widths))]
        lines.append(gap.join(cells).rstrip())
    return lines
