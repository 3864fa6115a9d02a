"""Readiness facts: what the imported files prove, with the file and line (issue 21).

The importers' evidence extractors (:mod:`prr_app.importers.readiness`) read the
files an import read and return :class:`Facts`; :mod:`prr_app.checklist.proposals`
turns them into proposed answers. They live here, below the importers, so that the
checklist can reason about them without knowing how they were read.

A fact is positive ("a readiness probe on /healthz") or says what the read files show
is absent ("no readiness probe") through its ``signal``. Absence is only ever stated
for a component whose deployment description the import actually read
(:attr:`Facts.read`): a component imported from a C4 model has no manifest, so nothing
about its probes is known.
"""
from __future__ import annotations

from dataclasses import dataclass, field

#: extractor id -> what it reads (docs/checklist.md lists the same)
EXTRACTORS: dict[str, str] = {
    "k8s.probes": "liveness, readiness and startup probes of Kubernetes containers; Compose healthchecks",
    "k8s.resources": "CPU and memory requests and limits of Kubernetes containers; Compose deploy.resources",
    "k8s.pdb": "PodDisruptionBudgets and the workloads they select",
    "k8s.topology-spread": "topologySpreadConstraints and pod anti-affinity, with the replica count",
    "k8s.rolling-update": "the update strategy of Deployments, StatefulSets and DaemonSets",
    "k8s.hpa": "HorizontalPodAutoscalers and the workloads they scale",
    "k8s.network-policy": "NetworkPolicies and the workloads they select",
    "k8s.secret-refs": "secrets read from a Secret, an external secret store or a literal value",
    "monitoring.scrape": "metrics collection: ServiceMonitor/PodMonitor, prometheus.io/scrape, Prometheus "
                         "scrape_configs, OpenTelemetry metrics exporters",
    "monitoring.alert-rules": "alert rules: PrometheusRule objects and Prometheus rule files",
    "monitoring.runbook-links": "runbook links in alert rules' and workloads' annotations",
    "monitoring.dashboards": "Grafana dashboards (JSON files and ConfigMaps)",
    "telemetry.tracing": "trace exporters: OTEL_EXPORTER_OTLP_*, Jaeger and Zipkin settings, collector pipelines",
    "telemetry.logs": "log exporters: OTEL_LOGS_EXPORTER, OTLP log endpoints",
    "backup.schedules": "backups: CronJobs running dump tools, Velero schedules",
}

#: the observability signal (``Component.observability``) each extractor's component facts prove
SIGNAL_OF = {
    "monitoring.scrape": "metrics",
    "telemetry.tracing": "traces",
    "telemetry.logs": "logs",
    "monitoring.alert-rules": "alerts",
    "monitoring.dashboards": "dashboard",
    "monitoring.runbook-links": "runbook",
}


@dataclass(frozen=True)
class Fact:
    """One thing a file shows about a component (or the whole review, ``component == ""``)."""

    extractor: str
    component: str
    file: str
    line: int
    what: str  # in words: "readiness probe httpGet /healthz port 8080"
    signal: str = ""  # machine-readable: "readiness", "liveness", "absent", "literal", ...
    value: str = ""  # a value the rule compares ("/healthz:8080", "2", "*/15 * * * *")
    part: str = ""  # the part of the component it is about: a container of a pod ("" for the whole)

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file  # line 0: the file, no line (rendered by helm)

    @property
    def text(self) -> str:
        return f"{self.what}: {self.where}"


@dataclass
class Facts:
    facts: list[Fact] = field(default_factory=list)
    #: extractor id -> components whose deployment description was read for it (absence is meaningful there)
    read: dict[str, set[str]] = field(default_factory=dict)
    #: extractor id -> the files read for review-wide facts (alert rule files, dashboards...)
    files: dict[str, list[str]] = field(default_factory=dict)

    def add(self, fact: Fact) -> None:
        if fact not in self._seen:
            self._seen.add(fact)
            self.facts.append(fact)

    def __post_init__(self):
        self._seen = set(self.facts)

    def looked(self, extractor: str, component: str) -> None:
        self.read.setdefault(extractor, set()).add(component)

    def of(self, extractor: str, component: str | None = None) -> list[Fact]:
        return [f for f in self.facts if f.extractor == extractor and (component is None or f.component == component)]

    def signals(self) -> dict[str, dict[str, list[Fact]]]:
        """component -> observability signal -> the positive facts that prove it."""
        out: dict[str, dict[str, list[Fact]]] = {}
        for f in self.facts:
            sig = SIGNAL_OF.get(f.extractor)
            if sig and f.component and not f.signal.startswith(("absent", "no-", "literal")):
                out.setdefault(f.component, {}).setdefault(sig, []).append(f)
        return out
