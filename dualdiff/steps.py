"""Checking a hand-derived derivative step by step: where does the derivation go wrong?

Write the computation as named steps, each a function whose parameters name
what it needs: the input ``x`` or an earlier step. Give the hand-derived
derivative of any step you want checked; :func:`check_steps` compares each with
AD and names the first intermediate where they part ways::

    >>> import numpy as np
    >>> W, y = np.array([[1.0, 2.0], [0.5, -1.0]]), np.array([0.5, 0.25])
    >>> steps = {
    ...     "h": lambda x: np.tanh(W @ x),
    ...     "loss": lambda h: np.sum((h - y) ** 2),
    ... }
    >>> expected = {
    ...     "h": lambda h: (1 - h**2)[:, None] * W,          # dh/dx, right
    ...     "loss": {"h": lambda h: (y - h) / np.linalg.norm(h - y)},  # ∂loss/∂h, wrong
    ... }
    >>> check = check_steps(steps, np.array([0.3, -0.2]), expected)
    >>> check.first_mismatch
    'loss'

What a hand-derived entry can be, for a step ``z``:

- the **total derivative** dz/dx (shape ``z.shape + x.shape``; for a scalar x,
  ``z.shape``): a value, or a function whose parameters are taken by name from
  ``x``, the step values (``z`` itself and earlier ones), and ``d_<step>``, AD's
  derivative of an earlier step (``d_h``: dh/dx; ``d_x`` is the identity). With
  AD's upstream derivatives, each step's formula is judged on its own: one wrong
  step does not make every later one look wrong. Chain-rule style:
  ``"loss": lambda h, d_h: 2 * (h - y) @ d_h``.
- a dict of **local partial derivatives** ``{parameter: ∂z/∂parameter}`` (shape
  ``z.shape + parameter.shape``), each a value or a function as above: what a
  backpropagation derivation writes (``∂loss/∂h = 2(h - y)``). AD differentiates
  the step function in that parameter with the others held at their values.

A list of plain functions is a chain (each gets the previous value; the first
gets ``x``), named ``step1``, ``step2``, ...; a list of ``(name, function)``
pairs is the same as a dict. Steps return numbers or arrays.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np

from .derivatives import derivative, jacobian
from .errors import InputError
from .render import format_number
from .report import Check, component_name

__all__ = ["Step", "StepCheck", "StepsCheck", "check_steps", "parse_steps", "compose"]


@dataclass(frozen=True)
class Step:
    """One step: its name, its function and the names of the values it takes."""

    name: str
    function: Callable[..., Any]
    needs: tuple[str, ...]


def parse_steps(steps: Any, input_name: str = "x") -> list[Step]:
    """Normalise a steps spec (dict, list of pairs, list of functions) to :class:`Step` s."""
    if _parsed(steps):
        return steps
    if isinstance(steps, Mapping):
        items = list(steps.items())
    elif isinstance(steps, (list, tuple)):
        items = []
        for i, item in enumerate(steps):
            if callable(item):
                previous = items[-1][0] if items else input_name
                items.append((f"step{i + 1}", item, (previous,)))
            elif isinstance(item, tuple) and len(item) == 2 and callable(item[1]):
                items.append(item)
            else:
                raise InputError(f"step {i + 1} is {item!r:.60}; give each step as a function or "
                                 f"a (name, function) pair")
    else:
        raise InputError(f"steps must be a dict of name -> function or a list, got "
                         f"{type(steps).__name__}")
    if not items:
        raise InputError("steps is empty; give at least one step")
    parsed: list[Step] = []
    known = [input_name]
    for item in items:
        name, function = item[0], item[1]
        if not isinstance(name, str) or not name.isidentifier() or name in known:
            raise InputError(f"step name {name!r} must be a new Python identifier (not "
                             f"{', '.join(known)})")
        if not callable(function):
            raise InputError(f"step {name!r} is {function!r:.60}, not a function")
        needs = item[2] if len(item) == 3 else _parameters(function, known, f"step {name!r}")
        parsed.append(Step(name, function, tuple(needs)))
        known.append(name)
    return parsed


def _parameters(function: Callable[..., Any], available: list[str], what: str,
                extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The names a function asks for; each must be available (or have a default)."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        raise InputError(f"cannot read the parameters of {what}; write it as a def or lambda "
                         f"whose parameters name what it needs") from None
    needs = []
    for p in parameters:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.name in available or p.name in extra:
            needs.append(p.name)
        elif p.default is p.empty:
            names = ", ".join([*available, *extra])
            raise InputError(f"{what} asks for {p.name!r}, which is not the input or an earlier "
                             f"step; its parameters must be among: {names}")
    return tuple(needs)


def _call(step: Step, values: Mapping[str, Any]) -> Any:
    if len(step.needs) == 1 and step.needs[0] not in inspect.signature(step.function).parameters:
        return step.function(values[step.needs[0]])  # a chain step: positional
    return step.function(**{n: values[n] for n in step.needs})


def run(steps: list[Step], x: Any, input_name: str = "x", upto: int | None = None) -> dict:
    """Every step's value at ``x`` (up to and including step ``upto``), by name."""
    values = {input_name: x}
    for step in steps[: None if upto is None else upto + 1]:
        values[step.name] = _call(step, values)
    return values


def compose(steps: Any, input_name: str = "x") -> Callable[[Any], Any]:
    """The whole computation as one function of x (its value is the last step's)."""
    parsed = parse_steps(steps, input_name)
    last = parsed[-1].name

    def composed(x: Any) -> Any:
        return run(parsed, x, input_name)[last]

    composed.__name__ = last
    return composed


def _parsed(steps: Any) -> bool:
    return isinstance(steps, list) and bool(steps) and all(isinstance(s, Step) for s in steps)


def _ad(function: Callable[[Any], Any], at: Any) -> Any:
    """derivative for a scalar point, jacobian for an array point."""
    if np.ndim(at) == 0:
        return derivative(function, float(at))
    return jacobian(function, np.asarray(at, dtype=float))


@dataclass
class StepCheck:
    """One step: its value's shape, AD's derivative and, when given, the check of the hand one.

    ``what`` is ``"d<step>/dx"`` (total) or ``"∂<step>/∂<parameter>"`` (local).
    """

    name: str
    what: str
    shape: tuple[int, ...]
    ad: Any
    check: Check | None

    @property
    def agree(self) -> bool:
        return self.check is None or self.check.agree

    def to_dict(self) -> dict[str, Any]:
        from .render import json_value

        return {"step": self.name, "derivative": self.what, "shape": list(self.shape),
                "ad": json_value(self.ad), "checked": self.check is not None,
                "check": self.check.to_dict() if self.check else None}


@dataclass
class StepsCheck:
    """Every step's derivative check, in evaluation order; :attr:`first_mismatch` names the culprit."""

    checks: list[StepCheck]

    @property
    def agree(self) -> bool:
        return all(c.agree for c in self.checks)

    @property
    def first(self) -> StepCheck | None:
        return next((c for c in self.checks if not c.agree), None)

    @property
    def first_mismatch(self) -> str | None:
        """The name of the first step whose hand-derived derivative disagrees with AD."""
        first = self.first
        return first.name if first else None

    def summary(self, digits: int = 6) -> str:
        checked = [c for c in self.checks if c.check is not None]
        if self.agree:
            return (f"Steps: the hand-derived derivatives agree with AD at all {len(checked)} "
                    f"checked step(s).")
        first = self.first
        return (f"Steps: the first intermediate where the hand-derived derivative and AD part "
                f"ways is {first.name!r} ({first.what}): {first.check.summary(digits)}.")

    def table_rows(self) -> tuple[list[str], list[list[Any]]]:
        headers = ["step", "shape", "derivative", "check", "max abs diff", "first disagreement"]
        rows = []
        for c in self.checks:
            shape = "×".join(map(str, c.shape)) or "scalar"
            if c.check is None:
                rows.append([c.name, shape, c.what, "not given", None, None])
                continue
            first = c.check.first
            rows.append([c.name, shape, c.what, "agrees" if c.agree else "DISAGREES",
                         c.check.max_abs_diff,
                         None if first is None else
                         f"{first.name}: {format_number(first.expected)} vs AD "
                         f"{format_number(first.ad)}"])
        return headers, rows

    def to_dict(self) -> dict[str, Any]:
        return {"agree": self.agree, "first_mismatch": self.first_mismatch,
                "steps": [c.to_dict() for c in self.checks]}


def check_steps(steps: Any, x: Any, expected: Mapping[str, Any], *, rtol: float = 1e-8,
                atol: float | None = None, input_name: str = "x") -> StepsCheck:
    """Compare hand-derived derivatives of a computation's steps with AD (see the module docstring).

    ``x``: the point (a number or an array); ``expected``: step name -> total
    derivative (value or function) or dict of local partials. Tolerance as in
    :class:`~dualdiff.report.Check` (``rtol`` 1e-8; ``atol`` default
    ``1e-12·‖AD‖∞`` per derivative).
    """
    parsed = parse_steps(steps, input_name)
    names = [s.name for s in parsed]
    if not isinstance(expected, Mapping):
        raise InputError("expected must be a dict: step name -> hand-derived derivative")
    unknown = [k for k in expected if k not in names]
    if unknown:
        raise InputError(f"expected names {', '.join(map(repr, unknown))}, which are not steps; "
                         f"the steps are: {', '.join(names)}")
    point = float(x) if np.ndim(x) == 0 else np.asarray(x, dtype=float)
    values = run(parsed, point, input_name)
    totals = {f"d_{input_name}": 1.0 if np.ndim(point) == 0 else
              np.eye(point.size).reshape(point.shape + point.shape)}
    checks = []
    for k, step in enumerate(parsed):
        total = _ad(lambda z, k=k: run(parsed, z, input_name, upto=k)[step.name], point)
        given = expected.get(step.name)
        available = dict(values)
        if isinstance(given, Mapping):
            checks += _local_checks(step, given, values, rtol, atol)
        else:
            check = None
            if given is not None:
                hand = _evaluate(given, {**available, **totals}, f"the expected derivative of "
                                 f"{step.name!r}")
                out_ndim = np.ndim(values[step.name])
                check = Check.build(hand, total, rtol=rtol, atol=atol, name=lambda ix: (
                    component_name("partial", ix, out_ndim, step.name, input_name)))
            checks.append(StepCheck(step.name, f"d{step.name}/d{input_name}",
                                    np.shape(values[step.name]), total, check))
        totals[f"d_{step.name}"] = total
    return StepsCheck(checks)


def _local_checks(step: Step, given: Mapping[str, Any], values: Mapping[str, Any],
                  rtol: float, atol: float | None) -> list[StepCheck]:
    checks = []
    for parameter, hand_spec in given.items():
        if parameter not in step.needs:
            raise InputError(f"expected[{step.name!r}] gives a partial derivative with respect "
                             f"to {parameter!r}, but step {step.name!r} takes "
                             f"{', '.join(step.needs)}")
        others = {n: values[n] for n in step.needs}

        def local(a: Any, parameter: str = parameter) -> Any:
            return _call(step, {**others, parameter: a})

        ad = _ad(local, values[parameter])
        hand = _evaluate(hand_spec, values, f"the expected ∂{step.name}/∂{parameter}")
        out_ndim = np.ndim(values[step.name])
        check = Check.build(hand, ad, rtol=rtol, atol=atol, name=lambda ix, p=parameter: (
            component_name("partial", ix, out_ndim, step.name, p)))
        checks.append(StepCheck(step.name, f"∂{step.name}/∂{parameter}",
                                np.shape(values[step.name]), ad, check))
    return checks


def _evaluate(spec: Any, available: Mapping[str, Any], what: str) -> Any:
    if not callable(spec):
        return spec
    needs = _parameters(spec, list(available), what)
    return spec(**{n: available[n] for n in needs})
