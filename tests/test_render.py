"""render_table: every format parses, numbers keep their digits where they must, escaping holds."""

from __future__ import annotations

import csv
import io
import json
import math
import re
from html.parser import HTMLParser

import pytest

import dualdiff.render as render
from dualdiff.errors import InputError, MissingExtraError
from dualdiff.render import FORMATS, Math, format_number, json_value, render_table

HEADERS = ["name", "formula", "value"]
ROWS = [
    ["a_1 & 50%", Math("v̇₁ = v̇₋₁/v₋₁", r"\dot{v}_{1} = \frac{\dot{v}_{-1}}{v_{-1}}"), 1 / 3],
    ["<b>x|y</b>", "$x^2$", -2.5e-300],
    ["nan row", None, float("nan")],
    ["inf row", "{~}\\#", float("inf")],
]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.cells: list[str] = []
        self.rows_with_class: list[str] = []
        self.balanced = True

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        if tag == "tr" and dict(attrs).get("class"):
            self.rows_with_class.append(dict(attrs)["class"])

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.balanced = False

    def handle_data(self, data):
        if self.stack and self.stack[-1] in ("td", "th"):
            self.cells.append(data.strip())


def test_csv_round_trips_every_digit():
    text = render_table(HEADERS, ROWS, "csv")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEADERS
    assert float(rows[1][2]) == 1 / 3
    assert float(rows[2][2]) == -2.5e-300
    assert math.isnan(float(rows[3][2]))
    assert float(rows[4][2]) == math.inf
    assert rows[1][0] == "a_1 & 50%" and rows[1][1] == "v̇₁ = v̇₋₁/v₋₁"
    assert rows[3][1] == ""


def test_json_is_strict_and_full_precision():
    document = json.loads(render_table(HEADERS, ROWS, "json", title="T", highlight_rows=[2]))
    assert document["headers"] == HEADERS
    assert document["rows"][0][2] == 1 / 3
    assert document["rows"][2][2] == "nan" and document["rows"][3][2] == "inf"
    assert document["highlight_rows"] == [2] and document["title"] == "T"


def test_text_is_aligned_with_combining_dots():
    text = render_table(HEADERS, ROWS, "text", digits=4)
    lines = text.split("\n")
    widths = {sum(1 for ch in line if not __import__("unicodedata").combining(ch))
              for line in lines}
    assert len(widths) == 1  # every line has the same display width
    assert "0.3333" in text and "0.33333" not in text


def test_text_ascii_is_ascii_and_marks_rows():
    rows = [["x1", "a", 1.0], ["x2", "b", 2.0]]
    text = render_table(HEADERS, rows, "text", ascii=True, highlight_rows=[1])
    assert text.isascii()
    marked = [line for line in text.split("\n") if line.startswith(">")]
    assert len(marked) == 1 and "x2" in marked[0]


def test_markdown_escapes_pipes_and_bolds_highlights():
    text = render_table(HEADERS, ROWS, "markdown", highlight_rows=[0], title="Title")
    table = [line for line in text.split("\n") if line.startswith("|")]
    assert len(table) == 2 + len(ROWS)
    # every table line has the same number of unescaped pipes
    counts = {len(re.findall(r"(?<!\\)\|", line)) for line in table}
    assert counts == {len(HEADERS) + 1}
    assert "**a\\_1 & 50%**" in text
    assert "\\<b\\>x\\|y\\</b\\>" in text


def test_latex_booktabs_balanced_and_escaped():
    text = render_table(HEADERS, ROWS, "latex", title="A & B", caption="50%")
    begins = re.findall(r"\\begin\{(\w+)\}", text)
    ends = re.findall(r"\\end\{(\w+)\}", text)
    assert sorted(begins) == sorted(ends) == ["table", "tabular"]
    lines = text.split("\n")
    assert [line for line in lines if line in (r"\toprule", r"\midrule", r"\bottomrule")] == [
        r"\toprule", r"\midrule", r"\bottomrule"]
    assert r"\caption{A \& B}" in text and r"50\%" in text
    assert r"a\_1 \& 50\%" in text
    assert r"$\dot{v}_{1} = \frac{\dot{v}_{-1}}{v_{-1}}$" in text  # Math kept as math
    assert "$x^2$" in text  # a $...$ string kept as math
    assert r"\{\textasciitilde{}\}\textbackslash{}\#" in text
    assert r"$-2.5\times 10^{-300}$" in text and r"$\mathrm{NaN}$" in text and r"$\infty$" in text
    # no unescaped specials outside math: strip math, then look for bare & % # _
    body = re.sub(r"\$[^$]*\$", "", text.split(r"\midrule")[1].split(r"\bottomrule")[0])
    assert not re.search(r"(?<!\\)[%#_]", body)


def test_html_parses_escapes_and_highlights():
    text = render_table(HEADERS, ROWS, "html", title="<T>", highlight_rows=[1])
    parser = _Collector()
    parser.feed(text)
    assert parser.balanced and not parser.stack
    assert "<b>x|y</b>" in parser.cells  # the markup came back as text, not as tags
    assert parser.rows_with_class == ["dualdiff-flag"]
    assert "<caption>&lt;T&gt;</caption>" in text


def test_digits_and_number_formats():
    assert format_number(2 / 3, 3) == "0.667"
    assert format_number(1e-7) == "1e-07"
    assert format_number(10.0) == "10"
    assert json_value(float("-inf")) == "-inf" and json_value(0.1) == 0.1
    assert "0.67" in render_table(["x"], [[2 / 3]], "html", digits=2)


def test_bad_format_and_ragged_rows():
    with pytest.raises(InputError, match="unknown table format"):
        render_table(HEADERS, ROWS, "rtf")
    with pytest.raises(InputError, match="one cell per column"):
        render_table(HEADERS, [[1, 2]], "csv")


@pytest.mark.parametrize("fmt", FORMATS)
def test_without_tabulate(monkeypatch, fmt):
    import builtins

    real_import = builtins.__import__

    def no_tabulate(name, *args, **kwargs):
        if name == "tabulate":
            raise ImportError("No module named 'tabulate'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_tabulate)
    if fmt in ("csv", "json"):
        assert "1.5" in render_table(["x"], [[1.5]], fmt)
    else:
        with pytest.raises(MissingExtraError, match=r"dualdiff\[tables\]"):
            render_table(["x"], [[1.5]], fmt)


def test_display_width_stand_in_counts_combining_marks_as_zero():
    assert render._DisplayWidth.wcswidth("v̇₋₁") == 3
    assert render._DisplayWidth.wcswidth("漢") == 2


# -- layout: tabulate lays out the header and a row template; rows are stamped from it ----

_WORDS = ["v̇₋₁", "x", "", "  padded ", "漢字", "a{b}c", "{0}", "1.5", "-2", "True", "ẏ = v̇₃",
          "α·β", "|p|", "$x$", r"\frac{1}{2}", "<b>", "##", "#", "a\tb", "e\u0301", "%s"]
_LAYOUTS = ["simple", "simple_outline", "pipe", "latex_raw", "unsafehtml"]


def _tabulate_every_cell(rows, headers, tablefmt, aligns, display_width):
    """tabulate itself laying out every cell (the reference), with render's width stand-in."""
    import tabulate

    saved = tabulate.wcwidth, tabulate.WIDE_CHARS_MODE
    if display_width:
        tabulate.wcwidth, tabulate.WIDE_CHARS_MODE = render._DisplayWidth, True
    try:
        return tabulate.tabulate(rows, headers=headers, tablefmt=tablefmt, colalign=aligns,
                                 disable_numparse=True, stralign="left")
    finally:
        tabulate.wcwidth, tabulate.WIDE_CHARS_MODE = saved


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("tablefmt", _LAYOUTS)
def test_layout_is_tabulates_own(seed, tablefmt):
    import random

    import tabulate

    rng = random.Random(seed)
    for _ in range(60):
        ncols, nrows = rng.randint(1, 5), rng.randint(1, 6)
        headers = [rng.choice(_WORDS + ["node", "primal trace"]) for _ in range(ncols)]
        rows = [[rng.choice(_WORDS) for _ in range(ncols)] for _ in range(nrows)]
        aligns = [rng.choice(["left", "right"]) for _ in range(ncols)]
        columns = [list(column) for column in zip(*rows)]
        display = any(render._ZERO_WIDTH.search(c) for row in [headers, *rows] for c in row)
        expected = _tabulate_every_cell(rows, headers, tablefmt, aligns, display)
        assert render._layout(tabulate, columns, headers, tablefmt, aligns) == expected


@pytest.mark.parametrize("fmt, tablefmt", [("text", "simple_outline"), ("markdown", "pipe"),
                                           ("latex", "latex_raw"), ("html", "unsafehtml")])
def test_tabulate_lays_out_one_row_whatever_the_table_size(monkeypatch, fmt, tablefmt):
    import tabulate

    rows = [[f"v̇{i}", f"v{i} = sin v{i - 1}", i / 7, -i * 1e-9] for i in range(3000)]
    real = tabulate.tabulate
    expected = render_table(["node", "definition", "primal", "tangent"], rows, fmt)
    seen = []

    def counting(data, *args, **kwargs):
        seen.append(len(data))
        return real(data, *args, **kwargs)

    monkeypatch.setattr(tabulate, "tabulate", counting)
    assert render_table(["node", "definition", "primal", "tangent"], rows, fmt) == expected
    assert seen == [1]  # the header and one template row, not 3000 rows
    # and what was stamped is what tabulate gives laying out all 3000 rows itself
    cells = [[r[0], r[1], format_number(r[2]), format_number(r[3])] for r in rows]
    if fmt == "text":
        laid_out = _tabulate_every_cell(cells, ["node", "definition", "primal", "tangent"],
                                        tablefmt, ["left", "left", "right", "right"], True)
        assert expected == laid_out


@pytest.mark.parametrize("header, cell", [("y", "two\nlines"), ("y", "\x1b[31mred\x1b[0m"),
                                          ("\x1b[1mbold header\x1b[0m", "c"), ("two\nlines", "c")])
def test_cells_tabulate_treats_specially_are_laid_out_by_tabulate(header, cell):
    import tabulate

    rows = [["a", cell], ["b", "c"]]
    columns = [list(column) for column in zip(*rows)]
    for tablefmt in _LAYOUTS:
        expected = _tabulate_every_cell(rows, ["x", header], tablefmt, ["left", "left"], False)
        assert render._layout(tabulate, columns, ["x", header], tablefmt,
                              ["left", "left"]) == expected
