"""Round 30: what changed over a review's life, said as it happened (Online Boutique, imported and reviewed).

* a deleted component's SPOF was "fixed" and its risk "resolved" (a launch blocker "cleared"), in ``prr
  diff``, its JSON and the report's "Changes since" table: a lead read it as remediated. It is
  ``removed``, with what it went with, in every face;
* after any component was added or removed, almost every rescored risk said "because: blast radius: 3
  down, 0 degraded of 11 components" / "no longer: ... of 12": only the review's number of components
  differed. It says nothing now; a blast radius that changed says what changed;
* ``prr diff`` listed the bare records a mitigation links to a computed risk as the reviewer's
  decisions ("+ spof:component:redis-cart: open"), the report did not: one rule for both;
* ``prr summary`` printed "milestone: -" (a header field) for a review with milestones, and
  ``prr summary FILE@MILESTONE`` said "no such file";
* the report's cover said "Milestone: Pre-launch review (...): the latest milestone taken" above the
  review as it is now.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.reporting import changes as C
from prr_app.review import diff as D
from prr_app.review.document import load_review

ROOT = Path(__file__).resolve().parent.parent
REALDATA = ROOT.parent / "shared" / "realdata"
BOUTIQUE = REALDATA / "online-boutique" / "kubernetes-manifests.yaml"
TODAY = "2026-12-07"
SCHEMA = json.loads((ROOT / "schemas" / "diff.schema.json").read_text())

needs_boutique = pytest.mark.skipif(not BOUTIQUE.exists(), reason="shared/realdata is not beside the repository")
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")

#: the review's number of components in a blast-radius input: noise when only it changed
TOTAL_ONLY = re.compile(r"blast radius: \d+ down, \d+ degraded of \d+ components")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


@pytest.fixture(scope="module")
def boutique(tmp_path_factory):
    """Online Boutique imported and reviewed as a team does: tier, a journey, a milestone, then
    mitigations of three risks (bare records linking them), an acceptance, and a reviewer's answer."""
    if not BOUTIQUE.exists():
        pytest.skip("shared/realdata is not beside the repository")
    d = tmp_path_factory.mktemp("ob")
    ob = d / "ob.prr"
    steps = [
        ["import", BOUTIQUE, "-o", ob, "--quiet"],
        ["set", ob, "review", "tier=1", "target_launch=2027-03-01"],
        ["add", ob, "journey", "checkout", "entry=frontend", "slo=99.9"],
        ["milestone", "add", ob, "Design review", "--date", "2026-05-01", "--by", "alice"],
        ["risk", "mitigate", ob, "cascade:no-timeout", "--title", "add timeouts", "--owner", "platform",
         "--due", "2027-01-15"],
        ["risk", "mitigate", ob, "spof:component:redis-cart", "--title", "Redis HA", "--owner", "cart-team",
         "--due", "2027-02-01"],
        ["risk", "mitigate", ob, "spof:component:cartservice", "--title", "3 replicas", "--owner", "checkout-team",
         "--due", "2027-01-20"],
        ["risk", "accept", ob, "spof:component:adservice", "--by", "alice", "--reason", "ads are optional",
         "--today", TODAY],
    ]
    for argv in steps:
        assert main([str(a) for a in argv]) == 0, argv
    deleted = d / "del.prr"
    shutil.copy(ob, deleted)
    assert main(["delete", str(deleted), "emailservice"]) == 0
    later = d / "later.prr"  # and cartservice runs 3 replicas (in the one cluster)
    shutil.copy(deleted, later)
    assert main(["set", str(later), "cartservice", "replicas=3"]) == 0
    return ob, deleted, later


# ------------------------------------------------------------------ 1: removed, not fixed
def _diff(old, new) -> dict:
    return D.compare(load_review(old), load_review(new), today=TODAY, old_label="before", new_label="after")


def test_a_deleted_component_s_spof_and_risk_are_removed_not_fixed(boutique, capsys):
    ob, deleted, _ = boutique
    d = _diff(ob, deleted)
    a = d["analysis"]
    gone = {"element_type": "component", "element": "emailservice"}
    assert [(x["element"], x["went_with"]) for x in a["spofs"]["component"]["removed"]] == [("emailservice", gone)]
    assert [(x["element"], x["went_with"]) for x in a["spofs"]["instance"]["removed"]] == [("emailservice#0", gone)]
    assert all(not sp["fixed"] for sp in a["spofs"].values())
    assert [(x["id"], x["went_with"]) for x in a["risks"]["removed"]] == [("spof:component:emailservice", gone)]
    assert a["risks"]["resolved"] == []
    counts = D.counts(d)
    assert (counts["spofs_fixed"], counts["spofs_removed"], counts["risks_resolved"], counts["risks_removed"]) == \
        (0, 2, 0, 1)

    # prr diff: never "fixed", "resolved" or "cleared" for what went with the component
    code, out, _ = run(capsys, "diff", ob, deleted)
    assert code == 0
    said = "went with component emailservice, removed from the review; not fixed"
    assert f"  - removed (component): emailservice: {said}" in out.splitlines()
    assert f"  - removed (instance): emailservice#0: {said}" in out.splitlines()
    assert f"  - launch blocker spof:component:emailservice ({said})" in out.splitlines()
    assert re.search(r"  - removed \[critical 4x5=20\] BLOCKING .*\(spof:component:emailservice\): " + re.escape(said),
                     out)
    assert "fixed (" not in out and "resolved" not in out and "(cleared)" not in out

    # prr diff --json: the state of its own
    code, out, _ = run(capsys, "diff", "--json", ob, deleted)
    doc = json.loads(out)
    assert doc["analysis"]["risks"]["removed"][0]["went_with"] == gone

    # the report's "Changes since" table and its summary, in the same words
    rows = C.change_rows(d)
    assert ("SPOF (component)", "removed", "emailservice", said) in rows
    assert ("SPOF (instance)", "removed", "emailservice#0", said) in rows
    assert not [r for r in rows if r[1] in ("fixed", "resolved")]
    risk = next(r for r in rows if r[0] == "Risk" and r[2] == "spof:component:emailservice")
    assert risk[1] == "removed" and risk[3].endswith(said)
    summary = dict(C._summary_rows(d))
    assert summary["Single points of failure"] == "0 new, 0 fixed, 2 removed with their element (not fixed)"
    assert summary["Risks"].startswith("0 new, 0 resolved, 1 removed with its element (not fixed), ")
    line = C._verdict_line(d)
    assert "1 launch blocker removed with its element (not fixed)" in line and "cleared" not in line


def test_the_removed_states_are_in_the_diff_schema(boutique):
    """``prr diff --json`` is described by schemas/diff.schema.json: the ``removed`` lists too."""
    import jsonschema

    ob, deleted, _ = boutique
    jsonschema.validate(_diff(ob, deleted), SCHEMA)


def test_a_second_replica_still_fixes_and_a_deleted_reviewer_risk_is_deleted_not_resolved(tmp_path, capsys):
    """Only what went with an element is ``removed``: a replica added is a fix, said as before."""
    src = ROOT / "resources" / "examples" / "webshop.json"
    old, new = tmp_path / "a.prr", tmp_path / "b.prr"
    assert main(["import", str(src), "-o", str(old), "--quiet"]) == 0
    shutil.copy(old, new)
    assert main(["set", str(new), "cart-db", "replicas=2", "placement=euw1-a,euw1-b"]) == 0
    d = _diff(old, new)
    fixed = [x["element"] for x in d["analysis"]["spofs"]["instance"]["fixed"]]
    assert "cart-db#0" in fixed and "removed" not in d["analysis"]["spofs"]["instance"]
    assert "removed" not in d["analysis"]["risks"]
    assert "  - fixed (instance): cart-db#0" in D.diff_lines(d)


def test_a_reviewer_risk_deleted_is_said_deleted():
    """A reviewer's own risk taken out of the review leaves the register: "deleted ... not fixed"."""
    import copy
    import dataclasses

    from prr_app.model.entities import Review, Risk

    src = load_review(ROOT / "resources" / "examples" / "webshop.json")

    def clone(r):
        return Review(**{f.name: (dict(v) if isinstance(v, dict) else copy.deepcopy(v))
                         for f in dataclasses.fields(Review) for v in [getattr(r, f.name)]})

    old = clone(src)
    old.risks["manual:vendor"] = Risk(id="manual:vendor", origin="manual", title="Payment vendor sandbox only",
                                      likelihood=3, impact=5)
    new = clone(old)
    del new.risks["manual:vendor"]
    d = D.compare(old, new, today=TODAY)
    removed = d["analysis"]["risks"].get("removed", [])
    assert [(x["id"], x["went_with"]["element_type"]) for x in removed] == [("manual:vendor", "risk")]
    assert "manual:vendor" not in [x["id"] for x in d["analysis"]["risks"]["resolved"]]
    assert "deleted from the review by a reviewer; not fixed" in "\n".join(D.diff_lines(d))


# ------------------------------------------------------------------ 2: the "why" lines
def test_no_why_line_says_only_the_review_s_number_of_components(boutique, capsys):
    """Since the design review: an acceptance (adservice rescored) and emailservice deleted."""
    from prr_app.review.milestones import milestone_review

    ob, _, later = boutique
    d = D.compare(milestone_review(load_review(ob).milestones["design-review"]), load_review(later), today=TODAY)
    assert {"spof:component:adservice", "spof:domain:cluster"} <= {x["id"] for x in d["analysis"]["risks"]["rescored"]}
    for x in d["analysis"]["risks"]["rescored"]:
        for line in [*x["why"]["inputs_added"], *x["why"]["inputs_removed"]]:
            m = TOTAL_ONLY.search(line)
            if m:  # a blast radius left in the document changed its counts, not only the total
                pair = [y for y in [*x["why"]["inputs_added"], *x["why"]["inputs_removed"]] if TOTAL_ONLY.search(y)]
                assert len({re.sub(r" of \d+ components", "", y) for y in pair}) == 2, x
    code, out, _ = run(capsys, "diff", f"{ob}@design-review", later)
    assert re.search(r"~ rescored spof:component:adservice: .*status open -> accepted", out)
    assert not TOTAL_ONLY.search(out), out
    rows = [r for r in C.change_rows(d) if r[1] == "rescored"]
    assert not [r for r in rows if TOTAL_ONLY.search(r[3])], rows
    # the whole cluster going down went from 12 components to 11: said as what changed
    cluster = next(x for x in d["analysis"]["risks"]["rescored"] if x["id"] == "spof:domain:cluster")
    assert C.why_inputs(cluster["why"])[0][0] == "blast radius: components down 12 -> 11"
    assert "      because: blast radius: components down 12 -> 11" in out.splitlines()
    assert "      because: no owner: the fix spans 11 -> 10 components, none with an owner" in out.splitlines()
    assert "no longer: no owner" not in out


def test_a_risk_whose_only_change_is_the_review_s_size_is_not_rescored(boutique):
    """A component added beside everything else changes every blast-radius sentence's "of N components"
    and no risk's score: none is "rescored" for it (a guard: the inputs alone never make a rescore)."""
    from prr_app.model.entities import Component

    ob, _, _ = boutique
    old, new = load_review(ob), load_review(ob)
    new.components["lonely"] = Component("lonely", kind="service", owner="ops")
    d = D.compare(old, new, today=TODAY)
    assert d["analysis"]["risks"]["rescored"] == []


def test_why_inputs_names_what_changed():
    why = {"inputs_added": ["blast radius: 4 down, 1 degraded of 11 components", "finding: x"],
           "inputs_removed": ["blast radius: 3 down, 1 degraded of 12 components"]}
    assert C.why_inputs(why) == (["blast radius: components down 3 -> 4", "finding: x"], [])
    same = {"inputs_added": ["blast radius: 3 down, 0 degraded of 11 components"],
            "inputs_removed": ["blast radius: 3 down, 0 degraded of 12 components"]}
    assert C.why_inputs(same) == ([], [])
    assert C.drop_total_only(same["inputs_removed"], same["inputs_added"]) == ([], [])
    # the same input with other numbers: one line, what changed
    owner = {"inputs_added": ["no owner: the fix spans 10 components, none with an owner"],
             "inputs_removed": ["no owner: the fix spans 11 components, none with an owner", "likelihood 4: x"]}
    assert C.why_inputs(owner, "→") == (["no owner: the fix spans 11 → 10 components, none with an owner"],
                                        ["likelihood 4: x"])


# ------------------------------------------------------------------ 3: decisions, one rule
def test_the_changelog_and_the_report_count_the_same_decisions(boutique, capsys):
    from prr_app.review.milestones import milestone_review

    ob, _, _ = boutique
    review = load_review(ob)
    d = D.compare(milestone_review(review.milestones["design-review"]), review, today=TODAY)
    made = C.decisions_made(d)
    # three mitigations linked to computed risks: bare records, no decision of their own
    bare = [i for i in d["model"]["risks"]["added"] if i not in made["added"]]
    assert {"cascade:no-timeout", "spof:component:redis-cart", "spof:component:cartservice"} <= set(bare)
    code, out, _ = run(capsys, "diff", f"{ob}@design-review", ob)
    section = out.split("Reviewer's risks and decisions\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [x.strip()[2:].split(": ", 1)[0] for x in section] == made["added"] == ["spof:component:adservice"]
    assert not [b for b in bare if f"  + {b}: open" in out]
    summary = dict(C._summary_rows(d))
    assert summary["Reviewer's risks and decisions"] == f"{len(made['added'])} added, 0 removed, 0 changed"
    assert D.counts(d)["risks"] == len(made["added"])
    # the mitigations say what was added, with the risks they are for
    assert "for spof:component:redis-cart" in out


# ------------------------------------------------------------------ 4: prr summary
def test_summary_shows_the_milestones_and_refuses_a_milestone_address(boutique, capsys):
    ob, _, _ = boutique
    code, out, _ = run(capsys, "summary", ob)
    assert code == 0
    assert "milestones: 1 taken; latest design-review: Design review (2026-05-01)" in out.splitlines()
    assert "milestone: -" not in out  # the header's free-text field, said only when stated
    code, out, err = run(capsys, "summary", f"{ob}@design-review")
    assert code == 2 and out == "" and len(err.strip().splitlines()) == 1
    assert "only prr diff and prr plan read FILE@MILESTONE" in err and f"prr diff {ob}@design-review {ob}" in err
    assert "no such file" not in err and "Traceback" not in err
    code, out, err = run(capsys, "summary", Path(ob).parent / "missing.prr@x")
    assert code == 2 and "no such file" in err


def test_summary_says_the_header_milestone_when_stated(tmp_path, capsys):
    out_ = tmp_path / "w.prr"
    assert main(["import", str(ROOT / "resources" / "examples" / "webshop.json"), "-o", str(out_), "--quiet"]) == 0
    assert main(["set", str(out_), "review", "milestone=Launch"]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "summary", out_)
    assert "milestone stated in the header: Launch" in out and "milestones: none taken" in out


# ------------------------------------------------------------------ 5: the cover
@needs_pdftotext
def test_the_cover_says_the_report_is_the_review_as_it_is_now(boutique, tmp_path, capsys):
    ob, _, _ = boutique
    pdf = tmp_path / "r.pdf"
    code, _, err = run(capsys, "report", ob, "-o", pdf, "--today", TODAY)
    assert code == 0, err
    text = " ".join(subprocess.run(["pdftotext", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert (f"Latest milestone Design review (2026-05-01); this report is the review as it is on {TODAY}, "
            "not as it was at that milestone") in text
    assert "the latest milestone taken" not in text
