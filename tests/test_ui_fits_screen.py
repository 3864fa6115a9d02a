"""The window fits a 1280 x 800 screen (a laptop, a projector) on every view."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def test_every_view_fits_a_1280_pixel_screen(qtbot, monkeypatch, examples_dir):
    from prr_app.ui import main_window as mw

    monkeypatch.setattr(mw.Ask, "keep_unsaved", classmethod(lambda cls, parent, title: "discard"))
    w = mw.MainWindow(restore_state=False)
    qtbot.addWidget(w)
    assert w.open_path(str(examples_dir / "platform.json"))
    w.resize(1280, 800)
    w.show()
    qtbot.waitUntil(lambda: not w.live.busy and w.result is not None, timeout=15000)
    for name, view in w.views.items():
        w.tabs.setCurrentWidget(view)
        qtbot.wait(20)
        hint = w.minimumSizeHint()
        assert hint.width() <= 1280 and hint.height() <= 800, (name, hint.width(), hint.height())
        assert w.width() <= 1280, name
