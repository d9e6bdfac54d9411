"""trace(): the survey's Table 2 row by row, DAG sharing, constants, directions, flags, scale.

Expected values are computed here with SymPy (exact, then evaluated to 30
digits), never with dualdiff.
"""

from __future__ import annotations

import math
import sys
import time
import warnings

import numpy as np
import pytest
import sympy

import dualdiff as dd
from dualdiff.errors import InputError
from dualdiff.functions import GENERIC
from dualdiff.rules import RULES
from dualdiff.trace import (
    NonFiniteWarning,
    TieWarning,
    Trace,
    TraceWarning,
    trace,
)


def f(x1, x2):
    return dd.log(x1) + x1 * x2 - dd.sin(x2)


def _survey_reference(seed):
    """Baydin et al., Table 2, by SymPy: (name, primal, tangent) per row."""
    x1, x2 = sympy.symbols("x1 x2")
    point = {x1: 2, x2: 5}
    rows = {"v-1": x1, "v0": x2}
    rows["v1"] = sympy.log(rows["v-1"])
    rows["v2"] = rows["v-1"] * rows["v0"]
    rows["v3"] = rows["v1"] + rows["v2"]
    rows["v4"] = sympy.sin(rows["v0"])
    rows["v5"] = rows["v3"] - rows["v4"]
    out = []
    for name, expr in rows.items():
        tangent = sum(sympy.diff(expr, x) * s for x, s in zip((x1, x2), seed))
        out.append((name, float(expr.subs(point).evalf(30)), float(tangent.subs(point).evalf(30))))
    return out


# The survey numbers its rows v4 = v1 + v2, v5 = v4 - v3 with v3 = sin v0: the same
# operations in another order (Python evaluates ln x1 + x1 x2 before sin x2).
SURVEY_TO_TRACE = {"v-1": "v-1", "v0": "v0", "v1": "v1", "v2": "v2", "v3": "v4",
                   "v4": "v3", "v5": "v5"}


@pytest.mark.parametrize("seed", [(1, 0), (0, 1)])
def test_survey_table_2_row_by_row(seed):
    t = trace(f, 2.0, 5.0, wrt="x1" if seed == (1, 0) else "x2")
    assert [n.name for n in t.nodes] == ["v-1", "v0", "v1", "v2", "v3", "v4", "v5"]
    assert [n.op_name for n in t.nodes] == ["input", "input", "log", "multiply", "add", "sin",
                                           "subtract"]
    by_name = {n.name: n for n in t.nodes}
    for name, primal, tangent in _survey_reference(seed):
        node = by_name[name]
        assert node.primal == pytest.approx(primal, rel=1e-15, abs=1e-300)
        assert node.tangent[0] == pytest.approx(tangent, rel=1e-15, abs=1e-300)
    assert t.outputs[0].name == "y" and t.nodes[t.outputs[0].node].name == "v5"


def test_survey_published_values_seed_x1():
    # Table 2 as printed: v-1 = 2, v0 = 5, v1 = ln 2, v2 = 10, v3 = sin 5, v4 = v1 + v2,
    # v5 = v4 - v3; tangents 1, 0, 1/2, 5, 0, 5.5, 5.5 (survey numbering).
    t = trace(f, 2.0, 5.0, wrt="x1")
    get = {survey: t.node(ours) for survey, ours in SURVEY_TO_TRACE.items()}
    assert [get[n].tangent[0] for n in ("v-1", "v0", "v1", "v2", "v3", "v4", "v5")] == [
        1.0, 0.0, 0.5, 5.0, 0.0, 5.5, 5.5]
    assert get["v1"].primal == math.log(2) and get["v2"].primal == 10.0
    assert get["v3"].primal == math.sin(5)


def test_both_seeds_in_one_run_and_explicit_seed():
    t = trace(f, 2.0, 5.0)
    assert [d.name for d in t.directions] == ["x1", "x2"]
    x1, x2 = sympy.symbols("x1 x2")
    expr = sympy.log(x1) + x1 * x2 - sympy.sin(x2)
    expected = [float(sympy.diff(expr, x).subs({x1: 2, x2: 5})) for x in (x1, x2)]
    assert t.tangent == pytest.approx(expected, rel=1e-15)
    t = trace(f, 2.0, 5.0, seed=[1.0, 2.0])
    assert t.tangent == pytest.approx(expected[0] + 2 * expected[1], rel=1e-15)
    t = trace(f, 2.0, 5.0, seed=[[1.0, 0.0], [0.5, 0.5]])
    assert t.directions[1].name == "(0.5, 0.5)" and t.directions[0].input == "x1"
    assert trace(f, 2.0, 5.0, wrt=1).directions[0].name == "x2"
    assert trace(f, 2.0, 5.0, wrt=["x2", 0]).tangent == pytest.approx(expected[::-1])


def test_input_names_from_signature():
    def lighthouse(nu, gamma, omega, t):
        v2 = dd.tan(omega * t)
        return nu * v2 / (gamma - v2), gamma * nu * v2 / (gamma - v2)

    t = trace(lighthouse, 2.0, 1.5, 0.5, 1.0, wrt="t")
    assert [t.nodes[i].label for i in t.inputs] == ["nu", "gamma", "omega", "t"]
    assert [t.nodes[i].name for i in t.inputs] == ["v-3", "v-2", "v-1", "v0"]
    assert [o.name for o in t.outputs] == ["y1", "y2"]
    nu, gamma, omega, s = sympy.symbols("nu gamma omega t")
    y1 = nu * sympy.tan(omega * s) / (gamma - sympy.tan(omega * s))
    point = {nu: 2, gamma: sympy.Rational(3, 2), omega: sympy.Rational(1, 2), s: 1}
    expected = [float(sympy.diff(y, s).subs(point)) for y in (y1, gamma * y1)]
    assert t.tangent == pytest.approx(expected, rel=1e-14)
    assert trace(lambda *xs: xs[0] * xs[1], 2.0, 3.0).nodes[0].label == "xs1"
    assert trace(lambda x: x, 1.0).nodes[0].label == "x"


def test_dag_sharing_and_node_counts():
    def g(x):
        s = dd.sin(x)
        return s * s + s  # s used three times: one node

    t = trace(g, 0.7)
    assert len(t) == 4  # x, sin, multiply, add
    sin_node = t.node("v1")
    assert sin_node.op_name == "sin"
    assert t.node("v2").args == (sin_node.index, sin_node.index)
    assert sorted(t.consumers(sin_node.index)) == [2, 2, 3]
    x = sympy.Symbol("x")
    expected = sympy.diff(sympy.sin(x) ** 2 + sympy.sin(x), x).subs(x, sympy.Rational(7, 10))
    assert t.tangent == pytest.approx(float(expected), rel=1e-15)


def test_constants_are_nodes_without_tangent_and_shared():
    t = trace(lambda x: 2.0 * x + 2.0 + x ** 2, 3.0)
    constants = t.constants
    assert [c.primal for c in constants] == [2.0, 2]  # 2.0 shared; the int exponent is its own
    assert all(c.tangent is None and c.op_name == "const" for c in constants)
    two = constants[0]
    assert len(t.consumers(two.index)) == 2
    assert t.n_intermediates == 4
    assert t.tangent == 2.0 + 2 * 3.0


def test_numpy_ufuncs_operators_and_methods_record():
    t = trace(lambda x: np.exp(x) + np.sin(x) * 2 - abs(-x) / np.sqrt(x) + x ** 0.5, 0.8)
    ops = [n.op_name for n in t.nodes if n.rule is not None]
    for name in ("exp", "sin", "multiply", "negative", "abs", "sqrt", "divide", "power"):
        assert name in ops
    x = sympy.Symbol("x", positive=True)
    expr = sympy.exp(x) + 2 * sympy.sin(x) - sympy.Abs(-x) / sympy.sqrt(x) + sympy.sqrt(x)
    assert t.tangent == pytest.approx(float(sympy.diff(expr, x).subs(x, 0.8)), rel=1e-14)


def test_every_rule_records_with_its_row():
    # Each row of the rule table, called through its generic function, is one node.
    for rule in RULES.values():
        # inside the sample box, away from the middle (kinks) and with unequal arguments
        point = [low + (high - low) * share for (low, high), share in
                 zip(rule.domain.sample, (0.61, 0.73))]
        t = trace(lambda *xs: GENERIC[rule.name](*xs), *point)
        assert t.nodes[-1].rule is rule, rule.name
        assert t.nodes[-1].primal == pytest.approx(rule.real(*point), rel=1e-14)


def test_array_input_is_recorded_per_element():
    t = trace(lambda x: [x[0] * x[1], np.sin(x)], np.array([1.0, 2.0]))
    assert [t.nodes[i].label for i in t.inputs] == ["x[0]", "x[1]"]
    assert [o.name for o in t.outputs] == ["y1", "y2", "y3"]
    assert t.value == (2.0, math.sin(1.0), math.sin(2.0))
    assert t.tangent[0] == (2.0, 1.0)


def test_outputs_nested_and_constant():
    t = trace(lambda x: (x, [3.0, x * x]), 2.0)
    assert [o.name for o in t.outputs] == ["y1", "y2", "y3"]
    assert t.value == (2.0, 3.0, 4.0)
    assert t.tangent == (1.0, 0.0, 4.0)


def test_tie_warning_and_recorded_comparisons():
    def relu_by_hand(x):
        return x if x > 0 else 0.0 * x

    with pytest.warns(TieWarning, match=r"v0 > 0"):
        t = trace(relu_by_hand, 0.0)
    (c,) = t.comparisons
    assert (c.op, c.left, c.right_value, c.outcome, c.tie) == (">", 0, 0, False, True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = trace(relu_by_hand, 1.5)  # not a tie: no warning
    assert t.comparisons[0].outcome is True and not t.ties
    assert issubclass(TieWarning, TraceWarning) and issubclass(TieWarning, UserWarning)


def test_tie_between_two_traced_values_and_kinks():
    with pytest.warns(TieWarning):
        t = trace(lambda a, b: a if a <= b else b, 1.0, 1.0)
    assert t.comparisons[0].left == 0 and t.comparisons[0].right == 1
    with pytest.warns(TieWarning, match="kink"):
        t = trace(lambda x: dd.maximum(x, 1.0), 1.0)
    assert t.ties[0].op == "maximum"


def test_nonfinite_flag_names_the_first_row():
    with pytest.warns(NonFiniteWarning, match=r"row v1 \(sqrt\)"):
        t = trace(lambda x: dd.sqrt(x) * 2.0 + x, 0.0)
    assert t.nonfinite == t.node("v1").index
    assert math.isinf(t.node("v1").tangent[0])
    with pytest.warns(NonFiniteWarning, match=r"row v2 \(multiply\).*primal"):
        t = trace(lambda x: (x * 1e300) * 1e300 - x, 1.0)


def test_plain_dual_evaluation_is_unchanged():
    # Tracing registers a subclass; plain Duals still get plain Duals back.
    x = dd.Dual(2.0, 1.0)
    y = dd.sin(x) * x + 1.0
    assert type(y) is dd.Dual
    assert type(np.sin(x)) is dd.Dual


def test_errors_are_clear():
    with pytest.raises(InputError, match="swap"):
        trace(2.0, f)
    with pytest.raises(InputError, match="not an input"):
        trace(f, 2.0, 5.0, wrt="z")
    with pytest.raises(InputError, match="one vector of 2 numbers"):
        trace(f, 2.0, 5.0, seed=[1.0])
    with pytest.raises(InputError, match="not both"):
        trace(f, 2.0, 5.0, wrt="x1", seed=[1.0, 0.0])
    with pytest.raises(InputError, match="takes 2 positional"):
        trace(f, 1.0, 2.0, 3.0)
    with pytest.raises(InputError, match="real numbers"):
        trace(f, "a", 2.0)
    with pytest.raises(dd.DualConversionError):
        trace(lambda x: math.sin(x), 1.0)


def test_long_trace_without_recursion(capsys):
    n = 100_000
    assert n > sys.getrecursionlimit()

    def chain(x):
        for _ in range(n // 2):
            x = dd.sin(x) + 0.5
        return x

    start = time.perf_counter()
    t = trace(chain, 0.3)
    recorded = time.perf_counter() - start
    assert len(t) == n + 2  # the input, n operations, the constant 0.5
    start = time.perf_counter()
    text = t.table("text", ascii=True)
    csv_text = t.table("csv")
    dot = t.to_dot()
    rendered = time.perf_counter() - start
    assert text.count("\n") > n and csv_text.count("\n") == n + 3
    assert dot.count("->") == 3 * n // 2  # sin: one edge; + 0.5: two
    # the same derivative as a plain (untraced) Dual run
    assert t.tangent == dd.derivative(chain, 0.3)
    del t  # freeing 1e5 nodes must not recurse either
    with capsys.disabled():
        print(f"\n[1e5-node trace: recorded in {recorded:.2f} s, text+csv+dot in {rendered:.2f} s]")


def test_memory_grows_linearly_with_the_nodes():
    """tracemalloc peak per node of recording, and of rendering the text table, is the same
    at 2·10³ and 2·10⁴ nodes (within 25%): linear, not growing with the trace."""
    import gc
    import tracemalloc

    def chain_of(n):
        def chain(x):
            for _ in range(n // 2):
                x = dd.sin(x) + 0.5
            return x
        return chain

    trace(chain_of(100), 0.3).table("text")  # the rule templates (SymPy) are made once
    per_node = []
    for n in (2_000, 20_000):
        gc.collect()
        tracemalloc.start()
        try:
            t = trace(chain_of(n), 0.3)
            recording = tracemalloc.get_traced_memory()[1]
            tracemalloc.reset_peak()
            held = tracemalloc.get_traced_memory()[0]
            t.table("text")
            rendering = tracemalloc.get_traced_memory()[1] - held
        finally:
            tracemalloc.stop()
        per_node.append((recording / len(t), rendering / len(t)))
    (record_small, render_small), (record_large, render_large) = per_node
    assert record_large == pytest.approx(record_small, rel=0.25)
    assert render_large == pytest.approx(render_small, rel=0.25)
