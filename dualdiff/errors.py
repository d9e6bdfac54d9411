"""The exception hierarchy: every error a user can cause is a :class:`DualDiffError`.

Each subclass also derives from the built-in exception a Python programmer would
expect (``ValueError``, ``TypeError``, ``ImportError``), so existing ``except``
clauses keep working. Messages say what was wrong and what to do about it.
"""

from __future__ import annotations

__all__ = [
    "DualDiffError",
    "DomainError",
    "DualConversionError",
    "InputError",
    "UnsupportedOperationError",
    "NotAnalyticError",
    "ExpressionError",
    "MissingExtraError",
    "SymbolicError",
    "SymbolicTimeout",
    "GraphvizNotFoundError",
    "DualDiffWarning",
    "TraceWarning",
    "TieWarning",
    "NonFiniteWarning",
]


class DualDiffError(Exception):
    """Base class of every error dualdiff raises on bad input or misuse."""


class DomainError(DualDiffError, ValueError):
    """An elementary function was applied to a Python scalar outside its domain.

    ``function`` is the rule name (``"log"``) and ``value`` the offending argument(s).
    """

    def __init__(self, function: str, value: object, domain: str = "") -> None:
        self.function = function
        self.value = value
        args = ", ".join(repr(v) for v in value) if isinstance(value, tuple) else repr(value)
        where = f" (its domain is {domain})" if domain else ""
        super().__init__(
            f"{function}({args}) is outside the domain of {function}{where}; "
            f"evaluate it at a point inside the domain, or pass a NumPy array to get "
            f"NumPy's nan-and-warning behaviour instead of an error"
        )


class DualConversionError(DualDiffError, TypeError):
    """A Dual was converted to a plain number, which would silently drop its tangent."""


class InputError(DualDiffError, ValueError):
    """The arguments of a dualdiff function have the wrong kind or shape."""


class UnsupportedOperationError(DualDiffError, TypeError):
    """An operation (a NumPy function, a conversion) has no forward-mode rule yet."""


class NotAnalyticError(DualDiffError, TypeError):
    """A non-analytic function (abs, comparisons, ...) was given a complex argument."""


class ExpressionError(DualDiffError, ValueError):
    """Text given to the expression language could not be parsed or evaluated.

    ``text`` and ``position`` (a 0-based character offset, or None) locate the
    problem; ``str(error)`` shows the text with a caret under that position.
    """

    def __init__(self, message: str, text: str | None = None, position: int | None = None) -> None:
        self.message = message
        self.text = text
        self.position = position
        super().__init__(self._render())

    def _render(self) -> str:
        if self.text is None or self.position is None or "\n" in self.text or len(self.text) > 200:
            return self.message
        caret = " " * self.position + "^"
        return f"{self.message}\n  {self.text}\n  {caret}"


class MissingExtraError(DualDiffError, ImportError):
    """An optional feature needs a package that is not installed."""

    def __init__(self, feature: str, package: str, extra: str) -> None:
        self.feature, self.package, self.extra = feature, package, extra
        super().__init__(
            f"{feature} needs the '{package}' package, which is not installed; "
            f"install it with: pip install 'dualdiff[{extra}]'"
        )


class SymbolicError(DualDiffError, TypeError):
    """A function could not be run on SymPy symbols (data-dependent branch, unsupported call)."""


class SymbolicTimeout(SymbolicError):
    """The symbolic work took longer than the time limit (see ``timeout=``)."""


class GraphvizNotFoundError(DualDiffError, RuntimeError):
    """The Graphviz programs (``dot``) are not installed, so a DAG cannot be drawn."""

    def __init__(self) -> None:
        super().__init__(
            "drawing the DAG needs the Graphviz programs (the 'dot' command), which were not "
            "found on PATH; install Graphviz (Debian/Ubuntu: apt-get install graphviz, macOS: "
            "brew install graphviz, Windows: https://graphviz.org/download/) and the Python "
            "package with pip install 'dualdiff[graph]'. Trace.to_dot() gives the DOT text "
            "without either"
        )


class DualDiffWarning(UserWarning):
    """Base class of the warnings dualdiff gives (the computation went on, but look here)."""


class TraceWarning(DualDiffWarning):
    """Base class of the warnings a trace gives about where a derivative may be wrong."""


class TieWarning(TraceWarning):
    """A comparison on traced values had equal sides, or a kinked function sat on its kink.

    At a tie the branch the program took decides which one-sided derivative the
    trace computes; the other branch may give a different one.
    """


class NonFiniteWarning(TraceWarning):
    """A node's primal or tangent became NaN or infinite: this is where the derivative broke."""
