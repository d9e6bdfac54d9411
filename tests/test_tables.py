"""Trace tables: columns, the rule column from the rule table, every format parses, flags show."""

from __future__ import annotations

import csv
import io
import json
import math
import re
import warnings
from html.parser import HTMLParser

import pytest
import sympy

import dualdiff as dd
from dualdiff.errors import InputError
from dualdiff.rules import RULES
from dualdiff.functions import GENERIC
from dualdiff.tables import tangent_rule
from dualdiff.trace import trace


def f(x1, x2):
    return dd.log(x1) + x1 * x2 - dd.sin(x2)


@pytest.fixture
def survey():
    return trace(f, 2.0, 5.0, wrt="x1")


def _nan_trace():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return trace(lambda x: dd.sqrt(x) * 3.0 + (x if x >= 0 else -x), 0.0)


def test_text_table_rows_of_the_survey(survey):
    text = survey.table("text", title=False)
    rows = [line for line in text.split("\n") if line.startswith("│")]
    cells = [[c.strip() for c in line.strip("│").split("│")] for line in rows]
    assert cells[0] == ["node", "primal trace", "primal", "tangent trace", "with numbers",
                        "tangent"]
    body = {row[0]: row for row in cells[1:]}
    assert body["v₁"][1:] == ["v₁ = ln v₋₁", "0.693147", "v̇₁ = v̇₋₁/v₋₁", "1/2", "0.5"]
    assert body["v₂"][1] == "v₂ = v₋₁ × v₀" and body["v₂"][5] == "5"
    assert body["v₄"][3] == "v̇₄ = cos(v₀)·v̇₀"
    assert body["y"][1:4] == ["y = v₅", "11.6521", "ẏ = v̇₅"]


def test_ascii_fallback_is_pure_ascii(survey):
    text = survey.table("text", ascii=True)
    assert text.isascii()
    assert "dv1 = dv-1/v-1" in text and "v2 = v-1 * v0" in text
    assert survey.table("csv", ascii=True).isascii()


def test_digits(survey):
    assert "0.69315" in survey.table("markdown", digits=5)
    assert "0.693147" not in survey.table("markdown", digits=5)
    assert "0.6931471806" in survey.table("text", digits=10)


def _symbolic_rule(rule, names):
    """The tangent rule of a row built independently here: Σ ∂(rule.sympy)/∂argᵢ · ȧᵢ by
    sympy.diff (not from Rule.partials)."""
    args = sympy.symbols(names, real=True)
    dots = sympy.symbols([f"d{n}" for n in names], real=True)
    value = rule.sympy(*args)
    return sum(sympy.diff(value, a) * d for a, d in zip(args, dots)), args, dots


@pytest.mark.parametrize("name", [n for n, r in RULES.items() if r.category.value ==
                                  "differentiable"])
def test_rule_column_agrees_with_sympy_diff(name):
    """For every differentiable row, the printed tangent rule, read back by SymPy, equals
    the derivative SymPy computes from the row's SymPy form."""
    rule = RULES[name]
    point = [low + (high - low) * share for (low, high), share in
             zip(rule.domain.sample, (0.61, 0.73))]
    t = trace(lambda *xs: GENERIC[name](*xs), *point)
    node = t.nodes[-1]
    text = tangent_rule(t, node, "ascii", digits=None)  # constants at full precision
    lhs, rhs = text.split(" = ", 1)
    assert lhs == f"d{node.name}"
    names = [t.nodes[i].name.replace("-", "m") for i in node.args]
    value_name = node.name
    local = {n: sympy.Symbol(n, real=True) for n in names}
    local.update({f"d{n}": sympy.Symbol(f"d{n}", real=True) for n in names})
    local[value_name] = sympy.Symbol("value")
    rhs = rhs.replace("v-", "vm")
    printed = sympy.sympify(rhs, locals=local)
    expected, args, dots = _symbolic_rule(rule, names)
    printed = printed.subs(sympy.Symbol("value"), rule.sympy(*args))
    subs = {a: p for a, p in zip(args, point)}
    subs.update({d: 0.3 + 0.4 * i for i, d in enumerate(dots)})
    assert float(printed.subs(subs)) == pytest.approx(float(expected.subs(subs)), rel=1e-9)


def test_numbers_substituted_evaluate_to_the_tangent(survey):
    for node in survey.nodes:
        text = tangent_rule(survey, node, "ascii", digits=17, direction=0)
        assert float(sympy.sympify(text)) == pytest.approx(node.tangent[0], rel=1e-12)


def test_csv_full_precision(survey):
    rows = list(csv.reader(io.StringIO(survey.table("csv"))))
    header, body = rows[0], rows[1:]
    assert header == ["node", "primal trace", "primal", "tangent trace", "with numbers",
                      "tangent"]
    assert len(body) == 8
    v4 = body[5]
    assert float(v4[2]) == math.sin(5.0)  # every digit survives
    assert float(body[-1][5]) == 5.5


def test_json_schema(survey):
    document = json.loads(survey.to_json())
    assert survey.table("json") == survey.to_json()
    assert document["inputs"] == [{"name": "x1", "node": "v-1", "value": 2.0},
                                  {"name": "x2", "node": "v0", "value": 5.0}]
    assert document["directions"] == [{"name": "x1", "seed": [1.0, 0.0]}]
    rows = {row["name"]: row for row in document["rows"]}
    assert set(rows["v2"]) >= {"name", "op", "args", "primal", "tangent", "rule"}
    assert rows["v2"]["op"] == "multiply" and rows["v2"]["args"] == ["v-1", "v0"]
    assert rows["v1"]["primal"] == math.log(2.0) and rows["v1"]["tangent"] == [0.5]
    assert rows["v1"]["rule"] == "dv1 = dv-1/v-1"
    assert document["outputs"] == [{"name": "y", "node": "v5", "primal": survey.value,
                                    "tangent": [5.5]}]
    assert document["nonfinite"] is None and document["comparisons"] == []


def test_json_two_directions_and_constants():
    t = trace(lambda x, y: 2.0 * x * y, 1.0, 3.0)
    document = json.loads(t.to_json())
    rows = {row["name"]: row for row in document["rows"]}
    assert rows["c1"]["op"] == "const" and rows["c1"]["tangent"] is None
    assert rows["v1"]["args"] == ["c1", "v-1"]
    assert rows["v2"]["tangent"] == [6.0, 2.0]


class _Html(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.ok, self.flagged, self.cells = [], True, [], []

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        if tag == "tr" and ("class", "dualdiff-flag") in attrs:
            self.flagged.append(True)

    def handle_endtag(self, tag):
        self.ok &= bool(self.stack) and self.stack.pop() == tag

    def handle_data(self, data):
        if self.stack and self.stack[-1] == "td":
            self.cells.append(data.strip())


def _latex_structure(text):
    begins = re.findall(r"\\begin\{(\w+)\}", text)
    ends = re.findall(r"\\end\{(\w+)\}", text)
    braces = 0
    for ch in re.sub(r"\\[{}]", "", text):
        braces += {"{": 1, "}": -1}.get(ch, 0)
        assert braces >= 0
    dollars = len(re.findall(r"(?<!\\)\$", text))
    return begins, ends, braces, dollars


@pytest.mark.parametrize("make", [lambda: trace(f, 2.0, 5.0), _nan_trace])
def test_every_format_parses(make):
    t = make()
    json.loads(t.table("json"))
    rows = list(csv.reader(io.StringIO(t.table("csv"))))
    assert len({len(r) for r in rows}) == 1
    begins, ends, braces, dollars = _latex_structure(t.table("latex"))
    assert begins == ["table", "tabular"] and ends == ["tabular", "table"]
    assert braces == 0 and dollars % 2 == 0
    latex = t.table("latex")
    assert latex.index(r"\toprule") < latex.index(r"\midrule") < latex.index(r"\bottomrule")
    assert re.search(r"[^\x00-\x7f]", latex.split(r"\toprule")[1]) is None  # body is ASCII
    parser = _Html()
    parser.feed(t.table("html"))
    assert parser.ok and not parser.stack
    md = [line for line in t.table("markdown").split("\n") if line.startswith("|")]
    assert len({len(re.findall(r"(?<!\\)\|", line)) for line in md}) == 1


def test_nonfinite_row_marked_in_every_format():
    t = _nan_trace()
    assert "⚠ first NaN/Inf" in t.table("text") and "▶" in t.table("text")
    assert "**v₁**" in t.table("markdown")
    assert r"\textbf{$v_{1}$}" in t.table("latex")
    parser = _Html()
    parser.feed(t.table("html"))
    assert parser.flagged == [True]
    rows = list(csv.reader(io.StringIO(t.table("csv"))))
    assert rows[0][-1] == "note" and rows[2][-1].endswith("first NaN/Inf")
    assert json.loads(t.to_json())["nonfinite"] == "v1"
    assert 'color="#cc0000"' in t.to_dot()


def test_comparisons_in_the_note_column():
    t = _nan_trace()
    text = t.table("text", ascii=True)
    assert "v0 >= 0: True (tie)" in text
    comparisons = json.loads(t.to_json())["comparisons"]
    assert comparisons == [{"op": ">=", "left": "v0", "right": 0, "outcome": True, "tie": True}]


def test_jupyter_reprs(survey):
    assert survey._repr_html_().startswith("<table>")
    assert survey._repr_markdown_().startswith("**Forward-mode trace")
    assert r"\begin{tabular}" in survey._repr_latex_()
    assert str(survey) == survey.table("text")


def test_constants_rows_on_request():
    t = trace(lambda x: x * 2.0 + 1.0, 1.0)
    assert "c₁" not in t.table("text") and "v₁ = v₀ × 2" in t.table("text")
    assert "c₁ = 2" in t.table("text", constants=True)


def test_multiple_directions_headers_and_titles():
    t = trace(f, 2.0, 5.0)
    text = t.table("text")
    assert "tangent (∂/∂x₁)" in text and "with numbers (∂/∂x₂)" in text
    assert text.split("\n")[0] == "Forward-mode trace of f at x₁ = 2, x₂ = 5; directions ∂/∂x₁, ∂/∂x₂"
    assert "Title" in t.table("markdown", title="Title")
    assert not t.table("text", title=False).startswith("Forward")


def test_unknown_format():
    with pytest.raises(InputError, match="unknown table format"):
        trace(f, 2.0, 5.0).table("docx")


# -- negative numbers in the "with numbers" column: parentheses only where needed ------


def _cells(t, **options):
    """{node: its row's cells} of an ASCII text table."""
    lines = t.table("text", ascii=True, title=False, **options).split("\n")
    starts = [m.start() for m in re.finditer(r"(?<=  )\S", "  " + lines[1])]
    starts = [s - 2 for s in starts]
    ends = starts[1:] + [None]
    return {line[:starts[1]].strip(): [line[a:b].strip() for a, b in zip(starts, ends)]
            for line in lines[2:]}


def test_a_negative_number_alone_or_as_a_function_argument_has_no_parentheses():
    # sin(2x) at x = -1.3: v1 = 2x = -2.6, v̇2 = cos(v1)·v̇1 = 2 cos(-2.6) ≈ -1.71378
    t = trace(lambda x: dd.sin(2.0 * x), -1.3)
    cells = _cells(t)
    assert cells["v2"][4] == "cos(-2.6)*2"
    assert cells["y"][4] == f"{2 * math.cos(-2.6):.6g}" == "-1.71378"
    assert r"\cos{\left(-2.6 \right)} \cdot 2" in t.table("latex")
    assert "at $x = -1.3$" in t.table("latex")


@pytest.mark.parametrize("f, x, node, expected", [
    # x - (-3): two operators in a row need them; the first operand does not
    (lambda x: (-x) - (-x), 2.0, "v3", "-1 - (-1)"),
    # -(-3): a unary minus before a negative number
    (lambda x: -(x * x), -1.5, "v2", "-(-3)"),
    # 2·(-3) stays as it is; (-1.5)^2 is not -(1.5^2)
    (lambda x: x * x, -1.5, "v1", "2*(-1.5)*1"),
    (lambda x: x ** 3, -1.5, "v1", "3*(-1.5)**2*1"),
    (lambda x: x + dd.exp(-x), 0.5, "v3", "1 + (-0.606531)"),
])
def test_parentheses_where_precedence_needs_them(f, x, node, expected):
    assert _cells(trace(f, x))[node][4] == expected


def test_negative_constants_in_definitions():
    cells = _cells(trace(lambda x: x * (-3.0), 1.0), constants=True)
    assert cells["c1"][1] == "c1 = -3"
    assert cells["v1"][1] == "v1 = v0 * (-3)"
    assert cells["y"][4] == "-3"


def test_numbers_without_parentheses_still_evaluate_to_the_derivative():
    # d/dx of -(x³) - sin(2x)·(-x) + exp(-x) at x = -0.7, by hand:
    # -3x² + 2x cos(2x) + sin(2x) - exp(-x)
    x = -0.7
    expected = -3 * x**2 + 2 * x * math.cos(2 * x) + math.sin(2 * x) - math.exp(-x)
    t = trace(lambda x: -(x ** 3) - dd.sin(2.0 * x) * (-x) + dd.exp(-x), x)
    for node in t.nodes:
        text = tangent_rule(t, node, "ascii", digits=17, direction=0)
        if text:
            assert float(sympy.sympify(text)) == pytest.approx(node.tangent[0], rel=1e-12)
    output = tangent_rule(t, t.nodes[t.outputs[0].node], "ascii", digits=17, direction=0)
    assert float(sympy.sympify(output)) == pytest.approx(expected, rel=1e-12)


def _latex_header(latex):
    return latex.split(r"\toprule")[1].split(r"\midrule")[0]


def _three(x1, x2, x3):
    return dd.sqrt(x1 - 1.0) * x2 * x3 + dd.abs(x3 - 3.0)


@pytest.mark.parametrize("make, n", [
    (lambda: trace(f, 2.0, 5.0, wrt="x1"), 1),
    (lambda: trace(f, 2.0, 5.0), 2),
    (lambda: trace(lambda x1, x2, x3: x1 * x2 * x3, 1.0, 2.0, 3.0), 3),
    (lambda: _nan_trace(), 1),
    (lambda: _quiet(lambda: trace(_three, 1.0, 2.0, 3.0)), 3),
])
def test_latex_headers_are_latex_for_any_number_of_directions(make, n):
    latex = make().table("latex")
    begins, ends, braces, dollars = _latex_structure(latex)
    assert begins == ["table", "tabular"] and ends == ["tabular", "table"]
    assert braces == 0 and dollars % 2 == 0
    assert r"\textbackslash" not in latex
    header = _latex_header(latex)
    assert r"\$" not in header
    assert header.count("&") + 1 == len(re.search(r"\\begin\{tabular\}\{(\w+)\}", latex)[1])
    if n == 1:
        assert "with numbers" in header and "$" not in header
    for i in range(1, n + 1 if n > 1 else 1):
        assert rf"with numbers ($\partial/\partial x_{{{i}}}$)" in header
        assert rf"tangent ($\partial/\partial x_{{{i}}}$)" in header


def _quiet(make):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return make()


def test_latex_notes_are_text_with_math_only_for_names():
    latex = _nan_trace().table("latex")
    assert r"\textbf{first NaN/Inf}" in latex and "$first" not in latex
    assert r"$v_{0} \ge 0$: True (tie)" in latex
    latex = _quiet(lambda: trace(_three, 1.0, 2.0, 3.0)).table("latex")
    assert re.search(r"& \\textbf\{first NaN/Inf\} +\\\\", latex)
    assert re.search(r"& abs at its kink +\\\\", latex) and "$abs" not in latex


def test_latex_direction_along_a_vector_is_escaped_text():
    t = trace(lambda x, y: x * y, 1.0, 2.0, seed=[[1.0, 0.5], [0.0, 2.0]])
    header = _latex_header(t.table("latex"))
    assert "with numbers (along (1, 0.5))" in header and "tangent (along (0, 2))" in header
    assert "$" not in header
    # the other formats keep their plain headers
    assert next(csv.reader(io.StringIO(t.table("csv"))))[4] == "with numbers (along (1, 0.5))"
    assert "tangent (∂/∂x)" in trace(lambda x, y: x * y, 1.0, 2.0).table("text")
