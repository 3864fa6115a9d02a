"""Benchmark of the team repository on a throwaway PostgreSQL (docs/performance.md, "Team repository").

Starts its own server (as tests/test_teamrepo.py does), then measures:

1. opening a 2,000-component review from the repository (``Repository.pull``) against opening
   its ``.prr`` file (``load_review``), both in process, best of 5;
2. a repository of R reviews of C components each (default 1,000 x 200 = 200,000 components),
   every review naming a few of 40 shared platform components and the same zones: loading it
   (each review written as a push writes it, with its analysis and, since schema 0010, the history rows the database writes), then
   ``prr repo portfolio`` and ``prr repo blast`` on a shared component and a shared zone, in
   process, best of 5.

    .venv/bin/python benchmarks/bench_teamrepo.py                     # 1,000 x 200
    .venv/bin/python benchmarks/bench_teamrepo.py --reviews 100       # quicker
    .venv/bin/python benchmarks/bench_teamrepo.py --live-only         # 3. only

3. the app's live view: a window (offscreen) shows ``repo:NAME``; another process commits a change
   to one component; the time from its commit until the window's review holds it (NOTIFY, the
   listener thread, reading the elements changed since the window's version on a worker, applying
   them in the GUI thread as one undoable command), for the bundled example and for a
   2,000-component review.
"""
from __future__ import annotations

import argparse
import random
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import pg_server  # noqa: E402

from prr_app.model.entities import Component, Dependency, FailureDomain, Journey, Review  # noqa: E402

SHARED = [f"platform-{i:02d}" for i in range(40)]  # shared databases, identity, Kafka...


def team_review(i: int, n: int, rng: random.Random) -> Review:
    """Review ``i``: ``n`` components, 4 of them shared platform components, in shared zones."""
    r = Review()
    r.meta.system_name, r.meta.tier, r.meta.target_launch = f"System {i:04d}", 1 + i % 3, "2027-03-01"
    r.add(FailureDomain(id="euw1", kind="region"))
    for z in "abc":
        r.add(FailureDomain(id=f"euw1-{z}", kind="zone", parent="euw1", availability=99.95))
    shared = rng.sample(SHARED, 4)
    own = [f"r{i:04d}-svc-{j:04d}" for j in range(n - len(shared))]
    for cid in shared:
        r.add(Component(id=cid, kind="datastore", replicas=3, min_healthy=2, placement=["euw1-a", "euw1-b", "euw1-c"],
                        availability=99.99))
    for j, cid in enumerate(own):
        r.add(Component(id=cid, user_facing=j < 3, slo=99.9 if j < 3 else None, replicas=rng.choice([1, 2, 3]),
                        placement=rng.sample(["euw1-a", "euw1-b", "euw1-c"], 2), availability=99.95, owner=f"team-{i}"))
    for j, cid in enumerate(own[:-1]):
        for tgt in rng.sample(own[j + 1:], min(2, len(own) - j - 1)):
            r.add(Dependency(cid, tgt, kind=rng.choice(["hard", "hard", "soft"])))
        if j % 25 == 0:
            r.add(Dependency(cid, rng.choice(shared)))
    for j in range(3):
        r.add(Journey(id=f"journey-{j}", entry=[own[j]], slo=99.9))
    return r


def best(fn, repeat=5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--writer"]:
        return writer(argv[1], argv[2], argv[3], int(argv[4]))
    ap = argparse.ArgumentParser()
    ap.add_argument("--reviews", type=int, default=1000)
    ap.add_argument("--components", type=int, default=200)
    ap.add_argument("--live-only", action="store_true", help="only the app's live view (3.)")
    ap.add_argument("--live-repeat", type=int, default=10, help="commits timed per review in 3.")
    args = ap.parse_args(argv)

    from sqlalchemy import insert

    from prr_app.review.document import load_review, save_review
    from prr_app.teamrepo import merge, rows, schema
    from prr_app.teamrepo.repository import Repository

    from bench_analysis import generate  # noqa: E402

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the server on the way out
    server = pg_server.start_server()
    if server is None:
        print("PostgreSQL binaries not found (apt-get install postgresql)")
        return 1
    try:
        url = server.create_database("bench")
        if args.live_only:
            with Repository(url) as repo:
                repo.init()
            live_latency(url, args.live_repeat)
            return 0
        with Repository(url) as repo, tempfile.TemporaryDirectory() as tmp:
            repo.init()
            # 1. one 2,000-component review: repository against file
            big = generate(2000)
            path = Path(tmp) / "big.prr"
            save_review(big, path)
            t = time.perf_counter()
            repo.push(big, name="big")
            push_s = time.perf_counter() - t
            file_s = best(lambda: load_review(path))
            repo_s = best(lambda: repo.pull("big"))
            print(f"2,000 components, {len(big.dependencies)} dependencies: first push {push_s:.2f} s "
                  f"(analysis included); open .prr {file_s:.3f} s, pull from repository {repo_s:.3f} s "
                  f"({repo_s / file_s:.2f}x)")

            # 2. many reviews
            rng = random.Random(5)
            t = time.perf_counter()
            analysis_s = 0.0
            total = 0
            for i in range(args.reviews):
                review = team_review(i, args.components, rng)
                total += len(review.components)
                with repo.engine.begin() as conn:
                    rid = conn.execute(insert(schema.repo_review).values(name=f"team-{i:04d}")
                                       .returning(schema.repo_review.c.id)).scalar()
                    Repository._apply(conn, rid, merge.diff({}, rows.review_rows(review)), {})
                    a = time.perf_counter()
                    Repository._store_assessment(conn, rid, review)
                    analysis_s += time.perf_counter() - a
                if (i + 1) % 100 == 0:
                    print(f"  loaded {i + 1} reviews ({time.perf_counter() - t:.0f} s)", flush=True)
            print(f"{args.reviews} reviews, {total} components: loaded in {time.perf_counter() - t:.0f} s "
                  f"({analysis_s:.0f} s of it analysing)")
            with repo.engine.begin() as conn:
                conn.exec_driver_sql("ANALYZE")
            folio = repo.portfolio()
            port_s = best(repo.portfolio)
            hot = max(SHARED, key=lambda c: len(repo.blast(c)["reviews"]))
            b = repo.blast(hot)
            blast_s = best(lambda: repo.blast(hot))
            zone_s = best(lambda: repo.blast("euw1-a"))
            print(f"portfolio of {len(folio)} reviews: {port_s:.3f} s")
            print(f"blast radius of {hot} (named by {b['reviews_naming']} reviews, takes down user-facing "
                  f"services in {b['reviews_hit']}): {blast_s:.3f} s; of zone euw1-a (every review): {zone_s:.3f} s")
        live_latency(url, args.live_repeat)
    finally:
        server.cleanup()
    return 0


def live_latency(url: str, repeat: int = 10) -> None:
    """3.: another process's commit until an open window's review holds it.

    The window (offscreen, shown) is in this process; the other reviewer is a process of its own
    (``--writer``): it pulls the review, changes one component's owner, pushes (merge, history,
    analysis for the portfolio), and prints the time right after its commit. This process turns
    its event loop until the window's review holds the change and takes the difference (one
    machine, one clock). The writer waits for the window to catch up before its next commit."""
    import os
    import statistics
    import subprocess

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("PRR_SETTINGS_DIR", tempfile.mkdtemp(prefix="prr-bench-settings-"))
    from PySide6.QtWidgets import QApplication

    from prr_app.interchange.json_io import read_review_json
    from prr_app.teamrepo.repository import Repository
    from prr_app.ui.main_window import MainWindow

    from bench_analysis import generate  # noqa: E402

    app = QApplication.instance() or QApplication([])
    examples = ROOT / "resources" / "examples"
    for label, review in (("webshop example", read_review_json(examples / "webshop.json")),
                          ("2,000 components", generate(2000))):
        name = "live-" + label.split()[0].replace(",", "")
        with Repository(url) as repo:
            repo.push(review, name=name)
        w = MainWindow(restore_state=False)
        w.show()
        w.repository.url = url
        assert w.repository.open(name)
        cid = sorted(w.session.review.components)[0]
        writer = subprocess.Popen([sys.executable, __file__, "--writer", url, name, cid, str(repeat)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        times, drawn = [], []
        try:
            for i in range(repeat):
                held = {}
                watch = threading.Thread(target=_watch, args=(w.session, cid, f"writer-{i}", held), daemon=True)
                watch.start()
                t0 = time.time()
                while w.session.review.components[cid].owner != f"writer-{i}":
                    app.processEvents()
                    if time.time() - t0 > 120:
                        raise RuntimeError("the window never showed the change")
                seen = time.time()  # the GUI thread is back: the views have taken the change too
                watch.join()
                committed = float(writer.stdout.readline().split()[1])
                times.append(held["at"] - committed)
                drawn.append(seen - committed)
                writer.stdin.write("next\n")
                writer.stdin.flush()
        finally:
            writer.stdin.close()
            writer.wait(60)
        w.session.undo_stack.clear()
        w.close()
        app.processEvents()
        print(f"live view, {label}: another process's commit in the window's review in median "
              f"{statistics.median(times):.3f} s, worst {max(times):.3f} s, best {min(times):.3f} s; the views done "
              f"with it (the GUI thread free again) in median {statistics.median(drawn):.3f} s, worst "
              f"{max(drawn):.3f} s ({repeat} commits)")


def _watch(session, cid: str, owner: str, held: dict) -> None:
    """From another thread, every millisecond: the moment the window's review holds the change
    (the GUI thread applies it, then the views redraw before it returns to its event loop)."""
    while session.review.components[cid].owner != owner:
        time.sleep(0.001)
    held["at"] = time.time()


def writer(url: str, name: str, cid: str, repeat: int) -> int:
    """The other reviewer of 3., in a process of its own."""
    from prr_app.teamrepo.repository import Repository

    with Repository(url) as repo:
        for i in range(repeat):
            pulled = repo.pull(name)
            pulled.review.components[cid].owner = f"writer-{i}"
            repo.push(pulled.review, name=name, base=pulled.version)
            print(i, time.time(), flush=True)  # committed
            if not sys.stdin.readline():  # the window caught up (or the benchmark ended)
                break
    return 0


if __name__ == "__main__":
    sys.exit(main())
