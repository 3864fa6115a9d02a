"""The readiness portfolio for leadership: every review of a team repository on one or two pages.

Built from the portfolio rows the caller passes in (``Repository.portfolio()``, issue 19: name,
version, assessed, system, target launch, verdict, launch blockers, SLOs stated and not
attainable, checklist score and open blocker items, acceptances expiring soon or expired, due
dates passed, the latest sign-off): this package reads no repository. The PDF and the Markdown
word their cells alike (:func:`slos_text`, :func:`acceptances_text`, :func:`signoff_text`; the
last two are also ``prr repo portfolio``'s and the app's Portfolio dialog's). The PDF uses the
assessment's fonts, typography and script handling (:mod:`.pdf`, :class:`~.text.TextKit`); the
Markdown lists every review.

Reviews are sorted by what needs attention: not ready first (most launch blockers first), then
reviews not assessed at their current version, then ready with conditions, then ready; within
each, the most overdue dates, expired and expiring acceptances first, then the nearest target
launch.
"""
from __future__ import annotations

import io

from reportlab.lib.pagesizes import landscape
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Spacer

from prr_app.errors import PrrError
from prr_app.reporting.assessment import VERDICT_TEXT
from prr_app.reporting.markdown import md
from prr_app.reporting.styles import MUTED, VERDICT_COLORS
from prr_app.wording import enum_words, score_text

PAGES = 2  # the PDF summary's length at most: the rest of a long list is counted, not listed

_VERDICT_RANK = {"not-ready": 0, None: 1, "ready-with-conditions": 2, "ready": 3}


def by_attention(rows: list[dict]) -> list[dict]:
    """``rows`` in the order a leader should look at them (see the module's description)."""

    def key(r):
        verdict = r.get("verdict") if r.get("assessed", True) or not r.get("verdict") else r["verdict"]
        return (_VERDICT_RANK.get(verdict, 1), -(r.get("launch_blockers") or 0), -len(r.get("overdue") or ()),
                -len(r.get("acceptances_expired") or ()), -len(r.get("acceptances_expiring") or ()),
                -len(r.get("slo_not_attainable") or ()), r.get("target_launch") or "9999-12-31", r["name"])

    return sorted(rows, key=key)


def totals(rows: list[dict]) -> dict:
    """What the whole portfolio holds: reviews per verdict and what is open across them."""
    assessed = [r for r in rows if r.get("verdict")]
    verdicts: dict[str, int] = {}
    for r in assessed:
        verdicts[r["verdict"]] = verdicts.get(r["verdict"], 0) + 1
    return {
        "reviews": len(rows),
        "verdicts": verdicts,
        "not_assessed": len(rows) - len(assessed),
        "stale": sum(1 for r in assessed if not r.get("assessed", True)),
        "launch_blockers": sum(r.get("launch_blockers") or 0 for r in assessed),
        "with_blockers": sum(1 for r in assessed if r.get("launch_blockers")),
        "slo_not_attainable": sum(len(r.get("slo_not_attainable") or ()) for r in assessed),
        "no_slos": sum(1 for r in assessed if r.get("slos_stated") == 0),
        "checklist_blockers": sum(r.get("checklist_blockers") or 0 for r in assessed),
        "overdue": sum(len(r.get("overdue") or ()) for r in assessed),
        "acceptances_expiring": sum(len(r.get("acceptances_expiring") or ()) for r in assessed),
        "acceptances_expired": sum(len(r.get("acceptances_expired") or ()) for r in assessed),
    }


def _totals_sentences(t: dict, days: int) -> list[str]:
    verdicts = ", ".join(f"{n} {VERDICT_TEXT.get(v, v).lower()}" for v, n in
                         sorted(t["verdicts"].items(), key=lambda x: _VERDICT_RANK.get(x[0], 1)))
    out = [f"{t['reviews']} review(s): {verdicts or 'none assessed'}"
           + (f"; {t['not_assessed']} not assessed yet" if t["not_assessed"] else "")
           + (f"; {t['stale']} assessed at an older version" if t["stale"] else "") + "."]
    if t["reviews"] - t["not_assessed"]:
        out.append(f"{t['launch_blockers']} launch blocker(s) open in {t['with_blockers']} review(s); "
                   f"{t['slo_not_attainable']} SLO(s) not attainable by design; "
                   + (f"{t['no_slos']} review(s) with no SLOs stated; " if t.get("no_slos") else "") +
                   f"{t['checklist_blockers']} blocker checklist item(s) open.")
        out.append(f"{t['overdue']} due date(s) passed; {t['acceptances_expired']} risk acceptance(s) expired and "
                   f"{t['acceptances_expiring']} ending within {days} days.")
    return out


def _checklist(r: dict) -> str:
    if r.get("checklist_score") is None:
        return "not evaluated"
    return f"{score_text(r['checklist_score'])}, {r.get('checklist_blockers') or 0} blocker item(s) open"


def slos_text(r: dict) -> str:
    """The review's SLOs in words: those not attainable, "no SLOs stated" when the review states
    none (nothing can be attainable then: the analysis counts the missing SLOs as a risk), else
    "all attainable"."""
    bad = r.get("slo_not_attainable") or []
    if bad:
        return f"{len(bad)} not attainable: {', '.join(bad)}"
    return "no SLOs stated" if r.get("slos_stated") == 0 else "all attainable"



def _listed(items: list[dict], fmt, limit: int = 4) -> str:
    shown = ", ".join(fmt(x) for x in items[:limit])
    return (shown + (f" and {len(items) - limit} more" if len(items) > limit else "")) or "none"


def acceptances_text(r: dict, limit: int = 4) -> str:
    """Risk acceptances expired (before today) and ending soon, each with its end date ("none")."""
    parts = []
    if r.get("acceptances_expired"):
        parts.append("expired: " + _listed(r["acceptances_expired"], lambda x: f"{x['risk']} ({x['until']})", limit))
    if r.get("acceptances_expiring"):
        parts.append(_listed(r["acceptances_expiring"], lambda x: f"{x['risk']} ({x['until']})", limit))
    return "; ".join(parts) or "none"



def signoff_text(r: dict) -> str:
    """The latest verdict sign-off: verdict, who, the version signed (and the current one when the
    review changed since), or "not signed off"."""
    s = r.get("signoff")
    if not s:
        return "not signed off"
    now = r.get("version")
    since = f", now v{now}" if now is not None and now != s.get("version") else ""
    return f"{enum_words(s['verdict'])} by {s['by']} (v{s['version']}{since})"


def _overdue(r: dict) -> str:
    return _listed(r.get("overdue") or [], lambda x: f"{x['what']} {x['id']} ({x['due']})")


# ------------------------------------------------------------------------------- Markdown
def portfolio_markdown(rows: list[dict], *, today: str, days: int, where: str) -> str:
    """The portfolio as Markdown: the totals, then every review, by what needs attention."""
    t = totals(rows)
    out = [f"# Readiness portfolio, {md(today)}", "", f"Repository: {md(where)}.", ""]
    out += [md(s) for s in _totals_sentences(t, days)]
    out += ["", "| review | system | target launch | verdict | launch blockers | SLOs | checklist | "
                f"acceptances expired or ending within {days} days | due dates passed | sign-off |",
            "|---|---|---|---|---|---|---|---|---|---|"]
    for r in by_attention(rows):
        if not r.get("verdict"):
            out.append(f"| {md(r['name'])} | not assessed yet (push it again) | | | | | | | | "
                       f"{md(signoff_text(r))} |")
            continue
        stale = "" if r.get("assessed", True) else " (assessed at an older version)"
        out.append(f"| {md(r['name'])} | {md(r['system'])} | {md(r.get('target_launch') or '-')} | "
                   f"**{md(r['verdict'])}**{stale} | {r['launch_blockers']} | {md(slos_text(r))} | "
                   f"{md(_checklist(r))} | {md(acceptances_text(r))} | {md(_overdue(r))} | {md(signoff_text(r))} |")
    out.append("")
    return "\n".join(out)


# ------------------------------------------------------------------------------- PDF
class _PortfolioDoc(BaseDocTemplate):
    def __init__(self, buf, *, pagesize, title: str):
        from prr_app import __version__
        from prr_app.reporting.pdf import MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X

        super().__init__(buf, pagesize=pagesize, leftMargin=MARGIN_X, rightMargin=MARGIN_X, topMargin=MARGIN_TOP,
                         bottomMargin=MARGIN_BOTTOM, title=title, creator=f"PRR Workbench {__version__}",
                         producer="PRR Workbench", invariant=1, pageCompression=1, lang="en")
        w, h = pagesize
        frame = Frame(MARGIN_X, MARGIN_BOTTOM, w - 2 * MARGIN_X, h - MARGIN_TOP - MARGIN_BOTTOM, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate("body", [frame])])
        self.frame_w, self.frame_h = frame._width, frame._height
        self.heading_pages: dict[str, int] = {}


def render_portfolio_pdf(rows: list[dict], *, today: str, days: int, where: str, paper: str = "a4") -> bytes:
    """The portfolio as a PDF (landscape) of at most :data:`PAGES` pages: the totals over every review, then
    the reviews by what needs attention, as many as fit (the others counted by verdict)."""
    from prr_app.reporting import pdf as P
    from prr_app.reporting.text import TextKit

    if paper not in P.PAPERS:
        raise PrrError(f"unknown paper size {paper!r}; use a4 or letter")
    ordered = by_attention(rows)
    header = ["Review", "System", "Verdict", "Launch blockers", "SLOs", "Checklist",
              f"Acceptances expired or ending within {days} days", "Due dates passed", "Sign-off"]
    widths = [0.1, 0.11, 0.09, 0.06, 0.13, 0.11, 0.14, 0.15, 0.11]

    def build(shown: int) -> tuple[bytes, int]:
        kit = TextKit()
        buf = io.BytesIO()
        doc = _PortfolioDoc(buf, pagesize=landscape(P.PAPERS[paper]), title=f"Readiness portfolio, {today}")
        b = P.TableBuilder(doc, kit)
        story = [b.p(b.m(f"Readiness portfolio, {today}"), b.st.cover_title),
                 b.p(b.m(f"Every review in {where}, sorted by what needs attention: not ready first (most launch "
                         "blockers first), then reviews not assessed at their current version, then ready with "
                         "conditions, then ready."), b.st.muted)]
        story += [P.Paragraph(b.m(s), b.st.bullet, bulletText="•") for s in _totals_sentences(totals(rows), days)]
        story.append(Spacer(1, 6))
        body = []
        for r in ordered[:shown]:
            if not r.get("verdict"):
                body.append([b.cell(r["name"], bold=True), b.cell("not assessed yet (push it again)")]
                            + [b.short("")] * 6 + [b.cell(signoff_text(r))])
                continue
            verdict = VERDICT_TEXT.get(r["verdict"], r["verdict"]) + (
                "" if r.get("assessed", True) else " (older version)")
            body.append([b.cell(r["name"], bold=True), b.cell(r.get("system") or ""),
                         P._Cell(verdict, True, VERDICT_COLORS.get(r["verdict"], MUTED)),
                         b.short(r["launch_blockers"]), b.cell(slos_text(r)), b.cell(_checklist(r)),
                         b.cell(acceptances_text(r)), b.cell(_overdue(r)), b.cell(signoff_text(r))])
        if body:
            story.append(b._table_flowable(header, body, widths))
        rest = ordered[shown:]
        if rest:
            counts: dict[str, int] = {}
            for r in rest:
                v = VERDICT_TEXT.get(r.get("verdict"), "not assessed").lower()
                counts[v] = counts.get(v, 0) + 1
            story.append(b.p(b.m(f"The other {len(rest)} review(s), needing less attention ("
                                 + ", ".join(f"{n} {v}" for v, n in counts.items())
                                 + "), are listed by prr repo portfolio and in its Markdown summary."), b.st.small))
        elif not ordered:
            story.append(b.p("The repository holds no review.", b.st.body))
        doc.build(story, canvasmaker=P._numbered_canvas(f"Readiness portfolio · {today}", kit, doc.heading_pages,
                                                           footer="Readiness portfolio"))
        return buf.getvalue(), doc.page

    # at most about 35 rows fit on a page: start there, then find the most that fit (halving)
    shown = min(len(ordered), 35 * PAGES)
    data, pages = build(shown)
    if pages <= PAGES:
        return data
    lo, hi, best = 0, shown, None  # lo rows fit (the totals alone always do), hi rows do not
    while hi - lo > 1:
        mid = (lo + hi) // 2
        out, pages = build(mid)
        if pages <= PAGES:
            lo, best = mid, out
        else:
            hi = mid
    return best if best is not None else build(lo)[0]
