"""Hostile input through the ``dualdiff`` command: refused with exit 2, one clean message, no trace.

The expression corpus is the expression language's own (``tests/test_expr_hostile.py``:
imports, dunders, attribute chains, exponent and nesting bombs, megabyte input,
NUL bytes, unbalanced brackets, Unicode look-alikes), plus hostile ``--at``
values and command-line specific attacks (option look-alikes, escape sequences
in names, bad output paths). Each goes through :func:`dualdiff.cli.main`
in-process, for every subcommand, and must:

* return 2, print nothing on stdout;
* print on stderr one line ``dualdiff: error: ...`` (or that line plus the
  caret diagnostic: the text and a line holding ``^``), no traceback, no
  control character (so no terminal escape sequence is echoed back);
* finish within a second (a safety bound against hangs, not a benchmark);
* leave the working directory empty.

A handful also run as real processes (argv as the shell passes it, the
megabyte text through stdin), where the bound is one second above the time the
same interpreter takes to print ``--version``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest
from test_expr_hostile import HOSTILE, HOSTILE_ASSIGNMENTS  # the expression language's corpus

from dualdiff.cli import main

SAFETY_BOUND_SECONDS = 1.0
COMMANDS = ("diff", "table", "graph", "check", "sweep")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")

# Attacks on the command line itself (each a full argv after the program name).
HOSTILE_ARGV = [
    ["diff", "x", "--at", "x=1", "--wrt", "x\x1b[2J"],
    ["diff", "x", "--at", "x=1", "--wrt", "__import__('os')"],
    ["diff", "x", "--at", "x=1", "--digits", "999999999999"],
    ["diff", "x", "--at", "x=1", "--format", "../../etc/passwd"],
    ["diff", "x", "--at", "x=1", "--format", "json\x1b]0;pwned\x07"],
    ["diff", "x", "--at", "x=1", "--frobnicate"],
    ["diff", "x", "--at", "x=1", "--at", "x=__import__('os')"],
    ["diff", "--function", "/etc/passwd:f", "--at", "x=1"],
    ["diff", "--function", "/dev/zero.py:f", "--at", "x=1"],
    ["diff", "--function", ".:f", "--at", "x=1"],
    ["diff", "--function", "x.py:__import__('os').system('touch pwned')", "--at", "x=1"],
    ["diff", "--function", "\x00.py:f", "--at", "x=1"],
    ["diff", "x", "--function", "x.py:f", "--at", "x=1"],
    ["table", "x", "--at", "x=1", "-o", "/nonexistent-dir/pwned.md"],
    ["table", "x", "--at", "x=1", "-o", "pwned.exe"],
    ["graph", "x", "--at", "x=1", "-o", "pwned.sh"],
    ["sweep", "x", "--at", "x=1", "-o", "pwned.sh"],
    ["sweep", "x", "--at", "x=1", "--schemes", "__import__"],
    ["table", "x", "--at", "x=1", "--wrt", ""],
    ["-" * 100_000],
    ["diff", "x", "--at", "x=1", "--", "--", "x"],
    ["\x1b[2J"],
]


def _check_refusal(code: int, stdout: str, stderr: str, elapsed: float, directory) -> None:
    assert code == 2, f"exit {code}: {stderr[:300]!r}"
    assert stdout == ""
    assert elapsed < SAFETY_BOUND_SECONDS, f"took {elapsed:.3f} s"
    assert "Traceback" not in stderr
    assert not _CONTROL.search(stderr.replace("\n", "")), repr(stderr[:300])
    lines = stderr.rstrip("\n").split("\n")
    if lines[0].startswith("usage:"):  # argparse's own usage error: usage lines, then one error line
        assert lines[-1].startswith("dualdiff") and ": error: " in lines[-1]
    else:
        assert lines[0].startswith("dualdiff: error: ") and len(lines[0]) < 2500
        assert len(lines) == 1 or (len(lines) == 3 and lines[2].strip() == "^"), lines
    assert os.listdir(directory) == []


def _run_in_process(argv: list[str], capsys) -> tuple[int, str, str, float]:
    start = time.perf_counter()
    code = main(argv)
    elapsed = time.perf_counter() - start
    captured = capsys.readouterr()
    return code, captured.out, captured.err, elapsed


def test_corpus_size():
    assert len(HOSTILE) >= 100 and len(HOSTILE_ASSIGNMENTS) >= 15 and len(HOSTILE_ARGV) >= 20


@pytest.mark.parametrize("text", HOSTILE, ids=[f"{i:03d}:{t[:30]!r}" for i, t in enumerate(HOSTILE)])
def test_hostile_expression(text, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for command in COMMANDS:
        code, stdout, stderr, elapsed = _run_in_process([command, text, "--at", "x=1"], capsys)
        _check_refusal(code, stdout, stderr, elapsed, tmp_path)


@pytest.mark.parametrize("text", HOSTILE_ASSIGNMENTS, ids=[f"{i:02d}" for i in range(len(HOSTILE_ASSIGNMENTS))])
def test_hostile_point(text, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for command in COMMANDS:
        code, stdout, stderr, elapsed = _run_in_process([command, "x*y", "--at", text], capsys)
        _check_refusal(code, stdout, stderr, elapsed, tmp_path)


@pytest.mark.parametrize("argv", HOSTILE_ARGV, ids=[f"{i:02d}" for i in range(len(HOSTILE_ARGV))])
def test_hostile_command_line(argv, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, stdout, stderr, elapsed = _run_in_process(argv, capsys)
    _check_refusal(code, stdout, stderr, elapsed, tmp_path)


# -- a handful of real processes --------------------------------------------------------------

PROCESS_CASES = {
    "import": (["diff", "__import__('os').system('touch pwned')", "--at", "x=1"], None),
    "bomb": (["table", "9**9**9**9", "--at", "x=1"], None),
    "escape": (["diff", "x\x1b[2J", "--at", "x=1"], None),
    "nesting": (["diff", "-" * 9_999 + "x", "--at", "x=1"], None),
    "megabyte": (["diff", "-", "--at", "x=1"], "x+" * 500_000 + "x"),
    "lookalike": (["check", "\u0445 + 1", "--at", "x=1"], None),
}


def _process(argv: list[str], cwd, stdin: str | None) -> tuple[subprocess.CompletedProcess, float]:
    env = dict(os.environ, PYTHONIOENCODING="utf-8", NO_COLOR="1")
    start = time.perf_counter()
    completed = subprocess.run([sys.executable, "-m", "dualdiff", *argv], cwd=cwd, input=stdin,
                               capture_output=True, text=True, encoding="utf-8", env=env, timeout=120)
    return completed, time.perf_counter() - start


@pytest.fixture(scope="module")
def startup(tmp_path_factory) -> float:
    """What the interpreter takes to start dualdiff and print its version (the best of two)."""
    cwd = tmp_path_factory.mktemp("startup")
    return min(_process(["--version"], cwd, None)[1] for _ in range(2))


@pytest.mark.parametrize("name", PROCESS_CASES)
def test_hostile_input_in_a_real_process(name, startup, tmp_path):
    argv, stdin = PROCESS_CASES[name]
    completed, elapsed = _process(argv, tmp_path, stdin)
    _check_refusal(completed.returncode, completed.stdout, completed.stderr,
                   elapsed - startup, tmp_path)
