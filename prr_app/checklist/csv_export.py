"""Export checklist answers (and the items they answer) to CSV for spreadsheets.

``status`` is what counts (the reviewer's answer, else the model's); a proposal standing for an
item (from imported evidence, or carried from another answer by ``prr checklist-carry``) is in the
``proposal_*`` columns at the end: shown, as in the app and ``prr checklist --items``, never
counted, and never mixed into ``status`` (a team walking the checklist in a spreadsheet sees what
the import found without taking it for an answer).
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from prr_app.checklist.evaluate import ChecklistResult
from prr_app.checklist.proposals import carried_source
from prr_app.paths import atomic_write_text

COLUMNS = [
    "key", "item", "category", "subject", "question", "severity", "required", "tier", "status",
    "evidence", "owner", "due", "reason", "note", "changed_by", "changed_at", "history_entries",
    "orphan", "orphan_reason", "answered_by", "tier_reason",
    # added at the end: the columns before keep their places for scripts that read them by position
    "proposal_status", "proposal_from", "proposal_reason", "proposal_evidence",
]


def _cell(value) -> str:
    """Text for a cell; a leading = + - @ is neutralised so spreadsheets do not run it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def _proposal(p) -> list:
    """The proposal's columns: status, where it comes from, reason, evidence ("what: file:line; ...")."""
    if p is None:
        return ["", "", "", ""]
    src = carried_source(p)
    return [p.status, f"carried from {src}" if src else "imported files", p.reason, "; ".join(p.evidence)]


def rows(result: ChecklistResult, *, answered_only: bool = False):
    for it in result.items:
        a = it.answer
        if answered_only and not it.answered:
            continue
        evidence = a and a.evidence
        if it.source == "model":  # decided from the review's model: the field is the evidence
            evidence = "model: " + it.model_answer.evidence
        yield [it.key, it.item_id, it.category, it.subject or "", it.question, it.severity, it.required, it.tier,
               it.status, evidence, a and a.owner, a and a.due, a and a.reason, a and a.note,
               a and a.changed_by, a and a.changed_at, len(a.history) if a else 0, False, "", it.source or "",
               it.tier_reason, *_proposal(it.proposal)]
    for o in result.orphans:
        a = o.answer
        yield [o.key, o.item_id, "", o.subject or "", "", "", "", "", a.status, a.evidence, a.owner, a.due,
               a.reason, a.note, a.changed_by, a.changed_at, len(a.history), True, o.reason, "reviewer", "",
               *_proposal(None)]


def to_csv(result: ChecklistResult, *, answered_only: bool = False) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for r in rows(result, answered_only=answered_only):
        w.writerow([_cell(v) for v in r])
    return buf.getvalue()


def write_csv(result: ChecklistResult, path: str | Path, *, answered_only: bool = False) -> None:
    # UTF-8 with a byte order mark: spreadsheet programs then read accents correctly
    atomic_write_text(Path(path), "\ufeff" + to_csv(result, answered_only=answered_only))
