"""Session 29 (x-bad report): a file that is not UTF-8 is refused the same way by every reader, through
one decoding (``text_safety.decode_text``): one line naming the file, the line and column of the first
bad byte (never a byte offset), or the UTF-16/UTF-32 its byte-order mark names, with "save it as UTF-8".
Only a CSV edge list reads UTF-16."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.errors import PrrError
from prr_app.text_safety import decode_text

ROOT = Path(__file__).resolve().parents[1]
WEBSHOP = ROOT / "resources" / "examples" / "webshop.json"
REAL_K8S = Path("/work/shared/realdata/online-boutique/kubernetes-manifests.yaml")
K8S = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    owner: caf\u00e9\n"


def _fail(capsys, argv, *words):
    """Run ``prr`` expecting bad input: exit 2, one line on stderr holding ``words``; that line."""
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert "Traceback" not in err
    for w in words:
        assert w in err, err
    return err


# ------------------------------------------------------------------ the helper
def test_a_latin1_byte_is_named_by_line_and_column_not_byte_offset():
    raw = "a: 1\nowner: caf\u00e9\n".encode("latin-1")
    with pytest.raises(PrrError) as e:
        decode_text(raw, "f.yaml")
    assert str(e.value) == "f.yaml: line 2, column 11: byte 0xE9 is not UTF-8 text: save it as UTF-8"


def test_columns_count_characters_and_crlf_ends_a_line():
    raw = "x\r\n\u00e9\u00e9 caf".encode("utf-8") + b"\xe9"
    with pytest.raises(PrrError) as e:
        decode_text(raw, "f")
    assert e.value.location == "line 2, column 7"


@pytest.mark.parametrize("codec,name", [("utf-16", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32", "UTF-32"),
                                        ("utf-32-be", "UTF-32")])
def test_a_byte_order_mark_names_its_encoding(codec, name):
    raw = "a: 1\n".encode(codec)
    if not raw.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        raw = "\ufeffa: 1\n".encode(codec)
    with pytest.raises(PrrError) as e:
        decode_text(raw, "f.yaml")
    assert str(e.value) == f"f.yaml: {name} text (it starts with {name}'s byte-order mark); save it as UTF-8"


@pytest.mark.parametrize("codec,name", [("utf-16-le", "UTF-16"), ("utf-16-be", "UTF-16"), ("utf-32-le", "UTF-32")])
def test_utf16_without_a_byte_order_mark_is_named_from_its_nul_bytes(codec, name):
    with pytest.raises(PrrError, match=f"looks like {name} text without a byte-order mark"):
        decode_text("services:\n  web:\n    image: nginx\n".encode(codec), "f.yaml")


def test_utf8_with_or_without_a_byte_order_mark_and_utf16_where_allowed():
    assert decode_text("\ufeffh\u00e9\n".encode("utf-8")) == "h\u00e9\n"
    assert decode_text("h\u00e9\n".encode("utf-8")) == "h\u00e9\n"
    assert decode_text("h\u00e9\n".encode("utf-16"), utf16=True) == "h\u00e9\n"
    assert decode_text(b"a\x00b") == "a\x00b"  # a stray NUL is the caller's to refuse, in its words


# ------------------------------------------------------------------ every reader, as a user meets it
def test_yaml_import_names_line_and_column(tmp_path, capsys):
    f = tmp_path / "dep.yaml"
    f.write_bytes(K8S.encode("latin-1"))
    _fail(capsys, ["import", str(f), "--dry-run"], f"{f}: line 6, column 15: byte 0xE9 is not UTF-8 text: save it as UTF-8")


def test_yaml_import_names_utf16(tmp_path, capsys):
    f = tmp_path / "dep.yaml"
    f.write_bytes(K8S.encode("utf-16"))
    _fail(capsys, ["import", str(f), "--format", "kubernetes", "--dry-run"],
          f"{f}: UTF-16 text (it starts with UTF-16's byte-order mark); save it as UTF-8")


@pytest.mark.skipif(not REAL_K8S.is_file(), reason="needs /work/shared/realdata")
@pytest.mark.parametrize("codec,words", [("utf-16", "UTF-16 text"), ("latin-1", "line 1, column 6: byte 0xE9")])
def test_a_real_manifest_saved_in_another_encoding(tmp_path, capsys, codec, words):
    f = tmp_path / "kubernetes-manifests.yaml"
    f.write_bytes(("# Caf\u00e9 team\n" + REAL_K8S.read_text(encoding="utf-8")).encode(codec))
    _fail(capsys, ["import", str(f), "--format", "kubernetes", "--dry-run"], str(f), words, "save it as UTF-8")


def test_dot_import_names_line_and_column(tmp_path, capsys):
    f = tmp_path / "g.dot"
    f.write_bytes("digraph {\n  web -> \"caf\u00e9\"\n}\n".encode("latin-1"))
    _fail(capsys, ["import", str(f), "--dry-run"], f"{f}: line 2, column 14: byte 0xE9 is not UTF-8 text")


def test_review_json_names_line_and_column(tmp_path, capsys):
    f = tmp_path / "r.json"
    text = WEBSHOP.read_text(encoding="utf-8").replace('"name": "', '"name": "caf\u00e9 ', 1)
    f.write_bytes(text.encode("latin-1"))
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "caf\u00e9" in t)
    col = text.splitlines()[line - 1].index("\u00e9") + 1
    _fail(capsys, ["validate", str(f)], f"{f}: line {line}, column {col}: byte 0xE9 is not UTF-8 text")


def test_review_json_in_utf16_is_named_utf16_not_byte_0(tmp_path, capsys):
    f = tmp_path / "r.json"
    f.write_bytes(WEBSHOP.read_text(encoding="utf-8").encode("utf-16"))
    err = _fail(capsys, ["validate", str(f)], "UTF-16 text", "save it as UTF-8")
    assert "byte 0" not in err


def test_review_json_opened_unchecked_is_refused_the_same_way():
    from prr_app.interchange.json_io import review_from_json_bytes

    with pytest.raises(PrrError, match="UTF-16 text"):
        review_from_json_bytes(WEBSHOP.read_text(encoding="utf-8").encode("utf-16"), file="r.json", checked=False)


def test_markdown_checklist_names_line_and_column(tmp_path, capsys):
    f = tmp_path / "team.md"
    f.write_bytes("# T\n## Ops\n- [ ] Caf\u00e9 runbooks exist\n".encode("latin-1"))
    _fail(capsys, ["checklist-import", str(f), "-o", str(tmp_path / "t.yaml")],
          f"{f}: line 3, column 10: byte 0xE9 is not UTF-8 text: save it as UTF-8")
    assert not (tmp_path / "t.yaml").exists()


def test_markdown_checklist_names_utf16(tmp_path, capsys):
    f = tmp_path / "team.md"
    f.write_bytes("# T\n## Ops\n- [ ] Runbooks exist\n".encode("utf-16"))
    _fail(capsys, ["checklist-import", str(f), "-o", str(tmp_path / "t.yaml")], f"{f}: UTF-16 text")


def test_checklist_template_names_line_and_column(tmp_path, capsys):
    f = tmp_path / "t.yaml"
    f.write_bytes("format: prr-checklist\ntitle: caf\u00e9\n".encode("latin-1"))
    _fail(capsys, ["checklist-import", str(f), "-o", str(tmp_path / "o.yaml")],
          f"{f}: line 2, column 11: byte 0xE9 is not UTF-8 text")


def test_csv_still_reads_utf16_and_names_latin1_by_line_and_column(tmp_path):
    from prr_app.importers.csv_edges import read_csv_edges

    good = tmp_path / "e.csv"
    good.write_bytes("source,target\nweb,api\n".encode("utf-16"))
    assert len(read_csv_edges([good]).review.dependencies) == 1
    bad = tmp_path / "fr.csv"
    bad.write_bytes("source,target\nweb,caf\u00e9\n".encode("latin-1"))
    with pytest.raises(PrrError) as e:
        read_csv_edges([bad])
    assert str(e.value).startswith(f"{bad}: line 2, column 8: byte 0xE9 is not UTF-8 text: save it as CSV UTF-8")


def test_compose_env_file_names_line_and_column(tmp_path, capsys):
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:${TAG}\n")
    (tmp_path / ".env").write_bytes("TAG=1\nOWNER=caf\u00e9\n".encode("latin-1"))
    _fail(capsys, ["import", str(tmp_path / "compose.yaml"), "--dry-run"], "line 2, column 10: byte 0xE9 is not UTF-8")
