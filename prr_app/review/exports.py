"""Export formats by name. The CLI's ``prr export`` and the app's Export menu use this."""
from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from prr_app.domain.model import Review
from prr_app.errors import PrrError


@dataclass(frozen=True)
class ExportFormat:
    name: str
    description: str
    suffix: str
    write: Callable[..., None]  # write(review, path, **options)


_EXPORTS: dict[str, ExportFormat] = {}


def register(fmt: ExportFormat) -> None:
    _EXPORTS[fmt.name] = fmt


def formats() -> dict[str, ExportFormat]:
    if not _EXPORTS:
        from prr_app.interchange import json_io

        register(ExportFormat("json", "PRR review JSON", ".json", lambda review, path, **_: json_io.write_json(review, path)))
        # The reporting layer registers pdf, markdown and csv when it is installed.
        if importlib.util.find_spec("prr_app.reporting.exports") is not None:
            importlib.import_module("prr_app.reporting.exports")
    return dict(_EXPORTS)


def export(review: Review, fmt: str, path: str | Path, **options) -> None:
    fmts = formats()
    if fmt not in fmts:
        raise PrrError(f"unknown export format {fmt!r}; known: {', '.join(fmts)}")
    fmts[fmt].write(review, Path(path), **options)
