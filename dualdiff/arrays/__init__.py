"""Structural NumPy operations on array Duals: sum, reshape, matmul, einsum, stack, norm ...

A Dual whose primal is an array works with the NumPy functions listed in
:data:`SUPPORTED_FUNCTIONS` (NumPy calls them through ``__array_function__``)
and with ``@`` (``np.matmul`` is a ufunc; see :data:`SUPPORTED_UFUNCS`)::

    >>> import numpy as np, dualdiff as dd
    >>> dd.grad(lambda w: np.sum((np.array([[1.0, 2.0], [3.0, 4.0]]) @ w) ** 2), [1.0, 1.0])
    array([48., 68.])

Each rule is written once and serves the primal and the tangent alike:

- a *linear* operation (sum, reshape, transpose, stack, indexing ...) is applied
  to the primal and to the tangent. The tangent may carry one leading
  *directions* axis (shape ``(k,) + primal shape``); rules name axes by negative
  numbers, which mean the same trailing axes with or without it, and shapes get
  the leading ``k`` prepended;
- a *bilinear* operation (dot, matmul, outer, tensordot, einsum) uses the
  product rule, one term per argument that carries a tangent;
- the others (var, std, prod, max, norm, clip, where) have their own rules,
  written with the operations above so that they also work when the primal is
  itself a Dual (nested derivatives: a Hessian is the Jacobian of a gradient).

Arguments that are not Duals of the current level (plain arrays, or Duals of an
outer level) are constants: their tangent is zero. Anything NumPy offers that is
not listed raises :class:`~dualdiff.errors.UnsupportedOperationError` naming the
function, rather than dropping the derivative.

Conventions at the points where a function is not differentiable follow the
rule table's kinked functions: ``max``/``min`` share the derivative equally
between tied elements, ``clip`` passes the derivative of ``x`` on the closed
interval ``[lo, hi]``, and a norm's derivative at the zero vector is 0 (the
subgradient of least norm, as for ``abs``).

The rules live in ``shape`` (reshape, transpose, indexing helpers ...),
``joins`` (concatenate, stack, where, clip), ``reductions`` (sum ... prod),
``products`` (dot, matmul, einsum ...), ``linalg`` (norm, inv, solve, det) and
``plain`` (functions without a derivative, item assignment); importing this
package registers them all (``dualdiff.dual`` does so at its end).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..dual import ARRAY_FUNCTIONS, ARRAY_UFUNCS
from . import joins, linalg, products, reductions, shape  # noqa: F401  (they register rules)
from .plain import PRIMAL_ONLY_FUNCTIONS, setitem
from .reductions import UFUNC_METHODS

__all__ = ["SUPPORTED_FUNCTIONS", "SUPPORTED_UFUNCS", "PRIMAL_ONLY_FUNCTIONS", "UFUNC_METHODS",
           "setitem"]


# -- the lists the README is checked against ---------------------------------------------


def _public_name(function: Any) -> str:
    module = getattr(function, "__module__", "") or ""
    prefix = "numpy.linalg." if "linalg" in module else "numpy."
    return prefix + function.__name__


#: Every NumPy function (not ufunc) with a forward rule for Duals, as "numpy.name".
SUPPORTED_FUNCTIONS: tuple[str, ...] = tuple(sorted(
    {_public_name(f) for f in ARRAY_FUNCTIONS} - set(PRIMAL_ONLY_FUNCTIONS)))

#: The ufuncs and ufunc methods beyond the rule table's rows (every rule-table
#: ufunc works on Duals too: see dualdiff.rules.UFUNCS).
SUPPORTED_UFUNCS: tuple[str, ...] = tuple(sorted(
    [f"numpy.{u.__name__}" for u in ARRAY_UFUNCS if isinstance(u, np.ufunc)]
    + [f"numpy.{u.__name__}.{method}" for u, method in UFUNC_METHODS]))

