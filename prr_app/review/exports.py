"""Export formats by name. The CLI's ``prr export`` and the app's Export menu use this."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from prr_app.model.entities import Review
from prr_app.errors import PrrError


@dataclass(frozen=True)
class ExportFormat:
    name: str
    description: str
    suffix: str
    write: Callable[..., None]  # write(review, path, **options)


def _write_json(review: Review, path: Path, **_options) -> None:
    from prr_app.interchange import json_io

    json_io.write_json(review, path)


# Each writer imports its module when called: listing the formats (``prr export --help``,
# the app's Export menu) does not import reportlab. Options: ``paper`` ("a4" or "letter",
# PDF only), ``progress`` (PDF only, reportlab's progress callback ``progress(kind, value)``),
# ``warnings`` (a list that collects problems that did not stop the export) and ``today`` (PDF,
# Markdown and CSV: the date the assessment judges as of, ``YYYY-MM-DD``; None: the real date).
def _with_sections(review: Review, options: dict) -> dict:
    """The report's "Changes since <milestone>" (the newest, when the review has one) unless the
    caller gave the sections (``changes``, ``plan``) itself."""
    if "changes" in options or "plan" in options or not review.milestones:
        return options
    from prr_app.review.diff import report_sections

    return {**options, **report_sections(review)}


def _write_pdf(review: Review, path: Path, **options) -> None:
    from prr_app.reporting.pdf import write_pdf

    write_pdf(review, path, **_with_sections(review, options))


def _write_markdown(review: Review, path: Path, **options) -> None:
    from prr_app.reporting.markdown import write_markdown

    write_markdown(review, path, **_with_sections(review, options))


def _write_csv(review: Review, path: Path, **options) -> None:
    from prr_app.reporting.markdown import write_csv

    write_csv(review, path, **options)  # ``today`` too: expired acceptances and overdue mitigations


_EXPORTS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("json", "PRR review JSON", ".json", _write_json),
    ExportFormat("pdf", "Reliability Risk Assessment (PDF)", ".pdf", _write_pdf),
    ExportFormat("markdown", "Reliability Risk Assessment (Markdown)", ".md", _write_markdown),
    ExportFormat("csv", "Risk register for issue trackers (CSV)", ".csv", _write_csv),
)}


def register(fmt: ExportFormat) -> None:
    """Add an export format (a plug-in's)."""
    _EXPORTS[fmt.name] = fmt


def formats() -> dict[str, ExportFormat]:
    return dict(_EXPORTS)


def format_for(path: str | Path, fmt: str | None = None) -> str:
    """The format to write ``path`` in: ``fmt`` when given, else the one its suffix names (JSON
    when none does). A ``.prr`` is never an export: it is written by an import or a save, and
    JSON text under that name would be a file nothing can open."""
    suffix = Path(path).suffix.lower()
    if suffix == ".prr":
        raise PrrError(f"{path}: a .prr review is written by 'prr import REVIEW -o {Path(path).name}' "
                       "(or File > Save As in the app), not by export; export writes "
                       + ", ".join(f.suffix for f in formats().values()))
    if fmt is not None:
        return fmt
    return next((f.name for f in formats().values() if f.suffix == suffix), "json")


def export(review: Review, fmt: str, path: str | Path, **options) -> None:
    """Write ``review`` as ``fmt`` to ``path``; ``options`` go to the format's writer (above). A JSON
    export is the review itself, which no date changes: ``today`` is not passed to it."""
    fmts = formats()
    if fmt == "json":
        options.pop("today", None)
    if fmt not in fmts:
        raise PrrError(f"unknown export format {fmt!r}; known: {', '.join(fmts)}")
    fmts[fmt].write(review, Path(path), **options)
