"""Round 30: a re-import after a hand deletion, driven through the real window.

The headline counted the merge plan's changes ("no changes") while the report's first line said
"3 changes to the existing review, 6 hand edits kept" (the proposals on the deleted component
withdrawn) and an undo step was pushed: the headline now counts what the report counts, and a
re-import that changes nothing pushes no step.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from prr_app.cli.main import main as prr
from prr_app.ui import main_window as mw
from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]

OTEL = Path("/work/shared/realdata/opentelemetry-demo")
needs_otel = pytest.mark.skipif(not OTEL.is_dir(), reason="the OpenTelemetry demo checkout is not here")


@needs_otel
def test_reimport_after_a_deletion_says_what_its_report_says_(qtbot, win, tmp_path,
                                                                                          monkeypatch):
    prr_file = tmp_path / "ot.prr"
    assert prr(["import", str(OTEL), "-o", str(prr_file)]) == 0
    assert win.open_path(str(prr_file))
    wait_analysis(qtbot, win)
    win.delete_elements(["kafka"])
    shown = []
    monkeypatch.setattr(mw.Ask, "show_report", classmethod(lambda cls, parent, title, head, lines:
                                                           shown.append((head, list(lines)))))
    win.import_paths([str(OTEL)], into=True)
    qtbot.waitUntil(lambda: bool(shown), timeout=120000)
    head, lines = shown[0]
    assert lines[0].endswith("3 changes to the existing review, 6 hand edits kept")
    assert head.startswith("Re-imported repository into the open review: 3 changes, 6 hand edits kept.")
    assert win.a_undo.text().endswith("Re-import repository (3 changes, 6 hand edits kept)")


@needs_otel
def test_cli_second_reimport_after_a_deletion_writes_nothing(tmp_path, capsys):
    prr_file = tmp_path / "ot.prr"
    assert prr(["import", str(OTEL), "-o", str(prr_file)]) == 0
    assert prr(["delete", str(prr_file), "kafka"]) == 0
    capsys.readouterr()
    assert prr(["import", str(OTEL), "--into", str(prr_file)]) == 0
    first = capsys.readouterr().out.splitlines()
    summary = next(x for x in first if x.startswith("repository:"))
    changes = [x for x in first if x.startswith("change: ")]
    kept = [x for x in changes if x.endswith("deleted by the reviewer; not added again")]
    # the count agrees with the lines: a kept reviewer deletion is a kept hand edit, not a change
    assert summary.endswith(f"{len(changes) - len(kept)} changes to the existing review, {len(kept)} hand edits kept")
    data = prr_file.read_bytes()
    time.sleep(1.1)
    assert prr(["import", str(OTEL), "--into", str(prr_file)]) == 0
    assert "left as it was" in capsys.readouterr().out
    assert prr_file.read_bytes() == data
