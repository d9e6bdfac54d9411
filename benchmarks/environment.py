"""Everything a reader needs to weigh the numbers: machine, versions, threads, timer overhead.

>>> "cpu" in environment()
True
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import timeit
from pathlib import Path

from .machine import machine_info

PEERS = ("ad", "autograd", "jax", "jaxlib", "torch", "numdifftools", "sympy")


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def _commit() -> str:
    root = Path(__file__).resolve().parent.parent
    try:
        out = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=5)
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--",
                                "dualdiff"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    if out.returncode != 0:
        return "unknown"
    return out.stdout.strip() + (" + uncommitted changes in dualdiff/" if dirty.stdout.strip()
                                 else "")


def _fast_path() -> str:
    from dualdiff import backend

    if backend.COMPILED:
        return "compiled (dualdiff._speedups)"
    if os.environ.get("DUALDIFF_PURE_PYTHON", "") not in ("", "0"):
        return "pure Python (DUALDIFF_PURE_PYTHON is set)"
    return "pure Python (the C extension was not built at install time)"


def _timer_overhead() -> float:
    """Seconds the timing loop itself costs per call (an empty call), not subtracted."""
    timer = timeit.Timer(lambda: None)
    number = 100_000
    return min(timer.repeat(5, number)) / number


def environment() -> dict[str, str]:
    import dualdiff

    info = machine_info()
    info["dualdiff"] = f"{dualdiff.__version__} (commit {_commit()})"
    info["dualdiff fast path"] = _fast_path()
    peers = [f"{p} {v}" for p in PEERS if (v := _version(p))]
    missing = [p for p in PEERS if not _version(p)]
    info["peers"] = ", ".join(peers) or "none"
    if missing:
        info["peers not installed"] = ", ".join(missing)
    try:
        import torch

        info["torch threads"] = str(torch.get_num_threads())
    except ImportError:
        pass
    try:
        info["load average at the end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        pass
    info["timer overhead"] = f"{_timer_overhead() * 1e9:.0f} ns per call (not subtracted)"
    return info
