"""The simplest way in: a CSV edge list.

A header with at least ``source,target``; optional ``type`` (hard|soft|async,
default hard). Other optional columns: ``kind`` (a free-form edge kind such as
``call`` or ``datastore``, kept as evidence and used as a hint), ``evidence``,
``fallback``, ``timeout_ms``, ``description``. Components are created from the
names in ``source`` and ``target``.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from prr_app.model.entities import Component, Dependency, Review
from prr_app.model.validation import check
from prr_app.errors import PrrError
from prr_app.importers.base import ImportReport, ImportResult, Inferred
from prr_app.importers.graph import NameIds, snapshot

MAX_BYTES = 64 * 1024 * 1024
_TYPES = ("hard", "soft", "async")
_STRENGTH = {"hard": 3, "soft": 2, "async": 1}
#: free-form edge kinds (as in derived edge lists) that imply a dependency type
_KIND_TYPES = {
    "call-optional": "soft",
    "telemetry": "soft",
    "startup-order": "soft",
    "async": "async",
    "event": "async",
}
#: edge kinds that say what the target is
_KIND_TARGET = {"datastore": "datastore", "queue": "queue", "gateway": "gateway"}


def looks_like_csv(path: Path) -> bool:
    if path.suffix.lower() not in (".csv", ".tsv", ".txt"):
        return False
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            header = fh.readline().lower()
    except OSError:
        return False
    cols = [c.strip() for c in header.replace("\t", ",").split(",")]
    return "source" in cols and "target" in cols


def read_csv_edges(paths: list[Path]) -> ImportResult:
    review = Review()
    review.meta.tier = None  # an edge list never states the review's tier (issue 17)
    report = ImportReport(format="csv", sources=[str(p) for p in paths])
    comp_evidence: dict[str, list[str]] = {}
    dep_evidence: dict[str, list[str]] = {}
    names = NameIds(report.warnings.append)
    for path in paths:
        _read_one(Path(path), review, report, comp_evidence, dep_evidence, names)
    review.meta.system_name = Path(paths[0]).stem if paths else "Imported system"
    report.components = [Inferred(k, v) for k, v in sorted(comp_evidence.items())]
    report.dependencies = [Inferred(k, v) for k, v in sorted(dep_evidence.items())]
    # what this import produced: a later re-import tells hand edits and removals apart by it
    report.imported = snapshot(review)
    rec = report.to_record()
    review.imports[rec.id] = rec
    check(review, file=str(paths[0]) if paths else None)
    return ImportResult(review, report)


def _read_one(path: Path, review, report, comp_evidence, dep_evidence, names: NameIds) -> None:
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise PrrError(f"file is {size} bytes; the limit is {MAX_BYTES}", file=name)
        raw = path.read_bytes()
    except OSError as e:
        raise PrrError(f"cannot read: {e.strerror or e}", file=name) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise PrrError(f"not UTF-8 text (byte {e.start})", file=name) from None
    if "\x00" in text:
        raise PrrError("not a CSV file (contains NUL bytes)", file=name)
    if not text.strip():
        raise PrrError("the file is empty; expected a header with source,target", file=name)
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as e:
        raise PrrError(f"malformed CSV: {e}", file=name, location="line 1") from None
    cols = [h.strip().lower() for h in header]
    if "source" not in cols or "target" not in cols:
        raise PrrError(
            f"the header needs columns source,target (found: {', '.join(cols) or 'nothing'})",
            file=name,
            location="line 1",
        )
    dup = {c for c in cols if cols.count(c) > 1 and c}
    if dup:
        raise PrrError(f"column {sorted(dup)[0]!r} appears twice in the header", file=name, location="line 1")
    known = {"source", "target", "type", "kind", "evidence", "fallback", "timeout_ms", "description"}
    for extra in cols:
        if extra and extra not in known:
            report.skipped.append(f"{name}: column {extra!r} is not used")
    report.read.append(name)
    idx = {c: i for i, c in enumerate(cols)}
    try:
        for row in reader:
            line = reader.line_num
            where = f"line {line}"
            if not row or all(not c.strip() for c in row):
                continue
            if row[0].lstrip().startswith("#"):
                report.skipped.append(f"{name}:{line}: comment")
                continue
            if len(row) > len(cols):
                raise PrrError(f"{len(row)} fields but the header has {len(cols)}", file=name, location=where)

            def get(col: str) -> str:
                i = idx.get(col)
                return row[i].strip() if i is not None and i < len(row) else ""

            src_name, tgt_name = get("source"), get("target")
            if not src_name or not tgt_name:
                raise PrrError("source and target must not be empty", file=name, location=where)
            dtype = get("type").lower()
            kind = get("kind")
            if dtype and dtype not in _TYPES:
                raise PrrError(f"type {dtype!r} is not one of hard, soft, async", file=name, location=where)
            if not dtype:
                dtype = _KIND_TYPES.get(kind.lower(), kind.lower() if kind.lower() in _TYPES else "hard")
            src = names.get(src_name) or names.new(src_name, review.components)
            tgt = names.get(tgt_name) or names.new(tgt_name, review.components)
            if src == tgt:
                raise PrrError(f"{src_name!r} cannot depend on itself", file=name, location=where)
            for cid, cname in ((src, src_name), (tgt, tgt_name)):
                if cid not in review.components:
                    review.components[cid] = Component(id=cid, name=cname, source=f"import:csv {name}")
                    comp_evidence[cid] = [f"{name}:{line}: named in an edge"]
            target_kind = _KIND_TARGET.get(kind.lower())
            if target_kind and review.components[tgt].kind == "service":
                review.components[tgt].kind = target_kind
            ev = f"{name}:{line}" + (f": {kind}" if kind else "") + (f": {get('evidence')}" if get("evidence") else "")
            dep = Dependency(source=src, target=tgt, kind=dtype)
            existing = review.dependencies.get(dep.id)
            if existing is not None:
                if _STRENGTH[dtype] > _STRENGTH[existing.kind]:
                    existing.kind = dtype
                existing.evidence.append(ev)
                dep_evidence[dep.id].append(ev)
                continue
            dep.evidence.append(ev)
            if get("fallback"):
                dep.fallback = get("fallback")
            if get("description"):
                dep.description = get("description")
            t = get("timeout_ms")
            if t:
                try:
                    dep.timeout_ms = int(t)
                except ValueError:
                    raise PrrError(f"timeout_ms {t!r} is not a whole number", file=name, location=where) from None
                if dep.timeout_ms < 0:
                    raise PrrError("timeout_ms must not be negative", file=name, location=where)
            review.dependencies[dep.id] = dep
            dep_evidence[dep.id] = [ev]
    except csv.Error as e:
        raise PrrError(f"malformed CSV: {e}", file=name, location=f"line {reader.line_num}") from None
