"""Session 29 (x-bad report): Markdown checklist oddities. Two level-1 headings at the top kept neither as
the title; items under an empty ``###`` joined the category above (or the heading joined the item above
as its why); a sub-task under a question skipped as a repeat got no "Part of" and no warning; a tab
indents as 4 columns. Each either works or is named in a warning with its line."""
from __future__ import annotations

from pathlib import Path

from prr_app.checklist.markdown import parse_markdown
from prr_app.cli.main import main

ROOT = Path(__file__).resolve().parents[1]


def _parse(text):
    r = parse_markdown(text, template_id="team", file="team.md")
    cats = {c.id: c.title for c in r.template.categories}
    by_cat = {}
    for it in r.template.items:
        by_cat.setdefault(cats[it.category], []).append(it)
    return r, by_cat


def test_two_level1_headings_at_the_top_the_first_is_the_title():
    r, by_cat = _parse("# Team checklist\n# Second title\n\n- [x] Item before any category\n## Ops\n- [ ] Runbooks exist\n")
    assert r.template.title == "Team checklist"
    assert [i.question for i in by_cat["Second title"]] == ["Item before any category"]
    assert [i.question for i in by_cat["Ops"]] == ["Runbooks exist"]


def test_level1_headings_each_over_its_items_stay_categories():
    r, by_cat = _parse("# Ops\n- [ ] Runbooks exist\n# Security\n- [ ] Secrets are rotated\n")
    assert r.template.title == "team"
    assert set(by_cat) == {"Ops", "Security"}


def test_a_single_level1_heading_is_the_title_as_before():
    r, by_cat = _parse("# Team\n- [ ] Runbooks exist\n## Ops\n- [ ] Alerts page someone\n")
    assert r.template.title == "Team"
    assert set(by_cat) == {"General", "Ops"}


def test_items_under_an_empty_heading_are_a_category_of_their_own_and_warned_about():
    r, by_cat = _parse("# T\n## Ops\n- [ ] Runbooks exist\n###\n- [ ] Under the empty heading\n")
    assert [i.question for i in by_cat["Ops"]] == ["Runbooks exist"]
    assert by_cat["Ops"][0].why == ""  # the "###" line is not the item's why
    assert [i.question for i in by_cat["Section 4"]] == ["Under the empty heading"]
    assert "team.md: line 4: a heading with no text; the items below it are in a category named 'Section 4'" in r.warnings


def test_a_tab_indented_sub_task_is_part_of_its_parent():
    r, by_cat = _parse("# T\n## Ops\n  - [ ] Parent question here\n\t- [ ] Tab child here\n")
    child = by_cat["Ops"][1]
    assert child.why == "Part of: Parent question here"
    assert any(w.startswith("team.md: line 4: a sub-task of line 3") for w in r.warnings)


def test_a_sub_task_of_a_skipped_repeat_is_still_a_sub_task_and_named():
    r, by_cat = _parse("# T\n## Ops\n- [ ] dup question\n- [ ] dup question\n\t- [ ] tab child\n    - Why: because\n")
    child = next(i for i in by_cat["Ops"] if i.question == "tab child")
    assert child.why == "Part of: dup question"
    assert "team.md: line 4: same question as line 3; skipped" in r.warnings
    assert any(w.startswith("team.md: line 5: a sub-task of line 4") for w in r.warnings)
    # the skipped item's own note has no item to go to: named, not added to another item
    assert any(w.startswith("team.md: line 6: a list item without a box") for w in r.warnings)
    assert by_cat["Ops"][0].why == ""


def test_the_testers_file_imports_with_every_oddity_named(tmp_path, capsys):
    src = tmp_path / "odd.md"
    src.write_text("# Team checklist\n# Second title\n\n- [x] Item before any category\n## Ops\n- [ ] dup question\n"
                   "- [ ] dup question\n\t- [ ] tab-indented child\n## Ops\n- [ ] same category name again\n###\n"
                   "- [ ] under empty heading\n")
    out = tmp_path / "odd.yaml"
    assert main(["checklist-import", str(src), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "line 8: a sub-task of line 7" in err
    assert "line 11: a heading with no text" in err
    assert "title: Team checklist" in out.read_text()


def test_a_txt_file_is_read_as_markdown_as_the_docs_say(tmp_path, capsys):
    src = tmp_path / "notes.txt"
    src.write_text("# T\n## Ops\n- [ ] Runbooks exist (blocker)\n")
    assert main(["checklist-import", str(src), "-o", str(tmp_path / "n.yaml")]) == 0
    doc = (ROOT / "docs" / "checklist.md").read_text(encoding="utf-8")
    assert "`.md`, `.markdown` and `.txt` files are read as\nMarkdown" in doc
    other = tmp_path / "notes.csv"
    other.write_text("a,b\n")
    assert main(["checklist-import", str(other), "-o", str(tmp_path / "c.yaml")]) == 2
    assert "notes.csv" in capsys.readouterr().err
