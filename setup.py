"""Build the optional C fast path; everything else is in setup.cfg.

``optional=True``: without a C compiler the build goes on without
``dualdiff._speedups`` and dualdiff runs in pure Python, with the same results
(see dualdiff/_speedups.c).
"""

import os

from setuptools import Extension, setup

# No fused multiply-add: the compiled fast path must round as Python does.
FLAGS = [] if os.name == "nt" else ["-O2", "-ffp-contract=off"]

setup(
    ext_modules=[
        Extension(
            "dualdiff._speedups",
            sources=["dualdiff/_speedups.c"],
            depends=["dualdiff/_kernels.h"],
            extra_compile_args=FLAGS,
            optional=True,
        )
    ]
)
