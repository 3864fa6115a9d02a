"""How much of the system a review describes: the one rule for "too few dependencies".

An import that finds components but hardly any calls between them (the calls are in code or
configuration the importer did not read) gives an analysis that finds almost no risk: every
component looks independent. The importers say so in their summary, and the analysis states
it as an assumption and never reads as ready on it (issue 22).
"""
from __future__ import annotations

from prr_app.model.entities import HUB_TAGS


def few_dependencies(components: int, dependencies: int) -> bool:
    """Three components or more, and fewer than one dependency for every three (at least one)."""
    return components >= 3 and 3 * dependencies < components


def silent_entries(review) -> list[tuple[str, list[str]]]:
    """The user-facing services and gateways that call no component but hubs, in a review of three
    non-hub components or more, each with the hubs it does call: an entry point of a system of
    services almost always calls some of them, so its calls are probably in code the import did not
    understand (TeaStore's web UI finds the others through its registry)."""
    comps = review.components
    plain = [c for c in comps.values() if not any(t in c.tags for t in HUB_TAGS)]
    if len(plain) < 3:
        return []
    calls: dict[str, set[str]] = {}
    for d in review.dependencies.values():
        calls.setdefault(d.source, set()).add(d.target)
    out = []
    for cid, c in sorted(comps.items()):
        if not c.user_facing or c.kind not in ("service", "gateway") or any(t in c.tags for t in HUB_TAGS):
            continue
        targets = calls.get(cid, set())
        if all(t in comps and any(h in comps[t].tags for h in HUB_TAGS) for t in targets):
            out.append((cid, sorted(targets)))
    return out


def silent_entry_text(cid: str, hubs: list[str]) -> str:
    return (f"{cid} faces users and calls " + (f"nothing but {', '.join(hubs)}" if hubs else "nothing") +
            ": its calls to the other services are probably not in the files read (found through a registry, "
            "or made in code); add them, or import traces")


def few_dependencies_text(components: int, dependencies: int) -> str:
    return (f"few dependencies: {dependencies} for {components} components; the calls between services are "
            "probably not all in the review, so the analysis will miss the risks they carry (add them, or "
            "import traces)")
