"""tables/ holds exactly what tables/generate.py writes: regenerate and compare byte for byte."""

from __future__ import annotations

import importlib.util
import json
import math
from pathlib import Path

import pytest

TABLES = Path(__file__).resolve().parents[1] / "tables"


def _generator():
    spec = importlib.util.spec_from_file_location("tables_generate", TABLES / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_tables_are_up_to_date(tmp_path):
    generator = _generator()
    written = generator.main(tmp_path)
    names = sorted(p.name for p in written)
    committed = sorted(p.name for p in TABLES.iterdir()
                       if p.suffix.lstrip(".") in generator.FORMATS and p.name != "README.md")
    assert names == committed, "run: python tables/generate.py"
    stale = [name for name in names
             if (tmp_path / name).read_bytes() != (TABLES / name).read_bytes()]
    assert not stale, f"tables/ is out of date for {stale}; run: python tables/generate.py"


def test_required_examples_and_formats_exist():
    for example in ("survey_seed_x1", "survey_seed_x2", "lighthouse_seed_t", "sigmoid",
                    "composite"):
        for suffix in ("md", "tex", "csv", "dot"):
            assert (TABLES / f"{example}.{suffix}").is_file(), f"{example}.{suffix}"
    assert "python tables/generate.py" in (TABLES / "README.md").read_text(encoding="utf-8")


def test_survey_seed_x2_tangents_match_the_closed_form():
    # ∂f/∂x2 of ln x1 + x1 x2 - sin x2 at (2, 5) is x1 - cos x2 = 2 - cos 5.
    document = json.loads((TABLES / "survey_seed_x2.json").read_text(encoding="utf-8"))
    assert document["outputs"][0]["tangent"] == [pytest.approx(2 - math.cos(5.0), rel=1e-15)]
