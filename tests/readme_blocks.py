"""Blocks of README.md that are generated from the code, so a test can keep them in sync.

Run ``python tests/readme_blocks.py`` to print the current blocks.
"""

from __future__ import annotations

import sympy

from dualdiff.rules import RULES, Category


def _tidy(expr: sympy.Expr) -> sympy.Expr:
    # 1.0/x reads better as 1/x: floats that are small integers or halves become exact.
    return expr.xreplace({
        f: sympy.Rational(float(f)).limit_denominator(4)
        for f in expr.atoms(sympy.Float)
        if (2 * float(f)).is_integer()
    })


def _derivative_text(rule) -> str:
    symbols = sympy.symbols(rule.params)
    value = sympy.Symbol("v")
    parts = []
    for name, partial in zip(rule.params, rule.partials):
        d = sympy.sympify(partial(*symbols, value) if callable(partial) else partial)
        label = f"∂/∂{name}" if rule.arity == 2 else "d/dx"
        parts.append(f"{label}: `{sympy.sstr(_tidy(d))}`")
    return "; ".join(parts)


def functions_block() -> str:
    """The Markdown table of elementary functions, one line per rule."""
    lines = [
        "| function | also | domain | derivative (v is the value) | convention |",
        "|---|---|---|---|---|",
    ]
    for rule in RULES.values():
        if rule.symbol is not None and rule.name != "power":
            continue  # + - * / and unary -, + are operators, listed in the text
        note = rule.note if rule.category is not Category.DIFFERENTIABLE else ""
        lines.append(
            f"| `{rule.name}({', '.join(rule.params)})` | {', '.join(f'`{a}`' for a in rule.aliases)} "
            f"| {rule.domain.text} | {_derivative_text(rule)} | {note} |"
        )
    return "\n".join(lines)


def numpy_block() -> str:
    """The NumPy functions with forward rules for array Duals, from dualdiff.arrays."""
    from dualdiff import arrays

    names = sorted(name.removeprefix("numpy.") for name in arrays.SUPPORTED_FUNCTIONS)
    return ", ".join(f"`{name}`" for name in names)


BLOCKS = {"functions": functions_block, "numpy": numpy_block}

if __name__ == "__main__":
    for name, block in BLOCKS.items():
        print(f"<!-- {name}:start -->\n{block()}\n<!-- {name}:end -->\n")
