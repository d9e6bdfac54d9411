"""Tests of dualdiff.sweep: the error-vs-step V of each scheme, as data and as a PNG.

Exact derivatives are closed forms; the optimal steps are checked against the
truncation-rounding balance eps^(1/(p+1)) computed here from sys.float_info.
"""

from __future__ import annotations

import json
import math
import sys

import numpy as np
import pytest

from dualdiff.errors import InputError, MissingExtraError, NotAnalyticError
from dualdiff.sweep import SWEEP_SCHEMES, ZERO_FLOOR, StepSweep, step_sweep

EPS = sys.float_info.epsilon
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def exp_sweep() -> StepSweep:
    return step_sweep(np.exp, 1.0, math.e, schemes=SWEEP_SCHEMES)


def test_default_grid_spans_1e_16_to_1e_1(exp_sweep):
    steps = exp_sweep.steps
    assert len(steps) == 61
    assert steps[0] == pytest.approx(1e-16) and steps[-1] == pytest.approx(1e-1)
    np.testing.assert_allclose(steps[1:] / steps[:-1], 10**0.25)


@pytest.mark.parametrize("scheme", ["forward", "backward", "central", "central4", "central6"])
def test_v_shape(exp_sweep, scheme):
    errors = exp_sweep.absolute_errors[scheme]
    finite = errors[np.isfinite(errors)]
    best = exp_sweep.optimal_errors[scheme]
    assert best == errors[exp_sweep.steps == exp_sweep.optimal_steps[scheme]][0]
    assert best < 1e-3 * finite[-1]  # truncation at the largest step
    assert best < 1e-3 * finite[0]  # rounding at the smallest usable step
    # the best step is interior: the V has two arms
    assert exp_sweep.steps[0] < exp_sweep.optimal_steps[scheme] < exp_sweep.steps[-1]


@pytest.mark.parametrize("scheme, power", [("forward", 1 / 2), ("central", 1 / 3), ("central4", 1 / 5), ("central6", 1 / 7)])
@pytest.mark.parametrize(
    "f, x, exact",
    [(np.exp, 1.0, math.e), (np.sin, 0.6, math.cos(0.6)), (lambda t: 1 / (1 + t * t), -0.5, 0.64), (np.log, 2.0, 0.5)],
)
def test_empirical_optimum_within_two_decades_of_theory(scheme, power, f, x, exact):
    sweep = step_sweep(f, x, exact, schemes=(scheme,))
    theory = EPS**power * max(abs(x), 1.0)
    assert sweep.theoretical_steps[scheme] == pytest.approx(theory, rel=1e-9)
    assert 1e-2 < sweep.optimal_steps[scheme] / theory < 1e2


def test_a_lucky_zero_in_the_rounding_arm_is_not_the_optimum():
    # 1/(1+t²) at -0.5: the central difference at h = 10^-7.5 happens to round to the exact
    # value, deep in the rounding arm where its neighbours are off by ~1e-9.
    f = lambda t: 1 / (1 + t * t)
    h = (-0.5 + 10**-7.5) - -0.5  # the step rounded so that x + h is a float
    lucky = (f(-0.5 + h) - f(-0.5 - h)) / (2 * h)
    assert lucky == 0.64  # the premise, computed directly
    sweep = step_sweep(f, -0.5, 0.64, schemes=("central",))
    assert sweep.absolute_errors["central"].min() == 0.0
    assert 1e-6 < sweep.optimal_steps["central"] < 1e-4
    assert 0 < sweep.optimal_errors["central"] < 1e-10


def test_errors_at_the_best_step_are_small(exp_sweep):
    e = math.e
    assert exp_sweep.optimal_errors["forward"] < 1e-7 * e
    assert exp_sweep.optimal_errors["central"] < 1e-9 * e
    assert exp_sweep.optimal_errors["central4"] < 1e-12 * e
    assert exp_sweep.optimal_errors["complex"] <= 2 * EPS * e


def test_complex_step_has_no_rounding_arm(exp_sweep):
    errors = exp_sweep.absolute_errors["complex"]
    small = exp_sweep.steps <= 1e-8
    assert np.all(errors[small] <= 2 * EPS * math.e)  # exact to rounding, down to 1e-16
    assert exp_sweep.theoretical_steps["complex"] is None
    # above that it falls as h^2: Im e^(1+ih)/h = e·sin(h)/h = e(1 - h²/6 + ...)
    assert errors[-1] == pytest.approx(math.e * (1 - math.sin(0.1) / 0.1), rel=1e-6)


def test_steps_that_vanish_next_to_x_give_nan(exp_sweep):
    assert 1.0 + 1e-16 == 1.0  # the premise
    assert math.isnan(exp_sweep.values["central"][0]) and math.isnan(exp_sweep.absolute_errors["central"][0])
    assert not math.isnan(exp_sweep.values["complex"][0])


def test_relative_errors(exp_sweep):
    np.testing.assert_allclose(
        exp_sweep.relative_errors["central"], exp_sweep.absolute_errors["central"] / math.e, equal_nan=True
    )
    zero_exact = step_sweep(np.sin, math.pi / 2, 0.0, schemes=("central",), steps=[1e-3])
    assert zero_exact.relative_errors["central"][0] == zero_exact.absolute_errors["central"][0]


def test_directional_sweep_for_array_x():
    x, v = np.array([0.3, 1.2]), np.array([1.0, 2.0])
    f = lambda w: np.sum(np.sin(w)) + w[0] * w[1]
    exact = (math.cos(0.3) + 1.2) * 1.0 + (math.cos(1.2) + 0.3) * 2.0
    sweep = step_sweep(f, x, exact, v=v)
    assert sweep.optimal_errors["central"] < 1e-9
    assert sweep.optimal_errors["central4"] < 1e-12
    assert sweep.optimal_errors["complex"] < 1e-14
    assert sweep.theoretical_steps["central"] == pytest.approx(EPS ** (1 / 3) * 1.2 / 2.0, rel=1e-9)
    np.testing.assert_array_equal(sweep.direction, v)


def test_vector_valued_f_uses_the_max_norm():
    f = lambda t: np.array([np.sin(t), t**2])
    sweep = step_sweep(f, 0.5, [math.cos(0.5), 1.0], schemes=("central", "complex"), steps=[1e-2])
    assert sweep.values["central"].shape == (1, 2)
    # central on t^2 is exact, on sin it is off by h²/6·cos(0.5)
    assert sweep.absolute_errors["central"][0] == pytest.approx(1e-4 / 6 * math.cos(0.5), rel=1e-3)


def test_text_and_dict(exp_sweep):
    text = exp_sweep.to_text()
    assert "Step sweep at x = 1.0" in text and "best step" in text
    assert all(s in text for s in SWEEP_SCHEMES)
    assert len(text.splitlines()) == 1 + 1 + len(SWEEP_SCHEMES) + 1 + 1 + 61
    d = exp_sweep.to_dict()
    json.dumps(d, allow_nan=False)  # nan became None: strict JSON
    assert d["x"] == 1.0 and d["exact"] == math.e and len(d["steps"]) == 61 and d["zero_floor"] == ZERO_FLOOR
    central = d["schemes"]["central"]
    assert central["values"][0] is None and central["order"] == 2
    assert central["optimal_step"] == exp_sweep.optimal_steps["central"]
    assert d["schemes"]["complex"]["theoretical_step"] is None
    assert central["evaluations"] == 2 * 60  # one unusable step skipped


def test_domain_exits_at_large_steps_are_nan():
    from dualdiff import log

    sweep = step_sweep(log, 0.05, 20.0, schemes=("central", "forward"))
    large = sweep.steps > 0.05
    assert np.all(np.isnan(sweep.absolute_errors["central"][large]))
    assert np.all(np.isfinite(sweep.absolute_errors["forward"][large]))  # it never looks left
    assert sweep.optimal_errors["central"] < 1e-8 * 20


def test_plot_writes_a_png(exp_sweep, tmp_path):
    path = exp_sweep.plot(tmp_path / "sweep.png")
    assert path == tmp_path / "sweep.png"
    assert path.read_bytes()[:8] == PNG_MAGIC
    relative = exp_sweep.plot(str(tmp_path / "relative.png"), relative=True, title="exp at 1")
    assert relative.read_bytes()[:8] == PNG_MAGIC


def test_plot_with_errors_of_exactly_zero(tmp_path):
    sweep = step_sweep(lambda t: t * t * t, 0.5, 0.75, schemes=("central4", "complex"))
    assert np.any(sweep.absolute_errors["complex"] == 0)
    assert sweep.plot(tmp_path / "zeros.png").read_bytes()[:8] == PNG_MAGIC


def test_plot_does_not_touch_the_pyplot_backend(exp_sweep, tmp_path):
    import matplotlib

    before = matplotlib.get_backend()
    exp_sweep.plot(tmp_path / "sweep.png")
    assert matplotlib.get_backend() == before


def test_plot_without_matplotlib(exp_sweep, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingExtraError) as info:
        exp_sweep.plot(tmp_path / "nothing.png")
    assert str(info.value) == str(MissingExtraError("the step-sweep plot", "matplotlib", "plot"))
    assert "pip install 'dualdiff[plot]'" in str(info.value)
    assert not (tmp_path / "nothing.png").exists()
    assert "Step sweep" in exp_sweep.to_text()  # the data side still works


def test_non_analytic_f_with_the_complex_scheme():
    with pytest.raises(NotAnalyticError, match="leave 'complex' out"):
        step_sweep(math.exp, 1.0, math.e)
    sweep = step_sweep(math.exp, 1.0, math.e, schemes=("forward", "central"))
    assert sweep.schemes == ("forward", "central")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"schemes": ("central", "centre")}, "central4"),
        ({"schemes": ("richardson",)}, "complex"),
        ({"schemes": ()}, "choose"),
        ({"steps": []}, "steps"),
        ({"steps": [1e-3, -1e-3]}, "steps"),
        ({"steps": ["a"]}, "steps"),
        ({"exact": "2.7"}, "exact"),
        ({"exact": math.nan}, "exact"),
        ({"v": 1.0}, "only for array x"),
        ({"x": "1"}, "x must be"),
    ],
)
def test_bad_input(kwargs, match):
    args = {"f": np.exp, "x": 1.0, "exact": math.e, **kwargs}
    with pytest.raises(InputError, match=match):
        step_sweep(**args)


@pytest.mark.parametrize("v", [None, np.array([1.0, 2.0, 3.0]), np.zeros(2)])
def test_array_x_needs_a_direction(v):
    with pytest.raises(InputError, match="direction v"):
        step_sweep(lambda w: np.sum(w), np.array([1.0, 2.0]), 3.0, v=v)


def test_single_scheme_as_a_string():
    assert step_sweep(np.exp, 0.0, 1.0, schemes="central", steps=[1e-4]).schemes == ("central",)
