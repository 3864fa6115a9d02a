"""Finding a template by id reads only its file (the others by their top lines): the same choice as
the full scan of every file, which stays the authority where the top lines cannot decide."""
from __future__ import annotations

import pytest

from prr_app import safe_yaml
from prr_app.checklist import template as T
from prr_app.errors import PrrError

BUNDLED = T.bundled_template_dir()


def _full_scan_pick(text: str):
    """load_template's choice by the full scan (every file read), as before the headers."""
    tid, _, version = text.partition("@")
    matches = [i for i in T.templates() if i.id == tid and (not version or i.version == version)]
    return (matches[-1].path, matches[-1].version) if matches else None


def _user_file(folder, name: str, version: str, *, tid: str = "prr-default", extra: str = "") -> None:
    text = (BUNDLED / "prr-default.yaml").read_text()
    text = text.replace("id: prr-default\n", f"id: {tid}\n", 1).replace("version: '2.3'\n", f"version: {version}\n", 1)
    (folder / name).write_text(text + extra)


@pytest.fixture
def user_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PRR_CHECKLIST_DIR", str(tmp_path))
    return tmp_path


def _agree(*names: str) -> None:
    for text in names:
        want = _full_scan_pick(text)
        if want is None:
            with pytest.raises(PrrError):
                T.load_template(text)
            continue
        t = T.load_template(text)
        assert (t.version,) == (want[1],), text
        assert T._find(*text.partition("@")[::2]) in (None, t)  # a fast answer is the scan's answer


def test_every_bundled_template_is_found_as_the_full_scan_finds_it(user_dir):
    _agree("prr-default", "prr-default@2.0", "prr-default@2.1", "prr-default@2.2", "prr-default@2.3", "launch-lite", "prr-operational",
           "prr-default@9.9", "no-such-template")
    assert T.load_template("prr-default").version == "2.3"
    assert T.shadowed_templates("prr-default", "2.3") == []


def test_user_templates_newer_shadowing_and_broken(user_dir):
    _user_file(user_dir, "a-newer.yaml", "'2.4'")
    _agree("prr-default", "prr-default@2.4", "prr-default@2.3")
    assert T.load_template("prr-default").version == "2.4"
    # a user's copy with the bundled id and version: the bundled one wins, and the warning stays
    _user_file(user_dir, "b-copy.yaml", "'2.3'")
    _agree("prr-default@2.3", "prr-default")
    assert any("b-copy.yaml" in w for w in T.shadowed_templates("prr-default", "2.3"))
    # a newest version that does not load (a duplicate key): skipped, as the full scan skips it
    _user_file(user_dir, "c-broken.yaml", "'3.0'", extra="id: twice\n")
    _agree("prr-default", "prr-default@3.0")
    assert T.load_template("prr-default").version == "2.4"
    # a version written unquoted: the header says 4.0, the file reads otherwise; the scan decides
    _user_file(user_dir, "d-unquoted.yaml", "4.0", tid="team-x")
    _agree("team-x", "team-x@4.0")


def test_top_level_scalars_reads_the_top_mapping_only():
    read = safe_yaml.top_level_scalars
    assert read("categories: [{id: x}]\nmeta: {version: 9}\nid: t\nversion: '1.0'\n", ("id", "version")) \
        == {"id": "t", "version": "1.0"}
    assert read('{"items": [{"id": "x"}], "id": "j", "version": "2"}', ("id", "version")) == {"id": "j", "version": "2"}
    assert read("- id: x\n", ("id",)) is None  # not a mapping
    assert read("a: [\n", ("id",)) is None  # broken before the key
    assert read("a: {id: nested}\n", ("id",)) == {}  # nested ids are not the template's
