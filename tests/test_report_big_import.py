"""The PDF of a big import stays a document a lead can read: what many elements share is said once
with their names (the PDF alone stays complete), not a row or bullet each repeating the same words.

A 2,000-component import-like review went from 944 pages to 511 (docs/report.md)."""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from prr_app.model.entities import Component, Dependency, Review
from prr_app.reporting import pdf as pdf_module
from prr_app.reporting.pdf import render_pdf


def imported_like() -> Review:
    """What an import of edges gives: nothing marked user-facing, nothing replicated, no timeouts,
    no signals stated. 30 entry points on one long chain, and 25 components nothing was seen to use."""
    r = Review()
    r.meta.system_name = "imported"
    chain = [f"c{i:03d}" for i in range(150)]
    entries = [f"e{i:02d}" for i in range(30)]
    alone = [f"z{i:02d}" for i in range(25)]
    for cid in chain + entries + alone:
        r.add(Component(id=cid))
    for a, b in zip(chain[1:], chain):
        r.add(Dependency(a, b))
    for e in entries:
        r.add(Dependency(e, chain[-1]))
    return r


def text_of(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split()), len(reader.pages)


@pytest.fixture(scope="module")
def big():
    return text_of(render_pdf(imported_like()))


def test_what_many_share_is_said_once_with_every_name(big):
    text, _pages = big
    # SPOFs past the table: a few words each, every one named
    assert "The other 60 single points of failure, in register order" in text
    assert re.search(r"c\d{3} \(high, \d+ down, 30 entry points down\)", text)  # guessed: never "user-facing"
    # cascading patterns, as the register folds them: deep chains ending in the same call ...
    assert "30 entry points wait on chains of synchronous hard calls that end in the same call c001 → c000" in text
    assert "e00 (151)" in text and "e29 (151)" in text
    # ... and calls without a timeout, each listed once
    assert "call others synchronously with no timeout and no circuit breaker stated" in text
    assert "e07 → c149" in text
    assert text.count("with no timeout and no circuit breaker stated") == 1
    # components that state no signal, by name
    assert "components state none of the six signals, and take no journey down" in text
    # components without any dependency, by name
    assert "No dependency in or out (25;" in text and "z24" in text
    # an unanswered blocker owed by every component: its question once, then its subjects
    checklist = text[text.rindex("Open blocker items"):]
    assert checklist.count("latency percentiles and saturation of") == 1
    assert "is an unanswered blocker for 205 components (X), with no owner yet: c000, c001" in checklist


def test_the_grouping_saves_pages_and_loses_no_name(big, monkeypatch):
    text, pages = big
    monkeypatch.setattr(pdf_module, "SAME_ROWS", 10**6)
    monkeypatch.setattr(pdf_module, "SPOF_ROWS", 10**6)
    row_text, row_pages = text_of(render_pdf(imported_like()))
    assert pages < row_pages * 0.75
    for cid in ("c000", "c075", "c149", "e00", "e29", "z00", "z24"):
        assert text.count(cid) > 0
    # the row by row version repeats each question for every component
    assert row_text[row_text.rindex("Open blocker items"):].count("latency percentiles and saturation of") > 150


def test_the_markdown_executive_summary_stays_a_summary():
    from prr_app.reporting.markdown import SUMMARY_ROWS, render_markdown

    text = render_markdown(imported_like())
    summary = text[text.index("## Executive summary"):text.index("## 1.")]
    roots = summary[summary.index("### Root causes to fix"):summary.index("### Work per team")]
    assert sum(1 for line in roots.splitlines() if line.startswith("| ") and "single point of failure" in line) \
        == SUMMARY_ROWS
    assert re.search(r"The other \d+ root causes are in the risk register \(section 6\)", roots)
    blockers = summary[summary.index("### Launch blockers"):summary.index("### Key figures")]
    assert sum(1 for line in blockers.splitlines() if line.startswith("- **")) == SUMMARY_ROWS
    assert re.search(r"- \.\.\. and (\d+ more launch-blocking risks? \(section 6\)( and )?)?"
                     r"(\d+ more open blocker checklist items? \(section 7\))?", blockers)
    # the sections still hold every one of them
    assert text.count("is a single point of failure (instance and component failure)") > 150
