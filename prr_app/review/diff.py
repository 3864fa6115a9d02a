"""The semantic diff of two reviews and of their analyses: "what changed since the last PRR?".

Pure functions over :class:`~prr_app.model.entities.Review` objects and the JSON-able dict of
their analyses (:meth:`prr_app.analysis.Analysis.to_dict`); no I/O. :func:`diff` gives one
JSON-able document (``schemas/diff.schema.json``); :func:`diff_lines` reads it as a changelog.

What is compared, by id and field by field:

* the model: the review's header, components, dependencies (id ``source->target``),
  redundancy groups, failure domains, journeys, checklist answers (by item), the reviewer's
  risks and decisions on computed ones, and mitigations. Positions on the canvas, import
  records, answer histories and milestones are not compared (they record how the review was
  made, not what it says);
* the analysis: SPOFs new and fixed by disruption type, blast radii (per component and per
  failure domain) that grew or shrank, availability ceilings and SLO attainability, risks new,
  resolved and rescored (with the inputs that changed), the checklist's blocker count and the
  verdict. A SPOF or a risk gone because what it is about was removed from the review (a component
  deleted) is ``removed``, with what it went with (``went_with``), never ``fixed`` or ``resolved``:
  nothing was remediated (:func:`mark_removed`).

A review compared with itself gives an empty diff (:func:`is_empty`).
"""
from __future__ import annotations

import dataclasses
import re
from typing import Any

# the line a re-import adds to a dependency's evidence when the files no longer show it (never deleted)
from prr_app.analysis.risks import split_part_of
from prr_app.importers.merge import MISSING_EVIDENCE
from prr_app.model.entities import DISRUPTION_TYPES, MISSING_TAG, Review
from prr_app.reporting.changes import (EVIDENCE_NOTE, checklist_answer_text, checklist_blocker_text,
                                       checklist_category_text, checklist_changed, checklist_headline, decision_state,
                                       decisions_made, drop_total_only, evidence_lines, gone_with_text,
                                       mitigation_state, why_inputs)
from prr_app.review.edits import risk_subject
from prr_app.wording import (answer_state, ceiling_text, enum_words, field_words, policy_change, stated,
                             value_words)

#: Version of the diff document; bumped when a key changes meaning.
DIFF_VERSION = 1

#: Model collections compared, in the order they are reported: (key in the diff, attribute of Review).
COLLECTIONS = (
    ("components", "components"),
    ("dependencies", "dependencies"),
    ("groups", "groups"),
    ("domains", "domains"),
    ("journeys", "journeys"),
    ("answers", "answers"),
    ("risks", "risks"),
    ("mitigations", "mitigations"),
)

#: Fields left out of the comparison, per element type: they record history, not content.
_SKIP_FIELDS = {"ChecklistAnswer": {"history"}, "Risk": {"history"}}

#: Scores are rounded like this before comparing availability estimates (percent).
_EST_DIGITS = 6


# ------------------------------------------------------------------ model
def element_fields(obj) -> dict[str, Any]:
    """The fields of a review element, nested dataclasses flattened (``observability.metrics``)."""
    out: dict[str, Any] = {}
    skip = _SKIP_FIELDS.get(type(obj).__name__, ())
    for f in dataclasses.fields(obj):
        if f.name in skip:
            continue
        v = getattr(obj, f.name)
        if dataclasses.is_dataclass(v):
            for k, sub in element_fields(v).items():
                out[f"{f.name}.{k}"] = sub
        else:
            out[f.name] = v
    return out


def field_changes(old, new) -> list[dict]:
    """``[{"field", "old", "new"}]`` for every field whose value differs (in declaration order)."""
    a, b = element_fields(old), element_fields(new)
    out = []
    for k in dict.fromkeys(list(a) + list(b)):
        va, vb = a.get(k), b.get(k)
        if va == vb:  # 2 and 2.0 are the same number (the file format writes them alike)
            continue
        out.append({"field": k, "old": _jsonable(va), "new": _jsonable(vb)})
    return out


def _jsonable(v):
    if dataclasses.is_dataclass(v):
        return {k: _jsonable(x) for k, x in element_fields(v).items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    return v


#: Fields that hold the evidence an import read (file:line lines), per element type: what the files
#: say, not what the model says. A re-import refreshes them whenever a line above moves; a change of
#: them alone is no change of the model (said in one line, ``model.evidence``), and beside a real
#: change it is a note on it (``"evidence"`` of the changed entry).
_EVIDENCE_FIELDS = {"Dependency": "evidence"}

#: ``path:123:`` in an evidence line: the line number a re-import moves
_LINE_NUMBER = re.compile(r"(?<=\S):\d+(?=: )")

#: The kinds of evidence change, in the order they are said (``model.evidence[collection][kind]``)
EVIDENCE_KINDS = ("not_found", "found_again", "changed", "moved")


def evidence_change(old: list[str], new: list[str]) -> str | None:
    """How an element's evidence changed between two reviews, None if it did not: ``not_found`` (the
    latest import flagged it as no longer in the files: a re-import never deletes it), ``found_again``
    (that flag went), ``moved`` (the same lines at other line numbers: an edit above them) or
    ``changed`` (lines added or removed)."""
    if list(old) == list(new):
        return None
    flag_a = any(str(e).startswith(MISSING_EVIDENCE) for e in old)
    flag_b = any(str(e).startswith(MISSING_EVIDENCE) for e in new)
    if flag_b and not flag_a:
        return "not_found"
    if flag_a and not flag_b:
        return "found_again"

    def bare(lines):
        return sorted(_LINE_NUMBER.sub(":#", str(e)) for e in lines if not str(e).startswith(MISSING_EVIDENCE))

    return "moved" if bare(old) == bare(new) else "changed"


def _collection_diff(old: dict, new: dict, evidence: dict | None = None) -> dict:
    """Added, removed and changed ids of one collection. ``evidence``: filled with the ids whose
    evidence changed, by kind (:func:`evidence_change`); a change of evidence alone is not listed
    as changed, one beside a real change is a note on it (``"evidence": kind``)."""
    added = sorted(k for k in new if k not in old)
    removed = sorted(k for k in old if k not in new)
    changed = []
    for k in sorted(k for k in new if k in old):
        a, b = old[k], new[k]
        if a is b or a == b:  # the dataclasses' own comparison, field by field at C speed
            continue
        ch = field_changes(a, b)
        ev_field = _EVIDENCE_FIELDS.get(type(b).__name__)
        kind = None
        if ev_field is not None and any(f["field"] == ev_field for f in ch):
            ch = [f for f in ch if f["field"] != ev_field]
            kind = evidence_change(getattr(a, ev_field), getattr(b, ev_field))
            if kind is not None and evidence is not None:
                evidence.setdefault(kind, []).append(k)
        if ch:
            changed.append({"id": k, "fields": ch, **({"evidence": kind} if kind else {})})
    return {"added": added, "removed": removed, "changed": changed}


#: The fields of a policy row, in the order they are reported.
_POLICY_FIELDS = ("survive", "rto_minutes", "rpo_minutes")


def diff_policy(old: Review, new: Review) -> list[dict]:
    """``[{"term", "field", "old", "new"}]``: what the resilience policy says differently, per
    disruption type (or domain kind): must it be survived (``survive``, true or false), its RTO and
    RPO in minutes (None: none). The policy in force is compared: a review that states the default
    policy says the same as one that states none."""
    a, b = old.resilience_policy, new.resilience_policy
    if a == b:
        return []
    terms = dict.fromkeys([*DISRUPTION_TYPES, *a.survive, *b.survive, *a.rto_minutes, *b.rto_minutes,
                           *a.rpo_minutes, *b.rpo_minutes])
    out = []
    for t in terms:
        for f in _POLICY_FIELDS:
            va = (t in a.survive) if f == "survive" else getattr(a, f).get(t)
            vb = (t in b.survive) if f == "survive" else getattr(b, f).get(t)
            if va != vb:
                out.append({"term": t, "field": f, "old": va, "new": vb})
    return out


def _answer_state(a) -> dict:
    """An answer added or removed, as the changelog shows it: its status, and owner and due date if set."""
    out = {"status": a.status}
    if a.owner:
        out["owner"] = a.owner
    if a.due:
        out["due"] = a.due
    return out


def _meta_in_force(a, b):
    """The two headers with the checklist template in force: a review that records none uses the
    default template, so it says the same as one that records the default (answering an item writes
    the template it was answered against into the review; that is no change of template)."""
    if bool(a.checklist_template) == bool(b.checklist_template):
        return a, b
    from prr_app.checklist.template import DEFAULT_TEMPLATE, load_template
    from prr_app.errors import PrrError

    try:
        t = load_template(DEFAULT_TEMPLATE)
    except PrrError:  # no default installed: what is recorded is all there is to compare
        return a, b
    default = {"checklist_template": t.id, "checklist_version": t.version}
    if not a.checklist_template and not a.checklist_version:
        a = dataclasses.replace(a, **default)
    if not b.checklist_template and not b.checklist_version:
        b = dataclasses.replace(b, **default)
    return a, b


def _decision_state(r) -> dict:
    """A reviewer's risk or decision added or removed, as the changelog shows it: its status, and who
    accepted it, when, until when and why; an override of the score; the launch-blocking decision; its owner."""
    out: dict = {"origin": r.origin, "status": r.status}
    if r.origin == "manual" and r.title:
        out["title"] = r.title
    if r.owner:
        out["owner"] = r.owner
    if r.acceptance is not None:
        acc = r.acceptance
        out["acceptance"] = {"by": acc.by, "at": acc.at, "reason": acc.reason,
                             **({"until": acc.until} if acc.until else {})}
    if r.override_likelihood is not None or r.override_impact is not None:
        out["override"] = {k: v for k, v in (("likelihood", r.override_likelihood), ("impact", r.override_impact),
                                             ("reason", r.override_reason)) if v not in (None, "")}
    if r.launch_blocking is not None:
        out["launch_blocking"] = r.launch_blocking
        if r.launch_blocking_reason:
            out["launch_blocking_reason"] = r.launch_blocking_reason
    return out


def _mitigation_state(m) -> dict:
    """A mitigation added or removed, as the changelog shows it: owner, due date, status, effort, risks."""
    out: dict = {"status": m.status}
    for k in ("title", "owner", "due", "effort"):
        if getattr(m, k):
            out[k] = getattr(m, k)
    if m.risks:
        out["risks"] = list(m.risks)
    return out


def diff_models(old: Review, new: Review) -> dict:
    """What the reviewer's model says differently: header, resilience policy, elements, answers, risks,
    mitigations. ``answer_states``: the status (owner, due date) of each answer added or removed."""
    out: dict = {"review": field_changes(*_meta_in_force(old.meta, new.meta)), "policy": diff_policy(old, new)}
    evidence: dict[str, dict[str, list[str]]] = {}
    for key, attr in COLLECTIONS:
        out[key] = _collection_diff(getattr(old, attr), getattr(new, attr), evidence.setdefault(key, {}))
    # what the files say changed (not the model): by collection, then kind (present when there is some)
    evidence = {k: {kind: v[kind] for kind in EVIDENCE_KINDS if v.get(kind)} for k, v in evidence.items() if v}
    if evidence:
        out["evidence"] = evidence
    ans = out["answers"]
    out["answer_states"] = {**{k: _answer_state(old.answers[k]) for k in ans["removed"]},
                            **{k: _answer_state(new.answers[k]) for k in ans["added"]}}
    # the reviewer's decisions and mitigations added or removed: who accepted, until when, why; who
    # does a mitigation, by when (present when there are any)
    for key, attr, state in (("risk_states", "risks", _decision_state), ("mitigation_states", "mitigations",
                                                                          _mitigation_state)):
        c = out[attr]
        states = {**{k: state(getattr(old, attr)[k]) for k in c["removed"]},
                  **{k: state(getattr(new, attr)[k]) for k in c["added"]}}
        if states:
            out[key] = states
    return out


# ------------------------------------------------------------------ analysis
def _spof_key(s: dict) -> tuple[str, str]:
    return (s["disruption"], s["element"])


def _spof_brief(s: dict) -> dict:
    out = {"element": s["element"], "element_type": s["element_type"], "disruption": s["disruption"],
           "severity": s.get("severity"), "risk_id": s.get("risk_id"),
           "journeys": list(s.get("journeys", [])), "user_facing_down": list(s.get("user_facing_down", []))}
    if "component" in s:
        out["component"] = s["component"]
    return out


def _diff_spofs(old: list[dict], new: list[dict]) -> dict:
    a = {_spof_key(s): s for s in old}
    b = {_spof_key(s): s for s in new}
    by_type: dict[str, dict] = {}
    for key in sorted(set(a) | set(b)):
        if key in a and key in b:
            sa, sb = _spof_brief(a[key]), _spof_brief(b[key])
            reach = ("journeys", "user_facing_down", "severity")
            if all(sa[k] == sb[k] for k in reach):
                continue
            by_type.setdefault(key[0], {"new": [], "fixed": [], "changed": []})["changed"].append(
                {"element": sb["element"], "element_type": sb["element_type"],
                 **{k: {"old": sa[k], "new": sb[k]} for k in reach if sa[k] != sb[k]}})
            continue
        slot = by_type.setdefault(key[0], {"new": [], "fixed": [], "changed": []})
        if key in b:
            slot["new"].append(_spof_brief(b[key]))
        else:
            slot["fixed"].append(_spof_brief(a[key]))
    return by_type


def _direction(old: tuple, new: tuple) -> str:
    """``grew`` when no measure went down, ``shrank`` when none went up, else ``changed``."""
    up = any(n > o for o, n in zip(old, new))
    down = any(n < o for o, n in zip(old, new))
    if up and not down:
        return "grew"
    if down and not up:
        return "shrank"
    return "changed"


def _radius_change(eid: str, kind: str, a: dict, b: dict) -> dict | None:
    ja, jb = set(a["journeys"]), set(b["journeys"])
    da, db = set(a.get("journeys_degraded", [])), set(b.get("journeys_degraded", []))
    if a["down"] == b["down"] and a["degraded"] == b["degraded"] and ja == jb and da == db:
        return None
    old_m = (a["down"], a["degraded"], len(ja), len(da))
    new_m = (b["down"], b["degraded"], len(jb), len(db))
    d = _direction(old_m, new_m)
    if d == "changed" and ja != jb and (ja < jb or jb < ja):
        d = "grew" if ja < jb else "shrank"  # the journeys hit decide a mixed change
    return {
        "element": eid, "element_type": kind, "direction": d,
        "down": {"old": a["down"], "new": b["down"]},
        "degraded": {"old": a["degraded"], "new": b["degraded"]},
        "journeys_added": sorted(jb - ja), "journeys_removed": sorted(ja - jb),
        "journeys_degraded_added": sorted(db - da), "journeys_degraded_removed": sorted(da - db),
    }


def _component_radius(b: dict) -> dict:
    return {"down": b.get("down_count", len(b.get("down", []))),
            "degraded": b.get("degraded_count", len(b.get("degraded", []))),
            "journeys": b.get("journeys", []), "journeys_degraded": b.get("journeys_degraded", [])}


def _domain_radius(f: dict) -> dict:
    return {"down": f["down_count"], "degraded": f["degraded_count"],
            "journeys": f.get("journeys", []), "journeys_degraded": f.get("journeys_degraded", [])}


def _diff_blast(old_a: dict, new_a: dict) -> dict:
    out: dict = {"grew": [], "shrank": [], "changed": []}
    ob, nb = old_a.get("blast_radius", {}), new_a.get("blast_radius", {})
    for cid in sorted(set(ob) & set(nb)):
        ch = _radius_change(cid, "component", _component_radius(ob[cid]), _component_radius(nb[cid]))
        if ch:
            out[ch["direction"]].append(ch)
    od = {f["domain"]: f for f in old_a.get("failure_domains", [])}
    nd = {f["domain"]: f for f in new_a.get("failure_domains", [])}
    for did in sorted(set(od) & set(nd)):
        ch = _radius_change(did, "domain", _domain_radius(od[did]), _domain_radius(nd[did]))
        if ch:
            out[ch["direction"]].append(ch)
    return out


def _avail_key(a: dict) -> tuple[str, str]:
    return (a["target_type"], a["target"])


def _avail_view(a: dict) -> dict:
    return {"estimate": round(a["estimate"], _EST_DIGITS), "slo": a["slo"], "attainable": a["attainable"],
            "method": a["method"]}


def _diff_availability(old: list[dict], new: list[dict]) -> dict:
    a = {_avail_key(x): x for x in old}
    b = {_avail_key(x): x for x in new}
    out: dict = {"added": [], "removed": [], "changed": []}
    for key in sorted(set(a) | set(b)):
        if key not in a:
            out["added"].append({"target": key[1], "target_type": key[0], **_avail_view(b[key])})
        elif key not in b:
            out["removed"].append({"target": key[1], "target_type": key[0], **_avail_view(a[key])})
        else:
            va, vb = _avail_view(a[key]), _avail_view(b[key])
            if va != vb:
                out["changed"].append({
                    "target": key[1], "target_type": key[0],
                    "old": va, "new": vb,
                    "ceiling": ("up" if vb["estimate"] > va["estimate"]
                                else "down" if vb["estimate"] < va["estimate"] else "same"),
                    "attainability_changed": va["attainable"] != vb["attainable"],
                })
    return out


_SCORE_KEYS = ("likelihood", "impact", "score", "severity", "launch_blocking", "status")


def _risk_brief(r: dict) -> dict:
    return {"id": r["id"], "title": r["title"], "category": r.get("category"), "origin": r.get("origin"),
            "likelihood": r["likelihood"], "impact": r["impact"], "score": r["score"],
            "severity": r["severity"], "launch_blocking": r["launch_blocking"], "status": r["status"]}


def _why(a: dict, b: dict) -> dict:
    ia, ib = list(a.get("inputs", [])), list(b.get("inputs", []))
    # a blast radius whose counts are the same is no input change: only the review's number of
    # components in its sentence differs (any component added or removed changes it)
    removed, added = drop_total_only([x for x in ia if x not in ib], [x for x in ib if x not in ia])
    why = {"inputs_removed": removed, "inputs_added": added}
    if a.get("override") != b.get("override"):
        why["override"] = {"old": a.get("override"), "new": b.get("override")}
    if a.get("accepted") != b.get("accepted"):
        why["accepted"] = {"old": a.get("accepted"), "new": b.get("accepted")}
    if a.get("acceptance_expired") != b.get("acceptance_expired"):
        why["acceptance_expired"] = {"old": a.get("acceptance_expired"), "new": b.get("acceptance_expired")}
    if a.get("policy_required", True) != b.get("policy_required", True):
        # the resilience policy now requires surviving it, or no longer does (diff() names the change)
        why["policy"] = {"required": {"old": a.get("policy_required", True), "new": b.get("policy_required", True)},
                         "changes": []}
    return why


def risk_lineage(old: list[dict], new: list[dict]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """How one root cause's risk came apart between two registers (both ``Analysis.to_dict()["risks"]``).

    ``separated``: a risk of ``new`` that was not one of ``old`` but a finding folded into one of its
    risks (one root cause, one line: its ``aliases``) -> that risk: it stands alone now, it is not new.
    ``split``: a risk of ``old`` that was the sum of its parts (its aliases are ``<its id>:<part>``)
    gone from ``new`` while parts of it stand as risks of their own -> those parts: it did not go
    away, it came apart (the aggregate "no hard call states a timeout", ``cascade:no-timeout``,
    becomes one risk per component, ``cascade:no-timeout:carts``, once some calls have one). A risk
    with a root cause of its own (a domain SPOF holding "all replicas of web sit in h1") is resolved
    when that is fixed, what it held separated. ``prr diff`` and ``prr plan`` read a register change
    with this one function."""
    old_ids = {r["id"] for r in old}
    new_ids = {r["id"] for r in new}
    folded_into = {alias: r["id"] for r in old for alias in r.get("aliases", ()) if alias not in old_ids}
    separated = {r["id"]: folded_into[r["id"]] for r in new
                 if r["id"] not in old_ids and r["id"] in folded_into}
    split: dict[str, list[str]] = {}
    for rid, was in separated.items():
        if was not in new_ids and split_part_of(rid, was):  # the register's own rule of a split
            split.setdefault(was, []).append(rid)
    return separated, {k: sorted(v) for k, v in split.items()}


def _diff_risks(old: list[dict], new: list[dict]) -> dict:
    a = {r["id"]: r for r in old}
    b = {r["id"]: r for r in new}
    separated, split = risk_lineage(old, new)
    folded_now = {alias for r in new for alias in r.get("aliases", ())}
    out: dict = {"new": [], "resolved": [], "rescored": []}
    for rid in sorted(set(a) | set(b)):
        if rid not in a:
            if rid in separated:  # a finding an old risk held, standing alone now: not new
                out.setdefault("separated", []).append({**_risk_brief(b[rid]), "was_in": separated[rid]})
            else:
                out["new"].append(_risk_brief(b[rid]))
        elif rid not in b:
            if rid in split:  # it came apart: what it held is still there, one risk each
                gone = [x for x in a[rid].get("aliases", ()) if x not in b and x not in folded_now]
                out.setdefault("split", []).append({**_risk_brief(a[rid]), "into": split[rid], "gone": gone})
            else:
                out["resolved"].append(_risk_brief(a[rid]))
        else:
            ra, rb = a[rid], b[rid]
            changed = {k: {"old": ra[k], "new": rb[k]} for k in _SCORE_KEYS if ra[k] != rb[k]}
            # one root cause, one risk: what it folds in may change while its score does not (a
            # second replica fixes the instance part of a component SPOF; an SLO folded into it
            # becomes attainable)
            for k, name in (("disruptions", "disruptions"), ("aliases", "folded")):
                if list(ra.get(k, [])) != list(rb.get(k, [])):
                    changed[name] = {"old": list(ra.get(k, [])), "new": list(rb.get(k, []))}
            if changed:
                out["rescored"].append({"id": rid, "title": rb["title"], "changes": changed, "why": _why(ra, rb)})
    return out


def _verdict_view(a: dict) -> dict:
    v = a["verdict"]
    return {"verdict": v["verdict"], "launch_blockers": list(v.get("launch_blockers", [])),
            "checklist_blockers": v.get("checklist_blockers", 0),
            "checklist_unanswered_blockers": v.get("checklist_unanswered_blockers", 0)}


def diff_analyses(old_a: dict, new_a: dict) -> dict:
    """What the analysis says differently (both arguments: ``Analysis.to_dict()`` documents)."""
    vo, vn = _verdict_view(old_a), _verdict_view(new_a)
    return {
        "verdict": {
            "old": vo["verdict"], "new": vn["verdict"], "changed": vo["verdict"] != vn["verdict"],
            "blockers_added": [x for x in vn["launch_blockers"] if x not in vo["launch_blockers"]],
            "blockers_removed": [x for x in vo["launch_blockers"] if x not in vn["launch_blockers"]],
            "checklist_blockers": {"old": vo["checklist_blockers"], "new": vn["checklist_blockers"]},
            # an unanswered blocker counts as not met: what stands open is both (progress on answers
            # reads as progress, not as "not met 0 -> 1")
            "checklist_unanswered_blockers": {"old": vo["checklist_unanswered_blockers"],
                                              "new": vn["checklist_unanswered_blockers"]},
            "checklist_blockers_open": {
                "old": vo["checklist_blockers"] + vo["checklist_unanswered_blockers"],
                "new": vn["checklist_blockers"] + vn["checklist_unanswered_blockers"]},
            "reasons": {"old": list(old_a["verdict"].get("reasons", [])),
                        "new": list(new_a["verdict"].get("reasons", []))},
        },
        "spofs": _diff_spofs(old_a.get("spofs", []), new_a.get("spofs", [])),
        "blast_radius": _diff_blast(old_a, new_a),
        "availability": _diff_availability(old_a.get("availability", []), new_a.get("availability", [])),
        "risks": _diff_risks(old_a.get("risks", []), new_a.get("risks", [])),
    }


# ------------------------------------------------------------------ checklist
#: The counts of a checklist category compared, in the order they are said
CATEGORY_COUNTS = ("score", "answered", "met", "partly", "not_met", "not_applicable", "unanswered", "open_blockers")


def checklist_view(review: Review) -> dict:
    """What :func:`diff_checklists` compares of a review's checklist as it evaluates now (the
    reviewer's answers and those the model decides): the score, each item's status and who decided
    it, each category's counts. ``{"error": why}`` when the checklist cannot be evaluated (a template
    not installed): the analysis then says its blockers are not counted, and the diff says why."""
    from prr_app.checklist.evaluate import evaluate

    try:
        res = evaluate(review)
    except Exception as e:  # a broken checklist must not break the diff (as it does not break the analysis)
        return {"error": str(e)}
    items = {it.key: (it.status, it.source, it.required and it.severity == "blocker") for it in res.items}
    cats = {c.id: {"title": c.title, **{k: getattr(c, k) for k in CATEGORY_COUNTS}} for c in res.categories}
    return {"template": f"{res.template.id} {res.template.version}", "score": res.overall_score,
            "answered": res.overall.answered, "total": res.overall.total, "items": items, "categories": cats}


def _open(x) -> bool:
    """An item that is an open required blocker (not met, partly or unanswered)."""
    return x is not None and x[2] and x[0] in ("not_met", "partly", "unanswered")


def diff_checklists(old: dict, new: dict) -> dict:
    """What the checklist says differently (both :func:`checklist_view`): the score and how many items
    are answered, before and after; the answers whose status changed, those a reviewer gave or took
    back (``answers.reviewer``) apart from those the model decides (``answers.model``: a change of the
    model, such as a second replica, decides them); required blocker items no longer open
    (``blockers.closed``: met, not applicable, or no longer applying) and open now (``blockers.opened``);
    items that apply now or no longer (counts: a component added or removed brings or takes its
    items); the categories whose counts changed."""
    if "error" in old or "error" in new:
        return {"error": old.get("error") or new.get("error")}
    out: dict = {"score": {"old": old["score"], "new": new["score"]},
                 "answered": {"old": old["answered"], "new": new["answered"]},
                 "total": {"old": old["total"], "new": new["total"]}}
    if old["template"] != new["template"]:
        out["template"] = {"old": old["template"], "new": new["template"]}
    a, b = old["items"], new["items"]
    answers: dict[str, list] = {"reviewer": [], "model": []}
    for key, xb in b.items():
        xa = a.get(key)
        if xa is None or xa[0] == xb[0]:
            continue
        by = "reviewer" if "reviewer" in (xa[1], xb[1]) else "model"
        answers[by].append({"key": key, "old": xa[0], "new": xb[0]})
    out["answers"] = answers
    out["items"] = {"added": sum(1 for k in b if k not in a), "removed": sum(1 for k in a if k not in b)}
    closed, opened = [], []
    for key in dict.fromkeys([*a, *b]):
        xa, xb = a.get(key), b.get(key)
        was, now = _open(xa), _open(xb)
        if was == now:
            continue
        entry = {"key": key, "old": xa[0] if xa else None, "new": xb[0] if xb else None}
        (opened if now else closed).append(entry)
    out["blockers"] = {"closed": closed, "opened": opened}
    cats = []
    for cid, cb in new["categories"].items():
        ca = old["categories"].get(cid)
        if ca is None:
            continue
        ch = {k: {"old": ca[k], "new": cb[k]} for k in CATEGORY_COUNTS if ca[k] != cb[k]}
        if ch:
            cats.append({"id": cid, "title": cb["title"], "changes": ch})
    out["categories"] = cats
    return out


# ------------------------------------------------------------------ whole
def diff(old: Review, new: Review, old_analysis: dict, new_analysis: dict, *,
         old_label: str = "old", new_label: str = "new", old_checklist: dict | None = None,
         new_checklist: dict | None = None) -> dict:
    """The diff document (``schemas/diff.schema.json``) of two reviews and their analyses; with both
    checklists (:func:`checklist_view`), its ``checklist`` part too (:func:`diff_checklists`)."""
    model = diff_models(old, new)
    analysis = diff_analyses(old_analysis, new_analysis)
    mark_removed(analysis, old, new)
    for x in analysis["risks"]["rescored"]:
        if "policy" in x["why"]:
            x["why"]["policy"]["changes"] = _policy_reason(old, new, model["policy"], old_analysis, x["id"])
    out = {
        "format": "prr-diff",
        "version": DIFF_VERSION,
        "old": {"label": old_label, "system": old.meta.system_name},
        "new": {"label": new_label, "system": new.meta.system_name},
        "model": model,
        "analysis": analysis,
    }
    if old_checklist is not None and new_checklist is not None:
        out["checklist"] = diff_checklists(old_checklist, new_checklist)
    return out


#: The element type a risk's subject collection is (``risk_subject``), as ``went_with`` names it
_SUBJECT_TYPES = {"components": "component", "domains": "domain", "journeys": "journey", "groups": "group"}


def _spof_went_with(s: dict, new: Review) -> dict | None:
    """What a SPOF no longer found went with, when the element it is about is not in ``new``."""
    if s["element_type"] == "domain":
        return None if s["element"] in new.domains else {"element_type": "domain", "element": s["element"]}
    cid = s.get("component") or (s["element"].rsplit("#", 1)[0] if s["element_type"] == "instance" else s["element"])
    return None if cid in new.components else {"element_type": "component", "element": cid}


def _risk_went_with(r: dict, old: Review, new: Review) -> dict | None:
    """What a risk no longer in the register went with: the element it is about, removed from the
    review; a reviewer's own risk deleted. None: it went because something changed (resolved)."""
    subject = risk_subject(r["id"])
    if subject is not None:
        coll, eid = subject
        el = getattr(new, coll).get(eid)
        if el is not None and coll == "components" and MISSING_TAG in el.tags and r["id"].startswith("evidence:"):
            # its readiness evidence went with the files (the re-import flagged the component, never deleted
            # it): a risk on evidence no longer read was not resolved, and the component is still analysed
            return {"element_type": "component", "element": eid, "missing_from_source": True}
        if el is not None:
            return None
        return {"element_type": _SUBJECT_TYPES.get(coll, coll.rstrip("s")), "element": eid}
    if r.get("origin") != "computed" and r["id"] in old.risks and r["id"] not in new.risks:
        return {"element_type": "risk", "element": r["id"]}
    return None


def mark_removed(analysis: dict, old: Review, new: Review) -> None:
    """Move the SPOFs "fixed" and the risks "resolved" that went with an element removed from the
    review (a component deleted, a domain, a journey; a reviewer's risk deleted) to a ``removed``
    list of their own, each with ``went_with`` (``element_type``, ``element``): a deleted component's
    SPOF was not fixed, and a lead reading "fixed" takes it for remediated. The key is there only when
    something was removed."""
    for sp in analysis["spofs"].values():
        gone = [(x, w) for x in sp["fixed"] for w in [_spof_went_with(x, new)] if w]
        if gone:
            sp["fixed"] = [x for x in sp["fixed"] if _spof_went_with(x, new) is None]
            sp["removed"] = [{**x, "went_with": w} for x, w in gone]
    r = analysis["risks"]
    gone = [(x, w) for x in r["resolved"] for w in [_risk_went_with(x, old, new)] if w]
    if gone:
        r["resolved"] = [x for x in r["resolved"] if _risk_went_with(x, old, new) is None]
        r["removed"] = [{**x, "went_with": w} for x, w in gone]


def _policy_reason(old: Review, new: Review, policy: list[dict], old_analysis: dict, rid: str) -> list[dict]:
    """The policy changes behind a risk the policy now requires surviving, or no longer does: those
    on the risk's own disruption types (a domain's kind, and what a failure of that kind counts as)."""
    from prr_app.analysis.risks import DOMAIN_DISRUPTION

    survive = [p for p in policy if p["field"] == "survive"]
    r = next((x for x in old_analysis.get("risks", []) if x["id"] == rid), {})
    terms = set(r.get("disruptions", ()))
    for did in r.get("domains", ()) or ():
        dom = new.domains.get(did) or old.domains.get(did)
        if dom is not None:
            terms |= {dom.kind, DOMAIN_DISRUPTION.get(dom.kind, "component")}
    return [p for p in survive if p["term"] in terms] or survive


def is_empty(d: dict) -> bool:
    """True when the diff reports no change at all (the verdict included)."""
    m, a = d["model"], d["analysis"]
    if m["review"] or m.get("policy"):
        return False
    if any(m[k]["added"] or m[k]["removed"] or m[k]["changed"] for k, _ in COLLECTIONS):
        return False
    v = a["verdict"]
    if v["changed"] or v["blockers_added"] or v["blockers_removed"] or \
            v["checklist_blockers"]["old"] != v["checklist_blockers"]["new"] or \
            _changed(v.get("checklist_unanswered_blockers")):
        return False
    if a["spofs"] or any(a["blast_radius"].values()) or any(a["availability"].values()):
        return False
    if m.get("evidence") or checklist_changed(d.get("checklist")):
        return False
    return not any(a["risks"].values())


def _changed(x: dict | None) -> bool:
    return x is not None and x["old"] != x["new"]


def counts(d: dict) -> dict:
    """How many changes of each kind: a one-line summary's figures."""
    m, a = d["model"], d["analysis"]
    out = {"review_fields": len(m["review"]), "policy": len(m.get("policy", []))}
    for k, _ in COLLECTIONS:
        c = decisions_made(d) if k == "risks" else m[k]  # as the changelog and the report count them
        out[k] = len(c["added"]) + len(c["removed"]) + len(c["changed"])
    out["spofs_new"] = sum(len(v["new"]) for v in a["spofs"].values())
    out["spofs_fixed"] = sum(len(v["fixed"]) for v in a["spofs"].values())
    out["spofs_removed"] = sum(len(v.get("removed", [])) for v in a["spofs"].values())
    out["spofs_changed"] = sum(len(v["changed"]) for v in a["spofs"].values())
    out["blast_radius"] = sum(len(v) for v in a["blast_radius"].values())
    out["availability"] = sum(len(v) for v in a["availability"].values())
    out["risks_new"] = len(a["risks"]["new"])
    out["risks_resolved"] = len(a["risks"]["resolved"])
    out["risks_removed"] = len(a["risks"].get("removed", []))
    out["risks_rescored"] = len(a["risks"]["rescored"])
    out["risks_separated"] = len(a["risks"].get("separated", []))
    out["risks_split"] = len(a["risks"].get("split", []))
    out["evidence"] = sum(len(ids) for kinds in m.get("evidence", {}).values() for ids in kinds.values())
    c = d.get("checklist") or {}
    out["checklist_answers"] = sum(len(v) for v in (c.get("answers") or {}).values())
    return out


# ------------------------------------------------------------------ text
_TITLES = {
    "components": "Components", "dependencies": "Dependencies", "groups": "Redundancy groups",
    "domains": "Failure domains", "journeys": "Journeys", "answers": "Checklist answers",
    "risks": "Reviewer's risks and decisions", "mitigations": "Mitigations",
}


def _v(x) -> str:
    if x is None:
        return "(none)"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, str):
        return repr(x) if x == "" or " " in x else x
    if isinstance(x, list):
        return "[" + ", ".join(_v(i) for i in x) + "]"
    if isinstance(x, float):  # as stated: 99.99996 is not 100 (":g" keeps 6 digits)
        return f"{x:.12g}"
    return str(x)


def _shown(field: str, x) -> str:
    """A field's value as the diff prints it: a stored enum value in words as every face says it
    (:func:`~prr_app.wording.value_words`: "not_met" -> "not met", "load_balancer" -> "load balancer"),
    anything else as :func:`_v` writes it (an id keeps its underscores, a text with a space is quoted).
    A stored code holds no space, so what :func:`value_words` leaves as it is, :func:`_v` would too."""
    return value_words(field, x) if isinstance(x, str) and x and " " not in x else _v(x)


def _fields_text(fields: list[dict]) -> str:
    """Changed fields in words: ``status not met -> partly; user facing no -> yes``."""
    return "; ".join(f"{field_words(f['field'])} {_shown(f['field'], f['old'])} -> "
                     f"{_shown(f['field'], f['new'])}" for f in fields)


def _worded_state(s: dict) -> dict:
    """An answer's, decision's or mitigation's state (``model.answer_states``...) with its stored enum
    values in words, for the state's own text (``answer_state``, ``decision_state``, ``mitigation_state``)."""
    return {k: value_words(k, v) if isinstance(v, str) else v for k, v in s.items()}


def policy_change_text(p: dict) -> str:
    """One policy row in words: ``component: must be survived yes -> no``, ``zone: RTO (none) -> 30 min``."""
    return f"{p['term']}: {policy_change(p, _v)}"


def answer_state_text(s: dict) -> str:
    """An answer added or removed: its status in words, with its owner and due date when set:
    ``not met (owner ann, due 2026-07-01)``."""
    return answer_state(_worded_state(s))

#: The states of a reviewer's decision or mitigation added or removed, and their words (shared with the report).
_STATES = {"risks": "risk_states", "mitigations": "mitigation_states"}
_STATE_TEXT = {"risks": decision_state, "mitigations": mitigation_state}


def checklist_blockers_text(v: dict) -> str | None:
    """The verdict's blocker checklist items, open (not met or unanswered) then and now; None if
    neither count changed."""
    nm, un = v["checklist_blockers"], v.get("checklist_unanswered_blockers")
    if not _changed(nm) and not _changed(un):
        return None
    if un is None:  # a document from before the unanswered count
        return f"checklist blocker items not met: {nm['old']} -> {nm['new']}"
    op = v.get("checklist_blockers_open") or {"old": nm["old"] + un["old"], "new": nm["new"] + un["new"]}
    parts = [f"{what} {x['old']} -> {x['new']}" for what, x in (("not met", nm), ("unanswered", un)) if _changed(x)]
    return f"checklist blocker items open (not met or unanswered): {op['old']} -> {op['new']} ({', '.join(parts)})"


def _evidence_note(ch: dict) -> str:
    """A changed element's evidence changed too: a short note, not the lines (``prr diff --json`` has
    which kind; ``prr evidence`` shows them)."""
    return f" ({EVIDENCE_NOTE[ch['evidence']]})" if ch.get("evidence") in EVIDENCE_NOTE else ""


def checklist_lines(c: dict | None, limit: int = 0) -> list[str]:
    """A diff's checklist part as lines (empty when it reports no change): the score, the answers whose
    status changed (by a reviewer, or decided by the model), the blocker items open now or no longer,
    and the categories whose counts moved; at most ``limit`` of each list (0: all)."""
    if not c:
        return []
    if "error" in c:
        return [f"  the checklist could not be compared: {c['error']}"]
    if not checklist_changed(c):
        return []
    out = [f"  {checklist_headline(c)}"]

    def some(entries: list[str]) -> list[str]:
        if limit and len(entries) > limit:
            return entries[:limit] + [f"  ... {len(entries) - limit} more (prr diff --limit 0, or --json)"]
        return entries

    def worded(x: dict) -> dict:  # statuses in words ("not met"), as the checklist and the report say them
        return {**x, "old": x["old"] and enum_words(x["old"]), "new": x["new"] and enum_words(x["new"])}

    out += some([f"  ~ {x['key']}: {checklist_answer_text(worded(x), by)}"
                 for by in ("reviewer", "model") for x in c["answers"][by]])
    out += some([f"  + blocker {x['key']} {checklist_blocker_text(worded(x), True)}" for x in c["blockers"]["opened"]]
                + [f"  - blocker {x['key']} {checklist_blocker_text(worded(x), False)}" for x in c["blockers"]["closed"]])
    out += some([f"  ~ {x['title']}: {checklist_category_text(x)}" for x in c["categories"]])
    return out


def _risk_text(r: dict) -> str:
    flag = " BLOCKING" if r["launch_blocking"] else ""
    return f"[{r['severity']} {r['likelihood']}x{r['impact']}={r['score']}]{flag} {r['title']} ({r['id']})"


def _section(out: list[str], title: str, entries: list[str], limit: int) -> None:
    """A titled section of at most ``limit`` entries (0: all); an entry may span lines."""
    if not entries:
        return
    out += ["", title]
    shown = entries if not limit or len(entries) <= limit else entries[:limit]
    for e in shown:
        out.extend(e.split("\n"))
    if len(shown) < len(entries):
        out.append(f"  ... {len(entries) - len(shown)} more (prr diff --limit 0, or --json)")


def _change_text(key: str, c: dict) -> str:
    if key in ("disruptions", "folded"):  # lists: what left and what came
        gone = [x for x in c["old"] if x not in c["new"]]
        came = [x for x in c["new"] if x not in c["old"]]
        what = "disruptions" if key == "disruptions" else "folded findings"
        return f"{what} " + ", ".join([f"-{x}" for x in gone] + [f"+{x}" for x in came])
    return f"{field_words(key)} {_shown(key, c['old'])} -> {_shown(key, c['new'])}"


def _why_decision(key: str, c: dict) -> str:
    """A reviewer's decision behind a rescored risk in words, as the report says it: "accepted by vp on
    2026-12-07 until 2027-06-30: ok for now", "acceptance withdrawn (was ...)", "score set to
    likelihood 2 (rarely fails)", "acceptance expired no -> yes" (not the register's dicts as Python
    writes them)."""
    def said(v) -> str:
        if not isinstance(v, dict):
            return _v(v)
        if key == "accepted":
            return decision_state({"acceptance": v})
        return decision_state({"override": {k: v[k] for k in ("likelihood", "impact", "reason")
                                            if v.get(k) not in (None, "")}})

    old, new = c.get("old"), c.get("new")
    if key in ("accepted", "override") and (isinstance(old, dict) or isinstance(new, dict)):
        gone = "acceptance withdrawn" if key == "accepted" else "override taken back"
        if new in (None, {}):
            return f"{gone} (was {said(old)})"
        return said(new) + (f" (was {said(old)})" if old not in (None, {}) else "")
    return f"{field_words(key)}: {_v(old)} -> {_v(new)}"


def policy_reason_text(p: dict) -> str:
    """Why a risk was rescored when the resilience policy changed, in words."""
    now = "now requires surviving it" if p["required"]["new"] else "no longer requires surviving it"
    what = "; ".join(policy_change_text(x) for x in p.get("changes", []))
    return f"because the resilience policy {now}" + (f" ({what})" if what else "")


def diff_lines(d: dict, *, limit: int = 0) -> list[str]:
    """The diff as a changelog: the verdict first, then what changed, a section per kind.

    ``limit``: at most that many entries per section (0: all), the rest counted.
    """
    m, a = d["model"], d["analysis"]
    v = a["verdict"]
    out = [f"Changes from {d['old']['label']} to {d['new']['label']}", ""]
    if is_empty(d):
        return out + ["No changes."]
    out.append(f"VERDICT: {v['old']} -> {v['new']}" if v["changed"] else f"VERDICT: {v['new']} (unchanged)")
    out += [f"  + launch blocker {x}" for x in v["blockers_added"]]
    gone = {x["id"]: x for x in a["risks"].get("removed", [])}
    out += [f"  - launch blocker {x} ({gone_with_text(gone[x]) if x in gone else 'cleared'})"
            for x in v["blockers_removed"]]
    cb = checklist_blockers_text(v)
    if cb:
        out.append(f"  {cb}")

    if m["review"]:
        out += ["", "Review", f"  ~ {_fields_text(m['review'])}"]
    _section(out, "Resilience policy", [f"  ~ {policy_change_text(p)}" for p in m.get("policy", [])], limit)
    states = m.get("answer_states", {})
    for key, _ in COLLECTIONS:
        # the reviewer's decisions less the bare records a linked mitigation creates: the report's rule
        # (its mitigation's line says what was added)
        c = decisions_made(d) if key == "risks" else m[key]

        def state(x):
            if key == "answers" and x in states:
                return f": {answer_state_text(states[x])}"
            if key in ("risks", "mitigations") and x in m.get(_STATES[key], {}):
                return f": {_STATE_TEXT[key](_worded_state(m[_STATES[key]][x]))}"
            return ""

        _section(out, _TITLES[key], [f"  + {x}{state(x)}" for x in c["added"]]
                 + [f"  - {x}{state(x) and ' (was ' + state(x)[2:] + ')'}" for x in c["removed"]]
                 + [f"  ~ {ch['id']}: {_fields_text(ch['fields'])}{_evidence_note(ch)}" for ch in c["changed"]],
                 limit)
    _section(out, "Evidence (what the files an import read say; not changes of the model)",
             [f"  {x}" for x in evidence_lines(m.get("evidence") or {})], limit)
    _section(out, "Checklist", checklist_lines(d.get("checklist"), limit), 0)

    spofs = []
    for dtype, sp in a["spofs"].items():
        spofs += [f"  + new ({dtype}): {x['element']}" + (f", takes down {', '.join(x['journeys'] or x['user_facing_down'])}"
                                                        if x["journeys"] or x["user_facing_down"] else "")
                  for x in sp["new"]]
        spofs += [f"  - fixed ({dtype}): {x['element']}" for x in sp["fixed"]]
        spofs += [f"  - removed ({dtype}): {x['element']}: {gone_with_text(x)}" for x in sp.get("removed", [])]
        for x in sp["changed"]:
            parts = [f"{k.replace('_', ' ')} {_v(x[k]['old'])} -> {_v(x[k]['new'])}"
                     for k in ("journeys", "user_facing_down", "severity") if k in x]
            spofs.append(f"  ~ reach ({dtype}): {x['element']}: {'; '.join(parts)}")
    _section(out, "Single points of failure", spofs, limit)

    blast = []
    for direction in ("grew", "shrank", "changed"):
        for x in a["blast_radius"][direction]:
            extra = []
            if x["journeys_added"]:
                extra.append("now takes down " + ", ".join(x["journeys_added"]))
            if x["journeys_removed"]:
                extra.append("no longer takes down " + ", ".join(x["journeys_removed"]))
            if x["journeys_degraded_added"]:
                extra.append("now degrades " + ", ".join(x["journeys_degraded_added"]))
            if x["journeys_degraded_removed"]:
                extra.append("no longer degrades " + ", ".join(x["journeys_degraded_removed"]))
            blast.append(f"  {direction:7} {x['element_type']} {x['element']}: down {x['down']['old']} -> "
                         f"{x['down']['new']}, degraded {x['degraded']['old']} -> {x['degraded']['new']}"
                         + ("; " + "; ".join(extra) if extra else ""))
    _section(out, "Blast radius", blast, limit)

    av = a["availability"]
    state = {True: "attainable", False: "NOT attainable", None: "not judged"}
    avail = []
    for x in av["changed"]:
        o, n = x["old"], x["new"]
        line = (f"  ~ {x['target_type']} {x['target']}: {ceiling_text(o['estimate'], o['slo'])} % -> "
                f"{ceiling_text(n['estimate'], n['slo'])} %")
        if o["slo"] != n["slo"]:
            line += f", SLO {_v(o['slo'])} -> {_v(n['slo'])}"
        elif n["slo"] is not None:
            line += f", SLO {stated(n['slo'])} %"
        line += (f": {state[o['attainable']]} -> {state[n['attainable']]}" if x["attainability_changed"]
                 else f": {state[n['attainable']]}")
        avail.append(line)
    avail += [f"  + {x['target_type']} {x['target']}: {ceiling_text(x['estimate'], x['slo'])} %, {state[x['attainable']]}"
              for x in av["added"]]
    avail += [f"  - {x['target_type']} {x['target']}" for x in av["removed"]]
    _section(out, "Availability (ceiling by design vs SLO)", avail, limit)

    r = a["risks"]
    by_score = (lambda x: (-x["score"], x["id"]))
    risks = [f"  + new {_risk_text(x)}" for x in sorted(r["new"], key=by_score)]
    risks += [f"  - resolved {_risk_text(x)}" for x in sorted(r["resolved"], key=by_score)]
    risks += [f"  - removed {_risk_text(x)}: {gone_with_text(x)}" for x in sorted(r.get("removed", []), key=by_score)]
    for x in sorted(r.get("split", []), key=by_score):
        risks.append(f"  ~ split {_risk_text(x)}: {len(x['into'])} of the findings it held are risks of their own "
                     f"now ({', '.join(x['into'])})" + (f"; cleared: {', '.join(x['gone'])}" if x["gone"] else ""))
    risks += [f"  ~ separated {_risk_text(x)}, was part of {x['was_in']}"
              for x in sorted(r.get("separated", []), key=by_score)]
    for x in r["rescored"]:
        ch = x["changes"]
        lines = [f"  ~ rescored {x['id']}: " + "; ".join(_change_text(k, c) for k, c in ch.items())]
        why = x["why"]
        because, no_longer = why_inputs(why)
        lines += [f"      because: {s}" for s in because]
        lines += [f"      no longer: {s}" for s in no_longer]
        for k in ("override", "accepted", "acceptance_expired"):
            if k in why:
                lines.append(f"      {_why_decision(k, why[k])}")
        if "policy" in why:
            lines.append("      " + policy_reason_text(why["policy"]))
        risks.append("\n".join(lines))
    _section(out, "Risks", risks, limit)
    return out


def compare(old: Review, new: Review, *, seed: int = 0, today: str | None = None,
            old_label: str = "old", new_label: str = "new") -> dict:
    """Analyse both reviews (same seed, same day) and diff them: what ``prr diff`` reports."""
    from prr_app.review.assess import assess as analyze  # the checklist counts, as in prr analyze

    if today is None:
        import datetime as _dt

        today = _dt.date.today().isoformat()
    a = analyze(old, seed=seed, today=today).to_dict()
    b = analyze(new, seed=seed, today=today).to_dict()
    return diff(old, new, a, b, old_label=old_label, new_label=new_label,
                old_checklist=checklist_view(old), new_checklist=checklist_view(new))


#: Model collections drawn on the canvas, for :func:`element_marks`.
_DRAWN = ("components", "dependencies", "groups", "domains", "journeys")


def element_marks(d: dict) -> dict[str, str]:
    """``element id -> "added" | "changed" | "removed"`` for what the canvas draws (components,
    dependencies by ``SOURCE->TARGET``, groups, domains, journeys): how a "Changes since..."
    view marks them. Removed elements are not in the newer review; a view shows them as ghosts.
    Evidence that only moved or changed marks nothing (the model did not change); an element the
    latest import no longer finds, or finds again, is marked changed."""
    out: dict[str, str] = {}
    for key in _DRAWN:
        c = d["model"][key]
        for i in c["removed"]:
            out[i] = "removed"
        for ch in c["changed"]:
            out[ch["id"]] = "changed"
        ev = (d["model"].get("evidence") or {}).get(key, {})
        for i in [*ev.get("not_found", ()), *ev.get("found_again", ())]:
            out[i] = "changed"
        for i in c["added"]:
            out[i] = "added"
    return out


def changes_since(review: Review, milestone: str, *, seed: int = 0, today: str | None = None,
                  file: str | None = None) -> dict:
    """The diff from a milestone of ``review`` to ``review`` as it is: "Changes since <milestone>"."""
    from prr_app.review.milestones import find, milestone_review

    m = find(review, milestone, file=file)
    return compare(milestone_review(m, file=file), review, seed=seed, today=today,
                   old_label=f"{m.name} ({m.date})", new_label="now")


def report_sections(review: Review, *, since: str | None = None, plan=None, seed: int = 0,
                    today: str | None = None, file: str | None = None, plan_file: str | None = None) -> dict:
    """What the report's extra sections need (``reporting/changes.py``): ``{"changes", "plan"}``.

    ``changes``: the diff from a milestone to the review as it is, "Changes since <milestone>":
    the one named ``since`` (id or name), by default the newest; ``""`` or no milestone: none.
    ``plan``: with a :class:`~prr_app.review.plans.Plan`, its result (``plans.evaluate``).
    """
    from prr_app.review.milestones import find

    out: dict = {"changes": None, "plan": None}
    m = None
    if since:
        m = find(review, since, file=file)
    elif since is None:
        m = review.newest_milestone()
    if m is not None:
        out["changes"] = changes_since(review, m.id, seed=seed, today=today, file=file)
    if plan is not None:
        from prr_app.review.plans import evaluate

        out["plan"] = evaluate(review, plan, seed=seed, today=today, file=plan_file or file)
    return out
