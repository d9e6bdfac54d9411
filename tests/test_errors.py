"""The exception hierarchy: one base class, the built-in a caller expects, messages that say what to do."""

from __future__ import annotations

import pytest

import dualdiff as dd
from dualdiff import errors

HIERARCHY = {
    "DomainError": ValueError,
    "DualConversionError": TypeError,
    "InputError": ValueError,
    "UnsupportedOperationError": TypeError,
    "NotAnalyticError": TypeError,
    "ExpressionError": ValueError,
    "MissingExtraError": ImportError,
    "SymbolicError": TypeError,
}


@pytest.mark.parametrize("name, builtin", list(HIERARCHY.items()))
def test_every_error_is_a_dualdiff_error_and_the_builtin_callers_catch(name, builtin):
    cls = getattr(errors, name)
    assert issubclass(cls, errors.DualDiffError) and issubclass(cls, builtin)
    assert getattr(dd, name) is cls and name in dd.__all__ and name in errors.__all__


def test_domain_error_names_function_value_and_domain():
    e = errors.DomainError("log", -1.0, "x > 0")
    assert (e.function, e.value) == ("log", -1.0)
    assert str(e).startswith("log(-1.0) is outside the domain of log (its domain is x > 0); ")
    assert "NumPy array" in str(e)
    two = errors.DomainError("atan2", (0.0, 0.0))
    assert str(two).startswith("atan2(0.0, 0.0) is outside the domain of atan2; ")


def test_expression_error_points_at_the_position():
    e = errors.ExpressionError("unexpected '*'", "1 + * 2", 4)
    assert str(e) == "unexpected '*'\n  1 + * 2\n      ^"
    assert (e.message, e.text, e.position) == ("unexpected '*'", "1 + * 2", 4)
    assert str(errors.ExpressionError("empty expression")) == "empty expression"
    assert str(errors.ExpressionError("bad", "a\nb", 1)) == "bad"  # no caret under two lines
    assert str(errors.ExpressionError("bad", "x" * 201, 3)) == "bad"  # nor under a long text


def test_missing_extra_error_names_the_install_command():
    e = errors.MissingExtraError("rendering a graph", "graphviz", "graph")
    assert str(e) == ("rendering a graph needs the 'graphviz' package, which is not installed; "
                      "install it with: pip install 'dualdiff[graph]'")
    assert (e.feature, e.package, e.extra) == ("rendering a graph", "graphviz", "graph")
