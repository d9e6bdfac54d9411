"""The results as Markdown tables (one per workload, then the targets) and as JSON.

Every ratio divides two medians of the same run.

>>> seconds(0.00000123)
'1.23 µs'
>>> ratio(812.4)
'812'
"""

from __future__ import annotations

import json
from typing import Any, Iterable

from .measure import Result
from .targets import TARGETS, Target
from .workloads import Workload


def seconds(t: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6), ("ns", 1e-9)):
        if t >= scale or unit == "ns":
            return f"{t / scale:.3g} {unit}"
    raise AssertionError("unreachable")


def ratio(r: float) -> str:
    return f"{r:.3g}" if r < 1000 else f"{r:,.0f}"


def markdown_table(headers: list[str], rows: Iterable[list[str]]) -> str:
    try:
        from tabulate import tabulate
    except ImportError:  # the layout by hand: tabulate is optional here
        lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        return "\n".join(lines)
    return tabulate(list(rows), headers, tablefmt="github", disable_numparse=True)


def _status(result: Result) -> str:
    if result.status == "ok":
        return ""
    if result.status == "unavailable":
        return result.message
    return f"**{result.status.upper()}**: {result.message}"


def workload_table(workload: Workload, results: dict[str, Result]) -> str:
    references = [results[key] for key in workload.references]
    headers = ["case", "kind", "median", "spread"]
    headers += [f"÷ {ref.case.short}" for ref in references]
    rows = []
    for result in (results[case.label] for case in workload.cases):
        case = result.case
        row = [case.label, case.kind]
        if result.timing is None:
            row += [_status(result), ""] + [""] * len(references)
        else:
            t = result.timing
            row += [seconds(t.median), f"{100 * t.spread:.1f}%"]
            for ref in references:
                if ref.median and ref is not result:
                    row.append(ratio(t.median / ref.median))
                else:
                    row.append("1" if ref is result else "—")
            if case.note:
                row[0] += f" ({case.note})"
            if case.cold:
                row[1] += ", one-off"
        rows.append(row)
    return f"### {workload.title}\n\n" + markdown_table(headers, rows)


def judge(target: Target, results: dict[str, dict[str, Result]]) -> tuple[str, str]:
    """(measured, verdict) for one target."""
    table = results.get(target.workload, {})
    num = table.get(target.numerator)
    den = table.get(target.denominator) if target.denominator else None
    missing = [r for r in (num, den) if r is not None and r.median is None]
    if num is None or (target.denominator and den is None):
        return "—", "not run"
    if missing:
        return "—", f"not judged: {missing[0].message}"
    value = num.median / den.median if den else num.median
    measured = f"{ratio(value)}×" if den else seconds(value)
    return measured, ("holds" if target.judge(value) else "**MISSED**")


def targets_table(results: dict[str, dict[str, Result]], quick: bool = False) -> str:
    rows = []
    for target in TARGETS:
        if target.workload not in results:
            continue
        measured, verdict = judge(target, results)
        if quick and target.sized and measured != "—":
            verdict = "not judged (quick run: reduced size)"
        rows.append([target.workload, target.text, f"{target.sense} {target.bound:g}",
                     measured, verdict])
    return "### Targets (issue 8)\n\n" + markdown_table(
        ["workload", "target", "bound", "measured", "verdict"], rows)


def machine_lines(machine: dict[str, str]) -> str:
    return "\n".join(f"- {key}: {value}" for key, value in machine.items())


def as_json(machine: dict[str, Any], settings: dict[str, Any], workloads: list[Workload],
            results: dict[str, dict[str, Result]], notes: dict[str, list[str]]) -> str:
    out = {"machine": machine, "settings": settings, "workloads": []}
    for w in workloads:
        rows = []
        for case in w.cases:
            r = results[w.key][case.label]
            rows.append({"label": case.label, "kind": case.kind, "status": r.status,
                         "message": r.message, "cold": case.cold,
                         "timing": r.timing.as_dict() if r.timing else None})
        out["workloads"].append({"key": w.key, "title": w.title, "references": w.references,
                                 "cases": rows, "notes": notes.get(w.key, [])})
    out["targets"] = [
        {"workload": t.workload, "target": t.text, "numerator": t.numerator,
         "denominator": t.denominator, "bound": f"{t.sense} {t.bound:g}",
         "measured": judge(t, results)[0], "verdict": judge(t, results)[1].strip("*")}
        for t in TARGETS if t.workload in results
    ]
    return json.dumps(out, indent=2, ensure_ascii=False)
