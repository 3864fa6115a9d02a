"""With a dark platform palette every view is dark: the canvas, the charts and the coloured text."""
from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QPalette

from prr_app.ui.theme import contrast

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def dark_palette() -> QPalette:
    p = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "#202327"), (QPalette.ColorRole.WindowText, "#e8e8e8"),
                         (QPalette.ColorRole.Base, "#181a1d"), (QPalette.ColorRole.Text, "#e8e8e8"),
                         (QPalette.ColorRole.Button, "#2a2d31"), (QPalette.ColorRole.ButtonText, "#e8e8e8")):
        p.setColor(role, QColor(colour))
    return p


@pytest.fixture
def dark(qapp):
    from prr_app.ui import theme

    old = qapp.palette()
    qapp.setPalette(dark_palette())
    assert theme.use_palette(qapp.palette())
    yield
    qapp.setPalette(old)
    theme.use_palette(old)
    assert not theme.DARK


def test_dark_palette_darkens_canvas_charts_and_keeps_severity_readable(qtbot, dark, win, examples_dir):
    from prr_app.ui import theme

    win.open_path(str(examples_dir / "webshop.json"))
    qtbot.waitUntil(lambda: not win.live.busy and win.result is not None, timeout=15000)
    bg = win.scene.backgroundBrush().color()
    assert bg.lightness() < 60
    base = QColor(theme.CANVAS)
    for sev in ("critical", "high", "medium", "low"):
        assert contrast(QColor(theme.SEVERITY_COLOURS[sev]), base) >= 4.5, sev
    assert contrast(QColor(theme.TEXT), base) >= 7
    db = win.views["Dashboard"]
    win.tabs.setCurrentWidget(db)
    qtbot.wait(50)
    assert db.heat.backgroundBrush().color().lightness() < 60
    img = win.view.grab().toImage()
    dark_px = sum(1 for x in range(0, img.width(), 20) for y in range(0, img.height(), 20)
                  if img.pixelColor(x, y).lightness() < 80)
    total = len(range(0, img.width(), 20)) * len(range(0, img.height(), 20))
    assert dark_px > total / 2


def test_placeholder_text_is_readable_on_a_dark_palette():
    from prr_app.ui import theme

    p = dark_palette()  # like many platform palettes, it leaves Qt's default (dark grey) placeholder
    role, base = QPalette.ColorRole.PlaceholderText, p.color(QPalette.ColorRole.Base)
    assert contrast(p.color(role), base) < 4.5
    fixed = theme.with_readable_placeholder(p)
    assert contrast(fixed.color(role), base) >= 4.5
    assert contrast(fixed.color(role), base) < contrast(p.color(QPalette.ColorRole.Text), base)  # still a hint
    light = QPalette()  # a palette whose placeholder is readable keeps it
    assert theme.with_readable_placeholder(light).color(role) == light.color(role) or \
        contrast(light.color(role), light.color(QPalette.ColorRole.Base)) < 4.5
