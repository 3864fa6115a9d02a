"""The "import into a review" use case, for both faces (``prr import`` and the app's Import).

:func:`import_review` reads files and folders through the importers, re-imports
into an existing review (a :class:`~prr_app.model.entities.Review` or the path of
one) keeping the reviewer's work, and applies the reviewer's decisions on
dependencies inferred from configuration or source:

* ``accept``/``reject``: dependency ids (``frontend->cart``), or ``weak`` (every
  dependency only source literals suggest) or ``all`` (every inferred one);
* a rejected dependency is removed from the review, and stays out on every later
  re-import: the decisions are kept in the review's import record
  (``report["inferred"][i]["decision"]``) and read back from there;
* a checkout's import keeps the deployment variant it read (``report["variant"]``), and a
  re-import reads the same one unless ``variant`` names another (:func:`earlier_variant`),
  saying first which one it reads.

What the app's import report needs: ``result.report.inferred`` (each with
``id``, ``source``, ``target``, ``kind``, ``confidence`` "strong"/"weak",
``evidence`` and ``decision``), and :func:`decide` to apply the reviewer's
choices, one by one or in bulk, to the review the import made (or went into)
without reading the files again: :func:`inferred_of` lists what can be decided.
"""
from __future__ import annotations

import copy
import dataclasses
import re
from pathlib import Path
from typing import Callable, Iterable

from prr_app.model.entities import Dependency, ImportRecord, Review
from prr_app.errors import PrrError
from prr_app.importers import registry
from prr_app.importers.base import WEAK_LINE, ImportResult, progress_fraction  # noqa: F401 - for the faces' progress bars
from prr_app.review.document import edit_review, load_review, save_review

REPOSITORY_FORMAT = "repository"


def earlier_decisions(review: Review | None) -> dict[str, str]:
    """Inferred dependency id -> "accepted"/"rejected", as recorded by earlier imports (latest wins)."""
    out: dict[str, str] = {}
    if review is None:
        return out
    for rec in sorted(review.imports.values(), key=lambda r: r.at or ""):
        rep = rec.report if isinstance(rec.report, dict) else {}
        for item in rep.get("inferred") or []:
            if isinstance(item, dict) and item.get("decision") in ("accepted", "rejected") and item.get("id"):
                out[str(item["id"])] = item["decision"]
    return out


def _from_deployment(sel: str, review: Review) -> None:
    """``sel`` names a dependency the deployment files state (an address in a service's environment,
    a route): not something --accept/--reject decide on. Say so, with where it comes from."""
    dep = review.dependencies.get(sel.strip())
    if dep is None:
        return
    where = f" ({dep.evidence[0][:120]})" if dep.evidence else ""
    raise PrrError(f"{sel.strip()!r} comes from the deployment files{where}, not from configuration or source "
                   "code: --accept and --reject decide only on those; delete it in the review (the app's Delete) "
                   "if it is wrong")


def _select(inferred: list[dict], selectors: Iterable[str], review: Review | None = None) -> set[str]:
    ids: set[str] = set()
    known = {i["id"] for i in inferred}
    for sel in selectors:
        sel = sel.strip()
        if sel not in ("all", "weak") and sel not in known and review is not None:
            _from_deployment(sel, review)
        if sel == "all":
            ids |= known
        elif sel == "weak":
            ids |= {i["id"] for i in inferred if i.get("confidence") == "weak"}
        elif sel in known:
            ids.add(sel)
        else:
            raise PrrError(f"{sel!r} is not an inferred dependency of this import (use an id such as "
                           f"{next(iter(sorted(known)), 'frontend->cart')!r}, 'weak' or 'all')")
    return ids


def import_review(paths: list[str | Path], fmt: str | None = "auto", *, into: Review | str | Path | None = None,
                  variant: str | None = None, scan_source: bool = True, source_limit: int = 512 * 1024,
                  progress: Callable[[str, int, int], None] | None = None,
                  accept: Iterable[str] = (), reject: Iterable[str] = (),
                  profiles: list[str] | None = None) -> ImportResult:
    """Import ``paths`` (into ``into`` when given); see the module docstring. ``profiles``: the
    active Compose profiles (else a project's ``COMPOSE_PROFILES`` in its ``.env``)."""
    existing = load_review(into) if isinstance(into, (str, Path)) else into
    accept, reject = list(accept), list(reject)
    decisions = earlier_decisions(existing)
    before = earlier_variant(existing)
    # a re-import reads the variant the review was imported from unless told otherwise: the rule
    # picks by what the files show, and a changed checkout (a service removed) could make it pick
    # another variant and compare the review with files it never came from
    remembered = before.get("pass") if variant is None and fmt in (None, "", "auto") else None

    def read() -> tuple[bool, ImportResult]:
        def once(v):
            return registry.import_paths(paths, fmt, into=existing, variant=v, scan_source=scan_source,
                                         source_limit=source_limit, progress=progress, decisions=decisions,
                                         profiles=profiles)
        try:
            return False, once(variant or remembered)
        except PrrError as e:
            if not remembered or not e.message.startswith("no deployment variant matches"):
                raise
            return True, once(None)  # the checkout no longer has it: the rule picks, and it is said

    gone, result = read()
    inferred = result.report.inferred
    if (accept or reject) and not inferred:
        for sel in accept + reject:
            _from_deployment(sel, result.review)
        raise PrrError("this import inferred no dependencies from configuration or source: nothing to accept or reject")
    acc, rej = _select(inferred, accept, result.review), _select(inferred, reject, result.review)
    both = acc & rej
    if both:
        raise PrrError(f"accepted and rejected at once: {', '.join(sorted(both))}")
    # the files are read with the decisions stated now, as every later re-import reads them: a call
    # rejected is left out of what the import reasons from (who is user-facing, its warnings, what a hub
    # softens), and one accepted after a rejection is read again. Decided after the read, the review
    # kept reasons from calls it no longer had ("behind the gateway (api-gateway -> customers-service)"
    # once that call was rejected), the first re-import rewrote them, and an --accept all after a
    # --reject all left the calls out
    if any((decisions.get(did) == "rejected") != (did in rej) for did in acc | rej):
        decisions = {**decisions, **dict.fromkeys(acc, "accepted"), **dict.fromkeys(rej, "rejected")}
        gone, result = read()
        inferred = result.report.inferred
    _remember_variant(result, variant or (None if gone else remembered), before, asked=variant is not None,
                      gone=gone)
    from prr_app.review.proposals import apply_evidence

    apply_evidence(result)  # proposed checklist answers and observability from the files read (issue 21)
    for item in inferred:
        if item["id"] in acc:
            item["decision"] = "accepted"
        elif item["id"] in rej:
            item["decision"] = "rejected"
    review = result.review
    for item in inferred:
        if item.get("decision") == "rejected" and item["id"] in review.dependencies:
            del review.dependencies[item["id"]]
            result.report.changes.append(f"dependency {item['id']}: rejected by the reviewer; removed")
    if acc or rej:
        _record(review, result)
    if existing is not None and says_nothing_new(existing, review):
        # a re-import of files that say what the review already holds: the review as it was, not a
        # copy with one more import record and its proposals re-dated. A "(no changes)" re-import
        # was an undo step in the app and a write of the file all the same
        result.review = existing
        result.unchanged = True
    return result


#: How the lines about the variant a re-import reads begin (``prr import --summary`` shows them too)
VARIANT_NOTE = "the review was imported from "


#: ``; imported KEY [`` in the "variants of one deployment" warning of a record made before the
#: record said its variant (``repository.import_folder``'s words)
_IMPORTED_VARIANT = re.compile(r"; imported (.+?) \[[^\]]*\] \(")


def earlier_variant(review: Review | None) -> dict:
    """The deployment variant the review's newest checkout import read: ``{"read": [keys], "pass":
    what --variant takes to read it again (None when that cannot be told)}``; empty without one.
    Records made before the variant was kept: read back from the import's warning that names it."""
    rec = review.newest_import(REPOSITORY_FORMAT) if review is not None else None
    rep = rec.report if rec is not None and isinstance(rec.report, dict) else {}
    v = rep.get("variant")
    if isinstance(v, dict) and isinstance(v.get("read"), list):
        return {"read": [str(x) for x in v["read"]], "pass": v.get("pass") if isinstance(v.get("pass"), str) else None}
    keys = [m.group(1) for w in rep.get("warnings") or [] if isinstance(w, str)
            and w.startswith("variants of one deployment") for m in [_IMPORTED_VARIANT.search(w)] if m]
    if not keys:
        return {}
    plain = len(keys) == 1 and keys[0] != "." and re.fullmatch(r"[\w./@+-]+", keys[0])
    return {"read": keys, "pass": keys[0] if plain else None}


def variant_read(result: ImportResult) -> dict:
    """The deployment variant a checkout import read (:func:`earlier_variant`'s form); empty for an
    import that is not of a checkout."""
    from prr_app.importers.repository import OBSERVED_FORMATS, variant_arg

    inv = result.inventory
    units = [u for u in getattr(inv, "units", None) or [] if u.picked and not u.support
             and u.fmt not in OBSERVED_FORMATS and u.result is not None]
    if not units:
        return {}
    return {"read": [u.key for u in units], "pass": variant_arg(units[0]) if len(units) == 1 else None}


def _remember_variant(result: ImportResult, passed: str | None, before: dict, *, asked: bool, gone: bool) -> None:
    """Keep the variant this import read in its record (``report["variant"]``: what ``read``, what to
    ``pass`` to ``--variant`` to read it again), and say in one line when a re-import reads another
    one than the review was imported from, or reads the same one again because of that."""
    now = variant_read(result)
    if not now:
        return
    rec = result.review.newest_import(result.report.format)
    if passed:
        now["pass"] = passed  # a values file over a chart's, a file of a folder: as it was named
    if rec is not None and isinstance(rec.report, dict):
        rec.report["variant"] = now
    if not before:
        return
    was, reads = ", ".join(before["read"]), ", ".join(now["read"])
    if gone or (passed and not asked and before["read"] != now["read"]):  # not found as it was named
        line = (f"{VARIANT_NOTE}{was}, which this checkout no longer has; this import reads {reads}: the "
                "changes compare the review with other files")
    elif before["read"] == now["read"]:
        result.report.read.insert(0, f"{VARIANT_NOTE}{was}; this import reads {reads} again"
                                  + ("" if asked else " (pass --variant to read another variant)"))
    elif asked:
        line = f"{VARIANT_NOTE}{was}; this import reads {reads}, as --variant asks"
    else:
        line = (f"{VARIANT_NOTE}{was}; this import reads {reads}"
                + (f": pass --variant {before['pass']} to read the same files" if before.get("pass") else ""))
    if before["read"] != now["read"]:
        result.report.warnings.insert(0, line)
    if rec is not None and isinstance(rec.report, dict):  # the record says what the import said
        rec.report["read"], rec.report["warnings"] = list(result.report.read), list(result.report.warnings)
        rec.summary = result.report.summary()


def _record(review: Review, result: ImportResult) -> None:
    """Keep the decisions in the newest import record, so a re-import remembers them."""
    recs = [r for r in review.imports.values() if r.format == result.report.format]
    if not recs:
        return
    rec = max(enumerate(recs), key=lambda x: (x[1].at or "", x[0]))[1]  # of one second: the one added last
    if isinstance(rec.report, dict):
        rec.report["inferred"] = [dict(i) for i in result.report.inferred]


#: The warnings of an import record about which deployment variant it read, which a re-import of the
#: same checkout words otherwise ("--variant release", where the first import said why the rule picked it)
_VARIANT_WORDS = "variants of one deployment"




def _record_says(rec: ImportRecord) -> tuple:
    """What an import record says of the files it read: its format, sources and report, less what
    the import did rather than what the files say: its changes to the review, its ``read`` lines (the
    files read, and what it marked: "observability of cart from evidence: metrics", "this import reads
    release again"; their facts are in the review itself) and the variant warning's words. Not its id,
    time or summary (the summary counts the changes).

    Nor what the reviewer's rejections of inferred dependencies made of it. An import leaves out a
    dependency rejected before it (its report, its snapshot of imported values; "rejected by the
    reviewer earlier; left out" among the skipped), while the record of an import whose dependencies were
    rejected afterwards (``prr import --reject weak``, the app's import report) still lists them: the
    first re-import after the decisions read as a change (a new record, the proposals re-dated, an undo
    step in the app) though the files and the decisions were the same. The decisions themselves are
    compared: they are in the inferred entries, which stay."""
    rep = dict(rec.report) if isinstance(rec.report, dict) else {}
    rep.pop("changes", None)
    rep.pop("read", None)
    if isinstance(rep.get("warnings"), list):
        rep["warnings"] = [w for w in rep["warnings"] if not (isinstance(w, str) and w.startswith(_VARIANT_WORDS))]
    inferred = rep.get("inferred") if isinstance(rep.get("inferred"), list) else []
    rejected = {str(i["id"]) for i in inferred if isinstance(i, dict) and i.get("id") and i.get("decision") == "rejected"}
    if not rejected:
        return rec.format, list(rec.sources), rep
    # the weak-evidence line (``importers.base.WEAK_LINE``) lands in an inferred entry too (the checkout
    # importer shares one list between the dependency and its entry), but only when the import kept the
    # dependency: an entry rejected before the import has none, one rejected after it keeps it
    rep["inferred"] = [{**i, "evidence": [e for e in i["evidence"] if not (isinstance(e, str) and e.startswith(WEAK_LINE))]}
                       if isinstance(i, dict) and str(i.get("id")) in rejected and isinstance(i.get("evidence"), list)
                       else i for i in inferred]
    if isinstance(rep.get("dependencies"), list):
        rep["dependencies"] = [d for d in rep["dependencies"] if not (isinstance(d, dict) and d.get("element") in rejected)]
    if isinstance(rep.get("skipped"), list):
        left_out = {f"inferred dependency {did}: rejected by the reviewer earlier; left out" for did in rejected}
        rep["skipped"] = [s for s in rep["skipped"] if s not in left_out]
    imported = rep.get("imported")
    if isinstance(imported, dict) and isinstance(imported.get("dependencies"), dict):
        rep["imported"] = {**imported, "dependencies": {did: v for did, v in imported["dependencies"].items()
                                                        if did not in rejected}}
    return rec.format, list(rec.sources), rep


def says_nothing_new(existing: Review, merged: Review) -> bool:
    """Is ``merged`` (a re-import of ``existing``) the review ``existing`` already is? The same model,
    answers, decisions and proposals (a proposal re-made by the import from the same evidence differs
    only in when it was made), the earlier import records as they were, and each record the re-import
    added saying what the newest earlier import of its format says (only its time, its id and the
    words on reading the same variant again differ). Then the re-import changes nothing: no new
    record, no write, no undo step."""
    added = [rid for rid in merged.imports if rid not in existing.imports]
    if any(merged.imports.get(rid) != rec for rid, rec in existing.imports.items()):
        return False
    for rid in added:
        rec = merged.imports[rid]
        before = existing.newest_import(rec.format)
        if before is None or _record_says(before) != _record_says(rec):
            return False
    proposals = dict(merged.proposals)
    for key, p in proposals.items():
        old = existing.proposals.get(key)
        if old is not None and p.made_at != old.made_at and dataclasses.replace(p, made_at=old.made_at) == old:
            proposals[key] = old
    return dataclasses.replace(merged, imports=existing.imports, proposals=proposals) == existing


DECISIONS = ("accepted", "rejected", "")


def newest_import(review: Review, *, inferring: bool = False) -> ImportRecord | None:
    """The review's newest import record (of those that inferred dependencies, with ``inferring``);
    records of the same second: the one added last."""
    return review.inferred_calls()[0] if inferring else review.newest_import()


def inferred_of(review: Review) -> tuple[ImportRecord | None, list[dict]]:
    """The newest import record that inferred dependencies, and its entries (decisions included):
    :meth:`~prr_app.model.entities.Review.inferred_calls`."""
    return review.inferred_calls()


def decide(review: Review, decisions: dict[str, str]) -> tuple[Review, list[str]]:
    """The review with the reviewer's decisions on inferred dependencies applied (a copy), and what changed.

    ``decisions``: dependency id -> "accepted", "rejected" or "" (undecided). A rejected
    dependency is removed; one accepted or undecided again that is not in the review is put
    back from the import's evidence. The decisions are kept in the import record, so a
    re-import remembers them (as ``prr import --accept/--reject`` does).
    """
    new = copy.deepcopy(review)
    rec, items = inferred_of(new)
    if rec is None:
        raise PrrError("no import of this review inferred dependencies from configuration or source: "
                       "nothing to accept or reject")
    by_id = {str(i["id"]): i for i in items}
    lines: list[str] = []
    for did, d in decisions.items():
        if did not in by_id:
            raise PrrError(f"{did!r} is not a dependency the import inferred")
        if d not in DECISIONS:
            raise PrrError(f"{d!r} is not a decision (accepted, rejected or empty)")
        item = by_id[did]
        if (item.get("decision") or "") == d:
            continue
        item["decision"] = d
        if d == "rejected":
            if new.dependencies.pop(did, None) is not None:
                lines.append(f"dependency {did}: rejected by the reviewer; removed")
            else:
                lines.append(f"dependency {did}: rejected by the reviewer")
            continue
        src, dst = str(item.get("source", "")), str(item.get("target", ""))
        if did not in new.dependencies and src in new.components and (dst in new.components or dst in new.groups):
            ev = item.get("evidence")
            new.add(Dependency(src, dst, str(item.get("kind") or "hard"),
                               evidence=[str(e) for e in (ev if isinstance(ev, list) else [ev] if ev else [])]))
            lines.append(f"dependency {did}: {d or 'undecided'} by the reviewer; put back")
        else:
            lines.append(f"dependency {did}: {d or 'undecided'} by the reviewer")
    return new, lines


def import_and_write(paths: list[str | Path], fmt: str | None = "auto", *, output: str | Path | None = None,
                     into: str | Path | None = None, dry_run: bool = False, **options) -> ImportResult:
    """Import ``paths`` and write the review: to ``output``, or re-imported into the file ``into``.

    A re-import is merged with the review as its file holds it at the moment of writing,
    under the file's lock (:func:`prr_app.review.document.edit_review`): a reviewer's edit
    saved meanwhile is kept. A re-import that changes nothing (``ImportResult.unchanged``) writes nothing: the
    file is left as it was, byte for byte. With ``dry_run`` nothing is written. ``options`` are those
    of :func:`import_review`.
    """
    if into is None:
        result = import_review(paths, fmt, **options)
        if not dry_run:
            save_review(result.review, output, overwrite=True)
        return result
    if dry_run:
        return import_review(paths, fmt, into=into, **options)
    if output is not None and Path(output).resolve() == Path(into).resolve():
        output = None
    # the import is made on the review as read first: when it changes nothing, the file is not opened
    # for writing at all (a write replaces a .prr by a copy, however little changes: a new file to the
    # app that has it open, new header bytes), and when it does, the same import is written unless
    # another program wrote meanwhile (then it is made again on the review as the file holds it)
    read = load_review(into)
    try:
        first = import_review(paths, fmt, into=read, **options)
    except PrrError as e:
        raise e.with_file(str(into))
    if output is None and first.unchanged:
        return first
    held: dict[str, ImportResult] = {}

    def change(existing: Review) -> Review:
        if existing == read:
            held["result"] = first
        else:
            held["result"] = import_review(paths, fmt, into=existing, **options)
        return held["result"].review

    try:
        edit_review(into, change, output=output, force=True)
    except PrrError as e:
        raise e.with_file(str(into))
    return held["result"]
