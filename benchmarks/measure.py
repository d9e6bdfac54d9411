"""Running the cases of a workload: build each call, check its result, time them in rounds.

A peer that fails never crashes the run: its row says what went wrong.

>>> from benchmarks.cases import Case
>>> from benchmarks.timing import Settings
>>> r = run_case(Case("two", "baseline", lambda: (lambda: 2.0), expected=2.0), Settings.quick())
>>> r.status, r.timing.repeats
('ok', 3)
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from .cases import Case, Unavailable
from .timing import Sampler, Settings, Timing


@dataclass
class Result:
    case: Case
    status: str  # "ok" | "unavailable" | "failed" | "wrong"
    timing: Timing | None = None
    message: str = ""

    @property
    def median(self) -> float | None:
        return self.timing.median if self.timing else None


def _check(case: Case, result: Any) -> str:
    """'' if the result is right, else what is wrong with it."""
    expected = case.expected
    if expected is None:
        return ""
    if callable(expected):
        return "" if expected(result) else f"unexpected result {result!r:.60}"
    try:
        got = np.asarray(result, dtype=float)
        ok = got.shape == np.shape(expected) and np.allclose(
            got, expected, rtol=case.rtol, atol=case.rtol)
    except (TypeError, ValueError):
        ok = False
    if ok:
        return ""
    return f"wrong result: got {np.asarray(result)!r:.80}, expected {np.asarray(expected)!r:.80}"


def _guard(case: Case, step: Callable[[], Any]) -> Any:
    """Run one step of a case; a Result instead of an exception when it cannot go on."""
    try:
        return step()
    except Unavailable as why:
        return Result(case, "unavailable", message=str(why))
    except ModuleNotFoundError as error:
        if (error.name or "").startswith("dualdiff."):  # a part of dualdiff still being written
            return Result(case, "unavailable",
                          message=f"not available yet ({error.name} does not exist)")
        return Result(case, "failed", message=f"failed: {error}")
    except Exception as error:  # noqa: BLE001 -- a failing case is a row, not a crash
        last = traceback.extract_tb(error.__traceback__)[-1]
        return Result(case, "failed", message=f"failed: {type(error).__name__}: {error} "
                      f"({last.filename.rsplit('/', 1)[-1]}:{last.lineno})")


def _prepare(case: Case, settings: Settings) -> Sampler | Result:
    def step():
        built = case.make()
        call = built() if case.cold else built  # a cold case builds a fresh call per repeat
        wrong = _check(case, call())
        if wrong:
            return Result(case, "wrong", message=wrong)
        if case.cold:
            return Sampler(None, settings, prepare=built)
        return Sampler(call, settings, collect=case.collect)

    return _guard(case, step)


def run_cases(cases: list[Case], settings: Settings) -> dict[str, Result]:
    """Every case of one workload, timed in rounds; results by label, in the cases' order."""
    prepared = {case.label: _prepare(case, settings) for case in cases}
    samplers = {label: s for label, s in prepared.items() if isinstance(s, Sampler)}
    failed: dict[str, Result] = {}
    while any(not s.done for label, s in samplers.items() if label not in failed):
        for case in cases:
            sampler = samplers.get(case.label)
            if sampler is None or sampler.done or case.label in failed:
                continue
            outcome = _guard(case, sampler.sample)
            if isinstance(outcome, Result):
                failed[case.label] = outcome
    results = {}
    for case in cases:
        p = prepared[case.label]
        if case.label in failed:
            results[case.label] = failed[case.label]
        elif isinstance(p, Sampler):
            results[case.label] = Result(case, "ok", p.timing())
        else:
            results[case.label] = p
    return results


def run_case(case: Case, settings: Settings) -> Result:
    return run_cases([case], settings)[case.label]
