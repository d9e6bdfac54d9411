"""Independent references for the array tests: finite differences and SymPy.

Nothing here uses dualdiff. ``central_jacobian`` differentiates a function of a
NumPy array with a fourth-order central difference; ``sympy_jacobian`` runs the
same function on an object array of SymPy symbols (NumPy does the structural
work on the expressions, SymPy does the differentiation) and evaluates the
exact derivative at the point.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import sympy


def central_jacobian(f, x, rel_step=1e-3):
    """d f / d x by the 5-point stencil: shape f(x).shape + x.shape."""
    x = np.asarray(x, dtype=float)
    y0 = np.asarray(f(x.copy()), dtype=float)
    jac = np.empty(y0.shape + x.shape)
    for index in np.ndindex(*x.shape):
        h = rel_step * max(1.0, abs(x[index]))

        def at(offset):
            shifted = x.copy()
            shifted[index] += offset * h
            return np.asarray(f(shifted), dtype=float)

        slope = (-at(2) + 8 * at(1) - 8 * at(-1) + at(-2)) / (12 * h)
        jac[(Ellipsis,) + index] = slope
    return jac


def _vectorised(function):
    vec = np.vectorize(function, otypes=[object])
    return lambda x: vec(x) if isinstance(x, np.ndarray) else function(x)


#: Elementwise functions for object arrays of SymPy expressions, under NumPy's names.
SYM = SimpleNamespace(
    sin=_vectorised(sympy.sin), cos=_vectorised(sympy.cos), exp=_vectorised(sympy.exp),
    log=_vectorised(sympy.log), tanh=_vectorised(sympy.tanh), sqrt=_vectorised(sympy.sqrt),
    log1p=_vectorised(lambda e: sympy.log(1 + e)),
    sigmoid=_vectorised(lambda e: 1 / (1 + sympy.exp(-e))),
)

#: The same names for NumPy arrays and Duals (``sigmoid`` is not a NumPy ufunc).
NP = SimpleNamespace(
    sin=np.sin, cos=np.cos, exp=np.exp, log=np.log, tanh=np.tanh, sqrt=np.sqrt, log1p=np.log1p,
    sigmoid=lambda x: 1.0 / (1.0 + np.exp(-x)),
)


def symbols_like(x):
    x = np.asarray(x)
    flat = sympy.symbols(f"x0:{x.size}", real=True) if x.size > 1 else (
        sympy.Symbol("x0", real=True),)
    out = np.empty(x.size, dtype=object)
    out[:] = flat
    return out.reshape(x.shape)


def sympy_jacobian(f, x, symbolic=None):
    """The exact Jacobian of ``f`` at ``x`` (``symbolic``: ``f``'s SymPy twin if it differs)."""
    x = np.asarray(x, dtype=float)
    syms = symbols_like(x)
    out = np.asarray((symbolic or f)(syms), dtype=object)
    point = {s: sympy.Float(float(v), 30) for s, v in zip(syms.flat, x.flat)}
    jac = np.empty(out.shape + x.shape)
    for o in np.ndindex(*out.shape):
        expr = sympy.sympify(out[o])
        for i in np.ndindex(*x.shape):
            jac[o + i] = float(sympy.diff(expr, syms[i]).evalf(30, subs=point))
    return jac


def sympy_hessian(f, x, symbolic=None):
    """The exact Hessian of a scalar ``f`` at ``x``: shape x.shape + x.shape."""
    x = np.asarray(x, dtype=float)
    syms = symbols_like(x)
    expr = sympy.sympify((symbolic or f)(syms))
    point = {s: sympy.Float(float(v), 30) for s, v in zip(syms.flat, x.flat)}
    hess = np.empty(x.shape + x.shape)
    for i in np.ndindex(*x.shape):
        first = sympy.diff(expr, syms[i])
        for j in np.ndindex(*x.shape):
            hess[i + j] = float(sympy.diff(first, syms[j]).evalf(30, subs=point))
    return hess
