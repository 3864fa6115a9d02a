"""Round 30: stored codes and counts a user reads, after ``prr diff`` learned the words.

* ``prr checklist-answer`` printed ``not_applicable``, ``prr checklist --items`` "model: not_met" and
  "[reviewer answered not_met]", a re-import's proposal lines ``not_met -> partly``: the words now,
  as ``prr checklist`` and the report say them (``wording.enum_words``); ``--json`` keeps the codes;
* ``prr delete`` and the app's Delete listed different things: one listing (``edits.references``), with
  the calls made on a component and those it makes, every one up to a screenful;
* an import's summary counted the hand edits a re-import kept as "changes to the existing review",
  above its own "no change";
* a ``prr set`` that changed nothing said "no change" and rewrote the file all the same.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.importers.base import ImportReport, is_change, kept_by_hand
from prr_app.importers.registry import import_paths
from prr_app.model.entities import Component, Dependency, Review
from prr_app.review import edits
from prr_app.review.document import load_review

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "resources" / "examples" / "webshop.json"
BOUTIQUE = ROOT.parent / "shared" / "realdata" / "online-boutique" / "kubernetes-manifests.yaml"
STORED = ("not_met", "not_applicable", "in_progress", "load_balancer", "external_api")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


@pytest.fixture
def shop(tmp_path):
    out = tmp_path / "w.prr"
    assert main(["import", str(EXAMPLE), "-o", str(out), "--quiet"]) == 0
    return out


# ------------------------------------------------------------------ 1. the words, not the codes
def test_checklist_answer_and_items_say_the_words(capsys, shop):
    code, out, err = run(capsys, "checklist-answer", shop, "slo.dependencies-support-target", "--status",
                         "not_applicable", "--reason", "no load expected", "--by", "ann")
    assert code == 0, err
    assert out.startswith("slo.dependencies-support-target: not applicable; wrote "), out
    # the model's own answer, and a reviewer's answer over a contradiction the model found
    code, out, err = run(capsys, "checklist-answer", shop, "ds.backup-within-rpo@catalog-db", "--status",
                         "partly", "--by", "ann")
    assert code == 0, err
    code, out, err = run(capsys, "checklist", shop, "--items")
    assert code == 0, err
    assert "[reviewer answered partly]" in out
    assert "model (overridden by the reviewer): not met, rpo_minutes 5, backup_interval_minutes 60" in out
    for stored in STORED:
        assert stored not in out.replace("--status", ""), stored
    # --json keeps the stored values
    code, out, err = run(capsys, "checklist", shop, "--json")
    d = json.loads(out)
    item = next(it for it in d["items"] if it["key"] == "slo.dependencies-support-target")
    assert item["status"] == "not_applicable"


def test_confirming_an_answered_proposal_says_the_answer_in_words():
    from prr_app.errors import PrrError
    from prr_app.model.entities import ChecklistAnswer, Proposal
    from prr_app.review.proposals import decide_changes

    r = Review()
    r.add(Component(id="cart"))
    r.answers["svc.probes@cart"] = ChecklistAnswer(item="svc.probes@cart", status="not_met")
    r.proposals["svc.probes@cart"] = Proposal(item="svc.probes@cart", status="met", reason="probes", evidence=["x"])
    with pytest.raises(PrrError) as e:
        decide_changes(r, ["svc.probes@cart"], by="ann")
    assert "already answered by a reviewer (not met)" in str(e.value)


def _scaled(tmp_path: Path, replicas: int) -> Path:
    """Online Boutique's manifests with cartservice given ``replicas`` (it states none: 1)."""
    text = BOUTIQUE.read_text()
    head = "metadata:\n  name: cartservice\n  labels:\n    app: cartservice\nspec:\n"
    deployment = head + "  selector:\n"
    assert text.count(deployment) == 1
    out = tmp_path / "boutique.yaml"
    out.write_text(text.replace(deployment, head + f"  replicas: {replicas}\n  selector:\n"))
    return out


@pytest.mark.skipif(not BOUTIQUE.is_file(), reason="needs the real Online Boutique manifests")
def test_a_reimports_proposal_lines_say_the_words(capsys, tmp_path):
    src = _scaled(tmp_path, 1)
    review = tmp_path / "b.prr"
    code, _, err = run(capsys, "import", src, "-o", review, "--quiet")
    assert code == 0, err
    assert load_review(review).proposals["svc.instances-spread@cartservice"].status == "not_met"
    _scaled(tmp_path, 3)
    code, out, err = run(capsys, "import", src, "--into", review)
    assert code == 0, err
    assert "change: proposal svc.instances-spread@cartservice: not met -> partly" in out, out
    for stored in STORED:
        assert stored not in out, stored
    r = load_review(review)
    assert r.proposals["svc.instances-spread@cartservice"].status == "partly"  # stored as the code
    # the re-import's record: the newest, the last added of those stamped in one second
    rec = r.newest_import()
    assert "proposal svc.instances-spread@cartservice: not met -> partly" in rec.report["changes"]
    # the record's summary counts the proposal's change with the rest
    n = sum(1 for c in rec.report["changes"] if is_change(c))
    assert f"{n} changes to the existing review" in rec.summary


def test_prr_set_says_a_kind_in_words(capsys, shop):
    comp = next(c for c, x in load_review(shop).components.items() if x.kind == "service")
    code, out, err = run(capsys, "set", shop, comp, "kind=load_balancer")
    assert code == 0, err
    assert f"component {comp}: kind service -> load balancer" in out
    assert load_review(shop).components[comp].kind == "load_balancer"


# ------------------------------------------------------------------ 2. one listing of what a delete takes
def _hub(callers: int, own: int) -> Review:
    r = Review()
    r.add(Component(id="hub"))
    for i in range(callers):
        r.add(Component(id=f"c{i:02d}"))
        r.add(Dependency(f"c{i:02d}", "hub"))
    for i in range(own):
        r.add(Component(id=f"t{i:02d}"))
        r.add(Dependency("hub", f"t{i:02d}"))
    return r


def test_references_name_every_call_both_ways():
    r = _hub(5, 2)
    refs = edits.references(r, ["hub"])
    assert refs == ["5 calls on hub go with it: c00->hub, c01->hub, c02->hub, c03->hub, c04->hub",
                    "2 calls hub makes go with it: hub->t00, hub->t01"]
    # what is listed is what goes, call by call
    gone = {c.key for c in edits.delete(r, ["hub"]) if c.coll == "dependencies"}
    assert gone == set(r.dependencies)


def test_beyond_a_screenful_the_count_and_the_first_calls():
    n = edits.CALLS_LISTED + 7
    refs = edits.references(_hub(n, 1), ["hub"])
    assert refs[0].startswith(f"{n} calls on hub go with it: c00->hub, c01->hub")
    assert refs[0].endswith(" and 7 more") and refs[0].count("->hub") == edits.CALLS_LISTED
    assert refs[1] == "1 call hub makes goes with it: hub->t00"


def test_prr_delete_prints_the_same_listing(capsys, tmp_path):
    from prr_app.review.document import save_review

    r = _hub(5, 2)
    path = tmp_path / "hub.prr"
    save_review(r, path)
    code, out, err = run(capsys, "delete", path, "hub")
    assert code == 0, err
    assert out.splitlines()[1:-1] == [f"  {line}" for line in edits.references(r, ["hub"])]


# ------------------------------------------------------------------ 3. an import's summary counts changes
V1 = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: web, tier: front}}
    spec:
      containers:
      - name: web
        image: example/web
        env: [{name: API_ADDR, value: "api:80"}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
spec: {template: {metadata: {labels: {app: api}}, spec: {containers: [{name: api, image: example/api}]}}}
---
{apiVersion: v1, kind: Service, metadata: {name: api}, spec: {selector: {app: api}}}
"""


def _hand_edited(tmp_path: Path):
    src = tmp_path / "app.yaml"
    src.write_text(V1)
    review = import_paths([src]).review
    review.components["web"].replicas = 5  # an imported value edited by hand
    review.dependencies["web->api"].kind = "soft"
    review.dependencies["web->api"].kind_stated = True  # stated (prr set)
    return src, review


def test_a_reimport_that_keeps_only_hand_edits_counts_no_change(tmp_path):
    src, review = _hand_edited(tmp_path)
    res = import_paths([src], into=review)
    kept = [c for c in res.plan.changes if c.action == "keep"]
    assert kept and all(c.action in ("keep", "skip") for c in res.plan.changes), res.plan.changes
    summary = res.report.summary()
    assert "changes to the existing review" not in summary and "change to the existing review" not in summary
    assert summary.endswith(f", {len(kept)} hand edits kept"), summary


def test_a_reimport_counts_its_real_changes_apart_from_the_kept_ones(tmp_path):
    src, review = _hand_edited(tmp_path)
    src.write_text(V1.replace("replicas: 2", "replicas: 3").replace(
        "spec: {template: {metadata: {labels: {app: api}}", "spec: {replicas: 4, template: {metadata: {labels: {app: api}}"))
    res = import_paths([src], into=review)
    by_text = {c.text: c.action for c in res.plan.changes}
    real = [c for c in res.report.changes if by_text.get(c) not in ("keep", "skip")]
    assert real and any(by_text.get(c) == "keep" for c in res.report.changes)
    summary = res.report.summary()
    assert f"{len(real)} change{'s' if len(real) > 1 else ''} to the existing review, " in summary, summary
    assert summary.endswith(" hand edits kept")


def _plans(tmp_path: Path):
    """Re-imports whose plans keep things in each way the merge does: hand edits of imported values, a
    dependency deleted by the reviewer, a stated kind; values set before the first import."""
    src, review = _hand_edited(tmp_path)
    review.components["api"].owner = "team-api"
    del review.dependencies["web->api"]
    src.write_text(V1.replace("replicas: 2", "replicas: 3"))
    yield import_paths([src], into=review).plan
    first = Review()
    first.add(Component(id="web", replicas=7, kind="gateway"))
    first.add(Component(id="api"))
    first.add(Dependency("web", "api", kind="soft"))
    src.write_text(V1)
    yield import_paths([src], into=first).plan


def test_every_line_a_reimport_keeps_is_told_from_a_change(tmp_path):
    """The lines the merge writes for what it keeps (``keep``, ``skip``) are no change; every other
    line is one."""
    seen = set()
    for plan in _plans(tmp_path):
        for c in plan.changes:
            seen.add(c.action)
            if c.field == "evidence" and c.action == "update":
                continue  # one line for them all (MergePlan.lines)
            assert is_change(c.text) == (c.action not in ("keep", "skip")), (c.action, c.text)
            assert kept_by_hand(c.text) == (c.action == "keep"), (c.action, c.text)
    assert {"keep", "update", "add"} <= seen


def test_the_words_of_each_kept_line_of_the_merge():
    """One line of each kind ``importers/merge.py`` writes, as it writes it."""
    lines = {
        "component web: deleted by the reviewer; not added again": "keep",
        "dependency web->api: deleted by the reviewer; not added again": "keep",
        "component web: tags cache removed by hand, kept removed; the source still says it": "keep",
        "component web: replicas edited by hand (5) kept; the source now says 4": "keep",
        "component web: owner 'team' kept (set before the import); the source says 'x'": "keep",
        "dependency web->api: kind stated by the reviewer (soft) kept; the source now says hard": "keep",
        "dependency web->api: timeout ms edited by hand (500) kept; the source now says 300": "keep",
        "component web: the id is already used by another element; not added": "skip",
        "failure domain zone-a: no longer in the source; kept": "flag",
        "component web: no longer in the source; flagged 'missing-from-source', not deleted": "change",
        "dependency web->api: no longer in the source; flagged in its evidence, not deleted": "change",
        "component web: replicas 2 -> 3": "change",
        "add component web": "change",
        "proposal svc.probes@web: not met -> partly": "change",
        "dependency web->api: rejected by the reviewer; removed": "change",
    }
    for line, what in lines.items():
        assert kept_by_hand(line) == (what == "keep"), line
        assert is_change(line) == (what == "change"), line
    rep = ImportReport(format="kubernetes", changes=list(lines))
    assert rep.summary() == "kubernetes: 0 components, 0 dependencies, 6 changes to the existing review, 7 hand edits kept"


# ------------------------------------------------------------------ 4. a no-op set writes nothing
@pytest.mark.parametrize("suffix", [".prr", ".json"])
def test_a_set_that_changes_nothing_leaves_the_file_alone(capsys, tmp_path, suffix):
    path = tmp_path / f"w{suffix}"
    if suffix == ".json":
        shutil.copy(EXAMPLE, path)
    else:
        assert main(["import", str(EXAMPLE), "-o", str(path), "--quiet"]) == 0
    comp = next(iter(load_review(path).components))
    code, _, err = run(capsys, "set", path, comp, "replicas=3")
    assert code == 0, err
    past = 1_500_000_000
    os.utime(path, (past, past))
    before = path.read_bytes()
    code, out, err = run(capsys, "set", path, comp, "replicas=3")
    assert code == 0, err
    assert "no change: the review already says so" in out and "wrote" not in out
    assert "->" not in out  # no "replicas 3 -> 3" line, which read as a change
    assert path.read_bytes() == before and os.stat(path).st_mtime == past
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no copy left beside it
    # asked for a copy, it is written all the same
    copy_to = tmp_path / f"copy{suffix}"
    code, out, err = run(capsys, "set", path, comp, "replicas=3", "-o", copy_to)
    assert code == 0 and "no change: the review already says so; wrote it to" in out, err
    assert load_review(copy_to).components[comp].replicas == 3
    assert os.stat(path).st_mtime == past
    # a real change is written
    code, out, err = run(capsys, "set", path, comp, "replicas=4")
    assert code == 0 and "wrote" in out, err
    assert load_review(path).components[comp].replicas == 4 and os.stat(path).st_mtime != past
