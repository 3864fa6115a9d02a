"""What every importer returns: a review and a report of how it was made."""
from __future__ import annotations

import datetime as _dt
import hashlib
import re
from dataclasses import dataclass, field

from prr_app.model.entities import ImportRecord, Review
from prr_app.wording import ANSWER_STANDS, count


#: the stages of a folder import, in order, as ``progress(stage, done, total)`` names them, with the
#: share of the whole work each ends at (about, on a checkout with source): for one steady bar
#: how a warning about a deployment file that could not be read begins (shown even in a summary)
UNREADABLE = "could not read"

STAGES = {"listing files": 0.05, "recognising files": 0.1, "reading deployment files": 0.45,
          "reading configuration and source": 1.0}


def progress_fraction(stage: str, done: int, total: int) -> float | None:
    """How far the whole import is (0..1) at ``done`` of ``total`` in ``stage``; None for a stage not listed."""
    if stage not in STAGES:
        return None
    names = list(STAGES)
    start = STAGES[names[names.index(stage) - 1]] if names.index(stage) else 0.0
    part = min(1.0, done / total) if total > 0 else 0.0
    return start + (STAGES[stage] - start) * part



#: The lines of a re-import's plan (:mod:`prr_app.importers.merge`) that keep what a reviewer did by hand
#: against what the source now says: said among the changes, but none (the review keeps its value)
_KEPT_BY_HAND = re.compile(
    r": deleted by the reviewer; not added again$"  # an element the reviewer deleted, not added again
    r"| edited by hand \(.*\) kept; the source now says "  # an imported value the reviewer changed
    r"| kept \(set before the import\); the source says "  # a value set before the first import
    r"| removed by hand, kept removed; the source still says (it|them)$"  # a tag the reviewer removed
    r"|: kind stated by the reviewer \(.*\) kept; the source now says ")  # a dependency's kind stated
#: Lines of a re-import's plan that change nothing either, and are no hand edit: an element not added
#: because its id is taken, a failure domain or group no longer in the source, kept as it is
_NOT_CHANGED = ("the id is already used by another element; not added", ": no longer in the source; kept",
                *ANSWER_STANDS)  # an answer confirmed from evidence that the files now contradict: it stands


def kept_by_hand(line: str) -> bool:
    """Whether a line of a re-import's changes says a reviewer's hand edit was kept (no change)."""
    return _KEPT_BY_HAND.search(line) is not None


def is_change(line: str) -> bool:
    """Whether a line of a re-import's changes (``ImportReport.changes``) changes the review: not a hand
    edit kept (:func:`kept_by_hand`), nor another line that leaves the review as it is."""
    return not kept_by_hand(line) and not line.endswith(_NOT_CHANGED)


@dataclass
class Inferred:
    """One inferred fact (a component or a dependency) and where it came from."""

    element: str  # component id or dependency id
    evidence: list[str] = field(default_factory=list)  # "file:line: what was seen"


#: the evidence line a weak inferred dependency gets (only string literals in source code name it); the
#: comparison of import records (``review.importing``) knows it by these words
WEAK_LINE = "weaker evidence: only string literals in source code name it; check it"


@dataclass
class ImportReport:
    format: str
    sources: list[str] = field(default_factory=list)
    read: list[str] = field(default_factory=list)  # what was read (files, documents)
    components: list[Inferred] = field(default_factory=list)
    dependencies: list[Inferred] = field(default_factory=list)
    dangling: list[str] = field(default_factory=list)  # references to names not deployed
    skipped: list[str] = field(default_factory=list)  # what was not used, and why
    warnings: list[str] = field(default_factory=list)
    #: re-import: the changes that were applied to the existing review
    changes: list[str] = field(default_factory=list)
    #: the values this import produced (components, dependencies, domains), so a
    #: later re-import can tell the reviewer's hand edits from imported values
    imported: dict = field(default_factory=dict)
    #: dependencies inferred from configuration or source (not declared by a deployment file):
    #: {"id", "source", "target", "kind", "confidence" ("strong"/"weak"), "evidence", "decision"}
    inferred: list[dict] = field(default_factory=list)
    #: components tagged as telemetry, config or discovery hubs ("otel-collector (telemetry)")
    hubs: list[str] = field(default_factory=list)
    #: warnings a later reading settled and took back (a repository's start-up-order warnings on calls its
    #: configuration names): the parts' own summaries still count them, the headline says so
    settled: int = 0

    def note_coverage(self, review) -> None:
        """Say first when the import found few dependencies for its components, and say which
        user-facing services call nothing but hubs (the rules: analysis.coverage)."""
        from prr_app.analysis.coverage import (few_dependencies, few_dependencies_text, silent_entries,
                                               silent_entry_text)

        components, dependencies = len(review.components), len(review.dependencies)
        if few_dependencies(components, dependencies):
            if not any(w.startswith("few dependencies") for w in self.warnings):
                self.warnings.insert(0, few_dependencies_text(components, dependencies))
            return  # the calls are missing all over: one warning says it
        silent = silent_entries(review)
        if len(silent) > 3:  # one warning for many (every service publishing a port for developers)
            names = [cid for cid, _hubs in silent]
            text = (f"{len(silent)} user-facing services call nothing but hubs: {', '.join(names[:8])}"
                    f"{' ...' if len(names) > 8 else ''}; their calls are probably not in the files read (found "
                    "through a registry, or made in code), or their published ports are for developers, not users")
            silent = []
            if text not in self.warnings:
                self.warnings.append(text)
        for cid, hubs in silent:
            text = silent_entry_text(cid, hubs)
            if text not in self.warnings:
                self.warnings.append(text)

    def summary(self) -> str:
        if self.format == "json" and not self.components and not self.dependencies:
            n = len(self.warnings)  # files beside a folder's review JSON not read: counted, as every format does
            return "json: read as written, nothing inferred" + (f", {n} warning{'' if n == 1 else 's'}" if n else "")
        parts = [f"{len(self.components)} components", f"{len(self.dependencies)} dependencies"]
        if self.dangling:
            parts.append(f"{len(self.dangling)} dangling references")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        if self.inferred:
            parts.append(f"{len(self.inferred)} inferred from configuration or source")
        if any(w.startswith("few dependencies") for w in self.warnings):
            parts.append("FEW DEPENDENCIES: the analysis will miss risks")
        broken = sum(1 for w in self.warnings if w.startswith(UNREADABLE))
        if broken:
            parts.append(f"{broken} FILE{'S' if broken > 1 else ''} NOT READABLE")
        if self.warnings or self.settled:
            parts.append(f"{len(self.warnings)} warning{'' if len(self.warnings) == 1 else 's'}"
                         + (f" ({self.settled} more settled by configuration or source, said below)" if self.settled else ""))
        # a re-import: its changes, and the hand edits it kept apart (they change nothing: counted among
        # the changes, a re-import of the same files said "2 changes to the existing review" above "no change")
        changed, kept = self.change_counts()
        if changed:
            parts.append(f"{count(changed, 'change')} to the existing review")
        if kept:
            parts.append(f"{count(kept, 'hand edit')} kept")
        return f"{self.format}: " + ", ".join(parts)

    def change_counts(self) -> tuple[int, int]:
        """A re-import's (changes to the review, hand edits kept), from its change lines: what its summary
        and the app's headline both count."""
        return sum(1 for c in self.changes if is_change(c)), sum(1 for c in self.changes if kept_by_hand(c))

    def to_dict(self) -> dict:
        # by hand: dataclasses.asdict deep-copies every string (2 s for 5,000 workloads)
        return {
            "format": self.format,
            "sources": list(self.sources),
            "read": list(self.read),
            "components": [{"element": i.element, "evidence": list(i.evidence)} for i in self.components],
            "dependencies": [{"element": i.element, "evidence": list(i.evidence)} for i in self.dependencies],
            "dangling": list(self.dangling),
            "skipped": list(self.skipped),
            "warnings": list(self.warnings),
            "changes": list(self.changes),
            "imported": self.imported,
            "inferred": [dict(i) for i in self.inferred],
            "hubs": list(self.hubs),
        }

    def to_record(self, at: str | None = None) -> ImportRecord:
        at = at or _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
        digest = hashlib.sha1((at + "|" + "|".join(self.sources)).encode()).hexdigest()[:10]
        return ImportRecord(
            id=f"import-{digest}",
            at=at,
            format=self.format,
            sources=list(self.sources),
            summary=self.summary(),
            report=self.to_dict(),
        )

    @classmethod
    def from_record(cls, rec: ImportRecord) -> "ImportReport":
        """The report an import record keeps (:meth:`to_record`), read back: its inferred dependencies
        with the decisions they carry now. Parts missing or not lists (a review JSON written by hand)
        are left empty."""
        rep = rec.report if isinstance(rec.report, dict) else {}

        def strings(value) -> list[str]:
            return [str(x) for x in value] if isinstance(value, list) else []

        def facts(key) -> list[Inferred]:
            return [Inferred(str(i.get("element", "")), strings(i.get("evidence")))
                    for i in (rep.get(key) if isinstance(rep.get(key), list) else []) if isinstance(i, dict)]

        inferred = [{**i, "id": str(i["id"]), "confidence": str(i.get("confidence") or ""),
                     "evidence": strings(i.get("evidence")) or ([str(i["evidence"])] if i.get("evidence") else [])}
                    for i in (rep.get("inferred") if isinstance(rep.get("inferred"), list) else [])
                    if isinstance(i, dict) and i.get("id")]
        return cls(format=str(rec.format or rep.get("format") or ""), sources=strings(rec.sources),
                   read=strings(rep.get("read")), components=facts("components"),
                   dependencies=facts("dependencies"), dangling=strings(rep.get("dangling")),
                   skipped=strings(rep.get("skipped")), warnings=strings(rep.get("warnings")),
                   changes=strings(rep.get("changes")), inferred=inferred, hubs=strings(rep.get("hubs")))

    @classmethod
    def record_lines(cls, rec: ImportRecord) -> list[str]:
        """:meth:`lines` of the report read back from ``rec`` (:meth:`from_record`), headed by the summary
        the record kept: it also counts the warnings a later reading settled, which its lists no longer hold."""
        lines = cls.from_record(rec).lines()
        if rec.summary:
            lines[0] = rec.summary
        return lines

    def lines(self) -> list[str]:
        """The report as readable lines (for the CLI and the app)."""
        out = [self.summary()]
        out += [f"read: {r}" for r in self.read]
        out += [f"component {c.element}: " + "; ".join(c.evidence) for c in self.components]
        out += [f"dependency {d.element}: " + "; ".join(d.evidence) for d in self.dependencies]
        out += [f"dangling: {d}" for d in self.dangling]
        out += [f"skipped: {s}" for s in self.skipped]
        out += [f"warning: {w}" for w in self.warnings]
        out += [f"hub (tagged, kept): {h}" for h in self.hubs]
        out += [f"inferred ({i['confidence']}{', ' + i['decision'] if i.get('decision') else ''}): {i['id']}: "
                + "; ".join(i["evidence"][:2]) for i in self.inferred]
        out += [f"change: {c}" for c in self.changes]
        return out


@dataclass
class ImportResult:
    review: Review
    report: ImportReport
    #: for a re-import into an existing review: the plan that was (or would be) applied
    plan: object | None = None
    #: a re-import whose files say nothing the review does not already hold: ``review`` is the review it
    #: went into, as it was (no new import record, nothing to write, no undo step)
    unchanged: bool = False
    #: the review's system name was stated by the files, not guessed from a file or folder name
    system_declared: bool = False
    #: host names that reach each component (Service names, compose hostnames...) -> component ids
    hosts: dict[str, list[str]] = field(default_factory=dict)
    #: variables that carry a component's address (``CART_SERVICE_ADDR``) -> component ids
    address_vars: dict[str, list[str]] = field(default_factory=dict)
    #: component id -> folders holding its code or configuration (compose ``build`` contexts)
    code_dirs: dict[str, list[str]] = field(default_factory=dict)
    #: other names of a component's code (a container of its pods) -> component id
    aliases: dict[str, str] = field(default_factory=dict)
    #: for a folder import: every file looked at, what it was taken for and what came of it
    inventory: object | None = None
    #: what the platform applies to every call to a component (a service mesh's timeout, retries,
    #: outlier detection): component id -> {dependency field: (value, evidence line)}; applied
    #: to the dependencies a repository's configuration and source show as well
    #: (:func:`prr_app.importers.graph.apply_call_policies`)
    call_policies: dict[str, dict] = field(default_factory=dict)
    #: dependency id -> (what the report said, vital): it rests on start-up order alone (compose
    #: ``depends_on``): soft with a warning, or (vital) hard on a datastore, cache, queue or registry
    #: with a line read. A repository's configuration that names the call settles the first
    #: (``repository._Assembly``); code of the caller that never names the target, the second.
    order_only: dict[str, tuple[str, bool]] = field(default_factory=dict)
    #: dependency id -> [(variable, where it comes from)]: dependencies only an address book names, one
    #: every workload is handed (a ConfigMap in several workloads' ``envFrom``); a repository's import
    #: leaves out those whose caller's code never reads the variable (``repository._Assembly``)
    shared_only: dict[str, list] = field(default_factory=dict)
    #: component id -> the components that take all its Service's traffic: a version behind a Service the
    #: mesh routes every call away from (an Istio VirtualService to a subset). A call found in code or
    #: configuration names the Service's host, which every version answers to; a repository's import gives
    #: it to the versions that take the traffic (``repository._Assembly._idle_versions``). A field, not an
    #: evidence line to parse: the wording of the line can change without changing what is decided.
    idle_versions: dict[str, list[str]] = field(default_factory=dict)
    #: store id -> the telemetry hubs that alone use it: a datastore, cache or queue tagged telemetry by
    #: :func:`prr_app.importers.graph.telemetry_stores`; a repository's import takes the tag back from one
    #: that its configuration or source shows another component using
    telemetry_stores: dict[str, list[str]] = field(default_factory=dict)

    def keep_decisions(self, decisions: dict[str, str] | None) -> bool:
        """The reviewer's earlier decisions (inferred dependency id -> "accepted"/"rejected") on the calls
        this import guessed and has no decision on: an accepted call stays confirmed on a re-import, a
        rejected one stays out, said among the skipped (as the checkout import does). Whether any applied."""
        applied = False
        for item in self.report.inferred:
            did = str(item.get("id", ""))
            if item.get("decision") or (decisions or {}).get(did) not in ("accepted", "rejected"):
                continue
            item["decision"] = decisions[did]
            applied = True
            if item["decision"] == "rejected" and did in self.review.dependencies:
                del self.review.dependencies[did]
                self.report.skipped.append(f"inferred dependency {did}: rejected by the reviewer earlier; left out")
        return applied
