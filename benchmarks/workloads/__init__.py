"""The workloads of issue 8, each a titled list of cases with the rows its ratios are taken to."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..cases import Case


@dataclass
class Workload:
    """One table: its cases, and the case keys each ratio column divides by.

    ``references`` are the rows every other row is compared to (a plain float
    or NumPy baseline, and the dualdiff row itself): each gives a column
    ``time / reference``, computed from medians of the same run.
    """

    key: str
    title: str
    cases: list[Case]
    references: list[str]
    notes: list[str] = field(default_factory=list)


def all_workloads(quick: bool) -> list[Workload]:
    """Every workload, at full size or (``quick``) scaled down for a smoke run."""
    from . import arrays, numeric, scalar, trace

    return [*scalar.workloads(quick), *arrays.workloads(quick), *trace.workloads(quick),
            *numeric.workloads(quick)]
