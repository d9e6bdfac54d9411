"""The benchmark suite of dualdiff against its peers (run it with ``python benchmarks/run.py``).

Not part of the installed package: it measures the source tree it sits in.
See benchmarks/README.md for the method and how to read the tables.
"""
