"""A review JSON nested too deeply is refused one way, whatever depth and whichever reader gives up.

Before, 255 to ~990 levels read "$: nested too deeply (Recursion limit reached)" (the schema
validator's words, no place), and deeper "line L column C: ... (more than 500 levels)", although
900 levels had passed the parser."""
from __future__ import annotations

import subprocess
import sys

import pytest

from prr_app.model.json_values import MAX_NESTING


def _deep_review(examples_dir, tmp_path, depth):
    text = (examples_dir / "webshop.json").read_text(encoding="utf-8")
    deep = "[" * depth + "1" + "]" * depth
    text = text.replace('"description": "', f'"description": {deep}, "x": "', 1)
    path = tmp_path / f"deep{depth}.json"
    path.write_text(text, encoding="utf-8")
    first = text.index("[" * depth)
    line = text.count("\n", 0, first) + 1
    # the bracket that passes the limit: the description sits two levels down (the document, "review")
    col = first - (text.rfind("\n", 0, first) + 1) + 1 + MAX_NESTING - 2
    return path, line, col


@pytest.mark.parametrize("depth", [MAX_NESTING + 5, 600, 900, 1200, 5000])
def test_one_refusal_names_the_bracket_that_passes_the_limit(examples_dir, tmp_path, depth):
    path, line, col = _deep_review(examples_dir, tmp_path, depth)
    for cmd in ("validate", "analyze"):
        p = subprocess.run([sys.executable, "-m", "prr_app", cmd, str(path)], capture_output=True, text=True)
        assert p.returncode == 2 and "Traceback" not in p.stderr
        assert p.stderr.strip() == (f"prr: {path}: line {line} column {col}: invalid JSON: nested too deeply "
                                    f"(more than {MAX_NESTING} levels)")


def test_nesting_within_the_limit_is_read_on(examples_dir, tmp_path):
    # 200 levels: the schema's own refusal (a description is text), not a nesting one
    path, _line, _col = _deep_review(examples_dir, tmp_path, 200)
    p = subprocess.run([sys.executable, "-m", "prr_app", "validate", str(path)], capture_output=True, text=True)
    assert p.returncode == 2 and "nested too deeply" not in p.stderr and "description" in p.stderr
