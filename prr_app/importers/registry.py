"""Import formats by name, with detection. Later importers register here."""
from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from prr_app.errors import PrrError
from prr_app.importers.base import ImportReport, ImportResult


@dataclass(frozen=True)
class ImportFormat:
    name: str
    description: str
    detect: Callable[[Path], bool]  # does this file look like the format?
    read: Callable[[list[Path]], ImportResult]


_FORMATS: dict[str, ImportFormat] = {}


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
        return ImportResult(review, ImportReport(format="json", sources=[str(paths[0])], read=[str(paths[0])]))

    def looks_like_review_json(path: Path) -> bool:
        if path.suffix.lower() != ".json":
            return False
        try:
            with open(path, "rb") as fh:
                head = fh.read(4096)
        except OSError:
            return False
        return b'"prr-review"' in head

    register(ImportFormat("json", "PRR review JSON (prr-review format)", looks_like_review_json, read_json))
    register(ImportFormat("csv", "CSV edge list (source,target[,type])", csv_edges.looks_like_csv, csv_edges.read_csv_edges))
    # Importers of outside formats register themselves when their module exists.
    if importlib.util.find_spec("prr_app.importers.plugins") is not None:
        importlib.import_module("prr_app.importers.plugins")


def expand_paths(paths: list[str | Path]) -> list[Path]:
    """Files given, with folders expanded to the files in them (sorted)."""
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
    fmts = formats()
    for name, fmt in fmts.items():
        if all(fmt.detect(p) for p in paths):
            return name
    first = paths[0] if paths else None
    raise PrrError(
        "cannot tell the format; pass --format (one of " + ", ".join(fmts) + ")",
        file=str(first) if first else None,
    )


def import_paths(paths: list[str | Path], fmt: str = "auto") -> ImportResult:
    files = expand_paths(paths)
    fmts = formats()
    if fmt == "auto":
        fmt = detect_format(files)
    if fmt not in fmts:
        raise PrrError(f"unknown format {fmt!r}; known: {', '.join(fmts)}")
    return fmts[fmt].read(files)
