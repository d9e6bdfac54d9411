"""``python -m dualdiff``: the same as the ``dualdiff`` command."""

from .cli import main

raise SystemExit(main())
