"""A graph like a CSV or compose import of a big system: what the analysis' size and speed goals are set on.

10,000 components (or ``n``) named as services are, heavy-tailed degree (a few
services are called by thousands, most by one or two), one strongly connected
group of about 1,300 components (13 %), nothing replicated, no placement, no
availability figures, no component marked user-facing and no journeys: only
what an import of edges gives. Every dependency is hard (an import cannot
tell which calls have a fallback).

    .venv/bin/python benchmarks/heldout_like.py OUT.json [--n 10000] [--seed 7]
"""
from __future__ import annotations

import argparse
import random
import sys
from bisect import bisect_left
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from prr_app.model.entities import Component, Dependency, Review  # noqa: E402


def generate(n: int = 10_000, *, seed: int = 7, edges_per_component: float = 3.0, cycle_share: float = 0.13,
             alpha: float = 1.2) -> Review:
    rng = random.Random(seed)
    review = Review()
    review.meta.system_name = f"imported-{n}"
    ids = [f"svc-{rng.getrandbits(40):010x}-{i}" for i in range(n)]  # import order is not name order
    for cid in ids:
        review.add(Component(id=cid))
    # a layered order: edges go "down" the order, except inside the cycle band, where edges close a loop
    order = list(range(n))
    rng.shuffle(order)
    rank = {c: r for r, c in enumerate(order)}
    # heavy-tailed popularity of targets
    weights = [1.0 / (k + 1) ** alpha for k in range(n)]
    cum = list(accumulate(weights))
    popular = list(range(n))
    rng.shuffle(popular)

    def pick() -> int:
        return popular[bisect_left(cum, rng.random() * cum[-1])]

    edges: set[tuple[int, int]] = set()
    want = int(n * edges_per_component)
    while len(edges) < want:
        s, t = rng.randrange(n), pick()
        if s == t:
            continue
        if rank[s] > rank[t]:  # keep it acyclic: the caller lies above the callee
            s, t = t, s
        edges.add((s, t))
    # one big cycle: a band of the order in the middle, closed by a ring of back edges
    k = int(n * cycle_share)
    lo = n // 3
    band = order[lo:lo + k]
    for a, b in zip(band, band[1:] + band[:1]):
        edges.add((a, b))
    for s, t in sorted(edges):
        review.add(Dependency(ids[s], ids[t]))
    return review


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out")
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args(argv)
    from prr_app.interchange.json_io import write_json

    write_json(generate(args.n, seed=args.seed), Path(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
