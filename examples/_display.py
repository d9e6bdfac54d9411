"""Showing traces and comparison reports in the examples, with or without the `tables` extra.

The aligned text layout needs tabulate (``pip install 'dualdiff[tables]'``); the
examples need only NumPy and SymPy, so without it they print the trace as CSV
and a report as its key lines. Shared by the examples, which run from this folder.
"""

from __future__ import annotations

import dualdiff as dd


def table_text(t) -> str:
    """The trace as an aligned table; CSV (no extra needed) when tabulate is missing."""
    try:
        return t.table("text")
    except dd.MissingExtraError as exc:
        return f"({exc}; here is the same table as CSV)\n" + t.table("csv")


def report_text(report) -> str:
    """A dualdiff.compare report as aligned text; its key lines when tabulate is missing."""
    try:
        return report.to_text()
    except dd.MissingExtraError as exc:
        lines = [f"({exc}; the report's key lines instead)"]
        for row in report.rows:
            if row.skipped:
                lines.append(f"  {row.label}: skipped ({row.skipped})")
            elif row.name == report.reference:
                lines.append(f"  {row.label}: the reference")
            else:
                lines.append(f"  {row.label}: abs error {row.abs_error:.3g}")
        if report.expected is not None:
            lines.append(f"  hand-derived: {report.expected.summary()}")
        if report.steps is not None:
            lines.append(f"  {report.steps.summary()}")
        return "\n".join(lines)
