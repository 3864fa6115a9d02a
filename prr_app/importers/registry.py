"""Import formats by name, with detection. Later importers register here."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from prr_app.errors import PrrError
from prr_app.paths import head_text
from prr_app.importers.base import ImportReport, ImportResult


@dataclass(frozen=True)
class ImportFormat:
    name: str
    description: str
    detect: Callable[[Path], bool]  # does this file look like the format?
    read: Callable[[list[Path]], ImportResult]
    options: tuple[str, ...] = ()  # keyword options ``read`` takes (Compose: "profiles")


_FORMATS: dict[str, ImportFormat] = {}
#: formats whose ``--format`` on a folder reads it as a checkout (repository.import_folder's ``only``)
CHECKOUT_FORMATS = ("kubernetes", "compose")


def register(fmt: ImportFormat) -> None:
    _FORMATS[fmt.name] = fmt


def formats() -> dict[str, ImportFormat]:
    _load_builtin()
    return dict(_FORMATS)


def _load_builtin() -> None:
    if _FORMATS:
        return
    from prr_app.importers import csv_edges
    from prr_app.interchange import json_io

    def read_json(paths: list[Path]) -> ImportResult:
        if len(paths) != 1:
            raise PrrError("a review JSON import takes exactly one file", file=str(paths[0]) if paths else None)
        review = json_io.read_review_json(paths[0])
        what = (f"{paths[0]}: review JSON read as written ({len(review.components)} components, "
                f"{len(review.dependencies)} dependencies); nothing inferred")
        return ImportResult(review, ImportReport(format="json", sources=[str(paths[0])], read=[what]))

    def looks_like_review_json(path: Path) -> bool:
        if path.suffix.lower() != ".json":
            return False
        return '"prr-review"' in head_text(path, 4096)

    register(ImportFormat("json", "PRR review JSON (prr-review format)", looks_like_review_json, read_json))
    register(ImportFormat("csv", "CSV edge list (source,target[,type])", csv_edges.looks_like_csv, csv_edges.read_csv_edges))
    from prr_app.importers import plugins  # noqa: F401 - registers the importers of outside formats


def _refuse_empty(paths: list[str | Path]) -> None:
    """An empty path (``prr import "$DIR"`` with DIR unset) is refused: ``Path("")`` is the current
    folder, and importing wherever the shell happens to be is never what was meant."""
    for n, p in enumerate(paths, 1):
        if isinstance(p, str) and not p:
            raise PrrError(f"path {n} of the import is empty (an unset variable?): name the file or folder to "
                           "import (\".\" for the current folder)")


def expand_paths(paths: list[str | Path]) -> list[Path]:
    """Files given, with folders expanded to the files in them (sorted)."""
    _refuse_empty(paths)
    out: list[Path] = []
    for p in map(Path, paths):
        if not p.exists():
            raise PrrError("no such file or folder", file=str(p))
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts))
            if not files:
                raise PrrError("the folder holds no files", file=str(p))
            out.extend(files)
        else:
            out.append(p)
    return out


def detect_format(paths: list[Path]) -> str:
    """The format of ``paths``: the first format that accepts every file.

    Failing that, the format that accepts most of them (the others are left
    out by :func:`import_paths`, with a reason in the report).
    """
    fmts = formats()
    for name, fmt in fmts.items():
        if all(_detect(fmt, p) for p in paths):
            return name
    counts = {name: sum(1 for p in paths if _detect(fmt, p)) for name, fmt in fmts.items()}
    best = max(counts, key=lambda n: counts[n]) if counts else None
    if best is not None and counts[best] > 0:
        return best
    first = paths[0] if paths else None
    raise PrrError(
        "cannot tell the format; pass --format (one of " + ", ".join(fmts) + ")",
        file=str(first) if first else None,
    )


def _detect(fmt: ImportFormat, path: Path) -> bool:
    try:
        return bool(fmt.detect(path))
    except (OSError, ValueError, UnicodeError):
        return False


def import_paths(paths: list[str | Path], fmt: str | None = "auto", *, into=None,
                 format: str | None = None, variant: str | None = None,  # noqa: A002 - the natural name
                 scan_source: bool = True, source_limit: int = 512 * 1024, progress=None,
                 decisions: dict[str, str] | None = None, render: bool = True,
                 profiles: list[str] | None = None) -> ImportResult:
    """Import files and folders; the review plus the import report.

    ``fmt`` (or ``format``): a registered format name, or ``"auto"``/None to
    detect it. With ``auto``, a folder is read as a checkout
    (:mod:`prr_app.importers.repository`: deployment files found by content,
    variants reconciled, Helm and Kustomize rendered, configuration and source
    read for dependencies), and several paths are each judged on their own.
    With a named format, files found in a folder that do not look like the
    format are left out, with a reason; ``kubernetes`` and ``compose`` read a
    folder as a checkout whose deployment files are those of the format
    (variants, compose layers, Helm and Kustomize rendered, configuration and
    source read), the files of other formats left out and said.

    ``profiles``: the active Compose profiles (``--profile``); without them, a Compose project's
    ``COMPOSE_PROFILES`` in its ``.env`` says which are active, as it does for ``docker compose up``.

    ``into``: an existing :class:`~prr_app.model.entities.Review` to re-import
    into (a path is opened by :mod:`prr_app.review.importing`, the use case the
    faces call). The result's review is then the existing review with the
    changes applied (the reviewer's work is kept, see
    :mod:`prr_app.importers.merge`), ``result.plan`` lists the changes, and
    ``result.report.changes`` says them in words. The input review is not
    modified.
    """
    if format is not None:
        fmt = format
    if fmt in (None, "", "auto"):
        fmt = "auto"
    if not paths:
        raise PrrError("no files to import")
    _refuse_empty(paths)
    fmts = formats()
    if fmt != "auto" and fmt not in fmts:
        raise PrrError(f"unknown format {fmt!r}; known: {', '.join(fmts)}")
    if isinstance(into, (str, Path)):
        raise PrrError("re-import into a file goes through prr_app.review.importing.import_into", file=str(into))
    result = None
    # a re-import keeps ids meaning the same services (two systems' namesakes: repository._Assembly._namesakes)
    keep_ids = {cid: c.source for cid, c in into.components.items()} if into is not None else None
    if fmt == "auto":
        for p in map(Path, paths):
            if not p.exists():
                raise PrrError("no such file or folder", file=str(p))
        files = [Path(p) for p in paths if Path(p).is_file()]
        one_format = None
        if len(files) == len(paths):
            found = {_first_format(fmts, f) for f in files}
            if len(found) == 1 and None not in found:
                one_format = found.pop()
        if one_format is None:
            from prr_app.importers import repository

            result = repository.import_folder([Path(p) for p in paths], variant=variant, scan_source=scan_source,
                                              source_limit=source_limit, render=render, progress=progress,
                                              decisions=decisions, profiles=profiles, keep_ids=keep_ids)
        else:
            fmt = one_format
    if result is None and fmt in CHECKOUT_FORMATS and any(Path(p).is_dir() for p in paths):
        # a folder with --format kubernetes or compose is a checkout whose deployment is read from the files
        # of that format: the same variants, compose layers, rendering and evidence as without --format
        from prr_app.importers import repository

        result = repository.import_folder([Path(p) for p in paths], variant=variant, scan_source=scan_source,
                                          source_limit=source_limit, render=render, progress=progress,
                                          decisions=decisions, profiles=profiles, only=fmt, keep_ids=keep_ids)
    if result is None:
        result = _import_format(paths, fmt, fmts, profiles=profiles)
        if fmt != "json":  # a review JSON is read as written
            before = len(result.report.warnings)
            result.report.note_coverage(result.review)
            decided = result.keep_decisions(decisions)
            if len(result.report.warnings) != before or decided:
                _refresh_record(result)
    if into is not None:
        from prr_app.importers import merge

        result = merge.reimport(into, result)
    return result


def _first_format(fmts: dict[str, ImportFormat], path: Path) -> str | None:
    """The format of one file: the first whose detection accepts it."""
    return next((name for name, f in fmts.items() if _detect(f, path)), None)


def _import_format(paths: list[str | Path], fmt: str, fmts: dict[str, ImportFormat], *,
                   profiles: list[str] | None = None) -> ImportResult:
    direct = [Path(p) for p in paths if Path(p).is_file()]
    files = expand_paths(paths)
    chosen = fmts[fmt]
    use, left_out = [], []
    for f in files:
        if f in direct or _detect(chosen, f):
            use.append(f)
        else:
            left_out.append(f)
    if not use:
        raise PrrError(f"no {fmt} files found", file=str(files[0]) if files else None)
    given = {"profiles": profiles}
    result = chosen.read(use, **{k: given[k] for k in chosen.options if given.get(k) is not None})
    for f in left_out:
        other = next((n for n, x in fmts.items() if n != fmt and _detect(x, f)), None)
        why = f"looks like {other} (import it with --format {other})" if other else "not a recognised input"
        result.report.skipped.append(f"{f}: not {fmt}: {why}")
    if left_out:
        _refresh_record(result)
    return result


def _refresh_record(result: ImportResult) -> None:
    """Keep the review's copy of the report in step with late additions."""
    for rid, rec in list(result.review.imports.items()):
        if rec.format == result.report.format and rec.sources == result.report.sources:
            rec.summary = result.report.summary()
            rec.report = result.report.to_dict()
