"""The safe expression language used by the command line.

``parse("log(x1) + x1*x2 - sin(x2)")`` turns text into an :class:`Expression`
that evaluates on floats, complex numbers, NumPy arrays, Duals, traced values
and SymPy symbols, because every step is either a Python operator applied to
the values or a generic function of :mod:`dualdiff.functions`.

Grammar: Python expression syntax, read with ``ast.parse(..., mode="eval")``
and compiled from a whitelist of node kinds: numbers (every Python int and
float notation; ints are used as floats), variables, the constants ``pi`` and
``e``, ``+ - * / **``, unary ``-`` and ``+``, and calls of the functions of the
rule table (names and aliases) with positional arguments. ``^`` means power,
with the precedence of ``**`` (``-x^2`` is ``-(x**2)``, ``x^2 + 1`` is
``x**2 + 1``), so it is read as ``**`` just before parsing. Everything else
(attributes, subscripts, strings, lambdas, comparisons, ...) is refused with an
:class:`~dualdiff.errors.ExpressionError` pointing at the offending position.
User text is only ever parsed into a syntax tree: it is never turned into a
code object, evaluated or executed.

On Python floats the arithmetic follows the generic functions: division by
zero and a negative base with a non-integer exponent raise
:class:`~dualdiff.errors.DomainError`, and overflow gives ``inf``.

Safety limits, checked before any work that could blow up:

* the text is at most :data:`MAX_LENGTH` characters of printable ASCII
  (control characters, NUL bytes and Unicode look-alikes such as Cyrillic
  ``х`` or fullwidth ``ｓｉｎ`` are refused: Python would silently
  NFKC-normalise the latter into ``sin``);
* brackets nest at most :data:`MAX_DEPTH` deep (checked on the raw text, since
  Python's parser itself recurses), and so does the expression (a long chain
  ``a + b - c + ...`` or ``a * b / c * ...`` at one level counts as one level);
* at most :data:`MAX_NODES` syntax nodes;
* a power whose exponent is a constant (a literal, or anything without
  variables) is refused when that exponent is an integer of magnitude above
  :data:`MAX_EXPONENT` or overflows a float (so ``9**9**9**9`` and ``x**1e300``
  are refused, while non-integer exponents like ``x**2.5`` are fine);
  constants are only ever folded as floats, never as Python ints;
* a constant subexpression that SymPy would compute exactly (integers combined
  with ``+ - * /`` and integer powers) may not need more than
  :data:`MAX_CONSTANT_BITS` bits, so ``((9**999)**999)**999`` cannot hang
  :meth:`Expression.to_sympy`.

Identical subexpressions are one node: the expression is a hash-consed DAG
(``x1/x2`` written twice is computed once per evaluation and used twice), and
``ln(x)`` and ``log(x)`` are the same node.

>>> f = parse("log(x1) + x1*x2 - sin(x2)")
>>> f.variables
('x1', 'x2')
>>> round(f(2.0, 5.0), 6)
11.652071
"""

from __future__ import annotations

import ast
import difflib
import inspect
import keyword
import math
import operator
import re
import sys
import threading
import unicodedata
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from dualdiff import functions as _functions
from dualdiff import rules as _rules
from dualdiff.errors import DomainError, DualDiffError, ExpressionError

__all__ = [
    "Expression",
    "Node",
    "parse",
    "parse_many",
    "parse_assignments",
    "CONSTANTS",
    "MAX_LENGTH",
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_EXPONENT",
    "MAX_CONSTANT_BITS",
]

MAX_LENGTH = 10_000
"""Longest accepted text, in characters (checked before anything else)."""
MAX_DEPTH = 100
"""Deepest accepted nesting of brackets, calls, signs and powers."""
MAX_NODES = 10_000
"""Most syntax nodes accepted in one text (a 5000-term sum has 9999)."""
MAX_EXPONENT = 1000
"""Largest magnitude of a constant integer exponent."""
MAX_CONSTANT_BITS = 13_000
"""Largest estimated size, in bits, of an exactly computed constant (about 3900
decimal digits, below Python's 4300-digit limit for printing an int)."""

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}
"""The named constants an expression may use."""

# Operators of the language, by AST operator type: rule name, symbol.
_BINARY: dict[type, tuple[str, str]] = {
    ast.Add: ("add", "+"),
    ast.Sub: ("subtract", "-"),
    ast.Mult: ("multiply", "*"),
    ast.Div: ("divide", "/"),
    ast.Pow: ("power", "**"),
    ast.BitXor: ("power", "^"),  # unreachable: '^' becomes '**' before parsing
}
_REFUSED_BINARY: dict[type, str] = {
    ast.FloorDiv: "//", ast.Mod: "%", ast.MatMult: "@", ast.LShift: "<<",
    ast.RShift: ">>", ast.BitOr: "|", ast.BitAnd: "&",
}
# A left operand with the same precedence as its parent continues a flat chain
# (a + b - c + ...), which does not count as nesting.
_CHAIN_GROUP: dict[type, int] = {ast.Add: 1, ast.Sub: 1, ast.Mult: 2, ast.Div: 2}

_OPERATORS: dict[str, Callable[..., Any]] = {
    "add": operator.add,
    "subtract": operator.sub,
    "multiply": operator.mul,
    "divide": operator.truediv,
    "negative": operator.neg,
    "positive": operator.pos,
}

# Why a node kind is refused (whatever is missing here gets a generic message).
_REFUSED_SYNTAX: dict[type, str] = {
    ast.Attribute: "attribute access ('.name') is",
    ast.Subscript: "subscripts ('[...]') are",
    ast.Slice: "slices are",
    ast.Lambda: "lambda functions are",
    ast.ListComp: "comprehensions are",
    ast.SetComp: "comprehensions are",
    ast.DictComp: "comprehensions are",
    ast.GeneratorExp: "generator expressions are",
    ast.List: "lists are",
    ast.Set: "sets are",
    ast.Dict: "dicts are",
    ast.Tuple: "tuples are",
    ast.Compare: "comparisons are",
    ast.BoolOp: "'and' and 'or' are",
    ast.IfExp: "conditional expressions (a if c else b) are",
    ast.NamedExpr: "assignments (':=') are",
    ast.JoinedStr: "f-strings are",
    ast.FormattedValue: "f-strings are",
    ast.Starred: "'*' unpacking is",
    ast.Await: "'await' is",
    ast.Yield: "'yield' is",
    ast.YieldFrom: "'yield' is",
}
_ALLOWED_SUMMARY = (
    "an expression may only contain numbers, variables, pi, e, the operators "
    "+ - * / ** ^ and calls of the functions of the rule table"
)

# Characters refused before parsing, each with the reason. Refusing quotes and
# '#' up front means every '^' left in the text is an operator token.
_REFUSED_CHARACTERS: dict[str, str] = {
    "'": "strings are not allowed in an expression",
    '"': "strings are not allowed in an expression",
    "#": "comments ('#') are not allowed in an expression",
    ";": "';' is not allowed: give a single expression, not statements",
}
_NOT_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e]")
_BRACKETS = re.compile(r"[()\[\]{}]")
_LONE_EQUALS = re.compile(r"(?<![=!<>:])=(?!=)")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")
_CLOSING = {")": "(", "]": "[", "}": "{"}
_WHITESPACE_NAMES = {"\t": "a tab", "\n": "a line break", "\r": "a carriage return", "\v": "a vertical tab", "\f": "a form feed"}

# Frequent look-alikes get a concrete suggestion; others fall back to NFKC.
_LOOK_ALIKES: dict[str, str] = {
    "\u2212": "-", "\u2013": "-", "\u2014": "-", "\u00d7": "*", "\u00b7": "*",
    "\u22c5": "*", "\u2217": "*", "\u00f7": "/", "\u03c0": "pi", "\u00b2": "**2",
    "\u00b3": "**3", "\u2009": " ", "\u00a0": " ",
    "\u0430": "a", "\u0435": "e", "\u043e": "o", "\u0440": "p", "\u0441": "c",
    "\u0445": "x", "\u0443": "y", "\u0456": "i", "\u0410": "A", "\u0415": "E",
    "\u041e": "O", "\u0420": "P", "\u0421": "C", "\u0425": "X", "\u03bf": "o",
    "\u03b1": "a", "\u03bd": "v", "\u0391": "A", "\u0392": "B", "\u0395": "E",
    "\u039f": "O", "\u03a7": "X",
}

# ast.parse recurses in C while building Python objects; a long but flat chain
# such as a 5000-term sum needs more headroom than the default recursion limit
# leaves, so a failed parse is retried once with this many extra frames.
_PARSE_HEADROOM = 2100
_PARSE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Node:
    """One node of an expression's DAG.

    ``kind`` is ``"variable"``, ``"constant"`` or ``"operation"``; ``name`` is the
    variable name, the constant as written canonically (``"2"``, ``"0.5"``,
    ``"pi"``) or the rule name of the operation (``"add"``, ``"power"``,
    ``"sin"``, ...; aliases are resolved, so ``ln`` gives ``"log"``); ``args``
    are indices into :attr:`Expression.nodes` (always smaller than the node's
    own index); ``position`` is the 0-based offset of the node's first
    occurrence in :attr:`Expression.text`; ``value`` is a constant's float value.
    """

    kind: str
    name: str
    args: tuple[int, ...] = ()
    position: int = 0
    value: float | None = None


class Expression:
    """A parsed expression: a DAG of variables, constants and rule operations.

    Build one with :func:`parse`. Calling it evaluates the DAG once per unique
    node with the given values (positionally in the order of
    :attr:`variables`, or by name).

    >>> g = parse("sigmoid(w*x + b)")
    >>> g.variables
    ('w', 'x', 'b')
    >>> g(w=0.0, x=1.0, b=0.0)
    0.5
    >>> str(g)
    'sigmoid(w*x + b)'
    """

    __slots__ = ("text", "variables", "nodes", "_root", "_plan", "_slots")

    text: str
    """The source text."""
    variables: tuple[str, ...]
    """The variables, in order of first appearance unless given to :func:`parse`."""
    nodes: tuple[Node, ...]
    """The unique nodes, in an evaluation (topological) order; the result is the last."""

    def __init__(self, text: str, variables: tuple[str, ...], nodes: tuple[Node, ...], root: int) -> None:
        self.text = text
        self.variables = variables
        self.nodes = nodes
        self._root = root
        self._slots = {name: i for i, name in enumerate(variables)}
        self._plan = [_plan_step(node, self._slots) for node in nodes]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Evaluate at the given values: ``expr(2.0, 5.0)`` or ``expr(x1=2.0, x2=5.0)``.

        Numbers in the text are Python floats; if any value is a SymPy object
        they are exact SymPy numbers instead (``pi`` is ``sympy.pi``).

        >>> parse("x**2 + 1")(3.0)
        10.0
        """
        values = self._bind(args, kwargs)
        return self._evaluate(values, exact=_any_sympy(values))

    def function(self) -> Callable[..., Any]:
        """A plain function of the variables, with them as its parameter names.

        Tools that label inputs by parameter name (a trace, a table) see
        ``f(x1, x2)``; the signature is attached as ``__signature__``.

        >>> import inspect
        >>> f = parse("x1*x2 + x1").function()
        >>> str(inspect.signature(f))
        '(x1, x2)'
        >>> f(2.0, 5.0)
        12.0
        """
        expression = self

        def f(*args: Any, **kwargs: Any) -> Any:
            return expression(*args, **kwargs)

        f.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
            [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD) for name in self.variables]
        )
        f.__qualname__ = "f"
        f.__doc__ = f"f({', '.join(self.variables)}) = {self.text}"
        return f

    def to_sympy(self, **assumptions: Any) -> Any:
        """The expression as a SymPy expression in ``sympy.Symbol(name, **assumptions)``.

        >>> parse("2*pi*x").to_sympy()
        2*pi*x
        >>> parse("exp(-x^2)").to_sympy()
        exp(-x**2)
        """
        import sympy

        symbols = [sympy.Symbol(name, **assumptions) for name in self.variables]
        return self._evaluate(symbols, exact=True)

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Expression({self.text!r}, variables={self.variables!r})"

    def _bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[Any]:
        names = ", ".join(self.variables) or "none"
        if len(args) > len(self.variables):
            raise _error(
                f"{len(args)} values given, but the expression has {len(self.variables)} "
                f"variable{'s' if len(self.variables) != 1 else ''} ({names})"
            )
        values = dict(zip(self.variables, args))
        for name, value in kwargs.items():
            if name not in self._slots:
                raise _error(f"unknown variable '{name}'; the variables are: {names}")
            if name in values:
                raise _error(f"variable '{name}' was given a value twice")
            values[name] = value
        missing = [name for name in self.variables if name not in values]
        if missing:
            where = next((n.position for n in self.nodes if n.kind == "variable" and n.name == missing[0]), None)
            raise _error(
                f"missing a value for variable{'s' if len(missing) > 1 else ''} "
                f"{', '.join(repr(m) for m in missing)}; the variables are: {names}",
                self.text,
                where,
            )
        return [values[name] for name in self.variables]

    def _evaluate(self, inputs: list[Any], exact: bool) -> Any:
        values: list[Any] = [None] * len(self._plan)
        for i, (code, payload, args) in enumerate(self._plan):
            if code == 0:
                values[i] = inputs[payload]
            elif code == 1:
                values[i] = _sympy_constant(self.nodes[i]) if exact else payload
            else:
                operands = [values[j] for j in args]
                try:
                    values[i] = payload(*operands)
                except ZeroDivisionError:
                    node = self.nodes[i]
                    domain = _rules.RULES[node.name].domain.text if node.name in _rules.RULES else ""
                    raise DomainError(node.name, tuple(operands), domain) from None
                except OverflowError:
                    node = self.nodes[i]
                    raise _error(
                        f"{node.name}({', '.join(repr(v) for v in operands)}) overflows a float here",
                        self.text,
                        node.position,
                    ) from None
        return values[self._root]


def parse(text: str, variables: Sequence[str] | None = None) -> Expression:
    """Parse ``text`` into an :class:`Expression`, refusing anything outside the language.

    ``variables`` fixes the variables and their order (it may name variables the
    text does not use); by default they are the free names in order of first
    appearance. Raises :class:`~dualdiff.errors.ExpressionError` with the
    position of the problem.

    >>> parse("exp(-x^2)")(0.0)
    1.0
    >>> parse("x*y", variables=["y", "x"]).variables
    ('y', 'x')
    >>> parse("sine(x)")
    Traceback (most recent call last):
    ...
    dualdiff.errors.ExpressionError: unknown function 'sine'; did you mean sin, sinh, sign?
      sine(x)
      ^
    """
    source = _Source(text)
    body = source.tree.body
    if isinstance(body, ast.Tuple):
        comma = text.find(",", source.position_of_end(body.elts[0])) if body.elts else -1
        raise _error(
            "several comma-separated expressions where one was expected "
            "(use dualdiff.expr.parse_many for a list of expressions)",
            text,
            comma if comma >= 0 else source.position(body),
        )
    compiler = _Compiler(source)
    nodes, root, first = compiler.compile(body)
    names = _choose_variables(text, first, variables)
    return Expression(text, names, nodes, root)


def parse_many(text: str, variables: Sequence[str] | None = None) -> tuple[Expression, ...]:
    """Parse comma-separated expressions that share one list of variables.

    Used for vector-valued functions (a Jacobian): every expression gets the
    same :attr:`~Expression.variables`, in order of first appearance in the
    whole text unless given.

    >>> f, g = parse_many("x*y, x + z")
    >>> f.variables, g.text
    (('x', 'y', 'z'), 'x + z')
    """
    source = _Source(text)
    body = source.tree.body
    elements = body.elts if isinstance(body, ast.Tuple) else [body]
    compiler = _Compiler(source)
    compiled = []
    first: dict[str, int] = {}
    for element in elements:
        nodes, root, used = compiler.compile(element)
        compiled.append((element, nodes, root))
        for name, position in used.items():
            first[name] = min(position, first.get(name, position))
    names = _choose_variables(text, first, variables)
    result = []
    for element, nodes, root in compiled:
        start, end = source.position(element), source.position_of_end(element)
        shifted = tuple(
            Node(n.kind, n.name, n.args, n.position - start, n.value) for n in nodes
        )
        result.append(Expression(text[start:end], names, shifted, root))
    return tuple(result)


def parse_assignments(text: str) -> dict[str, float]:
    """Parse ``"x1=2, x2=5"`` into ``{"x1": 2.0, "x2": 5.0}``.

    Each value is a number in any Python float notation, ``pi``, ``e``, or a
    constant expression of them (``-pi/4``, ``2**-3``, ``sqrt(2)``). Blank text
    gives an empty dict. Raises :class:`~dualdiff.errors.ExpressionError` with
    the position of the problem.

    >>> parse_assignments("x1=2, x2=-1e-3, t=pi/2")
    {'x1': 2.0, 'x2': -0.001, 't': 1.5707963267948966}
    """
    _check_characters(text, "the assignments")
    if not text.strip():
        return {}
    _check_brackets(text)
    result: dict[str, float] = {}
    for start, item in _split_top_level(text):
        lead = len(item) - len(item.lstrip(" "))
        if not item.strip():
            raise _error("empty assignment: expected name=value, e.g. x1=2,x2=5", text, start)
        if "=" not in item:
            raise _error(
                f"expected name=value, e.g. x1=2,x2=5 (got {item.strip()!r})", text, start + lead
            )
        name_part, value_part = item.split("=", 1)
        name = name_part.strip()
        problem = _variable_name_problem(name)
        if problem:
            raise _error(problem, text, start + lead)
        if name in result:
            raise _error(f"variable '{name}' is given a value twice", text, start + lead)
        value_start = start + len(name_part) + 1
        if not value_part.strip():
            raise _error(f"no value given for '{name}'", text, value_start)
        result[name] = _constant_value(name, value_part, text, value_start)
    return result


# --------------------------------------------------------------------------
# Reading the text: character checks, bracket depth, '^', Python's parser.


class _Source:
    """Checked text, its AST, and the map from parsed offsets back to the text."""

    def __init__(self, text: str) -> None:
        _check_characters(text, "the expression")
        if not text.strip(" "):
            raise _error("the expression is empty; write e.g. 'sin(x) * y'", text, 0)
        for i, char in enumerate(text):
            if char in _REFUSED_CHARACTERS:
                raise _error(_REFUSED_CHARACTERS[char], text, i)
        for equals in _LONE_EQUALS.finditer(text):
            before = text[: equals.start()]
            if before.count("(") == before.count(")"):  # inside a call it is a keyword argument
                raise _error(
                    "'=' is not allowed: an expression cannot assign; give the values of the "
                    "variables when evaluating it",
                    text,
                    equals.start(),
                )
        _check_brackets(text)
        self.text = text
        # Python's parser would take leading spaces for an indent. '^' is the
        # power operator and is read as '**' before parsing: renaming BitXor
        # nodes in the AST instead would keep xor's precedence, looser than
        # + and unary minus, so exp(-x^2) would be exp((-x)**2) and x^2 + 1
        # would be x**3. Quotes and comments are refused above, so every '^'
        # here is an operator token; `origin` maps positions back to the text.
        lead = len(text) - len(text.lstrip(" "))
        pieces: list[str] = []
        origin: list[int] = []
        for i in range(lead, len(text)):
            if text[i] == "^":
                pieces.append("**")
                origin += (i, i)
            else:
                pieces.append(text[i])
                origin.append(i)
        origin.append(len(text))
        self.origin = origin
        self.tree = _parse_python(text, "".join(pieces), origin)

    def position(self, node: ast.AST) -> int:
        """Offset in the text of the start of ``node`` (ASCII: columns are characters)."""
        return self.origin[min(getattr(node, "col_offset", 0), len(self.origin) - 1)]

    def position_of_end(self, node: ast.AST) -> int:
        end = getattr(node, "end_col_offset", None)
        if end is None:
            return len(self.text)
        return self.origin[min(end, len(self.origin) - 1) - 1] + 1 if end > 0 else 0

    def snippet(self, node: ast.AST) -> str:
        return self.text[self.position(node):self.position_of_end(node)]


def _check_characters(text: object, what: str) -> None:
    if not isinstance(text, str):
        raise _error(f"{what} must be a string, not {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise _error(
            f"{what} is {len(text):,} characters long; the limit is {MAX_LENGTH:,}: "
            "split it into smaller parts"
        )
    bad = _NOT_PRINTABLE_ASCII.search(text)
    if bad:
        raise _bad_character(text, bad.start())


def _bad_character(text: str, i: int) -> ExpressionError:
    char = text[i]
    code = f"U+{ord(char):04X}"
    # Show the text with every such character as '?': raw control characters
    # (escape sequences) must not reach the user's terminal.
    shown = _NOT_PRINTABLE_ASCII.sub("?", text)
    if char in _WHITESPACE_NAMES:
        message = (
            f"{_WHITESPACE_NAMES[char]} ({code}) at position {i} is not allowed: "
            "write the expression on one line, with spaces"
        )
    elif not char.isprintable() or unicodedata.category(char).startswith("C"):
        kind = "control character" if unicodedata.category(char) == "Cc" else "non-printable character"
        message = f"{kind} {code} at position {i} is not allowed"
    else:
        name = unicodedata.name(char, "unnamed character")
        message = (
            f"non-ASCII character {code} ({name}) at position {i} is not allowed: "
            "names, numbers and operators must be plain ASCII"
        )
        suggestion = _LOOK_ALIKES.get(char)
        if suggestion is None:
            normal = unicodedata.normalize("NFKC", char)
            suggestion = normal if normal.isascii() and normal.isprintable() else None
        if suggestion:
            message += f" (did you mean '{suggestion}'?)"
    return _error(message, shown, i)


def _check_brackets(text: str) -> None:
    open_at: list[int] = []
    for match in _BRACKETS.finditer(text):
        char, i = match.group(), match.start()
        if char in "([{":
            open_at.append(i)
            if len(open_at) > MAX_DEPTH:
                raise _error(
                    f"brackets are nested more than {MAX_DEPTH} deep; simplify the expression", text, i
                )
        elif not open_at:
            raise _error(f"unmatched '{char}'", text, i)
        elif text[open_at[-1]] != _CLOSING[char]:
            raise _error(f"'{char}' does not match the '{text[open_at[-1]]}' at position {open_at[-1]}", text, i)
        else:
            open_at.pop()
    if open_at:
        raise _error(f"'{text[open_at[-1]]}' is never closed", text, open_at[-1])


def _parse_python(text: str, source: str, origin: list[int]) -> ast.Expression:
    try:
        try:
            return _ast_parse(source)
        except RecursionError:
            pass
        with _PARSE_LOCK:
            old = sys.getrecursionlimit()
            needed = _stack_depth() + _PARSE_HEADROOM
            try:
                if needed > old:
                    sys.setrecursionlimit(needed)
                return _ast_parse(source)
            finally:
                sys.setrecursionlimit(old)
    except SyntaxError as error:
        raise _syntax_error(text, error, origin) from None
    except (RecursionError, MemoryError, ValueError, OverflowError):
        raise _error(
            "the expression is too deeply nested or too long for Python's parser; "
            "split it into smaller parts",
            text,
        ) from None


def _ast_parse(source: str) -> ast.Expression:
    # Python only warns about sloppy literals such as '1if'; here they are errors
    # (with a position), and nothing is printed on the user's stderr.
    with warnings.catch_warnings():
        warnings.simplefilter("error", SyntaxWarning)
        warnings.simplefilter("error", DeprecationWarning)
        return ast.parse(source, mode="eval")


def _stack_depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth


def _syntax_error(text: str, error: SyntaxError, origin: list[int]) -> ExpressionError:
    message = error.msg or "invalid syntax"
    offset = error.offset
    if offset is None or offset < 1 or (error.lineno or 1) != 1:
        position = len(text)
        message = f"{message}: the expression seems to end too early"
    else:
        position = origin[min(offset - 1, len(origin) - 1)]
    if "decimal literal" in message:
        message += " (write multiplication explicitly, e.g. 2*x, not 2x)"
    elif "Exceeds the limit" in message:
        message = "a number has too many digits"
    return _error(f"syntax error: {message}", text, position)


# --------------------------------------------------------------------------
# Compiling the whitelisted AST into a hash-consed DAG, iteratively.


class _Compiler:
    """Turns whitelisted AST nodes into unique :class:`Node` s, checking the limits."""

    def __init__(self, source: _Source) -> None:
        self.source = source
        self.text = source.text
        self.count = 0  # syntax nodes seen, over every compiled element

    def compile(self, root: ast.expr) -> tuple[tuple[Node, ...], int, dict[str, int]]:
        self.nodes: list[Node] = []
        self.keys: dict[tuple[Any, ...], int] = {}
        self.folded: list[float | None] = []  # float value of constant nodes (None: unknown)
        self.constant: list[bool] = []  # no variable below
        self.bits: list[int] = []  # estimated exact size of constant nodes
        self.inexact: list[bool] = []  # a float literal below: SymPy keeps it a Float
        self.first: dict[str, int] = {}
        results: list[int] = []
        stack: list[tuple[ast.expr, int, int | None]] = [(root, 0, None)]
        while stack:
            node, depth, arity = stack.pop()
            if arity is None:
                self.count += 1
                if self.count > MAX_NODES:
                    raise _error(
                        f"the expression has more than {MAX_NODES:,} parts; split it into smaller parts",
                        self.text,
                        self.source.position(node),
                    )
                if depth > MAX_DEPTH:
                    raise _error(
                        f"the expression is nested more than {MAX_DEPTH} levels deep "
                        "(brackets, calls, signs and powers); simplify it",
                        self.text,
                        self.source.position(node),
                    )
                children = self._check(node)
                stack.append((node, depth, len(children)))
                for child in reversed(children):
                    flat = (
                        isinstance(node, ast.BinOp)
                        and child is node.left
                        and isinstance(child, ast.BinOp)
                        and _CHAIN_GROUP.get(type(child.op), -1) == _CHAIN_GROUP.get(type(node.op), -2)
                    )
                    stack.append((child, depth if flat else depth + 1, None))
            else:
                args = results[len(results) - arity:]
                del results[len(results) - arity:]
                results.append(self._build(node, args))
        return tuple(self.nodes), results[0], self.first

    def _refuse(self, message: str, node: ast.AST, position: int | None = None) -> ExpressionError:
        return _error(message, self.text, self.source.position(node) if position is None else position)

    def _check(self, node: ast.expr) -> list[ast.expr]:
        """Validate one node against the whitelist; return its children."""
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _BINARY:
                symbol = _REFUSED_BINARY.get(type(node.op), type(node.op).__name__)
                raise self._refuse(
                    f"the operator '{symbol}' is not allowed: {_ALLOWED_SUMMARY}",
                    node,
                    self._operator_position(node, symbol),
                )
            return [node.left, node.right]
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, (ast.USub, ast.UAdd)):
                return [node.operand]
            symbol = "not" if isinstance(node.op, ast.Not) else "~"
            raise self._refuse(f"'{symbol}' is not allowed: {_ALLOWED_SUMMARY}", node)
        if isinstance(node, ast.Call):
            return self._check_call(node)
        if isinstance(node, ast.Name):
            self._check_name(node)
            return []
        if isinstance(node, ast.Constant):
            self._number(node)
            return []
        what = _REFUSED_SYNTAX.get(type(node), f"'{type(node).__name__}' syntax is")
        if isinstance(node, ast.Tuple):
            what = "tuples (comma-separated values) are"
        raise self._refuse(f"{what} not allowed: {_ALLOWED_SUMMARY}", node)

    def _check_call(self, node: ast.Call) -> list[ast.expr]:
        func = node.func
        if not isinstance(func, ast.Name):
            if isinstance(func, ast.Attribute):
                raise self._refuse(f"attribute access ('.name') is not allowed: {_ALLOWED_SUMMARY}", func)
            raise self._refuse(f"only functions of the rule table can be called, by name: {_ALLOWED_SUMMARY}", func)
        name = func.id
        if name in CONSTANTS:
            raise self._refuse(f"'{name}' is a constant, not a function (for a product write {name}*(...))", func)
        rule = _rule(name)
        if rule is None:
            raise self._refuse(_unknown_function_message(name), func)
        for argument in node.args:
            if isinstance(argument, ast.Starred):
                raise self._refuse("'*' argument unpacking is not allowed", argument)
        if node.keywords:
            keyword_node = node.keywords[0]
            what = "'**' argument unpacking is" if keyword_node.arg is None else "keyword arguments are"
            raise self._refuse(
                f"{what} not allowed: call {name} with positional arguments, e.g. {_example_call(name, rule.arity)}",
                keyword_node,
            )
        if len(node.args) != rule.arity:
            raise self._refuse(
                f"{name}() takes {rule.arity} argument{'s' if rule.arity != 1 else ''} "
                f"({len(node.args)} given), e.g. {_example_call(name, rule.arity)}",
                func,
            )
        return list(node.args)

    def _check_name(self, node: ast.Name) -> None:
        name = node.id
        if name in CONSTANTS:
            return
        if _rule(name) is not None:
            raise self._refuse(
                f"'{name}' is a function: call it, e.g. {_example_call(name, _rule(name).arity)}; "
                "a variable cannot be named like a function",
                node,
            )
        problem = _variable_name_problem(name)
        if problem:
            raise self._refuse(problem, node)

    def _number(self, node: ast.Constant) -> tuple[str, float]:
        value = node.value
        if isinstance(value, bool) or value is None:
            raise self._refuse(f"{value} is not a number: {_ALLOWED_SUMMARY}", node)
        if isinstance(value, complex):
            raise self._refuse("complex numbers ('1j') are not supported: expressions are real-valued", node)
        if isinstance(value, (str, bytes)):
            raise self._refuse(f"{'strings' if isinstance(value, str) else 'bytes'} are not allowed: {_ALLOWED_SUMMARY}", node)
        if not isinstance(value, (int, float)):
            raise self._refuse(f"{self.source.snippet(node)!r} is not a number: {_ALLOWED_SUMMARY}", node)
        try:
            as_float = float(value)
        except OverflowError:
            as_float = math.inf
        if not math.isfinite(as_float):
            raise self._refuse("this number is too large for a float (the largest is about 1.8e308)", node)
        return (str(value) if isinstance(value, int) else repr(as_float)), as_float

    def _operator_position(self, node: ast.BinOp, symbol: str) -> int:
        start = self.source.position_of_end(node.left)
        found = self.text.find(symbol, start, self.source.position(node.right))
        if symbol == "**" and found < 0:
            found = self.text.find("^", start, self.source.position(node.right))
        return found if found >= 0 else self.source.position(node)

    def _build(self, node: ast.expr, args: list[int]) -> int:
        position = self.source.position(node)
        if isinstance(node, ast.Constant):
            spelling, value = self._number(node)
            is_int = isinstance(node.value, int)
            bits = max(1, abs(node.value).bit_length()) if is_int else 64
            return self._intern(("constant", type(node.value).__name__, node.value), "constant", spelling, (), position, value, bits, not is_int)
        if isinstance(node, ast.Name):
            if node.id in CONSTANTS:
                return self._intern(("constant", node.id), "constant", node.id, (), position, CONSTANTS[node.id], 64, False)
            self.first[node.id] = min(position, self.first.get(node.id, position))
            return self._intern(("variable", node.id), "variable", node.id, (), position)
        if isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.UAdd):
                return args[0]  # +x is x: no step of its own
            return self._operation("negative", args, position)
        if isinstance(node, ast.BinOp):
            name = _BINARY[type(node.op)][0]
            if name == "power":
                self._check_exponent(node, args)
            return self._operation(name, args, position)
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        return self._operation(_rule(node.func.id).name, args, position)  # type: ignore[union-attr]

    def _check_exponent(self, node: ast.BinOp, args: list[int]) -> None:
        exponent = args[1]
        if not self.constant[exponent]:
            return
        value = self.folded[exponent]
        if value is None:
            return  # e.g. log(-1): evaluation reports the domain error
        shown = self.source.snippet(node.right)
        if not math.isfinite(value):
            raise self._refuse(f"the exponent {shown} overflows a float", node.right)
        if value.is_integer() and abs(value) > MAX_EXPONENT:
            described = shown if shown == _format_number(value) else f"{shown} = {_format_number(value)}"
            raise self._refuse(
                f"the exponent {described} is too large: constant integer exponents are limited to "
                f"magnitude {MAX_EXPONENT} (non-integer exponents such as 2.5 are not limited)",
                node.right,
            )

    def _operation(self, name: str, args: list[int], position: int) -> int:
        constant = all(self.constant[a] for a in args)
        value: float | None = None
        bits, inexact = 0, False
        if constant:
            value = _fold(name, [self.folded[a] for a in args])
            inexact = any(self.inexact[a] for a in args)
            bits = 64 if inexact else self._exact_bits(name, args)
            if bits > MAX_CONSTANT_BITS:
                raise _error(
                    f"this constant would need about {bits:,} bits to compute exactly (the limit is "
                    f"{MAX_CONSTANT_BITS:,}); write a float literal (e.g. 2.0 instead of 2) to compute it "
                    "in floating point",
                    self.text,
                    position,
                )
        return self._intern(("operation", name, tuple(args)), "operation", name, tuple(args), position, None, bits, inexact, constant, value)

    def _exact_bits(self, name: str, args: list[int]) -> int:
        sizes = [self.bits[a] for a in args]
        if name == "power":
            exponent = self.folded[args[1]]
            if exponent is not None and math.isfinite(exponent) and exponent.is_integer():
                return max(1, int(abs(exponent))) * sizes[0]
            return sizes[0] + sizes[1]
        if name in _OPERATORS:
            return sum(sizes) + 1
        return 64 + sum(sizes)  # SymPy may evaluate a function of constants exactly

    def _intern(
        self,
        key: tuple[Any, ...],
        kind: str,
        name: str,
        args: tuple[int, ...],
        position: int,
        value: float | None = None,
        bits: int = 0,
        inexact: bool = False,
        constant: bool | None = None,
        folded: float | None = None,
    ) -> int:
        index = self.keys.get(key)
        if index is not None:
            return index
        index = len(self.nodes)
        self.keys[key] = index
        self.nodes.append(Node(kind, name, args, position, value))
        self.constant.append(kind == "constant" if constant is None else constant)
        self.folded.append(value if kind == "constant" else folded)
        self.bits.append(bits)
        self.inexact.append(inexact)
        return index


# --------------------------------------------------------------------------
# Helpers shared by parsing and evaluation.

# ExpressionError draws the text with a caret only for one line of at most this
# many characters; beyond it the message itself says where.
_CARET_LIMIT = 200


def _error(message: str, text: str | None = None, position: int | None = None) -> ExpressionError:
    if text is not None and position is not None and len(text) > _CARET_LIMIT:
        message = f"{message} (at character {position + 1} of {len(text):,})"
    return ExpressionError(message, text, position)



def _rule(name: str) -> Any:
    try:
        return _rules.lookup(name)
    except KeyError:
        return None


def _known_functions() -> list[str]:
    return list(_rules.RULES) + list(_rules.ALIASES)


def _unknown_function_message(name: str) -> str:
    close = difflib.get_close_matches(name, _known_functions(), n=3, cutoff=0.6)
    if close:
        return f"unknown function '{name}'; did you mean {', '.join(close)}?"
    message = f"unknown function '{name}'; the functions are those of dualdiff.rules.RULES and their aliases"
    if len(name) <= 3 and _variable_name_problem(name) is None:  # likely x(y + 1) meant as a product
        message += f" (for a product write {name}*(...))"
    return message


def _example_call(name: str, arity: int) -> str:
    return f"{name}({', '.join(['x', 'y', 'z'][:arity])})"


def _variable_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a variable, or None if it can."""
    if not isinstance(name, str):
        return f"a variable name must be a string, not {type(name).__name__}"
    if name in CONSTANTS:
        return f"'{name}' is a constant; a variable cannot be named like a constant"
    if _rule(name) is not None:
        return f"'{name}' is the name of a function; a variable cannot be named like a function"
    if name.startswith("_"):
        return f"'{name}': variable names may not start with '_'"
    if not _NAME.match(name) or keyword.iskeyword(name):
        return f"'{name}' is not a valid variable name (use letters, digits and '_', starting with a letter)"
    return None


def _choose_variables(text: str, first: dict[str, int], variables: Sequence[str] | None) -> tuple[str, ...]:
    free = sorted(first, key=first.__getitem__)
    if variables is None:
        return tuple(free)
    if isinstance(variables, str) or not isinstance(variables, Sequence):
        raise _error(
            f"variables must be a list of names such as ['x1', 'x2'], not {type(variables).__name__}"
        )
    chosen = tuple(variables)
    for name in chosen:
        problem = _variable_name_problem(name)
        if problem:
            raise _error(f"in variables: {problem}")
    duplicates = sorted({name for name in chosen if chosen.count(name) > 1})
    if duplicates:
        raise _error(f"in variables: {', '.join(repr(d) for d in duplicates)} listed twice")
    for name in free:
        if name not in chosen:
            raise _error(
                f"variable '{name}' is used in the expression but missing from variables={list(chosen)!r}",
                text,
                first[name],
            )
    return chosen


def _fold(name: str, values: list[float | None]) -> float | None:
    """Float value of an operation on constants; inf on overflow, None if undefined.

    Only floats are used, so nothing here can build a huge Python int; the
    generic functions give inf on overflow and DomainError outside the domain.
    """
    if any(v is None for v in values):
        return None
    try:
        result = float(_functions.GENERIC[name](*values))
    except OverflowError:
        return math.inf
    except (ArithmeticError, ValueError, TypeError, DualDiffError):
        return None
    return None if math.isnan(result) else result


def _format_number(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)


def _scalar_aware(name: str, python_operator: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """The operator, except on two Python reals, where the generic function decides.

    On Python floats ``/`` and ``**`` raise ZeroDivisionError, OverflowError or
    return a complex number ((-8.0) ** (1/3)); the generic functions give what
    dualdiff promises for scalars everywhere: DomainError, or inf on overflow.
    Duals, traced values, arrays and SymPy objects keep their own operators.
    """
    generic = _functions.GENERIC[name]

    def apply(a: Any, b: Any) -> Any:
        ta, tb = type(a), type(b)
        if (ta is float or ta is int) and (tb is float or tb is int):
            return generic(a, b)
        return python_operator(a, b)

    apply.__name__ = name
    return apply


def _plan_step(node: Node, slots: dict[str, int]) -> tuple[int, Any, tuple[int, ...]]:
    """(code, payload, args): 0 = input slot, 1 = float constant, 2 = callable."""
    if node.kind == "variable":
        return 0, slots[node.name], ()
    if node.kind == "constant":
        return 1, node.value, ()
    if node.name in _SCALAR_AWARE:
        return 2, _SCALAR_AWARE[node.name], node.args
    if node.name in _OPERATORS:
        return 2, _OPERATORS[node.name], node.args
    return 2, _functions.GENERIC[node.name], node.args


_SCALAR_AWARE = {"divide": _scalar_aware("divide", operator.truediv), "power": _scalar_aware("power", operator.pow)}


def _sympy_constant(node: Node) -> Any:
    import sympy

    if node.name == "pi":
        return sympy.pi
    if node.name == "e":
        return sympy.E
    if re.fullmatch(r"[0-9]+", node.name):
        return sympy.Integer(node.name)
    return sympy.Float(node.value)


def _any_sympy(values: list[Any]) -> bool:
    sympy = sys.modules.get("sympy")
    return sympy is not None and any(isinstance(v, sympy.Basic) for v in values)


def _split_top_level(text: str) -> list[tuple[int, str]]:
    """Split at commas outside brackets: [(start offset, item), ...]."""
    items, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            items.append((start, text[start:i]))
            start = i + 1
    items.append((start, text[start:]))
    return items


def _constant_value(name: str, value_text: str, text: str, offset: int) -> float:
    try:
        expression = parse(value_text)
        if expression.variables:
            variable = expression.variables[0]
            where = next(n.position for n in expression.nodes if n.kind == "variable" and n.name == variable)
            raise _error(
                f"the value of '{name}' must be a number (or pi, e), but it uses the variable '{variable}'",
                value_text,
                where,
            )
        value = expression()
    except ExpressionError as error:
        position = None if error.position is None else offset + min(error.position, len(value_text))
        raise _error(error.message, text, position) from None
    except DualDiffError as error:
        raise _error(f"the value of '{name}' is undefined: {error}", text, offset) from None
    if not isinstance(value, float) or not math.isfinite(value):
        raise _error(f"the value of '{name}' is not a finite real number", text, offset)
    return value
