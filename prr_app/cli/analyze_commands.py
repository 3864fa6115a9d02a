"""``prr analyze REVIEW [--json] [--detail] [--seed N]``: the analysis on the command line."""
from __future__ import annotations

import sys
from itertools import islice

import orjson

from prr_app.errors import PrrError
from prr_app.reporting.assessment import Guesses, no_figures
from prr_app.review.document import ReviewSource
from prr_app.text_safety import sanitize
from prr_app.wording import (NO_FIGURES, NOT_JUDGED_NO_FIGURES, acceptance_mark, ceiling_text, count,
                             deciding_assumption_lines, launch_blockers, stated)


def register(sub) -> None:
    from prr_app.cli.today import add_today_option

    p = sub.add_parser(
        "analyze", help="SPOFs, blast radius, failure domains, availability, risks and the verdict",
        description="Analyse a review (.prr or .json): single points of failure by disruption type, blast radius, "
                    "failure domains, common-cause redundancy, composite availability against SLOs, cascading "
                    "risks, the scored risk register and the verdict. Exit 0 whatever the verdict "
                    "(use the verdict in the JSON to gate).",
    )
    p.add_argument("review", metavar="REVIEW", help="the review file (.prr or .json)")
    p.add_argument("--json", action="store_true", help="print one JSON document (schemas/analysis.schema.json)")
    p.add_argument("--detail", action="store_true",
                   help="add the full down and degraded sets of every component and failure domain "
                        "(docs/analysis.md, \"The document\")")
    p.add_argument("--seed", type=int, default=0, help="seed of the availability simulation (default 0)")
    add_today_option(p)
    p.add_argument("--top", type=int, default=10, metavar="N", help="risks shown in the summary (default 10)")
    p.add_argument("--plan", metavar="PLAN.json",
                   help="analyse the review as it would be with this mitigation plan applied (the file is not "
                        "changed; see prr plan and docs/diff-and-plans.md)")
    p.set_defaults(func=cmd_analyze)


def cmd_analyze(args) -> int:
    from prr_app.cli.today import today_of
    from prr_app.review.assess import assess

    if args.top < 0:
        raise PrrError("--top must be 0 or more", location="command line")
    today = today_of(args)
    review = ReviewSource(args.review).load(milestones=False)  # read only: the snapshots are not needed
    if args.plan:
        from prr_app.review.plans import apply_plan, read_plan

        review = apply_plan(review, read_plan(args.plan), file=args.plan)
    result = assess(review, seed=args.seed, detail=args.detail, today=today)
    from prr_app.checklist.evaluate import missing_review_template

    missing = missing_review_template(review)  # its checklist figures come from another template then
    if missing:
        print(sanitize(f"prr: warning: {missing}", one_line=True), file=sys.stderr)
    if args.json:
        out = sys.stdout.buffer
        write_document(result.json_document(), out)
        out.write(b"\n")
        out.flush()
        return 0
    sys.stdout.write("\n".join(summary_lines(result, top=args.top, detail=args.detail,
                                              guesses=Guesses(review), path=str(args.review))) + "\n")
    return 0


#: Elements of a list (or entries of a dict) of the document serialised at a time by :func:`write_document`.
_CHUNK = 1000


def write_document(doc: dict, out) -> None:
    """Write ``doc`` to the binary stream ``out`` as the bytes of ``Analysis.to_json()`` (orjson,
    compact), a thousand elements of its big lists and dicts at a time: the document is never
    held whole in memory besides the analysis (390 MB at 100,000 components). The tests compare the
    two byte for byte."""
    out.write(b"{")
    for k, (key, value) in enumerate(doc.items()):
        if k:
            out.write(b",")
        out.write(orjson.dumps(key))
        out.write(b":")
        if isinstance(value, list) and len(value) > _CHUNK:
            out.write(b"[")
            for i in range(0, len(value), _CHUNK):
                if i:
                    out.write(b",")
                out.write(memoryview(orjson.dumps(value[i:i + _CHUNK]))[1:-1])
            out.write(b"]")
        elif isinstance(value, dict) and len(value) > _CHUNK:
            out.write(b"{")
            items = iter(value.items())
            for i in range(0, len(value), _CHUNK):
                if i:
                    out.write(b",")
                out.write(memoryview(orjson.dumps(dict(islice(items, _CHUNK))))[1:-1])
            out.write(b"}")
        else:
            out.write(orjson.dumps(value))
    out.write(b"}")


def _list(ids, limit=6, total=None) -> str:
    ids = list(ids)
    if not ids:
        return "-"
    shown = ids[:limit]
    total = len(ids) if total is None else total  # the analysis lists the first few, with the true count
    more = f" (+{total - len(shown)})" if total > len(shown) else ""
    return ", ".join(shown) + more


def _set(a, s: dict) -> str:
    """A component set of the detailed document (members of cycles referred to by number), readable."""
    names = list(s["components"])
    for k in s["cycles"]:
        names.extend(a.cycles[k])
    return _list(sorted(names), 8)


def summary_lines(a, *, top: int = 10, detail: bool = False, guesses: Guesses | None = None,
                  path: str = "REVIEW") -> list[str]:
    """The readable summary ``prr analyze`` prints. ``guesses``: the review's unconfirmed calls (a line
    near the verdict, and the chains that rest on weak ones say so); ``path``: the review, as the
    command to confirm them names it."""
    s = a.summary
    v = a.verdict
    out = [
        f"{s['system']}: {count(s['components'], 'component')}, "
        f"{count(s['dependencies'], 'dependency', 'dependencies')}, "
        f"{count(s['failure_domains'], 'failure domain')}, {count(s['journeys'], 'journey')}",
        "",
        f"VERDICT: {v['verdict'].upper()}",
    ]
    out += [f"  - {r}" for r in v["reasons"]]
    # the defaults that decided it, as the report's cover lists them: "takes down a tier-1 user-facing
    # component" is read knowing that tier 1 was a default (docs/analysis.md, the verdict)
    out += deciding_assumption_lines(v.get("assumptions"), indent="  ")
    if guesses:  # a verdict that stands on guesses is read knowing it
        out.append(sanitize(f"  {guesses.figure(a.spofs)}: guesses an import made from configuration or source "
                            f"code. Confirm or reject them: {guesses.how_to_confirm(path)}.", one_line=True))
    sev = s["by_severity"]
    out += [
        "",
        f"risks: {s['risks']} ({sev['critical']} critical, {sev['high']} high, {sev['medium']} medium, "
        f"{sev['low']} low)",
        launch_blockers(v)[0].upper() + launch_blockers(v)[1:],
    ]

    # the components that also fail on one instance (each has one entry per instance)
    extra = len({sp["component"] for sp in a.spofs if sp["element_type"] == "instance"})
    out += ["", f"SINGLE POINTS OF FAILURE ({s['spof_elements']}"
                + (f"; {extra} of them also fail{'s' if extra == 1 else ''} on one instance, listed as 'instance'"
                   if extra else "") + ")"]
    if not a.spofs:
        out.append("  none: no single element takes down a user-facing component or journey")
    shown: set[tuple[str, str]] = set()
    components = {sp["element"]: sp for sp in a.spofs if sp["element_type"] == "component"}
    for entry in a.spofs:
        key = (entry.get("component", entry["element"]), entry["element_type"])
        if key in shown:  # the instances of one component read the same
            continue
        shown.add(key)
        # an instance's entry refers to its component's for what it takes down
        sp = components[entry["component"]] if entry["element_type"] == "instance" else entry
        el = entry["element"] if entry["element_type"] != "instance" else f"{entry['component']} (any instance)"
        # marked as the report's section 2 marks it: launch blocker, accepted, acceptance expired
        risk = a.risk(entry["risk_id"]) if entry.get("risk_id") else None
        mark = acceptance_mark(risk)
        el += f" ({mark})" if mark else ""
        severity = entry["severity"]
        if risk is not None and risk.get("override") and sp is entry:
            # the reviewer's figures, as the register and the report's section 2 show them: one risk,
            # one severity (the JSON entry keeps the analysis' own, docs/analysis.md)
            severity = risk["severity"]
            el += (f" (overridden: {risk['likelihood']}x{risk['impact']}={risk['score']}, was {entry['severity']} "
                   f"{entry['likelihood']}x{entry['impact']}={entry['score']})")
        hit = _list(sp["journeys"]) if sp["journeys"] else _list(sp["user_facing_down"], total=sp["user_facing_down_count"])
        out.append(f"  [{severity or '-':8}] {entry['element_type']:9} {el}: takes down {hit}; "
                   f"{sp['down_count']} down, {sp['degraded_count']} degraded")
        head = ([entry["element"]] if sp is not entry else []) + list(sp["chain"][:9])
        rests = guesses.rests_on(sp["chain"], sp.get("chain_length")) if guesses else ""
        out.append(f"             chain: {' -> '.join(head[:8])}{' ...' if len(head) > 8 else ''}"
                   + (f"; {rests}" if rests else ""))

    out += ["", "FAILURE DOMAINS"]
    if not a.failure_domains:
        out.append("  none declared")
    for d in a.failure_domains:
        out.append(f"  {d['kind']:10} {d['domain']}: {d['down_count']} down, {d['degraded_count']} degraded; "
                   f"journeys down: {_list(d['journeys'])}")

    out += ["", "AVAILABILITY (ceiling by design vs SLO)"]
    if not a.availability:
        out.append("  no journeys or user-facing components")
    unknown = next((x for x in a.assumptions if x["id"] == "availability-default"), None)
    if a.availability and unknown:
        out.append(f"  upper bounds: {unknown['count']} of {a.summary['components']} components state no availability "
                   "figure and count as 100 %")
    for av in a.availability:
        slo = "no SLO" if av["slo"] is None else f"SLO {stated(av['slo'])} %"
        state = {True: "ok", False: "NOT ATTAINABLE", None: "not judged"}[av["attainable"]]
        how = av["method"] if av["method"] == "exact" else (
            f"simulation n={av['samples']}, 95 % CI {av['ci'][0]:.4f}-{av['ci'][1]:.4f}")
        if no_figures(av):  # 100 % only because nothing under it states a figure: not a result, and
            # never "ok" beside an SLO (the report: "not judged (no figures)")
            out.append(f"  {av['target_type']:9} {av['target']}: {NO_FIGURES} (nothing it needs states an "
                       f"availability), {slo}: {NOT_JUDGED_NO_FIGURES}")
        else:
            out.append(f"  {av['target_type']:9} {av['target']}: {ceiling_text(av['estimate'], av['slo'])} % ({how}), "
                       f"{slo}: {state}")
        if av["attainable"] is False and av["top_consumers"]:
            tc = av["top_consumers"][0]
            share = f", {stated(tc['budget_share'])} % of the error budget" if tc.get("budget_share") is not None else ""
            out.append(f"             largest consumer: {tc['element']} ({stated(tc['availability'])} %{share})")

    if a.common_cause:
        out += ["", f"COMMON CAUSE ({len(a.common_cause)})"]
        out += [f"  {f['detail']}" for f in a.common_cause[:top or None]]
        if top and len(a.common_cause) > top:
            out.append(f"  ... {len(a.common_cause) - top} more (see --json)")
    if a.cascading:
        out += ["", f"CASCADING RISKS ({len(a.cascading)})"]
        out += [f"  {f['detail']}" for f in a.cascading[:top or None]]
        if top and len(a.cascading) > top:
            out.append(f"  ... {len(a.cascading) - top} more (see --json)")

    out += ["", f"TOP RISKS (of {len(a.risks)})"]
    for r in a.risks[:top]:
        flag = " BLOCKING" if r["launch_blocking"] else ""
        status = "" if r["status"] == "open" else f" [{r['status']}]"
        if r["launch_blocking"] and r["status"] == "accepted" and r.get("acceptance_before_launch"):
            # accepted, and blocking all the same: the acceptance ends before the target launch
            status = f" [accepted only until {r['accepted']['until']}, before launch]"
        out.append(f"  {r['rank']:>3}. [{r['severity']:8} {r['likelihood']}x{r['impact']}={r['score']:>2}]{flag}{status} "
                   f"{r['title']}  ({r['id']})")
        out.append(f"       mitigation: {r['mitigation']}")
        if r.get("override"):
            out.append(f"       override: {r['override']['reason']}")

    if detail:
        out += ["", "BLAST RADIUS (every component)"]
        for cid, b in a.blast_radius.items():
            out.append(f"  {cid}: down {_set(a, b['down'])}; degraded {_set(a, b['degraded'])}")

    if a.stale_decisions:
        out += ["", "STALE DECISIONS"]
        out += [f"  {d['id']}: {d['reason']}" for d in a.stale_decisions]
    if a.assumptions:
        out += ["", "ASSUMPTIONS (fill these in to sharpen the analysis)"]
        for asm in a.assumptions:
            el = f": {_list(asm['elements'])}" if asm["elements"] else ""
            out.append(f"  - {asm['text']}{el}")
    return out
