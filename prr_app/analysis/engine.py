"""The whole analysis of a review in one call: :func:`analyze`.

It ties the parts together:

* ``graph``: the review compiled into integer arrays;
* ``blast``: down / affected bitsets for every component and domain failure;
* ``availability``: composite availability of journeys and user-facing
  components;
* ``findings``: common-cause and cascading-failure findings;
* ``risks``: the scored risk register and the verdict.

Everything returned is plain JSON-able data (dicts, lists, strings,
numbers); :meth:`Analysis.to_dict` is what ``prr analyze --json`` prints and
``schemas/analysis.schema.json`` describes.
"""
from __future__ import annotations

import datetime as _dt
import gc
import io
import pickle
import sys
from array import array
from contextlib import contextmanager

import orjson
from dataclasses import dataclass, field

from prr_app.analysis import ahead as _ahead
from prr_app.analysis import findings as _findings
from prr_app.analysis import risks as _risks
from prr_app.analysis.availability import AvailabilityModel
from prr_app.analysis.blast import BlastRadius, Scenario
from prr_app.analysis.graph import CompiledGraph, bits_of, compile_review, has, mask_of
from prr_app.analysis.lazy import Chain, IdList, encode_all, json_default_factory, plain
from prr_app.analysis.propagation import Outcome, simulate as _simulate
from prr_app.domain.model import Review

#: A chain step from a component with more dependents than this looks only at those the target reaches.
_HUB_FAN_IN = 48

#: Items of a long list written at once by :meth:`Analysis.write_json`.
_WRITE_SLICE = 512

#: The sections whose JSON a helper process writes while the rest of the analysis goes on.
_AHEAD_KEYS = ("failure_domains", "spofs", "blast_radius")

_LAZY_SPOF_KEYS = ("down", "degraded", "user_facing_down", "user_facing_degraded", "chain")

#: Version of the analysis output; bumped when a key changes meaning.
ANALYSIS_VERSION = 1


@dataclass
class Analysis:
    """The result of :func:`analyze`. Attributes mirror the keys of :meth:`to_dict`."""

    spofs: list[dict]
    blast_radius: dict[str, dict]
    failure_domains: list[dict]
    common_cause: list[dict]
    availability: list[dict]
    cascading: list[dict]
    risks: list[dict]
    verdict: dict
    assumptions: list[dict]
    checklist: dict | None
    summary: dict
    stale_decisions: list[dict]
    seed: int = 0
    detail: bool = False
    _graph: CompiledGraph | None = field(default=None, repr=False, compare=False)
    _plain: bool = field(default=False, repr=False, compare=False)
    #: the helper process writing the JSON of the :data:`_AHEAD_KEYS` sections, if any
    _ahead: object | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict:
        """Plain JSON-able data: the lazy id lists in the result are turned into lists (in place)."""
        with _gc_paused():
            return self._to_dict()

    def _to_dict(self) -> dict:
        if not self._plain:
            for s in self.spofs:
                for k in _LAZY_SPOF_KEYS:
                    s[k] = plain(s[k])
            for f in self.failure_domains:
                for k in ("down", "degraded", "user_facing_down"):
                    f[k] = plain(f[k])
            if self.detail:
                for b in self.blast_radius.values():
                    for k in ("down", "degraded"):
                        if k in b:
                            b[k] = plain(b[k])
            self._plain = True
        return self._dict()

    def to_json(self, *, indent: bool = False) -> bytes:
        """The JSON document ``prr analyze --json`` prints (what :meth:`to_dict` holds), as bytes.

        Written with orjson; the long id lists go out straight from their
        bitsets without becoming Python lists first. The cyclic garbage
        collector is paused meanwhile, as in :func:`analyze` (walking the chains
        makes many short-lived objects; the collections it triggered over the
        millions of live objects took 0.3 s at 10,000 components).
        """
        if not indent:
            buf = io.BytesIO()
            self.write_json(buf)
            return buf.getvalue()
        with _gc_paused():
            lists = [] if self._plain else _lazy_lists(
                self.spofs, self.failure_domains, self.blast_radius if self.detail else None)
            return orjson.dumps(self._dict(), default=_fragments(lists), option=orjson.OPT_INDENT_2)

    def write_json(self, out) -> None:
        """Write what :meth:`to_json` returns to the binary file ``out``, a part at a time.

        The document is tens of megabytes at 10,000 components; written whole it is held
        twice over (orjson's buffer and the bytes made of it) besides the encoded id lists.
        Here the long lists go out in slices of :data:`_WRITE_SLICE` items, the id lists of
        each slice encoded in one batch just before it; the sections a helper process wrote
        meanwhile (see :func:`analyze`) are copied as they are.
        """
        with _gc_paused():
            ahead = None
            out.write(b"{")
            for n, (key, value) in enumerate(self._dict().items()):
                out.write((b"," if n else b"") + orjson.dumps(key) + b":")
                if ahead is None and key in _AHEAD_KEYS:  # the helper's part comes last: wait for it now
                    ahead = self._sections_ahead()
                if ahead and key in _AHEAD_KEYS:
                    ahead.write_to(_AHEAD_KEYS.index(key), out)
                else:
                    _write_value(out, key, value, plain=self._plain)
            if ahead:
                ahead.close()
            out.write(b"}")

    def _sections_ahead(self):
        """The JSON of the :data:`_AHEAD_KEYS` sections, in that order, written by the helper process
        (an :class:`~prr_app.analysis.ahead.FileParts`), if there was one and it succeeded, else
        ``None``. Once: the caller writes them and closes it."""
        helper, self._ahead = self._ahead, None
        if helper is None:
            return None
        parts = helper.result_parts()
        if parts is not None and (len(parts) != len(_AHEAD_KEYS) or self._plain):
            parts.close()
            parts = None
        return parts

    def _dict(self) -> dict:
        # the verdict and the register first; the bulky evidence (every SPOF's lists, every
        # component's blast radius) last
        return {
            "analysis_version": ANALYSIS_VERSION,
            "seed": self.seed,
            "detail": self.detail,
            "summary": self.summary,
            "verdict": self.verdict,
            "risks": self.risks,
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

    def risk(self, risk_id: str) -> dict | None:
        for r in self.risks:
            if r["id"] == risk_id or risk_id in r.get("aliases", ()):  # a folded finding's id: its root
                return r
        return None

    def simulate(self, components=(), domains=(), instances=()) -> Outcome:
        """What-if on the analysed review, reusing the compiled graph."""
        return _simulate(self._graph.review, components=components, domains=domains,
                         instances=instances, graph=self._graph)


class _Context:
    """What every part of the analysis needs: the graph, the targets, the scenarios."""

    def __init__(self, review: Review, graph: CompiledGraph, br: BlastRadius):
        self.review = review
        self.g = graph
        self.br = br
        n = graph.n
        comps = [review.components[c] for c in graph.ids]
        marked = [i for i, c in enumerate(comps) if c.user_facing]
        self.default_entries = not marked
        if marked:
            uf = marked
        else:
            # nothing marked: the components nothing depends on are the entry points
            uf = [i for i in range(n) if not graph.any_in[i]]
        self.user_facing = sorted(uf)
        self.uf_mask = mask_of(self.user_facing, n)
        self.journeys: list[tuple[str, int, bool]] = []  # (id, entry mask, critical)
        jmask = 0
        for jid in sorted(review.journeys):
            j = review.journeys[jid]
            m = 0
            for e in j.entry:
                if e in graph.index:
                    m |= 1 << graph.index[e]
            self.journeys.append((jid, m, bool(j.critical)))
            jmask |= m
        self.target_mask = self.uf_mask | jmask
        self._critical_ids = {jid for jid, _m, crit in self.journeys if crit}
        self._jcache: dict[tuple, tuple] = {}
        self._scc_sizes: dict[int, int] | None = None
        self._scc_members: dict[int, list[int]] | None = None
        self._routes: dict[tuple, dict[int, int]] = {}
        self._within: dict[int, dict[int, list[int]]] = {}
        self.tier1_uf_mask = mask_of([i for i in self.user_facing if review.effective_tier(comps[i]) == 1], n)

    # -- reading a scenario -----------------------------------------------
    def ids(self, bits: int, limit: int | None = None) -> list[str]:
        ids = self.g.ids
        return [ids[i] for i in bits_of(bits, limit)]

    def journeys_hit(self, sc: Scenario) -> tuple[list[str], list[str]]:
        key = (sc.kind, sc.index)
        hit = self._jcache.get(key)
        if hit is None:
            hit = self._jcache[key] = self._journeys_hit(sc)
        return hit

    def _journeys_hit(self, sc: Scenario) -> tuple[list[str], list[str]]:
        down, deg = [], []
        if not self.journeys:
            return down, deg
        d, up = sc.down, sc.upstream
        for jid, m, _crit in self.journeys:
            if m & d:
                down.append(jid)
            elif m & up:
                deg.append(jid)
        return down, deg

    def critical_journeys_down(self, sc: Scenario) -> list[str]:
        crit = self._critical_ids
        return [jid for jid in self.journeys_hit(sc)[0] if jid in crit]

    def is_spof(self, sc: Scenario) -> bool:
        return bool(sc.down & self.target_mask)

    # -- the chain that carries a failure ----------------------------------
    def chain(self, sc: Scenario, seeds: set[int], target: int) -> list[int]:
        """A path of components from a seed of the scenario to ``target``, all down.

        Walks from the target towards the seeds along hard dependencies
        (and members of redundancy groups that went down), staying inside
        the scenario's down set, preferring steps that leave the current
        strongly connected component; a breadth-first search takes over if
        the walk gets stuck.
        """
        g = self.g
        down = sc.down
        fired = set(sc.fired)
        scc = self.br.scc_h

        def nexts(v: int):
            for t in g.hard_out[v]:
                if (down >> t) & 1:
                    yield t
            for gi in g.hard_group_out[v]:
                if gi in fired:
                    for m in g.groups[gi].members:
                        if (down >> m) & 1:
                            yield m

        path = [target]
        seen = {target}
        cur = target
        steps = 0
        while cur not in seeds and steps < 10_000:
            steps += 1
            best = None
            for t in nexts(cur):
                if t in seeds:
                    best = t
                    break
                if t in seen:
                    continue
                if best is None or scc[t] < scc[best]:
                    best = t
            if best is None:
                return self._bfs_chain(down, nexts, seeds, target)
            path.append(best)
            seen.add(best)
            cur = best
        if cur not in seeds:
            return self._bfs_chain(down, nexts, seeds, target)
        path.reverse()
        return path

    def chain_ids(self, sc: Scenario, seeds: set[int], target: int):
        """The chain as component ids, seed first, lazily: a generator.

        Without a redundancy group in the scenario the down set is what
        reaches a seed along hard dependencies, so the chain is walked
        forwards from a seed that ``target`` reaches: each step goes to a
        dependent that ``target`` still reaches (one bit test on the
        ancestor bitsets), leaving the current strongly connected component
        (a breadth-first search inside it finds the way out). Reading the
        first few names costs a few steps, not the whole chain. With
        redundancy groups involved, :meth:`chain` is used.
        """
        ids = self.g.ids
        if sc.fired:
            for i in self.chain(sc, seeds, target):
                yield ids[i]
            return
        br = self.br
        anc, scc, hard_in = br.anc_h, br.scc_h, self.g.hard_in
        t = target

        def reach(u: int) -> bool:  # does target (transitively) hard-depend on u?
            return has(anc[scc[u]], t)

        if len(seeds) == 1:
            cur = next(iter(seeds))
            cur = cur if reach(cur) else None
        else:
            # the seed nearest the target: the target itself if it is one, else the most upstream
            cur, best = None, None
            for s in seeds:
                if reach(s):
                    k = (scc[s], s == t, -s)
                    if best is None or k > best:
                        cur, best = s, k
        if cur is None:  # pragma: no cover - the scenario's down set says otherwise
            yield ids[t]
            return
        yield ids[cur]
        while cur != t:
            s0 = scc[cur]
            if self._scc_size(s0) > 1:
                # inside a cycle: follow the way out (or to the target) found once per cycle and target
                nxt = self._scc_route(s0, t, reach)
                while True:
                    cur = nxt[cur]
                    yield ids[cur]
                    if cur == t or scc[cur] != s0:
                        break
                continue
            # one step: the target if it depends on cur directly, else the dependent that the
            # target reaches and that lies furthest upstream (the biggest step towards the target)
            found, best = -1, -1
            cands = hard_in[cur]
            if len(cands) > _HUB_FAN_IN:  # a hub: only its dependents that the target reaches
                cands = self._dependents_within(t).get(cur, ())
            for u in cands:
                if u == t:
                    found = t
                    break
                if u != cur and scc[u] > best and reach(u):
                    found, best = u, scc[u]
            if found == -1:  # pragma: no cover - t reaches cur, so a way exists
                yield ids[t]
                return
            yield ids[found]
            cur = found

    def _dependents_within(self, t: int) -> dict[int, list[int]]:
        """For the components ``t`` hard-depends on (transitively, ``t`` included): their dependents
        among them, in the order of ``hard_in`` (so a chain step picks the same one). Once per target;
        a chain step through a hub with thousands of dependents then looks at a few."""
        hit = self._within.get(t)
        if hit is None:
            hard_out = self.g.hard_out
            seen = {t}
            stack = [t]
            while stack:
                v = stack.pop()
                for w in hard_out[v]:
                    if w not in seen:
                        seen.add(w)
                        stack.append(w)
            hit = {}
            for v in sorted(seen):  # hard_in lists are ascending
                for w in hard_out[v]:
                    lst = hit.get(w)
                    if lst is None:
                        hit[w] = [v]
                    else:
                        lst.append(v)
            self._within[t] = hit
        return hit

    def _scc_size(self, s0: int) -> int:
        if self._scc_sizes is None:
            self._scc_sizes = {}
            for v, sid in enumerate(self.br.scc_h):
                self._scc_sizes[sid] = self._scc_sizes.get(sid, 0) + 1
        return self._scc_sizes.get(s0, 1)

    def _scc_route(self, s0: int, t: int, reach) -> dict[int, int]:
        """For every member of the cycle ``s0``: the next step towards ``t`` or out of the cycle.

        A breadth-first search backwards from the goals (``t`` if it is in the
        cycle, else the members with a dependent outside it that ``t`` reaches),
        done once per cycle and target.
        """
        key = (s0, t)
        hit = self._routes.get(key)
        if hit is not None:
            return hit
        g, scc = self.g, self.br.scc_h
        if self._scc_members is None:
            self._scc_members = {}
            for v, sid in enumerate(scc):
                self._scc_members.setdefault(sid, []).append(v)
        members = self._scc_members[s0]
        nxt: dict[int, int] = {}
        queue: list[int] = []
        if scc[t] == s0:
            nxt[t] = t
            queue.append(t)
        else:
            for v in members:
                out_u, out_k = -1, -1
                for u in g.hard_in[v]:
                    if u == t:
                        out_u = t
                        break
                    if scc[u] != s0 and scc[u] > out_k and reach(u):
                        out_u, out_k = u, scc[u]
                if out_u != -1:
                    nxt[v] = out_u
                    queue.append(v)
        for x in queue:
            for y in g.hard_out[x]:
                if scc[y] == s0 and y not in nxt:
                    nxt[y] = x
                    queue.append(y)
        self._routes[key] = nxt
        return nxt

    @staticmethod
    def _bfs_chain(down, nexts, seeds, target) -> list[int]:
        prev = {target: None}
        queue = [target]
        qi = 0
        while qi < len(queue):
            v = queue[qi]
            qi += 1
            if v in seeds:
                out = []
                while v is not None:
                    out.append(v)
                    v = prev[v]
                return out  # seed first
            for t in nexts(v):
                if t not in prev:
                    prev[t] = v
                    queue.append(t)
        return [target]


def analyze(review: Review, *, seed: int = 0, detail: bool = False,
            today: str | None = None, checklist: bool = True, parallel: bool = False,
            for_json: bool = False, early=None) -> Analysis:
    """Analyse a review: SPOFs, blast radius, failure domains, common cause,
    composite availability, cascading risks, the scored risk register and the verdict.

    Parameters
    ----------
    review : Review
        The review; it is not modified.
    seed : int
        Seed of the Monte Carlo simulation used where exact availability is
        out of reach. The same review and seed give the same output.
    detail : bool
        Include the full down / degraded lists of every component's blast
        radius (otherwise counts and journeys only).
    today : str, optional
        ISO date used to decide whether an acceptance has expired (default:
        the current date).
    checklist : bool
        Count unmet blocker items of the checklist in the verdict, when the
        checklist part of the product is installed.
    parallel : bool
        Let forked helper processes do, meanwhile, work the analysis does not
        wait for at once (the checklist figures, availability and common cause,
        unless ``early`` computes them; with ``for_json``, the JSON of the SPOF,
        failure-domain and blast-radius sections), where that is safe and
        a core is idle (POSIX, no other thread): see :mod:`prr_app.analysis.ahead`.
        The result is the same.
    for_json : bool
        The result will be written with :meth:`Analysis.to_json` (a hint for ``parallel``).
    early
        The handle :func:`start_ahead` returned (same ``seed`` and ``checklist``): its helper
        computed the checklist, availability and common cause.

    Examples
    --------
    >>> from prr_app.domain.model import Review, Component, Dependency, Journey
    >>> r = Review()
    >>> r.add(Component(id="web", user_facing=True)); r.add(Component(id="db"))
    >>> r.add(Dependency("web", "db")); r.add(Journey(id="buy", entry=["web"]))
    >>> a = analyze(r)
    >>> [(s["element"], s["element_type"]) for s in a.spofs]
    [('db', 'component'), ('db#0', 'instance'), ('web', 'component'), ('web#0', 'instance')]
    >>> a.verdict["verdict"]
    'not-ready'
    """
    # The analysis allocates many small objects and frees them all at the end; the cyclic
    # garbage collector walking the review's objects meanwhile costs a quarter of the time
    # at 10,000 components. It is paused for the call (and restored as it was).
    with _gc_paused():
        return _analyze(review, seed=seed, detail=detail, today=today, checklist=checklist,
                        parallel=parallel, for_json=for_json, early=early)


@contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector (restored as it was): the analysis makes no reference
    cycles, only many objects whose allocations trigger collections.

    On the way out, the objects allocated meanwhile (half a million at 10,000 components, most of
    them the result, which lives on) go straight to the oldest generation, as two young
    collections would have moved them, instead of being scanned by the next young collection
    right away (0.14 s at 10,000 components). This only delays collecting cycles that already
    exist; it is skipped when objects are frozen by someone else (``gc.freeze``).
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_on:
            gc.enable()


def _avail_and_common(ctx: _Context, seed: int) -> tuple[list[dict], list[dict]]:
    model = AvailabilityModel(ctx.g, seed=seed, targets=_availability_targets(ctx))
    return _availability(ctx, model), _findings.common_cause(ctx.g, ctx.br, model.desc, model.scc)


def _early_work(review: Review, seed: int, checklist: bool) -> bytes:
    """In a helper process: the checklist figures, availability and common cause, pickled. From
    its own compiled graph (the same: the same review, compiled by the same code)."""
    g = compile_review(review)
    ctx = _Context(review, g, _Deferred(lambda: BlastRadius(g)))  # only redundancy groups need it
    check = _checklist(review) if checklist else None
    return pickle.dumps((check, *_avail_and_common(ctx, seed)), pickle.HIGHEST_PROTOCOL)


def start_ahead(load, *, seed: int = 0, checklist: bool = True):
    """Fork, before the review is loaded, a helper that loads it itself (``load()``, which must
    give the same review in every process: see :func:`prr_app.review.document.ReviewSource`)
    and computes what :func:`analyze` would give a helper after loading it. Pass the handle to
    ``analyze(..., early=handle)`` with the same ``seed`` and ``checklist``.

    The two processes load the review side by side, on two cores, and share almost no memory
    (nothing to copy on write). Returns None where helpers are not used (see
    :func:`prr_app.analysis.ahead.available`).
    """
    if not _ahead.available():
        return None
    helper = _ahead.Ahead(lambda: _early_work(load(), seed, checklist))
    return helper if helper.started else None


def _analyze(review: Review, *, seed: int, detail: bool, today: str | None, checklist: bool,
             parallel: bool = False, for_json: bool = False, early=None) -> Analysis:
    today = today or _dt.date.today().isoformat()
    # the checklist, availability and common cause need only the review: a helper computes
    # them while the SPOFs are found here (unless one was started before the review was loaded)
    early_ahead = early
    if early_ahead is None and parallel and _ahead.available():
        early_ahead = _ahead.Ahead(lambda: _early_work(review, seed, checklist))
    g = compile_review(review)
    br = BlastRadius(g)
    ctx = _Context(review, g, br)
    assumptions = _assumptions(ctx)

    spofs, comp_scen, dom_scen = _spofs(ctx)
    blast = _blast_radius(ctx, comp_scen, detail)
    fdomains = _failure_domains(ctx, dom_scen)
    register = _risks.RiskRegister(ctx, today)
    register.add_spofs(spofs, comp_scen, dom_scen)  # needs only the SPOFs
    # the SPOFs' severities are final once the reviewer's decisions on their risks are applied
    register.decide(s["risk_id"] for s in spofs)
    for s in spofs:
        s["severity"] = register.severity_of(s["risk_id"])
    json_ahead = None
    if parallel and for_json and _ahead.available():  # the SPOFs etc. are final: a helper writes their JSON
        sections = {"spofs": spofs, "blast_radius": blast, "failure_domains": fdomains}
        helper = _ahead.Ahead(lambda: _write_sections(sections))
        json_ahead = helper if helper.started else None
    cascading = _cascading(ctx)
    data = early_ahead.result() if early_ahead is not None else None
    if data is not None:
        check, availability, common = pickle.loads(data)
    else:
        availability, common = _avail_and_common(ctx, seed)
        check = _checklist(review) if checklist else None
    if check is not None and check.get("error"):
        assumptions.append({
            "id": "checklist-unavailable",
            "text": f"the checklist could not be evaluated ({check['error']}); its blockers are not counted",
            "elements": [],
        })
    elif check is None:
        assumptions.append({
            "id": "checklist-not-counted",
            "text": "checklist answers are not part of this verdict (the checklist is not available)",
            "elements": [],
        })

    risks = register.finish(comp_scen, dom_scen, common, availability, cascading)
    verdict = _risks.verdict(risks, check, review, assumptions)

    summary = {
        "system": review.meta.system_name,
        "components": g.n,
        "dependencies": len(g.deps),
        "failure_domains": len(g.domain_ids),
        "journeys": len(ctx.journeys),
        "user_facing": ctx.ids(ctx.uf_mask),
        "spofs": len(spofs),
        "spof_elements": len({s["element"] for s in spofs}),
        "risks": len(risks),
        "launch_blockers": sum(1 for r in risks if r["launch_blocking"]),
        "by_severity": {sev: sum(1 for r in risks if r["severity"] == sev)
                        for sev in ("critical", "high", "medium", "low")},
        "slo_not_attainable": sorted(a["target"] for a in availability if a["attainable"] is False),
    }
    return Analysis(
        spofs=spofs, blast_radius=blast, failure_domains=fdomains, common_cause=common,
        availability=availability, cascading=cascading, risks=risks, verdict=verdict,
        assumptions=assumptions, checklist=check, summary=summary,
        stale_decisions=register.stale, seed=seed, detail=detail, _graph=g, _ahead=json_ahead,
    )


class _Deferred:
    """An object made on first use (an attribute read) by ``make()``."""

    def __init__(self, make):
        self._make = make
        self._obj = None

    def __getattr__(self, name):
        if self._obj is None:
            self._obj = self._make()
        return getattr(self._obj, name)


def _cascading(ctx: _Context) -> list[dict]:
    """The cascading-failure findings, from the user-facing components and the journeys' entries."""
    entries = sorted(set(ctx.user_facing) | {i for _j, m, _c in ctx.journeys for i in bits_of(m)})
    return _findings.cascading(ctx.g, entries)


def _availability_targets(ctx: _Context) -> set[int]:
    """The components whose availability is computed: user-facing ones, journeys' entries, group members."""
    wanted = set(ctx.user_facing)
    for _jid, m, _crit in ctx.journeys:
        wanted.update(bits_of(m))
    for grp in ctx.g.groups:
        wanted.update(grp.members)
    return wanted


def _lazy_lists(spofs: list[dict], fdomains: list[dict], blast: dict | None) -> list:
    """Every lazy id list of the result once, in document order."""
    out, seen = [], set()

    def take(x):
        if isinstance(x, (IdList, Chain)) and id(x) not in seen:
            seen.add(id(x))
            out.append(x)

    for s in spofs:
        for k in _LAZY_SPOF_KEYS:
            take(s[k])
    if blast is not None:
        for b in blast.values():
            for k in ("down", "degraded"):
                if k in b:
                    take(b[k])
    for f in fdomains:
        for k in ("down", "degraded", "user_facing_down"):
            take(f[k])
    return out


def _fragments(lists: list):
    """An orjson ``default`` writing the lazy ``lists`` (encoded now, in one batch) as they are."""
    return json_default_factory({id(x): orjson.Fragment(b) for x, b in zip(lists, encode_all(lists))})


def _write_value(out, key: str, value, *, plain: bool = False) -> None:
    """Write the JSON of the section ``key`` of the document (``value``) to ``out``; a long list in
    slices of :data:`_WRITE_SLICE` items. ``plain``: the lazy lists were made plain already."""

    def encoder(part):
        if plain:
            return json_default_factory()
        if key == "spofs":
            return _fragments(_lazy_lists(part, [], None))
        if key == "failure_domains":
            return _fragments(_lazy_lists([], part, None))
        if key == "blast_radius":
            return _fragments(_lazy_lists([], [], part))
        return json_default_factory()

    if not isinstance(value, list) or len(value) <= _WRITE_SLICE:
        out.write(orjson.dumps(value, default=encoder(value)))
        return
    out.write(b"[")
    for lo in range(0, len(value), _WRITE_SLICE):
        part = value[lo:lo + _WRITE_SLICE]
        out.write((b"," if lo else b"") + orjson.dumps(part, default=encoder(part))[1:-1])
    out.write(b"]")


def _write_sections(values: dict) -> bytes:
    """The JSON of the :data:`_AHEAD_KEYS` sections, packed (what the helper process returns)."""
    parts = []
    for key in _AHEAD_KEYS:
        buf = io.BytesIO()
        _write_value(buf, key, values[key])
        parts.append(buf.getvalue())
    return _ahead.pack(parts)


# -- parts ------------------------------------------------------------------

def _assumptions(ctx: _Context) -> list[dict]:
    g, review = ctx.g, ctx.review
    comps = [review.components[c] for c in g.ids]
    out: list[dict] = []

    def add(aid: str, text: str, elements: list[str]):
        if elements:
            out.append({"id": aid, "text": text, "elements": sorted(elements), "count": len(elements)})

    add("replicas-default", "replica count not stated: assumed 1 instance",
        [c.id for c in comps if c.replicas is None])
    add("placement-default", "no placement stated: not affected by any failure domain (only by its own failure); "
        "state where its instances run", [c.id for c in comps if not c.placement and not c.shared_domains])
    add("availability-default", "no availability figure: counted as 100 % in composite availability, "
        "so the estimates are upper bounds", [c.id for c in comps if c.availability is None])
    add("domain-availability-default", "failure domain without an availability figure: counted as never failing "
        "in composite availability", [d for d in g.domain_ids if review.domains[d].availability is None])
    if ctx.default_entries:
        add("entry-points-default", "no component is marked user-facing: the components nothing depends on "
            "are taken as the entry points", ctx.ids(ctx.uf_mask))
    add("hub-softened", "dependencies on shared plumbing (tagged telemetry, config or discovery) are treated as "
        "soft; the hub's own failure is still analysed",
        sorted({d.obj.id for d in g.softened}))
    add("slo-missing", "user-facing component without an SLO: its availability is estimated but not judged",
        [g.ids[i] for i in ctx.user_facing if comps[i].slo is None])
    add("journey-slo-missing", "journey without an SLO: its availability is estimated but not judged",
        [jid for jid, j in review.journeys.items() if j.slo is None])
    add("timeout-unstated", "synchronous hard call with no timeout stated: assumed to have none",
        sorted(d.obj.id for d in g.deps if d.obj.kind == "hard" and d.obj.timeout_ms is None))
    dangling = sorted(d for d, dep in review.dependencies.items()
                      if dep.source not in g.index or (dep.target not in g.index and dep.target not in g.group_index))
    add("dangling-dependencies", "dependency on an unknown element (or an empty group): ignored", dangling)
    return out


def _spofs(ctx: _Context):
    g, br = ctx.g, ctx.br
    comp_scen: dict[int, Scenario] = {}
    dom_scen: dict[int, Scenario] = {}
    spofs: list[dict] = []
    target_mask = ctx.target_mask
    spof_comps = bytearray(g.n)  # 1 where the component's own failure is a SPOF
    for c in range(g.n):
        sc = br.component(c)
        comp_scen[c] = sc
        # every count and journey list of the scenario now, from one expansion of a compact
        # bitset (big graphs); the lists are built again only when read
        sc.pin()
        ctx.journeys_hit(sc)
        br.affected_count(sc)
        sc.down_count
        if not sc.down & target_mask:
            sc.unpin()
            continue
        spof_comps[c] = 1
        cid = g.ids[c]
        entry = _spof_entry(ctx, sc, cid, "component", {c}, f"spof:component:{cid}")
        spofs.append(entry)
        # an instance failure takes c down on its own only when every instance is needed; it is
        # the same scenario, so the instances share the component's lists (and its chain, behind
        # the instance's name)
        if g.replicas[c] - 1 < g.min_healthy[c]:
            rid = f"spof:instance:{cid}"
            for i in range(g.replicas[c]):
                e = dict(entry)
                e["element"] = f"{cid}#{i}"
                e["element_type"] = e["disruption"] = "instance"
                e["risk_id"] = rid
                e["component"] = cid
                e["chain"] = entry["chain"].with_prefix(f"{cid}#{i}")
                spofs.append(e)
        sc.unpin()
    for d in range(len(g.domain_ids)):
        sc = br.domain(d)
        dom_scen[d] = sc
        if not sc.down & target_mask:
            continue
        did = g.domain_ids[d]
        spofs.append(_spof_entry(ctx, sc, did, "domain", set(g.domain_seeds[d]), f"spof:domain:{did}"))
    ctx.spof_components = spof_comps
    order = {"component": 0, "instance": 1, "domain": 2}
    spofs.sort(key=lambda s: (s["element"], order[s["element_type"]]))
    return spofs, comp_scen, dom_scen


def _spof_entry(ctx: _Context, sc: Scenario, element: str, etype: str, seeds: set[int], risk_id: str) -> dict:
    g = ctx.g
    jd, jg = ctx.journeys_hit(sc)
    down = sc.down
    # the chain: to the first entry component of a down journey, else to the first user-facing component down
    target = None
    for _jid, m, _crit in ctx.journeys:
        if m & down:
            target = bits_of(m & down, 1)[0]
            break
    if target is None:
        target = bits_of(down & ctx.target_mask, 1)[0]
    chain = Chain(lambda: ctx.chain_ids(sc, seeds, target))
    # counts now, from one temporary union; the derived lists are computed again only when read
    uf = ctx.uf_mask
    n_down, n_aff = sc.down_count, ctx.br.affected_count(sc)
    uf_down = down & uf
    n_uf_down, n_uf_aff = uf_down.bit_count(), ((sc.upstream & uf) | uf_down).bit_count()
    if etype == "domain":
        chain = chain.with_prefix(element)
    raw = sc.down_raw
    if type(raw) is int:  # the scenario's own bitset; the user-facing part is derived on each read
        down_list = IdList(raw, g, n_down)
        uf_down_list = IdList(lambda: sc.down & uf, g, n_uf_down)
    else:  # compact: the list of indices, and the user-facing ones among them (short)
        down_list = IdList(raw, g, n_down)
        uf_down_list = IdList(compact_indices(bits_of(uf_down)), g, n_uf_down)
    return {
        "element": element,
        "element_type": etype,
        "disruption": etype,
        "down": down_list,
        "degraded": IdList(lambda: sc.degraded, g, n_aff - n_down),
        "journeys": jd,
        "journeys_degraded": jg,
        "user_facing_down": uf_down_list,
        "user_facing_degraded": IdList(lambda: sc.degraded & uf, g, n_uf_aff - n_uf_down),
        "chain": chain,
        "severity": None,
        "risk_id": risk_id,
    }


def _blast_radius(ctx: _Context, comp_scen: dict[int, Scenario], detail: bool) -> dict[str, dict]:
    out: dict[str, dict] = {}
    g = ctx.g
    for c in range(g.n):
        sc = comp_scen[c]
        jd, jg = ctx.journeys_hit(sc)
        n_down = sc.down_count
        entry = {
            "down_count": n_down,
            "degraded_count": ctx.br.affected_count(sc) - n_down,
            "journeys": jd,
            "journeys_degraded": jg,
        }
        if detail:
            entry["down"] = IdList(sc.down_raw, g, n_down)
            entry["degraded"] = IdList(sc.degraded, g)
        out[g.ids[c]] = entry
    return out


def compact_indices(indices: list[int]) -> array:
    return array("i", indices)


def _failure_domains(ctx: _Context, dom_scen: dict[int, Scenario]) -> list[dict]:
    g, review = ctx.g, ctx.review
    out = []
    for d in range(len(g.domain_ids)):
        sc = dom_scen[d]
        jd, jg = ctx.journeys_hit(sc)
        dom = review.domains[g.domain_ids[d]]
        out.append({
            "domain": g.domain_ids[d],
            "kind": dom.kind,
            "parent": dom.parent,
            "down": IdList(sc.down, g),
            "degraded": IdList(sc.degraded, g),
            "journeys": jd,
            "journeys_degraded": jg,
            "user_facing_down": IdList(sc.down & ctx.uf_mask, g),
            "seeds": [g.ids[c] for c in g.domain_seeds[d]],
            "instances_lost": {g.ids[c]: k for c, k in sorted(g.domain_lost[d].items())},
        })
    return out


def _availability(ctx: _Context, model: AvailabilityModel) -> list[dict]:
    g, review = ctx.g, ctx.review
    out = []
    ordinal = 0
    for jid in sorted(review.journeys):
        j = review.journeys[jid]
        entries = sorted({g.index[e] for e in j.entry if e in g.index})
        if not entries:
            continue
        res = model.evaluate(jid, "journey", entries, j.slo, ordinal)
        ordinal += 1
        out.append(res.to_dict())
    for c in ctx.user_facing:
        comp = review.components[g.ids[c]]
        res = model.evaluate(g.ids[c], "component", [c], comp.slo, ordinal)
        ordinal += 1
        out.append(res.to_dict())
    return out


def _checklist(review: Review) -> dict | None:
    """Unmet blocker items from the checklist part, if it is installed.

    Uses the checklist's fast ``summarize`` (headline figures without
    building every item) when it has one, else ``evaluate``.
    """
    import importlib

    try:
        _cl = importlib.import_module("prr_app.checklist")  # lazy: another part of the product
    except ImportError:
        return None
    evaluate = getattr(_cl, "evaluate", None)
    if evaluate is None:
        return None
    if getattr(evaluate, "__module__", None) == "prr_app.checklist.evaluate":
        evaluate = getattr(sys.modules["prr_app.checklist.evaluate"], "summarize", evaluate)
    try:
        result = evaluate(review)
    except Exception as e:  # a broken checklist must not break the analysis
        return {"error": f"{type(e).__name__}: {e}", "blocking_items": [], "blockers": 0}
    items = list(getattr(result, "blocking_items", []) or [])
    out = {"blockers": len(items), "blocking_items": _item_names(items)}
    unanswered = getattr(result, "unanswered_blockers", None)
    if unanswered is not None:
        out["unanswered_blockers"] = unanswered if isinstance(unanswered, int) else len(list(unanswered))
    score = getattr(result, "overall_score", None)
    if isinstance(score, (int, float)):
        out["overall_score"] = score
    return out


def _item_names(items) -> list[str]:
    names = []
    for it in items:
        if isinstance(it, str):
            names.append(it)
            continue
        key = None
        for attr in ("key", "item_key", "id"):
            key = getattr(it, attr, None) or (it.get(attr) if isinstance(it, dict) else None)
            if key:
                break
        title = getattr(it, "title", None) or getattr(it, "question", None)
        if isinstance(it, dict):
            title = title or it.get("title") or it.get("question")
        names.append(f"{key}: {title}" if key and title else str(key or title or it))
    return names
