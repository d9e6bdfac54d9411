"""Loading and running the scripts in examples/ for the example tests.

Examples are scripts, not a package, and their names start with a digit, so
they are imported by path. Each exposes ``main(verbose=False) -> dict``.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

_cache: dict[str, ModuleType] = {}
_results: dict[str, dict] = {}


def example_paths() -> list[Path]:
    return sorted(EXAMPLES.glob("[0-9][0-9]_*.py"))


def load(name: str) -> ModuleType:
    """Import examples/<name>.py (name without .py) as a fresh module, once per session."""
    if name not in _cache:
        if str(EXAMPLES) not in sys.path:  # the examples share examples/_display.py, as when run as scripts
            sys.path.insert(0, str(EXAMPLES))
        path = EXAMPLES / f"{name}.py"
        spec = importlib.util.spec_from_file_location(f"dualdiff_example_{name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _cache[name] = module
    return _cache[name]


def result(name: str, **kwargs) -> dict:
    """main()'s key numbers, computed once per session (no printing)."""
    key = name + repr(sorted(kwargs.items()))
    if key not in _results:
        _results[key] = load(name).main(**kwargs)
    return _results[key]


def run_script(path: Path, cwd: Path, timeout: float = 120.0) -> subprocess.CompletedProcess:
    """Run an example the way a user does: python examples/NAME.py."""
    return subprocess.run(
        [sys.executable, str(path)], cwd=cwd, capture_output=True, text=True, timeout=timeout,
    )
