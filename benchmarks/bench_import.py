"""Import speed: a folder of Kubernetes manifests with 5,000 workloads (target: under 5 s).

Usage: .venv/bin/python benchmarks/bench_import.py [WORKLOADS] [--compose]

Each workload is a Deployment with a Service, three environment variables naming other
services, topology spread on every tenth, an HPA on every fifth and a NetworkPolicy on
every tenth; 100 workloads per file. Prints the time of the whole import (reading,
YAML, inference, validation) and of saving the review as .prr, in this process;
then the whole ``prr import FOLDER -o REVIEW.prr --quiet`` process as a user runs
it (start-up, import, import report, writing the file), best of 3.
"""
from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from prr_app.importers.registry import import_paths  # noqa: E402
from prr_app.review.document import save_review  # noqa: E402


def write_manifests(folder: Path, n: int, per_file: int = 100, seed: int = 0) -> None:
    rnd = random.Random(seed)
    for f in range(0, n, per_file):
        docs = []
        for i in range(f, min(n, f + per_file)):
            name = f"svc-{i:05d}"
            targets = sorted({rnd.randrange(n) for _ in range(3)} - {i})
            env = "\n".join(f"        - name: DEP{j}_ADDR\n          value: \"svc-{t:05d}:8080\"" for j, t in enumerate(targets))
            spread = ("      topologySpreadConstraints:\n      - {topologyKey: topology.kubernetes.io/zone, "
                      "whenUnsatisfiable: DoNotSchedule, maxSkew: 1}\n") if i % 10 == 0 else ""
            docs.append(f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: bench
  labels: {{app: {name}}}
spec:
  replicas: {1 + i % 3}
  selector:
    matchLabels: {{app: {name}}}
  template:
    metadata:
      labels: {{app: {name}, tier: backend}}
    spec:
{spread}      containers:
      - name: main
        image: registry.example.com/{name}:1.{i % 7}
        ports:
        - containerPort: 8080
        env:
{env}
        resources: {{requests: {{cpu: 100m, memory: 128Mi}}}}
---
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: bench}}
spec:
  selector: {{app: {name}}}
  ports: [{{port: 8080, targetPort: 8080}}]""")
            if i % 5 == 0:
                docs.append(f"""apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: {name}, namespace: bench}}
spec: {{scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {name}}}, minReplicas: 2, maxReplicas: 10}}""")
            if i % 10 == 0 and targets:
                docs.append(f"""apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: {name}, namespace: bench}}
spec:
  podSelector: {{matchLabels: {{app: svc-{targets[0]:05d}}}}}
  ingress: [{{from: [{{podSelector: {{matchLabels: {{app: {name}}}}}}}]}}]""")
        (folder / f"manifests-{f // per_file:03d}.yaml").write_text("\n---\n".join(docs) + "\n")


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv and argv[0].isdigit() else 5000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "manifests"
        folder.mkdir()
        write_manifests(folder, n)
        size = sum(p.stat().st_size for p in folder.iterdir())
        c0 = time.process_time()
        t0 = time.perf_counter()
        res = import_paths([folder])
        t1 = time.perf_counter()
        c1 = time.process_time()
        save_review(res.review, Path(tmp) / "bench.prr")
        t2 = time.perf_counter()
        r = res.review
        print(f"{n} workloads in {len(list(folder.iterdir()))} files ({size / 1e6:.1f} MB): "
              f"{len(r.components)} components, {len(r.dependencies)} dependencies")
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"import: {t1 - t0:.2f} s wall, {c1 - c0:.2f} s CPU (load average {load:.1f} on {os.cpu_count()} cores)"
              f"   save .prr: {t2 - t1:.2f} s")
        walls = []
        for k in range(3):
            out = Path(tmp) / f"cli-{k}.prr"
            t = time.perf_counter()
            proc = subprocess.run([sys.executable, "-m", "prr_app", "import", str(folder), "-o", str(out), "--quiet"],
                                  capture_output=True, text=True)
            walls.append(time.perf_counter() - t)
            if proc.returncode != 0:
                raise SystemExit(proc.stderr)
        print(f"prr import FOLDER -o REVIEW.prr (whole process): best of 3 {min(walls):.2f} s wall, "
              f"worst {max(walls):.2f} s")
        return 0 if min(walls) < 5 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
