"""Random programs of supported NumPy operations on random shapes: jvp against a central difference.

hypothesis draws a shape, a point and a sequence of operations; each operation
adapts to the shape it receives (so every program is valid). The same program
runs on plain arrays (for the finite difference) and on a Dual (for jvp).
Operations keep away from kinks and keep values moderate (a program of
repeated squares would make the difference, not the jvp, the weak side).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import dualdiff as dd
from array_reference import central_jacobian


def _axis(x, k):
    return k % x.ndim if x.ndim else None


def _matrix(x, k):
    n = x.shape[-1] if x.ndim else 1
    return np.cos(np.arange(n * 2).reshape(n, 2) + k)  # a fixed constant matrix


# Each operation: (name, f(x, k)) where k is a small drawn integer.
OPERATIONS = [
    ("sin", lambda x, k: np.sin(x)),
    ("exp-tanh", lambda x, k: np.exp(np.tanh(x))),
    ("square-squashed", lambda x, k: x * x / (1.0 + x * x)),
    ("scale-shift", lambda x, k: 0.5 * x + 0.25 * (k - 1.0)),
    ("log1p-square", lambda x, k: np.log1p(x * x)),
    ("sum", lambda x, k: np.sum(x, axis=_axis(x, k)) if x.ndim > 1 else np.sum(x) * x / x.size),
    ("mean-keepdims", lambda x, k: x - np.mean(x, axis=_axis(x, k), keepdims=True)),
    ("var", lambda x, k: np.var(x, axis=_axis(x, k)) if x.ndim > 1 else x * np.var(x)),
    ("transpose", lambda x, k: x.T),
    ("reshape-flat", lambda x, k: x.reshape(-1)),
    ("expand-squeeze", lambda x, k: np.squeeze(np.expand_dims(x, 0), 0) * 2.0),
    ("concatenate", lambda x, k: np.concatenate([x, x * x], axis=_axis(x, k))
     if x.ndim else x),
    ("stack", lambda x, k: np.stack([x, np.sin(x)], axis=k % (x.ndim + 1))),
    ("matmul", lambda x, k: x @ _matrix(x, k) if x.ndim else x * 3.0),
    ("einsum-last", lambda x, k: np.einsum("...i,ij->...j", x, _matrix(x, k))
     if x.ndim else x),
    ("cumsum", lambda x, k: np.cumsum(x, axis=_axis(x, k)) if x.ndim else x),
    ("flip", lambda x, k: np.flip(x, axis=_axis(x, k)) if x.ndim else x),
    ("slice", lambda x, k: x[::2] if x.ndim and len(x) > 1 else x),
    ("index", lambda x, k: x[k % len(x)] * x[0] if x.ndim else x),
    ("prod", lambda x, k: np.prod(x, axis=_axis(x, k)) if x.ndim > 1 else x),
    ("norm", lambda x, k: np.linalg.norm(x, axis=-1, keepdims=True) * x if x.ndim else x),
    ("broadcast", lambda x, k: np.broadcast_to(x, (2,) + x.shape) * np.arange(1.0, 3.0).reshape(
        (2,) + (1,) * x.ndim)),
    ("moveaxis", lambda x, k: np.moveaxis(x, 0, -1) if x.ndim else x),
    ("outer-sum", lambda x, k: np.outer(x, x).sum(0) if x.ndim == 1 else x),
    ("dot-self", lambda x, k: x / (1.0 + np.dot(x.reshape(-1), x.reshape(-1)))),
]

_NAMES = [name for name, _ in OPERATIONS]
_BY_NAME = dict(OPERATIONS)


def _program(steps):
    def run(x):
        for name, k in steps:
            x = _BY_NAME[name](x, k)
            if np.size(x) > 64:  # keep the programs small
                x = x.reshape(-1)[:8] if np.ndim(x) else x
        return x

    return run


@settings(max_examples=120, deadline=None)
@given(
    shape=st.lists(st.integers(1, 3), min_size=1, max_size=3).map(tuple),
    steps=st.lists(st.tuples(st.sampled_from(_NAMES), st.integers(0, 3)), min_size=1,
                   max_size=5),
    seed=st.integers(0, 2**16),
)
def test_random_programs_jvp_matches_central_difference(shape, steps, seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.3, 1.2, size=shape)  # positive and apart: no kinks or ties in range
    v = rng.normal(size=shape)
    program = _program(steps)
    value, tangent = dd.jvp(program, x, v)
    np.testing.assert_allclose(value, program(x), rtol=1e-12, atol=1e-12)
    expected = np.tensordot(central_jacobian(program, x, rel_step=1e-4), v, axes=x.ndim)
    scale = 1.0 + np.max(np.abs(expected))
    np.testing.assert_allclose(tangent, expected, rtol=1e-6, atol=1e-6 * scale)


@settings(max_examples=40, deadline=None)
@given(
    shape=st.lists(st.integers(1, 3), min_size=1, max_size=2).map(tuple),
    steps=st.lists(st.tuples(st.sampled_from(_NAMES), st.integers(0, 3)), min_size=1,
                   max_size=4),
    seed=st.integers(0, 2**16),
)
def test_random_programs_jacobian_is_the_stack_of_jvps(shape, steps, seed):
    """All directions at once (a directions axis) equals one direction at a time."""
    x = np.random.default_rng(seed).uniform(0.3, 1.2, size=shape)
    program = _program(steps)
    jac = dd.jacobian(program, x)
    for i, e in enumerate(np.eye(x.size)):
        _, column = dd.jvp(program, x, e.reshape(shape))
        np.testing.assert_allclose(jac[(Ellipsis,) + np.unravel_index(i, shape)], column,
                                   rtol=1e-13, atol=1e-13)
