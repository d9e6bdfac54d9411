"""Workload 5: record a 10^5-node evaluation trace and render it as a text table.

Uses ``dualdiff.trace.trace(f, *args)`` and ``Trace.table("text")`` (issue 4);
until that module exists its rows read "not available yet". The garbage
collector stays on while timing: a long trace allocates many objects, and a
user pays for collecting them.
"""

from __future__ import annotations

import tracemalloc
from functools import partial

import dualdiff as dd

from ..cases import Case, feature
from ..problems import make_chain
from . import Workload

POINT = 0.5
RECORD_AND_RENDER = "dualdiff trace + table('text')"


def workloads(quick: bool) -> list[Workload]:
    operations = 2_000 if quick else 10**5
    return [Workload("5", f"Workload 5: record and render a trace of {operations:,} operations",
                     trace_cases(operations), ["chain on floats", "chain on a Dual, not recorded"],
                     notes=[MemoryNote(operations)])]


def _trace_module():
    module = feature("dualdiff.trace", "trace", "Trace")
    if not hasattr(module.Trace, "table"):
        from ..cases import Unavailable

        raise Unavailable("not available yet (dualdiff.trace.Trace.table does not exist)")
    return module


def _node_count(t) -> int | None:
    for attr in ("nodes", "rows"):
        nodes = getattr(t, attr, None)
        if nodes is not None:
            return len(nodes)
    try:
        return len(t)
    except TypeError:
        return None


def trace_cases(operations: int) -> list[Case]:
    chain = make_chain(dd, operations)

    def record():
        module = _trace_module()
        return partial(module.trace, chain, POINT)

    def record_and_render():
        module = _trace_module()
        return lambda: module.trace(chain, POINT).table("text")

    def render_only():
        module = _trace_module()
        t = module.trace(chain, POINT)
        return partial(t.table, "text")

    is_text = lambda s: isinstance(s, str) and len(s) > operations  # noqa: E731 -- one row a node

    return [
        Case("chain on floats", "baseline", partial(partial, chain, POINT), short="floats"),
        Case("chain on a Dual, not recorded", "baseline",
             partial(partial, dd.derivative, chain, POINT), short="Dual"),
        Case("dualdiff trace (record only)", "dualdiff", record, collect=True),
        Case(RECORD_AND_RENDER, "dualdiff", record_and_render, is_text, collect=True),
        Case("dualdiff table('text') of a recorded trace", "dualdiff", render_only, is_text,
             collect=True),
    ]


class MemoryNote:
    """Peak memory of recording traces of n/10 and n operations: linear means a ratio near 10."""

    def __init__(self, operations: int) -> None:
        self.operations = operations

    def __call__(self) -> str:
        try:
            module = _trace_module()
        except Exception as error:  # noqa: BLE001 -- reported, not raised
            return f"Memory: {error}."
        peaks, nodes = [], []
        for n in (self.operations // 10, self.operations):
            chain = make_chain(dd, n)
            tracemalloc.start()
            t = module.trace(chain, POINT)
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
            nodes.append(_node_count(t) or n)
            del t
        per_node = peaks[1] / nodes[1]
        return (f"Memory (tracemalloc peak while recording): {peaks[0] / 2**20:.1f} MiB for "
                f"{nodes[0]:,} nodes, {peaks[1] / 2**20:.1f} MiB for {nodes[1]:,} nodes "
                f"({per_node:.0f} B/node; ratio {peaks[1] / peaks[0]:.1f} for "
                f"{nodes[1] / nodes[0]:.0f}x the nodes).")
