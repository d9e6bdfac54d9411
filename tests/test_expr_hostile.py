"""Hostile input for dualdiff.expr: every one is refused with ExpressionError, fast, harmlessly.

Each corpus entry must raise ExpressionError (any other exception fails the
test), take less than a second (a safety bound against hangs and bombs, far
above the milliseconds these take, not a benchmark) and leave the working
directory empty. The fuzz tests then check that arbitrary text and arbitrary
token sequences only ever give an Expression or an ExpressionError, and that
evaluating what parses only gives a number or a dualdiff error.
"""

from __future__ import annotations

import os
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dualdiff.errors import DualDiffError, ExpressionError
from dualdiff.expr import MAX_LENGTH, Expression, parse, parse_assignments, parse_many

SAFETY_BOUND_SECONDS = 1.0

HOSTILE = [
    # reaching Python: imports, builtins, dunders, attribute chains
    "__import__('os').system('touch pwned')",
    "__import__(os)",
    "__import__",
    "().__class__.__bases__[0].__subclasses__()",
    "x.__class__",
    "x.__class__.__mro__[1].__subclasses__()",
    "os.system",
    "os.system(x)",
    "open('pwned', 'w')",
    "open(f)",
    "exec(x)",
    "eval(x)",
    "compile(x, y, z)",
    "globals()",
    "locals()",
    "vars()",
    "getattr(x, y)",
    "setattr(x, y, z)",
    "breakpoint()",
    "input()",
    "__builtins__",
    "_x + 1",
    "sin.__globals__",
    "sin(x).real",
    "(1).__class__",
    "pi.__class__",
    "x.real",
    "x[0]",
    "x[1:2]",
    "sin(x)(y)",
    "(lambda: 1)()",
    "lambda: 1",
    "lambda x: x",
    # other syntax outside the language
    "[x for x in y]",
    "(x for x in y)",
    "{x: 1}",
    "{x}",
    "[x, y]",
    "(x, y)",
    "x, y",
    "'a'*10",
    "\"a\"",
    "f'{x}'",
    "b'x'",
    "x if y else z",
    "x < y",
    "x == y",
    "x and y",
    "not x",
    "~x",
    "x // 2",
    "x % 2",
    "x @ y",
    "x | y",
    "x << 2",
    "(y := 1)",
    "x = 1",
    "x += 1",
    "import os",
    "x; import os",
    "x # comment",
    "await x",
    "yield x",
    "*x",
    "...",
    "True",
    "None",
    "1j",
    "2 + 3j",
    # calls outside the rule table, or of it with the wrong arguments
    "sine(x)",
    "sin",
    "sin + 1",
    "pi(2)",
    "x(2)",
    "sin(x, y)",
    "sin()",
    "atan2(x)",
    "sin(x=1)",
    "sin(*x)",
    "sin(**x)",
    # bombs: exponents, exact constants, nesting, length
    "9**9**9**9",
    "2**99999999",
    "x**99999999",
    "x**1e300",
    "x**-1001",
    "x**(10.0**400)",
    "2^2^2^2^2",
    "((9**999)**999)**999",
    "((1001/1000)**1000)**1000",
    "(" * 100_000 + "x" + ")" * 100_000,
    "(" * 101 + "x" + ")" * 101,
    "-" * 100_000 + "x",
    "-" * 9_999 + "x",
    "+" * 9_999 + "x",
    "-" * 101 + "x",
    "**".join(["x"] * 3_000),
    "^".join(["x"] * 3_000),
    "sin(" * 2_000 + "x" + ")" * 2_000,
    "x" * 1_000_000,
    "x+" * 600_000 + "x",
    "1" * 5_000,
    "1" * 400,
    "1e400",
    # characters: NUL, control, escapes, unicode look-alikes, whitespace
    "x\x00",
    "\x00",
    "x\x1b[2J",
    "x\x7f",
    "x\u200b+1",
    "\u0445 + 1",  # Cyrillic small ha
    "\uff53\uff49\uff4e(x)",  # fullwidth sin
    "x \u2212 1",  # minus sign
    "\u03c0*x",  # Greek pi
    "x\u00b2",
    "\ud835\udc31",  # lone surrogates
    "x\t+ 1",
    "x\n+ 1",
    "x\r\n",
    "x \\\n + 1",
    # unbalanced or empty
    "sin(x",
    "x)",
    "(x]",
    "((x)",
    "",
    "   ",
    "x +",
    "2x",
]


def test_corpus_is_large():
    assert len(HOSTILE) >= 60
    assert len(set(HOSTILE)) == len(HOSTILE)


def _refused_quickly_and_harmlessly(parser, text, directory) -> ExpressionError:
    start = time.perf_counter()
    with pytest.raises(ExpressionError) as info:
        parser(text)
    elapsed = time.perf_counter() - start
    assert elapsed < SAFETY_BOUND_SECONDS, f"took {elapsed:.3f} s"
    assert os.listdir(directory) == []
    error = info.value
    assert error.message and "\n" not in error.message
    assert error.position is None or 0 <= error.position <= len(text)
    # The rendered error never echoes a control character back to the terminal.
    assert all(char >= " " or char == "\n" for char in str(error))
    return error


@pytest.mark.parametrize("text", HOSTILE, ids=[f"{i:03d}:{t[:30]!r}" for i, t in enumerate(HOSTILE)])
def test_hostile_input_is_refused(text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _refused_quickly_and_harmlessly(parse, text, tmp_path)


# Several comma-separated expressions are exactly what parse_many is for.
HOSTILE_FOR_MANY = [text for text in HOSTILE if text not in ("(x, y)", "x, y")]


@pytest.mark.parametrize("text", HOSTILE_FOR_MANY, ids=[f"{i:03d}:{t[:30]!r}" for i, t in enumerate(HOSTILE_FOR_MANY)])
def test_hostile_input_is_refused_by_parse_many(text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _refused_quickly_and_harmlessly(parse_many, text, tmp_path)


HOSTILE_ASSIGNMENTS = [
    "x=__import__('os').system('touch pwned')",
    "x=open('pwned')",
    "x=9**9**9**9",
    "x=2**99999999",
    "x=" + "(" * 100_000,
    "x=" + "1" * 1_000_000,
    "x=1\x00",
    "x=\u0661",  # Arabic-Indic digit one: float() would accept it
    "\u0445=1",
    "x=1;y=2",
    "x=y",
    "x=1j",
    "x=lambda: 1",
    "x=[1]",
    "x.real=1",
    "x==1",
    "x",
    "=1",
    ",",
]


@pytest.mark.parametrize("text", HOSTILE_ASSIGNMENTS, ids=[f"{i:02d}" for i in range(len(HOSTILE_ASSIGNMENTS))])
def test_hostile_assignments_are_refused(text, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _refused_quickly_and_harmlessly(parse_assignments, text, tmp_path)


def test_limits_refuse_before_parsing():
    with pytest.raises(ExpressionError, match="characters long"):
        parse("x" * (MAX_LENGTH + 1))
    parse("x" * MAX_LENGTH)


def test_lookalike_error_names_the_character():
    with pytest.raises(ExpressionError) as info:
        parse("\uff53\uff49\uff4e(x)")
    assert "U+FF53" in info.value.message and info.value.position == 0
    with pytest.raises(ExpressionError) as info:
        parse("2*\u0445")
    assert "CYRILLIC" in info.value.message and "'x'" in info.value.message and info.value.position == 2


# --- fuzzing -----------------------------------------------------------------

TOKENS = [
    "x", "y", "x1", "pi", "e", "sin", "log", "exp", "atan2", "hypot", "sqrt", "power", "ln", "foo",
    "__import__", "__class__", "os", "lambda", "if", "else", "for", "in", "not", "and", "None", "True",
    "0", "1", "2", "1.5", ".5", "1e3", "1e-3", "1e400", "0x1F", "1_000", "1j", "999", "9",
    "+", "-", "*", "/", "**", "^", "//", "%", "@", "<", "==", "=", ":=", ":", ".", ",", ";",
    "(", ")", "(", ")", "[", "]", "{", "}", "'", '"', "#", "\\", " ", "  ", "\t", "\x00", "\u0445",
]

token_text = st.lists(st.sampled_from(TOKENS), max_size=40).flatmap(
    lambda tokens: st.sampled_from(["", " "]).map(lambda sep: sep.join(tokens))
)


def _only_expression_or_expression_error(text: str) -> None:
    try:
        expression = parse(text)
    except ExpressionError:
        return
    assert isinstance(expression, Expression)
    # What parses evaluates to a float, or fails with a dualdiff error only.
    try:
        value = expression(*[0.7] * len(expression.variables))
    except DualDiffError:
        return
    assert isinstance(value, float)


@settings(max_examples=1500, deadline=None)
@given(st.text(max_size=60))
def test_fuzz_random_text(text):
    _only_expression_or_expression_error(text)


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet="xy12.e+-*/^(),sinpq _", max_size=40))
def test_fuzz_random_text_from_the_language_alphabet(text):
    _only_expression_or_expression_error(text)


@settings(max_examples=2000, deadline=None)
@given(token_text)
def test_fuzz_random_token_sequences(text):
    _only_expression_or_expression_error(text)


@settings(max_examples=300, deadline=None)
@given(token_text)
def test_fuzz_parse_many_and_assignments(text):
    for parser in (parse_many, parse_assignments):
        try:
            parser(text)
        except ExpressionError:
            pass
