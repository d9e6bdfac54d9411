"""THE rule table: one row per elementary function, the single source of truth.

Each :class:`Rule` says how to evaluate the function on every kind of argument
(Python float via :mod:`math`, Python complex via :mod:`cmath`, NumPy arrays,
SymPy expressions), its partial derivatives written with dualdiff's generic
functions, its domain, its category and its display forms. The generic
functions (:mod:`dualdiff.functions`), the :class:`~dualdiff.dual.Dual` methods,
the NumPy ufunc mapping, the trace's tangent formulas, the SymPy translation,
the README's function list and the rule tests are all derived from these rows.

Partials take the arguments followed by the function's value ``v`` (so ``exp``
reuses its value) and are written with ``fn.<name>``, the generic functions,
which :mod:`dualdiff.functions` installs into :data:`fn` when it is imported.
Because they are generic, a partial applied to a Dual gives a Dual (higher
derivatives by nesting) and applied to SymPy symbols it prints its formula. A
partial may also be a plain number (a constant partial: ``add`` has 1 and 1),
which lets the Dual skip a multiplication.

Accuracy shapes some formulas: ``tanh'`` is ``1/cosh(x)**2`` rather than
``1 - v**2`` and ``sigmoid'`` is ``v·sigmoid(-x)`` rather than ``v(1 - v)``,
because the textbook forms lose all their digits to cancellation when the
function saturates; ``asin'`` uses ``(1 - x)(1 + x)`` rather than ``1 - x²``.
Partials never square with Python's ``**`` (a float overflow there raises
OverflowError: tanh' at x = 400). acosh' is ``1/(√(x-1)·√(x+1))``: no overflow
to 0 at 1e200, and the right branch for complex x. asinh' keeps ``1/√(x²+1)``
(0 instead of 1/|x| beyond |x| ~ 1e154): the overflow-free ``1/hypot(x, 1)``
would lose complex arguments, hypot having no complex evaluation.
"""

from __future__ import annotations

import cmath
import math
import operator
from dataclasses import dataclass, field
from enum import Enum
from types import SimpleNamespace
from typing import Callable, Union

import numpy as np
import sympy

__all__ = [
    "Category",
    "Domain",
    "Rule",
    "RULES",
    "ALIASES",
    "EXCEPTIONS",
    "UFUNCS",
    "fn",
    "lookup",
]

#: The generic functions, filled in by :mod:`dualdiff.functions` at import time,
#: so that the partials below can be written with them without a circular import.
fn = SimpleNamespace()


class Category(str, Enum):
    """How a function behaves where it is not smooth."""

    DIFFERENTIABLE = "differentiable"
    #: Continuous with corners (abs, relu, maximum, minimum): the derivative at
    #: the corner is a documented convention, one of the subgradients.
    KINKED = "kinked"
    #: Piecewise constant (sign, floor, ceil): derivative 0 everywhere, the jumps
    #: included (the distributional derivative there is not a number).
    PIECEWISE_CONSTANT = "piecewise_constant"


@dataclass(frozen=True)
class Domain:
    """Where a function is defined, and where the tests draw their points.

    ``text`` is the domain as a person writes it (``"x > 0"``); ``sample`` holds
    one closed interval per argument for the tests; ``singular`` maps the
    arguments to their distance from the nearest point where the derivative
    does not exist (a kink, a jump), so tests can keep away from it.
    """

    text: str
    sample: tuple[tuple[float, float], ...]
    singular: Callable[..., float] | None = None


Partial = Union[float, Callable[..., object]]


@dataclass(frozen=True, eq=False)  # identity hash: rules are dict keys on the hot path
class Rule:
    """One elementary function: evaluation, derivative, domain and display."""

    name: str
    arity: int
    real: Callable[..., float]
    complex: Callable[..., complex] | None
    numpy: Callable[..., np.ndarray]
    sympy: Callable[..., sympy.Expr]
    partials: tuple[Partial, ...]
    domain: Domain
    text: str
    latex: str
    category: Category = Category.DIFFERENTIABLE
    aliases: tuple[str, ...] = ()
    #: The operator symbol for the arithmetic rows (``"+"``), shown infix.
    symbol: str | None = None
    #: The convention at a kink or jump, for the docs of the generic function.
    note: str = ""
    ufuncs: tuple[np.ufunc, ...] = field(default=(), repr=False)
    #: The argument names, for display (atan2 takes (y, x)).
    params: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.params:
            object.__setattr__(self, "params", ("x", "y")[: self.arity])

    @property
    def analytic(self) -> bool:
        """True when the function is complex-analytic (usable with the complex step)."""
        return self.category is Category.DIFFERENTIABLE and self.complex is not None


# --- careful scalar formulas ------------------------------------------------

LN2 = math.log(2.0)
LN10 = math.log(10.0)
TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _sigmoid(x: float) -> float:
    # Branch on the sign so that exp never overflows: 1/(1+e^-x) for x >= 0,
    # e^x/(1+e^x) below.
    if x >= 0.0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _np_sigmoid(x):
    x = np.asarray(x)
    if x.dtype.kind == "c":
        # |x| would be the modulus here: branch on the real part instead, so
        # that exp only ever sees arguments with a non-positive real part.
        negative = x.real < 0
        e = np.exp(np.where(negative, x, -x))
        return (np.where(negative, e, 1.0) / (1.0 + e))[()]
    z = np.exp(-np.abs(x))
    # [()] turns the 0-d result of a NumPy scalar back into a NumPy scalar, as a ufunc does.
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))[()]


def _complex_sigmoid(z: complex) -> complex:
    # As the real formula: exp only of an argument with Re <= 0, so no OverflowError.
    if z.real >= 0.0:
        return 1.0 / (1.0 + cmath.exp(-z))
    e = cmath.exp(z)
    return e / (1.0 + e)


def _softplus(x: float) -> float:
    # log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow, full precision.
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _np_softplus(x):
    x = np.asarray(x)
    if x.dtype.kind == "c":  # np.logaddexp has no complex loop
        return np.vectorize(_complex_softplus, otypes=[complex])(x)[()]
    return np.logaddexp(0.0, x)


def _complex_log1p(z: complex) -> complex:
    # cmath.log(1 + z) loses the digits of a small z to the rounding of 1 + z;
    # log|1 + z| = log1p(2x + x² + y²)/2 and arg(1 + z) = atan2(y, 1 + x) keep them.
    x, y = z.real, z.imag
    if abs(x) > 0.5 or abs(y) > 0.5:
        return cmath.log(1.0 + z)
    return complex(0.5 * math.log1p(x * (2.0 + x) + y * y), math.atan2(y, 1.0 + x))


def _complex_expm1(z: complex) -> complex:
    # exp(z) - 1 cancels for small z: Re = expm1(x)·cos(y) - 2·sin²(y/2), Im = e^x·sin(y).
    x, y = z.real, z.imag
    s = math.sin(0.5 * y)
    return complex(math.expm1(x) * math.cos(y) - 2.0 * s * s, math.exp(x) * math.sin(y))


def _complex_softplus(z: complex) -> complex:
    # log(1 + e^z): log1p(e^z) for Re z <= 0 (e^z small: log1p keeps its digits),
    # z + log1p(e^-z) above (no overflow), brought back to the principal branch.
    if z.real <= 0.0:
        return _complex_log1p(cmath.exp(z))
    w = z + _complex_log1p(cmath.exp(-z))
    return complex(w.real, w.imag - 2.0 * math.pi * round(w.imag / (2.0 * math.pi)))


def _cbrt_fallback(x: float) -> float:
    return float(np.cbrt(x))


_cbrt = getattr(math, "cbrt", _cbrt_fallback)  # math.cbrt arrived in Python 3.11


def _real_power(x: float, y: float) -> float:
    result = x**y
    if type(result) is complex:  # (-8.0) ** (1/3) is complex in Python, not nan
        raise ValueError("negative base with a non-integer exponent")
    return result


def _sign(x: float) -> float:
    return (x > 0.0) - (x < 0.0) + 0.0 if x == x else x


def _relu(x: float) -> float:
    return x if x > 0.0 else 0.0 * x if x != x else 0.0


def _maximum(x: float, y: float) -> float:
    if x != x or y != y:  # nan propagates, as in np.maximum
        return math.nan
    return x if x >= y else y


def _minimum(x: float, y: float) -> float:
    if x != x or y != y:
        return math.nan
    return x if x <= y else y


def _divide(x, y):
    return x / y


def _np_erf(x):
    return _vectorised(math.erf, "erf")(x)


def _np_erfc(x):
    return _vectorised(math.erfc, "erfc")(x)


_VECTORISED: dict[str, Callable] = {}


def _vectorised(scalar: Callable, name: str) -> Callable:
    """NumPy has no erf ufunc: use SciPy's when it is installed, else math's, elementwise."""
    cached = _VECTORISED.get(name)
    if cached is None:
        try:
            from scipy import special

            cached = getattr(special, name)
        except ImportError:
            frompy = np.frompyfunc(scalar, 1, 1)

            def cached(x, _frompy=frompy):
                # frompyfunc gives objects: use the float dtype a ufunc would
                # (float32 stays float32), and [()] gives a NumPy scalar, not a
                # 0-d array, for a scalar argument.
                dtype = np.result_type(np.asarray(x).dtype, np.float16)
                return np.asarray(_frompy(x), dtype=dtype)[()]

        _VECTORISED[name] = cached
    return cached


def _sympy_cbrt(x):
    # The real cube root; sympy.cbrt is the principal (complex) root for x < 0.
    if getattr(x, "is_nonnegative", False):
        return sympy.cbrt(x)
    return sympy.sign(x) * sympy.Abs(x) ** sympy.Rational(1, 3)


def _floor(x: float) -> float:
    # math.floor raises on nan (ValueError) and inf (OverflowError): they are
    # their own floor, as in np.floor, not points outside the domain.
    return float(math.floor(x)) if math.isfinite(x) else x


def _ceil(x: float) -> float:
    return float(math.ceil(x)) if math.isfinite(x) else x


def _dist_to_integer(x: float) -> float:
    return abs(x - round(x))


# --- the table -------------------------------------------------------------

_ANY = ((-10.0, 10.0),)
_ANY2 = ((-10.0, 10.0), (-10.0, 10.0))

_ROWS: list[Rule] = [
    # Arithmetic. Dual implements these four operators by hand on its hot path
    # (see EXCEPTIONS); the rows give every other consumer (traces, tables, the
    # SymPy bridge, the tests) the same facts as for any other function.
    Rule("add", 2, operator.add, operator.add, np.add, operator.add,
         (1.0, 1.0), Domain("all real x, y", ((-100.0, 100.0),) * 2), "+", "+",
         symbol="+", ufuncs=(np.add,)),
    Rule("subtract", 2, operator.sub, operator.sub, np.subtract, operator.sub,
         (1.0, -1.0), Domain("all real x, y", ((-100.0, 100.0),) * 2), "-", "-",
         symbol="-", ufuncs=(np.subtract,)),
    Rule("multiply", 2, operator.mul, operator.mul, np.multiply, operator.mul,
         (lambda x, y, v: y, lambda x, y, v: x),
         Domain("all real x, y", ((-100.0, 100.0),) * 2), "*", r"\cdot",
         symbol="*", ufuncs=(np.multiply,)),
    Rule("divide", 2, _divide, _divide, np.true_divide, operator.truediv,
         (lambda x, y, v: 1.0 / y, lambda x, y, v: -v / y),
         Domain("y != 0", ((-100.0, 100.0), (0.5, 100.0))), "/", "/",
         symbol="/", ufuncs=(np.true_divide,)),
    Rule("negative", 1, operator.neg, operator.neg, np.negative, operator.neg,
         (-1.0,), Domain("all real x", _ANY), "-", "-", symbol="-", ufuncs=(np.negative,)),
    Rule("positive", 1, operator.pos, operator.pos, np.positive, operator.pos,
         (1.0,), Domain("all real x", _ANY), "+", "+", symbol="+", ufuncs=(np.positive,)),
    Rule("power", 2, _real_power, operator.pow, np.power, operator.pow,
         (lambda x, y, v: y * fn.power(x, y - 1.0), lambda x, y, v: v * fn.log(x)),
         Domain("x > 0, or x < 0 with an integer exponent", ((0.1, 10.0), (-5.0, 5.0))),
         "**", "^", symbol="**", aliases=("pow",), ufuncs=(np.power, np.float_power)),
    # Exponentials and logarithms.
    Rule("exp", 1, math.exp, cmath.exp, np.exp, sympy.exp,
         (lambda x, v: v,), Domain("all real x", ((-20.0, 20.0),)), "exp", r"\exp",
         ufuncs=(np.exp,)),
    Rule("expm1", 1, math.expm1, _complex_expm1, np.expm1,
         lambda x: sympy.exp(x) - 1,
         (lambda x, v: fn.exp(x),), Domain("all real x", ((-20.0, 20.0),)), "expm1",
         r"\operatorname{expm1}", ufuncs=(np.expm1,)),
    Rule("log", 1, math.log, cmath.log, np.log, sympy.log,
         (lambda x, v: 1.0 / x,), Domain("x > 0", ((1e-3, 1e3),)), "ln", r"\ln",
         aliases=("ln",), ufuncs=(np.log,)),
    Rule("log1p", 1, math.log1p, _complex_log1p, np.log1p,
         lambda x: sympy.log(1 + x),
         (lambda x, v: 1.0 / (1.0 + x),), Domain("x > -1", ((-0.99, 100.0),)), "log1p",
         r"\operatorname{log1p}", ufuncs=(np.log1p,)),
    Rule("log2", 1, math.log2, lambda z: cmath.log(z) / LN2, np.log2,
         lambda x: sympy.log(x, 2),
         (lambda x, v: 1.0 / (x * LN2),), Domain("x > 0", ((1e-3, 1e3),)), "log2",
         r"\log_2", ufuncs=(np.log2,)),
    Rule("log10", 1, math.log10, cmath.log10, np.log10, lambda x: sympy.log(x, 10),
         (lambda x, v: 1.0 / (x * LN10),), Domain("x > 0", ((1e-3, 1e3),)), "log10",
         r"\log_{10}", ufuncs=(np.log10,)),
    # Roots.
    Rule("sqrt", 1, math.sqrt, cmath.sqrt, np.sqrt, sympy.sqrt,
         (lambda x, v: 0.5 / v,), Domain("x >= 0", ((1e-6, 1e6),)), "sqrt", r"\sqrt",
         ufuncs=(np.sqrt,)),
    Rule("cbrt", 1, _cbrt, None, np.cbrt, _sympy_cbrt,
         (lambda x, v: 1.0 / (3.0 * (v * v)),),
         Domain("all real x", ((-100.0, 100.0),), singular=abs), "cbrt", r"\sqrt[3]",
         ufuncs=(np.cbrt,)),
    # Trigonometric.
    Rule("sin", 1, math.sin, cmath.sin, np.sin, sympy.sin,
         (lambda x, v: fn.cos(x),), Domain("all real x", _ANY), "sin", r"\sin",
         ufuncs=(np.sin,)),
    Rule("cos", 1, math.cos, cmath.cos, np.cos, sympy.cos,
         (lambda x, v: -fn.sin(x),), Domain("all real x", _ANY), "cos", r"\cos",
         ufuncs=(np.cos,)),
    Rule("tan", 1, math.tan, cmath.tan, np.tan, sympy.tan,
         (lambda x, v: 1.0 + v * v,), Domain("x != pi/2 + k pi", ((-1.5, 1.5),)), "tan",
         r"\tan", ufuncs=(np.tan,)),
    Rule("asin", 1, math.asin, cmath.asin, np.arcsin, sympy.asin,
         (lambda x, v: 1.0 / fn.sqrt((1.0 - x) * (1.0 + x)),),
         Domain("-1 <= x <= 1", ((-0.99, 0.99),)), "asin", r"\arcsin",
         aliases=("arcsin",), ufuncs=(np.arcsin,)),
    Rule("acos", 1, math.acos, cmath.acos, np.arccos, sympy.acos,
         (lambda x, v: -1.0 / fn.sqrt((1.0 - x) * (1.0 + x)),),
         Domain("-1 <= x <= 1", ((-0.99, 0.99),)), "acos", r"\arccos",
         aliases=("arccos",), ufuncs=(np.arccos,)),
    Rule("atan", 1, math.atan, cmath.atan, np.arctan, sympy.atan,
         (lambda x, v: 1.0 / (1.0 + x * x),), Domain("all real x", ((-50.0, 50.0),)),
         "atan", r"\arctan", aliases=("arctan",), ufuncs=(np.arctan,)),
    Rule("atan2", 2, math.atan2, None, np.arctan2, sympy.atan2,
         (lambda y, x, v: x / (x * x + y * y), lambda y, x, v: -y / (x * x + y * y)),
         Domain("(y, x) != (0, 0)", _ANY2, singular=math.hypot), "atan2",
         r"\operatorname{atan2}", aliases=("arctan2",), ufuncs=(np.arctan2,), params=("y", "x")),
    # Hyperbolic.
    Rule("sinh", 1, math.sinh, cmath.sinh, np.sinh, sympy.sinh,
         (lambda x, v: fn.cosh(x),), Domain("all real x", ((-20.0, 20.0),)), "sinh",
         r"\sinh", ufuncs=(np.sinh,)),
    Rule("cosh", 1, math.cosh, cmath.cosh, np.cosh, sympy.cosh,
         (lambda x, v: fn.sinh(x),), Domain("all real x", ((-20.0, 20.0),)), "cosh",
         r"\cosh", ufuncs=(np.cosh,)),
    Rule("tanh", 1, math.tanh, cmath.tanh, np.tanh, sympy.tanh,
         (lambda x, v: 1.0 / fn.power(fn.cosh(x), 2),), Domain("all real x", ((-20.0, 20.0),)),
         "tanh", r"\tanh", ufuncs=(np.tanh,)),
    Rule("asinh", 1, math.asinh, cmath.asinh, np.arcsinh, sympy.asinh,
         (lambda x, v: 1.0 / fn.sqrt(x * x + 1.0),), Domain("all real x", ((-100.0, 100.0),)),
         "asinh", r"\operatorname{arsinh}", aliases=("arcsinh",), ufuncs=(np.arcsinh,)),
    Rule("acosh", 1, math.acosh, cmath.acosh, np.arccosh, sympy.acosh,
         (lambda x, v: 1.0 / (fn.sqrt(x - 1.0) * fn.sqrt(x + 1.0)),),
         Domain("x >= 1", ((1.01, 100.0),)), "acosh", r"\operatorname{arcosh}",
         aliases=("arccosh",), ufuncs=(np.arccosh,)),
    Rule("atanh", 1, math.atanh, cmath.atanh, np.arctanh, sympy.atanh,
         (lambda x, v: 1.0 / ((1.0 - x) * (1.0 + x)),),
         Domain("-1 < x < 1", ((-0.99, 0.99),)), "atanh", r"\operatorname{artanh}",
         aliases=("arctanh",), ufuncs=(np.arctanh,)),
    # Special functions and activations.
    Rule("erf", 1, math.erf, None, _np_erf, sympy.erf,
         (lambda x, v: TWO_OVER_SQRT_PI * fn.exp(-(x * x)),),
         Domain("all real x", ((-5.0, 5.0),)), "erf", r"\operatorname{erf}"),
    Rule("erfc", 1, math.erfc, None, _np_erfc, sympy.erfc,
         (lambda x, v: -TWO_OVER_SQRT_PI * fn.exp(-(x * x)),),
         Domain("all real x", ((-5.0, 5.0),)), "erfc", r"\operatorname{erfc}"),
    Rule("sigmoid", 1, _sigmoid, _complex_sigmoid, _np_sigmoid,
         lambda x: 1 / (1 + sympy.exp(-x)),
         (lambda x, v: v * fn.sigmoid(-x),), Domain("all real x", ((-40.0, 40.0),)),
         "σ", r"\sigma", aliases=("logistic", "expit")),
    Rule("softplus", 1, _softplus, _complex_softplus, _np_softplus,
         lambda x: sympy.log(1 + sympy.exp(x)),
         (lambda x, v: fn.sigmoid(x),), Domain("all real x", ((-40.0, 40.0),)),
         "softplus", r"\operatorname{softplus}"),
    # Kinked: continuous with a corner; the convention at the corner is stated.
    Rule("relu", 1, _relu, None, lambda x: np.maximum(x, 0.0), lambda x: sympy.Max(0, x),
         (lambda x, v: fn.relu(fn.sign(x)),), Domain("all real x", _ANY, singular=abs),
         "relu", r"\operatorname{ReLU}", Category.KINKED,
         note="relu'(0) = 0, as in PyTorch and JAX."),
    Rule("abs", 1, abs, None, np.absolute, sympy.Abs,
         (lambda x, v: fn.sign(x),), Domain("all real x", _ANY, singular=abs),
         "abs", r"\operatorname{abs}", Category.KINKED, aliases=("absolute", "fabs"),
         note="abs'(0) = sign(0) = 0, the subgradient of least norm.",
         ufuncs=(np.absolute, np.fabs)),
    Rule("maximum", 2, _maximum, None, np.maximum, sympy.Max,
         (lambda x, y, v: 0.5 + 0.5 * fn.sign(x - y),
          lambda x, y, v: 0.5 - 0.5 * fn.sign(x - y)),
         Domain("all real x, y", _ANY2, singular=lambda x, y: abs(x - y)),
         "max", r"\max", Category.KINKED, aliases=("max", "fmax"),
         note="at a tie x == y each argument gets half of the derivative (1/2, 1/2).",
         ufuncs=(np.maximum, np.fmax)),
    Rule("minimum", 2, _minimum, None, np.minimum, sympy.Min,
         (lambda x, y, v: 0.5 - 0.5 * fn.sign(x - y),
          lambda x, y, v: 0.5 + 0.5 * fn.sign(x - y)),
         Domain("all real x, y", _ANY2, singular=lambda x, y: abs(x - y)),
         "min", r"\min", Category.KINKED, aliases=("min", "fmin"),
         note="at a tie x == y each argument gets half of the derivative (1/2, 1/2).",
         ufuncs=(np.minimum, np.fmin)),
    Rule("hypot", 2, math.hypot, None, np.hypot, lambda x, y: sympy.sqrt(x**2 + y**2),
         (lambda x, y, v: x / v, lambda x, y, v: y / v),
         Domain("all real x, y (not differentiable at the origin)", _ANY2,
                singular=math.hypot),
         "hypot", r"\operatorname{hypot}", ufuncs=(np.hypot,)),
    # Piecewise constant: derivative 0, the jumps included.
    Rule("sign", 1, _sign, None, np.sign, sympy.sign,
         (0.0,), Domain("all real x", _ANY, singular=abs), "sign", r"\operatorname{sign}",
         Category.PIECEWISE_CONSTANT, note="sign'(x) = 0 everywhere, x = 0 included.",
         ufuncs=(np.sign,)),
    Rule("floor", 1, _floor, None, np.floor, sympy.floor,
         (0.0,), Domain("all real x", _ANY, singular=_dist_to_integer), "floor",
         r"\operatorname{floor}", Category.PIECEWISE_CONSTANT,
         note="floor'(x) = 0 everywhere, the integers included.", ufuncs=(np.floor,)),
    Rule("ceil", 1, _ceil, None, np.ceil, sympy.ceiling,
         (0.0,), Domain("all real x", _ANY, singular=_dist_to_integer), "ceil",
         r"\operatorname{ceil}", Category.PIECEWISE_CONSTANT, aliases=("ceiling",),
         note="ceil'(x) = 0 everywhere, the integers included.", ufuncs=(np.ceil,)),
]

#: Every rule by name, in table order.
RULES: dict[str, Rule] = {rule.name: rule for rule in _ROWS}

#: alias -> rule name.
ALIASES: dict[str, str] = {alias: rule.name for rule in _ROWS for alias in rule.aliases}

#: NumPy ufunc -> rule, for ``Dual.__array_ufunc__``. ``np.square`` and
#: ``np.reciprocal`` are spelled with other rows by the Dual itself.
UFUNCS: dict[np.ufunc, Rule] = {uf: rule for rule in _ROWS for uf in rule.ufuncs}

#: The rows whose Dual implementation is written by hand rather than derived
#: from the partials, each with its reason. Their results are still checked
#: against the row by the generated rule tests.
EXCEPTIONS: dict[str, str] = {
    "add": "the hot path: a sum of tangents needs no multiplication by the constant partials",
    "subtract": "the hot path: as add",
    "multiply": "the hot path: the product rule without building a tuple of partials",
    "divide": "the hot path, and (t_x - v t_y) / y needs one division where the partials need two",
    "power": "x**c, c**x and x**y need separate care at x = 0 and for integer exponents of "
    "negative bases, where the generic partial c x**(c-1) or v ln x is nan",
    "relu": "kinked: relu'(0) = 0 by convention",
    "abs": "kinked: abs'(0) = 0 by convention",
    "maximum": "kinked: 1/2 to each argument at a tie",
    "minimum": "kinked: 1/2 to each argument at a tie",
    "hypot": "not differentiable at the origin: the partials x/v, y/v give nan there",
    "sign": "piecewise constant: derivative 0, the jump included",
    "floor": "piecewise constant: derivative 0, the jumps included",
    "ceil": "piecewise constant: derivative 0, the jumps included",
}


def lookup(name: str) -> Rule:
    """Return the rule for a function name or alias; ``KeyError`` if there is none.

    >>> lookup("ln").name
    'log'
    """
    return RULES[ALIASES.get(name, name)]
