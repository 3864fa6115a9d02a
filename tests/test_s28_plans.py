"""Suggested plans read one line per root cause (session 28): "an independent second X" for each of the
28 components of a cluster was 28 lines of a 250-line plan; now it is one line, the changes still each in
``--json``, ``--every-change`` and the plan file, and the plan applies change by change as before.
Also: two suggestions moving one second off two shared domains kept only the last move."""
from __future__ import annotations

import json
from pathlib import Path

from prr_app.cli.main import main
from prr_app.review import plans as P
from prr_app.review.assess import assess
from prr_app.interchange.json_io import read_review_json
from prr_app.reporting.changes import group_changes

ROOT = Path(__file__).resolve().parent.parent
PLATFORM = ROOT / "resources" / "examples" / "platform.json"
TODAY = "2026-06-01"


def _run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _changes_listed(out: str) -> list[str]:
    return [line for line in out.splitlines() if line[:7].strip().rstrip(".").isdigit()]


def test_suggested_plan_is_one_line_per_root_cause_and_applies_every_change(tmp_path, capsys):
    saved = tmp_path / "p.json"
    code, out, err = _run(capsys, "plan", str(PLATFORM), "--suggested", "--save", str(saved))
    assert code == 0, err
    plan = P.read_plan(saved)
    lines = _changes_listed(out)
    # the header counts both; far fewer lines than changes
    assert f"{len(plan.changes)} change(s) for {len(lines)} root causes" in out.splitlines()[0]
    assert len(lines) < len(plan.changes) / 2
    # the cluster: one line, the count of its components, three names and the rest counted
    cluster = [x for x in lines if "for spof:domain:k8s-eu " in x or x.endswith("for spof:domain:k8s-eu)")]
    assert len(cluster) == 1, cluster
    seconds = [c for c in plan.changes if c.op == "add-alternative" and "k8s-eu-2" in c.args.get("shared_domains", [])]
    assert len(seconds) > 10
    assert "add cluster k8s-eu-2 under eu-central-1; run an independent second of " \
           f"{len(seconds)} components in cluster k8s-eu-2" in cluster[0]
    assert f"and {len(seconds) - 3} more" in cluster[0]
    assert "independent second" not in "\n".join(x for x in lines if x is not cluster[0] and "k8s-eu-2" in x)
    # every change is still listed, one a line, with --every-change, and in --json
    code, every, _ = _run(capsys, "plan", str(PLATFORM), "--suggested", "--every-change")
    assert code == 0 and len(_changes_listed(every)) == len(plan.changes)
    code, js, _ = _run(capsys, "plan", str(PLATFORM), "--suggested", "--json")
    res = json.loads(js)
    assert len(res["changes"]) == len(plan.changes) == len(res["plan"]["changes"])
    # the saved plan applies as the grouped one did: prr analyze --plan gives the plan's "after"
    code, got, err = _run(capsys, "analyze", str(PLATFORM), "--plan", str(saved), "--json")
    assert code == 0, err
    assert json.loads(got)["verdict"]["launch_blockers"] == res["after"]["launch_blockers"]


def test_a_second_moved_off_two_shared_domains_leaves_both():
    """auth-svc shares the cluster k8s-eu, the account and the feature-flag domain: each domain's
    suggestion moves its second off that domain; merged, the second kept only the last move (still in
    k8s-eu), and the cluster stayed a launch-blocking single point of failure with the plan."""
    review = read_review_json(PLATFORM)
    before = assess(review, today=TODAY).to_dict()
    plan = P.suggested_plan(review, before)
    second = next(c for c in plan.changes if c.op == "add-alternative" and c.args["component"] == "auth-svc")
    assert review.components["auth-svc"].shared_domains == ["k8s-eu", "aws-account-prod", "feature-flags"]
    assert second.args["shared_domains"] == ["k8s-eu-2", "aws-account-prod-2", "feature-flags-2"]
    res = P.evaluate(review, plan, today=TODAY, before=before)
    assert "spof:domain:k8s-eu" in res["before"]["launch_blockers"]
    assert not [b for b in res["after"]["launch_blockers"] if b.startswith("spof:domain:")]


def test_changes_given_without_a_reason_keep_a_line_each():
    """A plan written by hand (options, a plan file without reasons) lists as before: nothing to group by."""
    changes = [P.Change("add-replica", {"component": "a", "domain": "z"}),
               P.Change("add-replica", {"component": "b", "domain": "z"})]
    groups = group_changes([c.to_dict() for c in changes], [c.describe() for c in changes])
    assert [g["changes"] for g in groups] == [[0], [1]]
    assert [g["summary"] for g in groups] == ["add a replica of a in z", "add a replica of b in z"]
    # the same two for one risk: one line
    for c in changes:
        c.reason = "spof:domain:z"
    groups = P.groups_of(changes)
    assert len(groups) == 1 and groups[0]["changes"] == [0, 1]
    assert groups[0]["summary"] == "add replicas of 2 components in z: a, b"


def test_checklist_answers_group_by_item():
    changes = [P.Change("answer", {"item": f"obs.golden-signals@{c}", "status": "met"},
                        reason=f"checklist:obs.golden-signals@{c}") for c in ("a", "b", "c", "d", "e")]
    changes.append(P.Change("answer", {"item": "dr.rto-rpo-defined", "status": "met"}, reason="checklist:dr.rto-rpo-defined"))
    groups = P.groups_of(changes)
    assert [g["summary"] for g in groups] == [
        "checklist obs.golden-signals: met for 5 elements: a, b, c and 2 more", "checklist dr.rto-rpo-defined: met"]
