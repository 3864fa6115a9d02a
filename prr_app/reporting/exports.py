"""Registers the assessment's formats with ``prr_app.review.exports``.

``prr export --format pdf|markdown|csv`` and the app's Export menu find them
there. Options: ``paper`` ("a4" or "letter", PDF only), ``progress`` (PDF
only, reportlab's progress callback ``progress(kind, value)``) and
``warnings`` (a list that collects problems that did not stop the export).
"""
from __future__ import annotations

from prr_app.review.exports import ExportFormat, register


# Each writer imports its module when called: listing the formats (``prr
# export --help``, the app's Export menu) does not import reportlab.
def write_pdf(review, path, **options) -> None:
    from prr_app.reporting.pdf import write_pdf as write

    write(review, path, **options)


def write_markdown(review, path, **options) -> None:
    from prr_app.reporting.markdown import write_markdown as write

    write(review, path, **options)


def write_csv(review, path, **options) -> None:
    from prr_app.reporting.markdown import write_csv as write

    write(review, path, **options)


register(ExportFormat("pdf", "Reliability Risk Assessment (PDF)", ".pdf", write_pdf))
register(ExportFormat("markdown", "Reliability Risk Assessment (Markdown)", ".md", write_markdown))
register(ExportFormat("csv", "Risk register for issue trackers (CSV)", ".csv", write_csv))
