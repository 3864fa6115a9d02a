"""The result of an analysis and the JSON document ``prr analyze --json`` prints.

:class:`Analysis` holds JSON-able data, read-only: dicts, strings, numbers and, for every
sequence, tuples; the risk register's risks are :class:`~prr_app.analysis.risks.Risk` objects
that read as mappings. Tuples because the garbage collector stops tracking a tuple of strings
and then a dict of such values: the SPOF entries, blast radius and findings of an import (tens
of thousands of each) are not walked again by every later collection, in the app's live
analysis as in ``prr analyze``. :meth:`Analysis.to_dict` is what
``schemas/analysis.schema.json`` describes, all plain data (lists, a copy), and
:meth:`Analysis.to_json` its bytes.

The document grows linearly with the review: by default every SPOF, failure
domain and component gives counts of what it takes down and degrades, the
user-facing components and journeys it hits, and (SPOFs) the chain. With
``detail`` the full sets are added once per component (``blast_radius``) and
per failure domain, each as a :func:`component_set`: the members of a cycle
(a strongly connected group of the dependency graph, listed once in
``cycles``) are referred to by the cycle's number instead of being repeated.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import orjson

from prr_app.analysis.findings import evidence_items
from prr_app.analysis.propagation import Outcome, simulate as _simulate
from prr_app.analysis.risks import UNANSWERED_NAMED, Risk

#: Version of the analysis output; bumped when a key changes meaning.
ANALYSIS_VERSION = 2


@dataclass
class Analysis:
    """The result of :func:`~prr_app.analysis.analyze`. Attributes mirror the keys of :meth:`to_dict`."""

    spofs: list[dict]
    blast_radius: dict[str, dict]
    failure_domains: list[dict]
    common_cause: list[dict]
    availability: list[dict]
    cascading: list[dict]
    #: the register: :class:`~prr_app.analysis.risks.Risk` objects, read as mappings like the document's
    risks: list[Risk]
    verdict: dict
    assumptions: list[dict]
    checklist: dict | None
    summary: dict
    stale_decisions: list[dict]
    seed: int = 0
    detail: bool = False
    #: with ``detail``: the members of every cycle the sets refer to (see :func:`component_set`)
    cycles: list[list[str]] | None = None
    _graph: object | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        """The document, plain JSON-able data of its own (lists, not the analysis' tuples): the
        verdict and the register first, the per-element evidence last. Read from :meth:`to_json`,
        so that the two cannot differ."""
        return orjson.loads(self.to_json())

    def json_document(self) -> dict:
        """The document as :meth:`to_json` writes it: :meth:`to_dict` with the risks left as
        :class:`~prr_app.analysis.risks.Risk` objects (orjson writes each as its object, with the
        same bytes), for a writer that serialises it in parts (``prr analyze --json``) without a
        dict made for each of 100,000 risks. Read-only: the risks and lists are the analysis' own."""
        return self._document(self.risks)

    def _document(self, risks: list) -> dict:
        out = {
            "analysis_version": ANALYSIS_VERSION,
            "seed": self.seed,
            "detail": self.detail,
            "summary": self.summary,
            "verdict": self.verdict,
            "risks": risks,
            "availability": self.availability,
            "common_cause": self.common_cause,
            "cascading": self.cascading,
            "assumptions": self.assumptions,
            "checklist": self.checklist,
            "stale_decisions": self.stale_decisions,
            "failure_domains": self.failure_domains,
            "spofs": self.spofs,
            "blast_radius": self.blast_radius,
        }
        if self.detail:
            out["cycles"] = self.cycles or []
        return out

    def to_json(self, *, indent: bool = False) -> bytes:
        """The JSON of :meth:`to_dict`, as bytes: the risks are written as they are (orjson writes a
        :class:`~prr_app.analysis.risks.Risk` as its object), without a dict made for each."""
        return orjson.dumps(self.json_document(), option=orjson.OPT_INDENT_2 if indent else 0)

    def spof_facts(self, entry: dict) -> dict:
        """What the failure of a SPOF entry does (counts, hits, chain): the entry itself, or for an
        instance, whose entry refers to its component's, the component's entry."""
        if entry["element_type"] != "instance":
            return entry
        cid = entry["component"]
        return next(s for s in self.spofs if s["element"] == cid and s["element_type"] == "component")

    def risk(self, risk_id: str) -> Risk | None:
        """The risk ``risk_id``, or the one a folded finding of that id went into."""
        for r in self.risks:
            if r.id == risk_id or risk_id in r.aliases:
                return r
        return None

    def simulate(self, components=(), domains=(), instances=()) -> Outcome:
        """What-if on the analysed review, reusing the compiled graph."""
        return _simulate(self._graph.review, components=components, domains=domains,
                         instances=instances, graph=self._graph)


class CycleIndex:
    """The cycles a :func:`component_set` refers to: the strongly connected groups (two
    components or more) of the graph of every dependency and of the graph of hard ones,
    numbered by their first member."""

    def __init__(self, ids: list[str], any_sccs: tuple[list[int], list[list[int]]],
                 hard_sccs: tuple[list[int], list[list[int]]]):
        any_of, any_groups = any_sccs
        hard_of, hard_groups = hard_sccs
        found: list[tuple[int, int]] = []  # (graph: 0 every dependency / 1 hard, scc number)
        found += [(0, s) for s, m in enumerate(any_groups) if len(m) > 1]
        # a hard cycle inside a bigger cycle of the dependency graph: listed as well
        found += [(1, s) for s, m in enumerate(hard_groups)
                  if len(m) > 1 and len(any_groups[any_of[m[0]]]) > len(m)]
        groups = (any_groups, hard_groups)
        found.sort(key=lambda x: groups[x[0]][x[1]][0])
        numbers: tuple[dict[int, int], dict[int, int]] = ({}, {})
        for k, (graph, s) in enumerate(found):
            numbers[graph][s] = k
        self._of = [(any_of, numbers[0]), (hard_of, numbers[1])]
        self._sizes = [len(groups[graph][s]) for graph, s in found]
        self.members = [[ids[i] for i in groups[graph][s]] for graph, s in found]
        self.ids = ids

    def encode(self, indices: list[int]) -> dict:
        """``{"components": [...], "cycles": [...]}`` for the ascending component ``indices``."""
        left = indices
        cycles: list[int] = []
        for scc_of, number in self._of:
            if not number:
                continue
            count: dict[int, int] = {}
            for i in left:
                k = number.get(scc_of[i])
                if k is not None:
                    count[k] = count.get(k, 0) + 1
            whole = {k for k, c in count.items() if c == self._sizes[k]}
            if whole:
                cycles.extend(whole)
                left = [i for i in left if number.get(scc_of[i]) not in whole]
        ids = self.ids
        return {"components": [ids[i] for i in left], "cycles": sorted(cycles)}


def checklist_figures(result, *, partly: int | None = None) -> dict:
    """The ``checklist`` section of the document from a checklist evaluation.

    ``result`` is what ``prr_app.checklist.evaluate.summarize`` (or ``evaluate``) returns:
    ``blocking_items`` (items with ``key`` and ``title``, or strings), ``unanswered_blockers``
    (a count or a list) and ``overall_score`` (a number or None). The analysis receives this
    from its caller (``prr_app.review.assess``): it does not depend on the checklist.

    ``partly_blockers``: how many of the blocking items are answered partly (the reviewer's answer, else
    the model's), so that the verdict says "not met in full (answered partly)" of them: ``partly`` when
    the caller gives it, else counted from the items' ``status``. ``unanswered_items``: the first
    unanswered blocker items' names (from ``unanswered_blockers`` when it lists the items, a full
    evaluation, else a summary's ``unanswered_items``): the verdict names them.
    """
    items = list(result.blocking_items or [])
    out = {"blockers": len(items), "blocking_items": [_item_name(it) for it in items]}
    if partly is None:
        partly = sum(1 for it in items if getattr(it, "status", None) == "partly")
    if partly:
        out["partly_blockers"] = partly
    unanswered = result.unanswered_blockers
    if unanswered is not None:
        listed = None if isinstance(unanswered, int) else list(unanswered)
        out["unanswered_blockers"] = unanswered if listed is None else len(listed)
        first = listed if listed is not None else getattr(result, "unanswered_items", None)  # a summary's first few
        if first:
            out["unanswered_items"] = [item_question(it) for it in first[:UNANSWERED_NAMED]]
    score = result.overall_score
    if isinstance(score, (int, float)):
        out["overall_score"] = score
    items = evidence_items(getattr(result, "template", None))
    if items:  # a reviewer's answer to one of these items can show a readiness gap (findings.evidence_gaps)
        out["evidence_items"] = items
    return out


def item_question(it) -> str:
    """A checklist item by its question, shortened to its first sentence, with its subject if any:
    “Request rate ... of Cart service are collected” (Cart service). The verdict's and the report's
    name for an unanswered blocker item."""
    q = (getattr(it, "question", None) or str(it)).strip()
    first = q.split(". ")[0].rstrip(".")
    if len(first) > 90:
        first = first[:87].rsplit(" ", 1)[0] + "…"
    subj = getattr(it, "subject_label", None) if getattr(it, "per", "review") != "review" else None
    return f"“{first}” ({subj})" if subj else f"“{first}”"


def checklist_error(error: Exception) -> dict:
    """The ``checklist`` section when the checklist could not be evaluated: its blockers are not counted."""
    return {"error": f"{type(error).__name__}: {error}", "blocking_items": [], "blockers": 0}


def _item_name(it) -> str:
    if isinstance(it, str):
        return it
    key = getattr(it, "key", None)
    title = getattr(it, "title", None) or getattr(it, "question", None)
    return f"{key}: {title}" if key and title else str(key or title or it)
