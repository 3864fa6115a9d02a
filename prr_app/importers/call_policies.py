"""What a gateway's or proxy's configuration says about the calls it makes: timeouts, retries, breakers.

Each reader gives a *call policy*, ``{dependency field: (value, evidence line)}`` over
``graph.CALL_POLICY_FIELDS``, which ``graph.settle_calls`` gives to a dependency where it states
nothing itself: a Spring Cloud Gateway (:func:`spring_gateway_policies`), an Envoy front proxy
(:func:`envoy_policies`) and nginx (:func:`nginx_policies`). A service mesh's objects are read
with the Kubernetes manifests (``importers/kubernetes.py``), through the same shape.

A checkout's Spring Cloud Gateway (``application.yml``) routes requests to services
(``uri: lb://vets-service``) through filters: a ``CircuitBreaker`` filter (Resilience4j) and a
``Retry`` filter, on every route (``default-filters``) or on one; a response timeout for every
route (``httpclient.response-timeout``) or for one (``metadata.response-timeout``). Those are the
gateway's calls' circuit breaker, retries (with or without back-off) and timeout, and the import
gives them to the dependencies, so that the report does not say the gateway calls its services
with no breaker when its configuration puts one on every route (docs/importers.md).

A ``fallbackUri`` is named in the evidence but not taken for the dependency's fallback: what it
serves (a degraded answer or an error page) is not in the configuration; the reviewer states it.
"""
from __future__ import annotations

import re

from prr_app import safe_yaml as sy
from prr_app.errors import PrrError

#: Spring Cloud Gateway's configuration roots, oldest first (4.x moved routes under server.webflux/webmvc)
GATEWAY_ROOTS = (("spring", "cloud", "gateway"), ("spring", "cloud", "gateway", "server", "webflux"),
                 ("spring", "cloud", "gateway", "server", "webmvc"), ("spring", "cloud", "gateway", "mvc"))
#: the Retry filter's attempts when it states none (Spring Cloud Gateway's default)
RETRY_DEFAULT = 3

#: what a dependency may hold (model/validation.py): larger figures in a file are not taken
MAX_RETRIES = 1000
#: a timeout longer than a day is no timeout a reviewer can reason with: not taken
MAX_TIMEOUT_MS = 86_400_000

_SPRING_FILE = re.compile(r"(^|/)(application|bootstrap)(-[A-Za-z0-9_.-]+)?\.ya?ml$", re.IGNORECASE)


def is_spring_config(rel: str) -> bool:
    return bool(_SPRING_FILE.search(rel))


def _get(node, path: tuple[str, ...]):
    """``node`` at ``path``, where a mapping may also write several steps as one dotted key
    (``spring.cloud.gateway:``), as Spring reads it."""
    if not path:
        return node
    if not isinstance(node, dict):
        return None
    for n in range(len(path), 0, -1):
        key = ".".join(path[:n])
        if key in node:
            found = _get(node[key], path[n:])
            if found is not None:
                return found
    return None


def duration_ms(value) -> int | None:
    """Milliseconds of a duration as Spring and Istio write them: a number of ms, ``5s``,
    ``0.5s``, ``500ms``, ``1m``, ``PT5S``; None for anything else, for zero (no timeout) and for
    more than :data:`MAX_TIMEOUT_MS`."""
    text = sy.text(value).strip()
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h)?", text, re.IGNORECASE)
    if m:
        ms = float(m.group(1)) * {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}[(m.group(2) or "ms").lower()]
    else:
        m = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?", text, re.IGNORECASE)
        if not m or not any(m.groups()):
            return None
        ms = (int(m.group(1) or 0) * 3600 + int(m.group(2) or 0) * 60 + float(m.group(3) or 0)) * 1000
    return round(ms) if 0 < ms <= MAX_TIMEOUT_MS else None


def retry_count(value) -> int | None:
    """A number of retries from a scalar (``3``, ``"3"``): 0 to :data:`MAX_RETRIES`, else None."""
    text = sy.text(value).strip() if not isinstance(value, bool) else ""
    return int(text) if text.isdigit() and len(text) < 6 and int(text) <= MAX_RETRIES else None


def _documents(text: str, rel: str, needs: str) -> list:
    """The YAML documents of ``text`` if it mentions ``needs`` and parses; else none (a file that
    is not YAML is still read as text by the evidence scan)."""
    if needs not in text:
        return []
    try:
        return sy.load_text(text, file=rel)
    except PrrError:
        return []


def _filter(value) -> tuple[str, dict, list]:
    """(name, named arguments, positional arguments) of a filter in either form:
    ``Retry=3``, ``CircuitBreaker=name=cb,fallbackUri=/fallback`` or ``{name: Retry, args: {...}}``."""
    if isinstance(value, dict):
        args = value.get("args") if isinstance(value.get("args"), dict) else {}
        return sy.text(value.get("name")).strip(), {str(k): v for k, v in args.items()}, []
    name, _, rest = sy.text(value).partition("=")
    named: dict = {}
    positional: list = []
    for part in (p.strip() for p in rest.split(",")) if rest else ():
        k, eq, v = part.partition("=")
        if eq and re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]*", k.strip()):
            named[k.strip()] = v.strip()
        elif part:
            positional.append(part)
    return name.strip(), named, positional


def _filters_policy(filters: list, where: str) -> dict:
    """The call policy the filters give: {field: (value, evidence)}."""
    out: dict = {}
    for f in filters:
        name, named, positional = _filter(f)
        if name == "CircuitBreaker":
            fallback = sy.text(named.get("fallbackUri") or (positional[1] if len(positional) > 1 else ""))
            out["circuit_breaker"] = (True, f"{where}: CircuitBreaker filter (Spring Cloud Gateway): a circuit breaker "
                                            "on the calls, whose Resilience4j time limiter also times them out"
                                            + (f"; on failure it forwards to {fallback} (what that serves is not said "
                                               "here)" if fallback else ""))
        elif name == "Retry":
            raw = named.get("retries", positional[0] if positional else None)
            n = RETRY_DEFAULT if raw is None else retry_count(raw)
            if n is None:
                continue
            backoff = named.get("backoff")
            when = ", ".join(sy.text(named[k]) if not isinstance(named[k], list) else "/".join(map(sy.text, named[k]))
                             for k in ("statuses", "methods", "series") if named.get(k))
            line = (f"{where}: Retry filter (Spring Cloud Gateway): up to {n} retr{'y' if n == 1 else 'ies'}"
                    + ("" if raw is not None else " (its default)") + (f" on {when}" if when else "")
                    + (", backing off between attempts" if backoff else ", at once (no back-off stated)"))
            out["retries"] = (n, line)
            out["backoff"] = (bool(backoff), line)
    return out


def spring_gateway_policies(text: str, rel: str) -> list[tuple[str, dict, str | None]]:
    """The routes of the Spring Cloud Gateway configured in ``text`` (file ``rel``), each as
    (its ``uri``, {dependency field: (value, evidence)}, the name of the circuit breaker its calls
    go through or None): what the default and the route's own filters and timeouts apply to its
    calls. A breaker's time limiter is configured apart (:func:`time_limiter_settings`). Routes
    with nothing to say are left out; a file that is not YAML gives nothing (the evidence scan
    reads it as text anyway)."""
    out: list[tuple[str, dict, str | None]] = []
    for doc in _documents(text, rel, "gateway"):
        for root in GATEWAY_ROOTS:
            gw = _get(doc.value, root)
            if not isinstance(gw, dict):
                continue
            base: dict = {}
            defaults = _get(gw, ("default-filters",))
            base_breaker = None
            if isinstance(defaults, list):
                base.update(_filters_policy(defaults, f"{rel}:{sy.line_of(gw, 'default-filters', doc.line)}: "
                                                      "default-filters"))
                base_breaker = _breaker_name(defaults)
            timeout = duration_ms(_get(gw, ("httpclient", "response-timeout")))
            if timeout:
                base["timeout_ms"] = (timeout, f"{rel}: httpclient.response-timeout: every route's calls time out "
                                               f"after {timeout} ms")
            routes = _get(gw, ("routes",))
            for k, route in enumerate(routes if isinstance(routes, list) else []):
                if not isinstance(route, dict) or not sy.text(route.get("uri")):
                    continue
                where = f"{rel}:{sy.line_of(routes, k, doc.line)}: route {sy.text(route.get('id')) or k}"
                pol = dict(base)
                breaker = base_breaker
                filters = route.get("filters")
                if isinstance(filters, list):
                    pol.update(_filters_policy(filters, where))
                    breaker = _breaker_name(filters) or breaker
                own = duration_ms(_get(route, ("metadata", "response-timeout")))
                if own:
                    pol["timeout_ms"] = (own, f"{where}: metadata.response-timeout: its calls time out after {own} ms")
                if pol:
                    # a CircuitBreaker filter without a name makes its breaker under the route's id
                    if breaker == "":
                        breaker = sy.text(route.get("id")) or None
                    out.append((sy.text(route.get("uri")), pol, breaker))
    return out


def spring_gateway_routes(text: str, rel: str) -> list[tuple[str, str, int]]:
    """Every route of the Spring Cloud Gateway configured in ``text`` (file ``rel``), each as (its id, its
    ``uri``, the line of its ``uri``), whatever its filters say (:func:`spring_gateway_policies` gives
    only the routes whose calls it has something to say about)."""
    out: list[tuple[str, str, int]] = []
    for doc in _documents(text, rel, "gateway"):
        for root in GATEWAY_ROOTS:
            routes = _get(_get(doc.value, root), ("routes",))
            for k, route in enumerate(routes if isinstance(routes, list) else []):
                if isinstance(route, dict) and sy.text(route.get("uri")):
                    line = sy.line_of(route, "uri", sy.line_of(routes, k, doc.line))
                    out.append((sy.text(route.get("id")) or str(k), sy.text(route.get("uri")), line))
    return out


def spring_settings(text: str, rel: str) -> list[tuple[str, str, int]]:
    """Every setting of a Spring configuration (``application.yml`` or ``.properties``), each as (its
    dotted key, its value as text, its line); a file that does not parse gives none."""
    if rel.lower().endswith(".properties"):
        return [(m.group(1), m.group(2).strip(), text.count("\n", 0, m.start()) + 1)
                for m in re.finditer(r"^[ \t]*([A-Za-z0-9_.\[\]-]+)[ \t]*[=:][ \t]*(.*)$", text, re.MULTILINE)]
    return [(key, sy.text(value), line) for doc in _documents(text, rel, ":")
            for key, value, line in _flat(doc.value, "", doc.line)]


def spring_config_names(text: str, rel: str) -> tuple[str, list[tuple[str, int]]]:
    """The application a Spring ``bootstrap.yml``/``application.yml`` configures (``spring.application.name``,
    "" when it names none) and the ConfigMaps Spring Cloud Kubernetes loads for it, each with its line:
    ``spring.cloud.kubernetes.config.name`` and its ``sources[].name``, in any profile's document; none
    stated: the application's name, which Spring Cloud Kubernetes loads by default (then without a line)."""
    app, names = "", []
    for doc in _documents(text, rel, "spring"):
        name = _get(doc.value, ("spring", "application", "name"))
        if not app and isinstance(name, (str, int)) and sy.text(name).strip():
            app = sy.text(name).strip()
        config = _get(doc.value, ("spring", "cloud", "kubernetes", "config"))
        if not isinstance(config, dict):
            continue
        for node in [config, *(s for s in _seq(_get(config, ("sources",))) if isinstance(s, dict))]:
            value = node.get("name")
            if isinstance(value, (str, int)) and sy.text(value).strip():
                names.append((sy.text(value).strip(), sy.line_of(node, "name", doc.line)))
    return app, names


def spring_kubernetes_names(files) -> dict[str, list[tuple[str, str]]]:
    """What Spring Cloud Kubernetes loads for the applications of a checkout, from their ``bootstrap.yml``
    and ``application.yml`` files (``files``: (path relative to the checkout, text) pairs): ConfigMap name ->
    [(application name, "file:line" where it is said)] (:func:`spring_config_names`), for
    ``kubernetes.read_kubernetes(spring_names=...)``. Only what a file states: the default (the
    application's own name) the Kubernetes import assumes itself."""
    out: dict[str, list[tuple[str, str]]] = {}
    for rel, text in files:
        if not is_spring_config(rel):
            continue
        app, names = spring_config_names(text, rel)
        for name, line in names if app else ():
            if (app, f"{rel}:{line}") not in out.setdefault(name, []):
                out[name].append((app, f"{rel}:{line}"))
    return out


def _breaker_name(filters: list) -> str | None:
    """The name of the circuit breaker the last ``CircuitBreaker`` filter of ``filters`` makes:
    "" for one without a name (the route's id is then its name), None without such a filter."""
    name = None
    for f in filters:
        fname, named, positional = _filter(f)
        if fname == "CircuitBreaker":
            name = sy.text(named.get("name") or (positional[0] if positional else "")).strip()
    return name


# ------------------------------------------------------------------ Resilience4j's time limiter
#: Resilience4j's time limiter when nothing configures it (its documented default)
RESILIENCE4J_DEFAULT_TIMEOUT_MS = 1000
_R4J_UNITS = {"millis": 1, "seconds": 1000, "minutes": 60_000}
#: ``Duration.ofSeconds(10)`` (Java; ``10L``) as the argument of a time limiter's ``timeoutDuration``
_TL_DURATION = re.compile(r"timeoutDuration\s*\(\s*(?:java\.time\.)?Duration\s*\.\s*of(Millis|Seconds|Minutes)\s*"
                          r"\(\s*(\d{1,9})\s*[lL]?\s*\)\s*\)")
_TL_DEFAULTS = re.compile(r"TimeLimiterConfig\s*\.\s*ofDefaults\s*\(\s*\)")
_R4J_PROPERTY = re.compile(
    r"^[ \t]*(?:resilience4j\.timelimiter\.(configs|instances)\.([A-Za-z0-9_.-]+?)\.timeout[-_]?[dD]uration"
    r"|spring\.cloud\.circuitbreaker\.resilience4j\.(disable[-_]?[tT]ime[-_]?[lL]imiter))[ \t]*[=:][ \t]*(\S+)",
    re.MULTILINE)


def _call_span(text: str, start: int, limit: int = 4000) -> int:
    """The end of the call whose opening bracket is at ``start``, a parenthesis or (Kotlin's
    trailing lambda) a brace: where those brackets balance again (strings are not told apart: a
    customizer's code holds no stray one), or ``limit`` characters on."""
    opening = text[start]
    closing = ")" if opening == "(" else "}"
    depth = 0
    end = min(len(text), start + limit)
    for i in range(start, end):
        ch = text[i]
        if ch == opening:
            depth += 1
        elif ch == closing:
            depth -= 1
            if depth == 0:
                return i + 1
    return end


def time_limiter_settings(text: str, rel: str, source: bool, *,
                          spring: bool = False) -> list[tuple[str, int | None, str]]:
    """What ``text`` (file ``rel``; ``source``: code, else configuration) says of the time limiter
    of a service's Resilience4j circuit breakers, which times their calls out: a list of
    (scope, milliseconds, evidence line), where the scope is

    - ``"code:default"``: a Spring Cloud CircuitBreaker customizer's ``configureDefault`` in
      Java or Kotlin (``TimeLimiterConfig.custom().timeoutDuration(Duration.ofSeconds(10))``,
      or ``TimeLimiterConfig.ofDefaults()``, Resilience4j's 1 s), every breaker's;
    - ``"config:default"`` and ``"config:NAME"``: ``resilience4j.timelimiter.configs.default``
      and ``.instances.NAME`` in ``application*.yml`` or ``.properties``;
    - ``"disabled"`` (milliseconds None): ``spring.cloud.circuitbreaker.resilience4j.disable-time-limiter``.

    :func:`time_limit` tells which applies to one breaker."""
    out: list[tuple[str, int | None, str]] = []
    if source:
        for m in re.finditer(r"configureDefault\s*[({]", text):
            span = text[m.start(): _call_span(text, m.end() - 1)]
            d = _TL_DURATION.search(span)
            if d:
                ms = int(d.group(2)) * _R4J_UNITS[d.group(1).lower()]
                what = f"timeoutDuration(Duration.of{d.group(1)}({d.group(2)}))"
                at = m.start() + d.start()
            else:
                d = _TL_DEFAULTS.search(span)
                if not d:
                    continue
                ms, what, at = RESILIENCE4J_DEFAULT_TIMEOUT_MS, "TimeLimiterConfig.ofDefaults() (1 s)", m.start() + d.start()
            if 0 < ms <= MAX_TIMEOUT_MS:
                out.append(("code:default", ms, f"{rel}:{text.count(chr(10), 0, at) + 1}: Resilience4j time limiter "
                                                f"of every circuit breaker (configureDefault: {what}): the calls "
                                                f"time out after {ms} ms"))
        return out
    for key, value, where in resilience4j_config(text, rel, spring=spring):
        m = _R4J_PROPERTY.match(f"{key}=x")
        if m and (m.group(1) or m.group(3)):
            out.extend(_limiter_entry(m.group(1), m.group(2), m.group(3), value, where))
    return out


def _property_line(word: str) -> re.Pattern:
    return re.compile(r"^[ \t]*([A-Za-z0-9_.-]*" + word + r"\.[A-Za-z0-9_.\[\]-]+)[ \t]*[=:][ \t]*(.*?)[ \t\r]*$",
                      re.MULTILINE)


_PROPERTY_LINES = {w: _property_line(w) for w in ("resilience4j", "feign", "hystrix", "zuul", "ribbon")}


def spring_config(text: str, rel: str, word: str, *, spring: bool = False) -> list[tuple[str, object, str]]:
    """(dotted key, value, "file:line") of every setting with ``word.`` in its key (``word``:
    ``resilience4j``, ``feign``, ``hystrix``, ``zuul`` or ``ribbon``) of a Spring configuration file:
    ``application*.yml`` (nested keys or dotted ones, read flattened, as the properties they are), a
    ``.properties`` file, or (``spring``) a YAML file a config server hands out
    (``account-service.yml`` in a configuration repository)."""
    if word not in text:
        return []
    if rel.lower().endswith(".properties"):
        return [(m.group(1), m.group(2), f"{rel}:{text.count(chr(10), 0, m.start()) + 1}")
                for m in _PROPERTY_LINES[word].finditer(text)]
    if not (spring or is_spring_config(rel)):
        return []
    return [(key, value, f"{rel}:{line}") for doc in _documents(text, rel, word)
            for key, value, line in _flat(doc.value, "", doc.line) if f"{word}." in key]


def resilience4j_config(text: str, rel: str, *, spring: bool = False) -> list[tuple[str, object, str]]:
    """:func:`spring_config` of the ``resilience4j.*`` settings (and
    ``spring.cloud.circuitbreaker.resilience4j.*``)."""
    return spring_config(text, rel, "resilience4j", spring=spring)


#: Resilience4j's retry when nothing configures it: 3 attempts (2 retries), a fixed 500 ms wait
RESILIENCE4J_DEFAULT_ATTEMPTS = 3
_R4J_RETRY_KEY = re.compile(r"resilience4j\.retry\.(configs|instances)\.([A-Za-z0-9_.-]+?)\."
                            r"(max[-_]?[aA]ttempts|enable[-_]?[eE]xponential[-_]?[bB]ackoff|enable[-_]?[rR]andomized[-_]?[wW]ait)$")


def retry_policy(config, name: str) -> tuple[int, bool, str]:
    """(retries, with back-off, the words for it) of the Resilience4j retry named ``name`` under one
    service's ``config`` (:func:`resilience4j_config` of its files): its instance's settings, else
    the default config's, else Resilience4j's (3 attempts, a fixed wait between them, which is
    not a back-off: the retries come at a steady pace whatever the load)."""
    found: dict[tuple[str, str], tuple[object, str]] = {}
    for key, value, where in config:
        m = _R4J_RETRY_KEY.match(key)
        if m:
            scope = "default" if m.group(1) == "configs" and m.group(2) == "default" else \
                m.group(2) if m.group(1) == "instances" else None
            if scope is not None:
                found[(scope, "attempts" if m.group(3).lower().startswith("max") else "backoff")] = (value, where)

    def setting(what):
        return found.get((name, what)) or found.get(("default", what))

    attempts, where = setting("attempts") or (None, "")
    n = retry_count(attempts) if attempts is not None else None
    if not n:  # not stated, or not a figure (or 0, which Resilience4j refuses): its default
        n, where = RESILIENCE4J_DEFAULT_ATTEMPTS, ""
    exp = setting("backoff")
    backoff = exp is not None and (exp[0] is True or sy.text(exp[0]).strip().lower() == "true")
    words = (f"up to {n - 1} retr{'y' if n == 2 else 'ies'} ({n} attempts"
             + (f", {where}" if where else ", Resilience4j's default") + ")"
             + (f", backing off between attempts ({exp[1]})" if backoff else
                ", a fixed wait between attempts (no exponential back-off)"))
    return n - 1, backoff, words


def _flat(node, prefix: str, line: int, depth: int = 0):
    """(dotted key, scalar value, line) of every scalar under the mappings of ``node``."""
    if not isinstance(node, dict) or depth > 20:
        return
    for k, v in node.items():
        key = f"{prefix}.{sy.text(k)}" if prefix else sy.text(k)
        at = sy.line_of(node, k, line)
        if isinstance(v, dict):
            yield from _flat(v, key, at, depth + 1)
        elif not isinstance(v, list):
            yield key, v, at


def spring_keys_by_line(text: str, rel: str) -> dict[int, str]:
    """The dotted key each line of a Spring configuration file sets (``security.oauth2.resource.user-info-uri``
    for the line that says ``user-info-uri: ...`` under its parents)."""
    if rel.lower().endswith(".properties"):
        return {text.count("\n", 0, m.start()) + 1: m.group(1)
                for m in re.finditer(r"^[ \t]*([A-Za-z0-9_.\[\]-]+)[ \t]*[=:]", text, re.MULTILINE)}
    out: dict[int, str] = {}
    for doc in _documents(text, rel, ":"):
        for key, _value, line in _flat(doc.value, "", doc.line):
            out.setdefault(line, key)
    return out


#: settings a Spring service uses only with a library of that technology on its class path:
#: (key prefix, words one of which its build file names)
SPRING_LIBRARIES = [
    ("security.oauth2.", ("oauth2",)), ("spring.security.oauth2.", ("oauth2",)),
    ("spring.rabbitmq.", ("amqp", "rabbit")), ("eureka.", ("eureka",)), ("spring.kafka.", ("kafka",)),
    ("spring.data.mongodb.", ("mongo",)), ("spring.redis.", ("redis",)), ("spring.data.redis.", ("redis",)),
    ("spring.zipkin.", ("zipkin", "sleuth", "tracing")), ("management.zipkin.", ("zipkin", "tracing")),
]


def spring_library(key: str) -> tuple[str, ...]:
    """The words of the library a Spring setting needs (``spring.rabbitmq.host``: amqp or rabbit), or ()."""
    for prefix, words in SPRING_LIBRARIES:
        if key.startswith(prefix):
            return words
    return ()


_R4J_ANNOTATION = re.compile(r"@(?:io\.github\.resilience4j\.[a-z.]+\.)?(CircuitBreaker|Retry|TimeLimiter)\s*\(([^()]{0,400})\)")


def _annotation_arg(args: str, key: str) -> str:
    m = re.search(key + r"\s*=\s*\"([^\"]{1,200})\"", args)
    return m.group(1) if m else ""


_CB_RUN = re.compile(r"(?:\b([A-Za-z_][A-Za-z0-9_]*)|\))\s*\.\s*run\s*\(")
_CLIENT_USE = re.compile(r"\b([a-z][A-Za-z0-9]*?)(?:Service)?(?:Client|Api|Proxy)\s*\.\s*[a-z]\w*\s*\(")


def breaker_fallbacks(text: str, rel: str) -> list[tuple[str, str, str]]:
    """Spring Cloud CircuitBreaker's ``run(call, fallback)`` in Java or Kotlin (``cb.run(it, throwable ->
    emptyVisitsForPets())``, on a breaker ``create``d from a ``CircuitBreakerFactory``): each as (the
    client the wrapped call goes through, named by the nearest use of a client before it,
    ``visitsServiceClient.getVisitsForPets(...)`` -> ``visits``; the fallback's text; "file:line")."""
    if "CircuitBreaker" not in text or ".run" not in text:
        return []
    out = []
    for m in _CB_RUN.finditer(text):
        start = m.end()
        depth, i = 1, start
        while i < len(text) and depth and i - start < 2000:
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        args = text[start:i - 1]
        # a second argument at depth 0: the fallback
        depth, cut = 0, -1
        for j, ch in enumerate(args):
            depth += {"(": 1, ")": -1, "{": 1, "}": -1}.get(ch, 0)
            if ch == "," and depth == 0:
                cut = j
                break
        if cut < 0:
            continue
        if (m.group(1) or "") in ("SpringApplication", "app", "application", "thread", "executor", "Thread"):
            continue  # starting an application or a thread, not a breaker
        window = text[max(0, m.start() - 600): m.start()]
        before = "circuitBreaker" in window or "cbFactory" in window or "CircuitBreaker" in window \
            or "circuitbreaker" in (m.group(1) or "").lower() or (m.group(1) or "").lower() in ("cb", "breaker")
        clients = list(_CLIENT_USE.finditer(window))
        if not before or not clients:
            continue
        fallback = " ".join(args[cut + 1:].split())[:80]
        out.append((clients[-1].group(1), fallback, f"{rel}:{text.count(chr(10), 0, m.start()) + 1}"))
    return out


def resilience4j_annotations(text: str, rel: str) -> list[tuple[str, str, str, str]]:
    """Resilience4j's annotations in Java or Kotlin source that imports Resilience4j, each as
    (kind: ``CircuitBreaker``, ``Retry`` or ``TimeLimiter``; the instance's ``name``; the
    ``fallbackMethod``, or ""; "file:line"). Another library's annotations of the same names
    (MicroProfile Fault Tolerance: :func:`microprofile_clients`) are not these: a file that does not import
    Resilience4j gives none."""
    if "resilience4j" not in text:
        return []
    return [(m.group(1), _annotation_arg(m.group(2), "name"), _annotation_arg(m.group(2), "fallbackMethod"),
             f"{rel}:{text.count(chr(10), 0, m.start()) + 1}") for m in _R4J_ANNOTATION.finditer(text)]


def annotation_policy(kind: str, name: str, fallback: str, where: str, caller: str, target: str,
                      limits, config) -> dict:
    """The call policy of one Resilience4j annotation on ``caller``'s calls to ``target``:
    ``limits`` and ``config`` are :func:`time_limiter_settings` and :func:`resilience4j_config`
    of the caller's files."""
    what = f"{where}: @{kind}(name = {name or '?'}) (Resilience4j) on {caller}'s calls to {target}"
    if kind == "CircuitBreaker":
        return {"circuit_breaker": (True, f"{what}: a circuit breaker" + (
            f"; on failure it answers with {fallback}() (what that returns is not said here)" if fallback else ""))}
    if kind == "Retry":
        n, backoff, words = retry_policy(config, name)
        line = f"{what}: {words}"
        return {"retries": (n, line), "backoff": (backoff, line)}
    limit = time_limit(limits, name or None)
    if limit is None:
        if any(scope == "disabled" for scope, _ms, _line in limits):
            return {}
        return {"timeout_ms": (RESILIENCE4J_DEFAULT_TIMEOUT_MS, f"{what}: the calls time out after "
                               f"{RESILIENCE4J_DEFAULT_TIMEOUT_MS} ms (Resilience4j's default: nothing in the "
                               "repository configures this time limiter)")}
    return {"timeout_ms": (limit[0], f"{what}: the calls time out after {limit[0]} ms ({limit[1]})")}


# ------------------------------------------------------------------ MicroProfile Fault Tolerance
#: a MicroProfile REST client interface: ``@RegisterRestClient(configKey = "customerClient")`` or ``(baseUri = ...)``
_MP_REST_CLIENT = re.compile(r"@(?:org\.eclipse\.microprofile\.rest\.client\.inject\.)?RegisterRestClient\b"
                             r"[ \t]*(?:\(([^()]{0,600})\))?")
#: MicroProfile Fault Tolerance's annotations (and SmallRye's back-off ones), with their arguments
_MP_ANNOTATION = re.compile(r"@(?:org\.eclipse\.microprofile\.faulttolerance\.|io\.smallrye\.faulttolerance\.api\.)?"
                            r"(Timeout|CircuitBreaker|Retry|Fallback|ExponentialBackoff|FibonacciBackoff|CustomBackoff)"
                            r"\b[ \t]*(?:\(((?:[^()]|\([^()]*\)){0,600})\))?")
_MP_INTERFACE = re.compile(r"\binterface\s+([A-Za-z_][A-Za-z0-9_]*)[^{;]*\{")
_CHRONO_MS = {"NANOS": 1e-6, "MICROS": 1e-3, "MILLIS": 1, "SECONDS": 1000, "MINUTES": 60_000, "HOURS": 3_600_000}
#: MicroProfile Fault Tolerance's defaults: @Timeout's 1 s, @Retry's 3 retries
MP_DEFAULT_TIMEOUT_MS = 1000
MP_DEFAULT_RETRIES = 3


def _mp_number(args: str, key: str) -> float | None:
    m = re.search(r"(?:^|[,(\s])" + key + r"\s*=\s*(-?\d+(?:\.\d+)?)[lL]?", args) if key else \
        re.match(r"\s*(-?\d+(?:\.\d+)?)[lL]?\s*(?:,|$)", args)
    return float(m.group(1)) if m else None


def _mp_annotations(segment: str) -> dict[str, str]:
    """The Fault Tolerance annotations of one declaration: name -> its arguments ("" when it has none)."""
    return {m.group(1): m.group(2) or "" for m in _MP_ANNOTATION.finditer(segment)}


def microprofile_clients(text: str, rel: str) -> list[tuple[str, str, str, list[tuple[str, dict[str, str]]], str]]:
    """MicroProfile REST client interfaces in Java or Kotlin source that imports MicroProfile Fault Tolerance, each
    as (its ``configKey``, its fully qualified name, its ``baseUri``, [(method, the Fault Tolerance annotations that
    apply to it: its own over the interface's)], "file:line"). The annotations are those of MicroProfile (or of
    Resilience4j's names in a file that does not import Resilience4j): ``@Timeout``, ``@CircuitBreaker``,
    ``@Retry``, ``@Fallback``."""
    if "microprofile" not in text or "RegisterRestClient" not in text or "resilience4j" in text:
        return []
    reg = _MP_REST_CLIENT.search(text)
    iface = _MP_INTERFACE.search(text, reg.end()) if reg else None
    if iface is None:
        return []
    args = reg.group(1) or ""
    key = _annotation_arg(args, "configKey")
    base = _annotation_arg(args, "baseUri")
    pkg = re.search(r"^\s*package\s+([A-Za-z0-9_.]+)", text, re.MULTILINE)
    fqcn = f"{pkg.group(1)}.{iface.group(1)}" if pkg else iface.group(1)
    on_interface = _mp_annotations(text[reg.start():iface.start()])
    # the interface's body, to its closing brace; its declarations end at a ";" (or a default method's "}")
    depth, i = 1, iface.end()
    while i < len(text) and depth:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    methods = []
    for segment in re.split(r";|\}", text[iface.end():i - 1]):
        m = re.search(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(", re.sub(r"@[A-Za-z_.]+\s*(?:\((?:[^()]|\([^()]*\))*\))?", " ",
                                                             segment))
        if m:
            methods.append((m.group(1), {**on_interface, **_mp_annotations(segment)}))
    if not methods:
        return []
    return [(key, fqcn, base, methods, f"{rel}:{text.count(chr(10), 0, reg.start()) + 1}")]


def microprofile_policy(client: str, methods: list[tuple[str, dict[str, str]]], where: str, caller: str,
                        target: str, via: str = "") -> dict:
    """The call policy MicroProfile Fault Tolerance's annotations on a REST client's methods give ``caller``'s
    calls to ``target`` through it: a timeout where every method has one (the longest: a method without one may
    wait for ever), a circuit breaker where every method has one, the most retries any method makes (back-off
    only with SmallRye's ``@ExponentialBackoff`` / ``@FibonacciBackoff``: @Retry's fixed ``delay`` and its jitter
    keep a steady pace whatever the load). A ``@Fallback`` is named, not taken for the dependency's fallback:
    what its handler returns is in the code. ``via``: where the client's URL names ``target``, said once."""
    what = f"{where}: {caller}'s REST client {client}, its calls to {target} (MicroProfile Fault Tolerance)"
    fallbacks = sorted({re.sub(r"\s+", " ", a).strip() or "(a handler)" for _m, anns in methods
                        for n, a in anns.items() if n == "Fallback"})
    also = (f"; on failure {'they answer' if len(fallbacks) == len(methods) else 'some answer'} with @Fallback("
            f"{', '.join(fallbacks)[:120]}) (what that returns is not said here)") if fallbacks else ""
    out: dict = {}
    times = []
    for _m, anns in methods:
        if "Timeout" not in anns:
            break
        a = anns["Timeout"]
        value = _mp_number(a, "") if _mp_number(a, "value") is None else _mp_number(a, "value")
        unit = re.search(r"unit\s*=\s*(?:java\.time\.temporal\.)?(?:ChronoUnit\.)?([A-Z_]+)", a)
        ms = MP_DEFAULT_TIMEOUT_MS if value is None else value * _CHRONO_MS.get(unit.group(1) if unit else "MILLIS", 0)
        if not 0 < ms <= MAX_TIMEOUT_MS:
            break
        times.append(int(ms))
    else:
        n = len(methods)
        out["timeout_ms"] = (max(times), f"{what}: @Timeout: the calls time out after {max(times)} ms"
                             + (f" (the longest of {n} methods)" if n > 1 else ""))
    if all("CircuitBreaker" in anns for _m, anns in methods):
        out["circuit_breaker"] = (True, f"{what}: @CircuitBreaker: a circuit breaker")
    retried = [(anns, _mp_number(anns["Retry"], "maxRetries")) for _m, anns in methods if "Retry" in anns]
    if retried:
        counts = [MP_DEFAULT_RETRIES if n is None else MAX_RETRIES if n < 0 else min(int(n), MAX_RETRIES)
                  for _a, n in retried]
        most = max(counts)
        backoff = all(any(b in anns for b in ("ExponentialBackoff", "FibonacciBackoff")) for anns, _n in retried)
        args = retried[counts.index(most)][0]["Retry"]
        delay = _mp_number(args, "delay")
        unit = re.search(r"delayUnit\s*=\s*(?:java\.time\.temporal\.)?(?:ChronoUnit\.)?([A-Z_]+)", args)
        pace = (f"{format(delay, 'g')} {(unit.group(1) if unit else 'MILLIS').lower()} apart" if delay
                else "one after another")
        words = (f"@Retry: {'no limit on the retries (maxRetries = -1)' if most == MAX_RETRIES else f'{most} retries'}"
                 + (" with a growing back-off" if backoff else f", {pace} (a fixed delay, not a back-off)"))
        out["retries"] = (most, f"{what}: {words}")
        out["backoff"] = (backoff, f"{what}: {words}")
    # the fallback and the URL said once, on the first line (a breaker's, else the timeout's, else the retries')
    first = next((f for f in ("circuit_breaker", "timeout_ms", "retries") if f in out), None)
    if first is not None:
        value, line = out[first]
        out[first] = (value, line + also + (f"; its URL: {via}" if via else ""))
        if first == "retries":
            out["backoff"] = (out["backoff"][0], out[first][1])
    return out


# ------------------------------------------------------------------ Spring Cloud OpenFeign
_FEIGN = re.compile(r"@(?:org\.springframework\.cloud\.openfeign\.)?FeignClient\s*\(([^()]{0,600})\)")
_FEIGN_FALLBACK = re.compile(r"fallback(Factory)?\s*=\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(?:\.class|::class)")
_FEIGN_TIMEOUT = re.compile(r"(?:spring\.cloud\.openfeign|feign)\.client\.config\.([A-Za-z0-9_.-]+?)\."
                            r"read[-_]?[tT]imeout$")
_FEIGN_BREAKER = re.compile(r"(?:spring\.cloud\.openfeign|feign)\.(circuitbreaker|hystrix)\.enabled$")
#: a Hystrix command's timeout setting (``hystrix.command.default...`` for every command, or a named one's)
_HYSTRIX_COMMAND = re.compile(r"hystrix\.command\.([A-Za-z0-9_-]+)\.execution\.isolation\.thread\.timeout[iI]n[mM]illiseconds$")
#: Hystrix's command timeout when nothing configures it (its documented default)
HYSTRIX_DEFAULT_TIMEOUT_MS = 1000
#: OpenFeign's read timeout when nothing configures it (its documented default)
FEIGN_DEFAULT_READ_TIMEOUT_MS = 60_000


def feign_clients(text: str, rel: str) -> list[tuple[str, str, str]]:
    """Spring Cloud OpenFeign clients declared in Java or Kotlin source, each as (the service it
    calls: the annotation's ``name``/``value``, a placeholder's default; its ``fallback`` or
    ``fallbackFactory`` class, or ""; "file:line")."""
    out = []
    for m in _FEIGN.finditer(text):
        args = m.group(1)
        name = (_annotation_arg(args, "name") or _annotation_arg(args, "value")
                or (re.match(r"\s*\"([^\"]{1,200})\"", args) or [None, ""])[1])
        if name.startswith("${"):  # ${customers.name:customers-service}: the default
            name = name[2:-1].partition(":")[2] if name.endswith("}") else ""
        fb = _FEIGN_FALLBACK.search(args)
        if name:
            out.append((name.strip(), fb.group(2) if fb else "", f"{rel}:{text.count(chr(10), 0, m.start()) + 1}"))
    return out


def feign_client_urls(text: str, rel: str) -> list[tuple[str, str, str, str]]:
    """The Feign clients declared with a fixed URL (``@FeignClient(url = "${rates.url}", name = "rates-client")``):
    the client calls that URL, not a service found through discovery. Each as (the ``url`` argument: a
    property's placeholder or a URL as written; the client's name; its fallback class or ""; "file:line")."""
    out = []
    for m in _FEIGN.finditer(text):
        args = m.group(1)
        url = _annotation_arg(args, "url")
        if not url:
            continue
        name = _annotation_arg(args, "name") or _annotation_arg(args, "value")
        fb = _FEIGN_FALLBACK.search(args)
        out.append((url.strip(), name.strip(), fb.group(2) if fb else "",
                    f"{rel}:{text.count(chr(10), 0, m.start()) + 1}"))
    return out


def feign_policy(config, name: str, where: str) -> dict:
    """The call policy of the Feign client of ``name`` under its service's ``config``
    (:func:`spring_config` of ``feign``): the read timeout configured for that client, else for
    every client (``default``), else OpenFeign's 60 s; a circuit breaker where
    ``feign.circuitbreaker.enabled`` (or ``spring.cloud.openfeign.circuitbreaker.enabled``, or
    the older ``feign.hystrix.enabled``) is true. ``where``: the client's "file:line"."""
    timeouts: dict[str, tuple[int, str]] = {}
    breaker = hystrix = None
    hystrix_on = False
    for key, value, at in config:
        m = _FEIGN_TIMEOUT.match(key)
        b = _FEIGN_BREAKER.match(key)
        if m:
            ms = duration_ms(value)
            if ms:
                timeouts[m.group(1)] = (ms, at)
        elif b and (value is True or sy.text(value).strip().lower() == "true"):
            breaker = at
            hystrix_on = b.group(1) == "hystrix"
        elif (h := _HYSTRIX_COMMAND.match(key)) and h.group(1) == "default" and duration_ms(value):
            hystrix = (duration_ms(value), at)
    out: dict = {}
    if name in timeouts or "default" in timeouts:
        ms, at = timeouts.get(name) or timeouts["default"]
        out["timeout_ms"] = (ms, f"{at}: the Feign client of {name} waits {ms} ms for an answer (its read timeout)")
    else:
        out["timeout_ms"] = (FEIGN_DEFAULT_READ_TIMEOUT_MS, f"{where}: the Feign client of {name} waits "
                             f"{FEIGN_DEFAULT_READ_TIMEOUT_MS} ms for an answer (OpenFeign's default read timeout: "
                             "nothing in the repository configures one)")
    if breaker:
        out["circuit_breaker"] = (True, f"{breaker}: Spring Cloud OpenFeign wraps its clients' calls, {name}'s "
                                        "included, in a circuit breaker")
        if hystrix_on:  # a Hystrix command times the call out too: the shorter wins
            ms, at = hystrix or (HYSTRIX_DEFAULT_TIMEOUT_MS, "")
            if ms < out["timeout_ms"][0]:
                out["timeout_ms"] = (ms, f"{at or where}: the Hystrix command around the Feign client of {name} "
                                         f"times the call out after {ms} ms"
                                     + ("" if hystrix else " (Hystrix's default: nothing in the repository "
                                                           "configures it)"))
    return out


# ------------------------------------------------------------------ Netflix Zuul
_ZUUL_ROUTE = re.compile(r"zuul\.routes\.([A-Za-z0-9_-]+)(?:\.(path|service[-_]?[iI]d|url))?$")
_RIBBON = re.compile(r"(?:([A-Za-z0-9_-]+)\.)?ribbon\.(ConnectTimeout|ReadTimeout|MaxAutoRetries|MaxAutoRetriesNextServer)$")
#: Ribbon's client settings when nothing configures them, as Spring Cloud Netflix documents them for Zuul
_RIBBON_DEFAULTS = {"ConnectTimeout": 1000, "ReadTimeout": 1000, "MaxAutoRetries": 0, "MaxAutoRetriesNextServer": 1}
#: Zuul's socket timeout for routes to a URL when nothing configures it (``zuul.host.socket-timeout-millis``)
ZUUL_HOST_DEFAULT_TIMEOUT_MS = 10_000


def zuul_routes(config) -> list[tuple[str, str, dict, str]]:
    """The routes of a Netflix Zuul gateway, from one service's ``config`` (:func:`spring_config` of
    ``zuul``, ``ribbon`` and ``hystrix``), each as (``"service"`` or ``"url"``, the service id or the
    URL, {dependency field: (value, evidence)}, "file:line" of the route):

    - a route to a service (``serviceId``, or a route named after the service with only a
      ``path``, or the short form ``zuul.routes.users: /users/**``) goes through discovery, in a
      Hystrix command: a circuit breaker, and a timeout that is the command's
      (``hystrix.command.ROUTE...`` or ``.default...``), else the one Zuul derives from Ribbon's
      settings, ``(ConnectTimeout + ReadTimeout) x (MaxAutoRetries + 1) x
      (MaxAutoRetriesNextServer + 1)``, 4 s when none is set;
    - a route to a ``url`` is a plain HTTP call with no breaker, timed out after
      ``zuul.host.socket-timeout-millis`` (10 s by default)."""
    routes: dict[str, dict[str, tuple[object, str]]] = {}
    ribbon: dict[tuple[str, str], tuple[int, str]] = {}
    hystrix: dict[str, tuple[int, str]] = {}
    socket = None
    for key, value, at in config:
        m = _ZUUL_ROUTE.match(key)
        if m:
            part = (m.group(2) or "short").lower().replace("-", "").replace("_", "")
            routes.setdefault(m.group(1), {})[part] = (value, at)
            continue
        r = _RIBBON.match(key)
        if r:
            n = retry_count(value) if r.group(2).startswith("Max") else duration_ms(value)
            if n is not None:
                ribbon[(r.group(1) or "", r.group(2))] = (n, at)
            continue
        h = _HYSTRIX_COMMAND.match(key)
        if h and duration_ms(value):
            hystrix[h.group(1)] = (duration_ms(value), at)
        elif re.fullmatch(r"zuul\.host\.socket[-_]?[tT]imeout[-_]?[mM]illis", key) and duration_ms(value):
            socket = (duration_ms(value), at)
    out: list[tuple[str, str, dict, str]] = []
    for name, parts in routes.items():
        if "url" in parts:
            url, at = parts["url"]
            url = sy.text(url).strip()
            if not url.lower().startswith(("http://", "https://")):
                continue  # forward:/ (a local handler), or a value not read
            ms, where = socket or (ZUUL_HOST_DEFAULT_TIMEOUT_MS, "")
            why = f"{where}: zuul.host.socket-timeout-millis" if where else \
                f"{at}: Zuul's default socket timeout (nothing in the repository configures one)"
            out.append(("url", url, {"timeout_ms": (ms, f"{why}: the calls of Zuul route {name} to {url} time out "
                                                       f"after {ms} ms (a route to a URL has no Hystrix command)")}, at))
            continue
        sid, at = parts.get("serviceid") or (name, (parts.get("path") or parts.get("short") or ("", ""))[1])
        sid = sy.text(sid).strip()
        if not sid or not at:
            continue
        route = f"route {name}" + (f" (to {sid})" if name != sid else "")
        pol: dict = {"circuit_breaker": (True, f"{at}: Zuul runs {route} in a Hystrix command, which breaks the "
                                               "circuit after repeated failures")}
        command = hystrix.get(name) or hystrix.get("default")
        if command:
            pol["timeout_ms"] = (command[0], f"{command[1]}: the Hystrix command of Zuul {route} times the calls "
                                             f"out after {command[0]} ms")
        else:
            got = {k: ribbon.get((sid, k)) or ribbon.get(("", k)) for k in _RIBBON_DEFAULTS}
            v = {k: (g[0] if g else d) for (k, d), g in zip(_RIBBON_DEFAULTS.items(), got.values())}
            ms = (v["ConnectTimeout"] + v["ReadTimeout"]) * (v["MaxAutoRetries"] + 1) * (v["MaxAutoRetriesNextServer"] + 1)
            stated = sorted({g[1] for g in got.values() if g})
            if 0 < ms <= MAX_TIMEOUT_MS:
                pol["timeout_ms"] = (ms, f"{stated[0] if stated else at}: Zuul times the calls of {route} out "
                                         f"after {ms} ms, derived from Ribbon's timeouts and retries "
                                         f"({'as configured' if stated else 'their defaults: nothing configures them'})")
        out.append(("service", sid, pol, at))
    return out


# ------------------------------------------------------------------ Go gRPC clients
_GO_FUNC = re.compile(r"^func\b", re.MULTILINE)
_GO_CLIENT = re.compile(r"(?<!func )\bNew([A-Z][A-Za-z0-9_]*?)Client\s*\(")
_GO_UNITS = {"Nanosecond": 1e-6, "Microsecond": 1e-3, "Millisecond": 1, "Second": 1000, "Minute": 60_000, "Hour": 3_600_000}
_GO_TIMEOUT = re.compile(r"context\.WithTimeout\s*\(\s*[A-Za-z_][A-Za-z0-9_.]*\s*,\s*(?:"
                         r"(\d+(?:\.\d+)?)\s*\*\s*time\.(Nanosecond|Microsecond|Millisecond|Second|Minute|Hour)"
                         r"|time\.(Nanosecond|Microsecond|Millisecond|Second|Minute|Hour)\s*\*\s*(\d+(?:\.\d+)?)"
                         r"|time\.(Nanosecond|Microsecond|Millisecond|Second|Minute|Hour))\s*\)")


def go_client_timeouts(text: str, rel: str) -> list[tuple[str, int | None, str]]:
    """The gRPC clients a Go file makes (``pb.NewAdServiceClient(conn)``), function by function,
    each as (the client's service name, ``AdService``; the timeout of the function's context in
    milliseconds, or None without one; "file:line" of the timeout, else of the client): a
    function's ``context.WithTimeout(ctx, 100*time.Millisecond)`` bounds the calls it makes with
    that context. A timeout that is not a literal (a variable, a configured value) is not read:
    the function counts as one without a known timeout. Generated code (``*.pb.go``, a file
    that says "Code generated ... DO NOT EDIT") defines the clients, it does not call them: none."""
    out: list[tuple[str, int | None, str]] = []
    if rel.endswith(".pb.go") or re.search(r"^// Code generated .* DO NOT EDIT\.$", text[:2000], re.MULTILINE):
        return out
    starts = [m.start() for m in _GO_FUNC.finditer(text)] + [len(text)]
    for a, b in zip(starts, starts[1:]):
        body = text[a:b]
        clients = list(dict.fromkeys(m.group(1) for m in _GO_CLIENT.finditer(body)))
        if not clients:
            continue
        t = _GO_TIMEOUT.search(body)
        ms = None
        if t:
            n = t.group(1) or t.group(4) or "1"
            unit = t.group(2) or t.group(3) or t.group(5)
            ms = round(float(n) * _GO_UNITS[unit])
            ms = ms if 0 < ms <= MAX_TIMEOUT_MS else None
        at = a + (t.start() if ms else _GO_CLIENT.search(body).start())
        line = f"{rel}:{text.count(chr(10), 0, at) + 1}"
        out.extend((c, ms, f"{line}: {t.group(0)}" if ms else line) for c in clients)
    return out


_GO_FUNC_NAME = re.compile(r"^func\s+(?:\([^)]*\)\s*)?([A-Za-z_][A-Za-z0-9_]*)\s*\(", re.MULTILINE)
#: what makes a failed call's handling no going on: it ends the request, or hands the error up
_GO_GIVES_UP = re.compile(r"\bpanic\(|\bFatal|\bhttp\.Error\(|renderHTTPError|WriteHeader\(|status\.Errorf?\(|"
                          r"\berrors\.|fmt\.Errorf\(|\bos\.Exit\(")
_GO_LOGS = re.compile(r"\b(?:log|logger|l)\s*\.")


def go_client_funcs(text: str, rel: str) -> dict[str, set[str]]:
    """The functions of a Go file that make a gRPC client (``getAd`` makes ``pb.NewAdServiceClient``): name ->
    the clients' service names (generated code none, as :func:`go_client_timeouts`)."""
    out: dict[str, set[str]] = {}
    if rel.endswith(".pb.go") or re.search(r"^// Code generated .* DO NOT EDIT\.$", text[:2000], re.MULTILINE):
        return out
    starts = [m.start() for m in _GO_FUNC.finditer(text)] + [len(text)]
    for a, b in zip(starts, starts[1:]):
        body = text[a:b]
        m = _GO_FUNC_NAME.match(body)
        clients = {c.group(1) for c in _GO_CLIENT.finditer(body)}
        if m and clients:
            out.setdefault(m.group(1), set()).update(clients)
    return out


def _go_block(text: str, at: int) -> str | None:
    """The text of the ``{ ... }`` block whose ``{`` is at ``at`` (braces counted; None if it does not close)."""
    depth = 0
    for i in range(at, min(len(text), at + 4000)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return text[at + 1:i]
    return None


def go_call_sites(text: str, rel: str, funcs: set[str]) -> list[tuple[str, str, bool]]:
    """Each call of one of ``funcs`` in a Go file as ``(function, "file:line", goes on)``: ``goes on`` when the
    caller carries on without the answer: the error is discarded (``x, _ := f()``), or only logged
    (``if err := f(); err != nil { log... }`` and ``x, err := f()`` then ``if err != nil { log... }``, with no
    return, or a return of no error from a function that returns none, as a page leaving out its ad), and
    nothing in the handling ends the request or hands the error up (an HTTP error, a panic, a wrapped error).
    Any other call of them is taken as needing the answer."""
    out: list[tuple[str, str, bool]] = []
    if not funcs or rel.endswith(".pb.go"):
        return out
    call = re.compile(r"\.(" + "|".join(map(re.escape, sorted(funcs))) + r")\s*\(")
    for m in call.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        line = text[line_start:line_end]
        if re.match(r"\s*func\b", line):
            continue  # its definition
        where = f"{rel}:{text.count(chr(10), 0, m.start()) + 1}"
        goes_on = False
        if re.match(r"\s*[A-Za-z_][\w\s,]*,\s*_\s*:?=", line):
            goes_on = True  # the error discarded
        else:
            brace = None
            if re.match(r"\s*if\s+err\s*:?=", line) and re.search(r";\s*err\s*!=\s*nil\s*\{\s*$", line):
                brace = line_start + line.rstrip().rfind("{")
            elif re.match(r"\s*[A-Za-z_][\w\s,]*,\s*err\s*:?=", line):
                nxt = re.match(r"\s*if\s+err\s*!=\s*nil\s*\{", text[line_end + 1:])
                if nxt:
                    brace = line_end + 1 + nxt.end() - 1
            block = _go_block(text, brace) if brace is not None else None
            if block is not None and _GO_LOGS.search(block) and not _GO_GIVES_UP.search(block):
                if "return" not in block:
                    goes_on = True
                else:
                    fn = text.rfind("\nfunc ", 0, m.start())
                    sig = text[fn + 1:text.find("{", fn + 1)] if fn >= 0 else ""
                    results = sig[sig.rfind(")", 0, len(sig) - 1) + 1:] if sig.rstrip().endswith(")") else \
                        sig[sig.find(")") + 1:]
                    goes_on = "error" not in results and not re.search(r"return\s+[^\n]*\berr\b", block)
        out.append((m.group(1), where, goes_on))
    return out


_GRPC_STUBS = [
    (".go", "", _GO_CLIENT, "New{}Client"),
    # Java and Kotlin: CartServiceGrpc.newBlockingStub(channel), newStub, newFutureStub
    ((".java", ".kt"), "Grpc", re.compile(r"\b([A-Z][A-Za-z0-9_]*?)Grpc\s*\.\s*new(?:Blocking|Future)?Stub\s*\("),
     "{}Grpc.newStub"),
    # Python: demo_pb2_grpc.CartServiceStub(channel)
    (".py", "pb2_grpc", re.compile(r"\b([A-Z][A-Za-z0-9_]*?)Stub\s*\("), "{}Stub"),
    # C#: new Cart.CartClient(channel), AddGrpcClient<Basket.BasketClient>(...)
    (".cs", "Grpc", re.compile(r"(?:\bnew\s+|AddGrpcClient\s*<\s*)(?:[A-Za-z_][A-Za-z0-9_]*\.)+([A-Z][A-Za-z0-9_]*?)Client\b"),
     "{}Client"),
]


def grpc_clients(text: str, rel: str) -> list[tuple[str, str, str]]:
    """The gRPC clients a source file makes, each as (the service's name, ``CartService``; "file:line"
    of the first; the client's form, ``NewCartServiceClient``), from the stubs gRPC's code generator
    writes for Go, Java, Kotlin, Python and C#. Generated code (``*.pb.go``, ``*_pb2_grpc.py``, a file
    that says it is generated) defines them, it does not call them: none."""
    low = rel.lower()
    if low.endswith((".pb.go", "_pb2_grpc.py", "grpc.cs")) or re.search(
            r"(?i)^\s*(?://|#)\s*(?:<auto-generated|code generated|generated by the protocol buffer)", text[:2000],
            re.MULTILINE):
        return []
    out: dict[str, tuple[str, str]] = {}
    for ext, needs, rx, form in _GRPC_STUBS:
        if not low.endswith(ext) or needs not in text:
            continue
        for m in rx.finditer(text):
            name = m.group(1)
            if name and name not in out:
                out[name] = (f"{rel}:{text.count(chr(10), 0, m.start()) + 1}", form.format(name))
    return [(name, where, form) for name, (where, form) in out.items()]


def _limiter_entry(group, name, disable, value, where: str) -> list[tuple[str, int | None, str]]:
    if disable:
        on = sy.text(value).strip().lower() == "true" or value is True
        return [("disabled", None, f"{where}: the Resilience4j time limiter is turned off")] if on else []
    ms = duration_ms(value)
    if ms is None:
        return []
    scope = "config:default" if group == "configs" and name == "default" else f"config:{name}" \
        if group == "instances" else None
    if scope is None:  # a shared config other than the default: instances name it with baseConfig
        return []
    whose = "Resilience4j's default time limiter" if scope == "config:default" else f"Resilience4j time limiter {name}"
    return [(scope, ms, f"{where}: {whose}: the calls time out after {ms} ms")]


def time_limit(settings, breaker: str | None) -> tuple[int, str] | None:
    """(milliseconds, evidence line) of the time limiter of the circuit breaker named ``breaker``
    under ``settings`` (:func:`time_limiter_settings` of one service's files), or None where they
    say nothing or turn it off. Configuration wins over code (as Spring Cloud CircuitBreaker
    reads them), a breaker's own over the default."""
    if any(scope == "disabled" for scope, _ms, _line in settings):
        return None
    for wanted in ((f"config:{breaker}",) if breaker else ()) + ("config:default", "code:default"):
        for scope, ms, line in settings:
            if scope == wanted and ms is not None:
                return ms, line
    return None


#: Envoy's route timeout when a route states none (its documented default)
ENVOY_DEFAULT_TIMEOUT_MS = 15_000


def _seq(value) -> list:
    """``value`` if it is a list, else nothing (a file may hold anything where a list belongs)."""
    return value if isinstance(value, list) else []


def _walk_dicts(node, depth: int = 0):
    """Every mapping in ``node`` (a parsed YAML document), depth first, 40 levels at most."""
    if depth > 40:
        return
    if isinstance(node, dict):
        yield node
        for v in node.values():
            yield from _walk_dicts(v, depth + 1)
    elif isinstance(node, list):
        for v in node:
            yield from _walk_dicts(v, depth + 1)


def envoy_policies(text: str, rel: str) -> list[tuple[str, list[str], dict]]:
    """The upstream clusters an Envoy configuration (``static_resources``) routes to, each as
    (its name, its endpoints' addresses, {dependency field: (value, evidence)}):

    - the timeout: the longest of the routes' to it, Envoy's 15 s where a route states none; none
      when a route turns it off (``timeout: 0s``: a stream, which may wait for ever);
    - retries: a route's ``retry_policy.num_retries`` (1 when it states none), with Envoy's
      back-off between attempts;
    - a circuit breaker: the cluster's ``outlier_detection`` (failing hosts are ejected). Envoy's
      ``circuit_breakers`` thresholds are connection and request limits every cluster has; they are
      not taken for one.

    A file that is not YAML, or no Envoy configuration, gives nothing."""
    out: list[tuple[str, list[str], dict]] = []
    for doc in _documents(text, rel, "static_resources"):
        resources = _get(doc.value, ("static_resources",))
        clusters = resources.get("clusters") if isinstance(resources, dict) else None
        if not isinstance(clusters, list):
            continue
        # cluster -> (timeout ms, retries, where, the timeout is Envoy's default)
        routes: dict[str, list[tuple[int | None, int | None, str, bool]]] = {}
        for node in _walk_dicts(resources.get("listeners")):
            vhosts = node.get("virtual_hosts")
            for vh in vhosts if isinstance(vhosts, list) else ():
                rlist = vh.get("routes") if isinstance(vh, dict) else None
                for k, r in enumerate(rlist if isinstance(rlist, list) else ()):
                    action = r.get("route") if isinstance(r, dict) else None
                    if not isinstance(action, dict):
                        continue
                    names = [sy.text(action.get("cluster"))] if sy.text(action.get("cluster")) else [
                        sy.text(c.get("name")) for c in _seq(sy.get_path(action, "weighted_clusters", "clusters"))
                        if isinstance(c, dict) and sy.text(c.get("name"))]
                    raw = action.get("timeout")
                    if raw is None:
                        timeout = ENVOY_DEFAULT_TIMEOUT_MS
                    else:
                        timeout = duration_ms(raw)  # 0s (off) or unreadable: no timeout taken
                    policy = action.get("retry_policy")
                    retries = None
                    if isinstance(policy, dict):
                        n = policy.get("num_retries")
                        retries = 1 if n is None else retry_count(n)
                    where = f"{rel}:{sy.line_of(rlist, k, doc.line)}"
                    for name in names:
                        routes.setdefault(name, []).append((timeout, retries, where, raw is None))
        for c in clusters:
            if not isinstance(c, dict) or not sy.text(c.get("name")):
                continue
            name = sy.text(c.get("name"))
            addresses = [sy.text(sy.get_path(e, "endpoint", "address", "socket_address", "address"))
                         for ep in _seq(sy.get_path(c, "load_assignment", "endpoints")) if isinstance(ep, dict)
                         for e in _seq(ep.get("lb_endpoints")) if isinstance(e, dict)]
            pol: dict = {}
            rs = routes.get(name, [])
            if rs and None not in [x[0] for x in rs]:
                t, _n, where, default = max(rs, key=lambda x: (x[0], not x[3]))
                pol["timeout_ms"] = (t, f"{where}: Envoy route to cluster {name}: calls time out after {t} ms"
                                        + (" (Envoy's default: the route states none)" if default else ""))
            tried = [x for x in rs if x[1] is not None]
            if tried:
                _t, n, where, _d = max(tried, key=lambda x: x[1])
                line = (f"{where}: Envoy route to cluster {name}: retried up to {n} time(s), backing off between "
                        "attempts (Envoy's retry back-off)")
                pol["retries"] = (n, line)
                pol["backoff"] = (True, line)
            if isinstance(c.get("outlier_detection"), dict):
                pol["circuit_breaker"] = (True, f"{rel}:{sy.line_of(c, 'outlier_detection', doc.line)}: Envoy cluster "
                                                f"{name}: outlier detection ejects failing hosts (a circuit breaker)")
            if pol:
                out.append((name, [a for a in addresses if a], pol))
    return out


#: nginx's proxy_read_timeout when the configuration states none (its documented default)
NGINX_DEFAULT_READ_TIMEOUT_MS = 60_000
_NGINX_TOKEN = re.compile(r"""\s*(?:#[^\n]*|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[{};]|[^\s{};"'#]+))""")
_NGINX_UNITS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}


def nginx_time_ms(value: str) -> int | None:
    """Milliseconds of an nginx time (``60``, ``60s``, ``1m30s``, ``500ms``; seconds when no unit)."""
    parts = re.findall(r"(\d+)(ms|s|m|h|d)?", value)
    if not parts or "".join(n + u for n, u in parts) != value.strip():
        return None
    ms = sum(int(n) * _NGINX_UNITS[u or "s"] for n, u in parts)
    return ms if 0 < ms <= MAX_TIMEOUT_MS else None


def _nginx_blocks(text: str) -> list:
    """The directives of an nginx configuration as a tree: ``[name, args, line, children or None]``."""
    root: list = []
    stack = [root]
    words: list[tuple[str, int]] = []
    pos = 0
    line, counted = 1, 0  # the line of ``counted``: newlines are counted once, as the tokens go by
    while True:
        m = _NGINX_TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            break
        pos = m.end()
        tok = m.group(1)
        if tok is None:  # a comment
            continue
        line += text.count("\n", counted, m.start(1))
        counted = m.start(1)
        if tok == ";":
            if words:
                stack[-1].append([words[0][0], [w for w, _ in words[1:]], words[0][1], None])
            words = []
        elif tok == "{":
            node = [words[0][0] if words else "", [w for w, _ in words[1:]], words[0][1] if words else line, []]
            stack[-1].append(node)
            stack.append(node[3])
            words = []
        elif tok == "}":
            if len(stack) > 1:
                stack.pop()
            words = []
        else:
            words.append((tok.strip("\"'"), line))
    return root


def nginx_policies(text: str, rel: str) -> list[tuple[list[str], dict]]:
    """The hosts an nginx configuration proxies to (``proxy_pass``/``grpc_pass``, through its
    ``upstream`` blocks), each as (the hosts, {dependency field: (value, evidence)}): the calls'
    timeout is the ``proxy_read_timeout`` in force where they are made (the location's, else its
    server's, else the ``http`` block's), nginx's 60 s where none is stated; the longest where
    several locations proxy to the same hosts. A target that is a variable is not followed."""
    tree = _nginx_blocks(text)
    upstreams: dict[str, list[str]] = {}

    def collect(nodes) -> None:
        for name, args, _line, children in nodes:
            if name == "upstream" and args and children is not None:
                upstreams[args[0]] = [c[1][0].split(":")[0] for c in children if c[0] == "server" and c[1]]
            elif children is not None:
                collect(children)

    collect(tree)
    found: dict[tuple[str, ...], tuple[int, str]] = {}

    def walk(nodes, timeout: tuple[int, str] | None) -> None:
        own = next(((nginx_time_ms(a[0]), f"{rel}:{ln}") for n, a, ln, ch in nodes
                    if n == "proxy_read_timeout" and a and ch is None), None)
        if own is not None and own[0] is not None:
            timeout = own
        for name, args, line, children in nodes:
            if children is not None:
                walk(children, timeout)
            elif name in ("proxy_pass", "grpc_pass") and args and "$" not in args[0]:
                target = args[0].split("://", 1)[-1].split("/", 1)[0]
                hosts = tuple(upstreams.get(target) or [target.split(":")[0]])
                t, where = timeout if timeout is not None else (NGINX_DEFAULT_READ_TIMEOUT_MS, None)
                text_ = (f"{rel}:{line}: nginx {name} {args[0]}: calls time out after {t} ms without an answer "
                         + (f"(proxy_read_timeout, {where})" if where else "(nginx's default proxy_read_timeout)"))
                if hosts not in found or t > found[hosts][0]:
                    found[hosts] = (t, text_)

    walk(tree, None)
    return [(list(h), {"timeout_ms": v}) for h, v in found.items()]


_TIMESPAN = re.compile(r"TimeSpan\.From(Milliseconds|Seconds|Minutes)\(\s*(\d+(?:\.\d+)?)\s*\)")
_TIMESPAN_MS = {"Milliseconds": 1, "Seconds": 1000, "Minutes": 60000}


def dotnet_resilience(text: str, rel: str) -> dict | None:
    """The standard resilience handler .NET puts on every HttpClient of a service
    (``ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler(...))``, as the
    ServiceDefaults project of .NET Aspire's templates does): {dependency field: (value, evidence
    line)}, or None. Microsoft.Extensions.Http.Resilience's defaults (30 s in all, 10 s per attempt,
    3 retries with exponential back-off and jitter, a circuit breaker) unless the handler's options
    lambda sets ``TotalRequestTimeout.Timeout`` or ``Retry.MaxRetryAttempts``."""
    at = text.find("ConfigureHttpClientDefaults(")
    if at < 0:
        return None
    span = text[at:_call_span(text, at + len("ConfigureHttpClientDefaults"))]
    h = span.find("AddStandardResilienceHandler(")
    if h < 0:
        return None
    handler = span[h:_call_span(span, h + len("AddStandardResilienceHandler"))]
    line = text.count("\n", 0, at + h) + 1
    where = f"{rel}:{line}: every HttpClient's standard resilience handler"
    default = "Microsoft.Extensions.Http.Resilience's default"
    total, retries, how_t, how_r = 30_000, 3, default, default
    m = re.search(r"TotalRequestTimeout(?:\.Timeout)?\s*=\s*(?:new[^;]*?)?" + _TIMESPAN.pattern, handler)
    if m:
        total, how_t = int(float(m.group(2)) * _TIMESPAN_MS[m.group(1)]), "set there"
    m = re.search(r"MaxRetryAttempts\s*=\s*(\d+)", handler)
    if m:
        retries, how_r = int(m.group(1)), "set there"
    return {
        "timeout_ms": (total, f"{where}: gives up after {total} ms in all, retries included ({how_t})"),
        "retries": (retries, f"{where}: retries up to {retries} times ({how_r})"),
        "backoff": (True, f"{where}: retries back off exponentially, with jitter"),
        "circuit_breaker": (True, f"{where}: a circuit breaker opens on a failure ratio"),
    }


# ------------------------------------------------------------------ timeouts a service's own code and configuration state
# An HTTP client call in a service's code with a timeout written there (``requests.get(url, timeout=3.0)``,
# a JAX-RS or Spring client's read timeout, Go's ``http.Client{Timeout: ...}``, axios's ``timeout``) bounds
# that call; a client configuration block keyed by a service (``"post-storage-service": {"timeout_ms":
# 10000}``) bounds the calls of the services whose code reads that block. Read, the analysis no longer
# says such calls wait for ever. A timeout is given to a call only when the file ties it to that one
# target: the call's own statement names it (through the variables it uses), or the function that sets
# the timeout names that target and no other; anything else is left unsaid rather than guessed.

_CODE_LANG = {".py": "py", ".java": "java", ".kt": "java", ".go": "go", ".js": "js", ".mjs": "js", ".cjs": "js",
              ".ts": "js"}
_NUMBER = r"(\d+(?:\.\d+)?)"
_DURATION = re.compile(r"Duration\s*\.\s*of(Millis|Seconds|Minutes)\s*\(\s*(\d{1,9})\s*[lL]?\s*\)")
_TIME_UNIT = re.compile(r"TimeUnit\s*\.\s*(MILLISECONDS|SECONDS|MINUTES)")
_GO_DURATION = re.compile(r"(?:(\d+(?:\.\d+)?)\s*\*\s*time\.(Millisecond|Second|Minute)|time\.(Millisecond|Second|Minute)"
                          r"\s*\*\s*(\d+(?:\.\d+)?)|time\.Duration\s*\(\s*(\d+)\s*\)\s*\*\s*time\.(Millisecond|Second|Minute))")
_GO_UNIT_MS = {"Millisecond": 1, "Second": 1000, "Minute": 60_000}
_ENV_DEFAULT = re.compile(r"""(?:os\.getenv|os\.environ\.get|process\.env\.|System\.getenv)\s*\(?\s*["']?([A-Z][A-Z0-9_]*)["']?"""
                          r"""(?:\s*,\s*["']?(\d+(?:\.\d+)?)["']?)?""")
#: where a timeout is written in code, by language: (pattern whose group "e" is the value, what it bounds, unit
#: of a bare number). "read" bounds a call that hangs; "connect" only the connection, and is not taken alone.
_CODE_TIMEOUTS = {
    "py": [(re.compile(r"\btimeout\s*=\s*(?P<e>[^,()\n]+(?:\([^()\n]*\))?[^,()\n]*)"), "read", 1000)],
    "java": [
        (re.compile(r"\b(?:setReadTimeout|readTimeout|responseTimeout|callTimeout|setResponseTimeout)\s*\(\s*"
                    r"(?P<e>[^;\n]+?)\)\s*[;.)\n]"), "read", 1),
        (re.compile(r"\.timeout\s*\(\s*(?P<e>Duration\s*\.[^;\n]+?\))\s*\)"), "read", 1),
        (re.compile(r"""property\s*\(\s*"[\w.]*(?:receive|read)\.?timeout"\s*,\s*(?P<e>[^;\n]+?)\)\s*;""",
                    re.IGNORECASE), "read", 1),
        (re.compile(r"\b(?:setConnectTimeout|connectTimeout)\s*\(\s*(?P<e>[^;\n]+?)\)\s*[;.)\n]"), "connect", 1),
        (re.compile(r"""property\s*\(\s*"[\w.]*connect(?:ion)?\.?timeout"\s*,\s*(?P<e>[^;\n]+?)\)\s*;""",
                    re.IGNORECASE), "connect", 1),
    ],
    "go": [(re.compile(r"http\.Client\s*\{[^{}]*?\bTimeout\s*:\s*(?P<e>[^,}\n]+)"), "read", 1)],
    "js": [(re.compile(r"\btimeout\s*:\s*(?P<e>[\w.$'\"\[\]]+(?:\s*\*\s*\d+)?)"), "read", 1),
           (re.compile(r"AbortSignal\.timeout\s*\(\s*(?P<e>[^()\n]+?)\)"), "read", 1)],
}
#: a file in which those patterns are an HTTP client's (a ``timeout=`` elsewhere is someone else's)
_HTTP_CLIENT_WORDS = {"py": ("requests", "httpx", "aiohttp", "urllib3"),
                      "java": ("RestTemplate", "WebClient", "HttpClient", "ClientBuilder", "OkHttp", "HttpRequest"),
                      "go": ("net/http",), "js": ("axios", "fetch(", "got(", "got.")}
_CONTROL = {"if", "for", "while", "switch", "catch", "synchronized", "return", "new", "else", "try", "do", "when"}
_BRACE_FUNC = re.compile(r"(?:\bfunc\b[^{;]*|(\b\w+)\s*\([^;{}]*\)\s*(?:throws\s+[\w., ]+|:\s*[\w<>?, .\[\]]+)?\s*"
                         r"|=>\s*)\{")
_DEF = re.compile(r"(?m)^[ \t]*(?P<lhs>[A-Za-z_][\w.<>\[\]\"', ]*?)\s*(?::=|(?<![=!<>+\-*/%&|^:])=(?!=))")
_TOKEN = re.compile(r"""\[\s*["']([^"'\n]{1,80})["']\s*\]|\b([A-Za-z_]\w*)\b""")


def _line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _function_spans(text: str, lang: str) -> list[tuple[int, int]]:
    """(start, end) of every function or method in ``text``: a Python ``def`` to the next line indented
    no deeper; elsewhere a function's header and its braces."""
    spans = []
    if lang == "py":
        lines = text.split("\n")
        offsets = [0]
        for ln in lines:
            offsets.append(offsets[-1] + len(ln) + 1)
        for i, ln in enumerate(lines):
            m = re.match(r"([ \t]*)(?:async\s+)?def\s", ln)
            if not m:
                continue
            indent = len(m.group(1))
            j = i + 1
            while j < len(lines) and (not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > indent):
                j += 1
            spans.append((offsets[i], offsets[j] - 1 if j < len(lines) else len(text)))
        return spans
    for m in _BRACE_FUNC.finditer(text):
        if m.group(1) and m.group(1) in _CONTROL:
            continue
        spans.append((m.start(), _call_span(text, m.end() - 1, limit=200_000)))
    return spans


def _innermost(spans, pos: int) -> tuple[int, int] | None:
    best = None
    for a, b in spans:
        if a <= pos < b and (best is None or a > best[0]):
            best = (a, b)
    return best


def _statement(text: str, pos: int) -> tuple[int, int]:
    """The statement around ``pos``: from the start of the line of the outermost bracket open at ``pos``
    (a call spread over lines) to where that bracket closes, or the line's end."""
    depth, i, start = 0, pos, pos
    floor = max(0, pos - 3000)
    while i > floor:
        i -= 1
        ch = text[i]
        if ch in ")]}":
            depth += 1
        elif ch in "([{":
            if depth == 0:
                start = i
                if ch == "{":
                    break
            else:
                depth -= 1
        elif ch in ";" and depth == 0:
            break
    line_start = text.rfind("\n", 0, start) + 1
    end = _call_span(text, start) if start < pos and text[start] in "([" else text.find("\n", pos)
    return line_start, end if end > 0 else len(text)


def _rhs_end(text: str, pos: int, limit: int = 4000) -> int:
    """Where the value assigned at ``pos`` ends: the end of its line, or of the lines its open brackets span."""
    depth = 0
    for i in range(pos, min(len(text), pos + limit)):
        ch = text[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                return i
        elif (ch == "\n" and depth <= 0) or (ch == ";" and depth == 0):
            return i
    return min(len(text), pos + limit)


class _Resolver:
    """Which known targets a piece of code names: the hosts on its own lines (``line_targets``, from the
    evidence scan) and, through the variables it uses (``url``, ``details['name']``,
    ``app.config["BALANCES_URI"]``), the hosts on the lines that set them, a few steps back."""

    def __init__(self, text: str, lang: str, line_targets: dict[int, set]):
        self.text, self.lines = text, line_targets
        self.spans = _function_spans(text, lang)
        self.defs: dict[str, list[tuple[int, int, int]]] = {}  # key -> [(position, rhs start, rhs end)]
        for m in _DEF.finditer(text):
            lhs = m.group("lhs")
            if "(" in lhs:
                continue
            keys = re.findall(r"""\[\s*["']([^"'\n]{1,80})["']\s*\]""", lhs) or re.findall(r"[A-Za-z_]\w*", lhs)[-1:]
            if not keys:
                continue
            self.defs.setdefault(keys[-1], []).append((m.start(), m.end(), _rhs_end(text, m.end())))

    def definition(self, key: str, pos: int) -> tuple[int, int] | None:
        """The assignment of ``key`` in force at ``pos``: the last before it in a scope that holds ``pos``
        (its function or an enclosing one, or the file's top level), else the first after it at top level."""
        visible = []
        for at, a, b in self.defs.get(key, ()):
            scope = _innermost(self.spans, at)
            if scope is None or scope[0] <= pos < scope[1]:
                visible.append((at, a, b, scope))
        before = [d for d in visible if d[0] < pos]
        if before:
            return before[-1][1:3]
        after = [d for d in visible if d[0] > pos]
        return after[0][1:3] if after else None

    def targets(self, a: int, b: int, depth: int = 0, seen: set | None = None) -> set:
        """The known targets code ``text[a:b]`` names, each as the frozenset of components of one host."""
        seen = set() if seen is None else seen
        out = {frozenset(self.lines[n]) for n in range(_line_at(self.text, a), _line_at(self.text, max(a, b - 1)) + 1)
               if n in self.lines}
        if depth >= 3:
            return out
        for m in _TOKEN.finditer(self.text, a, b):
            key = m.group(1) or m.group(2)
            if key in seen:
                continue
            d = self.definition(key, m.start())
            if d is not None and not (d[0] <= m.start() < d[1]):
                seen.add(key)
                out |= self.targets(d[0], d[1], depth + 1, seen)
        return out


def _value_ms(expr: str, unit: int, lang: str, resolver: _Resolver, pos: int, depth: int = 0):
    """(milliseconds, how it was read) of a timeout's expression, or None: a literal (``3.0``,
    ``Duration.ofSeconds(10)``, ``5 * time.Second``, ``(3.05, 27)``: the read timeout), an environment
    variable's default in the code (``int(os.getenv('BACKEND_TIMEOUT', '4'))``), or a variable set to one of
    those (to one of several literals: the longest, ``black ? 10000 : 2500``)."""
    e = expr.strip()
    if lang == "py":
        t = re.fullmatch(r"\(\s*" + _NUMBER + r"\s*,\s*" + _NUMBER + r"\s*\)", e)
        if t:
            return round(float(t.group(2)) * 1000), "its read timeout"
        t = re.search(r"(?:Timeout|ClientTimeout)\s*\(\s*(?:total\s*=\s*|timeout\s*=\s*)?" + _NUMBER, e)
        if t:
            return round(float(t.group(1)) * 1000), ""
    d = _DURATION.search(e)
    if d:
        return int(d.group(2)) * _R4J_UNITS[d.group(1).lower()], ""
    if lang == "go":
        g = _GO_DURATION.search(e)
        if g:
            n = g.group(1) or g.group(4) or g.group(5)
            return round(float(n) * _GO_UNIT_MS[g.group(2) or g.group(3) or g.group(6)]), ""
    t = re.fullmatch(_NUMBER + r"\s*(?:,\s*" + _TIME_UNIT.pattern + r")?\s*[lLfF]?", e)
    if t:
        scale = {"MILLISECONDS": 1, "SECONDS": 1000, "MINUTES": 60_000}[t.group(2)] if t.group(2) else unit
        return round(float(t.group(1)) * scale), ""
    t = re.fullmatch(_NUMBER + r"\s*\*\s*" + _NUMBER, e)  # js: 5 * 1000
    if t:
        return round(float(t.group(1)) * float(t.group(2)) * unit), ""
    env = _ENV_DEFAULT.search(e)
    if env and env.group(2):
        return round(float(env.group(2)) * unit), (f"{env.group(1)}'s default in the code; the deployment may set "
                                                  f"{env.group(1)} to another: check it")
    if depth >= 2:
        return None
    keys = re.findall(r"""\[\s*["']([^"'\n]{1,80})["']\s*\]""", e) or re.findall(r"[A-Za-z_]\w*", e)[-1:]
    if len(keys) == 0 or not re.fullmatch(r"[\w.\[\]\"' ]+", e):
        # several literals (a conditional): the longest bounds every branch
        nums = [float(n) for n in re.findall(r"(?<![\w.])" + _NUMBER + r"(?![\w.])", e)]
        if len(nums) >= 2 and not re.search(r"[A-Za-z_]\w*\s*\(", re.sub(r"\.equals\s*\(|==|!=", "", e)):
            return round(max(nums) * unit), f"the longest of {', '.join(f'{n:g}' for n in nums)}"
        if len(nums) >= 2 and "?" in e:
            return round(max(nums) * unit), f"the longest of {', '.join(f'{n:g}' for n in nums)}"
        return None
    d = resolver.definition(keys[-1], pos)
    if d is None:
        return None
    rhs = resolver.text[d[0]:d[1]].strip().rstrip(";").strip()
    got = _value_ms(rhs, unit, lang, resolver, d[0], depth + 1)
    if got is None:
        return None
    where = f"set at line {_line_at(resolver.text, d[0])}"
    return got[0], f"{where}: {got[1]}" if got[1] else where


def code_call_timeouts(text: str, rel: str, line_targets: dict[int, set]) -> list[tuple[frozenset, dict]]:
    """The timeouts a source file (``rel``) writes for its HTTP calls, each as (the components of the one
    host the call goes to, {dependency field: (value, evidence line)}): ``line_targets`` says which known
    targets each line names (the evidence scan). A timeout whose call or function names no target, or
    several, is not given to any; a connect timeout alone does not bound a call that hangs and is not taken.
    A Python call retried in a ``for _ in range(N)`` loop gives ``retries``."""
    lang = _CODE_LANG.get(_suffix(rel))
    if lang is None or not any(w in text for w in _HTTP_CLIENT_WORDS[lang]) or "imeout" not in text:
        return []
    resolver = _Resolver(text, lang, line_targets)
    per: dict[frozenset, dict] = {}
    connect_only: dict[frozenset, tuple] = {}
    for rx, what, unit in _CODE_TIMEOUTS[lang]:
        for m in rx.finditer(text):
            got = _value_ms(m.group("e"), unit, lang, resolver, m.start())
            if got is None or not (0 < got[0] <= MAX_TIMEOUT_MS):
                continue
            ms, how = got
            a, b = _statement(text, m.start())
            targets = resolver.targets(a, b)
            tie = "the call"
            if not targets:
                fn = _innermost(resolver.spans, m.start())
                if fn is not None:
                    targets, tie = resolver.targets(*fn), "the function that sets it, which calls nothing else"
            if len(targets) != 1:
                continue
            target = next(iter(targets))
            line = _line_at(text, m.start())
            words = (f"{rel}:{line}: {' '.join(m.group(0).split())[:80]}: "
                     + ("the call times out after" if what == "read" else "a connect timeout of")
                     + f" {ms} ms" + (f" ({how})" if how else "") + f" (tied by {tie})")
            if what == "connect":
                connect_only.setdefault(target, (ms, words))
                continue
            current = per.setdefault(target, {}).get("timeout_ms")
            if current is None or ms > current[0]:  # several calls to one target: the longest bounds them all
                per[target]["timeout_ms"] = (ms, words)
            retry = _retry_loop(text, m.start(), lang, rel)
            if retry is not None:
                per[target].setdefault("retries", retry[0])
                per[target].setdefault("backoff", retry[1])
    return list(per.items())


def _suffix(rel: str) -> str:
    dot = rel.rfind(".")
    return rel[dot:].lower() if dot > rel.rfind("/") else ""


_RANGE_LOOP = re.compile(r"(?m)^([ \t]*)for\s+\w+\s+in\s+range\s*\(\s*(\d{1,3})\s*\)\s*:")


def _retry_loop(text: str, pos: int, lang: str, rel: str):
    """((retries, evidence), (back-off, evidence)) of a Python call made in a ``for _ in range(N)`` loop
    (N attempts), or None."""
    if lang != "py":
        return None
    start = text.rfind("\n", 0, pos) + 1
    indent = len(text[start:pos]) - len(text[start:pos].lstrip())
    for m in reversed(list(_RANGE_LOOP.finditer(text, 0, pos))):
        if len(m.group(1)) >= indent:
            continue
        between = text[m.end():start]
        if re.search(r"(?m)^[ \t]{0,%d}\S" % len(m.group(1)), between) or re.search(r"(?m)^[ \t]*def\s", between):
            return None  # the loop ended before the call
        n = int(m.group(2))
        if n < 2:
            return None
        waits = "sleep(" in text[m.end():_statement(text, pos)[1] + 400]
        line = (f"{rel}:{_line_at(text, m.start())}: the call is made up to {n} times in a loop: up to {n - 1} "
                f"retr{'y' if n == 2 else 'ies'}, " + ("with a wait between attempts (check whether it backs off)"
                                                      if waits else "at once (no back-off)"))
        return (n - 1, line), (False, line)
    return None


#: a client block's timeout keys: (pattern, unit of a bare number or None: only a duration with its unit)
_BLOCK_TIMEOUT_KEYS = [(re.compile(r"(?:read_?|request_?|response_?|call_?)?timeout_?ms|(?:read|request|response)?"
                                   r"[tT]imeout[mM]s|(?:read_?|request_?)?timeout_?millis", re.IGNORECASE), 1),
                       (re.compile(r"(?:read_?|request_?)?timeout_?(?:s|secs|seconds)", re.IGNORECASE), 1000),
                       (re.compile(r"(?:read_?|request_?|response_?)?timeout", re.IGNORECASE), None)]


def client_block_timeouts(text: str, rel: str, known) -> list[tuple[str, str, list[str], int, str]]:
    """Client configuration blocks of a JSON or YAML file keyed by a known service
    (``"post-storage-service": {"addr": ..., "timeout_ms": 10000}``), each as (the key, the timeout's key,
    its components, milliseconds, evidence line). ``known(name)``: the components a host name is, or None. A bare number
    under a plain ``timeout`` key has no unit and is not read; a connect timeout alone is not a call's."""
    low = rel.lower()
    if not low.endswith((".json", ".yaml", ".yml")) or "timeout" not in text.lower():
        return []
    try:
        docs = sy.load_text(text, file=rel)
    except PrrError:
        return []
    out = []
    for doc in docs:
        for node in _walk_dicts(doc.value):
            for key, block in node.items():
                if not isinstance(block, dict):
                    continue
                ids = known(sy.text(key))
                if not ids:
                    continue
                for k, v in block.items():
                    name = sy.text(k)
                    if "connect" in name.lower():
                        continue
                    ms = None
                    for rx, unit in _BLOCK_TIMEOUT_KEYS:
                        if rx.fullmatch(name):
                            raw = sy.text(v).strip()
                            if unit is None:
                                ms = duration_ms(v) if re.search(r"[a-zA-Z]", raw) else None
                            elif re.fullmatch(_NUMBER, raw):
                                ms = round(float(raw) * unit)
                            break
                    if ms and ms <= MAX_TIMEOUT_MS:
                        out.append((sy.text(key), name, list(ids), ms,
                                    f"{rel}:{sy.line_of(block, k, doc.line)}: {sy.text(key)}.{name}: {sy.text(v)}"))
                        break
    return out


def stated_timeouts(found, inv, review, known, scan_text, is_test) -> None:
    """Give ``found.policies`` (by caller, target) the timeouts a service's own code writes for its calls
    (:func:`code_call_timeouts`) and those of the client blocks of its configuration
    (:func:`client_block_timeouts`): of a file of its own, or of a file every service is handed whose
    block the caller's code reads by its key. ``known(host)``: its components or None;
    ``scan_text(text, rel, is_src)``: the evidence scan's hits of a file. A timeout the caller's code or
    configuration states wins over none; what a gateway's or mesh's configuration stated first is kept."""
    owned: dict = {}
    for owner, files in found.files.items():
        for path, is_src in files:
            owned.setdefault(path, []).append(owner)

    def give(owner, targets, field_name, value) -> None:
        for t in targets:
            if t != owner and t in review.components:
                found.policies.setdefault((owner, t), {}).setdefault(field_name, value)

    reads: dict[str, list[tuple[str, str]]] = {}  # owner -> [(rel, its source text)]
    for path, owners in owned.items():
        is_src = any(s for o in owners for p, s in found.files[o] if p == path)
        try:
            text = path.read_text("utf-8", "replace")
        except OSError:
            continue
        rel = path.relative_to(inv.root).as_posix() if path.is_relative_to(inv.root) else path.name
        if is_src:
            for o in owners:
                reads.setdefault(o, []).append((rel, text))
            if "imeout" not in text:
                continue
            lines: dict[int, set] = {}
            for targets, seen in scan_text(text, rel, True):
                lines.setdefault(seen.line, set()).update(targets)
            for target, pol in code_call_timeouts(text, rel, lines):
                for o in owners:
                    for f, v in pol.items():
                        give(o, target, f, v)
        else:
            for key, _field, ids, ms, line in client_block_timeouts(text, rel, known):
                for o in owners:
                    give(o, ids, "timeout_ms", (ms, f"{line}: {o}'s client of {key} times its calls out after {ms} ms"))
    for f in inv.files:
        if f.role != "config" or f.path in owned or is_test(f.rel):
            continue
        try:
            if f.path.stat().st_size > 2 * 1024 * 1024:
                continue
            text = f.path.read_text("utf-8", "replace")
        except OSError:
            continue
        for key, field_name, ids, ms, line in client_block_timeouts(text, f.rel, known):
            # the caller's code reads that block's timeout (config_json["text-service"]["timeout_ms"]), not just
            # a host of the same name
            quoted = re.compile(r"""["'`]""" + re.escape(key) + r"""["'`]""")
            field_quoted = re.compile(r"""["'`]""" + re.escape(field_name) + r"""["'`]""")
            for o, srcs in reads.items():
                for rel, src in srcs:
                    m = quoted.search(src)
                    if m and field_quoted.search(src):
                        give(o, ids, "timeout_ms", (ms, f"{line}: {o}'s client of {key} times its calls out after "
                                                        f"{ms} ms ({o}'s code reads that block at {rel}:"
                                                        f"{_line_at(src, m.start())})"))
                        break
