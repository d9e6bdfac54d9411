"""Every example runs as a user runs it (python examples/NAME.py) and is listed in examples/README.md."""

from __future__ import annotations

import ast
import re
import sys

import pytest

from examples_support import EXAMPLES, example_paths, run_script

PATHS = example_paths()
CORE = {"numpy", "sympy", "dualdiff", "_display"}  # what `pip install dualdiff` brings, and the examples' shared helpers
README = (EXAMPLES / "README.md").read_text(encoding="utf-8")


def test_there_are_thirteen_numbered_examples():
    numbers = [int(p.name[:2]) for p in PATHS]
    assert numbers == list(range(1, 14))


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_example_runs_as_a_script(path, tmp_path):
    done = run_script(path, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "Warning" not in done.stderr, done.stderr  # a teaching script should run clean
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    # The summary line printed first is the docstring's first line: the problem, stated.
    assert done.stdout.splitlines()[0] == docstring.splitlines()[0]
    assert len(done.stdout.splitlines()) >= 8


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_example_states_how_to_run_it_and_has_a_main(path):
    source = path.read_text(encoding="utf-8")
    tree = ast.parse(source)
    docstring = ast.get_docstring(tree)
    assert f"Run: python examples/{path.name}" in docstring
    assert any(isinstance(node, ast.FunctionDef) and node.name == "main" for node in tree.body)
    assert 'if __name__ == "__main__":' in source
    # Only the core dependencies at module level: numpy, sympy, dualdiff and the standard library.
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            for name in names:
                top = (name or "").split(".")[0]
                assert top in CORE or top in sys.stdlib_module_names, f"{path.name} imports {name}"


def test_readme_lists_every_example_once_with_its_run_command():
    for path in PATHS:
        lines = [line for line in README.splitlines() if path.name in line]
        assert len(lines) == 1, f"{path.name} should have exactly one line in examples/README.md"
        assert f"python examples/{path.name}" in lines[0]
    listed = set(re.findall(r"examples/(\d\d_\w+\.py)", README))
    assert listed == {p.name for p in PATHS}


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_example_runs_with_only_the_core_dependencies(path, monkeypatch, tmp_path, capsys):
    import runpy

    for extra in ("tabulate", "matplotlib", "graphviz"):  # the optional extras: importing them now fails
        monkeypatch.setitem(sys.modules, extra, None)
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(EXAMPLES))  # as `python examples/NAME.py` does: _display is found
    runpy.run_path(str(path), run_name="__main__")
    out = capsys.readouterr().out
    assert len(out.splitlines()) >= 8
    assert not list(tmp_path.iterdir())  # no plot without matplotlib
    if path.name.startswith("11_"):
        assert "no plot" in out and "matplotlib" in out
