"""Recording a run as a DAG of nodes: the forward-mode evaluation trace (Wengert list).

:func:`trace` runs ``f`` once on *traced* Duals. Every elementary operation
becomes a :class:`Node` holding its rule-table row, its argument nodes, its
primal value and one tangent value per direction. Inputs are named
``v₁₋ₙ … v₀``, intermediates ``v₁ … vₗ`` and outputs ``y`` (or ``y₁ … yₘ``),
following Griewank & Walther::

    >>> import dualdiff as dd
    >>> t = trace(lambda x1, x2: dd.log(x1) + x1 * x2 - dd.sin(x2), 2.0, 5.0, wrt="x1")
    >>> [node.name for node in t.nodes]
    ['v-1', 'v0', 'v1', 'v2', 'v3', 'v4', 'v5']
    >>> t.value, t.tangent
    (11.652071455223084, 5.5)

How it records. :class:`Traced` is a subclass of :class:`~dualdiff.dual.Dual`
that registers its own factory with :func:`dualdiff.functions.register`, so
``dd.sin(x)``, ``np.sin(x)`` and the operators all reach :meth:`Recorder.apply`,
which evaluates the step with the *plain* Dual (the same numbers as an
unrecorded run) and appends a node. Nothing here is written per function: the
operators and methods are generated from :data:`dualdiff.rules.RULES`. Plain
Duals never see any of this (their dispatch tables gain one entry, for this
class), so evaluation without a trace costs what it did.

Constants (numbers that do not depend on the inputs) become ``const`` nodes
with no tangent; the same constant value used twice is one node. A value used
twice is one node with two out-edges. Comparisons on traced values are recorded
(:attr:`Trace.comparisons`); a comparison whose two sides are equal, a *tie*,
gets a :class:`TieWarning`, because the branch taken at a tie can make the
derivative wrong; so does a kinked function (abs, relu, max, min) evaluated at
its kink. The first node whose primal or tangent is NaN or infinite is
:attr:`Trace.nonfinite` and is named in a :class:`NonFiniteWarning`.

Array inputs are recorded per element: an array argument of shape ``S``
becomes ``prod(S)`` input nodes, and ``f`` receives a NumPy object array of
traced scalars of shape ``S`` (indexing, iteration, ``np.sin`` and arithmetic
work elementwise and are recorded element by element). Outputs may be a number,
a traced value, or a (nested) tuple/list/array of them; every element becomes
an output ``y₁ … yₘ``. Everything is iterative: long traces (10⁵ nodes and more)
need no recursion.

Rendering lives in :mod:`dualdiff.tables` (:meth:`Trace.table`) and
:mod:`dualdiff.graph` (:meth:`Trace.to_dot`, :meth:`Trace.render`).
"""

from __future__ import annotations

import inspect
import math
import numbers
import operator
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Union

import numpy as np

from .backend import new_instance
from .dual import Dual, new_tag
from .errors import InputError, NonFiniteWarning, TieWarning, TraceWarning
from .functions import GENERIC, register
from .rules import RULES, Category, Rule

__all__ = [
    "trace",
    "Trace",
    "Node",
    "Output",
    "Direction",
    "Comparison",
    "Traced",
    "Recorder",
    "TraceWarning",
    "TieWarning",
    "NonFiniteWarning",
]


# -- the record -----------------------------------------------------------------

#: What a node's ``op`` may be besides a rule: an independent input or a constant.
INPUT, CONST = "input", "const"


class Node:
    """One step of the trace.

    ``index`` is the node's position in :attr:`Trace.nodes`; ``kind`` and
    ``number`` give its name (``("v", -1)`` is ``v₋₁``, ``("c", 1)`` the first
    constant); ``op`` is the :class:`~dualdiff.rules.Rule`, or ``"input"`` or
    ``"const"``; ``args`` are the argument nodes' indices (an argument used twice
    appears twice); ``primal`` is the value; ``tangent`` a tuple with one value
    per direction (``None`` for a constant); ``label`` the input's parameter name
    (``"x1"``) or None.
    """

    __slots__ = ("index", "kind", "number", "op", "args", "primal", "tangent", "label")

    def __init__(self, index: int, kind: str, number: int, op: Union[Rule, str],
                 args: tuple[int, ...], primal: Any, tangent: tuple | None,
                 label: str | None = None) -> None:
        self.index = index
        self.kind = kind
        self.number = number
        self.op = op
        self.args = args
        self.primal = primal
        self.tangent = tangent
        self.label = label

    @property
    def name(self) -> str:
        """The plain-text name: ``"v-1"``, ``"v3"``, ``"c1"``."""
        return f"{self.kind}{self.number}"

    @property
    def rule(self) -> Rule | None:
        """The rule-table row, or None for an input or a constant."""
        return self.op if isinstance(self.op, Rule) else None

    @property
    def is_input(self) -> bool:
        return self.op == INPUT

    @property
    def is_constant(self) -> bool:
        return self.op == CONST

    @property
    def op_name(self) -> str:
        """``"log"``, ``"multiply"``, ``"input"``, ``"const"``."""
        return self.op.name if isinstance(self.op, Rule) else self.op

    @property
    def finite(self) -> bool:
        """False when the primal or any tangent is NaN or infinite."""
        return _finite(self.primal) and all(_finite(t) for t in (self.tangent or ()))

    def __repr__(self) -> str:
        tangent = "" if self.tangent is None else f", tangent={list(self.tangent)}"
        return (f"Node({self.name}, {self.op_name}, args={list(self.args)}, "
                f"primal={self.primal!r}{tangent})")


@dataclass(frozen=True)
class Output:
    """An output ``y``/``yⱼ`` of the traced function: its name, its node, its position."""

    name: str
    node: int
    #: The output's position in f's (flattened) result.
    position: int


@dataclass(frozen=True)
class Direction:
    """One tangent direction: its display name and its seed (one number per input node)."""

    name: str
    seed: tuple[float, ...]
    #: The input name when the seed is a unit vector on one input, else None.
    input: str | None = None


@dataclass(frozen=True)
class Comparison:
    """A comparison made by ``f`` on a traced value.

    ``left``/``right`` are node indices (None when that side is a plain number,
    whose value is then in ``left_value``/``right_value``); ``outcome`` the
    boolean result; ``tie`` whether the two sides were equal. A kinked function
    evaluated at its kink is recorded with ``op`` = the rule name.
    """

    op: str
    left: int | None
    right: int | None
    left_value: Any
    right_value: Any
    outcome: Any
    tie: bool
    #: The node created just before the comparison (the row to show it on), or None.
    after: int | None


_isfinite = math.isfinite


def _finite(x: Any) -> bool:
    if type(x) is float:
        return math.isfinite(x)
    try:
        return bool(np.all(np.isfinite(x)))
    except TypeError:
        return True


# -- the traced Dual ------------------------------------------------------------------


class Traced(Dual):
    """A Dual that records every operation on it into its :class:`Recorder`.

    Made by :func:`trace`; user code sees it as an ordinary Dual.
    """

    __slots__ = ("node", "recorder")

    def __repr__(self) -> str:
        name = self.recorder.nodes[self.node].name
        return f"Traced({name}: {self.primal!r}, {self.tangent!r})"

    def __bool__(self) -> bool:
        return self.recorder.compare("!=", self, 0.0, operator.ne)

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        compare = _UFUNC_COMPARISONS.get(ufunc)
        if compare is not None and method == "__call__" and not kwargs and len(inputs) == 2:
            return _compare_method(*compare)(inputs[0], inputs[1]) if isinstance(
                inputs[0], Traced) else _compare_method(*_FLIPPED[compare[0]])(inputs[1], inputs[0])
        return super().__array_ufunc__(ufunc, method, *inputs, **kwargs)


_object_new = new_instance


def _traced(primal: Any, tangent: Any, tag: int, node: int, recorder: "Recorder") -> Traced:
    t = _object_new(Traced)
    t.primal = primal
    t.tangent = tangent
    t.tag = tag
    t.node = node
    t.recorder = recorder
    return t


def _plain_dual(x: Traced) -> Dual:
    d = _object_new(Dual)
    d.primal = x.primal
    d.tangent = x.tangent
    d.tag = x.tag
    return d


# Python syntax for the arithmetic rows: how to run a row on plain Duals through
# their hand-written fast paths (so traced numbers equal untraced ones).
_OPERATORS: dict[tuple[str, int], Callable[..., Any]] = {
    ("+", 2): operator.add, ("-", 2): operator.sub, ("*", 2): operator.mul,
    ("/", 2): operator.truediv, ("**", 2): operator.pow,
    ("-", 1): operator.neg, ("+", 1): operator.pos,
}
_DUNDERS: dict[tuple[str, int], str] = {
    ("+", 2): "add", ("-", 2): "sub", ("*", 2): "mul", ("/", 2): "truediv",
    ("**", 2): "pow", ("-", 1): "neg", ("+", 1): "pos",
}
_COMPARISONS: dict[str, tuple[str, Callable[[Any, Any], Any]]] = {
    "__lt__": ("<", operator.lt), "__le__": ("<=", operator.le),
    "__gt__": (">", operator.gt), "__ge__": (">=", operator.ge),
    "__eq__": ("==", operator.eq), "__ne__": ("!=", operator.ne),
}
_FLIPPED = {"<": (">", operator.gt), "<=": (">=", operator.ge), ">": ("<", operator.lt),
            ">=": ("<=", operator.le), "==": ("==", operator.eq), "!=": ("!=", operator.ne)}
_UFUNC_COMPARISONS = {
    np.less: ("<", operator.lt), np.less_equal: ("<=", operator.le),
    np.greater: (">", operator.gt), np.greater_equal: (">=", operator.ge),
    np.equal: ("==", operator.eq), np.not_equal: ("!=", operator.ne),
}


def _evaluator(rule: Rule) -> Callable[..., Any]:
    """How to run ``rule`` on plain Duals and numbers: the operator, or the generic function."""
    if rule.symbol is not None:
        return _OPERATORS[(rule.symbol, rule.arity)]
    return GENERIC[rule.name]


def _factory(rule: Rule) -> Callable[..., Any]:
    """The traced implementation of one rule (registered with functions.register)."""
    evaluate = _evaluator(rule)

    def traced_rule(*args: Any) -> Any:
        for a in args:
            if type(a) is Traced:
                return a.recorder.apply(rule, evaluate, args)
        raise AssertionError("a traced rule was called without a traced argument")

    traced_rule.__name__ = rule.name
    return traced_rule


def _binary_dunder(rule: Rule, reflected: bool) -> Callable[[Any, Any], Any]:
    generic = GENERIC[rule.name]
    if reflected:
        return lambda self, other: generic(other, self)
    return lambda self, other: generic(self, other)


def _unary_method(rule: Rule) -> Callable[[Any], Any]:
    generic = GENERIC[rule.name]
    return lambda self: generic(self)


def _compare_method(symbol: str, compare: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    def method(self: Traced, other: Any) -> Any:
        return self.recorder.compare(symbol, self, other, compare)

    return method


def _install() -> None:
    """Give Traced every operator and method a Dual has, each reaching the recorder."""
    for rule in RULES.values():
        if rule.symbol is not None:
            dunder = _DUNDERS[(rule.symbol, rule.arity)]
            if rule.arity == 2:
                setattr(Traced, f"__{dunder}__", _binary_dunder(rule, False))
                setattr(Traced, f"__r{dunder}__", _binary_dunder(rule, True))
            else:
                setattr(Traced, f"__{dunder}__", _unary_method(rule))
        elif rule.arity == 1:
            # NumPy calls these by name on object arrays of traced elements.
            for name in (rule.name, *rule.aliases, *(uf.__name__ for uf in rule.ufuncs)):
                setattr(Traced, name, _unary_method(rule))
    for dunder, (symbol, compare) in _COMPARISONS.items():
        setattr(Traced, dunder, _compare_method(symbol, compare))
    Traced.__hash__ = None  # type: ignore[assignment]


_install()
register(Traced, _factory)


# -- the recorder -----------------------------------------------------------------------


class Recorder:
    """Collects the nodes of one traced run (used by :func:`trace`)."""

    def __init__(self, k: int) -> None:
        self.tag = new_tag()
        self.k = k
        self.nodes: list[Node] = []
        self.comparisons: list[Comparison] = []
        self._constants: dict[Any, int] = {}
        self._intermediates = 0
        self.nonfinite: int | None = None

    # nodes
    def _append(self, kind: str, number: int, op: Any, args: tuple, primal: Any,
                tangent: tuple | None, label: str | None = None) -> Node:
        node = Node(len(self.nodes), kind, number, op, args, primal, tangent, label)
        self.nodes.append(node)
        if self.nonfinite is None:
            if primal.__class__ is float:  # the common case, checked without Python calls
                # (tangents are Python floats: see _tangents)
                finite = _isfinite(primal) and (tangent is None or all(map(_isfinite, tangent)))
            else:
                finite = node.finite
            if not finite:
                self.nonfinite = node.index
        return node

    def input(self, number: int, primal: float, tangent: Any, label: str) -> Traced:
        node = self._append("v", number, INPUT, (), primal, self._tangents(tangent), label)
        return _traced(primal, tangent, self.tag, node.index, self)

    def constant(self, value: Any) -> int:
        """The node of a constant; equal constants share one node."""
        value = _constant_value(value)
        try:
            key = (type(value), value)
            found = self._constants.get(key)
        except TypeError:  # unhashable (an array constant): its own node
            key, found = None, None
        if found is not None:
            return found
        node = self._append("c", len(self._constants) + 1, CONST, (), value, None)
        if key is not None:
            self._constants[key] = node.index
        return node.index

    def _tangents(self, tangent: Any) -> tuple:
        if type(tangent) is float:
            return (tangent,) * self.k if self.k != 1 else (tangent,)
        t = np.asarray(tangent, dtype=float)
        if t.ndim == 0:
            return (float(t),) * self.k
        return tuple(np.broadcast_to(t.reshape(-1), (self.k,)).tolist())

    def apply(self, rule: Rule, evaluate: Callable[..., Any], args: tuple) -> Any:
        """Run one rule on plain Duals, record it, return the traced result."""
        plain = [(_plain_dual(a) if a.recorder is self else a.primal) if type(a) is Traced else a
                 for a in args]
        result = evaluate(*plain)
        arg_nodes = tuple([a.node if type(a) is Traced and a.recorder is self
                           else self.constant(a) for a in args])
        if not isinstance(result, Dual) or result.tag != self.tag:
            # A result that does not depend on this trace's inputs (nested tags).
            return result
        self._intermediates += 1
        node = self._append("v", self._intermediates, rule, arg_nodes, result.primal,
                            self._tangents(result.tangent))
        if rule.category is Category.KINKED and rule.domain.singular is not None:
            self._check_kink(rule, node, plain)
        return _traced(result.primal, result.tangent, self.tag, node.index, self)

    def _check_kink(self, rule: Rule, node: Node, plain: list) -> None:
        primals = [p.primal if isinstance(p, Dual) else p for p in plain]
        try:
            at_kink = rule.domain.singular(*primals) == 0
        except (TypeError, ValueError):
            return
        if at_kink:
            left = node.args[0]
            right = node.args[1] if len(node.args) > 1 else None
            self.comparisons.append(Comparison(
                rule.name, left, right, primals[0], primals[1] if len(primals) > 1 else None,
                node.primal, True, node.index))

    # comparisons
    def compare(self, symbol: str, left: Any, right: Any, compare: Callable) -> Any:
        lp = left.primal if isinstance(left, Dual) else left
        rp = right.primal if isinstance(right, Dual) else right
        outcome = compare(lp, rp)
        try:
            tie = bool(lp == rp)
        except (TypeError, ValueError):
            tie = False
        side = lambda x: x.node if type(x) is Traced and x.recorder is self else None  # noqa: E731
        self.comparisons.append(Comparison(
            symbol, side(left), side(right), lp, rp, outcome, tie,
            len(self.nodes) - 1 if self.nodes else None))
        return outcome


def _constant_value(x: Any) -> Any:
    """A constant as a plain Python number (a Dual of another trace or tag: its primal)."""
    if isinstance(x, Dual):
        x = x.primal
    return x.item() if isinstance(x, np.generic) else x


# -- the finished trace -------------------------------------------------------------------


class Trace:
    """A finished evaluation trace: nodes, inputs, outputs, directions and what was noticed.

    ``nodes`` in evaluation order (inputs first); ``inputs`` the input node
    indices; ``outputs`` the :class:`Output` list; ``directions`` the tangent
    directions; ``comparisons`` every comparison recorded; ``nonfinite`` the
    index of the first node with a NaN/inf primal or tangent (or None).

    ``t.table("markdown")``, ``t.to_json()``, ``t.to_dot()`` and ``t.render("g.svg")``
    render it; in Jupyter it displays as an HTML table.
    """

    def __init__(self, nodes: list[Node], inputs: list[int], outputs: list[Output],
                 directions: list[Direction], comparisons: list[Comparison],
                 nonfinite: int | None, function_name: str, output_shape: Any) -> None:
        self.nodes = nodes
        self.inputs = inputs
        self.outputs = outputs
        self.directions = directions
        self.comparisons = comparisons
        self.nonfinite = nonfinite
        self.function_name = function_name
        #: None for a single scalar output, else the shape of f's result.
        self.output_shape = output_shape

    def __len__(self) -> int:
        return len(self.nodes)

    def __repr__(self) -> str:
        return (f"<Trace of {self.function_name}: {len(self.inputs)} inputs, "
                f"{self.n_intermediates} intermediates, {len(self.outputs)} outputs, "
                f"{len(self.directions)} directions>")

    @property
    def n_intermediates(self) -> int:
        return sum(1 for n in self.nodes if isinstance(n.op, Rule))

    @property
    def constants(self) -> list[Node]:
        return [n for n in self.nodes if n.is_constant]

    @property
    def ties(self) -> list[Comparison]:
        return [c for c in self.comparisons if c.tie]

    def node(self, name: str) -> Node:
        """The node called ``name`` (``"v3"``, ``"v-1"``, ``"c1"``), or a KeyError."""
        for n in self.nodes:
            if n.name == name:
                return n
        raise KeyError(name)

    def consumers(self, index: int) -> list[int]:
        """Indices of the nodes that use node ``index`` as an argument, once per out-edge
        (``x * x`` lists the product twice)."""
        return [n.index for n in self.nodes for a in n.args if a == index]

    @property
    def value(self) -> Any:
        """f's value: a float for one scalar output, else a tuple in output order."""
        values = tuple(self.nodes[o.node].primal for o in self.outputs)
        return values[0] if self.output_shape is None else values

    @property
    def tangent(self) -> Any:
        """The outputs' tangents: a float (one output, one direction), else nested tuples
        ``[output][direction]`` (one output: a tuple over directions)."""
        tangents = [self._output_tangent(o) for o in self.outputs]
        if self.output_shape is None:
            return tangents[0][0] if len(self.directions) == 1 else tangents[0]
        return tuple(t[0] if len(self.directions) == 1 else t for t in tangents)

    def _output_tangent(self, output: Output) -> tuple:
        node = self.nodes[output.node]
        return node.tangent if node.tangent is not None else (0.0,) * len(self.directions)

    # rendering: the renderers read the finished trace (imported here, on use,
    # because they sit below this module in the dependency order)
    def table(self, fmt: str = "text", digits: int = 6, ascii: bool = False, **options: Any) -> str:
        """The forward-mode table in ``fmt`` (text, markdown, latex, html, csv, json).

        See :func:`dualdiff.tables.table` for the columns and options.
        """
        from .tables import table

        return table(self, fmt, digits=digits, ascii=ascii, **options)

    def to_json(self, **options: Any) -> str:
        """The trace as JSON (see :func:`dualdiff.tables.to_json`)."""
        from .tables import to_json

        return to_json(self, **options)

    def to_dot(self, **options: Any) -> str:
        """The DAG as Graphviz DOT text (see :func:`dualdiff.graph.to_dot`); always works."""
        from .graph import to_dot

        return to_dot(self, **options)

    def render(self, path: Any, **options: Any) -> Any:
        """Draw the DAG to ``path`` (.svg, .png, .pdf) with Graphviz (see :func:`dualdiff.graph.render`)."""
        from .graph import render

        return render(self, path, **options)

    def __str__(self) -> str:
        return self.table("text")

    def _repr_html_(self) -> str:
        return self.table("html")

    def _repr_markdown_(self) -> str:
        return self.table("markdown")

    def _repr_latex_(self) -> str:
        return self.table("latex")


# -- trace() ----------------------------------------------------------------------------


def trace(f: Callable[..., Any], *args: Any, wrt: Any = None, seed: Any = None) -> Trace:
    """Run ``f(*args)`` once and record its evaluation trace.

    ``args`` are numbers (or arrays, recorded per element). ``wrt`` chooses the
    inputs to differentiate by: a parameter name, a positional index, or a list
    of them (default: every input, one tangent direction per input element).
    ``seed`` instead gives explicit direction(s): one vector with one number per
    input element, or a list of such vectors (one direction each).

    >>> import dualdiff as dd
    >>> t = trace(lambda x: dd.exp(x) * x, 0.0)
    >>> t.value, t.tangent
    (0.0, 1.0)
    >>> trace(lambda x, y: x * y, 2.0, 3.0, seed=[1.0, 1.0]).tangent
    5.0
    """
    if not callable(f):
        raise InputError(f"trace(f, *args) needs a function f first, got {type(f).__name__}; "
                         f"did you swap f and the arguments?")
    if not args:
        raise InputError("trace(f, *args) needs at least one input value after f")
    names = _parameter_names(f, len(args))
    points = [_point(a, name) for a, name in zip(args, names)]
    labels, owners, values = [], [], []
    for position, (name, point) in enumerate(zip(names, points)):
        if point.ndim == 0:
            labels.append(name)
            owners.append(position)
            values.append(float(point))
        else:
            for index, value in zip(np.ndindex(point.shape), point.reshape(-1).tolist()):
                labels.append(f"{name}[{', '.join(map(str, index))}]")
                owners.append(position)
                values.append(value)
    n = len(labels)
    directions = _directions(wrt, seed, names, labels, owners)
    k = len(directions)
    seeds = np.array([d.seed for d in directions], dtype=float).reshape(k, n)

    recorder = Recorder(k)
    traced_inputs = []
    for i, label in enumerate(labels):
        tangent = float(seeds[0, i]) if k == 1 else seeds[:, i].copy()
        traced_inputs.append(recorder.input(i + 1 - n, values[i], tangent, label))
    call_args, i = [], 0
    for point in points:
        if point.ndim == 0:
            call_args.append(traced_inputs[i])
            i += 1
        else:
            cells = np.empty(point.size, dtype=object)
            cells[:] = traced_inputs[i:i + point.size]
            call_args.append(cells.reshape(point.shape))
            i += point.size

    result = f(*call_args)
    outputs, shape = _outputs(result, recorder)
    done = Trace(recorder.nodes, list(range(n)), outputs, directions, recorder.comparisons,
                 recorder.nonfinite, getattr(f, "__name__", "f"), shape)
    _warn(done)
    return done


def _parameter_names(f: Callable[..., Any], n: int) -> list[str]:
    """Names of f's first n positional parameters; x1 … xn where f does not say."""
    fallback = [f"x{i + 1}" for i in range(n)] if n > 1 else ["x"]
    try:
        parameters = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        return fallback
    names = []
    for p in parameters:
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            names.append(p.name)
        elif p.kind is p.VAR_POSITIONAL:
            names += [f"{p.name}{i + 1}" for i in range(n - len(names))]
    if len(names) < n:
        raise InputError(f"{getattr(f, '__name__', 'f')} takes {len(names)} positional "
                         f"argument(s) but trace was given {n} input value(s)")
    return names[:n]


def _point(x: Any, name: str) -> np.ndarray:
    if isinstance(x, Dual):
        raise InputError(f"trace needs plain numbers as inputs, but {name} is a Dual; pass its "
                         f".primal (trace seeds the tangents itself: use wrt= or seed=)")
    if isinstance(x, (bool, np.bool_)):
        raise InputError(f"trace needs numbers as inputs, but {name} is the bool {x}")
    try:
        array = np.asarray(x)
    except Exception:  # noqa: BLE001 -- ragged lists and the like
        array = None
    if array is None or array.dtype.kind not in "iuf":
        raise InputError(f"trace needs real numbers (or arrays of them) as inputs, got "
                         f"{type(x).__name__} {x!r:.60} for {name}")
    if array.size == 0:
        raise InputError(f"trace got an empty array for {name}; give it at least one number")
    return array.astype(float)


def _directions(wrt: Any, seed: Any, names: list[str], labels: list[str],
                owners: list[int]) -> list[Direction]:
    n = len(labels)
    if seed is not None:
        if wrt is not None:
            raise InputError("give trace either wrt= (inputs to seed) or seed= (explicit "
                             "direction vectors), not both")
        vectors = np.asarray(seed, dtype=float)
        if vectors.ndim == 1:
            vectors = vectors[None, :]
        if vectors.ndim != 2 or vectors.shape[1] != n or vectors.shape[0] == 0:
            raise InputError(f"seed must be one vector of {n} numbers (one per input: "
                             f"{', '.join(labels)}) or a list of such vectors; got shape "
                             f"{np.shape(seed)}")
        return [_direction(v, labels) for v in vectors]
    if wrt is None:
        chosen = list(range(len(names)))
    else:
        chosen = [_which(w, names) for w in (wrt if isinstance(wrt, (list, tuple)) else [wrt])]
        if not chosen:
            raise InputError("wrt is empty; name at least one input to differentiate by")
    directions = []
    for position in dict.fromkeys(chosen):
        for i in range(n):
            if owners[i] == position:
                v = np.zeros(n)
                v[i] = 1.0
                directions.append(Direction(labels[i], tuple(v.tolist()), labels[i]))
    return directions


def _direction(vector: np.ndarray, labels: list[str]) -> Direction:
    nonzero = np.flatnonzero(vector)
    if len(nonzero) == 1 and vector[nonzero[0]] == 1.0:
        label = labels[nonzero[0]]
        return Direction(label, tuple(vector.tolist()), label)
    from .render import format_number

    text = ", ".join(format_number(v) for v in vector)
    return Direction(f"({text})", tuple(vector.tolist()))


def _which(w: Any, names: list[str]) -> int:
    if isinstance(w, str):
        if w in names:
            return names.index(w)
        raise InputError(f"wrt={w!r} is not an input of f; its inputs are {', '.join(names)}")
    if isinstance(w, numbers.Integral) and not isinstance(w, bool):
        if -len(names) <= w < len(names):
            return int(w) % len(names)
        raise InputError(f"wrt={w} is out of range for {len(names)} input(s)")
    raise InputError(f"wrt must be a parameter name, an index or a list of them, got "
                     f"{type(w).__name__} {w!r:.40}")


def _outputs(result: Any, recorder: Recorder) -> tuple[list[Output], Any]:
    """Flatten f's result (iteratively) into output nodes named y or y1 … ym."""
    if isinstance(result, Traced) or _is_scalar(result):
        leaves, shape = [result], None
    elif isinstance(result, (list, tuple, np.ndarray)):
        leaves, stack = [], [result]
        while stack:
            item = stack.pop()
            if isinstance(item, np.ndarray) and item.ndim > 0:
                stack.extend(reversed(list(item.reshape(-1))))
            elif isinstance(item, (list, tuple)):
                stack.extend(reversed(item))
            elif isinstance(item, Traced) or _is_scalar(item):
                leaves.append(item.item() if isinstance(item, np.ndarray) else item)
            else:
                raise _bad_output(item)
        if not leaves:
            raise InputError("f returned an empty sequence; a trace needs at least one output")
        shape = np.shape(result) if isinstance(result, np.ndarray) else (len(leaves),)
    else:
        raise _bad_output(result)
    single = shape is None
    outputs = []
    for j, leaf in enumerate(leaves):
        if isinstance(leaf, Dual):
            if type(leaf) is not Traced or leaf.recorder is not recorder:
                raise InputError("f returned a Dual that was not computed from its traced "
                                 "inputs; return values computed from f's arguments")
            if np.ndim(leaf.primal) != 0:
                raise InputError("f returned an array-valued Dual; the trace records scalars: "
                                 "return a list or object array of scalar values instead")
            node = leaf.node
        else:
            node = recorder.constant(leaf)
        outputs.append(Output("y" if single else f"y{j + 1}", node, j))
    return outputs, shape


def _is_scalar(x: Any) -> bool:
    if isinstance(x, (bool, np.bool_)):
        return False
    return isinstance(x, (numbers.Real, np.floating, np.integer)) or (
        isinstance(x, np.ndarray) and x.ndim == 0 and x.dtype.kind in "iuf")


def _bad_output(x: Any) -> InputError:
    return InputError(f"f returned {type(x).__name__} {x!r:.60}; a traced function must return "
                      f"a number, a value computed from its inputs, or a list/tuple/array of them")


def _warn(t: Trace) -> None:
    for c in t.ties:
        where = _describe_comparison(t, c)
        if c.op in RULES:
            why = (f"{where}, where its derivative is a convention "
                   f"({RULES[c.op].note.rstrip('.') or 'one of the one-sided derivatives'})")
        else:
            why = (f"{where} has equal sides, so the branch taken here decides which "
                   f"one-sided derivative the trace shows")
        warnings.warn(TieWarning(why + "; check the derivative at a nearby point"), stacklevel=3)
    if t.nonfinite is not None:
        node = t.nodes[t.nonfinite]
        what = "primal" if not _finite(node.primal) else "tangent"
        warnings.warn(NonFiniteWarning(
            f"row {node.name} ({node.op_name}) is the first whose {what} is NaN or infinite "
            f"(primal {node.primal!r}, tangent {list(node.tangent or ())}); the derivative "
            f"breaks there"), stacklevel=3)


def _describe_comparison(t: Trace, c: Comparison) -> str:
    def side(index: int | None, value: Any) -> str:
        return t.nodes[index].name if index is not None else repr(value)

    if c.op in RULES:
        args = side(c.left, c.left_value) + (
            f", {side(c.right, c.right_value)}" if c.right is not None or c.right_value is not None
            else "")
        return f"{c.op}({args}) at {t.nodes[c.after].name} is evaluated at its kink"
    return (f"the comparison {side(c.left, c.left_value)} {c.op} "
            f"{side(c.right, c.right_value)} (value {c.left_value!r})")
