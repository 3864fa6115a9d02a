"""Readiness facts from Kubernetes objects (plain manifests and rendered charts or Kustomize output)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from prr_app import safe_yaml as sy
from prr_app.errors import PrrError
from prr_app.checklist.facts import Fact, Facts
from prr_app.importers.kubernetes import (
    HOST_KEYS, ZONE_KEYS, K8sObject, iter_objects, match_expressions, spread_terms, str_map,
)
from prr_app.importers.graph import close_match
from prr_app.importers.readiness.common import (
    Components, backup_tool, env_facts, runbook_value, sidecars, store_annotation,
)

WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod", "DeploymentConfig", "Rollout")


@dataclass
class Workload:
    obj: K8sObject
    cid: str
    labels: dict = field(default_factory=dict)
    pod: dict = field(default_factory=dict)
    pod_meta: dict = field(default_factory=dict)
    replicas: int | None = None


def _last_copies(objs: list[K8sObject]) -> list[K8sObject]:
    """The objects as ``kubectl apply`` leaves them, which is what the import keeps: a second copy of an object
    (kind, namespace, name) replaces the first where the first stood (yelb's two variant files define the same
    Deployments; the facts read both, a resources fact from the copy the import dropped)."""
    out: list[K8sObject] = []
    at: dict[tuple[str, str, str], int] = {}
    for o in objs:
        key = (o.kind, o.ns, o.name)
        if o.name and key in at:
            out[at[key]] = o
            continue
        at[key] = len(out)
        out.append(o)
    return out


def collect(docs, label: str, out: list[K8sObject]) -> None:
    """The objects of a file's YAML documents, added to ``out`` (what is not an object is passed over)."""
    for doc in docs:
        out.extend(iter_objects(doc.value, label, doc.line, f"document {doc.index + 1}"))


def _selects(selector, labels: dict) -> bool:
    """A label selector (matchLabels / matchExpressions, or a plain map) against pod labels."""
    if not isinstance(selector, dict):
        return False
    ml = selector.get("matchLabels") if ("matchLabels" in selector or "matchExpressions" in selector) else selector
    ml = str_map(ml)
    if any(labels.get(k) != v for k, v in ml.items()):
        return False
    exprs = selector.get("matchExpressions")
    return match_expressions(exprs if isinstance(exprs, list) else [], labels) and (bool(ml) or bool(exprs))


def _ln(container, key, default: int) -> int:
    if isinstance(container, sy.YMap) and key in container:
        return container.line_of(key) or default
    return default


def _int(v) -> int | None:
    try:
        return int(str(v))
    except (TypeError, ValueError):
        return None


def _replicas(raw) -> tuple[int, str]:
    """A workload's replica count as the import takes it, and why a written value was not used ("" when it was):
    no value is 1 (Kubernetes' default), and so is a value that is no whole number of at least 0."""
    try:
        n = sy.as_int(raw, what="spec.replicas", minimum=0)
    except PrrError as e:
        return 1, e.message
    return (1 if n is None else n), ""


def _probe_port(p):
    """The port a probe checks, as written (a number or a port's name), and the map that holds it; None for
    a probe with no port (exec)."""
    if not isinstance(p, dict):
        return None
    for how in ("httpGet", "tcpSocket", "grpc"):
        h = p.get(how)
        if isinstance(h, dict) and "port" in h:
            return sy.text(h.get("port")), h
    return None


def _ports(c) -> list[tuple[str, str]]:
    """A container's declared ports: (number, name) pairs."""
    ps = c.get("ports") if isinstance(c.get("ports"), list) else []
    return [(sy.text(p.get("containerPort")), sy.text(p.get("name"))) for p in ps if isinstance(p, dict)]


def _unexposed(port: str, ports: list[tuple[str, str]]) -> str | None:
    """Why a probe's ``port`` reaches nothing the container declares, in words, or None. A port's name must be
    one of the container's (the kubelet finds no port by another name: the probe fails every time); a number
    the container does not declare may still be listened on (declaring a port is informational), so it is said
    with that caveat, and only where the container declares some ports."""
    shown = ", ".join(f"{n} {num}" if n else num for num, n in ports)
    if _int(port) is None:
        if port and port not in {n for _, n in ports}:
            return (f"no port of the container is named {port} ({f'its ports: {shown}' if ports else 'it declares none'})"
                    ": it never passes")
        return None
    if ports and port not in {num for num, _ in ports}:
        return f"the container does not declare it (its ports: {shown}): the probe passes only if the application " \
               "listens there all the same"
    return None


def _probe(p) -> str:
    if not isinstance(p, dict):
        return "?"
    if isinstance(p.get("httpGet"), dict):
        h = p["httpGet"]
        return f"httpGet {sy.text(h.get('path')) or '/'} port {sy.text(h.get('port'))}"
    if isinstance(p.get("tcpSocket"), dict):
        return f"tcpSocket port {sy.text(p['tcpSocket'].get('port'))}"
    if isinstance(p.get("grpc"), dict):
        return f"grpc port {sy.text(p['grpc'].get('port'))}"
    if isinstance(p.get("exec"), dict):
        cmd = p["exec"].get("command")
        return "exec " + (" ".join(sy.text(c) for c in cmd)[:80] if isinstance(cmd, list) else sy.text(cmd)[:80])
    return "?"


class K8sFacts:
    def __init__(self, objs: list[K8sObject], comps: Components, facts: Facts, whole: bool = True):
        """``whole``: the objects are everything the deployment's folder holds (a checkout was read), so a
        PodDisruptionBudget that is not among them does not exist there; for files named one by one it
        may live in a file that was not given, and its absence says nothing."""
        self.objs, self.comps, self.facts, self.whole = _last_copies(objs), comps, facts, whole
        self.workloads: list[Workload] = []
        for o in self.objs:
            if o.kind in WORKLOADS:
                w = self._workload(o)
                if w is not None:
                    self.workloads.append(w)
        self.services = [o for o in self.objs if o.kind == "Service"]

    def _workload(self, o: K8sObject) -> Workload | None:
        cid = self.comps.find(o.name, o.ns, file=o.file)
        if cid is None:
            return None
        spec = o.body.get("spec") if isinstance(o.body.get("spec"), dict) else {}
        if o.kind == "Pod":
            pod, meta = spec, o.body.get("metadata") or {}
        else:
            tpl = spec.get("template") if isinstance(spec.get("template"), dict) else {}
            pod, meta = tpl.get("spec") or {}, tpl.get("metadata") or {}
        if not isinstance(pod, dict):
            return None
        # replicas 0 is a workload scaled to 0, not one of unknown size (it was read as a DaemonSet's "one per
        # node"); no value is Kubernetes' default, 1, and so is a value that is no whole number, as the import
        # takes it (it warns "...; using 1")
        reps = 1 if o.kind == "Pod" else (None if o.kind == "DaemonSet" else (_replicas(spec.get("replicas"))[0]))
        return Workload(o, cid, str_map(meta.get("labels") if isinstance(meta, dict) else {}), pod,
                        meta if isinstance(meta, dict) else {}, reps)

    def _selected(self, selector, ns: str) -> list[Workload]:
        return [w for w in self.workloads if w.obj.ns == ns and _selects(selector, w.labels)]

    def run(self) -> None:
        for w in self.workloads:
            for ext in ("k8s.probes", "k8s.resources", "k8s.topology-spread", "k8s.rolling-update",
                        "k8s.secret-refs") + (("k8s.pdb", "k8s.hpa", "k8s.network-policy") if self.whole else ()):
                self.facts.looked(ext, w.cid)
            self._containers(w)
            self._spread(w)
            self._strategy(w)
            self._annotations(w.obj, w.pod_meta, w.cid)
        self._pdbs()
        self._hpas()
        self._netpols()
        self._service_monitors()
        for o in self.objs:
            if o.kind == "Service":
                meta = o.body.get("metadata") or {}
                for w in self._selected((o.body.get("spec") or {}).get("selector") if isinstance(
                        o.body.get("spec"), dict) else None, o.ns):
                    self._annotations(o, meta, w.cid)
            elif o.kind == "PrometheusRule":
                from prr_app.importers.readiness.monitoring import rule_groups

                rule_groups((o.body.get("spec") or {}).get("groups") if isinstance(o.body.get("spec"), dict) else None,
                            o.file, self.comps, self.facts)
            elif o.kind in ("CronJob", "Job"):
                self._backup_job(o)
            elif o.kind == "Schedule" and "velero" in sy.text(o.body.get("apiVersion")):
                self._velero(o)
            elif o.kind == "Secret":
                self._secret(o)
            elif o.kind in ("ExternalSecret", "SecretProviderClass", "SealedSecret", "VaultStaticSecret",
                            "VaultDynamicSecret"):
                self.facts.add(Fact("k8s.secret-refs", "", o.file, o.line,
                                    f"{o.kind} {o.name}: secrets come from a secret store", "store"))
            elif o.kind == "ConfigMap":
                self._configmap(o)

    # ---------------------------------------------------------------- per workload
    def _containers(self, w: Workload) -> None:
        """Probes and resources container by container. A sidecar's probes (an envoy's, a log shipper's) are
        facts of their own (signal ``sidecar-readiness``...): they check the sidecar, and never stand for the
        application's. An application container with no liveness or readiness probe is said, part by part,
        where the pod has probes elsewhere; a pod with none at all has the one fact for the workload."""
        o, cid, f = w.obj, w.cid, self.facts
        cs = [c for c in (w.pod.get("containers") if isinstance(w.pod.get("containers"), list) else [])
              if isinstance(c, dict)]
        side = sidecars([(sy.text(c.get("name")) or "?", sy.text(c.get("image"))) for c in cs], o.name)
        keys = (("readinessProbe", "readiness"), ("livenessProbe", "liveness"), ("startupProbe", "startup"))
        any_probe = any(isinstance(c.get(k), dict) for c in cs for k, _ in keys)
        side_probed = [n for n in side if any(isinstance(c.get(k), dict) for c in cs
                                              if (sy.text(c.get("name")) or "?") == n for k, _ in keys)]
        for c in cs:
            cname = sy.text(c.get("name")) or "?"
            cline = getattr(c, "line", o.line) or o.line
            why = side.get(cname)
            for key, sig in keys:
                p = c.get(key)
                if not isinstance(p, dict):
                    continue
                desc = _probe(p)
                line = _ln(c, key, cline)
                if why is not None:
                    f.add(Fact("k8s.probes", cid, o.file, line,
                               f"{sig} probe {desc} on sidecar {cname} ({why}): it checks the sidecar, not the "
                               "application", f"sidecar-{sig}", desc, cname))
                    continue
                f.add(Fact("k8s.probes", cid, o.file, line, f"{sig} probe {desc} on container {cname}", sig, desc, cname))
                port = _probe_port(p)
                bad = _unexposed(port[0], _ports(c)) if port else None
                if bad:
                    f.add(Fact("k8s.probes", cid, o.file, _ln(port[1], "port", line),
                               f"{sig} probe of container {cname} on port {port[0]}: {bad}", "unexposed-port", sig,
                               cname))
            if why is None and any_probe and not any(isinstance(c.get(k), dict) for k in ("readinessProbe",
                                                                                          "livenessProbe")):
                startup = " (a startup probe only, which stops checking once the container has started)" \
                    if isinstance(c.get("startupProbe"), dict) else ""
                others = f"; the probes of sidecar {', '.join(side_probed)} check the sidecar, not the application" \
                    if side_probed else ""
                f.add(Fact("k8s.probes", cid, o.file, cline,
                           f"no liveness or readiness probe on container {cname} of {o.kind} {o.name}{startup}{others}",
                           "absent", "", cname))
            res = c.get("resources") if isinstance(c.get("resources"), dict) else {}
            have = []
            for part in ("requests", "limits"):
                d = res.get(part) if isinstance(res.get(part), dict) else {}
                for r in ("cpu", "memory"):
                    if sy.text(d.get(r)):
                        have.append(f"{part}.{r} {sy.text(d.get(r))}")
            line = _ln(c, "resources", cline)
            if have:
                f.add(Fact("k8s.resources", cid, o.file, line, f"container {cname}: " + ", ".join(have), "set",
                           ",".join(h.split(" ")[0] for h in have)))
            else:
                f.add(Fact("k8s.resources", cid, o.file, cline, f"container {cname} has no resource requests or limits",
                           "absent"))
            self._env(c, o, cid)
        if not any_probe:
            f.add(Fact("k8s.probes", cid, o.file, o.line, f"no liveness or readiness probe on any container of {o.kind} "
                                                          f"{o.name}", "absent"))

    def _env(self, c: dict, o: K8sObject, cid: str) -> None:
        env = c.get("env") if isinstance(c.get("env"), list) else []
        pairs = []
        for i, e in enumerate(env):
            if not isinstance(e, dict):
                continue
            name = sy.text(e.get("name"))
            line = sy.line_of(env, i, o.line)
            vf = e.get("valueFrom") if isinstance(e.get("valueFrom"), dict) else None
            if vf is not None:
                ref = vf.get("secretKeyRef")
                if isinstance(ref, dict):
                    self.facts.add(Fact("k8s.secret-refs", cid, o.file, line,
                                        f"{name} read from Secret {sy.text(ref.get('name'))}", "secret-ref",
                                        sy.text(ref.get("name"))))
                continue
            pairs.append((name, sy.text(e.get("value")), line))
        for i, e in enumerate(c.get("envFrom") if isinstance(c.get("envFrom"), list) else []):
            if isinstance(e, dict) and isinstance(e.get("secretRef"), dict):
                n = sy.text(e["secretRef"].get("name"))
                self.facts.add(Fact("k8s.secret-refs", cid, o.file, sy.line_of(c.get("envFrom"), i, o.line),
                                    f"environment read from Secret {n}", "secret-ref", n))
        env_facts(pairs, o.file, cid, self.facts)

    def _spread(self, w: Workload) -> None:
        o = w.obj
        reps = w.replicas
        rline = _ln(o.body.get("spec"), "replicas", o.line) if isinstance(o.body.get("spec"), dict) else o.line
        spec = o.body.get("spec") if isinstance(o.body.get("spec"), dict) else {}
        bad = _replicas(spec.get("replicas"))[1]
        signal = "replicas"
        if o.kind == "DaemonSet":
            rtext = "one instance per node"
        elif bad:
            rtext = f"{reps} replica(s) ({bad}; using 1)"
        elif reps == 0:
            rtext = "scaled to 0 (replicas 0)"
        else:
            rtext = f"{reps} replica(s)" + ("" if spec.get("replicas") is not None or o.kind == "Pod"
                                             else " (replicas not set)")
        self.facts.add(Fact("k8s.topology-spread", w.cid, o.file, rline, f"{o.kind} {o.name}: {rtext}", signal,
                            str(reps if reps is not None else "")))
        for t in spread_terms(w.pod, o.line):
            scope = "zones" if t.key in ZONE_KEYS else ("nodes" if t.key in HOST_KEYS else t.key)
            self.facts.add(Fact("k8s.topology-spread", w.cid, o.file, t.line,
                                f"{t.how} across {scope} ({t.key}, {t.mode})", "zone" if t.key in ZONE_KEYS else "node",
                                "required" if t.strict else "preferred"))

    def _strategy(self, w: Workload) -> None:
        o = w.obj
        spec = o.body.get("spec") if isinstance(o.body.get("spec"), dict) else {}
        key = "strategy" if o.kind in ("Deployment", "Rollout", "DeploymentConfig") else "updateStrategy"
        if o.kind in ("Pod", "ReplicaSet"):
            return
        st = spec.get(key) if isinstance(spec.get(key), dict) else {}
        typ = sy.text(st.get("type")) or ("RollingUpdate" if o.kind != "DeploymentConfig" else "Rolling")
        line = _ln(spec, key, o.line)
        ru = st.get("rollingUpdate") if isinstance(st.get("rollingUpdate"), dict) else {}
        detail = ", ".join(f"{k} {sy.text(ru.get(k))}" for k in ("maxUnavailable", "maxSurge", "partition") if k in ru)
        stated = "" if st else " (the default)"
        self.facts.add(Fact("k8s.rolling-update", w.cid, o.file, line,
                            f"{o.kind} {o.name}: {typ} update{stated}" + (f" ({detail})" if detail else ""),
                            "recreate" if typ in ("Recreate", "OnDelete") else "rolling", typ))

    def _annotations(self, o: K8sObject, meta, cid: str) -> None:
        ann = meta.get("annotations") if isinstance(meta, dict) and isinstance(meta.get("annotations"), dict) else {}
        for k, v in ann.items():
            k, val = str(k), sy.text(v)
            line = _ln(ann, k, o.line)
            if k in ("prometheus.io/scrape", "prometheus.io.scrape") and val.lower() == "true":
                port = sy.text(ann.get("prometheus.io/port"))
                self.facts.add(Fact("monitoring.scrape", cid, o.file, line,
                                    f"{o.kind} {o.name} annotated prometheus.io/scrape: true"
                                    + (f" (port {port})" if port else ""), "scrape"))
            elif runbook_value(k, val):
                self.facts.add(Fact("monitoring.runbook-links", cid, o.file, line, f"runbook link {k}: {val[:100]}",
                                    "runbook", val))
            elif store_annotation(k):
                self.facts.add(Fact("k8s.secret-refs", cid, o.file, line, f"secrets injected by a secret store ({k})",
                                    "store"))

    # ---------------------------------------------------------------- objects about workloads
    def _pdbs(self) -> None:
        for o in self.objs:
            if o.kind != "PodDisruptionBudget":
                continue
            spec = o.body.get("spec") if isinstance(o.body.get("spec"), dict) else {}
            sel = spec.get("selector")
            rule = next(((k, sy.text(spec.get(k))) for k in ("minAvailable", "maxUnavailable") if k in spec), None)
            for w in self._selected(sel, o.ns):
                self.facts.add(Fact("k8s.pdb", w.cid, o.file, o.line,
                                    f"PodDisruptionBudget {o.name} selects {w.obj.name}"
                                    + (f" ({rule[0]} {rule[1]}, {w.replicas if w.replicas is not None else '?'} "
                                       "replica(s))" if rule else " (neither minAvailable nor maxUnavailable)"),
                                    rule[0] if rule else "pdb", rule[1] if rule else ""))

    def _hpas(self) -> None:
        """An autoscaler's facts on the workload it scales. One whose target is not in the files scales nothing
        the review holds: a review-wide fact (signal ``no-target``) says so in the import's words (its dangling
        line), and no component gets it, even one with a near name (sock-shop's ``cart`` for ``carts``)."""
        for o in self.objs:
            if o.kind != "HorizontalPodAutoscaler":
                continue
            spec = o.body.get("spec") if isinstance(o.body.get("spec"), dict) else {}
            ref = spec.get("scaleTargetRef") if isinstance(spec.get("scaleTargetRef"), dict) else {}
            target, tkind = sy.text(ref.get("name")), sy.text(ref.get("kind"))
            # the workload the import takes: by name, the stated kind first (as ``importers/kubernetes.py`` does)
            named = [x for x in self.objs if x.kind in WORKLOADS and x.ns == o.ns and x.name == target]
            obj = next((x for x in named if not tkind or x.kind == tkind), named[0] if named else None)
            if obj is None:
                near = close_match(target, [x.name for x in self.objs if x.kind in WORKLOADS and x.ns == o.ns])
                self.facts.add(Fact("k8s.hpa", "", o.file, o.line,
                                    f"HorizontalPodAutoscaler {o.name} scales {tkind or 'workload'} {target}, which is "
                                    "not in these files" + (f" (did you mean {near}? not applied)" if near else ""),
                                    "no-target", target))
                continue
            for w in self.workloads:
                if w.obj is obj:
                    lo, hi = sy.text(spec.get("minReplicas")) or "1", sy.text(spec.get("maxReplicas"))
                    self.facts.add(Fact("k8s.hpa", w.cid, o.file, o.line,
                                        f"HorizontalPodAutoscaler {o.name} scales {target} from {lo} to {hi}", "hpa", lo))

    def _netpols(self) -> None:
        for o in self.objs:
            if o.kind != "NetworkPolicy":
                continue
            spec = o.body.get("spec") if isinstance(o.body.get("spec"), dict) else {}
            sel = spec.get("podSelector")
            types = spec.get("policyTypes") if isinstance(spec.get("policyTypes"), list) else ["Ingress"]
            every = isinstance(sel, dict) and not sel.get("matchLabels") and not sel.get("matchExpressions")
            ws = [w for w in self.workloads if w.obj.ns == o.ns] if every else self._selected(sel, o.ns)
            for w in ws:
                self.facts.add(Fact("k8s.network-policy", w.cid, o.file, o.line,
                                    f"NetworkPolicy {o.name} restricts {'/'.join(sy.text(t) for t in types)} traffic of "
                                    f"{w.obj.name}" + (" (every pod of the namespace)" if every else ""), "policy"))

    def _service_monitors(self) -> None:
        for o in self.objs:
            if o.kind not in ("ServiceMonitor", "PodMonitor"):
                continue
            spec = o.body.get("spec") if isinstance(o.body.get("spec"), dict) else {}
            nss = sy.get_path(spec, "namespaceSelector", "matchNames")
            nss = [sy.text(n) for n in nss] if isinstance(nss, list) else [o.ns]
            any_ns = sy.get_path(spec, "namespaceSelector", "any") is True
            sel = spec.get("selector")
            hits: list[Workload] = []
            if o.kind == "PodMonitor":
                hits = [w for w in self.workloads if (any_ns or w.obj.ns in nss) and _selects(sel, w.labels)]
            else:
                for s in self.services:
                    if (any_ns or s.ns in nss) and _selects(sel, str_map((s.body.get("metadata") or {}).get("labels"))):
                        ssel = (s.body.get("spec") or {}).get("selector") if isinstance(s.body.get("spec"), dict) else None
                        hits += self._selected(ssel, s.ns)
            for w in hits:
                self.facts.add(Fact("monitoring.scrape", w.cid, o.file, o.line,
                                    f"{o.kind} {o.name} scrapes {w.obj.name}", "scrape"))

    def _backup_job(self, o: K8sObject) -> None:
        spec = o.body.get("spec") if isinstance(o.body.get("spec"), dict) else {}
        pod = sy.get_path(spec, "jobTemplate", "spec", "template", "spec") if o.kind == "CronJob" else \
            sy.get_path(spec, "template", "spec")
        if not isinstance(pod, dict):
            return
        text = json.dumps(pod, default=str)
        tool = backup_tool(text)
        if tool is None:
            return
        sched = sy.text(spec.get("schedule")) if o.kind == "CronJob" else ""
        targets = self.comps.named_in(text, kinds=("datastore", "cache", "queue"))
        what = f"{o.kind} {o.name} runs {tool}" + (f" on schedule '{sched}'" if sched else " (once, no schedule)")
        for t in targets or [""]:
            self.facts.add(Fact("backup.schedules", t, o.file, o.line, what + (f" against {t}" if t else ""),
                                "schedule" if sched else "once", sched))

    def _velero(self, o: K8sObject) -> None:
        spec = o.body.get("spec") if isinstance(o.body.get("spec"), dict) else {}
        sched = sy.text(spec.get("schedule"))
        nss = sy.get_path(spec, "template", "includedNamespaces")
        nss = [sy.text(n) for n in nss] if isinstance(nss, list) else ["*"]
        targets = self.comps.in_namespaces(nss, kinds=("datastore",))
        what = f"Velero Schedule {o.name} backs up namespaces {', '.join(nss)} on schedule '{sched}'"
        for t in targets or [""]:
            self.facts.add(Fact("backup.schedules", t, o.file, o.line, what, "schedule", sched))

    def _secret(self, o: K8sObject) -> None:
        data = {}
        for k in ("data", "stringData"):
            if isinstance(o.body.get(k), dict):
                data.update({str(a): sy.text(b) for a, b in o.body[k].items()})
        typ = sy.text(o.body.get("type"))
        if typ.startswith("kubernetes.io/service-account") or typ == "kubernetes.io/tls" and not data:
            return
        filled = [k for k, v in data.items() if v and not re.fullmatch(r"\$?\{\{?.*\}\}?|<.*>|changeme|CHANGEME|", v)]
        if filled:
            self.facts.add(Fact("k8s.secret-refs", "", o.file, o.line,
                                f"Secret {o.name} holds its values in the repository ({', '.join(filled[:4])})",
                                "literal", filled[0]))

    def _configmap(self, o: K8sObject) -> None:
        from prr_app.importers.readiness.monitoring import dashboard_text, rules_text

        data = o.body.get("data") if isinstance(o.body.get("data"), dict) else {}
        for k, v in data.items():
            v = sy.text(v)
            line = _ln(data, k, o.line)
            if str(k).endswith(".json") and '"panels"' in v:
                dashboard_text(v, f"{o.file}", line, self.comps, self.facts, f"ConfigMap {o.name} {k}")
            elif re.search(r"(?m)^\s*-?\s*alert\s*:", v) and "groups" in v:
                rules_text(v, o.file, line, self.comps, self.facts)
