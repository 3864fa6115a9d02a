"""Import speed of a checkout: a 2,000-file repository, source included (target: under 10 s).

Usage: .venv/bin/python benchmarks/bench_import_repository.py [FILES]

The repository has 40 services, each with a Kubernetes manifest (plus a Compose
file, a Kustomize base and a Helm chart as sibling variants of the same deployment), a Spring
``application.yml``, and source files of 2-12 KB in Go, Java and Python whose
string literals name other services' URLs and address variables; a gateway has
an nginx.conf; a README and images fill the rest. Prints the time of the whole
import in this process (walking, recognising, variants, YAML, inference,
configuration and source scan, validation), then the whole
``prr import DIR -o REVIEW.prr --quiet`` process as a user runs it, best of 3.
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

N_SERVICES = 40


def write_repo(root: Path, files: int, seed: int = 0) -> int:
    rnd = random.Random(seed)
    names = [f"svc{i:02d}" for i in range(N_SERVICES)]
    calls = {n: sorted(rnd.sample([m for m in names if m != n], 3)) for n in names}
    made = 0

    def put(rel: str, text: str | bytes) -> None:
        nonlocal made
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        (p.write_bytes if isinstance(text, bytes) else p.write_text)(text)
        made += 1

    manifests, compose = [], ["services:"]
    for n in names:
        env = "\n".join(f"        - {{name: {t.upper()}_ADDR, value: \"{t}:8080\"}}" for t in calls[n])
        manifests.append(f"""apiVersion: apps/v1
kind: Deployment
metadata: {{name: {n}}}
spec:
  replicas: 2
  template:
    metadata: {{labels: {{app: {n}}}}}
    spec:
      containers:
      - name: main
        image: example/{n}
        env:
{env}
---
apiVersion: v1
kind: Service
metadata: {{name: {n}}}
spec: {{selector: {{app: {n}}}, ports: [{{port: 8080}}]}}
---
""")
        compose.append(f"  {n}:\n    image: example/{n}\n    build: ../../src/{n}\n")
    for i in range(0, N_SERVICES, 10):
        put(f"deploy/k8s/part-{i // 10}.yaml", "".join(manifests[i:i + 10]))
    put("deploy/compose/docker-compose.yml", "\n".join(compose) + "\n")
    put("deploy/kustomize/base/kustomization.yaml", "resources: [app.yaml]\n")
    put("deploy/kustomize/base/app.yaml", "".join(manifests))
    # a Helm chart of the same services: a fourth sibling variant, rendered by `helm template` when installed
    put("deploy/helm/shop/Chart.yaml", "apiVersion: v2\nname: shop\nversion: 0.1.0\n")
    put("deploy/helm/shop/values.yaml", "replicas: 2\n")
    put("deploy/helm/shop/templates/app.yaml", "".join(manifests).replace("replicas: 2", "replicas: {{ .Values.replicas }}"))
    put("src/svc00/nginx.conf", "".join(f"upstream u{t} {{ server {t}:8080; }}\n" for t in calls["svc00"]))
    per_service = max(1, (files - made - 2 * N_SERVICES) // N_SERVICES)
    for n in names:
        put(f"src/{n}/src/main/resources/application.yml",
            f"spring:\n  application:\n    name: {n}\n  data:\n    mongodb:\n      host: localhost\n")
        put(f"src/{n}/README.md", f"# {n}\n")
        for k in range(per_service):
            ext = (".go", ".java", ".py")[k % 3]
            body = []
            for line in range(rnd.randint(60, 300)):
                if line % 97 == 5:
                    t = calls[n][line % 3]
                    body.append(f'    url := "http://{t}:8080/api/v1/items" // call {t}')
                elif line % 131 == 7:
                    body.append(f'    addr := os.Getenv("{calls[n][0].upper()}_ADDR")')
                else:
                    body.append(f"    value{line} := compute(value{line - 1}, {rnd.randrange(10**6)}) // plain code")
            put(f"src/{n}/pkg/mod{k // 10}/file{k}{ext}", "\n".join(body) + "\n")
    while made < files:
        put(f"docs/images/img{made}.png", bytes(rnd.randrange(256) for _ in range(512)))
    return made


def _children_cpu() -> float:
    t = os.times()
    return t.children_user + t.children_system


def realdata_quality() -> None:
    """Precision and recall of the dependencies of the Online Boutique checkout (when shared/realdata is there)."""
    import csv

    real = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata"
    repo, truth_file = real / "online-boutique-repo", real / "online-boutique" / "derived-edges.csv"
    if not repo.is_dir() or not truth_file.is_file():
        return
    with open(truth_file, newline="") as fh:
        truth = {f"{r['source']}->{r['target']}" for r in csv.DictReader(fh)}
    t = time.perf_counter()
    res = import_paths([repo])
    dt = time.perf_counter() - t
    found = set(res.review.dependencies)
    hit = found & truth
    print(f"online-boutique-repo ({sum(1 for _ in repo.rglob('*'))} paths): {len(res.review.components)} components, "
          f"{len(found)} dependencies in {dt:.2f} s; recall {len(hit)}/{len(truth)} = {len(hit) / len(truth):.0%}, "
          f"precision {len(hit)}/{len(found)} = {len(hit) / max(1, len(found)):.0%}"
          + (f"; missed {sorted(truth - found)}" if truth - found else "")
          + (f"; not in the truth {sorted(found - truth)}" if found - truth else ""))


def main() -> None:
    realdata_quality()
    files = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        n = write_repo(repo, files)
        size = sum(p.stat().st_size for p in repo.rglob("*") if p.is_file())
        stages: dict[str, int] = {}
        t, c0, k0 = time.perf_counter(), time.process_time(), _children_cpu()
        res = import_paths([repo], progress=lambda stage, done, total: stages.__setitem__(stage,
                                                                                         stages.get(stage, 0) + 1))
        dt = time.perf_counter() - t
        cpu, kids = time.process_time() - c0, _children_cpu() - k0
        r = res.review
        print("progress calls by stage: " + ", ".join(f"{k} {v}" for k, v in stages.items()))
        units = res.inventory.units if res.inventory is not None else []
        print("variants: " + ", ".join(f"{u.key} ({u.how}{', rendered' if u.texts else ''})" for u in units))
        print(f"CPU: {cpu:.2f} s in this process, {kids:.2f} s in helm/kubectl (load average "
              f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
        print(f"repository of {n} files ({size / 2**20:.1f} MB): {len(r.components)} components, "
              f"{len(r.dependencies)} dependencies, {len(res.report.inferred)} inferred; "
              f"import in process {dt:.2f} s")
        best = best_cpu = None
        for _ in range(3):
            out = Path(tmp) / "r.prr"
            t, k0 = time.perf_counter(), _children_cpu()
            subprocess.run([sys.executable, "-m", "prr_app", "import", str(repo), "-o", str(out), "--force",
                            "--quiet"], check=True, cwd=Path(__file__).resolve().parent.parent)
            d, c = time.perf_counter() - t, _children_cpu() - k0
            best = d if best is None else min(best, d)
            best_cpu = c if best_cpu is None else min(best_cpu, c)
        print(f"prr import DIR -o REVIEW.prr --quiet (whole process, best of 3): {best:.2f} s wall, "
              f"{best_cpu:.2f} s CPU with helm/kubectl (target: under 10 s) {'OK' if best < 10 else 'SLOW'}; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
