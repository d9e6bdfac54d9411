"""dualdiff: forward-mode automatic differentiation with dual numbers.

>>> import dualdiff as dd
>>> dd.derivative(lambda x: dd.log(x) + x * x, 2.0)
4.5
"""

from .compare import compare
from .derivatives import derivative, grad, hessian, jacobian, jvp
from .dual import Dual
from .errors import (
    DomainError,
    DualConversionError,
    DualDiffError,
    DualDiffWarning,
    ExpressionError,
    GraphvizNotFoundError,
    InputError,
    MissingExtraError,
    NonFiniteWarning,
    NotAnalyticError,
    SymbolicError,
    SymbolicTimeout,
    TieWarning,
    TraceWarning,
    UnsupportedOperationError,
)
from .expr import Expression, parse, parse_assignments, parse_many
from .functions import GENERIC as _GENERIC
from .report import Report
from .steps import StepsCheck, check_steps
from .symbolic import SymbolicDerivative, symbolic_derivative
from .numeric import NumericResult, complex_step, default_step, finite_difference, richardson
from .rules import RULES
from .sweep import StepSweep, step_sweep
from .trace import Trace, trace

globals().update(_GENERIC)

__version__ = "0.1.0"

__all__ = [
    "Dual",
    "derivative",
    "grad",
    "jacobian",
    "jvp",
    "hessian",
    "compare",
    "Report",
    "check_steps",
    "StepsCheck",
    "symbolic_derivative",
    "SymbolicDerivative",
    "trace",
    "Trace",
    "Expression",
    "parse",
    "parse_many",
    "parse_assignments",
    "finite_difference",
    "complex_step",
    "richardson",
    "default_step",
    "NumericResult",
    "step_sweep",
    "StepSweep",
    "RULES",
    "DualDiffError",
    "DomainError",
    "DualConversionError",
    "InputError",
    "UnsupportedOperationError",
    "NotAnalyticError",
    "ExpressionError",
    "MissingExtraError",
    "SymbolicError",
    "SymbolicTimeout",
    "GraphvizNotFoundError",
    "DualDiffWarning",
    "TraceWarning",
    "TieWarning",
    "NonFiniteWarning",
    *sorted(_GENERIC),
]
