"""Session 30, words 3: the graph badges both the marked and the guessed entry points; stored codes are
worded by the shared helpers (prr_app/wording.py) and ids are not; a re-import names fields in words; a
failure domain of kind ``other`` is never labelled "(other)" on the report's graph.

1. A review where some components are marked user-facing and others are guessed entry points (a
   Structurizr import: the analysis' ``entry-points-default`` assumption has ``"scope": "parts"``): the
   PDF's graph badged USER on the marked ones and nothing on the guessed ones; now USER and ENTRY, and
   the legend keys both.
2. The report's "Changes since" guessed a stored code from a value's looks, and worded an owner
   "team_a" as "team a"; the inspector's "Inside" list worded a domain id "eu_west" as "eu west".
3. A re-import said "timeout_ms 1500 -> 2500" where ``prr diff`` says "timeout ms".
4. A failure domain of kind ``other`` was "Amazon RDS (other)" on the graph.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from prr_app.importers.base import is_change, kept_by_hand
from prr_app.importers.registry import import_paths
from prr_app.model.entities import Component, Dependency, FailureDomain, Review
from prr_app.reporting import figures as F
from prr_app.reporting.text import TextKit

from shop_manifests import APPS, MESH

REALDATA = Path("/work/shared/realdata")
TODAY = "2026-12-07"


def _strings(drawing) -> list[str]:
    out = []

    def walk(g):
        for n in g.contents:
            if hasattr(n, "contents"):
                walk(n)
            elif hasattr(n, "text"):
                out.append(n.text)

    walk(drawing)
    return out


# ------------------------------------------------------------------ 1. USER and ENTRY on one graph
def test_a_style_badges_marked_components_user_and_guessed_ones_entry():
    kit = TextKit()
    style = F.GraphStyle(user_facing=frozenset({"ui"}), entry_points=frozenset({"dns"}))
    assert [t for t, _c in F.badge_strip(kit, "ui", style, (), (), 200)] == ["USER"]
    assert [t for t, _c in F.badge_strip(kit, "dns", style, (), (), 200)] == ["ENTRY"]
    assert F.badge_strip(kit, "db", style, (), (), 200) == []
    assert style.facing_badges == ("USER", "ENTRY")
    assert F.GraphStyle(entry_points=frozenset({"dns"})).facing_badges == ("ENTRY",)  # all guessed
    assert F.GraphStyle(user_facing=frozenset({"ui"})).facing_badges == ("USER",)


def test_the_legend_keys_both_badges_within_its_width():
    kit = TextKit()
    d = F.legend_drawing(kit, 480, [("L1", "shares host h (host)")], ("USER", "ENTRY"))
    text = _strings(d)
    assert "user-facing (USER)" in text and "entry point, guessed (ENTRY)" in text
    one = F.legend_drawing(kit, 480, [("L1", "shares host h (host)")], ("USER",))
    assert "entry point, guessed (ENTRY)" not in _strings(one)
    assert d.height > one.height  # the second key on a row of its own: nothing runs off the page

    shapes = [n for n in d.contents[0].contents if hasattr(n, "x")]
    assert max(n.x + (kit.width(n.text, n.fontSize) if hasattr(n, "text") else getattr(n, "width", 0))
               for n in shapes) <= 480


@pytest.fixture(scope="module")
def structurizr():
    if not (REALDATA / "structurizr-examples").is_dir():
        pytest.skip("needs /work/shared/realdata/structurizr-examples")
    from prr_app.reporting.assessment import build_assessment
    from prr_app.review.importing import import_review

    review = import_review([REALDATA / "structurizr-examples"]).review
    return review, build_assessment(review, today=TODAY)


def test_the_pdf_graph_badges_the_marked_user_and_the_guessed_entry(structurizr, monkeypatch):
    from prr_app.reporting.pdf import render_pdf

    review, a = structurizr
    assert not a.entry_points_guessed and a.guessed_entry_points == ["dns-router"]
    legends, strips = [], {}
    real_legend, real_strip = F.legend_drawing, F.badge_strip

    def legend(kit, width, shared, badges=("USER",), unconfirmed=()):
        legends.append(tuple(badges))
        return real_legend(kit, width, shared, badges, unconfirmed)

    def strip(kit, cid, style, shared, hub_tags, room):
        out = real_strip(kit, cid, style, shared, hub_tags, room)
        strips.setdefault(cid, set()).update(t for t, _c in out)
        return out

    monkeypatch.setattr(F, "legend_drawing", legend)
    monkeypatch.setattr(F, "badge_strip", strip)
    render_pdf(review, assessment=a)
    assert legends and set(legends) == {("USER", "ENTRY")}
    assert "ENTRY" in strips["dns-router"] and "USER" not in strips["dns-router"]
    for cid in ("ui", "web-server"):
        assert "USER" in strips[cid] and "ENTRY" not in strips[cid]
    others = [c for c in review.components if c not in ("dns-router", "ui", "web-server")]
    assert not any({"USER", "ENTRY"} & strips.get(c, set()) for c in others)


def test_a_review_with_nothing_marked_badges_every_entry_point_entry(monkeypatch):
    from prr_app.reporting.assessment import build_assessment
    from prr_app.reporting.pdf import render_pdf

    r = Review()
    r.add(Component(id="lb", kind="load_balancer", replicas=2))
    r.add(Component(id="api", replicas=2))
    r.add(Dependency("lb", "api"))
    a = build_assessment(r, today=TODAY)
    assert a.entry_points_guessed
    styles = []
    real = F.GraphStyle

    def style(**kw):
        styles.append(real(**kw))
        return styles[-1]

    monkeypatch.setattr(F, "GraphStyle", style)
    render_pdf(r, assessment=a)
    assert styles[0].user_facing == frozenset() and styles[0].entry_points == frozenset({"lb"})
    assert styles[0].facing_badges == ("ENTRY",)


# ------------------------------------------------------------------ 2. codes in words, ids as they are
def test_the_changes_since_word_a_status_but_not_an_owner_or_a_fallback():
    from prr_app.reporting.changes import _fields

    text = _fields([{"field": "owner", "old": "team_a", "new": "team_b"},
                    {"field": "kind", "old": "service", "new": "load_balancer"},
                    {"field": "fallback", "old": None, "new": "serve_cached"}])
    assert text == "owner: team_a → team_b; kind: service → load balancer; fallback: none → serve_cached", text
    assert _fields([{"field": "status", "old": "not_met", "new": "in_progress"}]) == "status: not met → in progress"
    assert _fields([{"field": "observability.kind", "old": None, "new": "load_balancer"}]).endswith("load balancer")


def test_the_markdown_report_words_a_mitigation_status_as_before():
    from prr_app.reporting.markdown import _words

    assert _words("not_applicable") == "not applicable" and _words(None) == "" and _words("met") == "met"


# ------------------------------------------------------------------ 3. a re-import names fields in words
def _write(tmp_path: Path, mesh: str = MESH) -> list[Path]:
    (tmp_path / "apps.yaml").write_text(APPS, encoding="utf-8")
    (tmp_path / "mesh.yaml").write_text(mesh, encoding="utf-8")
    return [tmp_path / "apps.yaml", tmp_path / "mesh.yaml"]


def test_a_reimport_names_a_changed_field_in_words_as_prr_diff_does(tmp_path):
    review = import_paths(_write(tmp_path), "kubernetes").review
    assert review.dependencies["storefront->pricing"].timeout_ms == 1500
    res = import_paths(_write(tmp_path, MESH.replace("timeout: 1.5s", "timeout: 2.5s")), "kubernetes", into=review)
    lines = res.report.changes
    assert "dependency storefront->pricing: timeout ms 1500 -> 2500" in lines, lines
    assert not any("timeout_ms" in x for x in lines), lines
    assert is_change("dependency storefront->pricing: timeout ms 1500 -> 2500")


def test_a_hand_edit_a_reimport_keeps_is_named_in_words_and_still_counted_kept(tmp_path):
    review = import_paths(_write(tmp_path), "kubernetes").review
    review.dependencies["storefront->pricing"].timeout_ms = 500  # by hand
    res = import_paths(_write(tmp_path, MESH.replace("timeout: 1.5s", "timeout: 2.5s")), "kubernetes", into=review)
    line = "dependency storefront->pricing: timeout ms edited by hand (500) kept; the source now says 2500"
    assert line in res.report.changes, res.report.changes
    assert kept_by_hand(line) and not is_change(line)
    assert res.review.dependencies["storefront->pricing"].timeout_ms == 500
    assert res.report.summary().endswith("1 hand edit kept"), res.report.summary()


# ------------------------------------------------------------------ 4. no "(other)" on the graph
def _rds_review() -> Review:
    r = Review()
    r.add(FailureDomain(id="amazon-rds", name="Amazon RDS", kind="other"))
    r.add(FailureDomain(id="zone-a", kind="zone"))
    r.add(Component(id="web", placement=["zone-a"], user_facing=True))
    r.add(Component(id="db", placement=["amazon-rds"]))
    r.add(Dependency("web", "db"))
    return r


def test_the_report_graph_labels_a_domain_of_kind_other_without_other():
    r = _rds_review()
    lay = F.figure_layout(r, list(r.components))
    text = " ".join(_strings(F.graph_drawing(lay, TextKit(), F.GraphStyle(), 1.0)))
    assert "(other)" not in text, text
    assert "Amazon RDS (failure domain)" in text and "zone-a (zone)" in text, text
