"""A benchmark case: one way of computing one workload's result, and why it may not run.

A case knows how to build its timed call (``make``), what kind of row it is
(``dualdiff``, a ``baseline`` without derivatives, or a ``peer`` library), and the
result it must produce: every timed call is checked, so a table never shows the
speed of a wrong answer.

>>> c = Case("plain", "baseline", lambda: (lambda: 2.0), expected=2.0)
>>> c.label, c.cold
('plain', False)
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable


class Unavailable(Exception):
    """A case cannot run here; the message is shown in its row (e.g. "skipped (not installed)")."""


def peer(module: str, package: str | None = None) -> Any:
    """Import a peer library, or raise :class:`Unavailable` saying it is not installed."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise Unavailable(f"skipped ({package or module.split('.')[0]} not installed)") from None


def feature(module: str, *names: str) -> Any:
    """Import a part of dualdiff that may not have landed yet, or raise :class:`Unavailable`."""
    try:
        mod = importlib.import_module(module)
    except ImportError:
        raise Unavailable(f"not available yet ({module} does not exist)") from None
    for name in names:
        if not hasattr(mod, name):
            raise Unavailable(f"not available yet ({module}.{name} does not exist)")
    return mod


@dataclass
class Case:
    """One row of a workload's table.

    ``make()`` returns the zero-argument call to time (or, for a ``cold`` case,
    a function that prepares one fresh call per repeat); it raises
    :class:`Unavailable` when the case cannot run. ``expected`` is the value the
    call must return (checked with ``rtol``), or a predicate the result must
    satisfy; ``collect`` keeps the garbage collector on while timing.
    """

    label: str
    kind: str  # "dualdiff" | "baseline" | "peer"
    make: Callable[[], Callable[[], Any]]
    expected: Any = None
    rtol: float = 1e-9
    cold: bool = False
    collect: bool = False
    note: str = ""
    #: The column header when other rows are divided by this one.
    short: str = field(default="")

    def __post_init__(self) -> None:
        if not self.short:
            self.short = "dualdiff" if self.kind == "dualdiff" else self.label
