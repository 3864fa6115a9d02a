"""A date a user gives is YYYY-MM-DD or it is refused: Python takes week and ordinal forms too, which the
file format does not, and a review written with one could not be opened again (not even to fix it)."""
from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from prr_app.cli.main import main
from prr_app.model.dates import is_date

EXAMPLES = __import__("pathlib").Path(__file__).resolve().parents[1] / "resources" / "examples"


@given(st.dates())
def test_every_calendar_day_written_yyyy_mm_dd_is_a_date(day):
    text = day.isoformat()
    assert is_date(text) == (len(text) == 10)  # years before 1000 are written with 4 digits too


@pytest.mark.parametrize("text", ["2027-W05-3", "20270203", "2027-034", "2027-02-30", "2027-13-01", "2027-2-3",
                                  "２０２７-02-03", " 2027-02-03", "2027-02-03T00:00"])
def test_other_forms_are_not(text):
    assert not is_date(text)


def test_checklist_answer_refuses_a_week_date_and_the_review_stays_openable(tmp_path, capsys):
    review = tmp_path / "shop.json"
    review.write_bytes((EXAMPLES / "webshop.json").read_bytes())
    before = review.read_bytes()
    assert main(["checklist-answer", str(review), "cap.load-test-peak", "--status", "not_met", "--due", "2027-W05-3"]) == 2
    err = capsys.readouterr().err
    assert "2027-W05-3" in err and len(err.strip().splitlines()) == 1
    assert review.read_bytes() == before
    assert main(["checklist", str(review)]) == 0


def test_a_plan_with_a_week_date_is_refused(tmp_path, capsys):
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps({"format": "prr-plan", "version": 1, "name": "ha", "changes": [
        {"op": "add-replica", "component": "cart-db", "domain": "euw1-b", "due": "2027-W05-3"}]}))
    assert main(["analyze", str(EXAMPLES / "webshop.json"), "--plan", str(plan)]) == 2
    assert "due must be a date YYYY-MM-DD" in capsys.readouterr().err


def test_prr_analyze_shows_a_ceiling_with_the_digits_that_put_it_below_its_slo(tmp_path, capsys):
    """99.89996 against an SLO of 99.9 was printed '99.9000 % ... SLO 99.9 %: NOT ATTAINABLE' (the app
    and the CLI now share wording.ceiling_text)."""
    review = tmp_path / "round.json"
    review.write_text(json.dumps({
        "format": "prr-review", "version": 1, "review": {"system_name": "round", "tier": 1}, "dependencies": [],
        "components": [{"id": "web", "kind": "service", "user_facing": True, "replicas": 1, "availability": 99.89996}],
        "journeys": [{"id": "buy", "name": "Buy", "entry": ["web"], "slo": 99.9, "critical": True}]}))
    assert main(["analyze", str(review)]) == 0
    assert "buy: 99.89996 % (exact), SLO 99.9 %: NOT ATTAINABLE" in capsys.readouterr().out
