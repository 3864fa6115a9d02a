"""Kubernetes manifests: workloads, Services, HPAs, PDBs, NetworkPolicies.

What becomes what:

* Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers
  and bare Pods become components (``replicas`` missing means 1; a
  HorizontalPodAutoscaler's ``minReplicas`` raises the floor). Images, ports
  and names recognise datastores, caches and queues; telemetry, config and
  discovery hubs are tagged.
* A Service maps its name to the workloads it selects. An environment value
  that names a Service (``host:port``, a URL, a connection string, or just
  the name in a variable named like an address: ``*_ADDR``, ``*_HOST``...)
  is a dependency. ``$(VAR)`` references and ConfigMap values are resolved.
* NetworkPolicy ingress/egress allow-lists between pods corroborate those
  dependencies, or, alone, are weaker evidence of one.
* topologySpreadConstraints and podAntiAffinity on the zone or hostname key
  place instances on distinct (assumed) zones or nodes; a nodeSelector or
  required node affinity on a zone places them in the named zone.
* PodDisruptionBudgets are checked: one whose maxUnavailable is at least the
  replica count (or whose minAvailable is 0) protects nothing.
* Everything else is listed as skipped, with the reason; names that point at
  nothing deployed are listed as dangling.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from prr_app.errors import PrrError
from prr_app import paths, safe_yaml as sy
from prr_app.importers.call_policies import (NGINX_DEFAULT_READ_TIMEOUT_MS, duration_ms, nginx_time_ms, retry_count,
                                             spring_gateway_policies, spring_gateway_routes, spring_settings)

#: a ServiceProfile route's timeout when it states none (Linkerd's documented default)
LINKERD_DEFAULT_TIMEOUT_MS = 10_000
from prr_app.importers.graph import (
    ADDRESS_NAME,
    CRITICALITY_LABELS,
    HOST_NAME_VAR,
    ENV,
    GUESS,
    can_face_users,
    NETPOL,
    GraphBuilder,
    NO_VOLUME_NEEDED,
    close_match,
    keeps_nothing,
    keeps_state,
    address_call_type,
    dependency_type,
    host_arguments,
    host_refs,
    LOAD_GENERATOR,
    load_generator_env,
    load_generator_words,
    make_unique,
    not_facing_what,
    recognise,
    redact,
    hub_named,
    external_api,
    safe_id,
    short_names,
    switch_words,
)

def _plain_env(containers) -> dict[str, str]:
    """The variables the (not init) containers of a pod set by value, as written."""
    out = {}
    for c, init in containers:
        items = c.get("env")
        for item in items if isinstance(items, list) and not init else ():
            if isinstance(item, dict) and item.get("name") is not None and item.get("value") is not None:
                out[sy.text(item.get("name"))] = sy.text(item.get("value"))
    return out


WORKLOAD_KINDS = {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Pod",
                  "DeploymentConfig", "Rollout"}
BATCH_KINDS = {"Job", "CronJob"}
#: objects that expose a Service outside the cluster through the platform's router or mesh gateway:
#: what they route to faces users (as behind a LoadBalancer); the router itself is the platform's
EXPOSING_KINDS = {"Route", "VirtualService", "HTTPRoute", "GRPCRoute", "TLSRoute", "IngressRoute", "IngressRouteTCP"}
QUIET_KINDS = {"Namespace", "ServiceAccount", "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding",
               "Secret", "CustomResourceDefinition", "PersistentVolumeClaim", "PersistentVolume", "StorageClass",
               "LimitRange", "ResourceQuota", "PriorityClass", "EndpointSlice", "Endpoints",
               "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"}
ZONE_KEYS = {"topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"}
REGION_KEYS = {"topology.kubernetes.io/region", "failure-domain.beta.kubernetes.io/region"}
HOST_KEYS = {"kubernetes.io/hostname"}
ASSUMED_ZONES = 3
#: a pod's volume sources whose data outlives the pod: a claim, the node's disk, a network or cloud disk
#: (not emptyDir, configMap, secret, projected, downwardAPI, an ephemeral claim or an inline CSI volume,
#: which are the pod's own or configuration)
PERSISTENT_VOLUME_SOURCES = ("persistentVolumeClaim", "hostPath", "nfs", "awsElasticBlockStore", "gcePersistentDisk",
                             "azureDisk", "azureFile", "cephfs", "rbd", "iscsi", "glusterfs", "cinder", "fc",
                             "portworxVolume", "vsphereVolume", "quobyte", "scaleIO", "storageos", "flocker",
                             "photonPersistentDisk")
#: the longest value ``$(VAR)`` substitution may produce
MAX_EXPANDED = 256 * 1024


@dataclass
class K8sObject:
    """One Kubernetes object of a manifest: its kind, name, namespace, body and where it starts.
    The readiness extractors (``importers/readiness/kubernetes.py``) read the same objects."""
    kind: str
    name: str
    ns: str
    body: dict
    file: str
    line: int

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def ns_stated(self) -> bool:
        """Whether the file states the namespace (else it goes where ``kubectl apply -n`` puts it)."""
        meta = self.body.get("metadata") if isinstance(self.body, dict) else None
        return isinstance(meta, dict) and bool(sy.text(meta.get("namespace")))


def iter_objects(value, file: str, line: int, what: str, skip=None, depth: int = 0):
    """The objects in one YAML document's ``value`` (``file``, ``line``: where it starts; ``what``:
    how to name it): a ``kind: *List`` is unpacked, three lists deep at most. What is not an object
    is handed to ``skip`` as a message ("file:line: why"), if given."""
    if not isinstance(value, dict):
        if skip is not None:
            skip(f"{file}:{line}: {what} is not a mapping")
        return
    kind = sy.text(value.get("kind"))
    if kind == "List" or (kind.endswith("List") and isinstance(value.get("items"), list)):
        items = value.get("items")
        if not isinstance(items, list):
            if skip is not None:
                skip(f"{file}:{line}: {kind} without items")
            return
        if depth < 3:
            for i, item in enumerate(items):
                yield from iter_objects(item, file, sy.line_of(items, i, line), f"{kind} item {i + 1}", skip, depth + 1)
        return
    meta = value.get("metadata") if isinstance(value.get("metadata"), dict) else {}
    name = sy.text(meta.get("name"))
    if not kind:
        if skip is not None:
            skip(f"{file}:{line}: {what} has no kind")
        return
    raw_name = meta.get("name")
    tag = getattr(raw_name, "tag", None) if isinstance(raw_name, (dict, list)) else None
    if tag:
        # a tag that would make an object (``!!python/object/apply:...``): never run, and said, since
        # the object has its kind and a name, only not one that is text
        if skip is not None:
            shown = "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag
            at = getattr(raw_name, "line", 0) or getattr(meta, "key_lines", {}).get("name", 0)
            skip(f"{file}:{at or line}: {kind}: metadata.name is tagged {shown}, refused (a tag that makes an "
                 "object is never run; write the name as plain text)")
        return
    if not name:
        name = sy.text(meta.get("generateName")).rstrip("-")
        if not name:
            if skip is not None:
                skip(f"{file}:{line}: {kind} without metadata.name")
            return
    yield K8sObject(kind, name, sy.text(meta.get("namespace")) or "default", value, file,
                    getattr(value, "line", line) or line)


@dataclass(frozen=True)
class SpreadTerm:
    """One rule that spreads a workload's pods: a topology spread constraint or a pod anti-affinity term."""
    key: str  # the topologyKey
    how: str  # "topology spread" or "pod anti-affinity"
    mode: str  # whenUnsatisfiable (DoNotSchedule, ScheduleAnyway), or "required" / "preferred"
    line: int

    @property
    def strict(self) -> bool:
        """The scheduler must keep to it (else it only prefers to)."""
        return self.mode not in ("ScheduleAnyway", "preferred")


def spread_terms(pod_spec: dict, line: int) -> list[SpreadTerm]:
    """The spread rules of a pod spec, in document order (``line``: where the workload starts)."""
    out = []
    tsc = pod_spec.get("topologySpreadConstraints")
    for i, t in enumerate(tsc if isinstance(tsc, list) else []):
        if isinstance(t, dict):
            out.append(SpreadTerm(sy.text(t.get("topologyKey")), "topology spread",
                                  sy.text(t.get("whenUnsatisfiable")) or "DoNotSchedule", sy.line_of(tsc, i, line)))
    anti = sy.get_path(pod_spec, "affinity", "podAntiAffinity")
    for mode in ("required", "preferred") if isinstance(anti, dict) else ():
        terms = anti.get(f"{mode}DuringSchedulingIgnoredDuringExecution")
        for i, t in enumerate(terms if isinstance(terms, list) else []):
            term = t.get("podAffinityTerm") if isinstance(t, dict) and "podAffinityTerm" in t else t
            if isinstance(term, dict):
                out.append(SpreadTerm(sy.text(term.get("topologyKey")), "pod anti-affinity", mode,
                                      sy.line_of(terms, i, line)))
    return out


@dataclass
class _Workload:
    obj: K8sObject
    cid: str = ""
    labels: dict = field(default_factory=dict)
    containers: list = field(default_factory=list)  # (container dict, is_init)
    pod_spec: dict = field(default_factory=dict)


def looks_like_kubernetes(path: Path) -> bool:
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        return False
    head = paths.head_text(path)
    return bool(re.search(r"(?m)^\s*[\"']?apiVersion[\"']?\s*:", head) and re.search(r"(?m)^\s*[\"']?kind[\"']?\s*:", head)
                and "backstage.io" not in head)


#: an env item in a comment: ``# - name: ENABLE_X`` (``# #`` too), and its value on the next line
_COMMENTED_NAME = re.compile(r"^\s*#[\s#]*-\s*name:\s*[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?\s*$")
_COMMENTED_VALUE = re.compile(r"^\s*#[\s#]*value:\s*[\"']?([^\"'\s#]+)")
#: values that turn a switch on
_ON = {"true", "1", "yes", "on", "enabled"}

#: how the error for a template read as a manifest begins (not a broken file: one to render first)
UNRENDERED = "a Helm template, not a manifest"
#: a Helm template's action: a chart's objects (.Values, .Release...) or its functions (include, toYaml,
#: tpl), never in a rendered manifest; an alert rule's own {{ $labels.x }} or {{ $value }} is not one
_HELM_ACTION = re.compile(r"\{\{-?\s*(?:\.(?:Values|Release|Chart|Capabilities|Files|Template)\b|"
                          r"(?:include|toYaml|tpl|required|default)\s)[^}]*\}\}")

def read_kubernetes(paths: list[Path], *, texts: list[tuple[str, str]] | None = None,
                    base: Path | None = None,
                    spring_names: dict[str, list[tuple[str, str]]] | None = None) -> ImportResultT:
    """Import manifest files, and ``texts``: (label, YAML text) pairs rendered by a tool (helm, kustomize).

    ``base``: the folder that evidence names files relative to (default: the one holding them all).
    ``spring_names``: what a checkout's Spring ``bootstrap.yml`` files say Spring Cloud Kubernetes loads,
    ConfigMap name -> [(application name, where it is said)] (``call_policies.spring_config_names``): a
    ConfigMap so named is that application's configuration (:meth:`_K8sImport._spring_configmaps`).
    """
    return _K8sImport(paths, texts or [], base, spring_names).run()


#: a ConfigMap key that holds a Spring Boot configuration file (application.yml, application-kubernetes.yaml,
#: bootstrap.properties)
_SPRING_KEY = re.compile(r"^(?:application|bootstrap)(?:-[A-Za-z0-9_.-]+)?\.(?:ya?ml|properties)$", re.IGNORECASE)
#: a block scalar's indicator at the end of its key's line (``application.yaml: |-``): its text starts below
_BLOCK = re.compile(r":\s*[|>][-+0-9]*\s*(?:#.*)?$")


class _K8sImport:
    def __init__(self, paths: list[Path], texts: list[tuple[str, str]] | None = None, base: Path | None = None,
                 spring_names: dict[str, list[tuple[str, str]]] | None = None):
        self.spring_names = dict(spring_names or {})
        self.paths = [Path(p) for p in paths]
        self.texts = list(texts or [])
        self.names = short_names(self.paths, base)
        self.b = GraphBuilder("kubernetes", self.paths)
        self.b.report.sources += [label for label, _ in self.texts]
        self.objs: list[K8sObject] = []
        self.seen: dict[tuple[str, str, str], K8sObject] = {}
        self.raw: dict[str, str] = {}  # each file's text, by the name evidence gives it (for its comments)

    # ------------------------------------------------------------ reading
    def run(self):
        b = self.b
        for path in self.paths:
            text = sy.read_text(path)
            try:
                docs = sy.load_text(text, file=str(path), warnings=(warnings := []))
            except PrrError as e:
                if "{{" in text:  # a Helm (or other Go) template, not a manifest
                    raise PrrError(f"{UNRENDERED}: render the chart first "
                                   "(`helm template NAME CHART_FOLDER > rendered.yaml`) and import that, "
                                   f"or import the chart's folder ({e.message})", file=e.file,
                                   location=e.location) from None
                raise
            helm = _HELM_ACTION.search(text) if "{{" in text else None
            if helm:  # it parses as YAML, but its names and values are still to be filled in
                line = text.count("\n", 0, helm.start()) + 1
                raise PrrError(f"{UNRENDERED}: render the chart first (`helm template NAME CHART_FOLDER > "
                               f"rendered.yaml`) and import that, or import the chart's folder ({helm.group(0)!r} "
                               "is still to be filled in)", file=str(path), location=f"line {line}")
            self._read(self.names[path], docs, warnings, str(path))
            self.raw[self.names[path]] = text
        for label, text in self.texts:
            self._read(label, sy.load_text(text, file=label, warnings=(warnings := [])), warnings, label)
            self.raw[label] = text
        first = str(self.paths[0]) if self.paths else (self.texts[0][0] if self.texts else None)
        if not self.objs:
            # the objects passed over say why (a tagged name, no name): "none found" would contradict the file
            why = b.report.skipped
            raise PrrError("no Kubernetes objects (apiVersion/kind) found" if not why else
                           "no Kubernetes object could be read: " + "; ".join(why[:3]) + (" ..." if len(why) > 3 else ""),
                           file=first)
        before = len(b.report.skipped)
        self._build()
        if not b.components:
            kinds = sorted({o.kind for o in self.objs})
            # the workloads passed over say why (no pod template, no spec): the reason the review is empty
            left = [x for x in b.report.skipped[before:] if any(f": {k} " in x for k in WORKLOAD_KINDS)]
            raise PrrError("no workloads to review (Deployment, StatefulSet, DaemonSet, Pod, ExternalName Service...); "
                           f"the files hold only {', '.join(kinds[:8])}" + (" ..." if len(kinds) > 8 else "")
                           + (": " + "; ".join(left[:3]) + (" ..." if len(left) > 3 else "") if left else ""),
                           file=first)
        declared = self._system_name()
        b.system_declared = bool(declared)
        # else the folder that holds the manifests, not the first file's name
        b.system_name = declared or (self.paths[0].resolve().parent.name if self.paths else "")
        return b.finish(file=first)

    def _read(self, fname: str, docs, warnings: list[str], full: str) -> None:
        for w in warnings:
            self.b.warn(w.replace(full, fname, 1))
        n_objs = 0
        for doc in docs:
            if doc.value is None:
                continue
            n_objs += self._collect(doc.value, fname, doc.line, f"document {doc.index + 1}")
        self.b.read(f"{fname}: {len(docs)} YAML document(s), {n_objs} object(s)")

    def _collect(self, value, fname: str, line: int, what: str) -> int:
        n = 0
        for obj in iter_objects(value, fname, line, what, self.b.skip):
            # identity is (kind, namespace, name): a second copy is a duplicate, never a second component
            key = (obj.kind, obj.ns, obj.name)
            first = self.seen.get(key)
            if first is not None:
                # ``kubectl apply`` applies the documents in order: the second copy replaces the first, and
                # it is the one that runs (the retail store's ui ConfigMap: the first copy names one service,
                # the last five). Kept where the first stood, so the components keep their order
                self.b.warn(f"{obj.where}: {obj.kind} {obj.name} is already defined at {first.where}: a duplicate; "
                            "the last copy is used, as kubectl apply leaves it (two copies of one object are not "
                            "redundancy); " + _copies_differ(first.body, obj.body))
                self.objs[self.objs.index(first)] = obj
                self.seen[key] = obj
                continue
            self.seen[key] = obj
            self.objs.append(obj)
            n += 1
        return n

    def _system_name(self) -> str:
        nss = sorted({o.ns for o in self.objs if o.kind in WORKLOAD_KINDS and o.ns != "default"})
        return nss[0] if len(nss) == 1 else ""

    # ------------------------------------------------------------ building
    def _build(self) -> None:
        b = self.b
        by_kind: dict[str, list[K8sObject]] = {}
        for o in self.objs:
            by_kind.setdefault(o.kind, []).append(o)
        self.configmaps = {(o.ns, o.name): o for o in by_kind.get("ConfigMap", [])}
        # workloads
        self.workloads: list[_Workload] = []
        taken: dict[str, K8sObject] = {}
        name_count: dict[str, set] = {}
        for o in self.objs:
            if o.kind in WORKLOAD_KINDS:
                name_count.setdefault(o.name, set()).add(o.ns)
        for o in self.objs:
            if o.kind in WORKLOAD_KINDS:
                w = self._workload(o, name_count, taken)
                if w is not None:
                    self.workloads.append(w)
            elif o.kind in BATCH_KINDS:
                b.skip(f"{o.where}: {o.kind} {o.name}: batch work, not a serving component")
            elif o.kind in QUIET_KINDS or o.kind in EXPOSING_KINDS or o.kind in (
                    "ConfigMap", "Service", "HorizontalPodAutoscaler", "ScaledObject", "PodDisruptionBudget",
                    "NetworkPolicy", "Ingress", "DestinationRule", "ServiceProfile"):
                if o.kind in QUIET_KINDS:
                    b.skip(f"{o.where}: {o.kind} {o.name}: says nothing about components or dependencies")
            else:
                b.skip(f"{o.where}: {o.kind} {o.name}: kind not used by the importer")
        self.by_id = {w.cid: w for w in self.workloads}
        self.by_name = {}
        self.label_index: dict[tuple[str, str, str], list[str]] = {}
        for w in self.workloads:
            self.by_name.setdefault((w.obj.ns, w.obj.name), []).append(w)
            for k, v in w.labels.items():
                self.label_index.setdefault((w.obj.ns, k, v), []).append(w.cid)
        self._services(by_kind.get("Service", []))
        self._hpas(by_kind.get("HorizontalPodAutoscaler", []) + by_kind.get("ScaledObject", []))
        self._placement()
        self._pdbs(by_kind.get("PodDisruptionBudget", []))
        self._mesh_routing(by_kind.get("VirtualService", []), by_kind.get("DestinationRule", []))
        self._env_dependencies()
        self._spring_configmaps()
        self._netpols(by_kind.get("NetworkPolicy", []))
        self._ingresses(by_kind.get("Ingress", []))
        self._mesh_policies(by_kind.get("VirtualService", []), by_kind.get("DestinationRule", []),
                            by_kind.get("HTTPRoute", []))
        self._linkerd(by_kind.get("Service", []), by_kind.get("ServiceProfile", []))
        self._exposures([o for k in sorted(EXPOSING_KINDS) for o in by_kind.get(k, [])])
        self._guesses()

    def _workload(self, o: K8sObject, name_count, taken) -> _Workload | None:
        b = self.b
        spec = o.body.get("spec")
        if not isinstance(spec, dict):
            b.skip(f"{o.where}: {o.kind} {o.name}: no spec")
            return None
        if o.kind == "Pod":
            pod_spec, labels = spec, sy.get_path(o.body, "metadata", "labels")
        else:
            pod_spec = sy.get_path(spec, "template", "spec")
            labels = sy.get_path(spec, "template", "metadata", "labels")
            if not isinstance(pod_spec, dict):
                b.skip(f"{o.where}: {o.kind} {o.name}: no pod template")
                return None
        cid = safe_id(o.name if len(name_count.get(o.name, ())) == 1 else f"{o.ns}/{o.name}")
        if cid in taken:
            # the same (namespace, name) under another workload kind: identity is (kind, namespace, name)
            cid = make_unique(f"{cid}-{o.kind.lower()}", taken)
        taken[cid] = o
        w = _Workload(o, cid, str_map(labels), [], pod_spec)
        for key, is_init in (("containers", False), ("initContainers", True)):
            cs = pod_spec.get(key)
            if isinstance(cs, list):
                w.containers += [(c, is_init) for c in cs if isinstance(c, dict)]
        # the kind is recognised from the application's image, not a sidecar's (an envoy beside the application
        # made it a gateway): the readiness facts' rule for which containers are sidecars. Imported here: the
        # readiness package imports this module.
        from prr_app.importers.readiness.common import sidecars
        apps = [(sy.text(c.get("name")) or "?", sy.text(c.get("image"))) for c, init in w.containers if not init]
        side = sidecars(apps, o.name)
        images = [img for name, img in apps if name not in side]
        ports = []
        for c, init in w.containers:
            if init:
                continue
            for p in c.get("ports") or [] if isinstance(c.get("ports"), list) else []:
                if isinstance(p, dict):
                    try:
                        ports.append(int(str(p.get("containerPort"))))
                    except ValueError:
                        pass
        kind, tags, why = None, [], ""
        for img in images or [""]:
            kind, tags, why = recognise(o.name, img, ports)
            if kind or tags:
                break
        comp = b.component(cid, f"{o.where}: {o.kind} {o.name}" + (f" in namespace {o.ns}" if o.ns != "default" else ""),
                           name=o.name, kind=kind, source_file=o.file)
        if LOAD_GENERATOR not in tags and (lg := load_generator_env(_plain_env(w.containers))):
            tags, why = [*tags, LOAD_GENERATOR], lg
        for t in tags:
            b.tag(cid, t)
        if LOAD_GENERATOR in tags:
            b.evidence(cid, f"{o.where}: {load_generator_words(why)}")
        for k, v in w.labels.items():
            if k.lower().rsplit("/", 1)[-1] in CRITICALITY_LABELS:
                b.criticality(cid, v, f"{o.where}: label {k}={v}")
        if why and kind:
            b.evidence(cid, f"{o.where}: kind {kind} from {why}")
        notes = sy.get_path(spec, "template", "metadata", "annotations") if o.kind != "Pod" else \
            sy.get_path(o.body, "metadata", "annotations")
        app_id = sy.text(notes.get("dapr.io/app-id")) if isinstance(notes, dict) else ""
        if app_id:  # Dapr's service invocation names the workload by its app-id
            b.host(app_id, cid)
            b.evidence(cid, f"{o.where}: Dapr app-id {app_id} (its sidecar is injected)")
        if o.kind == "DaemonSet":
            comp.replicas = None
            b.evidence(cid, f"{o.where}: DaemonSet: one instance per node (count unknown)")
        elif o.kind == "Pod":
            comp.replicas = 1
        else:
            raw = spec.get("replicas")
            try:
                n = sy.as_int(raw, file=o.file, line=spec.line_of("replicas") if isinstance(spec, sy.YMap) else None,
                              what="spec.replicas", minimum=0)
            except PrrError as e:
                b.warn(str(e) + "; using 1")
                n = 1
            if n is None:
                comp.replicas = 1
                b.evidence(cid, f"{o.where}: spec.replicas not set: 1 replica")
            elif n == 0:
                comp.replicas = 1
                b.warn(f"{o.where}: {o.name} is scaled to 0 replicas; counted as 1")
            else:
                comp.replicas = min(n, 100000)
                b.evidence(cid, f"{o.file}:{_line(spec, 'replicas', o.line)}: replicas {n}")
        if o.ns != "default":
            b.tag(cid, f"namespace:{o.ns}")
        if keeps_state(comp):
            self._storage(w, comp, images[0] if images else "")
        return w

    def _storage(self, w: _Workload, comp, image: str) -> None:
        """Whether the datastore or queue ``w`` keeps its data on a persistent volume: a container of it mounts
        a PersistentVolumeClaim, a StatefulSet's volumeClaimTemplates, a hostPath or a network or cloud disk.
        Without one its data lives in the container or an emptyDir and a restart loses it (the AKS store's
        mongodb, one replica holding every order, had no volume at all): a warning and an evidence line, unless
        it keeps nothing that matters (:func:`keeps_nothing`: an in-memory cache, NATS without JetStream)."""
        o, b = w.obj, self.b
        vols = w.pod_spec.get("volumes")
        lasting = {sy.text(v.get("name")) for v in (vols if isinstance(vols, list) else [])
                   if isinstance(v, dict) and any(k in v for k in PERSISTENT_VOLUME_SOURCES)}
        templates = sy.get_path(o.body, "spec", "volumeClaimTemplates") if o.kind == "StatefulSet" else None
        lasting |= {sy.text(sy.get_path(t, "metadata", "name")) for t in (templates if isinstance(templates, list)
                                                                         else []) if isinstance(t, dict)}
        mounted = {sy.text(m.get("name")) for c, init in w.containers if not init
                   for m in (c.get("volumeMounts") if isinstance(c.get("volumeMounts"), list) else [])
                   if isinstance(m, dict)}
        if lasting & mounted:
            return
        command = " ".join(sy.text(x) for c, init in w.containers if not init for key in ("command", "args")
                           for x in (c.get(key) if isinstance(c.get(key), list) else []))
        why = keeps_nothing(comp, o.name, image, command)
        if why:
            b.evidence(comp.id, f"{o.where}: {NO_VOLUME_NEEDED.format(why=why)}")
            return
        b.no_volume(comp.id, o.where, "the pod restarts",
                    f"{o.where}: {o.kind} {o.name} is a {comp.kind} and mounts no persistent volume (no "
                    "PersistentVolumeClaim, volumeClaimTemplates or hostPath): its data is lost when the pod restarts")

    def _services(self, services: list[K8sObject]) -> None:
        b = self.b
        #: (namespace, service name) -> component ids behind it
        self.svc: dict[tuple[str, str], list[str]] = {}
        self.svc_obj: dict[tuple[str, str], K8sObject] = {}
        for o in services:
            spec = o.body.get("spec") if isinstance(o.body.get("spec"), dict) else {}
            sel = str_map(spec.get("selector"))
            typ = sy.text(spec.get("type"))
            self.svc_obj[(o.ns, o.name)] = o
            if typ == "ExternalName" or (not sel and spec.get("externalName")):
                ext = sy.text(spec.get("externalName"))
                cid = self._free_id(o.name, o.ns)
                b.component(cid, f"{o.where}: Service {o.name} (ExternalName {ext})", name=o.name, kind="external_api",
                            source_file=o.file)
                self.svc[(o.ns, o.name)] = [cid]
                continue
            if not sel:
                cid = self._free_id(o.name, o.ns)
                b.component(cid, f"{o.where}: Service {o.name} without a selector (endpoints managed elsewhere)",
                            name=o.name, kind="external_api", source_file=o.file)
                self.svc[(o.ns, o.name)] = [cid]
                continue
            hits = self._matching(o.ns, sel)
            if not hits:
                elsewhere = sorted(ns for ns in {w.obj.ns for w in self.workloads}
                                   if ns != o.ns and self._matching(ns, sel))
                if elsewhere:  # a Service only selects pods of its own namespace
                    b.dangling(f"{o.where}: Service {o.name} (namespace {o.ns or 'default'}) selects {_fmt_sel(sel)}, "
                               f"which only workloads in namespace {', '.join(n or 'default' for n in elsewhere)} "
                               "carry: a Service selects pods of its own namespace only; no traffic reaches them "
                               "through it")
                else:
                    b.dangling(f"{o.where}: Service {o.name} selects {_fmt_sel(sel)}, which no workload in these "
                               "files carries")
                continue
            self.svc[(o.ns, o.name)] = hits
            for cid in hits:
                b.host(o.name, cid)
                b.host(f"{o.name}.{o.ns}", cid)
            if len(hits) > 1:  # versions / canaries behind one Service: any ready one serves
                b.group(o.name, hits, f"{o.where}: Service {o.name} sends traffic to any ready pod of these workloads")
            for cid in hits:
                b.evidence(cid, f"{o.where}: behind Service {o.name}")
                if sy.text(spec.get("type")) in ("LoadBalancer", "NodePort"):
                    if can_face_users(b.components[cid]):
                        b.components[cid].user_facing = True
                        b.evidence(cid, f"{o.where}: Service {o.name} of type {typ}: reachable from outside the cluster")
                    else:
                        b.evidence(cid, f"{o.where}: Service {o.name} of type {typ}: reachable from outside the "
                                        f"cluster, but {not_facing_what(b.components[cid])} is not user-facing")

    def _matching(self, ns: str, sel: dict) -> list[str]:
        """Workloads in ``ns`` whose pod labels include every item of ``sel`` (document order)."""
        if not sel:
            return []
        sets = []
        for k, v in sel.items():
            ids = self.label_index.get((ns, k, v))
            if not ids:
                return []
            sets.append(ids)
        sets.sort(key=len)
        first, rest = sets[0], [set(x) for x in sets[1:]]
        return [c for c in dict.fromkeys(first) if all(c in r for r in rest)]

    def _free_id(self, name: str, ns: str) -> str:
        cid = safe_id(name)
        if cid in self.b.components:
            cid = safe_id(f"{ns}/{name}")
        if cid in self.b.components:
            cid = make_unique(f"{cid}-service", self.b.components)
        return cid

    def _hpas(self, hpas: list[K8sObject]) -> None:
        """HorizontalPodAutoscalers and KEDA ScaledObjects: the floor they keep (``minReplicas``,
        ``minReplicaCount``) raises the replicas of the workload they scale. A ScaledObject that
        scales to zero when idle (its default) serves with at least one instance: counted as 1."""
        b = self.b
        for o in hpas:
            what = "HorizontalPodAutoscaler" if o.kind == "HorizontalPodAutoscaler" else "KEDA ScaledObject"
            key = "minReplicas" if o.kind == "HorizontalPodAutoscaler" else "minReplicaCount"
            spec = o.body.get("spec")
            ref = sy.get_path(spec, "scaleTargetRef") if isinstance(spec, dict) else None
            if not isinstance(ref, dict):
                b.skip(f"{o.where}: {what} {o.name}: no scaleTargetRef")
                continue
            tname, tkind = sy.text(ref.get("name")), sy.text(ref.get("kind"))
            w = self._find_workload(tname, o.ns, tkind)
            if w is None:
                near = close_match(tname, [x.obj.name for x in self.workloads if x.obj.ns == o.ns])
                hint = f" (did you mean {near}? not applied)" if near else ""
                b.dangling(f"{o.where}: {what} {o.name} scales {tkind or 'workload'} {tname}, "
                           f"which is not in these files{hint}")
                continue
            try:
                mn = sy.as_int(spec.get(key), file=o.file, line=_line(spec, key, o.line), what=key, minimum=0)
            except PrrError as e:
                b.warn(str(e))
                continue
            where = f"{o.file}:{_line(spec, key, o.line)}: {what} {o.name}"
            if o.kind != "HorizontalPodAutoscaler" and not mn:
                b.evidence(w.cid, f"{where} {key} {mn or 0}: scales to zero when idle (a cold start when the "
                                  "first request comes); at least 1 instance while serving")
                mn = 1
            mn = 1 if mn is None else mn
            comp = b.components[w.cid]
            if comp.replicas is not None and mn > comp.replicas:
                b.evidence(w.cid, f"{where} {key} {mn} raises replicas from {comp.replicas}")
                comp.replicas = mn
            else:
                b.evidence(w.cid, f"{where} {key} {mn}")
            b.tag(w.cid, "autoscaled")

    def _find_workload(self, name: str, ns: str, kind: str = "") -> _Workload | None:
        cands = self.by_name.get((ns, name), [])
        for w in cands:
            if not kind or w.obj.kind == kind:
                return w
        return cands[0] if cands else None

    def _placement(self) -> None:
        b = self.b
        for w in self.workloads:
            comp = b.components[w.cid]
            spec = w.pod_spec
            where = w.obj.where
            zone_spread = host_spread = False
            hard = {"zone": False, "host": False}
            for t in spread_terms(spec, w.obj.line):
                if t.key in ZONE_KEYS:
                    zone_spread = True
                    hard["zone"] |= t.strict
                elif t.key in HOST_KEYS:
                    host_spread = True
                    hard["host"] |= t.strict
            pinned = self._pinned_zones(spec)
            cluster = b.domain("cluster", name="Kubernetes cluster", kind="cluster")
            comp.shared_domains.append(cluster)
            n = comp.replicas or 1
            if pinned:
                doms = [b.domain(f"zone:{z}", name=z, kind="zone") for z in pinned]
                comp.placement = doms
                b.evidence(w.cid, f"{where}: node selection pins it to zone(s) {', '.join(pinned)}")
            elif zone_spread:
                doms = [b.domain(f"zone-{i + 1}", name=f"zone {i + 1} (assumed)", kind="zone")
                        for i in range(min(n, ASSUMED_ZONES))]
                comp.placement = doms
                b.tag(w.cid, "spread:zone")
                b.evidence(w.cid, f"{where}: spread across zones ({'required' if hard['zone'] else 'preferred'}); "
                                  f"zone names are not in the manifests, so {len(doms)} assumed zone(s) are used")
            elif host_spread:
                doms = [b.domain(f"node:{w.cid}-{i + 1}", name=f"node {i + 1} of {w.obj.name} (assumed)", kind="host")
                        for i in range(min(n, 100))]
                comp.placement = doms
                b.tag(w.cid, "spread:host")
                b.evidence(w.cid, f"{where}: one instance per node ({'required' if hard['host'] else 'preferred'}); "
                                  "zones are not stated")
            if (zone_spread and not hard["zone"]) or (host_spread and not zone_spread and not hard["host"]):
                b.tag(w.cid, "spread:preferred")
            if (zone_spread or host_spread) and not (hard["zone"] or hard["host"]):
                b.warn(f"{where}: {w.obj.name} only prefers to spread (ScheduleAnyway / preferred anti-affinity): "
                       "the scheduler may still pack its replicas together")

    @staticmethod
    def _pinned_zones(spec: dict) -> list[str]:
        zones: list[str] = []
        ns = spec.get("nodeSelector")
        if isinstance(ns, dict):
            for k in ZONE_KEYS:
                if sy.text(ns.get(k)):
                    zones.append(sy.text(ns.get(k)))
        terms = sy.get_path(spec, "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution",
                            "nodeSelectorTerms")
        for t in terms if isinstance(terms, list) else []:
            exprs = t.get("matchExpressions") if isinstance(t, dict) else None
            for e in exprs if isinstance(exprs, list) else []:
                if isinstance(e, dict) and sy.text(e.get("key")) in ZONE_KEYS and sy.text(e.get("operator")) == "In":
                    vals = e.get("values")
                    zones += [sy.text(v) for v in vals if sy.text(v)] if isinstance(vals, list) else []
        return list(dict.fromkeys(zones))[:20]

    def _pdbs(self, pdbs: list[K8sObject]) -> None:
        b = self.b
        for o in pdbs:
            spec = o.body.get("spec") if isinstance(o.body.get("spec"), dict) else {}
            sel = str_map(sy.get_path(spec, "selector", "matchLabels"))
            hits = [self.by_id[c] for c in self._matching(o.ns, sel)]
            if not hits:
                b.dangling(f"{o.where}: PodDisruptionBudget {o.name} selects {_fmt_sel(sel) or 'nothing'}, "
                           "which no workload in these files carries")
                continue
            for w in hits:
                comp = b.components[w.cid]
                n = comp.replicas or 1
                mu, ma = spec.get("maxUnavailable"), spec.get("minAvailable")
                verdict = None
                if mu is not None:
                    k = _abs_count(mu, n)
                    if k is None:
                        b.warn(f"{o.where}: PodDisruptionBudget {o.name}: maxUnavailable {sy.text(mu)!r} is not a number or percentage")
                        continue
                    if k >= n:
                        verdict = f"maxUnavailable {sy.text(mu)} >= {n} replica(s): it protects nothing"
                    else:
                        verdict = f"maxUnavailable {sy.text(mu)} of {n} replica(s)"
                elif ma is not None:
                    k = _abs_count(ma, n, up=True)
                    if k is None:
                        b.warn(f"{o.where}: PodDisruptionBudget {o.name}: minAvailable {sy.text(ma)!r} is not a number or percentage")
                        continue
                    if k <= 0:
                        verdict = f"minAvailable {sy.text(ma)}: it protects nothing"
                    elif k >= n:
                        verdict = f"minAvailable {sy.text(ma)} of {n} replica(s): blocks every voluntary eviction (node drains will hang)"
                    else:
                        verdict = f"minAvailable {sy.text(ma)} of {n} replica(s)"
                if verdict is None:
                    continue
                b.evidence(w.cid, f"{o.where}: PodDisruptionBudget {o.name}: {verdict}")
                if "protects nothing" in verdict or "blocks every" in verdict:
                    b.warn(f"{o.where}: PodDisruptionBudget {o.name} on {w.obj.name}: {verdict}")
                    b.tag(w.cid, "pdb:ineffective")
                else:
                    b.tag(w.cid, "pdb")

    # ----------------------------------------------------------- env vars
    def _env_dependencies(self) -> None:
        b = self.b
        container_names: dict[str, str] = {}
        for w in self.workloads:
            for c, _ in w.containers:
                cn = sy.text(c.get("name"))
                if cn and cn != w.obj.name:
                    container_names.setdefault(cn, w.obj.name)
                    b.alias(w.cid, cn)
        self.container_names = container_names
        self.env_cache: dict = {}
        # ConfigMaps several workloads take whole (envFrom) that hold the addresses of several services: an
        # address book, not a choice of calls. One that names a single service (a database's URL and
        # credentials, Bank of Anthos's ledger-db-config) is that service's connection settings, handed to
        # the workloads that use it.
        users: dict[tuple, set[str]] = {}
        for w in self.workloads:
            for c, _ in w.containers:
                ef = c.get("envFrom")
                for src in ef if isinstance(ef, list) else []:
                    ref = sy.get_path(src, "configMapRef", "name") if isinstance(src, dict) else None
                    if ref is not None:
                        users.setdefault((w.obj.ns, sy.text(ref)), set()).add(w.cid)
        self.address_books = {k for k, ws in users.items() if len(ws) >= 2 and len(self._named_services(k)) >= 2}
        for w in self.workloads:
            for c, is_init in w.containers:
                cname = sy.text(c.get("name")) or "?"
                env, books = self._env_of(w, c)
                self.env_cache[(w.cid, id(c))] = env
                label = "init container " if is_init else ""
                for var, (value, file, line) in env.items():
                    book = books.get(var)
                    ev = f"{file}:{line}: {label}{cname} env {var}={redact(var, value)}"
                    if not book:
                        self.b.env_setting(w.cid, var, value, ev)
                    self._env_ref(w, var, value, ev, shared=(var, f"ConfigMap {book}") if book else None)
                self._commented_switches(w, c, env, f"{label}{cname}")
                for key in ("args", "command"):
                    vals = c.get(key)
                    if isinstance(vals, list):
                        for i, a in enumerate(vals):
                            s = sy.text(a)
                            if s:
                                self._arg_ref(w, s, f"{w.obj.file}:{sy.line_of(vals, i, w.obj.line)}: "
                                                    f"{label}{cname} {key} {_clip(s)}")
                        self._option_refs(w, vals, key, f"{label}{cname}")

    # ------------------------------------------------------ Spring Cloud Kubernetes
    def _mounted_configmaps(self) -> set[tuple[str, str]]:
        """The ConfigMaps a workload takes (envFrom, a key of one, a volume, a projected volume's source)."""
        out: set[tuple[str, str]] = set()
        for w in self.workloads:
            spec = sy.get_path(w.obj.body, "spec", "template", "spec") if w.obj.kind != "Pod" else w.obj.body.get("spec")
            vols = spec.get("volumes") if isinstance(spec, dict) else None
            for v in vols if isinstance(vols, list) else []:
                if not isinstance(v, dict):
                    continue
                name = sy.get_path(v, "configMap", "name")
                if name is not None:
                    out.add((w.obj.ns, sy.text(name)))
                srcs = sy.get_path(v, "projected", "sources")
                for src in srcs if isinstance(srcs, list) else []:
                    name = sy.get_path(src, "configMap", "name") if isinstance(src, dict) else None
                    if name is not None:
                        out.add((w.obj.ns, sy.text(name)))
            for c, _ in w.containers:
                for src in c.get("envFrom") if isinstance(c.get("envFrom"), list) else []:
                    name = sy.get_path(src, "configMapRef", "name") if isinstance(src, dict) else None
                    if name is not None:
                        out.add((w.obj.ns, sy.text(name)))
                for e in c.get("env") if isinstance(c.get("env"), list) else []:
                    name = sy.get_path(e, "valueFrom", "configMapKeyRef", "name") if isinstance(e, dict) else None
                    if name is not None:
                        out.add((w.obj.ns, sy.text(name)))
        return out

    def _spring_loaders(self) -> dict[tuple[str, str], list[tuple[_Workload, str]]]:
        """(namespace, ConfigMap name) -> the workloads Spring Cloud Kubernetes loads it for, each with why.
        It loads the ConfigMap named ``spring.cloud.kubernetes.config.name`` (its container's
        ``SPRING_CLOUD_KUBERNETES_CONFIG_NAME``, or a checkout's ``bootstrap.yml``: ``self.spring_names``), by
        default the one named after the application (``SPRING_APPLICATION_NAME``, or the workload's name,
        which is the application's as these deployments name them)."""
        out: dict[tuple[str, str], list[tuple[_Workload, str]]] = {}

        def add(w: _Workload, name: str, why: str) -> None:
            lst = out.setdefault((w.obj.ns, name), [])
            if all(x is not w for x, _ in lst):
                lst.append((w, why))

        for w in self.workloads:
            apps = {w.obj.name: f"{w.obj.where}: {w.obj.kind} {w.obj.name}"}
            stated = []
            for c, is_init in w.containers:
                if is_init:
                    continue
                env = self.env_cache.get((w.cid, id(c))) or {}
                if "SPRING_APPLICATION_NAME" in env:
                    value, file, line = env["SPRING_APPLICATION_NAME"]
                    apps[value] = f"{file}:{line}: SPRING_APPLICATION_NAME={value}"
                if "SPRING_CLOUD_KUBERNETES_CONFIG_NAME" in env:
                    value, file, line = env["SPRING_CLOUD_KUBERNETES_CONFIG_NAME"]
                    stated.append((value, f"{file}:{line}: SPRING_CLOUD_KUBERNETES_CONFIG_NAME={value}"))
            for config, said in self.spring_names.items():
                for app, where in said:
                    if app in apps:
                        stated.append((config, f"{where}: spring.cloud.kubernetes.config.name {config} (application {app})"))
            for name, why in stated or [(a, f"{why} (Spring Cloud Kubernetes loads the ConfigMap named after the "
                                            "application)") for a, why in apps.items()]:
                add(w, name, why)
        return out

    def _spring_configmaps(self) -> None:
        """A ConfigMap that no workload mounts and that holds a Spring configuration file (``application.yaml``)
        is loaded through the Kubernetes API by Spring Cloud Kubernetes, by the application's name
        (:meth:`_spring_loaders`): read as that application's configuration. Its Spring Cloud Gateway routes
        are the gateway's calls (Spring PetClinic cloud's api-gateway routes to its three services there); its
        other addresses are the calls of the one application that loads it (``customers-service-id:
        http://customers-service...``); an address naming no Service is a dangling line (PetClinic's
        ``vists-service``). Unread, the gateway called nothing and its services ranked low. A name that
        misses the one asked for by a separator or a plural (``pet-clinic-config`` for ``petclinic-config``)
        is taken to mean it, said in a warning: as written, the application does not find it."""
        b = self.b
        mounted = self._mounted_configmaps()
        loaders = self._spring_loaders()
        for (ns, name), cm in self.configmaps.items():
            data = cm.body.get("data")
            keys = [k for k in data if _SPRING_KEY.match(str(k))] if isinstance(data, dict) else []
            if not keys or (ns, name) in mounted:
                continue
            who = loaders.get((ns, name))
            if who is None:
                near = close_match(name, [n for (lns, n) in loaders if lns == ns])
                if near is None:
                    b.skip(f"{cm.where}: ConfigMap {name} holds a Spring configuration ({', '.join(map(str, keys))}) "
                           "that no workload mounts nor loads by its name: not read")
                    continue
                who = loaders[(ns, near)]
                b.warn(f"{cm.where}: ConfigMap {name} is not named {near}, the name Spring Cloud Kubernetes is asked "
                       f"to load ({who[0][1]}): taken to mean it; check the name (as written, the application does "
                       "not find its configuration)")
            for key in keys:
                self._spring_configmap(cm, str(key), [w for w, _ in who])
                b.read(f"{cm.where}: ConfigMap {name} ({key}), which no workload mounts: read as the Spring "
                       f"configuration of {', '.join(w.cid for w, _ in who)} ({who[0][1]})")

    def _spring_configmap(self, cm: K8sObject, key: str, apps: list[_Workload]) -> None:
        b = self.b
        data = cm.body["data"]
        text = sy.text(data[key])
        at = sy.line_of(data, key, cm.line)
        raw = self.raw.get(cm.file, "").splitlines()
        # the text's line n is the manifest's line at + n under a block scalar's key, else on the key's line
        shift = at if 0 < at <= len(raw) and _BLOCK.search(raw[at - 1]) else at - 1
        where = f"ConfigMap {cm.name} ({key})"
        # a gateway's routes: a configuration several applications load is the gateway's among them
        gateways = apps if len(apps) == 1 else [w for w in apps if b.components[w.cid].kind == "gateway"]
        route_lines = set()
        for rid, uri, line in spring_gateway_routes(text, key):
            route_lines.add(line)
            for w in gateways:
                self._config_ref(w, "spring.cloud.gateway.routes.uri", uri,
                                 f"{cm.file}:{line + shift}: {where} route {rid} uri {_clip(uri)}")
        for uri, pol, _breaker in spring_gateway_policies(text, key):
            for w in gateways:
                for t in self._config_targets(w, uri):
                    for field_name, (value, ev) in pol.items():
                        b.call_setting(w.cid, t, field_name, value, f"{cm.file}: {where}: {ev}")
        if len(apps) != 1:
            return  # one application's addresses, not every application's that loads it
        for skey, value, line in spring_settings(text, key):
            if line not in route_lines:
                self._config_ref(apps[0], skey, value,
                                 f"{cm.file}:{line + shift}: {where} {skey}: {redact(skey, value)}")

    def _config_targets(self, w: _Workload, value: str) -> list[str]:
        return [t for ref in host_refs(value, bare_ok=False) for t in self._lookup(ref.host, w.obj.ns) or []
                if t != w.cid]

    def _config_ref(self, w: _Workload, key: str, value: str, ev: str) -> None:
        """An address a Spring setting of ``w``'s (``key``: its dotted name) holds: a call to the Service it
        names, worded as the variable Spring would read it from (``management.metrics.export.wavefront.uri``
        is ``MANAGEMENT_METRICS_EXPORT_WAVEFRONT_URI``, a telemetry call); a dangling line for a cluster name
        no Service provides."""
        b = self.b
        var = re.sub(r"[^A-Za-z0-9]+", "_", key).strip("_").upper()
        for ref in host_refs(value, bare_ok=False):
            targets = self._lookup(ref.host, w.obj.ns)
            if targets:
                for t in targets:
                    if t != w.cid:
                        hub_named(b, t, var, ev)
                        typ, word = address_call_type(b.components[t], var)
                        b.depend(w.cid, t, typ, ENV, f"{ev} ({word})")
            elif external_api(b, w.cid, ref, var, ev):
                pass
            elif ref.local and not ref.host.startswith("$"):
                names = sorted({n for (ns, n) in self.svc if ns == w.obj.ns})
                near = close_match(ref.short, names) or next(
                    (n for n in names if _one_edit(ref.short, n)), None)
                hint = f"; the Service {near} is nearly that name: a misspelling?" if near else ""
                b.dangling(f"{ev}: names host {ref.host}, which no Service in these files provides{hint}")

    def _named_services(self, key: tuple) -> set[str]:
        """What a ConfigMap's values name as addresses (``key``: namespace, name): the components, and the
        outside hosts (an address book of outside APIs is one too)."""
        cm = self.configmaps.get(key)
        data = cm.body.get("data") if cm is not None else None
        out: set[str] = set()
        for k, v in data.items() if isinstance(data, dict) else ():
            for ref in host_refs(sy.text(v), bare_ok=_address_like(str(k))):
                out.update(self._lookup(ref.host, key[0]) or ([] if ref.local else [ref.host.lower()]))
        return out

    def _commented_switches(self, w: _Workload, c: dict, env: dict, cname: str) -> None:
        """A feature switch the container's env list holds only in a comment, turned on there
        (``# - name: ENABLE_ASSISTANT`` / ``#   value: "true"``): the file shows how to turn the feature
        on, so it is off as deployed; a hard call to the component the feature names is optional
        (:func:`~prr_app.importers.graph.switched_off_calls`). A switch set in the env list wins."""
        items = c.get("env")
        text = self.raw.get(w.obj.file)
        if not isinstance(items, list) or not items or text is None:
            return
        lines = text.splitlines()
        first = sy.line_of(items, 0, 0)
        if not 0 < first <= len(lines):
            return
        indent = len(lines[first - 1]) - len(lines[first - 1].lstrip())
        i = first
        while i < len(lines):
            raw = lines[i]
            body = raw.strip()
            if body and not body.startswith("#"):
                ind = len(raw) - len(raw.lstrip())
                if ind < indent or (ind == indent and not body.startswith("-")):
                    break  # the env list ends
            m = _COMMENTED_NAME.match(raw)
            if m and i + 1 < len(lines):
                var = m.group(1)
                v = _COMMENTED_VALUE.match(lines[i + 1])
                if v and var not in env and switch_words(var) and v.group(1).lower() in _ON:
                    self.b.env_setting(w.cid, var, "false",
                                       f"{w.obj.file}:{i + 1}: {cname} env {var}={v.group(1)} only in a comment "
                                       "(the feature is off as deployed)")
            i += 1

    def _env_of(self, w: _Workload, c: dict) -> tuple[dict[str, tuple[str, str, int]], dict[str, str]]:
        """The container's environment: name -> (value, file, line), $(VAR) resolved; and the variables
        that come from an address book (a ConfigMap several workloads take whole): name -> its name."""
        out: dict[str, tuple[str, str, int]] = {}
        books: dict[str, str] = {}
        f = w.obj.file
        ef = c.get("envFrom")
        for i, src in enumerate(ef if isinstance(ef, list) else []):
            if not isinstance(src, dict):
                continue
            ref = sy.get_path(src, "configMapRef", "name")
            if ref is not None:
                cm = self.configmaps.get((w.obj.ns, sy.text(ref)))
                if cm is None:
                    self.b.dangling(f"{f}:{sy.line_of(ef, i, w.obj.line)}: {w.obj.name} envFrom ConfigMap "
                                    f"{sy.text(ref)}, which is not in these files")
                    continue
                data = cm.body.get("data")
                prefix = sy.text(src.get("prefix"))
                book = (w.obj.ns, sy.text(ref)) in self.address_books
                if isinstance(data, dict):
                    for k, v in data.items():
                        out[prefix + str(k)] = (sy.text(v), cm.file, sy.line_of(data, k, cm.line))
                        if book:
                            books[prefix + str(k)] = sy.text(ref)
        env = c.get("env")
        for i, e in enumerate(env if isinstance(env, list) else []):
            if not isinstance(e, dict):
                continue
            name = sy.text(e.get("name"))
            if not name:
                continue
            line = sy.line_of(e, "value", sy.line_of(env, i, w.obj.line))
            books.pop(name, None)  # the container's own env wins over the book
            if "value" in e:
                val = sy.text(e.get("value"))
                val = re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)",
                             lambda m: out[m.group(1)][0] if m.group(1) in out else m.group(0), val)
                if len(val) > MAX_EXPANDED:  # $(VAR) nesting doubles at each step: bound the bytes
                    raise PrrError(f"env {name}: $(VAR) references expand to more than {MAX_EXPANDED // 1024} KB",
                                   file=f, location=f"line {line}")
                out[name] = (val, f, line)
            else:
                ref = sy.get_path(e, "valueFrom", "configMapKeyRef")
                if isinstance(ref, dict):
                    cm = self.configmaps.get((w.obj.ns, sy.text(ref.get("name"))))
                    data = cm.body.get("data") if cm is not None else None
                    key = sy.text(ref.get("key"))
                    if isinstance(data, dict) and key in data:
                        out[name] = (sy.text(data[key]), cm.file, sy.line_of(data, key, cm.line))
        return out, books

    def _lookup(self, host: str, ns: str) -> list[str] | None:
        """Component ids behind a host name, or None."""
        labels = host.lower().split(".")
        short = labels[0]
        tns = labels[1] if len(labels) > 1 and labels[1] != "svc" else ns
        if (tns, short) in self.svc:
            return self.svc[(tns, short)]
        cands = [v for (n, s), v in self.svc.items() if s == short]
        if len(cands) == 1 and (len(labels) == 1 or ".svc" in host or tns not in (ns,)):
            return cands[0]
        return self._set_pod(labels, ns)

    def _set_pod(self, labels: list[str], ns: str) -> list[str] | None:
        """The StatefulSet whose pod a host name names, or None: ``<set>-<ordinal>.<service>[.<ns>[.svc[...]]]``
        (``cassandra-0.cassandra.default.svc.cluster.local``). Kubernetes gives a set's pods these names only
        through the headless Service (``clusterIP: None``) the set names as its ``serviceName``, so both must
        be in these files; the name is the set's own, not every workload's behind that Service. A set naming
        its own pod (a seed list) is then no call, as any workload naming itself is."""
        m = re.fullmatch(r"(.+)-\d+", labels[0])
        if not m or len(labels) < 2:
            return None
        rest = labels[2:]
        pns = ns
        if rest and rest[0] != "svc":
            pns, rest = rest[0], rest[1:]
        if rest and rest[0] != "svc":  # more labels than a pod's name has: some other host
            return None
        svc = self.svc_obj.get((pns, labels[1]))
        spec = svc.body.get("spec") if svc is not None else None
        if not isinstance(spec, dict) or sy.text(spec.get("clusterIP")) != "None":
            return None
        for w in self.workloads:
            o = w.obj
            if o.kind == "StatefulSet" and o.ns == pns and o.name.lower() == m.group(1) and \
                    sy.text(sy.get_path(o.body, "spec", "serviceName")).lower() == labels[1]:
                return [w.cid]
        return None

    def _env_ref(self, w: _Workload, var: str, value: str, ev: str, shared: tuple[str, str] | None = None) -> None:
        b = self.b
        addr_like = _address_like(var)
        for ref in host_refs(value, bare_ok=addr_like):
            targets = self._lookup(ref.host, w.obj.ns)
            if targets:
                for t in targets:
                    if t == w.cid:
                        continue
                    hub_named(b, t, var, ev)  # first: the call's word says "discovery" from the first caller on
                    typ, word = address_call_type(b.components[t], var)
                    b.depend(w.cid, t, typ, ENV, f"{ev} ({word})", shared=shared)
                    b.address_var(var, t)
            elif not shared and external_api(b, w.cid, ref, var, ev):
                pass  # an outside API (an address book's URLs are every workload's, not a call)
            elif ref.local and (ref.how != "value" or HOST_NAME_VAR.search(var)) and not ref.host.startswith("$"):
                if "$(" in value:
                    continue
                hint = ""
                if ref.short in self.container_names:
                    hint = f"; a container named {ref.short} runs inside {self.container_names[ref.short]}, without a Service of that name"
                elif ref.short in {x.obj.name for x in self.workloads}:
                    hint = "; a workload has that name but no Service exposes it"
                b.dangling(f"{ev}: names host {ref.host}, which no Service in these files provides{hint}")

    def _option_refs(self, w: _Workload, vals, key: str, cname: str) -> None:
        """The Services a container's options name (``args: ["-h", "edge-router"]``), read as a Compose
        command's are (:func:`~prr_app.importers.graph.host_arguments`): only an option's value, and only
        the name of a Service of the workload's namespace."""
        b = self.b
        words = [sy.text(a) for a in vals]
        names = {name.lower(): name for (ns, name) in self.svc if ns == w.obj.ns}
        for flag, host in host_arguments(words, names):
            i = next((k for k, x in enumerate(words) if x == host or x.endswith("=" + host)), 0)
            where = f"{w.obj.file}:{sy.line_of(vals, i, w.obj.line)}"
            for t in self._lookup(host, w.obj.ns) or []:
                if t == w.cid or b.has_dep(w.cid, t):
                    continue
                typ, word = dependency_type(b.components[t])
                b.depend(w.cid, t, typ, ENV, f"{where}: {cname} {key} argument {flag} {host} names the Service "
                                             f"{host} ({word})")
                b.read(f"{where}: {w.cid} -> {t}: read from the host argument {flag} {host} of its {key} "
                       f"({host} is a Service of this namespace)")

    def _arg_ref(self, w: _Workload, arg: str, ev: str) -> None:
        b = self.b
        for ref in host_refs(arg, bare_ok=False):
            targets = self._lookup(ref.host, w.obj.ns)
            for t in targets or []:
                if t != w.cid:
                    typ, word = dependency_type(b.components[t])
                    b.depend(w.cid, t, typ, ENV, f"{ev} ({word})")

    # ------------------------------------------------------ NetworkPolicies
    def _select(self, sel, ns: str) -> tuple[list[str], str]:
        """Workloads a podSelector picks in ``ns``: (ids, description)."""
        if not isinstance(sel, dict):
            return [], ""
        ml = str_map(sel.get("matchLabels"))
        exprs = sel.get("matchExpressions") if isinstance(sel.get("matchExpressions"), list) else []
        if ml:
            cands = [self.by_id[c] for c in self._matching(ns, ml)]
        else:
            cands = [w for w in self.workloads if w.obj.ns == ns]
        out = [w.cid for w in cands if match_expressions(exprs, w.labels)]
        return out, _fmt_sel(ml) or "every pod"

    def _netpols(self, pols: list[K8sObject]) -> None:
        b = self.b
        for o in pols:
            spec = o.body.get("spec") if isinstance(o.body.get("spec"), dict) else {}
            psel = spec.get("podSelector")
            if not isinstance(psel, dict) or (not psel.get("matchLabels") and not psel.get("matchExpressions")):
                b.skip(f"{o.where}: NetworkPolicy {o.name} applies to every pod in {o.ns}: says nothing about one dependency")
                continue
            targets = self._resolve_sel(psel, o, "applies to")
            for direction in ("ingress", "egress"):
                rules = spec.get(direction)
                peer_key = "from" if direction == "ingress" else "to"
                for i, r in enumerate(rules if isinstance(rules, list) else []):
                    rline = sy.line_of(rules, i, o.line)
                    peers = r.get(peer_key) if isinstance(r, dict) else None
                    if not peers:
                        b.skip(f"{o.file}:{rline}: NetworkPolicy {o.name} {direction} rule allows every peer: "
                               "says nothing about dependencies")
                        continue
                    for j, p in enumerate(peers if isinstance(peers, list) else []):
                        if not isinstance(p, dict) or "podSelector" not in p:
                            continue
                        pline = sy.line_of(peers, j, rline)
                        if "namespaceSelector" in p:
                            b.skip(f"{o.file}:{pline}: NetworkPolicy {o.name}: peers in other namespaces are not resolved")
                            continue
                        peers_ids = self._resolve_sel(p.get("podSelector"), o, "allows", line=pline)
                        for t in targets:
                            for s in peers_ids:
                                src, tgt = (s, t) if direction == "ingress" else (t, s)
                                if src == tgt:
                                    continue
                                typ, word = dependency_type(b.components[tgt])
                                how = "corroborates" if b.has_dep(src, tgt) else "allows (only evidence)"
                                b.depend(src, tgt, typ, NETPOL,
                                         f"{o.file}:{pline}: NetworkPolicy {o.name} {direction} {how} "
                                         f"{b.components[src].name} -> {b.components[tgt].name} ({word})")

    def _resolve_sel(self, sel, o: K8sObject, verb: str, line: int | None = None) -> list[str]:
        ids, desc = self._select(sel, o.ns)
        if ids:
            return ids
        ml = str_map(sel.get("matchLabels")) if isinstance(sel, dict) else {}
        where = f"{o.file}:{line or o.line}"
        # a near miss ("cart" for "carts") is used, and reported
        if len(ml) == 1:
            (k, v), = ml.items()
            values = {lv: ids[0] for (lns, lk, lv), ids in self.label_index.items() if lns == o.ns and lk == k}
            near = close_match(v, [x for x in values if x])
            if near:
                self.b.dangling(f"{where}: NetworkPolicy {o.name} {verb} {k}={v}, which no workload carries; "
                                f"taken to mean {k}={near} ({values[near]}): check the policy")
                return [values[near]]
        self.b.dangling(f"{where}: NetworkPolicy {o.name} {verb} {desc}, which no workload in these files carries")
        return []

    def _ingresses(self, ings: list[K8sObject]) -> None:
        b = self.b
        for o in ings:
            spec = o.body.get("spec") if isinstance(o.body.get("spec"), dict) else {}
            backends: list[tuple[str, int]] = []
            default = spec.get("defaultBackend") or spec.get("backend")
            if isinstance(default, dict):
                backends.append((_backend_name(default), getattr(default, "line", o.line)))
            for rule in spec.get("rules") if isinstance(spec.get("rules"), list) else []:
                paths = sy.get_path(rule, "http", "paths")
                for p in paths if isinstance(paths, list) else []:
                    if isinstance(p, dict) and isinstance(p.get("backend"), dict):
                        backends.append((_backend_name(p["backend"]), getattr(p, "line", o.line)))
            if not backends:
                b.skip(f"{o.where}: Ingress {o.name} has no backends")
                continue
            cid = self._free_id(f"ingress-{o.name}", o.ns)
            comp = b.component(cid, f"{o.where}: Ingress {o.name}", name=f"ingress {o.name}", kind="gateway",
                               source_file=o.file)
            comp.user_facing = True
            timeout = self._ingress_nginx_timeout(o, spec)
            for name, line in backends:
                if not name:
                    continue
                targets = self.svc.get((o.ns, name))
                if not targets:
                    b.dangling(f"{o.file}:{line}: Ingress {o.name} routes to Service {name}, which is not in these files")
                    continue
                for t in targets:
                    b.depend(cid, t, "hard", ENV, f"{o.file}:{line}: Ingress {o.name} routes to Service {name} (gateway)")
                    if timeout is not None:
                        b.call_setting(cid, t, "timeout_ms", *timeout)

    @staticmethod
    def _ingress_nginx_timeout(o: K8sObject, spec: dict) -> tuple[int, str] | None:
        """(ms, evidence) of the calls an ingress-nginx Ingress makes to its backends: its
        ``nginx.ingress.kubernetes.io/proxy-read-timeout`` (seconds), else the controller's 60 s;
        None for an Ingress of another controller, whose defaults are its own."""
        meta = o.body.get("metadata") if isinstance(o.body.get("metadata"), dict) else {}
        notes = str_map(meta.get("annotations"))
        nginx = (sy.text(spec.get("ingressClassName")) == "nginx" or notes.get("kubernetes.io/ingress.class") == "nginx"
                 or any(k.startswith("nginx.ingress.kubernetes.io/") for k in notes))
        if not nginx:
            return None
        raw = notes.get("nginx.ingress.kubernetes.io/proxy-read-timeout")
        ms = nginx_time_ms(raw) if raw else None
        if ms is not None:
            return ms, f"{o.where}: Ingress {o.name}: proxy-read-timeout {raw}: ingress-nginx's calls time out after {ms} ms"
        return (NGINX_DEFAULT_READ_TIMEOUT_MS, f"{o.where}: Ingress {o.name} (ingress-nginx): calls time out after "
                                               f"{NGINX_DEFAULT_READ_TIMEOUT_MS} ms (the controller's default "
                                               "proxy-read-timeout)")

    def _service_key(self, host: str, ns: str) -> tuple[str, str] | None:
        """The Service (namespace, name) an Istio host name names, seen from namespace ``ns``, or None."""
        parts = host.split(".")
        if not parts[0] or "*" in host:
            return None
        key = (parts[1] if len(parts) > 1 and parts[1] != "svc" else ns, parts[0])
        return key if key in self.svc else None

    def _mesh_routing(self, vss: list[K8sObject], drs: list[K8sObject]) -> None:
        """Versions behind one Service that the mesh sends no traffic to are no redundancy: an Istio
        VirtualService that routes every call to a Service to some of its subsets (``subset: v1``, a
        DestinationRule's pod labels), or gives the others weight 0, leaves the other workloads idle; the
        Service's redundancy group keeps only the workloads that take traffic (none, when one is left), and
        calls to the Service reach those. Weights split across versions keep each as a member. Where two
        VirtualServices route one Service (a checkout's alternative set-ups), or a subset is defined by no
        DestinationRule here, the group is left whole, and said."""
        b = self.b
        self.routing_objects: set[tuple[str, str, str]] = set()
        subsets: dict[tuple[str, str], dict[str, dict]] = {}  # Service -> subset name -> pod labels
        for o in drs:
            spec = o.body.get("spec") if isinstance(o.body.get("spec"), dict) else {}
            key = self._service_key(sy.text(spec.get("host")), o.ns)
            for sub in spec.get("subsets") if key and isinstance(spec.get("subsets"), list) else []:
                if isinstance(sub, dict) and sy.text(sub.get("name")):
                    subsets.setdefault(key, {})[sy.text(sub.get("name"))] = str_map(sub.get("labels"))
        routed: dict[tuple[str, str], list[tuple[K8sObject, set[str] | None]]] = {}  # None: every workload
        for o in vss:
            spec = o.body.get("spec") if isinstance(o.body.get("spec"), dict) else {}
            gws = [sy.text(g) for g in spec.get("gateways")] if isinstance(spec.get("gateways"), list) else []
            if gws and "mesh" not in gws:
                continue  # outside traffic only (_exposures)
            hosts = [sy.text(h) for h in spec.get("hosts")] if isinstance(spec.get("hosts"), list) else []
            for key in dict.fromkeys(k for h in hosts for k in [self._service_key(h, o.ns)] if k):
                subs: set[str] | None = set()
                for proto in ("http", "tcp", "tls"):
                    for rule in spec.get(proto) if isinstance(spec.get(proto), list) else []:
                        routes = rule.get("route") if isinstance(rule, dict) else None
                        for r in routes if isinstance(routes, list) else []:
                            dest = r.get("destination") if isinstance(r, dict) else None
                            if not isinstance(dest, dict) or self._service_key(sy.text(dest.get("host")), o.ns) != key:
                                continue
                            if "weight" in r and sy.text(r.get("weight")).strip() in ("0", "0.0"):
                                continue  # weight 0: no traffic
                            sub = sy.text(dest.get("subset"))
                            if not sub:
                                subs = None  # a route to the whole Service
                            elif subs is not None:
                                subs.add(sub)
                routed.setdefault(key, []).append((o, subs))
        for key, rules in routed.items():
            ns, name = key
            members = self.svc[key]
            if len(members) < 2:
                continue
            self.routing_objects |= {("VirtualService", o.ns, o.name) for o, subs in rules if subs}
            if len(rules) > 1:
                b.read(f"VirtualServices {', '.join(f'{o.name} ({o.where})' for o, _s in rules)} all route calls to "
                       f"Service {name}: alternatives, of which these files do not say which applies; every workload "
                       "behind it is counted as taking traffic")
                continue
            o, subs = rules[0]
            if not subs:  # a route to the whole Service, or no route read
                continue
            unknown = sorted(x for x in subs if x not in subsets.get(key, {}))
            if unknown:
                b.read(f"{o.where}: VirtualService {o.name} routes calls to Service {name} to subset "
                       f"{', '.join(unknown)}, which no DestinationRule in these files defines: every workload behind "
                       "it is counted as taking traffic")
                continue
            taking = [c for c in members if any(all(self.by_id[c].labels.get(k) == v for k, v in subsets[key][x].items())
                                                for x in subs)]
            idle = [c for c in members if c not in taking]
            if not taking or not idle:
                continue
            self.svc[key] = taking  # the idle ones keep the Service's host name: its code folder is theirs too
            gid = next((g for g, grp in b.groups.items() if grp.members == members), None)
            if gid is not None:
                if len(taking) >= 2:
                    b.groups[gid].members = list(taking)
                else:
                    del b.groups[gid]
            left = (f"group {gid} keeps {', '.join(taking)}" if len(taking) >= 2 else
                    f"group {gid} is dropped: {taking[0]} alone serves Service {name}") if gid else ""
            b.read(f"{o.where}: VirtualService {o.name} sends every call to Service {name} to subset "
                   f"{', '.join(sorted(subs))} ({', '.join(taking)}): {', '.join(idle)} take no traffic, so "
                   f"they are no redundancy for it" + (f"; {left}" if left else ""))
            for c in idle:
                b.idle_versions[c] = list(taking)
                b.evidence(c, f"{o.where}: takes no traffic: VirtualService {o.name} sends every call to Service "
                              f"{name} to subset {', '.join(sorted(subs))} ({', '.join(taking)})")

    def _mesh_service(self, host: str, ns: str) -> list[str]:
        """The components behind an Istio host name (``reviews``, ``reviews.prod``,
        ``reviews.prod.svc.cluster.local``), seen from namespace ``ns``."""
        parts = host.split(".")
        if not parts[0] or "*" in host:
            return []
        return self.svc.get((parts[1] if len(parts) > 1 else ns, parts[0]), [])

    def _gamma_timeouts(self, routes: list[K8sObject]) -> None:
        """Gateway API mesh routes (GAMMA: an ``HTTPRoute`` whose ``parentRefs`` name a Service):
        every call to that Service gets the rules' ``timeouts.request``, the longest, when every
        rule states one."""
        b = self.b
        for o in routes:
            spec = o.body.get("spec") if isinstance(o.body.get("spec"), dict) else {}
            parents = spec.get("parentRefs") if isinstance(spec.get("parentRefs"), list) else []
            services = [sy.text(p.get("name")) for p in parents
                        if isinstance(p, dict) and sy.text(p.get("kind")) == "Service" and sy.text(p.get("name"))]
            rules = [r for r in spec.get("rules") if isinstance(r, dict)] if isinstance(spec.get("rules"), list) else []
            timeouts = [duration_ms(sy.get_path(r, "timeouts", "request")) for r in rules] or [None]
            if not services or None in timeouts:
                continue
            for name in services:
                ns = sy.text(next((p.get("namespace") for p in parents if isinstance(p, dict)
                                   and sy.text(p.get("name")) == name and p.get("namespace")), None)) or o.ns
                for cid in self.svc.get((ns, name), []):
                    b.call_policy(cid, "timeout_ms", max(timeouts),
                                  f"{o.where}: HTTPRoute {o.name} (a mesh route on Service {name}): calls to it time "
                                  f"out after {max(timeouts)} ms")
                    self.mesh_policy_objects.add(("HTTPRoute", o.ns, o.name))

    def _linkerd(self, services: list[K8sObject], profiles: list[K8sObject]) -> None:
        """What Linkerd applies to every call to a Service: a ServiceProfile's routes' timeouts (the
        longest; Linkerd's 10 s for a route that states none), else the Service's annotations
        (Linkerd 2.16 and later): ``timeout.linkerd.io/request``, and ``retry.linkerd.io/http`` or
        ``/grpc`` with ``retry.linkerd.io/limit`` (1 when it states none); and
        ``balancer.linkerd.io/failure-accrual: consecutive``, which stops sending to failing
        endpoints (a circuit breaker). A Service with a ServiceProfile has its timeouts and retries
        from the profile only, as Linkerd reads them. The profile's budgeted retries
        (``isRetryable``) have no count a dependency can hold: named in the evidence of the timeout."""
        b = self.b
        profiled: set[tuple[str, str]] = set()
        for o in profiles:
            host = o.name
            cids = self._mesh_service(host, o.ns)
            spec = o.body.get("spec") if isinstance(o.body.get("spec"), dict) else {}
            routes = [r for r in spec.get("routes") if isinstance(r, dict)] if isinstance(spec.get("routes"), list) else []
            parts = host.split(".")
            profiled.add((parts[1] if len(parts) > 1 else o.ns, parts[0]))
            if not cids or not routes:
                continue
            stated = [(duration_ms(r.get("timeout")) if r.get("timeout") is not None else None, r) for r in routes]
            if any(r.get("timeout") is not None and t is None for t, r in stated):
                continue  # a timeout that is not a figure (or 0): the longest is not known
            longest = max(t if t is not None else LINKERD_DEFAULT_TIMEOUT_MS for t, _r in stated)
            defaulted = any(t is None for t, _r in stated)
            retried = [sy.text(r.get("name")) or "?" for r in routes if sy.as_bool(r.get("isRetryable"))]
            line = (f"{o.where}: ServiceProfile {host}: calls to it time out after {longest} ms (the longest of its "
                    f"{len(routes)} route(s)" + ("; Linkerd's 10 s where a route states none" if defaulted else "") + ")"
                    + (f"; route(s) {', '.join(retried[:3])}{' ...' if len(retried) > 3 else ''} are retried within "
                       "the profile's retry budget" if retried else ""))
            for cid in cids:
                b.call_policy(cid, "timeout_ms", longest, line)
        for o in services:
            meta = o.body.get("metadata") if isinstance(o.body.get("metadata"), dict) else {}
            notes = str_map(meta.get("annotations"))
            cids = self.svc.get((o.ns, o.name), [])
            if not cids or not any("linkerd.io/" in k for k in notes):
                continue
            where = f"{o.where}: Service {o.name} (Linkerd)"
            if (o.ns, o.name) not in profiled:
                ms = duration_ms(notes.get("timeout.linkerd.io/request")) if notes.get("timeout.linkerd.io/request") else None
                if ms:
                    for cid in cids:
                        b.call_policy(cid, "timeout_ms", ms, f"{where}: timeout.linkerd.io/request: calls to it time out "
                                                             f"after {ms} ms")
                on = notes.get("retry.linkerd.io/http") or notes.get("retry.linkerd.io/grpc")
                if on:
                    raw = notes.get("retry.linkerd.io/limit")
                    n = 1 if raw is None else retry_count(raw)
                    if n is not None:
                        for cid in cids:
                            b.call_policy(cid, "retries", n, f"{where}: calls to it failing with {on} are retried up to "
                                                             f"{n} time(s)" + ("" if raw is not None else
                                                                               " (Linkerd's default limit)"))
            if notes.get("balancer.linkerd.io/failure-accrual", "").strip().lower() == "consecutive":
                for cid in cids:
                    b.call_policy(cid, "circuit_breaker", True, f"{where}: failure accrual stops sending calls to "
                                                                "endpoints that keep failing (a circuit breaker)")

    def _mesh_policies(self, vss: list[K8sObject], drs: list[K8sObject], http_routes: list[K8sObject]) -> None:
        """What a service mesh applies to every call to a service (besides Gateway API mesh routes,
        :meth:`_gamma_timeouts`), as Istio states it: a VirtualService's route ``timeout``
        and ``retries`` (Envoy backs off between attempts, with jitter), a DestinationRule's
        ``outlierDetection`` (failing instances are ejected: a circuit breaker). Only a
        VirtualService that applies inside the mesh (no ``gateways``, or ``mesh`` among them) and
        rules without ``sourceLabels`` (which apply to some callers only) count; a host's timeout is
        the longest of its routes' and is stated only if every route to it states one."""
        b = self.b
        self.mesh_policy_objects: set[tuple[str, str, str]] = set()
        # component -> the rules routing calls to it: (timeout ms or None, retry attempts or None, where, host)
        per_target: dict[str, list[tuple[int | None, int | None, K8sObject, str]]] = {}
        for o in vss:
            spec = o.body.get("spec") if isinstance(o.body.get("spec"), dict) else {}
            gws = [sy.text(g) for g in spec.get("gateways")] if isinstance(spec.get("gateways"), list) else []
            if gws and "mesh" not in gws:
                continue
            for rule in spec.get("http") if isinstance(spec.get("http"), list) else []:
                if not isinstance(rule, dict):
                    continue
                matches = rule.get("match") if isinstance(rule.get("match"), list) else []
                if any(isinstance(m, dict) and m.get("sourceLabels") for m in matches):
                    continue
                timeout = duration_ms(rule.get("timeout"))
                retries = rule.get("retries") if isinstance(rule.get("retries"), dict) else None
                attempts = retry_count(retries.get("attempts")) if retries is not None else None
                routes = rule.get("route") if isinstance(rule.get("route"), list) else []
                for r in routes:
                    host = sy.text(sy.get_path(r, "destination", "host")) if isinstance(r, dict) else ""
                    for cid in dict.fromkeys(self._mesh_service(host, o.ns)) if host else ():
                        per_target.setdefault(cid, []).append((timeout, attempts, o, host))
        for cid, rules in per_target.items():
            timeouts = [t for t, _a, _o, _h in rules]
            if None not in timeouts:
                t, _a, o, host = max(rules, key=lambda x: x[0])
                b.call_policy(cid, "timeout_ms", t, f"{o.where}: VirtualService {o.name}: calls to {host} time out "
                                                    f"after {t} ms (mesh route; the longest of {len(rules)})"
                              if len(rules) > 1 else
                              f"{o.where}: VirtualService {o.name}: calls to {host} time out after {t} ms (mesh route)")
                self.mesh_policy_objects.update(("VirtualService", x.ns, x.name) for _t, _a, x, _h in rules)
            stated = [x for x in rules if x[1] is not None]
            if stated:
                _t, n, o, host = max(stated, key=lambda x: x[1])
                b.call_policy(cid, "retries", n, f"{o.where}: VirtualService {o.name}: calls to {host} are retried "
                                                 f"up to {n} time(s) (mesh route)")
                b.call_policy(cid, "backoff", True, f"{o.where}: VirtualService {o.name}: the mesh's retries back off "
                                                    "between attempts, with jitter (Envoy)")
                self.mesh_policy_objects.update(("VirtualService", x.ns, x.name) for _t, _a, x, _h in stated)
        self._gamma_timeouts(http_routes)
        # each Service's DestinationRule is the most specific one for its host (an exact host, then
        # a namespace's ``*.ns.svc.cluster.local``, then the mesh's ``*``), as Istio picks it
        chosen: dict[str, tuple[int, K8sObject, str, bool]] = {}  # component -> (specificity, rule, host, ejects)
        for o in drs:
            spec = o.body.get("spec") if isinstance(o.body.get("spec"), dict) else {}
            host = sy.text(spec.get("host"))
            policies = [spec.get("trafficPolicy")] + [s.get("trafficPolicy") for s in spec.get("subsets")
                                                      if isinstance(s, dict)] \
                if isinstance(spec.get("subsets"), list) else [spec.get("trafficPolicy")]
            ejects = any(isinstance(p, dict) and isinstance(p.get("outlierDetection"), dict) for p in policies)
            specificity, targets = self._rule_hosts(host, o.ns)
            if not targets:
                b.skip(f"{o.where}: DestinationRule {o.name}: "
                       + (f"host {host} is no Service in these files" if host else "no host"))
                continue
            for cid in targets:
                if cid not in chosen or specificity > chosen[cid][0]:
                    chosen[cid] = (specificity, o, host, ejects)
        used: set[tuple[str, str]] = set()
        for cid, (_s, o, host, ejects) in chosen.items():
            if ejects:
                b.call_policy(cid, "circuit_breaker", True,
                              f"{o.where}: DestinationRule {o.name}: outlier detection ejects failing instances of "
                              f"{host} (the mesh's circuit breaker)")
                self.mesh_policy_objects.add(("DestinationRule", o.ns, o.name))
            used.add((o.ns, o.name))
        for o in drs:
            if ("DestinationRule", o.ns, o.name) not in self.mesh_policy_objects and (o.ns, o.name) in used:
                b.skip(f"{o.where}: DestinationRule {o.name}: no outlier detection (nothing that acts as a circuit "
                       "breaker)")

    def _rule_hosts(self, host: str, ns: str) -> tuple[int, list[str]]:
        """(how specific, the components) of a DestinationRule's host: 2 for one Service, 1 for a
        namespace's wildcard (``*.prod.svc.cluster.local``), 0 for the whole mesh (``*``,
        ``*.svc.cluster.local``, ``*.local``)."""
        if not host.startswith("*"):
            return 2, self._mesh_service(host, ns)
        parts = host.split(".")
        if len(parts) >= 3 and parts[2] == "svc" and parts[1] != "svc":  # *.prod.svc.cluster.local
            return 1, [c for (sns, _n), ids in self.svc.items() if sns == parts[1] for c in ids]
        if host in ("*", "*.local", "*.cluster.local", "*.svc.cluster.local"):
            return 0, [c for ids in self.svc.values() for c in ids]
        return 0, []

    def _exposures(self, objs: list[K8sObject]) -> None:
        """OpenShift Routes, Istio VirtualServices bound to a gateway, Gateway API routes, Traefik
        IngressRoutes: the Services they
        send outside traffic to make their workloads user-facing (gateways and services, not datastores)."""
        b = self.b
        for o in objs:
            spec = o.body.get("spec") if isinstance(o.body.get("spec"), dict) else {}
            names: list[str] = []
            if o.kind == "Route":  # route.openshift.io: spec.to and spec.alternateBackends
                for ref in [spec.get("to")] + (spec.get("alternateBackends")
                                               if isinstance(spec.get("alternateBackends"), list) else []):
                    if isinstance(ref, dict) and sy.text(ref.get("kind") or "Service") == "Service":
                        names.append(sy.text(ref.get("name")))
            elif o.kind == "VirtualService":  # Istio: only when bound to an ingress gateway, not the mesh
                gws = spec.get("gateways") if isinstance(spec.get("gateways"), list) else []
                if not [g for g in gws if sy.text(g) and sy.text(g) != "mesh"]:
                    if ("VirtualService", o.ns, o.name) not in self.mesh_policy_objects | self.routing_objects:
                        b.skip(f"{o.where}: VirtualService {o.name}: routing inside the mesh, not from outside, "
                               "with no timeout or retries stated")
                    continue
                for proto in ("http", "tcp", "tls"):
                    for rule in spec.get(proto) if isinstance(spec.get(proto), list) else []:
                        routes = rule.get("route") if isinstance(rule, dict) else None
                        for r in routes if isinstance(routes, list) else []:
                            host = sy.text(sy.get_path(r, "destination", "host")) if isinstance(r, dict) else ""
                            names.append(host.split(".")[0])
            elif o.kind in ("IngressRoute", "IngressRouteTCP"):  # Traefik: spec.routes[].services
                for route in spec.get("routes") if isinstance(spec.get("routes"), list) else []:
                    refs = route.get("services") if isinstance(route, dict) else None
                    for ref in refs if isinstance(refs, list) else []:
                        if isinstance(ref, dict) and sy.text(ref.get("kind") or "Service") == "Service":
                            names.append(sy.text(ref.get("name")))
            else:  # Gateway API: spec.parentRefs (a Gateway) and rules[].backendRefs
                parents = spec.get("parentRefs") if isinstance(spec.get("parentRefs"), list) else []
                gateways = [p for p in parents if isinstance(p, dict) and sy.text(p.get("kind") or "Gateway") == "Gateway"]
                if not gateways:
                    if parents and ("HTTPRoute", o.ns, o.name) not in self.mesh_policy_objects:
                        b.skip(f"{o.where}: {o.kind} {o.name}: a mesh route (attached to a Service, not a Gateway), "
                               "with no timeout stated")
                    elif not parents:
                        b.skip(f"{o.where}: {o.kind} {o.name}: attached to no Gateway")
                    continue
                for rule in spec.get("rules") if isinstance(spec.get("rules"), list) else []:
                    refs = rule.get("backendRefs") if isinstance(rule, dict) else None
                    for ref in refs if isinstance(refs, list) else []:
                        if isinstance(ref, dict) and sy.text(ref.get("kind") or "Service") == "Service":
                            names.append(sy.text(ref.get("name")))
            names = [n for n in dict.fromkeys(names) if n]
            if not names:
                b.skip(f"{o.where}: {o.kind} {o.name}: routes to no Service")
                continue
            for name in names:
                # a route file with no namespace is applied where the Services are (kubectl apply -n): the
                # one Service of that name in any namespace, as an address in a workload's env finds it
                targets = self.svc.get((o.ns, name)) or (self._lookup(name, o.ns) if not o.ns_stated else None)
                if not targets:
                    b.dangling(f"{o.where}: {o.kind} {o.name} routes to Service {name}, which is not in these files")
                    continue
                for cid in targets:
                    comp = b.components[cid]
                    if can_face_users(comp):
                        comp.user_facing = True
                        b.evidence(cid, f"{o.where}: {o.kind} {o.name} routes outside traffic to Service {name}: "
                                        "user-facing")
                    else:
                        b.evidence(cid, f"{o.where}: {o.kind} {o.name} routes outside traffic to Service {name}, "
                                        f"but {not_facing_what(comp)} is not user-facing")

    def _guesses(self) -> None:
        """Flags like SESSION_REDIS=true with exactly one redis deployed (weak, labelled)."""
        b = self.b
        by_tech: dict[str, list[str]] = {}
        for cid, comp in b.components.items():
            for t in ("redis", "postgres", "mysql", "mongodb", "kafka", "memcached"):
                if t in comp.tags:
                    by_tech.setdefault(t, []).append(cid)
        if not by_tech:
            return
        out_deps: dict[str, set] = {}
        for (s, t) in b.deps:
            out_deps.setdefault(s, set()).add(t)
        for w in self.workloads:
            for c, _ in w.containers:
                for var, (value, file, line) in self.env_cache.get((w.cid, id(c)), {}).items():
                    if value.strip().lower() not in ("true", "1", "yes", "on", "enabled"):
                        continue
                    for tech, ids in by_tech.items():
                        if tech[:5] in var.lower() and len(ids) == 1 and ids[0] != w.cid:
                            target = ids[0]
                            if any(tech in b.components[t].tags for t in out_deps.get(w.cid, ())):
                                continue
                            typ, word = dependency_type(b.components[target])
                            b.depend(w.cid, target, typ, GUESS,
                                     f"{file}:{line}: env {var}={redact(var, value)} turns {tech} on and {target} is the only "
                                     f"{tech} in these files (a guess: the host name is not in the manifests)")
                            b.warn(f"{file}:{line}: {w.obj.name} -> {target} is a guess from {var}={value}; confirm it")


def _one_edit(a: str, b: str) -> bool:
    """Is ``a`` ``b`` with one letter left out, added, changed or two swapped (``vists`` for ``visits``)?"""
    if a == b or abs(len(a) - len(b)) > 1 or min(len(a), len(b)) < 4:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                                  and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _scalars(node, prefix: str = "", depth: int = 0) -> dict[str, str]:
    """Every scalar under ``node`` by its dotted path (``data.ENDPOINTS_CARTS``, ``spec.replicas``; a list's
    items by index)."""
    out: dict[str, str] = {}
    if depth > 30:
        return out
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else None
    if items is None:
        out[prefix] = sy.text(node)
        return out
    for k, v in items:
        out.update(_scalars(v, f"{prefix}.{k}" if prefix else str(k), depth + 1))
    return out


def _copies_differ(first: dict, last: dict, shown: int = 3) -> str:
    """What the last copy of an object changes from the first, in a few words: the settings it adds, drops
    and changes (dotted paths, a few of each), or that the two are identical."""
    a, b = _scalars(first), _scalars(last)
    parts = []
    for word, keys in (("adds", [k for k in b if k not in a]), ("drops", [k for k in a if k not in b]),
                       ("changes", [k for k in b if k in a and a[k] != b[k]])):
        if keys:
            more = f" and {len(keys) - shown} more" if len(keys) > shown else ""
            parts.append(f"{word} {', '.join(_clip(k, 60) for k in keys[:shown])}{more}")
    return "the last copy " + "; ".join(parts) if parts else "the two copies are identical"


def _address_like(var: str) -> bool:
    """Whether an environment variable's name says it holds an address (``CART_ADDR``, ``MONGO``), so a
    bare host name in its value (``cart``) is one."""
    return bool(ADDRESS_NAME.search(var)) or var.lower() in ("mongo", "redis", "db", "postgres", "mysql")


def _backend_name(backend: dict) -> str:
    return sy.text(sy.get_path(backend, "service", "name")) or sy.text(backend.get("serviceName"))


def str_map(value) -> dict[str, str]:
    """A map of labels (or a plain selector) as text to text; anything else: empty."""
    if not isinstance(value, dict):
        return {}
    return {str(k): sy.text(v) for k, v in value.items()}


def match_expressions(exprs: list, labels: dict) -> bool:
    """Whether pod ``labels`` meet every ``matchExpressions`` item (In, NotIn, Exists, DoesNotExist).
    An item that is not a mapping is met by nothing: a malformed selector selects no pod."""
    for e in exprs:
        if not isinstance(e, dict):
            return False
        key, op = sy.text(e.get("key")), sy.text(e.get("operator"))
        vals = [sy.text(v) for v in e.get("values")] if isinstance(e.get("values"), list) else []
        if op == "In" and labels.get(key) not in vals:
            return False
        if op == "NotIn" and labels.get(key) in vals:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def _fmt_sel(sel: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in sel.items())


def _abs_count(value, n: int, up: bool = False) -> int | None:
    s = sy.text(value).strip()
    if s.endswith("%"):
        try:
            pct = float(s[:-1])
        except ValueError:
            return None
        import math

        return math.ceil(n * pct / 100) if up else math.ceil(n * pct / 100)
    try:
        return int(s)
    except ValueError:
        return None


def _line(container, key, default: int) -> int:
    return sy.line_of(container, key, default) if isinstance(container, (sy.YMap, sy.YList)) else default


def _clip(s: str, n: int = 120) -> str:
    s = s.replace("\n", " ")
    return s if len(s) <= n else s[: n - 3] + "..."


ImportResultT = object  # for the annotation above without a circular import

