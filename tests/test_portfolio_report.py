"""The portfolio summary for leadership (issue 19, item 4): `prr repo portfolio --pdf/--markdown`.

Against a real PostgreSQL server started by these tests (tests/pg_server.py, as in
tests/test_teamrepo.py): reviews pushed, the summary written, its text read back with pdftotext.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_teamrepo import _example, _team_review, pg, prr, repo_url  # noqa: E402,F401  (fixtures)

from prr_app.reporting.portfolio import by_attention, portfolio_markdown, render_portfolio_pdf, totals  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils is installed by scripts/ensure-system-deps.sh")


def _text(pdf: Path) -> str:
    """The PDF's words in reading order, white space made single spaces (a cell's text may wrap)."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(out.split())


def _pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


def _fill(url: str) -> None:
    from prr_app.teamrepo.repository import Repository

    with Repository(url) as repo:
        for i in range(3):
            repo.push(_team_review(f"System {i}", f"svc{i}", shared=True, launch=f"2027-0{i + 1}-10"),
                      name=f"team{i}")
        ready = _example("webshop")
        ready.meta.system_name = "Webshop שירות תשלומים"  # a right-to-left name in the summary
        repo.push(ready, name="webshop")


def test_portfolio_pdf_and_markdown_for_leadership(repo_url, tmp_path):
    _fill(repo_url)
    pdf, md = tmp_path / "portfolio.pdf", tmp_path / "portfolio.md"
    code, out, err = prr("repo", "portfolio", "--today", "2026-12-06", "--pdf", pdf, "--markdown", md,
                         "--repo", repo_url)
    assert code == 0, err
    rows = json.loads(prr("repo", "portfolio", "--json", "--today", "2026-12-06", "--repo", repo_url)[1])
    assert {r["name"] for r in rows} == {"team0", "team1", "team2", "webshop"}
    text = _text(pdf)
    assert 1 <= _pages(pdf) <= 2
    assert "Readiness portfolio, 2026-12-06" in text
    # every review, with its system, verdict in words, blockers, SLOs, checklist, acceptances, due dates
    for r in rows:
        assert r["name"] in text
        assert r["system"].split()[0] in text
    assert "Not ready" in text and "not-ready" not in text
    assert "svc0-risk (2026-12-20)" in text  # an acceptance ending within 30 days
    assert "mitigation svc0-fix" in text and "(2026-11-30)" in text  # a due date passed
    assert "4 review(s):" in text
    t = totals(rows)
    assert f"{t['launch_blockers']} launch blocker(s) open in {t['with_blockers']} review(s)" in text
    assert f"{t['overdue']} due date(s) passed" in text
    # sorted by what needs attention: the most launch blockers first
    order = [r["name"] for r in by_attention(rows)]
    positions = [text.index(n) for n in order]
    assert positions == sorted(positions)
    assert "admin" not in text  # the repository is named without its user
    m = md.read_text()
    assert "4 review(s):" in m and "svc0-risk (2026-12-20)" in m
    assert [line.split("|")[1].strip() for line in m.splitlines() if line.startswith("| ") and "---" not in line][1:] \
        == order


def test_a_long_portfolio_stays_on_two_pages_and_counts_the_rest(tmp_path):
    rows = [{"name": f"review-{i:03d}", "version": 1, "assessed": True, "system": f"System {i}",
             "target_launch": "2027-01-10", "verdict": ["not-ready", "ready-with-conditions", "ready"][i % 3],
             "launch_blockers": (i * 7) % 5 if i % 3 == 0 else 0, "slo_not_attainable": [f"svc{i}"] if i % 4 == 0 else [],
             "checklist_score": 50.0 + i % 50, "checklist_blockers": i % 3, "acceptances_expiring": [],
             "acceptances_expired": [], "overdue": []} for i in range(300)]
    pdf = tmp_path / "p.pdf"
    pdf.write_bytes(render_portfolio_pdf(rows, today="2026-12-06", days=30, where="db.example/prr"))
    assert _pages(pdf) == 2
    text = _text(pdf)
    assert "300 review(s): 100 not ready, 100 ready with conditions, 100 ready." in text
    import re

    listed = set(re.findall(r"review-\d{3}", text))
    more = re.search(r"The other (\d+) review\(s\)", text)
    assert more and len(listed) + int(more.group(1)) == 300
    worst = by_attention(rows)[0]["name"]
    assert worst in listed  # what needs attention most is listed, what is ready is counted
    # the Markdown lists every review
    assert len(re.findall(r"^\| review-", portfolio_markdown(rows, today="2026-12-06", days=30, where="x"),
                          re.M)) == 300


def test_an_empty_repository_and_a_review_not_assessed(tmp_path):
    pdf = tmp_path / "p.pdf"
    pdf.write_bytes(render_portfolio_pdf([], today="2026-12-06", days=30, where="db"))
    assert "The repository holds no review." in _text(pdf)
    pdf.write_bytes(render_portfolio_pdf([{"name": "shop", "version": 1, "assessed": False}], today="2026-12-06",
                                         days=30, where="db"))
    text = _text(pdf)
    assert "shop" in text and "not assessed yet" in text and "1 not assessed yet" in text


def test_portfolio_outputs_that_cannot_be_written_fail_in_one_line(repo_url, tmp_path):
    _fill(repo_url)
    for target, says in [(tmp_path / "missing" / "p.pdf", "does not exist"), (tmp_path, "is a folder")]:
        code, out, err = prr("repo", "portfolio", "--pdf", target, "--repo", repo_url)
        assert code == 2 and says in err and len(err.strip().splitlines()) == 1, err
    if Path("/proc/self").is_dir():  # a folder nobody may create files in, root included
        code, out, err = prr("repo", "portfolio", "--pdf", "/proc/prr-portfolio.pdf", "--repo", repo_url)
        assert code == 2 and "cannot write" in err and len(err.strip().splitlines()) == 1, err
    # a bad PDF path does not lose the Markdown asked for beside it: nothing is read or written
    md = tmp_path / "p.md"
    code, out, err = prr("repo", "portfolio", "--markdown", md, "--pdf", tmp_path / "nope" / "p.pdf",
                         "--repo", repo_url)
    assert code == 2 and not md.exists()
    code, out, err = prr("repo", "portfolio", "--markdown", md, "--pdf", tmp_path / "p.pdf", "--repo", repo_url)
    assert code == 0 and md.exists() and (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")


def test_the_app_exports_the_portfolio_pdf(qtbot, monkeypatch, tmp_path):
    from prr_app.ui.dialogs import Ask
    from prr_app.ui.repository import PortfolioDialog

    rows = [{"name": "shop", "version": 2, "assessed": True, "system": "Acme Web Shop", "target_launch": "2027-01-10",
             "verdict": "not-ready", "launch_blockers": 4, "slo_not_attainable": ["checkout"], "checklist_score": 40.0,
             "checklist_blockers": 2, "acceptances_expiring": [], "acceptances_expired": [],
             "overdue": [{"what": "mitigation", "id": "m-1", "due": "2026-01-01"}]}]
    d = PortfolioDialog(None, rows, where="db.example/prr")
    qtbot.addWidget(d)
    target = tmp_path / "leadership.pdf"
    monkeypatch.setattr(Ask, "save_path", classmethod(lambda cls, *a: str(target)))
    assert d.export_pdf() == str(target)
    text = _text(target)
    assert "Acme Web Shop" in text and "Not ready" in text and "mitigation m-1 (2026-01-01)" in text
    assert "db.example/prr" in text and str(target) in d.exported.text()
    monkeypatch.setattr(Ask, "save_path", classmethod(lambda cls, *a: None))  # cancelled: nothing written
    assert d.export_pdf() is None
    warned = []
    monkeypatch.setattr("prr_app.ui.repository.QMessageBox.warning", lambda *a: warned.append(a[2]))
    assert d.export_pdf(str(tmp_path)) is None and "is a folder" in warned[0]  # said, not raised
