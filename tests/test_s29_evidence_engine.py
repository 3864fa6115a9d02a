"""Session 29: confirming a "not met" probes proposal keeps its risk in the register and in ``prr diff``.

Needs the checklist figures to carry the template's ``item -> extractor`` map (``evidence_items``,
``prr_app.analysis.document.checklist_figures``) and the engine to pass it to ``findings.evidence_gaps``.
"""
from __future__ import annotations

import copy
import textwrap

from prr_app.review.assess import assess
from prr_app.review.diff import compare
from prr_app.review.edits import apply_changes
from prr_app.review.importing import import_review
from prr_app.review.proposals import decide_changes

COMPOSE = """\
services:
  frontend:
    image: shop/frontend:1.0
    ports: ["8080:8080"]
    depends_on: [cart]
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8080/health"]
  cart:
    image: shop/cart:1.0
    depends_on: [valkey]
  valkey:
    image: valkey/valkey:8
"""


def _review(tmp_path):
    root = tmp_path / "shop"
    root.mkdir()
    (root / "compose.yaml").write_text(textwrap.dedent(COMPOSE), encoding="utf-8")
    return import_review([root]).review


def _readiness(review):
    return {r["id"]: r for r in assess(review).risks if r["category"] == "readiness"}


def test_confirming_a_not_met_proposal_keeps_its_risk(tmp_path):
    review = _review(tmp_path)
    before = _readiness(review)
    assert "evidence:k8s.probes:cart" in before
    old = copy.deepcopy(review)
    apply_changes(review, decide_changes(review, ["svc.probes@cart"], by="ana"))
    after = _readiness(review)
    assert set(after) == set(before)
    r0, r1 = before["evidence:k8s.probes:cart"], after["evidence:k8s.probes:cart"]
    assert (r1["title"], r1["description"], r1["score"]) == (r0["title"], r0["description"], r0["score"])
    # prr diff: not resolved, not new
    d = compare(old, review, today="2026-12-07")
    risks = d["analysis"]["risks"]
    assert risks["new"] == [] and risks["resolved"] == [] and risks["rescored"] == [], risks


def test_confirm_all_keeps_the_register(tmp_path):
    review = _review(tmp_path)
    ids = set(r["id"] for r in assess(review).risks)
    apply_changes(review, decide_changes(review, every=True, by="ana"))
    assert not [k for k, p in review.proposals.items() if not p.rejected_by]
    assert set(r["id"] for r in assess(review).risks) == ids
