"""Regenerate the forward-mode tables and DAGs in this folder.

    python tables/generate.py            # writes into tables/ (next to this file)
    python tables/generate.py OUTDIR     # writes somewhere else

Every example is traced with :func:`dualdiff.trace.trace` and written as text,
Markdown, LaTeX, CSV, JSON and Graphviz DOT. tests/test_tables_dir.py runs
:func:`main` into a temporary folder and fails when the committed files differ.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any, Callable

import dualdiff as dd
from dualdiff.trace import trace

HERE = Path(__file__).resolve().parent

#: file suffix -> how to write it
FORMATS: dict[str, Callable[[Any], str]] = {
    "txt": lambda t: t.table("text") + "\n",
    "md": lambda t: t.table("markdown") + "\n",
    "tex": lambda t: t.table("latex") + "\n",
    "csv": lambda t: t.table("csv"),
    "json": lambda t: t.to_json() + "\n",
    "dot": lambda t: t.to_dot(),
}


# -- the examples ------------------------------------------------------------------


def f(x1, x2):
    """Baydin et al.'s survey, Table 2: f(x1, x2) = ln x1 + x1 x2 - sin x2."""
    return dd.log(x1) + x1 * x2 - dd.sin(x2)


def lighthouse(nu, gamma, omega, t):
    """Griewank & Walther's lighthouse: the spot of a beam rotating at angular speed
    omega, seen at distance nu, on the quay y = gamma x; in their evaluation order
    v1 = omega t, v2 = tan v1, v3 = gamma - v2, v4 = nu v2, v5 = v4 / v3, v6 = v5 gamma."""
    v2 = dd.tan(omega * t)
    v3 = gamma - v2
    y1 = (nu * v2) / v3
    return y1, y1 * gamma


def sigmoid(x):
    """The logistic sigmoid written out, 1 / (1 + exp(-x)), so each step is a row."""
    return 1.0 / (1.0 + dd.exp(-x))


def f1(x):
    return x * x


def f2(u):
    return dd.sin(u)


def f3(w):
    return dd.exp(w)


def F(x):
    """The composite F(x) = f3(f2(f1(x))) with f1(x) = x², f2 = sin, f3 = exp."""
    return f3(f2(f1(x)))


#: name -> (function, point, wrt)
EXAMPLES: dict[str, tuple[Callable[..., Any], tuple[float, ...], Any]] = {
    "survey_seed_x1": (f, (2.0, 5.0), "x1"),
    "survey_seed_x2": (f, (2.0, 5.0), "x2"),
    "lighthouse_seed_t": (lighthouse, (2.0, 1.5, 0.5, 1.0), "t"),
    "sigmoid": (sigmoid, (1.0,), None),
    "composite": (F, (0.5,), None),
}


def main(outdir: Path | str = HERE) -> list[Path]:
    """Write every example in every format into ``outdir``; return the paths written."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the canonical examples must be clean: no ties, no NaN
        for name, (function, point, wrt) in EXAMPLES.items():
            t = trace(function, *point, wrt=wrt)
            for suffix, write in FORMATS.items():
                path = outdir / f"{name}.{suffix}"
                path.write_text(write(t), encoding="utf-8", newline="\n")
                written.append(path)
    return written


if __name__ == "__main__":
    for path in main(sys.argv[1] if len(sys.argv) > 1 else HERE):
        print(path)
