"""Saving a plan over a read-only file, or over the review itself, is refused with its reason in the
app (the refusal is the command line's, raised as PrrError: the app caught only OSError and showed
its 'unexpected error' dialog)."""
from __future__ import annotations

import os

import pytest

from tests.ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def test_a_refused_plan_save_is_said(qtbot, win, prr_file, tmp_path):
    assert win.open_path(str(prr_file))
    wait_analysis(qtbot, win)
    panel = win.plan_panel
    win.a_plan_mode.trigger()
    said = []
    panel.sig_status.connect(said.append)
    ro = tmp_path / "ro.json"
    ro.write_text("{}")
    os.chmod(ro, 0o444)
    assert panel.save_plan(str(ro)) is None
    assert said and "read-only" in said[-1] and ro.read_text() == "{}"
    before = prr_file.read_bytes()
    assert panel.save_plan(str(prr_file)) is None
    assert "refusing to overwrite the review" in said[-1] and prr_file.read_bytes() == before
