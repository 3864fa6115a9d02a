"""Session 32, proposals: answers the imported files contradict.

1. An answer a reviewer typed by hand (not confirmed from a proposal) was never compared with what a later
   import's files show: "met" for probes the manifest does not have, and the re-import said "no change".
   Where the files show none of it (not met) while the hand answer says met or partly, it is said per
   item, as for a confirmed answer: the re-import's change lines, ``prr checklist``, the gate's warnings
   and the report, as long as it holds; the answer is never changed, and only a confirmation naming the
   item replaces it.
2. A confirmed answer whose evidence went (the readiness probe it cites removed) was not said while the
   status stayed the same; a rejected proposal whose finding changed was offered again without a word.
3. A reason listing the workloads without a readiness probe cut them at five without saying how many more.
"""
from __future__ import annotations

import time

import prr_app.checklist.proposals as props
from prr_app.cli.main import main
from prr_app.model.entities import CONFIRMED_NOTE, ChecklistAnswer, Proposal, Review
from prr_app.review.document import load_review


def _deployment(name: str, probes: str = "", replicas: int = 2, env: str = "", kind: str = "ClusterIP") -> str:
    return f"""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}}}
    spec:
      containers:
      - name: {name}
        image: example/{name}:1.0
        ports:
        - containerPort: 8080
{probes}{env}        resources:
          requests: {{cpu: 100m, memory: 128Mi}}
          limits: {{cpu: 500m, memory: 256Mi}}
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  type: {kind}
  selector: {{app: {name}}}
  ports:
  - port: 8080
---
"""


SAME = ("        readinessProbe:\n          httpGet: {path: /healthz, port: 8080}\n"
        "        livenessProbe:\n          httpGet: {path: /healthz, port: 8080}\n")
APP = (_deployment("api", SAME, env="        env:\n        - name: CART_URL\n          value: http://cart:8080\n",
                   kind="LoadBalancer") + _deployment("cart"))
#: api's readiness probe removed: its probes stay partly, from other evidence (liveness only)
APP_NO_READY = APP.replace("        readinessProbe:\n          httpGet: {path: /healthz, port: 8080}\n", "", 1)


def _imported(tmp_path, capsys, text=APP, name="k8s"):
    d = tmp_path / name
    d.mkdir()
    (d / "app.yaml").write_text(text, encoding="utf-8")
    out = tmp_path / "r.prr"
    assert main(["import", str(d), "-o", str(out), "--force"]) == 0
    capsys.readouterr()
    return out, d


def _reimport(src, path, capsys, text=None) -> str:
    if text is not None:
        (src / "app.yaml").write_text(text, encoding="utf-8")
    time.sleep(1.05)  # import records are to the second: a re-import in the same second is not the newest
    assert main(["import", str(src), "--into", str(path)]) == 0
    return capsys.readouterr().out


def _answer(path, capsys, key, status, by="Hand Reviewer"):
    why = ["--reason", "runs alone"] if status == "not_applicable" else []
    assert main(["checklist-answer", str(path), key, "--status", status, "--evidence", "https://wiki/x",
                 "--note", "done", "--by", by, *why]) == 0
    capsys.readouterr()


# ------------------------------------------------------------------ 1. an answer typed by hand
def test_a_hand_answer_the_files_contradict_is_said_by_the_reimport_checklist_gate_and_report(tmp_path, capsys):
    path, src = _imported(tmp_path, capsys)
    review = load_review(path)
    assert review.proposals["svc.probes@cart"].status == "not_met"
    assert review.proposals["svc.disruption-budget@cart"].status == "not_met"
    _answer(path, capsys, "svc.probes@cart", "met")
    _answer(path, capsys, "svc.disruption-budget@cart", "partly")
    # at once, before any re-import: the files read already say otherwise
    assert "the imported files show not met" in props.evidence_changed(load_review(path), "svc.probes@cart")
    for _ in range(2):  # said on every re-import while it holds (a re-import that changes nothing writes nothing)
        out = _reimport(src, path, capsys)
        line = next(x for x in out.splitlines() if x.startswith("change: answer svc.probes@cart:"))
        assert line.startswith("change: answer svc.probes@cart: answered met by Hand Reviewer on ")
        assert "but the imported files show not met: no liveness or readiness probe" in line
        assert line.endswith("the answer stands until a reviewer confirms the proposal or answers anew")
        assert any(x.startswith("change: answer svc.disruption-budget@cart: answered partly") for x in out.splitlines())
        assert "no change: the review already says what these files say" in out  # the lines change nothing
    review = load_review(path)
    a = review.answers["svc.probes@cart"]
    assert (a.status, a.evidence, a.note, a.changed_by) == ("met", "https://wiki/x", "done", "Hand Reviewer")
    assert main(["checklist", str(path), "--items"]) == 0
    text = capsys.readouterr().out
    assert "  svc.probes@cart: answered met by Hand Reviewer" in text
    assert "      the evidence changed: answered met by Hand Reviewer" in text
    main(["gate", str(path)])
    err = capsys.readouterr().err
    assert any(x.startswith("prr: warning: answer svc.probes@cart: answered met by Hand Reviewer")
               and "show not met" in x for x in err.splitlines())
    from prr_app.reporting.assessment import import_notes

    lines = [t for _r, t in import_notes(load_review(path)).lines]
    assert any(t.startswith("answer svc.probes@cart: answered met by Hand Reviewer") for t in lines)


def test_a_hand_answer_is_contradicted_only_where_the_files_show_none_of_it(tmp_path, capsys):
    """A *partly* from the files leaves to the reviewer what they cannot show (api's limits are set: whether
    from measurements is the reviewer's to show): a reviewer's *met* there is no contradiction, nor is a
    reviewer's worse status than the files'."""
    path, src = _imported(tmp_path, capsys)
    review = load_review(path)
    assert review.proposals["svc.resource-limits@api"].status == "partly"
    _answer(path, capsys, "svc.resource-limits@api", "met")
    _answer(path, capsys, "svc.probes@api", "not_met")  # the files: partly (one check for both probes)
    _answer(path, capsys, "svc.probes@cart", "not_met")  # the files agree
    _answer(path, capsys, "svc.disruption-budget@cart", "not_applicable")  # with a reason: nothing to compare
    out = _reimport(src, path, capsys)
    assert "change: answer" not in out
    review = load_review(path)
    assert props.evidence_changes(review) == []
    for key in ("svc.resource-limits@api", "svc.probes@api", "svc.probes@cart"):
        assert props.standing(review, key) is None  # an answered item shows no proposal


def test_only_a_confirmation_naming_the_item_replaces_a_hand_answer(tmp_path, capsys):
    path, src = _imported(tmp_path, capsys)
    _answer(path, capsys, "svc.probes@cart", "met")
    review = load_review(path)
    assert props.standing(review, "svc.probes@cart") is not None  # proposed beside the answer
    # --all confirms the rest and leaves it out, saying so
    assert main(["checklist-confirm", str(path), "--all", "--by", "Lead"]) == 0
    out = capsys.readouterr().out
    assert ("skipped 1 proposal beside an answer a reviewer typed, which only a confirmation naming the item "
            "replaces: svc.probes@cart (Hand Reviewer answered met)") in out
    assert load_review(path).answers["svc.probes@cart"].status == "met"
    # a prefix is a confirmation of several too
    assert main(["checklist-confirm", str(path), "svc.probes@*", "--by", "Lead"]) == 2
    assert "svc.probes@cart (Hand Reviewer answered met)" in capsys.readouterr().err
    assert load_review(path).answers["svc.probes@cart"].status == "met"
    # named, it replaces the answer (the history keeps the reviewer's)
    assert main(["checklist-confirm", str(path), "svc.probes@cart", "--by", "Lead"]) == 0
    capsys.readouterr()
    a = load_review(path).answers["svc.probes@cart"]
    assert a.status == "not_met" and a.note.startswith(CONFIRMED_NOTE)
    assert any(h.by == "Hand Reviewer" and h.status == "met" for h in a.history)
    assert props.evidence_changed(load_review(path), "svc.probes@cart") is None


def test_rejecting_the_proposal_keeps_the_hand_answer_and_ends_the_line(tmp_path, capsys):
    path, src = _imported(tmp_path, capsys)
    _answer(path, capsys, "svc.probes@cart", "met")
    assert main(["checklist-confirm", str(path), "svc.probes@cart", "--reject", "--by", "Hand Reviewer"]) == 0
    capsys.readouterr()
    review = load_review(path)
    assert review.answers["svc.probes@cart"].status == "met"
    assert props.evidence_changed(review, "svc.probes@cart") is None
    assert "change: answer svc.probes@cart" not in _reimport(src, path, capsys)


def test_the_app_confirm_all_shown_leaves_a_hand_answer_out():
    """decide_changes with a ``skipped`` list (the walker's Confirm all shown) names what it left out."""
    from prr_app.model.entities import Component
    from prr_app.review.proposals import BY_HAND, decide_changes

    r = Review()
    r.add(Component(id="cart"))
    r.answers["svc.probes@cart"] = ChecklistAnswer(item="svc.probes@cart", status="met", changed_by="Ann")
    r.proposals["svc.probes@cart"] = Proposal(item="svc.probes@cart", status="not_met", reason="no probe",
                                              evidence=["no probe: app.yaml:1"], extractor="k8s.probes")
    r.proposals["svc.resource-limits@cart"] = Proposal(item="svc.resource-limits@cart", status="not_met",
                                                       reason="none", evidence=["none: app.yaml:1"],
                                                       extractor="k8s.resources")
    skipped: list = []
    changes = decide_changes(r, ["svc.probes@cart", "svc.resource-limits@cart"], by="Bo", skipped=skipped)
    assert {c.key for c in changes if c.coll == "answers"} == {"svc.resource-limits@cart"}
    assert skipped == [("svc.probes@cart", BY_HAND, "Ann answered met")]
    # named alone, it is confirmed
    changes = decide_changes(r, ["svc.probes@cart"], by="Bo")
    assert any(c.coll == "answers" and c.new.status == "not_met" for c in changes)


# ------------------------------------------------------------------ 2. a confirmed answer's evidence gone
def test_a_confirmed_answer_whose_evidence_went_is_said_while_its_status_stays(tmp_path, capsys):
    path, src = _imported(tmp_path, capsys)
    assert main(["checklist-confirm", str(path), "svc.probes@api", "deploy.no-error-spike", "svc.probes@cart",
                 "--by", "Rev One"]) == 0
    capsys.readouterr()
    # the same files with a line added at the top: every line moves, no finding does
    out = _reimport(src, path, capsys, "# moved\n" + APP)
    assert "change: answer" not in out
    out = _reimport(src, path, capsys, APP_NO_READY)
    line = next(x for x in out.splitlines() if x.startswith("change: answer svc.probes@api:"))
    assert line.startswith("change: answer svc.probes@api: confirmed partly from evidence by Rev One on ")
    assert ("but the files imported since no longer show that evidence: they show partly from other evidence: "
            "liveness probe (httpGet /healthz port 8080) but no readiness probe") in line
    assert line.endswith("proposed partly, the answer stands until a reviewer confirms the proposal or answers anew")
    spike = next(x for x in out.splitlines() if x.startswith("change: answer deploy.no-error-spike:"))
    assert "they show partly from other evidence: rolling updates (2 workloads), but api, cart have no readiness" \
           in spike, spike
    assert not any(x.startswith("change: answer svc.probes@cart") for x in out.splitlines())
    review = load_review(path)
    assert review.answers["svc.probes@api"].status == "partly"  # kept, and counted
    assert "from other evidence" in props.evidence_changed(review, "svc.probes@api")
    assert props.standing(review, "svc.probes@api") is not None  # the new finding beside the answer
    # confirming the new finding ends the line
    assert main(["checklist-confirm", str(path), "svc.probes@api", "--by", "Rev Two"]) == 0
    capsys.readouterr()
    review = load_review(path)
    assert "no readiness probe" in review.answers["svc.probes@api"].note
    assert props.evidence_changed(review, "svc.probes@api") is None


def test_a_confirmed_answer_with_evidence_cut_at_its_limit_is_the_same_finding_when_lines_move():
    facts = [f"literal secret VAR_{i} in Deployment api: deploy/app.yaml:{95 + i}" for i in range(60)]
    p = Proposal(item="sec.secrets-in-store", status="not_met", reason="secrets in plain configuration",
                 evidence=facts, extractor="k8s.secret-refs")
    ev, note = props.confirmed_fields(p)
    assert len(ev) == 2000
    a = ChecklistAnswer(item="sec.secrets-in-store", status="not_met", evidence=ev, note=note)
    moved = Proposal(item=p.item, status=p.status, reason=p.reason, extractor=p.extractor,
                     evidence=[f.replace(f":{95 + i}", f":{995 + i}") for i, f in enumerate(facts)])
    assert props.contradiction(a, moved) is None
    other = Proposal(item=p.item, status=p.status, reason=p.reason, extractor=p.extractor,
                     evidence=[f.replace("VAR_3 ", "OTHER ") for f in facts])
    assert props.contradiction(a, other) == props.OTHER_EVIDENCE


def test_a_rejected_proposal_whose_finding_changed_is_offered_again_and_said(tmp_path, capsys):
    path, src = _imported(tmp_path, capsys)
    assert main(["checklist-confirm", str(path), "svc.probes@api", "--reject", "--by", "Rev One"]) == 0
    capsys.readouterr()
    out = _reimport(src, path, capsys, "# moved\n" + APP)
    assert "svc.probes@api" not in out  # the same finding: still rejected, nothing said
    out = _reimport(src, path, capsys, APP_NO_READY)
    line = next(x for x in out.splitlines() if x.startswith("change: proposal svc.probes@api:"))
    assert line.startswith("change: proposal svc.probes@api: partly, the finding changed: liveness probe")
    assert line.endswith("(offered again: Rev One rejected the earlier finding)")
    review = load_review(path)
    assert props.standing(review, "svc.probes@api") is not None


# ------------------------------------------------------------------ 3. a reason's list says how many more
def test_the_rollout_reason_names_how_many_more_workloads_have_no_readiness_probe(tmp_path, capsys):
    env = "        env:\n" + "".join(f"        - name: S{i}_URL\n          value: http://s{i}:8080\n" for i in range(9))
    text = _deployment("gateway", env=env) + "".join(_deployment(f"s{i}") for i in range(9))
    path, _src = _imported(tmp_path, capsys, text)
    p = load_review(path).proposals["deploy.no-error-spike"]
    assert p.status == "partly"
    # (gateway: nothing calls it and it is no LoadBalancer, so no traffic reaches it)
    assert "rolling updates (10 workloads), but s0, s1, s2, s3, s4, s5 and 3 more have no readiness probe" in p.reason
