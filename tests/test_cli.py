"""The ``dualdiff`` command, end to end.

Every subcommand runs as a real process (``python -m dualdiff ...``, and once
through the installed ``dualdiff`` script), with text, CSV and JSON output and
``-o`` files; those processes are started together by one module fixture, so
the file stays fast, and each test then reads its own run. The other formats,
error paths, help texts, colour and ``--function`` loading run in-process
through :func:`main`, which returns the exit status.

Expected numbers come from closed forms (math) or SymPy, never from dualdiff:
the survey example f(x1, x2) = ln x1 + x1 x2 - sin x2 has, at (2, 5), the
value ln 2 + 10 - sin 5 and the gradient (1/2 + 5, 2 - cos 5).
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version as installed_version
from pathlib import Path

import pytest
import sympy

from dualdiff import backend
from dualdiff.cli import main
from dualdiff.rules import RULES

SURVEY = "log(x1) + x1*x2 - sin(x2)"
SURVEY_VALUE = math.log(2.0) + 10.0 - math.sin(5.0)
SURVEY_GRADIENT = (0.5 + 5.0, 2.0 - math.cos(5.0))
SURVEY_FILE = """\
import dualdiff as dd


def f(x1, x2):
    return dd.log(x1) + x1 * x2 - dd.sin(x2)
"""
PNG = b"\x89PNG\r\n\x1a\n"


def close(a: float, b: float, rel: float = 1e-14) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=1e-300)


def call(argv: list[str], capsys) -> tuple[int, str, str]:
    """main(argv) in-process: (exit status, stdout, stderr)."""
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# -- the real processes, started together -------------------------------------------------

# name -> (argv after the program, stdin text or None). Each runs in a directory of its own.
RUNS: dict[str, tuple[list[str], str | None]] = {
    "diff_text": (["diff", SURVEY, "--at", "x1=2,x2=5"], None),
    "diff_json": (["diff", SURVEY, "--at", "x1=2,x2=5", "--format", "json"], None),
    "diff_jacobian": (["diff", "x*y, x + sin(y), exp(x*y)", "--at", "x=1,y=2", "--format", "json"], None),
    "diff_function": (["diff", "--function", "survey.py:f", "--at", "x1=2,x2=5", "--format", "json"], None),
    "diff_stdin": (["diff", "-", "--at", "x=3", "--format", "json"], "x^2 + 1\n"),
    "table_text": (["table", SURVEY, "--at", "x1=2,x2=5"], None),
    "table_csv": (["table", SURVEY, "--at", "x1=2,x2=5", "--format", "csv"], None),
    "table_json": (["table", SURVEY, "--at", "x1=2,x2=5", "--format", "json"], None),
    "table_file": (["table", SURVEY, "--at", "x1=2,x2=5", "-o", "survey.md", "--digits", "3"], None),
    "graph_dot": (["graph", "x1/x2 + sin(x1/x2)", "--at", "x1=1,x2=2", "-o", "dag.dot"], None),
    "graph_svg": (["graph", SURVEY, "--at", "x1=2,x2=5", "-o", "dag.svg"], None),
    "check_text": (["check", SURVEY, "--at", "x1=2,x2=5"], None),
    "sweep_png": (["sweep", "exp(x)", "--at", "x=1", "-o", "sweep.png"], None),
    "domain_error": (["diff", "log(x)", "--at", "x=-1"], None),
}


class Run:
    def __init__(self, argv: list[str], completed: subprocess.CompletedProcess, cwd: Path) -> None:
        self.argv, self.code, self.stdout, self.stderr, self.cwd = (
            argv, completed.returncode, completed.stdout, completed.stderr, cwd)

    def ok(self) -> "Run":
        assert self.code == 0, f"{self.argv}: exit {self.code}\n{self.stderr}"
        assert "Traceback" not in self.stderr
        return self


def environment() -> dict[str, str]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8", NO_COLOR="1")
    env.pop("PYTHONWARNINGS", None)
    return env


def run_process(command: list[str], cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, input=stdin, capture_output=True, text=True,
                          encoding="utf-8", env=environment(), timeout=120)


def console_script() -> str:
    """The installed ``dualdiff`` script next to this interpreter (or on PATH)."""
    found = shutil.which("dualdiff", path=sysconfig.get_path("scripts")) or shutil.which(
        "dualdiff", path=str(Path(sys.executable).parent)) or shutil.which("dualdiff")
    assert found, "the dualdiff console script is not installed: pip install -e '.[test]'"
    return found


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Run]:
    jobs = {}
    for name, (argv, stdin) in RUNS.items():
        cwd = tmp_path_factory.mktemp(name)
        (cwd / "survey.py").write_text(SURVEY_FILE)
        jobs[name] = ([sys.executable, "-m", "dualdiff", *argv], cwd, stdin)
    script_cwd = tmp_path_factory.mktemp("script")
    jobs["script"] = ([console_script(), "table", SURVEY, "--at", "x1=2,x2=5", "--format", "csv"],
                      script_cwd, None)
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        futures = {name: pool.submit(run_process, command, cwd, stdin)
                   for name, (command, cwd, stdin) in jobs.items()}
        return {name: Run(jobs[name][0], future.result(), jobs[name][1]) for name, future in futures.items()}


# -- diff -----------------------------------------------------------------------------------


def test_diff_text_shows_value_and_gradient(runs):
    run = runs["diff_text"].ok()
    lines = run.stdout.splitlines()
    assert lines[0] == f"f(x1, x2) = {SURVEY}"
    assert lines[1] == "at x1 = 2, x2 = 5"
    numbers = dict(re.match(r"(\S+)\s+(\S+)$", line).groups() for line in lines[3:])
    assert close(float(numbers["f"]), SURVEY_VALUE)
    assert close(float(numbers["∂f/∂x1"]), SURVEY_GRADIENT[0])
    assert close(float(numbers["∂f/∂x2"]), SURVEY_GRADIENT[1])


def test_diff_json_has_inputs_value_gradient(runs):
    document = json.loads(runs["diff_json"].ok().stdout)
    assert document["inputs"] == ["x1", "x2"]
    assert document["point"] == {"x1": 2.0, "x2": 5.0}
    assert close(document["value"], SURVEY_VALUE)
    assert all(close(a, b) for a, b in zip(document["gradient"], SURVEY_GRADIENT, strict=True))


def test_diff_json_jacobian_of_several_expressions_matches_sympy(runs):
    document = json.loads(runs["diff_jacobian"].ok().stdout)
    x, y = sympy.symbols("x y")
    outputs = [x * y, x + sympy.sin(y), sympy.exp(x * y)]
    point = {x: 1, y: 2}
    assert document["inputs"] == ["x", "y"]
    assert len(document["value"]) == 3 and len(document["jacobian"]) == 3
    for i, expr in enumerate(outputs):
        assert close(document["value"][i], float(expr.subs(point)))
        for j, var in enumerate((x, y)):
            assert close(document["jacobian"][i][j], float(sympy.diff(expr, var).subs(point)))


def test_diff_of_a_function_from_the_users_file(runs):
    document = json.loads(runs["diff_function"].ok().stdout)
    assert document["function"] == "survey.py:f" and document["inputs"] == ["x1", "x2"]
    assert all(close(a, b) for a, b in zip(document["gradient"], SURVEY_GRADIENT, strict=True))
    assert sorted(os.listdir(runs["diff_function"].cwd)) == ["survey.py"]  # no __pycache__ left


def test_diff_reads_the_expression_from_stdin(runs):
    document = json.loads(runs["diff_stdin"].ok().stdout)
    assert document["expression"] == "x^2 + 1"
    assert document["value"] == 10.0 and document["gradient"] == [6.0]


def test_domain_error_names_the_function_and_value(runs):
    run = runs["domain_error"]
    assert run.code == 2 and run.stdout == ""
    assert run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    assert "log(-1)" in run.stderr and "x > 0" in run.stderr


# -- table ----------------------------------------------------------------------------------


def test_table_text_is_the_survey_trace_with_both_seeds(runs):
    text = runs["table_text"].ok().stdout
    lines = text.splitlines()
    assert lines[0] == f"f(x1, x2) = {SURVEY}"
    assert "∂/∂x₁" in text and "∂/∂x₂" in text
    body = [line for line in lines if line.startswith("│")]
    assert [line.split("│")[1].strip() for line in body][1:] == ["v₋₁", "v₀", "v₁", "v₂", "v₃", "v₄", "v₅", "y"]
    assert len({width(line) for line in body}) == 1  # aligned
    last = [cell.strip() for cell in body[-1].split("│")[1:-1]]
    assert float(last[-3]) == 5.5 and math.isclose(float(last[-1]), SURVEY_GRADIENT[1], rel_tol=1e-5)


def width(line: str) -> int:
    """Display width: a combining dot (the v̇ of a tangent) takes no column."""
    return sum(not unicodedata.combining(char) for char in line)


def survey_csv(text: str) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], rows[1:]


def test_table_csv_parses_at_full_precision(runs):
    header, rows = survey_csv(runs["table_csv"].ok().stdout)
    tangents = [i for i, h in enumerate(header) if h.startswith("tangent (")]
    assert len(tangents) == 2
    y = next(row for row in rows if row[0] == "y")
    assert close(float(y[header.index("primal")]), SURVEY_VALUE)
    assert all(close(float(y[i]), g) for i, g in zip(tangents, SURVEY_GRADIENT, strict=True))


def test_console_script_runs_the_same_command(runs):
    assert runs["script"].ok().stdout == runs["table_csv"].ok().stdout


def test_table_json_has_rows_and_outputs(runs):
    document = json.loads(runs["table_json"].ok().stdout)
    assert {"function", "inputs", "directions", "rows", "outputs"} <= set(document)
    assert [i["name"] for i in document["inputs"]] == ["x1", "x2"]
    (output,) = document["outputs"]
    assert close(output["primal"], SURVEY_VALUE)
    assert all(close(a, b) for a, b in zip(output["tangent"], SURVEY_GRADIENT, strict=True))
    assert [row["op"] for row in document["rows"]] == ["input", "input", "log", "multiply", "add", "sin", "subtract"]


def test_table_markdown_latex_html(capsys):
    def table(*options: str) -> str:
        code, text, err = call(["table", SURVEY, "--at", "x1=2,x2=5", *options], capsys)
        assert code == 0, err
        return text

    markdown = table("--format", "markdown")
    pipe_rows = [line for line in markdown.splitlines() if line.startswith("|")]
    assert len(pipe_rows) == 2 + 8 and len({line.count("|") for line in pipe_rows}) == 1
    latex = table("--format", "latex", "--wrt", "x1")
    assert "\\toprule" in latex and "\\bottomrule" in latex and "\\dot{v}_{-1}" in latex
    html = table("--format", "html")
    assert html.startswith("<table>") and html.count("<tr>") == 1 + 8


def test_table_output_file_takes_its_format_from_the_suffix(runs):
    run = runs["table_file"].ok()
    assert run.stdout == "" and "survey.md" in run.stderr
    written = (run.cwd / "survey.md").read_text(encoding="utf-8")
    assert written.count("\n|") >= 9 and re.search(r"\|\s+11\.7\s+\|", written)
    assert "11.652" not in written


# -- graph ----------------------------------------------------------------------------------


def test_graph_dot_shares_the_repeated_subexpression(runs):
    run = runs["graph_dot"].ok()
    dot = (run.cwd / "dag.dot").read_text(encoding="utf-8")
    assert dot.startswith("digraph")
    labels = re.findall(r'label="([^"]*)"', dot)
    assert sum(" / " in label for label in labels) == 1  # x1/x2 written twice is one node
    # inputs, x1/x2, sin, + : five nodes, edges x1->/, x2->/, /->sin, /->+, sin->+
    assert len(labels) == 5 and dot.count("->") == 5


def test_graph_svg(runs):
    run = runs["graph_svg"].ok()
    assert "<svg" in (run.cwd / "dag.svg").read_text(encoding="utf-8")
    assert run.stdout == "" and "dag.svg" in run.stderr


def test_graph_png_and_dot_on_stdout(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = call(["graph", SURVEY, "--at", "x1=2,x2=5", "-o", "dag.png"], capsys)
    assert code == 0, err
    assert (tmp_path / "dag.png").read_bytes().startswith(PNG)
    code, text, _ = call(["graph", SURVEY, "--at", "x1=2,x2=5"], capsys)
    assert code == 0 and text.startswith("digraph") and text.count("->") == 8


# -- check ----------------------------------------------------------------------------------


def test_check_text_compares_ad_sympy_and_finite_differences(runs):
    text = runs["check_text"].ok().stdout
    assert text.startswith(f"f(x1, x2) = {SURVEY}\nat x1 = 2, x2 = 5\n")
    assert "In the report below" not in text and "x0" not in text  # the report uses x1, x2
    assert "Gradient of f at x1 = 2, x2 = 5" in text
    # d/dx1 (ln x1 + x1·x2 - sin x2) = 1/x1 + x2, d/dx2 = x1 - cos x2, in the user's names
    assert "SymPy gradient: [x2 + 1/x1, x1 - cos(x2)]" in text
    for method in ("AD (forward mode)", "SymPy (symbolic)", "central difference", "complex step"):
        assert method in text
    assert "[11/2, 2 - cos(5)]" in text


def test_check_json_has_every_method_against_the_reference(capsys):
    code, text, _ = call(["check", SURVEY, "--at", "x1=2,x2=5", "--format", "json"], capsys)
    assert code == 0
    document = json.loads(text)
    assert {"ad", "symbolic", "numeric", "point", "value"} <= set(document)
    assert document["variables"] == ["x1", "x2"] and document["at"] == {"x1": 2.0, "x2": 5.0}
    assert document["names"] == ["x1", "x2"]
    assert close(document["value"], SURVEY_VALUE)
    assert all(close(a, b) for a, b in zip(document["ad"]["value"], SURVEY_GRADIENT, strict=True))
    x1, x2 = sympy.symbols("x1 x2")
    exact = [sympy.diff(sympy.log(x1) + x1 * x2 - sympy.sin(x2), v).subs({x1: 2, x2: 5}) for v in (x1, x2)]
    assert [sympy.sympify(e) for e in document["symbolic"]["exact"]] == exact
    assert document["numeric"]["central"]["abs_error"] < 1e-8
    assert document["numeric"]["forward"]["abs_error"] > document["numeric"]["central"]["abs_error"]


def test_check_one_variable_and_other_formats(capsys):
    code, text, _ = call(["check", "t^t", "--at", "t=2", "--format", "json"], capsys)
    assert code == 0 and close(json.loads(text)["ad"]["value"], 4 * math.log(2) + 4)
    t = sympy.Symbol("t")
    assert sympy.simplify(sympy.sympify(json.loads(text)["symbolic"]["formula"])
                          - sympy.diff(t ** t, t)) == 0  # written in t, not x
    code, text, _ = call(["check", "x^2*y^3", "--at", "x=1,y=3", "--wrt", "y"], capsys)
    # d/dy (x²y³) = 3x²y², with x = 1 put in: 3*y**2
    assert code == 0 and "SymPy derivative: 3*y**2" in text and "Derivative of f at y = 3" in text
    code, text, _ = call(["check", "x^2*y", "--at", "x=1,y=3", "--wrt", "y", "--format", "csv"], capsys)
    rows = list(csv.reader(io.StringIO(text)))
    assert code == 0 and rows[0][:2] == ["method", "value"] and float(rows[1][1]) == 1.0


# -- sweep ----------------------------------------------------------------------------------


def test_sweep_writes_the_plot_and_prints_the_table(runs):
    run = runs["sweep_png"].ok()
    assert (run.cwd / "sweep.png").read_bytes().startswith(PNG)
    assert "exact derivative 2.718281828459045" in run.stdout
    assert "central4" in run.stdout and "complex" in run.stdout


def test_sweep_json_is_the_partial_along_the_chosen_variable(capsys):
    code, text, _ = call(["sweep", SURVEY, "--at", "x1=2,x2=5", "--wrt", "x2", "--format", "json",
                          "--schemes", "forward,central"], capsys)
    assert code == 0
    document = json.loads(text)
    assert document["variable"] == "x2"
    assert close(document["exact"], SURVEY_GRADIENT[1])
    assert set(document["schemes"]) == {"forward", "central"}
    best = document["schemes"]["central"]["optimal_error"]
    assert best < 1e-9


# -- in-process: help, version, errors, colour -------------------------------------------------


def test_top_level_help_lists_every_function_and_says_caret_is_power(capsys):
    code, text, _ = call(["--help"], capsys)
    assert code == 0
    assert "^ means power" in text
    for rule in RULES.values():
        assert re.search(rf"\b{rule.name}\b", text), rule.name
        for alias in rule.aliases:
            assert re.search(rf"\b{alias}\b", text), alias


@pytest.mark.parametrize("command", ["diff", "table", "graph", "check", "sweep"])
def test_every_subcommand_help_shows_an_example(command, capsys):
    code, text, _ = call([command, "--help"], capsys)
    assert code == 0
    assert f"$ dualdiff {command} " in text
    assert "YOUR code" in text  # --function runs the user's file: the help says so


def test_the_diff_help_example_is_the_real_output(capsys):
    _, help_text, _ = call(["diff", "--help"], capsys)
    code, output, _ = call(["diff", SURVEY, "--at", "x1=2,x2=5"], capsys)
    assert code == 0
    for line in output.splitlines():
        assert ("  " + line).rstrip() in help_text.splitlines(), line


def test_version(capsys):
    code, text, _ = call(["--version"], capsys)
    fast_path = "compiled fast path" if backend.COMPILED else "pure Python"
    assert code == 0 and text.strip() == f"dualdiff {installed_version('dualdiff')} ({fast_path})"


def test_points_are_listed_in_the_order_given(capsys):
    code, text, _ = call(["diff", "x*y", "--at", "y=2,x=3", "--format", "json"], capsys)
    document = json.loads(text)
    assert code == 0 and document["inputs"] == ["y", "x"] and document["gradient"] == [3.0, 2.0]


def test_wrt_selects_variables(capsys):
    code, text, _ = call(["diff", SURVEY, "--at", "x1=2,x2=5", "--wrt", "x2", "--format", "json"], capsys)
    document = json.loads(text)
    assert code == 0 and document["inputs"] == ["x2"] and close(document["gradient"][0], SURVEY_GRADIENT[1])


def test_leading_minus_is_an_expression_not_an_option(capsys):
    for argv in (["diff", "-x^2", "--at", "x=3", "--format", "json"],
                 ["diff", "--at", "x=3", "--format", "json", "--", "-x^2"]):
        code, text, err = call(argv, capsys)
        assert code == 0, err
        assert json.loads(text)["gradient"] == [-6.0]


@pytest.mark.parametrize("argv, needle", [
    (["diff", "x+y", "--at", "x=1"], "no value for the variable y"),
    (["diff", "x", "--at", "x=1,z=2"], "'z' is not a variable"),
    (["diff", "2+3"], "no variables"),
    (["diff"], "give an expression"),
    (["diff", "x", "--at", "x=1", "--wrt", "q"], "'q' is not a variable"),
    (["diff", "1/x", "--at", "x=0"], "1 / 0 is undefined"),
    (["diff", "sqrt(x - 2)", "--at", "x=1"], "sqrt(-1) is outside the domain of sqrt"),
    (["diff", "sine(x)", "--at", "x=1"], "did you mean sin"),
    (["sweep", "x", "--at", "x=1", "-o", "plot.jpg"], "*.png"),
    (["sweep", "x*y", "--at", "x=1,y=2", "--wrt", "x,y"], "one variable"),
    (["sweep", "x", "--at", "x=1", "--schemes", "magic"], "unknown scheme"),
    (["table", "x", "--at", "x=1", "-o", "table.xyz"], "cannot tell the format"),
    (["graph", "x", "--at", "x=1", "-o", "g.jpg"], ".svg"),
    (["table", "x", "--at", "x=1", "-o", "no/such/dir/t.md"], "cannot write"),
])
def test_bad_input_is_one_line_and_exit_2(argv, needle, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, text, err = call(argv, capsys)
    assert code == 2 and text == ""
    assert needle in err and "Traceback" not in err
    lines = err.rstrip("\n").split("\n")
    assert lines[0].startswith("dualdiff: error: ")
    assert len(lines) == 1 or (len(lines) == 3 and lines[2].strip() == "^")
    assert os.listdir(tmp_path) == []


def test_expression_errors_keep_their_caret(capsys):
    code, _, err = call(["diff", "x + sine(x)", "--at", "x=1"], capsys)
    assert code == 2
    assert err.splitlines()[1:] == ["  x + sine(x)", "      ^"]


def test_argparse_usage_errors_exit_2(capsys):
    code, _, err = call(["diff", "x", "--at", "x=1", "--format", "xml"], capsys)
    assert code == 2 and "invalid choice" in err
    code, _, err = call(["frobnicate"], capsys)
    assert code == 2


def test_nonfinite_derivative_warns(capsys):
    code, text, err = call(["diff", "sqrt(x)", "--at", "x=0", "--format", "json"], capsys)
    assert code == 0 and json.loads(text)["gradient"] == ["inf"]
    assert "warning:" in err and "infinite" in err


def test_debug_shows_the_traceback(capsys):
    code, _, err = call(["diff", "log(x)", "--at", "x=-1", "--debug"], capsys)
    assert code == 2 and "Traceback" in err and "log(-1)" in err


def test_internal_errors_exit_1_with_one_line(capsys, monkeypatch):
    import dualdiff.cli as cli

    def broken(ns, stdout):
        raise RuntimeError("boom")

    monkeypatch.setitem(cli._RUNNERS, "diff", broken)
    code, _, err = call(["diff", "x", "--at", "x=1"], capsys)
    assert code == 1 and err.count("\n") == 1
    assert "internal error, please report" in err and "--debug" in err and "Traceback" not in err
    code, _, err = call(["diff", "x", "--at", "x=1", "--debug"], capsys)
    assert code == 1 and "Traceback" in err and "RuntimeError: boom" in err


class FakeTerminal(io.StringIO):
    encoding = "utf-8"

    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color(monkeypatch):
    from dualdiff.cli_output import Style

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert Style(FakeTerminal()).colour and not Style(io.StringIO()).colour
    monkeypatch.setenv("NO_COLOR", "1")
    assert not Style(FakeTerminal()).colour

    monkeypatch.delenv("NO_COLOR")
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["diff", "log(x)", "--at", "x=-1"]) == 2
    assert "\x1b[" in terminal.getvalue() and "log(-1)" in terminal.getvalue()


def test_ascii_terminals_get_ascii_names():
    from dualdiff.cli_output import Style

    ascii_stream = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    style = Style(ascii_stream)
    assert not style.unicode and style.partial("f", "x1") == "df/dx1"


def test_missing_matplotlib_is_a_clear_error(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code, _, err = call(["sweep", "exp(x)", "--at", "x=1", "-o", "sweep.png"], capsys)
    assert code == 2 and "pip install 'dualdiff[plot]'" in err and err.count("\n") == 1
    assert os.listdir(tmp_path) == []


def test_missing_graphviz_package_is_a_clear_error(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "graphviz", None)
    code, _, err = call(["graph", "x*x", "--at", "x=1", "-o", "g.svg"], capsys)
    assert code == 2 and "dualdiff[graph]" in err and err.count("\n") == 1
    assert os.listdir(tmp_path) == []


def test_table_with_one_direction_and_digits(capsys):
    code, text, _ = call(["table", SURVEY, "--at", "x1=2,x2=5", "--wrt", "x1", "--format", "csv"], capsys)
    header, rows = survey_csv(text)
    assert code == 0 and header.count("tangent") == 1
    assert float(rows[-1][header.index("tangent")]) == 5.5


def test_table_of_several_expressions_has_one_output_each(capsys):
    code, text, _ = call(["table", "x*y, x + y", "--at", "x=2,y=3", "--format", "json"], capsys)
    document = json.loads(text)
    assert code == 0 and [o["primal"] for o in document["outputs"]] == [6.0, 5.0]
    assert [o["tangent"] for o in document["outputs"]] == [[3.0, 2.0], [1.0, 1.0]]


def test_sweep_without_complex_step_for_a_kinked_function(capsys):
    code, text, err = call(["sweep", "abs(x)", "--at", "x=2", "--format", "json"], capsys)
    assert code == 0 and "complex" not in json.loads(text)["schemes"]
    assert "complex step is left out" in err


# -- --function ----------------------------------------------------------------------------


@pytest.mark.parametrize("source, spec, needle", [
    (None, "nowhere.py:f", "no such file"),
    (SURVEY_FILE, "user.py", "FILE.py:NAME"),
    (SURVEY_FILE, "user.py:g", "has no function 'g'"),
    (SURVEY_FILE + "g = 3\n", "user.py:g", "not a function"),
    ("def f(x:\n    return x\n", "user.py:f", "syntax error in user.py (line 1"),
    ("raise RuntimeError('no')\n", "user.py:f", "running user.py failed at line 1: RuntimeError: no"),
    ("import sys\nsys.exit(3)\n", "user.py:f", "SystemExit"),
    ("def f(*xs):\n    return xs[0]\n", "user.py:f", "takes *xs"),
    ("def f(x):\n    return 1 / (x - x)\n", "user.py:f", "raised ZeroDivisionError at line 2 of user.py"),
    ("import math\ndef f(x):\n    return math.sin(x)\n", "user.py:f", "dualdiff.sin"),
    (SURVEY_FILE, "user.txt:f", "not a Python file"),
])
def test_function_file_errors_exit_2(source, spec, needle, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    if source is not None:
        (tmp_path / "user.py").write_text(source)
        (tmp_path / "user.txt").write_text(source)
    saved_path = list(sys.path)
    code, text, err = call(["diff", "--function", spec, "--at", "x=0.5"], capsys)
    assert code == 2 and text == "" and err.count("\n") == 1, err
    assert needle in err and "Traceback" not in err
    assert "__pycache__" not in os.listdir(tmp_path)
    assert sys.path == saved_path


def test_function_parameters_are_the_variables(capsys, tmp_path):
    (tmp_path / "model.py").write_text(
        "import dualdiff as dd\n\ndef loss(w, b, scale=2.0):\n    return scale * dd.sigmoid(w * 3.0 + b)\n")
    spec = f"{tmp_path / 'model.py'}:loss"
    code, text, err = call(["diff", "--function", spec, "--at", "w=0.5,b=0.1", "--format", "json"], capsys)
    assert code == 0, err
    document = json.loads(text)
    assert document["inputs"] == ["w", "b", "scale"] and document["point"]["scale"] == 2.0
    w, b, scale = sympy.symbols("w b scale")
    f = scale / (1 + sympy.exp(-(3 * w + b)))
    point = {w: sympy.Rational(1, 2), b: sympy.Rational(1, 10), scale: 2}
    for value, var in zip(document["gradient"], (w, b, scale)):
        assert close(value, float(sympy.diff(f, var).subs(point)))
    code, _, err = call(["diff", "--function", spec, "--at", "w=1,c=2"], capsys)
    assert code == 2 and "'c' is not a parameter of" in err
    code, _, err = call(["diff", "--function", spec, "--at", "w=1"], capsys)
    assert code == 2 and "no value for the parameter b" in err
    code, text, err = call(["table", "--function", spec, "--at", "w=0.5,b=0.1", "--wrt", "w",
                            "--format", "json"], capsys)
    assert code == 0 and [i["name"] for i in json.loads(text)["inputs"]] == ["w", "b", "scale"]


def test_table_without_tabulate_names_the_extra_and_csv_still_works(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "tabulate", None)
    code, _, err = call(["table", SURVEY, "--at", "x1=2,x2=5"], capsys)
    assert code == 2 and "pip install 'dualdiff[tables]'" in err and err.count("\n") == 1
    code, text, _ = call(["table", SURVEY, "--at", "x1=2,x2=5", "--format", "csv"], capsys)
    assert code == 0 and text.startswith("node,")


def test_a_table_wider_than_the_terminal_gets_a_hint(monkeypatch, capsys):
    import dualdiff.cli as cli

    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    monkeypatch.setattr(cli.shutil, "get_terminal_size", lambda *a, **k: os.terminal_size((80, 24)))
    assert main(["table", SURVEY, "--at", "x1=2,x2=5"]) == 0
    err = capsys.readouterr().err
    assert "warning:" in err and "--wrt x1" in err and "terminal 80" in err
    assert main(["table", SURVEY, "--at", "x1=2,x2=5", "--wrt", "x1"]) == 0
    assert capsys.readouterr().err == ""  # one direction: no hint, even if wide
