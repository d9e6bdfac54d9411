"""One compact table over all workloads, for the README: dualdiff's time, and each peer's time ÷ it.

Each peer column takes the fastest of that peer's rows in the workload (a
peer's best showing: e.g. autograd's forward ``make_jvp`` or reverse ``grad``,
whichever was faster), so the comparison never flatters dualdiff.

>>> SUMMARY["1a"]["reference"]
'float, math.* (plain float)'
"""

from __future__ import annotations

from .measure import Result
from .report import markdown_table, ratio, seconds
from .workloads import arrays, scalar, trace

_SCALAR_PEERS = {
    "ad": [scalar.AD, "ad (adnumber, .gradient)"],
    "autograd": ["autograd grad (reverse)", "autograd make_jvp (forward)"],
    "JAX eager": [scalar.JAX_EAGER_JVP, "jax grad, eager (reverse)", "jax jacfwd, eager"],
    "JAX jit": [scalar.JAX_JIT, "jax jit(jacfwd), compiled"],
    "JAX jit incl. compile": [scalar.JAX_JIT_COLD, "jax jit(jacfwd), incl. compile"],
    "torch forward AD": [scalar.TORCH_FORWARD_AD, scalar.TORCH_FUNC_JVP, "torch.func.jacfwd"],
    "numdifftools": ["numdifftools Derivative", "numdifftools Gradient"],
}
_ARRAY_PEERS = {
    "ad": [],
    "autograd": [arrays.AUTOGRAD_ELEMENTWISE, "autograd grad (reverse)"],
    "JAX eager": ["jax jvp, eager", "jax jacfwd, eager"],
    "JAX jit": ["jax jit(jvp), compiled", "jax jit(jacfwd), compiled"],
    "JAX jit incl. compile": ["jax jit(jvp), incl. compile"],
    "torch forward AD": ["torch forward_ad (dual_level)", "torch.func.jvp", "torch.func.jacfwd"],
    "numdifftools": ["numdifftools Derivative"],
}

#: workload -> the dualdiff row, the reference row, and the candidate rows of each peer.
SUMMARY: dict[str, dict] = {
    "1a": {"dualdiff": scalar.DUALDIFF, "reference": scalar.FLOAT_MATH, "peers": _SCALAR_PEERS},
    "1b": {"dualdiff": scalar.DUALDIFF_GRAD, "reference": scalar.FLOAT_MATH,
           "peers": _SCALAR_PEERS},
    "2": {"dualdiff": scalar.DUALDIFF, "reference": scalar.FLOAT_MATH, "peers": _SCALAR_PEERS},
    "3": {"dualdiff": arrays.DUALDIFF_JVP, "reference": arrays.NUMPY_VALUE, "peers": _ARRAY_PEERS},
    "4": {"dualdiff": arrays.ROSEN_GRAD, "reference": arrays.ROSEN_NUMPY, "peers": _ARRAY_PEERS},
    "5": {"dualdiff": trace.RECORD_AND_RENDER, "reference": "chain on floats", "peers": {}},
}


def summary_table(titles: dict[str, str], results: dict[str, dict[str, Result]]) -> str:
    peers = list(_SCALAR_PEERS)
    headers = ["workload", "dualdiff", "÷ plain"] + peers
    rows = []
    for key, spec in SUMMARY.items():
        table = results.get(key)
        if not table:
            continue
        mine, reference = table.get(spec["dualdiff"]), table.get(spec["reference"])
        if mine is None or mine.median is None:
            continue
        row = [titles[key].split(":", 1)[0].replace("Workload ", ""), seconds(mine.median),
               ratio(mine.median / reference.median) if reference and reference.median else "—"]
        for peer in peers:
            times = [table[label].median for label in spec["peers"].get(peer, [])
                     if label in table and table[label].median]
            row.append(f"{ratio(min(times) / mine.median)}" if times else "—")
        rows.append(row)
    return ("### Summary\n\ndualdiff's median time, its ratio to the plain float (1a, 1b, 2) or "
            "NumPy (3, 4) evaluation, and each peer's best time ÷ dualdiff's (above 1: dualdiff "
            "is faster).\n\n" + markdown_table(headers, rows))
