"""Benchmark: the Reliability Risk Assessment (PDF) as a whole `prr report` process.

Run:  .venv/bin/python benchmarks/bench_report.py [N_COMPONENTS]
Goals (issue 7): the bundled 64-component example in under 2 s; a generated
review with 1,000 components, 300 checklist answers and 500 risks in under 10 s.
Prints whole-process wall times (what a user waits for, best of N) with the
CPU seconds of that run, and the in-process phases (analysis + checklist, PDF
rendering) in CPU seconds. Also the start-up of light commands (``prr
--version``, ``prr summary``), which the lazy command table keeps short.

Processes run as an installed copy does: with compiled bytecode (in a
temporary PYTHONPYCACHEPREFIX, filled by a first, untimed run). With
``--no-bytecode`` every run compiles the project's sources first (as under
PYTHONDONTWRITEBYTECODE=1 from a source checkout), about 0.1 s more.
"""
from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from prr_app.model.entities import (  # noqa: E402
    ChecklistAnswer,
    Component,
    Dependency,
    FailureDomain,
    Journey,
    Mitigation,
    Observability,
    Review,
    Risk,
)
from prr_app.interchange.json_io import read_review_json, write_json  # noqa: E402


def generate(n: int = 1000, n_risks: int = 500, n_answers: int = 300, seed: int = 11) -> Review:
    rnd = random.Random(seed)
    r = Review()
    r.meta.system_name = f"Generated platform ({n} components)"
    r.meta.review_date = "2026-06-01"
    r.meta.reviewers = ["Bench Reviewer"]
    for reg in ("r1", "r2"):
        r.add(FailureDomain(reg, name=f"Region {reg}", kind="region", availability=99.99))
        for z in "abc":
            r.add(FailureDomain(f"{reg}-{z}", name=f"{reg}{z}", kind="zone", parent=reg, availability=99.95))
    r.add(FailureDomain("k8s", name="Cluster", kind="cluster", availability=99.95))
    zones = [d for d in r.domains if "-" in d]
    kinds = ["service"] * 6 + ["datastore", "cache", "queue", "external_api"]
    for i in range(n):
        reps = rnd.choice([1, 2, 2, 3])
        region = rnd.choice(["r1", "r2"])
        zs = [z for z in zones if z.startswith(region)]
        r.add(Component(f"c{i:05d}", name=f"Component {i}", kind=rnd.choice(kinds), owner=f"team-{i % 37}",
                        user_facing=i < 12, replicas=reps, placement=rnd.sample(zs, min(reps, 3)),
                        shared_domains=["k8s"] if rnd.random() < 0.5 else [],
                        availability=rnd.choice([99.9, 99.95, 99.99]), slo=99.9 if i < 12 else None,
                        rto_minutes=rnd.choice([None, 15, 60]), rpo_minutes=rnd.choice([None, 5, 60]),
                        recovery=rnd.choice([None, "manual", "automatic"]),
                        observability=Observability(metrics=True, logs=rnd.random() < 0.8,
                                                    alerts=rnd.random() < 0.7, traces=rnd.random() < 0.5)))
    ids = list(r.components)
    for i in range(12, n):  # each component is called by 1-3 earlier ones (a layered DAG)
        for s in rnd.sample(range(max(0, i - 60), i), min(i, rnd.choice([1, 1, 2, 3]))):
            r.add(Dependency(ids[s], ids[i], kind=rnd.choice(["hard", "hard", "soft", "async"]),
                             timeout_ms=rnd.choice([None, 500]), retries=rnd.choice([None, 0, 2])))
    for j in range(10):
        r.add(Journey(f"j{j}", name=f"Journey {j}", entry=[ids[j]], slo=99.9))
    for k in range(n_risks):
        r.add(Risk(id=f"risk-{k:04d}", title=f"Manual risk {k}: {rnd.choice(['capacity', 'vendor', 'config'])} concern",
                   description="Observed during the review; " + "details " * rnd.randint(3, 20),
                   likelihood=rnd.randint(1, 5), impact=rnd.randint(1, 5), components=[rnd.choice(ids)],
                   owner=f"team-{k % 37}"))
        if k % 3 == 0:
            r.add(Mitigation(id=f"m-{k:04d}", title=f"Fix {k}", owner="someone", due="2026-09-01",
                             effort="medium", risks=[f"risk-{k:04d}"]))
    try:
        from prr_app.checklist import evaluate

        items = evaluate(r).items
        for it in items[:n_answers]:
            r.add(ChecklistAnswer(item=it.key, status=rnd.choice(["met", "met", "partly", "not_applicable"]),
                                  reason="not used here", evidence="https://wiki.example/x", owner="sre"))
    except ImportError:  # pragma: no cover - the checklist part is installed in this build
        pass
    return r


_ENV = dict(os.environ)


def _prr(*args) -> tuple[float, float]:
    """Run ``prr ARGS`` as its own process: (wall seconds, CPU seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "prr_app", *map(str, args)], capture_output=True, text=True,
                          cwd=ROOT, env=_ENV)
    dt = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):
        raise SystemExit(proc.stderr)
    return dt, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _best(runs: int, *args) -> str:
    times = [_prr(*args) for _ in range(runs)]
    wall, cpu = min(times)
    return f"best of {runs} {wall:.2f} s wall ({cpu:.2f} s CPU), worst {max(t[0] for t in times):.2f} s"


def main() -> None:
    argv = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(argv[0]) if argv else 1000
    runs = 5
    from prr_app.reporting.assessment import build_assessment
    from prr_app.reporting.pdf import render_pdf

    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if "--no-bytecode" in sys.argv:
            _ENV["PYTHONDONTWRITEBYTECODE"] = "1"
            _ENV.pop("PYTHONPYCACHEPREFIX", None)
            print("no bytecode cache: every run compiles the project's sources")
        else:
            _ENV.pop("PYTHONDONTWRITEBYTECODE", None)
            _ENV["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        example = ROOT / "resources" / "examples" / "platform.json"
        _prr("report", example, "-o", tmp / "platform.pdf")  # untimed: fills the bytecode cache
        _prr("gate", example)
        print(f"prr --version: {_best(runs, '--version')}")
        print(f"prr summary platform.json: {_best(runs, 'summary', example)}")
        print(f"prr report platform.json (64 components): {_best(runs, 'report', example, '-o', tmp / 'platform.pdf')}")
        gen = tmp / "generated.json"
        review = generate(n)
        write_json(review, gen)
        result = _best(3, "report", gen, "-o", tmp / "generated.pdf")
        from pypdf import PdfReader

        pages = len(PdfReader(str(tmp / "generated.pdf")).pages)
        print(f"prr report generated ({n} components, {len(review.risks)} manual risks, {len(review.answers)} answers): "
              f"{result}, {pages} pages")
        review = read_review_json(gen)
        t = time.process_time()
        a = build_assessment(review)
        t1 = time.process_time()
        render_pdf(review, assessment=a)
        t2 = time.process_time()
        print(f"  in process: analysis + checklist {t1 - t:.2f} s, PDF {t2 - t1:.2f} s (CPU), {len(a.risks)} risks in all")


if __name__ == "__main__":
    main()
