"""Evidence extractors: readiness facts read from what an import read (issue 21).

One extractor per kind of fact (the ids of :data:`prr_app.checklist.facts.EXTRACTORS`),
run over every file the import used: Kubernetes manifests (plain, Helm-rendered,
Kustomize-built), Compose files, and the repository's monitoring files (Prometheus rule
files and scrape configs, Grafana dashboards, OpenTelemetry collector configurations).
Each :class:`~prr_app.checklist.facts.Fact` names the component, the file and line, and
what it proves. Absence is recorded only for components whose deployment description was
read (``Facts.read``).

* :mod:`.kubernetes`: probes, resources, PDBs, spread/anti-affinity, update strategy, HPAs,
  NetworkPolicies, secret references, ServiceMonitors, annotations, PrometheusRules,
  backup CronJobs and Velero schedules, dashboards in ConfigMaps;
* :mod:`.compose`: healthchecks, resources, environment (OTLP/Jaeger exporters, literal secrets);
* :mod:`.monitoring`: rule files, scrape configs, dashboards, collector pipelines;
* :mod:`.common`: component lookup, environment variables, backup tools, literal secrets (in an
  environment, a URL or connection string, a ``.properties`` or YAML configuration file);
* :mod:`.helm`: where a fact read from ``helm template`` output is written in the chart's templates.
"""
from __future__ import annotations

from pathlib import Path

from prr_app import paths, safe_yaml as sy
from prr_app.errors import PrrError
from prr_app.checklist.facts import Fact, Facts
from prr_app.importers.readiness import compose, helm, kubernetes, monitoring
from prr_app.importers.readiness.common import Components, config_secrets
from prr_app.importers.repository import not_deployed

__all__ = ["extract", "extract_files"]


def extract(result) -> Facts:
    """The readiness facts of an import result (a folder import's inventory, or the files of one format)."""
    review = result.review
    comps = Components(review)
    facts = Facts()
    inv = getattr(result, "inventory", None)
    objs: list[kubernetes.K8sObject] = []
    compose_files: list[tuple[Path, str]] = []
    configs: list[tuple[Path, str]] = []
    rendered: list[tuple[str, str]] = []
    if inv is not None:
        root = inv.root
        seen: set[Path] = set()
        for u in inv.units:
            if not u.picked:
                continue
            if u.fmt == "kubernetes":
                for p in u.paths:
                    if p not in seen:
                        seen.add(p)
                        _k8s_file(p, _rel(p, root), objs)
                for label, text in u.texts:
                    _k8s_text(text, label, objs)
                    rendered.append((label, text))
            elif u.fmt == "compose":
                for p in u.paths:
                    compose_files.append((p, _rel(p, root)))
        for f in inv.files:
            if f.optional_part and f.path not in seen:  # read with the picked variant
                seen.add(f.path)
                _k8s_file(f.path, f.rel, objs)
                continue
            if not_deployed(f.rel):  # examples and tests show what could be, not what runs
                continue
            if f.role == "kubernetes" and f.path not in seen and _looks_monitoring(f.path):
                # PrometheusRule / ServiceMonitor / dashboards ConfigMaps outside the picked units
                seen.add(f.path)
                _k8s_file(f.path, f.rel, objs, only=("PrometheusRule", "ServiceMonitor", "PodMonitor", "ConfigMap"))
            elif f.role == "config":
                configs.append((f.path, f.rel))
    else:
        fmt = result.report.format
        for src in result.report.sources:
            p = Path(src)
            if not p.is_file():
                continue
            if fmt == "kubernetes":
                _k8s_file(p, p.name, objs)
            elif fmt == "compose":
                compose_files.append((p, p.name))
    kubernetes.K8sFacts(objs, comps, facts, whole=inv is not None).run()
    compose.compose_files(compose_files, comps, facts)
    for p, rel in configs:
        if len(configs) > 20000:
            continue
        monitoring.config_file(p, rel, comps, facts)
        config_secrets(p, rel, facts)  # a literal secret in a .properties or YAML configuration file
    return _in_charts(facts, helm.places_of(rendered, inv.root if inv is not None else None))


def _in_charts(facts: Facts, places: dict[str, helm.HelmPlaces]) -> Facts:
    """The facts read from ``helm template`` output cited in the chart's template files (a line of the
    rendered output is nowhere a reviewer can open)."""
    if not places:
        return facts
    out = Facts(read=facts.read)
    for f in facts.facts:
        hp = places.get(f.file)
        if hp is not None:
            file, line = hp.place(f.line)
            f = Fact(f.extractor, f.component, file, line, f.what, f.signal, f.value, f.part)
        out.add(f)
    out.files = {ext: list(dict.fromkeys(places[x].cited if x in places else x for x in files))
                 for ext, files in facts.files.items()}
    return out


def extract_files(paths: list[Path], review, base: Path | None = None) -> Facts:
    """Facts of a list of files (for tests and single files): Kubernetes, Compose or monitoring files."""
    from prr_app.importers.repository import classify

    comps = Components(review)
    facts = Facts()
    objs: list[kubernetes.K8sObject] = []
    compose_files: list[tuple[Path, str]] = []
    for p in paths:
        rel = _rel(p, base) if base else p.name
        role = classify(p)
        if role == "kubernetes":
            _k8s_file(p, rel, objs)
        elif role == "compose":
            compose_files.append((p, rel))
        else:
            monitoring.config_file(p, rel, comps, facts)
            config_secrets(p, rel, facts)
    compose.compose_files(compose_files, comps, facts)
    kubernetes.K8sFacts(objs, comps, facts, whole=False).run()
    return facts


def _rel(p: Path, root: Path) -> str:
    try:
        return p.relative_to(root).as_posix()
    except ValueError:
        return str(p)


def _looks_monitoring(p: Path) -> bool:
    head = paths.head_text(p, 16384)
    return any(k in head for k in ("PrometheusRule", "ServiceMonitor", "PodMonitor", '"panels"', "grafana_dashboard"))


def _k8s_file(p: Path, rel: str, objs: list, only: tuple[str, ...] | None = None) -> None:
    try:
        docs = sy.load_file(p)
    except PrrError:
        return
    out: list = []
    kubernetes.collect(docs, rel, out)
    objs += [o for o in out if only is None or o.kind in only]


def _k8s_text(text: str, label: str, objs: list) -> None:
    try:
        docs = sy.load_text(text, file=label)
    except PrrError:
        return
    kubernetes.collect(docs, label, objs)
