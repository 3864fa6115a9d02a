"""Benchmark of the semantic diff and of plans (results in docs/performance.md, "Diff and plans").

* the diff of two 10,000-component reviews (the generated graphs of bench_analysis.py), the
  second edited the way a team would between two PRRs (1 % of components changed, some added
  and removed, dependencies rewired): the model diff, the analysis diff of the two analyses,
  and the whole comparison with both analyses;
* the shortest-path-to-ready search on the platform example, and evaluating its suggested plan.

    .venv/bin/python benchmarks/bench_diff.py
    .venv/bin/python benchmarks/bench_diff.py --sizes 1000 10000
"""
from __future__ import annotations

import argparse
import copy
import dataclasses
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_analysis import generate  # noqa: E402

from prr_app.analysis import analyze  # noqa: E402
from prr_app.model.entities import Component, Dependency  # noqa: E402
from prr_app.interchange.json_io import read_review_json  # noqa: E402
from prr_app.review import diff as D  # noqa: E402
from prr_app.review import plans as P  # noqa: E402


def edited(review, share: float = 0.01, seed: int = 5):
    """The review after a team's edits: ``share`` of the components changed, as many added and removed."""
    rng = random.Random(seed)
    new = copy.deepcopy(review)
    ids = sorted(new.components)
    k = max(1, int(len(ids) * share))
    for cid in rng.sample(ids, k):
        c = new.components[cid]
        new.components[cid] = dataclasses.replace(c, replicas=(c.replicas or 1) + 1, owner=c.owner + "-x")
    gone = [c for c in rng.sample(ids, k) if not any(c in j.entry for j in new.journeys.values())
            and not any(c in g.members for g in new.groups.values())]
    for cid in gone:
        del new.components[cid]
    for did in [d for d, dep in new.dependencies.items() if dep.source in gone or dep.target in gone]:
        del new.dependencies[did]
    for i in range(k):
        nid = f"added-{i}"
        new.components[nid] = Component(nid, kind="service", replicas=2)
        src = rng.choice(sorted(new.components))
        if src != nid:
            d = Dependency(src, nid, kind="soft")
            new.dependencies[d.id] = d
    return new


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def bench_diff(n: int) -> None:
    old = generate(n)
    new = edited(old)
    today = "2026-06-01"
    a, t_a = timed(lambda: analyze(old, today=today).to_dict())
    b, t_b = timed(lambda: analyze(new, today=today).to_dict())
    m, t_m = timed(lambda: D.diff_models(old, new))
    x, t_x = timed(lambda: D.diff_analyses(a, b))
    d, t_d = timed(lambda: D.diff(old, new, a, b))
    _, t_c = timed(lambda: D.compare(old, new, today=today))
    c = D.counts(d)
    print(f"{n:>6} components: model diff {t_m:.3f} s, analysis diff {t_x:.3f} s, diff of both {t_d:.3f} s "
          f"(the two analyses {t_a:.2f} s + {t_b:.2f} s; compare() in all {t_c:.2f} s); "
          f"{c['components']} component changes, {c['dependencies']} dependency changes, "
          f"{c['risks_new']} risks new, {c['risks_resolved']} resolved, {c['blast_radius']} blast radii changed")
    _, t_self = timed(lambda: D.diff_models(old, old))
    print(f"        diff of a review with itself (model): {t_self:.3f} s")


def bench_plans() -> None:
    review = read_review_json(ROOT / "resources" / "examples" / "platform.json")
    today = "2026-06-01"
    from prr_app.review.assess import assess  # the checklist counts, as the search and prr plan run it

    before, t_a = timed(lambda: assess(review, today=today).to_dict())
    plan, t_s = timed(lambda: P.suggested_plan(review, before))
    res, t_e = timed(lambda: P.evaluate(review, plan, today=today, before=before))
    path, t_p = timed(lambda: P.shortest_path_to_ready(review, today=today, before=before))
    print(f"platform ({len(review.components)} components): analysis {t_a:.3f} s; suggested plan "
          f"({len(plan.changes)} changes) {t_s:.3f} s, evaluated {t_e:.3f} s "
          f"({res['before']['verdict']} -> {res['after']['verdict']})")
    print(f"  shortest path to ready: {t_p:.2f} s, {path['analyses']} analyses, {len(path['plan'].changes)} "
          f"changes, reached={path['reached']}, {len(path['remaining_blockers'])} blockers left "
          f"({len(path['needs_decision'])} named as needing a decision)")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    args = ap.parse_args()
    for n in args.sizes:
        bench_diff(n)
    bench_plans()


if __name__ == "__main__":
    main()
