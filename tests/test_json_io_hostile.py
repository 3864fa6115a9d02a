"""Review JSON edge cases that used to end in "internal error" (exit 3), and output paths.

Each either loads, or is refused with exit 2 and a message naming the file; nothing that loads
can fail to be written back.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from prr_app.model import json_values
from prr_app.errors import PrrError
from prr_app.interchange.json_io import dumps, loads, read_review_json
from prr_app.review.document import load_review
from prr_app.text_safety import sanitize

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "resources" / "examples" / "webshop.json"


def prr(*args, **kw):
    return subprocess.run([sys.executable, "-m", "prr_app", *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=ROOT, **kw)


def doc() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def test_history_entry_without_by_loads_and_round_trips():
    d = doc()
    a = d["checklist"]["answers"][0]
    a["history"] = [{"at": "2026-01-01T00:00:00Z", "status": "met"}]
    review = loads(json.dumps(d))
    assert review.answers[a["item"]].history[0].by == ""
    assert dumps(loads(dumps(review))) == dumps(review)


@pytest.mark.parametrize("depth", [254, 300, 600, 989, 1200])
@pytest.mark.parametrize("where", ["report", "tags", "top"])
def test_deep_nesting_is_a_clean_error(tmp_path, depth, where):
    d = doc()
    deep = "[" * depth + "]" * depth
    if where == "report":
        d["imports"] = [{"id": "i1", "at": "2026-01-01T00:00:00Z", "format": "csv", "report": {"x": "DEEP"}}]
    elif where == "tags":
        d["components"][0]["tags"] = "DEEP"
    else:
        d["extra"] = "DEEP"
    path = tmp_path / "deep.json"
    path.write_text(json.dumps(d).replace('"DEEP"', deep))
    res = prr("validate", path)
    assert res.returncode == 2, res.stderr
    assert str(path) in res.stderr and "internal error" not in res.stderr


def test_an_escaped_lone_surrogate_is_refused_and_a_pair_is_text(tmp_path):
    d = doc()
    d["review"]["description"] = "PAIR"
    ok = json.dumps(d).replace('"PAIR"', '"smile \\ud83d\\ude00"')
    assert "\U0001F600" in loads(ok).meta.description
    bad = json.dumps(d).replace('"PAIR"', '"broken \\ud800 text"')
    with pytest.raises(PrrError, match="lone surrogate"):
        loads(bad)
    path = tmp_path / "s.json"
    path.write_text(bad)
    res = prr("validate", path)
    assert res.returncode == 2 and "lone surrogate" in res.stderr


def test_an_integer_beyond_64_bits_is_refused_everywhere(tmp_path):
    d = doc()
    d["imports"] = [{"id": "i1", "at": "2026-01-01T00:00:00Z", "format": "csv", "report": {"n": "BIG"}}]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(d).replace('"BIG"', str(2**70)))
    res = prr("import", path, "-o", tmp_path / "big.prr")
    assert res.returncode == 2, res.stderr
    assert "64 bits" in res.stderr and not (tmp_path / "big.prr").exists()
    assert json_values.loads(str(2**63 - 1)) == 2**63 - 1
    with pytest.raises(json_values.JSONValueError):
        json_values.loads(str(-(2**63) - 1))


@pytest.mark.parametrize("text", ['{"a": 1, "a": 2}', '[NaN]', '[1e400, Infinity]', '{"a": [1, 2'])
def test_strict_parser_refuses(text):
    with pytest.raises(json_values.JSONValueError):
        json_values.loads(text)


# ---------------------------------------------------------------- output paths
@pytest.mark.parametrize("args", [
    ["export", "REVIEW", "--format", "json", "-o", "OUT"],
    ["export", "REVIEW", "--format", "pdf", "-o", "OUT"],
    ["export", "REVIEW", "--format", "markdown", "-o", "OUT"],
    ["export", "REVIEW", "--format", "csv", "-o", "OUT"],
    ["checklist-export", "REVIEW", "-o", "OUT"],
    ["import", "REVIEW", "-o", "OUT"],
    ["report", "REVIEW", "-o", "OUT"],
    ["checklist-answer", "REVIEW", "slo.agreed-with-product", "--status", "met", "-o", "OUT"],
])
@pytest.mark.parametrize("out", ["missing-folder/x.out", "a-folder"])
def test_output_into_a_missing_folder_or_onto_a_folder_is_exit_2(tmp_path, args, out):
    (tmp_path / "a-folder").mkdir()
    target = tmp_path / out
    res = prr(*[str(EXAMPLE) if a == "REVIEW" else str(target) if a == "OUT" else a for a in args])
    assert res.returncode == 2, (res.returncode, res.stderr)
    assert "internal error" not in res.stderr
    assert not (tmp_path / "missing-folder").exists()


def test_checklist_import_does_not_create_folders(tmp_path):
    md = tmp_path / "team.md"
    md.write_text("# Ops\n- [ ] We have a runbook\n")
    res = prr("checklist-import", md, "-o", tmp_path / "missing" / "t.yaml")
    assert res.returncode == 2 and not (tmp_path / "missing").exists()


def test_json_written_in_place_keeps_mode_and_symlink(tmp_path):
    import os
    import shutil

    real = tmp_path / "r.json"
    shutil.copy(EXAMPLE, real)
    os.chmod(real, 0o664)
    link = tmp_path / "link.json"
    link.symlink_to("r.json")
    res = prr("checklist-answer", link, "slo.agreed-with-product", "--status", "met", "--by", "x")
    assert res.returncode == 0, res.stderr
    assert link.is_symlink() and os.stat(real).st_mode & 0o777 == 0o664
    assert load_review(real).answers["slo.agreed-with-product"].status == "met"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "r.json"]


# ---------------------------------------------------------------- terminal safety
def test_sanitize_escapes_control_sequences():
    assert sanitize("a\x1b]0;pwned\x07b\x00c") == "a\\x1b]0;pwned\\x07b\\x00c"
    assert sanitize("x\u202eevil") == "x\\u202eevil"
    assert sanitize("two\nlines\tok") == "two\nlines\tok"
    assert sanitize("two\nlines", one_line=True) == "two\\x0alines"
    assert sanitize("café ✓ 日本") == "café ✓ 日本"


def test_names_with_escape_sequences_never_reach_the_terminal(tmp_path):
    d = doc()
    evil = "Shop\x1b]0;owned\x07\x1b[2J\u009b"
    d["review"]["system_name"] = evil
    d["components"][0]["name"] = evil
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(d))
    outputs = []
    for args in (("summary", path), ("gate", path), ("validate", path), ("import", path, "-o", tmp_path / "e.prr"),
                 ("checklist", path)):
        res = prr(*args)
        assert res.returncode in (0, 1), res.stderr
        outputs.append(res.stdout + res.stderr)
    for out in outputs:
        assert "\x1b" not in out and "\x07" not in out and "\u009b" not in out
    assert "Shop\\x1b]0;owned" in outputs[0]
    assert load_review(tmp_path / "e.prr").meta.system_name == evil  # the data itself is kept as written
