"""Every plain table cell of the PDF fits its column: no two cells' text touch or overlap."""
from __future__ import annotations

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from prr_app.model.entities import Component, Dependency, Review, Risk
from prr_app.reporting import pdf as pdf_mod
from prr_app.reporting.assessment import build_assessment
from prr_app.reporting.text import SANS


def _review() -> Review:
    # wide owner names push the narrow Effort and Due columns of the executive summary; risks
    # without an effort estimate print "not estimated" there
    r = Review()
    r.meta.tier = 1
    r.add(Component(id="web", user_facing=True, owner="platform-reliability-and-operations-team-emea"))
    r.add(Component(id="db", owner="database-administration-and-storage-engineering-group"))
    r.add(Dependency("web", "db"))
    for i in range(3):
        r.add(Risk(id=f"r{i}", title=f"Outage of https://payments.vendor.example.com/api/v2/authorisations/{i}",
                   likelihood=4, impact=5, components=["db"],
                   owner="an-owner-with-a-very-long-team-name-that-fills-the-owner-column"))
    return r


def test_no_plain_cell_is_wider_than_its_column(monkeypatch):
    tables = []
    real_init = pdf_mod._LongTable.__init__

    def record(self, data, *a, colWidths=None, **k):
        tables.append((data, colWidths))
        real_init(self, data, *a, colWidths=colWidths, **k)

    monkeypatch.setattr(pdf_mod._LongTable, "__init__", record)
    r = _review()
    pdf_mod.render_pdf(r, assessment=build_assessment(r))
    assert tables
    checked = 0
    for data, cols in tables:
        for row in data[1:]:
            for v, w in zip(row, cols):
                if isinstance(v, str):
                    for line in v.split("\n"):
                        checked += 1
                        assert stringWidth(line, SANS, 7.5) <= w - 6 + 0.5, (line, w)
    assert checked > 50
