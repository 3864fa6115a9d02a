"""Structural findings: common-cause redundancy and cascading-failure risks."""
from __future__ import annotations

from prr_app.analysis.blast import BlastRadius
from prr_app.analysis.chains import CHAIN_HEAD, CHAIN_TAIL
from prr_app.analysis.compiled import CompiledGraph, bits_of
from prr_app.model.entities import CLIENT, CONFIRMED_NOTE, LOAD_GENERATOR
from prr_app.wording import enum_words, stated

#: Domain kinds too broad to report "all replicas share it" (everything does).
BROAD_DOMAIN_KINDS = frozenset({"provider"})
#: Component kinds that hold state for others.
STATEFUL_KINDS = frozenset({"datastore", "cache", "queue"})
DEEP_CHAIN = 5  # components on a synchronous hard chain before it is a finding
FAN_IN = 5  # dependents of one datastore before it is a finding
AMPLIFICATION = 4  # load multiplication by retries before it is a finding


def _depth_of(graph: CompiledGraph, domain: int) -> int:
    return len(graph.domain_closure[domain])


def common_cause(graph: CompiledGraph, br: BlastRadius, need_desc, need_scc) -> list[dict]:
    review = graph.review
    out: list[dict] = []
    fatal_of: dict[int, list[int]] = {}
    for d, seeds in enumerate(graph.domain_seeds):
        for c in seeds:
            fatal_of.setdefault(c, []).append(d)
    for c in range(graph.n):
        n, k = graph.replicas[c], graph.min_healthy[c]
        if n < 2:
            continue
        common: set[int] | None = None
        slots = graph.slot_closure[c]
        if slots:
            for clo in slots[: min(len(slots), n)]:
                common = set(clo) if common is None else common & clo
        else:
            common = set()
        common = (common or set()) | set(graph.shared_closure[c])
        common = {d for d in common if review.domains[graph.domain_ids[d]].kind not in BROAD_DOMAIN_KINDS}
        cid = graph.ids[c]
        if common:
            narrow = max(common, key=lambda d: (_depth_of(graph, d), graph.domain_ids[d]))
            out.append({
                "id": f"common-cause:replicas:{cid}",
                "type": "replicas-in-one-domain",
                "components": (cid,),
                "domains": tuple(sorted(graph.domain_ids[d] for d in common)),
                "domain": graph.domain_ids[narrow],
                "replicas": n,
                "min_healthy": k,
                "detail": f"all {n} replicas of {cid} sit in {graph.domain_ids[narrow]}: "
                          f"its failure takes {cid} down despite the replicas",
            })
        # domains that do not hold every replica, yet hold too many to survive their loss
        fatal = sorted(d for d in fatal_of.get(c, ()) if d not in common
                       and review.domains[graph.domain_ids[d]].kind not in BROAD_DOMAIN_KINDS)
        if fatal:
            names = [graph.domain_ids[d] for d in fatal]
            lost = graph.domain_lost[fatal[0]].get(c, n)
            out.append({
                "id": f"common-cause:placement:{cid}",
                "type": "placement-cannot-survive-domain-loss",
                "components": (cid,),
                "domains": tuple(names),
                "replicas": n,
                "min_healthy": k,
                "detail": f"{cid} needs {k} of {n} instances; losing {names[0]} ({lost} of them) leaves "
                          f"{n - lost}, fewer than {k}",
            })
    # redundancy groups: shared domains and shared dependencies
    for grp in graph.groups:
        if len(grp.members) < 2 or grp.threshold < 2:
            continue
        member_mask = 0
        for m in grp.members:
            member_mask |= 1 << m
        shared_domains = []
        ways = []  # per shared domain: the members placed in it, and those it reaches through a dependency
        for d in range(len(graph.domain_ids)):
            if review.domains[graph.domain_ids[d]].kind in BROAD_DOMAIN_KINDS:
                continue
            hit = br.domain_down(d) & member_mask
            if hit.bit_count() >= grp.threshold:
                shared_domains.append(graph.domain_ids[d])
                seeds = graph.domain_seeds[d]
                placed = [m for m in grp.members if hit >> m & 1 and m in seeds]
                through = [m for m in grp.members if hit >> m & 1 and m not in seeds]
                via = []
                if through:
                    tmask = 0
                    for m in through:
                        tmask |= 1 << m
                    # what the domain takes down on its own and the members reached go down with
                    via = [graph.ids[x] for x in seeds if not member_mask >> x & 1
                           and br.component_down(x) & tmask]
                ways.append({"domain": graph.domain_ids[d],
                             "placed": tuple(graph.ids[m] for m in placed),
                             "through": tuple(graph.ids[m] for m in through),
                             "via": tuple(via)})
        # candidates: components below at least `threshold` members (over-approximation), verified exactly
        levels = [0] * (grp.threshold + 1)
        for m in grp.members:
            dm = need_desc[need_scc[m]]
            for j in range(grp.threshold, 0, -1):
                levels[j] |= levels[j - 1] & dm if j > 1 else dm
        cands = levels[grp.threshold] & ~member_mask
        shared_deps = []
        for x in bits_of(cands):
            if (br.component_down(x) & member_mask).bit_count() >= grp.threshold:
                shared_deps.append(graph.ids[x])
        if shared_domains or shared_deps:
            parts = []
            if shared_domains:
                # one domain is enough: "any one of" (a failure of "eu, zone-a" read as one domain)
                parts.append("a failure of " + ("any one of " if len(shared_domains) > 1 else "")
                             + ", ".join(shared_domains[:5]) + " takes down enough members"
                             + "".join(f" ({w['domain']}: " + "; ".join(
                                 ([", ".join(w["placed"]) + " placed in it"] if w["placed"] else [])
                                 + ([", ".join(w["through"]) + " through " + ", ".join(w["via"][:3] or ("a dependency",))]
                                    if w["through"] else [])) + ")"
                                       for w in ways[:5] if w["through"]))
            if shared_deps:
                parts.append("members share the hard dependency " + ", ".join(shared_deps[:5]))
            out.append({
                "id": f"common-cause:group:{grp.id}",
                "type": "redundancy-group-common-cause",
                "group": grp.id,
                "components": tuple(sorted(graph.ids[m] for m in grp.members)),
                "domains": tuple(shared_domains),
                "shared_dependencies": tuple(sorted(shared_deps)),
                # per domain: the members placed in it, those it reaches through ``via`` (the
                # components it takes down on its own that they need)
                "domain_ways": tuple(ways),
                "min_up": grp.min_up,
                "detail": f"redundancy group {grp.id} ({grp.min_up} of {len(grp.members)} needed) is not independent: "
                          + "; ".join(parts),
            })
    out.sort(key=lambda f: f["id"])
    return out


def cascading(graph: CompiledGraph, entries: list[int], *, shared_rests: bool = True) -> list[dict]:
    """The cascading-failure findings of a review from its entries (user-facing components and
    journeys' entry components). ``shared_rests=False``: every deep chain's path walked whole, the
    plain path the tests compare the shared one with (the same findings)."""
    review = graph.review
    n = graph.n
    out: list[dict] = []
    # 1. long synchronous hard chains (hard dependencies without fallback), on the condensation
    scc_of, sccs = graph.hard_sccs()
    depth = [0] * len(sccs)
    exit_edge: list[tuple[int, int] | None] = [None] * len(sccs)  # (member, target) leaving the group
    for sid, members in enumerate(sccs):  # sinks first
        best, arg = 0, None
        for v in members:
            for t in graph.hard_out[v]:
                st = scc_of[t]
                if st != sid and depth[st] > best:
                    best, arg = depth[st], (v, t)
        depth[sid] = len(members) + best
        exit_edge[sid] = arg

    # the way from any member of a group to the member whose call leaves it: one breadth-first
    # search backwards from that member, inside the group, per group (not one per entry)
    toward: dict[int, dict[int, int]] = {}  # exit member -> {member: next member on a shortest way}

    def inside(a: int, b: int) -> list[int]:
        """A shortest path of hard calls from a to b within their strongly connected group (a excluded)."""
        nxt = toward.get(b)
        if nxt is None:
            hard_in = graph.hard_in
            sid = scc_of[b]
            nxt = toward[b] = {b: b}
            queue = [b]
            for u in queue:
                for s in hard_in[u]:
                    if scc_of[s] == sid and s not in nxt:
                        nxt[s] = u
                        queue.append(s)
        out = []
        while a != b:
            a = nxt[a]
            out.append(a)
        return out

    def walk(e: int, limit: int) -> list[int]:
        """The path from ``e``: through each group of components that call each other to the member
        whose call leaves it, until ``limit`` components are listed (at most 10,000 in all)."""
        nodes = [e]
        cur = e
        while exit_edge[scc_of[cur]] is not None and len(nodes) < limit:
            v, t = exit_edge[scc_of[cur]]
            if v != cur:
                nodes.extend(inside(cur, v))
            nodes.append(t)
            cur = t
        return nodes

    # (length, last CHAIN_TAIL components) of the whole path from a component, shared by the paths
    # that pass there (each step depends only on where it is): on an import tens of thousands of
    # entries lead into the same long chains, and walking each whole listed a million components
    rests: dict[int, tuple[int, tuple[int, ...]]] = {}

    def rest(x: int) -> tuple[int, tuple[int, ...]]:
        hops = []
        cur = x
        while cur not in rests:
            if exit_edge[scc_of[cur]] is None:
                rests[cur] = (1, (cur,))
                break
            hops.append(cur)
            cur = exit_edge[scc_of[cur]][1]
        length, tail = rests[cur]
        for h in reversed(hops):
            v = exit_edge[scc_of[h]][0]
            seg = [h] + inside(h, v) if v != h else [h]
            length += len(seg)
            if len(tail) < CHAIN_TAIL:
                tail = tuple((seg + list(tail))[-CHAIN_TAIL:])
            rests[h] = (length, tail)
        return rests[x]

    for e in entries:
        d = depth[scc_of[e]]
        if d >= DEEP_CHAIN:
            path_length, tail = rest(e) if shared_rests else (10_000, ())
            if path_length >= 10_000:  # the walk stops there: as it is (or the plain path)
                nodes = walk(e, 10_000)
                path_length = len(nodes)
            elif path_length <= CHAIN_HEAD + CHAIN_TAIL:
                nodes = walk(e, 10_000)
            else:  # the first steps, and the last from what the paths share
                nodes = walk(e, CHAIN_HEAD)[:CHAIN_HEAD] + list(tail)
            # written as the chains of SPOFs are: a long one as its first and last steps, with its length
            if len(nodes) > CHAIN_HEAD + CHAIN_TAIL:
                nodes = nodes[:CHAIN_HEAD] + nodes[-CHAIN_TAIL:]
            path = [graph.ids[x] for x in nodes]
            cid = graph.ids[e]
            # the words say what the path shows (its calls); ``depth`` counts every member of the cycles
            # of hard calls on the way, which a request may pass through
            through = (f" ({d} components on its way, counting every member of the cycles of hard calls it "
                       "passes through)" if d > path_length else "")
            out.append({
                "id": f"cascade:chain:{cid}",
                "type": "deep-synchronous-chain",
                "components": (cid,),
                "depth": d,
                "path": tuple(path),
                "path_length": path_length,
                "detail": (f"{cid} waits on a chain of {path_length - 1} synchronous hard call"
                           f"{'s' if path_length != 2 else ''}{through}; latency and failures add up along it"),
            })
    # 2. retries without backoff or budget multiplying load down a chain
    unsafe: dict[tuple[int, int], int] = {}
    dependencies = review.dependencies
    for src, tc, _tg, kind, _hard, _fb, _soft, did in graph.deps:
        if kind == "async" or tc is None:
            continue
        o = dependencies[did]
        if o.retries and o.retries > 0 and o.backoff is not True and o.retry_budget is not True:
            unsafe[(src, tc)] = o.retries
    if unsafe:
        sync_out: list[list[int]] = [[] for _ in range(n)]
        for src, tc, _tg, kind, _hard, _fb, _soft, _did in graph.deps:
            if kind != "async" and tc is not None:
                sync_out[src].append(tc)
        s_of, s_sccs = graph.sccs(sync_out)
        amp = [1] * n
        step = [-1] * n
        for sid, members in enumerate(s_sccs):
            for v in members:
                for t in sync_out[v]:
                    if s_of[t] == sid:
                        continue
                    a = (1 + unsafe.get((v, t), 0)) * amp[t]
                    if a > amp[v]:
                        amp[v], step[v] = a, t
        by_source: dict[int, list[int]] = {}
        for src, t in unsafe:
            by_source.setdefault(src, []).append(t)
        for s in sorted(by_source):
            # the finding is about s's own retries: its chain starts with one of the calls s retries
            # (the worst), then follows the worst amplification below it
            best, first = 0, -1
            for t in sorted(by_source[s]):
                a = (1 + unsafe[(s, t)]) * amp[t]
                if a > best:
                    best, first = a, t
            if best < 2:
                continue
            path = [graph.ids[s], graph.ids[first]]
            cur = first
            while step[cur] != -1 and len(path) < 10_000:
                cur = step[cur]
                path.append(graph.ids[cur])
            targets = sorted(graph.ids[t] for t in by_source[s])
            cid = graph.ids[s]
            out.append({
                "id": f"cascade:retries:{cid}",
                "type": "retry-amplification",
                "components": (cid, *targets),
                "targets": tuple(targets),
                "amplification": best,
                "path": tuple(path),
                "detail": f"{cid} retries {', '.join(targets)} without backoff or a retry budget; "
                          f"along {' -> '.join(path[:6])}{' ...' if len(path) > 6 else ''} one request can become "
                          f"{best} attempts at the end of the chain",
            })
    # 3. hard synchronous calls with neither timeout nor circuit breaker
    # (caller, callee) pairs sorted: each caller's callees in a run (plain tuples, which the collector
    # stops tracking; a list per caller was 7,000 containers on an import, promoted and then dropped)
    unbounded: list[tuple[int, str]] = []
    # a load generator's calls are a test tool's: its waiting ties up no worker of the system (emojivoto's
    # vote-bot led the timeout finding's mitigation)
    tools = graph.load_generators
    for src, _tc, _tg, kind, _hard, _fb, softened_hub, did in graph.deps:
        if kind != "hard" or softened_hub or src in tools:
            continue
        o = dependencies[did]
        # a timeout of 0 ms is none (the checklist reads it so): only a positive one bounds the wait
        if not (o.timeout_ms or 0) > 0 and o.circuit_breaker is not True:
            unbounded.append((src, o.target))
    unbounded.sort()
    i, m = 0, len(unbounded)
    while i < m:
        s = unbounded[i][0]
        j = i + 1
        while j < m and unbounded[j][0] == s:
            j += 1
        targets = [t for _s, t in unbounded[i:j]]
        i = j
        cid = graph.ids[s]
        # software on users' devices (a browser app, a phone app) has no workers to tie up: its users wait
        cost = "leaves its users waiting" if CLIENT in review.components[cid].tags else "ties up its workers"
        out.append({
            "id": f"cascade:no-timeout:{cid}",
            "type": "no-timeout-or-breaker",
            "components": (cid,),
            "targets": tuple(targets),
            "detail": f"{cid} calls {', '.join(targets[:5])}{' ...' if len(targets) > 5 else ''} synchronously "
                      f"with no timeout and no circuit breaker stated: a slow dependency {cost}",
        })
    # 4. one datastore with many dependents
    for c in range(n):
        comp = review.components[graph.ids[c]]
        if comp.kind not in STATEFUL_KINDS or c in graph.hubs:
            continue
        dependents = sorted({graph.ids[s] for s in graph.any_in[c]})
        if len(dependents) >= FAN_IN:
            cid = graph.ids[c]
            out.append({
                "id": f"cascade:fan-in:{cid}",
                "type": "shared-datastore",
                "components": (cid,),
                "dependents": tuple(dependents),
                "detail": f"{len(dependents)} components depend on the {comp.kind} {cid}: an overload or slow query there spreads to all of them",
            })
    out.sort(key=lambda f: f["id"])
    return out


#: extractor -> (what is missing, in words; the likelihood of the disruption it leaves unguarded, 1..5;
#: why it matters; the kind of its fix, a row of the effort table ``prr_app.analysis.risks.EFFORT``)
_EVIDENCE_GAPS = {
    "k8s.pdb": ("no working disruption budget", 3,
                "node drains and cluster upgrades (routine, voluntary) can take every instance down at once",
                "disruption-budget"),
    "k8s.probes": ("no liveness or readiness probe", 3,
                   "traffic reaches instances that cannot serve, and broken instances are not restarted",
                   "health-probes"),
}
#: the words of a missing probe when the evidence is a Compose file's (the extractor ``k8s.probes`` reads
#: Compose healthchecks too: the risk id keeps its name, the words say what the file has)
_COMPOSE_PROBES = ("no healthcheck", "nothing checks that it can serve: what waits for it to be healthy cannot, "
                                     "and a container that hangs goes unnoticed")
#: the statuses that make a finding: a budget that protects nothing or blocks every drain is as bad as none;
#: probes that exist but share one check are for the checklist, not the register
_GAP_STATUSES = {"k8s.pdb": ("not_met", "partly"), "k8s.probes": ("not_met",)}


def evidence_items(template) -> dict[str, str]:
    """``item id -> extractor`` for the items of a checklist template (anything with ``items`` of ``id`` and
    ``evidence_extractor``) whose evidence can make a register finding: what :func:`evidence_gaps` needs to
    count a reviewer's answer to such an item. The analysis does not read templates: its caller passes this."""
    return {ti.id: ti.evidence_extractor for ti in getattr(template, "items", None) or ()
            if getattr(ti, "evidence_extractor", None) in _EVIDENCE_GAPS}


def _answer_words(a, p) -> tuple[str, list[str]]:
    """The reason and evidence of a reviewer's answer (``a``) that shows a gap. The proposal ``p`` for the item
    (a re-import keeps it, hidden behind the answer), when it says the same, gives its own; else the answer's:
    a confirmed proposal's note and evidence carry the proposal's reason and evidence, an answer typed by hand
    what the reviewer wrote."""
    if p is not None and p.status == a.status:
        return p.reason, list(p.evidence)
    note, given = (a.note or "").strip(), (a.evidence or "").strip()
    reason = note[len(CONFIRMED_NOTE):] if note.startswith(CONFIRMED_NOTE) else note or given
    if not reason:
        reason = f"answered {enum_words(a.status)}" + (f" by {a.changed_by}" if a.changed_by else "") \
                 + ", with no evidence given"
    return reason, [given] if given else []


def evidence_gaps(review, spof_ids: set[str], critical_hit: dict[str, list[str]],
                  items: dict[str, str] | None = None) -> list[dict]:
    """Findings from answers proposed from imported evidence (issue 21) that show a gap (not met or partly),
    or a reviewer's answer saying so: a missing disruption budget or probes. A gap on a component whose
    failure takes down a critical journey (a SPOF for it) is said so and weighs more.

    ``spof_ids``: components whose own failure is a SPOF; ``critical_hit``: component -> the critical
    journeys its failure takes down; ``items``: item id -> extractor of the review's template
    (:func:`evidence_items`), so that a reviewer's answer counts on an item with no proposal (a confirmed
    proposal leaves the proposals; a reviewer may answer by hand): without it only the items with a
    proposal are looked at. The finding's id is the same whether a proposal or an answer shows the gap (a
    confirmed proposal is the same risk). Returns finding dicts (id, extractor, component, status, reason,
    evidence, critical journeys, spof), the critical ones first."""
    items = items or {}
    out = []
    keys = set(review.proposals) | {k for k in review.answers if k.split("@", 1)[0] in items}
    for key in sorted(keys):
        if "@" not in key:
            continue
        p = review.proposals.get(key)
        a = review.answers.get(key)
        answered = a is not None and a.status != "unanswered"
        ext = p.extractor if p is not None and p.extractor in _EVIDENCE_GAPS else items.get(key.split("@", 1)[0])
        if ext not in _EVIDENCE_GAPS or (p is None and not answered):
            continue
        if answered:
            status = a.status
            reason, evidence = _answer_words(a, p if p is not None and p.extractor == ext else None)
        elif p.rejected_by:
            continue
        else:
            status, reason, evidence = p.status, p.reason, list(p.evidence)
        if status not in _GAP_STATUSES[ext]:
            continue
        subject = key.split("@", 1)[1]
        members = review.groups[subject].members if subject in review.groups else [subject]
        for cid in members:
            if cid not in review.components or LOAD_GENERATOR in review.components[cid].tags:
                continue  # (a load generator serves no user: its probes and budget are no risk)
            journeys = critical_hit.get(cid, [])
            out.append({"id": f"evidence:{ext}:{cid}", "extractor": ext, "component": cid,
                        "item": key, "status": status, "reason": reason, "evidence": evidence,
                        "answered_by_reviewer": answered,
                        "critical_journeys": journeys, "spof": cid in spof_ids})
    out.sort(key=lambda f: (not f["critical_journeys"], not f["spof"], f["id"]))
    return out


def _compose_evidence(f: dict) -> bool:
    """Whether a probes finding rests on a Compose file (a service with no healthcheck, or one disabled):
    the facts' words say so ("Compose service cart has no healthcheck ...")."""
    return f["extractor"] == "k8s.probes" and any(
        "Compose service" in e or "Compose healthcheck" in e for e in [f["reason"], *f["evidence"]])


def evidence_gap_risk(f: dict, replicas: int | None = None, kind: str | None = None) -> dict:
    """The register entry's words, likelihood and fix kind (``fix``, its effort) for an :func:`evidence_gaps`
    finding (``replicas`` and ``kind``: the component's, for a budget's advice). The fix changes the component itself: its
    owner owns the risk unless someone else is named.
    Probes missing from a Compose file are worded as a missing healthcheck (Compose has no probes)."""
    what, lk, why, fix = _EVIDENCE_GAPS[f["extractor"]]
    compose = _compose_evidence(f)
    if compose:
        what, why = _COMPOSE_PROBES
    cid = f["component"]
    crit = f["critical_journeys"]
    if crit:
        context = (f"{cid} is a single point of failure for the critical journey(s) {', '.join(crit[:5])}: "
                   f"{why}, and those journeys go down with it")
    elif f["spof"]:
        context = f"{cid} is a single point of failure: {why}, and what depends on it goes down with it"
    else:
        context = f"{why}; {cid} has redundancy or no critical journey depends on it alone, so the loss is contained"
        lk = max(1, lk - 1)
    if f["extractor"] == "k8s.pdb" and (replicas or 1) <= 1 and kind in STATEFUL_KINDS:
        # a second pod of a single-writer store cannot share its volume: its own replication comes first
        mitigation = ("Run a standby replicated by the store itself (an operator's replica set, or the managed "
                      "service's failover; a second pod of the same Deployment cannot share its volume), then add "
                      "a PodDisruptionBudget selecting its instances with minAvailable 1")
    elif f["extractor"] == "k8s.pdb" and (replicas or 1) <= 1:
        # at one replica no budget keeps it up through a node drain: the second replica comes first
        mitigation = ("Run a second replica first (with one, a node drain takes it down whatever the budget "
                      "says), then add a PodDisruptionBudget selecting it with minAvailable 1")
    elif f["extractor"] == "k8s.pdb":
        mitigation = "Add a PodDisruptionBudget selecting it with minAvailable below the replica count"
    elif compose:
        mitigation = ("Give its Compose service a healthcheck that fails while it cannot serve, and have the "
                      "services that need it wait for it (depends_on with condition: service_healthy); deployed "
                      "on Kubernetes, a readiness probe and a separate, cheaper liveness probe")
    else:
        mitigation = ("Give it a readiness probe that fails while it cannot serve and a separate, cheaper "
                      "liveness probe that checks only the process")
    return {"title": f"{cid}: {what}", "likelihood": lk, "fix": fix,
            "description": f"{context}. Evidence: {f['reason']}", "mitigation": mitigation}


def journeys_without_entries(review) -> list[dict]:
    """Journeys with no entry component or group (deleting a journey's only entry leaves one so): nothing
    says where users come in, so no failure can take them down and their SLO is never checked. The
    analysis cannot judge them: a finding each (``model:journey-without-entry:<id>``), which blocks
    the launch when the journey is critical (docs/analysis.md, "Journeys without entries")."""
    out = []
    for jid in sorted(review.journeys):
        j = review.journeys[jid]
        if j.entry:
            continue
        name = j.name or jid
        out.append({"id": f"model:journey-without-entry:{jid}", "type": "journey-without-entry", "journey": jid,
                    "name": name, "critical": bool(j.critical), "slo": j.slo,
                    "detail": f"{'critical journey' if j.critical else 'journey'} {name} cannot be judged: "
                              "no entry components"})
    return out


def journey_without_entry_risk(f: dict) -> dict:
    """The register entry of a :func:`journeys_without_entries` finding (``RiskRegister.add``'s
    keywords but the id and the category, ``model``): launch-blocking when the journey is critical."""
    jid, name = f["journey"], f["name"]
    slo = f" and its SLO ({stated(f['slo'])} %) is never checked" if f["slo"] is not None else ""
    return {
        "title": f["detail"],
        "description": (f"{f['detail']}: the journey names no component or redundancy group where users come in, "
                        f"so no failure is seen to take it down{slo}. Its single points of failure and its "
                        "availability are missing from this analysis"),
        "likelihood": 3, "impact": 5 if f["critical"] else 3,
        "inputs": ["likelihood 3: what the journey needs is not known to the analysis",
                   f"impact {5 if f['critical'] else 3}: " + ("a critical journey" if f["critical"]
                                                               else "a journey that is not critical")],
        "components": [], "mitigation": f"Set the entry components (or redundancy group) of journey {name} "
                                        f"in the inspector, or delete the journey if users no longer take it",
        "blocking": f["critical"],
        "blocking_reason": f"critical journey {jid} has no entry components" if f["critical"] else "",
        "fix": "define-journeys", "journeys": [jid],
    }
