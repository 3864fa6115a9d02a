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

What spreadsheets save is read too: UTF-16 with a byte-order mark (Excel's "Unicode Text"), blank
lines above the header, Excel's ``sep=;`` first line (it sets the separator), empty cells past the
header's columns. Any other file that is not UTF-8 is refused naming the line and column of its
first bad byte, never guessed at. Names are read as :func:`graph.clean_name` cleans them, and names
that differ only by case, spaces, hyphens or underscores are one component (``NameIds(loose=True)``),
each such reading warned about with its rows. A row that calls itself is skipped and listed.
Errors name the line where the row starts (a quoted field may span lines).
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path

from prr_app.model.entities import LOAD_GENERATOR, Component, Dependency, Review
from prr_app.model.validation import check
from prr_app.errors import PrrError
from prr_app.text_safety import decode_text
from prr_app.importers.base import ImportReport, ImportResult, Inferred
from prr_app.importers.graph import NameIds, clean_name, is_load_generator, snapshot

MAX_BYTES = 64 * 1024 * 1024
#: the model's limits (model/validation.py), checked while rows are read so an error names the row
NAME_LIMIT = 500
FALLBACK_LIMIT = 2000
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


def read_header(line: str, suffix: str = "", sep: str | None = None) -> tuple[str, list[str]] | None:
    """The separator and the column names (canonical where a synonym is known, else normalised) of
    an edge list's header line, or None if no separator makes it name both a source and a target.

    ``sep``: the one separator to try (an Excel ``sep=`` line gave it). Else a ``.tsv`` file is
    tab-separated whatever its first line holds, and other files are tried with each separator."""
    seps = (sep,) if sep else ("\t",) if suffix.lower() == ".tsv" else _SEPARATORS
    for sep in seps:
        try:
            fields = next(csv.reader([line.rstrip("\r\n")], delimiter=sep))
        except (csv.Error, StopIteration, TypeError):
            continue
        cols = _columns(fields)
        if "source" in cols and "target" in cols:
            return sep, cols
    return None


#: Excel's first line naming the separator (``sep=;``), which some tools write quoted
_SEP_LINE = re.compile(r'"?sep=([^"\s]|\t)"? *', re.IGNORECASE)


def _blank(line: str) -> bool:
    """An empty line, or one of separators only (a spreadsheet's empty row)."""
    return not line.strip().strip(",;|\t ")


def find_header(lines: list[str], suffix: str = "") -> tuple[int, str | None, tuple[str, list[str]] | None] | None:
    """Where an edge list's header is: (its index in ``lines``, the separator a ``sep=`` line above it
    names or None, what :func:`read_header` makes of it); None when there is no line but blank ones.
    Blank lines and one ``sep=X`` line may come before the header."""
    sep = None
    for i, line in enumerate(lines):
        if _blank(line):
            continue
        m = _SEP_LINE.fullmatch(line.strip("\r\n"))
        if m and sep is None:
            sep = m.group(1)
            continue
        return i, sep, read_header(line, suffix, sep)
    return None


def _lines(text: str) -> list[str]:
    """The lines as the csv module counts them (``\n``, ``\r\n`` or ``\r`` ends one), ends kept."""
    return io.StringIO(text, newline="").readlines()


def decode(raw: bytes, file: str) -> str:
    """The text of an edge list: UTF-16 when it starts with a UTF-16 byte-order mark (what Excel saves as
    "Unicode Text"), else UTF-8 (a byte-order mark or none). Anything else is refused naming the line
    and column of the first byte that is not UTF-8: no encoding is guessed. The decoding every reader
    shares (:func:`text_safety.decode_text`), with UTF-16 allowed."""
    return decode_text(raw, file, utf16=True, advice="save it as CSV UTF-8 (a spreadsheet's \"CSV UTF-8\" file type)")


def looks_like_csv(path: Path) -> bool:
    if path.suffix.lower() not in (".csv", ".tsv", ".txt"):
        return False
    try:
        with open(path, "rb") as fh:
            head = fh.read(65536)
    except OSError:
        return False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head[:len(head) - len(head) % 2].decode("utf-16", errors="replace")
    else:
        text = head.decode("utf-8-sig", errors="replace")
    found = find_header(_lines(text)[:-1] if len(head) == 65536 else _lines(text), path.suffix)
    return found is not None and found[2] is not None


def read_csv_edges(paths: list[Path]) -> ImportResult:
    review = Review()
    review.meta.tier = None  # an edge list never states the review's tier (issue 17)
    report = ImportReport(format="csv", sources=[str(p) for p in paths])
    comp_evidence: dict[str, list[str]] = {}
    dep_evidence: dict[str, list[str]] = {}
    # names typed by hand: "Cart Service" and "cart-service" are one component (graph.name_key)
    names = NameIds(report.warnings.append, loose=True)
    read_as: dict[tuple[str, str], list[str]] = {}  # (name kept, another spelling of it) -> its rows
    empty: list[tuple[str, str]] = []  # (file, why) of each file that gave no edge
    for path in paths:
        before, skips = sum(len(v) for v in dep_evidence.values()), len(report.skipped)
        _read_one(Path(path), review, report, comp_evidence, dep_evidence, names, read_as)
        if sum(len(v) for v in dep_evidence.values()) == before:
            passed = [x for x in report.skipped[skips:] if not x.endswith(" is not used")]
            empty.append((str(path), "no edges: every row was skipped (" + "; ".join(passed[:2])
                          + (" ..." if len(passed) > 2 else "") + ")" if passed else
                          "no edges: the file holds its header and no rows"))
    if not review.components:
        # an edge list with no edge is no system (an empty DOT graph is refused the same way): an empty
        # review written with exit 0 would look like an import that worked
        raise PrrError(empty[0][1], file=empty[0][0])
    for file, why in empty:  # one file of several: the others made the review
        report.warnings.append(f"{file}: {why}")
    for (kept, spelling), rows in read_as.items():
        where = ", ".join(rows[:10]) + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")
        if clean_name(spelling) == kept:
            report.warnings.append(f"{spelling!r} read as {kept!r} (invisible characters removed, no-break "
                                   f"spaces and compatibility forms as plain text): {where}")
        else:
            cid = names.get(kept)
            first = comp_evidence[cid][0].split(": named in an edge")[0]
            report.warnings.append(f"{spelling!r} taken for {kept!r} (so written first at {first}): names that "
                                   f"differ only by case, spaces, hyphens or underscores are one component: {where}")
    review.meta.system_name = Path(paths[0]).stem if paths else "Imported system"
    report.components = [Inferred(k, v) for k, v in sorted(comp_evidence.items())]
    report.dependencies = [Inferred(k, v) for k, v in sorted(dep_evidence.items())]
    # what this import produced: a later re-import tells hand edits and removals apart by it
    report.imported = snapshot(review)
    rec = report.to_record()
    review.imports[rec.id] = rec
    check(review, file=str(paths[0]) if paths else None)
    return ImportResult(review, report)


def _malformed(e: csv.Error) -> str:
    text = str(e)
    if "end of data" in text or "field limit" in text:  # a quote opened and never closed swallows the rest
        return f"malformed CSV: {text} (a quote opened in the row that starts here is never closed?)"
    return f"malformed CSV: {text}"


def _read_one(path: Path, review, report, comp_evidence, dep_evidence, names: NameIds,
              read_as: dict[tuple[str, str], list[str]]) -> None:
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise PrrError(f"file is {size} bytes; the limit is {MAX_BYTES}", file=name)
        raw = path.read_bytes()
    except OSError as e:
        raise PrrError(f"cannot read: {e.strerror or e}", file=name) from None
    text = decode(raw, name)
    if "\x00" in text:
        raise PrrError("not a CSV file (contains NUL bytes)", file=name)
    found = find_header(_lines(text), path.suffix)
    if found is None:
        raise PrrError("the file is empty; expected a header with source,target", file=name)
    hidx, given_sep, header_found = found
    if header_found is None:
        line = _lines(text)[hidx].rstrip("\r\n")
        seen = [f.strip() for f in line.split(given_sep or ("\t" if path.suffix.lower() == ".tsv" else ","))]
        raise PrrError(
            f"the header needs a source and a target column, such as source,target or from,to "
            f"(found: {', '.join(seen) if any(seen) else 'nothing'})"
            + (f", separated by {given_sep!r} as the sep= line above it says" if given_sep else ""),
            file=name,
            location=f"line {hidx + 1}",
        )
    delimiter, cols = header_found
    buf = io.StringIO(text, newline="")
    for _ in range(hidx):  # blank lines and a sep= line above the header
        buf.readline()
    reader = csv.reader(buf, delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as e:
        raise PrrError(_malformed(e), file=name, location=f"line {hidx + 1}") from None
    dup = {c for c in cols if cols.count(c) > 1 and c}
    if dup:
        raise PrrError(f"column {sorted(dup)[0]!r} appears twice in the header", file=name,
                       location=f"line {hidx + 1}")
    known = {"source", "target", "type", "kind", "evidence", "fallback", "timeout_ms", "description"}
    for extra in cols:
        if extra and extra not in known:
            report.skipped.append(f"{name}: column {extra!r} is not used")
    how = []
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        how.append("UTF-16")
    if given_sep:
        how.append(f"separator {given_sep!r} from the sep= line")
    elif delimiter != ("\t" if path.suffix.lower() == ".tsv" else ","):
        how.append({";": "semicolon", "\t": "tab", "|": "bar"}[delimiter] + "-separated")
    if hidx > (1 if given_sep else 0):
        how.append(f"header on line {hidx + 1}")
    renamed = [f"{h.strip()!r} as {c}" for h, c in zip(header, cols)
               if c in ("source", "target", "type", "timeout_ms") and _normal(h) != c]
    if renamed:
        how.append("columns " + ", ".join(renamed))
    report.read.append(name + (f" ({'; '.join(how)})" if how else ""))
    idx = {c: i for i, c in enumerate(cols)}
    done = reader.line_num  # lines the reader has taken (from the header on)
    while True:
        # a row's line is the one it starts on: a quoted field may run over several lines
        line = hidx + done + 1
        where = f"line {line}"
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            raise PrrError(_malformed(e), file=name, location=where) from None
        done = reader.line_num
        if not row or all(not c.strip() for c in row):
            continue
        if row[0].lstrip().startswith("#"):
            report.skipped.append(f"{name}:{line}: comment")
            continue
        if len(row) > len(cols):
            filled = [c for c in row[len(cols):] if c.strip()]
            if filled:
                raise PrrError(f"{len(row)} fields but the header has {len(cols)} "
                               f"(the extra one holds {filled[0][:40]!r})", file=name, location=where)
            row = row[:len(cols)]  # empty cells past the header's columns, as spreadsheets save them

        def get(col: str) -> str:
            i = idx.get(col)
            return row[i].strip() if i is not None and i < len(row) else ""

        written = {"source": get("source"), "target": get("target")}
        src_name, tgt_name = clean_name(written["source"]), clean_name(written["target"])
        if not src_name or not tgt_name:
            hidden = any(w and not clean_name(w) for w in written.values())
            raise PrrError("source and target must not be empty"
                           + (" (a name there holds only invisible characters)" if hidden else ""),
                           file=name, location=where)
        for n in (src_name, tgt_name):
            if len(n) > NAME_LIMIT:
                raise PrrError(f"a name of {len(n)} characters ({n[:30]!r}...); the limit is {NAME_LIMIT}",
                               file=name, location=where)
        dtype = get("type").lower()
        kind = get("kind")
        if dtype and dtype not in _TYPES:
            raise PrrError(f"type {dtype!r} is not one of hard, soft, async", file=name, location=where)
        if not dtype:
            dtype = _KIND_TYPES.get(kind.lower(), kind.lower() if kind.lower() in _TYPES else "hard")
        if len(get("fallback")) > FALLBACK_LIMIT:
            raise PrrError(f"the fallback is {len(get('fallback'))} characters long; the limit is {FALLBACK_LIMIT}",
                           file=name, location=where)
        if names.key(src_name) == names.key(tgt_name):
            same = "" if src_name == tgt_name else f" ({tgt_name!r} is the same name)"
            report.skipped.append(f"{name}:{line}: {src_name} calls itself{same}")
            continue
        ids = []
        for end, cname in (("source", src_name), ("target", tgt_name)):
            cid = names.get(cname)
            if cid is None:
                cid = names.new(cname, review.components)
            kept = names.spelling(cname)
            if written[end] != kept:
                read_as.setdefault((kept, written[end]), []).append(f"{name}:{line}")
            ids.append((cid, kept))
            if cid not in review.components:
                review.components[cid] = Component(id=cid, name=kept, source=f"import:csv {name}")
                comp_evidence[cid] = [f"{name}:{line}: named in an edge"]
                if is_load_generator(kept):
                    review.components[cid].tags = [LOAD_GENERATOR]
                    comp_evidence[cid].append(f"name {kept}: a load generator, never taken for an entry point")
        (src, _), (tgt, _) = ids
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
                raise PrrError(f"timeout_ms {t[:40]!r} is not a whole number", file=name, location=where) from None
            if dep.timeout_ms < 0:
                raise PrrError("timeout_ms must not be negative", file=name, location=where)
        review.dependencies[dep.id] = dep
        dep_evidence[dep.id] = [ev]
