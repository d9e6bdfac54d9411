"""The trace's expression DAG as Graphviz DOT, and as a picture when Graphviz is installed.

:func:`to_dot` is pure text and always works; :func:`render` draws it to
``.svg``/``.png``/``.pdf`` with the Python ``graphviz`` package (the ``graph``
extra) and the Graphviz ``dot`` program::

    >>> import dualdiff as dd
    >>> from dualdiff.trace import trace
    >>> t = trace(lambda x: x * x + 1.0, 3.0)
    >>> dot = t.to_dot()
    >>> dot.count("->")  # x used twice: two edges from one node; 1.0 and v1 into v2
    4

One DOT node per trace node, labelled with its name, its operation (written as
the primal definition's right-hand side, so argument order shows), its primal
and its tangent(s). Edges go from arguments to results; an argument used twice
gives two edges. Inputs are blue boxes, outputs have a double border, green
fill and their ``y`` name; constants are grey, dashed, and carry no tangent; the
first node whose value or tangent is NaN/inf is red.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from .errors import DualDiffError, GraphvizNotFoundError, InputError, MissingExtraError
from .render import format_number
from .tables import _definition_rhs, _label, _name, _node_name, _output_name
from .trace import Trace

__all__ = ["to_dot", "render", "GraphvizNotFoundError", "RENDER_FORMATS"]

#: The picture formats :func:`render` writes.
RENDER_FORMATS = ("svg", "png", "pdf")

_INPUT = {"shape": "box", "style": "rounded,filled", "fillcolor": "#dbe9f6", "color": "#2b5d8a"}
_OP = {"shape": "ellipse", "style": "filled", "fillcolor": "#ffffff", "color": "#333333"}
_CONST = {"shape": "box", "style": "dashed,filled", "fillcolor": "#eeeeee", "color": "#999999",
          "fontcolor": "#777777"}
_OUTPUT = {"peripheries": "2", "fillcolor": "#e2f0d9", "color": "#3a7d2c"}
_NONFINITE = {"fillcolor": "#f8d0d0", "color": "#cc0000", "penwidth": "2.5",
              "fontcolor": "#990000"}


def _quote(text: str) -> str:
    """A DOT double-quoted string; lines joined with DOT's centred line break."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n") + '"'


def _tangent_text(values: tuple, digits: int) -> str:
    if len(values) == 1:
        return format_number(values[0], digits)
    return "(" + ", ".join(format_number(v, digits) for v in values) + ")"


def to_dot(trace: Trace, *, digits: int = 6, ascii: bool = False, rankdir: str = "LR") -> str:
    """The trace's DAG as Graphviz DOT text (no Graphviz needed).

    ``digits`` significant digits in the labels; ``ascii`` for ``v-1``/``dv1``
    instead of ``v₋₁``/``v̇₁``; ``rankdir`` the layout direction (``"LR"``: inputs
    on the left, as in the survey's figures; ``"TB"``: top to bottom).
    """
    style = "ascii" if ascii else "unicode"
    outputs: dict[int, list[str]] = {}
    for output in trace.outputs:
        outputs.setdefault(output.node, []).append(_output_name(output.name, style))
    lines = [
        f"digraph {_quote(trace.function_name)} {{",
        f"  rankdir={rankdir};",
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [color="#555555", arrowsize=0.7];',
    ]
    arrow = "->" if ascii else "→"
    for node in trace.nodes:
        if node.is_constant:
            label = format_number(node.primal, digits)
            attributes = dict(_CONST)
        else:
            name = _node_name(node, style)
            op = ("input " + _label(node.label, style)) if node.is_input else \
                _definition_rhs(trace, node, style, digits)
            dot = _name("v", None, style, dot=True)
            label = (f"{name}\n{op}\n= {format_number(node.primal, digits)}\n"
                     f"{dot} = {_tangent_text(node.tangent, digits)}")
            attributes = dict(_INPUT if node.is_input else _OP)
        if node.index in outputs:
            label += f"\n{arrow} " + ", ".join(outputs[node.index])
            attributes.update(_OUTPUT)
        if node.index == trace.nonfinite:
            label += "\nfirst NaN/Inf"
            attributes.update(_NONFINITE)
        attributes = ", ".join(f"{key}={_quote(value)}" for key, value in attributes.items())
        lines.append(f"  n{node.index} [label={_quote(label)}, {attributes}];")
    for node in trace.nodes:
        for i in node.args:
            extra = ' [style=dashed, color="#999999"]' if trace.nodes[i].is_constant else ""
            lines.append(f"  n{i} -> n{node.index}{extra};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(trace: Trace, path: Any, *, fmt: str | None = None, **options: Any) -> Path:
    """Draw the DAG to ``path`` (format from its suffix: .svg, .png, .pdf) and return the path.

    Needs the ``graphviz`` Python package (``pip install 'dualdiff[graph]'``,
    else :class:`~dualdiff.errors.MissingExtraError`) and the Graphviz ``dot``
    program (else :class:`GraphvizNotFoundError`). ``options`` go to :func:`to_dot`.
    """
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in RENDER_FORMATS:
        raise InputError(f"cannot draw a DAG to {path.name!r}: give a path ending in "
                         f"{', '.join('.' + f for f in RENDER_FORMATS)} (or use to_dot() for DOT)")
    source = to_dot(trace, **options)
    try:
        import graphviz
    except ImportError:
        raise MissingExtraError("drawing the DAG", "graphviz", "graph") from None
    if shutil.which("dot") is None:
        raise GraphvizNotFoundError()
    try:
        data = graphviz.Source(source).pipe(format=fmt)
    except graphviz.ExecutableNotFound:
        raise GraphvizNotFoundError() from None
    except graphviz.CalledProcessError as error:
        raise DualDiffError(f"Graphviz could not draw the DAG: {error}") from None
    path.write_bytes(data)
    return path
