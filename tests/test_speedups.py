"""The compiled fast path (dualdiff._speedups) against the pure-Python Dual.

The compiled path may only decide speed: on every case of speedups_cases.py
(special values, overflows, domain edges, other tags, arrays) it must give
what the pure-Python path gives in a process started with
``DUALDIFF_PURE_PYTHON=1``, bit for bit, errors included. Where a C compiler
was there at install time it must be in use, its kernels must be the ones
generated from the rule table now, and the core tests must also pass in pure
Python.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import copy
import shutil
import subprocess
import sys
import sysconfig
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

import dualdiff as dd
from dualdiff import Dual, backend, kernels

import speedups_cases

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent


#: For the tests that compare the compiled path with the pure-Python one: on a
#: machine where it could not be built (no C compiler at install time), or in a
#: run with DUALDIFF_PURE_PYTHON=1, there is nothing to compare.
compiled_only = pytest.mark.skipif(
    not backend.COMPILED, reason="the compiled fast path is not built or is switched off here")


def _pure_python_env() -> dict[str, str]:
    env = dict(os.environ, DUALDIFF_PURE_PYTHON="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), str(ROOT),
                                                      env.get("PYTHONPATH", "")]))
    return env


def _compiler_available() -> bool:
    cc = (sysconfig.get_config_var("CC") or "cc").split()[0]
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    return shutil.which(cc) is not None and headers.exists()


def test_the_compiled_path_is_in_use_where_it_could_be_built():
    if os.environ.get("DUALDIFF_PURE_PYTHON", "") not in ("", "0"):
        assert not backend.COMPILED
    elif _compiler_available():
        assert backend.COMPILED, (
            "a C compiler is here but dualdiff._speedups did not import: reinstall "
            "(pip install -e .) and read the build output for the compiler's error")
    assert isinstance(Dual(1.0, 1.0), backend.DualSlots)


def test_the_kernels_header_is_generated_from_the_rule_table():
    assert kernels.HEADER_PATH.read_text(encoding="utf-8") == kernels.header(), (
        "dualdiff/_kernels.h is out of date: run python -m dualdiff.kernels and reinstall")


@compiled_only
def test_the_built_extension_has_the_kernels_of_the_header():
    assert backend.speedups.kernel_names() == list(kernels.KERNEL_RULES)
    assert backend.speedups.kernel("sigmoid") is None  # no kernel: the Python fast path


def test_every_kernel_rule_is_a_libm_function_with_a_translated_partial():
    # What a kernel calls must be what math calls, or the bits could differ.
    for name, expression in kernels.KERNEL_RULES.items():
        rule = dd.rules.RULES[name]
        assert rule.real in kernels.LIBM
        assert "fn." not in expression and "lambda" not in expression
    assert {"sin", "cos", "exp", "log", "sqrt", "tanh"} <= set(kernels.KERNEL_RULES)


@compiled_only
def test_compiled_and_pure_python_agree_bit_for_bit():
    names = [description for description, _ in speedups_cases.cases()]
    compiled = speedups_cases.outcomes()
    run = subprocess.run([sys.executable, str(HERE / "speedups_cases.py")], capture_output=True,
                         text=True, env=_pure_python_env(), cwd=ROOT, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    pure = json.loads(run.stdout)
    assert len(pure) == len(compiled) == len(names) > 5000
    differences = [f"{name}: compiled {c} != python {p}"
                   for name, c, p in zip(names, compiled, pure) if c != p]
    assert not differences, f"{len(differences)} cases differ:\n" + "\n".join(differences[:20])


@compiled_only
def test_the_pure_python_path_passes_the_core_tests():
    # The pure-Python Dual is what runs where no C compiler was at install time.
    files = ["test_dual.py", "test_functions.py", "test_derivatives.py", "test_trace.py",
             "test_arrays_face.py", "test_properties.py"]
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x",
         *(str(HERE / f) for f in files)],
        capture_output=True, text=True, env=_pure_python_env(), cwd=ROOT, timeout=1200)
    assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-3000:]
    assert " passed" in run.stdout and " failed" not in run.stdout


def test_the_compiled_operators_do_not_leak():
    x, y = Dual(0.7, 1.0), Dual(1.3, 0.5)
    directions = Dual(0.7, np.array([1.0, 0.0]))

    def work():
        for _ in range(20_000):
            z = x * y + 3 - x / y - 2 ** x + x ** 2 - (-x) + 1.5 / x
            z = dd.sin(z) * dd.exp(x) + dd.log(y)
            z = directions * x + directions - 1.0  # the Python path, through C
            z = dd.sin(directions)
            try:
                x / 0
            except dd.DomainError:
                pass
        return z

    work()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    work()
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert after - before < 64_000, f"{after - before} bytes kept after 20,000 rounds"
    tag = x.tag
    count = sys.getrefcount(tag)
    for _ in range(1000):
        x * y + 1.0
    assert sys.getrefcount(tag) == count


def test_a_dual_copies_and_pickles_with_its_slots():
    d = Dual(2.0, np.array([1.0, 0.0]), tag=7)
    # The pickle names only pure-Python code, so it loads where the
    # compiled module is missing.
    assert b"_speedups" not in pickle.dumps(d)
    for twin in (copy.copy(d), copy.deepcopy(d), pickle.loads(pickle.dumps(d))):
        assert type(twin) is Dual and twin.primal == 2.0 and twin.tag == 7
        np.testing.assert_array_equal(twin.tangent, [1.0, 0.0])


def test_subclasses_still_take_the_python_methods():
    # The traced Dual records through the Python methods: the compiled
    # operators hand every non-Dual type to them.
    t = dd.trace(lambda a, b: a * b + a / b - b ** 2.0, 2.0, 5.0)
    assert [n.rule.name for n in t.nodes if n.rule is not None] == [
        "multiply", "divide", "add", "power", "subtract"]


def test_a_partial_that_is_not_plain_arithmetic_of_libm_functions_gets_no_kernel():
    rules = dd.rules.RULES
    for name in ("sigmoid", "softplus", "relu", "cbrt", "abs", "sign"):
        assert name not in kernels.KERNEL_RULES, name
    with pytest.raises(kernels._Untranslatable):
        kernels.partial_c(rules["sigmoid"])  # v * fn.sigmoid(-x): sigmoid is not in libm
    # Python's grouping survives: (1 - x)(1 + x), not 1 - x*1 + x.
    assert kernels.partial_c(rules["atanh"]) == "DIV(1.0, ((1.0 - x) * (1.0 + x)))"
    # A computed constant is written exactly (hexadecimal float literal).
    assert float.fromhex(kernels.partial_c(rules["log2"]).split("* ")[1].rstrip("))")) == \
        dd.rules.LN2
