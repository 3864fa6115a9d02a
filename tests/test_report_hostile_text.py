"""Hostile names in every text output: summary, gate, the import report, CSV and Markdown.

A review is a document from anyone: a name may hold ESC/OSC sequences (which set a
terminal's title or clear it), NUL, bidirectional overrides, Markdown or HTML meant to
inject a heading, a link or a script, and spreadsheet formulas. Every output shows them
literally; the file keeps them as written.
"""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.review.document import load_review

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "resources" / "examples" / "webshop.json"

ESC = "Shop\x1b]0;owned\x07\x1b[2J\u009b\x00\u202eevil"
MD = "# Heading <script>alert(1)</script> [click](javascript:alert(1)) *bold* | pipe &amp; `code` ![i](x.png)"
FORMULA = "=HYPERLINK(\"http://x\",\"y\")"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _hostile(tmp_path: Path) -> Path:
    d = json.loads(EXAMPLE.read_text())
    d["review"]["system_name"] = ESC
    d["review"]["description"] = "1) " + MD + "\n# second line heading"
    comp = d["components"][0]
    comp["name"] = ESC + " " + MD
    comp["owner"] = FORMULA
    risk = d["risks"][0]
    risk["title"] = "-" + ESC + MD
    risk["description"] = MD + "\n\n<img src=x onerror=alert(1)>"
    risk["owner"] = "@" + ESC
    d["journeys"][0]["name"] = "+" + MD + ESC
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(d))
    return path


def _run(capsys, *args) -> str:
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    assert code in (0, 1), out.err
    return out.out + out.err


def test_every_text_output_shows_hostile_names_literally(tmp_path, capsys):
    src = _hostile(tmp_path)
    compose = tmp_path / "compose.yaml"  # the import report names what it read: a hostile service name
    compose.write_text('services:\n  "web\\e]0;owned\\a\\0<b>x</b>":\n    image: "nginx\\e[2J"\n'
                       '    ports: ["80:80"]\n    depends_on: ["db"]\n  db:\n    image: postgres\n')
    texts = {
        "summary": _run(capsys, "summary", src),
        "gate": _run(capsys, "gate", src),
        "import report": _run(capsys, "import", compose, "-o", tmp_path / "c.prr"),
    }
    _run(capsys, "import", src, "-o", tmp_path / "h.prr")
    _run(capsys, "export", tmp_path / "h.prr", "--format", "markdown", "-o", tmp_path / "h.md")
    _run(capsys, "export", tmp_path / "h.prr", "--format", "csv", "-o", tmp_path / "h.csv")
    texts["markdown"] = (tmp_path / "h.md").read_text(encoding="utf-8")
    texts["csv"] = (tmp_path / "h.csv").read_text(encoding="utf-8-sig")
    for name, text in texts.items():
        bad = sorted({f"U+{ord(c):04X}" for c in CONTROL.findall(text.replace("\r\n", "\n").replace("\t", " "))})
        assert not bad, f"{name}: raw control characters {bad} reach the output"
        shown = "\\\\x1b\\]0;owned" if name == "markdown" else "\\x1b]0;owned"  # Markdown escapes \\ and ]
        assert shown in text, f"{name}: the hostile name is not shown (escaped)"
    # the data itself is kept as written
    assert load_review(tmp_path / "h.prr").meta.system_name == ESC


def test_markdown_renders_hostile_text_as_text(tmp_path, capsys):
    markdown_it = pytest.importorskip("markdown_it")
    src = _hostile(tmp_path)
    _run(capsys, "export", src, "--format", "markdown", "-o", tmp_path / "h.md")
    text = (tmp_path / "h.md").read_text(encoding="utf-8")
    html = markdown_it.MarkdownIt("commonmark").render(text)
    # no HTML, link, image or code span of the user's text survives as markup
    assert "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html and "<code>" not in html
    assert "<strong>bold</strong>" not in html and "<em>bold</em>" not in html
    # the only headings are the report's own: none starts with the user's "#", "-" or "+"
    headings = re.findall(r"<h(\d)>(.*?)</h\1>", html)
    assert not any(h.startswith(("Heading", "second line")) for _, h in headings), headings
    # the text reads as the user wrote it (HTML-escaped by the renderer, as text)
    assert "# Heading &lt;script&gt;alert(1)&lt;/script&gt; [click](javascript:alert(1)) *bold* | pipe &amp;amp;" in html
    # one table row per risk: a "|" in a name does not add cells
    for line in text.splitlines():
        if line.startswith("| ") and "pipe" in line:
            cells = re.split(r"(?<!\\)\|", line)
            header = next(h for h in text.splitlines()[:text.splitlines().index(line)][::-1] if h.startswith("|---"))
            assert len(cells) == header.count("|") + 1, line


def test_csv_neutralises_formulas_and_keeps_names(tmp_path, capsys):
    src = _hostile(tmp_path)
    _run(capsys, "export", src, "--format", "csv", "-o", tmp_path / "h.csv")
    rows = list(csv.DictReader(io.StringIO((tmp_path / "h.csv").read_text(encoding="utf-8-sig"))))
    assert rows
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value
    titles = {r["title"] for r in rows}
    assert any(t.startswith("'-Shop\\x1b]0;owned") for t in titles), titles
