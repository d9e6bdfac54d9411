"""Critical points classified by the Hessian, obtained by nesting forward mode (jacobian of grad).

Problem (a calculus-for-ML interview question). Find and classify the critical
points of

    f(x, y) = x³ - 3x + y²

A critical point has ∇f = 0. There the Hessian H (the matrix of second
partials) decides: all eigenvalues > 0 → local minimum, all < 0 → local
maximum, both signs → saddle point (a zero eigenvalue: the test is silent).

dualdiff builds H without any second-derivative code: dd.grad(f, ·) is itself
a function that forward mode can differentiate, so H = dd.jacobian(grad f).
The inner derivative runs on Duals whose primal parts are Duals of the outer
level; tags keep the two perturbations apart. Newton's method on ∇f = 0,
z ← z - H⁻¹∇f, started from a grid of points, finds the critical points.

f has a minimum and a saddle but no maximum; a second function,
g(x, y) = x³ - 3x - y³ + 3y, shows all three kinds.

Run: python examples/12_critical_points.py
"""

from __future__ import annotations

import itertools

import numpy as np
import sympy

import dualdiff as dd


def f(z):
    x, y = z[0], z[1]
    return x**3 - 3 * x + y**2


def g(z):
    x, y = z[0], z[1]
    return x**3 - 3 * x - y**3 + 3 * y


def hessian_by_nesting(func, z) -> np.ndarray:
    return dd.jacobian(lambda w: dd.grad(func, w), z)


def classify(eigenvalues: np.ndarray, tol: float = 1e-9) -> str:
    if np.all(eigenvalues > tol):
        return "local minimum"
    if np.all(eigenvalues < -tol):
        return "local maximum"
    if np.any(eigenvalues > tol) and np.any(eigenvalues < -tol):
        return "saddle point"
    return "inconclusive (zero eigenvalue)"


def critical_points(func, starts, iterations: int = 50) -> list[np.ndarray]:
    """Newton's method on grad f = 0 from each start; distinct limits, rounded to 12 digits."""
    found: dict[tuple, np.ndarray] = {}
    for start in starts:
        z = np.array(start, dtype=float)
        for _ in range(iterations):
            hess = hessian_by_nesting(func, z)
            if abs(np.linalg.det(hess)) < 1e-12:
                break  # Newton's step is undefined where H is singular (e.g. x = 0 or y = 0)
            step = np.linalg.solve(hess, dd.grad(func, z))
            z = z - step
            if np.max(np.abs(step)) < 1e-14:
                break
        if np.max(np.abs(dd.grad(func, z))) < 1e-10:
            z = np.round(z, 12) + 0.0
            found.setdefault(tuple(z), z)
    return [found[k] for k in sorted(found)]


def analyse(func) -> list[dict]:
    starts = itertools.product((-2.0, -0.5, 0.5, 2.0), repeat=2)
    rows = []
    for z in critical_points(func, starts):
        hess = hessian_by_nesting(func, z)
        eigenvalues = np.linalg.eigvalsh(hess)
        rows.append({
            "point": z, "value": float(func(z)), "hessian": hess,
            "hessian_builtin": dd.hessian(func, z), "eigenvalues": eigenvalues,
            "kind": classify(eigenvalues),
        })
    return rows


def sympy_check() -> dict:
    x, y = sympy.symbols("x y", real=True)
    expr = x**3 - 3 * x + y**2
    points = sympy.solve([sympy.diff(expr, x), sympy.diff(expr, y)], [x, y], dict=True)
    hess = sympy.hessian(expr, (x, y))
    return {
        "hessian": hess,
        "points": [(p[x], p[y]) for p in points],
        "eigenvalues": [sorted(hess.subs(p).eigenvals(multiple=True)) for p in points],
    }


def main(verbose: bool = False) -> dict:
    result = {"f": analyse(f), "g": analyse(g), "sympy": sympy_check()}
    if verbose:
        report(result)
    return result


def report(r: dict) -> None:
    print(__doc__.split("\n\n")[0])
    for name, formula in (("f", "x³ - 3x + y²"), ("g", "x³ - 3x - y³ + 3y")):
        print()
        print(f"{name}(x, y) = {formula}: critical points by Newton's method with H = jacobian(grad {name})")
        for row in r[name]:
            (a, b), (c, d) = row["hessian"] + 0.0  # + 0.0: print -0.0 as 0
            print(f"  ({row['point'][0]:+g}, {row['point'][1]:+g})  {name} = {row['value']:+g}  "
                  f"H = [[{a:+g}, {b:+g}], [{c:+g}, {d:+g}]]  eigenvalues {np.round(row['eigenvalues'], 12).tolist()}  -> {row['kind']}")
        same = all(np.array_equal(row["hessian"], row["hessian_builtin"]) for row in r[name])
        print(f"  dd.hessian (the same nesting, packaged) agrees: {same}")
    s = r["sympy"]
    print()
    print(f"SymPy for f: ∇f = 0 at {s['points']}, Hessian {s['hessian'].tolist()}, "
          f"eigenvalues there {s['eigenvalues']}")


if __name__ == "__main__":
    main(verbose=True)
