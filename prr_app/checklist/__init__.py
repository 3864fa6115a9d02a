"""The readiness checklist: templates, items generated for a review, answers, scores.

Public API (no Qt, no I/O besides reading template files)::

    templates() -> list[TemplateInfo]
    load_template(id_or_path) -> Template
    evaluate(review, template=None) -> ChecklistResult
    set_answer(review, item_key, *, status=None, evidence=None, owner=None, due=None,
               note=None, reason=None, by="") -> ChecklistAnswer
    use_template(review, template) -> list[Orphan]
    carry_answers(review, template, by="") -> (carried keys, orphans)
    effective_tiers(review) -> dict[component id, TierOwed]   (the effective-tier rule)

See docs/checklist.md for the template format and the scoring method.
"""
from __future__ import annotations

from prr_app.checklist.answers import carry_answers, normalise_status, set_answer, use_template
from prr_app.checklist.evaluate import (
    SCORING_METHOD,
    SEVERITY_WEIGHT,
    STATUS_CREDIT,
    CategoryProgress,
    ChecklistItem,
    ChecklistResult,
    Orphan,
    Subject,
    blockers_to_check,
    evaluate,
    item_key,
    split_key,
)
from prr_app.checklist.model_answers import DECIDERS, ModelAnswer, ModelFinding
from prr_app.checklist.tiers import TierOwed, effective_tiers, journey_tier
from prr_app.checklist.template import (
    DEFAULT_TEMPLATE,
    SEVERITIES,
    TIERS,
    Category,
    Scope,
    Template,
    TemplateInfo,
    TemplateItem,
    load_template,
    read_template_file,
    templates,
    user_template_dir,
    write_template,
)

__all__ = [
    "CategoryProgress", "Category", "ChecklistItem", "ChecklistResult", "DEFAULT_TEMPLATE", "Orphan",
    "SCORING_METHOD", "SEVERITIES", "SEVERITY_WEIGHT", "STATUS_CREDIT", "Scope", "TIERS", "Template",
    "TemplateInfo", "TemplateItem", "evaluate", "item_key", "load_template", "normalise_status",
    "read_template_file", "set_answer", "split_key", "templates", "use_template", "user_template_dir",
    "write_template", "carry_answers", "effective_tiers", "journey_tier", "TierOwed", "DECIDERS", "ModelAnswer",
    "ModelFinding", "Subject", "blockers_to_check",
]
