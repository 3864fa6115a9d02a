"""The undo stack's command: one named review edit (``prr_app.review.edits``) as a ``QUndoCommand``.

``redo`` writes the edit's new values into the review, ``undo`` the old ones, in reverse
order. The command only changes the model; the session then tells the views what changed
and they redraw (the orange-canvas-core way). The edits themselves, and the checks that
they leave no dangling reference, live in :mod:`prr_app.review.edits`.
"""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from prr_app.review.edits import Change, apply_changes


class EditCommand(QUndoCommand):
    """One user action on the review: a batch of changes applied together."""

    def __init__(self, session, text: str, changes: list[Change], merge_key: str | None = None):
        super().__init__(text)
        self.session = session
        self.changes = list(changes)
        self.merge_key = merge_key

    def id(self) -> int:  # noqa: A003 - Qt's name
        return 1 if self.merge_key else -1

    def mergeWith(self, other) -> bool:  # typing in one field merges into one command
        if not isinstance(other, EditCommand) or other.merge_key != self.merge_key or not self.merge_key:
            return False
        mine = {(c.coll, c.key): c for c in self.changes}
        for ch in other.changes:
            if (ch.coll, ch.key) in mine:
                mine[(ch.coll, ch.key)].new = ch.new
            else:
                self.changes.append(ch)
        return True

    def redo(self) -> None:
        apply_changes(self.session.review, self.changes)
        self.session._changed(self.changes)

    def undo(self) -> None:
        apply_changes(self.session.review, self.changes, undo=True)
        self.session._changed(self.changes)
