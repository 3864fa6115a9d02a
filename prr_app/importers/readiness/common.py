"""What several extractors share: finding a review's component by name, environment variables,
backup tools, runbook links and secret names."""
from __future__ import annotations

import os
import re

from prr_app.model.entities import Review
from prr_app.checklist.facts import Fact, Facts

_SECRETISH = re.compile(r"(?i)(^|_)(PASSWORD|PASSWD|PASS|PWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|"
                        r"CREDENTIALS?|AUTH_KEY)(_|$)")
#: values that switch something on or off (MYSQL_ALLOW_EMPTY_PASSWORD=yes): no secret
_FLAGS = {"true", "false", "yes", "no", "on", "off", "y", "n", "0", "1", "enabled", "disabled"}
_REFERENCE = re.compile(r"^\s*(\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*|<[^>]*>|\{\{.*\}\})\s*$")
_DUMP_TOOLS = ("pg_dumpall", "pg_dump", "pg_basebackup", "mysqldump", "mariadb-dump", "mariabackup", "xtrabackup",
               "mongodump", "redis-cli --rdb", "etcdctl snapshot", "nodetool snapshot", "wal-g", "pgbackrest",
               "barman", "restic backup", "velero backup")
_STORES = ("vault.hashicorp.com/agent-inject", "secrets-store.csi", "secretsmanager", "external-secrets.io",
           "sops", "doppler.com", "akeyless", "infisical")


class Components:
    """A review's components found by the name a file gives them (workload, service, host)."""

    def __init__(self, review: Review):
        self.review = review
        self.by_name: dict[str, list[str]] = {}
        for cid, c in review.components.items():
            for n in {cid.lower(), c.name.lower(), cid.split("/")[-1].lower()}:
                if n:
                    self.by_name.setdefault(n, [])
                    if cid not in self.by_name[n]:
                        self.by_name[n].append(cid)

    def find(self, name: str, ns: str | None = None, file: str | None = None) -> str | None:
        """The component a file (``file``, as cited: relative to the import's root) names ``name``, in
        namespace ``ns``. Where several systems were imported side by side (two folders, each with a
        ``frontend``), the component of the file's own system: the one whose id or source file shares
        the most leading folders with ``file``; a component of another system's folder is never taken by
        its name alone (Online Boutique's frontend got the OpenTelemetry demo's Compose evidence)."""
        ids = self.by_name.get(name.lower()) or []
        if not ids:
            return None
        if len(ids) > 1 and ns:
            for cid in ids:
                c = self.review.components[cid]
                if f"namespace:{ns}" in c.tags or cid.lower() == f"{ns}/{name}".lower():
                    return cid
        if file:
            where = _folders(file)
            near = {cid: max(_shared(where, f) for f in self._places(cid)) for cid in ids}
            best = max(near.values())
            if best > 0:
                return next(cid for cid in ids if near[cid] == best)
            top = where[0] if where else ""
            if top and top in self._tops() and all(top not in map(_top, self._places(cid)) for cid in ids):
                return None  # the file is another imported system's, and none of its components has the name
        return ids[0]

    def _places(self, cid: str) -> list[tuple[str, ...]]:
        """The folders a component comes from: its source file's, and the folders its id names
        (``opentelemetry-demo/frontend``)."""
        c = self.review.components[cid]
        out = [_folders(c.source.split(" ", 1)[1]) if " " in (c.source or "") else ()]
        if "/" in cid:
            out.append(tuple(cid.split("/")[:-1]))
        return out

    def _tops(self) -> set[str]:
        """The top folders the components come from, where they come from more than one (systems imported
        side by side); empty for one system."""
        if not hasattr(self, "_top_set"):
            tops = {_top(p) for cid in self.review.components for p in self._places(cid)}
            self._top_set = tops if len(tops) > 1 else set()
        return self._top_set

    def named_in(self, text: str, kinds: tuple[str, ...] | None = None) -> list[str]:
        """Components whose name appears in ``text`` as a whole word (a host, a label value)."""
        out = []
        low = text.lower()
        for n, ids in self.by_name.items():
            if len(n) < 3:
                continue
            if re.search(r"(?<![a-z0-9_-])" + re.escape(n) + r"(?![a-z0-9_-])", low):
                for cid in ids:
                    if (kinds is None or self.review.components[cid].kind in kinds) and cid not in out:
                        out.append(cid)
        return sorted(out)

    def in_namespaces(self, nss: list[str], kinds: tuple[str, ...]) -> list[str]:
        out = []
        for cid, c in self.review.components.items():
            if c.kind not in kinds:
                continue
            ns = next((t.split(":", 1)[1] for t in c.tags if t.startswith("namespace:")), "default")
            if "*" in nss or ns in nss:
                out.append(cid)
        return sorted(out)


def _folders(path: str) -> tuple[str, ...]:
    """The folders of a cited file (``a/b/compose.yaml``: ("a", "b"))."""
    return tuple(x for x in str(path).replace("\\", "/").split("/")[:-1] if x and x != ".")


def _top(folders: tuple[str, ...]) -> str:
    return folders[0] if folders else ""


def _shared(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    """How many leading folders two paths share."""
    return len(os.path.commonprefix([a, b]))


def env_facts(pairs: list[tuple], file: str, cid: str, facts: Facts) -> None:
    """Facts from a workload's or a Compose service's environment: (name, value, line) triples, or
    (name, value, line, (file, line)) for a value another file holds (a bare name in Compose takes its
    value from ``.env``): a literal secret is cited where its value is written."""
    held = {p[0]: p[3] for p in pairs if len(p) > 3}
    pairs = [p[:3] for p in pairs]
    env = {n: (v, line) for n, v, line in pairs}

    def off(var: str) -> bool:
        return env.get(var, ("", 0))[0].strip().lower() == "none"

    from prr_app.importers.graph import redact

    raw = {n: v for n, v, _line in pairs}
    pairs = [(n, redact(n, v, 160), line) for n, v, line in pairs]
    for name, value, line in pairs:
        up = name.upper()
        if up in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") and value and \
                not off("OTEL_TRACES_EXPORTER"):
            facts.add(Fact("telemetry.tracing", cid, file, line, f"exports traces over OTLP ({name}={value[:80]})",
                           "otlp", value))
        if up in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT") and value and \
                not off("OTEL_METRICS_EXPORTER"):
            facts.add(Fact("monitoring.scrape", cid, file, line, f"exports metrics over OTLP ({name}={value[:80]})",
                           "otlp", value))
        if up == "OTEL_METRICS_EXPORTER" and value.lower() in ("prometheus",):
            facts.add(Fact("monitoring.scrape", cid, file, line, f"exposes Prometheus metrics ({name}={value})",
                           "prometheus", value))
        if (up == "OTEL_LOGS_EXPORTER" and "otlp" in value.lower()) or (up == "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT" and value):
            facts.add(Fact("telemetry.logs", cid, file, line, f"exports logs over OTLP ({name}={value[:80]})",
                           "otlp", value))
        if up in ("JAEGER_AGENT_HOST", "JAEGER_ENDPOINT", "JAEGER_COLLECTOR_ENDPOINT", "ZIPKIN_ENDPOINT",
                  "OTEL_EXPORTER_ZIPKIN_ENDPOINT", "OTEL_EXPORTER_JAEGER_ENDPOINT",
                  "MANAGEMENT_ZIPKIN_TRACING_ENDPOINT", "SPRING_ZIPKIN_BASE_URL") and value:
            facts.add(Fact("telemetry.tracing", cid, file, line, f"sends traces to {value[:80]} ({name})",
                           "agent", value))
        if up == "OTEL_TRACES_EXPORTER" and value.lower() in ("jaeger", "zipkin", "otlp", "console,otlp") \
                and not any(k in env for k in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")):
            facts.add(Fact("telemetry.tracing", cid, file, line, f"trace exporter {value} ({name})", "exporter", value))
        value = raw.get(name, value)
        if _SECRETISH.search(up) and value.strip() and not _REFERENCE.match(value) and \
                value.strip().lower() not in _FLAGS and not up.endswith(("_FILE", "_PATH", "_REF", "_NAME")):
            at, at_line = held.get(name, (file, line))
            facts.add(Fact("k8s.secret-refs", cid, at, at_line, f"{name} given as a literal value", "literal", name))


def backup_tool(text: str) -> str | None:
    low = text.lower()
    for tool in _DUMP_TOOLS:
        if tool in low:
            return tool
    if "redis-cli" in low and ("bgsave" in low or " save" in low):
        return "redis-cli BGSAVE"
    return None


def runbook_value(key: str, value: str) -> bool:
    return "runbook" in key.lower() and bool(value.strip())


def store_annotation(key: str) -> bool:
    k = key.lower()
    return any(s in k for s in _STORES)



#: images (their repository's last part) and container names of the helpers a pod runs beside its application:
#: service-mesh and database proxies, log and telemetry shippers, metrics exporters, secret agents, config
#: reloaders. Their probes check the helper, not the application (web's envoy answered /ready while the web
#: container had no probe at all, and the probes were proposed met).
_SIDECAR = re.compile(r"(?<![a-z0-9])(envoy|istio-proxy|proxyv2|linkerd2?-proxy|proxy-init|cloud-?sql-proxy|gce-proxy|"
                      r"consul-dataplane|vault-agent|oauth2-proxy|kube-rbac-proxy|daprd|"
                      r"fluent-?bit|fluentd|filebeat|promtail|vector-agent|jaeger-agent|otel-?agent|"
                      r"opentelemetry-collector(?:-contrib)?|otelcol(?:-contrib)?|datadog-agent|k8s-sidecar|"
                      r"[a-z0-9_-]*sidecar[a-z0-9_-]*|config-?map-?reload(?:er)?|[a-z-]*config-reloader|"
                      r"[a-z0-9_-]+[_-]exporter)(?![a-z0-9])")


def sidecar_image(image: str, name: str = "") -> bool:
    """Whether a container's image (or its name) is one of a pod's helpers (:data:`_SIDECAR`), not an application."""
    repo = image.lower().split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0]
    return bool(_SIDECAR.fullmatch(repo) or _SIDECAR.fullmatch(name.lower()))


def sidecars(containers: list[tuple[str, str]], workload: str) -> dict[str, str]:
    """The sidecars among a pod's containers (``(name, image)``, in order) of workload ``workload``: container
    name -> why, in words. A single container is the application. Where a container bears the workload's name it
    is the application and every other one a sidecar; else a container whose image is a known helper is one
    (:func:`sidecar_image`), unless every container is (an Envoy gateway's own envoy is its application: the
    first then is). The readiness facts judge probes on the application's containers only; the import can use
    the same rule to recognise a component by its application's image, not its sidecar's."""
    if len(containers) < 2:
        return {}
    names = [n for n, _ in containers]
    if workload in names:
        return {n: ("image " + i if sidecar_image(i, n) else f"beside container {workload}, the workload's own")
                for n, i in containers if n != workload}
    helpers = {n: "image " + i for n, i in containers if sidecar_image(i, n)}
    if len(helpers) == len(containers):
        helpers.pop(names[0])
    return helpers
