"""The inspector: every field of the selected element, validated as you type.

Each field is described once (:data:`FIELDS`): its label, how to parse and
check the text, its unit and the default shown when it is empty. A field
that does not parse turns red with the reason under it and is not written;
a field that parses is written as one undoable command when editing ends, checked by the
model first as every other edit is (:func:`prr_app.review.edits.check_changes`): a value that
would make the review invalid (replicas below Needs healthy) is refused in its field the same way.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QApplication, QCheckBox, QComboBox, QFormLayout, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QScrollArea,
    QVBoxLayout, QWidget,
)

from prr_app.model.entities import (ComponentKind, DependencyKind, DomainKind, Observability, Recovery,
                                    says_no_fallback)
from prr_app.review.edits import EditRefused, change_fields, check_changes, new_problems
from prr_app.review.provenance import evidence_of
from prr_app.ui import theme
from prr_app.ui.canvas_items import GUESS_COLOUR, guess_words
from prr_app.wording import enum_words


class Invalid(ValueError):
    pass


@dataclass(frozen=True)
class Field:
    attr: str
    label: str
    kind: str = "str"  # str text choice int float bool tri list date
    unit: str = ""
    default: str = ""  # placeholder for empty
    lo: float | None = None
    hi: float | None = None
    choices: tuple = ()
    optional: bool = True
    ref: str | None = None  # list items must be ids in this collection ("a+b": in one of these)
    help: str = ""


PCT = dict(kind="float", unit="%", lo=0.0, hi=100.0)
MIN = dict(kind="float", unit="minutes", lo=0.0, hi=10_000_000.0)

FIELDS: dict[str, list[Field]] = {
    "components": [
        Field("id", "Id", "readonly"),
        Field("name", "Name", default="(the id)"),
        Field("kind", "Kind", "choice", choices=tuple(ComponentKind.values())),
        Field("owner", "Owner", default="team or person"),
        Field("description", "Description", "text"),
        Field("tier", "Tier", "choice", choices=("", "1", "2", "3"), help="empty: the review's tier"),
        Field("user_facing", "User-facing", "bool"),
        Field("replicas", "Replicas", "int", unit="instances", lo=1, hi=100000, default="1 (not stated)"),
        Field("min_healthy", "Needs healthy", "int", unit="instances", lo=1, hi=100000, default="1",
              help="k of n: a 3-node quorum needs 2"),
        Field("placement", "Placement", "list", ref="domains", help="failure domains, instances round-robin"),
        Field("shared_domains", "Shared domains", "list", ref="domains", help="every instance shares these"),
        Field("availability", "Availability", **PCT, default="not stated"),
        Field("slo", "SLO", **{**PCT, "hi": 99.99999}, default="none"),
        Field("rto_minutes", "RTO", **MIN),
        Field("rpo_minutes", "RPO", **MIN),
        Field("recovery", "Recovery", "choice", choices=("",) + tuple(Recovery.values())),
        Field("failover_minutes", "Failover time", **MIN),
        Field("backup_interval_minutes", "Backup every", **MIN),
        Field("observability", "Observability", "observability"),
        Field("tags", "Tags", "list", help="e.g. telemetry, config, discovery"),
        Field("notes", "Notes", "text"),
    ],
    "dependencies": [
        Field("id", "Dependency", "readonly"),
        Field("kind", "Kind", "choice", choices=tuple(DependencyKind.values()),
              help="hard: down means down; soft: degraded; async: queued"),
        Field("fallback", "Fallback", default="none stated (describe what happens instead: down becomes degraded)"),
        Field("timeout_ms", "Timeout", "int", unit="ms", lo=1, hi=3_600_000, default="none"),
        Field("retries", "Retries", "int", lo=0, hi=100, default="not stated"),
        Field("backoff", "Backoff", "tri"),
        Field("retry_budget", "Retry budget", "tri"),
        Field("circuit_breaker", "Circuit breaker", "tri"),
        Field("description", "Description", "text"),
    ],
    "groups": [
        Field("id", "Group", "readonly"),
        Field("name", "Name"),
        Field("members", "Members", "list", ref="components"),
        Field("min_up", "Needs up", "int", unit="members", lo=1, hi=1000, optional=False),
        Field("notes", "Notes", "text"),
    ],
    "domains": [
        Field("id", "Failure domain", "readonly"),
        Field("name", "Name"),
        Field("kind", "Kind", "choice", choices=tuple(DomainKind.values())),
        Field("parent", "Inside", "domainchoice"),
        Field("availability", "Availability", **PCT, default="not stated"),
        Field("notes", "Notes", "text"),
    ],
    "journeys": [
        Field("id", "Journey", "readonly"),
        Field("name", "Name"),
        Field("entry", "Entry components", "list", ref="components+groups",
              help="components or redundancy groups, all needed; a group is up while min_up members are"),
        Field("slo", "SLO", **{**PCT, "hi": 99.99999}, default="none"),
        Field("critical", "Critical", "bool"),
        Field("description", "Description", "text"),
    ],
    "meta": [
        Field("system_name", "System", optional=False),
        Field("description", "Description", "text"),
        Field("milestone", "Milestone"),
        Field("tier", "Tier", "choice", choices=("1", "2", "3"), help="1 critical, 2 standard, 3 experimental"),
        Field("reviewers", "Reviewers", "list"),
        Field("review_date", "Review date", "date", default="YYYY-MM-DD"),
        Field("target_launch", "Target launch", "date", default="YYYY-MM-DD"),
    ],
}


def parse(field: Field, text: str, review=None):
    """The value for ``text`` or :class:`Invalid` with a reason users understand."""
    t = text.strip()
    if field.kind in ("str", "text"):
        if not t and not field.optional:
            raise Invalid("required")
        if field.attr == "fallback":
            if says_no_fallback(t):  # as a fallback it would state one: the caller would only degrade
                raise Invalid(f"{t!r} would state a fallback; leave the field empty for none")
            return t or None
        return text if field.kind == "text" else t
    if field.kind in ("int", "float"):
        if not t:
            if not field.optional:
                raise Invalid("required")
            return None
        t = t.rstrip("%").strip()
        try:
            v = int(t) if field.kind == "int" else float(t.replace(",", "."))
        except ValueError:
            raise Invalid("a whole number" if field.kind == "int" else "a number") from None
        if field.lo is not None and v < field.lo:
            raise Invalid(f"at least {field.lo:g}{' ' + field.unit if field.unit else ''}")
        if field.hi is not None and v > field.hi:
            raise Invalid(f"at most {field.hi:g}{' ' + field.unit if field.unit else ''}")
        return v
    if field.kind == "date":
        if not t:
            return None
        from prr_app.model.dates import is_date

        if not is_date(t):
            raise Invalid("a date like 2025-06-30")
        return t
    if field.kind == "list":
        items = [p.strip() for p in t.replace(";", ",").split(",") if p.strip()]
        if field.ref and review is not None:
            colls = [getattr(review, name) for name in field.ref.split("+")]
            bad = [i for i in items if not any(i in known for known in colls)]
            if bad:
                what = {"domains": "failure domain", "components+groups": "component or redundancy group"}.get(
                    field.ref, "component")
                raise Invalid(f"unknown {what}: {', '.join(bad)}")
        return items
    raise Invalid(f"cannot edit {field.kind}")


def show(field: Field, value) -> str:
    if value is None:
        return ""
    if field.kind == "list":
        return ", ".join(value)
    if isinstance(value, float):
        # every digit the user wrote (99.89996, not 6 significant digits' 99.9: a Return in the
        # field would have written 99.9 back), without a float's noise
        return f"{value:.12g}"
    return str(value)


def undo_keys_to_window(obj, event) -> bool:
    """Ctrl+Z (Ctrl+Shift+Z) in a text field with no typing of its own to undo (redo): left to the
    window's Undo (Redo) action (True: the event was handled so). A field keeps the keyboard after
    its value is written (and loses its own history then), and took the keys to do nothing. The
    inspector's fields and a checklist answer's fields install it."""
    if event.type() == QEvent.Type.ShortcutOverride and isinstance(obj, (QLineEdit, QPlainTextEdit)):
        undo, redo = event.matches(QKeySequence.StandardKey.Undo), event.matches(QKeySequence.StandardKey.Redo)
        if undo or redo:
            doc = obj.document() if isinstance(obj, QPlainTextEdit) else obj
            own = doc.isUndoAvailable() if undo else doc.isRedoAvailable()
            if not own:
                event.ignore()  # not taken by the field: the window's Undo (Redo) action gets the keys
                return True
    return False


class Inspector(QScrollArea):
    """Edits one element (or the review's own fields when nothing is selected)."""

    sig_status = Signal(str)
    #: the user asked to delete the element shown (with what hangs on it)
    sig_delete_requested = Signal(str)

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setAccessibleName("Inspector")
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.coll: str = "meta"
        self.key: str = ""
        self.editors: dict[str, QWidget] = {}
        self._loaded: dict[str, object] = {}
        self.errors: dict[str, QLabel] = {}
        self._body = QWidget()
        self.setWidget(self._body)
        self._outer = QVBoxLayout(self._body)
        self._title = QLabel()
        self._title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self._title.setWordWrap(True)
        self._outer.addWidget(self._title)
        self._formw = QWidget()
        self._outer.addWidget(self._formw)
        # where an imported element comes from (file:line), read-only
        self.evidence_label = QLabel()
        self.evidence_label.setWordWrap(True)
        self.evidence_label.setStyleSheet(f"color: {theme.MUTED};")
        self._outer.addWidget(self.evidence_label)
        # a label: as tall as its lines (the inspector scrolls), selectable to copy a path
        self.evidence = QLabel()
        self.evidence.setTextFormat(Qt.TextFormat.PlainText)
        self.evidence.setWordWrap(True)
        self.evidence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                              | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.evidence.setAccessibleName("Evidence: where this element comes from")
        self._outer.addWidget(self.evidence)
        # a call an import inferred and no reviewer confirmed: the report's mark, its evidence, how to confirm
        self.guess_box = QWidget()
        gl = QVBoxLayout(self.guess_box)
        gl.setContentsMargins(0, 4, 0, 4)
        self.guess_label = QLabel()
        self.guess_label.setWordWrap(True)
        self.guess_label.setTextFormat(Qt.TextFormat.PlainText)
        self.guess_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.guess_label.setStyleSheet(f"color: {GUESS_COLOUR}; font-weight: bold;")
        self.guess_label.setAccessibleName("Not confirmed: an import's guess")
        gl.addWidget(self.guess_label)
        self.guess_how = QLabel()
        self.guess_how.setWordWrap(True)
        self.guess_how.setTextFormat(Qt.TextFormat.PlainText)
        self.guess_how.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        gl.addWidget(self.guess_how)
        row = QHBoxLayout()
        self.accept_button = QPushButton("Accept (confirm the call)")
        self.reject_button = QPushButton("Reject (remove it)")
        self.accept_button.clicked.connect(lambda: self._decide("accepted"))
        self.reject_button.clicked.connect(lambda: self._decide("rejected"))
        row.addWidget(self.accept_button)
        row.addWidget(self.reject_button)
        row.addStretch(1)
        gl.addLayout(row)
        self.guess_box.setVisible(False)
        self._outer.addWidget(self.guess_box)
        # what is copied from it is the evidence as written, without the break opportunities
        QApplication.clipboard().dataChanged.connect(self._clean_copy)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setAccessibleName("Delete the element shown")
        self.delete_button.clicked.connect(lambda: self.key and self.sig_delete_requested.emit(self.key))
        self._outer.addWidget(self.delete_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._outer.addStretch(1)
        session.sig_review_changed.connect(self._on_changed)
        session.sig_review_replaced.connect(lambda: self.show_element(None))
        self.show_element(None)

    def _clean_copy(self) -> None:
        if not (self.evidence.hasSelectedText() or self._title.hasSelectedText()):
            return
        cb = QApplication.clipboard()
        text = cb.text()
        if theme.BREAK in text:
            cb.setText(theme.unbreakable(text))

    # -- which element ------------------------------------------------------
    def show_element(self, element_id: str | None) -> None:
        r = self.session.review
        coll, key = "meta", ""
        if element_id:
            for c in ("components", "dependencies", "groups", "domains", "journeys"):
                if element_id in getattr(r, c):
                    coll, key = c, element_id
                    break
        self.coll, self.key = coll, key
        self._build()

    def element(self):
        r = self.session.review
        if self.coll == "meta":
            return r.meta
        return getattr(r, self.coll).get(self.key)

    def _on_changed(self, colls) -> None:
        if self.coll != "meta" and self.element() is None:
            self.show_element(None)
            return
        if "domains" in colls and self.coll in ("domains", "components") \
                and tuple(self.session.review.domains) != self._domain_ids:
            # a domain added or removed: the form's domain choices ("Inside", placement) list it
            self._build()
            return
        if self.coll in colls or (self.coll == "meta" and "meta" in colls):
            self._load_values()
        # the evidence changes with an import (a component's is in its report, a dependency's on it),
        # not with the edits of a meeting: not looked up again after each of them
        if "imports" in colls or (self.coll == "dependencies" and self.coll in colls):
            self._load_evidence()

    # -- building the form ---------------------------------------------------
    def _build(self) -> None:
        self._domain_ids = tuple(self.session.review.domains)  # what the domain choices list
        for w in self.editors.values():  # the old form's editors must not write into the new element
            w.blockSignals(True)
            for child in w.findChildren(QWidget):
                child.blockSignals(True)
        old = self._formw
        self._formw = QWidget()
        self._outer.replaceWidget(old, self._formw)
        old.hide()  # gone from the screen now, not only when the event loop gets to delete it
        old.deleteLater()
        form = QFormLayout(self._formw)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # a narrow dock puts a label above its field rather than clipping the field's unit or arrow
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.editors.clear()
        self.errors.clear()
        self._loaded.clear()  # the value each field was last loaded with (see _load_values)
        names = {"meta": "Review", "components": "Component", "dependencies": "Dependency", "groups": "Redundancy group",
                 "domains": "Failure domain", "journeys": "User journey"}
        self._title.setText(theme.breakable(f"{names[self.coll]}" + (f": {self.key}" if self.key else "")))
        self.delete_button.setVisible(bool(self.key))
        self.delete_button.setText(f"Delete this {names[self.coll].lower()}")
        for f in FIELDS[self.coll]:
            w = self._editor(f)
            self.editors[f.attr] = w
            row = QWidget()
            lay = QVBoxLayout(row)
            lay.setContentsMargins(0, 0, 0, 0)
            lay.setSpacing(1)
            line = QHBoxLayout()
            line.addWidget(w, 1)
            if f.unit:
                u = QLabel(f.unit)
                u.setStyleSheet(f"color: {theme.MUTED};")
                u.setMinimumWidth(u.sizeHint().width())  # the unit is never clipped
                line.addWidget(u)
            lay.addLayout(line)
            err = QLabel()
            err.setStyleSheet(f"color: {theme.ERROR};")
            err.setWordWrap(True)
            err.setVisible(False)
            lay.addWidget(err)
            self.errors[f.attr] = err
            if f.help:
                w.setToolTip(f.help)
            name = f"{f.label} ({f.unit})" if f.unit else f.label
            w.setAccessibleName(name)
            if f.help:
                w.setAccessibleDescription(f.help)
            form.addRow(f.label, row)
        self._load_values()
        self._load_evidence()

    def _editor(self, f: Field) -> QWidget:
        if f.kind == "readonly":
            w = QLineEdit()
            w.setReadOnly(True)
            return w
        if f.kind in ("choice", "domainchoice"):
            w = QComboBox()
            choices = f.choices if f.kind == "choice" else ("",) + tuple(self.session.review.domains)
            for c in choices:
                # a kind or a recovery in words ("load balancer"); a failure domain's id as it is: it names
                # the domain ("eu_west" read "eu west", an id the review does not have)
                w.addItem(("(none)" if not c else enum_words(c) if f.kind == "choice" else c), c)
            w.activated.connect(lambda _i, f=f, w=w: self._commit(f, w.currentData()))
            return w
        if f.kind == "bool":
            w = QCheckBox()
            w.clicked.connect(lambda checked, f=f: self._commit(f, bool(checked)))
            return w
        if f.kind == "tri":
            w = QComboBox()
            for label, v in (("not stated", None), ("yes", True), ("no", False)):
                w.addItem(label, v)
            w.activated.connect(lambda _i, f=f, w=w: self._commit(f, w.currentData()))
            return w
        if f.kind == "observability":
            w = QWidget()
            lay = QGridLayout(w)  # three to a row: fits a narrow dock
            lay.setContentsMargins(0, 0, 0, 0)
            w.boxes = {}
            for k, sig in enumerate(("metrics", "logs", "traces", "alerts", "dashboard", "runbook")):
                b = QCheckBox(sig)
                b.setAccessibleName(f"Observability: {sig}")
                b.setTristate(True)
                b.setToolTip("checked: present, empty: missing, partial: not stated")
                b.clicked.connect(lambda _c, f=f: self._commit_observability(f))
                w.boxes[sig] = b
                lay.addWidget(b, k // 3, k % 3)
            return w
        if f.kind == "text":
            w = QPlainTextEdit()
            w.installEventFilter(self)
            w.setFixedHeight(64)
            w.setTabChangesFocus(True)
            w.focusOutEvent = lambda ev, f=f, w=w: (QPlainTextEdit.focusOutEvent(w, ev),
                                                    self.editors.get(f.attr) is w and self._text_done(f, w.toPlainText()))
            return w
        w = QLineEdit()
        w.installEventFilter(self)
        if f.default:
            w.setPlaceholderText(f.default)
        w.textEdited.connect(lambda text, f=f: self._check(f, text))
        w.editingFinished.connect(lambda f=f, w=w: self._text_done(f, w.text()))
        return w

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        """Ctrl+Z (Ctrl+Shift+Z) in a field with no typing of its own to undo (redo) undoes (redoes)
        the review's last edit, as anywhere else in the window (:func:`undo_keys_to_window`)."""
        if undo_keys_to_window(obj, event):
            return True
        return super().eventFilter(obj, event)

    def _load_evidence(self) -> None:
        where, lines = evidence_of(self.session.review, self.key) if self.key else ("", [])
        self.evidence_label.setText(theme.breakable(f"Evidence (from {where})") if lines else "")
        # a long string with no space (a connection string) wraps anywhere: the dock keeps its width
        self.evidence.setText(theme.breakable("\n".join(f"• {x}" for x in lines)))
        self.evidence_label.setVisible(bool(lines))
        self.evidence.setVisible(bool(lines))
        self._load_guess()

    def _load_guess(self) -> None:
        """A dependency an import inferred and no reviewer confirmed: the report's mark ("inferred, not
        confirmed: weak"), the line the import read it from, and how to confirm (here, as the import
        report does, or ``prr import --accept``). Read with reporting.assessment.Guesses, as the report."""
        conf, item = None, None
        if self.coll == "dependencies" and self.key:
            from prr_app.reporting.assessment import Guesses

            g = Guesses(self.session.review)
            conf = g.calls.get(self.key)
            if conf:
                _rec, items = self.session.review.inferred_calls()
                item = next((i for i in items if str(i["id"]) == self.key), None)
                ev = [str(x) for x in (item or {}).get("evidence") or ()]
                self.guess_label.setText(theme.breakable(
                    f"{guess_words(conf).capitalize()}" + (f": {ev[0]}" if ev else "")))
                path = self.session.path  # None: untitled
                self.guess_how.setText(theme.breakable(
                    "Accept keeps it as a fact; Reject removes it and keeps it out on every re-import (one undoable "
                    f"step). Or: {g.how_to_confirm(str(path) if path else 'REVIEW')}."))
        self.guess_box.setVisible(bool(conf))

    def _decide(self, decision: str) -> None:
        """Accept or reject the call shown, as the import report's Apply decisions does (one undoable step)."""
        from prr_app.errors import PrrError
        from prr_app.review import edits, importing

        did = self.key
        if self.coll != "dependencies" or not did:
            return
        s = self.session
        base = s.snapshot()
        try:
            new, _said = importing.decide(base, {did: decision})
        except PrrError as e:
            self.sig_status.emit(f"{did}: {e}")
            return
        changes = edits.review_changes(base, new, s.review)
        if changes:
            s.push(f"{'Accept' if decision == 'accepted' else 'Reject'} the inferred dependency {did}", changes)
            self.sig_status.emit(f"{did}: {decision}" + (" (removed; Edit > Undo brings it back)"
                                                           if decision == "rejected" else ""))

    def _load_values(self) -> None:
        """Show the element's values. A text field the user is typing in keeps what is typed while
        its value did not change in the review (an undo of another field's edit, another program's
        save taken in): reloaded, the typing was gone before it was written."""
        obj = self.element()
        if obj is None:
            return
        for f in FIELDS[self.coll]:
            w = self.editors[f.attr]
            v = getattr(obj, f.attr)
            if (isinstance(w, (QLineEdit, QPlainTextEdit)) and f.kind != "readonly" and w.hasFocus()
                    and f.attr in self._loaded and self._loaded[f.attr] == v):
                continue
            self._load_field(f, w, v)

    def _load_field(self, f: Field, w: QWidget, v) -> None:
        self._loaded[f.attr] = v
        w.blockSignals(True)
        try:
            if isinstance(w, QComboBox):
                if f.kind == "tri":
                    w.setCurrentIndex({None: 0, True: 1, False: 2}[v])
                else:
                    i = w.findData("" if v is None else str(v))
                    w.setCurrentIndex(max(i, 0))
            elif isinstance(w, QCheckBox):
                w.setChecked(bool(v))
            elif isinstance(w, QPlainTextEdit):
                if w.toPlainText() != (v or ""):
                    w.setPlainText(v or "")
            elif isinstance(w, QLineEdit):
                if f.kind == "readonly":
                    w.setText(self.key)
                else:
                    w.setText(show(f, v))
                    if not w.hasFocus():
                        w.setCursorPosition(0)  # a long value shows its start, not its end
                    self._mark(f, None)
            elif f.kind == "observability":
                for sig, b in w.boxes.items():
                    sv = getattr(v, sig)
                    b.setCheckState(Qt.CheckState.PartiallyChecked if sv is None else
                                    Qt.CheckState.Checked if sv else Qt.CheckState.Unchecked)
        finally:
            w.blockSignals(False)

    # -- validation and commits ------------------------------------------------
    def _mark(self, f: Field, message: str | None) -> None:
        w = self.editors.get(f.attr)
        err = self.errors.get(f.attr)
        if w is None or err is None:
            return
        w.setStyleSheet(f"border: 2px solid {theme.ERROR};" if message else "")
        w.setAccessibleDescription(f"invalid: {message}" if message else "")
        err.setText(message or "")
        err.setVisible(bool(message))

    def _check(self, f: Field, text: str) -> bool:
        try:
            parse(f, text, self.session.review)
        except Invalid as e:
            self._mark(f, str(e))
            return False
        self._mark(f, None)
        return True

    def _text_done(self, f: Field, text: str) -> None:
        if self.element() is None:
            return
        try:
            v = parse(f, text, self.session.review)
        except Invalid as e:
            self._mark(f, str(e))
            self.sig_status.emit(f"{f.label}: {e}; not saved")
            return
        self._mark(f, None)
        self._commit(f, v)

    def _commit(self, f: Field, value) -> None:
        obj = self.element()
        if obj is None:
            return
        if f.kind == "choice" and f.attr == "tier":
            value = int(value) if value else (None if self.coll != "meta" else 2)
        if f.kind in ("choice", "domainchoice") and value == "" and f.attr in ("recovery", "parent"):
            value = None
        values = {f.attr: value}
        if self.coll == "dependencies" and f.attr == "kind" and not obj.kind_stated:
            # choosing a kind states it, even the kind an import gave (as prr set does): the analysis
            # no longer softens it as an import's guess on a hub, and a re-import keeps it
            values["kind_stated"] = True
        elif getattr(obj, f.attr) == value:
            return
        name = self.key or "review"
        review = self.session.review
        changes = [change_fields(review, self.coll, self.key, **values)]
        try:
            check_changes(review, changes, f"Setting {f.label.lower()} of {name}")
        except EditRefused:
            self._refuse(f, new_problems(review, changes))
            return
        self.session.push(f"Set {f.label.lower()} of {name}", changes)

    def _refuse(self, f: Field, problems: list[str]) -> None:
        """A value the model refuses (it would make the review invalid): not written, and said so in
        its field as a value that does not parse is. A typed value stays to be corrected; a choice
        or a check box goes back to the review's value."""
        # the problem without its place: the field is the place ("$.components[x].min_healthy: needs 4...")
        reasons = [p.split(": ", 1)[1] if p.startswith("$") and ": " in p else p for p in problems]
        reason = "; ".join(reasons[:2]) + (f" (and {len(reasons) - 2} more)" if len(reasons) > 2 else "")
        w = self.editors.get(f.attr)
        if w is not None and not isinstance(w, (QLineEdit, QPlainTextEdit)):
            obj = self.element()
            if obj is not None:
                self._load_field(f, w, getattr(obj, f.attr))
        self._mark(f, reason)
        self.sig_status.emit(f"{f.label}: {reason}; not saved")

    def _commit_observability(self, f: Field) -> None:
        w = self.editors[f.attr]
        vals = {}
        for sig, b in w.boxes.items():
            st = b.checkState()
            vals[sig] = None if st == Qt.CheckState.PartiallyChecked else st == Qt.CheckState.Checked
        self._commit(f, Observability(**vals))

    def focus_first(self) -> None:
        for f in FIELDS[self.coll]:
            if f.kind != "readonly":
                self.editors[f.attr].setFocus()
                return
