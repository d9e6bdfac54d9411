"""The cost floor of operator overloading in pure Python: a dual number with nothing else.

:class:`MinimalDual` has float primal and tangent, the chain rule for the
operations workloads 1 and 2 use, and nothing more: no tags (so no nesting),
no arrays, no domain checks, no dispatch through a rule table. What it costs
over plain floats is what any pure-Python dual number costs on this
interpreter (the binary-operator slot calling a Python method, one object per
result); the distance from it to dualdiff is what dualdiff's generality costs.

>>> import math
>>> round(derivative(lambda x: FLOOR.log(x) + x * 5.0 - FLOOR.sin(5.0), 2.0), 12)
5.5
"""

from __future__ import annotations

import math
from types import SimpleNamespace
from typing import Any, Callable

_object_new = object.__new__


class MinimalDual:
    __slots__ = ("p", "t")

    def __add__(self, other: Any) -> MinimalDual:
        d = _object_new(MinimalDual)
        if type(other) is MinimalDual:
            d.p, d.t = self.p + other.p, self.t + other.t
        else:
            d.p, d.t = self.p + other, self.t
        return d

    __radd__ = __add__

    def __sub__(self, other: Any) -> MinimalDual:
        d = _object_new(MinimalDual)
        if type(other) is MinimalDual:
            d.p, d.t = self.p - other.p, self.t - other.t
        else:
            d.p, d.t = self.p - other, self.t
        return d

    def __mul__(self, other: Any) -> MinimalDual:
        d = _object_new(MinimalDual)
        if type(other) is MinimalDual:
            d.p, d.t = self.p * other.p, self.t * other.p + self.p * other.t
        else:
            d.p, d.t = self.p * other, self.t * other
        return d

    __rmul__ = __mul__

    def __truediv__(self, other: float) -> MinimalDual:
        d = _object_new(MinimalDual)
        d.p, d.t = self.p / other, self.t / other
        return d

    def __neg__(self) -> MinimalDual:
        d = _object_new(MinimalDual)
        d.p, d.t = -self.p, -self.t
        return d


def _unary(f: Callable[[float], float], df: Callable[[float, float], float]):
    def apply(x: Any) -> Any:
        if type(x) is not MinimalDual:
            return f(x)
        p = x.p
        v = f(p)
        d = _object_new(MinimalDual)
        d.p, d.t = v, x.t * df(p, v)
        return d

    return apply


#: log, sin, cos, exp for the benchmark functions' ``make_*(FLOOR)``.
FLOOR = SimpleNamespace(
    log=_unary(math.log, lambda p, v: 1.0 / p),
    sin=_unary(math.sin, lambda p, v: math.cos(p)),
    cos=_unary(math.cos, lambda p, v: -math.sin(p)),
    exp=_unary(math.exp, lambda p, v: v),
)


def derivative(f: Callable[[Any], Any], x: float) -> float:
    d = _object_new(MinimalDual)
    d.p, d.t = x, 1.0
    return f(d).t
