"""Products by the product rule: dot, matmul (``@``), outer, inner, tensordot, einsum.

One term per argument that carries a tangent; a term whose tangent has a
directions axis is arranged so that the axis comes out first.
"""

from __future__ import annotations

import string
from typing import Any

import numpy as np

from ..dual import ARRAY_FUNCTIONS, ARRAY_UFUNCS, Dual, _ndim
from ..errors import InputError
from ._base import _gather, _implements, _lead, _lift, _make, _no_out, _refuse


def _tensordot_axes(axes: Any, na: int, nb: int) -> tuple[list[int], list[int]]:
    if isinstance(axes, (int, np.integer)):
        return list(range(na - int(axes), na)), list(range(int(axes)))
    ax_a, ax_b = axes
    ax_a = [ax_a] if isinstance(ax_a, (int, np.integer)) else list(ax_a)
    ax_b = [ax_b] if isinstance(ax_b, (int, np.integer)) else list(ax_b)
    return [int(i) % na for i in ax_a], [int(i) % nb for i in ax_b]


def _contract(pa: Any, ta: Any, pb: Any, tb: Any, ax_a: list[int], ax_b: list[int]) -> Any:
    """Product rule for tensordot(a, b, (ax_a, ax_b)); each directions axis ends up first."""
    total = None
    if ta is not None:
        lead = _lead(pa, ta)
        total = np.tensordot(ta, pb, ([i + lead for i in ax_a], ax_b))
    if tb is not None:
        lead = _lead(pb, tb)
        term = np.tensordot(pa, tb, (ax_a, [i + lead for i in ax_b]))
        if lead:
            term = np.moveaxis(term, _ndim(pa) - len(ax_a), 0)
        total = term if total is None else total + term
    return total


@_implements(np.tensordot)
def tensordot(a: Any, b: Any, axes: Any = 2) -> Dual:
    """``numpy.tensordot``: the product rule."""
    tag, (pa, pb), (ta, tb), _ = _gather([a, b])
    ax_a, ax_b = _tensordot_axes(axes, _ndim(pa), _ndim(pb))
    value = np.tensordot(pa, pb, (ax_a, ax_b))
    return _make(value, _contract(pa, ta, pb, tb, ax_a, ax_b), tag)


@_implements(np.dot)
def dot(a: Any, b: Any, out: Any = None) -> Dual:
    """``numpy.dot``: the product rule (a 0-d argument multiplies)."""
    _no_out("dot", out)
    tag, (pa, pb), (ta, tb), _ = _gather([a, b])
    na, nb = _ndim(pa), _ndim(pb)
    if na == 0 or nb == 0:
        return a * b
    value = np.dot(pa, pb)
    tangent = _contract(pa, ta, pb, tb, [na - 1], [nb - 2 if nb >= 2 else 0])
    return _make(value, tangent, tag)


@_implements(np.vdot)
def vdot(a: Any, b: Any) -> Dual:
    """``numpy.vdot`` for real arrays: the dot product of the flattened arguments."""
    return dot(np.ravel(a), np.ravel(b))


@_implements(np.inner)
def inner(a: Any, b: Any) -> Dual:
    """``numpy.inner``: contracts the last axes."""
    tag, (pa, pb), (ta, tb), _ = _gather([a, b])
    na, nb = _ndim(pa), _ndim(pb)
    if na == 0 or nb == 0:
        return a * b
    value = np.inner(pa, pb)
    return _make(value, _contract(pa, ta, pb, tb, [na - 1], [nb - 1]), tag)


@_implements(np.outer)
def outer(a: Any, b: Any, out: Any = None) -> Dual:
    """``numpy.outer``: a column times a row, by the product rule of ``*``."""
    _no_out("outer", out)
    return np.reshape(a, (-1, 1)) * np.reshape(b, (1, -1))


def _matmul_term(left: Any, right: Any, directions_left: bool, out_shape: tuple,
                 batch: int) -> Any:
    """matmul where one operand is a tangent with a directions axis, ``k`` first in the result.

    NumPy's matmul would read the directions axis as a batch axis and align it
    with the other operand's batch axes from the right; so the tangent is made
    at least 2-D (as matmul does to 1-D arguments) and given length-1 batch
    axes up to the result's batch rank, after its directions axis.
    """
    t = left if directions_left else right
    k = np.shape(t)[0]
    if _ndim(t) == 2:  # a 1-D operand: a row on the left, a column on the right
        t = np.reshape(t, (k, 1, -1) if directions_left else np.shape(t) + (1,))
    t = _lift(t, 1, batch + 2)
    product = np.matmul(t, right) if directions_left else np.matmul(left, t)
    return np.reshape(product, (k,) + out_shape)


def matmul(a: Any, b: Any) -> Dual:
    """``numpy.matmul`` and ``@`` (Dual @ Dual, Dual @ ndarray, ndarray @ Dual)."""
    tag, (pa, pb), (ta, tb), _ = _gather([a, b])
    na, nb = _ndim(pa), _ndim(pb)
    if na == 0 or nb == 0:
        raise ValueError("matmul: Input operand does not have enough dimensions (a scalar "
                         "cannot be an operand of @; use *)")
    value = np.matmul(pa, pb)
    out_shape = np.shape(value)
    batch = na - 2 if na >= nb else nb - 2
    batch = batch if batch > 0 else 0
    total = None
    if ta is not None:
        total = (_matmul_term(ta, pb, True, out_shape, batch) if _lead(pa, ta)
                 else np.matmul(ta, pb))
    if tb is not None:
        term = (_matmul_term(pa, tb, False, out_shape, batch) if _lead(pb, tb)
                else np.matmul(pa, tb))
        total = term if total is None else total + term
    return _make(value, total, tag)


ARRAY_UFUNCS[np.matmul] = matmul


def _vecdot(x1: Any, x2: Any, axis: int = -1) -> Dual:
    return np.sum(x1 * x2, axis=axis)


def _matvec(x1: Any, x2: Any) -> Dual:
    return np.squeeze(np.matmul(x1, np.expand_dims(x2, -1)), -1)


def _vecmat(x1: Any, x2: Any) -> Dual:
    return np.squeeze(np.matmul(np.expand_dims(x1, -2), x2), -2)


for _name, _rule in (("vecdot", _vecdot), ("matvec", _matvec), ("vecmat", _vecmat)):
    if isinstance(getattr(np, _name, None), np.ufunc):
        ARRAY_UFUNCS[getattr(np, _name)] = _rule
    elif getattr(np, _name, None) is not None:
        ARRAY_FUNCTIONS[getattr(np, _name)] = _rule
del _name, _rule


def _einsum_output(inputs: str) -> str:
    letters = inputs.replace(",", "").replace(".", "")
    once = sorted(c for c in set(letters) if letters.count(c) == 1)
    return ("..." if "..." in inputs else "") + "".join(once)


@_implements(np.einsum)
def einsum(*operands: Any, out: Any = None, optimize: Any = False, **kwargs: Any) -> Dual:
    """``numpy.einsum`` in the subscripts form: one product-rule term per Dual operand."""
    _no_out("einsum", out)
    if not operands or not isinstance(operands[0], str):
        _refuse("einsum", "in the (operand, sublist) form")
    spec, arrays = operands[0].replace(" ", ""), operands[1:]
    inputs, _, output = spec.partition("->")
    if "->" not in spec:
        output = _einsum_output(inputs)
    subscripts = inputs.split(",")
    if len(subscripts) != len(arrays):
        raise InputError(f"einsum: {len(subscripts)} subscripts for {len(arrays)} operands")
    tag, primals, tangents, _ = _gather(arrays)
    value = np.einsum(f"{inputs}->{output}", *primals, optimize=optimize, **kwargs)
    free = next(c for c in string.ascii_letters if c not in spec)  # the directions axis
    total = None
    for i, (p, t) in enumerate(zip(primals, tangents)):
        if t is None:
            continue
        subs, out_sub, ops = list(subscripts), output, list(primals)
        ops[i] = t
        if _lead(p, t):
            subs[i], out_sub = free + subs[i], free + output
        term = np.einsum(",".join(subs) + "->" + out_sub, *ops, optimize=optimize, **kwargs)
        total = term if total is None else total + term
    return _make(value, total, tag)
