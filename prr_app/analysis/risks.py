"""The scored risk register and the verdict (docs/analysis.md, "Scoring").

Every finding becomes a risk with a stable id, a likelihood and an impact
from 1 to 5, score = likelihood x impact, a severity band, a launch-blocking
flag, the components it concerns, a concrete mitigation and the inputs
behind each number. The reviewer's decisions stored in the review (risks
with ``origin == "computed"`` and the same id) are applied on top: score
overrides with their reason, owner, status, acceptance. Manual risks are
added as they were entered.
"""
from __future__ import annotations

from prr_app.analysis.compiled import bits_of

SEVERITY_BANDS = (("critical", 20), ("high", 10), ("medium", 5), ("low", 1))

#: How often a failure domain of each kind fails on its own (1 rare .. 5 frequent).
DOMAIN_LIKELIHOOD = {
    "host": 4, "rack": 3, "cluster": 3, "config": 3, "pipeline": 3, "certificate": 3,
    "zone": 2, "datacenter": 2, "account": 2, "network": 2, "other": 2,
    "region": 1, "provider": 1,
}


def severity(score: int) -> str:
    for name, low in SEVERITY_BANDS:
        if score >= low:
            return name
    return "low"


def _clamp(x: int) -> int:
    if type(x) is int and 1 <= x <= 5:  # the usual case
        return x
    return max(1, min(5, int(x)))


#: severity(score) for every score a risk can have (1..25)
_SEVERITY = [severity(max(i, 1)) for i in range(26)]


def _pct(x: float | None) -> str:
    return "not stated" if x is None else f"{x:g} %"


class RiskRegister:
    def __init__(self, ctx, today: str):
        self.ctx = ctx
        self.g = ctx.g
        self.review = ctx.review
        self.today = today
        self.risks: dict[str, dict] = {}
        self.stale: list[dict] = []
        self._impact_cache: dict[tuple, tuple[int, list[str]]] = {}
        self._mit_by_risk: dict[str, list] | None = None
        self._decided: set[str] = set()  # risks the reviewer's decisions were applied to
        self._critical: dict[tuple, bool] = {}

    # -- impact of a failure scenario ------------------------------------
    def impact_of(self, sc, element_comp: int | None = None) -> tuple[int, list[str]]:
        key = (sc.kind, sc.index)
        base = self._impact_cache.get(key)
        if base is None:
            base = self._impact_cache[key] = self._impact_base(sc)
        imp, inputs = base
        inputs = list(inputs)
        if element_comp is not None:
            comp = self.review.components[self.g.ids[element_comp]]
            gaps = [s for s in ("alerts", "metrics") if getattr(comp.observability, s) is False]
            if gaps and imp < 5:
                imp += 1
                inputs.append(f"impact +1: {comp.id} has no {' and no '.join(gaps)}: a failure is detected late")
            if comp.recovery == "none" and imp < 5:
                imp += 1
                inputs.append(f"impact +1: {comp.id} has no recovery mechanism")
        return _clamp(imp), inputs

    def _impact_base(self, sc) -> tuple[int, list[str]]:
        """The impact of a scenario before the failed component's own gaps (cached per scenario)."""
        ctx = self.ctx
        self._critical[(sc.kind, sc.index)] = self._is_critical_hit(sc)
        inputs: list[str] = []
        crit = ctx.critical_journeys_down(sc)
        jd, jg = ctx.journeys_hit(sc)
        uf_down = sc.down & ctx.uf_mask
        ndown = sc.down_count
        if crit:
            imp = 5
            inputs.append(f"impact 5: critical journey down ({', '.join(crit[:5])})")
        elif sc.down & ctx.tier1_uf_mask:
            imp = 5
            inputs.append("impact 5: tier-1 user-facing component down ("
                          + ", ".join(ctx.ids(sc.down & ctx.tier1_uf_mask, 5)) + ")")
        elif jd or uf_down:
            imp = 4
            what = (f"journey down ({', '.join(jd[:5])})" if jd
                    else "user-facing component down (" + ", ".join(ctx.ids(uf_down, 5)) + ")")
            inputs.append(f"impact 4: {what}")
        elif jg or (uf_deg := sc.degraded & ctx.uf_mask):
            imp = 3
            what = (f"journey degraded ({', '.join(jg[:5])})" if jg
                    else "user-facing component degraded (" + ", ".join(ctx.ids(uf_deg, 5)) + ")")
            inputs.append(f"impact 3: {what}")
        elif ndown > 1:
            imp = 2
            inputs.append(f"impact 2: {ndown} internal components down, no user-facing one")
        else:
            imp = 1
            inputs.append("impact 1: no user-facing component or journey hit")
        inputs.append(f"blast radius: {ndown} down, {ctx.br.affected_count(sc) - ndown} degraded of {self.g.n} components")
        return imp, inputs

    def is_critical_hit(self, sc) -> bool:
        """Does the scenario take down a critical journey (or, without journeys, a tier-1 user-facing
        component)? Cached per scenario, set when its impact is computed."""
        hit = self._critical.get((sc.kind, sc.index))
        if hit is None:
            hit = self._critical[(sc.kind, sc.index)] = self._is_critical_hit(sc)
        return hit

    def _is_critical_hit(self, sc) -> bool:
        ctx = self.ctx
        if ctx.critical_journeys_down(sc):
            return True
        # without journeys, a tier-1 user-facing component stands for a critical journey
        return not ctx.journeys and bool(sc.down & ctx.tier1_uf_mask)

    # -- likelihoods --------------------------------------------------------
    def component_likelihood(self, c: int) -> tuple[int, list[str]]:
        comp = self.review.components[self.g.ids[c]]
        a = comp.availability
        if a is None:
            return 3, ["likelihood 3: a component failure (bad deploy, config, overload); availability not stated"]
        if a >= 99.99:
            lk = 2
        elif a >= 99.9:
            lk = 3
        elif a >= 99.0:
            lk = 4
        else:
            lk = 5
        return lk, [f"likelihood {lk}: component failure; {comp.id} availability {_pct(a)}"]

    def instance_likelihood(self, c: int) -> tuple[int, list[str]]:
        comp = self.review.components[self.g.ids[c]]
        n, k = self.g.replicas[c], self.g.min_healthy[c]
        lk = 4
        why = f"likelihood 4: one instance (pod, VM, host) dies routinely; {comp.id} needs {k} of {n}"
        if comp.recovery == "automatic":
            lk = 3
            why = f"likelihood 3: one instance dies routinely, recovery is automatic; {comp.id} needs {k} of {n}"
        return lk, [why]

    def domain_likelihood(self, d: int) -> tuple[int, list[str]]:
        dom = self.review.domains[self.g.domain_ids[d]]
        if dom.availability is not None:
            a = dom.availability
            lk = 1 if a >= 99.99 else 2 if a >= 99.9 else 3 if a >= 99.0 else 4
            return lk, [f"likelihood {lk}: {dom.kind} {dom.id} availability {_pct(a)}"]
        lk = DOMAIN_LIKELIHOOD.get(dom.kind, 2)
        return lk, [f"likelihood {lk}: typical for a {dom.kind} failure (availability not stated)"]

    # -- adding risks ---------------------------------------------------------
    def add(self, rid: str, *, title: str, description: str, category: str, likelihood: int,
            impact: int, inputs: list[str], components: list[str], mitigation: str,
            blocking: bool, domains: list[str] = (), finding: str | None = None) -> dict:
        lk, im = _clamp(likelihood), _clamp(impact)
        risk = {
            "id": rid,
            "title": title,
            "description": description,
            "category": category,
            "origin": "computed",
            "likelihood": lk,
            "impact": im,
            "computed_likelihood": lk,
            "computed_impact": im,
            "score": lk * im,
            "severity": _SEVERITY[lk * im],
            "launch_blocking": bool(blocking),
            "blocking_rule": bool(blocking),
            "components": sorted(set(components)) if len(components) > 1 else list(components),
            "domains": sorted(set(domains)) if domains else [],
            "mitigation": mitigation,
            "inputs": list(inputs),
            "status": "open",
            "owner": "",
            "accepted": None,
            "acceptance_expired": False,
            "override": None,
            "mitigations": [],
            "finding": finding or rid,
        }
        self.risks[rid] = risk
        return risk

    def severity_of(self, rid: str) -> str | None:
        r = self.risks.get(rid)
        return r["severity"] if r else None

    # -- building ---------------------------------------------------------------
    def build(self, spofs, comp_scen, dom_scen, common, availability, cascading) -> list[dict]:
        """The ranked register of every finding (:meth:`add_spofs`, then :meth:`finish`)."""
        self.add_spofs(spofs, comp_scen, dom_scen)
        return self.finish(comp_scen, dom_scen, common, availability, cascading)

    def add_spofs(self, spofs, comp_scen, dom_scen) -> None:
        """The SPOFs' risks: the first part of :meth:`build`, which needs only the SPOFs (so it can
        run before availability and common cause are known)."""
        g = self.g
        seen: set[str] = set()
        for s in spofs:
            rid = s["risk_id"]
            if rid in seen:
                continue
            seen.add(rid)
            if s["element_type"] == "domain":
                self._domain_spof(s, g.domain_index[s["element"]], dom_scen)
            else:
                c = g.index[s.get("component", s["element"])]
                if s["element_type"] == "component":
                    self._component_spof(s, c, comp_scen[c])
                else:
                    self._instance_spof(s, c, comp_scen[c])

    def finish(self, comp_scen, dom_scen, common, availability, cascading) -> list[dict]:
        """The rest of :meth:`build` after :meth:`add_spofs`: the other findings, the reviewer's
        decisions, the ranking."""
        for f in common:
            self._common_cause(f, comp_scen, dom_scen)
        for a in availability:
            if a["attainable"] is False:
                self._slo(a)
        for f in cascading:
            self._cascade(f, comp_scen)
        for risk in self.risks.values():
            folded = risk.pop("_folded", None)
            n_folded = risk.pop("_folded_n", 0)
            if folded:
                risk["components"] = sorted(set(risk["components"]) | folded)
                if n_folded > 10:
                    risk["inputs"].append(f"common cause: ... and {n_folded - 10} more components with all "
                                          f"replicas in the same domain")
        self._apply_review()
        out = sorted(self.risks.values(),
                     key=lambda r: (not r["launch_blocking"], -r["score"], -r["impact"], r["id"]))
        for i, r in enumerate(out, 1):
            r["rank"] = i
        return out

    def _hit_text(self, s: dict) -> str:
        parts = []
        if s["journeys"]:
            parts.append("journeys " + ", ".join(s["journeys"][:5]))
        if s["user_facing_down"]:
            parts.append("user-facing " + ", ".join(s["user_facing_down"][:5]))
        return " and ".join(parts) or "user-facing components"

    def _component_spof(self, s, c, sc):
        cid = self.g.ids[c]
        lk, li = self.component_likelihood(c)
        im, ii = self.impact_of(sc, c)
        chain = s["chain"][:8]  # a prefix: the chain is built lazily
        dependent = chain[1] if len(chain) > 1 else None
        comp = self.review.components[cid]
        hit = self._hit_text(s)
        if dependent:
            mit = (f"Give {dependent} a fallback for {cid} (cached or default answer, degraded mode) "
                   f"or put {cid} in a redundancy group with an independent second {comp.kind} "
                   f"(separate deployment and config) so that {hit} survive its failure")
        else:
            mit = (f"Run an independent second {cid} (separate deployment, config and release train) as a "
                   f"redundancy group behind the entry point, or serve a static/degraded fallback when {cid} fails")
        self.add(
            s["risk_id"], category="spof",
            title=f"{cid} is a single point of failure (component failure)",
            description=(f"A failure of {cid} (every replica at once: bad release, config, overload) takes down "
                         f"{hit}; chain: {' -> '.join(chain[:8])}"),
            likelihood=lk, impact=im, inputs=li + ii + [f"disruption type: component"],
            components=[cid] + s["user_facing_down"][:20], mitigation=mit,
            blocking=self.is_critical_hit(sc),
        )

    def _instance_spof(self, s, c, sc):
        g = self.g
        cid = g.ids[c]
        comp = self.review.components[cid]
        n, k = g.replicas[c], g.min_healthy[c]
        lk, li = self.instance_likelihood(c)
        im, ii = self.impact_of(sc, c)
        where = self._free_sibling(c)
        if n == 1:
            mit = f"Add a second replica of {cid}" + (f" in {where}" if where else " in another zone")
            if comp.kind in ("datastore", "cache", "queue"):
                mit += " (a standby with automatic failover)"
        else:
            mit = (f"{cid} needs all {n} of its instances ({k} of {n}): add replicas so that losing one still leaves "
                   f"{k} (run {n + 1})" + (f", the new one in {where}" if where else "")
                   + f", or lower the requirement below {n}")
        self.add(
            s["risk_id"], category="spof",
            title=f"{cid} is a single point of failure (instance failure)",
            description=(f"{cid} runs {n} instance{'s' if n > 1 else ''} and needs {k}: losing one instance takes "
                         f"down {self._hit_text(s)}"),
            likelihood=lk, impact=im, inputs=li + ii + ["disruption type: instance"],
            components=[cid] + s["user_facing_down"][:20], mitigation=mit,
            blocking=self.is_critical_hit(sc),
        )

    def _free_sibling(self, c: int) -> str | None:
        """A domain of the same kind and parent as one of c's placements, not used by c yet."""
        review = self.review
        comp = review.components[self.g.ids[c]]
        used = set(comp.placement)
        for p in comp.placement:
            dom = review.domains.get(p)
            if dom is None:
                continue
            for did in sorted(review.domains):
                o = review.domains[did]
                if did not in used and o.kind == dom.kind and o.parent == dom.parent:
                    return did
        return None

    def _domain_spof(self, s, d, dom_scen):
        g, review = self.g, self.review
        did = g.domain_ids[d]
        dom = review.domains[did]
        sc = dom_scen[d]
        lk, li = self.domain_likelihood(d)
        im, ii = self.impact_of(sc)
        seeds = [g.ids[c] for c in g.domain_seeds[d]]
        # seeds that matter: those on the way to a user-facing component or journey
        spof_comps = self.ctx.spof_components
        key = [g.ids[c] for c in g.domain_seeds[d] if spof_comps[c]] or seeds
        sib = None
        for oid in sorted(review.domains):
            o = review.domains[oid]
            if oid != did and o.kind == dom.kind and o.parent == dom.parent:
                sib = oid
                break
        names = ", ".join(key[:6]) + (f" and {len(key) - 6} more" if len(key) > 6 else "")
        target = sib or f"a second {dom.kind}"
        if dom.physical:
            mit = f"Spread {names} across {did} and {target} so that each keeps enough healthy instances when {did} fails"
        else:
            mit = (f"Remove the shared fate on {dom.kind} {did}: run {names} on {target} as well "
                   f"(independent {dom.kind}), so one {dom.kind} failure cannot take them all")
        self.add(
            s["risk_id"], category="spof",
            title=f"{dom.kind} {did} is a single point of failure",
            description=(f"A failure of {dom.kind} {did} takes down {', '.join(key[:6])} and with them "
                         f"{self._hit_text(s)}"),
            likelihood=lk, impact=im, inputs=li + ii + ["disruption type: domain"],
            components=key + s["user_facing_down"][:20], domains=[did], mitigation=mit,
            blocking=self.is_critical_hit(sc),
        )

    def _common_cause(self, f, comp_scen, dom_scen):
        g = self.g
        ftype = f["type"]
        if ftype in ("replicas-in-one-domain", "placement-cannot-survive-domain-loss"):
            cid = f["components"][0]
            c = g.index[cid]
            sc = comp_scen[c]
            doms = [f["domain"]] if ftype == "replicas-in-one-domain" else f["domains"]
            d = g.domain_index[doms[0]]
            # already a domain SPOF: fold into that risk instead of repeating it
            spof = self.risks.get(f"spof:domain:{doms[0]}")
            if spof is not None:
                spof.setdefault("_folded", set()).add(cid)
                spof["_folded_n"] = spof.get("_folded_n", 0) + 1
                if spof["_folded_n"] <= 10:
                    spof["inputs"].append(f"common cause: {f['detail']}")
                return
            lk, li = self.domain_likelihood(d)
            im, ii = self.impact_of(sc, c)
            dom = self.review.domains[doms[0]]
            sib = self._free_sibling(c)
            n, k = f["replicas"], f["min_healthy"]
            if ftype == "replicas-in-one-domain":
                title = f"all replicas of {cid} share {dom.kind} {doms[0]}"
                mit = (f"Place the {n} replicas of {cid} across {doms[0]} and "
                       f"{sib or 'a second ' + dom.kind} so that one {dom.kind} failure leaves at least {k}")
            else:
                title = f"{cid} ({k} of {n}) cannot survive the loss of {doms[0]}"
                most = n - k
                mit = (f"Re-place {cid} so that no single {dom.kind} holds more than {most} of its {n} instances"
                       + (f" (add {sib})" if sib else "") + f", or add replicas so {k} survive losing {doms[0]}")
            self.add(f["id"], category="common-cause", title=title, description=f["detail"],
                     likelihood=lk, impact=im, inputs=li + ii + [f"finding: {ftype}"],
                     components=[cid], domains=doms, mitigation=mit, blocking=False)
            return
        # redundancy group members that fail together
        members = f["components"]
        worst_sc, worst_imp, worst_inputs, lk, li = None, 0, [], 3, []
        for did in f.get("domains", []):
            sc = dom_scen[g.domain_index[did]]
            im, ii = self.impact_of(sc)
            if im > worst_imp:
                worst_sc, worst_imp, worst_inputs = sc, im, ii
                lk, li = self.domain_likelihood(g.domain_index[did])
        for dep in f.get("shared_dependencies", []):
            c = g.index[dep]
            sc = comp_scen[c]
            im, ii = self.impact_of(sc, c)
            if im > worst_imp:
                worst_sc, worst_imp, worst_inputs = sc, im, ii
                lk, li = self.component_likelihood(c)
        parts = []
        if f.get("domains"):
            parts.append(f"place the members of {f['group']} in different "
                         + "/".join(sorted({self.review.domains[d].kind for d in f['domains']}))
                         + f"s (now {', '.join(f['domains'][:3])} can take down enough of them)")
        if f.get("shared_dependencies"):
            parts.append(f"give each member its own {', '.join(f['shared_dependencies'][:3])} "
                         "(or a fallback for it)")
        self.add(
            f["id"], category="common-cause",
            title=f"redundancy group {f['group']} is not independent",
            description=f["detail"], likelihood=lk, impact=worst_imp or 1,
            inputs=li + worst_inputs + ["finding: redundancy-group-common-cause"],
            components=members + f.get("shared_dependencies", []), domains=f.get("domains", []),
            mitigation="To make the redundancy real, " + " and ".join(parts), blocking=False,
        )

    def _slo(self, a: dict):
        review = self.review
        tgt = a["target"]
        critical = True
        if a["target_type"] == "journey":
            critical = review.journeys[tgt].critical
        top = a["top_consumers"][:3]
        if top:
            names = "; ".join(f"{t['element']} ({t['type']}, {_pct(t['availability'])}, "
                              f"{t['budget_share']:g} % of the error budget)" if t.get("budget_share") is not None
                              else f"{t['element']} ({t['type']}, {_pct(t['availability'])})" for t in top)
            mit = (f"Raise the availability of {top[0]['element']} (redundancy or a fallback on it"
                   f"{', e.g. a second replica' if top[0]['type'] == 'component' else ''}); the largest consumers "
                   f"of the error budget are {names}; or lower the SLO of {tgt} to at most {a['ci'][1]:.4f} %")
        else:
            mit = f"Lower the SLO of {tgt} to at most {a['ci'][1]:.4f} % or add redundancy under it"
        comps = [t["element"] for t in a["top_consumers"] if t["type"] == "component"]
        if a["target_type"] == "component":
            comps.append(tgt)
        else:
            comps.extend(review.journeys[tgt].entry)
        ci = a["ci"]
        how = ("exact" if a["method"] == "exact"
               else f"simulation, {a['samples']} samples, 95 % CI {ci[0]:.4f}-{ci[1]:.4f} %")
        self.add(
            f"slo:{a['target_type']}:{tgt}", category="availability",
            title=f"SLO of {tgt} ({a['slo']:g} %) is not attainable by design",
            description=(f"The architecture's ceiling for {tgt} is {a['estimate']:.4f} % ({how}), below its SLO of "
                         f"{a['slo']:g} %, counting each shared dependency once"),
            likelihood=5, impact=5 if critical else 4,
            inputs=["likelihood 5: the ceiling is below the SLO by design",
                    f"impact {5 if critical else 4}: {'critical' if critical else 'non-critical'} "
                    f"{a['target_type']} {tgt} misses its SLO",
                    f"estimate {a['estimate']:.4f} % vs SLO {a['slo']:g} % ({how})"],
            components=comps, domains=[t["element"] for t in top if t["type"] == "domain"],
            mitigation=mit, blocking=True,
        )

    def _cascade(self, f: dict, comp_scen):
        g = self.g
        t = f["type"]
        cid = f["components"][0]
        c = g.index[cid]
        if t == "deep-synchronous-chain":
            path = f["path"]
            im, ii = self.impact_of(comp_scen[g.index[path[-1]]])
            im = max(2, min(im, 3))
            self.add(f["id"], category="cascading", title=f"{cid} sits on a {f['depth']}-deep synchronous chain",
                     description=f["detail"] + f": {' -> '.join(path[:10])}",
                     likelihood=2, impact=im,
                     inputs=[f"likelihood 2: depth {f['depth']} (latency and timeouts add up)",
                             f"impact {im}: slow responses at {cid}"] + ii[1:],
                     components=path[:20],
                     mitigation=(f"Shorten the chain under {cid}: make the call {path[-2]} -> {path[-1]} asynchronous "
                                 f"or cached, or give {path[1]} a fallback, and set timeouts that shrink along "
                                 f"{' -> '.join(path[:4])}") if len(path) >= 2 else
                                (f"Break the cycle of synchronous hard calls through {cid} ({f['depth']} components "
                                 f"wait on each other): make one of the calls asynchronous or give it a fallback, "
                                 f"and set timeouts on each"),
                     blocking=False)
        elif t == "retry-amplification":
            amp = f["amplification"]
            lk = 4 if amp >= 16 else 3
            end = f["path"][-1]
            im, ii = self.impact_of(comp_scen[g.index[end]], g.index[end])
            self.add(f["id"], category="cascading",
                     title=f"retries from {cid} can multiply load {amp}x",
                     description=f["detail"], likelihood=lk, impact=max(im, 3),
                     inputs=[f"likelihood {lk}: retries without backoff/budget, {amp}x attempts at {end}",
                             f"impact {max(im, 3)}: overload of {end} spreads back up the chain"] + ii,
                     components=f["components"],
                     mitigation=(f"Add exponential backoff with jitter and a retry budget to the calls "
                                 f"{cid} -> {', '.join(f['targets'])}; retry at one layer only along "
                                 f"{' -> '.join(f['path'][:5])}"),
                     blocking=False)
        elif t == "no-timeout-or-breaker":
            im, ii = self.impact_of(comp_scen[c], c)
            targets = f["targets"]
            self.add(f["id"], category="cascading",
                     title=f"{cid} calls {', '.join(targets[:3])}{' ...' if len(targets) > 3 else ''} without timeout or breaker",
                     description=f["detail"], likelihood=3, impact=im,
                     inputs=["likelihood 3: a slow dependency is as common as a dead one"] + ii,
                     components=[cid] + targets,
                     mitigation=(f"Set a timeout (below {cid}'s own deadline) and a circuit breaker on "
                                 + ", ".join(f"{cid} -> {x}" for x in targets[:5])),
                     blocking=False)
        elif t == "shared-datastore":
            im, ii = self.impact_of(comp_scen[c], c)
            deps = f["dependents"]
            self.add(f["id"], category="cascading",
                     title=f"{len(deps)} components share the {self.review.components[cid].kind} {cid}",
                     description=f["detail"], likelihood=2, impact=im,
                     inputs=[f"likelihood 2: one noisy client or slow query overloads {cid}",
                             f"{len(deps)} dependents: {', '.join(deps[:8])}"] + ii,
                     components=[cid] + deps,
                     mitigation=(f"Protect {cid} from its {len(deps)} dependents: per-client connection limits and "
                                 f"quotas, a cache or read replicas in front of it, and move the heaviest of "
                                 f"{', '.join(deps[:3])} to their own store"),
                     blocking=False)

    # -- the reviewer's decisions ---------------------------------------------
    def _mitigations_by_risk(self) -> dict[str, list]:
        if self._mit_by_risk is None:
            review = self.review
            self._mit_by_risk = {}
            for mid in sorted(review.mitigations):
                m = review.mitigations[mid]
                for rid in m.risks:
                    self._mit_by_risk.setdefault(rid, []).append(m)
        return self._mit_by_risk

    def decide(self, rids) -> None:
        """Apply the reviewer's decisions on the risks ``rids`` now (the SPOFs' risks, so that their
        severity is final before the rest of the register is built); :meth:`finish` does the others."""
        review = self.review
        mit_by_risk = self._mitigations_by_risk()
        for rid in sorted(set(rids) - self._decided):
            if rid not in self.risks:
                continue
            self._decided.add(rid)
            r = review.risks.get(rid)
            if r is None:
                if rid in mit_by_risk:  # pragma: no cover - refs are validated
                    self._decide(self.risks[rid], None, mit_by_risk[rid])
                continue
            if r.origin != "computed":  # a manual risk under a computed id: it takes the id over
                self._add_manual(rid, r)
            self._decide(self.risks[rid], r, mit_by_risk.get(rid, []))

    def _add_manual(self, rid: str, r) -> dict:
        lk = r.likelihood if r.likelihood is not None else 3
        im = r.impact if r.impact is not None else 3
        inputs = ["entered by the reviewer"]
        if r.likelihood is None or r.impact is None:
            inputs.append("likelihood/impact not stated: 3 assumed")
        risk = self.add(
            rid, title=r.title or rid, description=r.description, category="manual",
            likelihood=lk, impact=im, inputs=inputs, components=r.components,
            mitigation="", blocking=bool(r.launch_blocking),
        )
        risk["origin"] = "manual"
        return risk

    def _apply_review(self):
        review = self.review
        mit_by_risk = self._mitigations_by_risk()
        for rid in sorted(review.risks):
            if rid in self._decided:
                continue
            r = review.risks[rid]
            if r.origin == "computed":
                risk = self.risks.get(rid)
                if risk is None:
                    self.stale.append({
                        "id": rid,
                        "reason": "no finding with this id any more (the architecture changed); "
                                  "the reviewer's decision on it no longer applies",
                    })
                    continue
            else:
                risk = self._add_manual(rid, r)
            self._decide(risk, r, mit_by_risk.get(rid, []))
        for rid, risk in self.risks.items():
            if rid not in review.risks and rid in mit_by_risk and rid not in self._decided:  # pragma: no cover
                self._decide(risk, None, mit_by_risk[rid])

    def _decide(self, risk: dict, r, mitigations: list):
        if r is not None:
            if (r.override_likelihood is not None or r.override_impact is not None) and r.override_reason.strip():
                lk = r.override_likelihood if r.override_likelihood is not None else risk["likelihood"]
                im = r.override_impact if r.override_impact is not None else risk["impact"]
                risk["override"] = {
                    "likelihood": r.override_likelihood,
                    "impact": r.override_impact,
                    "reason": r.override_reason,
                    "computed_likelihood": risk["likelihood"],
                    "computed_impact": risk["impact"],
                }
                risk["likelihood"], risk["impact"] = _clamp(lk), _clamp(im)
                risk["score"] = risk["likelihood"] * risk["impact"]
                risk["severity"] = severity(risk["score"])
                risk["inputs"].append(f"overridden by the reviewer: likelihood {risk['likelihood']}, "
                                      f"impact {risk['impact']} ({r.override_reason})")
            if r.launch_blocking is not None and risk["origin"] == "computed" and r.launch_blocking != risk["blocking_rule"]:
                risk["blocking_rule"] = bool(r.launch_blocking)
                risk["inputs"].append(f"launch-blocking set to {bool(r.launch_blocking)} by the reviewer")
            risk["owner"] = r.owner
            risk["status"] = r.status
            if r.acceptance is not None:
                acc = r.acceptance
                risk["accepted"] = {"by": acc.by, "at": acc.at, "reason": acc.reason, "until": acc.until}
                if acc.until and acc.until < self.today:
                    risk["acceptance_expired"] = True
                    if risk["status"] == "accepted":
                        risk["status"] = "open"
                    risk["inputs"].append(f"acceptance by {acc.by} expired on {acc.until}")
                elif r.status == "open":
                    risk["status"] = "accepted"
        done = False
        for m in mitigations:
            risk["mitigations"].append({
                "id": m.id, "title": m.title, "owner": m.owner, "due": m.due, "status": m.status,
                "effort": m.effort,
            })
            done = done or m.status == "done"
        if done and risk["status"] == "open":
            risk["status"] = "mitigated"
        if not risk["mitigation"]:
            risk["mitigation"] = "; ".join(m.title for m in mitigations if m.title) or "no mitigation recorded"
        if risk["status"] in ("accepted", "mitigated", "closed") or risk["accepted"] and not risk["acceptance_expired"]:
            risk["launch_blocking"] = False
        else:
            risk["launch_blocking"] = risk["blocking_rule"]
        if not risk["owner"] and mitigations:
            risk["owner"] = next((m.owner for m in mitigations if m.owner), "")


def verdict(risks: list[dict], checklist: dict | None, review) -> dict:
    """not-ready / ready-with-conditions / ready, with the reasons (domain.md)."""
    reasons: list[str] = []
    blockers = [r for r in risks if r["launch_blocking"]]
    check_blockers = checklist.get("blockers", 0) if checklist else 0
    if blockers or check_blockers:
        for r in blockers[:10]:
            reasons.append(f"launch blocker: {r['title']} ({r['id']})")
        if len(blockers) > 10:
            reasons.append(f"... and {len(blockers) - 10} more launch-blocking risks")
        if check_blockers:
            names = checklist.get("blocking_items", [])
            reasons.append(f"{check_blockers} blocker checklist item{'s' if check_blockers > 1 else ''} not met"
                           + (": " + ", ".join(names[:5]) if names else ""))
        v = "not-ready"
    else:
        open_high = [r for r in risks if r["severity"] in ("critical", "high") and r["status"] == "open"
                     and not (r["accepted"] and not r["acceptance_expired"])]
        if open_high:
            v = "ready-with-conditions"
            reasons.append(f"{len(open_high)} high or critical risk{'s' if len(open_high) > 1 else ''} open")
            mit_ok = [r for r in open_high if r["owner"] and any(m.get("due") for m in r["mitigations"])]
            missing = [r for r in open_high if r not in mit_ok]
            if missing:
                reasons.append(f"{len(missing)} of them still need an owner and a mitigation with a due date: "
                               + ", ".join(r["id"] for r in missing[:5]) + (" ..." if len(missing) > 5 else ""))
        else:
            v = "ready"
            reasons.append("no launch blockers and no open high or critical risks")
    if checklist and checklist.get("unanswered_blockers"):
        reasons.append(f"{checklist['unanswered_blockers']} blocker checklist item(s) still unanswered")
    return {
        "verdict": v,
        "reasons": reasons,
        "launch_blockers": [r["id"] for r in blockers],
        "checklist_blockers": check_blockers,
    }
