"""The examples the docs give a user work as written (each was found broken by a reader)."""
from __future__ import annotations

import re
from pathlib import Path

from prr_app.cli.main import main

DOCS = Path(__file__).resolve().parents[1] / "docs"
EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"


def _blocks(doc: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", (DOCS / doc).read_text(encoding="utf-8"), flags=re.S)


def test_the_template_example_in_checklist_md_is_accepted(tmp_path, capsys):
    block = next(b for b in _blocks("checklist.md", "yaml") if b.startswith("format: prr-checklist"))
    (tmp_path / "payments.yaml").write_text(block, encoding="utf-8")
    assert main(["checklist-import", str(tmp_path / "payments.yaml"), "-o", str(tmp_path / "out.yaml")]) == 0, \
        capsys.readouterr().err


def test_the_python_api_example_answers_an_item_of_the_webshop(tmp_path):
    """The snippet's set_answer names an item the bundled example has (a group's members share one key)."""
    from prr_app import checklist
    from prr_app.review.document import load_review

    snippet = next(b for b in _blocks("checklist.md", "python") if "checklist.set_answer" in b)
    key = re.search(r'set_answer\(doc\.review, "([^"]+)"', snippet).group(1)
    review = load_review(EXAMPLES / "webshop.json")
    checklist.set_answer(review, key, status="met", evidence="https://wiki/restore", by="Omar")
    assert review.answers[key].status == "met"
