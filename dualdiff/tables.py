"""Forward-mode tables of a finished :class:`~dualdiff.trace.Trace`, in every format.

One row per node, as in Griewank & Walther and Table 2 of Baydin et al.::

    >>> import dualdiff as dd
    >>> from dualdiff.trace import trace
    >>> t = trace(lambda x1, x2: dd.log(x1) + x1 * x2 - dd.sin(x2), 2.0, 5.0, wrt="x1")
    >>> print(t.table("text", ascii=True, title=False))
    node    primal trace       primal  tangent trace            with numbers      tangent
    ------  --------------  ---------  -----------------------  --------------  ---------
    v-1     v-1 = x1                2  dv-1 = dx1               1                       1
    v0      v0 = x2                 5  dv0 = dx2                0                       0
    v1      v1 = ln v-1      0.693147  dv1 = dv-1/v-1           1/2                   0.5
    v2      v2 = v-1 * v0          10  dv2 = v0*dv-1 + v-1*dv0  5*1 + 2*0               5
    v3      v3 = v1 + v2      10.6931  dv3 = dv1 + dv2          0.5 + 5               5.5
    v4      v4 = sin v0     -0.958924  dv4 = cos(v0)*dv0        cos(5)*0                0
    v5      v5 = v3 - v4      11.6521  dv5 = dv3 - dv4          5.5 - 0               5.5
    y       y = v5            11.6521  dy = dv5                 5.5                   5.5

Columns: the node; its primal definition; its primal value; the tangent rule in
symbols; for each direction, the rule with the numbers substituted and the
tangent value. The tangent rule is never written per function: each row's
partial derivatives (:attr:`dualdiff.rules.Rule.partials`) are applied to SymPy
symbols standing for the node's arguments and value, and
``Σ ∂f/∂argᵢ · v̇ᵢ`` is formed from them and printed by SymPy (str and LaTeX
printers), with the node names put in afterwards. When some node is NaN/inf or a
comparison was recorded, a ``note`` column says so (in every format) and the
first NaN/inf row is highlighted.

Formats: ``text`` (Unicode names ``v₋₁``, ``v̇₁``; ``ascii=True`` gives ``v-1``,
``dv1``), ``markdown``, ``latex`` (booktabs), ``html``, ``csv`` (full
precision) and ``json`` (:func:`to_json`, full precision). Layout is
:func:`dualdiff.render.render_table`'s.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

import sympy
from sympy.printing.pretty.pretty_symbology import pretty_symbol

from .errors import InputError
from .render import (
    FORMATS,
    LatexText,
    Math,
    format_number,
    json_value,
    latex_escape,
    latex_number,
    render_table,
)
from .rules import Rule
from .trace import CONST, INPUT, Node, Trace

__all__ = ["table", "to_json", "tangent_rule", "STYLES"]

#: Naming styles: how names, dots and operators are written.
STYLES = ("unicode", "ascii", "latex")

_SUBSCRIPTS = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")
_DOT = "\u0307"  # combining dot above: v̇


# -- names -------------------------------------------------------------------


def _name(kind: str, number: Any, style: str, dot: bool = False) -> str:
    """``v₋₁`` / ``v-1`` / ``v_{-1}`` (with a dot: ``v̇₋₁`` / ``dv-1`` / ``\\dot{v}_{-1}``)."""
    number = "" if number is None else str(number)
    if style == "unicode":
        if not dot:
            return kind + number.translate(_SUBSCRIPTS)
        # NFC: ẏ is one precomposed character (v̇ has none)
        return unicodedata.normalize("NFC", kind + _DOT + number.translate(_SUBSCRIPTS))
    if style == "ascii":
        return ("d" if dot else "") + kind + number
    base = rf"\dot{{{kind}}}" if dot else kind
    return f"{base}_{{{number}}}" if number else base


def _node_name(node: Node, style: str, dot: bool = False) -> str:
    return _name(node.kind, node.number, style, dot)


def _output_name(name: str, style: str, dot: bool = False) -> str:
    return _name("y", name[1:] or None, style, dot)


class _Lazy(dict):
    """A mapping filled on first use: ``m[key]`` computes ``make(key)`` once."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.make(key)
        return value


class _Texts:
    """What a rendering writes again and again, each made once: every node's name,
    dotted name, primal and tangents as text (a node appears in its own row and in
    every row that uses it), indexed by node: ``names[i]``, ``dots[i]``,
    ``primals[i]``, ``tangents[d][i]``.

    ``every=True`` makes them all at once (a whole table needs them all);
    otherwise each is made when first asked for (one formula needs a few).
    """

    def __init__(self, trace: Trace, style: str, digits: int | None, every: bool = False) -> None:
        self.trace, self.style, self.digits = trace, style, digits
        nodes = trace.nodes
        if style != "latex" and digits is not None:  # format() itself for plain floats
            spec = f".{digits}g"

            def number(x: Any, slow: Callable[[Any], str] = self.number) -> str:
                return format(x, spec) if x.__class__ is float else slow(x)
        else:
            number = self.number

        def tangent(d: int) -> Any:
            def make(i: int) -> str | None:
                t = nodes[i].tangent
                return None if t is None else number(t[d])

            return [make(i) for i in range(len(nodes))] if every else _Lazy(make)

        if every:
            self.names = [_name(n.kind, n.number, style) for n in nodes]
            self.dots = [_name(n.kind, n.number, style, True) for n in nodes]
            self.primals = [number(n.primal) for n in nodes]
            self.tangents = [tangent(d) for d in range(len(trace.directions))]
        else:
            self.names = _Lazy(lambda i: _name(nodes[i].kind, nodes[i].number, style))
            self.dots = _Lazy(lambda i: _name(nodes[i].kind, nodes[i].number, style, True))
            self.primals = _Lazy(lambda i: number(nodes[i].primal))
            self.tangents = _Lazy(tangent)

    def number(self, value: Any) -> str:
        return _number(value, self.style, self.digits)


_LABEL = re.compile(r"^([A-Za-z]+)(\d*)$")


@lru_cache(maxsize=None)
def _label(label: str, style: str, dot: bool = False) -> str:
    """An input's parameter name as a symbol: ``x1`` → ``x₁``/``ẋ₁``, ``nu`` → ``ν``, ``\\nu``."""
    match = _LABEL.match(label)
    if style == "ascii" or match is None:
        if style == "latex":
            text = r"\mathrm{" + latex_escape(label) + "}"
            return rf"\dot{{{text}}}" if dot else text
        return ("d" if dot else "") + label
    base, digits = match.groups()
    symbol = base + ("dot" if dot else "") + (f"_{digits}" if digits else "")
    if style == "latex":
        return sympy.latex(sympy.Symbol(symbol))
    return unicodedata.normalize("NFC", pretty_symbol(symbol))


def _number(x: Any, style: str, digits: int | None) -> str:
    """A number as it appears on its own (``-4.1``); None digits: full precision (repr).

    Inside a formula, :func:`_operand` adds the parentheses its place needs.
    """
    if digits is None:
        return repr(float(x)) if isinstance(x, float) else str(x)
    if style == "latex":
        return latex_number(x, digits)
    return format_number(x, digits)


#: What a number may follow or precede without parentheses is decided by these: after
#: an operator (``2·(-3)``, ``x - (-3)``, ``-(-3)``) a minus sign would make two
#: operators in a row, and before a power ``-3^2`` reads as -(3²).
_OPERATOR_BEFORE = re.compile(r"(?:[-+*/^·×]|\\cdot|\\times)\s*$")
_POWER_AFTER = re.compile(r"^\s*(?:\^|\*\*)")


def _operand(text: str, after_operator: bool, before_power: bool) -> str:
    """A number's text in a formula, parenthesized only where precedence needs it:
    negative after an operator or before a power, written with an exponent before a
    power (``(1e-05)^2``); never as a function argument (``exp(-0.17)``) or alone."""
    negative = text.startswith("-")
    if (negative and (after_operator or before_power)) or (
            before_power and ("e" in text or "\\times" in text)):
        return f"({text})"
    return text


def _direction_title(trace: Trace, index: int, style: str) -> str:
    direction = trace.directions[index]
    if direction.input is not None:
        label = _label(direction.input, style)
        return {"unicode": f"∂/∂{label}", "ascii": f"d/d{label}",
                "latex": rf"$\partial/\partial {label}$"}[style]
    return "along " + (latex_escape(direction.name) if style == "latex" else direction.name)


# -- definitions (the primal trace) --------------------------------------------------

_UNICODE_OPERATORS = {"*": "×", "**": "^"}


def _definition_rhs(trace: Trace, node: Node, style: str, digits: int | None) -> str:
    """The right-hand side of a node's definition (``v₋₁ × v₀``); graph.py labels with it."""
    text, places = _definition_program(node.op, style)
    nodes = trace.nodes
    return text.format(*[
        _operand(_number(nodes[a].primal, style, digits), *place) if nodes[a].op == CONST
        else _name(nodes[a].kind, nodes[a].number, style) for a, place in zip(node.args, places)])


def _rhs(texts: _Texts, node: Node) -> str:
    """:func:`_definition_rhs` with the names and numbers of ``texts``."""
    text, places = _definition_program(node.op, texts.style)
    nodes, names, primals = texts.trace.nodes, texts.names, texts.primals
    return text.format(*[
        _operand(primals[a], *place) if nodes[a].op == CONST else names[a]
        for a, place in zip(node.args, places)])


@lru_cache(maxsize=None)  # one per rule and style
def _definition_program(rule: Rule, style: str) -> tuple[str, tuple[tuple[bool, bool], ...]]:
    """A rule's definition as a ``str.format`` text with one field per argument, and
    per argument what a negative constant there follows or precedes
    (``(after_operator, before_power)``, see :func:`_operand`)."""
    if rule.symbol is not None:  # an operator: -a, a - b, a ** b (latex: a^{b}, b in braces)
        power = rule.symbol == "**"
        places = [(rule.arity == 1, power)]
        if rule.arity == 2:
            places.append((not (power and style == "latex"), False))
    elif rule.arity == 1 and style != "latex":  # "exp -3" would read as exp minus 3
        places = [(True, False)]
    else:  # in parentheses or braces: hypot(-3, v0), \sqrt{-3}
        places = [(False, False)] * rule.arity
    args = [f"\x00{k}\x00" for k in range(rule.arity)]
    if style == "latex":
        if rule.symbol is not None:
            if rule.arity == 1:
                text = f"{rule.latex}{args[0]}"
            elif rule.symbol == "**":
                text = f"{args[0]}^{{{args[1]}}}"
            else:
                text = f"{args[0]} {rule.latex} {args[1]}"
        elif rule.latex.startswith(r"\sqrt"):  # takes its argument in braces
            text = f"{rule.latex}{{{args[0]}}}"
        else:
            text = f"{rule.latex}\\left({', '.join(args)}\\right)"
    elif rule.symbol is not None:
        symbol = _UNICODE_OPERATORS.get(rule.symbol, rule.symbol) if style == "unicode" \
            else rule.symbol
        text = f"{symbol}{args[0]}" if rule.arity == 1 else f"{args[0]} {symbol} {args[1]}"
    elif rule.arity == 1:
        text = f"{rule.text} {args[0]}"
    else:
        text = f"{rule.text}({', '.join(args)})"
    text = text.replace("{", "{{").replace("}", "}}")
    for k in range(rule.arity):
        text = text.replace(f"\x00{k}\x00", "{" + str(k) + "}")
    return text, tuple(places)


def _definition(texts: _Texts, node: Node) -> str:
    lhs = texts.names[node.index]
    if node.op == INPUT:
        return f"{lhs} = {_label(node.label, texts.style)}"
    if node.op == CONST:
        return f"{lhs} = {texts.primals[node.index]}"
    return f"{lhs} = {_rhs(texts, node)}"


# -- tangent rules, from the rule table ------------------------------------------------

_PLACEHOLDER = re.compile(r"\bX([AD])(\d+)\b|\bXV\b")


@dataclass(frozen=True)
class _Template:
    """Σ ∂f/∂argᵢ·v̇ᵢ for one rule and argument pattern, with placeholders
    ``XA<k>`` (argument k), ``XD<k>`` (its tangent) and ``XV`` (the value)."""

    ascii: str
    unicode: str
    latex: str


def _clean(expr: Any, digits: int | None) -> Any:
    """Integers, halves, thirds and quarters become exact (1.0 → 1, 0.5 → 1/2: the rules'
    own constants), other floats are shown with ``digits`` significant digits (None: the
    shortest text that gives the float back)."""
    expr = sympy.sympify(expr)
    replacements = {}
    for f in expr.atoms(sympy.Float):
        exact = sympy.Rational(float(f)).limit_denominator(4)
        if float(exact) == float(f):
            replacements[f] = exact
        else:
            # printed with full_prec=False, so trailing zeros do not show
            replacements[f] = sympy.Float(repr(float(f)), 17) if digits is None else \
                sympy.Float(float(f), digits)
    return expr.xreplace(replacements) if replacements else expr


def _sympy_constant(value: Any, digits: int | None) -> Any:
    return _clean(sympy.Float(value) if isinstance(value, float) else sympy.sympify(value), digits)


def _term(partial: Any, k: int) -> tuple[bool, str, str]:
    """One term ∂f/∂a·ȧ as (negative, str text, LaTeX text), the tangent written ``XD<k>``."""
    negative = bool(partial.could_extract_minus_sign())
    if negative:
        partial = -partial
    numer, denom = sympy.fraction(partial)
    dot = f"XD{k}"
    if numer == 1:
        top, top_latex = dot, dot
    else:
        text = sympy.sstr(numer, full_prec=False)
        top = f"({text})*{dot}" if numer.is_Add else f"{text}*{dot}"
        top_latex = f"{_latex(numer, parens=numer.is_Add)} \\cdot {dot}"
    if denom == 1:
        return negative, top, top_latex
    bottom = sympy.sstr(denom, full_prec=False)
    if denom.is_Add or denom.is_Mul:
        bottom = f"({bottom})"
    return negative, f"{top}/{bottom}", f"\\frac{{{top_latex}}}{{{_latex(denom)}}}"


def _latex(expr: Any, parens: bool = False) -> str:
    names = {s: s.name for s in expr.free_symbols}
    text = sympy.latex(expr, mul_symbol="dot", symbol_names=names, full_prec=False)
    return rf"\left({text}\right)" if parens else text


@lru_cache(maxsize=4096)
def _template(rule: Rule, pattern: tuple, digits: int | None) -> _Template:
    """Apply the row's partials to placeholder symbols; group terms by argument."""
    value = sympy.Symbol("XV")
    args = [sympy.Symbol(f"XA{p[1]}") if p[0] == "v" else _sympy_constant(p[1], digits)
            for p in pattern]
    by_arg: dict[int, Any] = {}
    for partial, p in zip(rule.partials, pattern):
        if p[0] != "v":
            continue
        d = partial(*args, value) if callable(partial) else partial
        by_arg[p[1]] = by_arg.get(p[1], 0) + _clean(d, digits)
    ascii_parts, latex_parts = [], []
    for k, partial in by_arg.items():
        partial = sympy.sympify(partial)
        if partial == 0:
            continue
        negative, text, latex = _term(partial, k)
        sign = " - " if negative else " + "
        ascii_parts.append(("-" if negative else "") + text if not ascii_parts else sign + text)
        latex_parts.append(("-" if negative else "") + latex if not latex_parts else sign + latex)
    ascii_text = "".join(ascii_parts) or "0"
    latex_text = "".join(latex_parts) or "0"
    unicode_text = ascii_text.replace("**", "^").replace("*", "·")
    return _Template(ascii_text, unicode_text, latex_text)


def _pattern(node: Node, trace: Trace) -> tuple[tuple, list[int]]:
    """The node's argument pattern, ('v', k) for the k-th distinct variable argument and
    ('c', value) for a constant, and the distinct variable argument nodes in that order."""
    nodes = trace.nodes
    variables: list[int] = []
    pattern = []
    for i in node.args:
        arg = nodes[i]
        if arg.op == CONST:
            pattern.append(("c", arg.primal))
        else:
            if i not in variables:
                variables.append(i)
            pattern.append(("v", variables.index(i)))
    return tuple(pattern), variables


@lru_cache(maxsize=4096)
def _compile(template: str) -> tuple:
    """A template split at its placeholders: literal texts alternating with
    ``(kind, k, after_operator, before_power)``, kind "A", "D" or "V"."""
    parts: list[Any] = []
    position = 0
    for m in _PLACEHOLDER.finditer(template):
        parts.append(template[position:m.start()])
        parts.append((m.group(1) or "V", int(m.group(2)) if m.group(2) else None,
                      _OPERATOR_BEFORE.search(template, 0, m.start()) is not None,
                      _POWER_AFTER.match(template[m.end():]) is not None))
        position = m.end()
    parts.append(template[position:])
    return tuple(parts)


@lru_cache(maxsize=4096)
def _program(rule: Rule, pattern: tuple, digits: int | None, style: str) -> tuple[str, tuple]:
    """The tangent rule of ``rule`` on arguments of ``pattern`` as a ``str.format`` text
    with one field per placeholder, and the placeholders (see :func:`_compile`)."""
    parts = _compile(getattr(_template(rule, pattern, digits), style))
    text = "".join(p.replace("{", "{{").replace("}", "}}") if p.__class__ is str else "{}"
                   for p in parts)
    return text, tuple(p for p in parts if p.__class__ is not str)


def tangent_rule(trace: Trace, node: Node, style: str = "unicode", digits: int = 6,
                 direction: int | None = None) -> str:
    """The tangent rule of one node: ``v̇₁ = v̇₋₁/v₋₁``; with ``direction``, the
    right-hand side with that direction's numbers put in (``1/2``).

    >>> import dualdiff as dd
    >>> from dualdiff.trace import trace
    >>> t = trace(lambda x: dd.sin(x) * x, 1.0)
    >>> tangent_rule(t, t.nodes[1]), tangent_rule(t, t.nodes[2], "ascii")
    ('v̇₁ = cos(v₀)·v̇₀', 'dv2 = v0*dv1 + v1*dv0')
    """
    if style not in STYLES:
        raise InputError(f"unknown style {style!r}; choose one of {', '.join(STYLES)}")
    rule, numbers = _rule_texts(_Texts(trace, style, digits), node,
                                () if direction is None else (direction,))
    return rule if direction is None else numbers[0]


def _rule_texts(texts: _Texts, node: Node, directions: Any) -> tuple[str, list[str]]:
    """A node's tangent rule (``v̇₁ = cos(v₀)·v̇₀``) and, for each of ``directions``, its
    right-hand side with that direction's numbers (``cos(0.5)·1``); "" for a constant."""
    if node.op == CONST:
        return "", ["" for _ in directions]
    trace, i = texts.trace, node.index
    if node.op == INPUT:
        return (f"{texts.dots[i]} = {_label(node.label, texts.style, dot=True)}",
                [texts.number(trace.directions[d].seed[i]) for d in directions])
    pattern, variables = _pattern(node, trace)
    text, fields = _program(node.op, pattern, texts.digits, texts.style)
    names, dots, primals = texts.names, texts.dots, texts.primals
    rule = texts.dots[i] + " = " + text.format(*[
        names[variables[k]] if kind == "A" else dots[variables[k]] if kind == "D" else names[i]
        for kind, k, _, _ in fields])
    numbers = []
    for d in directions:
        tangents = texts.tangents[d]
        values = []
        for kind, k, after_operator, before_power in fields:
            value = primals[variables[k]] if kind == "A" else tangents[variables[k]] \
                if kind == "D" else primals[i]
            values.append(_operand(value, after_operator, before_power)
                          if after_operator or before_power else value)
        numbers.append(text.format(*values))
    return rule, numbers


# -- the table ---------------------------------------------------------------------


#: Comparison operators in LaTeX math.
_LATEX_COMPARISONS = {"<=": r"\le", ">=": r"\ge", "==": "=", "!=": r"\ne"}


def _notes(trace: Trace, style: str) -> dict[int, list[str]]:
    """Each row's notes; in the latex style they are LaTeX text (names and comparisons
    as ``$...$`` math, the words as text)."""
    latex = style == "latex"
    word = latex_escape if latex else (lambda s: s)  # noqa: E731
    number = (lambda x: latex_number(x)) if latex else format_number  # noqa: E731
    notes: dict[int, list[str]] = {}
    for c in trace.comparisons:
        if c.op in _RULE_NAMES:
            row = c.after
            text = word(f"{c.op} at its kink")
        else:
            row = c.left if c.left is not None else c.right
            left = _node_name(trace.nodes[c.left], style) if c.left is not None else \
                number(c.left_value)
            right = _node_name(trace.nodes[c.right], style) if c.right is not None else \
                number(c.right_value)
            if latex:
                op = _LATEX_COMPARISONS.get(c.op, c.op)
                text = f"${left} {op} {right}$: " + word(str(c.outcome))
            else:
                text = f"{left} {c.op} {right}: {c.outcome}"
            text += " (tie)" if c.tie else ""
        if row is not None:
            notes.setdefault(row, []).append(text)
    if trace.nonfinite is not None:
        mark = "first NaN/Inf" if style != "unicode" else "⚠ first NaN/Inf"
        notes.setdefault(trace.nonfinite, []).insert(0, mark)
    return notes


def _rule_names() -> frozenset:
    from .rules import RULES

    return frozenset(RULES)


_RULE_NAMES = _rule_names()


def _title(trace: Trace, style: str, digits: int) -> str:
    math = (lambda s: f"${s}$") if style == "latex" else (lambda s: s)  # noqa: E731
    number = (lambda x: _number(x, "latex", digits)) if style == "latex" else (  # noqa: E731
        lambda x: format_number(x, digits))
    point = ", ".join(math(f"{_label(trace.nodes[i].label, style)} = "
                           f"{number(trace.nodes[i].primal)}") for i in trace.inputs)
    if len(trace.directions) == 1:
        seed = trace.directions[0].seed
        what = "seed " + ", ".join(
            math(f"{_label(trace.nodes[i].label, style, dot=True)} = {number(seed[j])}")
            for j, i in enumerate(trace.inputs))
    else:
        what = "directions " + ", ".join(_direction_title(trace, d, style)
                                         for d in range(len(trace.directions)))
    name = trace.function_name
    if style == "latex":
        name = r"\texttt{" + latex_escape(name) + "}"
    return f"Forward-mode trace of {name} at {point}; {what}"


def _rows(trace: Trace, style: str, digits: int, constants: bool):
    """(headers, rows, highlight) in one naming style."""
    k = len(trace.directions)
    single = k == 1
    headers: list[Any] = ["node", "primal trace", "primal", "tangent trace"]
    for d in range(k):
        if single:
            headers += ["with numbers", "tangent"]
        elif style == "latex":  # text with the direction as math: not escaped as text
            title, text = _direction_title(trace, d, "latex"), _direction_title(trace, d, "unicode")
            headers += [LatexText(f"with numbers ({text})", f"with numbers ({title})"),
                        LatexText(f"tangent ({text})", f"tangent ({title})")]
        else:
            title = _direction_title(trace, d, style)
            headers += [f"with numbers ({title})", f"tangent ({title})"]
    notes = _notes(trace, style)
    with_notes = bool(notes)
    if with_notes and style == "latex":  # LaTeX text, kept out of the math wrapping below
        plain = _notes(trace, "unicode")
        notes = {i: [LatexText("; ".join(plain[i]), "; ".join(texts))]
                 for i, texts in notes.items()}
    if with_notes:
        headers.append("note")
    texts = _Texts(trace, style, digits, every=True)
    names, primals = texts.names, texts.primals
    directions = range(k)
    rows, highlight = [], []
    for node in trace.nodes:
        if node.op == CONST and not constants:
            continue
        if node.index == trace.nonfinite:
            highlight.append(len(rows))
        rule, numbers = _rule_texts(texts, node, directions)
        row = [names[node.index], _definition(texts, node), node.primal, rule]
        for d in directions:
            if node.op == CONST:
                row += [None, None]
            else:
                row += [numbers[d], node.tangent[d]]
        if with_notes:
            note = notes.get(node.index, ())
            row.append(note[0] if style == "latex" and note else "; ".join(note))
        rows.append(row)
    for output in trace.outputs:
        node = trace.nodes[output.node]
        y = _output_name(output.name, style)
        value = primals[node.index] if node.op == CONST else names[node.index]
        row = [y, f"{y} = {value}", node.primal,
               f"{_output_name(output.name, style, dot=True)} = "
               f"{'0' if node.op == CONST else texts.dots[node.index]}"]
        for d in directions:
            if node.tangent is None:
                row += [texts.number(0.0), 0.0]
            else:
                row += [texts.tangents[d][node.index], node.tangent[d]]
        if with_notes:
            row.append("")
        rows.append(row)
    if style == "latex":  # "$...$" is kept as math by render_table, like a Math cell
        rows = [[f"${c}$" if c.__class__ is str and c else c for c in row] for row in rows]
    return headers, rows, highlight


def table(trace: Trace, fmt: str = "text", *, digits: int = 6, ascii: bool = False,
          constants: bool = False, title: Any = None) -> str:
    """The forward-mode table of ``trace`` in ``fmt`` (one of :data:`dualdiff.render.FORMATS`).

    ``digits`` significant digits (not in CSV/JSON, which keep every digit);
    ``ascii`` for plain-ASCII names in text/CSV (``v-1``, ``dv1``);
    ``constants`` to give constants rows of their own (they are otherwise
    written inline); ``title`` None for an automatic title, False for none,
    or a string.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown table format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "json":
        return to_json(trace)
    style = "latex" if fmt == "latex" else ("ascii" if ascii else "unicode")
    headers, rows, highlight = _rows(trace, style, digits, constants)
    if title is None:
        text_style = "ascii" if style == "ascii" else "unicode"
        title = _title(trace, text_style, digits)
        if style == "latex":
            title = Math(title, _title(trace, "latex", digits))
    caption = None
    if trace.nonfinite is not None:
        name = _node_name(trace.nodes[trace.nonfinite], style)
        caption = f"Row {name} is the first whose value or tangent is NaN or infinite."
        if style == "latex":
            caption = Math(caption, f"Row ${name}$ is the first whose value or tangent is NaN "
                                    f"or infinite.")
    return render_table(headers, rows, fmt, title=title or None, caption=caption,
                        digits=digits, highlight_rows=highlight, ascii=ascii)


def to_json(trace: Trace, *, indent: int | None = 2) -> str:
    """The trace as strict JSON, numbers at full precision (nan/inf as strings).

    Keys: ``function``, ``inputs`` (name, node, value), ``directions`` (name,
    seed), ``rows`` (one per node, constants included: ``name``, ``op``,
    ``args``, ``primal``, ``tangent`` (one number per direction, null for a
    constant), ``definition``, ``rule``, ``rule_latex``), ``outputs`` (name,
    node, primal, tangent), ``comparisons`` and ``nonfinite`` (a row name or null).
    """
    ascii_texts = _Texts(trace, "ascii", None, every=True)
    latex_texts = _Texts(trace, "latex", None, every=True)
    names = ascii_texts.names
    rows = []
    for node in trace.nodes:
        rows.append({
            "name": names[node.index],
            "op": node.op_name,
            "args": [names[i] for i in node.args],
            "primal": json_value(node.primal),
            "tangent": None if node.tangent is None else [json_value(t) for t in node.tangent],
            "definition": _definition(ascii_texts, node),
            "rule": _rule_texts(ascii_texts, node, ())[0] or None,
            "rule_latex": _rule_texts(latex_texts, node, ())[0] or None,
        })
    document = {
        "function": trace.function_name,
        "inputs": [{"name": trace.nodes[i].label, "node": trace.nodes[i].name,
                    "value": json_value(trace.nodes[i].primal)} for i in trace.inputs],
        "directions": [{"name": d.name, "seed": [json_value(s) for s in d.seed]}
                       for d in trace.directions],
        "rows": rows,
        "outputs": [{"name": o.name, "node": trace.nodes[o.node].name,
                     "primal": json_value(trace.nodes[o.node].primal),
                     "tangent": [json_value(t) for t in trace._output_tangent(o)]}
                    for o in trace.outputs],
        "comparisons": [{"op": c.op,
                         "left": trace.nodes[c.left].name if c.left is not None
                         else json_value(c.left_value),
                         "right": trace.nodes[c.right].name if c.right is not None
                         else json_value(c.right_value),
                         "outcome": json_value(c.outcome), "tie": c.tie}
                        for c in trace.comparisons],
        "nonfinite": None if trace.nonfinite is None else trace.nodes[trace.nonfinite].name,
    }
    return json.dumps(document, indent=indent, ensure_ascii=False, allow_nan=False)
