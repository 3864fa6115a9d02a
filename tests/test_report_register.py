"""The risk register says each thing once: a risk that also resolves others lists them once,
not again among the inputs behind its numbers (PDF and Markdown)."""
from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader

from prr_app.interchange.json_io import read_review_json
from prr_app.reporting.assessment import build_assessment
from prr_app.reporting.markdown import render_markdown
from prr_app.reporting.pdf import render_pdf

WEBSHOP = Path(__file__).resolve().parent.parent / "resources" / "examples" / "webshop.json"


def test_what_a_risk_also_resolves_is_listed_once():
    review = read_review_json(WEBSHOP)
    # checkout's SLO lowered to what cart-db's fix alone would reach (99.47 % + 0.10): folded into its SPOF
    review.journeys["checkout"].slo = 99.5
    a = build_assessment(review)
    folded = [r for r in a.ranked_risks() if r.get("causes")]
    assert any(c["id"] == "slo:journey:checkout" for r in folded for c in r["causes"]), \
        "an SLO that one fix makes attainable is folded into that fix's SPOF"
    md = render_markdown(review, assessment=a)
    text = " ".join(" ".join((p.extract_text() or "").split())
                    for p in PdfReader(io.BytesIO(render_pdf(review, assessment=a))).pages)
    for r in folded:
        for c in r["causes"]:
            assert md.count(f"({c['id']})") == 1, c["id"]
            assert text.count(f"also resolves: {c['title']}") == 1, c["title"]
