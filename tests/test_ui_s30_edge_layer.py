"""The dependency lines of a large graph (drawn by one edge layer) show as soon as the review opens.

The layer made its bounding rect only in its own paint, or in the sketch timer 0.4 s after the last
change (put off while the analysis' workers ran); Qt paints an item only where its bounding rect is
exposed, so a freshly opened review showed its boxes without lines for 0.4 s and more."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication

from prr_app.ui.canvas_layers import SKETCH_IDLE_MS
from tests.test_ui import _big_review

pytestmark = [pytest.mark.qt_log_ignore("propagateSizeHints")]


def test_a_large_review_shows_its_lines_at_once(qtbot, win):
    win.resize(1200, 800)
    win.session.new(_big_review())
    assert win.scene.edge_layer_on
    layer = win.scene.edge_layer
    # the layer covers what holds the lines before its first paint: Qt will paint it
    assert not layer.boundingRect().isEmpty()
    for _ in range(3):
        QCoreApplication.processEvents()
    # painted in the first event turns, well before the sketch timer would have made the lines
    assert not layer.dirty, f"the lines were not made before the {SKETCH_IDLE_MS} ms sketch timer"
    assert not layer.boundingRect().isEmpty()
