"""C kernels of the float fast path, generated from the rule table.

The optional C extension :mod:`dualdiff._speedups` differentiates a Dual with a
float primal without running Python bytecode. Its one-argument kernels
(``v = sin(x)``, ``v̇ = cos(x)·ẋ``) are not written by hand: this module
translates each rule's float function and partial from :mod:`dualdiff.rules`
into C, operation by operation and in Python's order of evaluation, so the C
kernel computes bit for bit what the Python fast path computes (a test checks
that on many points, and that ``dualdiff/_kernels.h`` is what this module
generates now).

A rule gets a kernel when its float function is a :mod:`math` function that
calls the C library (``math.sin`` is C's ``sin``) and its partial uses only
``x``, ``v``, float constants, ``+ - * /``, unary minus and such functions. The
others (sigmoid, relu, cbrt, ...) keep the Python fast path.

A kernel gives up (returns 0) wherever Python would raise or leave the fast
path: a non-finite argument or value, a division by zero, a math function
whose result is not finite (Python raises ValueError or OverflowError there),
a non-finite partial. The caller then takes the Python path, which handles
every such case, so the kernels only ever decide speed, never results.

Regenerate after changing a rule with ``python -m dualdiff.kernels``, then
reinstall (``pip install -e .``) to rebuild the extension. (Where the built
extension is older than ``_speedups.c``, run the generator with
``DUALDIFF_PURE_PYTHON=1``: importing dualdiff would load the stale module.)

>>> from dualdiff.rules import RULES
>>> print(partial_c(RULES["asin"]))
DIV(1.0, CALL(sqrt(((1.0 - x) * (1.0 + x)))))
"""

from __future__ import annotations

import ast
import inspect
import math
from pathlib import Path

from .rules import RULES, Rule

__all__ = ["LIBM", "KERNEL_RULES", "partial_c", "header", "HEADER_PATH"]

#: math functions that call the C library function of the same meaning directly
#: on a finite argument with a finite result (CPython's math module wrappers).
LIBM: dict = {
    math.exp: "exp", math.expm1: "expm1", math.log: "log", math.log1p: "log1p",
    math.log2: "log2", math.log10: "log10", math.sqrt: "sqrt",
    math.sin: "sin", math.cos: "cos", math.tan: "tan",
    math.asin: "asin", math.acos: "acos", math.atan: "atan",
    math.sinh: "sinh", math.cosh: "cosh", math.tanh: "tanh",
    math.asinh: "asinh", math.acosh: "acosh", math.atanh: "atanh",
    math.erf: "erf", math.erfc: "erfc",
}

HEADER_PATH = Path(__file__).with_name("_kernels.h")


class _Untranslatable(Exception):
    pass


def _lambda_node(partial) -> ast.Lambda:
    # inspect.getsource gives a lambda's first line, not the lambda, when it sits
    # inside a Rule(...) spanning several lines: parse the module and take the
    # lambda on that line whose compiled code is the partial's.
    module = ast.parse(inspect.getsource(inspect.getmodule(partial)))
    line = partial.__code__.co_firstlineno
    for node in ast.walk(module):
        if isinstance(node, ast.Lambda) and node.lineno == line and _same_code(node, partial):
            return node
    raise _Untranslatable(f"cannot find the source of {partial!r}")


def _same_code(node: ast.Lambda, partial) -> bool:
    compiled = compile(ast.Expression(node), "<partial>", "eval")
    code = next(c for c in compiled.co_consts if hasattr(c, "co_code"))
    return (code.co_code, code.co_names, code.co_consts) == (
        partial.__code__.co_code, partial.__code__.co_names, partial.__code__.co_consts)


def _c_double(value: float) -> str:
    # repr is exact for the literals the rules use (0.5, 1.0, 3.0); a computed
    # constant (LN2) is written in hexadecimal, which is exact for every double.
    text = repr(value)
    return text if float(text) == value and len(text) <= 6 else value.hex()


def _translate(node: ast.AST, names: dict) -> str:
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return _c_double(float(node.value))
    if isinstance(node, ast.Name):
        if node.id in ("x", "v"):
            return node.id
        value = names.get(node.id)
        if type(value) is float:
            return _c_double(value)
        raise _Untranslatable(f"name {node.id}")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return f"-({_translate(node.operand, names)})"
    if isinstance(node, ast.BinOp):
        left, right = _translate(node.left, names), _translate(node.right, names)
        if isinstance(node.op, ast.Div):  # Python raises ZeroDivisionError on / 0
            return f"DIV({left}, {right})"
        op = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*"}.get(type(node.op))
        if op is None:
            raise _Untranslatable(ast.unparse(node))
        # Parentheses around every operation keep Python's grouping in C.
        return f"({left} {op} {right})"
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "fn"
            and not node.keywords):
        name = node.func.attr
        args = [_translate(a, names) for a in node.args]
        if name == "power" and len(args) == 2:
            return f"POW({args[0]}, {args[1]})"
        rule = RULES.get(name)
        if rule is None or rule.arity != 1 or len(args) != 1 or rule.real not in LIBM:
            raise _Untranslatable(ast.unparse(node))
        return f"CALL({LIBM[rule.real]}({args[0]}))"
    raise _Untranslatable(ast.unparse(node))


def partial_c(rule: Rule) -> str:
    """The C expression of a one-argument rule's partial (raises if untranslatable)."""
    partial = rule.partials[0]
    if not callable(partial):
        return _c_double(float(partial))
    return _translate(_lambda_node(partial).body, partial.__globals__)


def _kernel_rules() -> dict[str, str]:
    kernels = {}
    for rule in RULES.values():
        if rule.arity != 1 or rule.real not in LIBM:
            continue
        try:
            kernels[rule.name] = partial_c(rule)
        except _Untranslatable:
            continue
    return kernels


#: rule name -> C expression of its partial, for every rule that gets a kernel.
KERNEL_RULES: dict[str, str] = _kernel_rules()


def header() -> str:
    """The text of ``_kernels.h``: one ``KERNEL(...)`` (a macro of _speedups.c) per rule."""
    out = [
        "/* Generated by `python -m dualdiff.kernels` from dualdiff/rules.py: do not edit.",
        " * One kernel per rule: v = f(x) and the partial d = f'(x) in Python's order of",
        " * operations; 0 where the Python fast path would raise or leave (see kernels.py). */",
        "",
    ]
    for name, expression in KERNEL_RULES.items():
        rule = RULES[name]
        partial = rule.partials[0]
        shown = ast.unparse(_lambda_node(partial).body) if callable(partial) else repr(partial)
        out += [
            f"/* {name}: v = math.{rule.real.__name__}(x), partial {shown} */",
            f"KERNEL({name}, {LIBM[rule.real]}(x), {expression})",
            "",
        ]
    out.append("static const Kernel KERNELS[] = {")
    out += [f'    {{"{name}", kernel_{name}}},' for name in KERNEL_RULES]
    out += ["    {NULL, NULL},", "};", ""]
    return "\n".join(out)


if __name__ == "__main__":
    HEADER_PATH.write_text(header(), encoding="utf-8")
    print(f"wrote {HEADER_PATH} ({len(KERNEL_RULES)} kernels: {', '.join(KERNEL_RULES)})")
