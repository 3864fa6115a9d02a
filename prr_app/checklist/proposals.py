"""Answers proposed from imported evidence (issue 21).

A template item may name an **evidence extractor** (``evidence_extractor``, ids in
:data:`prr_app.checklist.facts.EXTRACTORS`). After an import, :func:`propose` applies each
such item's rule to the facts the extractors read, subject by subject (the review, a
component or redundancy group, a journey), and returns a :class:`Proposal` per item it can
say something about: met, partly or not met, with the reason in words and the facts it
rests on ("readiness probe httpGet /healthz port 8080, distinct from liveness ...:
deploy/cart.yaml:42"). No fact, no proposal; "not met" from an absence only where the
import read the component's deployment description.

Proposals are never answers: the score and the verdict ignore them until a reviewer
confirms one (:func:`confirm`, it becomes the reviewer's answer); a reviewer's own answer
always wins; :func:`refresh` replaces the proposals after a re-import, keeping a
rejection that still applies and never touching answers.
"""
from __future__ import annotations

import datetime as _dt
import re
from typing import Callable

from prr_app.checklist.facts import EXTRACTORS, Fact, Facts
from prr_app.checklist.model_answers import DECIDERS
from prr_app.model.entities import CONFIRMED_NOTE, LOAD_GENERATOR, ChecklistAnswer, Component, Proposal, Review
from prr_app.wording import ANSWER_STANDS, enum_words, listed, stated

#: The ``extractor`` of a proposal carried from another answer by ``prr checklist-carry`` (not from
#: imported evidence), followed by the key of the answer it was carried from.
CARRIED = "carried-from:"


def carried_source(p: Proposal) -> str | None:
    """The answer key a carried proposal was copied from; None for a proposal from imported evidence."""
    return p.extractor[len(CARRIED):] if p.extractor.startswith(CARRIED) else None


Rule = Callable[[Facts, list[Component], Review], "tuple[str, str, list[Fact]] | None"]
_RANK = {"met": 0, "partly": 1, "not_met": 2}
_SERVICE_KINDS = ("service", "frontend", "gateway")


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


def _worst(results: list[tuple[str, str, list[Fact]]]) -> tuple[str, str, list[Fact]] | None:
    results = [r for r in results if r is not None]
    if not results:
        return None
    status = max((r[0] for r in results), key=_RANK.__getitem__)
    reason = "; ".join(r[1] for r in results)
    return status, reason, [f for r in results for f in r[2]]


def _one(rule):
    """A per-component rule applied to each member of a subject (a redundancy group): the worst counts."""
    def apply(facts: Facts, comps: list[Component], review: Review):
        out = [rule(facts, c, review) for c in comps]
        out = [o for o in out if o is not None]
        if len(comps) > 1 and out:
            return _worst([(s, f"{c}: {r}", fs) for (s, r, fs), c in zip(out, [c.id for c in comps])])
        return out[0] if out else None
    return apply


# ------------------------------------------------------------------ per-component rules
def _container_probes(rd: Fact | None, lv: Fact | None):
    """One container's readiness and liveness probes, judged."""
    if rd and lv:
        if rd.value != lv.value:
            return "met", f"readiness probe ({rd.value}), distinct from liveness ({lv.value}): {rd.where}", [rd, lv]
        return "partly", (f"readiness and liveness probes are the same check ({rd.value}): a liveness probe "
                          f"that fails whenever readiness does restarts instances that only cannot serve: {rd.where}"), \
            [rd, lv]
    if rd:
        return "partly", f"readiness probe ({rd.value}) but no liveness probe: {rd.where}", [rd]
    return "partly", (f"liveness probe ({lv.value}) but no readiness probe: traffic reaches instances "
                      f"that cannot serve: {lv.where}"), [lv]


def _probe_port_named(f: Fact) -> bool:
    """Whether an ``unexposed-port`` fact is about a port's name (the kubelet finds no port by that name: the
    probe never passes) rather than a number the container does not declare (it may be listened on all the
    same). The fact says the port as written: "readiness probe of container pay on port metrics: ..."."""
    m = re.search(r" on port (\S+?): ", f.what)
    return bool(m) and not m.group(1).isdigit()


def _probes(facts: Facts, c: Component, review: Review):
    """Judged container by container (a sidecar's probes say nothing of the application's); the worst
    container counts, one with no liveness or readiness probe (an ``absent`` fact naming it) included even
    where the pod's other containers have probes. A probe on a port name its container does not define
    never passes (not met); on a port number it does not declare it may pass (the OpenTelemetry demo's
    Jaeger and collector are probed on admin ports they do not declare), so the judgement stands, with a
    caution."""
    fs = facts.of("k8s.probes", c.id)
    by_container: dict[str, dict[str, Fact]] = {}
    for f in fs:
        if f.signal in ("readiness", "liveness"):
            by_container.setdefault(f.part, {}).setdefault(f.signal, f)
    unexposed: dict[str, list[Fact]] = {}
    for f in fs:
        if f.signal == "unexposed-port" and f.value in ("readiness", "liveness"):
            unexposed.setdefault(f.part, []).append(f)
    bare = [f for f in fs if f.signal == "absent" and f.part and f.part not in by_container]
    if by_container or bare:
        judged = []  # (container named in front when several are judged, status, reason, facts)
        for name, p in by_container.items():
            st, why, got = _container_probes(p.get("readiness"), p.get("liveness"))
            never = [f for f in unexposed.get(name, []) if _probe_port_named(f)]
            maybe = [f for f in unexposed.get(name, []) if not _probe_port_named(f)]
            if never:
                st, why, got = "not_met", "; ".join(f.text for f in never), never + got
            elif maybe:
                why, got = f"{why}; caution: {'; '.join(f.text for f in maybe)}", got + maybe
            judged.append((f"container {name}: ", st, why, got))
        # an absent fact names its container already ("no liveness or readiness probe on container web of ...")
        judged += [("", "not_met", f.text, [f]) for f in bare]
        if len(judged) == 1:
            return judged[0][1:]
        return _worst([(st, head + why, got) for head, st, why, got in judged])
    hc = [f for f in fs if f.signal == "healthcheck"]
    absent = [f for f in fs if f.signal == "absent"]
    if hc:
        return "partly", (f"one Compose healthcheck ({hc[0].value}); Compose has no separate readiness "
                          f"check: {hc[0].where}"), hc[:1]
    if absent:
        return "not_met", absent[0].text, absent[:1]
    return None


def _resources(facts: Facts, c: Component, review: Review):
    fs = facts.of("k8s.resources", c.id)
    if not fs:
        return None
    full = {"requests.cpu", "requests.memory", "limits.cpu", "limits.memory"}
    have = [f for f in fs if f.signal == "set"]
    bare = [f for f in fs if f.signal == "absent"]
    complete = [f for f in have if set(f.value.split(",")) >= full]
    if have and not bare and len(complete) == len(have):
        # the item asks for values set from measurements: the files show they are set, not how they were chosen
        return "partly", (f"CPU and memory requests and limits set ({have[0].what}): {have[0].where}; whether they "
                          "come from measurements is for the reviewer to show"), have[:2]
    if have:
        part = next((f for f in have if f not in complete), None) or bare[0]
        missing = sorted(full - set(part.value.split(","))) if part.signal == "set" else sorted(full)
        return "partly", f"{part.what}; missing {', '.join(missing)}: {part.where}", [part] + have[:1]
    return "not_met", bare[0].text, bare[:1]


def _replicas(facts: Facts, c: Component) -> tuple[int | None, Fact | None, Fact | None]:
    """(instances at least, the fact of the replica count, the autoscaler's fact when there is one).

    Under a HorizontalPodAutoscaler the floor is its minReplicas, higher or lower than the workload's
    replicas: the autoscaler owns the count, and a service written with 3 replicas whose autoscaler may
    scale it down to 1 runs on one pod at quiet times (a budget and a spread are judged by that floor)."""
    r = next((f for f in facts.of("k8s.topology-spread", c.id) if f.signal == "replicas"), None)
    if r is None:
        n = c.replicas
    else:
        try:
            n = int(r.value)
        except ValueError:
            return None, r, None  # a DaemonSet: one per node
    hpa = next((f for f in facts.of("k8s.hpa", c.id) if f.value.isdigit()), None)
    if hpa is not None:
        return int(hpa.value), r, hpa
    return n, r, None


def _stated_replicas(rf: Fact | None) -> int | None:
    try:
        return int(rf.value) if rf is not None else None
    except ValueError:
        return None


def _floor_words(n: int | None, rf: Fact | None, hpa: Fact | None) -> str:
    """The floor an autoscaler sets, with both numbers when they differ ("replicas 3, but
    HorizontalPodAutoscaler api scales api from 1 to 6 (app.yaml:39), so at least 1 replica")."""
    if hpa is None:
        return ""
    written = _stated_replicas(rf)
    if written is not None and written > (n or 0):
        return f"replicas {written}, but {hpa.what} ({hpa.where}): it may scale down to {n}"
    return f"{hpa.what} ({hpa.where}), so at least {n} replicas"


def _budget(f: Fact, n: int | None, one: str = ", but one replica:"):
    """One PodDisruptionBudget (fact ``f``, its words already weighed) against ``n``, the pods it selects at least."""
    val = f.value.strip()
    pct = val.endswith("%")
    num = None
    try:
        num = float(val.rstrip("%"))
    except ValueError:
        pass
    if n == 1:
        return "partly", (f"{f.what}{one} the budget either blocks every node drain or protects "
                          f"nothing: {f.where}"), [f]
    if f.signal == "minAvailable" and num is not None:
        if num == 0:
            return "partly", f"{f.what}: minAvailable 0 protects nothing: {f.where}", [f]
        if (pct and num >= 100) or (not pct and n is not None and num >= n):
            return "partly", f"{f.what}: no voluntary disruption is allowed, so node drains stall: {f.where}", [f]
        return "met", f"{f.what}: {f.where}", [f]
    if f.signal == "maxUnavailable" and num is not None:
        if num == 0:
            return "partly", f"{f.what}: maxUnavailable 0 blocks every node drain: {f.where}", [f]
        if (pct and num >= 100) or (not pct and n is not None and num >= n):
            return "partly", f"{f.what}: maxUnavailable is at least the replica count, so it protects nothing: " \
                             f"{f.where}", [f]
        return "met", f"{f.what}: {f.where}", [f]
    return "partly", f"{f.what}: {f.where}", [f]


def _pdb(facts: Facts, c: Component, review: Review):
    fs = facts.of("k8s.pdb", c.id)
    n, rf, hpa = _replicas(facts, c)
    if not fs:
        if c.id in facts.read.get("k8s.pdb", set()):
            where = f" (its manifests were read: {rf.where})" if rf else ""
            return "not_met", f"no PodDisruptionBudget selects {c.label}{where}", [rf] if rf else []
        return None
    f = fs[0]
    if hpa is not None:  # the budget is weighed against the autoscaler's floor
        f = Fact(f.extractor, f.component, f.file, f.line, f"{f.what}; {_floor_words(n, rf, hpa)}",
                 f.signal, f.value, f.part)
    return _budget(f, n, "; at one replica" if hpa is not None else ", but one replica:")


def _pdb_group(facts: Facts, comps: list[Component], review: Review):
    """A redundancy group's budget, judged on the group as the model judges it: a budget whose selector
    matches several members' pods (bookinfo's reviews-v1..v3 under one ``app: reviews``) protects their
    pods together, so it is weighed against the pods of every member it selects, not each member's own;
    members no budget selects are judged alone."""
    if len(comps) < 2:
        return _one(_pdb)(facts, comps, review)
    by_budget: dict[tuple[str, int, str], list[tuple[Component, Fact]]] = {}
    alone: list[Component] = []
    for c in comps:
        fs = facts.of("k8s.pdb", c.id)
        if not fs:
            alone.append(c)
        for f in fs[:1]:
            by_budget.setdefault((f.file, f.line, f.what.split(" selects ", 1)[0]), []).append((c, f))
    results = []
    for (_file, _line, name), hits in by_budget.items():
        if len(hits) == 1:
            c = hits[0][0]
            r = _pdb(facts, c, review)
            if r is not None:
                results.append((r[0], f"{c.id}: {r[1]}", r[2]))
            continue
        floors = [_replicas(facts, c) for c, _f in hits]
        n = None if any(x[0] is None for x in floors) else sum(x[0] for x in floors)
        f = hits[0][1]
        rule = f"{f.signal} {f.value}" if f.signal in ("minAvailable", "maxUnavailable") else "no rule"
        scaled = [_floor_words(x[0], x[1], x[2]) for x in floors if x[2] is not None]
        what = (f"{name} selects the pods of {', '.join(c.id for c, _f in hits)} together ({rule}, "
                f"{n if n is not None else '?'} pod(s) at least" + (f"; {'; '.join(scaled)}" if scaled else "") + ")")
        g = Fact(f.extractor, "", f.file, f.line, what, f.signal, f.value, f.part)
        results.append(_budget(g, n, ", but one pod:"))
    judged = [(c, _pdb(facts, c, review)) for c in alone]
    judged = [(c, r) for c, r in judged if r is not None]
    if len(judged) > 1 and all(r[0] == "not_met" for _c, r in judged):  # one line for the members with none
        results.append(("not_met", f"no PodDisruptionBudget selects {', '.join(c.id for c, _r in judged)} (their "
                                   "manifests were read: " + ", ".join(f.where for _c, r in judged for f in r[2][:1])
                        + ")", [f for _c, r in judged for f in r[2][:1]]))
    else:
        results += [(r[0], f"{c.id}: {r[1]}", r[2]) for c, r in judged]
    return _worst(results)


def _spread_words(facts: Facts, cs: list[Component]) -> tuple[list[Fact], list[Fact], list[Fact]]:
    fs = [f for c in cs for f in facts.of("k8s.topology-spread", c.id)]
    return ([f for f in fs if f.signal == "zone" and f.value != "preferred"],
            [f for f in fs if f.signal == "zone"], [f for f in fs if f.signal == "node"])


def _spread(facts: Facts, c: Component, review: Review):
    fs = facts.of("k8s.topology-spread", c.id)
    if not fs:
        return None
    n, rf, hpa = _replicas(facts, c)
    got = ([rf] if rf else []) + ([hpa] if hpa else [])
    zone = [f for f in fs if f.signal == "zone"]
    node = [f for f in fs if f.signal == "node"]
    if rf is not None and n is None:  # a DaemonSet: one per node
        return "partly", f"{rf.what}; the zones of those nodes are not in the manifests: {rf.where}", [rf]
    if n is not None and n < 2:
        if n == 0:  # no instance runs: "one instance is a single point of failure" was said of none
            if hpa is not None:
                return "not_met", (f"{rf.what if rf else c.id}, but {hpa.what}: it may scale down to 0, and then no "
                                   f"instance runs: {hpa.where}"), got
            return "not_met", (f"{rf.what if rf else 'scaled to 0 (replicas 0)'}: no instance runs, so none is "
                               "spread" + (f": {rf.where}" if rf else "")), got
        if hpa is not None and (_stated_replicas(rf) or 0) > n:
            return "not_met", (f"{rf.what if rf else c.id}, but {hpa.what}: it may scale down to {n}, and one "
                               f"instance is a single point of failure: {hpa.where}"), got
        return "not_met", f"{rf.what if rf else f'{n} replica'}: one instance is a single point of failure: " \
                          f"{rf.where if rf else ''}".rstrip(": "), got
    written = _stated_replicas(rf)
    count = f"{n} replicas" + ((f" (the autoscaler's minimum, {hpa.where}; {written} written in the manifest)"
                                if written is not None and written != n else f" (the autoscaler's minimum, {hpa.where})")
                               if hpa else "")
    required = [f for f in zone if f.value != "preferred"]
    if required:
        return "met", (f"{count}, {required[0].what}: {required[0].where}; that the survivors carry the full load "
                       "when a zone is lost is for the reviewer to show"), got + required[:1]
    if zone:
        return "partly", (f"{count}, {zone[0].what}: the scheduler only prefers to spread them and may still "
                          f"place them in one zone: {zone[0].where}"), got + zone[:1]
    if node:
        return "partly", f"{count}, {node[0].what}, not across zones: {node[0].where}", got + node[:1]
    return "partly", (f"{count} with no anti-affinity or topology spread: the scheduler may place them in "
                      f"one zone" + (f": {rf.where}" if rf else "")), got


def _spread_group(facts: Facts, comps: list[Component], review: Review):
    """A redundancy group's instances, judged on the group as the model judges it: its members' pods
    together (bookinfo's reviews: 3 pods across 3 members, not three single points of failure)."""
    if len(comps) < 2:
        return _one(_spread)(facts, comps, review)
    have = [c for c in comps if facts.of("k8s.topology-spread", c.id)]
    if not have:
        return None
    floors = {c.id: _replicas(facts, c) for c in have}
    if any(n is None for n, _r, _h in floors.values()):  # a DaemonSet among them: member by member
        return _one(_spread)(facts, comps, review)
    total = sum(n for n, _r, _h in floors.values())
    got = [f for _n, r, h in floors.values() for f in (r, h) if f is not None]
    members = ", ".join(f"{cid} {n}" + (f" ({_floor_words(n, r, h)})" if h is not None else "")
                        for cid, (n, r, h) in floors.items())
    count = f"{total} pod(s) across {len(have)} members ({members})"
    unread = [c.id for c in comps if c not in have]
    tail = f"; no manifests read for {', '.join(unread)}" if unread else ""
    if total == 0:
        return "not_met", f"{count}: scaled to 0, no instance runs, so none is spread{tail}", got
    if total < 2:
        return "not_met", f"{count}: one instance is a single point of failure{tail}", got
    required, zone, node = _spread_words(facts, have)
    spread_all = {f.component for f in required} >= {c.id for c in have}
    if required and spread_all:
        return "met", (f"{count}, each {required[0].what}: {required[0].where}; that the survivors carry the full "
                       f"load when a zone is lost is for the reviewer to show{tail}"), got + required[:2]
    if zone or node:
        f = (zone or node)[0]
        return "partly", (f"{count}; only {', '.join(sorted({x.component for x in zone + node}))} "
                          f"{'has' if len({x.component for x in zone + node}) == 1 else 'have'} a spread "
                          f"({f.what}: {f.where}), so the scheduler may place the group's pods in one zone{tail}"), \
            got + [f]
    return "partly", (f"{count} with no anti-affinity or topology spread: the scheduler may place them in one "
                      f"zone{tail}"), got


def _scrape(facts: Facts, c: Component, review: Review):
    fs = [f for f in facts.of("monitoring.scrape", c.id)]
    if not fs:
        return None
    return "partly", (f"metrics are collected ({fs[0].what}: {fs[0].where}); which of rate, errors, latency and "
                      "saturation they hold is for the reviewer"), fs[:2]


def _signals(facts: Facts, c: Component, review: Review):
    """metrics, logs and a dashboard panel (obs.component-signals) from the observability facts."""
    have = facts.signals().get(c.id, {})
    got = {s: have[s][0] for s in ("metrics", "logs", "dashboard") if s in have}
    if not got:
        return None
    missing = [s for s in ("metrics", "logs", "dashboard") if s not in got]
    reason = "; ".join(f"{s}: {f.text}" for s, f in got.items())
    if missing:
        return "partly", reason + f"; no evidence of {', '.join(missing)} in the files read", list(got.values())
    return "met", reason, list(got.values())


def _tracing(facts: Facts, c: Component, review: Review):
    fs = facts.of("telemetry.tracing", c.id)
    if not fs:
        return None
    return "met", fs[0].text, fs[:1]


def _logs(facts: Facts, c: Component, review: Review):
    fs = facts.of("telemetry.logs", c.id)
    return ("met", fs[0].text, fs[:1]) if fs else None


_CRON_NAMED = {"@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *",
               "@weekly": "0 0 * * 0", "@monthly": "0 0 1 * *"}
_CRON_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 6))
_DOW = {"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}
_MON = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                    "dec"), 1)}


def _cron_field(text: str, lo: int, hi: int, names: dict) -> set[int] | None:
    out: set[int] = set()
    for part in text.split(","):
        rng, _, step = part.partition("/")
        try:
            k = int(step) if step else 1
            if rng == "*":
                a, b = lo, hi
            elif "-" in rng:
                x, y = rng.split("-", 1)
                a, b = int(names.get(x, x)), int(names.get(y, y))
            else:
                a = int(names.get(rng, rng))
                b = hi if step else a
        except ValueError:
            return None
        if k < 1 or a < lo or b > hi + (1 if hi == 6 else 0) or a > b:
            return None
        out |= {v % 7 if hi == 6 else v for v in range(a, b + 1, k)}
    return out


def cron_interval(expr: str) -> int | None:
    """The longest wait, in minutes, between two runs of a cron schedule (what bounds the data a restore
    loses), found by walking the schedule minute by minute over 62 days; None if it cannot be read."""
    import datetime as dt

    e = _CRON_NAMED.get(expr.strip().lower(), expr.strip().lower())
    m = re.fullmatch(r"@every\s+(\d+)([mh])", e)
    if m:
        return int(m.group(1)) * (60 if m.group(2) == "h" else 1) or None
    parts = e.split()
    if len(parts) != 5:
        return None
    sets = [_cron_field(f, lo, hi, names) for f, (lo, hi), names in
            zip(parts, _CRON_RANGES, ({}, {}, {}, _MON, _DOW))]
    if any(x is None for x in sets):
        return None
    mins, hours, doms, mons, dows = sets
    dom_any, dow_any = parts[2] == "*", parts[4] == "*"
    start = dt.datetime(2026, 1, 1)
    runs: list[int] = []
    for day in range(62):
        d = start + dt.timedelta(days=day)
        if d.month not in mons:
            continue
        wd = (d.weekday() + 1) % 7  # cron: Sunday is 0
        if dom_any and dow_any:
            ok = True
        elif dom_any:
            ok = wd in dows
        elif dow_any:
            ok = d.day in doms
        else:
            ok = d.day in doms or wd in dows
        if ok:
            runs += [day * 1440 + h * 60 + mi for h in sorted(hours) for mi in sorted(mins)]
    if len(runs) < 2:
        return None
    return max(b - a for a, b in zip(runs, runs[1:]))


def _backup(facts: Facts, c: Component, review: Review):
    fs = facts.of("backup.schedules", c.id)
    if not fs:
        return None
    sched = [f for f in fs if f.signal == "schedule"]
    if not sched:
        return "partly", f"{fs[0].what}, but nothing runs it on a schedule: {fs[0].where}", fs[:1]
    best = min(sched, key=lambda f: cron_interval(f.value) or 10 ** 9)
    every = cron_interval(best.value)
    if c.rpo_minutes is None:
        return "partly", (f"{best.what}" + (f" (every {every} min)" if every else "")
                          + f"; no RPO is stated to compare it with: {best.where}"), [best]
    if every is None:
        return "partly", f"{best.what}; its interval could not be read to compare with the RPO: {best.where}", [best]
    if every <= c.rpo_minutes:
        return "met", f"{best.what}: every {every} min, within the RPO of {stated(c.rpo_minutes)} min: {best.where}", [best]
    return "not_met", (f"{best.what}: every {every} min, but the RPO is {stated(c.rpo_minutes)} min, so a restore loses up "
                       f"to {every} min of data: {best.where}"), [best]


# ------------------------------------------------------------------ review-wide rules
def _listing(fs: list[Fact], n: int = 3) -> str:
    return "; ".join(f.text for f in fs[:n]) + (f" (and {len(fs) - n} more)" if len(fs) > n else "")


def _hpa_review(facts: Facts, comps: list[Component], review: Review):
    """An autoscaler whose target is not in the files (signal ``no-target``) scales nothing the review holds: it
    is said, not counted (sock-shop's ``cart`` autoscaler made 8 workloads of its 7)."""
    every = facts.of("k8s.hpa")
    fs = [f for f in every if f.signal != "no-target"]
    lost = [f for f in every if f.signal == "no-target"]
    if not fs:
        return None  # nothing the review holds is autoscaled: the import's dangling lines say why
    tail = f"; {_listing(lost, 2)}" if lost else ""
    return "partly", (f"autoscaling is configured for {len({f.component for f in fs})} workload(s): {_listing(fs)}; "
                      f"a test of a scale-out against the traffic ramp is for the reviewer to show{tail}"), \
        (fs[:5] + lost[:2])


def _serves(review: Review):
    """Whether traffic reaches a component: a caller, a user, a journey. Not a load generator (a test
    tool beside the system) nor a telemetry hub (jaeger, prometheus: a deploy that stops them loses
    spans or samples, not users' requests), whose update strategy says nothing of an error spike."""
    called = {d.target for d in review.dependencies.values()}
    journeys_enter = {e for j in review.journeys.values() for e in j.entry}
    for gid, g in review.groups.items():  # a call to a redundancy group reaches every member
        if gid in called:
            called |= set(g.members)
        if gid in journeys_enter:
            journeys_enter |= set(g.members)

    def serves(cid: str) -> bool:
        c = review.components.get(cid)
        return c is not None and LOAD_GENERATOR not in c.tags and "telemetry" not in c.tags and (
            cid in called or c.user_facing or cid in journeys_enter)
    return serves


def _on_delete(f: Fact) -> bool:
    return f.value == "OnDelete" or f.signal == "ondelete"


def _rolling_review(facts: Facts, comps: list[Component], review: Review):
    """Judged on the workloads traffic reaches (:func:`_serves`), each named: a telemetry tool updated by
    Recreate made the whole review "not met", and "every deploy" was said of two workloads of twelve."""
    every = facts.of("k8s.rolling-update")
    if not every:
        return None
    serves = _serves(review)

    def tool(cid: str) -> bool:  # a test tool or a telemetry hub: its strategy is no user's error spike
        c = review.components.get(cid)
        return c is None or LOAD_GENERATOR in c.tags or "telemetry" in c.tags

    fs = [f for f in every if not tool(f.component)]
    if not fs:
        return None
    names = lambda xs: listed(sorted({f.component for f in xs}), 6)  # noqa: E731
    of = f"of {len({f.component for f in fs})} workloads"
    recreate = [f for f in fs if f.signal == "recreate" and not _on_delete(f)]
    if recreate:
        return "not_met", (f"{names(recreate)} ({len({f.component for f in recreate})} {of}) "
                           f"{'updates' if len({f.component for f in recreate}) == 1 else 'update'} by Recreate: "
                           f"each deploy stops every instance before starting the new ones: {_listing(recreate)}"), \
            recreate[:5]
    manual = [f for f in fs if _on_delete(f)]
    if manual:
        return "partly", (f"{names(manual)} ({len({f.component for f in manual})} {of}) "
                          f"{'updates' if len({f.component for f in manual}) == 1 else 'update'} OnDelete: a new "
                          "version reaches an instance only when someone deletes its pod, so a rollout is done by "
                          f"hand, pod by pod: {_listing(manual)}"), manual[:5]
    no_ready = [c for c in sorted({f.component for f in fs})
                if serves(c) and not any(p.signal == "readiness" for p in facts.of("k8s.probes", c))]
    if no_ready:
        cited = [f for f in fs if f.component in no_ready]
        # every one counted ("and 5 more"): a list cut at five without a word read as the whole of it
        return "partly", (f"rolling updates ({len(fs)} workloads), but {listed(no_ready, 6)} "
                          f"{'has' if len(no_ready) == 1 else 'have'} no readiness probe, so a rolling update sends "
                          f"traffic to instances still starting: {cited[0].where}"), cited[:3]
    return "partly", (f"every workload ({len(fs)}, load generators and telemetry hubs aside) updates by rolling "
                      f"update, those that serve traffic with a readiness probe: {fs[0].where}; a deploy under load without an error spike is for the reviewer to show"), \
        fs[:3]


def _secrets_review(facts: Facts, comps: list[Component], review: Review):
    fs = facts.of("k8s.secret-refs")
    if not fs:
        return None
    lit = [f for f in fs if f.signal == "literal"]
    store = [f for f in fs if f.signal == "store"]
    refs = [f for f in fs if f.signal == "secret-ref"]
    if lit:
        return "not_met", f"secrets in plain configuration: {_listing(lit)}", lit[:5]
    if store and not refs:
        return "met", f"secrets come from a secret store: {_listing(store)}", store[:5]
    if store:
        return "partly", (f"some secrets come from a secret store ({_listing(store, 2)}); others from Secrets the "
                          f"files do not show the origin of: {_listing(refs, 2)}"), (store + refs)[:5]
    return "partly", (f"secrets are read from Secrets, not literals ({_listing(refs)}); where those Secrets come "
                      "from is not in the files read"), refs[:5]


def _alerts_review(facts: Facts, comps: list[Component], review: Review):
    fs = facts.of("monitoring.alert-rules")
    if not fs:
        return None
    names = sorted({f.value for f in fs})
    burn = [f for f in fs if f.signal == "burn-rate"]
    files = listed(facts.files.get("monitoring.alert-rules", []), 3)
    if burn:
        return "met", (f"{len(names)} alert rule(s) in {files}, among them burn-rate or SLO alerts: "
                       f"{_listing(burn, 2)}"), burn[:3]
    return "partly", (f"{len(names)} alert rule(s) in {files} ({listed(names, 5)}), none a burn-rate alert on an "
                      f"SLO: {fs[0].where}"), fs[:3]


def _runbooks_review(facts: Facts, comps: list[Component], review: Review):
    rules = {f.value for f in facts.of("monitoring.alert-rules")}
    if not rules:
        return None
    fs = facts.of("monitoring.runbook-links")
    linked = {f.value for f in fs if f.signal == "runbook"}
    without = [f for f in fs if f.signal == "absent"]
    if not without:
        return "met", f"every alert rule ({len(rules)}) links a runbook: {_listing([f for f in fs if f.signal == 'runbook'], 2)}", fs[:3]
    if linked:
        return "partly", (f"{len(linked)} of {len(rules)} alert rules link a runbook; without one: "
                          f"{_listing(without)}"), without[:5]
    return "not_met", f"none of the {len(rules)} alert rules links a runbook: {_listing(without)}", without[:5]


def _dashboards_review(facts: Facts, comps: list[Component], review: Review):
    fs = [f for f in facts.of("monitoring.dashboards") if not f.component]
    if not fs:
        return None
    slo = [f for f in fs if f.signal == "slo"]
    if slo:
        return "met", f"{slo[0].text}; that it also shows each hard dependency is for the reviewer", slo[:1]
    return "partly", f"{_listing(fs, 2)}: no SLO, error budget or burn-rate panel", fs[:2]


def _tracing_journey(facts: Facts, comps: list[Component], review: Review):
    """Every service a journey crosses exports traces (comps: the services it reaches)."""
    # telemetry hubs (the collector the spans go to) are plumbing, not hops of the journey
    svcs = [c for c in comps if c.kind in _SERVICE_KINDS and "telemetry" not in c.tags]
    if not svcs:
        return None
    have = {c.id: facts.of("telemetry.tracing", c.id) for c in svcs}
    with_ = [c.id for c in svcs if have[c.id]]
    if not with_:
        return None
    ev = [have[c][0] for c in with_][:6]
    without = [c.id for c in svcs if not have[c.id]]
    if without:
        return "partly", (f"{len(with_)} of {len(svcs)} services the journey crosses export traces "
                          f"({_listing(ev, 2)}); no trace exporter found for {listed(without, 6)}"), ev
    return "partly", (f"every service the journey crosses ({len(svcs)}) exports traces ({_listing(ev, 2)}); a trace "
                      "showing every hop is the evidence asked"), ev


#: extractor -> (per-component rule, review-wide rule, per-journey rule); None where it has nothing to say
RULES: dict[str, tuple] = {
    "k8s.probes": (_one(_probes), None, None),
    "k8s.resources": (_one(_resources), None, None),
    "k8s.pdb": (_pdb_group, None, None),
    "k8s.topology-spread": (_spread_group, None, None),
    "k8s.rolling-update": (None, _rolling_review, None),
    "k8s.hpa": (None, _hpa_review, None),
    "k8s.network-policy": (None, None, None),
    "k8s.secret-refs": (None, _secrets_review, None),
    "monitoring.scrape": (_one(_scrape), None, None),
    "monitoring.alert-rules": (None, _alerts_review, None),
    "monitoring.runbook-links": (None, _runbooks_review, None),
    "monitoring.dashboards": (None, _dashboards_review, None),
    "telemetry.tracing": (_one(_tracing), None, _tracing_journey),
    "telemetry.logs": (_one(_logs), None, None),
    "backup.schedules": (_one(_backup), None, None),
}
#: items answered better by a more specific rule than their extractor's (same facts)
ITEM_RULES: dict[str, Rule] = {
    "obs.component-signals": _one(_signals),
}
assert set(RULES) == set(EXTRACTORS)


def scopes_of(extractor: str) -> tuple[str, ...]:
    """The scopes (component, review, journey) an extractor can propose for."""
    comp, rev, jour = RULES[extractor]
    return tuple(s for s, r in (("component", comp), ("review", rev), ("journey", jour)) if r is not None)


def _journey_components(review: Review, jid: str) -> list[Component]:
    j = review.journeys.get(jid)
    if j is None:
        return []
    seen: list[str] = []
    todo = list(j.entry)
    out_edges: dict[str, list[str]] = {}
    for d in review.dependencies.values():
        out_edges.setdefault(d.source, []).append(d.target)
    while todo:
        x = todo.pop(0)
        if x in seen:
            continue
        seen.append(x)
        if x in review.groups:
            todo += review.groups[x].members
        todo += out_edges.get(x, [])
    return [review.components[c] for c in seen if c in review.components]


def propose(review: Review, facts: Facts, template=None, *, at: str | None = None) -> dict[str, Proposal]:
    """Proposals for every item of the review's template that names an extractor, where facts allow."""
    from prr_app.checklist.evaluate import Plan, item_key, resolve_template

    tmpl, _ = resolve_template(review, template)
    plan = Plan(review)
    at = at or _now()
    out: dict[str, Proposal] = {}
    for ti in tmpl.items:
        ext = ti.evidence_extractor
        if not ext or ext not in RULES:
            continue
        comp_rule, rev_rule, jour_rule = RULES[ext]
        comp_rule = ITEM_RULES.get(ti.id, comp_rule)
        for sub in plan.subjects(ti):
            res = None
            if ti.scope.per == "component" and comp_rule is not None:
                res = comp_rule(facts, sub.components, review)
            elif ti.scope.per == "review" and rev_rule is not None:
                res = rev_rule(facts, list(review.components.values()), review)
            elif ti.scope.per == "journey" and jour_rule is not None:
                res = jour_rule(facts, _journey_components(review, sub.id), review)
            if res is None or not res[2]:
                continue  # no proposal without evidence
            status, reason, fs = res
            key = item_key(ti.id, sub.id)
            out[key] = Proposal(item=key, status=status, reason=reason[:2000],
                                evidence=list(dict.fromkeys(f.text for f in fs))[:10], extractor=ext, made_at=at)
    return out


#: ``file:line`` at the end of a fact's words ("... no healthcheck ...: compose.yaml:80"): the line a re-import
#: moves when a line above changes (a file name with an extension, or a Dockerfile, then the line number)
_POSITION = re.compile(r"(?<![^\s(])([^\s:;,()]+\.[A-Za-z0-9]+|[^\s:;,()]*Dockerfile[^\s:;,()]*):\d+(?=$|[\s;,)\]])")


def _unplaced(text: str) -> str:
    return _POSITION.sub(r"\1", text)


def same_finding(old: Proposal, new: Proposal) -> bool:
    """Whether two proposals for an item say the same thing from the same evidence: the same status, reason and
    evidence apart from line positions (a comment added at the top of compose.yaml moves every line, not the
    finding). What keeps a reviewer's rejection across a re-import; another status, file or fact is news."""
    return (old.status == new.status and old.extractor == new.extractor
            and _unplaced(old.reason) == _unplaced(new.reason)
            and [_unplaced(e) for e in old.evidence] == [_unplaced(e) for e in new.evidence])


def refresh(review: Review, new: dict[str, Proposal], template=None) -> list[str]:
    """Replace the review's proposals from evidence by ``new`` (a re-import): a rejection is kept while
    the proposal it rejected stands unchanged (:func:`same_finding`: its lines may have moved), and while
    the review's template does not make that proposal at all (the item is not in it, or names no
    extractor: it is on another template for a while); answers are never touched; proposals
    carried from other answers (``prr checklist-carry``) stay unless the evidence proposes for the same
    item. Returns what changed, in words, its statuses as every face says them ("proposal
    svc.probes@cart: not met -> partly"; the lines reach the import's report, ``prr import``'s "change:"
    lines and the app's import summary): a proposal withdrawn because its item is no longer asked of
    its element says why (:func:`~prr_app.checklist.evaluate.why_not_asked`), not that the evidence went.
    An answer the new proposal contradicts (:func:`contradiction`: one confirmed from evidence the files no
    longer show as they did, or one typed by hand that the files settle otherwise) is said on every
    re-import while it holds, as ``prr checklist`` and the gate say it: a re-import that changes nothing
    writes nothing, so the review cannot hold that it was said before."""
    from prr_app.checklist.evaluate import item_applies, resolve_template, split_key, why_not_asked

    changes: list[str] = []
    old = review.proposals
    for key, p in new.items():
        o = old.get(key)
        a = review.answers.get(key)
        answered = a is not None and a.status != "unanswered"
        if o is not None and o.rejected_by and same_finding(o, p):
            p.rejected_by, p.rejected_at = o.rejected_by, o.rejected_at
        elif answered:
            # the reviewer's answer wins; one the files now contradict is said (and the new finding
            # proposed beside it: standing())
            if contradiction(a, p) is not None:
                changes.append(f"answer {key}: {evidence_moved(a, p)}")
            continue
        elif o is None:
            changes.append(f"proposal {key}: {enum_words(p.status)}")
        elif not same_finding(o, p):
            # another status, or the same status from another finding (a probe gone, another workload named):
            # news; a rejected proposal whose finding changed is offered again, and that is said
            again = f" (offered again: {o.rejected_by} rejected the earlier finding)" if o.rejected_by else ""
            if o.status != p.status:
                changes.append(f"proposal {key}: {enum_words(o.status)} -> {enum_words(p.status)}{again}")
            else:
                changes.append(f"proposal {key}: {enum_words(p.status)}, the finding changed: {p.reason}{again}")
    kept = {k: p for k, p in old.items() if k not in new and carried_source(p) is not None}
    for key, a in review.answers.items():
        if key not in new and confirmed_from_evidence(a):
            changes.append(f"answer {key}: {evidence_moved(a, None)}")
    gone = [k for k in old if k not in new and k not in kept]
    if gone:
        tmpl = None
        try:
            tmpl = resolve_template(review, template)[0]
        except Exception:  # the template cannot be read: the reason stays general
            tmpl = None
        for key in gone:
            item_id, _subject = split_key(key)
            ti = tmpl.item(item_id) if tmpl is not None else None
            if old[key].rejected_by and (tmpl is None or ti is None or not ti.evidence_extractor):
                # a reviewer's rejection of a proposal the review's template does not make (the review spends
                # time on another template): kept, so that it is not offered again when the review comes back
                # to a template that makes it and a re-import finds the same evidence (docs/checklist.md)
                kept[key] = old[key]
            elif tmpl is not None and ti is None:
                changes.append(f"proposal {key}: withdrawn (item {item_id!r} is not in template "
                               f"{tmpl.id} {tmpl.version}, the review's checklist)")
            elif tmpl is not None and not item_applies(review, key, tmpl)[1] \
                    and (why := why_not_asked(review, tmpl, key)) is not None:
                # the evidence may well be there: the item is no longer asked of that element (a reviewer
                # tagged it a telemetry hub, it joined a redundancy group), in the words an orphaned answer gets
                changes.append(f"proposal {key}: withdrawn (the item is no longer asked of it: {why})")
            else:
                changes.append(f"proposal {key}: withdrawn (the evidence is no longer there)")
    review.proposals = dict(sorted((new | kept).items()))
    return changes


def standing(review: Review, key: str) -> Proposal | None:
    """The proposal to show for an item: one that stands (not rejected) while no reviewer answered it,
    or while the files contradict the answer (:func:`contradiction`: the new finding is offered beside the
    answer, which counts until a reviewer confirms the new one; one beside an answer typed by hand is
    confirmed only when named, never by a confirmation of several: review.proposals.decide_changes)."""
    p = review.proposals.get(key)
    if p is None or p.rejected_by:
        return None
    a = review.answers.get(key)
    if a is not None and a.status != "unanswered":
        return p if carried_source(p) is None and contradiction(a, p) is not None else None
    return p


def confirmed_from_evidence(a: ChecklistAnswer | None) -> bool:
    """Whether answer ``a`` is a proposal from evidence a reviewer confirmed, and still stands as confirmed:
    its note is the confirmation's (a reviewer's later answer takes it away: checklist.answers.set_answer)."""
    return a is not None and a.status in _RANK and (a.note or "").startswith(CONFIRMED_NOTE)


def typed_by_hand(a: ChecklistAnswer | None) -> bool:
    """Whether ``a`` is a reviewer's own status (met, partly or not met) rather than a confirmed proposal
    from evidence: typed (``prr checklist-answer``, the walker), or confirmed from a proposal carried from
    another answer, or a confirmed answer a reviewer gave another status since."""
    return a is not None and a.status in _RANK and not confirmed_from_evidence(a)


#: the evidence of a confirmed proposal, as the answer keeps it (:func:`confirmed_fields`)
_EVIDENCE_LIMIT = 2000


def confirmed_fields(p: Proposal) -> tuple[str, str]:
    """(evidence, note) of the answer a confirmation of proposal ``p`` (from evidence) writes: the facts,
    and the reason after :data:`CONFIRMED_NOTE`. One place, so that :func:`contradiction` reads an answer
    back as the finding it was confirmed from."""
    return "; ".join(p.evidence)[:_EVIDENCE_LIMIT], (CONFIRMED_NOTE + p.reason)[:5000]


def _same_evidence(kept: str, fresh: str) -> bool:
    """Whether an answer's evidence ``kept`` (cut at :data:`_EVIDENCE_LIMIT`) is ``fresh`` apart from line
    positions; where it was cut, up to its last whole fact (a line number one digit longer moves the cut)."""
    k, f = _unplaced(kept), _unplaced(fresh)
    if len(kept) < _EVIDENCE_LIMIT:
        return k == f
    cut = k.rfind("; ")
    return f.startswith(k[:cut] if cut > 0 else k[:_EVIDENCE_LIMIT // 2])


def _as_confirmed(a: ChecklistAnswer, p: Proposal) -> bool:
    """Whether the confirmed answer ``a`` is the finding ``p`` as :func:`same_finding` compares two proposals
    (the same status, reason and facts apart from line positions), read back from what confirming wrote
    (:func:`confirmed_fields`): the evidence it rests on still stands."""
    ev, _note = confirmed_fields(p)
    was = Proposal(item=p.item, status=a.status, reason=(a.note or "")[len(CONFIRMED_NOTE):], evidence=[],
                   extractor=p.extractor, made_at=p.made_at)
    now = Proposal(item=p.item, status=p.status, reason=p.reason, evidence=[], extractor=p.extractor,
                   made_at=p.made_at)
    return same_finding(was, now) and _same_evidence(a.evidence or "", ev)


def _files_settle(answer: str, proposed: str) -> bool:
    """Whether the files settle an item against a reviewer's own status: they show none of it (not met: an
    absence read where the thing would be, a secret written in plain text) while the answer says met or
    partly. The answer is then better than anything the files show, and it takes the item's risk out of
    the register. A *partly* from the files contradicts no answer: most say that what the files cannot
    show is for the reviewer to show (metrics collected, limits set, a rollout test), which is what a
    reviewer's *met* adds; nor does a *met* from the files contradict a reviewer's worse status (the
    reviewer knows something the files do not say: that the survivors cannot carry the load)."""
    return proposed == "not_met" and answer in ("met", "partly")


#: the kinds of :func:`contradiction`
STATUS, OTHER_EVIDENCE = "status", "other evidence"


def contradiction(a: ChecklistAnswer | None, p: Proposal | None) -> str | None:
    """How proposal ``p`` from evidence contradicts answer ``a`` of the same item, or None.

    * an answer confirmed from evidence rests on what the files showed: another status is :data:`STATUS`;
      the same status from other evidence (the probe it cites removed, another workload named) is
      :data:`OTHER_EVIDENCE`: the evidence it cites is no longer there;
    * an answer typed by hand (:func:`typed_by_hand`) is contradicted where the files settle the item
      otherwise (:func:`_files_settle`: :data:`STATUS`), whenever it was typed, before or after the files
      were read.

    ``p`` rejected (a reviewer keeps the answer knowingly) or carried from another answer contradicts nothing."""
    if a is None or p is None or p.rejected_by or carried_source(p) is not None:
        return None
    if confirmed_from_evidence(a):
        if p.status != a.status:
            return STATUS
        return None if _as_confirmed(a, p) else OTHER_EVIDENCE
    if typed_by_hand(a) and _files_settle(a.status, p.status):
        return STATUS
    return None


def evidence_moved(a: ChecklistAnswer, p: Proposal | None) -> str:
    """What a re-import says of answer ``a`` that the files contradict (:func:`contradiction`): the files now
    propose ``p``, another status or (for an answer confirmed from evidence) the same from other evidence,
    or (``p`` None, a confirmed answer) they no longer show what it rests on. One line, the same in every
    face (the re-import's "change:" lines, ``prr checklist``, the gate's warnings, the report); it ends with
    one of :data:`~prr_app.wording.ANSWER_STANDS`, so that a re-import does not count it as a change."""
    stamp = (f" by {a.changed_by}" if a.changed_by else "") + (f" on {a.changed_at[:10]}" if a.changed_at else "")
    if not confirmed_from_evidence(a):  # typed by hand: the files may have been read before it or after
        was = f"answered {enum_words(a.status)}{stamp}"
        if p is None:
            return f"{was}; {ANSWER_STANDS[0]}"
        return (f"{was}, but the imported files show {enum_words(p.status)}: {p.reason}; proposed "
                f"{enum_words(p.status)}, {ANSWER_STANDS[1]}")
    was = f"confirmed {enum_words(a.status)} from evidence{stamp}"
    if p is None:
        return f"{was}, but the files imported since no longer show that evidence; {ANSWER_STANDS[0]}"
    if p.status == a.status:
        return (f"{was}, but the files imported since no longer show that evidence: they show "
                f"{enum_words(p.status)} from other evidence: {p.reason}; proposed {enum_words(p.status)}, "
                f"{ANSWER_STANDS[1]}")
    return (f"{was}, but the files imported since show {enum_words(p.status)}: {p.reason}; proposed "
            f"{enum_words(p.status)}, {ANSWER_STANDS[1]}")


def _readiness_import_at(review: Review) -> str | None:
    """When the newest import that read readiness evidence (and so refreshed the proposals) was made."""
    ats = [r.at for r in review.imports.values() if r.at and isinstance(r.report, dict)
           and any(str(x).startswith("readiness evidence:") and "none in these files" not in str(x)
                   for x in r.report.get("read", ()))]
    return max(ats) if ats else None


def evidence_changed(review: Review, key: str) -> str | None:
    """One line while the imported files contradict the answer to ``key`` (:func:`contradiction`): an answer
    confirmed from evidence the files now show otherwise or no longer show, or one typed by hand the files
    settle otherwise; None otherwise (or when a reviewer rejected the new proposal: they keep the answer
    knowingly). Said as long as it holds, not only by the re-import that first showed it."""
    a = review.answers.get(key)
    if a is None or a.status not in _RANK:
        return None
    p = review.proposals.get(key)
    if p is not None and carried_source(p) is None:
        return evidence_moved(a, p) if contradiction(a, p) is not None else None
    if not confirmed_from_evidence(a):
        return None
    at = _readiness_import_at(review)
    if at is not None and a.changed_at and at > a.changed_at:
        return evidence_moved(a, None)
    return None


def evidence_changes(review: Review) -> list[str]:
    """``"KEY: ..."`` for every answer the imported files contradict (:func:`evidence_changed`)."""
    return [f"{k}: {why}" for k in sorted(review.answers) if (why := evidence_changed(review, k)) is not None]


def _as_imported(review: Review, coll: str, eid: str) -> dict | None:
    """The fields of element ``eid`` (of ``coll``: components, dependencies) as the newest import that
    made it gave them (its record's ``report["imported"]``, what a re-import tells hand edits by); None
    when no import record holds it (a review written by hand, a file from before the records)."""
    recs = [r for r in review.imports.values() if isinstance(r.report, dict)
            and isinstance(r.report.get("imported"), dict)]
    for r in sorted(recs, key=lambda r: r.at or "", reverse=True):
        got = (r.report["imported"].get(coll) or {}).get(eid)
        if isinstance(got, dict):
            return got
    return None


def _value_text(v) -> str:
    if isinstance(v, list):
        return ", ".join(str(x) for x in v) or "none"
    return "not stated" if v is None else stated(v) if isinstance(v, float) else str(v)


def out_of_date(review: Review, it, template, proposal: Proposal | None = None) -> str | None:
    """Why the proposal from evidence on checklist item ``it`` (a :class:`ChecklistItem` of an evaluation
    with ``template``) is out of date, in one line; None while it is not. ``proposal``: the proposal to
    judge when it is not the one the item shows (a rejected one, confirmed after all).

    Out of date: the item is one the review's model answers too (a model decider), the model now
    answers it otherwise than the proposal, and a field that answer reads is no longer what the import
    that read the files gave it: a reviewer changed what the evidence read (``prr set REVIEW cartservice
    replicas=3`` after the manifests said one replica). Confirming it would record the files' answer
    over the model's. Where the fields are as imported, a proposal that differs from the model's answer
    stands: the files may say more than the model holds (a required zone spread the model knows only
    as assumed zones). A proposal carried from another answer is not from the files: never out of date."""
    p, m = proposal or it.proposal, it.model_answer
    if p is None or m is None or m.status == p.status or carried_source(p) is not None:
        return None
    ti = template.item(it.item_id)
    decider = DECIDERS.get(ti.model) if ti is not None and ti.model else None
    if decider is None:
        return None
    subject = it.subject
    if it.per == "dependency":
        elements = [("dependencies", subject, review.dependencies[subject])] if subject in review.dependencies else []
    elif subject in review.components:
        elements = [("components", subject, review.components[subject])]
    else:
        g = review.groups.get(subject)
        elements = [("components", c, review.components[c]) for c in (g.members if g else ()) if c in review.components]
    changed = []
    for coll, eid, el in elements:
        was = _as_imported(review, coll, eid)
        for f in decider.fields:
            if was is None or f not in was:
                continue
            now = getattr(el, f)
            if (list(now) if isinstance(now, (list, tuple)) else now) != was[f]:
                changed.append(f"{eid}'s {f} changed from {_value_text(was[f])} to {_value_text(now)}")
    if not changed:
        return None
    shown = "; ".join(changed[:3]) + (f" and {len(changed) - 3} more" if len(changed) > 3 else "")
    return (f"out of date: the files said {enum_words(p.status)}, but {shown} since the import, "
            f"and the review's model now answers {enum_words(m.status)} ({m.evidence})")
