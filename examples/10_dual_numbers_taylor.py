"""Dual numbers and Taylor series: why g(x + ẋε) = g(x) + g'(x)ẋε.

Problem (an AD interview question). A dual number is a + bε with ε ≠ 0 but
ε² = 0. Expand a function at x + ẋε and show the general identity

    g(x + ẋε) = g(x) + g'(x) ẋ ε

on worked expressions, and explain why ε² = 0 makes the ε-part (the *tangent*)
the first Taylor coefficient.

Why. Taylor's theorem at x with increment h = ẋε gives

    g(x + ẋε) = g(x) + g'(x) ẋε + g''(x)/2 (ẋε)² + g'''(x)/6 (ẋε)³ + …

and every term from (ẋε)² on contains ε² = 0. What survives is exactly the
value and the first derivative times ẋ: no truncation error, no step size,
nothing to tune. For a polynomial this is plain algebra (expand and drop ε²);
for exp, sin, … it is the Taylor series, and a dual-number library implements
each elementary function as g(a + bε) = g(a) + g'(a) b ε, then the arithmetic
rules (a + bε)(c + dε) = ac + (ad + bc)ε carry the tangent through whole
programs: the product rule, falling out of ε² = 0.

Worked expressions, at x = 2:
    g(x) = x³ - 2x + 5          (polynomial: expand by hand)
    h(x) = eˣ sin x             (transcendental: Taylor series)

Run: python examples/10_dual_numbers_taylor.py
"""

from __future__ import annotations

import sympy

import dualdiff as dd

X0 = 2.0


def g(x):
    return x**3 - 2 * x + 5


def h(x):
    return dd.exp(x) * dd.sin(x)


def symbolic_expansions() -> dict:
    """SymPy: the full expansions in ε, before and after setting ε² = 0."""
    x, xdot, eps = sympy.symbols("x ẋ ε")
    full_g = sympy.expand(g(x + xdot * eps))
    g_terms = sympy.Poly(full_g, eps).all_coeffs()[::-1]  # coefficient of ε⁰, ε¹, ε², ε³
    g_dual = sum(c * eps**k for k, c in enumerate(g_terms[:2]))

    h_sym = sympy.exp(x) * sympy.sin(x)
    series = sympy.series(h_sym.subs(x, x + xdot * eps), eps, 0, 4).removeO()
    h_terms = [sympy.factor(series.coeff(eps, k)) for k in range(4)]

    # The dual-number rules by hand: exp(a + bε) = eᵃ + eᵃ b ε, sin(a + bε) = sin a + cos a · b ε,
    # and (p₀ + p₁ε)(q₀ + q₁ε) = p₀q₀ + (p₀q₁ + p₁q₀)ε once the p₁q₁ε² term is dropped.
    exp_part = (sympy.exp(x), sympy.exp(x) * xdot)
    sin_part = (sympy.sin(x), sympy.cos(x) * xdot)
    product = (exp_part[0] * sin_part[0], exp_part[0] * sin_part[1] + exp_part[1] * sin_part[0])
    return {
        "symbols": (x, xdot, eps),
        "g_full": full_g,
        "g_terms": g_terms,
        "g_dual": g_dual,
        "g_identity_holds": sympy.expand(g_terms[1] - sympy.diff(g(x), x) * xdot) == 0,
        "h_terms": h_terms,
        "h_identity_holds": sympy.simplify(h_terms[1] - sympy.diff(h_sym, x) * xdot) == 0,
        "h_by_rules": product,
        "h_rules_agree": sympy.simplify(product[1] - h_terms[1]) == 0,
    }


def main(verbose: bool = False) -> dict:
    expansions = symbolic_expansions()
    g_dual = g(dd.Dual(X0, 1.0))  # x + 1·ε: value and g'(2)
    g_dual3 = g(dd.Dual(X0, 3.0))  # x + 3ε: value and 3·g'(2)
    h_dual = h(dd.Dual(X0, 1.0))
    result = {
        "x": X0,
        "g_value": g_dual.primal, "g_tangent": g_dual.tangent, "g_tangent_xdot3": g_dual3.tangent,
        "h_value": h_dual.primal, "h_tangent": h_dual.tangent,
        "g_derivative": dd.derivative(g, X0), "h_derivative": dd.derivative(h, X0),
        "expansions": expansions,
    }
    if verbose:
        report(result)
    return result


def report(r: dict) -> None:
    e = r["expansions"]
    x, xdot, eps = e["symbols"]
    print(__doc__.split("\n\n")[0])
    print()
    print("g(x) = x³ - 2x + 5 at x + ẋε, expanded (SymPy):")
    print(f"  {e['g_full']}")
    for k, c in enumerate(e["g_terms"]):
        note = "kept" if k < 2 else "× ε² = 0: dropped"
        print(f"  ε^{k}: {c}   ({note})")
    print(f"  g(x + ẋε) = {e['g_dual']}   ε-part = g'(x)·ẋ: {e['g_identity_holds']}")
    print()
    print("h(x) = eˣ sin x at x + ẋε, Taylor series in ε (SymPy):")
    for k, c in enumerate(e["h_terms"]):
        note = "kept" if k < 2 else "× ε² = 0: dropped"
        print(f"  ε^{k}: {c}   ({note})")
    print(f"  ε-part = h'(x)·ẋ: {e['h_identity_holds']}")
    print(f"  by the dual rules (eˣ + eˣẋε)(sin x + cos x·ẋε) = {e['h_by_rules'][0]} + "
          f"({e['h_by_rules'][1]})ε   agrees: {e['h_rules_agree']}")
    print()
    print(f"dualdiff, x = {r['x']:g}:")
    print(f"  g(Dual(2, 1)) = Dual({r['g_value']:g}, {r['g_tangent']:g})   g(2) = 9, g'(2) = 3·2² - 2 = 10")
    print(f"  g(Dual(2, 3)) has tangent {r['g_tangent_xdot3']:g} = 3·g'(2): the seed ẋ scales the tangent")
    print(f"  h(Dual(2, 1)) = Dual({r['h_value']:.12f}, {r['h_tangent']:.12f})")
    print(f"  e²(sin 2 + cos 2) = {float(sympy.exp(2) * (sympy.sin(2) + sympy.cos(2))):.12f}")


if __name__ == "__main__":
    main(verbose=True)
