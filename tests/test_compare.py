"""compare(): AD, SymPy and numeric derivatives side by side, hand-derived checks, rendering.

References: SymPy values computed here, and published facts about finite
differences (forward difference error ≈ h/2·f'', central difference error ∝ h²
until rounding dominates, the complex step exact to rounding on analytic f).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
from html.parser import HTMLParser

import mpmath
import numpy as np
import pytest
import sympy

import dualdiff as dd
from dualdiff.compare import DEFAULT_METHODS, compare
from dualdiff.errors import InputError
from dualdiff.steps import check_steps
from dualdiff.report import Report

from test_symbolic import swell  # the same swelling function as the symbolic tests


def canonical(v):
    return dd.log(v[0]) + v[0] * v[1] - dd.sin(v[1])


def exact_canonical_gradient():
    with mpmath.workdps(40):
        return [mpmath.mpf(11) / 2, 2 - mpmath.cos(5)]


@pytest.fixture(scope="module")
def report() -> Report:
    return compare(canonical, [2.0, 5.0])


# -- the numbers -----------------------------------------------------------------------


def test_canonical_report_rows(report):
    assert report.kind == "gradient" and report.reference == "symbolic"
    assert list(report.numeric) == list(DEFAULT_METHODS)
    exact = exact_canonical_gradient()
    for i in range(2):
        assert abs(report.ad.value[i] - float(exact[i])) <= 2e-16 * abs(float(exact[i]))
    assert report.ad.evaluations == 1 and report.ad.seconds > 0
    assert report.ad.abs_error <= 2.3e-16 * 5.5
    # every numeric row has a value, a cost, a time and errors
    for name, row in report.numeric.items():
        assert row.skipped is None, name
        assert row.evaluations >= 2 and row.seconds > 0 and row.abs_error is not None


def test_errors_are_measured_against_the_high_precision_value(report):
    exact = exact_canonical_gradient()
    forward = report.numeric["forward"]
    with mpmath.workdps(40):
        expected = [float(abs(mpmath.mpf(float(v)) - e)) for v, e in zip(forward.value, exact)]
    assert forward.errors.tolist() == pytest.approx(expected, rel=1e-12)
    assert forward.abs_error == max(expected)
    assert forward.rel_error == pytest.approx(max(expected) / 5.5, rel=1e-12)


def test_complex_step_matches_to_rounding(report):
    # Squire & Trapp (1998); Martins et al. (2003): no subtraction, so no cancellation
    assert report.numeric["complex"].rel_error < 1e-15


def test_forward_difference_at_1e_5_is_off_by_about_1e_6_in_x1():
    # error ≈ (h/2)·∂²f/∂x1² = (1e-5/2)·(-1/x1²) = -1.25e-6 at x1 = 2
    r = compare(canonical, [2.0, 5.0], methods=["forward"], step=1e-5, symbolic=False)
    errors = r.numeric["forward"].errors
    assert 1.0e-6 < errors[0] < 1.5e-6
    assert r.numeric["forward"].value[0] - 5.5 == pytest.approx(-1.25e-6, rel=1e-3)


def test_central_difference_error_falls_as_h_squared_until_rounding():
    steps = [1e-1, 1e-2, 1e-3]
    errors = [compare(dd.exp, 1.0, methods=["central"], step=h).numeric["central"].abs_error
              for h in steps]
    for coarse, fine in zip(errors, errors[1:]):
        assert 90 < coarse / fine < 110  # error = e·h²/6 + O(h⁴)
    assert errors[0] == pytest.approx(math.e * 1e-2 / 6, rel=1e-2)
    tiny = compare(dd.exp, 1.0, methods=["central"], step=1e-13).numeric["central"].abs_error
    assert tiny > 100 * errors[-1]  # rounding error eps·f/h now dominates


def test_richardson_beats_central(report):
    assert report.numeric["richardson"].abs_error < report.numeric["central"].abs_error
    assert report.numeric["richardson"].estimate is not None


def test_scalar_derivative_of_a_vector_valued_function():
    r = compare(lambda t: np.array([dd.cos(t), t * t]), 0.5)
    assert r.kind == "derivative" and r.ad.value.shape == (2,)
    t = sympy.Symbol("t")
    reference = [float(sympy.diff(e, t).subs(t, sympy.Rational(1, 2))) for e in (sympy.cos(t), t**2)]
    assert r.ad.value.tolist() == pytest.approx(reference, rel=1e-15)


def test_jacobian_against_sympy():
    r = compare(lambda v: [v[0] * v[1], dd.exp(v[0]) * v[1]], [1.0, 2.0])
    a, b = sympy.symbols("a b")
    J = sympy.Matrix([a * b, sympy.exp(a) * b]).jacobian([a, b]).subs({a: 1, b: 2})
    assert r.kind == "jacobian"
    np.testing.assert_allclose(r.ad.value, np.array(J, dtype=float), rtol=1e-15)
    assert r.symbolic_row.abs_error is None and r.ad.abs_error < 1e-14


# -- hand-derived derivatives -----------------------------------------------------------


def test_a_correct_hand_derived_gradient_agrees():
    right = lambda v: np.array([1 / v[0] + v[1], v[0] - np.cos(v[1])])  # noqa: E731
    r = compare(canonical, [2.0, 5.0], expected=right, symbolic=False)
    assert r.expected.agree and r.expected.first is None


def test_a_wrong_hand_derived_gradient_is_caught_and_named():
    wrong = lambda v: np.array([1 / v[0] + v[1], v[0] + np.cos(v[1])])  # sign error in ∂/∂x1
    r = compare(canonical, [2.0, 5.0], expected=wrong, symbolic=False)
    check = r.expected
    assert not check.agree and len(check.mismatches) == 1
    first = check.first
    assert first.index == (1,) and first.name == "∂f/∂x[1]"
    assert first.abs_diff == pytest.approx(2 * abs(math.cos(5.0)), rel=1e-14)
    assert "DISAGREES" in r.to_text() and "∂f/∂x[1]" in r.to_text()


def test_the_first_of_several_wrong_components_is_named_in_a_jacobian():
    f = lambda v: [v[0] * v[1], v[0] ** 2, dd.sin(v[1])]  # noqa: E731
    hand = [[2.0, 1.0], [1.0, 0.0], [0.0, math.cos(2.0)]]  # ∂f1/∂x0 = 2 x0 = 2, written 1 ...
    hand[1][0] = 1.0  # wrong: should be 2
    hand[2][1] = -math.cos(2.0)  # wrong sign
    r = compare(f, [1.0, 2.0], expected=hand, symbolic=False, methods=[])
    names = [m.name for m in r.expected.mismatches]
    assert names == ["∂f[1]/∂x[0]", "∂f[2]/∂x[1]"]
    assert r.expected.first.expected == 1.0 and r.expected.first.ad == 2.0


def test_tolerance_is_relative_and_configurable():
    almost = [5.5 * (1 + 1e-10), 2 - math.cos(5)]
    assert compare(canonical, [2.0, 5.0], expected=almost, symbolic=False).expected.agree
    strict = compare(canonical, [2.0, 5.0], expected=almost, symbolic=False, rtol=1e-12)
    assert strict.expected.first.name == "∂f/∂x[0]"


def test_expected_with_the_wrong_shape_is_an_input_error():
    with pytest.raises(InputError, match="shape"):
        compare(canonical, [2.0, 5.0], expected=[1.0, 2.0, 3.0], symbolic=False)


# -- steps -------------------------------------------------------------------------------

RNG = np.random.default_rng(7)
T, N, H = 3, 2, 2
WX, WH = RNG.normal(size=(H, N)) * 0.5, RNG.normal(size=(H, H)) * 0.5
VF, VB = RNG.normal(size=H), RNG.normal(size=H)
Y = np.array([0.3, -0.1, 0.2])
X0 = RNG.normal(size=(T, N))


def _rnn(x, order):
    h, states = np.zeros(H), {}
    for t in order:
        h = np.tanh(WX @ x[t] + WH @ h)
        states[t] = h
    return np.stack([states[t] for t in range(T)])


BIRNN = {
    "hf": lambda x: _rnn(x, range(T)),
    "hb": lambda x: _rnn(x, reversed(range(T))),
    "z": lambda hf, hb: hf @ VF + hb @ VB,
    "loss": lambda z: np.sum((z - Y) ** 2),
}


def _loss_partial_reference(x):
    """∂loss/∂z = 2(z - y), with z computed in plain NumPy."""
    z = _rnn(x, range(T)) @ VF + _rnn(x, reversed(range(T))) @ VB
    return 2 * (z - Y)


def test_steps_name_the_first_wrong_intermediate_local_partial():
    expected = {
        # z[i] = Σ_k hf[i, k]·VF[k], so ∂z[i]/∂hf[j, k] = δ_ij·VF[k]
        "z": {"hf": np.einsum("ij,k->ijk", np.eye(T), VF)},
        "loss": {"z": lambda z: (Y - z) / np.linalg.norm(z - Y)},  # the student's mistake
    }
    check = check_steps(BIRNN, X0, expected)
    assert check.first_mismatch == "loss"
    assert [c.name for c in check.checks] == ["hf", "hb", "z", "loss"]
    z_check = next(c for c in check.checks if c.name == "z")
    assert z_check.agree and z_check.what == "∂z/∂hf"
    np.testing.assert_allclose(check.first.ad, _loss_partial_reference(X0), rtol=1e-14)


def test_steps_correct_derivation_agrees_in_chain_rule_form():
    expected = {"loss": lambda z, d_z: 2 * np.tensordot(z - Y, d_z, axes=1)}
    check = check_steps(BIRNN, X0, expected)
    assert check.agree and check.first_mismatch is None
    np.testing.assert_allclose(check.checks[-1].ad,
                               dd.grad(lambda x: BIRNN["loss"](BIRNN["z"](
                                   _rnn(x, range(T)), _rnn(x, reversed(range(T))))), X0),
                               rtol=1e-14)


def test_steps_an_early_wrong_step_is_named_before_a_later_one():
    expected = {
        "hf": lambda x, hf: np.zeros(hf.shape + x.shape),  # wrong: dhf/dx is not 0
        "loss": {"z": lambda z: (Y - z) / np.linalg.norm(z - Y)},  # wrong too
    }
    check = check_steps(BIRNN, X0, expected)
    assert check.first_mismatch == "hf"
    assert sum(not c.agree for c in check.checks) == 2


def test_compare_with_steps_reports_them():
    r = compare(BIRNN, X0, expected={"loss": {"z": lambda z: (Y - z) / np.linalg.norm(z - Y)}},
                symbolic=False)
    assert r.kind == "gradient" and r.function == "loss"
    assert r.steps.first_mismatch == "loss"
    assert "first intermediate where the hand-derived derivative and AD part ways is 'loss'" \
        in r.to_text()
    assert json.loads(r.to_json())["steps"]["first_mismatch"] == "loss"


def test_chain_of_plain_functions():
    chain = [lambda x: x * x, lambda u: dd.sin(u), lambda s: 3.0 * s]
    check = check_steps(chain, 0.75, {"step2": lambda x: math.cos(x * x) * 2 * x,
                                      "step3": lambda x: 3 * math.cos(x * x)})  # step3: no 2x
    assert check.first_mismatch == "step3"


def test_steps_unknown_names_are_input_errors():
    with pytest.raises(InputError, match="not the input or an earlier step"):
        check_steps({"a": lambda x: x, "b": lambda c: c}, 1.0, {})
    with pytest.raises(InputError, match="not steps"):
        check_steps({"a": lambda x: x}, 1.0, {"b": 1.0})
    with pytest.raises(InputError, match="dict of step derivatives"):
        compare(canonical, [2.0, 5.0], expected={"a": 1.0})


# -- skipped methods ---------------------------------------------------------------------


def test_branching_function_skips_symbolic_and_measures_against_ad():
    r = compare(lambda x: x * x if x > 0 else -x, 1.5)
    assert r.symbolic is None and "branches" in r.symbolic_row.skipped
    assert r.reference == "ad" and "AD" in r.reference_note
    assert r.numeric["central"].abs_error < 1e-8  # measured against AD's 3.0
    assert "NotAnalyticError" in r.numeric["complex"].skipped  # complex numbers have no >
    text = r.to_text()
    assert "SymPy (symbolic) skipped: f branches on the value of its input" in text


def test_non_analytic_function_skips_the_complex_step_only():
    r = compare(lambda x: dd.abs(x) * x, 1.5)
    assert "NotAnalyticError" in r.numeric["complex"].skipped
    assert r.reference == "symbolic" and r.numeric["central"].abs_error < 1e-8


def test_symbolic_timeout_is_reported_and_the_rest_still_runs():
    r = compare(swell(10), 0.7, timeout=0.01, isolation="process")
    assert r.symbolic_row.skipped.startswith("took longer than 0.01 s")
    assert r.reference == "ad" and r.ad.skipped is None
    assert all(row.skipped is None for row in r.numeric.values())
    assert r.trace_length == 30  # three operations per iteration


def test_math_module_function_skips_ad_and_symbolic():
    r = compare(lambda x: math.sin(x), 1.0)
    assert "DualConversionError" in r.ad.skipped and r.symbolic is None
    assert r.reference is None and r.numeric["central"].value == pytest.approx(math.cos(1.0))
    assert "skipped" in r.to_text()


def test_bad_arguments():
    with pytest.raises(InputError):
        compare(canonical, "2, 5")
    with pytest.raises(InputError):
        compare(canonical, [2.0, 5.0], methods=["sideways"])
    with pytest.raises(InputError):
        compare([2.0, 5.0], canonical)
    with pytest.raises(InputError):
        compare(canonical, [2.0, math.nan])


# -- every format --------------------------------------------------------------------------


class _Balance(HTMLParser):
    VOID = {"br", "hr", "img", "meta", "input", "link", "col"}

    def __init__(self):
        super().__init__()
        self.stack, self.errors, self.tags = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(tag)


@pytest.fixture(scope="module")
def wrong_report() -> Report:
    wrong = lambda v: np.array([1 / v[0] + v[1], v[0] + np.cos(v[1])])  # noqa: E731
    return compare(canonical, [2.0, 5.0], expected=wrong)


def test_json_has_the_required_keys(wrong_report):
    data = json.loads(wrong_report.to_json())
    assert {"ad", "symbolic", "numeric", "point", "expected"} <= set(data)
    assert data["point"] == [2.0, 5.0]
    assert set(data["numeric"]) == set(DEFAULT_METHODS)
    for entry in data["numeric"].values():
        assert len(entry["value"]) == 2 and entry["abs_error"] is not None
        assert len(entry["errors"]) == 2
    assert data["symbolic"]["status"] == "ok" and data["symbolic"]["exact"] == ["11/2", "2 - cos(5)"]
    assert data["ad"]["trace_length"] == 5
    assert data["expected"]["first_mismatch"]["name"] == "∂f/∂x[1]"
    assert wrong_report.table("json") == wrong_report.to_json()


def test_json_of_a_skipped_symbolic_side():
    data = json.loads(compare(lambda x: x if x > 0 else -x, 1.0).to_json())
    assert data["symbolic"]["status"] == "skipped" and "branches" in data["symbolic"]["reason"]
    assert data["reference"]["method"] == "ad"


def test_html_parses_and_is_balanced(wrong_report):
    for document in (wrong_report.to_html(), wrong_report._repr_html_()):
        parser = _Balance()
        parser.feed(document)
        parser.close()
        assert not parser.errors and not parser.stack
        assert "table" in parser.tags and "DISAGREES" in document


def test_latex_is_balanced(wrong_report):
    latex = wrong_report.to_latex()
    stripped = re.sub(r"\\[{}$&%#_]", "", latex)
    assert stripped.count("{") == stripped.count("}")
    assert latex.count(r"\[") == latex.count(r"\]") == 1
    begins = re.findall(r"\\begin\{(\w+)\}", latex)
    ends = re.findall(r"\\end\{(\w+)\}", latex)
    assert sorted(begins) == sorted(ends) and "tabular" in begins
    assert r"\frac{1}{x_{0}}" in latex  # the formula, from SymPy's LaTeX printer


def test_markdown_text_and_csv(wrong_report):
    markdown = wrong_report._repr_markdown_()
    assert "| method" in markdown and "$$" in markdown
    text = wrong_report.to_text()
    for label in ("AD (forward mode)", "SymPy (symbolic) = reference", "complex step",
                  "central, 4th order", "Richardson (central)"):
        assert label in text
    assert "x1 + 1/x0" in text and "the AD trace has 5 elementary operations" in text
    rows = list(csv.reader(io.StringIO(wrong_report.table("csv"))))
    assert rows[0][:2] == ["method", "value"] and len(rows) == 1 + 2 + len(DEFAULT_METHODS)
    assert str(wrong_report) == text and "DISAGREES" in repr(wrong_report)


def test_unknown_format():
    with pytest.raises(InputError):
        compare(lambda x: x * x, 1.0, symbolic=False, methods=[]).table("pdf")


# -- names= ------------------------------------------------------------------------


def test_names_reach_the_formula_the_labels_the_heading_and_the_json():
    x1, x2 = sympy.symbols("x1 x2", real=True)
    by_hand = [sympy.diff(sympy.log(x1) + x1 * x2 - sympy.sin(x2), v) for v in (x1, x2)]
    r = compare(canonical, [2.0, 5.0], names=["x1", "x2"], methods=["central"],
                expected=lambda v: [1 / v[0] + v[1], v[0] + dd.cos(v[1])])
    assert [sympy.simplify(d - e) for d, e in zip(r.symbolic.derivative, by_hand)] == [0, 0]
    assert r.symbolic.text == "[x2 + 1/x1, x1 - cos(x2)]"
    assert r.expected.first.name == "∂f/∂x2"  # the user's x2, the second component
    text = r.to_text()
    assert "Gradient of canonical at x1 = 2, x2 = 5" in text and "first: ∂f/∂x2:" in text
    assert "x[1]" not in text and "x0" not in text
    data = json.loads(r.to_json())
    assert data["names"] == ["x1", "x2"]
    assert data["expected"]["first_mismatch"]["name"] == "∂f/∂x2"
    assert data["symbolic"]["formula"] == "[x2 + 1/x1, x1 - cos(x2)]"


def test_names_for_a_derivative_and_a_jacobian():
    r = compare(lambda t: t ** 3, 2.0, names=["t"], methods=["central"], expected=13.0)
    assert r.symbolic.text == "3*t**2" and r.expected.first.name == "f'(t)"
    # Jacobian of (a·b, a + b²) at (1, 2): [[2, 1], [1, 4]]; the hand value is wrong at [1][1]
    r = compare(lambda v: [v[0] * v[1], v[0] + v[1] ** 2], [1.0, 2.0], names=["a", "b"],
                methods=["central"], expected=[[2.0, 1.0], [1.0, 5.0]])
    assert r.expected.first.name == "∂f[1]/∂b"
    assert r.symbolic.text == "[[b, a], [1, 2*b]]"


def test_names_of_a_matrix_point_follow_the_flat_order():
    r = compare(lambda m: m[0, 0] * m[1, 1], [[1.0, 2.0], [3.0, 4.0]],
                names=["p", "q", "r", "s"], methods=["central"],
                expected=[[4.0, 0.0], [0.0, 3.0]])
    assert r.expected.first.name == "∂f/∂s"  # d(p·s)/ds = p = 1, not 3


def test_names_without_symbolic_and_without_names():
    r = compare(canonical, [2.0, 5.0], names=["x1", "x2"], symbolic=False, methods=[])
    assert json.loads(r.to_json())["names"] == ["x1", "x2"]
    plain = compare(canonical, [2.0, 5.0], methods=[])
    assert json.loads(plain.to_json())["names"] is None
    assert plain.symbolic.text == "[x1 + 1/x0, x0 - cos(x1)]"


@pytest.mark.parametrize("names, words", [
    (["x1"], "1 name(s) but the point has 2"),
    (["x1", "x2", "x3"], "3 name(s)"),
    (["x1", "x-2"], "valid identifiers"),
    (["x1", ""], "valid identifiers"),
    (["x", "x"], "distinct"),
    ("x1", "sequence of names"),
])
def test_bad_names_are_input_errors_before_anything_runs(names, words):
    calls = []

    def f(v):
        calls.append(1)
        return canonical(v)

    with pytest.raises(InputError, match=re.escape(words)):
        compare(f, [2.0, 5.0], names=names)
    assert calls == []
