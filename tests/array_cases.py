"""One case per supported NumPy function (and per important form of it), for the array tests.

Each case is ``Case(id, f, shape, sympy=...)``: ``f(x, xp)`` is written with
NumPy functions and ``xp`` for the elementwise ones (``array_reference.NP`` for
arrays and Duals, ``array_reference.SYM`` for SymPy). ``sympy`` is True when
NumPy can run ``f`` on an object array of SymPy symbols, a separate SymPy
function ``g(x)`` when it cannot (the linear-algebra routines), or False for
piecewise functions (max, clip, sort), which are checked against finite
differences only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import sympy

_rng = np.random.default_rng(20261122)
C2 = _rng.normal(size=2)
C3 = _rng.normal(size=3)
C4 = _rng.normal(size=4)
C23 = _rng.normal(size=(2, 3))
C32 = _rng.normal(size=(3, 2))
C34 = _rng.normal(size=(3, 4))
C42 = _rng.normal(size=(4, 2))
C43 = _rng.normal(size=(4, 3))
C223 = _rng.normal(size=(2, 2, 3))
C234 = _rng.normal(size=(2, 3, 4))
C2342 = _rng.normal(size=(2, 4, 2))
C523 = _rng.normal(size=(5, 2, 3))


@dataclass(frozen=True)
class Case:
    id: str
    f: Callable[[Any, Any], Any]
    shape: tuple[int, ...]
    sympy: Any = True
    positive: bool = False  # draw the point from (0.5, 2) instead of N(0, 1)

    def point(self, seed: int = 0) -> np.ndarray:
        rng = np.random.default_rng(seed + sum(map(ord, self.id)))
        if self.positive:
            return rng.uniform(0.5, 2.0, size=self.shape)
        return rng.normal(size=self.shape)


def _sym_matrix(x):
    return sympy.Matrix(x.tolist())


CASES = [
    # reductions
    Case("sum", lambda x, xp: np.sum(x * x), (3, 4)),
    Case("sum-axis0", lambda x, xp: np.sum(xp.sin(x), axis=0), (3, 4)),
    Case("sum-axes-keepdims", lambda x, xp: np.sum(x * x, axis=(0, 2), keepdims=True), (2, 3, 2)),
    Case("sum-method", lambda x, xp: (x * C34).sum(1), (3, 4)),
    Case("sum-negative-axis", lambda x, xp: np.sum(x ** 3, axis=-1), (2, 3)),
    Case("mean", lambda x, xp: np.mean(x ** 3, axis=1), (3, 4)),
    Case("mean-method", lambda x, xp: (x * x).mean(), (2, 3)),
    Case("var", lambda x, xp: np.var(x, axis=0), (4, 3)),
    Case("var-ddof", lambda x, xp: np.var(x * x, ddof=1), (5,)),
    Case("var-method-keepdims", lambda x, xp: x.var(axis=1, keepdims=True), (2, 4)),
    Case("std", lambda x, xp: np.std(x, axis=1), (3, 4), sympy=False),
    Case("std-method", lambda x, xp: x.std(), (6,), sympy=False),
    Case("prod", lambda x, xp: np.prod(x, axis=1), (3, 4)),
    Case("prod-all", lambda x, xp: np.prod(x), (2, 3)),
    Case("prod-axes", lambda x, xp: np.prod(x, axis=(0, 2)), (2, 3, 2)),
    Case("prod-method", lambda x, xp: x.prod(0, keepdims=True), (3, 2)),
    Case("cumsum", lambda x, xp: np.cumsum(x * x, axis=1), (2, 4)),
    Case("cumsum-flat", lambda x, xp: np.cumsum(x), (2, 3)),
    Case("cumsum-method", lambda x, xp: x.cumsum(0) * C32, (3, 2)),
    Case("max", lambda x, xp: np.max(x, axis=0), (4, 3), sympy=False),
    Case("max-method", lambda x, xp: x.max() * x, (5,), sympy=False),
    Case("min", lambda x, xp: np.min(x, axis=(0, 1)) + x.min(1).sum(), (3, 2, 2), sympy=False),
    Case("amax", lambda x, xp: np.amax(x, axis=1) * x[:, 0], (3, 4), sympy=False),
    Case("amin", lambda x, xp: np.amin(x * x, axis=1, keepdims=True), (3, 4), sympy=False),
    Case("average", lambda x, xp: np.average(x, axis=1, weights=C4), (3, 4)),
    Case("average-dual-weights", lambda x, xp: np.average(C3, weights=x * x), (3,)),
    # shape
    Case("reshape", lambda x, xp: np.reshape(x * x, (3, 2)), (2, 3)),
    Case("reshape-F", lambda x, xp: np.reshape(x, (3, 2), order="F") * C32, (2, 3)),
    Case("reshape-method", lambda x, xp: x.reshape(2, -1) * x.reshape(-1, 3), (2, 3)),
    Case("ravel", lambda x, xp: np.ravel(x) ** 2, (2, 3)),
    Case("transpose", lambda x, xp: np.transpose(x, (2, 0, 1)) ** 2, (2, 3, 2)),
    Case("T", lambda x, xp: x.T * C32, (2, 3)),
    Case("transpose-method", lambda x, xp: x.transpose(1, 0) * x.T, (2, 3)),
    Case("swapaxes", lambda x, xp: np.swapaxes(x * x, 0, 2), (2, 3, 2)),
    Case("moveaxis", lambda x, xp: np.moveaxis(x, 0, -1) * C32, (2, 3)),
    Case("squeeze", lambda x, xp: np.squeeze(x * x), (1, 3, 1)),
    Case("squeeze-axis", lambda x, xp: np.squeeze(x, axis=0) ** 2, (1, 3)),
    Case("expand_dims", lambda x, xp: np.expand_dims(x, 1) * C223[:, :1, :], (2, 3)),
    Case("broadcast_to", lambda x, xp: np.broadcast_to(x, (4, 3)) * C43, (3,)),
    Case("broadcast_arrays", lambda x, xp: np.broadcast_arrays(x, C23)[0] * C23, (3,)),
    Case("atleast_1d", lambda x, xp: np.atleast_1d(x[0] * x[1]) * x, (2,)),
    Case("atleast_2d", lambda x, xp: np.atleast_2d(x) ** 2, (3,)),
    Case("atleast_3d", lambda x, xp: np.atleast_3d(x) * C23[:, :, None], (2, 3)),
    Case("flip", lambda x, xp: np.flip(x, 1) * x, (2, 3)),
    Case("roll", lambda x, xp: np.roll(x, 1, axis=0) * x, (3, 2)),
    Case("diagonal", lambda x, xp: np.diagonal(x * x), (3, 3)),
    Case("trace", lambda x, xp: np.trace(x @ x), (3, 3)),
    Case("tril", lambda x, xp: np.tril(x * x), (3, 3)),
    Case("triu", lambda x, xp: np.triu(x, 1) * x, (3, 3)),
    Case("take", lambda x, xp: np.take(x, [2, 0, 2], axis=1) ** 2, (2, 3)),
    Case("repeat", lambda x, xp: np.repeat(x, 2, axis=0) * x[0], (2, 3)),
    Case("tile", lambda x, xp: np.tile(x, (2, 1)) ** 2, (3,)),
    Case("diff", lambda x, xp: np.diff(x * x, axis=0), (3, 2)),
    Case("full_like", lambda x, xp: np.full_like(x, 2.0) * x + np.zeros_like(x), (3,)),
    Case("copy", lambda x, xp: np.copy(x) * x, (3,)),
    Case("sort", lambda x, xp: np.sort(x, axis=1) * C34, (3, 4), sympy=False),
    Case("take_along_axis",
         lambda x, xp: np.take_along_axis(x, np.array([[1, 0], [2, 2]]), axis=1) ** 2, (2, 3)),
    # joining and splitting
    Case("concatenate", lambda x, xp: np.concatenate([x, C23, x * x], axis=0), (2, 3)),
    Case("concatenate-axis1", lambda x, xp: np.concatenate([C23, x], axis=1) ** 2, (2, 3)),
    Case("stack", lambda x, xp: np.stack([x, C23]) * 2.0, (2, 3)),
    Case("stack-last", lambda x, xp: np.stack([x * x, x], axis=-1), (2, 3)),
    Case("stack-scalars", lambda x, xp: np.stack([x[0] * x[1], x[1], 3.0]), (2,)),
    Case("hstack", lambda x, xp: np.hstack([x, C3, x * x]), (3,)),
    Case("vstack", lambda x, xp: np.vstack([x, C3]) ** 2, (3,)),
    Case("dstack", lambda x, xp: np.dstack([x, C23]) ** 2, (2, 3)),
    Case("column_stack", lambda x, xp: np.column_stack([x, C3]) ** 2, (3,)),
    Case("split", lambda x, xp: np.split(x, 2, axis=1)[1] * np.split(x, 2, axis=1)[0], (2, 4)),
    Case("array_split", lambda x, xp: np.array_split(x * x, 2)[0], (5,)),
    # selection
    Case("where", lambda x, xp: np.where(x > 0, x * x, C34), (3, 4), sympy=False),
    Case("where-both", lambda x, xp: np.where(C34 > 0, x ** 3, -x), (3, 4)),
    Case("clip", lambda x, xp: np.clip(x, -0.5, 0.5) * x, (3, 4), sympy=False),
    Case("clip-method", lambda x, xp: x.clip(-0.3, None) ** 2, (4,), sympy=False),
    Case("maximum", lambda x, xp: np.maximum(x, C34), (3, 4), sympy=False),
    Case("minimum", lambda x, xp: np.minimum(x * x, 0.5), (3, 4), sympy=False),
    # products
    Case("dot-matrix", lambda x, xp: np.dot(x, C42), (3, 4)),
    Case("dot-left-constant", lambda x, xp: np.dot(C34, x), (4, 2)),
    Case("dot-vector", lambda x, xp: np.dot(x, x), (4,)),
    Case("dot-matrix-vector", lambda x, xp: np.dot(x, C4) * x[:, 0], (3, 4)),
    Case("dot-nd", lambda x, xp: np.dot(x, C42), (2, 3, 4)),
    Case("dot-method", lambda x, xp: x.dot(x), (3, 3)),
    Case("dot-scalar", lambda x, xp: np.dot(x[0], x), (3,)),
    Case("matmul", lambda x, xp: x @ C42, (3, 4)),
    Case("rmatmul", lambda x, xp: C34 @ x, (4, 2)),
    Case("matmul-self", lambda x, xp: x @ x, (3, 3)),
    Case("matmul-vector-vector", lambda x, xp: x @ x, (4,)),
    Case("matmul-vector-left", lambda x, xp: x @ C32, (3,)),
    Case("matmul-vector-right", lambda x, xp: C23 @ x, (3,)),
    Case("matmul-batched", lambda x, xp: x @ C42, (2, 3, 4)),
    Case("matmul-batch-broadcast", lambda x, xp: C523 @ x, (3, 2)),
    Case("matmul-batched-vector", lambda x, xp: x @ C4, (2, 3, 4)),
    Case("matmul-vector-batched", lambda x, xp: x @ C234, (3,)),
    Case("matmul-function", lambda x, xp: np.matmul(x, x.T), (2, 3)),
    Case("outer", lambda x, xp: np.outer(x, C3), (2,)),
    Case("outer-self", lambda x, xp: np.outer(x, x * x), (3,)),
    Case("inner", lambda x, xp: np.inner(x, C23), (4, 3)),
    Case("vdot", lambda x, xp: np.vdot(x, x * C23), (2, 3)),
    Case("tensordot", lambda x, xp: np.tensordot(x, C42, axes=1), (3, 4)),
    Case("tensordot-pairs", lambda x, xp: np.tensordot(x, C234, axes=([0, 1], [1, 0])), (3, 2)),
    Case("tensordot-self", lambda x, xp: np.tensordot(x, x, axes=2), (2, 3)),
    Case("tensordot-right", lambda x, xp: np.tensordot(C23, x, axes=([1], [0])), (3, 2)),
    # einsum's SymPy twins are written with matmul/dot (object einsum needs NumPy >= 1.25)
    Case("einsum-ij,jk->ik", lambda x, xp: np.einsum("ij,jk->ik", x, C42), (3, 4),
         sympy=lambda x: x @ C42),
    Case("einsum-ij,jk->ik-right", lambda x, xp: np.einsum("ij,jk->ik", C34, x), (4, 2),
         sympy=lambda x: C34 @ x),
    Case("einsum-i,i->", lambda x, xp: np.einsum("i,i->", x, x), (4,),
         sympy=lambda x: np.dot(x, x)),
    Case("einsum-ij,j->i", lambda x, xp: np.einsum("ij,j->i", x, x[0]), (3, 3),
         sympy=lambda x: x @ x[0]),
    Case("einsum-bij,bjk->bik", lambda x, xp: np.einsum("bij,bjk->bik", x, C2342), (2, 3, 4),
         sympy=lambda x: np.stack([x[0] @ C2342[0], x[1] @ C2342[1]])),
    Case("einsum-implicit", lambda x, xp: np.einsum("ij,jk", x, x.T), (2, 3),
         sympy=lambda x: x @ x.T),
    Case("einsum-ellipsis", lambda x, xp: np.einsum("...ij,...jk->...ik", C223, x), (3, 2),
         sympy=lambda x: np.stack([C223[0] @ x, C223[1] @ x])),
    Case("einsum-trace", lambda x, xp: np.einsum("ii->", x * x), (3, 3),
         sympy=lambda x: x[0, 0] ** 2 + x[1, 1] ** 2 + x[2, 2] ** 2),
    # norms and linear algebra
    Case("norm", lambda x, xp: np.linalg.norm(x), (4,),
         sympy=lambda x: sympy.sqrt(sum(e * e for e in x))),
    Case("norm-axis", lambda x, xp: np.linalg.norm(x, axis=1), (3, 2),
         sympy=lambda x: np.array([sympy.sqrt(sum(e * e for e in row)) for row in x])),
    Case("norm-fro", lambda x, xp: np.linalg.norm(x, "fro"), (2, 3),
         sympy=lambda x: sympy.sqrt(sum(e * e for e in x.flat))),
    Case("norm-keepdims", lambda x, xp: np.linalg.norm(x, axis=0, keepdims=True) * x, (3, 2),
         sympy=False),
    Case("norm-1", lambda x, xp: np.linalg.norm(x, 1), (4,), sympy=False),
    Case("norm-inf", lambda x, xp: np.linalg.norm(x, np.inf), (4,), sympy=False),
    Case("norm-3", lambda x, xp: np.linalg.norm(x, 3), (3,), positive=True,
         sympy=lambda x: sum(e ** 3 for e in x) ** sympy.Rational(1, 3)),
    Case("inv", lambda x, xp: np.linalg.inv(x + 3 * np.eye(2)), (2, 2),
         sympy=lambda x: np.array((_sym_matrix(x) + 3 * sympy.eye(2)).inv().tolist())),
    Case("solve", lambda x, xp: np.linalg.solve(x + 3 * np.eye(2), C2), (2, 2),
         sympy=lambda x: np.array(((_sym_matrix(x) + 3 * sympy.eye(2)).inv()
                                   * sympy.Matrix(C2)).tolist())[:, 0]),
    Case("solve-3x3", lambda x, xp: np.linalg.solve(x + 3 * np.eye(3), C3), (3, 3),
         sympy=lambda x: np.array(((_sym_matrix(x) + 3 * sympy.eye(3)).inv()
                                   * sympy.Matrix(C3)).tolist())[:, 0]),
    Case("solve-rhs", lambda x, xp: np.linalg.solve(C23 @ C32 + 2 * np.eye(2), x), (2, 3),
         sympy=lambda x: np.array((sympy.Matrix(C23 @ C32 + 2 * np.eye(2)).inv()
                                   * _sym_matrix(x)).tolist())),
    Case("det", lambda x, xp: np.linalg.det(x), (3, 3),
         sympy=lambda x: _sym_matrix(x).det()),
    # ufunc methods
    Case("add.reduce", lambda x, xp: np.add.reduce(x * x, axis=1), (2, 3)),
    Case("multiply.reduce", lambda x, xp: np.multiply.reduce(x), (4,)),
    Case("add.accumulate", lambda x, xp: np.add.accumulate(x * x), (4,)),
    Case("maximum.reduce", lambda x, xp: np.maximum.reduce(x, axis=0), (3, 2), sympy=False),
    Case("minimum.reduce", lambda x, xp: np.minimum.reduce(x * x, axis=None), (4,),
         sympy=False),
    # indexing
    Case("index-int", lambda x, xp: x[1] * x[0], (3, 2)),
    Case("index-slice-step", lambda x, xp: x[1::2] * x[::2], (6,)),
    Case("index-ellipsis", lambda x, xp: x[..., 0] ** 2, (2, 3)),
    Case("index-newaxis", lambda x, xp: x[:, None, :] * x[None, :, :], (2, 3)),
    Case("index-list", lambda x, xp: x[[2, 0, 2]] ** 2, (3, 2)),
    Case("index-mask", lambda x, xp: x[C34 > 0] ** 2, (3, 4)),
    Case("index-mask-rows", lambda x, xp: x[C3 > 0.0, 1:] * 3.0, (3, 4)),
    Case("index-advanced-split", lambda x, xp: x[0, :, [1, 3]] ** 2, (2, 3, 4)),
    Case("index-advanced-pair", lambda x, xp: x[[0, 1, 1], [2, 0, 1]] * x[0, 0], (2, 3)),
    Case("index-advanced-separated", lambda x, xp: x[[0, 1], :, [1, 0]] ** 2, (2, 3, 2)),
    Case("iterate", lambda x, xp: np.stack([row * row for row in x]), (3, 2)),
]

# NumPy 2 ufuncs (absent from older NumPy)
if hasattr(np, "vecdot"):
    CASES.append(Case("vecdot", lambda x, xp: np.vecdot(x, C34 * x), (3, 4)))
if hasattr(np, "matvec"):
    CASES.append(Case("matvec", lambda x, xp: np.matvec(x, C4), (3, 4)))
    CASES.append(Case("vecmat", lambda x, xp: np.vecmat(x, C34), (3,)))

CASES_BY_ID = {case.id: case for case in CASES}
