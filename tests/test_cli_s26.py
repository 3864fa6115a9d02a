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


# ----------------------------------------------------------------- prr checklist --json, streamed
import io  # noqa: E402
import json  # noqa: E402

from hypothesis import given, settings, strategies as st  # noqa: E402

from prr_app.cli.json_output import write_indented  # noqa: E402

_scalars = st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1) | st.text() \
    | st.floats(0, 100).map(lambda x: round(x, 1))  # scores: orjson writes 1e-07 as 1e-7
_values = st.recursive(_scalars, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(doc=st.dictionaries(st.text(max_size=6), _values, max_size=5), items=st.lists(_values, max_size=5),
       where=st.integers(0, 5))
def test_a_document_written_as_it_is_made_reads_as_json_dumps_writes_it(doc, items, where):
    """write_indented gives json.dumps(indent=2, ensure_ascii=False)'s bytes, with the streamed list
    where its key stands (non-ASCII text, empty lists and dicts, nesting)."""
    keys = list(doc)
    key = "the items"
    while key in doc:
        key += "!"
    whole = dict(list(doc.items())[:where] + [(key, items)] + list(doc.items())[where:])
    shell = {k: (None if k == key else v) for k, v in whole.items()}
    out = io.BytesIO()
    write_indented(shell, out, streamed=key, items=iter(items))
    assert out.getvalue().decode("utf-8") == json.dumps(whole, indent=2, ensure_ascii=False) + "\n"
    assert keys == [k for k in shell if k != key]


def test_checklist_json_is_the_evaluation_with_every_item(tmp_path, capsys):
    from prr_app import checklist
    from prr_app.review.document import load_review

    assert main(["checklist", "resources/examples/webshop.json", "--json"]) == 0
    text = capsys.readouterr().out
    d = json.loads(text)
    res = checklist.evaluate(load_review("resources/examples/webshop.json"))
    expected = res.to_dict()
    expected["review"] = {"system_name": "Acme Web Shop", "file": "resources/examples/webshop.json"}
    assert text == json.dumps(expected, indent=2, ensure_ascii=False) + "\n"
    assert len(d["items"]) == len(res.items) and list(d)[-2:] == ["items", "review"]
    # filtered: only the items asked for, in the same place
    assert main(["checklist", "resources/examples/webshop.json", "--json", "--status", "unanswered"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["items"] and all(it["status"] == "unanswered" for it in d["items"])
    assert list(d)[-2:] == ["items", "review"]


def test_a_mistyped_item_key_gets_keys_that_apply_without_evaluating_every_item(monkeypatch):
    """set_answer suggests keys from the item ids and the item's subjects (close_keys), not from a
    full evaluation (seconds on a large import): the suggestions are items the review has."""
    import pytest

    from prr_app import checklist
    from prr_app.checklist import answers
    from prr_app.errors import PrrError
    from prr_app.review.document import load_review

    r = load_review("resources/examples/webshop.json")
    keys = {it.key for it in checklist.evaluate(r).items}
    monkeypatch.setattr(answers, "evaluate", lambda *a, **k: pytest.fail("evaluated every item"))
    for typo, meant in [("ds.restore-tested@orders-dbx", "ds.restore-tested@orders-db"),
                        ("ds.restore-testd@orders-db", "ds.restore-tested@orders-db"),
                        ("toil.self-healng", "toil.self-healing")]:
        with pytest.raises(PrrError, match="did you mean") as e:
            checklist.set_answer(r, typo, status="met", by="t")
        said = str(e.value).split("did you mean ", 1)[1].rstrip("?").split(", ")
        assert meant in said and set(said) <= keys, said


def test_a_mitigation_owner_is_marked_as_such_in_every_face(tmp_path, capsys):
    """The report printed a mitigation's owner bare, as if the risk had been given to them, where the
    app's register and prr risk list say "alice (mitigation)" (wording.risk_owner for all three)."""
    import shutil

    from prr_app.reporting.assessment import build_assessment
    from prr_app.review.document import load_review
    from prr_app.ui.views import _owner_text

    src = tmp_path / "w.json"
    shutil.copy("resources/examples/webshop.json", src)
    assert main(["risk", "mitigate", str(src), "spof:component:storefront", "--title", "second storefront",
                 "--owner", "alice", "--due", "2030-01-01"]) == 0
    capsys.readouterr()
    a = build_assessment(load_review(src))
    risk = next(r for r in a.risks if r["id"] == "spof:component:storefront")
    assert a.owner_text(risk) == _owner_text(risk) == "alice (mitigation)"
    assert main(["risk", "list", str(src)]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "spof:component:storefront" in x)
    assert line.rstrip().endswith("alice (mitigation)")


def test_the_portfolio_shows_a_checklist_score_as_every_other_face_does():
    """The portfolio (PDF/Markdown, prr repo, the app's dialog) rounded a score to a whole number: 0.3 %
    read '0 %', nothing done, where the checklist, the report and the app say 0.3 %."""
    from prr_app import wording
    from prr_app.reporting.portfolio import _checklist

    assert _checklist({"checklist_score": 0.3, "checklist_blockers": 4}) == "0.3 %, 4 blocker item(s) open"
    assert wording.score_text(19.94) == "19.9 %"
