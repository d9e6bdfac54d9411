"""The README is part of the product: its snippets run, its lists match the code."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest
from readme_blocks import BLOCKS

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_snippets_run_and_print_what_they_say():
    result = doctest.testfile(
        str(ROOT / "README.md"), module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.attempted > 10
    assert result.failed == 0


@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_generated_lists_match_the_code(name):
    """The function list is the rule table; the NumPy list is dualdiff.arrays' registry."""
    block = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", README, re.S)
    assert block, f"README lost its {name} block markers"
    assert block.group(1).strip() == BLOCKS[name]().strip(), (
        f"README's {name} list differs from the code; "
        "regenerate it with: python tests/readme_blocks.py"
    )


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = ci.strip().splitlines()[-1]
    assert command.startswith("python3 -m venv .venv")
    assert f"```bash\n{command}\n```" in README
