"""Generic elementary functions, one per row of the rule table.

``dualdiff.sin(x)`` accepts a Python number, a complex number, a NumPy array or
scalar, a SymPy expression or a :class:`~dualdiff.dual.Dual`, and returns the
same kind, so one user function runs unchanged on floats, Duals and symbols::

    >>> import dualdiff as dd
    >>> dd.log(1.0) + dd.sin(0.0)
    0.0
    >>> import sympy
    >>> dd.log(sympy.Symbol("x"))
    log(x)

Nothing here is written per function: every generic function is made from its
rule by :func:`make_generic`. Types that carry derivatives (the Dual, the traced
Dual) register a handler with :func:`register`, so this module does not need to
know them.

Python scalars follow :mod:`math` with one change: a point outside the domain
raises :class:`~dualdiff.errors.DomainError` naming the function and the value,
and an overflow gives ``inf`` (IEEE) instead of ``OverflowError``. NumPy arrays
follow NumPy (nan and a ``RuntimeWarning`` outside the domain).
"""

from __future__ import annotations

import numbers
import types
from typing import Any, Callable

import numpy as np
import sympy

from .backend import new_instance
from .errors import DomainError, InputError, NotAnalyticError
from .rules import RULES, Rule, fn

__all__ = ["GENERIC", "FLOAT_PARTIALS", "make_generic", "register", "ieee",
           "real_or_domain_error"]

#: type -> factory(rule) -> implementation(*args), for types that carry derivatives.
_FACTORIES: dict[type, Callable[[Rule], Callable[..., Any]]] = {}

#: rule name -> {type -> implementation(*args)}: each generic function's own
#: dispatch table, filled from the factories, so a Dual argument costs one lookup.
_TABLES: dict[str, dict[type, Callable[..., Any]]] = {}

#: Every generic function by rule name and by alias.
GENERIC: dict[str, Callable[..., Any]] = {}


#: The one registered type whose float case the one-argument generic functions
#: handle inline (the Dual; see ``register(..., inline=True)`` and make_generic).
_INLINE: type | None = None

#: rule name -> [kernel or None]: the compiled float fast path of that rule, if
#: any (a list, so the generic functions made before the registration see it).
_KERNELS: dict[str, list] = {}


def register(cls: type, factory: Callable[[Rule], Callable[..., Any]], *,
             inline: bool = False,
             kernels: Callable[[Rule], Callable[[Any], Any] | None] | None = None) -> None:
    """Route every generic function to ``factory(rule)(*args)`` when an argument is a ``cls``.

    The factory is called once per rule; the implementation it returns gets all
    the arguments (for a two-argument rule the other one may be of any kind).
    Subclasses of ``cls`` are routed the same way unless registered themselves.

    ``inline=True`` (for the Dual, the hot path): a ``cls`` whose ``primal`` is a
    Python float is differentiated inside the one-argument generic function
    itself, ``v = f(p)``, ``v̇ = f'(p)·ṗ`` with the rule's float partial (one call
    instead of two); ``cls`` must have the slots ``primal``, ``tangent``, ``tag``
    and no ``__init__`` work to skip. Anything unusual (a domain error, an
    overflow, an inf or nan partial) still goes to ``factory(rule)``.

    ``kernels`` (with ``inline=True``): ``kernels(rule)`` is None or a compiled
    function doing the same as the inline path on a ``cls`` (see
    :mod:`dualdiff.kernels`), which then replaces it: it returns the result, or
    None where ``factory(rule)`` must decide.
    """
    global _INLINE
    _FACTORIES[cls] = factory
    for name, table in _TABLES.items():
        table[cls] = factory(RULES[name])
    if inline:
        _INLINE = cls
        for name, kernel in _KERNELS.items():
            kernel[0] = kernels(RULES[name]) if kernels is not None else None


def _implementation_for(rule: Rule, table: dict, tx: type) -> Callable[..., Any] | None:
    for cls, factory in _FACTORIES.items():
        if issubclass(tx, cls) and tx not in table:
            table[tx] = factory(rule)
            return table[tx]
    return None


def ieee(rule: Rule, *args: float) -> float:
    """Evaluate a rule on Python floats with IEEE semantics (inf and nan, no exception)."""
    with np.errstate(all="ignore"):
        return float(rule.numpy(*(np.float64(a) for a in args)))


def _domain_error(rule: Rule, args: tuple) -> DomainError:
    value = args[0] if len(args) == 1 else args
    return DomainError(rule.name, value, rule.domain.text)


def _complex(rule: Rule, args: tuple) -> complex:
    if rule.complex is None:
        why = ("is not complex-analytic" if rule.category.value != "differentiable"
               else "has no complex implementation in dualdiff")
        raise NotAnalyticError(
            f"{rule.name} {why}, so it cannot take the complex argument "
            f"{', '.join(map(repr, args))}; the complex-step method needs every function in "
            f"f to be analytic: use a finite difference (scheme='central') instead"
        )
    try:
        return rule.complex(*args)
    except (ValueError, ZeroDivisionError):  # cmath.log(0j), 1 / 0j
        raise _domain_error(rule, args) from None
    except OverflowError:  # cmath.exp(1000 + 0j): IEEE inf, as for real scalars
        with np.errstate(all="ignore"):
            return complex(rule.numpy(*(np.complex128(a) for a in args)))


def _not_numeric(rule: Rule, x: object) -> InputError:
    return InputError(
        f"{rule.name}() got {type(x).__name__} {x!r:.60}; expected a number, a NumPy array, "
        f"a SymPy expression or a Dual"
    )


def _sympify(x):
    return sympy.Float(x) if isinstance(x, float) else sympy.sympify(x)


def _evaluate_other(rule: Rule, args: tuple) -> Any:
    """Every kind of argument except Python reals and registered types."""
    kinds = set()
    for a in args:
        if isinstance(a, (np.ndarray, np.generic)):
            kinds.add("numpy")
        elif isinstance(a, sympy.Basic):
            kinds.add("sympy")
        elif isinstance(a, complex):
            kinds.add("complex")
        elif isinstance(a, numbers.Real):
            kinds.add("real")
        elif isinstance(a, (list, tuple)):
            kinds.add("numpy")
        else:
            raise _not_numeric(rule, a)
    if "sympy" in kinds:
        return rule.sympy(*(a if isinstance(a, sympy.Basic) else _sympify(a) for a in args))
    if "numpy" in kinds:
        if any(np.iscomplexobj(a) for a in args) and rule.complex is None:
            _complex(rule, args)  # raises NotAnalyticError
        return rule.numpy(*(np.asarray(a) if isinstance(a, (list, tuple)) else a for a in args))
    if "complex" in kinds:
        return _complex(rule, tuple(complex(a) for a in args))
    return real_or_domain_error(rule, tuple(float(a) for a in args))


def real_or_domain_error(rule: Rule, args: tuple) -> float:
    """Evaluate a rule on Python floats: DomainError outside the domain, inf on overflow."""
    try:
        return rule.real(*args)
    except (ValueError, ZeroDivisionError):
        raise _domain_error(rule, args) from None
    except OverflowError:
        return ieee(rule, *args)


def make_generic(rule: Rule) -> Callable[..., Any]:
    """Build the generic function of one rule (unary or binary)."""
    real = rule.real
    table = _TABLES.setdefault(rule.name, {})

    if rule.arity == 1:
        float_partial = float_partials(rule)[0]
        kernel = _KERNELS.setdefault(rule.name, [None])

        def generic(x):
            tx = type(x)
            if tx is float:
                try:
                    return real(x)
                except (ValueError, ZeroDivisionError):
                    raise _domain_error(rule, (x,)) from None
                except OverflowError:
                    return ieee(rule, x)
            if tx is _INLINE:
                compiled = kernel[0]
                if compiled is not None:  # the same steps as below, in C
                    result = compiled(x)
                    if result is not None:
                        return result
                elif type(x.primal) is float:
                    # Float fast path of the Dual: the chain rule here, with the
                    # rule's float partial; the unusual cases fall through to the
                    # Dual's own method (the table), which handles them all.
                    p = x.primal
                    try:
                        v = real(p)
                        d = float_partial(p, v)
                    except (ValueError, ZeroDivisionError, OverflowError):
                        d = None
                    if d is not None and d - d == 0.0:  # a finite partial
                        result = _object_new(tx)
                        result.primal, result.tangent, result.tag = v, x.tangent * d, x.tag
                        return result
            implementation = table.get(tx) or _implementation_for(rule, table, tx)
            if implementation is not None:
                return implementation(x)
            return _evaluate_other(rule, (x,))

    else:

        def generic(x, y):
            tx, ty = type(x), type(y)
            if (tx is float or tx is int) and (ty is float or ty is int):
                # ints become floats, as for one-argument functions: maximum(2.0, 3)
                # is 3.0, not the int 3, and so is the primal of a Dual built from it.
                return real_or_domain_error(
                    rule, (x if tx is float else float(x), y if ty is float else float(y)))
            implementation = (table.get(tx) or table.get(ty) or _implementation_for(rule, table, tx)
                              or _implementation_for(rule, table, ty))
            if implementation is not None:
                return implementation(x, y)
            return _evaluate_other(rule, (x, y))

    generic.__name__ = generic.__qualname__ = rule.name
    generic.__doc__ = _docstring(rule)
    generic.rule = rule
    return generic


def _docstring(rule: Rule) -> str:
    args = "x" if rule.arity == 1 else ("y, x" if rule.name == "atan2" else "x, y")
    lines = [
        f"{rule.name}({args}): the elementary function '{rule.text}', for every kind of argument.",
        "",
        f"Accepts Python numbers, complex numbers, NumPy arrays, SymPy expressions and Duals,",
        f"and returns the same kind. Domain: {rule.domain.text}. Category: {rule.category.value}.",
    ]
    if rule.note:
        lines += ["", f"Convention: {rule.note}"]
    if rule.aliases:
        lines += ["", f"Also available as: {', '.join(rule.aliases)}."]
    return "\n".join(lines)


# -- float-specialised partials -------------------------------------------------------
# The partials in rules.py are written with fn.<name>, the generic functions, so
# that one formula serves floats, arrays, Duals and symbols. On a Python float the
# generic function's dispatch is pure overhead, so each partial is also made, at
# load time, with the same code and ``fn`` bound to the rows' own float functions
# (sin' calls math.cos directly). Nothing is written twice: the rows stay the only
# formulas. Where a float function raises (outside its domain, on overflow) the
# generic one gives inf or nan instead, so callers fall back to the generic
# partial there (see dual._unary_method). dualdiff.kernels translates the same
# partials into C for the compiled fast path.

#: fn on floats: every name of :data:`fn`, bound to the rule's ``real`` function.
float_fn = types.SimpleNamespace()

#: Rule -> its partials specialised to Python floats (a constant partial becomes a
#: function returning it, so every entry is called as ``partial(*args, v)``).
FLOAT_PARTIALS: dict[Rule, tuple] = {}


def _specialise(partial: Any) -> Any:
    if not callable(partial) or "fn" not in partial.__code__.co_names:
        return partial
    namespace = dict(partial.__globals__, fn=float_fn)
    return types.FunctionType(partial.__code__, namespace, partial.__name__,
                              partial.__defaults__, partial.__closure__)


def float_partials(rule: Rule) -> tuple:
    """The rule's partials with ``fn.<name>`` bound to the float functions (cached).

    >>> from dualdiff.rules import RULES
    >>> float_partials(RULES["sin"])[0](0.0, 0.0)  # sin'(0) = math.cos(0)
    1.0
    """
    partials = FLOAT_PARTIALS.get(rule)
    if partials is None:
        partials = FLOAT_PARTIALS[rule] = tuple(
            _specialise(p) if callable(p) else (lambda *args, c=p: c) for p in rule.partials)
    return partials


_object_new = new_instance


def _install() -> None:
    for rule in RULES.values():
        for name in (rule.name,) + rule.aliases:
            setattr(float_fn, name, rule.real)
    for rule in RULES.values():
        generic = make_generic(rule)
        GENERIC[rule.name] = generic
        for alias in rule.aliases:
            GENERIC[alias] = generic
    for name, generic in GENERIC.items():
        setattr(fn, name, generic)
        globals()[name] = generic
    __all__.extend(GENERIC)


_install()
