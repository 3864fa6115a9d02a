"""The .NET Aspire app model: an AppHost's ``Program.cs`` (or ``AppHost.cs``) in C#.

An Aspire AppHost states a distributed application as code::

    var builder = DistributedApplication.CreateBuilder(args);
    var redis = builder.AddRedis("redis");
    var catalogDb = builder.AddPostgres("postgres").AddDatabase("catalogdb");
    var catalogApi = builder.AddProject<Projects.Catalog_API>("catalog-api")
        .WithReference(catalogDb).WaitFor(catalogDb).WithReplicas(2);
    builder.AddProject<Projects.WebApp>("webapp")
        .WithExternalHttpEndpoints()
        .WithReference(catalogApi)
        .WithEnvironment("IdentityUrl", identityApi.GetEndpoint("https"));

Read without running it (no .NET needed), statement by statement:

* every ``builder.AddXxx("name", ...)`` is a component named by its first argument, its kind
  from the method (``AddRedis``: a cache, ``AddPostgres``: a datastore, ``AddRabbitMQ``: a
  queue, ``AddProject``/``AddContainer``/``AddNpmApp``...: a service, guessed from the image or
  name where the method says nothing); ``AddParameter`` is a setting, not a component;
* a child resource (``postgres.AddDatabase("catalogdb")``, ``storage.AddBlobs("blobs")``) is
  its parent's: a reference to the database is a dependency on the server that holds it;
* ``WithReference(x)`` is a dependency on ``x`` (what Aspire injects as its connection string or
  service-discovery address), typed by what ``x`` is (a queue: hard, a call to its broker: graph.broker_use);
  ``WithEnvironment("NAME", x.GetEndpoint(...))`` or ``WithEnvironment("NAME", x)`` too, unless the
  name says the address is one to give out (a callback, a redirect, an OAuth client's registration):
  no call, so no dependency, said in one warning per statement;
* ``WaitFor(x)`` alone is start-up order, as compose's ``depends_on``: soft with a warning, unless ``x``
  is a datastore, cache or queue the service cannot work without;
* ``WithReplicas(n)`` is the replica count; ``WithExternalHttpEndpoints()`` makes it user-facing;
* resource names are the hosts the services call each other by (``http://catalog-api``), so the
  repository's scan of configuration and code finds their calls.

A statement the reader does not understand is skipped and said in the report; nothing is guessed.
"""
from __future__ import annotations

import re
from pathlib import Path

from prr_app import paths, safe_yaml as sy
from prr_app.errors import PrrError
from prr_app.importers.graph import DECLARED, STARTUP, GraphBuilder, dependency_type, recognise

MAX_BYTES = 4 * 1024 * 1024
#: what marks an AppHost's code
MARK = "DistributedApplication.CreateBuilder"

#: component kinds by the hosting method's name (the rest: a service, or guessed from the name)
_KINDS = [
    (re.compile(r"^External(Service)?$"), "external_api"),  # AddExternalService: a service outside the app
    (re.compile(r"Redis|Garnet|Valkey|Memcached"), "cache"),
    (re.compile(r"Postgres|SqlServer|MySql|MariaDB|Oracle|MongoDB|CosmosDB|Cosmos|Milvus|Qdrant|Elasticsearch|"
                r"Azure(Sql|Storage|Table)|Sqlite|Neo4j|RavenDB|Cassandra|ClickHouse|DuckDB|Minio|Blob"), "datastore"),
    (re.compile(r"RabbitMQ|Kafka|Nats|ServiceBus|EventHubs|ActiveMQ|Pulsar|Queue"), "queue"),
    (re.compile(r"Keycloak|Identity|Auth"), "identity"),
    (re.compile(r"Yarp|Gateway|Nginx|Envoy|Traefik"), "gateway"),
]
#: hosting methods that add no component
_NOT_COMPONENTS = {"AddParameter", "AddParameterFromConfiguration", "AddDockerComposeEnvironment",
                   "AddKubernetesEnvironment", "AddAzureContainerAppEnvironment", "AddAzureAppServiceEnvironment",
                   "AddDockerComposePublisher", "AddKubernetesPublisher", "AddForwardedHeaders", "AddServiceDefaults"}
#: methods that make a service from code the repository holds
_SERVICE_METHODS = re.compile(r"Add(Project|Container|Dockerfile|NpmApp|NodeApp|JavaScriptApp|ViteApp|PythonApp|"
                              r"PythonProject|PythonScript|UvicornApp|Executable|JavaApp|SpringApp|GolangApp|"
                              r"CSharpApp|DaprSidecar)$")

_TOKEN = re.compile(r'//[^\n]*|/\*.*?\*/|\$*"""[\s\S]*?"""|@"(?:[^"]|"")*"|\$?"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)\'', re.DOTALL)
_CALL = re.compile(r"\s*\.\s*([A-Z][A-Za-z0-9_]*)\s*(<[^<>()]*(?:<[^<>()]*>[^<>()]*)*>)?\s*\(")
_STRING = re.compile(r'^\s*@?\$?"((?:[^"\\]|\\.|"")*)"')


def looks_like_aspire(path: Path) -> bool:
    return path.suffix.lower() == ".cs" and MARK in paths.head_text(path, 256 * 1024)


def _code(text: str) -> str:
    """``text`` with comments blanked (lines kept) and strings kept as they are."""
    def blank(m: re.Match) -> str:
        s = m.group(0)
        return re.sub(r"[^\n]", " ", s) if s.startswith(("//", "/*")) else s
    return _TOKEN.sub(blank, text)


def _pieces(s: str, start: int = 0):
    """(index, text, is code) through ``s`` from ``start``: a string literal whole (what is in it is
    no code), any other character one by one."""
    i, n = start, len(s)
    while i < n:
        if s[i] in "\"'" or s.startswith(('@"', '$"'), i):
            m = _TOKEN.match(s, i)
            if m:
                yield i, m.group(0), False
                i = m.end()
                continue
        yield i, s[i], True
        i += 1


def _unclosed(code: str) -> tuple[str, int] | None:
    """(what, line) of a string literal or a ``/*`` comment that is never closed, else None."""
    for i, ch, is_code in _pieces(code):
        if is_code and ch == '"':
            return "a string that is never closed (a missing '\"')", code.count("\n", 0, i) + 1
        if is_code and code.startswith("/*", i):
            return "a /* comment that is never closed", code.count("\n", 0, i) + 1
    return None


def _statements(code: str) -> list[tuple[str, int]]:
    """Top-level statements (split at ``;`` and braces outside parentheses and strings) with their
    first line."""
    out: list[tuple[str, int]] = []
    depth = start = 0
    for i, ch, is_code in _pieces(code):
        if not is_code:
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch in ";{}" and depth == 0:
            text = code[start:i]
            if text.strip():
                lead = len(text) - len(text.lstrip())
                out.append((text.strip(), code.count("\n", 0, start + lead) + 1))
            start = i + 1
    return out


def _args(s: str, open_at: int) -> tuple[str, int]:
    """The text between the parenthesis at ``open_at`` and its match, and the index after it."""
    depth = 0
    for i, ch, is_code in _pieces(s, open_at):
        if is_code and ch == "(":
            depth += 1
        elif is_code and ch == ")":
            depth -= 1
            if depth == 0:
                return s[open_at + 1:i], i + 1
    return s[open_at + 1:], len(s)


def _split_args(args: str) -> list[str]:
    """A call's arguments, split at the commas between them."""
    out: list[str] = []
    cur: list[str] = []
    depth = 0
    for _i, piece, is_code in _pieces(args):
        if is_code and piece in "(<[{":
            depth += 1
        elif is_code and piece in ")>]}":
            depth -= 1
        if is_code and piece == "," and depth == 0:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(piece)
    if "".join(cur).strip():
        out.append("".join(cur).strip())
    return out


def _string(arg: str) -> str | None:
    """A string literal's text (``name: "x"`` too), or None for anything else."""
    arg = re.sub(r"^[A-Za-z_][A-Za-z0-9_]*\s*:\s*", "", arg)
    m = _STRING.match(arg)
    return m.group(1) if m and _STRING.match(arg).end() == len(arg.rstrip()) else None


def _chain(expr: str) -> tuple[str, list[tuple[str, list[str], int]]]:
    """(the receiver the chain starts from, [(method, arguments, where the method's name is in
    ``expr``)...]) of ``a.B(..).C<T>(..)``: the place, so that each call of a fluent chain written
    over several lines is cited by its own line."""
    m = re.match(r"\s*(?:await\s+)?([A-Za-z_][A-Za-z0-9_]*)", expr)
    if not m:
        return "", []
    head = m.group(1)
    calls: list[tuple[str, list[str], int]] = []
    pos = m.end()
    while True:
        c = _CALL.match(expr, pos)
        if not c:
            break
        args, pos = _args(expr, c.end() - 1)
        calls.append((c.group(1) + (c.group(2) or ""), _split_args(args), c.start(1)))
    return head, calls


def _kind(method: str, name: str, args: list[str]) -> tuple[str, list[str]]:
    """(component kind, tags) of a resource added by ``method``: by the method's own word, else
    guessed from a container's image or the name (a telemetry or config hub gets its tag)."""
    bare = method.split("<")[0]
    image = (_string(args[1]) or "") if bare == "AddContainer" and len(args) > 1 else ""
    kind, tags, _why = recognise(name, image)
    if not _SERVICE_METHODS.match(bare):
        for rx, k in _KINDS:
            if rx.search(bare[3:]):
                return k, tags
    return kind or "service", tags


#: environment names that hand a resource another's address to give out, not to call: OAuth
#: client registrations and callback or redirect addresses (eShop's identity-api is told every
#: app's address as ``WebAppClient``, ``BasketApiClient``...)
_NOT_A_CALL = re.compile(r"(?i)callback|redirect|return|origin|cors|allowed|logout|client$")


#: methods that name another resource without depending on it (the dashboard's grouping)
_NO_DEPENDENCY = {"WithParentRelationship", "WithRelationship", "WithChildRelationship"}


class _Reader:
    def __init__(self, b: GraphBuilder, fname: str, folder: Path | None = None):
        self.b = b
        self.fname = fname
        self.folder = folder  # the AppHost's project folder: project paths are relative to it
        self.vars: dict[str, str] = {}  # C# variable -> component id (a child resource: its parent's)
        self.children: dict[str, str] = {}  # child resource name -> the component that holds it
        self.added: dict[str, int] = {}  # resource name -> the line that added it
        self.handed_out: list[tuple[str, str, int]] = []  # (component, variable, line) of the statement read
        self.waits: list[tuple[str, str, str, bool]] = []  # (source, target, where, vital) of a WaitFor read first

    def settle_waits(self) -> None:
        """A dependency that rests on ``WaitFor`` alone once the whole file is read (a reference or an
        address given later in it makes it a call) is start-up order, as compose's ``depends_on``, and
        said the same way: soft with a warning to check it, or hard on a datastore, cache or queue, with
        a line read; a repository's configuration or code settles it later (GraphBuilder.order_only)."""
        for source, target, at, vital in self.waits:
            dep = self.b.deps.get((source, target))
            if dep is None or dep.strength != STARTUP:
                continue
            if vital:
                self.b.order_only(source, target, f"{at}: {source} -> {target}: WaitFor a "
                                                  f"{self.b.components[target].kind}, recorded as hard", vital=True)
            else:
                self.b.order_only(source, target, f"{at}: {source} -> {target} rests on WaitFor alone (start-up "
                                                  "order, not a call): recorded as soft; check it")
        self.waits = []

    def where(self, line: int) -> str:
        return f"{self.fname}:{line}"

    def target(self, arg: str) -> str | None:
        """The component an argument names: a resource variable, ``x.GetEndpoint(...)``, ``x.Resource``..."""
        m = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)", arg)
        return self.vars.get(m.group(1)) if m else None

    def named_in(self, arg: str) -> list[str]:
        """The components an argument names: the one it starts with, or, for a lambda
        (``yarp => { yarp.AddRoute("/basket/{**catch-all}", basket); }``), every resource variable
        its body names (not its own parameters, not members after a dot, nothing in a string)."""
        m = re.match(r"\s*(?:async\s+)?(\([^()]*\)|[A-Za-z_][A-Za-z0-9_]*)\s*=>", arg)
        if not m:
            t = self.target(arg)
            return [t] if t is not None else []
        params = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", m.group(1)))
        body = "".join(" " if not code else piece for _i, piece, code in _pieces(arg[m.end():]))
        out = []
        for name in re.findall(r"(?<![\w.])\s*([A-Za-z_][A-Za-z0-9_]*)", body):
            if name not in params and name in self.vars:
                out.append(self.vars[name])
        return list(dict.fromkeys(out))

    def statement(self, text: str, line: int) -> None:
        m = re.search(r"(?:^|[\s(])(?:var|IResourceBuilder<[^=]*>|[A-Za-z_][A-Za-z0-9_<>.,\s]*?)\s+"
                      r"([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?!=)(.*)$", text, re.DOTALL)
        if m and "(" not in text[:m.start(2)].replace("if (", "").replace("if(", ""):
            var, expr, at = m.group(1), m.group(2), m.start(2)
        else:
            var, expr = None, text
            m2 = re.search(r"(?:^|[\s{)])([A-Za-z_][A-Za-z0-9_]*\s*\.\s*[A-Z][A-Za-z0-9_]*\s*[<(].*)$", text, re.DOTALL)
            if not m2:
                return
            expr, at = m2.group(1), m2.start(1)

        def line_of(pos: int) -> int:  # the line of a call in the chain (the statement starts at ``line``)
            return line + text.count("\n", 0, at + pos)

        head, calls = _chain(expr)
        if not calls:
            if var and head in self.vars:  # var x = y;
                self.vars[var] = self.vars[head]
            return
        comp = self.vars.get(head)
        first = 0
        if head == "builder" or comp is not None:
            method, args, pos = calls[0]
            bare = method.split("<")[0]
            name = _string(args[0]) if args else None
            if bare.startswith("Add") and bare not in _NOT_COMPONENTS and name:
                if comp is not None:  # a child resource (a database on its server): the server's
                    self.children[name] = comp
                    self.b.evidence(comp, f"{self.where(line_of(pos))}: {bare}({name!r}) on it: "
                                          f"a reference to {name} is one to {comp}")
                    self.b.host(name, comp)
                else:
                    comp = self._component(method, name, args, line_of(pos))
                first = 1
            elif head == "builder":
                return  # builder.Services..., builder.AddParameter...: nothing to review
        if comp is None:
            return
        if var:
            self.vars[var] = comp
        for method, args, pos in calls[first:]:
            self._configure(comp, method.split("<")[0], args, line_of(pos))
        self._handed_out(comp)

    def _handed_out(self, comp: str) -> None:
        """Say, in one line, the addresses a statement hands ``comp`` to give out rather than to call
        (eShop's identity-api told every client app's address for its redirects): left out, each
        with its line, for the reviewer to check, as the decision rests on the variables' names."""
        told, self.handed_out = self.handed_out, []
        if not told:
            return
        lines = sorted({ln for _t, _e, ln in told})
        span = f"{lines[0]}-{lines[-1]}" if len(lines) > 1 else f"{lines[0]}"
        if len(told) == 1:
            (t, env, _ln), = told
            said = (f"{t}'s address as {env}: an address to give out (a callback or client registration, by its "
                    f"name), not a call: not read as a dependency; check it (state it by hand if {comp} calls {t})")
        else:
            said = ("the addresses of " + ", ".join(f"{t} as {env} (line {ln})" for t, env, ln in told) +
                    ": addresses to give out (callback or client registrations, by their names), not calls: not "
                    f"read as dependencies; check it (state one by hand where {comp} calls it)")
        self.b.warn(f"{self.fname}:{span}: {comp} is told {said}")

    def _component(self, method: str, name: str, args: list[str], line: int) -> str:
        b = self.b
        kind, tags = _kind(method, name, args)
        if name in self.added:
            # Aspire itself refuses two resources of one name at start-up: one component, said
            b.warn(f"{self.where(line)}: a second resource named {name!r} (the first at {self.where(self.added[name])}): "
                   "Aspire refuses two resources of one name; read as one component")
        else:
            self.added[name] = line
        comp = b.component(name, f"{self.where(line)}: builder.{method}({name!r})", name=name, kind=kind,
                           source_file=self.fname)
        for t in tags:
            b.tag(comp.id, t)
        b.host(name, comp.id)
        code = self._code_folder(method, args)
        if code is not None:
            b.code_dir(comp.id, code)
        return comp.id

    def _code_folder(self, method: str, args: list[str]) -> Path | None:
        """The folder of the code a resource runs: the path its method is given
        (``AddDotnetProject("webhooksclient", "../WebhookClient")``, ``AddNpmApp("web", "../web")``),
        or the project ``AddProject<Projects.Catalog_API>`` names (``Catalog.API``, beside the AppHost's
        folder, as .NET names the type after the project file); None where it is not in the checkout."""
        if self.folder is None:
            return None
        found: list[Path] = []
        where = _string(args[1]) if len(args) > 1 else None
        if where and ("/" in where or "\\" in where or where.endswith(".csproj")):
            found.append(self.folder / where.replace("\\", "/"))
        m = re.search(r"<\s*(?:global::)?Projects\.([A-Za-z0-9_]+)\s*>", method)
        if m:
            for sep in (".", "-", "_"):
                found += [base / m.group(1).replace("_", sep) for base in (self.folder.parent, self.folder.parent.parent)]
        for p in found:
            try:
                p = p.resolve()
                if p.is_file() and p.suffix.lower().endswith("proj"):
                    return p.parent
                if p.is_dir() and p != self.folder:
                    return p
            except OSError:
                continue
        return None

    def _configure(self, comp: str, method: str, args: list[str], line: int) -> None:
        b = self.b
        at = self.where(line)
        if method in ("WithReference", "WaitFor", "WaitForCompletion"):
            t = self.target(args[0]) if args else None
            if t is None or t == comp:
                if args and method == "WithReference":
                    b.skip(f"{at}: {comp}.WithReference({args[0][:60]}): not a resource of this AppHost")
                return
            typ, word = dependency_type(b.components[t])
            if method == "WithReference":
                b.depend(comp, t, typ, DECLARED, f"{at}: {comp}.WithReference({args[0][:60]}) ({word})")
            elif method == "WaitFor":
                tcomp = b.components[t]
                vital = tcomp.kind in ("datastore", "cache", "queue")
                had = b.has_dep(comp, t)
                b.depend(comp, t, "hard" if vital else "soft", STARTUP,
                         f"{at}: {comp}.WaitFor({args[0][:60]}) (start-up order" + ("" if had else
                                                                                   "; nothing else names it") + ")")
                if not had:
                    self.waits.append((comp, t, at, vital))
            else:
                b.read(f"{at}: {comp} waits for {t} to complete at start-up: a deployment step, not a runtime "
                       "dependency")
        elif method == "WithEnvironment" and len(args) >= 2:
            t = self.target(args[1])
            if t is None or t == comp:
                return
            env = _string(args[0]) or args[0]
            ev = f"{at}: {comp}.WithEnvironment({args[0][:40]}, {args[1][:60]})"
            if _NOT_A_CALL.search(env):
                # not a call, so no dependency, not even a soft one: the analysis would spread "degraded"
                # from every client app to the identity server that merely knows where they live. Said once
                # per statement (_handed_out), with each one's line
                self.handed_out.append((t, env[:40], line))
                return
            typ, word = dependency_type(b.components[t])
            b.depend(comp, t, typ, DECLARED, f"{ev} ({word})")
        elif method == "WithReplicas" and args:
            try:
                b.components[comp].replicas = sy.as_int(args[0].strip(), file=self.fname, line=line,
                                                        what="WithReplicas", minimum=1)
                b.evidence(comp, f"{at}: WithReplicas({args[0].strip()})")
            except PrrError:
                a = args[0].strip()
                why = ("replicas must be at least 1" if re.fullmatch(r"-?\d{1,18}", a)
                       else "not a number this reader can use" if re.fullmatch(r"-?\d+", a)
                       else "not a literal number (set in code)")
                b.warn(f"{at}: {comp}.WithReplicas({a[:40]}): {why}; replicas not taken")
        elif method == "WithExternalHttpEndpoints":
            b.components[comp].user_facing = True
            b.evidence(comp, f"{at}: WithExternalHttpEndpoints(): reachable from outside (user-facing)")
        elif method not in _NO_DEPENDENCY:
            named = [t for a in args for t in self.named_in(a) if t != comp]
            if not named:
                if b.components[comp].kind == "gateway" and any("=>" in a for a in args) \
                        and re.search(r"Route|Config|Cluster|Proxy", method):
                    # routes set in code that names no resource here (read from configuration?): unknowable
                    b.skip(f"{at}: {comp}.{method}(...) configures the gateway in code that names no resource "
                           "of this AppHost: its routes are not read (state the gateway's calls)")
                return
            if b.components[comp].kind == "gateway":  # a reverse proxy's routes (ConfigureMobileBffRoutes,
                # WithConfiguration(yarp => yarp.AddRoute(..., basket)))
                for t in dict.fromkeys(named):
                    typ, word = dependency_type(b.components[t])
                    b.depend(comp, t, typ, DECLARED, f"{at}: {comp}.{method}(...) names {t}: a route of the "
                                                     f"gateway ({word})")
            else:
                b.skip(f"{at}: {comp}.{method}(...) names {', '.join(dict.fromkeys(named))}: not read as "
                       "dependencies (state them if they are calls)")


def read_aspire(paths_: list[Path], base: Path | None = None) -> object:
    """The review an AppHost's code states; ``base``: the folder evidence lines are relative to
    (a repository's root), else each file is named by its project folder and name."""
    paths_ = [Path(p) for p in paths_]
    b = GraphBuilder("aspire", paths_)
    for path in paths_:
        text = sy.read_text(path, max_bytes=MAX_BYTES)
        if MARK not in text:
            raise PrrError(f"not an Aspire AppHost: no {MARK}", file=str(path))
        try:
            fname = path.resolve().relative_to(Path(base).resolve()).as_posix() if base else ""
        except ValueError:
            fname = ""
        fname = fname or f"{path.resolve().parent.name}/{path.name}".lstrip("/")
        r = _Reader(b, fname, path.parent.resolve())
        code = _code(text)
        bad = _unclosed(code)
        if bad is not None:
            raise PrrError(f"not readable C#: {bad[0]}", file=str(path), location=f"line {bad[1]}")
        for stmt, line in _statements(code):
            r.statement(stmt, line)
        r.settle_waits()
        b.read(f"{fname}: the Aspire app model: {len(b.components)} resource(s), {len(b.deps)} reference(s)")
        if not b.system_name:
            b.system_name = re.sub(r"[._-]?AppHost$", "", path.parent.name, flags=re.IGNORECASE) or path.parent.name
    if not b.components:
        raise PrrError("the AppHost adds no resource (no builder.AddProject, AddContainer, AddRedis...)",
                       file=str(paths_[0]))
    return b.finish(file=str(paths_[0]))
