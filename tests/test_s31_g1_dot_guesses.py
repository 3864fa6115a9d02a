"""Round 31 (g1): what a DOT file only suggests is shown as a guess.

A Terraform graph's edges are the order Terraform creates resources in, not calls: the import warned
so, yet `prr analyze` and the report presented them as facts, while every single point of failure of
such a graph rested on them. Each is now an inferred call, weak, in the import record: every face marks
it "inferred, not confirmed" and `prr import --accept/--reject` settles it.

A DOT node named for the users' side ("Client Apps") was user-facing but a server with one replica:
"Client Apps" was the first critical SPOF, with "add a second replica of client on a different host".
It is now tagged client (software on users' devices), as the Structurizr importer tags a mobile app.
"""
from __future__ import annotations

from prr_app.analysis.engine import analyze
from prr_app.cli.main import main
from prr_app.model.entities import CLIENT
from prr_app.reporting.assessment import Guesses
from prr_app.review.document import load_review
from prr_app.review.importing import decide, import_review

# `terraform graph` of Terraform 1.7 and later (plain resource addresses)
TF = '''digraph G {
  "aws_lb.front" [label="aws_lb.front"];
  "aws_instance.web" [label="aws_instance.web"];
  "aws_db_instance.main" [label="aws_db_instance.main"];
  "aws_security_group.web" [label="aws_security_group.web"];
  "aws_lb.front" -> "aws_instance.web";
  "aws_instance.web" -> "aws_db_instance.main";
  "aws_instance.web" -> "aws_security_group.web";
}
'''
WEB_DB = "aws_instance.web->aws_db_instance.main"
LB_WEB = "aws_lb.front->aws_instance.web"

GALLERY = r'''digraph microservices {
    client [label="Client\nApps", shape=ellipse]
    gateway [label="nginx\nreverse proxy"]
    api [label="Order\nService"]
    client -> gateway [label="HTTPS"]
    gateway -> api
    api -> client [label="push", style=dashed]
}
'''


def _tf(tmp_path):
    f = tmp_path / "infra.dot"
    f.write_text(TF)
    return f


def test_terraform_edges_are_weak_inferred_calls(tmp_path):
    res = import_review([_tf(tmp_path)])
    rv = res.review
    assert sorted(rv.dependencies) == sorted([LB_WEB, WEB_DB])
    items = {i["id"]: i for i in res.report.inferred}
    assert sorted(items) == sorted([LB_WEB, WEB_DB])
    for did, item in items.items():
        assert item["confidence"] == "weak" and item["decision"] == ""
        assert (item["source"], item["target"], item["kind"]) == (*did.split("->"), "hard")
        assert any("creation order, not a call" in e for e in item["evidence"])
    # the review's own record keeps them: what every face reads
    rec, kept = rv.inferred_calls()
    assert rec is not None and sorted(i["id"] for i in kept) == sorted([LB_WEB, WEB_DB])
    assert "2 inferred" in rec.summary
    g = Guesses(rv)
    assert g.kind(WEB_DB, "hard") == "hard (inferred, not confirmed: weak)"
    # the single points of failure rest on them, and say so
    spof = next(s for s in analyze(rv).spofs if s["element"] == "aws_db_instance.main")
    assert WEB_DB in g.of_chain(spof["chain"])


def test_analyze_and_report_mark_them(tmp_path, capsys):
    out = tmp_path / "infra.prr"
    assert main(["import", str(_tf(tmp_path)), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert f"inferred (weak): {WEB_DB}" in text
    assert main(["analyze", str(out)]) in (0, 1)
    text = capsys.readouterr().out
    assert "2 of 2 calls inferred, not confirmed (2 weak, 0 strong)" in text
    assert f"rests on {WEB_DB}" in text and "(inferred, not confirmed: weak)" in text
    md = tmp_path / "infra.md"
    assert main(["report", str(out), "-o", str(md)]) in (0, 1)
    capsys.readouterr()
    assert "| aws\\_instance.web | aws\\_db\\_instance.main | hard (inferred, not confirmed: weak) |" in md.read_text()


def test_accept_and_reject_settle_them(tmp_path, capsys):
    out = tmp_path / "infra.prr"
    assert main(["import", str(_tf(tmp_path)), "-o", str(out), "--reject", LB_WEB]) == 0
    capsys.readouterr()
    rv = load_review(out)
    assert LB_WEB not in rv.dependencies and WEB_DB in rv.dependencies
    assert {i["id"]: i["decision"] for i in rv.inferred_calls()[1]} == {LB_WEB: "rejected", WEB_DB: ""}
    accepted, _lines = decide(rv, {WEB_DB: "accepted"})
    assert not Guesses(accepted)  # nothing left unconfirmed: no marks
    assert main(["import", str(_tf(tmp_path)), "-o", str(tmp_path / "all.prr"), "--accept", "weak"]) == 0
    assert not Guesses(load_review(tmp_path / "all.prr"))


def test_an_ordinary_graph_infers_nothing(tmp_path):
    f = tmp_path / "svc.dot"
    f.write_text("digraph shop { web -> api; api -> db; }")
    res = import_review([f])
    assert res.report.inferred == [] and res.review.inferred_calls() == (None, [])


def test_the_users_side_is_a_client(tmp_path, capsys):
    f = tmp_path / "gallery.gv"
    f.write_text(GALLERY)
    res = import_review([f])
    c = res.review.components["client"]
    assert c.user_facing and CLIENT in c.tags and c.replicas is None
    ev = next(i.evidence for i in res.report.components if i.element == "client")
    assert any("users' side: client software on their devices" in e for e in ev)
    assert CLIENT not in res.review.components["gateway"].tags
    # no instance of its own to fail, and no advice to run a second replica of it on another host
    out = tmp_path / "gallery.prr"
    assert main(["import", str(f), "-o", str(out)]) == 0
    capsys.readouterr()
    main(["analyze", str(out)])
    text = capsys.readouterr().out
    assert "instance  client" not in text and "second replica of client" not in text
    assert "client runs on users' devices" in text


def test_a_stated_replica_count_and_user_facing_are_kept(tmp_path):
    f = tmp_path / "g.dot"
    f.write_text('digraph { b [label="Browser", user_facing=true, replicas=3]; b -> api; }')
    c = import_review([f]).review.components["b"]
    assert c.user_facing and CLIENT in c.tags and c.replicas == 3
