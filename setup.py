"""Build the optional C fast path; everything else is in setup.cfg.

``optional=True``: without a C compiler the build goes on without
``dualdiff._speedups`` and dualdiff runs in pure Python, with the same results
(see dualdiff/_speedups.c).
"""

import os

from setuptools import Extension, setup

# No fused multiply-add and no fast-math (whatever CFLAGS say): the compiled fast
# path must round as Python does and see infinities and NaNs.
FLAGS = [] if os.name == "nt" else ["-O2", "-fno-fast-math", "-ffp-contract=off"]

setup(
    ext_modules=[
        Extension(
            "dualdiff._speedups",
            sources=["dualdiff/_speedups.c"],
            depends=["dualdiff/_kernels.h"],
            extra_compile_args=FLAGS,
            # -ffast-math at link time would also link crtfastmath, which sets
            # flush-to-zero for the whole process, Python's own floats included.
            extra_link_args=[] if os.name == "nt" else ["-fno-fast-math"],
            optional=True,
        )
    ]
)
