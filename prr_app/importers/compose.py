"""Docker Compose files, layered like ``docker compose -f a.yaml -f b.yaml``.

* Files are merged in the order given (the base file, ``compose.yaml`` or
  ``docker-compose.yml``, first when a folder is imported): mappings merge,
  ``environment``/``labels``/``depends_on`` merge by key, lists are
  concatenated, scalars are replaced; ``!reset`` removes a value and
  ``!override`` replaces it whole (Compose spec).
* ``${VAR}``, ``$VAR``, ``${VAR:-default}``, ``${VAR-default}``,
  ``${VAR:?err}``, ``${VAR:+alt}`` and ``$$`` are interpolated from the
  ``.env`` file in the project folder (the folder of the first file). The
  process environment is deliberately not used: an import must not depend
  on who runs it. A bare ``- VAR`` in ``environment`` takes its value from
  ``.env`` too; ``env_file`` entries are read when present.
* Each service that ``docker compose up`` keeps running is a component
  (``deploy.replicas`` or ``scale``; missing means 1): not a service of an
  inactive profile, a one-shot job or a service scaled to 0 (:func:`_running`).
  A service with a ``container_name`` is 1 replica whatever it asks for, with a
  warning: the Compose specification never scales it beyond one container.
  All of them share one failure domain, the Docker host.
* An environment value that names another service (``host:port``, URL,
  connection string, or the bare name in a variable named like an address)
  is a dependency. ``depends_on`` and ``links`` are start-up order only:
  recorded as weaker evidence, and alone they make a *soft* dependency; a
  ``depends_on`` a service registry, datastore, cache or queue is hard (on a
  store, said with the sign that the service uses it, :func:`_store_uses`, or
  as a guess to check where nothing read names it).
"""
from __future__ import annotations

import re
from pathlib import Path

from prr_app.errors import PrrError
from prr_app import paths, safe_yaml as sy
from prr_app.importers.graph import (
    ADDRESS_NAME,
    CRITICALITY_LABELS,
    HOST_NAME_VAR,
    ENV,
    PORT_FACING,
    STARTUP,
    can_face_users,
    common_base,
    GraphBuilder,
    NO_VOLUME_NEEDED,
    dependency_type,
    keeps_nothing,
    keeps_state,
    host_arguments,
    host_refs,
    hub_tag,
    LOAD_GENERATOR,
    load_generator_env,
    load_generator_words,
    not_facing_what,
    recognise,
    redact,
    address_call_type,
    hub_named,
    external_api,
    short_names,
)

_BASE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
_NAME_RE = re.compile(r"^(docker-)?compose([.\-_].*)?\.ya?ml$", re.IGNORECASE)
MAX_ENV_BYTES = 4 * 1024 * 1024
#: the longest value that ${VAR} interpolation may produce (an expansion bomb stops here)
MAX_EXPANDED = 256 * 1024


def looks_like_compose(path: Path) -> bool:
    """Content first (top-level ``services:``, and no ``apiVersion``/``kind``), then the name."""
    if path.suffix.lower() not in (".yaml", ".yml"):
        return False
    head = paths.head_text(path)
    if re.search(r"(?m)^[\"']?apiVersion[\"']?\s*:", head) or re.search(r"(?m)^[\"']?kind[\"']?\s*:", head):
        return False  # a Kubernetes (or Backstage) object named like a compose file (openshift/compose-post.yaml)
    if re.search(r"(?m)^[\"']?(services|include)[\"']?\s*:", head):
        return True
    # a compose file of only comments, or one whose services come later than the first 8 KB
    return bool(_NAME_RE.match(path.name)) and not re.search(r"(?m)^[A-Za-z_\"'-][^:\n]*:", head)


# ------------------------------------------------------------------ .env
def parse_env_file(path: Path, variables: dict[str, str] | None = None, *, warnings: list[str] | None = None,
                   name: str | None = None) -> dict[str, tuple[str, int]]:
    """``KEY=VALUE`` lines -> {KEY: (value, line)}; values interpolate earlier keys."""
    name = name or str(path)
    text = sy.read_text(path, max_bytes=MAX_ENV_BYTES)
    out: dict[str, tuple[str, int]] = {}
    known = dict(variables or {})
    for i, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[7:].lstrip()
        if "=" not in line:
            if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", line):
                continue  # a bare name: no value
            raise PrrError("expected KEY=VALUE", file=name, location=f"line {i}")
        key, _, val = line.partition("=")
        key = key.strip()
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", key):
            raise PrrError(f"{key!r} is not a variable name", file=name, location=f"line {i}")
        val = val.strip()
        if val[:1] in ("'", '"') and val.count(val[0]) >= 2 and val.rfind(val[0]) > 0:
            q = val[0]
            end = val.rfind(q)
            inner = val[1:end]
            if q == '"':
                inner = inner.replace("\\n", "\n").replace('\\"', '"').replace("\\\\", "\\")
                val = interpolate(inner, known, warnings=warnings, where=f"{name}:{i}")
            else:
                val = inner
        else:
            val = re.split(r"\s+#", val, maxsplit=1)[0].rstrip()
            val = interpolate(val, known, warnings=warnings, where=f"{name}:{i}")
        out[key] = (val, i)
        known[key] = val
    return out


def interpolate(value: str, variables: dict[str, str], *, warnings: list[str] | None = None, where: str = "",
                depth: int = 0) -> str:
    """Compose-style interpolation of one string (unknown variables become empty, with a warning)."""
    if "$" not in value:
        return value

    def repl(m: re.Match) -> str:
        if m.group(1):
            return "$"
        if m.group(3):
            return _var(m.group(3), variables, warnings, where)
        expr = m.group(2)
        mm = re.fullmatch(r"([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])(.*))?", expr, re.DOTALL)
        if not mm:
            if warnings is not None:
                warnings.append(f"{where}: cannot interpolate ${{{expr}}}; left empty")
            return ""
        name, op, arg = mm.group(1), mm.group(2), mm.group(3) or ""
        present = name in variables
        val = variables.get(name, "")
        if op is None:
            return _var(name, variables, warnings, where)
        sub = interpolate(arg, variables, warnings=warnings, where=where, depth=depth + 1) if depth < 5 else arg
        if op == ":-":
            return val if val else sub
        if op == "-":
            return val if present else sub
        if op == ":+":
            return sub if val else ""
        if op == "+":
            return sub if present else ""
        if op in (":?", "?"):
            if (op == ":?" and not val) or (op == "?" and not present):
                if warnings is not None:
                    warnings.append(f"{where}: required variable {name} is not set ({sub or 'no message'}); left empty")
                return ""
            return val
        return val

    out = _substitute(value, repl)
    if len(out) > MAX_EXPANDED:
        # nested ${VAR} references double at each step: bound the output, not the steps
        raise PrrError(f"{where}: variables expand this value to more than {MAX_EXPANDED // 1024} KB "
                       "(nested references?)")
    return out


_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class _Ref:
    """A reference found by :func:`_substitute`: group 1 ``$$``, 2 the inside of ``${...}``, 3 a bare name."""

    def __init__(self, dollar: str | None, expr: str | None, name: str | None):
        self._groups = (dollar, expr, name)

    def group(self, i: int):
        return self._groups[i - 1]


def _substitute(value: str, repl) -> str:
    """``value`` with every ``$$``, ``$NAME`` and ``${...}`` replaced by ``repl``; a ``${...}`` may
    hold others (``${DB_HOST:-${FALLBACK:-postgres}}``, as docker compose reads it): its end is the
    brace that balances it. An unclosed ``${`` is left as written."""
    out: list[str] = []
    i, n = 0, len(value)
    while i < n:
        j = value.find("$", i)
        if j < 0 or j == n - 1:
            out.append(value[i:])
            break
        out.append(value[i:j])
        nxt = value[j + 1]
        if nxt == "$":
            out.append(repl(_Ref("$", None, None)))
            i = j + 2
        elif nxt == "{":
            depth, k = 1, j + 2
            while k < n and depth:
                if value.startswith("${", k):
                    depth, k = depth + 1, k + 2
                    continue
                if value[k] == "}":
                    depth -= 1
                k += 1
            if depth:
                out.append(value[j:])
                break
            out.append(repl(_Ref(None, value[j + 2:k - 1], None)))
            i = k
        else:
            m = _NAME_RE.match(value, j + 1)
            if m:
                out.append(repl(_Ref(None, None, m.group(0))))
                i = m.end()
            else:
                out.append("$")
                i = j + 1
    return "".join(out)


def _var(name, variables, warnings, where) -> str:
    if name in variables:
        return variables[name]
    if warnings is not None:
        warnings.append(f"{where}: variable {name} is not set (not in .env); left empty")
    return ""


_UNSET = re.compile(r"(?P<file>.*):(?P<line>\d+): variable (?P<name>\S+) is not set \(not in \.env\); left empty$")


def _unset_once(warnings: list[str]) -> list[str]:
    """The warnings, a variable left unset in many places of one file said once, with its lines
    (``IMG_REPO`` in every service's image: one warning, not sixty)."""
    places: dict[tuple[str, str], list[str]] = {}
    for w in warnings:
        m = _UNSET.match(w)
        if m:
            places.setdefault((m["file"], m["name"]), []).append(m["line"])
    out: list[str] = []
    for w in warnings:
        m = _UNSET.match(w)
        if not m:
            out.append(w)
            continue
        lines = places.pop((m["file"], m["name"]), None)
        if lines is None:
            continue  # said with its first place
        lines = list(dict.fromkeys(lines))
        more = f" ({len(lines)} places: lines {', '.join(lines[:8])}{' ...' if len(lines) > 8 else ''})" \
            if len(lines) > 1 else ""
        out.append(f"{w}{more}")
    return out


def _dapr_sidecar_of(svc: dict, services: dict) -> str | None:
    """The service whose Dapr sidecar ``svc`` is (a ``daprd`` container in its network stack), or None."""
    mode = sy.text(svc.get("network_mode"))
    if not mode.startswith("service:"):
        return None
    app = mode.split(":", 1)[1].strip()
    image = sy.text(svc.get("image")).lower()
    cmd = svc.get("command")
    words = [sy.text(x) for x in cmd] if isinstance(cmd, list) else sy.text(cmd).split()
    if app in services and ("daprio/daprd" in image or any(w.rsplit("/", 1)[-1] == "daprd" for w in words[:2])):
        return app
    return None


def _flag(cmd, name: str) -> str | None:
    """The value of ``-name``/``--name`` in a command (a list, or a string split on blanks)."""
    words = [sy.text(x) for x in cmd] if isinstance(cmd, list) else sy.text(cmd).split()
    for i, w in enumerate(words):
        if w.lstrip("-") == name and w.startswith("-") and i + 1 < len(words):
            return words[i + 1]
        if w.startswith(("-" + name + "=", "--" + name + "=")):
            return w.split("=", 1)[1]
    return None


def _host_arguments(cmd, hosts: dict[str, str]) -> list[tuple[str, str]]:
    """:func:`~prr_app.importers.graph.host_arguments` of a command (a list, or a string split on blanks)."""
    words = [sy.text(x) for x in cmd] if isinstance(cmd, list) else sy.text(cmd).split() if cmd else []
    return host_arguments(words, hosts)


# ------------------------------------------------------------ merging
class _Reset:
    __slots__ = ()


RESET = _Reset()


def _prepare(value, variables, warnings, where_file, line=0, depth=0):
    """Interpolate every string, resolve !reset / !override markers (keys are kept)."""
    if depth > 60:
        raise PrrError("nested too deeply", file=where_file, location=f"line {line}")
    tag = getattr(value, "tag", None)
    if tag == "!reset":
        return RESET
    if isinstance(value, sy.YMap):
        out = sy.YMap(value.line, tag)
        for k, v in value.items():
            kl = value.line_of(k)
            out[k] = _prepare(v, variables, warnings, where_file, kl, depth + 1)
            out.key_lines[k] = kl
        return out
    if isinstance(value, sy.YList):
        out = sy.YList(value.line, tag)
        for i, v in enumerate(value):
            il = value.line_of(i)
            out.append(_prepare(v, variables, warnings, where_file, il, depth + 1))
            out.item_lines.append(il)
        return out
    if isinstance(value, str):
        s = interpolate(str(value), variables, warnings=warnings, where=f"{where_file}:{line}")
        return s
    return value


class _Located(str):
    """A string that remembers the file and line it came from."""

    __slots__ = ("file", "line")


def _loc(value: str, file: str, line: int) -> _Located:
    s = _Located(value)
    s.file, s.line = file, line
    return s


def _normalise_service(svc: sy.YMap, file: str) -> dict:
    """A service with environment/labels/depends_on/links as mappings, values located."""
    out: dict = {}
    for k, v in svc.items():
        line = svc.line_of(k)
        if k == "environment":
            out[k] = _kv(v, file, line)
        elif k == "depends_on":
            out[k] = _deps(v, file, line)
        elif k in ("labels", "extra_hosts"):
            out[k] = _kv(v, file, line)
        else:
            out[k] = v
        if not isinstance(out[k], (dict, list, _Reset)) and out[k] is not None:
            out[k] = _loc(str(out[k]), file, line)
    out["__lines__"] = {k: (file, svc.line_of(k)) for k in svc}
    return out


def _kv(v, file, line) -> dict:
    """environment as a list (``K=V`` or bare ``K``) or mapping -> {K: (value or None, file, line)}."""
    out: dict = {}
    if isinstance(v, _Reset):
        return {"__reset__": True}
    if isinstance(v, sy.YList):
        for i, item in enumerate(v):
            if item is None or isinstance(item, (dict, list)):
                continue
            s = str(item)
            k, eq, val = s.partition("=")
            out[k.strip()] = (val if eq else None, file, v.line_of(i))
    elif isinstance(v, sy.YMap):
        for k, val in v.items():
            if k is None:
                raise PrrError(f"a variable or label has {NULL_NAME}; name it", file=file,
                               location=f"line {v.line_of(k)}")
            out[str(k)] = (None if val is None else sy.text(val), file, v.line_of(k))
    elif v is not None:
        raise PrrError("environment should be a list or a mapping", file=file, location=f"line {line}")
    return out


#: what a YAML null (``null``, ``~`` or nothing) where a name belongs is called in messages
NULL_NAME = "an empty name (YAML null: null, ~ or nothing)"


def _deps(v, file, line) -> dict:
    out: dict = {}
    if isinstance(v, sy.YList):
        for i, item in enumerate(v):
            if not isinstance(item, str):  # null, or a mapping or list where a service name belongs
                what = NULL_NAME if item is None else f"a {'mapping' if isinstance(item, dict) else 'list'}"
                raise PrrError(f"depends_on lists {what}; give the name of a service",
                               file=file, location=f"line {v.line_of(i)}")
            out[str(item)] = ({}, file, v.line_of(i))
    elif isinstance(v, sy.YMap):
        for k, val in v.items():
            if k is None:
                raise PrrError(f"depends_on names {NULL_NAME}; give the name of a service",
                               file=file, location=f"line {v.line_of(k)}")
            out[str(k)] = (val if isinstance(val, dict) else {}, file, v.line_of(k))
    elif v is not None and not isinstance(v, _Reset):
        raise PrrError("depends_on should be a list or a mapping", file=file, location=f"line {line}")
    return out


def _merge(base, over):
    if isinstance(over, _Reset):
        return None
    if getattr(over, "tag", None) == "!override":
        return over
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for k, v in over.items():
            if isinstance(v, _Reset):
                out.pop(k, None)
            elif k in out and k not in ("command", "entrypoint"):
                out[k] = _merge(out[k], v)
            else:
                out[k] = v
        return out
    if isinstance(base, list) and isinstance(over, list):
        out = list(base)
        for x in over:
            if x not in out:
                out.append(x)
        return out
    return over


# ------------------------------------------------------------ the import
def _order(paths: list[Path]) -> list[Path]:
    """The base file first, then the rest in the order given."""
    return sorted(paths, key=lambda p: 0 if p.name.lower() in _BASE_NAMES else 1)


MAX_FILES = 1000


def read_compose(paths: list[Path], *, base: Path | None = None, profiles: list[str] | None = None) -> object:
    """The review of a Compose project. ``profiles``: the active profiles (``--profile``); when not
    given, those ``COMPOSE_PROFILES`` names in the project's ``.env``, as ``docker compose up`` reads them."""
    paths = _order([Path(p) for p in paths])
    names = short_names(paths, base)
    b = GraphBuilder("compose", paths)
    project = paths[0].resolve().parent
    variables: dict[str, str] = {}
    env_lines: dict[str, tuple[str, int]] = {}
    dot_env = project / ".env"
    warnings: list[str] = []
    if dot_env.is_file():
        env_lines = parse_env_file(dot_env, warnings=warnings, name=".env")
        variables = {k: v for k, (v, _) in env_lines.items()}
        b.read(f".env: {len(variables)} variable(s) for interpolation")
    services: dict[str, dict] = {}
    state = {"project_name": "", "files": 0}

    def load_top(path: Path, fname: str):
        """The prepared top-level mapping of one compose file (None if it holds nothing)."""
        state["files"] += 1
        if state["files"] > MAX_FILES:
            raise PrrError(f"more than {MAX_FILES} compose files through 'include' and 'extends'", file=str(path))
        ywarn: list[str] = []
        docs = sy.load_file(path, warnings=ywarn)
        for w in ywarn:  # a repeated null key is no key named "None"
            b.warn(w.replace(str(path), fname, 1).replace("duplicate key None ", f"duplicate key: {NULL_NAME} "))
        docs = [d for d in docs if d.value is not None]
        if not docs:
            return None
        if len(docs) > 1:
            b.skip(f"{fname}: only the first of {len(docs)} YAML documents is used (Compose reads one)")
        top = docs[0].value
        if not isinstance(top, sy.YMap):
            raise PrrError("a compose file must be a mapping at the top", file=str(path), location=f"line {docs[0].line}")
        return _prepare(top, variables, warnings, fname, docs[0].line)

    def services_of(top, path: Path, fname: str):
        svcs = top.get("services")
        if svcs is None:
            return None
        if not isinstance(svcs, sy.YMap):
            raise PrrError("services should be a mapping of service names", file=str(path),
                           location=f"line {top.line_of('services')}")
        return svcs

    def label(f: Path, base: Path, fname: str) -> str:
        try:
            rel = f.resolve().relative_to(base.resolve().parent)
        except ValueError:
            return f.name
        parent = Path(fname).parent
        return str(parent / rel) if str(parent) != "." else str(rel)

    def normalised(sname: str, svc, svcs, path: Path, fname: str, chain: tuple = ()) -> dict:
        """A service with ``extends`` resolved (the base first, this service merged over it)."""
        norm = _normalise_service(svc, fname)
        ext = svc.get("extends")
        if ext is None or isinstance(ext, _Reset):
            return norm
        el = svc.line_of("extends")
        if isinstance(ext, str):
            base_name, base_file = ext, None
        elif isinstance(ext, dict) and isinstance(ext.get("service"), str):
            base_name, base_file = str(ext["service"]), ext.get("file")
        else:
            raise PrrError(f"extends of {sname!r} needs a service name", file=str(path), location=f"line {el}")
        key = (str(path.resolve()), base_name)
        if base_file is not None:
            bpath = path.parent / str(base_file)
            if not bpath.is_file():
                b.warn(f"{fname}:{el}: {sname} extends {base_name} from {base_file}, which is not there; "
                       "what it would inherit is missing")
                return norm
            bname = label(bpath, path, fname)
            btop = load_top(bpath, bname)
            bsvcs = services_of(btop, bpath, bname) if btop is not None else None
            key = (str(bpath.resolve()), base_name)
        else:
            bpath, bname, bsvcs = path, fname, svcs
        if key in chain or len(chain) > 32:
            raise PrrError(f"{sname} extends itself through {base_name}", file=str(path), location=f"line {el}")
        if bsvcs is None or base_name not in bsvcs or not isinstance(bsvcs[base_name], sy.YMap):
            b.warn(f"{fname}:{el}: {sname} extends {base_name}, which is not a service in {bname}; "
                   "what it would inherit is missing")
            return norm
        base = normalised(base_name, bsvcs[base_name], bsvcs, bpath, bname, chain + (key,))
        b.read(f"{fname}:{el}: {sname} extends {base_name}" + (f" from {bname}" if bpath != path else ""))
        lines = dict(base["__lines__"])
        lines.update(norm["__lines__"])
        # depends_on and links stay with the service that declares them (start-up order is not inherited)
        inherited = {k: v for k, v in base.items() if k not in ("__lines__", "depends_on", "links", "extends")}
        merged = _merge(inherited, {k: v for k, v in norm.items() if k != "__lines__"})
        merged["__lines__"] = lines
        return merged

    def load(path: Path, fname: str, chain: tuple = (), entry: tuple | None = None) -> None:
        """Read one compose file (``chain``: the files that include it, the top-level one first;
        ``entry``: the include entry it came by, which the files of one ``path:`` list share)."""
        top = load_top(path, fname)
        if top is None:
            b.read(f"{fname}: no services (empty or only comments)")
            return
        if isinstance(top.get("name"), str) and not chain:
            state["project_name"] = str(top["name"])
        for k in top:
            if k not in ("services", "version", "name", "networks", "volumes", "configs", "secrets", "include") \
                    and not str(k).startswith("x-"):
                b.skip(f"{fname}:{top.line_of(k)}: top-level {k!r} is not used")
        if "include" in top:
            il = top.line_of("include")
            inc = top["include"]
            for n_entry, entry in enumerate(inc if isinstance(inc, list) else [inc]):
                refs = entry.get("path") if isinstance(entry, dict) else entry
                for ref in refs if isinstance(refs, list) else [refs]:
                    if not isinstance(ref, str) or not ref:
                        continue
                    if re.match(r"^[a-z][a-z0-9+.-]*://", ref, re.I) or ref.startswith("oci:"):
                        b.skip(f"{fname}:{il}: include {ref} is remote; not fetched")
                        continue
                    ipath = path.parent / ref
                    if not ipath.is_file():
                        b.warn(f"{fname}:{il}: include {ref} is not there; its services are missing")
                        continue
                    if ipath.resolve() in chain or ipath.resolve() == path.resolve() or len(chain) > 32:
                        raise PrrError(f"include {ref} includes itself", file=str(path), location=f"line {il}")
                    b.read(f"{fname}:{il}: includes {ref}")
                    load(ipath, label(ipath, path, fname), chain + (path.resolve(),),
                         ((chain or (path.resolve(),))[0], path.resolve(), n_entry))
        svcs = services_of(top, path, fname)
        if svcs is None:
            b.read(f"{fname}: no services")
            return
        count = 0
        for sname, svc in svcs.items():
            if sname is None:
                raise PrrError(f"a service has {NULL_NAME}; name it (quote it, 'null', if that is its name)",
                               file=str(path), location=f"line {svcs.line_of(sname)}")
            sname = str(sname)
            if isinstance(svc, _Reset):
                services.pop(sname, None)
                continue
            if svc is None:
                svc = sy.YMap(svcs.line_of(sname))
            if not isinstance(svc, sy.YMap):
                raise PrrError(f"service {sname!r} should be a mapping", file=str(path),
                               location=f"line {svcs.line_of(sname)}")
            norm = normalised(sname, svc, svcs, path, fname)
            norm["__defined__"] = (fname, svcs.line_of(sname))
            if sname in services:
                came = services[sname].get("__included__")
                # Compose refuses a service an include brings that the including file or another include
                # defines too; a later file of the same include's path list, or a later top-level layer
                # (compose.override.yaml), overrides it, as docker compose does
                if (entry is not None and came != entry) or (entry is None and came and came[1] == path.resolve()):
                    b.warn(f"{fname}:{svcs.line_of(sname)}: service {sname} is defined by an included file and "
                           f"again here (Compose refuses this); the definitions are merged")
                lines = dict(services[sname]["__lines__"])
                lines.update(norm["__lines__"])
                merged = _merge(services[sname], {k: v for k, v in norm.items() if k not in ("__lines__", "__defined__")})
                merged["__lines__"] = lines
                merged.setdefault("__layers__", [services[sname]["__defined__"][0]]).append(fname)
                services[sname] = merged
            else:
                if entry is not None:
                    norm["__included__"] = entry
                services[sname] = norm
            count += 1
        b.read(f"{fname}: {count} service(s)")

    for path in paths:
        load(path, names[path])
    project_name = state["project_name"]
    for w in _unset_once(warnings):
        b.warn(w)
    if not services:
        raise PrrError("no services found in the compose file(s)", file=str(paths[0]))
    services, off = _running(b, services, profiles, variables, env_lines)
    _build(b, services, variables, env_lines, project, off,
           Path(base).resolve() if base is not None else common_base(paths))
    b.system_name = project_name or project.name
    b.system_declared = bool(project_name)
    return b.finish(file=str(paths[0]))


#: a word of a service's name that says it is a start-up step: an init, migration, setup, seed or provisioning
#: job ("dynamodblocal-init", "db-migrate", "kafka-setup"), or a data loader that fills a store and exits
#: (robot-shop's "loader", "data-importer", "db-populate"); with a restart policy that lets it exit for good
#: (none, "no", "on-failure") it is a one-shot job (:func:`_running`). "loader" is a word of its own: a load
#: generator ("loadgenerator", "load-generator") keeps running and is not matched.
_ONE_SHOT_NAME = re.compile(r"(?:^|[-_.])(init|initiali[sz]er?|migrat(?:e|es|ion|ions|or|ors)|setup|seed(?:er|s)?|"
                            r"bootstrap|provision(?:er)?|one-?shot|create-?(?:topics?|buckets?|tables?|indices|indexes)|"
                            r"loader|importer|data-?import|populat(?:e|or)|restore)"
                            r"(?:$|[-_.])")
#: a service's own command that keeps it running whatever its name says (``sleep infinity``, ``tail -f``, a
#: ``while true`` loop, a watcher, a cron daemon): not a one-shot job
_KEEPS_RUNNING = re.compile(r"sleep\s+infinity|tail\s+-f|while\s+(?:true|:)|--watch\b|\bcrond?\b|\bsupervisord\b",
                            re.IGNORECASE)


def _one_shot_word(sname: str, svc: dict) -> tuple[re.Match, str] | None:
    """The start-up-step word that names ``svc`` a one-shot job, and where it is said: its service name,
    else the folder the project builds it from (``build: mysql-loader``, named after its role). Not an
    image's name: a vendor's image may name a step it takes before it serves (``temporalio/auto-setup``
    runs the server). None when no word says so, or when the service's own command keeps it running."""
    build = svc.get("build")
    ctx = build.get("context") if isinstance(build, dict) else build
    folder = sy.text(ctx).rstrip("/").rsplit("/", 1)[-1] if isinstance(ctx, str) and "://" not in ctx else ""
    command = " ".join(sy.text(x) for key in ("entrypoint", "command")
                       for x in (svc.get(key) if isinstance(svc.get(key), list) else [svc.get(key)]) if x is not None)
    if _KEEPS_RUNNING.search(command):
        return None
    for text, where in ((sname, "its name"), (folder, f"the folder it is built from ({folder})")):
        m = _ONE_SHOT_NAME.search(text.lower()) if text else None
        if m:
            return m, where
    return None


def _plain_env(svc: dict) -> dict[str, str]:
    """A service's ``environment`` as variable -> value (as written, before ``.env``)."""
    env = svc.get("environment")
    out = {}
    for var, v in (env.items() if isinstance(env, dict) else ()):
        if var != "__reset__" and isinstance(v, tuple) and v and v[0] is not None:
            out[str(var)] = str(v[0])
    return out


#: an item of a list of topics to create, ``name:partitions:replicas[:cleanup policy]`` (wurstmeister/kafka's
#: ``KAFKA_CREATE_TOPICS=dresses:1:1,ratings:1:1``): a ``host:port`` has no second number after the port
_TOPIC_SPEC = re.compile(r"([^\s,:]+):\d+:\d+(?::[\w.=-]*)*")


def _value_hosts(val: str, *, bare_ok: bool) -> list:
    """The host names an environment value names (:func:`host_refs`), but not the topic names of a list of
    topics to create (``dresses:1:1``): read as ``host:port``, they were dangling hosts, or a call to a
    service whose name a topic shares."""
    refs = host_refs(val, bare_ok=bare_ok)
    if refs and ":" in val:
        specs = {m.group(1).lower() for item in re.split(r"[\s,;]+", val)
                 if (m := _TOPIC_SPEC.fullmatch(item.strip("\"'")))}
        refs = [r for r in refs if not (r.how == "host:port" and r.host.lower() in specs)]
    return refs


#: the kinds of component a service keeps its data in or sends its work through: a ``depends_on`` one of
#: them is a call only when something else says the service uses it (:func:`_store_uses`)
_STORE_KINDS = ("datastore", "cache", "queue")
#: the words the clients of each kind of store (a tag :func:`recognise` gives) are known by: the start of a
#: word of a variable's name (``PGHOST``, ``SPRING_RABBITMQ_PORT``, ``MONGO_DB``), a whole word of its value
#: (``SPRING_PROFILES_ACTIVE=mysql``) and a library of a build file (``org.postgresql``, ``spring-kafka``,
#: ``ioredis``, ``lib/pq``)
_CLIENT_WORDS = {
    "postgres": r"postgres\w*|(?:aio)?pg|pgx|psql|psycopg\w*|asyncpg|npgsql\w*|lib/pq|r2dbc-postgresql|cockroach\w*|"
                r"timescale\w*|yugabyte\w*",
    "mysql": r"(?:aio|py)?mysql\w*|mariadb\w*",
    "sql": r"mssql\w*|sqlserver\w*|ojdbc\w*|oracle\w*|db2\w*|tedious",
    "mongodb": r"(?:py)?mongo\w*",
    "cassandra": r"cassandra\w*|scylla\w*|gocql",
    "redis": r"(?:io|aio)?redis\w*|valkey\w*|jedis|lettuce|keydb",
    "memcached": r"(?:py)?memcache\w*",
    "search": r"elasticsearch\w*|opensearch\w*|solr\w*",
    "kafka": r"(?:aio)?kafka\w*|sarama|redpanda\w*",
    "messaging": r"rabbit\w*|amqp\w*|pika|kombu|j?nats|pulsar|activemq\w*|artemis",
}
_CLIENT_NAME = {t: re.compile(rf"(?:^|[_.])(?:{w})", re.IGNORECASE) for t, w in _CLIENT_WORDS.items()}
_CLIENT_VALUE = {t: re.compile(rf"(?<![\w/.:@-])(?:{w})(?![\w/.:@-])", re.IGNORECASE)
                 for t, w in _CLIENT_WORDS.items()}
_CLIENT_LIBRARY = {t: re.compile(rf"(?<![a-z0-9])(?:{w})(?![a-z0-9])") for t, w in _CLIENT_WORDS.items()}
#: a word of a variable's name that says a setting of a client of some store of that kind (``DB_USER``,
#: ``DATABASESERVER_PORT``, ``SPRING_DATASOURCE_USERNAME``, ``BROKER_PORT``, ``CACHE_TTL``): taken for the
#: service's one store of that kind that nothing else names
_KIND_NAME = {
    "datastore": re.compile(r"(?:^|_)(?:db|database|datasource|jdbc|sql)(?:host|hostname|port|user|username|name|"
                            r"pass|password|url|uri|server|addr|address|schema)?(?:_|$)", re.IGNORECASE),
    "queue": re.compile(r"(?:^|_)(?:broker|brokers|queue|queues|mq|messaging|eventbus|topic|topics)(?:_|$)",
                        re.IGNORECASE),
    "cache": re.compile(r"(?:^|_)(?:cache|caches)(?:_|$)", re.IGNORECASE),
}
#: the build files whose libraries say what a service's code uses
_BUILD_FILES = ("pom.xml", "build.gradle", "build.gradle.kts", "package.json", "requirements.txt", "pyproject.toml",
                "Pipfile", "setup.py", "go.mod", "Gemfile", "Cargo.toml", "composer.json", "mix.exs")


def _build_dirs(svc: dict, project: Path) -> list[Path]:
    """The folders a service's image is built from: its ``build`` context, and the folder of a Dockerfile
    named below it (context ``./``, dockerfile ``src/ad/Dockerfile``: ``src/ad``)."""
    build = svc.get("build")
    ctx = build.get("context") if isinstance(build, dict) else build
    if not isinstance(ctx, str) or not ctx or "://" in ctx:
        return []
    folder = (project / ctx).resolve()
    dockerfile = build.get("dockerfile") if isinstance(build, dict) else None
    if isinstance(dockerfile, str) and dockerfile and "/" in dockerfile:
        return [(folder / dockerfile).parent.resolve()]
    return [folder]


def _client_library(folders: list[Path], tag: str, root: Path | None) -> str | None:
    """The line (``file:line: the library``) of a build file in ``folders`` (the service's own, not a
    monorepo's above them) that names a client of a ``tag`` store, or None."""
    rx = _CLIENT_LIBRARY.get(tag)
    if rx is None:
        return None
    for folder in folders:
        try:
            files = sorted([*(folder / n for n in _BUILD_FILES), *folder.glob("*.csproj")])
        except OSError:
            continue
        for path in files:
            try:
                if not path.is_file():
                    continue
                text = path.read_text("utf-8", "replace")[:2_000_000].lower()
            except OSError:
                continue
            if m := rx.search(text):
                name = short_names([path], root)[path] if root is not None else path.name
                return f"{name}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
    return None


def _store_uses(sname: str, svc: dict, env: dict, variables: dict, stores: dict[str, tuple], named: set[str],
                project: Path, root: Path | None) -> dict[str, str]:
    """For the stores ``sname`` ``depends_on`` (``stores``: service -> (its component, the host names that
    reach it)) that no address of it names (not in ``named``),
    the evidence that it uses one all the same, by service: a variable of its environment whose value names
    no host and whose name names the store (``DATABASESERVER_PORT`` beside a service reached as ``database``)
    or its product (``PGUSER``, ``SPRING_RABBITMQ_USERNAME``), a value that names its product
    (``SPRING_PROFILES_ACTIVE=mysql``), or a build file of the service naming a client of it (``org.postgresql``
    in its ``pom.xml``); failing those, a variable that names a store of its kind (``DB_PASSWORD``,
    ``BROKER_PORT``) where it is the only store of that kind it waits for. The product's words count only for
    the one store of that product it waits for: a variable says which product, not which of two of them."""
    plain = []  # (variable, value, file, line): a setting, not an address (its value names no host)
    for var, (val, file, line) in env.items():
        if val is None:
            val = variables.get(var)
        if val is None or _value_hosts(str(val), bare_ok=bool(ADDRESS_NAME.search(var))):
            continue
        plain.append((str(var), str(val), file, line))

    def setting(target: str, names: set[str], tag: str | None, alone: bool) -> str | None:
        names = {re.sub(r"[^a-z0-9]+", "_", n.lower()) for n in names if n}
        for var, val, file, line in plain:
            low = re.sub(r"[^a-z0-9]+", "_", var.lower())
            ev = f"{file}:{line}: {sname} environment {var}={redact(var, val)}"
            if any(re.search(rf"(?:^|_){re.escape(n)}", low) for n in names if len(n) > 1):
                return f"{ev}: a setting of its client of {target} (the variable's name names it)"
            if tag and alone and _CLIENT_NAME[tag].search(var):
                return f"{ev}: a setting of its {tag} client (the variable's name says {tag})"
            if tag and alone and redact(var, val) != "***" and _CLIENT_VALUE[tag].search(val):  # not a password
                return f"{ev}: its value names {tag}, the product of {target}"
        return None

    out: dict[str, str] = {}
    tags = {t: next((x for x in c.tags if x in _CLIENT_WORDS), None) for t, (c, _n) in stores.items()}
    folders = _build_dirs(svc, project)
    for target, (_comp, names) in stores.items():
        if target in named:
            continue
        tag = tags[target]
        alone = tag is not None and sum(1 for t in tags.values() if t == tag) == 1
        use = setting(target, names, tag, alone)
        if use is None and alone and (lib := _client_library(folders, tag, root)):
            use = f"{lib}: {sname}'s build file names a {tag} client, the product of {target}"
        if use is not None:
            out[target] = use
    for kind, rx in _KIND_NAME.items():
        left = [t for t, (c, _n) in stores.items() if c.kind == kind]
        if len(left) != 1 or left[0] in out or left[0] in named:
            continue
        for var, val, file, line in plain:
            if rx.search(var):
                out[left[0]] = (f"{file}:{line}: {sname} environment {var}={redact(var, val)}: a setting of its "
                                f"{kind} client, and {left[0]} is the only {kind} it waits for")
                break
    return out


def _profile_names(value) -> list[str]:
    return [p.strip() for p in str(value).split(",") if p.strip()]


def _running(b: GraphBuilder, services: dict[str, dict], profiles: list[str] | None, variables: dict[str, str],
             env_lines: dict) -> tuple[dict[str, dict], dict[str, tuple[bool, str]]]:
    """The services ``docker compose up`` keeps running, and for each other one (by name) whether it
    is a job and why it is not imported: a service of a profile that is not active; a one-shot job,
    which others wait for with ``condition: service_completed_successfully`` or which ``deploy.mode``
    declares a job (batch work run at start-up, not a serving component); a service with
    ``deploy.replicas: 0``."""
    if profiles:
        active = {p for v in profiles for p in _profile_names(v)}
        b.read(f"active profile(s): {', '.join(sorted(active))} (--profile)")
    elif variables.get("COMPOSE_PROFILES", "").strip():
        active = set(_profile_names(variables["COMPOSE_PROFILES"]))
        where = env_lines.get("COMPOSE_PROFILES", ("", 0))[1]
        b.read(f".env:{where}: active profile(s): {', '.join(sorted(active))} (COMPOSE_PROFILES)")
    else:
        active = set()
    every = "*" in active
    off: dict[str, tuple[bool, str]] = {}
    left: dict[str, list[str]] = {}  # inactive profile -> its services
    for sname, svc in services.items():
        named = svc.get("profiles")
        named = [str(p) for p in named] if isinstance(named, list) else []
        if named and not every and not active.intersection(named):
            off[sname] = (False, f"runs only with profile {' or '.join(named)}, not active")
            for p in named:
                left.setdefault(p, []).append(sname)
    waited: dict[str, tuple[str, str, int]] = {}  # job -> (a service that waits for it to complete, file, line)
    for sname, svc in services.items():
        if sname in off:
            continue
        for dep, (cond, file, line) in (svc.get("depends_on") or {}).items():
            if isinstance(cond, dict) and sy.text(cond.get("condition")) == "service_completed_successfully":
                waited.setdefault(str(dep), (sname, file, line))
    for sname, svc in services.items():
        if sname in off:
            continue
        file, line = svc["__defined__"]
        deploy = svc.get("deploy") if isinstance(svc.get("deploy"), dict) else {}
        mode = sy.text(deploy.get("mode")) if deploy else ""
        key = "deploy" if deploy.get("replicas") is not None else "scale"
        rep = deploy.get("replicas") if key == "deploy" else svc.get("scale")
        lf, ll = svc["__lines__"].get(key, (file, line))
        try:
            n = sy.as_int(rep, file=lf, line=ll, what="deploy.replicas", minimum=0) if rep is not None else None
        except PrrError:
            n = None  # _build says so, and counts 1
        restart = sy.text(svc.get("restart")).strip().strip("\"'").lower()
        once = _one_shot_word(sname, svc)
        if sname in waited:
            by, wf, wl = waited[sname]
            off[sname] = (True, "a one-shot job (run to completion at start-up)")
            b.skip(f"{file}:{line}: service {sname}: a one-shot job ({wf}:{wl}: {by} waits for it with "
                   "condition: service_completed_successfully): batch work run at start-up, not a serving "
                   "component; not imported")
        elif mode in ("replicated-job", "global-job"):
            off[sname] = (True, f"a job (deploy.mode {mode})")
            b.skip(f"{file}:{line}: service {sname}: deploy.mode {mode}: batch work run to completion, "
                   "not a serving component; not imported")
        elif once and restart.split(":")[0] in ("", "no", "on-failure"):
            # named as a start-up step (dynamodblocal-init, db-migrate, kafka-setup) and never restarted
            # once it exits: it runs once and is gone, so nothing can depend on it at run time
            rf, rl = svc["__lines__"].get("restart", (file, line))
            how = f"restart: {restart} ({rf}:{rl})" if restart else "no restart policy"
            word, where = once
            off[sname] = (True, "a one-shot job (run once at start-up)")
            b.skip(f"{file}:{line}: service {sname}: a one-shot job ({where} says {word.group(1)}, and {how}: "
                   "it is not restarted once it exits): batch work run at start-up (an init, a migration, a data "
                   "load), not a serving component; not imported")
        elif n == 0:
            off[sname] = (False, "scaled to 0 replicas")
            b.skip(f"{lf}:{ll}: service {sname} has 0 replicas: docker compose up starts none; not imported")
        elif (app := _dapr_sidecar_of(svc, services)) is not None:
            off[sname] = (False, f"the Dapr sidecar of {app}")
            app_id = _flag(svc.get("command"), "app-id") or app
            svc["__sidecar_of__"] = app
            b.host(app_id, app)  # Dapr's service invocation names the app by its app-id
            b.read(f"{file}:{line}: service {sname}: the Dapr sidecar of {app} (app-id {app_id}): part of {app}, "
                   "not a component of its own")
    for p, names in sorted(left.items()):
        b.skip(f"profile {p} is not active: {len(names)} service(s) not imported ({', '.join(sorted(names)[:8])}"
               f"{' ...' if len(names) > 8 else ''}); import them with --profile {p} (or COMPOSE_PROFILES in .env)")
    running = {k: v for k, v in services.items() if k not in off}
    # what a sidecar's command names (Dapr's placement service) its app reaches through it
    for sname, svc in services.items():
        app = svc.get("__sidecar_of__")
        if app in running and svc.get("command") is not None:
            running[app].setdefault("__sidecar_commands__", []).append(
                (sname, svc["command"], svc["__lines__"].get("command", svc["__defined__"])))
    if not running:
        if left:
            raise PrrError("no service runs without a profile, and none of its profiles is active; import with "
                           f"--profile (profiles here: {', '.join(sorted(left))})", file=b.report.sources[0])
        raise PrrError("no service keeps running: every service is a one-shot job or scaled to 0",
                       file=b.report.sources[0])
    return running, off


def _build(b: GraphBuilder, services: dict[str, dict], variables, env_lines, project: Path,
           off: dict[str, tuple[bool, str]], root: Path | None = None) -> None:
    """The components and dependencies of the running ``services``; ``off``: the services not imported
    (:func:`_running`), which what names them is told about; ``root``: the folder evidence names files from."""
    host = b.domain("docker-host", name="Docker host (one machine runs every service)", kind="host")
    hosts: dict[str, str] = {}
    for sname, svc in services.items():
        hosts[sname.lower()] = sname
    off_hosts = {name.lower(): name for name in off}  # services not imported, by the names that reach them
    for sname, svc in services.items():
        for key in ("hostname", "container_name"):
            v = svc.get(key)
            if isinstance(v, str) and v:
                hosts.setdefault(v.lower(), sname)
        nets = svc.get("networks")
        if isinstance(nets, dict):
            for n in nets.values():
                al = n.get("aliases") if isinstance(n, dict) else None
                for a in al if isinstance(al, list) else []:
                    if isinstance(a, str):
                        hosts.setdefault(a.lower(), sname)
    for h, sname in hosts.items():
        b.host(h, sname)
    for sname, svc in services.items():
        file, line = svc["__defined__"]
        image = sy.text(svc.get("image"))
        ports = _container_ports(svc.get("ports"))
        kind, tags, why = recognise(sname, image if "${" not in image else "", ports)
        layers = svc.get("__layers__")
        comp = b.component(sname, f"{file}:{line}: service {sname}" + (f" (also in {', '.join(layers[1:])})" if layers else ""),
                           name=sname, kind=kind, source_file=file)
        if LOAD_GENERATOR not in tags and (lg := load_generator_env(_plain_env(svc))):
            tags, why = [*tags, LOAD_GENERATOR], lg
        for t in tags:
            b.tag(sname, t)
        if kind and why:
            b.evidence(sname, f"{file}:{line}: kind {kind} from {why}")
        elif LOAD_GENERATOR in tags:
            b.evidence(sname, f"{file}:{line}: {load_generator_words(why)}")
        comp.shared_domains.append(host)
        for folder in _build_dirs(svc, project):
            b.code_dir(sname, folder)
        for mounted in bind_mounts(svc.get("volumes"), project):
            b.code_dir(sname, mounted)  # configuration and scripts the service runs with (an nginx's Lua, kong.yml)
        if keeps_state(comp):
            _storage(b, sname, svc, comp, image, f"{file}:{line}")
        deploy = svc.get("deploy") if isinstance(svc.get("deploy"), dict) else {}
        lf, ll = svc["__lines__"].get("deploy", (file, line))
        rep = deploy.get("replicas") if deploy else None
        if rep is None and svc.get("scale") is not None:
            rep = svc.get("scale")
            lf, ll = svc["__lines__"].get("scale", (file, line))
        if sy.text(deploy.get("mode")) == "global":
            comp.replicas = None
            b.evidence(sname, f"{lf}:{ll}: deploy.mode global: one per node (count unknown)")
        elif rep is None:
            comp.replicas = 1
            b.evidence(sname, f"{file}:{line}: no deploy.replicas: 1 replica")
        else:
            try:
                n = sy.as_int(rep, file=lf, line=ll, what="deploy.replicas", minimum=0)
            except PrrError as e:
                b.warn(str(e) + "; using 1")
                n = 1
            comp.replicas = max(1, min(n or 1, 100000))  # 0: not running, left out by _running
            fixed = svc.get("container_name")
            what = "deploy.replicas" if deploy.get("replicas") is not None else "scale"
            if comp.replicas > 1 and isinstance(fixed, str) and fixed:
                # the Compose specification: a service with a container_name is never scaled beyond one
                # container (docker compose refuses the project). Counting the replicas anyway would clear
                # the service's single point of failure with containers that can never run.
                cf, cl = svc["__lines__"].get("container_name", (file, line))
                comp.replicas = 1
                b.warn(f"{lf}:{ll}: service {sname} asks for {what} {n} but sets container_name {fixed} "
                       f"({cf}:{cl}): Docker Compose runs at most one container with a fixed name; "
                       "imported as 1 replica")
                b.evidence(sname, f"{lf}:{ll}: {what} {n}, but container_name {fixed} ({cf}:{cl}) allows one "
                                  "container: 1 replica")
            else:
                b.evidence(sname, f"{lf}:{ll}: {what} {n}")
        published = _published(svc.get("ports"))
        if published:
            pf, pl = svc["__lines__"].get("ports", (file, line))
            if can_face_users(comp):
                comp.user_facing = True
                b.evidence(sname, f"{pf}:{pl}: publishes port(s) {', '.join(published[:5])} {PORT_FACING}")
            else:
                b.evidence(sname, f"{pf}:{pl}: publishes port(s) {', '.join(published[:5])} on the host "
                                  f"({not_facing_what(comp)}: an operator's port, not user-facing)")
        profiles = svc.get("profiles")
        if isinstance(profiles, list) and profiles:
            for p in profiles:
                b.tag(sname, f"profile:{p}")
            b.evidence(sname, f"{file}:{line}: runs with profile(s) {', '.join(map(str, profiles))}")
    for sname, svc in services.items():
        for k, (v, lf, ll) in (svc.get("labels") or {}).items():
            if str(k).lower().rsplit("/", 1)[-1] in CRITICALITY_LABELS:
                b.criticality(sname, v, f"{lf}:{ll}: {sname} label {k}={v}")
        env = dict(svc.get("environment") or {})
        env.pop("__reset__", None)
        env = _env_files(b, svc, project, variables) | env
        for var, (val, file, line) in env.items():
            via = ""
            if val is None:
                if var in variables:
                    val = variables[var]
                    via = f" (value from .env:{env_lines[var][1]})" if var in env_lines else ""
                else:
                    continue
            addr_like = bool(ADDRESS_NAME.search(var))
            ev = f"{file}:{line}: {sname} environment {var}={redact(var, val)}{via}"
            b.env_setting(sname, var, val, ev)
            for ref in _value_hosts(val, bare_ok=addr_like):
                target = hosts.get(ref.host.lower()) or (hosts.get(ref.short) if ref.local else None)
                if target:
                    if target == sname:
                        continue
                    hub_named(b, target, var, ev)  # first: the call's word says "discovery" from the first caller on
                    typ, word = address_call_type(b.components[target], var)  # a telemetry exporter's: soft
                    b.depend(sname, target, typ, ENV, f"{ev} ({word})")
                    b.address_var(var, target)
                elif ref.host.lower() in off_hosts or (ref.local and ref.short in off_hosts):
                    name = off_hosts.get(ref.host.lower()) or off_hosts[ref.short]
                    b.dangling(f"{ev}: names {name}, which is not imported: it {off[name][1]}")
                elif external_api(b, sname, ref, var, ev):
                    pass
                elif ref.host.lower() in ("host.docker.internal", "gateway.docker.internal"):
                    b.dangling(f"{ev}: names the Docker host itself ({ref.host}): something that runs outside these "
                               "files, on the machine; add it as a component for the review to analyse it")
                elif ref.local and (ref.how != "value" or HOST_NAME_VAR.search(var)):
                    b.dangling(f"{ev}: names host {ref.host}, which is not a service in these files")
        for key in ("command", "entrypoint"):
            cmd = svc.get(key)
            cf, cl = svc["__lines__"].get(key, svc["__defined__"])
            parts = [cmd] if isinstance(cmd, str) else [x for x in cmd if isinstance(x, str)] if isinstance(cmd, list) else []
            named: set[str] = set()
            for part in parts:
                for ref in host_refs(str(part), bare_ok=False):
                    target = hosts.get(ref.host.lower()) or hosts.get(ref.short)
                    if target and target != sname:
                        named.add(target)
                        typ, word = dependency_type(b.components[target])
                        b.depend(sname, target, typ, ENV, f"{cf}:{cl}: {sname} {key} names {ref.host} ({word})")
            for flag, host in _host_arguments(cmd, hosts):
                target = hosts[host.lower()]
                if target == sname or target in named:
                    continue
                named.add(target)
                typ, word = dependency_type(b.components[target])
                b.depend(sname, target, typ, ENV, f"{cf}:{cl}: {sname} {key} argument {flag} {host} names the "
                                                  f"service {target} ({word})")
                b.read(f"{cf}:{cl}: {sname} -> {target}: read from the host argument {flag} {host} of its {key} "
                       f"({host} is a service of this project)")
        for side, scmd, (cf, cl) in svc.get("__sidecar_commands__", ()):
            words = [x for x in scmd if isinstance(x, str)] if isinstance(scmd, list) else [sy.text(scmd)]
            for part in words:
                for ref in host_refs(str(part), bare_ok=False):
                    target = hosts.get(ref.host.lower()) or hosts.get(ref.short)
                    if target and target != sname:
                        typ, word = dependency_type(b.components[target])
                        b.depend(sname, target, typ, ENV, f"{cf}:{cl}: its Dapr sidecar {side}'s command names "
                                                          f"{ref.host} ({word})")
        waits = svc.get("depends_on") or {}
        stores = {t: (b.components[t], {h for h, s in hosts.items() if s == t})
                  for t in (hosts.get(str(d).lower()) for d in waits) if t and t != sname
                  and b.components[t].kind in _STORE_KINDS}
        uses = _store_uses(sname, svc, env, variables, stores, {t for t in stores if b.has_dep(sname, t)},
                           project, root) if stores else {}
        for dep, (cond, file, line) in waits.items():
            target = hosts.get(dep.lower())
            if target is None and dep.lower() in off_hosts:
                name = off_hosts[dep.lower()]
                c = sy.text(cond.get("condition")) if isinstance(cond, dict) else ""
                if c == "service_completed_successfully" or off[name][0]:
                    b.read(f"{file}:{line}: {sname} waits for {name} to complete at start-up: a deployment "
                           "step, not a runtime dependency")
                else:
                    b.dangling(f"{file}:{line}: {sname} depends_on {name}, which is not imported: it {off[name][1]} "
                               "(docker compose up refuses this)")
                continue
            if target is None:
                b.dangling(f"{file}:{line}: {sname} depends_on {dep}, which is not a service in these files")
                continue
            c = sy.text(cond.get("condition")) if isinstance(cond, dict) else ""
            opt = isinstance(cond, dict) and sy.as_bool(cond.get("required")) is False
            note = "start-up order only" + (f", waits for {c}" if c else "") + (", optional" if opt else "")
            had = b.has_dep(sname, target)
            tcomp = b.components[target]
            # a service cannot work without its service registry: depends_on one is hard unless it says it
            # is optional. One on a datastore, cache or queue is hard too: beside a sign that the service uses
            # it (a setting or a client library of it: _store_uses) said so; alone, said as a guess to check
            # (a compose file may order start-up on a database "just in case", a gateway or a registry
            # started after it, but soft would hide the store's outage wherever the configuration that names
            # it is not in the files read)
            use = uses.get(target) if not had and not opt else None
            vital = ("discovery" in tcomp.tags or tcomp.kind in _STORE_KINDS) and not opt
            typ = "hard" if vital else "soft"
            b.depend(sname, target, typ, STARTUP,
                     f"{file}:{line}: {sname} depends_on {dep} ({note}{'' if had else '; no env var names it'})")
            if use is not None:
                b.depend(sname, target, typ, STARTUP, f"{use}, beside its depends_on {dep}: a call")
            if not had and not vital and hub_tag(tcomp) == "telemetry":
                # soft whatever it is (sending traces or metrics is soft): nothing to check
                b.read(f"{file}:{line}: {sname} -> {dep}: depends_on a telemetry hub, recorded as soft")
            elif not had and hub_tag(b.components[sname]) == "telemetry":
                # soft, as every dependency of a telemetry hub (soften_plumbing_calls, which says why)
                b.read(f"{file}:{line}: {sname} -> {dep}: a telemetry hub's depends_on (where it sends what it "
                       "gathers), recorded as soft")
            elif not had and vital and use is None and tcomp.kind in _STORE_KINDS:
                # nothing read says the service uses it, nor that it does not (its configuration may be in the
                # image, or on a config server): hard, the side that does not hide a data store's outage, and
                # said as a guess to check. A checkout's scan of the service's own code and configuration
                # settles it (repository: soft where neither names the store)
                said = (f"{file}:{line}: {sname} -> {dep} rests on depends_on alone (no address, setting or client "
                        f"library of {sname} read names {dep}, a {tcomp.kind}): recorded as hard, as a service "
                        f"usually uses the {tcomp.kind} it waits for; check it")
                b.order_only(sname, target, said, vital=True, guess=True)
            elif not had and not vital:
                b.order_only(sname, target, f"{file}:{line}: {sname} -> {dep} rests on depends_on alone (start-up "
                             "order, not a call): recorded as soft; check it")
            elif not had and use is not None:
                b.order_only(sname, target, f"{file}:{line}: {sname} -> {dep}: depends_on a {tcomp.kind}, and "
                             f"{use.split(': ', 1)[0]} says {sname} uses it: recorded as hard", vital=True)
            elif not had:
                b.order_only(sname, target, f"{file}:{line}: {sname} -> {dep}: depends_on a service registry, "
                             "recorded as hard", vital=True)
        links = svc.get("links")
        for i, l in enumerate(links if isinstance(links, list) else []):
            lf, ll = svc["__lines__"].get("links", svc["__defined__"])
            if l is None or isinstance(l, (dict, list)):
                raise PrrError(f"links lists {NULL_NAME if l is None else 'a mapping or a list'}; give the name "
                               "of a service", file=lf, location=f"line {ll}")
            name = str(l).split(":")[0]
            target = hosts.get(name.lower())
            if target and target != sname:
                b.depend(sname, target, "soft", STARTUP, f"{lf}:{ll}: {sname} links {l} (network alias, start-up order)")
            elif not target and name.lower() in off_hosts:
                b.dangling(f"{lf}:{ll}: {sname} links {l}, which is not imported: it {off[off_hosts[name.lower()]][1]}")
            elif not target:
                b.dangling(f"{lf}:{ll}: {sname} links {l}, which is not a service in these files")
        mode = sy.text(svc.get("network_mode"))
        if mode.startswith(("service:", "container:")):
            other = mode.split(":", 1)[1].strip()
            target = hosts.get(other.lower())
            nf, nl = svc["__lines__"].get("network_mode", svc["__defined__"])
            if target and target != sname:
                b.depend(sname, target, "hard", ENV, f"{nf}:{nl}: {sname} network_mode {mode}: it runs in {target}'s "
                                                     "network stack, and has no network without it")
            elif not target:
                b.dangling(f"{nf}:{nl}: {sname} network_mode {mode}, which is not a service in these files")
    _label_routes(b, services)


#: proxies that route to the containers that ask for it, by the labels or the environment of those
#: containers rather than by a configuration of their own: (name, image pattern, what marks a routed
#: service: a label key pattern, or an environment variable)
LABEL_ROUTERS = (
    ("Traefik", re.compile(r"(^|/)traefik(:|$)", re.I), re.compile(r"^traefik\.(http|tcp|udp)\.(routers|services)\.", re.I), None),
    ("nginx-proxy", re.compile(r"(^|/)nginx-proxy(:|$)", re.I), None, "VIRTUAL_HOST"),
    ("caddy-docker-proxy", re.compile(r"(^|/)caddy-docker-proxy(:|$)", re.I), re.compile(r"^caddy(_\d+)?(\.reverse_proxy|$)", re.I), None),
)


def _label_routes(b: GraphBuilder, services: dict[str, dict]) -> None:
    """Routes a proxy takes from the services' own labels (Traefik's ``traefik.http.routers.*``,
    caddy-docker-proxy's ``caddy.reverse_proxy``) or environment (nginx-proxy's ``VIRTUAL_HOST``):
    the proxy depends on each service it routes to. A service routed by a proxy that is not in
    these files is reached from outside all the same: it is user-facing, and the report says why."""
    middlewares = _traefik_middlewares(services)
    for name, image_re, label_re, env_var in LABEL_ROUTERS:
        proxies = [sname for sname, svc in services.items() if image_re.search(sy.text(svc.get("image")))]
        for sname, svc in services.items():
            if sname in proxies:
                continue
            labels = svc.get("labels") or {}
            if name == "Traefik" and str((labels.get("traefik.enable") or ("",))[0]).strip().lower() == "false":
                continue
            hit = None
            if label_re is not None:
                hit = next(((k, v) for k, v in labels.items() if label_re.search(str(k))), None)
            if env_var is not None:
                env = svc.get("environment") or {}
                if env.get(env_var) and env[env_var][0]:
                    hit = (env_var, env[env_var])
            if hit is None:
                continue
            key, (val, file, line) = hit
            how = f"{file}:{line}: {sname} {'environment' if key == env_var else 'label'} {key}={_clip(str(val), 80)}"
            if proxies:
                for proxy in proxies:
                    typ, word = dependency_type(b.components[sname])
                    b.depend(proxy, sname, typ, ENV, f"{how}: {name} {proxy} routes to it ({word})")
                    if name == "Traefik":
                        _traefik_call_settings(b, proxy, sname, labels, middlewares)
            elif can_face_users(b.components[sname]):
                comp = b.components[sname]
                if not comp.user_facing:
                    comp.user_facing = True
                    b.evidence(sname, f"{how}: routed by {name}, which is not in these files: reached from outside "
                                      "through it: user-facing")
                    b.read(f"{file}:{line}: {sname} is routed by {name} ({key}), which is not in these files: "
                           "taken as user-facing")


_TRAEFIK_MIDDLEWARE = re.compile(r"^traefik\.http\.middlewares\.([^.]+)\.(retry\.attempts|circuitbreaker\.expression)$",
                                 re.I)
_TRAEFIK_ROUTER_MIDDLEWARES = re.compile(r"^traefik\.http\.routers\.([^.]+)\.middlewares$", re.I)


def _traefik_middlewares(services: dict[str, dict]) -> dict[str, dict[str, tuple]]:
    """The Traefik middlewares the services' labels define (any service may define one): name ->
    {"retry.attempts" or "circuitbreaker.expression": (value, "file:line")}."""
    out: dict[str, dict[str, tuple]] = {}
    for svc in services.values():
        for k, (v, file, line) in (svc.get("labels") or {}).items():
            m = _TRAEFIK_MIDDLEWARE.match(str(k))
            if m:
                out.setdefault(m.group(1), {})[m.group(2).lower()] = (v, f"{file}:{line}")
    return out


def _traefik_call_settings(b: GraphBuilder, proxy: str, sname: str, labels: dict, middlewares: dict) -> None:
    """What the middlewares on ``sname``'s Traefik routers do to the proxy's calls to it: a ``retry``
    middleware retries (Traefik backs off exponentially between attempts, from 100 ms by default), a
    ``circuitBreaker`` middleware is a circuit breaker."""
    from prr_app.importers.call_policies import retry_count

    for k, (v, file, line) in labels.items():
        m = _TRAEFIK_ROUTER_MIDDLEWARES.match(str(k))
        if not m:
            continue
        for used in (x.strip().split("@")[0] for x in str(v).split(",")):
            mw = middlewares.get(used)
            if not mw:
                continue
            where = f"{file}:{line}: router {m.group(1)} uses Traefik middleware {used}"
            if "retry.attempts" in mw:
                n = retry_count(mw["retry.attempts"][0])
                if n is not None:
                    line_ = (f"{where} ({mw['retry.attempts'][1]}): {proxy} retries its calls to {sname} up to "
                             f"{n} time(s), backing off between attempts (Traefik's exponential back-off)")
                    b.call_setting(proxy, sname, "retries", n, line_)
                    b.call_setting(proxy, sname, "backoff", True, line_)
            if "circuitbreaker.expression" in mw:
                b.call_setting(proxy, sname, "circuit_breaker", True,
                               f"{where} ({mw['circuitbreaker.expression'][1]}): a circuit breaker on {proxy}'s calls "
                               f"to {sname} ({_clip(str(mw['circuitbreaker.expression'][0]), 60)})")


def env_file_paths(svc) -> list[str]:
    """The ``env_file`` paths of a compose service, as written (a path, a list, or long-form items)."""
    ef = svc.get("env_file") if isinstance(svc, dict) else None
    items = [ef] if isinstance(ef, str) else ef if isinstance(ef, list) else []
    paths = [item.get("path") if isinstance(item, dict) else item for item in items]
    return [p for p in paths if isinstance(p, str) and p]


def _env_files(b: GraphBuilder, svc: dict, project: Path, variables) -> dict:
    out: dict = {}
    for path in env_file_paths(svc):
        p = (project / path) if not Path(path).is_absolute() else Path(path)
        if not p.is_file():
            b.skip(f"env_file {path}: not found next to the compose files; its variables are not known")
            continue
        try:
            data = parse_env_file(p, variables, name=path)
        except PrrError as e:
            b.warn(str(e))
            continue
        for k, (v, line) in data.items():
            out[k] = (v, path, line)
    return out


def _container_ports(ports) -> list[int]:
    out = []
    for p in ports if isinstance(ports, list) else []:
        s = sy.text(p.get("target")) if isinstance(p, dict) else sy.text(p)
        s = s.split("/")[0].rsplit(":", 1)[-1].split("-")[0]
        if s.isdigit():
            out.append(int(s))
    return out


def _published(ports) -> list[str]:
    """The ports a service publishes on the host, as written. A host port that interpolation left
    empty (``${KONG_HTTP_PORT}:8000`` with the variable unset here) is still published where the
    system runs: it is listed with "?" for the host port, not dropped (a front door would be lost)."""
    out = []
    for p in ports if isinstance(ports, list) else []:
        if isinstance(p, dict):
            if "published" in p:
                host = sy.text(p.get("published")).strip() or "?"
                out.append(f"{host}->{sy.text(p.get('target'))}")
        else:
            s = sy.text(p).split("/")[0]
            if ":" not in s:
                continue  # a container port only: not published on the host
            host, container = s.rsplit(":", 1)
            if not container.strip():
                continue
            if host.strip() and not host.strip().endswith(":"):
                out.append(s)
            else:  # "IP:" or nothing before the container port: the host port is an unset variable
                out.append(f"{host.strip()}?:{container.strip()}")
    return out


def _clip(s: str, n: int = 120) -> str:
    s = str(s).replace("\n", " ")
    return s if len(s) <= n else s[: n - 3] + "..."


#: where a datastore's or a broker's image keeps its data, by the tag :func:`recognise` gives it (a volume there,
#: or on a folder above, keeps it); Bitnami's images keep theirs under /bitnami
DATA_PATHS = {
    "postgres": ("/var/lib/postgresql/data",), "mysql": ("/var/lib/mysql",), "mongodb": ("/data/db",),
    "redis": ("/data",), "cassandra": ("/var/lib/cassandra",), "sql": ("/var/opt/mssql",),
    "search": ("/usr/share/elasticsearch/data", "/usr/share/opensearch/data", "/var/solr"),
    "kafka": ("/var/lib/kafka/data", "/var/lib/redpanda/data", "/tmp/kafka-logs", "/kafka"),
    "messaging": ("/var/lib/rabbitmq", "/opt/activemq/data", "/var/lib/artemis-instance", "/pulsar/data", "/data"),
}
#: a mount target that is configuration or start-up scripts, not data (/etc/..., /docker-entrypoint-initdb.d,
#: a single file such as /etc/mysql/conf.d/my.cnf or /init.sql)
_CONFIG_TARGET = re.compile(r"^/(?:etc|usr/local/etc|docker-entrypoint[^/]*)(?:/|$)|/conf(?:ig)?(?:\.d)?(?:/|$)|"
                            r"\.(?:conf|cnf|sql|sh|ya?ml|json|js|xml|properties|ini|cfg|txt|toml|env)$")


def _mount_targets(volumes, tmpfs=None) -> list[str]:
    """The container paths of a service's volumes and bind mounts (short form ``src:target[:mode]``, a bare
    ``target``, an anonymous volume, or the long form), not its tmpfs mounts (memory: lost with the container)."""
    out = []
    for v in volumes if isinstance(volumes, list) else []:
        if isinstance(v, dict):
            target = v.get("target") if v.get("type") != "tmpfs" else None
        elif isinstance(v, str) and v:
            parts = v.split(":")
            target = parts[1] if len(parts) > 1 else parts[0]
        else:
            target = None
        if isinstance(target, str) and target.startswith("/"):
            out.append(target.rstrip("/") or "/")
    return out


def _on_data_path(targets: list[str], paths: tuple[str, ...]) -> bool:
    """Is one of the mount ``targets`` a datastore's data path of ``paths``, or a folder above one (not the
    root), or Bitnami's /bitnami; where its data path is not known, any target that is not configuration?"""
    for t in targets:
        if t == "/" or _CONFIG_TARGET.search(t):
            continue
        if not paths or t == "/bitnami" or t.startswith("/bitnami/") \
                or any(p == t or p.startswith(t + "/") for p in paths):
            return True
    return False


def _storage(b: GraphBuilder, sname: str, svc: dict, comp, image: str, where: str) -> None:
    """Whether the datastore or queue ``sname`` keeps its data on a volume: one mounted on its data path
    (:data:`DATA_PATHS`, PGDATA where set; any volume that is not configuration where the path is not known).
    Without one its data lives in the container (or an anonymous volume its image declares, left behind by
    ``docker compose down``), and removing the container loses it: a warning and an evidence line, unless it
    keeps nothing that matters (:func:`keeps_nothing`: an in-memory cache, NATS without JetStream). The words
    are the Kubernetes importer's but for what loses the data."""
    tag = next((t for t in comp.tags if t in DATA_PATHS), "")
    paths = DATA_PATHS.get(tag, ())
    pgdata = _plain_env(svc).get("PGDATA")
    if tag == "postgres" and isinstance(pgdata, str) and pgdata.startswith("/"):
        paths = (pgdata.rstrip("/"),)
    if _on_data_path(_mount_targets(svc.get("volumes")), paths):
        return
    cmd = svc.get("command")
    command = " ".join(str(x) for x in cmd) if isinstance(cmd, list) else str(cmd or "")
    why = keeps_nothing(comp, sname, image, command)
    if why:
        b.evidence(sname, f"{where}: {NO_VOLUME_NEEDED.format(why=why)}")
        return
    lost = "its container is removed (docker compose down, a move to another host)"
    on = f" on its data path ({' or '.join(paths)})" if paths else ""
    b.no_volume(sname, where, lost,
                f"{where}: service {sname} is a {comp.kind} and mounts no volume{on}: its data is lost when {lost}")


def bind_mounts(volumes, project: Path) -> list[Path]:
    """Folders and files of the project bind-mounted into a service (``./nginx/lua:/etc/lua``,
    ``./volumes/api/kong.yml:/home/kong/kong.yml:ro``, or the long form with ``type: bind``): what is in
    them is that service's configuration and scripts. Named volumes, paths outside the project and
    paths that are not there are not; a folder several services mount is nobody's (the scan's rule)."""
    out: list[Path] = []
    for v in volumes if isinstance(volumes, list) else []:
        if isinstance(v, dict):
            src = v.get("source") if v.get("type") in (None, "bind") else None
        else:
            src = str(v).split(":", 1)[0] if isinstance(v, str) and ":" in str(v) else None
        if not isinstance(src, str) or not src.startswith(("./", "../")) or "$" in src:
            continue
        try:
            target = (project / src).resolve()
            if target != project.resolve() and project.resolve() in target.parents and target.exists():
                out.append(target)
        except (OSError, ValueError, RuntimeError):  # RuntimeError: a symlink loop
            continue
    return out
