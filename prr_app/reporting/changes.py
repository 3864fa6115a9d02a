"""The report's "Changes since <milestone>" and "Current vs after the plan" sections.

The reporting layer sits below the use cases: it receives the diff document
(``prr_app.review.diff.compare``, ``schemas/diff.schema.json``) and the plan's result
(``prr_app.review.plans.evaluate``, ``schemas/plan.schema.json``) as plain dicts and lays
them out, for the PDF (:func:`pdf_sections`, called once by ``reporting/pdf.py`` after the
executive summary) and for Markdown (:func:`markdown_sections`). Nothing here computes a
change: what changed is the diff's, what the plan changes is the plan's.

:func:`change_rows` reads a diff document as table rows (section, mark, subject, what),
shared by both outputs.
"""
from __future__ import annotations

import re

from prr_app.wording import (NOT_JUDGED_NO_FIGURES, answer_state, ceiling_text, count, enum_words, field_words,
                             gone_count, listed, policy_change, risk_decision_text, score_text, stated, value_words,
                             went_with)

#: At most this many rows per table; the rest are counted (``prr diff --json`` has them all).
ROW_LIMIT = 60

_COLLECTION_TITLES = (
    ("review", "Review"), ("components", "Component"), ("dependencies", "Dependency"),
    ("groups", "Redundancy group"), ("domains", "Failure domain"), ("journeys", "Journey"),
    ("answers", "Checklist answer"), ("risks", "Reviewer's risk or decision"), ("mitigations", "Mitigation"),
)
_PLURAL = {"components": "Components", "dependencies": "Dependencies", "groups": "Redundancy groups",
           "domains": "Failure domains", "journeys": "Journeys", "answers": "Checklist answers",
           "risks": "Reviewer's risks and decisions", "mitigations": "Mitigations"}
_OUTCOME_ORDER = {"new": 0, "worse": 1, "separated": 2, "resolved": 3, "mitigated": 4, "reduced": 5, "unchanged": 6}


def _v(x) -> str:
    if x is None:
        return "none"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, list):
        return "[" + ", ".join(_v(i) for i in x) + "]"
    if isinstance(x, float):
        return f"{stated(x)}"
    if isinstance(x, dict):
        return "{" + ", ".join(f"{k}: {_v(v)}" for k, v in x.items()) + "}"
    return str(x)


def _word(x, field: str | None = None) -> str:
    """A value in words: none for nothing stated, a stored code without underscores ("not_met" -> "not
    met"), as docs/report.md promises for every value the report prints. ``field``: the field it is the
    value of, whose stored codes are worded (wording.value_words: a kind, a status) and any other value
    kept as it is (an owner "team_a", a parent domain "eu_west": guessed from the value's looks, an id
    of lower-case words read "team a"); None: ``x`` is a code (an answer's status, a severity)."""
    if x in (None, ""):
        return "none"
    if isinstance(x, str):
        return enum_words(x) if field is None else value_words(field, x)
    return _v(x)


def _fields(fields: list[dict], limit: int = 6) -> str:
    fields = _acceptance_fields(fields)
    parts = [f.get("text") or f"{field_words(f['field'])}: {_word(f['old'], f['field'])} → {_word(f['new'], f['field'])}"
             for f in fields[:limit]]
    if len(fields) > limit:
        parts.append(f"and {len(fields) - limit} more fields")
    return "; ".join(parts)


def _acceptance_fields(fields: list[dict]) -> list[dict]:
    """A risk's acceptance fields (``acceptance.by``, ``.at``, ``.until``, ``.reason``) as one entry in
    words: "acceptance by Ana Ruiz until 2027-02-28 (retry) withdrawn", "accepted by ... ", rather
    than four "acceptance.at: 2026-12-07 -> none" rows a lead has to piece together."""
    acc = [f for f in fields if f["field"].startswith("acceptance.")]
    if not acc:
        return fields
    old = {f["field"].split(".", 1)[1]: f["old"] for f in acc}
    new = {f["field"].split(".", 1)[1]: f["new"] for f in acc}

    def said(v: dict) -> str:
        return ((f" by {v['by']}" if v.get("by") else "") + (f" on {v['at']}" if v.get("at") else "")
                + (f" until {v['until']}" if v.get("until") else "") + (f" ({v['reason']})" if v.get("reason") else ""))

    if not any(new.values()):
        text = f"acceptance{said(old)} withdrawn"
    elif not any(old.values()):
        text = f"accepted{said(new)}"
    else:
        text = "acceptance changed: " + "; ".join(f"{k} {_word(old.get(k), k)} → {_word(new.get(k), k)}" for k in old)
    rest = [f for f in fields if not f["field"].startswith("acceptance.")]
    at = fields.index(acc[0])
    return rest[:at] + [{"field": "acceptance", "text": text}] + rest[at:]


def _risk(r: dict) -> str:
    return (f"{r['severity']} {r['likelihood']}×{r['impact']}={r['score']}"
            + (", launch blocker" if r["launch_blocking"] else ""))


def decision_state(s: dict) -> str:
    """A reviewer's risk or decision in words: who accepted it, when, until when and why; a score
    override; the launch-blocking decision; its owner (``diff``'s ``model.risk_states``)."""
    parts = [f"{s['title']}" if s.get("title") else ""]
    acc = s.get("acceptance")
    if acc:
        parts.append(f"accepted by {acc['by']} on {acc['at']}"
                     + (f" until {acc['until']}" if acc.get("until") else " (no end date)")
                     + (f": {acc['reason']}" if acc.get("reason") else ""))
    elif s.get("status"):
        parts.append(s["status"])
    ov = s.get("override")
    if ov:
        parts.append("score set to " + ", ".join(f"{k} {ov[k]}" for k in ("likelihood", "impact") if k in ov)
                     + (f" ({ov['reason']})" if ov.get("reason") else ""))
    if "launch_blocking" in s:
        parts.append(("launch blocker" if s["launch_blocking"] else "not a launch blocker")
                     + (f" ({s['launch_blocking_reason']})" if s.get("launch_blocking_reason") else ""))
    if s.get("owner"):
        parts.append(f"owner {s['owner']}")
    return "; ".join(p for p in parts if p)


def bare_record(s: dict | None) -> bool:
    """Is a reviewer's risk or decision added or removed (``diff``'s ``model.risk_states``) only the bare
    record linking a mitigation to a computed risk creates (``edits.add_mitigation``): no owner, status,
    acceptance, override or launch-blocking say of its own? It decides nothing: the report neither
    counts nor lists it as a reviewer's risk or decision (the mitigation's row says what was added)."""
    if not s or s.get("origin") != "computed" or (s.get("status") or "open") != "open":
        return False
    return not ({"owner", "acceptance", "override", "launch_blocking", "title"} & set(s))


def decisions_made(d: dict) -> dict[str, list]:
    """A diff's reviewer's risks and decisions (``model.risks``) less the bare records a linked
    mitigation creates (:func:`bare_record`): ``{"added", "removed", "changed"}``."""
    c = d["model"]["risks"]
    st = d["model"].get("risk_states", {})
    return {"added": [i for i in c["added"] if not bare_record(st.get(i))],
            "removed": [i for i in c["removed"] if not bare_record(st.get(i))],
            "changed": list(c["changed"])}


#: The analysis' blast-radius input of a risk: ``blast radius: 3 down, 0 degraded of 11 components``
#: (``analysis/risks.py``); "of 11" is the number of components in the review, not a fact of the risk
_BLAST_INPUT = re.compile(r"^blast radius: (\d+) down, (\d+) degraded of (\d+) components$")


def _blast(s: str) -> tuple[int, int] | None:
    m = _BLAST_INPUT.match(str(s))
    return (int(m.group(1)), int(m.group(2))) if m else None


def drop_total_only(removed: list[str], added: list[str]) -> tuple[list[str], list[str]]:
    """A rescored risk's inputs that went and came (``diff``'s ``why.inputs_removed``, ``inputs_added``)
    less the blast-radius pair whose counts are the same: only the review's number of components
    differs ("3 down, 0 degraded of 12" -> "of 11" when any component is added or removed), which is
    no cause of anything. ``prr diff`` drops them from the document; the report reads older ones so too."""
    old = [x for x in removed if _blast(x) is not None]
    new = [x for x in added if _blast(x) is not None]
    if len(old) == 1 and len(new) == 1 and _blast(old[0]) == _blast(new[0]):
        return [x for x in removed if x != old[0]], [x for x in added if x != new[0]]
    return list(removed), list(added)


#: A number in an input's sentence, a date or a figure whole (``prr diff`` pairs sentences that differ
#: only in their numbers: "2026-12-31 -> 2027-01-15", never "2026 -> 2027-12 -> 01-31 -> 15")
_NUMBER = re.compile(r"\d+(?:[.-]\d+)*")


def _numbers_changed(old: str, new: str, arrow: str) -> str:
    """One sentence said twice with other numbers, as one: "the fix spans 11 -> 10 components"."""
    a, b, text = _NUMBER.findall(old), _NUMBER.findall(new), _NUMBER.split(new)
    return text[0] + "".join((y if x == y else f"{x} {arrow} {y}") + t for x, y, t in zip(a, b, text[1:]))


def why_inputs(why: dict, arrow: str = "->") -> tuple[list[str], list[str]]:
    """A rescored risk's input changes in words, as ``prr diff``, the app and the report say them:
    ``(because, no_longer)``. An input said before and after with other numbers is one line naming
    what changed ("no owner: the fix spans 11 -> 10 components"), not the old and the new sentence
    side by side; a blast radius says its counts ("blast radius: components down 3 -> 4"), never the
    review's number of components, and one that only changed that number says nothing."""
    removed, added = drop_total_only(why.get("inputs_removed", []), why.get("inputs_added", []))
    because, no_longer = list(added), list(removed)

    def skeleton(x: str) -> str:
        return _NUMBER.sub("#", x)

    for new in added:
        olds = [x for x in no_longer if skeleton(x) == skeleton(new)]
        if len(olds) != 1 or sum(skeleton(x) == skeleton(new) for x in added) != 1:
            continue  # said once before and once after, or it is not the same input
        old = olds[0]
        if _blast(new) is not None:
            (od, og), (nd, ng) = _blast(old), _blast(new)
            said = "blast radius: " + "; ".join(f"{what} {o} {arrow} {n}" for what, o, n in (
                ("components down", od, nd), ("degraded", og, ng)) if o != n)
        else:
            said = _numbers_changed(old, new, arrow)
        because[because.index(new)] = said
        no_longer.remove(old)
    return because, no_longer


def gone_with_text(x: dict) -> str:
    """A single point of failure or a risk of a diff's ``removed`` lists in words (``went_with``)."""
    w = x.get("went_with") or {}
    return went_with(w.get("element_type", "component"), w.get("element", ""), bool(w.get("missing_from_source")))


def mitigation_state(s: dict) -> str:
    """A mitigation in words: what, owner, due date, status, effort, the risks it is for
    (``diff``'s ``model.mitigation_states``)."""
    who = ", ".join(x for x in (s.get("owner") and f"owner {s['owner']}", s.get("due") and f"due {s['due']}") if x)
    parts = [s.get("title", ""), who or "no owner, no due date", s.get("status", ""),
             s.get("effort") and f"effort {s['effort']}", s.get("risks") and "for " + ", ".join(s["risks"])]
    return "; ".join(p for p in parts if p)


#: Element words by collection, for the evidence lines ("evidence of 7 dependencies refreshed")
_NOUNS = {"components": ("component", "components"), "dependencies": ("dependency", "dependencies"),
          "groups": ("redundancy group", "redundancy groups"), "domains": ("failure domain", "failure domains"),
          "journeys": ("journey", "journeys")}

#: How many ids an evidence line names before counting the rest
EVIDENCE_NAMES_SHOWN = 3


def evidence_lines(ev: dict) -> list[str]:
    """What the files say differently (a diff's ``model.evidence``), one line per kind: the evidence an
    import read is not the model, and a re-import refreshes it whenever a line above moves, so lines
    that only moved are counted, not listed. Shared by ``prr diff`` and the report."""
    out = []
    for coll, kinds in ev.items():
        one, many = _NOUNS.get(coll, (coll, coll))

        def n(ids):
            return count(len(ids), one, many)

        def names(ids):
            return listed(ids, EVIDENCE_NAMES_SHOWN)

        if kinds.get("not_found"):
            ids = kinds["not_found"]
            out.append(f"{n(ids)} no longer found by the latest import (flagged in the evidence, not deleted): "
                       f"{names(ids)}")
        if kinds.get("found_again"):
            ids = kinds["found_again"]
            out.append(f"{n(ids)} found again by the latest import (the flag is gone): {names(ids)}")
        if kinds.get("changed"):
            ids = kinds["changed"]
            out.append(f"evidence of {n(ids)} changed (lines added or removed): {names(ids)}")
        if kinds.get("moved"):
            out.append(f"evidence of {n(kinds['moved'])} refreshed (lines moved)")
    return out


#: What an evidence change beside a real change is called, as a short note on it
EVIDENCE_NOTE = {"moved": "evidence refreshed too (lines moved)", "changed": "evidence changed too",
                 "not_found": "no longer found by the latest import", "found_again": "found again by the latest import"}


def _pct(x) -> str:
    return "none" if x is None else score_text(x)


def checklist_changed(c: dict | None) -> bool:
    """Does a diff's checklist part report a change?"""
    if not c or "error" in c:
        return False
    return bool(c["score"]["old"] != c["score"]["new"] or c["answered"]["old"] != c["answered"]["new"]
                or c.get("template") or c["answers"]["reviewer"] or c["answers"]["model"]
                or c["blockers"]["closed"] or c["blockers"]["opened"] or c["categories"]
                or c["items"]["added"] or c["items"]["removed"])


def checklist_headline(c: dict, arrow: str = "->") -> str:
    """A diff's checklist part in one line: its score and how many items are answered, then and now
    (``score 1.8 % -> 2.2 %``: under a "Checklist" title)."""
    sc, an, tot = c["score"], c["answered"], c["total"]
    out = (f"score {_pct(sc['old'])} {arrow} {_pct(sc['new'])}" if sc["old"] != sc["new"]
           else f"score {_pct(sc['new'])} (unchanged)")
    if an["old"] != an["new"] or tot["old"] != tot["new"]:
        out += f"; answered {an['old']} of {tot['old']} {arrow} {an['new']} of {tot['new']}"
    if c.get("template"):
        out += f"; template {c['template']['old']} {arrow} {c['template']['new']}"
    it = c["items"]
    if it["added"] or it["removed"]:
        out += (f"; {count(it['added'], 'item applies', 'items apply')} now that did not, "
                f"{count(it['removed'], 'item', 'items')} no longer (elements added or removed)")
    return out


def checklist_answer_text(x: dict, by: str, arrow: str = "->") -> str:
    """A checklist answer whose status changed: ``not_met -> partly (decided by the model)``."""
    who = "decided by the model" if by == "model" else "by a reviewer"
    return f"{x['old']} {arrow} {x['new']} ({who})"


def checklist_blocker_text(x: dict, opened: bool, arrow: str = "->") -> str:
    """A required blocker item that opened or closed: ``open now: met -> not_met``."""
    old = x["old"] or "did not apply"
    new = x["new"] or "no longer applies"
    return f"{'open now' if opened else 'no longer open'}: {old} {arrow} {new}"


def checklist_category_text(x: dict, arrow: str = "->") -> str:
    """A checklist category's counts that changed: ``score 0.9 % -> 1.3 %; met 0 -> 1``."""
    parts = []
    for k, ch in x["changes"].items():
        o, n = ch["old"], ch["new"]
        if k == "score":
            parts.append(f"score {_pct(o)} {arrow} {_pct(n)}")
        else:
            parts.append(f"{field_words(k)} {o} {arrow} {n}")
    return "; ".join(parts)


#: Rows the verdict turns on come first in the report (the table has a cap): the reviewer's decisions
#: and mitigations, the resilience policy, checklist answers, launch blockers and attainable SLOs
_VERDICT_SECTIONS = ("Resilience policy", "Reviewer's risk or decision", "Mitigation", "Checklist answer",
                     "Checklist blocker")


def change_rows(d: dict) -> list[tuple[str, str, str, str]]:
    """``(section, mark, subject, what)`` for every change of a diff document: what the verdict turns
    on first (the reviewer's decisions and mitigations, the resilience policy, checklist answers, risks
    that block the launch or stopped blocking it, SLOs that became attainable or not), then the rest;
    each part in changelog order: the model (by collection), then SPOFs, availability and risks."""
    rows = _all_rows(d)
    v = d["analysis"]["verdict"]
    blockers = set(v["blockers_added"]) | set(v["blockers_removed"])
    first = [hot or r[0] in _VERDICT_SECTIONS or (r[0] == "Risk" and r[2] in blockers) for r, hot in rows]
    return [r for (r, _), f in zip(rows, first) if f] + [r for (r, _), f in zip(rows, first) if not f]


def _all_rows(d: dict) -> list[tuple[tuple[str, str, str, str], bool]]:
    """Every row in changelog order, with whether it is verdict-relevant beyond its section."""
    out: list[tuple[tuple[str, str, str, str], bool]] = []
    rows = _rows(d)
    a = d["analysis"]
    hot = {x["id"] for x in a["risks"]["rescored"]
           if {"launch_blocking", "status"} & set(x["changes"])}
    hot |= {f"{x['target_type']} {x['target']}" for x in a["availability"]["changed"] if x["attainability_changed"]}
    hot |= {x["id"] for k in ("new", "resolved", "removed", "split", "separated") for x in a["risks"].get(k, [])
            if x["launch_blocking"]}
    for r in rows:
        out.append((r, r[0] in ("Risk", "Availability") and r[2] in hot))
    return out


def _rows(d: dict) -> list[tuple[str, str, str, str]]:
    m, a = d["model"], d["analysis"]
    rows: list[tuple[str, str, str, str]] = []
    if m["review"]:
        rows.append(("Review", "changed", "header", _fields(m["review"])))
    rows += [("Resilience policy", "changed", p["term"], _policy(p)) for p in m.get("policy", [])]
    states = m.get("answer_states", {})
    words = {"answers": (states, lambda x: answer_state({**x, "status": _word(x.get("status"))})),
             "risks": (m.get("risk_states", {}), decision_state),
             "mitigations": (m.get("mitigation_states", {}), mitigation_state)}
    for key, title in _COLLECTION_TITLES[1:]:
        c = decisions_made(d) if key == "risks" else m[key]
        st, say = words.get(key, ({}, None))
        state = (lambda i: say(st[i]) if i in st else "")
        rows += [(title, "added", i, state(i)) for i in c["added"]]
        rows += [(title, "removed", i, state(i) and f"was {state(i)}") for i in c["removed"]]
        rows += [(title, "changed", ch["id"], _fields(ch["fields"])
                  + (f"; {EVIDENCE_NOTE[ch['evidence']]}" if ch.get("evidence") in EVIDENCE_NOTE else ""))
                 for ch in c["changed"]]
    rows += _checklist_rows(d.get("checklist"))
    for dtype, sp in a["spofs"].items():
        for x in sp["new"]:
            hit = x["journeys"] or x["user_facing_down"]
            rows.append((f"SPOF ({dtype})", "new", x["element"], "takes down " + ", ".join(hit) if hit else ""))
        rows += [(f"SPOF ({dtype})", "fixed", x["element"], "") for x in sp["fixed"]]
        # gone because what it is about was removed: never "fixed" (nothing was remediated)
        rows += [(f"SPOF ({dtype})", "removed", x["element"], gone_with_text(x)) for x in sp.get("removed", [])]
        rows += _reach_rows(dtype, sp["changed"])
    state = {True: "attainable", False: "not attainable", None: "not judged"}

    def ceiling(v: dict) -> str:  # 100 % only because nothing under it states a figure: never printed as one
        return "no figures" if _no_figures(v) else f"{ceiling_text(v['estimate'], v['slo'])} %"

    def judged(v: dict) -> str:
        return NOT_JUDGED_NO_FIGURES if _no_figures(v) else state[v["attainable"]]

    for x in a["availability"]["changed"]:
        o, n = x["old"], x["new"]
        what = f"ceiling {ceiling(o)} → {ceiling(n)}"
        if o["slo"] != n["slo"]:
            what += f"; SLO {_v(o['slo'])} → {_v(n['slo'])}"
        what += (f"; {judged(o)} → {judged(n)}" if judged(o) != judged(n) else f"; {judged(n)}")
        rows.append(("Availability", x["ceiling"] if x["ceiling"] != "same" else "changed",
                     f"{x['target_type']} {x['target']}", what))
    rows += [("Availability", "added", f"{x['target_type']} {x['target']}",
              f"ceiling {ceiling(x)}, {judged(x)}")
             for x in a["availability"]["added"]]
    rows += [("Availability", "removed", f"{x['target_type']} {x['target']}", "") for x in a["availability"]["removed"]]
    r = a["risks"]
    by_score = (lambda x: (-x["score"], x["id"]))
    rows += [("Risk", "new", x["id"], f"{x['title']} ({_risk(x)})") for x in sorted(r["new"], key=by_score)]
    rows += [("Risk", "resolved", x["id"], f"{x['title']} (was {_risk(x)})") for x in sorted(r["resolved"], key=by_score)]
    rows += [("Risk", "removed", x["id"], f"{x['title']} (was {_risk(x)}): {gone_with_text(x)}")
             for x in sorted(r.get("removed", []), key=by_score)]
    rows += [("Risk", "split", x["id"], f"{x['title']} (was {_risk(x)}): what it held is {len(x['into'])} risks "
              f"of their own now ({', '.join(x['into'])})" + (f"; cleared: {', '.join(x['gone'])}" if x["gone"] else ""))
             for x in sorted(r.get("split", []), key=by_score)]
    rows += [("Risk", "separated", x["id"], f"{x['title']} ({_risk(x)}), was part of {x['was_in']}")
             for x in sorted(r.get("separated", []), key=by_score)]
    for x in r["rescored"]:
        parts = []
        for k, c in x["changes"].items():
            if k in ("disruptions", "folded"):
                gone = [i for i in c["old"] if i not in c["new"]]
                came = [i for i in c["new"] if i not in c["old"]]
                parts.append(("disruptions" if k == "disruptions" else "folded findings") + " "
                             + ", ".join([f"−{i}" for i in gone] + [f"+{i}" for i in came]))
            else:
                parts.append(f"{field_words(k)} {_v(c['old'])} → {_v(c['new'])}")
        why = x["why"]
        acc = (why.get("accepted") or {}).get("new")
        if isinstance(acc, dict) and acc.get("by"):
            parts.append(decision_state({"acceptance": acc}))
        elif "accepted" in why:
            parts.append("acceptance withdrawn")
        if "acceptance_expired" in why and why["acceptance_expired"]["new"]:
            parts.append("its acceptance expired")
        because = why_inputs(why, "→")[0][:2]  # what changed, never only the review's number of components
        if because:
            parts.append("because: " + "; ".join(because))
        if "policy" in why:
            p = why["policy"]
            now = "now requires surviving it" if p["required"]["new"] else "no longer requires surviving it"
            what = "; ".join(f"{c['term']}: {_policy(c)}" for c in p.get("changes", []))
            parts.append(f"the resilience policy {now}" + (f" ({what})" if what else ""))
        rows.append(("Risk", "rescored", x["id"], "; ".join(parts)))
    return rows


#: A journey newly (or no longer) taken down by at least this many single points of failure is one line,
#: not a line each: adding a journey puts every component it needs on it at once
REACH_FOLD = 3


def _moved(old, new) -> tuple[list, list]:
    old, new = list(old or []), list(new or [])
    return [i for i in new if i not in old], [i for i in old if i not in new]


def _reach_rows(dtype: str, changed: list[dict]) -> list[tuple[str, str, str, str]]:
    """The single points of failure whose reach changed, in words ("now takes down journey buy",
    "severity critical → high"); a journey that many of them now take down (it was just added, or a
    dependency put it behind them) is one line: "journey buy added: 20 single points of failure now
    take it down (ad, agent, ... and 17 more)" rather than twenty rows of "journeys: [] → [buy]"."""
    by_journey: dict[tuple[str, str], list[str]] = {}
    for x in changed:
        if "journeys" in x:
            came, gone = _moved(x["journeys"]["old"], x["journeys"]["new"])
            for j in came:
                by_journey.setdefault(("added", j), []).append(x["element"])
            for j in gone:
                by_journey.setdefault(("removed", j), []).append(x["element"])
    folded = {k: v for k, v in by_journey.items() if len(v) >= REACH_FOLD}
    rows = []
    for x in changed:
        parts = []
        if "journeys" in x:
            came, gone = _moved(x["journeys"]["old"], x["journeys"]["new"])
            came = [j for j in came if ("added", j) not in folded]
            gone = [j for j in gone if ("removed", j) not in folded]
            if came:
                parts.append("now takes down journey" + ("s " if len(came) > 1 else " ") + ", ".join(came))
            if gone:
                parts.append("no longer takes down journey" + ("s " if len(gone) > 1 else " ") + ", ".join(gone))
        if "user_facing_down" in x:
            came, gone = _moved(x["user_facing_down"]["old"], x["user_facing_down"]["new"])
            if came:
                parts.append("now takes down user-facing " + ", ".join(came))
            if gone:
                parts.append("no longer takes down user-facing " + ", ".join(gone))
        if "severity" in x:
            parts.append(f"severity {_word(x['severity']['old'])} → {_word(x['severity']['new'])}")
        if parts:
            rows.append((f"SPOF ({dtype})", "reach", x["element"], "; ".join(parts)))
    for (how, j), elements in folded.items():
        verb = "now take it down" if how == "added" else "no longer take it down"
        rows.append((f"SPOF ({dtype})", "reach", f"journey {j}",
                     f"journey {j} {'added to' if how == 'added' else 'gone from'} what they take down: "
                     f"{count(len(elements), 'single point of failure', 'single points of failure')} {verb} "
                     f"({listed(elements, 8)})"))
    return rows


def _no_figures(v: dict) -> bool:
    """An availability of the diff (estimate, SLO, attainable, method: no budget consumers) with no
    figure under it: a ceiling of 100 % is reached only when nothing it needs states an availability
    (``assessment.no_figures``, which the report's section 1.2 uses, reads the consumers too)."""
    return v.get("estimate") is None or v["estimate"] >= 100.0


def _checklist_rows(c: dict | None) -> list[tuple[str, str, str, str]]:
    """The checklist's changes as rows: blocker items open now or no longer, answers the model decides
    differently (a reviewer's answers are the "Checklist answer" rows), categories whose counts moved."""
    if not checklist_changed(c):
        return []

    def worded(x: dict) -> dict:  # the report's words ("not met"); ``prr diff`` prints the values as stored
        return {**x, "old": x["old"] and _word(x["old"]), "new": x["new"] and _word(x["new"])}

    rows = [("Checklist blocker", "open", x["key"], checklist_blocker_text(worded(x), True, "→"))
            for x in c["blockers"]["opened"]]
    rows += [("Checklist blocker", "closed", x["key"], checklist_blocker_text(worded(x), False, "→"))
             for x in c["blockers"]["closed"]]
    rows += [("Checklist item", "changed", x["key"], checklist_answer_text(worded(x), "model", "→"))
             for x in c["answers"]["model"]]
    rows += [("Checklist category", "changed", x["title"], checklist_category_text(x, "→")) for x in c["categories"]]
    return rows


def _policy(p: dict) -> str:
    """A resilience policy row of the diff in words: ``must be survived yes → no``, ``RTO none → 30 min``."""
    return policy_change(p, _v, "→")


def _verdict_words(v: str) -> str:
    """A verdict in words, as the rest of the report prints it ("not-ready" -> "Not ready")."""
    from prr_app.reporting.assessment import VERDICT_TEXT

    return VERDICT_TEXT.get(v, str(v))


def _verdict_line(d: dict) -> str:
    v = d["analysis"]["verdict"]
    old, new = _verdict_words(v["old"]), _verdict_words(v["new"])
    out = (f"Verdict: {old.lower()} then, {new.lower()} now" if v["changed"] else f"Verdict: {new.lower()} (unchanged)")
    gone = {x["id"] for x in d["analysis"]["risks"].get("removed", [])}
    cleared = [x for x in v["blockers_removed"] if x not in gone]
    if cleared:
        out += f"; {len(cleared)} launch blocker{'s' if len(cleared) != 1 else ''} cleared"
    if len(cleared) < len(v["blockers_removed"]):  # went with what was removed: not cleared by a fix
        out += "; " + gone_count(len(v["blockers_removed"]) - len(cleared), "launch blocker")
    if v["blockers_added"]:
        out += f"; {len(v['blockers_added'])} new launch blocker{'s' if len(v['blockers_added']) != 1 else ''}"
    cb, un = v["checklist_blockers"], v.get("checklist_unanswered_blockers")
    if un is None:  # a document from before the unanswered count
        if cb["old"] != cb["new"]:
            out += f"; blocker checklist items not met {cb['old']} → {cb['new']}"
    elif cb["old"] != cb["new"] or un["old"] != un["new"]:
        # an unanswered blocker counts as not met: answering items is progress, not "not met 0 → 1"
        parts = [f"{what} {x['old']} → {x['new']}" for what, x in (("not met", cb), ("unanswered", un))
                 if x["old"] != x["new"]]
        out += (f"; blocker checklist items open (not met or unanswered) {cb['old'] + un['old']} → "
                f"{cb['new'] + un['new']} ({', '.join(parts)})")
    return out + "."


def _summary_rows(d: dict) -> list[tuple[str, str]]:
    m, a = d["model"], d["analysis"]
    out = []
    if m.get("policy"):
        out.append(("Resilience policy", f"{len(m['policy'])} changed"))
    for key, title in _COLLECTION_TITLES[1:]:
        c = decisions_made(d) if key == "risks" else m[key]
        n = (len(c["added"]), len(c["removed"]), len(c["changed"]))
        if any(n):
            out.append((_PLURAL[key], f"{n[0]} added, {n[1]} removed, {n[2]} changed"))
    c = d.get("checklist")
    if checklist_changed(c):
        out.append(("Checklist", checklist_headline(c, "→")))
    ev = evidence_lines(m.get("evidence") or {})
    if ev:
        out.append(("Evidence (not the model)", "; ".join(ev)))
    new = sum(len(v["new"]) for v in a["spofs"].values())
    fixed = sum(len(v["fixed"]) for v in a["spofs"].values())
    gone = sum(len(v.get("removed", [])) for v in a["spofs"].values())
    if new or fixed or gone:
        out.append(("Single points of failure", f"{new} new, {fixed} fixed" + (f", {gone_count(gone)}" if gone else "")))
    r = a["risks"]
    if r["new"] or r["resolved"] or r.get("removed") or r["rescored"] or r.get("split") or r.get("separated"):
        apart = (f", {len(r.get('split', []))} split into {len(r.get('separated', []))} of their own"
                 if r.get("split") or r.get("separated") else "")
        removed = f", {gone_count(len(r['removed']))}" if r.get("removed") else ""
        out.append(("Risks", f"{len(r['new'])} new, {len(r['resolved'])} resolved{removed}, "
                    f"{len(r['rescored'])} rescored" + apart))
    return out


def _is_empty(d: dict) -> bool:
    return not change_rows(d) and not d["analysis"]["verdict"]["changed"] and not _summary_rows(d)


def _since_title(d: dict) -> str:
    return f"Changes since {d['old']['label']}"


def _plan_side_rows(res: dict) -> list[tuple[str, str, str]]:
    b, a = res["before"], res["after"]

    def sev(x):
        return ", ".join(f"{x['by_severity'][s]} {s}" for s in ("critical", "high", "medium", "low"))

    return [
        ("Verdict", _verdict_words(b["verdict"]), _verdict_words(a["verdict"])),
        ("Launch blockers", str(len(b["launch_blockers"])), str(len(a["launch_blockers"]))),
        ("Blocker checklist items not met or partly met", str(b["checklist_blockers"]), str(a["checklist_blockers"])),
        ("Blocker checklist items unanswered", str(b.get("checklist_unanswered_blockers", 0)),
         str(a.get("checklist_unanswered_blockers", 0))),
        ("Risks", f"{b['risks']} ({sev(b)})", f"{a['risks']} ({sev(a)})"),
        ("Open risk score (sum)", str(b["risk_score"]), str(a["risk_score"])),
        ("SLOs not attainable by design", ", ".join(b["slo_not_attainable"]) or "none",
         ", ".join(a["slo_not_attainable"]) or "none"),
    ]


def _effort_text(res: dict) -> str:
    e = res["effort"]
    return (f"{len(res['changes'])} change{'s' if len(res['changes']) != 1 else ''}: {e['small']} small, "
            f"{e['medium']} medium, {e['large']} large (weight {e['weight']}: small 1, medium 3, large 8)")


def _risk_rows(res: dict) -> list[dict]:
    moved = [r for r in res["risks"] if r["outcome"] != "unchanged"]
    return sorted(moved, key=lambda r: (_OUTCOME_ORDER[r["outcome"]], r["id"]))


def _outcome(r: dict) -> str:
    """A risk's outcome in words: a separated one says which risk held it today."""
    return f"separated from {r['was_in']}" if r.get("was_in") else r["outcome"]


def _due(c: dict) -> str:
    """A plan change's due date, marked when it is already past (the plan's ``today``)."""
    return "—" if not c["due"] else c["due"] + (" (overdue)" if c.get("overdue") else "")


def _state(x: dict | None) -> str:
    return "—" if x is None else _risk(x) + ("" if x["status"] == "open" else f", {x['status']}")


def decisions_since(review, d: dict) -> list[tuple[str, str, str, str]]:
    """The decisions taken on risks since the milestone the diff ``d`` starts from, oldest first, as
    ``(when, who, risk, decision and why)``: a reopening with its reason ("VP wants shipping fixed") is
    the lead's to read, not only its field changes ("acceptance.by: Ana Ruiz -> none"). The trail is
    the review's (``Risk.history``, appended and never rewritten): what a risk's trail holds beyond the
    milestone's copy of it is what was decided since. ``review``: the review as it is (None: none)."""
    if review is None:
        return []
    label = d.get("old", {}).get("label")
    ms = [m for m in getattr(review, "milestones", {}).values() if f"{m.name} ({m.date})" == label]
    if not ms:
        return []
    m = max(ms, key=lambda m: (m.taken_at, m.id))
    then = {x.get("id"): len(x.get("history") or []) for x in (m.review.get("risks") or [])
            if isinstance(x, dict)}
    out = []
    for rid, rec in review.risks.items():
        for h in list(rec.history or [])[then.get(rid, 0):]:
            out.append((h.at, h.by or "someone", rid, risk_decision_text(h)))
    out.sort(key=lambda x: (x[0], x[2]))
    return [(at.replace("T", " ")[:16], by, rid, what) for at, by, rid, what in out]


#: the heading of the decisions taken since the milestone, in both outputs
DECISIONS_TITLE = "Decisions on risks since then (who, what, why)"


# ------------------------------------------------------------------ PDF
def pdf_sections(b, *, changes: dict | None = None, plan: dict | None = None) -> None:
    """Add the sections to a PDF being built. ``b`` is ``reporting.pdf``'s builder (its
    ``heading``, ``para``, ``bullets``, ``table``, ``cell``, ``short`` and ``m`` helpers, which
    escape every user string); ``changes`` a diff document, ``plan`` a plan's result."""
    if changes is not None:
        _pdf_changes(b, changes)
    if plan is not None:
        _pdf_plan(b, plan)


def _more(b, n: int, what: str, command: str = "prr diff --json") -> None:
    if n > 0:
        b.para(f"… and {n} more {what} ({command} lists them all).", b.st.small)


def _pdf_changes(b, d: dict) -> None:
    b.heading(_since_title(d))
    b.para(_verdict_line(d))
    if _is_empty(d):
        b.para("Nothing changed since then: the model, the checklist answers and the analysis are the same.")
        return
    summary = _summary_rows(d)
    if summary:
        b.table(["What", "Changes"], [[b.cell(k, bold=True), b.cell(v)] for k, v in summary], [0.3, 0.7])
    decided = decisions_since(getattr(b, "review", None), d)
    if decided:  # the reviewers' decisions, with their reasons, before the field-by-field changes
        b.para(DECISIONS_TITLE + ":", b.st.small)
        b.table(["When (UTC)", "Who", "Risk", "Decision and why"],
                [[b.short(w), b.cell(by), b.cell(rid), b.cell(what)] for w, by, rid, what in decided[:ROW_LIMIT]],
                [0.15, 0.13, 0.26, 0.46])
        _more(b, len(decided) - ROW_LIMIT, "decisions", "prr risk list")
    rows = change_rows(d)
    shown = rows[:ROW_LIMIT]
    b.table(["Kind", "", "Element", "What changed"],
            [[b.cell(s), b.short(mark), b.cell(subj), b.cell(what)] for s, mark, subj, what in shown],
            [0.17, 0.09, 0.24, 0.50])
    _more(b, len(rows) - len(shown), "changes")


def _pdf_plan(b, res: dict) -> None:
    name = res["plan"]["name"]
    b.heading(f"Current vs after the plan “{name}”")
    if res["plan"].get("description"):
        b.para(res["plan"]["description"])
    b.para("What the analysis gives today and if the plan lands, the review itself unchanged: "
           f"{_effort_text(res)}. Owners: {', '.join(res['owners']) or 'none named'}.")
    b.table(["", "Today", "With the plan"],
            [[b.cell(k, bold=True), b.cell(t), b.cell(w)] for k, t, w in _plan_side_rows(res)], [0.32, 0.34, 0.34])
    search = res.get("search")
    if search:
        b.para(f"How the plan was found: {search['method']}; {search['analyses']} analyses. "
               + ("Ready is reached." if search["reached"] else "Ready is NOT reached with the suggested changes; "
                  "what remains needs a decision:"))
        decisions = search.get("needs_decision") or {}
        if decisions:
            b.bullets([b.m(f"{rid}: {why}") for rid, why in decisions.items()])
    if res["changes"]:
        shown = res["changes"][:ROW_LIMIT]
        b.table(["#", "Change", "Effort", "Owner", "Due", "For"],
                [[b.short(i), b.cell(c["change"]), b.short(c["effort"]), b.cell(c["owner"] or "—"),
                  b.cell(_due(c)), b.cell(c["reason"] or ", ".join(c["mitigations"]) or "—")]
                 for i, c in enumerate(shown, 1)],
                [0.05, 0.41, 0.09, 0.14, 0.11, 0.20])
        _more(b, len(res["changes"]) - len(shown), "changes", "prr plan --json")
    moved = _risk_rows(res)
    if moved:
        shown = moved[:ROW_LIMIT]
        b.table(["Risk", "Today", "With the plan", "Outcome", "Owner"],
                [[b.cell(f"{r['title']} ({r['id']})"), b.cell(_state(r["before"])), b.cell(_state(r["after"])),
                  b.cell(_outcome(r)), b.cell(r["owner"] or "—")] for r in shown],
                [0.36, 0.18, 0.18, 0.11, 0.17])
        _more(b, len(moved) - len(shown), "risks", "prr plan --json")
    else:
        b.para("No risk changes with this plan.")


# ------------------------------------------------------------------ Markdown
def markdown_sections(md, *, changes: dict | None = None, plan: dict | None = None, review=None) -> list[str]:
    """The sections as Markdown lines; ``md`` escapes user text (``reporting.markdown.md``); ``review``:
    the review as it is, for the decisions taken since the milestone (:func:`decisions_since`)."""
    L: list[str] = []
    if changes is not None:
        L += _md_changes(md, changes, decisions_since(review, changes))
    if plan is not None:
        L += _md_plan(md, plan)
    return L


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out + [""]


def _md_changes(md, d: dict, decided: list | None = None) -> list[str]:
    L = [f"## {md(_since_title(d))}", "", md(_verdict_line(d)), ""]
    if _is_empty(d):
        return L + ["Nothing changed since then.", ""]
    summary = _summary_rows(d)
    if summary:
        L += _md_table(["What", "Changes"], [[md(k), md(v)] for k, v in summary])
    if decided:
        L += [md(DECISIONS_TITLE) + ":", ""]
        L += _md_table(["When (UTC)", "Who", "Risk", "Decision and why"],
                       [[md(w), md(by), md(rid), md(what)] for w, by, rid, what in decided[:ROW_LIMIT]])
        if len(decided) > ROW_LIMIT:
            L += [f"… and {len(decided) - ROW_LIMIT} more decisions (prr risk list lists them all).", ""]
    rows = change_rows(d)
    L += _md_table(["Kind", "", "Element", "What changed"],
                   [[md(s), md(mark), md(subj), md(what)] for s, mark, subj, what in rows[:ROW_LIMIT]])
    if len(rows) > ROW_LIMIT:
        L += [f"… and {len(rows) - ROW_LIMIT} more changes (prr diff --json lists them all).", ""]
    return L


def _md_plan(md, res: dict) -> list[str]:
    L = [f"## Current vs after the plan “{md(res['plan']['name'])}”", ""]
    L += [md(f"{_effort_text(res)}. Owners: {', '.join(res['owners']) or 'none named'}."), ""]
    L += _md_table(["", "Today", "With the plan"], [[md(k), md(t), md(w)] for k, t, w in _plan_side_rows(res)])
    search = res.get("search")
    if search:
        L += [md(f"How the plan was found: {search['method']}; {search['analyses']} analyses. ")
              + ("Ready is reached." if search["reached"] else "Ready is NOT reached; what remains needs a decision:"), ""]
        L += [f"- {md(rid)}: {md(why)}" for rid, why in (search.get("needs_decision") or {}).items()]
        L += [""]
    if res["changes"]:
        L += _md_table(["#", "Change", "Effort", "Owner", "Due", "For"],
                       [[str(i), md(c["change"]), md(c["effort"]), md(c["owner"] or "—"), md(_due(c)),
                         md(c["reason"] or ", ".join(c["mitigations"]) or "—")]
                        for i, c in enumerate(res["changes"][:ROW_LIMIT], 1)])
        if len(res["changes"]) > ROW_LIMIT:
            L += [f"… and {len(res['changes']) - ROW_LIMIT} more changes (prr plan --json lists them all).", ""]
    moved = _risk_rows(res)
    if moved:
        L += _md_table(["Risk", "Today", "With the plan", "Outcome", "Owner"],
                       [[md(f"{r['title']} ({r['id']})"), md(_state(r["before"])), md(_state(r["after"])),
                         md(_outcome(r)), md(r["owner"] or "—")] for r in moved[:ROW_LIMIT]])
        if len(moved) > ROW_LIMIT:
            L += [f"… and {len(moved) - ROW_LIMIT} more risks (prr plan --json lists them all).", ""]
    return L


# ------------------------------------------------------------------ a plan's changes by root cause
#: Names shown in a group's line; the rest are counted ("and 22 more").
GROUP_NAMES_SHOWN = 3

#: Which of a change's reasons is its root cause when it serves several: a failure domain first (one
#: second cluster fixes every component SPOF it holds), then a component, an SLO, a cascade.
_CAUSE_ORDER = ("spof:domain:", "spof:component:", "slo:", "cascade:", "checklist:")

_LEVELS = ("small", "medium", "large")


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:GROUP_NAMES_SHOWN])
    more = len(names) - GROUP_NAMES_SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def _cause(change: dict) -> str:
    """The root cause a change is listed under: the broadest of the risks it is for (``reason``); a
    blocker checklist item stands for the item (obs.golden-signals for every component's copy)."""
    reasons = [r for r in str(change.get("reason") or "").split("; ") if r]
    if not reasons:
        return ""
    best = min(reasons, key=lambda r: next((i for i, p in enumerate(_CAUSE_ORDER) if r.startswith(p)),
                                           len(_CAUSE_ORDER)))
    if best.startswith("checklist:"):
        return best.split("@", 1)[0]
    return best


def _bucket_words(op: str, members: list[tuple[dict, str]], added: dict[str, str]) -> str:
    """Several changes of one kind, in one phrase: what they do, to how many, and their names."""
    n = len(members)
    first = members[0][0]
    if op == "add-alternative":
        new = sorted({d for c, _ in members for d in (c.get("shared_domains") or []) if d in added})
        where = f" in {' and '.join(f'{added[d]} {d}' for d in new)}" if new else ""
        return (f"run an independent second of {n} components{where}, each in a redundancy group with the first "
                f"that its callers and journeys go through: {_names([c['component'] for c, _ in members])}")
    if op == "add-replica":
        dom = first.get("domain")
        return (f"add replicas of {n} components" + (f" in {dom}" if dom else "")
                + f": {_names([c['component'] for c, _ in members])}")
    if op == "spread":
        return f"spread {n} components over {', '.join(first['domains'])}: " \
               f"{_names([c['component'] for c, _ in members])}"
    if op == "add-fallback":
        return (f"give {n} calls a fallback (degraded mode without what they call): "
                f"{_names([c['dependency'] for c, _ in members])}")
    if op == "set-call":
        # the settings in words, as one change says them ("on a->b: with a circuit breaker, ...")
        words = members[0][1].split(": ", 1)[-1]
        return f"on {n} calls: {words}: {_names([c['dependency'] for c, _ in members])}"
    if op == "answer":
        item = str(first["item"]).split("@", 1)[0]
        return (f"checklist {item}: {first['status']} for {n} elements: "
                f"{_names([str(c['item']).split('@', 1)[-1] for c, _ in members])}")
    return f"{n} changes: {_names([w for _, w in members])}"


def _bucket_key(c: dict) -> tuple:
    """Changes said in one phrase: the same operation with the same settings (a replica in one
    domain, the same call settings, the same checklist item and answer)."""
    op = c["op"]
    if op in ("add-replica",):
        return (op, c.get("domain"))
    if op == "spread":
        return (op, tuple(c.get("domains") or ()))
    if op == "set-call":
        return (op, tuple(sorted((k, repr(v)) for k, v in c.items()
                                 if k not in ("op", "dependency", "effort", "owner", "due", "reason", "mitigations"))))
    if op == "answer":
        return (op, str(c.get("item")).split("@", 1)[0], c.get("status"))
    if op in ("add-alternative", "add-fallback"):
        return (op,)
    return (op, id(c))  # said one by one


def group_changes(changes: list[dict], words: list[str]) -> list[dict]:
    """A plan's changes by root cause: one group per risk they are for (the broadest of a change's
    reasons, :func:`_cause`; a change without a reason is a group of its own), in the plan's order.

    ``changes`` are plan-file changes (``Change.to_dict()``: ``op``, its arguments, ``reason``,
    ``effort``, ``owner``); ``words`` each change in words (``Change.describe()``, the result's
    ``changes[i].change``). Each group: ``cause`` (a risk id, ``checklist:<item>``, or "" for a change
    given without a reason), ``summary`` (one line: a single change's own words, else one phrase per
    kind of change), ``changes`` (indexes into ``changes``; applying the group is applying them all),
    ``also`` (the other risks its changes are for), ``effort`` (counts and weight), ``owners``.
    Grouping is for reading only: the plan applies change by change, as before."""
    groups: dict = {}
    for i, c in enumerate(changes):
        cause = _cause(c)
        key = cause or ("", i)
        groups.setdefault(key, {"cause": cause, "changes": []})["changes"].append(i)
    out = []
    weight = {"small": 1, "medium": 3, "large": 8}
    for g in groups.values():
        idx = g["changes"]
        members = [(changes[i], words[i]) for i in idx]
        # new domains the group adds, by id: "a second ... in cluster k8s-eu-2"
        added = {c["id"]: c["kind"] for c, _ in members if c["op"] == "add-domain"}
        buckets: dict = {}
        for c, w in members:
            buckets.setdefault(_bucket_key(c), []).append((c, w))
        parts = [b[0][1] if len(b) == 1 else _bucket_words(b[0][0]["op"], b, added) for b in buckets.values()]
        effort = {lvl: sum(1 for c, _ in members if c.get("effort", "medium") == lvl) for lvl in _LEVELS}
        effort["weight"] = sum(weight.get(c.get("effort", "medium"), 3) for c, _ in members)
        also = list(dict.fromkeys(r for c, _ in members for r in str(c.get("reason") or "").split("; ")
                                  if r and r != g["cause"] and _cause({"reason": r}) != g["cause"]))
        out.append({"cause": g["cause"], "summary": "; ".join(parts), "changes": idx, "also": also, "with": [],
                    "effort": effort,
                    "owners": sorted({c["owner"] for c, _ in members if c.get("owner")})})
    # a cause whose changes are partly listed under a broader one (a second cluster's seconds also
    # leave the shared config domain): its line says where the rest is
    for g in out:
        for other in out:
            if other is not g and g["cause"] and g["cause"] in other["also"]:
                g["with"].append(other["cause"])
    return out


def group_effort_level(g: dict) -> str:
    """A group's effort in one word: its single change's, else the largest of its changes'."""
    return next(lvl for lvl in reversed(_LEVELS) if g["effort"][lvl]) if len(g["changes"]) else "small"


def group_line(g: dict, *, names: int = GROUP_NAMES_SHOWN) -> str:
    """A group as one line of text: its summary, its size, its owners and what it is for."""
    n = len(g["changes"])
    owners = g["owners"]
    extra = [x for x in (
        n > 1 and f"{n} changes",
        owners and ("owner " if len(owners) == 1 else "owners ") + _names(owners),
        g["cause"] and "for " + g["cause"] + (f" (also {_names(g['also'])})" if g["also"] else ""),
        g["with"] and "with the changes listed for " + _names(g["with"]),
    ) if x]
    return g["summary"] + (f"  ({'; '.join(extra)})" if extra else "")
