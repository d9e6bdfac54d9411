"""The ``dualdiff`` command: argument parsing and dispatch (``python -m dualdiff`` too).

Each subcommand reads a function (an expression, or ``--function FILE.py:NAME``)
and a point (``--at x1=2,x2=5``), then hands them to the library:

==========  =========================================================  ======================
command     what it prints                                             built on
==========  =========================================================  ======================
``diff``    the value and the gradient (several expressions: Jacobian)  :mod:`dualdiff.derivatives`
``table``   the forward-mode evaluation trace (Wengert list)            :mod:`dualdiff.trace`, tables
``graph``   the expression DAG as Graphviz DOT, SVG or PNG              :mod:`dualdiff.graph`
``check``   AD vs SymPy vs finite differences                           :mod:`dualdiff.compare`
``sweep``   finite-difference error against the step size               :mod:`dualdiff.sweep`
==========  =========================================================  ======================

EXPR ``-`` reads the expression from standard input. Expressions are parsed by
:mod:`dualdiff.expr` (never evaluated as Python); ``--function`` imports the
user's own file, which does run it as Python, as the help says.

Exit status: 0 on success; 2 for bad input of any kind (one line on stderr, or
the caret diagnostic of an expression error; a point outside a function's
domain names the function and the value; argparse's usage errors too); 1 for
an internal error (a bug: ``--debug`` shows its traceback). :func:`main` takes
``argv`` and returns the status, so it can be called in-process. Warnings
(a NaN in a trace, a tie at a kink) are printed as ``dualdiff: warning: ...``.

>>> main(["diff", "x^2 + 1", "--at", "x=3"])
f(x) = x^2 + 1
at x = 3
<BLANKLINE>
f      10
df/dx   6
0
"""

from __future__ import annotations

import argparse
import difflib
import functools
import importlib.util
import inspect
import json
import math
import os
import sys
import shutil
import traceback
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence, TextIO

from . import cli_output as out
from .errors import DomainError, DualDiffError, ExpressionError, InputError, MissingExtraError

__all__ = ["main", "build_parser"]

FORMATS_DIFF = ("text", "json")
FORMATS_TABLE = ("text", "markdown", "latex", "html", "csv", "json")
# Output file suffix -> table format, when -o is given without --format.
TABLE_SUFFIXES = {".txt": "text", ".md": "markdown", ".markdown": "markdown", ".tex": "latex",
                  ".html": "html", ".htm": "html", ".csv": "csv", ".json": "json"}
GRAPH_SUFFIXES = (".dot", ".gv", ".svg", ".png", ".pdf")
SWEEP_SCHEMES = ("forward", "backward", "central", "central4", "central6", "complex")
DEFAULT_SWEEP_SCHEMES = ("forward", "central", "central4", "complex")
# Reading an expression from stdin ('-'): a little more than the expression
# language accepts, so that an over-long text is refused by the parser itself.
_STDIN_LIMIT = 1_000_000
SURVEY = "log(x1) + x1*x2 - sin(x2)"
_USER_MODULE = "_dualdiff_user_"


class UserCodeError(DualDiffError):
    """The user's Python file (``--function``) could not be loaded, or its function failed."""


# -- the parser ------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    """argparse, with its usage errors cleaned of control characters (still exit 2)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {out.clean(message, 300)}\n")


def _functions_help() -> str:
    """The operators and functions of the expression language, from the rule table."""
    from .rules import RULES

    symbols, operator_names, calls = [], [], []
    for rule in RULES.values():
        if rule.symbol is not None:
            if rule.symbol not in symbols:
                symbols.append(rule.symbol)
            operator_names.append(rule.name + (f" [{', '.join(rule.aliases)}]" if rule.aliases else ""))
        else:
            call = f"{rule.name}({', '.join(rule.params)})"
            calls.append(call + (f" [{', '.join(rule.aliases)}]" if rule.aliases else ""))
    return (
        "expressions:\n"
        f"  Python syntax: numbers (2, 0.5, 1e-3), variables, the constants pi and e, the\n"
        f"  operators {' '.join(symbols)} and parentheses. ^ means power: x^2 is x**2 (not xor).\n"
        f"  Several comma-separated expressions make a vector function (a Jacobian).\n"
        f"  Functions (aliases in brackets):\n{_fill(calls)}\n"
        f"  and the operators as functions:\n{_fill(operator_names)}"
    )


def _fill(items: list[str], width: int = 78, indent: str = "    ") -> str:
    """Comma-separated ``items`` in lines of at most ``width``, never breaking an item."""
    lines, line = [], indent
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else "")
        if line.strip() and len(line) + 1 + len(piece) > width:
            lines.append(line.rstrip())
            line = indent
        line += ("" if line == indent else " ") + piece
    lines.append(line.rstrip())
    return "\n".join(lines)


TOP_EPILOG = """\
{functions}

examples:
  dualdiff table "{survey}" --at x1=2,x2=5
  dualdiff diff "{survey}" --at x1=2,x2=5
  dualdiff diff "x*y, x + sin(y)" --at x=1,y=2 --format json
  dualdiff check "x^x" --at x=2
  dualdiff graph "{survey}" --at x1=2,x2=5 -o survey.svg
  dualdiff sweep "exp(x)" --at x=1 -o sweep.png

Run 'dualdiff COMMAND --help' for each command's options. An expression that
starts with '-' may need '--' before it: dualdiff diff --at x=1 -- -x^2
"""

COMMON_EPILOG = """\
the function:
  EXPR is an expression in x1, x2, ... (see 'dualdiff --help' for the functions;
  ^ means power). Use - to read it from standard input. Or give
  --function FILE.py:NAME to use the Python function NAME defined in FILE.py:
  that file is YOUR code and is run as Python (imported, with its top-level
  statements executed), so only use files you trust. Its parameters are the
  variables; it should use dualdiff's functions (dd.sin, dd.log, ...) or NumPy's.
"""

EPILOGS = {
    "diff": """\
examples:
  $ dualdiff diff "{survey}" --at x1=2,x2=5
  f(x1, x2) = {survey}
  at x1 = 2, x2 = 5

  f       11.652071455223084
  ∂f/∂x1   5.5
  ∂f/∂x2   1.7163378145367738

  $ dualdiff diff "{survey}" --at x1=2,x2=5 --wrt x1 --format json
  $ dualdiff diff "x*y, x + sin(y)" --at x=1,y=2          # a Jacobian
  $ dualdiff diff --function model.py:loss --at w=0.5,b=0.1
""",
    "table": """\
examples:
  $ dualdiff table "{survey}" --at x1=2,x2=5
      the trace of Baydin et al.'s example, one tangent column per input
  $ dualdiff table "{survey}" --at x1=2,x2=5 --wrt x1 --format markdown
  $ dualdiff table "{survey}" --at x1=2,x2=5 --format latex -o survey.tex
""",
    "graph": """\
examples:
  $ dualdiff graph "{survey}" --at x1=2,x2=5 -o survey.dot    # Graphviz DOT text
  $ dualdiff graph "{survey}" --at x1=2,x2=5 -o survey.svg    # needs Graphviz
  $ dualdiff graph "x1/x2 + sin(x1/x2)" --at x1=1,x2=2         # DOT on stdout
""",
    "check": """\
examples:
  $ dualdiff check "{survey}" --at x1=2,x2=5
  $ dualdiff check "x^x" --at x=2 --format json
""",
    "sweep": """\
examples:
  $ dualdiff sweep "exp(x)" --at x=1 -o sweep.png
  $ dualdiff sweep "{survey}" --at x1=2,x2=5 --wrt x2 --schemes forward,central
  The derivative along the chosen variable (--wrt, default the first) by each
  scheme at 61 steps from 1e-16 to 0.1, against the exact value from AD.
""",
}

COMMANDS = {
    "diff": "the value and the derivative, gradient or Jacobian at a point",
    "table": "the forward-mode evaluation trace (Wengert list) as a table",
    "graph": "the expression DAG (Graphviz DOT, SVG or PNG)",
    "check": "AD vs SymPy vs finite differences at a point",
    "sweep": "finite-difference error against the step size (a plot with -o)",
}


def _digits(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of digits from 1 to 17, got {text!r:.40}") from None
    if not 1 <= value <= 17:
        raise argparse.ArgumentTypeError(f"expected a number of digits from 1 to 17, got {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value <= 3600:
        raise argparse.ArgumentTypeError(f"expected a number of seconds from 0 to 3600, got {text!r:.40}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``dualdiff`` command."""
    from . import __version__, backend

    fast_path = "compiled fast path" if backend.COMPILED else "pure Python"
    survey = {"survey": SURVEY}
    parser = _Parser(
        prog="dualdiff",
        description="Forward-mode automatic differentiation with dual numbers, from the shell.",
        epilog=TOP_EPILOG.format(functions=_functions_help(), **survey),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"dualdiff {__version__} ({fast_path})")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error (for bug reports)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands", required=True,
                                     parser_class=_Parser)

    common = _Parser(add_help=False, allow_abbrev=False)
    common.add_argument("expr", nargs="?", metavar="EXPR",
                        help="the expression, e.g. \"log(x1) + x1*x2 - sin(x2)\" (- reads it from stdin)")
    common.add_argument("--at", default="", metavar="NAME=VALUE,...",
                        help="the point: a value for every variable, e.g. x1=2,x2=5 (values may use pi, e)")
    common.add_argument("--function", metavar="FILE.py:NAME",
                        help="differentiate the Python function NAME from FILE.py instead of EXPR "
                             "(runs that file: your own code)")
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                        help="show the traceback of an error (for bug reports)")

    for name, summary in COMMANDS.items():
        sub = commands.add_parser(
            name, parents=[common], help=summary, description=summary[0].upper() + summary[1:] + ".",
            epilog=EPILOGS[name].format(**survey) + "\n" + COMMON_EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter, allow_abbrev=False,
        )
        sub.set_defaults(run=_RUNNERS[name], command_parser=sub)
        if name in ("diff", "table", "check", "sweep"):
            many = name != "sweep"
            sub.add_argument("--wrt", metavar="NAME" + (",..." if many else ""),
                             help="differentiate with respect to " + (
                                 "these variables only (default: all)" if many else
                                 "this variable (default: the first)"))
        if name == "diff":
            sub.add_argument("--format", choices=FORMATS_DIFF, default="text", help="output format (default text)")
        if name == "check":
            sub.add_argument("--format", choices=FORMATS_TABLE, default="text", help="output format (default text)")
            sub.add_argument("--timeout", type=_seconds, default=10.0, metavar="SECONDS",
                             help="time limit of the symbolic (SymPy) derivative (default 10)")
        if name == "table":
            sub.add_argument("--format", choices=FORMATS_TABLE, default=None,
                             help="output format (default text, or from the -o file's suffix)")
        if name == "sweep":
            sub.add_argument("--format", choices=FORMATS_DIFF, default="text", help="output format (default text)")
            sub.add_argument("--schemes", metavar="NAME,...", default=None,
                             help=f"schemes to compare, from: {', '.join(SWEEP_SCHEMES)} "
                                  f"(default: {','.join(DEFAULT_SWEEP_SCHEMES)})")
            sub.add_argument("--relative", action="store_true", help="plot relative instead of absolute errors")
        if name in ("diff", "table", "check"):
            sub.add_argument("--digits", type=_digits, default=None, metavar="N",
                             help="significant digits shown (default: " + (
                                 "all" if name == "diff" else "6") + ")")
        if name in ("table", "graph", "sweep"):
            suffixes = {"table": "FILE", "graph": "FILE.dot|.svg|.png", "sweep": "FILE.png"}[name]
            sub.add_argument("-o", "--output", metavar=suffixes, default=None,
                             help={"table": "write the table to FILE (format from its suffix: .md .tex .html .csv .json .txt)",
                                   "graph": "write the graph: .dot (DOT text), .svg/.png/.pdf (needs Graphviz); default DOT on stdout",
                                   "sweep": "write the log-log error plot (needs matplotlib)"}[name])
    return parser


def _parse(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    """Parse, taking an unknown option-like word (``-x^2``) as the expression when EXPR is missing."""
    ns, extras = parser.parse_known_args(argv)
    command = ns.command_parser
    if extras and ns.expr is None and ns.function is None and extras[0].startswith("-") and extras[0] != "--":
        ns.expr = extras.pop(0)
    if extras:
        command.error(f"unrecognized arguments: {' '.join(out.clean(e, 60) for e in extras)}"
                      + (" (an expression starting with '-' needs '--' before it)" if
                         any(e.startswith("-") for e in extras) else ""))
    return ns


# -- what to differentiate -----------------------------------------------------------------


@dataclass
class Problem:
    """A function and a point, as read from the command line.

    ``function(*point)`` is f at the point: a float (one output) or a list (several
    expressions; whatever a user's function returns). Its signature names the
    variables, so a trace labels its inputs with them.
    """

    label: str
    names: tuple[str, ...]
    point: tuple[float, ...]
    function: Callable[..., Any]
    expressions: tuple[Any, ...] | None = None

    @property
    def vector_function(self) -> Callable[[Any], Any]:
        """f of one array argument: what grad/jacobian/compare expect."""
        function = self.function

        def f(v: Any) -> Any:
            return function(*v)

        return f

    def where(self) -> str:
        return ", ".join(f"{n} = {out.number(v)}" for n, v in zip(self.names, self.point))

    def header(self) -> list[str]:
        signature = f"({', '.join(self.names)})"
        if self.expressions is None:
            return [f"f{signature} from {self.label}"]
        if len(self.expressions) == 1:
            return [f"f{signature} = {self.expressions[0].text}"]
        return [f"f{i + 1}{signature} = {e.text.strip()}" for i, e in enumerate(self.expressions)]

    @property
    def outputs(self) -> int | None:
        return None if self.expressions is None or len(self.expressions) == 1 else len(self.expressions)


def _read_expression(ns: argparse.Namespace) -> str:
    if ns.expr is not None and ns.function is not None:
        raise InputError("give either an expression or --function FILE.py:NAME, not both")
    if ns.expr is None:
        raise InputError(f"give an expression, e.g. dualdiff {ns.command} \"{SURVEY}\" --at x1=2,x2=5 "
                         f"(or --function FILE.py:NAME)")
    if ns.expr == "-":
        text = sys.stdin.read(_STDIN_LIMIT + 1)
        return text[:-1] if text.endswith("\n") else text
    return ns.expr


def _assignments(ns: argparse.Namespace) -> dict[str, float]:
    from .expr import parse_assignments

    try:
        return parse_assignments(ns.at)
    except ExpressionError as error:
        raise ExpressionError(f"in --at: {error.message}", error.text, error.position) from None


def _at_position(at: str, name: str) -> int | None:
    import re

    match = re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}\s*=", at)
    return match.start() if match else None


def _problem_from_expression(ns: argparse.Namespace) -> Problem:
    from .expr import parse_many

    text = _read_expression(ns)
    expressions = parse_many(text)
    at = _assignments(ns)
    free = expressions[0].variables
    if not free:
        raise ExpressionError("the expression has no variables, so there is nothing to differentiate; "
                              "write it in variables such as x and give their values with --at x=1")
    for name in at:
        if name not in free:
            raise ExpressionError(
                f"in --at: '{name}' is not a variable of the expression; its variables are {', '.join(free)}",
                ns.at, _at_position(ns.at, name))
    missing = [name for name in free if name not in at]
    if missing:
        first = next(n.position for e in expressions for n in e.nodes if n.kind == "variable" and n.name == missing[0])
        text_shown = text if len(expressions) == 1 else None
        raise ExpressionError(
            f"no value for the variable{'s' if len(missing) > 1 else ''} {', '.join(missing)}: give "
            f"{'them' if len(missing) > 1 else 'it'} with --at, e.g. --at "
            + ",".join(f"{n}={out.number(at.get(n, 1.0))}" for n in free),
            text_shown, first if text_shown is not None else None)
    names = tuple(at)  # the order the user wrote the point in
    expressions = parse_many(text, variables=names)
    point = tuple(at[n] for n in names)
    if len(expressions) == 1:
        function = expressions[0].function()
    else:
        function = _vector_of(expressions, names)
    return Problem(text, names, point, function, expressions)


def _vector_of(expressions: Sequence[Any], names: tuple[str, ...]) -> Callable[..., list[Any]]:
    def f(*args: Any) -> list[Any]:
        return [e(*args) for e in expressions]

    f.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in names])
    return f


def _problem(ns: argparse.Namespace) -> Problem:
    if ns.function is None:
        return _problem_from_expression(ns)
    if ns.expr is not None:
        raise InputError("give either an expression or --function FILE.py:NAME, not both")
    function, path, label = load_function(ns.function)
    names, defaults = _parameters(function, label)
    at = _assignments(ns)
    for name in at:
        if name not in names:
            raise ExpressionError(
                f"in --at: '{name}' is not a parameter of {label}; its parameters are {', '.join(names)}",
                ns.at, _at_position(ns.at, name))
    point = []
    for name in names:
        if name in at:
            point.append(at[name])
        elif name in defaults:
            point.append(defaults[name])
        else:
            missing = [n for n in names if n not in at and n not in defaults]
            raise InputError(
                f"no value for the parameter{'s' if len(missing) > 1 else ''} {', '.join(missing)} of "
                f"{label}: give {'them' if len(missing) > 1 else 'it'} with --at, e.g. --at "
                + ",".join(f"{n}={out.number(at.get(n, defaults.get(n, 1.0)))}" for n in names))
    return Problem(label, names, tuple(point), _guard(function, path, label))


def load_function(spec: str) -> tuple[Callable[..., Any], Path, str]:
    """Import ``FILE.py`` and return its function ``NAME`` (``spec`` is ``FILE.py:NAME``).

    The file is the user's own code: it is imported like a module, which runs
    its top-level statements. Every failure is a :class:`UserCodeError`.
    """
    path_text, colon, name = spec.rpartition(":")
    if not colon or not path_text or not name:
        raise UserCodeError(f"--function needs FILE.py:NAME, e.g. --function model.py:f (got {spec!r:.80})")
    if not name.isidentifier():
        raise UserCodeError(f"--function: {name!r:.60} is not a Python function name")
    path = Path(path_text).expanduser()
    label = f"{path_text}:{name}"
    if path.suffix != ".py":
        raise UserCodeError(f"--function: {path_text!r:.80} is not a Python file; give a .py file")
    if not path.exists():
        raise UserCodeError(f"--function: no such file: {path_text!r:.200}")
    if not path.is_file():
        raise UserCodeError(f"--function: {path_text!r:.200} is not a regular file")
    module_name = f"{_USER_MODULE}{abs(hash(str(path.resolve())))}"
    spec_ = importlib.util.spec_from_file_location(module_name, path)
    if spec_ is None or spec_.loader is None:
        raise UserCodeError(f"--function: cannot load {path_text!r:.200} as Python")
    module = importlib.util.module_from_spec(spec_)
    # The file may import modules next to it (as `python FILE.py` allows), and
    # should leave no __pycache__ behind.
    sys.path.insert(0, str(path.resolve().parent))
    saved_bytecode = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    sys.modules[module_name] = module
    try:
        spec_.loader.exec_module(module)
    except SyntaxError as error:
        where = f"line {error.lineno}" + (f", column {error.offset}" if error.offset else "")
        raise UserCodeError(f"--function: syntax error in {path_text} ({where}): {error.msg}") from error
    except (Exception, SystemExit) as error:  # noqa: BLE001 -- the user's file failed while running
        line = _user_line(error.__traceback__, path)
        raise UserCodeError(
            f"--function: running {path_text} failed{f' at line {line}' if line else ''}: "
            f"{type(error).__name__}: {error}") from error
    finally:
        sys.dont_write_bytecode = saved_bytecode
    function = getattr(module, name, None)
    if function is None:
        defined = [k for k, v in vars(module).items() if callable(v) and not k.startswith("_")
                   and getattr(v, "__module__", None) == module_name]
        close = difflib.get_close_matches(name, defined, n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else (
            f"; it defines: {', '.join(defined)}" if defined else "; it defines no functions")
        raise UserCodeError(f"--function: {path_text} has no function '{name}'{hint}")
    if not callable(function):
        raise UserCodeError(f"--function: '{name}' in {path_text} is a {type(function).__name__}, not a function")
    return function, path, label


def _parameters(function: Callable[..., Any], label: str) -> tuple[tuple[str, ...], dict[str, float]]:
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        raise UserCodeError(f"--function: cannot read the parameters of {label}") from None
    names, defaults = [], {}
    for p in signature.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise UserCodeError(
                f"--function: {label} takes {'*' if p.kind is p.VAR_POSITIONAL else '**'}{p.name}; "
                f"the variables must be named parameters, "
                f"e.g. def {label.rpartition(':')[2]}(x1, x2)")
        if p.kind is p.KEYWORD_ONLY:
            if p.default is p.empty:
                raise UserCodeError(f"--function: {label} has the keyword-only parameter '{p.name}' "
                                    f"without a default; the variables must be positional parameters")
            continue
        names.append(p.name)
        if p.default is not p.empty:
            if isinstance(p.default, bool) or not isinstance(p.default, (int, float)):
                continue  # not a number: it needs a value from --at
            defaults[p.name] = float(p.default)
    if not names:
        raise UserCodeError(f"--function: {label} takes no parameters, so there is nothing to differentiate")
    return tuple(names), defaults


def _user_line(tb: Any, path: Path) -> int | None:
    """The line of the innermost frame of ``tb`` that runs in the user's file."""
    target = os.path.realpath(path)
    line = None
    while tb is not None:
        if os.path.realpath(tb.tb_frame.f_code.co_filename) == target:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _guard(function: Callable[..., Any], path: Path, label: str) -> Callable[..., Any]:
    """The user's function, with its own exceptions reported as theirs (exit 2, not "internal")."""

    @functools.wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except DualDiffError:
            raise
        except Exception as error:
            line = _user_line(error.__traceback__, path)
            if line is None:
                raise
            raise UserCodeError(
                f"{label} raised {type(error).__name__} at line {line} of {path.name}: {error}") from error

    return guarded


def _wrt(ns: argparse.Namespace, problem: Problem, single: bool = False) -> list[str]:
    """The variables to differentiate by (validated), in the problem's order."""
    if ns.wrt is None:
        return [problem.names[0]] if single else list(problem.names)
    chosen = [w.strip() for w in ns.wrt.split(",")]
    if not all(chosen):
        raise InputError(f"--wrt needs variable names separated by commas, e.g. --wrt {problem.names[0]}")
    if single and len(chosen) > 1:
        raise InputError(f"--wrt takes one variable here (got {len(chosen)}); e.g. --wrt {problem.names[0]}")
    for name in chosen:
        if name not in problem.names:
            raise InputError(f"--wrt: {name[:60]!r} is not a variable; the variables are "
                             f"{', '.join(problem.names)}")
    return [n for n in problem.names if n in chosen]


def _value(problem: Problem) -> Any:
    """f at the point on plain floats: a domain error surfaces here with its function and value."""
    try:
        return problem.function(*problem.point)
    except DomainError as error:
        raise InputError(_message(error, f" (the point is {problem.where()})")) from error


def _write_file(path_text: str, content: str | bytes) -> Path:
    path = Path(path_text)
    try:
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content if content.endswith("\n") else content + "\n", encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot write {path_text!r:.200}: {error.strerror or error}") from None
    return path


def _print(stream: TextIO, text: str) -> None:
    out.write(stream, text[:-1] if text.endswith("\n") else text)


# -- the commands ---------------------------------------------------------------------------


def _gradient(problem: Problem, wrt: list[str]) -> Any:
    """∂f/∂(wrt) at the point, by forward mode: an array of shape output + (len(wrt),)."""
    import numpy as np

    from .derivatives import jacobian

    index = [problem.names.index(n) for n in wrt]
    base = list(problem.point)

    def f(v: Any) -> Any:
        args: list[Any] = list(base)
        for slot, component in zip(index, v):
            args[slot] = component
        return problem.function(*args)

    return np.asarray(jacobian(f, [base[i] for i in index]), dtype=float)


def _run_diff(ns: argparse.Namespace, stdout: TextIO) -> int:
    import numpy as np

    problem = _problem(ns)
    wrt = _wrt(ns, problem)
    value = _value(problem)
    gradient = _gradient(problem, wrt)
    values = np.asarray(value, dtype=float)
    if not (np.all(np.isfinite(values)) and np.all(np.isfinite(gradient))):
        _warn("the value or the derivative is infinite or undefined (nan) at this point")
    if ns.format == "json":
        document: dict[str, Any] = {}
        if problem.expressions is None:
            document["function"] = problem.label
        elif problem.outputs is None:
            document["expression"] = problem.expressions[0].text
        else:
            document["expressions"] = [e.text.strip() for e in problem.expressions]
        document["inputs"] = wrt
        document["point"] = {n: out.json_number(v) for n, v in zip(problem.names, problem.point)}
        document["value"] = out.json_nested(values)
        document["jacobian" if values.ndim else "gradient"] = out.json_nested(gradient)
        _print(stdout, out.dumps(document))
        return 0
    style = out.Style(stdout)
    lines = [style.bold(line) for line in problem.header()] + [f"at {problem.where()}", ""]
    single = len(problem.names) == 1
    digits = ns.digits
    if values.ndim == 0:
        rows = [["f", out.number(values, digits)]]
        rows += [[style.partial("f", n, single), out.number(g, digits)] for n, g in zip(wrt, gradient)]
        lines += _decimal_columns(rows)
    else:
        flat_values = values.reshape(-1)
        flat_grad = gradient.reshape(len(flat_values), len(wrt))
        names = [f"f{i + 1}" for i in range(len(flat_values))]
        head = ["", "value"] + [("d/d" if single or not style.unicode else "∂/∂") + n for n in wrt]
        rows = [[names[i], out.number(flat_values[i], digits)] + [out.number(g, digits) for g in flat_grad[i]]
                for i in range(len(flat_values))]
        lines += _decimal_columns([head] + rows)
    _print(stdout, "\n".join(lines))
    return 0


def _decimal_columns(rows: list[list[str]]) -> list[str]:
    """Aligned columns, numbers lined up on their decimal point."""
    if not rows:
        return []
    n = max(len(r) for r in rows)
    for c in range(1, n):
        cells = [r[c] if c < len(r) else "" for r in rows]
        numeric = [cell for cell in cells if cell and (cell[0].isdigit() or cell[0] in "-." or cell in ("nan", "inf"))]
        if not numeric:
            continue
        heads = [cell.split(".")[0].split("e")[0] if "." in cell else cell.split("e")[0] for cell in numeric]
        left = max(len(h) for h in heads)
        for r in rows:
            cell = r[c] if c < len(r) else ""
            if cell in numeric:
                head = cell.split(".")[0] if "." in cell else cell.split("e")[0]
                r[c] = " " * (left - len(head)) + cell
    return out.columns(rows, right=())


def _run_sweep(ns: argparse.Namespace, stdout: TextIO) -> int:
    import numpy as np

    from .derivatives import derivative
    from .errors import NotAnalyticError
    from .sweep import step_sweep

    problem = _problem(ns)
    (variable,) = _wrt(ns, problem, single=True)
    schemes = DEFAULT_SWEEP_SCHEMES
    if ns.schemes:
        schemes = tuple(s.strip() for s in ns.schemes.split(","))
        unknown = [s for s in schemes if s not in SWEEP_SCHEMES]
        if unknown or not schemes:
            raise InputError(f"--schemes: unknown scheme {out.clean(unknown[0] if unknown else '', 40)!r}; "
                             f"choose from {', '.join(SWEEP_SCHEMES)}")
    if ns.output is not None and Path(ns.output).suffix.lower() != ".png":
        raise InputError(f"-o: the sweep plot is a PNG image; name the file *.png (got {ns.output!r:.100})")
    slot = problem.names.index(variable)
    base = list(problem.point)

    def along(t: Any) -> Any:
        args = list(base)
        args[slot] = t
        y = problem.function(*args)
        return np.asarray(y) if isinstance(y, (list, tuple)) else y

    along.__name__ = f"f along {variable}"
    _value(problem)
    exact = derivative(along, base[slot])
    try:
        sweep = step_sweep(along, base[slot], exact, schemes=schemes)
    except NotAnalyticError:
        if ns.schemes or "complex" not in schemes:
            raise
        _warn(f"the function is not complex-analytic, so the complex step is left out")
        schemes = tuple(s for s in schemes if s != "complex")
        sweep = step_sweep(along, base[slot], exact, schemes=schemes)
    written = None
    if ns.output is not None:
        title = (f"Error of numeric d/d{variable} of {_short(problem.label)} at {problem.where()}")
        try:
            written = sweep.plot(ns.output, relative=ns.relative, title=title)
        except MissingExtraError as error:
            raise MissingExtraError(error.feature, error.package, error.extra) from None
        except OSError as error:
            raise InputError(f"cannot write {ns.output!r:.200}: {error.strerror or error}") from None
    if ns.format == "json":
        document = {"variable": variable, "point": {n: out.json_number(v) for n, v in zip(problem.names, problem.point)},
                    **sweep.to_dict()}
        _print(stdout, out.dumps(document))
    else:
        style = out.Style(stdout)
        lines = [style.bold(line) for line in problem.header()]
        lines += [f"at {problem.where()}; numeric d/d{variable} against the exact value from AD", ""]
        _print(stdout, "\n".join(lines) + "\n" + sweep.to_text())
    if written is not None:
        _print(sys.stderr, f"wrote {written}")
    return 0


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _trace(problem: Problem, wrt: list[str] | None) -> Any:
    from .trace import trace

    return trace(problem.function, *problem.point, wrt=wrt)


def _run_table(ns: argparse.Namespace, stdout: TextIO) -> int:
    problem = _problem(ns)
    wrt = _wrt(ns, problem)
    fmt = ns.format
    if fmt is None:
        fmt = "text"
        if ns.output is not None:
            suffix = Path(ns.output).suffix.lower()
            if suffix not in TABLE_SUFFIXES:
                raise InputError(f"-o: cannot tell the format from {ns.output!r:.100}; give --format "
                                 f"({', '.join(FORMATS_TABLE)}) or a file ending in "
                                 f"{', '.join(TABLE_SUFFIXES)}")
            fmt = TABLE_SUFFIXES[suffix]
    _value(problem)
    recorded = _trace(problem, None if wrt == list(problem.names) else wrt)
    options: dict[str, Any] = {}
    if ns.digits is not None:
        options["digits"] = ns.digits
    target = stdout if ns.output is None else None
    unicode = out.can_encode(target, "v̇₋₁─") if target is not None else True
    text = recorded.table(fmt, ascii=not unicode, **options)
    if fmt == "text":
        style = out.Style(stdout if target is not None else sys.stderr)
        text = "\n".join(problem.header() if target is None else map(style.bold, problem.header())) + "\n" + text
    if ns.output is not None:
        _print(sys.stderr, f"wrote {_write_file(ns.output, text)}")
        return 0
    _print(stdout, text)
    if fmt == "text" and _is_terminal(stdout):
        width = max(out.display_width(line) for line in text.split("\n"))
        columns = shutil.get_terminal_size().columns
        if width > columns and len(recorded.directions) > 1:
            _warn(f"the table is {width} characters wide and the terminal {columns}: --wrt "
                  f"{problem.names[0]} shows one tangent direction, or widen the terminal")
    return 0


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _run_graph(ns: argparse.Namespace, stdout: TextIO) -> int:
    problem = _problem(ns)
    _value(problem)
    suffix = Path(ns.output).suffix.lower() if ns.output is not None else None
    if suffix is not None and suffix not in GRAPH_SUFFIXES:
        raise InputError(f"-o: the graph is written as {', '.join(GRAPH_SUFFIXES)}; "
                         f"name the file accordingly (got {ns.output!r:.100})")
    recorded = _trace(problem, None)
    if suffix is None:
        _print(stdout, recorded.to_dot())
    elif suffix in (".dot", ".gv"):
        _print(sys.stderr, f"wrote {_write_file(ns.output, recorded.to_dot())}")
    else:
        try:
            written = recorded.render(ns.output)
        except OSError as error:
            raise InputError(f"cannot write {ns.output!r:.200}: {error.strerror or error}") from None
        _print(sys.stderr, f"wrote {written or ns.output}")
    return 0


def _run_check(ns: argparse.Namespace, stdout: TextIO) -> int:
    problem = _problem(ns)
    wrt = _wrt(ns, problem)
    _value(problem)
    from .compare import compare

    index = [problem.names.index(n) for n in wrt]
    base = list(problem.point)
    scalar = len(wrt) == 1

    def f(v: Any) -> Any:
        args: list[Any] = list(base)
        for slot, component in zip(index, [v] if scalar else v):
            args[slot] = component
        return problem.function(*args)

    f.__name__ = "f"
    x = base[index[0]] if scalar else [base[i] for i in index]
    report = compare(f, x, timeout=ns.timeout, names=wrt)
    if ns.format == "json":
        document = json.loads(report.to_json())
        document["variables"] = wrt
        document["at"] = {n: out.json_number(v) for n, v in zip(problem.names, problem.point)}
        _print(stdout, out.dumps(document))
        return 0
    target = out.Style(stdout)
    options = {"digits": ns.digits} if ns.digits is not None else {}
    if ns.format == "text":
        options["ascii"] = not target.unicode
    text = report.table(ns.format, **options)
    if ns.format == "text":
        lines = [target.bold(line) for line in problem.header()] + [f"at {problem.where()}"]
        text = "\n".join(lines) + "\n\n" + text
    _print(stdout, text)
    return 0


_RUNNERS: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
    "diff": _run_diff,
    "table": _run_table,
    "graph": _run_graph,
    "check": _run_check,
    "sweep": _run_sweep,
}


# -- errors, warnings, exit status ---------------------------------------------------------

_WARNINGS: list[str] = []


def _warn(message: str) -> None:
    _WARNINGS.append(message)


def _message(error: BaseException, problem_hint: str = "") -> str:
    """The one-line (or caret) text shown for a user error."""
    if isinstance(error, DomainError):
        from .rules import RULES

        rule = RULES.get(error.function)
        values = error.value if isinstance(error.value, tuple) else (error.value,)
        shown = [out.number(v) if isinstance(v, (int, float)) else repr(v) for v in values]
        domain = f" (its domain is {rule.domain.text})" if rule is not None and rule.domain.text else ""
        if rule is not None and rule.symbol is not None and len(shown) == 2:
            what = f"{shown[0]} {rule.symbol} {shown[1]} is undefined: outside the domain of {rule.name}"
        else:
            what = f"{error.function}({', '.join(shown)}) is outside the domain of {error.function}"
        return f"{what}{domain}; choose a point inside the domain with --at{problem_hint}"
    if isinstance(error, ExpressionError):
        return str(error)
    return " ".join(str(error).split("\n")) or type(error).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``dualdiff`` command with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    stderr = sys.stderr
    style = out.Style(stderr)
    debug = "--debug" in arguments[: arguments.index("--")] if "--" in arguments else "--debug" in arguments
    _WARNINGS.clear()
    saved_path = list(sys.path)
    try:
        return _main(arguments, stderr, style, debug)
    finally:
        # --function put the user's directory on sys.path and their module in sys.modules.
        sys.path[:] = saved_path
        for name in [m for m in sys.modules if m.startswith(_USER_MODULE)]:
            del sys.modules[name]


def _main(arguments: list[str], stderr: TextIO, style: out.Style, debug: bool) -> int:
    try:
        parser = build_parser()
        try:
            ns = _parse(parser, arguments)
        except SystemExit as exit:
            return exit.code if isinstance(exit.code, int) else (0 if exit.code is None else 2)
        debug = bool(getattr(ns, "debug", False))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                return ns.run(ns, sys.stdout)
            finally:
                _report_warnings(caught, stderr, style)
    except (DualDiffError, RecursionError) as error:
        if debug:
            traceback.print_exc(file=stderr)
        if isinstance(error, RecursionError):
            message = "the computation nests too deeply (maximum recursion depth exceeded)"
        else:
            message = _message(error)
        out.write(stderr, out.error_text(message, style))
        return 2
    except KeyboardInterrupt:
        out.write(stderr, out.error_text("interrupted", style))
        return 130
    except BrokenPipeError:
        # The reader went away (dualdiff ... | head): stop quietly, and keep Python
        # from complaining again when it flushes stdout at exit.
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 1
    except Exception as error:  # noqa: BLE001 -- a bug in dualdiff: one line, or the traceback on request
        if debug:
            traceback.print_exc(file=stderr)
        detail = out.clean(" ".join(f"{type(error).__name__}: {error}".split()), 200)
        out.write(stderr, out.error_text(
            f"internal error, please report (rerun with --debug for the traceback): {detail}", style))
        return 1


def _report_warnings(caught: list[warnings.WarningMessage], stream: TextIO, style: out.Style) -> None:
    seen = set()
    for message in [*_WARNINGS, *(str(w.message) for w in caught)]:
        line = " ".join(message.split())
        if line not in seen:
            seen.add(line)
            out.write(stream, out.error_text(line, style, label="warning"))
    _WARNINGS.clear()
