"""Benchmark: the Reliability Risk Assessment (PDF) as a whole `prr report` process.

Run:  .venv/bin/python benchmarks/bench_report.py [N_COMPONENTS]
Goals (issue 7): the bundled 64-component example in under 2 s; a generated
review with 1,000 components, 300 checklist answers and 500 risks in under 10 s.
Prints whole-process wall times (what a user waits for) and the in-process
phases (analysis + checklist, PDF rendering) in CPU seconds.
"""
from __future__ import annotations

import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from prr_app.domain.model import (  # noqa: E402
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


def _run(review_path: Path, out: Path) -> float:
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "prr_app.cli.main", "report", str(review_path), "-o", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    dt = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return dt


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    from prr_app.reporting.assessment import build_assessment
    from prr_app.reporting.pdf import render_pdf

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        example = ROOT / "resources" / "examples" / "platform.json"
        times = [_run(example, tmp / "platform.pdf") for _ in range(3)]
        print(f"prr report platform.json (64 components): best {min(times):.2f} s, worst {max(times):.2f} s (wall)")
        gen = tmp / "generated.json"
        review = generate(n)
        write_json(review, gen)
        times = [_run(gen, tmp / "generated.pdf") for _ in range(2)]
        from pypdf import PdfReader

        pages = len(PdfReader(str(tmp / "generated.pdf")).pages)
        print(f"prr report generated ({n} components, {len(review.risks)} manual risks, {len(review.answers)} answers): "
              f"best {min(times):.2f} s, worst {max(times):.2f} s (wall), {pages} pages")
        review = read_review_json(gen)
        t = time.process_time()
        a = build_assessment(review)
        t1 = time.process_time()
        render_pdf(review, assessment=a)
        t2 = time.process_time()
        print(f"  in process: analysis + checklist {t1 - t:.2f} s, PDF {t2 - t1:.2f} s (CPU), {len(a.risks)} risks in all")


if __name__ == "__main__":
    main()
