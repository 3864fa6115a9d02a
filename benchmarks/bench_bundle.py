"""Benchmark: the packaged bundle (``make package``): size and start-up times.

Run:  python3 benchmarks/bench_bundle.py [dist/prr-workbench] [REPEAT]
Needs a built bundle and Xvfb (``xvfb-run``). The bundle is copied to a
temporary folder outside the repository and run with a bare environment, as
on a reviewer's laptop. Measures, from the moment the process is started:

- the size of the bundle on disk;
- ``prr --version`` (the command line's cold start) and ``prr report`` of the
  bundled 64-component example (a whole PDF);
- the desktop app: until its window is shown, and until it has opened the
  example, analysed it and exported the PDF (``--smoke-test``).

The first run after copying is the coldest (files not yet in the page cache);
best and median of REPEAT runs are printed too.
"""
from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def bare_env(home: str) -> dict:
    return {"PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8"}


def timed(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def gui_run(app: Path, example: Path, out: Path, env: dict) -> tuple[float, float]:
    """Seconds until 'window shown' is logged, and until the process exits 0 with the PDF written."""
    cmd = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", str(app), "--smoke-test", str(out), str(example)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    shown = float("nan")
    for line in proc.stderr:
        if "window shown" in line and shown != shown:
            shown = time.perf_counter() - t0
    if proc.wait() != 0 or not out.exists():
        raise SystemExit(f"the app's smoke test failed (exit {proc.returncode})")
    return shown, time.perf_counter() - t0


def line(name: str, values: list[float]) -> str:
    return (f"{name:<44} first {values[0]:6.2f} s   best {min(values):6.2f} s   "
            f"median {statistics.median(values):6.2f} s")


def main() -> int:
    bundle = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "dist" / "prr-workbench").resolve()
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    if not (bundle / "prr").exists() or shutil.which("xvfb-run") is None:
        print(f"skipped: needs a bundle in {bundle} (`make package`) and xvfb-run")
        return 0
    with tempfile.TemporaryDirectory(prefix="prr-bench-bundle-") as tmp:
        tmp = Path(tmp)
        app_dir = tmp / "app"
        shutil.copytree(bundle, app_dir, symlinks=True)
        env = bare_env(str(tmp))
        example = app_dir / "_internal" / "resources" / "examples" / "platform.json"
        print(f"bundle: {bundle}")
        print(f"size on disk: {du(app_dir) / 1e6:.0f} MB ({len(list(app_dir.rglob('*')))} files)")
        print(f"load average: {os.getloadavg()[0]:.2f}")
        version = [timed([str(app_dir / "prr"), "--version"], env) for _ in range(repeat)]
        print(line("prr --version", version))
        report = [timed([str(app_dir / "prr"), "report", str(example), "-o", str(tmp / "cli.pdf")], env)
                  for _ in range(repeat)]
        print(line("prr report (64-component example, PDF)", report))
        xvfb = [timed(["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", "true"], env) for _ in range(repeat)]
        print(line("(Xvfb alone: xvfb-run true)", xvfb))
        shown, done = [], []
        for i in range(repeat):
            s, d = gui_run(app_dir / "prr-workbench", example, tmp / f"gui{i}.pdf", env)
            shown.append(s)
            done.append(d)
        print(line("app: window shown (incl. Xvfb start)", shown))
        print(line("app: open + analyse + export PDF + quit", done))
    return 0


if __name__ == "__main__":
    sys.exit(main())
