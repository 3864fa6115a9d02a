"""The semantic diff (prr_app.review.diff, ``prr diff``): every change found, nothing else reported."""
from __future__ import annotations

import copy
import dataclasses
import json
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from prr_app.cli.main import main
from prr_app.model.entities import (
    ChecklistAnswer,
    Component,
    Dependency,
    FailureDomain,
    Journey,
    Observability,
    RedundancyGroup,
    Review,
    Risk,
)
from prr_app.errors import PrrError
from prr_app.interchange.json_io import read_review_json, write_json
from prr_app.review import diff as D

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "resources" / "examples"
REALDATA = ROOT.parent / "shared" / "realdata"
SCHEMA = json.loads((ROOT / "schemas" / "diff.schema.json").read_text())
TODAY = "2026-06-01"


@lru_cache(maxsize=None)
def _real(name: str) -> Review:
    """An example or a real import (kept, never edited: tests copy it)."""
    if name in ("webshop", "platform"):
        return read_review_json(EXAMPLES / f"{name}.json")
    from prr_app.importers.registry import import_paths

    if not REALDATA.exists():
        pytest.skip("shared/realdata is not beside the repository")
    return import_paths([REALDATA / name]).review


def _copy(review: Review) -> Review:
    """New collection dicts over the same element objects: edits replace elements, never change them."""
    return Review(**{f.name: (dict(v) if isinstance(v, dict) else copy.deepcopy(v))
                     for f in dataclasses.fields(Review) for v in [getattr(review, f.name)]})


def _validate(doc: dict) -> None:
    import jsonschema

    jsonschema.validate(doc, SCHEMA)


def _model_changes(d: dict) -> dict:
    """Only what the model part reports, non-empty entries."""
    m = d["model"] if "model" in d else d
    out = {}
    if m["review"]:
        out["review"] = m["review"]
    for key, _ in D.COLLECTIONS:
        c = m[key]
        if c["added"] or c["removed"] or c["changed"]:
            out[key] = c
    return out


# ------------------------------------------------------------------ diff(A, A) is empty
@pytest.mark.parametrize("name", ["webshop", "platform", "online-boutique", "sock-shop", "backstage-examples"])
def test_a_review_against_itself_is_empty(name):
    r = _real(name)
    d = D.compare(r, copy.deepcopy(r), today=TODAY)
    _validate(d)
    assert D.is_empty(d), D.diff_lines(d)
    assert D.diff_lines(d)[-1] == "No changes."
    assert all(v == 0 for v in D.counts(d).values())


# ------------------------------------------------------------------ one edit, exactly that edit
_SKIP = {"id", "item", "source", "target", "history"}


def _value_strategy(annotation: str, old):
    a = annotation.replace(" ", "")
    text = st.text(alphabet="abcxyz-_ 019", max_size=8)
    base = {
        "str": text, "str|None": st.none() | text,
        "int": st.integers(0, 9), "int|None": st.none() | st.integers(0, 9),
        "float|None": st.none() | st.floats(90, 100, allow_nan=False),
        "bool": st.booleans(), "bool|None": st.none() | st.booleans(),
        "list[str]": st.lists(text, max_size=3),
    }.get(a)
    if base is None:
        return None
    return base.filter(lambda v: v != old)


def _editable(review: Review):
    """(collection, id, field, annotation) of every plain field of every element."""
    out = []
    for key, attr in D.COLLECTIONS:
        coll = getattr(review, attr)
        for eid in sorted(coll)[:25]:
            for f in dataclasses.fields(coll[eid]):
                # a dependency's evidence is what an import read, not the model: the diff sets it apart
                if f.name not in _SKIP and f.name not in ("observability", "acceptance") \
                        and not (attr == "dependencies" and f.name == "evidence"):
                    out.append((attr, eid, f.name, str(f.type)))
            if attr == "components":
                out += [(attr, eid, f"observability.{s}", "bool|None") for s in
                        ("metrics", "logs", "traces", "alerts", "dashboard", "runbook")]
    return out


@st.composite
def one_edit(draw, names=("webshop", "platform")):
    review = _real(draw(st.sampled_from(names)))
    attr, eid, field, ann = draw(st.sampled_from(_editable(review)))
    el = getattr(review, attr)[eid]
    if field.startswith("observability."):
        sub = field.split(".", 1)[1]
        old = getattr(el.observability, sub)
        new = draw(_value_strategy(ann, old))
        new_el = dataclasses.replace(el, observability=dataclasses.replace(el.observability, **{sub: new}))
    else:
        old = getattr(el, field)
        strat = _value_strategy(ann, old)
        assume(strat is not None)
        new = draw(strat)
        new_el = dataclasses.replace(el, **{field: new})
    edited = _copy(review)
    getattr(edited, attr)[eid] = new_el
    return review, edited, attr, eid, field, old, new


@given(one_edit(names=("webshop", "platform", "sock-shop", "online-boutique")))
def test_one_field_changed_is_reported_exactly(case):
    review, edited, attr, eid, field, old, new = case
    got = _model_changes(D.diff_models(review, edited))
    assert got == {attr: {"added": [], "removed": [], "changed": [
        {"id": eid, "fields": [{"field": field, "old": old, "new": new}]}]}}
    back = _model_changes(D.diff_models(edited, review))  # and the other way round
    assert back[attr]["changed"][0]["fields"] == [{"field": field, "old": new, "new": old}]


@given(st.sampled_from(["webshop", "platform", "sock-shop"]), st.data())
def test_added_and_removed_elements_are_reported_by_id(name, data):
    review = _real(name)
    attr = data.draw(st.sampled_from(["components", "domains", "journeys", "answers", "risks", "groups"]))
    coll = getattr(review, attr)
    edited = _copy(review)
    if coll and data.draw(st.booleans()):
        eid = data.draw(st.sampled_from(sorted(coll)))
        del getattr(edited, attr)[eid]
        expected = {"added": [], "removed": [eid], "changed": []}
    else:
        eid = "new-" + data.draw(st.text(alphabet="abc123", min_size=1, max_size=6))
        assume(eid not in coll)
        make = {"components": Component, "domains": FailureDomain, "journeys": Journey,
                "risks": Risk, "groups": RedundancyGroup,
                "answers": lambda i: ChecklistAnswer(item=i)}[attr]
        getattr(edited, attr)[eid] = make(eid)
        expected = {"added": [eid], "removed": [], "changed": []}
    assert _model_changes(D.diff_models(review, edited)) == {attr: expected}


def test_numbers_compare_by_value_and_unknown_is_not_false():
    a = Review(components={"x": Component("x", availability=99.0, replicas=2)})
    b = Review(components={"x": Component("x", availability=99, replicas=2)})
    assert _model_changes(D.diff_models(a, b)) == {}
    c = Review(components={"x": Component("x", availability=99.0, replicas=2,
                                          observability=Observability(metrics=True))})
    d = Review(components={"x": Component("x", availability=99.0, replicas=2,
                                          observability=Observability(metrics=None))})
    assert _model_changes(D.diff_models(c, d))["components"]["changed"][0]["fields"] == [
        {"field": "observability.metrics", "old": True, "new": None}]


def test_answer_history_is_not_a_change_but_who_answered_is():
    a = Review(answers={"i": ChecklistAnswer("i", status="met", changed_by="ann")})
    b = _copy(a)
    b.answers["i"] = dataclasses.replace(a.answers["i"], history=[])
    b.answers["i"].history = ["anything"]
    assert _model_changes(D.diff_models(a, b)) == {}
    b.answers["i"] = dataclasses.replace(a.answers["i"], changed_by="bob")
    assert _model_changes(D.diff_models(a, b))["answers"]["changed"][0]["fields"] == [
        {"field": "changed_by", "old": "ann", "new": "bob"}]


# ------------------------------------------------------------------ edits a team makes, and the analysis
def _edited(review: Review, attr: str, eid: str, **fields) -> Review:
    out = _copy(review)
    getattr(out, attr)[eid] = dataclasses.replace(getattr(review, attr)[eid], **fields)
    return out


def test_second_replica_in_another_zone_fixes_the_instance_spof():
    ws = _real("webshop")
    new = _edited(ws, "components", "cart-db", replicas=2, placement=["euw1-a", "euw1-b"])
    d = D.compare(ws, new, today=TODAY)
    _validate(d)
    assert _model_changes(d) == {"components": {"added": [], "removed": [], "changed": [{"id": "cart-db", "fields": [
        {"field": "replicas", "old": 1, "new": 2},
        {"field": "placement", "old": ["euw1-a"], "new": ["euw1-a", "euw1-b"]}]}]}}
    a = d["analysis"]
    assert [s["element"] for s in a["spofs"]["instance"]["fixed"]] == ["cart-db#0"]
    assert a["spofs"]["instance"]["new"] == []
    # the zone no longer takes checkout down: cart-db was its only seed on the checkout path
    assert [s["element"] for s in a["spofs"]["domain"]["fixed"]] == ["euw1-a"]
    # a second replica does not protect against a bad release: the component SPOF stays, less likely
    assert a["spofs"]["component"] == {"new": [], "fixed": [], "changed": [
        {"element": "cart-db", "element_type": "component", "severity": {"old": "critical", "new": "high"}}]}
    # one root cause, one risk: the instance part of cart-db's risk is gone, the risk stays open
    assert [r["id"] for r in a["risks"]["resolved"]] == ["spof:domain:euw1-a"] and a["risks"]["new"] == []
    cart = {r["id"]: r for r in a["risks"]["rescored"]}["spof:component:cart-db"]
    assert cart["changes"]["disruptions"] == {"old": ["component", "instance"], "new": ["component"]}
    assert "spof:instance:cart-db" not in cart["changes"]["folded"]["new"]
    # no SLO is folded into it (cart-db alone never failing would not make checkout's SLO attainable):
    # an instance failure no longer takes it down, so it is less likely
    assert cart["changes"]["likelihood"] == {"old": 4, "new": 3}
    assert a["verdict"]["blockers_removed"] == ["spof:domain:euw1-a"] and a["verdict"]["blockers_added"] == []
    ceil = {x["target"]: x for x in a["availability"]["changed"]}
    assert ceil["checkout"]["ceiling"] == "up" and not ceil["checkout"]["attainability_changed"]
    shrunk = {x["element"] for x in a["blast_radius"]["shrank"]}
    assert "euw1-a" in shrunk and a["blast_radius"]["grew"] == []
    text = "\n".join(D.diff_lines(d))
    assert "~ cart-db: replicas 1 -> 2; placement [euw1-a] -> [euw1-a, euw1-b]" in text
    assert "- fixed (instance): cart-db#0" in text
    assert "~ rescored spof:component:cart-db: " in text and "disruptions -instance" in text
    assert "folded findings -spof:instance:cart-db" in text


def test_dropping_a_fallback_makes_a_new_spof_and_a_bigger_blast_radius():
    ws = _real("webshop")
    new = _edited(ws, "dependencies", "storefront->cart-svc", fallback=None, kind="hard")
    d = D.compare(ws, new, today=TODAY)
    a = d["analysis"]
    assert d["model"]["dependencies"]["changed"] == [{"id": "storefront->cart-svc", "fields": [
        {"field": "kind", "old": "soft", "new": "hard"},
        {"field": "fallback", "old": "cart badge hidden; add-to-cart asks the shopper to retry", "new": None}]}]
    grew = {x["element"]: x for x in a["blast_radius"]["grew"]}
    assert "cart-svc" in grew and "browse" in grew["cart-svc"]["journeys_added"]
    # cart-svc was a SPOF for checkout already: now it takes browse down too
    reach = {x["element"]: x for x in a["spofs"]["component"]["changed"]}
    assert reach["cart-svc"]["journeys"] == {"old": ["checkout"], "new": ["browse", "checkout"]}
    assert a["spofs"]["component"]["new"] == [] and a["spofs"]["component"]["fixed"] == []
    browse = {x["target"]: x for x in a["availability"]["changed"]}["browse"]
    assert browse["ceiling"] == "down" and not browse["attainability_changed"]
    assert "~ reach (component): cart-svc: journeys [checkout] -> [browse, checkout]" in "\n".join(D.diff_lines(d))


def test_lowering_an_slo_makes_it_attainable_and_unfolds_it_from_its_root_cause():
    # checkout's SLO at 99.5 %: its ceiling (99.47 %) reaches it if cart-db alone never failed, so the SLO
    # is folded into cart-db's SPOF; at 99.0 % it is attainable and the fold goes
    ws = _edited(_real("webshop"), "journeys", "checkout", slo=99.5)
    new = _edited(ws, "journeys", "checkout", slo=99.0)
    d = D.compare(ws, new, today=TODAY)
    _validate(d)
    a = d["analysis"]
    ch = {x["target"]: x for x in a["availability"]["changed"]}
    assert set(ch) == {"checkout"}
    assert ch["checkout"]["old"]["attainable"] is False and ch["checkout"]["new"]["attainable"] is True
    assert ch["checkout"]["attainability_changed"] and ch["checkout"]["ceiling"] == "same"
    assert a["risks"]["new"] == [] and a["risks"]["resolved"] == []
    cart = {r["id"]: r for r in a["risks"]["rescored"]}["spof:component:cart-db"]
    assert cart["changes"]["folded"] == {"old": ["slo:journey:checkout", "spof:instance:cart-db"],
                                         "new": ["spof:instance:cart-db"]}
    assert any("SLO of journey Checkout and pay" in x for x in cart["why"]["inputs_removed"])
    assert "folded findings -slo:journey:checkout" in "\n".join(D.diff_lines(d))


def test_an_slo_that_one_fix_cannot_make_attainable_is_a_risk_of_its_own():
    """A hand-written review: the critical journey's SLO (99.9 %) is out of reach with any one of its
    components made perfect. It was folded into the SPOF of its largest consumer, so accepting that
    SPOF cleared the SLO's blocker, and the review passed as ready with the SLO shown as not
    attainable. It stays a launch-blocking risk of its own."""
    from prr_app.analysis import analyze
    from prr_app.model.entities import Component, Dependency, Journey, Review

    r = Review()
    r.add(Component(id="web", user_facing=True, replicas=2, availability=99.95, owner="web", slo=99.0))
    r.add(Component(id="ledger", replicas=2, availability=99.9, owner="pay"))
    r.add(Component(id="provider", kind="external_api", availability=99.5, owner="pay"))
    for t in ("ledger", "provider"):
        r.add(Dependency("web", t))
    r.add(Journey(id="buy", entry=["web"], slo=99.9, critical=True))
    a = analyze(r, today=TODAY)
    slo = a.risk("slo:journey:buy")
    assert slo is not None and slo["launch_blocking"] and slo["id"] == "slo:journey:buy"
    assert not any(c["id"] == "slo:journey:buy" for x in a.risks for c in x["causes"])


def test_answering_blocker_items_lowers_the_checklist_blockers():
    ws = _real("webshop")
    before = D.compare(ws, ws, today=TODAY)["analysis"]["verdict"]["checklist_blockers"]["old"]
    assert before == 2  # cap.load-test-peak and ds.restore-tested@orders-db are answered partly
    new = _copy(ws)
    for item in ("cap.load-test-peak", "ds.restore-tested@orders-db"):
        new.answers[item] = dataclasses.replace(ws.answers[item], status="met")
    d = D.compare(ws, new, today=TODAY)
    _validate(d)
    assert [c["id"] for c in d["model"]["answers"]["changed"]] == ["cap.load-test-peak", "ds.restore-tested@orders-db"]
    assert all(c["fields"][0] == {"field": "status", "old": "partly", "new": "met"}
               for c in d["model"]["answers"]["changed"])
    cb = d["analysis"]["verdict"]["checklist_blockers"]
    assert cb == {"old": 2, "new": 0}
    assert "checklist blocker items open (not met or unanswered): 12 -> 10 (not met 2 -> 0)" in "\n".join(D.diff_lines(d))


def test_an_override_rescores_a_risk_with_its_reason():
    ws = _real("webshop")
    new = _copy(ws)
    new.risks["spof:domain:aws"] = Risk("spof:domain:aws", origin="computed", override_likelihood=3,
                                        override_reason="two outages of aws eu-west-1 last year")
    d = D.compare(ws, new, today=TODAY)
    _validate(d)
    assert d["model"]["risks"]["added"] == ["spof:domain:aws"]
    r = {x["id"]: x for x in d["analysis"]["risks"]["rescored"]}["spof:domain:aws"]
    assert r["changes"]["likelihood"] == {"old": 1, "new": 3}
    assert r["why"]["override"]["new"]["reason"] == "two outages of aws eu-west-1 last year"
    assert "because" in "\n".join(D.diff_lines(d)) or "override" in "\n".join(D.diff_lines(d))


def test_the_verdict_before_and_after():
    r = Review()
    r.meta.tier = 3
    r.add(Component("web", user_facing=True, replicas=1, slo=99.0, availability=99.9))
    r.add(Component("db", replicas=1, availability=99.9))
    r.add(Dependency("web", "db"))
    fixed = _copy(r)
    fixed.components["db"] = dataclasses.replace(r.components["db"], replicas=2)
    fixed.components["web"] = dataclasses.replace(r.components["web"], replicas=2)
    d = D.compare(r, fixed, today=TODAY)
    v = d["analysis"]["verdict"]
    before = D.compare(r, r, today=TODAY)["analysis"]["verdict"]["old"]
    assert v["old"] == before
    if v["old"] != v["new"]:
        assert v["changed"] and D.diff_lines(d)[2] == f"VERDICT: {v['old']} -> {v['new']}"
    else:
        assert D.diff_lines(d)[2] == f"VERDICT: {v['new']} (unchanged)"
    assert v["blockers_removed"] == [b for b in v["blockers_removed"] if b.startswith("spof:instance:")]


def test_a_real_import_edited_like_a_team_would():
    """Online Boutique between two PRRs: redis-cart gets a replica, a new service, a dropped one."""
    old = _real("online-boutique")
    new = _copy(old)
    rc = old.components["redis-cart"]
    new.components["redis-cart"] = dataclasses.replace(rc, replicas=3, min_healthy=2)
    new.add(Component("fraud-check", kind="service", owner="payments"))
    new.add(Dependency("checkoutservice", "fraud-check", kind="hard"))
    gone = "loadgenerator" if "loadgenerator" in old.components else sorted(old.components)[0]
    del new.components[gone]
    for dep_id in [k for k, dep in old.dependencies.items() if gone in (dep.source, dep.target)]:
        del new.dependencies[dep_id]
    d = D.compare(old, new, today=TODAY)
    _validate(d)
    m = d["model"]
    assert m["components"]["added"] == ["fraud-check"] and m["components"]["removed"] == [gone]
    assert [c["id"] for c in m["components"]["changed"]] == ["redis-cart"]
    assert m["dependencies"]["added"] == ["checkoutservice->fraud-check"]
    assert sorted(m["dependencies"]["removed"]) == sorted(
        k for k, dep in old.dependencies.items() if gone in (dep.source, dep.target))
    assert {k for k in _model_changes(d)} == {"components", "dependencies"}
    new_spofs = {s["element"] for t in d["analysis"]["spofs"].values() for s in t["new"]}
    assert "fraud-check" in new_spofs
    fixed = {s["element"] for t in d["analysis"]["spofs"].values() for s in t["fixed"]}
    assert any(e.startswith("redis-cart#") for e in fixed)


# ------------------------------------------------------------------ the command
def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_diff_json_and_text_and_exit_code(tmp_path, capsys):
    ws = _real("webshop")
    write_json(ws, tmp_path / "a.json")
    write_json(_edited(ws, "components", "cart-db", replicas=2), tmp_path / "b.json")
    code, out, _ = _run(capsys, "diff", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--json")
    assert code == 0
    doc = json.loads(out)
    _validate(doc)
    assert doc["model"]["components"]["changed"][0]["id"] == "cart-db"
    code, out, _ = _run(capsys, "diff", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--exit-code")
    assert code == 1 and "~ cart-db: replicas 1 -> 2" in out
    code, out, _ = _run(capsys, "diff", str(tmp_path / "a.json"), str(tmp_path / "a.json"), "--exit-code")
    assert code == 0 and out.rstrip().endswith("No changes.")


@pytest.mark.parametrize("args, message", [
    (["nothere.json", "{a}"], "nothere.json: no such file"),
    (["{a}@nope", "{a}"], "no milestone 'nope' (milestones: none)"),
    (["{a}@", "{a}"], "no milestone name after '@'"),
    (["{bad}", "{a}"], "bad.json"),
])
def test_cli_diff_bad_input_is_one_line_exit_2(tmp_path, capsys, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    write_json(_real("webshop"), tmp_path / "a.json")
    (tmp_path / "bad.json").write_text('{"format": "prr-review", "version": 1, "components": [{"id": 3}]}')
    argv = [a.format(a=str(tmp_path / "a.json"), bad=str(tmp_path / "bad.json")) for a in args]
    code, out, err = _run(capsys, "diff", *argv)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_changes_since_a_milestone_and_the_canvas_marks():
    from prr_app.review.milestones import take

    ws = copy.deepcopy(_real("webshop"))
    take(ws, "Design review", date="2026-03-01")
    ws.components["cart-db"] = dataclasses.replace(ws.components["cart-db"], replicas=2)
    ws.add(Component("fraud", kind="service"))
    ws.add(Dependency("checkout-svc", "fraud", kind="soft"))
    del ws.journeys["browse"]
    d = D.changes_since(ws, "design-review", today=TODAY)
    assert d["old"]["label"] == "Design review (2026-03-01)" and d["new"]["label"] == "now"
    assert D.element_marks(d) == {"cart-db": "changed", "fraud": "added", "checkout-svc->fraud": "added",
                                  "browse": "removed"}
    with pytest.raises(PrrError, match="no milestone 'pre-launch'"):
        D.changes_since(ws, "pre-launch")


def test_text_sections_are_capped_and_counted():
    ws = _real("webshop")
    new = _copy(ws)
    for i in range(5):
        new.add(Component(f"extra-{i}"))
    d = D.compare(ws, new, today=TODAY)
    lines = D.diff_lines(d, limit=2)
    at = lines.index("Components")
    assert lines[at + 1:at + 4] == ["  + extra-0", "  + extra-1", "  ... 3 more (prr diff --limit 0, or --json)"]
    assert "  + extra-4" in D.diff_lines(d)  # no limit: all


# ------------------------------------------------------------------ the report's "Changes since" and plan sections
def _pdf_text(path) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(str(path)).pages)


def test_report_has_changes_since_the_newest_milestone_and_the_plan(tmp_path, capsys):
    from prr_app.review.milestones import take

    ws = _copy(_real("webshop"))
    take(ws, "Design <review> & co", date="2026-03-01", by="Dana")
    ws.components["cart-db"] = dataclasses.replace(ws.components["cart-db"], replicas=2,
                                                   placement=["euw1-a", "euw1-b"])
    write_json(ws, tmp_path / "ws.json")
    plan = {"format": "prr-plan", "version": 1, "name": "GA <plan>", "changes": [
        {"op": "add-fallback", "dependency": "cart-svc->cart-db", "fallback": "empty cart", "owner": "checkout-team",
         "due": "2026-07-01"}]}
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    code = main(["report", str(tmp_path / "ws.json"), "-o", str(tmp_path / "r.pdf"), "--markdown",
                 str(tmp_path / "r.md"), "--plan", str(tmp_path / "plan.json")])
    assert code == 0, capsys.readouterr().err
    md = (tmp_path / "r.md").read_text()
    heads = [line for line in md.splitlines() if line.startswith("## ")]
    assert heads[:4] == ["## Executive summary", r"## Changes since Design \<review\> \& co (2026-03-01)",
                         "## Current vs after the plan “GA \\<plan\\>”", "## 1. System overview"]
    assert "| Component | changed | cart-db | replicas: 1 → 2; placement: \\[euw1-a\\] → \\[euw1-a, euw1-b\\] |" in md
    assert "| SPOF (instance) | fixed | cart-db\\#0 |" in md or "| SPOF (instance) | fixed | cart-db#0 |" in md
    assert "give cart-svc->cart-db a fallback: empty cart" in md.replace("\\", "")
    text = _pdf_text(tmp_path / "r.pdf")
    i_sum, i_since = text.index("Executive summary"), text.index("Changes since Design <review> & co (2026-03-01)")
    i_plan, i_one = text.index("Current vs after the plan"), text.index("1 System overview")
    assert i_sum < i_since < i_plan < i_one
    assert "checkout-team" in text[i_plan:i_one] and "2026-07-01" in text[i_plan:i_one]
    # --since "" leaves the section out; a milestone that does not exist is bad input
    code = main(["report", str(tmp_path / "ws.json"), "--markdown", str(tmp_path / "r2.md"), "--since", ""])
    assert code == 0 and "Changes since" not in (tmp_path / "r2.md").read_text()
    capsys.readouterr()
    code = main(["report", str(tmp_path / "ws.json"), "--markdown", str(tmp_path / "r3.md"), "--since", "nope"])
    err = capsys.readouterr().err
    assert code == 2 and "no milestone 'nope'" in err and err.count("\n") == 1


def test_report_without_milestones_has_no_changes_section(tmp_path):
    from prr_app.review.exports import export

    export(_real("webshop"), "markdown", tmp_path / "r.md")
    assert "Changes since" not in (tmp_path / "r.md").read_text()
    r = _copy(_real("webshop"))
    from prr_app.review.milestones import take

    take(r, "pre-launch", date="2026-05-01", by="x")
    export(r, "markdown", tmp_path / "r2.md")  # the app's and prr export's path: the newest milestone
    text = (tmp_path / "r2.md").read_text()
    assert "## Changes since pre-launch (2026-05-01)" in text and "Nothing changed since then." in text
