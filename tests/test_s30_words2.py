"""Round 30 (2): the stored codes still printed to users, and two report consistency fixes.

* the report's component count read "(... 1 load_balancer)" and its recovery rows carried the raw kind;
  ``prr gate`` printed "(answer: not_met)", in its JUnit output too; plan lines "checklist X: not_met";
  a re-import's lines quoted codes ("kind 'other' -> 'load_balancer'"); the proposal lines of a
  re-import were built with codes and reworded afterwards by pattern: all said in words now
  (``wording.enum_words``), ``--json`` and the stored fields keep the codes;
* ``prr_app.review.risk_decisions`` had its own "nothing to write" exception: it uses the document's
  ``Unchanged`` (one implementation: the file is left byte for byte);
* the PDF said "Entry points (none is marked user-facing ...)" and badged every entry ENTRY when only
  parts of the review were guessed (a Structurizr or Backstage import that marks some components
  user-facing): guessed only where it is;
* the Markdown key facts said "...: the latest milestone taken" where the PDF cover says "...; this report
  is the review as it is on DATE, not as it was at that milestone": one wording now.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.importers.base import ImportReport, ImportResult, is_change, kept_by_hand
from prr_app.model.entities import Component, Dependency, FailureDomain, Proposal, Review
from prr_app.reporting.assessment import build_assessment
from prr_app.reporting.markdown import render_markdown
from prr_app.reporting.pdf import render_pdf

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "resources" / "examples" / "webshop.json"
REALDATA = ROOT.parent / "shared" / "realdata"
TODAY = "2026-12-07"
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def _text(pdf: bytes, tmp_path: Path, first: int | None = None, last: int | None = None) -> str:
    p = tmp_path / "r.pdf"
    p.write_bytes(pdf)
    args = ["pdftotext"] + (["-f", str(first)] if first else []) + (["-l", str(last)] if last else [])
    return " ".join(subprocess.run(args + [str(p), "-"], capture_output=True, text=True, check=True).stdout.split())


def _section1(text: str) -> str:
    i = text.rindex("1 System overview")
    return text[i:text.index("1.1 Components", i)]


@pytest.fixture
def shop(tmp_path):
    out = tmp_path / "w.prr"
    assert main(["import", str(EXAMPLE), "-o", str(out), "--quiet"]) == 0
    return out


# ------------------------------------------------------------------ 1. the report
def _lb_review() -> Review:
    r = Review()
    r.meta.system_name = "shop"
    r.domains["zone-a"] = FailureDomain(id="zone-a", kind="zone")
    r.components["lb"] = Component(id="lb", kind="load_balancer", replicas=1, user_facing=True, placement=["zone-a"])
    r.components["db"] = Component(id="db", kind="datastore", replicas=1, placement=["zone-a"], rto_minutes=30)
    r.components["pay"] = Component(id="pay", kind="external_api")
    r.dependencies["lb->db"] = Dependency(source="lb", target="db", kind="hard")
    r.dependencies["lb->pay"] = Dependency(source="lb", target="pay", kind="hard")
    return r


@needs_pdftotext
def test_the_report_counts_the_components_by_kind_in_words(tmp_path):
    review = _lb_review()
    a = build_assessment(review, today=TODAY)
    section = _section1(_text(render_pdf(review, assessment=a), tmp_path))
    assert "3 components (1 datastore, 1 external api, 1 load balancer)" in section, section
    assert "_" not in section
    # the recovery rows carry a kind as section 1.1 says it, never the stored code
    rows = {x["component"]: x for x in a.recovery_rows()}
    assert rows["db"]["kind"] == "datastore"
    review.components["db"].kind = "load_balancer"  # any kind with an underscore, stated a recovery target
    assert {x["component"]: x for x in build_assessment(review, today=TODAY).recovery_rows()}["db"]["kind"] \
        == "load balancer"


# ------------------------------------------------------------------ 2. prr gate
def test_the_gate_says_a_checklist_answer_in_words(capsys, shop, tmp_path):
    code, _, err = run(capsys, "checklist-answer", shop, "cap.load-test-peak", "--status", "not_met", "--by", "ann")
    assert code == 0, err
    junit = tmp_path / "gate.xml"
    code, out, err = run(capsys, "gate", shop, "--junit", junit)
    assert code == 1, err
    line = next(x for x in out.splitlines() if "checklist cap.load-test-peak:" in x)
    assert line.endswith("(answer: not met)"), line
    xml = junit.read_text(encoding="utf-8")
    assert "(answer: not met)" in xml and "not_met" not in xml and "(answer: unanswered)" in xml


# ------------------------------------------------------------------ 3. plans
def test_a_plans_answer_line_says_the_status_in_words():
    from prr_app.review.plans import Change

    c = Change("answer", {"item": "cap.load-test-peak", "status": "not_applicable"})
    assert c.describe() == "checklist cap.load-test-peak: not applicable"
    assert c.to_dict()["status"] == "not_applicable"  # the plan file keeps the code


# ------------------------------------------------------------------ 4. a re-import's lines
def _reimport(existing: Review, incoming: Review):
    from prr_app.importers import merge

    return merge.plan(existing, ImportResult(review=incoming, report=ImportReport(format="csv")))


def test_a_reimport_says_kinds_in_words_and_other_values_as_they_are():
    existing, incoming = Review(), Review()
    existing.add(Component(id="lb", kind="other", owner="team-a"))
    existing.add(Component(id="api", kind="gateway"))
    existing.add(Dependency("lb", "api", kind="soft"))
    existing.dependencies["lb->api"].kind_stated = True
    incoming.add(Component(id="lb", kind="load_balancer", owner="team b"))
    incoming.add(Component(id="api", kind="external_api"))
    incoming.add(Dependency("lb", "api", kind="hard"))
    incoming.add(Component(id="pay", kind="external_api"))
    incoming.add(Dependency("api", "pay", kind="async"))
    lines = [c.text for c in _reimport(existing, incoming).changes]
    assert "component lb: kind other -> load balancer (was not set)" in lines, lines
    assert "component api: kind gateway kept (set before the import); the source says external api" in lines, lines
    # a name or an owner keeps its quotes: where it starts and ends is seen
    assert "component lb: owner 'team-a' kept (set before the import); the source says 'team b'" in lines, lines
    assert "dependency lb->api: kind stated by the reviewer (soft) kept; the source now says hard" in lines, lines
    assert "add dependency api->pay (async)" in lines
    assert not any("_api" in x or "load_balancer" in x for x in lines), lines
    # the words keep each line's sense for the import's summary
    for line in lines:
        assert kept_by_hand(line) == ("kept" in line and "(was not set)" not in line), line
    assert is_change("component lb: kind other -> load balancer (was not set)")


def test_a_reimports_proposal_lines_are_worded_where_they_are_made():
    from prr_app.checklist.proposals import refresh
    from prr_app.review import proposals

    review = Review()
    review.add(Component(id="cart"))
    review.proposals = {"svc.probes@cart": Proposal(item="svc.probes@cart", status="not_met", extractor="x")}
    new = {"svc.probes@cart": Proposal(item="svc.probes@cart", status="partly", extractor="x"),
           "obs.alerts@cart": Proposal(item="obs.alerts@cart", status="not_met", extractor="x")}
    lines = refresh(review, new)
    assert lines == ["proposal svc.probes@cart: not met -> partly", "proposal obs.alerts@cart: not met"]
    assert review.proposals["obs.alerts@cart"].status == "not_met"  # stored as the code
    assert not hasattr(proposals, "_in_words")  # one place words them


# ------------------------------------------------------------------ 5. one "nothing to write"
def test_a_risk_decision_that_changes_nothing_leaves_the_file_as_it_was(capsys, shop):
    from prr_app.review import risk_decisions

    assert not hasattr(risk_decisions, "_Unchanged")
    assert run(capsys, "risk", "owner", shop, "spof:component:cart-db", "ann")[0] == 0
    before, mtime = shop.read_bytes(), shop.stat().st_mtime_ns
    d = risk_decisions.decide(shop, ["spof:component:cart-db"],
                              lambda r, ids: risk_decisions.set_owner(r, ids[0], "ann", by="bo"))
    assert shop.read_bytes() == before and shop.stat().st_mtime_ns == mtime
    assert d.made.get("changed") is False and "review" not in d.made
    assert d.review.risks["spof:component:cart-db"].owner == "ann"
    code, out, err = run(capsys, "risk", "owner", shop, "spof:component:cart-db", "ann")
    assert code == 0 and "nothing changed" in out and "left as it was" in out, (out, err)
    assert shop.read_bytes() == before


# ------------------------------------------------------------------ 6. entry points guessed in parts
@pytest.fixture(scope="module")
def structurizr():
    from prr_app.review.importing import import_review

    review = import_review([REALDATA / "structurizr-examples"]).review
    return review, build_assessment(review, today=TODAY)


def test_only_the_parts_guessed_are_said_guessed(structurizr):
    review, a = structurizr
    asm = next(x for x in a.analysis["assumptions"] if x["id"] == "entry-points-default")
    assert asm.get("scope") == "parts"
    assert not a.entry_points_guessed
    assert a.guessed_entry_points == ["dns-router"]
    assert a.facing_words == ("user-facing component or guessed entry point",
                              "user-facing components or guessed entry points")
    facing = {x["id"]: x["facing"] for x in a.component_rows()}
    assert facing["dns-router"] == "entry (guessed)" and facing["ui"] == facing["web-server"] == "yes"


@needs_pdftotext
def test_the_pdf_says_guessed_only_where_it_is(structurizr, tmp_path):
    review, a = structurizr
    section = _section1(_text(render_pdf(review, assessment=a), tmp_path))
    assert "none is marked user-facing" not in section, section
    assert "User-facing: ui, web-server." in section, section
    assert "Entry points guessed from the graph where no component is marked user-facing" in section
    assert section.rstrip().endswith("dns-router."), section


def test_the_graph_badges_no_marked_component_as_guessed(structurizr, monkeypatch):
    """USER on the marked components, never ENTRY on them, and never USER on a guessed one: the guessed
    ones are badged ENTRY (session 30, words 3: they had no badge), and the legend keys both."""
    from prr_app.reporting import figures

    review, a = structurizr
    seen = []
    real = figures.legend_drawing

    def spy(kit, width, shared, badges=("USER",), unconfirmed=()):
        seen.append(tuple(badges))
        return real(kit, width, shared, badges, unconfirmed)

    styles = []
    real_style = figures.GraphStyle

    def style(**kw):
        styles.append(kw)
        return real_style(**kw)

    monkeypatch.setattr(figures, "legend_drawing", spy)
    monkeypatch.setattr(figures, "GraphStyle", style)
    render_pdf(review, assessment=a)
    assert seen and set(seen) == {("USER", "ENTRY")}
    assert styles[0]["user_facing"] == frozenset({"ui", "web-server"})
    assert styles[0]["entry_points"] == frozenset({"dns-router"})


def test_a_review_with_nothing_marked_is_still_all_guessed():
    r = _lb_review()
    r.components["lb"].user_facing = False
    a = build_assessment(r, today=TODAY)
    assert a.entry_points_guessed and a.guessed_entry_points == ["lb"]
    assert a.facing_words == ("guessed entry point", "guessed entry points")
    assert a.facing_short == "entry points"


# ------------------------------------------------------------------ 7. the milestone, one wording
def test_the_markdown_key_facts_say_the_milestone_as_the_cover_does():
    from prr_app.review.milestones import take
    from prr_app.wording import latest_milestone_text

    review = _lb_review()
    take(review, "design review", date="2026-05-01", by="Ana")
    a = build_assessment(review, today=TODAY)
    m = review.newest_milestone()
    cover = latest_milestone_text(m, TODAY)
    assert a.milestone_rows() == [("Latest milestone", cover)]
    assert f"- **Milestone:** the latest milestone taken: {cover}" in render_markdown(review, assessment=a)
