"""Session 26: what the command line says agrees with the other faces."""
from __future__ import annotations

from prr_app.cli.main import main


def test_summary_says_its_answer_count_is_the_reviewers_and_where_the_items_answered_are(capsys):
    """`prr summary` counts the answers recorded by reviewers (29 on the webshop example), while `prr
    checklist` and the report count the items answered, the model's answers too (70 of 320): the
    summary must not read as a different figure for the same thing."""
    assert main(["summary", "resources/examples/webshop.json"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("checklist answers:"))
    assert line.startswith("checklist answers: 29 by reviewers")
    assert "prr checklist" in line
