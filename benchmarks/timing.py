"""How a case is timed: warm-up, a loop count long enough for the clock, repeats, median, spread.

Steady-state calls go through :mod:`timeit` (the garbage collector is off while
timing, as timeit does, unless a case asks for it). One-off calls (a JIT
compile, SymPy's diff + lambdify) are timed one fresh call per repeat.

The repeats of the cases of one workload are taken in rounds (case A, B, C,
then A, B, C again ...), so a change in the machine's load during the run hits
every row alike instead of skewing the ratios between them.

>>> s = Sampler(lambda: sum(range(10)), Settings.quick())
>>> for _ in range(3): s.sample()
>>> t = s.timing()
>>> t.median > 0 and t.repeats == 3
True
"""

from __future__ import annotations

import gc
import statistics
import time
import timeit
from dataclasses import asdict, dataclass
from typing import Any, Callable

#: A repeat longer than this makes a case "slow": it gets half the repeats.
SLOW_REPEAT = 2.0


@dataclass(frozen=True)
class Settings:
    """How hard to measure: seconds per repeat, repeats, warm-up seconds, one-off repeats."""

    repeat_seconds: float
    repeats: int
    warmup_seconds: float
    cold_repeats: int

    @classmethod
    def full(cls) -> "Settings":
        return cls(repeat_seconds=0.2, repeats=7, warmup_seconds=0.1, cold_repeats=5)

    @classmethod
    def quick(cls) -> "Settings":
        return cls(repeat_seconds=0.005, repeats=3, warmup_seconds=0.0, cold_repeats=1)


@dataclass(frozen=True)
class Timing:
    """Seconds per call: the median over repeats and the spread around it."""

    median: float
    q1: float
    q3: float
    best: float
    worst: float
    repeats: int
    number: int  # calls per repeat

    @property
    def spread(self) -> float:
        """The interquartile range relative to the median (0.05: the middle half within 5 %)."""
        return (self.q3 - self.q1) / self.median if self.median else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "spread": self.spread}


def summary(per_call: list[float], number: int) -> Timing:
    per_call = sorted(per_call)
    if len(per_call) >= 2:
        q1, _, q3 = statistics.quantiles(per_call, n=4, method="inclusive")
    else:
        q1 = q3 = per_call[0]
    return Timing(statistics.median(per_call), q1, q3, per_call[0], per_call[-1],
                  len(per_call), number)


class Sampler:
    """One case, warmed up and calibrated, that takes one repeat per :meth:`sample`.

    ``prepare`` (for one-off cases) builds a fresh call before each repeat,
    untimed (``call`` is then None).
    ``collect=True`` keeps the garbage collector running while timing, for cases
    that allocate many objects (where collecting them is part of what a user pays).
    """

    def __init__(self, call: Callable[[], Any] | None, settings: Settings, *,
                 collect: bool = False,
                 prepare: Callable[[], Callable[[], Any]] | None = None) -> None:
        self.samples: list[float] = []
        self.prepare = prepare
        if prepare is not None:
            self.number, self.limit = 1, settings.cold_repeats
            return
        assert call is not None
        deadline = time.perf_counter() + settings.warmup_seconds
        call()
        while time.perf_counter() < deadline:
            call()
        self.timer = timeit.Timer(call, setup="import gc; gc.enable()" if collect else "pass")
        number = 1
        while True:  # timeit.Timer.autorange, with our own target duration
            elapsed = self.timer.timeit(number)
            if elapsed >= settings.repeat_seconds:
                break
            number = max(number * 2, int(number * settings.repeat_seconds / max(elapsed, 1e-9)))
        self.number = number
        self.limit = settings.repeats if elapsed < SLOW_REPEAT else max(3, settings.repeats // 2)

    @property
    def done(self) -> bool:
        return len(self.samples) >= self.limit

    def sample(self) -> None:
        if self.prepare is not None:
            call = self.prepare()
            gc.collect()
            start = time.perf_counter()
            call()
            self.samples.append(time.perf_counter() - start)
        else:
            self.samples.append(self.timer.timeit(self.number) / self.number)

    def timing(self) -> Timing:
        return summary(self.samples, self.number)
