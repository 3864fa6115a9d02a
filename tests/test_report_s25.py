"""Session 25 report fixes, each on the real input where it was found (docs/report.md).

1. every cause of the verdict printed whole in one place (the executive summary), and references
   name the right section; 2. a Hebrew id keeps the report's sentence left to right; 3. guessed
   entry points are never called user-facing; 4. a heading stays with its figure; 5. wording says
   what is true (partly met, proposals vs the model's answers, verdicts in words); 6. the Markdown
   has the components table; 7. a box name cut in a figure is in its caption in full; 8. emoji
   extract as themselves, narrow columns keep dates and "unanswered" whole, ESC in an owner shows.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from prr_app.interchange.json_io import read_review_json
from prr_app.reporting.markdown import render_markdown
from prr_app.reporting.pdf import Paragraph, render_pdf
from prr_app.reporting.styles import Styles
from prr_app.reporting.text import TextKit, starts_rtl

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "resources" / "examples"
REAL = Path("/work/shared/realdata")
PRR = ROOT / ".venv" / "bin" / "prr"

needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def _pages(pdf: bytes, tmp_path: Path, name: str = "r") -> list[str]:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return out.split("\f")


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _import(src: Path, tmp_path: Path, name: str):
    if not src.exists():
        pytest.skip(f"{src} not available")
    out = tmp_path / f"{name}.prr"
    subprocess.run([str(PRR), "import", str(src), "-o", str(out), "--force"], check=True, capture_output=True)
    from prr_app.review.document import load_review

    return load_review(out)


@pytest.fixture(scope="module")
def webshop():
    return read_review_json(EXAMPLES / "webshop.json")


# -- 1 ---------------------------------------------------------------------------------
@needs_pdftotext
def test_every_cause_is_printed_whole_in_the_executive_summary(webshop, tmp_path):
    from prr_app.reporting.assessment import build_assessment

    pages = _pages(render_pdf(webshop), tmp_path)
    summary = _flat(pages[1])
    assert "Executive summary" in summary
    for cause in build_assessment(webshop).causes():
        assert _flat(cause) in summary, cause  # e.g. "... have an owner but no mitigation ... and 13 more)."
    text = "\n".join(pages)
    assert "in full on the cover" not in text
    assert "executive summary and section 6" not in text  # the unanswered items are in 7.1, not 6
    assert "(continued in the executive summary)" in _flat(pages[0])


# -- 2 ---------------------------------------------------------------------------------
def test_a_hebrew_id_does_not_turn_the_reports_sentence_around():
    kit = TextKit()
    assert not starts_rtl("חזית-storefront (launch blocker)")
    assert not starts_rtl("חזית-storefront is a single point of failure (component failure)")
    assert starts_rtl("שלום עולם")  # a Hebrew name still reads right to left
    assert starts_rtl(kit.iso("שלום עולם"))
    p = Paragraph(kit.markup(kit.iso("חזית") + " (launch blocker) 3 of 5"), Styles().cell)
    p.wrap(400, 100)
    assert p.style.alignment == 0  # left aligned: the sentence is the report's
    line = " ".join(p.visual_lines().lines[0][1]) if p.blPara.kind == 0 else ""
    assert line == "תיזח (launch blocker) 3 of 5"  # the id isolated: "3" stays with "of 5"
    assert "\u2068" not in line and "\u2069" not in line


# -- 3 ---------------------------------------------------------------------------------
@needs_pdftotext
def test_guessed_entry_points_are_not_called_user_facing(tmp_path):
    review = _import(REAL / "opentelemetry-demo" / "kubernetes" / "opentelemetry-demo.yaml", tmp_path, "otel")
    text = "\n".join(_pages(render_pdf(review), tmp_path))
    flat = _flat(text)
    assert "User-facing: accounting" not in flat
    assert "user-facing down" not in flat
    assert "USER" not in text  # no USER badge on a guessed entry point
    # the Kafka consumers nothing calls read their work from the queue: no entry points (session 28)
    assert "guessed from the graph, judged as user-facing): frontend-proxy" in flat
    assert "journeys down: none; entry" in flat  # "entry points down: ..." in a narrow column
    assert "ENTRY" in text and "entry (guessed)" in text
    md = render_markdown(review)
    assert "| frontend-proxy | frontend-proxy | gateway | no owner | 1 | cluster | entry (guessed) |" in md
    assert "| accounting | accounting | service | no owner | 1 | cluster |  |" in md


# -- 4 ---------------------------------------------------------------------------------
@needs_pdftotext
@pytest.mark.parametrize("which", ["webshop", "petclinic"])
def test_heading_stays_with_its_figure(which, webshop, tmp_path):
    review = webshop if which == "webshop" else _import(REAL / "spring-petclinic-repo", tmp_path, "pc")
    pages = _pages(render_pdf(review), tmp_path)
    for heading, figure in (("1.3 Dependency graph", "Figure: Dependency graph"),
                            ("6 Risk prioritization", "Figure: risk heat map")):
        page = next(p for p in pages[3:] if re.search(rf"^\s*{re.escape(heading)}\s*$", p, re.M))
        assert figure in page, heading
    for p in pages[3:]:  # no numbered heading is the last thing on a page
        lines = [x.strip() for x in p.strip().splitlines() if x.strip()][:-1]  # less the footer
        if lines:
            assert not re.match(r"^\d+(\.\d+)? [A-Z][a-z]", lines[-1]) or "," in lines[-1], lines[-1]


# -- 5 ---------------------------------------------------------------------------------
@needs_pdftotext
def test_partly_met_items_are_said_as_partly_met(webshop, tmp_path):
    pages = _pages(render_pdf(webshop), tmp_path)
    cover = _flat(pages[0])
    # the note follows the count it is about (docs/report.md), not the unanswered ones after it
    assert "2 checklist items not met in full (the 2 not met are answered partly), 10 unanswered" in cover
    assert "2 blocker checklist items are not met in full (answered partly)" in _flat(pages[1])
    heading = "7.1 Open blocker items (not met or unanswered): answered partly counts as not met"
    assert heading in _flat("\n".join(pages))
    assert "### " + heading in render_markdown(webshop)


@needs_pdftotext
def test_plan_and_changes_print_the_verdict_in_words(webshop, tmp_path):
    out = tmp_path / "plan.pdf"
    md = tmp_path / "plan.md"
    subprocess.run([str(PRR), "report", str(EXAMPLES / "webshop.json"), "--plan", "shortest", "-o", str(out),
                    "--markdown", str(md)], check=True, capture_output=True)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "Current vs after the plan" in text
    for raw in ("not-ready", "ready-with-conditions"):
        assert raw not in text and raw not in md.read_text()


def test_proposals_say_what_the_category_table_counts(tmp_path):
    review = _import(REAL / "online-boutique" / "kubernetes-manifests.yaml", tmp_path, "ob")
    md = render_markdown(review)
    section = md[md.index("### 7.2"):]
    section = section[:section.index("\n## ")] if "\n## " in section else section
    # the model answers svc.instances-spread (counted); the proposal beside it is not
    assert "the category table counts the model's answer" in section
    assert "(counted meanwhile: not met, from the model)" in section


# -- 6 ---------------------------------------------------------------------------------
def test_markdown_has_the_components_table(webshop):
    md = render_markdown(webshop)
    table = md[md.index("### 1.1 Components"):md.index("### Critical paths")]
    assert "| Id | Name | Kind | Owner | Replicas | Placement | User facing |" in table
    assert "| catalog-db | Catalog DB (Postgres, 3 nodes) | datastore | catalog-team | 2 of 3 | euw1-a, euw1-b, euw1-c |  |" in table
    assert table.count("\n| ") == len(webshop.components) + 1


# -- 7 ---------------------------------------------------------------------------------
@needs_pdftotext
def test_a_box_name_cut_in_a_figure_is_in_its_caption(tmp_path):
    pages = _pages(render_pdf(read_review_json(EXAMPLES / "platform.json")), tmp_path)
    cut = [p for p in pages if "Tracking store…" in p]
    assert cut
    for p in cut:
        assert "Tracking store (Cassandra, 3 nodes)" in _flat(p)


# -- 8 ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def odd_text(tmp_path_factory):
    """The webshop with a rocket in its name, an ESC in an owner and a long id in an item question."""
    renames = {"cart-db": "cart-db." + "x" * 60 + ".very-long-identifier-without-spaces-" + "y" * 80,
               "payments-api": "支付网关服务-payments", "storefront": "חזית-storefront", "search-svc": "search:svc/v2+beta"}
    s = (EXAMPLES / "webshop.json").read_text()
    for old, new in renames.items():
        s = s.replace(f'"{old}"', json.dumps(new, ensure_ascii=False))
    d = json.loads(s)
    d["review"]["system_name"] = '<b>Acme</b> & Sons "Shop" <script>alert(1)</script> – Größe 日本語 🚀 שלום'
    for c in d["components"]:
        if c["id"] == "order-events":
            c["owner"] = "ops \x1b[31mred"
        if c["id"] == "edge-gateway":  # a long word in the item questions: the Item column wants 40 %
            c["name"] = "Edge gateway " + "Z" * 90
    tmp = tmp_path_factory.mktemp("odd")
    src = tmp / "e.json"
    src.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    return "\n".join(_pages(render_pdf(read_review_json(src)), tmp))


@needs_pdftotext
def test_emoji_extract_as_themselves(odd_text):
    assert "日本語 🚀" in odd_text  # not U+1F68 and a stray digit


@needs_pdftotext
def test_escape_in_an_owner_is_shown(odd_text):
    assert "\\x1b[31mred" in odd_text


@needs_pdftotext
def test_narrow_columns_keep_dates_and_words_whole(odd_text):
    checklist = odd_text[odd_text.rindex("7.1 Open blocker items"):]
    assert "2026-12-05" in checklist and "unanswered" in checklist
    assert not re.search(r"2026-12-0\s", checklist) and not re.search(r"unanswere\s", checklist)
