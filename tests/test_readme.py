"""The README is part of the product: its snippets run, its lists match the code."""

from __future__ import annotations

import doctest
import re
from pathlib import Path

from readme_blocks import functions_block

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_snippets_run_and_print_what_they_say():
    result = doctest.testfile(
        str(ROOT / "README.md"), module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.attempted > 10
    assert result.failed == 0


def test_functions_list_is_the_rule_table():
    block = re.search(r"<!-- functions:start -->\n(.*?)<!-- functions:end -->", README, re.S)
    assert block, "README lost its functions block markers"
    assert block.group(1).strip() == functions_block().strip(), (
        "README's function list differs from the rule table; "
        "regenerate it with: python tests/readme_blocks.py"
    )


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = ci.strip().splitlines()[-1]
    assert command.startswith("python3 -m venv .venv")
    assert f"```bash\n{command}\n```" in README
