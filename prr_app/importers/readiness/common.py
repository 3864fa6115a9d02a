"""What several extractors share: finding a review's component by name, environment variables,
backup tools, runbook links and secret names."""
from __future__ import annotations

import os
import re

from prr_app import safe_yaml as sy
from prr_app.errors import PrrError
from prr_app.model.entities import Review
from prr_app.checklist.facts import Fact, Facts

#: a word of a variable's or a setting's name that says its value is a secret (the name split into words:
#: ``POSTGRES_PASSWORD``, ``dbPassword``, ``spring.datasource.password``); a name whose last word is ``key``
#: names one too (:func:`secret_name`: ``ENCRYPT_KEY``, ``signing.key``, ``apiKey``)
_SECRET_WORDS = {"password", "passwd", "pass", "pwd", "passphrase", "secret", "token", "credential", "credentials",
                 "apikey", "accesskey", "privatekey", "authkey", "secretkey", "signingkey", "masterkey",
                 "encryptionkey", "privkey", "licensekey"}
#: the word before a last ``key`` that makes it something else than a secret: a public key, a key in a data
#: structure (a routing key, a partition key, a cache key...), a key of a key management service or a key
#: ring (its id, not the key), the name of the key a Secret holds a password under (``passwordKey``)
_KEY_NOT_SECRET = {"public", "pub", "routing", "partition", "sort", "hash", "primary", "foreign", "cache",
                   "idempotency", "dedup", "dedupe", "deduplication", "message", "shard", "group", "lookup",
                   "label", "metric", "header", "tenant", "index", "row", "range", "unique", "object", "kms", "gpg",
                   "pgp", "host", "password", "passwd", "pwd", "token", "user", "username", "map", "selector",
                   "topic", "feature", "sharding", "composite", "natural", "surrogate", "registry", "ref"}
#: a last word that makes a secret-like name name something about the secret, not the secret: its file, its
#: id, its Secret's name, its length, its issuer...
_NOT_THE_SECRET = {"id", "ids", "name", "names", "file", "files", "path", "paths", "ref", "refs", "dir", "url", "uri",
                   "endpoint", "location", "alias", "prefix", "suffix", "type", "kind", "algorithm", "alg", "size",
                   "length", "len", "bits", "version", "format", "header", "enabled", "disabled", "enable", "required",
                   "ttl", "expiry", "expiration", "expires", "lifetime", "timeout", "rotation", "mount", "host",
                   "port", "policy", "mode", "count", "min", "max", "provider", "source", "issuer", "audience",
                   "scope", "scopes", "validity", "strength", "pattern", "regex", "hint", "field", "env", "var",
                   "limit", "limits", "usage", "store", "backend", "manager", "engine", "user", "username", "login"}
#: values that switch something on or off (MYSQL_ALLOW_EMPTY_PASSWORD=yes): no secret
_FLAGS = {"true", "false", "yes", "no", "on", "off", "y", "n", "0", "1", "enabled", "disabled"}
_REFERENCE = re.compile(r"^\s*(\$\{\{.*\}\}|\$\{[^}]*\}|\$\([^)]*\)|\$[A-Za-z_][A-Za-z0-9_]*|<[^>]*>|\{\{.*\}\}|"
                        r"#\{[^}]*\})\s*$")
#: a reference to a variable: ``${NAME}``, ``${NAME:-default}``, ``$NAME`` (its name in group 1 or 2)
_VARIABLE = re.compile(r"^\s*(?:\$\{([A-Za-z_][A-Za-z0-9_]*)(?:[:?=+-][^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*))\s*$")
#: a value that is not the secret itself: encrypted ({cipher}..., ENC(...)), a key of a key management
#: service (an ARN, a Cloud KMS key's name), a path or a file, a public key or a certificate, a mask
_NOT_A_LITERAL = re.compile(r"(?is)^\s*(\{cipher\}|ENC\(|vault:|arn:aws[a-z-]*:|projects/[^/\s]+/locations/|"
                            r"/|\./|\.\./|~/|file:|classpath:|[A-Za-z]:\\|\$[({A-Za-z_]|\{\{|"
                            r"-----BEGIN (?:[A-Z ]*PUBLIC KEY|CERTIFICATE)|ssh-(?:rsa|ed25519|dss) |ecdsa-sha2-|"
                            r"[*xX.]+\s*$|https?://[^@\s]*$)")
_KEY_FILE = re.compile(r"(?i)^[^\s]+\.(pem|key|crt|cer|der|p12|pfx|jks|keystore|json|pub|asc|gpg|txt)$")
_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
#: a URL's password (``postgres://user:P@ssw0rd@host/db``): the user info ends at the last "@" before the
#: path (as libpq, net/url and RFC 3986 read it), so a password that holds an "@" is taken whole
_URL_PASSWORD = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://[^\s:/@]*:)([^\s/]*)@")
#: a password, token or key written as ``name=value`` in a value: a libpq or ADO.NET connection string
#: ("host=db user=u password=x", "Server=db;Password=x"), a JDBC URL's query, a JVM option
_KV_SECRET = re.compile(r"(?i)(?<![A-Za-z0-9])(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|"
                        r"secret[_-]?key|client[_-]?secret)(\s*=\s*)('[^']*'|\"[^\"]*\"|[^\s;&,'\"]*)")
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


def env_facts(pairs: list[tuple], file: str, cid: str, facts: Facts, dotenv: dict | None = None,
              dotenv_rel: str = ".env") -> None:
    """Facts from a workload's or a Compose service's environment: (name, value, line) triples, or
    (name, value, line, (file, line)) for a value another file holds (a bare name in Compose takes its
    value from ``.env``): a literal secret is cited where its value is written. ``dotenv``: the variables
    Compose interpolates (name -> (value, line), from ``dotenv_rel``), where a ``${NAME}`` in a value
    takes a literal secret from."""
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
        for what, place, var in secrets_in(name, raw.get(name, value), dotenv, dotenv_rel):
            place = place or held.get(name)
            # a secret another file writes (.env) is that file's line, whoever reads it: cited once
            facts.add(Fact("k8s.secret-refs", "" if place else cid, *(place or (file, line)), what, "literal", var))


def _words(name: str) -> list[str]:
    """A name's words, lower case: ``POSTGRES_PASSWORD``, ``dbPassword``, ``signing.key``, ``api-key``."""
    out: list[str] = []
    for part in re.split(r"[^A-Za-z0-9]+", name):
        out += [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+", part)]
    return out


def secret_name(name: str) -> bool:
    """Whether a variable's or a setting's name says that its value is a secret: a word of
    :data:`_SECRET_WORDS` (``POSTGRES_PASSWORD``, ``JWT_SECRET``, ``dbPassword``), or a last word ``key``
    after another word (``ENCRYPT_KEY``, ``signing.key``, ``SECRET_KEY_BASE`` by its ``secret``). Not a
    name that names something about a secret (``PASSWORD_FILE``, ``AWS_ACCESS_KEY_ID``, ``TOKEN_URL``,
    ``existingSecretPasswordKey``), a public key, a key in a data structure (``ROUTING_KEY``), nor a bare
    ``key``."""
    words = _words(name)
    if not words or words[-1] in _NOT_THE_SECRET or "existing" in words:
        return False
    if words[-1] == "key" and (len(words) < 2 or words[-2] in _KEY_NOT_SECRET):
        return False
    return any(w in _SECRET_WORDS for w in words) or words[-1] == "key"


def _unquote(v: str) -> str:
    v = v.strip()
    return v[1:-1] if len(v) >= 2 and v[0] == v[-1] and v[0] in "'\"" else v


def literal(value: str) -> bool:
    """Whether a secret's value is written in the file: not empty, no reference (``${VAR}``, ``$(VAR)``,
    ``{{ .Values.x }}``, ``<your key>``), no flag, not encrypted (``{cipher}``, ``ENC(...)``), no key of a key
    management service, no path or file, no public key or certificate, no mask (``****``). A word like
    ``changeme`` is a literal: it is the password wherever nobody changed it."""
    v = _unquote(value)
    return bool(v) and not _REFERENCE.match(v) and v.lower() not in _FLAGS and not _NOT_A_LITERAL.match(v) \
        and not _KEY_FILE.match(v)


def _from_dotenv(ref: str, dotenv: dict | None) -> tuple[str, str, int] | None:
    """The variable a reference names and the literal value and line ``.env`` gives it (None when the
    reference is no variable, or ``.env`` does not give it a literal)."""
    m = _VARIABLE.match(ref)
    if m is None or not dotenv:
        return None
    var = m.group(1) or m.group(2)
    got = dotenv.get(var)
    if got is None or not literal(str(got[0])):
        return None
    return var, str(got[0]), got[1]


def secrets_in(name: str, value: str, dotenv: dict | None = None, dotenv_rel: str = ".env",
               judged: str | None = None) -> list[tuple[str, tuple[str, int] | None, str]]:
    """The literal secrets of a setting ``name`` = ``value``, each (what, where, variable): ``where`` is the
    place (file, line) another file writes it (``.env`` for a ``${VAR}``, and ``variable`` the name it has
    there), None for the setting's own line. The whole value when the name says it is a secret
    (:func:`secret_name`); else a password in a URL (``postgres://user:P@ssw0rd@db``), a ``password=`` (or
    ``pwd``, ``token``, ``api_key``...) in a connection string, a private key. The words never show the
    secret: the value is shown with it masked.
    ``judged``: the part of the name that says what it is, where not the whole (:func:`_setting_name`)."""
    value = str(value or "")
    if secret_name(judged or name):
        ref = _from_dotenv(value, dotenv)
        if ref is not None:
            return [(f"{ref[0]} given as a literal value", (dotenv_rel, ref[2]), ref[0])]
        return [(f"{name} given as a literal value", None, name)] if literal(value) else []
    if len(value) > 4096:
        value = value[:4096]  # a megabyte of environment is no connection string
    if _PRIVATE_KEY.search(value):
        return [(f"{name} holds a private key", None, name)]
    out: list[tuple[str, tuple[str, int] | None, str]] = []
    spans: list[tuple[int, int]] = []
    kinds: list[str] = []
    for m, kind in [(m, "password") for m in _URL_PASSWORD.finditer(value)] + \
                   [(m, m.group(1).lower().replace("_", " ").replace("-", " ")) for m in _KV_SECRET.finditer(value)]:
        secret = m.group(m.lastindex)
        if any(a <= m.start(m.lastindex) < b for a, b in spans):
            continue  # the password of a URL in a connection string's value, said once
        ref = _from_dotenv(_unquote(secret), dotenv)
        if ref is not None:
            out.append((f"{ref[0]} given as a literal value", (dotenv_rel, ref[2]), ref[0]))
        elif literal(secret):
            spans.append((m.start(m.lastindex), m.end(m.lastindex)))
            if kind not in kinds:
                kinds.append(kind)
    if spans:
        shown = value
        for a, b in sorted(spans, reverse=True):
            shown = shown[:a] + "***" + shown[b:]
        shown = " ".join(shown.split())
        shown = shown if len(shown) <= 120 else shown[:117] + "..."
        out.insert(0, (f"{name} holds a literal {' and '.join(kinds)} ({shown})", None, name))
    return out


def config_secrets(path, rel: str, facts: Facts) -> None:
    """Literal secrets in a configuration file the import read: a ``.properties`` file (``signing.key:
    345...``, ``spring.datasource.password=...``) or a YAML one (Spring's ``application.yml``, a
    configuration a config server serves, a Prometheus ``basic_auth``), each cited where it is written.
    A setting is named by its last part (``spring.datasource.password``: ``password``), or its last two
    when the last is a bare ``key`` (``signing.key``); a ``name:``/``value:`` pair is a variable."""
    suffix = path.suffix.lower()
    if suffix not in (".properties", ".yaml", ".yml"):
        return
    try:
        text = sy.read_text(path, max_bytes=2 * 1024 * 1024)
    except PrrError:
        return
    if not re.search(r"(?i)pass|pwd|secret|token|key|credential|://[^\s/]*@|-----BEGIN", text):
        return

    def setting(key: str, value: str, line: int, variable: bool = False) -> None:
        for what, _place, _var in secrets_in(key, value, judged=None if variable else _setting_name(key)):
            facts.add(Fact("k8s.secret-refs", "", rel, line, what, "literal", key))

    if suffix == ".properties":
        for i, ln in enumerate(text.splitlines(), 1):
            s = ln.strip()
            if not s or s[0] in "#!":
                continue
            m = re.match(r"((?:[^\s:=\\]|\\.)+)\s*[:=\s]\s*(.*)$", s)
            if m:
                setting(m.group(1), m.group(2), i)
        return
    try:
        docs = sy.load_text(text, file=rel)
    except PrrError:
        return
    stack = [(d.value, "", d.line) for d in docs]
    while stack:
        node, prefix, line = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("name"), str) and "value" in node and isinstance(node.get("value"), str):
                n = sy.text(node["name"])
                setting(n, sy.text(node["value"]), sy.line_of(node, "value", line), variable=True)
            for k, v in node.items():
                key = f"{prefix}.{k}" if prefix else str(k)
                if isinstance(v, (dict, list)):
                    stack.append((v, key, sy.line_of(node, k, line)))
                elif v is not None and k not in ("name", "value"):
                    setting(key, sy.text(v), sy.line_of(node, k, line))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                if isinstance(v, (dict, list)):
                    stack.append((v, prefix, sy.line_of(node, i, line)))


def _setting_name(key: str) -> str:
    """What names a configuration setting (``spring.datasource.password``): its last part, or its last two
    when the last is a bare ``key`` (``signing.key``); a secret word higher up (``credentials.region``)
    names no secret."""
    parts = [p for p in re.split(r"[.\[\]]", key) if p]
    if not parts:
        return key
    if _words(parts[-1]) == ["key"] and len(parts) > 1:
        return f"{parts[-2]}.{parts[-1]}"
    return parts[-1]


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
