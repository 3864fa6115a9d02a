"""Session 30, the report as a lead reads it across pages: an executive summary that runs onto a
second page says so at the top of it, its tables start under their headings (the team table jumped to
the next page and left half a page empty) and repeat their header row; a journey's figure, section
1.2 and the analysis count the same components (the OTel demo's figure said 24, 1.2 said 30 reached,
the analysis' blast radius 22); a graph whose lines all fit one figure is that figure, not a summary
and "part 1 of 1"."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from prr_app.model.entities import Component, Dependency, FailureDomain, Journey, Review
from prr_app.reporting import figures as F
from prr_app.reporting.assessment import build_assessment
from prr_app.reporting.pdf import render_pdf

TODAY = "2026-12-07"
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext not installed")


def _pages(pdf: bytes, tmp_path: Path) -> list[str]:
    p = tmp_path / "r.pdf"
    p.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(p), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")


def _teams_shop(teams: int) -> Review:
    """Single-replica services on one cluster behind a checkout journey, each its own team's: many root
    causes and more teams than one page holds beside them."""
    r = Review()
    r.meta.system_name = "shop"
    r.meta.tier = 1
    r.meta.target_launch = "2027-01-15"
    r.domains["cluster"] = FailureDomain(id="cluster", name="cluster", kind="cluster")
    names = ["front"] + [f"svc{i:02d}" for i in range(1, teams)]
    for cid in names:
        r.components[cid] = Component(id=cid, name=cid, kind="service", replicas=1, owner=f"team-{cid}",
                                      user_facing=cid == "front", shared_domains=["cluster"])
    for cid in names[1:]:
        r.dependencies[f"front->{cid}"] = Dependency(source="front", target=cid, kind="hard")
    r.journeys["checkout"] = Journey(id="checkout", name="checkout", entry=["front"], slo=99.9)
    return r


def _summary(pages: list[str]) -> list[str]:
    start = next(i for i, p in enumerate(pages) if "Executive summary\n" in p and "Verdict:" in p)
    end = next(i for i, p in enumerate(pages) if i > start and "Contents\n" in p)
    return pages[start:end]


@needs_pdftotext
@pytest.mark.parametrize("teams", [30, 70])
def test_a_long_executive_summary_says_it_runs_on_and_fills_its_pages(teams, tmp_path):
    review = _teams_shop(teams)
    a = build_assessment(review, today=TODAY)
    summary = _summary(_pages(render_pdf(review, assessment=a), tmp_path))
    assert len(summary) >= 2
    first, rest = summary[0], summary[1:]
    assert "(continued)" not in first
    for page in rest:  # every page it runs onto says so at its top
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        assert lines[1] == "Executive summary (continued)", page[:400]  # under the running header
    # the first page is filled with root causes (three of them above half a page left empty, the work per
    # team moved to the next page whole, read as if the summary ended there)
    roots = [ln for ln in first.splitlines() if "is a single point of failure" in ln and ln.split()[0].isdigit()]
    assert len(roots) >= 10
    # a table that runs onto the next page repeats its header row under "... (continued)"
    joined = "\n".join(rest)
    if teams == 70:
        assert "Work per team before launch (continued)" in joined
    for title in ("Work per team before launch", "Root causes to fix"):
        if f"{title} (continued)" in joined:
            after = joined.split(f"{title} (continued)", 1)[1].splitlines()[1].split()
            assert after[:2] in (["Team", "Launch"], ["#", "Root"]), after
    for t, _ in zip((t["team"] for t in a.team_plan()[0]), range(1000)):
        assert (t or "no owner") in "\n".join(summary)
    assert "(continued)" not in "\n".join(_pages(render_pdf(review, assessment=a), tmp_path)[len(summary) + 1:])


@needs_pdftotext
def test_a_summary_that_fits_one_page_has_no_continuation_mark(tmp_path):
    review = _teams_shop(4)
    summary = _summary(_pages(render_pdf(review, assessment=build_assessment(review, today=TODAY)), tmp_path))
    assert len(summary) == 1
    assert "(continued)" not in summary[0].replace("(continued in the executive summary)", "")


def _telemetry_shop() -> Review:
    """A journey whose services send telemetry to a collector that itself calls the front door (a
    scrape) and a backend: the journey does not depend on what the collector calls."""
    r = Review()
    r.meta.system_name = "otel-like"
    for cid in ("proxy", "web", "api", "db", "collector", "tsdb", "loadgen"):
        r.add(Component(id=cid, kind="service", replicas=1, user_facing=cid == "proxy",
                        tags=["telemetry"] if cid == "collector" else []))
    for s, t, k in [("loadgen", "proxy", "hard"), ("proxy", "web", "hard"), ("web", "api", "hard"),
                    ("api", "db", "hard"), ("web", "collector", "soft"), ("api", "collector", "soft"),
                    ("collector", "tsdb", "hard"), ("collector", "proxy", "soft")]:
        r.add(Dependency(s, t, kind=k))
    r.journeys["browse"] = Journey(id="browse", name="browse", entry=["web"], slo=99.5)
    return r


def test_a_journey_reaches_what_the_analysis_says_reaches_it():
    review = _telemetry_shop()
    a = build_assessment(review, today=TODAY)
    hit = {c for c, b in a.analysis["blast_radius"].items()
           if "browse" in b["journeys"] or "browse" in b["journeys_degraded"]}
    assert a.journey_needs["browse"] == sorted(hit)
    # not on through the collector's soft call to the proxy (a degraded telemetry hub does not degrade
    # what sends it telemetry), nor to the load generator calling the proxy; its hard call to the store
    # does: the store down takes the collector down, which degrades the journey
    assert a.journey_needs["browse"] == ["api", "collector", "db", "tsdb", "web"]


def test_a_journey_summary_counts_the_components_it_reaches():
    review = _telemetry_shop()
    a = build_assessment(review, today=TODAY)
    hubs = {c: f"H{i + 1}" for i, c in enumerate(F.hub_components(review))}
    plans = F.plan_graph_figures(review, 120, 90, a.journey_needs, hubs)  # a tiny page: summaries
    fig = next(p for p in plans if p.journey == "browse")
    assert fig.summary
    n = len(a.journey_needs["browse"])
    assert f"summary of the {n} components it reaches" in fig.title
    # the hub is in a box's count too, as the whole graph's summary counts it
    assert sum(int(b.label.split(": ")[1].split()[0]) for b in fig.layout.nodes.values()) == n


@needs_pdftotext
def test_a_journey_figure_says_what_it_reaches_beyond_its_boxes(tmp_path):
    review = _telemetry_shop()
    review.add(Component(id="flags", kind="service", tags=["config"]))  # a hub with no line of its own
    review.add(Dependency("api", "flags", kind="soft"))
    for i in range(30):  # enough beside the journey that the whole graph is drawn in parts
        review.add(Component(id=f"batch-{i:02d}", kind="service"))
        review.add(Dependency(f"batch-{i:02d}", "db", kind="hard"))
        if i:
            review.add(Dependency(f"batch-{i:02d}", f"batch-{i - 1:02d}", kind="soft"))
    a = build_assessment(review, today=TODAY)
    text = " ".join(" ".join(_pages(render_pdf(review, assessment=a), tmp_path)).split())
    n = len(a.journey_needs["browse"])
    assert f"{n} reached" in text  # section 1.2
    assert f"Figure: Journey browse. {n - 1} components" in text
    assert f"it reaches {n} (section 1.2): flags is a hub, shown as H badges" in text


def test_lines_that_fit_one_figure_are_one_figure_not_a_summary_and_one_part():
    """Hubs' boxes make the whole graph too tall; without them every line fits one figure."""
    r = Review()
    r.meta.system_name = "hubs"
    for i in range(6):
        r.add(Component(id=f"hub{i}", kind="service", tags=["telemetry"]))
    r.add(Component(id="web", user_facing=True))
    r.add(Component(id="api"))
    r.add(Dependency("web", "api"))
    for i in range(6):
        r.add(Dependency("web", f"hub{i}"))
        r.add(Dependency("api", f"hub{i}"))
    hubs = {c: f"H{i + 1}" for i, c in enumerate(F.hub_components(r))}
    plans = F.plan_graph_figures(r, 480, 150, {}, hubs)
    assert [p.title for p in plans] == ["Dependency graph"]
    assert not plans[0].summary and set(plans[0].layout.nodes) == {"web", "api"}
