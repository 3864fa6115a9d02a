"""The resilience policy editor (Review > Resilience Policy…).

One row per disruption type (instance, component, zone, region, provider, then the kinds of
failure domain the review has, e.g. "cluster"): a "must survive" check box and the RTO and
RPO in minutes. Each change is one named, undoable review edit
(:func:`prr_app.review.edits.set_policy`), checked by the model; the verdict and the launch
blockers under the table follow the live analysis, so the room sees what the policy decides.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QDoubleValidator
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton, QScrollArea,
    QVBoxLayout, QWidget,
)

from prr_app.review import edits
from prr_app.ui import theme
from prr_app.wording import enum_words, stated

VERDICT_TEXT = {"not-ready": "NOT READY", "ready-with-conditions": "READY WITH CONDITIONS", "ready": "READY"}


def _fmt(v) -> str:
    if v is None:
        return ""
    return str(int(v)) if float(v).is_integer() else stated(v)


class PolicyEditor(QWidget):
    """The policy's rows, edited in place; every change goes through the window's undo stack."""

    def __init__(self, window, parent=None):
        super().__init__(parent)
        self.window = window
        self.session = window.session
        self.rows: dict[str, tuple[QCheckBox, QLineEdit, QLineEdit]] = {}
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.reset_button = QPushButton("Use the &Default Policy")
        self.reset_button.setToolTip("Forget the review's own policy: instance, component and zone must be survived")
        self.reset_button.setAccessibleName("Use the default resilience policy")
        self.reset_button.clicked.connect(self._reset)
        self.reset_button.setAutoDefault(False)  # Return in an RTO field commits the field, nothing else
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setColumnStretch(0, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.grid_host)
        self.verdict = QLabel("Analysing…")
        self.verdict.setWordWrap(True)
        self.verdict.setAccessibleName("Verdict under this policy")
        self.verdict.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {theme.ERROR};")
        top = QHBoxLayout()
        top.addStretch(1)
        top.addWidget(self.reset_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.state)
        lay.addLayout(top)
        lay.addWidget(scroll, 1)
        lay.addWidget(self.error)
        lay.addWidget(self.verdict)
        self.scroll = scroll
        self.rebuild()
        self.session.sig_review_changed.connect(self._on_changed)
        self.session.sig_review_replaced.connect(self.rebuild)
        self.window.live.sig_result.connect(self.set_result)
        if self.window.result is not None:
            self.set_result(self.window.result)

    # ------------------------------------------------------------ rows
    def rebuild(self) -> None:
        """Rows for the review's disruption types, with the policy's values."""
        r = self.session.review
        terms = edits.policy_terms(r)
        if list(self.rows) != terms:
            while self.grid.count():
                w = self.grid.takeAt(0).widget()
                if w is not None:
                    w.deleteLater()
            self.rows = {}
            for col, head in enumerate(("Disruption", "Must survive", "RTO (min)", "RPO (min)")):
                h = QLabel(f"<b>{head}</b>")
                self.grid.addWidget(h, 0, col)
            for i, term in enumerate(terms, start=1):
                meaning = edits.DISRUPTION_MEANING.get(term, f"a {enum_words(term)} (failure domain) fails")
                label = QLabel(f"{enum_words(term).capitalize()}<br><small>{meaning}</small>")
                label.setToolTip(meaning)
                box = QCheckBox()
                box.setAccessibleName(f"Must survive a {term} failure")
                box.setToolTip(f"Must the service survive: {meaning}? A SPOF of a disruption it must survive can "
                               "block the launch; the others are reported and scored.")
                rto, rpo = QLineEdit(), QLineEdit()
                for ed, what in ((rto, "RTO"), (rpo, "RPO")):
                    v = QDoubleValidator(0.0, 1e9, 3, ed)
                    v.setNotation(QDoubleValidator.Notation.StandardNotation)
                    ed.setValidator(v)
                    ed.setPlaceholderText("none")
                    ed.setMaximumWidth(90)
                    ed.setAccessibleName(f"{what} of a {term} failure, in minutes")
                    ed.setToolTip(("Recovery time objective" if what == "RTO" else "Recovery point objective")
                                  + f" after a {term} failure, in minutes (empty: none)")
                box.toggled.connect(lambda on, t=term: self._edit(t, survive=on))
                rto.editingFinished.connect(lambda t=term, e=rto: self._edit(t, rto=e.text()))
                rpo.editingFinished.connect(lambda t=term, e=rpo: self._edit(t, rpo=e.text()))
                self.grid.addWidget(label, i, 0)
                self.grid.addWidget(box, i, 1, Qt.AlignmentFlag.AlignCenter)
                self.grid.addWidget(rto, i, 2)
                self.grid.addWidget(rpo, i, 3)
                self.rows[term] = (box, rto, rpo)
            self.grid.setRowStretch(len(terms) + 1, 1)
            # every row in view when the window has the room (the table scrolls on a small screen)
            self.scroll.setMinimumHeight(min(self.grid_host.sizeHint().height() + 4, 330))
            self.scroll.setMinimumWidth(self.grid_host.sizeHint().width() + self.scroll.verticalScrollBar().sizeHint().width() + 4)
            prev = None
            for term in terms:  # the tab order runs along each row, then down
                for w in self.rows[term]:
                    if prev is not None:
                        QWidget.setTabOrder(prev, w)
                    prev = w
        self._fill()

    def _fill(self) -> None:
        r = self.session.review
        pol = r.resilience_policy
        for term, (box, rto, rpo) in self.rows.items():
            box.blockSignals(True)
            box.setChecked(term in pol.survive)
            box.blockSignals(False)
            for ed, value in ((rto, pol.rto_minutes.get(term)), (rpo, pol.rpo_minutes.get(term))):
                if ed.text() != _fmt(value):
                    ed.setText(_fmt(value))
        if r.policy is None:
            self.state.setText("This review states no policy: the <b>default</b> applies (instance, component and "
                               "zone failures must be survived; region and provider failures are reported and "
                               "scored, not launch-blocking). A change here states the policy in the review.")
        else:
            self.state.setText("The review's own policy: a SPOF of a disruption it must survive can block the "
                               "launch; the others are reported and scored.")
        self.reset_button.setEnabled(r.policy is not None)

    def _on_changed(self, colls) -> None:
        if colls & {"policy", "domains"}:
            self.rebuild()

    # ------------------------------------------------------------ edits
    def _edit(self, term: str, **values) -> None:
        what = "must survive" if "survive" in values else ("RTO" if "rto" in values else "RPO")
        try:
            changes = edits.set_policy(self.session.review, term, **values)
        except edits.EditRefused as e:
            self.error.setText(e.message)
            self._fill()  # show what the review holds, not the refused value
            return
        self.error.setText("")
        if changes:
            self.session.push(f"Policy: {term} {what}", changes)

    def _reset(self) -> None:
        changes = edits.reset_policy(self.session.review)
        if changes:
            self.session.push("Policy: use the default", changes)

    # ------------------------------------------------------------ the verdict, live
    def set_result(self, res: dict) -> None:
        a = res.get("analysis")
        if a is None:
            self.verdict.setText("No verdict: the review has problems to fix first (see the findings).")
            return
        v = a.verdict.get("verdict", "")
        blocking = [x for x in a.risks if x.get("launch_blocking")]
        required = [x for x in a.risks if x.get("policy_required")]
        colour = {"not-ready": theme.ERROR, "ready-with-conditions": theme.WARN, "ready": theme.OK}.get(v, theme.TEXT)
        causes = a.verdict.get("causes") or a.verdict.get("reasons") or []
        text = (f"<b>Verdict under this policy: <span style='color:{colour}'>{VERDICT_TEXT.get(v, v)}</span></b>"
                f" · {len(blocking)} launch-blocking risk{'s' if len(blocking) != 1 else ''}"
                f" · {len(required)} risk{'s' if len(required) != 1 else ''} of a disruption the policy requires surviving")
        if causes:  # the first causes, each on a line or two; all of them are on the Overview
            text += "<br>" + "<br>".join("• " + _html(_clip(c, 150)) for c in causes[:3])
            if len(causes) > 3:
                text += f"<br>… and {len(causes) - 3} more (Overview)"
        self.verdict.setText(text)
        self.verdict.setToolTip("\n".join(causes))


def _clip(s: str, n: int) -> str:
    s = str(s)
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"


def _html(s: str) -> str:
    return str(s).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class PolicyDialog(QDialog):
    """The editor in a window of its own that stays open beside the graph (not modal)."""

    def __init__(self, window):
        super().__init__(window)
        self.setWindowTitle("Resilience policy")
        self.setModal(False)
        self.editor = PolicyEditor(window, self)
        b = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        b.rejected.connect(self.close)
        for button in b.buttons():  # Return in an RTO field must not close the window
            button.setAutoDefault(False)
            button.setDefault(False)
        lay = QVBoxLayout(self)
        lay.addWidget(self.editor, 1)
        lay.addWidget(b)
        self.resize(680, 600)
