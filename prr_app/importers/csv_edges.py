"""The simplest way in: a CSV edge list.

A header with at least ``source,target``; optional ``type`` (hard|soft|async,
default hard). Other optional columns: ``kind`` (a free-form edge kind such as
``call`` or ``datastore``, kept as evidence and used as a hint), ``evidence``,
``fallback``, ``timeout_ms``, ``description``. Components are created from the
names in ``source`` and ``target``.

Edge lists come out of spreadsheets and service-map tools as much as they are
written by hand, so the header is read as people write it: the separator is
the one that makes the first line name a caller and a callee (comma,
semicolon as a spreadsheet in many locales saves, tab or bar), header names
ignore case, spaces and dashes, and the usual names for the two ends are
understood (``from,to``, ``caller,callee``, ``src,dst``, ``source service,
destination service``...). The report says which were read as what.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

from prr_app.model.entities import LOAD_GENERATOR, Component, Dependency, Review
from prr_app.model.validation import check
from prr_app.errors import PrrError
from prr_app.importers.base import ImportReport, ImportResult, Inferred
from prr_app.importers.graph import NameIds, is_load_generator, snapshot

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


#: what the header may call a column (names normalised: lower case, spaces and dashes as ``_``), for
#: each column the importer reads under another name; a column named as the importer names it wins
_SYNONYMS = {
    "source": ("from", "caller", "client", "src", "source_service", "from_service", "caller_service",
               "client_service", "consumer", "parent", "origin", "service", "component"),
    "target": ("to", "callee", "server", "dst", "dest", "destination", "target_service", "to_service",
               "callee_service", "server_service", "destination_service", "provider", "child",
               "depends_on", "dependency"),
    "type": ("dependency_type", "dep_type"),
    "timeout_ms": ("timeout",),
}
#: separators a header is tried with, the usual first
_SEPARATORS = (",", ";", "\t", "|")


def _normal(name: str) -> str:
    return "_".join(name.strip().strip('"').lower().replace("-", " ").split())


def _columns(fields: list[str]) -> list[str]:
    cols = [_normal(f) for f in fields]
    for canonical, names in _SYNONYMS.items():
        if canonical not in cols:
            i = next((i for i, c in enumerate(cols) if c in names), None)
            if i is not None:
                cols[i] = canonical
    return cols


def read_header(line: str, suffix: str = "") -> tuple[str, list[str]] | None:
    """The separator and the column names (canonical where a synonym is known, else normalised) of
    an edge list's first line, or None if no separator makes it name both a source and a target.

    A ``.tsv`` file is tab-separated whatever its first line holds."""
    seps = ("\t",) if suffix.lower() == ".tsv" else _SEPARATORS
    for sep in seps:
        try:
            fields = next(csv.reader([line], delimiter=sep))
        except (csv.Error, StopIteration):
            continue
        cols = _columns(fields)
        if "source" in cols and "target" in cols:
            return sep, cols
    return None


def looks_like_csv(path: Path) -> bool:
    if path.suffix.lower() not in (".csv", ".tsv", ".txt"):
        return False
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            header = fh.readline()
    except OSError:
        return False
    return read_header(header, path.suffix) is not None


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
    first = text.splitlines()[0]
    found = read_header(first, path.suffix)
    if found is None:
        seen = [f.strip() for f in first.split("\t" if path.suffix.lower() == ".tsv" else ",")]
        raise PrrError(
            f"the header needs a source and a target column, such as source,target or from,to "
            f"(found: {', '.join(seen) if any(seen) else 'nothing'})",
            file=name,
            location="line 1",
        )
    delimiter, cols = found
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as e:
        raise PrrError(f"malformed CSV: {e}", file=name, location="line 1") from None
    dup = {c for c in cols if cols.count(c) > 1 and c}
    if dup:
        raise PrrError(f"column {sorted(dup)[0]!r} appears twice in the header", file=name, location="line 1")
    known = {"source", "target", "type", "kind", "evidence", "fallback", "timeout_ms", "description"}
    for extra in cols:
        if extra and extra not in known:
            report.skipped.append(f"{name}: column {extra!r} is not used")
    how = []
    if delimiter != ("\t" if path.suffix.lower() == ".tsv" else ","):
        how.append({";": "semicolon", "\t": "tab", "|": "bar"}[delimiter] + "-separated")
    renamed = [f"{h.strip()!r} as {c}" for h, c in zip(header, cols)
               if c in ("source", "target", "type", "timeout_ms") and _normal(h) != c]
    if renamed:
        how.append("columns " + ", ".join(renamed))
    report.read.append(name + (f" ({'; '.join(how)})" if how else ""))
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
                    if is_load_generator(cname):
                        review.components[cid].tags = [LOAD_GENERATOR]
                        comp_evidence[cid].append(f"name {cname}: a load generator, never taken for an entry point")
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
