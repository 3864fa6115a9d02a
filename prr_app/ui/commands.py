"""The undo stack's command: one named review edit (``prr_app.review.edits``) as a ``QUndoCommand``.

``redo`` writes the edit's new values into the review, ``undo`` the old ones, in reverse
order. The command only changes the model; the session then tells the views what changed
and they redraw (the orange-canvas-core way). The edits themselves, and the checks that
they leave no dangling reference, live in :mod:`prr_app.review.edits`.

Another program's write a save took into the window (``ReviewSession._take_theirs``) is not an
edit of this window's, and the undo history is left as it is: an undo (or redo) may find an
element holding another value than its edit left. It then takes back only the fields its edit
changed, keeping the other program's (:func:`prr_app.review.edits.merge_back`); where the other program changed the
same field, or the element as a whole is to go or come back, the window shows the undo and the
element's next save meets the other program's write as a conflict (the usual dialog), never
as an ordinary change that silently reverts it (``ReviewSession.hold_base``).
"""
from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from prr_app.review.edits import Change, apply, apply_changes, undo_steps


class EditCommand(QUndoCommand):
    """One user action on the review: a batch of changes applied together."""

    def __init__(self, session, text: str, changes: list[Change], merge_key: str | None = None):
        super().__init__(text)
        self.session = session
        self.changes = list(changes)
        self.merge_key = merge_key
        self._done = False  # redone once (when pushed): the changes were made from the review as it was
        #: (coll, key) -> (what the last undo put back, what it found there): another program's value,
        #: which a redo straight after restores as it was
        self.displaced: dict[tuple[str, str], tuple] = {}

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
        if not self._done:
            self._done = True
            apply_changes(self.session.review, self.changes)
            self.session._changed(self.changes)
            return
        self._apply(undo=False)

    def undo(self) -> None:
        self._apply(undo=True)

    def _apply(self, *, undo: bool) -> None:
        """Undo (or redo again) each change, over another program's writes taken in since
        (:func:`prr_app.review.edits.undo_steps`)."""
        review = self.session.review
        held = []  # (coll, key, base of the next save, value shown before)
        displaced = {}
        for step in undo_steps(review, self.changes, undo=undo, displaced=self.displaced):
            apply(review, step.coll, step.key, step.value)
            if step.merged:
                displaced[(step.coll, step.key)] = (step.value, step.now)
                # the base of its next save: this window's own value where the other program's clashes
                # (a conflict), else the other program's (this change of a field nobody else changed
                # is an ordinary one)
                held.append((step.coll, step.key, step.left if step.clash else step.now, step.now))
        self.displaced = displaced
        self.session._changed(self.changes)
        if held:
            self.session.hold_base(held)
