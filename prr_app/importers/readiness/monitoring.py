"""Readiness facts from a repository's monitoring files: Prometheus rule files and scrape configs,
Grafana dashboards, OpenTelemetry collector pipelines."""
from __future__ import annotations

import json
import re

from prr_app import safe_yaml as sy
from prr_app.errors import PrrError
from prr_app.checklist.facts import Fact, Facts
from prr_app.importers.readiness.common import Components

#: label names whose value names the component an alert or a panel is about
_LABELS = ("job", "service", "app", "container", "deployment", "namespace_workload", "pod", "service_name",
           "app_kubernetes_io_name", "exported_job", "instance")
_LABEL_VALUE = re.compile(r"\b(" + "|".join(_LABELS) + r")\s*(=~|=)\s*\"([^\"]+)\"")


#: an SLO, an error budget or a burn rate, named in a query or a dashboard (not "slow", "slot"...)
_SLO_TEXT = re.compile(r"(?i)error.?budget|burn.?rate|(?<![a-z])(slo|sli)s?(?![a-z])")
_SLO_WORDS = {"slo", "slos", "burn", "budget"}


def _name_words(name: str) -> set[str]:
    """The words of an alert's name, CamelCase and snake_case split: ``ApiSLOBurnRate`` -> api, slo,
    burn, rate; ``ApiSlowQueries`` -> api, slow, queries."""
    return {w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+", name)}


def about(expr: str, comps: Components, file: str | None = None) -> list[str]:
    """The components a PromQL expression (in ``file``) is about: a label value naming one, of the file's
    own system (:meth:`Components.find`)."""
    out: list[str] = []
    for m in _LABEL_VALUE.finditer(expr):
        val = m.group(3)
        names = re.split(r"[|()]", val) if m.group(2) == "=~" else [val]
        for n in names:
            n = n.strip(".*^$ ").split(":")[0]
            cid = comps.find(n, file=file) if n else None
            if cid and cid not in out:
                out.append(cid)
    return out


def rule_groups(groups, file: str, comps: Components, facts: Facts) -> int:
    """Alert rules of Prometheus rule groups (a rule file's ``groups`` or a PrometheusRule's ``spec.groups``)."""
    n = 0
    if not isinstance(groups, list):
        return 0
    facts.files.setdefault("monitoring.alert-rules", [])
    if file not in facts.files["monitoring.alert-rules"]:
        facts.files["monitoring.alert-rules"].append(file)
    for g in groups:
        rules = g.get("rules") if isinstance(g, dict) else None
        for i, r in enumerate(rules if isinstance(rules, list) else []):
            if not isinstance(r, dict) or not sy.text(r.get("alert")):
                continue
            n += 1
            name = sy.text(r.get("alert"))
            expr = sy.text(r.get("expr"))
            line = sy.line_of(rules, i, getattr(g, "line", 0))
            targets = about(expr, comps, file)
            burn = bool(_name_words(name) & _SLO_WORDS) or bool(_SLO_TEXT.search(expr))
            sev = sy.text(sy.get_path(r, "labels", "severity"))
            what = f"alert {name}" + (f" (severity {sev})" if sev else "") + f": {expr[:90]}"
            for t in targets or [""]:
                facts.add(Fact("monitoring.alert-rules", t, file, line, what, "burn-rate" if burn else "rule", name))
            ann = r.get("annotations") if isinstance(r.get("annotations"), dict) else {}
            link = next((sy.text(v) for k, v in ann.items() if "runbook" in str(k).lower() and sy.text(v)), "")
            if link:
                for t in targets or [""]:
                    facts.add(Fact("monitoring.runbook-links", t, file, line,
                                   f"alert {name} links runbook {link[:100]}", "runbook", name))
            else:
                facts.add(Fact("monitoring.runbook-links", "", file, line, f"alert {name} has no runbook link",
                               "absent", name))
    return n


def rules_text(text: str, file: str, line0: int, comps: Components, facts: Facts) -> None:
    try:
        docs = sy.load_text(text, file=file)
    except PrrError:
        return
    for d in docs:
        if isinstance(d.value, dict):
            _shift(d.value, line0)
            rule_groups(d.value.get("groups"), file, comps, facts)


def _shift(value, n: int) -> None:
    """Lines of a YAML text embedded in another file (a ConfigMap's data) made the outer file's."""
    if n <= 1:
        return
    if isinstance(value, sy.YMap):
        value.line += n
        value.key_lines = {k: v + n for k, v in value.key_lines.items()}
        for v in value.values():
            _shift(v, n)
    elif isinstance(value, sy.YList):
        value.line += n
        value.item_lines = [x + n for x in value.item_lines]
        for v in value:
            _shift(v, n)


def dashboard_text(text: str, file: str, line: int, comps: Components, facts: Facts, label: str = "") -> bool:
    try:
        d = json.loads(text)
    except ValueError:
        return False
    if isinstance(d, dict) and isinstance(d.get("dashboard"), dict):
        d = d["dashboard"]
    if not isinstance(d, dict) or not isinstance(d.get("panels"), list) and not isinstance(d.get("rows"), list):
        return False
    title = str(d.get("title") or label or file)[:80]
    exprs = []

    def walk(panels):
        for p in panels if isinstance(panels, list) else []:
            if not isinstance(p, dict):
                continue
            for t in p.get("targets") or [] if isinstance(p.get("targets"), list) else []:
                if isinstance(t, dict):
                    exprs.append(str(t.get("expr") or t.get("query") or ""))
            walk(p.get("panels"))
        return None

    walk(d.get("panels"))
    for r in d.get("rows") or [] if isinstance(d.get("rows"), list) else []:
        if isinstance(r, dict):
            walk(r.get("panels"))
    facts.files.setdefault("monitoring.dashboards", []).append(file)
    joined = "\n".join(exprs)
    slo = bool(_SLO_TEXT.search(json.dumps(d)[:200000]))
    targets = about(joined, comps, file)
    n_panels = len(exprs)
    what = f"Grafana dashboard '{title}' ({n_panels} queries" + (", SLO or error budget panels" if slo else "") + ")"
    facts.add(Fact("monitoring.dashboards", "", file, line, what, "slo" if slo else "dashboard", title))
    for t in targets:
        facts.add(Fact("monitoring.dashboards", t, file, line, f"{what} charts {t}", "dashboard", title))
    return True


def config_file(path, rel: str, comps: Components, facts: Facts) -> None:
    """A configuration file: a Prometheus rule file or config, a Grafana dashboard, a collector config."""
    suffix = path.suffix.lower()
    try:
        text = sy.read_text(path)
    except PrrError:
        return
    if suffix == ".json":
        if '"panels"' in text:
            dashboard_text(text, rel, 1, comps, facts)
        return
    if suffix not in (".yaml", ".yml"):
        return
    if not re.search(r"(?m)^\s*(groups|scrape_configs|receivers|rule_files)\s*:", text):
        return
    try:
        docs = sy.load_text(text, file=rel)
    except PrrError:
        return
    for d in docs:
        v = d.value
        if not isinstance(v, dict):
            continue
        if isinstance(v.get("groups"), list):
            rule_groups(v["groups"], rel, comps, facts)
        if isinstance(v.get("scrape_configs"), list):
            scrape_configs(v["scrape_configs"], rel, comps, facts)
        if isinstance(v.get("receivers"), dict) and isinstance(v.get("service"), dict):
            collector(v, rel, comps, facts)


def scrape_configs(jobs: list, file: str, comps: Components, facts: Facts) -> None:
    facts.files.setdefault("monitoring.scrape", []).append(file)
    for i, j in enumerate(jobs):
        if not isinstance(j, dict):
            continue
        job = sy.text(j.get("job_name"))
        line = sy.line_of(jobs, i, 0)
        hit: set[str] = set()
        for sc in j.get("static_configs") or [] if isinstance(j.get("static_configs"), list) else []:
            for t in sc.get("targets") or [] if isinstance(sc, dict) and isinstance(sc.get("targets"), list) else []:
                host = sy.text(t).split("://")[-1].split(":")[0].split("/")[0]
                cid = comps.find(host, file=file)
                if cid:
                    hit.add(cid)
        if not hit and job:
            cid = comps.find(job, file=file)
            if cid:
                hit.add(cid)
        for cid in sorted(hit):
            facts.add(Fact("monitoring.scrape", cid, file, line, f"Prometheus scrape job {job} scrapes {cid}",
                           "scrape", job))
        if j.get("kubernetes_sd_configs"):
            facts.add(Fact("monitoring.scrape", "", file, line,
                           f"Prometheus scrape job {job} discovers Kubernetes targets", "discovery", job))


def collector(cfg: dict, file: str, comps: Components, facts: Facts) -> None:
    pipes = sy.get_path(cfg, "service", "pipelines")
    if not isinstance(pipes, dict):
        return
    for name, p in pipes.items():
        if not isinstance(p, dict):
            continue
        rec = ", ".join(sy.text(x) for x in p.get("receivers") or []) if isinstance(p.get("receivers"), list) else ""
        exp = ", ".join(sy.text(x) for x in p.get("exporters") or []) if isinstance(p.get("exporters"), list) else ""
        line = sy.line_of(pipes, name, 0)
        sig = str(name).split("/")[0]
        ext = {"traces": "telemetry.tracing", "metrics": "monitoring.scrape", "logs": "telemetry.logs"}.get(sig)
        if ext:
            facts.add(Fact(ext, "", file, line, f"collector pipeline {name}: receivers [{rec}] -> exporters [{exp}]",
                           "pipeline", str(name)))
