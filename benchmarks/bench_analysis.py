"""Benchmark of the analysis engine (results in docs/performance.md, section "Analysis").

Generates heavy-tailed microservice graphs like real call graphs (about 13 %
entry services, 39 % leaves, a heavy-tailed fan-in), placed over 3 regions x
3 zones with one Kubernetes cluster per region, and times ``analyze()`` on
them, plus the whole ``prr analyze --json`` process against a plain Python
script that loads the same JSON and runs ``networkx.condensation``, on those and
on a graph like an import of a big system (``heldout_like.py``).

    .venv/bin/python benchmarks/bench_analysis.py            # 200, 1k, 10k, deep, cycle, CLI
    .venv/bin/python benchmarks/bench_analysis.py --big      # also 100k (takes minutes)
    .venv/bin/python benchmarks/bench_analysis.py --only-imported --big
    .venv/bin/python benchmarks/bench_analysis.py --sizes 500 2000
    .venv/bin/python benchmarks/bench_analysis.py --in-process 100000   # one process: steps, peak memory
    .venv/bin/python benchmarks/bench_analysis.py --bitset-widths 100000   # what renumbering would save
    .venv/bin/python benchmarks/bench_analysis.py --against /tmp/main-copy --rounds 6   # A/B in CPU seconds
    .venv/bin/python benchmarks/bench_analysis.py --meeting-worker [--runs 12] [--profile]   # issue 18's edit
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from bisect import bisect_left
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from prr_app.analysis import analyze  # noqa: E402
from prr_app.model.entities import (  # noqa: E402
    Component,
    Dependency,
    FailureDomain,
    Journey,
    RedundancyGroup,
    Review,
)

ENTRY_SHARE = 0.13
LEAF_SHARE = 0.39


def _domains(review: Review) -> list[tuple[str, list[str], str]]:
    review.add(FailureDomain(id="cloud", kind="provider"))
    out = []
    for r in range(3):
        rid = f"region-{r}"
        review.add(FailureDomain(id=rid, kind="region", parent="cloud", availability=99.99))
        zones = []
        for z in range(3):
            zid = f"{rid}-zone-{'abc'[z]}"
            review.add(FailureDomain(id=zid, kind="zone", parent=rid, availability=99.95))
            zones.append(zid)
        cid = f"k8s-{r}"
        review.add(FailureDomain(id=cid, kind="cluster", availability=99.95))
        out.append((rid, zones, cid))
    return out


def generate(n: int, *, edges_per_component: float = 4.0, seed: int = 1, alpha: float = 1.1,
             cycle_share: float = 0.01, journeys: int = 20) -> Review:
    """A heavy-tailed microservice graph with placement over 3 regions x 3 zones."""
    rng = random.Random(seed)
    review = Review()
    review.meta.system_name = f"generated-{n}"
    regions = _domains(review)
    n_entry = max(1, int(n * ENTRY_SHARE))
    n_leaf = max(1, int(n * LEAF_SHARE))
    first_leaf = n - n_leaf
    ids = [f"svc-{i:06d}" for i in range(n)]
    for i, cid in enumerate(ids):
        rid, zones, cluster = regions[rng.randrange(3)]
        leaf = i >= first_leaf
        kind = "service"
        if leaf:
            kind = rng.choice(["datastore", "datastore", "cache", "queue", "external_api", "service"])
        replicas = rng.choice([1, 2, 2, 3, 3, 3])
        min_healthy = None
        if kind == "datastore" and replicas == 3:
            min_healthy = 2
        placement = zones[: min(replicas, 3)] if rng.random() < 0.8 else [zones[rng.randrange(3)]]
        review.add(Component(
            id=cid, kind=kind, replicas=replicas, min_healthy=min_healthy, placement=placement,
            shared_domains=[cluster] if kind == "service" else [],
            availability=rng.choice([99.9, 99.95, 99.99, 99.95]),
            tags=["telemetry"] if i == first_leaf else [],
        ))
    # heavy-tailed popularity of targets (non-entry components)
    targets = list(range(n_entry, n))
    rng.shuffle(targets)
    weights = [1.0 / (k + 1) ** alpha for k in range(len(targets))]
    cum = list(accumulate(weights))
    total = cum[-1]

    def pick_target(src: int) -> int | None:
        for _ in range(20):
            t = targets[bisect_left(cum, rng.random() * total)]
            if t > src:
                return t
        return None

    def add(src: int, dst: int) -> None:
        did = f"{ids[src]}->{ids[dst]}"
        if src == dst or did in review.dependencies:
            return
        u = rng.random()
        kind = "hard" if u < 0.7 else "soft" if u < 0.9 else "async"
        review.add(Dependency(
            source=ids[src], target=ids[dst], kind=kind,
            fallback="cached answer" if kind == "hard" and rng.random() < 0.1 else None,
            timeout_ms=rng.choice([None, 200, 500, 1000]),
            retries=rng.choice([None, 0, 2, 3]),
            backoff=rng.random() < 0.5,
            circuit_breaker=rng.random() < 0.3,
        ))

    # every non-entry has a dependent, every non-leaf a dependency
    for t in range(n_entry, n):
        add(rng.randrange(0, min(t, first_leaf)), t)
    for s in range(first_leaf):
        t = pick_target(s)
        if t is None:
            t = rng.randrange(max(s + 1, n_entry), n)
        add(s, t)
    want = int(n * edges_per_component)
    tries = 0
    while len(review.dependencies) < want and tries < want * 4:
        tries += 1
        s = rng.randrange(0, first_leaf)
        if rng.random() < cycle_share and s > n_entry:
            t = rng.randrange(n_entry, s)  # a back edge: cycles, as in real systems
        else:
            t = pick_target(s)
        if t is not None:
            add(s, t)
    # a few redundancy groups: a leaf and a twin in another region
    for g in range(max(1, n // 200)):
        a = rng.randrange(first_leaf, n)
        twin = f"{ids[a]}-twin"
        rid, zones, _cl = regions[(g + 1) % 3]
        review.add(Component(id=twin, kind=review.components[ids[a]].kind, replicas=1, placement=[zones[0]],
                             availability=99.9))
        review.add(RedundancyGroup(id=f"group-{g}", members=[ids[a], twin], min_up=1))
        for dep in [d for d in review.dependencies.values() if d.target == ids[a]][:3]:
            del review.dependencies[dep.id]
            dep.target = f"group-{g}"
            review.dependencies[dep.id] = dep
    for j in range(min(journeys, n_entry)):
        review.add(Journey(id=f"journey-{j}", entry=[ids[j]], slo=99.9, critical=j % 2 == 0))
    return review


def generate_deep(n: int, width: int = 10, seed: int = 2) -> Review:
    """A deep layered graph: n/width layers, each component calls 4 in the next layer."""
    rng = random.Random(seed)
    review = Review()
    regions = _domains(review)
    ids = [f"l{i // width:05d}-{i % width:02d}" for i in range(n)]
    for i, cid in enumerate(ids):
        rid, zones, cluster = regions[i % 3]
        review.add(Component(id=cid, replicas=2, placement=zones[:2], availability=99.99,
                             user_facing=i < width))
    for i in range(n - width):
        layer = i // width
        for _ in range(4):
            t = (layer + 1) * width + rng.randrange(width)
            if t < n:
                review.add(Dependency(ids[i], ids[t], timeout_ms=100))
    return review


def generate_big_cycle(n: int, cycle: int = 1000, seed: int = 3) -> Review:
    review = generate(n, seed=seed)
    ids = sorted(review.components)[: cycle]
    for a, b in zip(ids, ids[1:] + ids[:1]):
        review.add(Dependency(a, b, timeout_ms=100))
    return review


def loadavg() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def timed(fn, repeat: int = 3):
    """Best of ``repeat`` runs of ``fn()``; the previous result is freed before the clock starts."""
    best = float("inf")
    out = None
    for _ in range(repeat):
        out = None
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def bench_analyze(label: str, review: Review, repeat: int = 3) -> dict:
    t, a = timed(lambda: analyze(review), repeat)
    row = {
        "case": label, "components": len(review.components), "dependencies": len(review.dependencies),
        "seconds": round(t, 4), "spofs": len(a.spofs), "risks": len(a.risks),
        "availability_exact": sum(1 for x in a.availability if x["method"] == "exact"),
        "availability_simulated": sum(1 for x in a.availability if x["method"] == "simulation"),
        "loadavg": loadavg(),
    }
    print(json.dumps(row), flush=True)
    return row


BASELINE = """
import json, sys, networkx as nx
data = json.load(open(sys.argv[1]))
g = nx.DiGraph()
g.add_nodes_from(c["id"] for c in data["components"])
g.add_edges_from((d["source"], d["target"]) for d in data["dependencies"])
c = nx.condensation(g)
print(c.number_of_nodes())
"""


def _run(cmd) -> tuple[float, int, float]:
    """Seconds, bytes written to stdout and peak RSS (MB) of one process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    dt = time.perf_counter() - t
    assert proc.returncode == 0, proc.stderr.decode()[-500:]
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return dt, len(proc.stdout), max(peak, before) / 1024


def _command_inputs(review: Review, tmp: Path, trees: list[Path]) -> tuple[Path, Path]:
    """The review written as JSON and the networkx script, in ``tmp``; the trees' modules compiled
    to bytecode, as the command is installed (pip compiles them on install)."""
    import compileall

    from prr_app.interchange.json_io import write_json as write_review_json

    for tree in trees:
        compileall.compile_dir(str(tree / "prr_app"), quiet=1)
    path = tmp / "review.json"
    write_review_json(review, path)
    script = tmp / "baseline.py"
    script.write_text(BASELINE)
    return path, script


def bench_cli(review: Review, label: str, repeat: int = 3) -> dict:
    """``prr analyze --json`` as a whole process against a script that loads the same edges with
    json + networkx and condenses them; the two alternate, so that both see the same load."""
    with tempfile.TemporaryDirectory() as tmp:
        path, script = _command_inputs(review, Path(tmp), [ROOT])
        base, cli, size = [], [], 0
        for _ in range(repeat):
            base.append(_run([sys.executable, str(script), str(path)])[0])
            dt, size, _peak = _run([sys.executable, "-m", "prr_app.cli.main", "analyze", str(path), "--json"])
            cli.append(dt)
    ratios = sorted(c / b for c, b in zip(cli, base))
    row = {"case": f"prr analyze --json (whole process): {label}", "components": len(review.components),
           "dependencies": len(review.dependencies), "cli_seconds": round(min(cli), 3),
           "baseline_seconds": round(min(base), 3), "ratio_best": round(min(cli) / min(base), 2),
           "ratio_median_of_pairs": round(ratios[len(ratios) // 2], 2),
           "json_mb": round(size / 1e6, 1), "loadavg": loadavg()}
    print(json.dumps(row), flush=True)
    return row


def _cpu(cmd, tree: Path) -> float:
    """CPU seconds (user + system) of one process run with ``tree`` first on the path."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=tree, check=True,
                   env={**os.environ, "PYTHONPATH": str(tree)})
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def bench_against(review: Review, label: str, other: Path, rounds: int) -> dict:
    """CPU seconds of the networkx script, ``prr analyze --json`` from ``other`` (a copy of another
    commit's tree) and from this tree, alternating, so that all three see the same load; the
    ratios to the script are medians of the rounds."""
    import statistics

    with tempfile.TemporaryDirectory() as tmp:
        path, script = _command_inputs(review, Path(tmp), [ROOT, other])
        cli = [sys.executable, "-m", "prr_app.cli.main", "analyze", str(path), "--json"]
        runs: dict[str, list[float]] = {"script": [], "other": [], "this": []}
        for _ in range(rounds):
            runs["script"].append(_cpu([sys.executable, str(script), str(path)], ROOT))
            runs["other"].append(_cpu(cli, other))
            runs["this"].append(_cpu(cli, ROOT))
    row = {"case": f"CPU seconds, script vs {other} vs this tree: {label}",
           **{f"{k}_cpu_median": round(statistics.median(v), 2) for k, v in runs.items()},
           **{f"{k}_ratio_median": round(statistics.median(c / b for c, b in zip(runs[k], runs["script"])), 2)
              for k in ("other", "this")},
           "rounds": rounds, "loadavg": loadavg()}
    print(json.dumps(row), flush=True)
    return row


def bench_document(review: Review, label: str) -> dict:
    """Where the bytes of the default document go, section by section."""
    import orjson

    from prr_app.review.assess import assess

    doc = assess(review).to_dict()
    sizes = {k: round(len(orjson.dumps(v)) / 1e6, 2) for k, v in doc.items()}
    row = {"case": f"document sections (MB): {label}", "total_mb": round(len(orjson.dumps(doc)) / 1e6, 1),
           **{k: v for k, v in sizes.items() if v >= 0.01}}
    print(json.dumps(row), flush=True)
    return row


def bench_big(review: Review, label: str) -> dict:
    """``prr analyze --json`` on a big review, one process: seconds and peak memory."""
    from prr_app.interchange.json_io import write_json as write_review_json

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "review.json"
        write_review_json(review, path)
        dt, size, peak = _run([sys.executable, "-m", "prr_app.cli.main", "analyze", str(path), "--json"])
    row = {"case": f"prr analyze --json: {label}", "components": len(review.components),
           "dependencies": len(review.dependencies), "seconds": round(dt, 1), "peak_rss_mb": round(peak),
           "json_mb": round(size / 1e6, 1), "loadavg": loadavg()}
    print(json.dumps(row), flush=True)
    return row


def bench_in_process(review: Review, label: str) -> dict:
    """The command's work in this process, step by step: the review read back from its JSON, the
    analysis with the checklist (``assess``), the document; seconds each and this process's peak
    memory so far (run it on one size per process for a clean peak: ``--in-process N``)."""
    from prr_app.interchange.json_io import read_review_json, write_json as write_review_json
    from prr_app.review.assess import assess

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "review.json"
        write_review_json(review, path)
        del review
        t0 = time.perf_counter()
        loaded = read_review_json(path)
        t1 = time.perf_counter()
        a = assess(loaded)
        t2 = time.perf_counter()
        doc = a.to_json()
        t3 = time.perf_counter()
    row = {"case": f"in one process: {label}", "components": len(loaded.components),
           "dependencies": len(loaded.dependencies), "load_seconds": round(t1 - t0, 2),
           "assess_seconds": round(t2 - t1, 2), "json_seconds": round(t3 - t2, 2),
           "total_seconds": round(t3 - t0, 2), "json_mb": round(len(doc) / 1e6, 1),
           "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "loadavg": loadavg()}
    print(json.dumps(row), flush=True)
    return row


def meeting_review(n: int = 2000, deps: int = 8000) -> Review:
    """The review of ``bench_ui.py --meeting`` (2,000 components, 8,000 dependencies), as the app has it
    after opening its ``.prr``."""
    from bench_ui import generated

    from prr_app.persistence.store import create_store, open_store

    rnd = random.Random(3)
    r = generated(n)
    while len(r.dependencies) < deps:
        i = rnd.randrange(0, n - 1)
        d = Dependency(f"c{i}", f"c{rnd.randrange(i + 1, n)}", rnd.choice(["hard", "soft", "async"]))
        r.dependencies.setdefault(d.id, d)
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "meeting.prr"
        create_store(p, r).close()
        with open_store(p, readonly=True) as store:
            return store.load()


def bench_meeting_worker(runs: int, profile: bool = False) -> dict:
    """Issue 18: what the live app's worker runs after an edit the analysis reads (``c5``'s replicas
    1 <-> 3, as ``bench_ui.py --meeting`` edits), on the meeting review: validation and ``assess``,
    CPU seconds per run (``time.process_time``), in one warm process. The edits go through
    ``review.edits`` on a copy of the review made as ``ReviewSession.analysis_copy`` makes it."""
    import datetime
    import statistics
    from dataclasses import fields

    from prr_app.model.validation import validate
    from prr_app.review.assess import assess
    from prr_app.review.edits import apply_changes, change_fields

    try:
        from prr_app.analysis import ShapeMemo
        memo = ShapeMemo()  # as the app's live analysis keeps one (prr_app/ui/live.py)
        kw = {"memo": memo}
    except ImportError:  # a tree from before the memo (A/B)
        kw = {}
    review = meeting_review()
    today = datetime.date.today().isoformat()

    def copy_of(r: Review) -> Review:
        return Review(**{f.name: (dict(v) if isinstance(v := getattr(r, f.name), dict) else v) for f in fields(Review)})

    def one(k: int) -> tuple[float, float, float]:
        apply_changes(review, [change_fields(review, "components", "c5", replicas=3 if k % 2 == 0 else 1)])
        snap = copy_of(review)
        t0 = time.process_time()
        problems = validate(snap)
        t1 = time.process_time()
        assert not problems, problems[:3]
        assess(snap, today=today, **kw)
        t2 = time.process_time()
        return t1 - t0, t2 - t1, t2 - t0

    assess(copy_of(review), today=today, **kw)  # the opening's analysis
    if profile:
        import cProfile
        import pstats

        pr = cProfile.Profile()
        pr.enable()
        for k in range(runs):
            one(k)
        pr.disable()
        pstats.Stats(pr).sort_stats("cumulative").print_stats(45)
        pstats.Stats(pr).sort_stats("tottime").print_stats(30)
        return {}
    rows = [one(k) for k in range(runs)]
    row = {"case": "meeting review, an edit the analysis reads (replicas), validate + assess",
           "components": len(review.components), "dependencies": len(review.dependencies), "runs": runs,
           "cpu_ms_median": round(statistics.median(r[2] for r in rows) * 1000, 1),
           "cpu_ms_min": round(min(r[2] for r in rows) * 1000, 1),
           "cpu_ms_max": round(max(r[2] for r in rows) * 1000, 1),
           "validate_ms_median": round(statistics.median(r[0] for r in rows) * 1000, 1),
           "assess_ms_median": round(statistics.median(r[1] for r in rows) * 1000, 1),
           "loadavg": loadavg()}
    print(json.dumps(row), flush=True)
    return row


def bench_bitset_widths(review: Review, label: str) -> dict:
    """What the upstream bitsets hold against how wide they are (Python ints are as wide as their
    highest bit): with the components numbered in id order, as the analysis does, and as they would
    be if numbered upstream first (a topological order of the condensation, a cycle's members
    together), with or without an offset per set. Sizes in MB over every strongly connected group."""
    from prr_app.analysis.compiled import ancestor_sets, compile_review

    g = compile_review(review)
    cond = g.condensation(g.hard_out)
    _scc_of, anc = ancestor_sets(g.n, g.hard_out, cond=cond)
    ns = len(anc)
    members = cond.members
    # numbered sinks first: the highest number is furthest upstream, so upstream first is descending
    first = [0] * ns
    pos = 0
    for s in range(ns - 1, -1, -1):
        first[s] = pos
        pos += len(members[s])
    low = [0] * ns  # the lowest position among a group's upstream set: its own, or a caller's
    for s in range(ns - 1, -1, -1):
        low[s] = min([first[s]] + [low[u] for u in cond.pred[s]])
    pops = sorted(a.bit_count() for a in anc)
    mb = 8 * 1024 * 1024
    row = {"case": f"upstream bitsets: {label}", "groups": ns,
           "members_median": pops[ns // 2], "members_p90": pops[int(ns * 0.9)],
           "content_mb": round(sum(pops) / mb, 1),
           "id_order_mb": round(sum(a.bit_length() for a in anc) / mb, 1),
           "upstream_first_mb": round(sum(first[s] + len(members[s]) for s in range(ns)) / mb, 1),
           "upstream_first_offset_mb": round(sum(first[s] + len(members[s]) - low[s] for s in range(ns)) / mb, 1)}
    print(json.dumps(row), flush=True)
    return row


def bench_networkx_ancestors(review: Review, sample: int = 200) -> dict:
    """Why the upstream sets are bitsets: ``networkx.ancestors`` per component, extrapolated from a
    sample, against ``compiled.ancestor_sets`` for all of them."""
    import networkx as nx

    from prr_app.analysis.compiled import ancestor_sets, compile_review

    g = compile_review(review)
    t = time.perf_counter()
    ancestor_sets(g.n, g.hard_out)
    bitsets = time.perf_counter() - t
    graph = nx.DiGraph()
    graph.add_nodes_from(range(g.n))
    graph.add_edges_from((u, v) for u in range(g.n) for v in g.hard_out[u])
    nodes = random.Random(0).sample(range(g.n), min(sample, g.n))
    t = time.perf_counter()
    for v in nodes:
        nx.ancestors(graph, v)
    per = (time.perf_counter() - t) / len(nodes)
    row = {"case": "upstream sets of every component", "components": g.n,
           "bitsets_seconds": round(bitsets, 2), "networkx_ancestors_seconds_extrapolated": round(per * g.n, 1),
           "loadavg": loadavg()}
    print(json.dumps(row), flush=True)
    return row


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="*", default=[200, 1000, 10_000])
    ap.add_argument("--big", action="store_true", help="also 100,000 components (time and peak memory)")
    ap.add_argument("--no-cli", action="store_true")
    ap.add_argument("--only-imported", action="store_true",
                    help="only the imported-like 10k graph (and 100k with --big): document, CLI ratio, ancestors")
    ap.add_argument("--in-process", type=int, metavar="N",
                    help="only the imported-like graph of N components (10000, 100000), analysed in this process: "
                         "seconds per step and peak memory")
    ap.add_argument("--bitset-widths", type=int, metavar="N",
                    help="only the imported-like graph of N components: what the upstream bitsets hold against "
                         "their width in id order and if numbered upstream first")
    ap.add_argument("--against", type=Path, metavar="TREE",
                    help="only the imported-like 10k graph: CPU seconds of the networkx script, of prr analyze "
                         "--json from TREE (a copy of another commit, e.g. git archive main) and from this tree, "
                         "alternating")
    ap.add_argument("--rounds", type=int, default=4, help="rounds of --against (default 4)")
    ap.add_argument("--meeting-worker", action="store_true",
                    help="only issue 18's edit: the live app's analysis (validate + assess) of the 2,000-component "
                         "meeting review after a replicas edit, CPU ms per run")
    ap.add_argument("--runs", type=int, default=12, help="runs of --meeting-worker (default 12)")
    ap.add_argument("--profile", action="store_true", help="--meeting-worker under cProfile")
    args = ap.parse_args(argv)

    from heldout_like import generate as generate_imported
    from prr_app.interchange.json_io import read_review_json

    if args.meeting_worker:
        bench_meeting_worker(args.runs, args.profile)
        return 0
    if args.against:
        bench_against(generate_imported(10_000), "imported-like 10k", args.against.resolve(), args.rounds)
        return 0
    if args.bitset_widths:
        bench_bitset_widths(generate_imported(args.bitset_widths), f"imported-like {args.bitset_widths}")
        return 0
    if args.in_process:
        bench_in_process(generate_imported(args.in_process), f"imported-like {args.in_process}")
        return 0
    imported = generate_imported(10_000)
    if not args.only_imported:
        platform = read_review_json(ROOT / "resources" / "examples" / "platform.json")
        bench_analyze("platform example", platform, repeat=5)
        for n in args.sizes:
            review = generate(n)
            bench_analyze(f"generated heavy-tailed {n}", review, repeat=5 if n <= 1000 else 3)
        deep = generate_deep(10_000)
        bench_analyze("deep layered 10k (1000 layers x 10)", deep, repeat=3)
        cyc = generate_big_cycle(10_000)
        bench_analyze("10k with one 1000-component cycle", cyc, repeat=3)
    bench_document(imported, "imported-like 10k")
    bench_networkx_ancestors(imported)
    if not args.no_cli:
        bench_cli(imported, "imported-like 10k (one 1,300-component cycle, nothing replicated)")
        if not args.only_imported:
            bench_cli(generate(10_000), "generated heavy-tailed 10k")
    if args.big:
        bench_big(generate_imported(100_000), "imported-like 100k")
        bench_big(generate(100_000), "generated heavy-tailed 100k")
    return 0


if __name__ == "__main__":
    sys.exit(main())
