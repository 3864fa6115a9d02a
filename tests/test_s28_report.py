"""Session 28: the Reliability Risk Assessment says what a ready verdict owes to acceptances and waivers,
shows the evidence behind answered blocker items, draws a shared host's SPOF band, words counts right,
and ``prr export`` judges as of ``--today``."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from prr_app.interchange.json_io import read_review_json
from prr_app.model.entities import Component, Dependency, FailureDomain
from prr_app.reporting.assessment import build_assessment
from prr_app.reporting.markdown import render_csv, render_markdown
from prr_app.reporting.pdf import render_pdf
from prr_app.review.edits import apply_changes

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "resources" / "examples"
TODAY = "2026-12-07"
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")


def _text(pdf: bytes, tmp_path: Path, first: int | None = None, last: int | None = None) -> str:
    p = tmp_path / "r.pdf"
    p.write_bytes(pdf)
    args = ["pdftotext"] + (["-f", str(first)] if first else []) + (["-l", str(last)] if last else [])
    return " ".join(subprocess.run(args + [str(p), "-"], capture_output=True, text=True, check=True).stdout.split())


def _host_review():
    """A Compose-like review: every component shares one host (a shared domain, no placement); the
    front is user-facing; each component and the host are SPOFs that block the launch."""
    from prr_app.model.entities import Review

    r = Review()
    r.meta.system_name = "one-host shop"
    r.meta.tier = 1
    r.domains["docker-host"] = FailureDomain(id="docker-host", name="Docker host", kind="host")
    for cid in ("front", "api", "db"):
        r.components[cid] = Component(id=cid, name=cid, kind="datastore" if cid == "db" else "service", replicas=1,
                                      owner="team-a", user_facing=cid == "front", shared_domains=["docker-host"])
    r.dependencies["front->api"] = Dependency(source="front", target="api", kind="hard")
    r.dependencies["api->db"] = Dependency(source="api", target="db", kind="hard")
    return r


def _accept_blockers(review, by="Lee Chen", until="2027-01-31"):
    """Accept every risk that blocks the launch (as a lead does to ship a demo)."""
    from prr_app.review import risk_decisions

    a = build_assessment(review, today=TODAY)
    for r in a.blockers:
        changes = risk_decisions.accept(review, r["id"], by, "demo launch", until, today=TODAY)
        apply_changes(review, [c for c in changes if hasattr(c, "coll")])
    return build_assessment(review, today=TODAY)


def _answer(review, key, **fields):
    from prr_app.review.checklist_ops import answer_item

    apply_changes(review, answer_item(review, key, by="Dana", **fields))


def _blocker_keys(review, n):
    a = build_assessment(review, today=TODAY)
    return [it.key for it in a.unanswered_blockers()][:n]


# -- 1: accepted and waived blockers said on the cover and in the summary ----------------------------
@pytest.fixture(scope="module")
def accepted():
    review = _host_review()
    a = _accept_blockers(review)
    assert not a.blockers and a.accepted_blockers()
    keys = _blocker_keys(review, 2)
    _answer(review, keys[0], status="not_applicable", reason="stateless demo")
    _answer(review, keys[1], status="met")  # no evidence
    return review


def test_not_fixed_names_the_accepted_blockers_the_worst_and_who(accepted):
    a = build_assessment(accepted, today=TODAY)
    text = " ".join(a.not_fixed())
    n = len(a.accepted_blockers())
    assert f"{n} launch blockers" in text and "accepted instead of fixed" in text
    # the worst by what it takes down: the host, every component
    assert "The worst: docker-host is a single point of failure, takes down 3 of 3 components" in text
    assert "(accepted by Lee Chen until 2027-01-31). All accepted by Lee Chen until 2027-01-31." in text
    assert "2 blocker checklist items pass without being shown met" in text
    assert "1 answered not applicable" in text and "1 answered met with no evidence" in text
    assert a.not_fixed_short() == (f"{n} launch blockers accepted, not fixed; "
                                   "2 blocker checklist items passed without being shown met")


@needs_pdftotext
def test_cover_and_summary_say_what_is_accepted_not_fixed(accepted, tmp_path):
    a = build_assessment(accepted, today=TODAY)
    cover = _text(render_pdf(accepted, assessment=a), tmp_path, 1, 1)
    assert "launch blockers accepted, not fixed" in cover
    assert "Accepted or waived, not fixed" in cover and "docker-host" in cover and "Lee Chen" in cover
    summary = _text(render_pdf(accepted, assessment=a), tmp_path, 2, 2)
    assert "accepted instead of fixed" in summary
    # the accepted root causes are rows of the table, marked with who accepted them and until when
    assert "Root causes:" in summary and "accepted by Lee Chen until 2027-01-31" in summary


def test_markdown_summary_shows_accepted_root_causes(accepted):
    a = build_assessment(accepted, today=TODAY)
    md = render_markdown(accepted, assessment=a)
    assert "**Accepted or waived, not fixed:**" in md
    assert "| accepted by Lee Chen until 2027-01-31 |" in md
    assert a.summary_heading().startswith("Root causes: ") and "accepted instead of fixed" in a.summary_heading()


def test_nothing_accepted_keeps_the_old_heading():
    review = read_review_json(EXAMPLES / "webshop.json")
    a = build_assessment(review, today=TODAY)
    assert a.not_fixed() == [] and a.not_fixed_short() == ""
    assert a.summary_heading() == f"Root causes to fix ({len(a.root_causes())})"


# -- 2: answered items with their evidence --------------------------------------------------------------
@pytest.fixture(scope="module")
def answered():
    review = _host_review()
    keys = _blocker_keys(review, 3)
    _answer(review, keys[0], status="met", evidence="https://wiki.example/slo", owner="sre-team",
            due="2026-12-15", note="signed off by the PO")
    return review, keys


@needs_pdftotext
def test_met_answer_evidence_owner_due_note_are_in_pdf_and_markdown(answered, tmp_path):
    review, _keys = answered
    a = build_assessment(review, today=TODAY)
    row = next(x for x in a.answered_items(blockers=True) if x["evidence"] == "https://wiki.example/slo")
    assert (row["owner"], row["due"], row["note"], row["status"]) == ("sre-team", "2026-12-15",
                                                                      "signed off by the PO", "met")
    assert row["who"].startswith("Dana")
    pdf = _text(render_pdf(review, assessment=a), tmp_path)
    assert "7.5 Answered blocker items" in pdf
    for s in ("https://wiki.example/slo", "signed off by the PO", "sre-team, due 2026-12-15"):
        assert s in pdf
    md = render_markdown(review, assessment=a)
    assert "### 7.5 Answered blocker items" in md and "### 7.6 Other answered items" in md
    assert "https://wiki.example/slo | sre-team | 2026-12-15 | signed off by the PO | Dana" in md


def test_answered_items_are_capped_with_a_count_and_where_the_rest_is(monkeypatch, answered):
    from prr_app.reporting import markdown

    review, _keys = answered
    monkeypatch.setattr(markdown, "MD_ANSWERED_ROWS", 0)
    md = render_markdown(review, assessment=build_assessment(review, today=TODAY))
    assert "… and 1 more answered item: `prr checklist REVIEW --json` lists every answer" in md


def test_open_blocker_table_has_the_answers_note():
    review = _host_review()
    key = _blocker_keys(review, 1)[0]
    _answer(review, key, status="not_met", note="waiting on the vendor")
    md = render_markdown(review, assessment=build_assessment(review, today=TODAY))
    part = md[md.index("### 7.1"):md.index("### 7.5")]
    assert "| Note |" in part and "waiting on the vendor" in part


# -- 3: the figure --------------------------------------------------------------------------------------
def test_band_of_unplaced_boxes_sharing_a_host_is_labelled_and_marked_spof():
    from prr_app.layout import UNPLACED, compute_layout
    from prr_app.reporting import figures as F
    from prr_app.reporting.text import TextKit

    review = _host_review()
    lay = compute_layout(review)
    band = next(r for r in lay.regions if r.id == UNPLACED)
    assert band.shared == ("docker-host",)
    assert "Docker host (host)" in band.label and "no placement stated" not in band.label
    a = build_assessment(review, today=TODAY)
    domain_spofs = frozenset(x["element"] for x in a.spof_rows() if x["disruption"] == "domain")
    assert "docker-host" in domain_spofs
    style = F.GraphStyle(spofs=frozenset(a.spof_components()), domain_spofs=domain_spofs,
                         shared_tags={"docker-host": "L1"})
    d = F.graph_drawing(lay, TextKit(), style, 1.0)
    texts = []

    def walk(g):
        for x in getattr(g, "contents", []):
            walk(x)
            if hasattr(x, "text"):
                texts.append(x.text)
    walk(d)
    assert any(t.endswith("SPOF") and "Docker host" in t for t in texts), texts
    # the L tag of a SPOF domain is red on the box
    strip = F.badge_strip(TextKit(), "api", style, ("docker-host",), (), 200)
    assert ("L1", F.RED) in strip


def test_band_with_mixed_sharing_is_not_the_domain_but_says_how_many_share_it():
    from prr_app.layout import UNPLACED, compute_layout

    review = _host_review()
    review.components["db"].shared_domains = []  # only two of the three share the host
    band = next(r for r in compute_layout(review).regions if r.id == UNPLACED)
    assert band.shared == ()  # not drawn as the domain (nor as its SPOF)
    assert band.label.startswith("no zone stated; ") and band.label.endswith("shared by 2 of the 3 boxes here")


def test_legend_keys_are_never_cut_and_hub_key_says_both_marks():
    from prr_app.reporting import figures as F
    from prr_app.reporting.text import TextKit

    long = "on a box: it depends on prometheus-server, a telemetry hub (no line drawn); “hub H3” marks it"
    d = F.legend_drawing(TextKit(), 480, [("L1", "shares Docker host (host)"), ("H3", long)])
    texts = []

    def walk(g):
        for x in getattr(g, "contents", []):
            walk(x)
            if hasattr(x, "text"):
                texts.append(x.text)
    walk(d)
    assert not any(t.endswith("…") for t in texts), texts
    assert "marks it" in " ".join(texts)


# -- 4 and 5: true pointers and counts -------------------------------------------------------------------
def test_more_of_counts_what_is_left_out():
    from prr_app.reporting.pdf import more_of

    assert more_of(list(range(12)), 8, "step") == " … and 4 more steps"
    assert more_of(list(range(9)), 8, "component") == " … and 1 more component"
    assert more_of([1, 2], 8, "step") == ""


@needs_pdftotext
def test_cover_no_longer_claims_in_full_and_summary_says_where_the_rest_is(tmp_path):
    review = read_review_json(EXAMPLES / "webshop.json")
    a = build_assessment(review, today=TODAY)
    text = _text(render_pdf(review, assessment=a), tmp_path, 1, 2)
    assert "(in full in the executive summary)" not in text
    assert "(continued in the executive summary)" in text
    assert "every one is listed: single points of failure in section 2" in text


@needs_pdftotext
def test_counts_are_worded_for_one(tmp_path):
    review = _host_review()
    a = build_assessment(review, today=TODAY)
    text = _text(render_pdf(review, assessment=a), tmp_path)
    assert "1 failure domain." in text and "1 failure domains" not in text
    assert "1 component holds state or declares recovery targets; 1 has a gap" in text
    assert "about 1 working days" not in text
    md = render_markdown(review, assessment=a)
    assert "about 1 working days" not in md


def test_spof_disruption_says_instance_and_component():
    review = _host_review()
    a = build_assessment(review, today=TODAY)
    row = next(x for x in a.spof_rows() if x["element"] == "front")
    assert "(instance and component failure)" in a.risk(row["risk_id"])["title"]
    assert row["disruption_text"] == "instance and component"
    assert row["disruption"] == "component"  # the counts by disruption type are unchanged
    md = render_markdown(review, assessment=a)
    assert "| instance and component |" in md


# -- 6: prr export --today ---------------------------------------------------------------------------------
def test_export_passes_today_to_every_report_writer(tmp_path):
    from prr_app.review import exports

    review = _host_review()
    _accept_blockers(review, until="2026-12-31")
    for fmt in ("markdown", "csv"):
        before, after = tmp_path / f"b.{fmt}", tmp_path / f"a.{fmt}"
        exports.export(review, fmt, before, today="2026-12-10")
        exports.export(review, fmt, after, today="2027-02-01")
        b, a = before.read_text(encoding="utf-8-sig"), after.read_text(encoding="utf-8-sig")
        assert b != a, fmt  # the acceptances expired between the two dates
    assert "judged as of 2026-12-10" in (tmp_path / "b.markdown").read_text()
    assert "acceptance expired" in (tmp_path / "a.markdown").read_text()
    exports.export(review, "json", tmp_path / "r.json", today="2027-02-01")  # no date in a review's JSON


@needs_pdftotext
def test_cli_export_today(tmp_path):
    from prr_app.cli.main import main
    from prr_app.interchange.json_io import write_json

    src = tmp_path / "r.json"
    write_json(_host_review(), src)
    out = tmp_path / "r.pdf"
    assert main([ "export", str(src), "-o", str(out), "--today", "2026-11-30"]) == 0
    assert "judged as of 2026-11-30" in _text(out.read_bytes(), tmp_path, 1, 1)
    assert main(["export", str(src), "-o", str(tmp_path / "r.md"), "--today", "20261130"]) == 2
    assert not (tmp_path / "r.md").exists()
    csv = render_csv(_host_review(), assessment=build_assessment(_host_review(), today=TODAY))
    assert csv.startswith("title,")
