"""Readiness facts from Compose files: healthchecks, resources, environment (exporters, secrets)."""
from __future__ import annotations

from prr_app import safe_yaml as sy
from prr_app.errors import PrrError
from prr_app.checklist.facts import Fact, Facts
from prr_app.importers.readiness.common import Components, backup_tool, env_facts


def dotenv(path) -> dict[str, tuple[str, int]]:
    """The ``.env`` next to a Compose file: name -> (value, line), read as the compose import reads it
    (empty when there is none, or when the import could not read it either)."""
    from prr_app.importers.compose import parse_env_file

    env = path.parent / ".env"
    if not env.is_file():
        return {}
    try:
        return parse_env_file(env, warnings=[], name=".env")
    except (PrrError, OSError):
        return {}


def compose_files(files: list, comps: Components, facts: Facts) -> None:
    """Facts of a project's Compose files, (path, cited name) in layer order: each file's own facts, then
    what the merged services lack (a healthcheck, resource limits), cited where the service is defined."""
    defined: dict[str, tuple[str, str, int, bool, bool]] = {}
    for p, rel in files:
        compose_file(p, rel, comps, facts, defined)
    for cid, (name, rel, line, extends, _image) in defined.items():
        if extends:
            continue  # what it inherits was not read: its absence says nothing
        if not facts.of("k8s.probes", cid):
            facts.add(Fact("k8s.probes", cid, rel, line, f"Compose service {name} has no healthcheck (a HEALTHCHECK "
                                                         "its image may define is not read)", "absent"))
        if not facts.of("k8s.resources", cid):
            facts.add(Fact("k8s.resources", cid, rel, line, f"Compose service {name} has no CPU or memory limits "
                                                            "(deploy.resources, mem_limit, cpus)", "absent"))


def compose_file(path, rel: str, comps: Components, facts: Facts,
                 defined: dict[str, tuple[str, str, int, bool, bool]] | None = None) -> None:
    """One Compose file's facts; ``defined`` collects where each service is defined (name, file, line, whether
    it extends another, whether that definition names its image or build) for :func:`compose_files`."""
    try:
        docs = sy.load_file(path)
    except PrrError:
        return
    env_file = dotenv(path)
    env_rel = rel.rsplit("/", 1)[0] + "/.env" if "/" in rel else ".env"
    for d in docs:
        svcs = d.value.get("services") if isinstance(d.value, dict) else None
        if not isinstance(svcs, dict):
            continue
        for name, svc in svcs.items():
            if not isinstance(svc, dict):
                continue
            cid = comps.find(str(name), file=rel) or comps.find(sy.text(svc.get("container_name")), file=rel)
            if cid is None:
                continue
            line = sy.line_of(svcs, name, d.line)
            _service(str(name), svc, cid, rel, line, facts, comps, env_file, env_rel)
            if defined is not None:
                # cited where the service is defined (its image or build), not where a layer adds to it
                first = defined.get(cid)
                extends = "extends" in svc or bool(first and first[3])
                if first is None or ("image" in svc or "build" in svc) and not first[4]:
                    first = (str(name), rel, line, extends, "image" in svc or "build" in svc)
                defined[cid] = first[:3] + (extends, first[4])


def _service(name: str, svc: dict, cid: str, rel: str, line: int, facts: Facts, comps: Components,
             env_file: dict | None = None, env_rel: str = ".env") -> None:
    for ext in ("k8s.probes", "k8s.resources", "k8s.secret-refs"):
        facts.looked(ext, cid)
    hc = svc.get("healthcheck")
    if isinstance(hc, dict):
        test = hc.get("test")
        cmd = " ".join(sy.text(t) for t in test) if isinstance(test, list) else sy.text(test)
        if hc.get("disable") is True or cmd.strip().upper() in ("NONE", "[NONE]"):
            facts.add(Fact("k8s.probes", cid, rel, sy.line_of(svc, "healthcheck", line),
                           f"Compose service {name}: healthcheck disabled", "absent"))
        else:
            facts.add(Fact("k8s.probes", cid, rel, sy.line_of(svc, "healthcheck", line),
                           f"Compose healthcheck on service {name}: {cmd[:90]}", "healthcheck", cmd[:90]))
    res = sy.get_path(svc, "deploy", "resources")
    have = []
    if isinstance(res, dict):
        for part, word in (("reservations", "requests"), ("limits", "limits")):
            d = res.get(part) if isinstance(res.get(part), dict) else {}
            for r, w in (("cpus", "cpu"), ("memory", "memory")):
                if sy.text(d.get(r)):
                    have.append(f"{word}.{w} {sy.text(d.get(r))}")
    for k, w in (("mem_limit", "limits.memory"), ("cpus", "limits.cpu"), ("mem_reservation", "requests.memory")):
        if sy.text(svc.get(k)):
            have.append(f"{w} {sy.text(svc.get(k))}")
    if have:
        facts.add(Fact("k8s.resources", cid, rel, sy.line_of(svc, "deploy", line) if "deploy" in svc else line,
                       f"Compose service {name}: " + ", ".join(have), "set", ",".join(h.split(" ")[0] for h in have)))
    env = svc.get("environment")
    pairs: list[tuple[str, str, int]] = []
    if isinstance(env, dict):
        pairs = [(str(k), sy.text(v), sy.line_of(env, k, line)) for k, v in env.items()]
    elif isinstance(env, list):
        for i, e in enumerate(env):
            k, eq, v = sy.text(e).partition("=")
            k = k.strip()
            if not eq and env_file and k in env_file:
                # a bare name takes its value from the environment Compose reads (.env), which holds it
                pairs.append((k, env_file[k][0].strip(), sy.line_of(env, i, line), (env_rel, env_file[k][1])))
                continue
            pairs.append((k, v.strip(), sy.line_of(env, i, line)))
    env_facts(pairs, rel, cid, facts, env_file, env_rel)
    secrets = svc.get("secrets")
    if isinstance(secrets, list) and secrets:
        facts.add(Fact("k8s.secret-refs", cid, rel, sy.line_of(svc, "secrets", line),
                       f"Compose service {name} reads Compose secrets", "secret-ref", ""))
    cmd = svc.get("command")
    text = " ".join(sy.text(c) for c in cmd) if isinstance(cmd, list) else sy.text(cmd)
    tool = backup_tool(text) if text else None
    if tool:
        for t in comps.named_in(text, kinds=("datastore", "cache", "queue")) or [""]:
            facts.add(Fact("backup.schedules", t, rel, line, f"Compose service {name} runs {tool}"
                           + (f" against {t}" if t else "") + " (no schedule in the file)", "once", ""))
