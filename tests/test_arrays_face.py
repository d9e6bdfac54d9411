"""The array face of a Dual: attributes, conversions, item assignment, errors and conventions.

Expected derivatives here are closed forms worked by hand (stated next to each
assertion), never values computed by dualdiff.
"""

from __future__ import annotations

import numpy as np
import pytest

import dualdiff as dd
from dualdiff import Dual
from dualdiff.errors import DualConversionError, InputError, UnsupportedOperationError


def _seeded(x):
    """An array Dual with one direction per element (what grad/jacobian build)."""
    x = np.asarray(x, dtype=float)
    return Dual(x, np.eye(x.size).reshape((x.size,) + x.shape), tag=dd.dual.new_tag())


# -- attributes ---------------------------------------------------------------------


def test_shape_ndim_size_dtype_len_follow_the_primal_not_the_tangent():
    d = _seeded(np.zeros((2, 3)))
    assert d.tangent.shape == (6, 2, 3)
    assert (d.shape, d.ndim, d.size, d.dtype, len(d)) == ((2, 3), 2, 6, np.dtype(float), 2)
    assert (np.shape(d), np.ndim(d), np.size(d), np.size(d, 1)) == ((2, 3), 2, 6, 3)
    assert Dual(2.0, 1.0).dtype == np.dtype(float)


def test_iteration_walks_the_first_axis_and_keeps_the_directions():
    d = _seeded([[1.0, 2.0], [3.0, 4.0]])
    rows = list(d)
    assert len(rows) == 2
    np.testing.assert_array_equal(rows[1].primal, [3.0, 4.0])
    # Row 1 holds elements 2 and 3: its tangent is the unit directions e2, e3.
    np.testing.assert_array_equal(rows[1].tangent, np.eye(4)[:, 2:])


def test_len_of_a_scalar_dual_is_a_type_error():
    with pytest.raises(TypeError):
        len(Dual(1.0, 1.0))


def test_transposes_T_and_mT():
    d = _seeded(np.arange(6.0).reshape(2, 3))
    assert d.T.shape == (3, 2) and d.T.tangent.shape == (6, 3, 2)
    assert d.mT.shape == (3, 2)
    np.testing.assert_array_equal(d.T.tangent[1], np.eye(6)[1].reshape(2, 3).T)


def test_nested_dual_indexing_reaches_both_levels():
    inner = Dual(np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 0.0]), tag=1)
    outer = Dual(inner, np.eye(3), tag=2)
    picked = outer[[2, 0]]
    assert isinstance(picked.primal, Dual)
    np.testing.assert_array_equal(picked.primal.primal, [3.0, 1.0])
    np.testing.assert_array_equal(picked.primal.tangent, [0.0, 1.0])
    np.testing.assert_array_equal(picked.tangent, [[0.0, 1.0], [0.0, 0.0], [1.0, 0.0]])


def test_an_index_cannot_be_a_dual():
    d = _seeded([1.0, 2.0])
    with pytest.raises(InputError, match="index"):
        d[Dual(0.0, 1.0)]


# -- conversions: never a silent loss of the tangent ---------------------------------


def test_asarray_of_an_array_dual_is_a_clear_error():
    d = _seeded([1.0, 2.0])
    with pytest.raises(DualConversionError, match="numpy.stack"):
        np.asarray(d)
    with pytest.raises(DualConversionError, match="tangent"):
        np.array(d, dtype=float)
    with pytest.raises(DualConversionError):
        np.array([d, d])


def test_asarray_inside_the_function_names_the_fix():
    with pytest.raises(DualConversionError, match="np.asarray"):
        dd.grad(lambda x: np.sum(np.asarray(x) ** 2), [1.0, 2.0])


def test_scalar_duals_make_an_object_array_that_keeps_every_tangent():
    x = Dual(2.0, 1.0)
    a = np.array([x * x, x + 1.0])
    assert a.dtype == object and a.shape == (2,)
    assert a[0].tangent == 4.0 and a[1].tangent == 1.0  # d(x²) = 2x, d(x+1) = 1
    zero_d = np.asarray(x)
    assert zero_d.dtype == object and zero_d[()] is x
    # ... which the Jacobian accepts as f's output: [[x1, x0], [1, 1]]
    np.testing.assert_array_equal(
        dd.jacobian(lambda v: np.array([v[0] * v[1], v[0] + v[1]]), [2.0, 3.0]),
        [[3.0, 2.0], [1.0, 1.0]])


def test_dtype_object_asks_for_an_object_array_of_scalar_duals():
    d = _seeded([1.0, 2.0])
    a = np.array(d, dtype=object)
    assert a.shape == (2,) and all(isinstance(e, Dual) for e in a)
    np.testing.assert_array_equal(a[1].tangent, [0.0, 1.0])


def test_setting_a_float_array_element_to_a_dual_fails_and_suggests_stack():
    x = Dual(2.0, 1.0)
    out = np.zeros(3)
    with pytest.raises(ValueError) as excinfo:  # NumPy wraps the conversion error
        out[0] = x
    cause = excinfo.value.__cause__
    assert isinstance(cause, DualConversionError)
    assert "numpy.stack" in str(cause) and "out[i] = dual" in str(cause)
    with pytest.raises(DualConversionError, match="numpy.stack"):
        out[0:2] = _seeded([1.0, 2.0])
    with pytest.raises(DualConversionError):
        float(x)


def test_the_suggested_alternatives_work():
    # a list and np.stack, or item assignment into a Dual array
    def with_stack(v):
        return np.stack([v[i] * v[i] for i in range(3)])

    def with_dual_array(v):
        out = Dual(np.zeros(3))
        for i in range(3):
            out[i] = v[i] * v[i]
        return out

    x = [1.0, 2.0, 3.0]
    for f in (with_stack, with_dual_array):
        np.testing.assert_array_equal(dd.jacobian(f, x), np.diag([2.0, 4.0, 6.0]))


def test_item_assignment_copies_instead_of_writing_into_shared_arrays():
    x = np.array([1.0, 2.0, 3.0])

    def f(v):
        w = v[:]          # a view of v's arrays
        w[0] = v[2] * 5.0
        return w + v      # v must be unchanged: [15 + 1, 2 + 2, 3 + 3]

    value, tangent = dd.jvp(f, x, np.array([1.0, 10.0, 100.0]))
    np.testing.assert_array_equal(value, [16.0, 4.0, 6.0])
    np.testing.assert_array_equal(tangent, [501.0, 20.0, 200.0])
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


def test_item_assignment_with_masks_and_advanced_indices():
    def f(v):
        out = v * 1.0
        out[v > 2.0] = 0.0            # constant into a Dual: zero derivative there
        out[[0, 1]] = v[[1, 0]] ** 2  # swapped squares
        return out

    # out = [v1², v0², v2 if v2 <= 2 else 0, 0 (v3 > 2)] at v = (1, 2, 1.5, 4)
    np.testing.assert_array_equal(
        dd.jacobian(f, [1.0, 2.0, 1.5, 4.0]),
        [[0, 4, 0, 0], [2, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 0]])


# -- unsupported operations ----------------------------------------------------------


@pytest.mark.parametrize("call, name", [
    (lambda d: np.fft.fft(d), "numpy.fft.fft"),
    (lambda d: np.cumprod(d), "numpy.cumprod"),
    (lambda d: np.median(d), "numpy.median"),
    (lambda d: np.linalg.eigh(d.reshape(2, 2)), "numpy.linalg.eigh"),
    (lambda d: np.logaddexp(d, 1.0), "numpy.logaddexp"),
    (lambda d: np.linalg.norm(d.reshape(2, 2), 2), "numpy.linalg.norm"),
    (lambda d: np.einsum(d, [0], [0]), "numpy.einsum"),
    (lambda d: np.add(d, 1.0, out=np.empty(4)), "numpy.add"),
    (lambda d: np.sum(d, out=np.empty(())), "numpy.sum"),
])
def test_unsupported_numpy_calls_raise_naming_the_function(call, name):
    d = _seeded([1.0, 2.0, 3.0, 4.0])
    with pytest.raises(UnsupportedOperationError, match=name.replace(".", r"\.")):
        call(d)


def test_unsupported_errors_are_dualdiff_errors_and_type_errors():
    assert issubclass(UnsupportedOperationError, dd.DualDiffError)
    assert issubclass(UnsupportedOperationError, TypeError)


# -- constants mixed in: zero tangents -------------------------------------------------


def test_constants_mixed_into_joins_get_zero_tangents():
    c = np.array([10.0, 20.0])
    j = dd.jacobian(lambda v: np.stack([v, c]), [1.0, 2.0])
    assert j.shape == (2, 2, 2)
    np.testing.assert_array_equal(j[0], np.eye(2))
    np.testing.assert_array_equal(j[1], np.zeros((2, 2)))
    j = dd.jacobian(lambda v: np.concatenate([c, v * v]), [1.0, 2.0])
    np.testing.assert_array_equal(j, [[0, 0], [0, 0], [2, 0], [0, 4]])


def test_a_single_direction_is_never_squeezed_away():
    # grad of a one-element input: the directions axis has length 1
    assert dd.grad(lambda v: np.squeeze(v) ** 3, np.array([[2.0]])).shape == (1, 1)
    assert dd.grad(lambda v: np.squeeze(v) ** 3, np.array([[2.0]]))[0, 0] == 12.0


# -- conventions where a function is not differentiable --------------------------------


def test_max_shares_the_derivative_between_ties():
    np.testing.assert_array_equal(dd.grad(np.max, [1.0, 3.0, 3.0]), [0.0, 0.5, 0.5])
    np.testing.assert_array_equal(dd.grad(lambda v: v.min(), [2.0, 1.0, 5.0]), [0, 1, 0])


def test_clip_passes_the_derivative_on_the_closed_interval():
    np.testing.assert_array_equal(dd.grad(lambda v: np.sum(np.clip(v, -1.0, 1.0)),
                                          [-2.0, -1.0, 0.5, 1.0, 3.0]), [0, 1, 1, 1, 0])


def test_clip_with_dual_bounds_takes_the_bound_derivative_outside():
    # clip(x0, x1, x2) at (5, 0, 2) is x2: gradient (0, 0, 1)
    np.testing.assert_array_equal(dd.grad(lambda v: np.clip(v[0], v[1], v[2]), [5.0, 0.0, 2.0]),
                                  [0.0, 0.0, 1.0])


def test_norm_and_std_at_zero_have_derivative_zero():
    np.testing.assert_array_equal(dd.grad(np.linalg.norm, [0.0, 0.0]), [0.0, 0.0])
    np.testing.assert_array_equal(dd.grad(np.std, [3.0, 3.0, 3.0]), [0.0, 0.0, 0.0])


def test_prod_is_exact_with_zeros():
    # d/dxi prod = product of the others
    np.testing.assert_array_equal(dd.grad(np.prod, [2.0, 0.0, 5.0]), [0.0, 10.0, 0.0])
    np.testing.assert_array_equal(dd.grad(np.prod, [0.0, 0.0, 5.0]), [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(dd.grad(lambda v: np.sum(np.prod(v, axis=1)),
                                          [[0.0, 3.0], [2.0, 4.0]]), [[3.0, 0.0], [4.0, 2.0]])
    # second derivatives with a zero: d²/dx0dx2 (x0 x1 x2) = x1
    np.testing.assert_array_equal(dd.hessian(np.prod, [0.0, 7.0, 0.0]),
                                  [[0, 0, 7], [0, 0, 0], [7, 0, 0]])


def test_where_takes_no_derivative_through_the_condition():
    np.testing.assert_array_equal(dd.grad(lambda v: np.sum(np.where(v > 1.0, v * v, -v)),
                                          [0.5, 2.0]), [-1.0, 4.0])


def test_astype_keeps_floating_types_and_refuses_the_rest():
    d = _seeded([1.0, 2.0])
    same = d.astype(np.float64)
    np.testing.assert_array_equal(same.tangent, np.eye(2))
    assert same.primal is not d.primal  # a copy, as ndarray.astype makes
    with pytest.raises(DualConversionError, match="int64"):
        d.astype(np.int64)
    with pytest.raises(DualConversionError, match="item"):
        d[0].item()
