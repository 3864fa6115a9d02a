"""The canvas legend: what the shapes, lines, badges and colours on the graph mean."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QFrame, QSizePolicy, QToolButton, QVBoxLayout, QWidget

from prr_app.ui import theme

ROW_H = 20
SAMPLE_W = 46


def _box(p: QPainter, r: QRectF, kind: str) -> None:
    pen = QPen(QColor(theme.KIND_COLOURS.get(kind, theme.KIND_COLOURS["other"])), 2)
    if kind == "external_api":
        pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.setBrush(QColor(theme.NODE_FILL))
    if kind == "datastore":
        path = QPainterPath()
        e = 6.0
        path.moveTo(r.left(), r.top() + e / 2)
        path.arcTo(QRectF(r.left(), r.top(), r.width(), e), 180, -180)
        path.lineTo(r.right(), r.bottom() - e / 2)
        path.arcTo(QRectF(r.left(), r.bottom() - e, r.width(), e), 0, -180)
        path.closeSubpath()
        p.drawPath(path)
    elif kind == "gateway":
        s = 7.0
        p.drawPolygon(QPolygonF([QPointF(r.left() + s, r.top()), QPointF(r.right() - s, r.top()),
                                 QPointF(r.right(), r.center().y()), QPointF(r.right() - s, r.bottom()),
                                 QPointF(r.left() + s, r.bottom()), QPointF(r.left(), r.center().y())]))
    else:
        p.drawRoundedRect(r, 4, 4)


def _line(p: QPainter, r: QRectF, kind: str) -> None:
    colour = theme.GROUP_EDGE if kind == "member" else theme.EDGE_COLOURS.get(kind, theme.TEXT)
    pen = QPen(QColor(colour), 2.2)
    pen.setStyle({"soft": Qt.PenStyle.DashLine, "async": Qt.PenStyle.DotLine,
                  "member": Qt.PenStyle.DotLine}.get(kind, Qt.PenStyle.SolidLine))
    p.setPen(pen)
    y = r.center().y()
    p.drawLine(QPointF(r.left(), y), QPointF(r.right() - 6, y))
    if kind != "member":
        p.setBrush(QColor(colour))
        p.setPen(Qt.PenStyle.NoPen)
        p.drawPolygon(QPolygonF([QPointF(r.right(), y), QPointF(r.right() - 7, y - 4), QPointF(r.right() - 7, y + 4)]))


def _guess(p: QPainter, r: QRectF, confidence: str) -> None:
    """A hard call an import guessed and no reviewer confirmed, as the canvas draws it (dash-dot, "?")."""
    from prr_app.ui.canvas_items import draw_guess_mark

    pen = QPen(QColor(theme.EDGE_COLOURS["hard"]), 2.2)
    pen.setDashPattern([5.0, 2.0, 1.0, 2.0])
    p.setPen(pen)
    y = r.center().y()
    p.drawLine(QPointF(r.left(), y), QPointF(r.right() - 6, y))
    p.setBrush(QColor(theme.EDGE_COLOURS["hard"]))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawPolygon(QPolygonF([QPointF(r.right(), y), QPointF(r.right() - 7, y - 4), QPointF(r.right() - 7, y + 4)]))
    draw_guess_mark(p, QPointF(r.center().x() - 3, y), confidence, 6.5)


def _badge(p: QPainter, r: QRectF, text: str, colour: str) -> None:
    p.setBrush(QColor(colour))
    p.setPen(QPen(QColor("#ffffff"), 1))
    p.drawRoundedRect(r, 7, 7)
    f = QFont(theme.FONT_FAMILY)
    f.setPointSizeF(6.5)
    f.setBold(True)
    p.setFont(f)
    p.drawText(r, Qt.AlignmentFlag.AlignCenter, text)


def _fill(p: QPainter, r: QRectF, fill: str, tag: str) -> None:
    p.setPen(QPen(QColor(theme.GROUP_EDGE), 1.5))
    p.setBrush(QColor(fill))
    p.drawRoundedRect(r, 4, 4)
    f = QFont(theme.FONT_FAMILY)
    f.setPointSizeF(6.0)
    f.setBold(True)
    p.setFont(f)
    p.setPen(QColor("#ffffff") if fill == theme.FAILED else QColor(theme.TEXT))
    p.drawText(r, Qt.AlignmentFlag.AlignCenter, tag)


def _halo(p: QPainter, r: QRectF, colour: str, width: float) -> None:
    c = QColor(colour)
    c.setAlpha(120)
    p.setPen(QPen(c, width))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRoundedRect(r.adjusted(1, 1, -1, -1), 5, 5)
    p.setPen(QPen(QColor(theme.KIND_COLOURS["service"]), 2))
    p.setBrush(QColor(theme.NODE_FILL))
    p.drawRoundedRect(r.adjusted(5, 4, -5, -4), 3, 3)


def _dot(p: QPainter, r: QRectF) -> None:
    _box(p, r, "service")
    p.setBrush(QColor(theme.SELECTION))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawEllipse(QRectF(r.left() + 3, r.center().y() - 3.5, 7, 7))


def _origin(p: QPainter, r: QRectF) -> None:
    """A selected box's badge: its blast radius is shown, it has not failed (cf. FAILED)."""
    p.setPen(QPen(QColor("#ffffff"), 1.2))
    p.setBrush(QColor(theme.SELECTION))
    p.drawRoundedRect(r.adjusted(0, 2, 0, -2), 7, 7)
    f = QFont(theme.FONT_FAMILY)
    f.setPointSizeF(5.5)
    f.setBold(True)
    p.setFont(f)
    p.drawText(r, Qt.AlignmentFlag.AlignCenter, "IF IT FAILS")


def entries():
    """(what to draw, its meaning), in the legend's order."""
    return [
        (lambda p, r: _box(p, r, "service"), "service, frontend, other"),
        (lambda p, r: _box(p, r, "datastore"), "datastore, cache"),
        (lambda p, r: _box(p, r, "gateway"), "gateway, load balancer, DNS, CDN"),
        (lambda p, r: _box(p, r, "external_api"), "external API (dashed)"),
        (_dot, "user-facing"),
        (lambda p, r: _line(p, r, "hard"), "hard dependency: down means down"),
        (lambda p, r: _line(p, r, "soft"), "soft: degraded"),
        (lambda p, r: _line(p, r, "async"), "async: queued"),
        (lambda p, r: _line(p, r, "member"), "redundancy group member"),
        # the report's words (reporting.assessment.unconfirmed_words); the tooltip and the inspector say why
        (lambda p, r: _guess(p, r, "weak"), "inferred, not confirmed: weak"),
        (lambda p, r: _guess(p, r, "strong"), "inferred, not confirmed: strong"),
        (lambda p, r: _badge(p, QRectF(r.left() + 4, r.top() + 2, 38, r.height() - 4), "SPOF",
                             theme.SEVERITY_COLOURS["critical"]), "single point of failure"),
        (lambda p, r: _badge(p, QRectF(r.left() + 4, r.top() + 2, 38, r.height() - 4), "HIGH",
                             theme.SEVERITY_COLOURS["high"]), "worst open risk (CRIT HIGH MED LOW)"),
        (lambda p, r: _fill(p, r, theme.FAILED, "FAILED"), "what-if: failed"),
        (lambda p, r: _fill(p, r, theme.DOWN_FILL, "DOWN"), "what-if: down"),
        (lambda p, r: _fill(p, r, theme.DEGRADED_FILL, "DEGR."), "what-if: degraded"),
        (lambda p, r: _halo(p, r, theme.JOURNEY, 5), "on the journey shown"),
        (lambda p, r: _halo(p, r, theme.SELECTION, 6), "selected"),
        (_origin, "selected: what its failure would take down"),
    ]


def _tag(p: QPainter, r: QRectF, text: str, spof: bool) -> None:
    """A shared-domain tag as a box carries it (canvas_items.NodeItem): red when the domain is a SPOF."""
    from prr_app.ui.canvas_items import TAG_FILL

    _badge(p, QRectF(r.left() + 4, r.top() + 2, 30, r.height() - 4), text,
           theme.SEVERITY_COLOURS["critical"] if spof else TAG_FILL)


class LegendBody(QWidget):
    """The samples and their meanings, painted."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.entries = entries()
        #: the review's shared-domain tags: (tag, meaning, is a SPOF), after the fixed entries
        self.shared: list = []
        f = QFont(theme.FONT_FAMILY)
        f.setPointSizeF(8.5)
        self.setFont(f)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    #: two columns: the legend stays short enough for the canvas of a 1280 x 720 window
    COLUMNS = 2

    def _rows(self) -> int:
        return -(-len(self.entries) // self.COLUMNS)

    def _col_w(self) -> int:
        fm = self.fontMetrics()
        return SAMPLE_W + 10 + max(fm.horizontalAdvance(text) for _d, text in self.entries) + 14

    #: a shared-domain tag's meaning is cut with "…" beyond this width (a domain's name can be long)
    SHARED_MAX_W = 560

    def _shared_texts(self) -> list[str]:
        fm = self.fontMetrics()
        return [fm.elidedText(f"{t} = {text}", Qt.TextElideMode.ElideRight, self.SHARED_MAX_W)
                for t, text, _s in self.shared]

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        # the shared-domain tags a row each under the two columns (their meanings are long)
        fm = self.fontMetrics()
        wide = max((fm.horizontalAdvance(t) for t in self._shared_texts()), default=0)
        return QSize(max(self._col_w() * self.COLUMNS, SAMPLE_W + 10 + wide + 14),
                     ROW_H * (self._rows() + len(self.shared)) + 4)

    def paintEvent(self, _event) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        rows, cw = self._rows(), self._col_w()
        for i, (draw, text) in enumerate(self.entries):
            x0, y0 = 2 + (i // rows) * cw, 2 + (i % rows) * ROW_H
            p.save()
            draw(p, QRectF(x0, y0 + 2, SAMPLE_W, ROW_H - 4))
            p.restore()
            p.setPen(self.palette().windowText().color())
            p.setFont(self.font())
            p.drawText(QRectF(x0 + SAMPLE_W + 10, y0, cw - SAMPLE_W - 10, ROW_H),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
        for k, ((tag, _text, spof), text) in enumerate(zip(self.shared, self._shared_texts())):
            y0 = 2 + (rows + k) * ROW_H
            p.save()
            _tag(p, QRectF(2, y0 + 2, SAMPLE_W, ROW_H - 4), tag, spof)
            p.restore()
            p.setPen(QColor(theme.SEVERITY_COLOURS["critical"]) if spof else self.palette().windowText().color())
            p.setFont(self.font())
            p.drawText(QRectF(2 + SAMPLE_W + 10, y0, self.width() - SAMPLE_W - 12, ROW_H),
                       Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
        p.end()


class CanvasLegend(QFrame):
    """A small panel in the canvas's corner: a "Legend" button that shows or hides the samples."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("CanvasLegend")
        self.setAccessibleName("Legend of the graph")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.toggle = QToolButton()
        self.toggle.setText("Legend")
        self.toggle.setCheckable(True)
        self.toggle.setAccessibleName("Show or hide the legend")
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow)
        self.body = LegendBody()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 4)
        lay.setSpacing(2)
        lay.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignLeft)
        lay.addWidget(self.body)
        self.toggle.toggled.connect(self.set_open)
        self.set_open(False)

    def set_shared(self, rows) -> None:
        """The review's shared-domain tags (``GraphScene.shared_legend``): one entry each, after the
        others; the legend is laid out again when they change."""
        rows = list(rows)
        body = self.body
        if rows == body.shared:
            return
        body.shared = rows
        body.updateGeometry()
        body.adjustSize()
        body.update()
        self.adjustSize()
        self.place()

    def set_open(self, on: bool) -> None:
        self.toggle.blockSignals(True)
        self.toggle.setChecked(on)
        self.toggle.blockSignals(False)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.body.setVisible(on)
        self.adjustSize()
        self.place()

    def place(self) -> None:
        """Bottom-left corner of the canvas.

        The legend is a child of the graph view, laid over its viewport, not a child of the
        viewport: Qt scrolls a viewport's children with the graph (the legend of a review wider
        than the canvas went off its edge at the first scroll)."""
        par = self.parentWidget()
        if par is None:
            return
        viewport = getattr(par, "viewport", None)
        area = viewport().geometry() if viewport is not None else par.rect()
        self.move(area.left() + 8, max(area.top(), area.bottom() + 1 - self.height() - 8))
        self.raise_()
