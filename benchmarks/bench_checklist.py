"""Benchmark of the checklist: ``evaluate()`` (every item built, for the app and
``prr checklist``) and ``summarize()`` (the headline figures the verdict reads),
on the bundled platform example and on generated reviews (the generator of
bench_analysis.py). Results are quoted in docs/checklist.md ("Speed").

    .venv/bin/python benchmarks/bench_checklist.py                 # platform, 1k, 10k
    .venv/bin/python benchmarks/bench_checklist.py --sizes 1000 --repeat 5
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_analysis import generate  # noqa: E402

from prr_app.checklist import evaluate, load_template  # noqa: E402
from prr_app.checklist.evaluate import summarize  # noqa: E402
from prr_app.interchange.json_io import read_review_json  # noqa: E402


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def run(label: str, review, repeat: int) -> None:
    t_eval, res = best(lambda: evaluate(review), repeat)
    t_sum, s = best(lambda: summarize(review), repeat)
    assert s.items == len(res.items) and s.overall_score == res.overall_score
    model = sum(1 for it in res.items if it.source == "model")
    print(f"{label:<28} {len(review.components):>7} {len(res.items):>8} {model:>7} "
          f"{t_eval:>9.3f} s {t_sum:>9.3f} s")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    t = load_template()
    print(f"template {t.id} {t.version}: {len(t.items)} items; best of {args.repeat}")
    print(f"{'review':<28} {'comps':>7} {'items':>8} {'model':>7} {'evaluate':>11} {'summarize':>11}")
    run("platform example", read_review_json(ROOT / "resources" / "examples" / "platform.json"), args.repeat)
    for n in args.sizes:
        run(f"generated {n}", generate(n), args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
