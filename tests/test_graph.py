"""The DAG as DOT (always) and as a picture (when Graphviz is there, else a clear error)."""

from __future__ import annotations

import re
import shutil
import sys
import warnings

import pytest

import dualdiff as dd
import dualdiff.graph as graph
from dualdiff.errors import DualDiffError, InputError, MissingExtraError
from dualdiff.graph import GraphvizNotFoundError
from dualdiff.trace import trace


def f(x1, x2):
    return dd.log(x1) + x1 * x2 - dd.sin(x2)


def _nodes(dot):
    return dict(re.findall(r"^  (n\d+) \[(.*)\];$", dot, flags=re.M))


def _edges(dot):
    return re.findall(r"^  (n\d+) -> (n\d+)", dot, flags=re.M)


def test_one_dot_node_per_trace_node_and_edges_from_arguments():
    t = trace(f, 2.0, 5.0, wrt="x1")
    dot = t.to_dot()
    assert dot.startswith('digraph "f" {') and dot.rstrip().endswith("}")
    nodes = _nodes(dot)
    assert len(nodes) == len(t) == 7
    assert sorted(_edges(dot)) == sorted(
        (f"n{a}", f"n{n.index}") for n in t.nodes for a in n.args)
    assert 'label="v₁\\nln v₋₁\\n= 0.693147\\nv̇ = 0.5"' in nodes["n2"]


def test_inputs_outputs_constants_look_different():
    t = trace(lambda x: x * x + 1.0, 3.0)
    nodes = _nodes(t.to_dot())
    shapes = {name: re.search(r'shape="(\w+)"', attrs).group(1) for name, attrs in nodes.items()}
    assert shapes["n0"] == "box" and 'fillcolor="#dbe9f6"' in nodes["n0"]  # input
    assert "dashed" in nodes["n2"] and "#eeeeee" in nodes["n2"]  # constant: grey
    assert "v̇" not in nodes["n2"] and 'label="1"' in nodes["n2"]  # and no tangent
    assert 'peripheries="2"' in nodes["n3"] and "→ y" in nodes["n3"]  # output
    assert _edges(t.to_dot()).count(("n0", "n1")) == 2  # x used twice: two edges


def test_nonfinite_node_highlighted():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = trace(lambda x: dd.sqrt(x) + x, 0.0)
    nodes = _nodes(t.to_dot())
    assert "first NaN/Inf" in nodes["n1"] and 'color="#cc0000"' in nodes["n1"]
    assert all("cc0000" not in attrs for name, attrs in nodes.items() if name != "n1")


def test_dot_escapes_quotes_and_ascii_option():
    def quoted(x):
        return x + 1.0

    quoted.__name__ = 'say "hi"\\'
    dot = trace(quoted, 1.0).to_dot(ascii=True)
    assert dot.startswith('digraph "say \\"hi\\"\\\\" {')
    assert dot.isascii() and "dv = 1" in dot and "-> y" in dot


def test_render_bad_suffix():
    with pytest.raises(InputError, match=r"\.svg"):
        trace(f, 2.0, 5.0).render("graph.gif")


def test_render_without_the_python_package(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # import graphviz -> ImportError
    with pytest.raises(MissingExtraError, match=r"dualdiff\[graph\]"):
        trace(f, 2.0, 5.0).render(tmp_path / "g.svg")
    assert not (tmp_path / "g.svg").exists()


def test_render_without_the_dot_program(monkeypatch, tmp_path):
    monkeypatch.setattr(graph.shutil, "which", lambda name: None)
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz") as info:
        trace(f, 2.0, 5.0).render(tmp_path / "g.png")
    assert isinstance(info.value, DualDiffError)
    assert "to_dot()" in str(info.value)


def test_render_when_graphviz_is_installed_or_a_clear_error(tmp_path):
    t = trace(f, 2.0, 5.0, wrt="x1")
    if shutil.which("dot") is None:
        with pytest.raises(GraphvizNotFoundError):
            t.render(tmp_path / "g.svg")
        return
    svg = t.render(tmp_path / "g.svg")
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert text.count('class="node"') == len(t) and text.count('class="edge"') == 8
    png = t.render(tmp_path / "g.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    pdf = t.render(tmp_path / "g.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")


def test_graphviz_failure_becomes_a_dualdiff_error(monkeypatch, tmp_path):
    import graphviz  # the test extra installs it

    def broken_pipe(self, format=None):
        raise graphviz.CalledProcessError(1, ["dot"], output=b"", stderr=b"syntax error")

    monkeypatch.setattr(graph.shutil, "which", lambda name: "/usr/bin/dot")
    monkeypatch.setattr(graphviz.Source, "pipe", broken_pipe)
    with pytest.raises(DualDiffError, match="Graphviz could not draw"):
        trace(f, 2.0, 5.0).render(tmp_path / "g.svg")
