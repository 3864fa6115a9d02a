"""The same decision everywhere (issue 17): prr analyze --json, the CLI summary, PDF, Markdown and CSV
agree on verdict, ranking, owners and numbers; the cover names each cause; the executive summary is one
page; reports of any size do not crash."""
from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from prr_app.cli.main import main
from prr_app.model.entities import Component, Dependency, Review
from prr_app.interchange.json_io import read_review_json, write_json
from prr_app.reporting.assessment import VERDICT_TEXT, build_assessment
from prr_app.reporting.markdown import md as md_text
from prr_app.reporting.markdown import render_csv, render_markdown
from prr_app.reporting.pdf import render_pdf
from prr_app.wording import launch_blockers

EXAMPLES = Path(__file__).resolve().parent.parent / "resources" / "examples"


def _pages(pdf: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def _source(name: str, tmp_path: Path) -> Path:
    """A bundled example, or one of the reviews an independent check built (tests/decision_reviews.py):
    readiness-evidence risks whose components have owners (F1), a 5 x 5 risk accepted until before the
    launch with no effort estimate (F6)."""
    if name.endswith(".json"):
        return EXAMPLES / name
    import decision_reviews

    path = tmp_path / f"{name}.json"
    write_json(getattr(decision_reviews, name)(), path)
    return path


def _owner_text(r: dict) -> str:
    if not r["owner"]:
        return "no owner"
    return f"{r['owner']} ({r['owner_source']})" if r["owner_source"].startswith("owner of") else r["owner"]


@pytest.mark.parametrize("name", ["webshop.json", "platform.json", "evidence_review", "v3_review",
                                  "online_boutique_owned"])
def test_every_output_carries_the_same_decision(name, tmp_path, capsys):
    import decision_reviews

    if name == "online_boutique_owned" and not (decision_reviews.REALDATA / "online-boutique").is_dir():
        pytest.skip("shared/realdata is not beside the repository")
    src = _source(name, tmp_path)
    assert main(["analyze", str(src), "--json"]) == 0
    js = json.loads(capsys.readouterr().out)
    assert main(["analyze", str(src)]) in (0, 1)
    cli = capsys.readouterr().out
    review = read_review_json(src)
    a = build_assessment(review)
    assert a.verdict == js["verdict"]["verdict"]
    assert [r["id"] for r in a.ranked_risks()] == [r["id"] for r in js["risks"]]
    # CSV: same order, owners (and where they come from), scores, blocking flags, effort
    rows = list(csv.DictReader(io.StringIO(render_csv(review, assessment=a))))
    assert [r["id"] for r in rows] == [r["id"] for r in js["risks"]]
    for row, r in zip(rows, js["risks"]):
        assert row["owner"] == r["owner"] and int(row["score"]) == r["score"] and int(row["rank"]) == r["rank"]
        assert row["owner source"] == r["owner_source"]
        assert (row["launch blocking"] == "yes") == r["launch_blocking"]
        days = (r["effort"] or {}).get("days")
        assert row["effort days"] == ("" if days is None else str(days))
        if r["origin"] == "computed":  # every computed risk is estimated, and owned where its component is
            assert days is not None, r["id"]
            fix = review.components.get(r["fix_component"] or "")
            # (a fix that spans components of several owners is no one team's: its inputs say so)
            assert r["owner"] or not (fix and fix.owner) or any(
                i.startswith("no owner: the fix spans") for i in r["inputs"]), r["id"]
    # Markdown and PDF: the verdict and each cause
    md = render_markdown(review, assessment=a)
    pages = _pages(render_pdf(review, assessment=a))
    pdf = " ".join(pages)
    text = VERDICT_TEXT[js["verdict"]["verdict"]]
    assert f"**Verdict:** **{text}**" in md and f"Verdict: {text}" in pages[0]
    assert f"VERDICT: {js['verdict']['verdict'].upper()}" in cli
    for cause in js["verdict"]["causes"]:
        head = " ".join(cause.split()[:6])
        assert head in pages[0], head
        assert cause in cli
    # the numbers: risks by severity and launch blockers, in the CLI, the key figures and the cover
    s, sev = js["summary"], js["summary"]["by_severity"]
    counts = (f"{s['risks']}: {sev['critical']} critical, {sev['high']} high, {sev['medium']} medium, "
              f"{sev['low']} low")
    assert f"risks: {s['risks']} ({sev['critical']} critical, {sev['high']} high" in cli
    assert f"| Risks | {counts}" in md and counts in pdf
    n_block = len(js["verdict"]["launch_blockers"]) + js["verdict"]["checklist_blockers"] + \
        js["verdict"]["checklist_unanswered_blockers"]
    assert f"### Launch blockers ({n_block})" in md
    said = launch_blockers(js["verdict"])  # one wording of the count and its kinds, on every face
    assert said.startswith(f"{n_block} launch blocker{'s' if n_block != 1 else ''} open" if n_block
                           else "no launch blocker open")
    assert said in " ".join(pages[0].split()) and said in cli
    # the root causes to fix: ranks, owners and effort as in the register, in Markdown and in the PDF
    by_rank = {r["rank"]: r for r in js["risks"]}
    table = md[md.index("### Root causes to fix"):md.index("### Key figures")]
    for rank, owner, effort in re.findall(r"^\| (\d+) \| .*? \| .*? \| (.*?) \| (.*?) \| .*? \|$", table, re.M):
        r = by_rank[int(rank)]
        days = (r["effort"] or {}).get("days")
        assert owner.replace("\\", "") == _owner_text(r)
        assert effort == (f"{days} d" if days is not None else "not estimated")
    # the top risks lead with the launch blockers, none of them hidden by an acceptance that ends before launch
    blockers = [r["title"] for r in js["risks"] if r["launch_blocking"]]
    top = re.findall(r"^1\. \*\*(.*?)\*\*", md[md.index("### Top risks"):], re.M)
    assert top[:len(blockers)] == [md_text(t) for t in blockers[:5]]
    # the time to ready: the same words in both, never "0 working days" for unestimated blockers
    said = re.search(r"Estimated time to ready, with the teams working in parallel, each through its blockers: "
                     r"(.*?)\.\n", md)
    if said:
        assert said.group(1) in pdf
        teams, days = a.team_plan()
        if any(t["blocker_unestimated"] for t in teams):
            assert said.group(1).startswith(("at least", "not estimated"))
    # the number of single points of failure: one per element (a component also failing on one
    # instance once), in the document, the PDF's key figures and the CLI's heading
    elements = {sp["component"] if sp["element_type"] == "instance" else sp["element"] for sp in js["spofs"]}
    assert js["summary"]["spof_elements"] == len(elements)
    assert f"Single points of failure {len(elements)} root cause" in " ".join(pages)
    assert main(["analyze", str(src)]) == 0
    assert f"SINGLE POINTS OF FAILURE ({len(elements)}" in capsys.readouterr().out
    # the CLI summary line
    out = tmp_path / "r.md"
    assert main(["report", str(src), "--markdown", str(out)]) == 0
    assert f"verdict: {text.lower()}" in capsys.readouterr().out


def _exec_summary_pages(pages: list[str]) -> list[int]:
    start = next(i for i, p in enumerate(pages) if p.startswith("Executive summary") or " Executive summary " in p[:200])
    end = next(i for i, p in enumerate(pages) if i > start and "Contents" in p[:300])
    return list(range(start, end))


def _wide_review(n_uf: int, n: int) -> Review:
    r = Review()
    r.meta.system_name = f"wide {n_uf}/{n}"
    for i in range(n):
        r.add(Component(id=f"svc-{i:04d}", user_facing=i < n_uf, owner=f"team-{i % 7}"))
    for i in range(n_uf, n):
        r.add(Dependency(f"svc-{(i * 7) % n_uf:04d}", f"svc-{i:04d}"))
    return r


@pytest.mark.parametrize("n_uf,n", [(100, 300)])
def test_many_user_facing_components_report_without_crash_on_one_summary_page(n_uf, n):
    review = _wide_review(n_uf, n)
    a = build_assessment(review)
    pages = _pages(render_pdf(review, assessment=a))
    assert a.verdict == "not-ready"
    assert _exec_summary_pages(pages) == [1]  # the cover is page 0; the summary one page
    assert "the same way" in pages[1]  # the rest of the root causes are referred to section 6


def test_imported_compose_with_40_published_services_reports(tmp_path):
    lines = ["services:"]
    for i in range(40):
        lines += [f"  web{i}:", "    image: nginx", "    ports:", f"      - \"{8000 + i}:80\""]
        if i:
            lines += ["    environment:", f"      UP: http://web{i - 1}:80"]
    compose = tmp_path / "compose.yaml"
    compose.write_text("\n".join(lines) + "\n")
    prr = tmp_path / "x.prr"
    assert main(["import", str(compose), "-o", str(prr)]) == 0
    assert main(["report", str(prr), "-o", str(tmp_path / "x.pdf"), "--markdown", str(tmp_path / "x.md")]) == 0
    assert (tmp_path / "x.pdf").stat().st_size > 0 and (tmp_path / "x.md").stat().st_size > 0


def test_no_figures_is_not_one_hundred_percent(tmp_path):
    review = _wide_review(2, 4)
    a = build_assessment(review)
    md = render_markdown(review, assessment=a)
    assert "no figures" in md and "100.0000 %" not in md
    text = " ".join(_pages(render_pdf(review, assessment=a)))
    assert "no figures" in text and "100.0000 %" not in text


def test_every_font_is_embedded():
    review = read_review_json(EXAMPLES / "webshop.json")
    reader = PdfReader(io.BytesIO(render_pdf(review)))
    fonts = set()
    for page in reader.pages:
        res = page.get("/Resources") or {}
        for f in (res.get("/Font") or {}).values():
            f = f.get_object()
            fonts.add((str(f.get("/BaseFont")), "/FontDescriptor" in f or "/DescendantFonts" in f))
    assert fonts and all(embedded for _name, embedded in fonts), fonts
    assert not any("Helvetica" in name for name, _ in fonts)


def test_scripts_print_as_glyphs_and_rtl_in_visual_order():
    from hypothesis import given, settings, strategies as st

    from prr_app.reporting.text import TextKit, shape_arabic, visual_order

    kit = TextKit()
    for text in ("ร้านค้า", "भुगतान सेवा", "🛒🚀", "商店", "שירות", "خدمة"):
        runs = kit.runs(text)
        assert "[U+" not in "".join(r for _f, r in runs), text
    assert not kit.missing
    # Hebrew and Arabic in visual order by the bidi algorithm: numbers and Latin inside keep their
    # direction, brackets around right-to-left text are mirrored, a line starting right-to-left
    # reads right to left
    assert visual_order("Hebrew: שירות תשלום; ok") == "Hebrew: םולשת תוריש; ok"
    assert visual_order("קוד 404: לא נמצא") == "אצמנ אל :404 דוק"
    assert visual_order("שלום (abc) def") == "def (abc) םולש"
    assert visual_order("abc (שלום) def") == "abc (םולש) def"
    assert visual_order("a\nשלום b") == "a\nb םולש"
    # Arabic: contextual forms (initial, medial, final) and the lam-alef ligature, then visual order
    assert shape_arabic("متجر") == "\ufee3\ufe98\ufea0\ufeae"
    assert visual_order("متجر") == "\ufeae\ufea0\ufe98\ufee3"
    assert shape_arabic("لا") == "\ufefb"
    assert shape_arabic("لم") == "\ufedf\ufee2"  # lam-meem: two letters (the font has no such ligature)

    from bidi import get_display

    brackets = str.maketrans("()[]<>", "||||||")

    @settings(max_examples=150, deadline=None)
    @given(st.text(alphabet="abc 12.-;:()[]<>שלוםخدمة", max_size=30))
    def as_the_bidi_algorithm(s):
        # the oracle: python-bidi's display order (which leaves brackets unmirrored)
        assert visual_order(s).translate(brackets) == get_display(shape_arabic(s)).translate(brackets)

    as_the_bidi_algorithm()


def test_devanagari_and_thai_are_shaped_right_to_left_text_is_not_shaped_again():
    """Devanagari's vowel sign i is written before its consonant: only harfbuzz shaping puts it there."""
    from prr_app.reporting.pdf import Paragraph
    from prr_app.reporting.styles import Styles
    from prr_app.reporting.text import TextKit

    kit, st = TextKit(), Styles()

    def first_line_text(text):
        p = Paragraph(kit.markup(text), st.cell)
        p.wrap(300, 100)
        line = p.visual_lines().lines[0]  # as drawn
        words = getattr(line, "words", None)
        return "".join(w.text for w in words) if words is not None else " ".join(line[1])

    shaped = first_line_text("कि")
    assert shaped != "कि" and shaped.endswith("क")  # the sign's glyph first, then the consonant
    # put into visual order by the paragraph, line by line (not reordered a second time by harfbuzz)
    assert first_line_text("שלום") == "םולש"
    assert first_line_text("plain text") == "plain text"


def test_what_a_root_cause_takes_down_is_counted_in_full_on_every_face(tmp_path, capsys):
    # the analysis lists the first few user-facing components a failure takes down, with the
    # true count: every face says how many more, from that count, never from the cut list
    r = Review()
    r.meta.tier = 1
    r.add(Component(id="db"))
    for i in range(40):
        r.add(Component(id=f"web-{i:02}", user_facing=True))
        r.add(Dependency(f"web-{i:02}", "db"))
    src = tmp_path / "r.json"
    write_json(r, src)
    assert main(["analyze", str(src)]) in (0, 1)
    cli = capsys.readouterr().out
    line = next(x for x in cli.splitlines() if "component db (launch blocker):" in x)
    shown = line.split("takes down ", 1)[1].split(" (+")[0].split(", ")
    assert int(line.split("(+", 1)[1].split(")")[0]) == 40 - len(shown)
    a = build_assessment(r)
    db = next(x for x in a.blockers if x["id"].startswith("spof:") and "db" in x["title"])
    assert a.takes_down(db) == "web-00, web-01, web-02 and 37 more"
    assert db["blocking_reason"].endswith("web-00, web-01, web-02 and 37 more")
    assert "web-00, web-01, web-02 and 37 more" in " ".join(" ".join(_pages(render_pdf(r, assessment=a))[:3]).split())
