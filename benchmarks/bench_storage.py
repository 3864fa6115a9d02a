"""Benchmark: a generated 10,000-component review, JSON -> .prr and .prr -> JSON.

Run:  .venv/bin/python benchmarks/bench_storage.py [N_COMPONENTS]
Measures whole `prr import` and `prr export` processes (what a user waits for)
and the in-process phases. Goal (issue 2): each under 2 s on a 2-core machine.
"""
from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from prr_app.model.entities import Component, Dependency, FailureDomain, Journey, Observability, Review
from prr_app.interchange.json_io import read_review_json, write_json
from prr_app.persistence.store import create_store, open_store


def generate(n: int, seed: int = 7) -> Review:
    rnd = random.Random(seed)
    r = Review()
    r.meta.system_name = f"Generated system ({n} components)"
    for reg in ("r1", "r2", "r3"):
        r.domains[reg] = FailureDomain(reg, reg, "region")
        for z in "abc":
            r.domains[f"{reg}-{z}"] = FailureDomain(f"{reg}-{z}", f"{reg}{z}", "zone", parent=reg, availability=99.95)
    zones = [d for d in r.domains if "-" in d]
    kinds = ["service"] * 6 + ["datastore", "cache", "queue", "external_api"]
    for i in range(n):
        reps = rnd.choice([1, 1, 2, 3, 3, 5])
        r.components[f"svc-{i:06d}"] = Component(
            f"svc-{i:06d}", f"Service {i}", rnd.choice(kinds), owner=f"team-{i % 97}", replicas=reps,
            placement=rnd.sample(zones, min(reps, 3)), availability=rnd.choice([99.9, 99.95, 99.99]),
            observability=Observability(metrics=True, logs=rnd.random() < 0.8, alerts=rnd.random() < 0.6),
            tags=["generated"], notes="x" * rnd.randint(0, 80))
    ids = list(r.components)
    for i, cid in enumerate(ids[1:], 1):
        for _ in range(rnd.choice([1, 2, 3, 4, 6])):
            t = ids[min(int(rnd.paretovariate(1.2)) - 1 + rnd.randrange(i), i - 1)] if i > 1 else ids[0]
            if t != cid:
                d = Dependency(cid, t, rnd.choice(["hard", "hard", "soft", "async"]), timeout_ms=rnd.choice([None, 500]))
                r.dependencies[d.id] = d
    for j in range(20):
        r.journeys[f"j{j}"] = Journey(f"j{j}", f"Journey {j}", [ids[-1 - j]], slo=99.9)
    return r


def timed(label, fn):
    t = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t
    print(f"{label:<45} {dt:7.3f} s")
    return out, dt


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    review = generate(n)
    print(f"{len(review.components)} components, {len(review.dependencies)} dependencies")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "gen.json"
        write_json(review, src)
        print(f"JSON size: {src.stat().st_size / 1e6:.1f} MB")
        prr = [sys.executable, "-m", "prr_app"]
        _, t_imp = timed("prr import gen.json -o gen.prr (process)",
                         lambda: subprocess.run(prr + ["import", str(src), "-o", str(tmp / "gen.prr")], check=True,
                                                capture_output=True))
        _, t_exp = timed("prr export gen.prr -o out.json (process)",
                         lambda: subprocess.run(prr + ["export", str(tmp / "gen.prr"), "-o", str(tmp / "out.json")],
                                                check=True, capture_output=True))
        assert (tmp / "out.json").read_bytes() == src.read_bytes(), "round trip differs"
        r2, _ = timed("  in-process: read + validate JSON", lambda: read_review_json(src))
        timed("  in-process: create .prr", lambda: create_store(tmp / "p2.prr", r2).close())
        store, _ = timed("  in-process: open + load .prr", lambda: open_store(tmp / "p2.prr"))
        r3 = store.load()
        r3.components["svc-000010"].notes = "edited"
        timed("  in-process: save one edit (diff)", lambda: store.save(r3))
        store.close()
        print(f"goal: import and export each under 2 s -> {'OK' if max(t_imp, t_exp) < 2 else 'MISSED'}")


if __name__ == "__main__":
    main()
