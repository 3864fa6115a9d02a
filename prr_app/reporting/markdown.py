"""The assessment as Markdown (teams keep it in ``docs/reliability/``) and the risk register as CSV."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from prr_app.model.entities import OBSERVABILITY_SIGNALS, Review
from prr_app.reporting.assessment import (IMPORT_NOTES_TITLE, SECTION_TITLES, Assessment, build_assessment,
                                          no_figures, rests_on_words, unconfirmed_note)
from prr_app.text_safety import sanitize
from prr_app import wording
from prr_app.wording import ceiling_text, score_text, stated
from prr_app.wording import count as _count

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~])")
#: rows of a list in the executive summary (root causes, launch blockers); the sections have them all
SUMMARY_ROWS = 25


def md(text) -> str:
    """User text as literal Markdown, on one line: control characters (ESC, OSC, NUL,
    bidirectional overrides) shown as escapes (:func:`prr_app.text_safety.sanitize`), then
    Markdown and HTML special characters backslash-escaped."""
    if text is None:
        return ""
    s = sanitize(str(text).replace("\r\n", " ").replace("\r", " ").replace("\n", " "), one_line=True)
    s = _MD_SPECIAL.sub(r"\\\1", s)
    # a leading "-", "+", "#", "1." or "1)" would start a list or a heading ("=" underlines one)
    return re.sub(r"^(\s*)([-=+#]|\d+[.)])", r"\1\\\2", s)


def _table(header: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        out.append("| " + " | ".join(r) + " |")
    out.append("")
    return out


def _names(ids) -> str:
    return ", ".join(md(i) for i in ids) if ids else "none"


def render_markdown(review: Review, *, assessment: Assessment | None = None, changes: dict | None = None,
                    plan: dict | None = None) -> str:
    """``changes`` (the diff since a milestone) and ``plan`` (a plan's result) add the sections of
    ``reporting/changes.py`` after the executive summary."""
    a = assessment or build_assessment(review)
    meta = review.meta
    L: list[str] = []
    L += [f"# Reliability Risk Assessment: {md(meta.system_name)}", ""]
    L += [f"- **Milestone:** {md(a.milestone_text())}",
          f"- **Review date:** {md(a.judged_text())}",
          f"- **Target launch:** {md(meta.target_launch or 'not stated')}",
          f"- **Reviewers:** {md('; '.join(meta.reviewers) or 'not stated')}",
          f"- **Service tier:** {md('not stated (judged as tier 1)' if meta.tier is None else str(meta.tier))}",
          f"- **Resilience policy:** {md(a.policy_text())}",
          f"- **Verdict:** **{md(a.verdict_text)}**", ""]
    L += [f"- {md(c)}" for c in a.causes()] + [""]
    not_fixed = a.not_fixed()  # what the verdict owes to acceptances and waivers, not to fixes
    if not_fixed:
        L += [f"**{a.not_fixed_heading()}:**", ""] + [f"- {md(x)}" for x in not_fixed] + [""]
    more = a.where_the_rest_is()
    if more:
        L += [md(more), ""]
    asm = a.deciding_assumptions()
    if asm:
        L += [f"**{wording.DECIDING_ASSUMPTIONS}:**", ""] + [f"- {md(x)}" for x in asm] + [""]
    if meta.description:
        L += [md(meta.description), ""]

    L += ["## Executive summary", ""]
    roots = a.summary_risks()  # the open ones and those accepted instead of fixed
    L += [f"### {md(a.summary_heading())}", ""]
    L += _table(["#", "Root cause", "Status", "Owner", "Effort", "Due"], [
        [str(r.get("rank", "")), md(r["title"]) + (f"; {md(a.rests_on(r))}" if a.rests_on(r) else ""), "launch blocker" if r["launch_blocking"] else
         md(a.acceptance_text(r)) if a.accepted_at_launch(r) else md(r["severity"]),
         md(a.owner_text(r)), f"{r['effort']['days']} d" if r.get("effort") else "not estimated",
         md(a.risk_due(r, short=True))]
        for r in roots[:SUMMARY_ROWS]]) if roots else ["None open.", ""]
    if len(roots) > SUMMARY_ROWS:
        L += [f"The other {len(roots) - SUMMARY_ROWS} root causes are in the risk register (section 6), in this order.", ""]
    late = a.late_fixes_text()
    if late:  # a launch blocker's fix landing after launch: the lead must see it here
        L += [md(late), ""]
    teams, days = a.team_plan()
    if teams:
        L += ["### Work per team before launch", ""]
        L += _table(["Team", "Launch blockers", "Other open high risks", "Effort on blockers", "Effort in all"], [
            [md(t["team"] or "no owner"), str(t["blockers"]), str(t["high"]),
             a.effort_text(t["blocker_days"], t["blocker_unestimated"]), a.effort_text(t["days"], t["unestimated"])]
            for t in teams])
        L += [f"Estimated time to ready, with the teams working in parallel, each through its blockers: "
              f"{a.time_to_ready_text(teams, days)}.", ""]
    blockers = a.blockers
    cl_block = a.checklist_blockers() + a.unanswered_blockers()
    L += [f"### Launch blockers ({len(blockers) + len(cl_block)})", ""]
    for r in blockers[:SUMMARY_ROWS]:
        L.append(f"- **{md(r['title'])}** ({md(r['severity'])}, score {r['score']}); owner: {md(a.owner_text(r))}; "
                 f"{md(r.get('blocking_reason') or '')}")
    for it in cl_block[:max(0, SUMMARY_ROWS - len(blockers))]:
        L.append(f"- **Checklist:** {md(getattr(it, 'question', it))} ({md(getattr(it, 'subject_label', '') or 'review')}): "
                 f"{md(wording.enum_words(getattr(it, 'status', '')))}")
    more_risks = max(0, len(blockers) - SUMMARY_ROWS)
    more_items = len(cl_block) - max(0, SUMMARY_ROWS - len(blockers))
    more = ([f"{more_risks} more launch-blocking risk{'s' if more_risks != 1 else ''} (section 6)"] if more_risks else []) \
        + ([f"{more_items} more open blocker checklist item{'s' if more_items != 1 else ''} (section 7)"]
           if more_items > 0 else [])
    if more:
        L.append("- ... and " + " and ".join(more))
    if not blockers and not cl_block:
        L.append("None.")
    L.append("")
    L += ["### Key figures", ""]
    L += _table(["Figure", "Value"], [[md(k), md(v)] for k, v in a.key_figures()])
    L += ["### Top risks", ""]
    for r in a.top_risks():
        status = "launch blocker, " if r["launch_blocking"] else ""
        rests = a.rests_on(r)
        L.append(f"1. **{md(r['title'])}** ({status}{md(r['severity'])}, {r['likelihood']}×{r['impact']}={r['score']}"
                 f"{'; ' + md(rests) if rests else ''}): {md(r.get('mitigation', ''))}")
    L.append("")

    notes = a.import_notes  # what the newest import could not settle: its launch bugs reach the lead
    if notes is not None:
        L += [f"## {IMPORT_NOTES_TITLE}", "", md(notes.intro()), ""]
        L += _table(["How much it matters", "What the import said (file:line)"],
                    [[md(rank), md(text)] for rank, text in notes.shown()])
        if notes.more():
            L += [md(notes.more()), ""]

    # 1
    if changes is not None or plan is not None:
        from prr_app.reporting.changes import markdown_sections

        L += markdown_sections(md, changes=changes, plan=plan, review=review)
    L += [f"## 1. {SECTION_TITLES[0]}", ""]
    L += ["### 1.1 Components", ""]
    L += _table(["Id", "Name", "Kind", "Owner", "Replicas", "Placement", "User facing"], [
        [md(x["id"]), md(x["name"]), md(x["kind"]), md(x["owner"]), md(x["instances"]), md(x["placement"]), x["facing"]]
        for x in a.component_rows()])
    av = {x["target"]: x for x in a.availability_rows()}
    rows = []
    for jid in sorted(review.journeys):
        j = review.journeys[jid]
        x = av.get(jid, {})
        rows.append([md(j.name or jid), _names(j.entry), f"{stated(j.slo)} %" if j.slo is not None else "none",
                     "no figures" if x and no_figures(x) else
                     f"{ceiling_text(x['estimate'], x.get('slo'))} %" if x.get("estimate") is not None else "n/a",
                     wording.NOT_JUDGED_NO_FIGURES if x and no_figures(x) else
                     {True: "yes", False: "**no**", None: "not judged"}[x.get("attainable")],
                     _names(a.journey_needs.get(jid, []))])
    L += ["### Critical paths", ""]
    L += _table(["Journey", "Entry", "SLO", "Best possible", "Attainable", "Reaches"], rows) if rows else ["No journey defined.", ""]
    L += ["### Availability against SLO", ""]
    L += _table(["Target", "Type", "SLO", "Estimate", "Method", "Largest budget consumer"], [
        [md(x["target"]), md(x["target_type"]), f"{stated(x['slo'])} %" if x.get("slo") is not None else "none",
         "no figures" if no_figures(x) else f"{ceiling_text(x['estimate'], x.get('slo'))} %", md(x["method"]),
         md(x["top_consumers"][0]["element"]) if x.get("top_consumers") else "none"] for x in a.availability_rows()])
    L += ["### Dependencies", ""]
    L += _table(["From", "To", "Kind", "Fallback", "Timeout", "Retries", "Breaker"], [
        [md(d.source), md(d.target), md(a.guesses.kind(did, d.kind)), md(d.fallback or ""), f"{d.timeout_ms} ms" if d.timeout_ms else "",
         str(d.retries or ""), {True: "yes", False: "no", None: ""}[d.circuit_breaker]]
        for did, d in sorted(review.dependencies.items())])
    if a.guesses:  # how a reviewer confirms them: the kind column's mark alone does not say
        L += [md(unconfirmed_note(a)), ""]

    # 2
    L += [f"## 2. {SECTION_TITLES[1]}", ""]
    L += _table(["Element", "Disruption", "Severity", "L×I", "Journeys down", "Chain"], [
        [md(x["element"]) + (f" ({md(x['mark'])})" if x["mark"] else ""), md(x["disruption_text"]), md(x["severity"]),
         f"{x['likelihood']}×{x['impact']}={x['score']}" + (f" ({md(x['override'])})" if x["override"] else ""),
         _names(x["journeys"]), " → ".join(md(c) for c in x["chain"])
         + (f"; {md(rests_on_words(x['guesses']))}" if x["guesses"] else "")] for x in a.spof_rows()]) or []

    # 3
    L += [f"## 3. {SECTION_TITLES[2]}", "", "### Blast radius per failure domain", ""]
    L += _table(["Domain", "Kind", "Down", "Degraded", "Journeys down"], [
        [md(x["domain"]), md(x["kind"]), str(x["down_count"]), str(x["degraded_count"]), _names(x["journeys"])]
        for x in a.domain_rows()])
    L += ["### Blast radius per component", ""]
    L += _table(["Component", "Down", "Degraded", "Journeys down", "Journeys degraded"], [
        [md(x["component"]), str(x["down_count"]), str(x["degraded_count"]), _names(x["journeys"]),
         _names(x["journeys_degraded"])] for x in a.blast_rows()])
    L += ["### Common-cause failures", ""]
    L += [f"- {md(f['detail'])}" for f in a.analysis.get("common_cause", [])] or ["None found."]
    L += ["", "### Cascading failure risks and dependency chains", ""]
    L += [f"- {md(f['detail'])}" for f in a.analysis.get("cascading", [])] or ["None found."]
    L.append("")

    # 4
    def mins(v):
        return "" if v is None else f"{stated(v)} min"

    L += [f"## 4. {SECTION_TITLES[3]}", ""]
    L += _table(["Component", "Recovery", "Failover", "RTO", "RPO", "Backups every", "Gaps"], [
        [md(x["component"]), md(x["recovery"] or "not stated"), mins(x["failover"]), mins(x["rto"]), mins(x["rpo"]),
         mins(x["backup"]), md("; ".join(x["gaps"]) or "none")] for x in a.recovery_rows()])
    L += ["### Redundancy groups", ""]
    L += _table(["Group", "Members", "Needs", "Independence"], [
        [md(g["name"]), _names(g["members"]), f"{g['min_up']} of {len(g['members'])}",
         md(g["common_cause"] or "no shared domain or dependency found")] for g in a.group_rows()])

    # 5
    mark = {True: "yes", False: "**no**", None: "?"}
    L += [f"## 5. {SECTION_TITLES[4]}", ""]
    L += _table(["Component"] + list(OBSERVABILITY_SIGNALS) + ["Consequence"], [
        [md(x["component"])] + [mark[x["signals"][s]] for s in OBSERVABILITY_SIGNALS]
        + [md(_obs_consequence(x))]
        for x in a.observability_rows()])

    # 6
    L += [f"## 6. {SECTION_TITLES[5]}", ""]
    for r in a.ranked_risks():
        flags = [f for f, on in (("launch blocker", r.get("launch_blocking")),
                                 (a.status_text(r), r.get("accepted"))) if on]
        L.append(f"### {r.get('rank', '')}. {md(r['title'])}")
        L.append("")
        L.append(f"- **Severity:** {md(r['severity'])}, score {r['likelihood']}×{r['impact']}={r['score']}"
                 + (f" ({', '.join(flags)})" if flags else ""))
        L.append(f"- **Owner:** {md(a.owner_text(r))}")
        if r.get("launch_blocking") and r.get("blocking_reason"):
            L.append(f"- **Blocks launch:** {md(r['blocking_reason'])}")
        if wording.still_found(r):
            L.append(f"- **Not fixed:** {md(wording.still_found(r))}")
        if a.rests_on(r):
            L.append(f"- **Not confirmed:** its chain {md(a.rests_on(r))}")
        for c in r.get("causes") or []:
            L.append(f"- **Also resolves:** {md(c['title'])} ({md(c['id'])})")
        if r.get("effort"):
            L.append(f"- **Effort:** {md(a.effort_words(r))}")
        if r.get("description"):
            L.append(f"- **Issue:** {md(r['description'])}")
        if a.why_inputs(r):
            L.append(f"- **Why these numbers:** {md('; '.join(a.why_inputs(r)))}")
        if r.get("override"):
            ov = r["override"]
            L.append(f"- **Override:** {md(a.override_text(r))} "
                     f"({md(ov.get('reason', '') if isinstance(ov, dict) else ov)})")
        L.append(f"- **Recommendation:** {md(r.get('mitigation', ''))}")
        for mt in r.get("mitigations") or []:
            L.append(f"  - {md(mt.get('title', ''))}: owner {md(mt.get('owner') or 'none')}, "
                     f"due {md(a.due_flagged(mt.get('due')) or 'not set')}, "
                     f"{md(wording.enum_words(mt.get('status') or ''))}, effort {md(mt.get('effort') or 'not stated')}")
        if r.get("accepted"):
            acc = r["accepted"]
            L.append(f"- **Accepted** by {md(acc.get('by', ''))} on {md(acc.get('at', ''))}"
                     f"{' until ' + md(acc['until']) if acc.get('until') else ''}: {md(acc.get('reason', ''))}")
        L.append("")

    # checklist
    L += ["## 7. Checklist results", ""]
    cl = a.checklist
    if cl is None:
        L += [f"Not evaluated{': ' + md(a.checklist_error) if a.checklist_error else ''}.", ""]
    else:
        L += _checklist_head(a, cl)
        L += _table(["Category", "Answered", "Met", "Partly", "Not met", "N/A", "Score"], [
            [md(getattr(c, "title", "")), f"{getattr(c, 'answered', 0)}/{getattr(c, 'total', 0)}", str(getattr(c, "met", 0)),
             str(getattr(c, "partly", 0)), str(getattr(c, "not_met", 0)), str(getattr(c, "not_applicable", 0)),
             "n/a" if getattr(c, "score", None) is None else score_text(c.score)] for c in getattr(cl, "categories", [])])
        L += _checklist_details(a, cl)

    # appendix
    L += ["## Appendix: scoring method and assumptions", ""]
    L.append("Score = likelihood × impact (1 to 25); severity bands: "
             + ", ".join(f"{n} ≥ {low}" for n, low in a.scoring_bands) + ".")
    if a.checklist_method:
        L.append("")
        L.append("Checklist score: " + md(a.checklist_method))
    L.append("")
    L += [f"- {md(x['text'])}: {_names(x.get('elements', []))}" for x in a.analysis.get("assumptions", [])]
    L.append("")
    return "\n".join(L)


def _words(v) -> str:
    """An answer's status (a stored code) in words, none as "": wording.enum_words."""
    return wording.enum_words(v or "")


def checklist_template_text(cl) -> str:
    """The checklist template of an evaluation in words: id, version and title ("prr-default 2.0, Production
    readiness review (default)")."""
    t = getattr(cl, "template", None)
    if t is None:
        return "default"
    text = " ".join(str(x) for x in (getattr(t, "id", None), getattr(t, "version", None)) if x)
    title = getattr(t, "title", "")
    return f"{text or 'default'}, {title}" if title else (text or "default")


def proposals_heading(proposed) -> str:
    """The heading of the proposed answers (7.2): from imported evidence, carried from other answers, or both."""
    from prr_app.checklist.proposals import carried_source

    carried = sum(1 for it in proposed if carried_source(it.proposal) is not None)
    if not carried:
        return "Answers proposed from evidence (not counted until a reviewer confirms them)"
    if carried == len(proposed):
        return "Answers carried from other answers (not counted until a reviewer confirms them)"
    return "Answers proposed from evidence or carried from other answers (not counted until a reviewer confirms them)"


def proposal_counted(it) -> str:
    """A proposed answer's status, and what is counted meanwhile when the review's model answers the
    item (the model's answer counts until a reviewer answers; the proposal never does):
    "not met (counted meanwhile: not met, from the model)"."""
    text = _words(it.proposal.status)
    if getattr(it, "source", None) == "model":
        text += f" (counted meanwhile: {_words(it.status)}, from the model)"
    return text


def proposals_note(proposed) -> str | None:
    """The sentence before 7.2 when some proposed items are answered from the model (the category
    table counts those answers): None when none is."""
    n = sum(1 for it in proposed if getattr(it, "source", None) == "model")
    if not n:
        return None
    return (f"The proposals are not counted. {n} of these items {'is' if n == 1 else 'are'} answered from the review's "
            "model until a reviewer answers: the category table counts the model's answer, shown beside the "
            "proposal.")


def _checklist_head(a: Assessment, cl) -> list[str]:
    """The template (id, version, title), the template warnings and the progress: as the PDF's section 7."""
    prog = a.checklist_progress()
    score = "n/a" if prog["score"] is None else score_text(prog['score'])
    L = [f"Template: {md(checklist_template_text(cl))}. {prog['answered']} of {prog['total']} items answered; weighted "
         f"score {score}; {prog['blocking']} blocker item(s) not met or partly met and {prog['unanswered_blockers']} unanswered "
         "(an unanswered blocker counts as not met).", ""]
    for w in getattr(cl, "warnings", None) or []:
        L += [f"**Warning:** {md(w)}", ""]
    return L


def _checklist_details(a: Assessment, cl) -> list[str]:
    """7.1 open blocker items, 7.2 proposed answers, 7.3 orphaned answers: the PDF's section 7, every row."""
    L = [f"### 7.1 {a.blockers_heading()}", ""]
    blocking = a.checklist_blockers() + a.unanswered_blockers()
    if blocking:
        rows = []
        for it in blocking:
            ans = getattr(it, "answer", None)
            prop = getattr(it, "proposal", None)
            rows.append([md(getattr(it, "question", str(it))), md(getattr(it, "subject_label", "") or ""),
                         md(_words(getattr(it, "status", "")) + (f" (proposed: {_words(prop.status)})" if prop else "")),
                         md(a.item_owner_text(it)), md(a.due_flagged(getattr(ans, "due", "") or "", short=True)),
                         md(getattr(ans, "evidence", "") or ""), md(getattr(ans, "note", "") or "")])
        L += _table(["Item", "Applies to", "Answer", "Owner", "Due", "Evidence", "Note"], rows)
    else:
        L += ["None.", ""]
    proposed = [it for it in getattr(cl, "items", []) or [] if getattr(it, "proposal", None) is not None]
    if proposed:
        L += [f"### 7.2 {md(proposals_heading(proposed))}", ""]
        note = proposals_note(proposed)
        if note:
            L += [md(note), ""]
        L += _table(["Item", "Applies to", "Proposed", "Why"], [
            [md(it.question), md(it.subject_label or "the review"), md(proposal_counted(it)), md(it.proposal.reason)]
            for it in proposed])
    orphans = list(getattr(cl, "orphans", []) or [])
    if orphans:
        L += ["### 7.3 Orphaned answers (kept in the review, not counted)", ""]
        L += _table(["Answer to", "Answer", "Why it does not count"], [
            [md(o.key), md(_words(o.answer.status)), md(o.reason)] for o in orphans])
    if hasattr(cl, "waived_blockers"):
        from prr_app.checklist.evaluate import blockers_to_check

        check = blockers_to_check(cl)
        if check:
            L += [f"### 7.4 {TO_CHECK_HEADING}", ""]
            L += _table(["Item", "Applies to", "Answer", "How it was answered"], [
                [md(it.question), md(it.subject_label or "the review"), md(_words(it.status)), md(text)]
                for it, text in check])
    header = ["Item", "Applies to", "Answer", "Evidence", "Owner", "Due", "Note", "Answered by"]
    for number, title, rows in (("7.5", ANSWERED_HEADING, a.answered_items(blockers=True)),
                                ("7.6", OTHER_ANSWERED_HEADING, a.answered_items(blockers=False))):
        L += [f"### {number} {title}", ""]
        if not rows:
            L += ["None.", ""]
            continue
        L += _table(header, [[md(x[k]) for k in ("question", "subject", "status", "evidence", "owner", "due", "note",
                                                 "who")] for x in rows[:MD_ANSWERED_ROWS]])
        if len(rows) > MD_ANSWERED_ROWS:
            L += [answered_more(len(rows) - MD_ANSWERED_ROWS), ""]
    return L


#: 7.5 and 7.6: the answered items, with what each answer rests on
ANSWERED_HEADING = "Answered blocker items (the evidence behind them)"
OTHER_ANSWERED_HEADING = "Other answered items"
MD_ANSWERED_ROWS = 1000  # rows of 7.5 and of 7.6 each in the Markdown; the rest counted


def answered_more(n: int) -> str:
    """Under a capped list of answered items: how many more, and where every one is."""
    return (f"… and {n} more answered item{'s' if n != 1 else ''}: `prr checklist REVIEW --json` lists every "
            "answer with its evidence, owner, due date and note.")


def other_answered_text(n: int) -> str:
    """The PDF's line on the answered items that are not blockers (the Markdown lists them, 7.6)."""
    if not n:
        return ""
    return (f"{_count(n, 'other item')} (not blockers) {'is' if n == 1 else 'are'} answered: the Markdown report "
            "lists each with its evidence, owner, due date and note (section 7.6).")


#: the heading of 7.4 (Markdown and PDF)
TO_CHECK_HEADING = ("Blockers passed without being shown met (not blocking: answered not applicable, or met "
                    "without evidence)")


CSV_COLUMNS = ["title", "description", "severity", "score", "likelihood", "impact", "owner", "due date", "status",
               "launch blocking", "mitigation", "components", "category", "id", "rank", "owner source",
               "effort days", "blocking reason",
               # added at the end (a tracker's import maps columns by position): a due date after the
               # target launch, and the acceptance behind an "accepted" status or one that does not count
               "due after target launch", "accepted by", "accepted on", "accepted until", "acceptance reason",
               "acceptance at launch",
               # a risk marked mitigated (or closed) that the analysis still finds: not fixed
               "not fixed"]
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(v) -> str:
    s = "" if v is None else sanitize(v)  # control characters as escapes, as on a terminal
    # a spreadsheet would run a cell starting with = + - @ as a formula
    return "'" + s if s.startswith(_FORMULA) else s


def render_csv(review: Review, *, assessment: Assessment | None = None) -> str:
    """The ranked risk register, one row per risk (issue trackers import it)."""
    a = assessment or build_assessment(review)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for r in a.ranked_risks():
        mits = r.get("mitigations") or []
        due = a.due_text(r)
        owner = r.get("owner") or ""
        status = a.status_text(r, short=True)  # as the launch sees it: "open" when an acceptance does not hold
        acc = r.get("accepted") or {}
        launch = review.meta.target_launch
        # the recommendation, then the planned mitigations' titles, each once (a manual risk's
        # recommendation is its linked mitigation's title: it was written twice)
        mit = "; ".join(dict.fromkeys(t for t in [r.get("mitigation") or ""] + [m.get("title", "") for m in mits] if t))
        w.writerow([_cell(x) for x in (r["title"], r.get("description", ""), r["severity"], r["score"], r["likelihood"],
                                       r["impact"], owner, "" if due == "no date" else due, status,
                                       "yes" if r.get("launch_blocking") else "no", mit,
                                       " ".join(r.get("components") or []), r.get("category", ""), r["id"],
                                       r.get("rank", ""), r.get("owner_source", ""),
                                       (r.get("effort") or {}).get("days", ""), r.get("blocking_reason", ""),
                                       "" if due == "no date" or not launch else
                                       "yes" if a.due_after_launch(due) else "no",
                                       acc.get("by", ""), acc.get("at", ""), acc.get("until") or "",
                                       acc.get("reason", ""), acceptance_at_launch(r), wording.still_found(r))])
    return buf.getvalue()


def acceptance_at_launch(r: dict) -> str:
    """Whether a risk's acceptance counts at the target launch, for the CSV beside its status ("open" for
    an acceptance that does not hold, as the report and the verdict judge; ``prr risk list`` shows the
    status recorded, "accepted"): "holds", "expired", "ends before the target launch", "" (none)."""
    if not r.get("accepted"):
        return ""
    if r.get("acceptance_expired"):
        return "expired"
    if r.get("acceptance_before_launch"):
        return "ends before the target launch"
    return "holds"


def write_markdown(review: Review, path, *, changes: dict | None = None, plan: dict | None = None,
                   today: str | None = None, **_) -> None:
    """Write the assessment as Markdown, judged as of ``today`` (by default the real current date)."""
    from prr_app.reporting.pdf import write_output

    write_output(Path(path), render_markdown(review, changes=changes, plan=plan,
                                             assessment=build_assessment(review, today=today)).encode("utf-8"))


def write_csv(review: Review, path, *, today: str | None = None, **_) -> None:
    """Write the risk register as CSV, judged as of ``today`` (by default the real current date)."""
    from prr_app.reporting.pdf import write_output

    # UTF-8 with BOM: spreadsheet programs then read non-ASCII names correctly
    write_output(Path(path), ("\ufeff" + render_csv(review, assessment=build_assessment(review, today=today))
                              ).encode("utf-8"))


def _obs_consequence(x: dict) -> str:
    """Section 5's consequence: a signal stated missing and one not stated are never said the same way."""
    miss = set(x["missing"])
    parts = []
    for group, what in ((x["detect"], "failure not detected"), (x["diagnose"], "hard to diagnose")):
        gone = [s for s in group if s in miss]
        unknown = [s for s in group if s not in miss]
        if gone:
            parts.append(f"{what} (no {', '.join(gone)})")
        if unknown:
            parts.append(f"{', '.join(unknown)} not stated")
    if x.get("evidence"):
        parts.append("present by evidence: " + ", ".join(f"{s} {w}" for s, w in x["evidence"].items()))
    return "; ".join(parts)
