"""Which implementation of the Dual's float fast path runs: compiled or pure Python.

``pip install`` compiles ``dualdiff/_speedups.c`` where a C compiler is
available; it gives :class:`~dualdiff.dual.Dual` a compiled base class whose
``+ - * / **`` and elementary functions handle a Dual with a float primal and
tangent without Python bytecode (about twice as fast). Without it, or with the
environment variable ``DUALDIFF_PURE_PYTHON=1`` set before dualdiff is
imported, the same Python code that the compiled path falls back to does it
all. Both give the same results, bit for bit (the tests run both).

>>> from dualdiff.backend import COMPILED
>>> COMPILED in (True, False)
True
"""

from __future__ import annotations

import os

__all__ = ["COMPILED", "DualSlots", "new_instance", "speedups"]

if os.environ.get("DUALDIFF_PURE_PYTHON", "") not in ("", "0"):
    speedups = None
else:
    try:
        from . import _speedups as speedups
    except ImportError:  # built without a C compiler
        speedups = None

#: True when the compiled fast path is in use.
COMPILED: bool = speedups is not None

if speedups is not None:
    DualSlots = speedups.DualBase
else:

    class DualSlots:  # type: ignore[no-redef]
        """The Dual's three slots, in pure Python."""

        __slots__ = ("primal", "tangent", "tag")


#: ``new_instance(Dual)``: an empty Dual (or subclass), its slots set by the caller.
#: (``object.__new__`` refuses a class with a compiled base.)
new_instance = DualSlots.__new__
