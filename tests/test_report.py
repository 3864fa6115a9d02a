"""The Reliability Risk Assessment: PDF, Markdown, CSV, prr report, prr gate."""
from __future__ import annotations

import csv
import io
import re
import socket
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pypdf import PdfReader

from prr_app.cli.main import main
from prr_app.model.entities import (
    Acceptance,
    ChecklistAnswer,
    Component,
    Dependency,
    Journey,
    Mitigation,
    Review,
    ReviewMeta,
    Risk,
)
from prr_app.reporting.assessment import SECTION_TITLES, build_assessment
from prr_app.reporting.markdown import render_csv, render_markdown
from prr_app.reporting.pdf import render_pdf

EXAMPLES = Path(__file__).resolve().parent.parent / "resources" / "examples"

HOSTILE = [
    "<b>not bold</b>",
    "S&P 500 & 0.1 < 0.9",
    '<a href="javascript:alert(1)">click</a>',
    '<img src="http://example.invalid/pixel.png">',
]


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(p.extract_text() for p in reader.pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def webshop_pdf():
    from prr_app.interchange.json_io import read_review_json

    review = read_review_json(EXAMPLES / "webshop.json")
    return review, build_assessment(review), render_pdf(review)


def test_sections_in_order_verdict_blockers_and_risks(webshop_pdf):
    review, a, pdf = webshop_pdf
    text = _flat(_text(pdf))
    positions = []
    for i, title in enumerate(SECTION_TITLES, start=1):
        # the contents page lists them too: take the heading occurrence (the last one)
        pos = text.rfind(f"{i} {title}")
        assert pos >= 0, title
        positions.append(pos)
    assert positions == sorted(positions)
    assert "Verdict: Not ready" in text
    for r in a.blockers:
        assert _flat(r["title"]) in text
    for r in a.risks:
        assert _flat(r["title"]) in text, r["title"]
    assert "Checklist results" in text and "Appendix: scoring method" in text


def test_bookmarks_and_page_x_of_y(webshop_pdf):
    _, _, pdf = webshop_pdf
    reader = PdfReader(io.BytesIO(pdf))
    titles = []

    def walk(items):
        for it in items:
            if isinstance(it, list):
                walk(it)
            else:
                titles.append(it.title)

    walk(reader.outline)
    for i, title in enumerate(SECTION_TITLES, start=1):
        assert f"{i} {title}" in titles
    n = len(reader.pages)
    assert f"page {n} of {n}" in reader.pages[-1].extract_text()
    assert "page 1 of" in reader.pages[0].extract_text()
    # running header with system and date on body pages
    assert "Acme Web Shop" in reader.pages[2].extract_text() and "2026-11-20" in reader.pages[2].extract_text()
    assert [round(float(x)) for x in reader.pages[0].mediabox[2:]] == [595, 842]


def test_byte_identical_builds(webshop):
    assert render_pdf(webshop) == render_pdf(webshop)


def _hostile_review(webshop):
    c = webshop.components["cart-db"]
    c.name = HOSTILE[0] + " Корзина Καλάθι 購物車服務 カート 장바구니"
    c.notes = HOSTILE[2]
    webshop.components["notifier"].name = HOSTILE[3]
    webshop.meta.system_name = HOSTILE[1]
    webshop.meta.description = "x" * 400 + " " + HOSTILE[2] + " " + HOSTILE[3]
    webshop.meta.reviewers = ["Zoë Ünal", "Анна Петрова", "李小龍", "test tube 🧪"]
    webshop.add(Risk(id="manual-hostile", title=HOSTILE[2] + " " + HOSTILE[3], description=HOSTILE[0],
                     likelihood=2, impact=2, owner=HOSTILE[1]))
    return webshop


def test_hostile_strings_print_literally_and_nothing_is_fetched(webshop, monkeypatch):
    review = _hostile_review(webshop)

    def no_network(*a, **k):
        raise AssertionError("network access while rendering")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    warnings: list[str] = []
    pdf = render_pdf(review, warnings=warnings)
    text = _flat(_text(pdf))
    for s in HOSTILE:
        assert _flat(s) in text, s
    for s in ("Корзина", "Καλάθι", "購物車服務", "カート", "장바구니", "Анна Петрова", "李小龍", "Zoë Ünal"):
        assert s in text, s
    # no link annotation was created from user text
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            assert "javascript" not in str(annot.get_object()).lower()
    # a character the fonts lack is reported, not printed as a box
    assert any("U+1F9EA" in w for w in warnings)
    assert "[U+1F9EA]" in text


def test_embedded_fonts_include_cjk(webshop):
    review = _hostile_review(webshop)
    reader = PdfReader(io.BytesIO(render_pdf(review)))
    fonts = set()
    for page in reader.pages:
        res = page["/Resources"].get("/Font") or {}
        for f in res.values():
            fonts.add(str(f.get_object()["/BaseFont"]))
    assert any("DroidSansFallback" in f for f in fonts)
    assert any("DejaVuSans" in f for f in fonts)
    # reportlab lists Helvetica in every page's resources; no text may use it (boxes for non-Latin text)
    for page in reader.pages:
        res = page["/Resources"].get("/Font") or {}
        helv = [k for k, f in res.items() if "Helvetica" in str(f.get_object()["/BaseFont"])]
        data = page.get_contents().get_data()
        for k in helv:  # no text block sets it and then shows text
            assert not re.search(rb"BT[^E]*" + re.escape(k.encode()) + rb" [\d.]+ Tf[^E]*(Tj|TJ)", data)


def test_letter_paper(webshop):
    reader = PdfReader(io.BytesIO(render_pdf(webshop, paper="letter")))
    assert [round(float(x)) for x in reader.pages[0].mediabox[2:]] == [612, 792]


def test_large_graph_is_split_and_figures_fit(platform_review):
    from prr_app.reporting import figures as F
    from prr_app.reporting.pdf import AssessmentDocTemplate, PAPERS

    a = build_assessment(platform_review)
    doc = AssessmentDocTemplate(io.BytesIO(), pagesize=PAPERS["a4"], title="t", author="a", subject="s")
    max_h = doc.frame_h - 80
    hubs = {c: f"H{i + 1}" for i, c in enumerate(F.hub_components(platform_review))}
    plans = F.plan_graph_figures(platform_review, doc.frame_w, max_h, a.journey_needs, hubs)
    assert len(plans) > 2
    assert plans[0].summary  # a summary by tier comes first
    covered = set()
    for p in plans:
        assert p.scale >= F.MIN_SCALE - 1e-9, p.title
        assert p.layout.width * p.scale <= doc.frame_w + 0.01 and p.layout.height * p.scale <= max_h + 0.01
        if not p.summary:
            covered |= set(p.layout.nodes)
    assert covered | set(F.unplaced(platform_review, plans)) == set(platform_review.components)
    assert set(F.unplaced(platform_review, plans)) <= set(F.isolated_components(platform_review)) | set(hubs)
    pdf = render_pdf(platform_review, assessment=a)
    reader = PdfReader(io.BytesIO(pdf))
    captions = [(i, t) for i, p in enumerate(reader.pages) for t in [_flat(p.extract_text())]
                if "Figure: Journey" in t or "Figure: Dependency graph: summary" in t]
    assert captions
    text = _flat("\n".join(p.extract_text() for p in reader.pages))
    for jid, j in platform_review.journeys.items():
        assert f"Figure: Journey {j.name}" in text


def test_markdown_escapes_and_has_sections(webshop):
    review = _hostile_review(webshop)
    text = render_markdown(review)
    for i, title in enumerate(SECTION_TITLES, start=1):
        assert f"## {i}. {title}" in text
    assert not re.search(r"(?<!\\)<", text)  # every "<" from user text is escaped
    assert r"\<b\>not bold\</b\>" in text


def test_csv_risk_register(webshop):
    webshop.add(Risk(id="formula", title="=HYPERLINK(\"http://x\")", likelihood=1, impact=1))
    rows = list(csv.DictReader(io.StringIO(render_csv(webshop))))
    a = build_assessment(webshop)
    assert len(rows) == len(a.risks)
    assert {"title", "description", "severity", "score", "owner", "due date", "status"} <= set(rows[0])
    by_title = {r["title"]: r for r in rows}
    assert "'=HYPERLINK(\"http://x\")" in by_title
    assert int(rows[0]["score"]) >= int(rows[-1]["score"]) or rows[0]["launch blocking"] == "yes"


def test_platform_csv_has_mitigation_owner_and_due(platform_review):
    rows = list(csv.DictReader(io.StringIO(render_csv(platform_review))))
    r = next(r for r in rows if r["id"] == "us-region-readiness")
    assert r["owner"] == "booking-team" and r["due date"] == "2027-01-10"



def test_csv_names_a_manual_risks_mitigation_once(webshop):
    """A manual risk's recommendation is its linked mitigation's title: the CSV wrote it twice."""
    from prr_app.model.entities import Mitigation

    webshop.add(Risk(id="vendor", origin="manual", title="No service credits from the PSP", likelihood=3, impact=3))
    webshop.add(Mitigation(id="second-psp", title="Evaluate a second payment provider", owner="Priya",
                           due="2027-02-28", risks=["vendor"]))
    row = next(r for r in csv.DictReader(io.StringIO(render_csv(webshop))) if r["id"] == "vendor")
    assert row["mitigation"] == "Evaluate a second payment provider"


# -- CLI ---------------------------------------------------------------------


def test_prr_report_writes_all_three(tmp_path, examples_dir, capsys):
    src = examples_dir / "webshop.json"
    before = src.read_bytes()
    out = tmp_path / "a.pdf"
    rc = main(["report", str(src), "-o", str(out), "--paper", "letter", "--markdown", str(tmp_path / "a.md"),
               "--csv", str(tmp_path / "a.csv")])
    assert rc == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert (tmp_path / "a.md").read_text(encoding="utf-8").startswith("# Reliability Risk Assessment")
    assert (tmp_path / "a.csv").read_bytes().startswith(b"\xef\xbb\xbftitle,")
    assert src.read_bytes() == before
    assert "verdict: not ready" in capsys.readouterr().out


def test_prr_export_formats(tmp_path, examples_dir):
    for fmt, suffix in (("pdf", ".pdf"), ("markdown", ".md"), ("csv", ".csv")):
        out = tmp_path / f"x{suffix}"
        assert main(["export", str(examples_dir / "webshop.json"), "--format", fmt, "-o", str(out)]) == 0
        assert out.stat().st_size > 0


def test_prr_report_bad_input(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["report", str(bad), "-o", str(tmp_path / "x.pdf")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "bad.json" in err
    assert main(["report", str(tmp_path / "missing.json"), "-o", str(tmp_path / "x.pdf")]) == 2
    assert not (tmp_path / "x.pdf").exists()


def _ready_review() -> Review:
    r = Review(meta=ReviewMeta(system_name="Tiny", review_date="2026-01-05"))
    r.add(Component("web", user_facing=True, replicas=2, availability=99.99, slo=99.9))
    r.add(Journey("home", name="Home page", entry=["web"], slo=99.9))
    a = build_assessment(r)
    for risk in a.risks:
        if risk["launch_blocking"]:
            r.add(Risk(id=risk["id"], origin="computed",
                       acceptance=Acceptance(by="Lead", at="2026-01-04", reason="accepted for the beta")))
    for it in a.unanswered_blockers():  # an unanswered blocker item counts as not met
        r.add(ChecklistAnswer(item=it.key, status="met", evidence="https://wiki.example/prr/tiny"))
    return r


def test_prr_gate_exit_codes_and_junit(tmp_path, examples_dir, capsys):
    from prr_app.interchange.json_io import write_json

    junit = tmp_path / "gate.xml"
    rc = main(["gate", str(examples_dir / "webshop.json"), "--junit", str(junit)])
    out = capsys.readouterr().out
    assert rc == 1
    from prr_app.interchange.json_io import read_review_json

    a = build_assessment(read_review_json(examples_dir / "webshop.json"))
    for r in a.blockers:
        assert f"BLOCKER {r['id']}: " in out
    assert out.strip().splitlines()[-1].startswith("FAIL")
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites"
    suite = root.find("testsuite")
    cases = suite.findall("testcase")
    assert int(suite.get("tests")) == len(cases)
    assert int(suite.get("failures")) == sum(1 for c in cases if c.find("failure") is not None) > 0
    for c in cases:
        assert c.get("name") and c.get("classname")

    ready = tmp_path / "ready.json"
    write_json(_ready_review(), ready)
    assert main(["gate", str(ready)]) == 0
    # the summary line last: the verdict's assumptions come before it (session 30)
    assert capsys.readouterr().out.splitlines()[-1].startswith("PASS")
    assert main(["gate", str(ready), "--min-availability", "99.999"]) == 1
    assert "AVAILABILITY home" in capsys.readouterr().out
    assert main(["gate", str(ready), "--min-availability", "120"]) == 2
    assert main(["gate", str(tmp_path / "nope.prr")]) == 2


def test_gate_fail_on_high(tmp_path, capsys):
    from prr_app.interchange.json_io import write_json

    r = _ready_review()
    # owned and planned: ready with conditions, which the default gate passes
    r.add(Risk(id="big", title="A big open risk", likelihood=4, impact=4, owner="web-team"))
    r.add(Mitigation(id="m-big", title="Fix it", owner="web-team", due="2026-02-01", risks=["big"]))
    path = tmp_path / "r.json"
    write_json(r, path)
    # judged as of the review's date (the gate's default is the real date, by which the due date has passed)
    assert main(["gate", str(path), "--today", "2026-01-05"]) == 0
    assert "verdict ready with conditions" in capsys.readouterr().out
    assert main(["gate", str(path), "--fail-on", "high", "--today", "2026-01-05"]) == 1
    assert "HIGH big: A big open risk" in capsys.readouterr().out


def test_prr_report_subprocess(tmp_path, examples_dir):
    out = tmp_path / "p.pdf"
    proc = subprocess.run([sys.executable, "-m", "prr_app.cli.main", "report", str(examples_dir / "platform.json"),
                           "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert len(PdfReader(str(out)).pages) > 10


def test_progress_callback_and_export_registry(webshop, tmp_path):
    from prr_app.review import exports

    seen = []
    out = tmp_path / "x.pdf"
    exports.export(webshop, "pdf", out, paper="a4", progress=lambda kind, value: seen.append(kind))
    assert "STARTED" in seen and "FINISHED" in seen and "PAGE" in seen
    assert {"pdf", "markdown", "csv"} <= set(exports.formats())
    assert exports.formats()["pdf"].suffix == ".pdf"


# ------------------------------------------------------------------ speed-ups give the same document
def test_remembered_line_breaking_gives_the_same_pdf(platform_review, monkeypatch):
    """Our Paragraph breaks lines once per width; plain reportlab breaks them on every wrap."""
    import prr_app.reporting.pdf as P

    fast = render_pdf(platform_review)
    monkeypatch.setattr(P.Paragraph, "wrap", P._RLParagraph.wrap)
    assert render_pdf(platform_review) == fast


def test_remembered_widths_are_reportlab_widths():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    from prr_app.paths import resource_path
    from prr_app.reporting import text as T

    T.register_fonts()
    plain = TTFont("plain-check", str(resource_path("fonts", "DejaVuSans.ttf")))
    for s in ["", "payments-api", "Ωμέγα → Ж", "日本語", "x" * 500, "payments-api"]:
        for size in (6, 7.5, 9.5):
            assert pdfmetrics.stringWidth(s, T.SANS, size) == plain.stringWidth(s, size)


def _runs_by_the_loop(kit, text, bold):
    """TextKit.runs without its shortcut for plain text."""
    saved = kit._plain, kit._plain_bold
    kit._plain = kit._plain_bold = frozenset()
    try:
        return kit.runs(text, bold=bold)
    finally:
        kit._plain, kit._plain_bold = saved


@pytest.mark.parametrize("bold", [False, True])
def test_runs_shortcut_matches_the_per_character_split(bold):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from prr_app.reporting.text import TextKit

    alphabet = st.one_of(
        st.characters(max_codepoint=0x24F),
        st.sampled_from(["\x00", "\x1b", "\x85", "\u05d0", "\u0627", "\u200b", "\ufe0f", "\u4e2d", "\u2192",
                         "\U0001F600", "\U000E0001", "\u00a0", "\n", "\t"]),
    )

    @settings(max_examples=400, deadline=None)
    @given(st.text(alphabet=alphabet, max_size=20))
    def check(text):
        fast, slow = TextKit(), TextKit()
        assert fast.runs(text, bold=bold) == _runs_by_the_loop(slow, text, bold)
        assert (fast.missing, fast.rtl) == (slow.missing, slow.rtl)

    check()


def test_plain_cells_break_lines_as_a_paragraph_would():
    """Table cells in the base font are wrapped by figures.fit_lines and drawn as plain lines: the
    lines must be those reportlab's Paragraph would have made (the oracle), long tokens included."""
    from hypothesis import given, settings, strategies as st
    from reportlab.platypus import Paragraph as RLParagraph

    from prr_app.reporting import figures as F
    from prr_app.reporting.styles import Styles
    from prr_app.reporting.text import TextKit

    kit, sty = TextKit(), Styles()
    vocabulary = ["a", "owner", "of", "webhook-dispatcher)", "x" * 40, "https://wiki.example/a/very/long/path",
                  "2026-12-05", "(no", "alerts);", "W", "mm", "i", "—", "99.95 %"]

    @settings(max_examples=200, deadline=None)
    @given(st.lists(st.sampled_from(vocabulary), min_size=1, max_size=30), st.floats(20, 220), st.booleans())
    def same_lines(words, width, bold):
        text = " ".join(words)
        style = sty.cell_head if bold else sty.cell
        p = RLParagraph(kit.markup(text), style)
        p.wrap(width, 10 ** 6)
        want = [" ".join(line[1]).strip() for line in p.blPara.lines]
        assert F.fit_lines(kit, text, 7.5, width, None, bold=bold, space_shrink=style.spaceShrinkage) == want

    same_lines()


def test_plain_paragraphs_break_into_reportlabs_lines():
    """pdf.Paragraph breaks a paragraph of one plain run (bullets, sentences) itself, without
    reportlab's per-word checks: the lines, their unused widths and the widest line must be
    reportlab's own, to the last bit (the oracle), bullets, spaces, no-break spaces, words too
    long for a line and soft hyphens (those two left to reportlab) included."""
    from hypothesis import given, settings, strategies as st
    from reportlab.platypus import Paragraph as RLParagraph

    from prr_app.reporting.pdf import Paragraph
    from prr_app.reporting.styles import Styles
    from prr_app.reporting.text import TextKit

    kit, sty = TextKit(), Styles()
    vocabulary = ["a", "owner", "of", "c00042", "→", "waits", "x" * 60, "https://wiki.example/a/very/long/path",
                  "2026-12-05", "(no", "alerts);", "W", "mm", "i", "—", "99.95\xa0%", "re\xadtry", "  ", "\n",
                  "c00001 -> c00051", "R&D", "<b>not", "bold</b>", "->"]

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.sampled_from(vocabulary), max_size=40), st.floats(40, 480),
           st.sampled_from(["body", "bullet", "small", "bullet_small", "cell", "caption", "h2"]), st.booleans(),
           st.none() | st.tuples(st.integers(1, 12), st.floats(-2, 2)))
    def same_lines(words, width, style_name, bullet, near):
        markup = kit.markup(" ".join(words))
        style = getattr(sty, style_name)
        if near and words:  # a width at which the first line fits only by shrinking its spaces, or just not
            k, f = near
            head = " ".join(" ".join(words).split()[:k])
            space = kit.width(" ", style.fontSize)
            width = max(40.0, kit.width(head, style.fontSize) + f * style.spaceShrinkage * space * k
                        + (style.leftIndent if style_name.startswith("bullet") else 0))
        kw = {"bulletText": "•"} if bullet else {}
        mine, theirs = Paragraph(markup, style, **kw), RLParagraph(markup, style, **kw)
        assert mine.wrap(width, 10 ** 6) == theirs.wrap(width, 10 ** 6)
        a, b = mine.blPara, theirs.blPara
        if b.kind == 0:
            assert a.kind == 0 and a.lines == b.lines
            assert (a.ascent, a.descent, a.fontSize) == (b.ascent, b.descent, b.fontSize)
            assert mine._width_max == theirs._width_max
        elif len({repr(sorted((k, v) for k, v in f.__dict__.items() if k != "text"))
                  for f in RLParagraph(markup, style).frags}) == 1:
            # reportlab made a fragment per entity ("-&gt;") of one style: ours is that text as one
            # run, broken as reportlab breaks one run (the oracle: reportlab given the run whole)
            import copy

            whole = RLParagraph(markup, style, **kw)
            run = copy.copy(whole.frags[0])
            run.text = "".join(f.text for f in whole.frags)
            whole.frags = [run]
            assert mine.wrap(width, 10 ** 6) == whole.wrap(width, 10 ** 6)
            assert a.kind == whole.blPara.kind == 0 and a.lines == whole.blPara.lines
        assert mine._wrapWidths == theirs._wrapWidths

    same_lines()


def test_entry_points_without_availability_figures_are_named_in_a_sentence_not_drawn_as_empty_bars():
    """An import states no availability: the figure would be one "no figures" row per user-facing
    component (two pages for forty); the report names them in one sentence instead, and draws the
    ones that have figures."""
    r = Review(meta=ReviewMeta(system_name="Imported"))
    for i in range(30):
        r.add(Component(id=f"svc-{i}", user_facing=True))
    r.add(Component(id="db"))
    for i in range(30):
        r.add(Dependency(f"svc-{i}", "db"))
    text = _flat(_text(render_pdf(r)))
    assert "No composite availability for 30 journeys and user-facing components (svc-0, svc-1," in text
    assert "and 18 more): no availability is stated for anything they need" in text
    assert "Figure: composite availability" not in text
    # with figures for some, those are drawn and the rest named
    r.components["db"].availability = 99.95
    r.components["svc-0"].availability = 99.9
    r.add(Component(id="solo", user_facing=True))
    text = _flat(_text(render_pdf(r)))
    assert "Figure: composite availability" in text
    assert "No composite availability for 1 journey or user-facing component (solo)" in text


def test_a_graph_in_several_parts_has_one_legend_before_them():
    r = Review(meta=ReviewMeta(system_name="Wide"))
    r.add(Component(id="edge", user_facing=True))
    for i in range(45):
        r.add(Component(id=f"svc-{i}"))
        r.add(Dependency("edge" if i % 9 == 0 else f"svc-{i - 1}", f"svc-{i}"))
    text = _flat(_text(render_pdf(r)))
    parts = text.count("its legend is before the first part.")
    assert parts > 1, "the graph should need several parts"
    assert text.count("Legend of the parts that follow:") == 1
    assert text.count("soft (degrades)") == 1  # a key of the legend, drawn once
