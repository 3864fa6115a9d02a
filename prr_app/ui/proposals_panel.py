"""The checklist walker's proposals: answers proposed from imported evidence (issue 21).

A panel under the item's question shows the proposal that stands for the current item (its
status, the reason and the evidence, file:line) with **Confirm proposal** and **Reject
proposal**, and **Confirm all shown** for every proposal among the items the walker lists.
Each is one named edit on the undo stack (:func:`prr_app.review.proposals.decide_changes`):
a confirmed proposal becomes the reviewer's answer; a rejected one is not shown again while a
re-import finds the same evidence. A reviewer's own answer always wins: an answered item
shows no proposal.
"""
from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from prr_app.checklist.proposals import carried_source
from prr_app.errors import PrrError
from prr_app.ui import theme
from prr_app.ui.settings import NO_NAME, name_for_record
from prr_app.wording import enum_words


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def proposal_origin(p) -> str:
    """Where a proposal comes from, in words (the panel's heading, the checklist row's tool tip)."""
    source = carried_source(p)
    return (f"Carried from the answer to {source} under the review's previous template" if source
            else "Proposed from the imported files")


class ProposalPanel(QWidget):
    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.item = None
        self.shown: list = []
        #: the template of the evaluation the items come from (to tell an out-of-date proposal)
        self.template = None
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(self.text.textFormat().RichText)
        self.text.setAccessibleName("Answer proposed from evidence")
        self.confirm_btn = QPushButton("Confirm proposal")
        self.reject_btn = QPushButton("Reject proposal")
        self.all_btn = QPushButton("Confirm all shown")
        self.confirm_btn.clicked.connect(self.confirm)
        self.reject_btn.clicked.connect(self.reject)
        self.all_btn.clicked.connect(self.confirm_all_shown)
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {theme.ERROR};")
        row = QHBoxLayout()  # two to a row: the pane stays usable on a 1280-pixel screen
        row.addWidget(self.confirm_btn)
        row.addWidget(self.reject_btn)
        row2 = QHBoxLayout()
        row2.addWidget(self.all_btn)
        row2.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.text)
        lay.addLayout(row)
        lay.addLayout(row2)
        lay.addWidget(self.error)
        self.setVisible(False)

    # -- what is shown -------------------------------------------------------
    def set_shown(self, items) -> None:
        """The items the walker lists now (a ``ChecklistItems``; for Confirm all shown)."""
        self.shown = items.with_proposals()
        self.all_btn.setText(f"Confirm all shown ({len(self.shown)})")
        self.all_btn.setEnabled(bool(self.shown))
        self.setVisible(self.item is not None and self.item.proposal is not None or bool(self.shown))

    def show_item(self, it) -> None:
        self.item = it
        self.error.setText("")
        p = it.proposal if it is not None else None
        if p is None:
            self.text.setText("")
            self.confirm_btn.setEnabled(False)
            self.reject_btn.setEnabled(False)
            self.setVisible(bool(self.shown))
            return
        # an evidence line the reason already quotes ("no liveness or readiness probe ...: cart.yaml:7")
        # is shown once, in the reason
        ev = "".join(f"<li>{_esc(e)}</li>" for e in [e for e in p.evidence if e not in p.reason][:6])
        from prr_app.checklist.proposals import out_of_date

        stale = out_of_date(self.session.review, it, self.template) if self.template is not None else None
        self.text.setText(f"<p><b>{_esc(proposal_origin(p))}:</b> {enum_words(p.status)} "
                          f"(not counted until you confirm it)<br>{_esc(p.reason)}</p>"
                          + (f"<ul>{ev}</ul>" if ev else "")
                          + (f"<p><b>The proposal is {_esc(stale)}</b></p>" if stale else ""))
        self.confirm_btn.setEnabled(not stale)  # confirming it would be refused: answer or reject it
        self.confirm_btn.setToolTip("Answer the item yourself, or reject the proposal: it is out of date"
                                    if stale else "")
        self.reject_btn.setEnabled(True)
        self.setVisible(True)

    # -- deciding (one undoable command each) ---------------------------------
    def _decide(self, keys: list[str], reject: bool, text: str, *, several: bool = False) -> bool:
        """Confirm or reject ``keys`` as one undoable edit; ``several`` (Confirm all shown): the
        proposals no longer asked or out of date are left out and said, the rest confirmed."""
        from prr_app.review.proposals import decide_changes, skipped_lines

        by = name_for_record(self.session.review, self)
        if not by:
            self.error.setText(NO_NAME)
            return False
        skipped: list | None = [] if several else None
        try:
            changes = decide_changes(self.session.review, keys, reject=reject, by=by, skipped=skipped)
        except PrrError as e:
            self.error.setText(str(e))
            return False
        if changes:
            self.session.push(text, changes)
        self.error.setText("; ".join(skipped_lines(skipped)) if skipped else "")
        return bool(changes)

    def confirm(self) -> bool:
        if self.item is None or self.item.proposal is None:
            return False
        return self._decide([self.item.key], False, f"Confirm proposal {self.item.key}")

    def reject(self) -> bool:
        if self.item is None or self.item.proposal is None:
            return False
        return self._decide([self.item.key], True, f"Reject proposal {self.item.key}")

    def confirm_all_shown(self) -> bool:
        keys = [it.key for it in self.shown]
        if not keys:
            return False
        return self._decide(keys, False, f"Confirm {len(keys)} proposal(s)", several=True)
