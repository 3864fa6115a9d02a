"""The views beside the graph: overview, checklist walker, risk register, dashboard.

Each view receives the window (for the session and for "show on graph"),
reads the model, and changes it only through undoable commands.
"""
from __future__ import annotations

import re

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QFormLayout, QGridLayout, QHBoxLayout,
    QLabel, QLineEdit, QListView, QListWidget, QScrollArea, QListWidgetItem, QProgressBar, QPushButton,
    QSplitter, QStyledItemDelegate, QTableView, QTextBrowser, QVBoxLayout, QWidget,
)

from prr_app.ui import theme
from prr_app.ui.table_model import Column, FilterProxy, SortHeader, TableModel, grow_to_rows, size_columns
from prr_app.review import edits, risk_decisions
from prr_app.ui.dialogs import FormDialog
from prr_app.ui.settings import NO_NAME, name_for_record, reviewer_name
from prr_app.wording import ceiling_text, count, enum_words, risk_owner, score_text, stated

VERDICT_TEXT = {"not-ready": "NOT READY", "ready-with-conditions": "READY WITH CONDITIONS", "ready": "READY"}


def verdict_colour(v: str) -> str:
    return {"not-ready": theme.ERROR, "ready-with-conditions": theme.WARN, "ready": theme.OK}.get(v, theme.TEXT)


def make_views(window) -> dict[str, QWidget]:
    out = {
        "Overview": OverviewView(window),
        "Checklist": ChecklistView(window),
        "Risks": RiskView(window),
        "Dashboard": DashboardView(window),
    }
    out["Dashboard"].connect_checklist(out["Checklist"])
    return out


# ====================================================================== overview
class OverviewView(QWidget):
    """The verdict, key figures, journeys against their SLO, and failure domains to try."""

    def __init__(self, window):
        super().__init__()
        self.window = window
        self.verdict = QLabel("Analysing…")
        self.verdict.setWordWrap(True)  # a long system name wraps instead of widening the window
        self.verdict.setStyleSheet("font-size: 20pt; font-weight: bold;")
        self.reasons = QTextBrowser()
        self.figures = QLabel()
        self.figures.setWordWrap(True)
        self.figures.setStyleSheet("font-size: 12pt;")
        self.journeys = QTableView()
        self.journey_model = TableModel(JOURNEY_COLUMNS, key=lambda r: r[0], tooltip=_journey_tip, parent=self)
        self.journeys.setModel(self.journey_model)
        size_columns(self.journeys, JOURNEY_COLUMNS)
        self.journeys.verticalHeader().setVisible(False)
        self.journeys.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.journeys.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.journeys.clicked.connect(lambda idx: self._journey_clicked(idx, reveal=False))
        self.journeys.doubleClicked.connect(lambda idx: self._journey_clicked(idx, reveal=True))
        self.journeys.setToolTip("Click: draw the journey's path on the graph; double-click: go there")
        self.domains = QListWidget()
        self.domains.itemDoubleClicked.connect(self._domain_clicked)
        self.domains.currentItemChanged.connect(lambda cur, _p: self._domain_clicked(cur) if cur else None)
        fail_btn = QPushButton("Fail this domain (what-if)")
        fail_btn.clicked.connect(self._fail_domain)
        fail_btn.setEnabled(False)  # until a domain is selected: a button that does nothing misleads
        self.domains.currentItemChanged.connect(lambda cur, _p: fail_btn.setEnabled(cur is not None))
        left = QVBoxLayout()
        left.addWidget(self.verdict)
        left.addWidget(self.figures)
        left.addWidget(QLabel("Why"))
        left.addWidget(self.reasons, 1)
        right = QVBoxLayout()
        for text, widget in (("User journeys: availability ceiling against SLO (click: its path on the graph)",
                              self.journeys),
                             ("Failure domains (select, or click a region's label on the graph, to see the blast "
                              "radius)", self.domains)):
            label = QLabel(text)
            label.setWordWrap(True)  # long captions wrap instead of widening the window
            right.addWidget(label)
            if widget is self.journeys:
                # an empty table says nothing: what a journey gives, and where to add one
                self.no_journeys = QLabel("No user journeys yet. Add one (Insert > Add Journey…, Ctrl+Shift+J) "
                                          "with its entry components and SLO: its availability ceiling is judged "
                                          "against the SLO, and the SPOFs on it block the launch.")
                self.no_journeys.setWordWrap(True)
                self.no_journeys.setStyleSheet(f"color: {theme.MUTED};")
                self.no_journeys.setVisible(False)
                right.addWidget(self.no_journeys)
            right.addWidget(widget, 1)
        right.addWidget(fail_btn)
        lay = QHBoxLayout(self)
        # halves: the journeys' five columns keep their headers whole at 1380 pixels with the inspector open
        lay.addLayout(left, 1)
        lay.addLayout(right, 1)
        for w, name in ((self.reasons, "Why: the reasons for the verdict"), (self.journeys, "User journeys"),
                        (self.domains, "Failure domains"), (fail_btn, "Fail the selected domain (what-if)")):
            w.setAccessibleName(name)
        window.session.sig_review_replaced.connect(self._fill_domains)
        window.session.sig_review_changed.connect(lambda c: self._fill_domains() if "domains" in c else None)

    def _fill_domains(self) -> None:
        r = self.window.session.review
        self.domains.clear()
        for did, d in r.domains.items():
            depth = len(r.domain_ancestors(did)) - 1
            name = d.name or did
            # the kind after the name, unless the name says it ("Kubernetes cluster (cluster)")
            shown = name if d.kind.lower() in name.lower() else f"{name} ({d.kind})"
            it = QListWidgetItem("    " * depth + shown)
            it.setData(Qt.ItemDataRole.UserRole, did)
            self.domains.addItem(it)

    def _domain_clicked(self, item) -> None:
        did = item.data(Qt.ItemDataRole.UserRole)
        self.window.show_blast([did])

    def _journey_clicked(self, index, reveal: bool) -> None:
        rows = self.journey_model.rows
        if 0 <= index.row() < len(rows):
            self.window.show_journey(rows[index.row()][0], reveal=reveal)

    def _fail_domain(self) -> None:
        it = self.domains.currentItem()
        if it is not None:
            self.window.fail(it.data(Qt.ItemDataRole.UserRole))
            self.window.tabs.setCurrentIndex(0)

    def set_result(self, res: dict) -> None:
        a = res.get("analysis")
        r = self.window.session.review
        if a is None:
            probs = res.get("problems") or []
            self.verdict.setText("Fix the review first")
            self.verdict.setStyleSheet(f"font-size: 20pt; font-weight: bold; color: {theme.ERROR};")
            self.reasons.setPlainText("\n".join(str(p) for p in probs) or (res.get("error") or ""))
            return
        v = a.verdict.get("verdict", "")
        if not r.components:  # nothing reviewed yet: no verdict to give, whatever the rules say
            self.verdict.setText(f"{r.meta.system_name}: NOT REVIEWED YET")
            self.verdict.setStyleSheet(f"font-size: 20pt; font-weight: bold; color: {theme.TEXT};")
            self.reasons.setPlainText("The review has no components. Add them (Insert > Add Component) or import "
                                      "them (File > Import); the verdict follows from what you describe.")
            self.figures.setText("")
            self.journey_model.set_rows([])
            self.no_journeys.setVisible(False)
            return
        self.verdict.setText(f"{r.meta.system_name}: {VERDICT_TEXT.get(v, v)}")
        self.verdict.setStyleSheet(f"font-size: 20pt; font-weight: bold; color: {verdict_colour(v)};")
        self.reasons.setPlainText("\n".join("• " + x for x in a.verdict.get("reasons", [])) or "No launch blockers.")
        sev = {}
        for risk in a.risks:
            sev[risk.get("severity")] = sev.get(risk.get("severity"), 0) + 1
        # SPOFs counted per root cause, as the findings, the CLI and the report count them: a
        # component's instance failure is the same risk as its failure, not a second SPOF
        self.figures.setText(
            f"{count(len(r.components), 'component')} · {count(len(r.dependencies), 'dependency', 'dependencies')} · "
            f"{count(len(r.domains), 'failure domain')} · {count(len(r.journeys), 'journey')}\n"
            f"{count(a.summary['spof_elements'], 'single point', 'single points')} of failure · risks: "
            + ", ".join(f"{sev.get(s, 0)} {s}" for s in ("critical", "high", "medium", "low"))
            + f" · analysed in {res.get('seconds', 0):.2f}\u00a0s")  # the unit stays with its number
        rows = []
        by_target = {av.get("target"): av for av in a.availability if av.get("target_type") in ("journey", None)}
        for jid, j in r.journeys.items():  # every journey, also one the analysis could not estimate
            av = by_target.get(jid, {})
            slo = j.slo
            est = av.get("estimate") if j.entry else None
            if not j.entry:
                rows.append([jid, "none" if slo is None else stated(slo), "no entry components", "",
                             "set its entry components"])
                continue
            rows.append([jid, "none" if slo is None else stated(slo),
                         "" if est is None else ceiling_text(est, slo), av.get("method", ""),
                         "no SLO" if slo is None else "" if est is None else ("yes" if est >= slo else "NO")])
        self.journey_model.set_rows(rows)
        self.no_journeys.setVisible(not rows)


#: the verdict (Attainable) right after the figures it compares, the method (exact, or a
#: simulation's) last: at 1380 pixels with the inspector open all but the method is in view
JOURNEY_COLUMNS = [
    Column("Journey", lambda r: r[0], width=100),
    Column("SLO %", lambda r: r[1], width=55),
    Column("Ceiling %", lambda r: r[2], width=90),
    Column("Attainable", lambda r: r[4], width=85,
           colour=lambda r: theme.SEVERITY_COLOURS["critical"] if r[4] == "NO" else None),
    Column("Method", lambda r: r[3]),
]


def _journey_tip(r) -> str:
    """A journey row in words (a narrow column cuts its text)."""
    if r[2] == "no entry components":
        return f"{r[0]}: no entry components; set them in the inspector to judge its ceiling against its SLO"
    slo = "no SLO" if r[1] == "none" else f"SLO {r[1]} %"
    return f"{r[0]}: ceiling {r[2] or 'not estimated'} %{f' ({r[3]})' if r[3] else ''}, {slo}: " + (
        {"yes": "attainable", "NO": "NOT attainable"}.get(r[4], r[4] or "not judged"))


# ====================================================================== checklist
STATUSES = [("met", "Met", "1"), ("partly", "Partly", "2"), ("not_met", "Not met", "3"),
            ("not_applicable", "Not applicable", "4"), ("unanswered", "Unanswered", "0")]


def status_colour(status: str) -> str:
    return {"met": theme.OK, "partly": theme.WARN, "not_met": theme.ERROR}.get(status, theme.MUTED)

#: a proposal's colour (light, dark): not an answer's (green, amber, red), so that a proposed "not met"
#: is never read as the model's or a reviewer's "not met"; the text says it too ("◇ proposed · ...")
_PROPOSED_COLOURS = ("#6a3fb0", "#c19bf0")


def _subject_text(it) -> str:
    """What the row is about: the component, dependency ("a → b") or journey, by its id (short, as the item's
    key names it: "checkout-svc", where the name "Checkout service" read "Check…rvice" in the column; the
    name is in the detail pane); the review's own items say so."""
    if it.per == "review":
        return "whole review"
    if it.per == "dependency" and it.subject and "->" in it.subject:
        return it.subject.replace("->", " → ")
    return it.subject or it.subject_label or ""


def _applies_to(it) -> str:
    """The subject in the detail pane and the tool tip: the review's own items apply to the whole review
    (its name there read like a component's)."""
    return "the whole review" if it.per == "review" else (it.subject_label or it.subject or "")


def _status_colour(it) -> str:
    if it.proposal is not None and it.source is None:
        return _PROPOSED_COLOURS[1 if theme.DARK else 0]
    return status_colour(it.status)


CHECKLIST_COLUMNS = [
    # what the row is about first: the items of one template item read alike ("A disruption budget ...
    # keeps enough instances of ca…" fourteen times), and the question is cut at the column's end
    Column("Subject", _subject_text, width=110,
           colour=lambda it: theme.MUTED if it.per == "review" else None),
    Column("Item", lambda it: it.question),
    Column("Severity", lambda it: it.severity.upper() if it.severity == "blocker" else it.severity, width=80,
           colour=lambda it: theme.SEVERITY_COLOURS["critical"] if it.severity == "blocker" else None),
    # wide enough for "◇ proposed · not met" whole, in whatever font the table has
    Column("Status", lambda it: _status_text(it), width=150, colour=_status_colour, fits="◇ proposed · not met"),
]


#: the checklist (out of sight and out of date) is evaluated on a worker this long after the last analysis
PREFETCH_IDLE_MS = 700
#: a review of more elements (components and dependencies) than this is evaluated on a worker when looked at
WORKER_EVALUATE_MIN = 3000
#: looked at, a large checklist is evaluated on a worker once its page is painted, or this long after
PAINT_WAIT_MS = 300
#: the dashboard's charts are made (pyqtgraph imported on a worker, then one chart per turn of the
#: event loop) this long after the last analysis, out of the way of an opening
CHARTS_IDLE_MS = 1500


#: marks a proposal in the Status column: shown, not counted (an answer has no mark)
PROPOSED_MARK = "◇"


def _status_text(it) -> str:
    """The answer, or the proposal from evidence while nobody answered (issue 21): never shown as an answer."""
    p = it.proposal
    if p is None:
        return enum_words(it.status)
    proposed = enum_words(p.status)
    if it.source is None:
        return f"{PROPOSED_MARK} proposed · {proposed}"
    # the model's answer counts; the proposal beside it is in the tool tip and the panel (the cell stays whole)
    return f"{enum_words(it.status)} · {PROPOSED_MARK} proposed"


def _item_tip(it) -> str:
    """The whole question, what it applies to, and a proposal in words (the row cuts them)."""
    from prr_app.ui.proposals_panel import proposal_origin

    tip = f"{it.question}\n\nApplies to: {_applies_to(it)}"
    p = it.proposal
    if p is not None:
        tip += f"\n\n{proposal_origin(p)}: {enum_words(p.status)} (not counted until you confirm it)"
    return tip


class _ElideMiddle(QStyledItemDelegate):
    def initStyleOption(self, option, index) -> None:  # noqa: N802 - Qt's name
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


class ChecklistView(QWidget):
    """Walk the checklist: categories with progress, one item at a time, keyboard first.

    Keys in the item list: 1 met, 2 partly, 3 not met, 4 not applicable, 0 unanswered;
    N next unanswered, B next open blocker; Up/Down move.
    """

    #: a new evaluation is in ``result`` (the dashboard's readiness chart draws it)
    sig_evaluated = Signal()

    def __init__(self, window):
        super().__init__()
        self.window = window
        self.session = window.session
        self.result = None
        self._stale = True
        #: edits and openings seen: a checklist evaluated on a worker is used only if none came since
        self._generation = 0
        self._prefetch_task = None
        self._after_paint = False  # a worker's evaluation waits for the page's paint (_evaluate_shown)
        self._by_category = None  # (result, {category: its items}), see _in_category
        self._shown_key = None  # the item in the detail pane
        self.categories = QListWidget()
        # a long category name wraps onto a second line rather than being cut at the pane's edge
        self.categories.setWordWrap(True)
        self.categories.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.categories.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.categories.setResizeMode(QListView.ResizeMode.Adjust)
        self.categories.currentRowChanged.connect(lambda _r: self.refresh())
        self.filter_box = QComboBox()
        for label, key in (("All items", "all"), ("Unanswered", "unanswered"), ("Open blockers", "blockers"),
                           ("Not met or partly", "gaps"), ("Evidence missing", "evidence"),
                           ("Proposed from evidence", "proposed")):
            self.filter_box.addItem(label, key)
        self.filter_box.currentIndexChanged.connect(lambda _i: self.refresh())
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter items…")
        self.search.textChanged.connect(lambda _t: self.refresh())
        self.model = TableModel(CHECKLIST_COLUMNS, key=lambda it: it.key, tooltip=_item_tip, parent=self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)  # one line per item, cut at its end ("The product owner has…")
        size_columns(self.table, CHECKLIST_COLUMNS)
        # a subject cut in the middle keeps the end that tells alike names apart ("orders-pay…-ledger")
        self._subject_delegate = _ElideMiddle(self.table)
        self.table.setItemDelegateForColumn(0, self._subject_delegate)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _p: self._show_item())
        self.table.installEventFilter(self)
        # item detail
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.question.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.guidance = QTextBrowser()
        self.status_buttons = {}
        srow = QGridLayout()  # two to a row: the pane stays usable on a 1280-pixel screen
        for i, (status, label, key) in enumerate(STATUSES):
            b = QPushButton(f"{label} ({key})")
            b.setCheckable(True)
            b.clicked.connect(lambda _c=False, s=status: self.answer(status=s))
            self.status_buttons[status] = b
            srow.addWidget(b, i // 2, i % 2)
        self.evidence = QLineEdit()
        self.evidence.setPlaceholderText("link or reference to the evidence")
        self.owner = QLineEdit()
        self.due = QLineEdit()
        self.due.setPlaceholderText("YYYY-MM-DD")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("needed for not applicable")
        self.note = QLineEdit()
        self.detail_error = QLabel()
        self.detail_error.setStyleSheet(f"color: {theme.ERROR};")
        for w, attr in ((self.evidence, "evidence"), (self.owner, "owner"), (self.due, "due"), (self.reason, "reason"),
                        (self.note, "note")):
            w.editingFinished.connect(lambda w=w, a=attr: self._field_done(a, w.text()))
            w.installEventFilter(self)  # Ctrl+Z there undoes the answer once it is written, as in the inspector
        #: (item key, {field: the value it was last shown with}): a field being typed in is not
        #: overwritten by a redraw while its value stays as it was (see _show_item)
        self._shown_values: tuple[str | None, dict] = (None, {})
        form = QFormLayout()
        form.addRow("Evidence", self.evidence)
        form.addRow("Owner", self.owner)
        form.addRow("Due", self.due)
        form.addRow("Reason (n/a)", self.reason)
        form.addRow("Note", self.note)
        detail_body = QWidget()
        dl = QVBoxLayout(detail_body)
        dl.addWidget(self.question)
        from prr_app.ui.proposals_panel import ProposalPanel  # answers proposed from evidence (issue 21)

        self.proposal_panel = ProposalPanel(self.session)
        dl.addWidget(self.proposal_panel)
        dl.addWidget(self.guidance, 1)
        dl.addLayout(srow)
        dl.addLayout(form)
        dl.addWidget(self.detail_error)
        self.progress = QProgressBar()
        self.progress.setFormat("%p% answered")
        self.progress.setTextVisible(True)
        self.score = QLabel()
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.addWidget(QLabel("Categories"))
        ll.addWidget(self.categories, 1)
        ll.addWidget(self.progress)
        ll.addWidget(self.score)
        middle = QWidget()
        ml = QVBoxLayout(middle)
        top = QHBoxLayout()
        top.addWidget(self.filter_box)
        top.addWidget(self.search, 1)
        nb = QPushButton("Next unanswered (N)")
        nb.clicked.connect(self.next_unanswered)
        bb = QPushButton("Next blocker (B)")
        bb.clicked.connect(self.next_blocker)
        steps = QHBoxLayout()
        steps.addWidget(nb)
        steps.addWidget(bb)
        steps.addStretch(1)
        ml.addLayout(top)
        ml.addLayout(steps)
        ml.addWidget(self.table, 1)
        split = QSplitter()
        self.detail_scroll = detail = QScrollArea()  # the answer form scrolls on a small screen rather than widening the window
        detail.setAccessibleName("Answer to the selected checklist item")
        detail.setWidgetResizable(True)
        detail.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        detail.setWidget(detail_body)
        detail.setMinimumWidth(max(280, detail_body.minimumSizeHint().width() + 20))  # never clipped
        split.addWidget(left)
        split.addWidget(middle)
        split.addWidget(detail)
        split.setChildrenCollapsible(False)
        left.setMinimumWidth(180)  # the longest word of a category ("documentation") fits a line
        self.search.setMinimumWidth(120)
        split.setStretchFactor(0, 0)
        split.setStretchFactor(1, 3)
        split.setStretchFactor(2, 2)
        split.setSizes([180, 530, 280])
        lay = QVBoxLayout(self)
        lay.addWidget(split)
        # the keyboard walks the pane as the eye does: categories, filters, items, then the answer
        chain = [self.categories, self.filter_box, self.search, nb, bb, self.table,
                 *self.status_buttons.values(), self.evidence, self.owner, self.due, self.reason, self.note]
        for a, b in zip(chain, chain[1:]):
            QWidget.setTabOrder(a, b)
        for w, name in ((self.categories, "Checklist categories"), (self.filter_box, "Which items to show"),
                        (self.search, "Filter checklist items"), (self.table, "Checklist items"),
                        (self.evidence, "Evidence"), (self.owner, "Owner"), (self.due, "Due date"),
                        (self.reason, "Reason (not applicable)"), (self.note, "Note"), (self.guidance, "Guidance"),
                        (self.progress, "Share of items answered")):
            w.setAccessibleName(name)
        self.session.sig_review_replaced.connect(self._on_replaced)
        self.session.sig_review_changed.connect(self._on_changed)
        # evaluated ahead of the first look once the app has been idle a while after the last
        # analysis (never alongside the analysis of the next edit: they would share one interpreter)
        self._prefetch_timer = QTimer(self)
        self._prefetch_timer.setSingleShot(True)
        self._prefetch_timer.setInterval(PREFETCH_IDLE_MS)
        self._prefetch_timer.timeout.connect(self._prefetch)
        live = getattr(window, "live", None)
        if live is not None:
            live.sig_result.connect(self._analysed)  # a bound method: Qt disconnects it when the view goes

    # -- data ------------------------------------------------------------------
    def _on_replaced(self) -> None:
        # another review: a search typed for the last one would show this one's list empty (in a meeting,
        # "0 of 320" read as no items); the filter chosen stays, its name in view. Edits and re-imports
        # of the same review keep the search (they are changes, not another review)
        self.search.blockSignals(True)  # listed again below, once, for the new review
        self.search.clear()
        self.search.blockSignals(False)
        self._on_changed({"answers"})  # evaluated when looked at, not while a big review opens

    def _on_changed(self, colls) -> None:
        self._generation += 1
        if colls & {"answers", "components", "dependencies", "meta", "proposals"}:
            if self.isVisible():
                self._evaluate_shown()
            else:  # graph edits do not pay for the checklist until it is looked at
                self._stale = True

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._stale:
            return
        self._evaluate_shown()

    def _evaluate_shown(self) -> None:
        """Looked at and out of date: evaluate now, or on a worker for a large review (1-2 s of
        the GUI thread on 2,000 components under load was the first switch's wait, and each answer's);
        the list shows what it had meanwhile, and the item pane says it is being evaluated."""
        r = self.session.review
        if len(r.components) + len(r.dependencies) <= WORKER_EVALUATE_MIN:
            self.reevaluate()
            return
        self._stale = True
        if self._prefetch_task is None or not self._prefetch_task.running:  # else: its end runs it again
            if self.result is None:
                self.question.setText("Evaluating the checklist…")
            # started once the page is painted: beside the worker, the page's first paint waited for
            # Python's lock at each call into the table's model (0.1-0.6 s of wall time on 2,000
            # components for 40-90 ms of CPU); at the latest PAINT_WAIT_MS later (a page not painted)
            self._after_paint = True
            QTimer.singleShot(PAINT_WAIT_MS, self._start_after_paint)

    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        if self._after_paint:  # the page and its children are painted before the next turn
            QTimer.singleShot(0, self._start_after_paint)

    def _start_after_paint(self) -> None:
        if not self._after_paint:
            return
        self._after_paint = False
        if self._stale and (self._prefetch_task is None or not self._prefetch_task.running):
            self._evaluate_on_worker()

    def _analysed(self, _res) -> None:
        self._prefetch_timer.start()

    def _prefetch(self) -> None:
        """While the checklist is out of sight and out of date: evaluate it on a worker once the
        live analysis is done, so that the first look at it finds it ready (on 2,000 components
        evaluating takes ~0.5 s; on the GUI thread that was the tab switch's wait)."""
        if not self._stale or self.isVisible() or (self._prefetch_task is not None and self._prefetch_task.running):
            return
        live = getattr(self.window, "live", None)
        if live is not None and live.busy:
            return  # an edit's analysis is under way: its result restarts the wait
        scene = getattr(self.window, "scene", None)
        if scene is not None and scene.building:
            # the graph is being drawn: its slices would share Python's lock with the evaluation
            # (each slice twice as long, the window's blocks with it); once it is drawn
            self._prefetch_timer.start()
            return
        self._evaluate_on_worker()

    def _evaluate_on_worker(self) -> None:
        from prr_app.ui.tasks import Task

        self._prefetch_gen = self._generation
        task = Task("checklist", _evaluate_checklist, self.session.analysis_copy())
        task.signals.sig_done.connect(self._prefetched)  # bound: never called once the view is gone
        task.signals.sig_failed.connect(self._evaluation_failed)
        self._prefetch_task = task
        task.start()

    def _prefetched(self, result) -> None:
        if self._prefetch_gen == self._generation and self._stale:  # the review is as it was evaluated
            self.reevaluate(result)
        elif self._stale and self.isVisible():  # edited meanwhile, and looked at: once more
            self._evaluate_on_worker()

    def _evaluation_failed(self, error, _tb=None) -> None:
        """A worker could not evaluate it: looked at, say why (out of sight, it stays out of date
        and is evaluated again when looked at)."""
        if self.isVisible() and self._prefetch_gen == self._generation:
            self._stale = False
            self.result = None
            self.question.setText(f"The checklist cannot be evaluated: {error}")
            self.model.set_rows([])

    def reevaluate(self, result=None) -> None:
        """Evaluate the checklist now (or show ``result``, evaluated on a worker from the review
        as it is) and redraw."""
        from prr_app.errors import PrrError

        self._stale = False
        try:
            if result is None:
                from prr_app.checklist import evaluate

                result = evaluate(self.session.review)
            self.result = result
        except PrrError as e:
            self.result = None
            self.question.setText(f"The checklist cannot be evaluated: {e}")
            self.model.set_rows([])
            return
        cur = self.categories.currentRow()
        self.categories.blockSignals(True)
        self.categories.clear()
        all_item = QListWidgetItem(f"All categories  ({self.result.overall.answered}/{self.result.overall.total})")
        all_item.setData(Qt.ItemDataRole.UserRole, None)
        self.categories.addItem(all_item)
        for c in self.result.categories:
            mark = f"  ⚠ {c.open_blockers}" if c.open_blockers else ""
            it = QListWidgetItem(f"{c.title}  ({c.answered}/{c.total}){mark}")
            it.setData(Qt.ItemDataRole.UserRole, c.id)
            self.categories.addItem(it)
        self.categories.setCurrentRow(max(0, cur))
        self.categories.blockSignals(False)
        o = self.result.overall
        self.progress.setValue(int(round(100 * o.answered / o.total)) if o.total else 0)
        sc = self.result.overall_score
        # one decimal, as `prr checklist` and the report give it: rounded to a whole, 0.3 read "0 %"
        self.score.setText(f"Score: {score_text(sc)}" if sc is not None else "Score: not yet")
        self.refresh(follow=True)
        self.sig_evaluated.emit()

    def ensure_evaluated(self) -> None:
        """Out of sight and out of date (or never evaluated): evaluate it, now for a small review, on a
        worker for a large one; ``sig_evaluated`` says when (another view shows it)."""
        if not self._stale and self.result is not None:
            return
        if len(self.session.review.components) + len(self.session.review.dependencies) <= WORKER_EVALUATE_MIN:
            self.reevaluate()
        elif self._prefetch_task is None or not self._prefetch_task.running:
            self._evaluate_on_worker()

    def _in_category(self, cat: str):
        """The items of category ``cat``, in their order (indexed once per evaluation)."""
        if self._by_category is None or self._by_category[0] is not self.result:
            self._by_category = (self.result, self.result.items.by_category())
        found = self._by_category[1].get(cat)
        return found if found is not None else self.result.items.of_rows([])

    def refresh(self, *, follow: bool = False) -> None:
        """Show the items of the category, filter and search chosen.

        ``follow`` (a new evaluation of the same list, after an answer or an undo): an item that no
        longer belongs in the list (answered under "Unanswered") hands the cursor to the item that
        followed it, as the list was shown; the first row was current, and the walk jumped back to
        the top. A list chosen anew (another category, filter or search) starts where it always did.
        """
        if self.result is None:
            return
        key = self.current_key()
        before, at = self.model.rows, self.table.currentIndex().row()
        row = self.categories.currentItem()
        cat = row.data(Qt.ItemDataRole.UserRole) if row is not None else None
        f = self.filter_box.currentData()
        text = self.search.text().strip().lower()
        items = self.result.items if not cat else self._in_category(cat)
        keep = {"unanswered": lambda it: not it.answered, "blockers": lambda it: it.is_open_blocker,
                "gaps": lambda it: it.status in ("not_met", "partly"), "evidence": lambda it: it.evidence_missing,
                "proposed": lambda it: it.proposal is not None}.get(f)
        if keep is not None:
            items = items.where(keep)
        if text:
            items = items.where(lambda it: text in it.question.lower() or text in (it.subject_label or "").lower()
                                or text in it.key)
        # no filter: the list as it is (an imported review of 2,000 components has 80,000 items; the
        # table asks only for the rows in view)
        self.model.set_rows(items)
        self.proposal_panel.set_shown(items)
        followed = _follow(key, before, at, self.model.rows) if follow and key is not None else None
        if followed is not None:
            self.table.setCurrentIndex(self.model.index(followed, 0))  # the model was reset: its pane is shown
        else:
            self.select_key(key)

    # -- selection and walking ---------------------------------------------------
    def current_key(self) -> str | None:
        idx = self.table.currentIndex()
        return self.model.data(self.model.index(idx.row(), 0), Qt.ItemDataRole.UserRole) if idx.isValid() else None

    def current_item(self):
        k = self.current_key()
        return self.result.item(k) if k and self.result is not None else None

    def select_key(self, key) -> None:
        # no item was current (the first evaluation): nothing to look for among 80,000 rows
        for i, it in enumerate(self.model.rows if key is not None else ()):
            if it.key == key:
                self.table.setCurrentIndex(self.model.index(i, 0))
                return
        if self.model.rows and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.model.index(0, 0))
        self._show_item()

    def _step(self, pred) -> bool:
        items = self.model.rows
        if not items:
            return False
        start = self.table.currentIndex().row()
        for k in range(1, len(items) + 1):
            i = (start + k) % len(items)
            if pred(items[i]):
                self.table.setCurrentIndex(self.model.index(i, 0))
                return True
        return False

    def next_unanswered(self) -> bool:
        return self._step(lambda it: not it.answered)

    def next_blocker(self) -> bool:
        return self._step(lambda it: it.is_open_blocker)

    def eventFilter(self, obj, event):
        from PySide6.QtCore import QEvent

        from prr_app.ui.inspector import undo_keys_to_window

        if obj is not self.table and undo_keys_to_window(obj, event):
            return True
        if obj is self.table and event.type() == QEvent.Type.KeyPress and not event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            t = event.text().lower()
            for status, _label, key in STATUSES:
                if t == key:
                    self.answer(status=status, advance=True)
                    return True
            if t == "n":
                self.next_unanswered()
                return True
            if t == "b":
                self.next_blocker()
                return True
        return super().eventFilter(obj, event)

    def _show_item(self) -> None:
        it = self.current_item()
        key = it.key if it is not None else None
        if key != self._shown_key:  # another item: its question at the top of the pane, in view
            self._shown_key = key
            self.detail_scroll.verticalScrollBar().setValue(0)
        self.detail_error.setText("")
        self.proposal_panel.template = self.result.template if self.result is not None else None
        self.proposal_panel.show_item(it)
        if it is None:
            self.question.setText("")
            self.guidance.setPlainText("")
            self._shown_values = (None, {})
            return
        self.question.setText(it.question)
        parts = [f"<p><b>Applies to:</b> {_esc(_applies_to(it))} · severity <b>{it.severity}</b>"
                 f" · tier {it.tier}{' · required' if it.required else ''}</p>"]
        if it.tier_reason:
            parts.append(f"<p><b>Tier:</b> {_esc(it.tier_reason)}</p>")
        if it.model_answer is not None:
            who = "answers" if it.source == "model" else "says (your answer wins)"
            parts.append(f"<p><b>The model {who}:</b> {enum_words(it.model_answer.status)}, "
                         f"{_esc(it.model_answer.evidence)}</p>")
        if it.why:
            parts.append(f"<p><b>Why it matters:</b> {_esc(it.why)}</p>")
        if it.evidence_hint:
            parts.append(f"<p><b>Evidence that counts:</b> {_esc(it.evidence_hint)}</p>")
        if it.context:
            parts.append(f"<p><b>What the review says:</b> {_esc(it.context)}</p>")
        if it.anchors:
            parts.append(f"<p><b>Anchors:</b> {_esc('; '.join(it.anchors))}</p>")
        self.guidance.setHtml("".join(parts))
        a = it.answer
        for status, b in self.status_buttons.items():
            b.setChecked(it.status == status)
        before_key, before = self._shown_values
        shown = {}
        self._shown_values = (key, shown)
        for w, v in ((self.evidence, a.evidence if a else ""), (self.owner, a.owner if a else ""),
                     (self.due, (a.due or "") if a else ""), (self.reason, a.reason if a else ""),
                     (self.note, a.note if a else "")):
            shown[w] = v
            if w.hasFocus() and before_key == key and before.get(w) == v:
                # being typed in and unchanged in the review (an undo of something else): what is typed stays
                continue
            w.blockSignals(True)
            w.setText(v)
            if not w.hasFocus():
                w.setCursorPosition(0)  # a long note shows its start
            w.blockSignals(False)

    # -- answering (one undoable command each) -------------------------------------
    def answer(self, *, advance: bool = False, **fields) -> bool:
        it = self.current_item()
        if it is None:
            return False
        key = it.key
        if fields.get("status") == "not_applicable" and not (fields.get("reason") or (it.answer and it.answer.reason)):
            fields["reason"] = self.reason.text().strip() or None
            if not fields["reason"]:
                self.detail_error.setText("Not applicable needs a reason: type it in 'Reason (n/a)' first.")
                self.reason.setFocus()
                return False
        ok = set_answer_command(self.session, key, self.result, **fields)
        if isinstance(ok, str):
            self.detail_error.setText(ok)
            return False
        # the answer's evaluation (when it ran at once) moved the cursor on if the item left the list
        # (answered under "Unanswered"): moved on here only if the answered item is still current
        if advance and self.current_key() == key:
            self._step(lambda i: True)
        return True

    def _field_done(self, attr: str, text: str) -> None:
        it = self.current_item()
        if it is None:
            return
        old = getattr(it.answer, attr, "") if it.answer else ""
        if (old or "") == text.strip():
            return
        self.answer(**{attr: text.strip()})


def _row_keys(rows) -> list[str]:
    """The keys of a checklist list's rows, in order (an evaluation's sequence gives them without
    making an item per row: 80,000 on an imported review)."""
    keys = getattr(rows, "keys", None)
    return keys() if callable(keys) else [it.key for it in rows]


def _follow(key: str, before, at: int, now) -> int | None:
    """The row of ``now`` (a new evaluation's list) to make current when ``key`` was current at row
    ``at`` of ``before`` (the list as it was shown): ``key``'s row if ``now`` shows it, else the row of
    the first item after it in ``before``, going round to the top, that ``now`` shows; None if none is.

    The usual cases are answered from the rows at ``at`` alone (the item in its place; the item gone,
    the one after it in its place): on an imported review of 10,000 components the lists have 340,000
    items, and their keys listed and looked up took as long as the filter itself (0.1 s)."""
    n, m = len(now), len(before)
    if not 0 <= at < m or before[at].key != key:
        return None  # not the list the cursor was on
    # the items keep their walking order (answers do not change it); the item where it was, or a few
    # rows up (items above it answered before this evaluation: a large review's runs on a worker)
    for i in range(min(at, n - 1), max(-1, at - 9), -1):
        if now[i].key == key:
            return i
    # it left the list: its two neighbours are next to each other, the one after it at its row
    if at + 1 < m and at < n and now[at].key == before[at + 1].key \
            and (at == 0 or now[at - 1].key == before[at - 1].key):
        return at
    if at == m - 1 and at > 0 and n and now[n - 1].key == before[at - 1].key and now[0].key == before[0].key:
        return 0  # it was the last: round to the top, as the walk goes
    now_keys = _row_keys(now)
    try:
        return now_keys.index(key)
    except ValueError:
        pass
    row = {k: i for i, k in enumerate(now_keys)}
    old = _row_keys(before)
    for k in range(1, m):
        i = row.get(old[(at + k) % m])
        if i is not None:
            return i
    return None


def set_answer_command(session, key: str, result, **fields):
    """Answer one checklist item (:func:`prr_app.review.checklist_ops.answer_item`) as one undoable command.

    Returns True, or the error message.
    """
    from prr_app.review.checklist_ops import answer_item
    from prr_app.review.edits import EditRefused

    by = name_for_record(session.review)
    if not by:
        return NO_NAME
    try:
        changes = answer_item(session.review, key, by=by, result=result, **fields)
    except EditRefused as e:
        return str(e)
    what = enum_words(fields.get("status", "")) or ", ".join(fields)
    session.push(f"Answer {key}: {what}", changes)
    return True


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ====================================================================== risks
SEVERITY_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1}


def _risk_status(r: dict) -> str:
    st = r.get("status", "open")
    if r.get("accepted"):
        st = "accepted" + (" (expired)" if r.get("acceptance_expired") else "")
    return st


def _owner_text(r: dict) -> str:
    """A risk's owner and where it comes from (:func:`prr_app.wording.risk_owner`)."""
    return risk_owner(r)


def _due_text(review, r: dict) -> str:
    """When a risk's fix is due, as the report's register says it (the last mitigation's date, "no date"
    without one, "(overdue)" when what is still to do is past due today, "(after launch)" past the
    review's target launch): one wording in every face."""
    import datetime as _dt

    from prr_app.reporting.assessment import Assessment

    return Assessment(review=review, analysis={"risks": ()}, date=None,
                      today=_dt.date.today().isoformat()).risk_due(r, short=True)


def risk_columns(review) -> list[Column]:
    """The register's columns; ``review()`` gives the review shown (its target launch flags a late due date).

    The rank first, and the register opens in its order (docs/analysis.md, "Ranking": launch
    blockers first): the order of the report, the CSV, ``prr analyze`` and the findings. Sorted by
    score, the platform example's launch-blocking spof:domain:k8s-eu (rank 46) was row 67, below
    risks that block nothing. Then what a reviewer reads out in a meeting, the title, owner, due date
    and status, in view at 1280 pixels; the numbers behind the severity (in the pane below too), the
    components and the origin come after, the table scrolls sideways to them. Owner, Due and Status
    grow to the values shown (:func:`grow_to_rows`), as far as a long value in the table's font
    (``fits``): at a fixed 300 pixels a desktop's 11-point font cut "integrations-team (owner of
    webhook-dispatcher)", and sized to their long values from the start they left the titles little
    room when the review's own values were short ("no date", "open").
    """
    def due_colour(r):
        return theme.SEVERITY_COLOURS["critical"] if _due_text(review(), r).endswith(("(after launch)", "(overdue)")) else None

    return [
        Column("Rank", lambda r: str(r.get("rank") or ""), sort=lambda r: (r.get("rank") or 0, r["id"]), width=60),
        Column("Severity", lambda r: r.get("severity", ""), sort=lambda r: SEVERITY_RANK.get(r.get("severity"), 0),
               colour=lambda r: theme.SEVERITY_COLOURS.get(r.get("severity")), width=80),
        Column("Title", lambda r: r.get("title") or r["id"], width=440),
        Column("Owner", _owner_text, width=110, fits="integrations-team (owner of webhook-dispatcher)"),
        Column("Due", lambda r: _due_text(review(), r), sort=_due_sort, colour=due_colour,
               width=70, fits="2027-01-15 (after launch)"),
        Column("Status", _risk_status, width=70, fits="accepted (expired)"),
        Column("Blocking", lambda r: "BLOCKER" if r.get("launch_blocking") else "", width=80),
        Column("Score", lambda r: str(r.get("score") or ""), sort=lambda r: r.get("score") or 0, width=65),
        Column("Likelihood", lambda r: _num_with_override(r, "likelihood"), sort=lambda r: r.get("likelihood") or 0,
               width=85),
        Column("Impact", lambda r: _num_with_override(r, "impact"), sort=lambda r: r.get("impact") or 0, width=70),
        Column("Components", lambda r: ", ".join(r.get("components") or []), width=200),
        Column("Origin", lambda r: r.get("origin", "")),
    ]


def _due_sort(r: dict) -> str:
    """A risk's due date to sort on ("no date" after every date)."""
    from prr_app.reporting.assessment import Assessment

    return Assessment.due_text(r)


def _num_with_override(r: dict, which: str) -> str:
    v = r.get(which)
    ov = r.get("override")
    comp = r.get(f"computed_{which}")
    if ov and comp is not None and comp != v:
        return f"{v} (was {comp})"
    return "" if v is None else str(v)


def _evaluate_checklist(state, review):
    """Worker: the checklist of a review (a PrrError is the worker's failure: evaluated again
    when looked at, where the view shows it)."""
    from prr_app.checklist import evaluate
    from prr_app.ui.tasks import step_aside

    return evaluate(review, pause=step_aside)


#: the place of a model problem in a refusal, as the model's validation names it
#: ("$.risks[spof:component:cart-db].acceptance.until: "): ids hold no spaces
_PLACE = re.compile(r"\$\.(\S*?): ")


def refusal_in_form_words(message: str, fields: dict[str, str]) -> str:
    """A refusal as a form says it: each model problem whose place ends in one of ``fields``' keys
    (``{"acceptance.until": "Until"}``) named by that field's label, as the inspector names its
    fields since round 27 ("Until: an acceptance cannot end before it was given"), and the model's
    "Accepting X refused: " head dropped when every problem is so named (the form's title names
    the risk; its other refusals have no such head). The form showed "$.risks[x].acceptance.until:
    ...", a place in the review's JSON a reviewer never sees. A problem on anything else keeps its
    place: it is not the form's to name."""
    def label(place: str) -> str | None:
        return next((lab for key, lab in fields.items() if place.endswith("." + key)), None)

    def word(m: re.Match) -> str:
        lab = label(m.group(1))
        return f"{lab}: " if lab is not None else m.group(0)

    places = [m.group(1) for m in _PLACE.finditer(message)]
    _head, sep, rest = message.partition(" refused: ")
    if places and all(label(p) is not None for p in places) and sep and rest.startswith("$."):
        return _PLACE.sub(word, rest)
    return _PLACE.sub(word, message)


class RiskView(QWidget):
    """The register: sort and filter; override with a reason; accept; mitigations; show on graph."""

    def __init__(self, window):
        super().__init__()
        self.window = window
        self.session = window.session
        self.analysis = None
        self._pending = None  # risks of a result that came while the tab was hidden
        self.columns = risk_columns(lambda: self.session.review)
        self._model = TableModel(self.columns, key=lambda r: r["id"], tooltip=lambda r: "\n".join(r.get("inputs") or []), parent=self)
        self.proxy = FilterProxy(self)
        self.proxy.setSourceModel(self._model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.table = QTableView()
        self.table.setHorizontalHeader(SortHeader(self.table))  # the arrow points the way the rows go
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        # rank 1 first; the model re-sorts every new register by the header's column and order, so
        # it stays in rank order through a meeting's edits unless the user clicked another column
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        # the title keeps its width; the table scrolls sideways. Owner, Due and Status grow to the values
        # shown (grow_to_rows), as far as their long ones
        size_columns(self.table, self.columns, grown=True)
        # a long title wraps: rows two lines of the table's font tall (Qt's default row showed one
        # line of an 11-point font, the title cut at its column's end)
        vh = self.table.verticalHeader()
        vh.setDefaultSectionSize(max(vh.defaultSectionSize(), 2 * self.table.fontMetrics().height() + 2))
        self.table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._show_risk())
        self.table.doubleClicked.connect(lambda _i: self.show_on_graph())
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter risks (title, component, severity…)")
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.detail = QTextBrowser()
        b_graph = QPushButton("Show on graph")
        b_graph.clicked.connect(self.show_on_graph)
        b_override = QPushButton("Override score…")
        b_override.clicked.connect(self.override_dialog)
        b_accept = QPushButton("Accept risk…")
        b_accept.clicked.connect(self.accept_dialog)
        b_mit = QPushButton("Add mitigation…")
        b_mit.clicked.connect(self.mitigation_dialog)
        b_manual = QPushButton("New manual risk…")
        b_manual.clicked.connect(self.manual_dialog)
        b_block = QPushButton("Launch-blocking…")
        b_block.setToolTip("Decide whether this risk blocks the launch, whatever the rules say (with a reason)")
        b_block.clicked.connect(self.blocking_dialog)
        b_owner = QPushButton("Owner…")
        b_owner.setToolTip("Who owns this risk (a team or a person); without one the register names a "
                           "mitigation's owner or the owner of the component to fix")
        b_owner.clicked.connect(self.owner_dialog)
        self.reopen_button = b_reopen = QPushButton("Reopen")
        b_reopen.setToolTip("Take the acceptance of this risk back: it is open again (one undo step)")
        b_reopen.clicked.connect(self.reopen_selected)
        #: what acts on the selected risk: disabled while none is selected (a button that does nothing misleads)
        self.risk_buttons = (b_graph, b_override, b_accept, b_reopen, b_mit, b_block, b_owner)
        #: why there is no register (the review has problems to fix before analysis), shown above it
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet(f"color: {theme.ERROR};")
        self.notice.setVisible(False)
        #: the risk the user selected last: kept selected across updates of the register, and selected
        #: again when an edit (an undo) brings it back after it went
        self._chosen: str | None = None
        # four to a row: two rows fit beside the inspector on a 1280-pixel screen (three to a row
        # took a third row from the register once Owner… came)
        buttons = QGridLayout()
        for k, b in enumerate((b_graph, b_override, b_accept, b_reopen, b_mit, b_block, b_owner, b_manual)):
            buttons.addWidget(b, k // 4, k % 4)
        buttons.setColumnStretch(4, 1)
        for w, name in ((self.filter, "Filter risks"), (self.table, "Risk register"),
                        (self.detail, "The selected risk")):
            w.setAccessibleName(name)
        lay = QVBoxLayout(self)
        lay.addWidget(self.filter)
        lay.addWidget(self.notice)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setSizes([500, 250])
        lay.addWidget(split, 1)
        lay.addLayout(buttons)
        self._show_risk()  # none yet: its buttons disabled
        # Reopen follows the review's acceptances at once (an undo), not the next analysis
        self.session.sig_review_changed.connect(self._on_review_changed)
        self.session.sig_review_replaced.connect(self._on_review_replaced)

    @property
    def model(self) -> TableModel:
        """The register's model, brought up to date first (a hidden tab defers its update)."""
        if self._pending is not None:
            risks, self._pending = self._pending, None
            self._model.set_rows(risks)  # (a reset: no row current now, and Qt says nothing of it)
            grow_to_rows(self.table, self._model)
            h = self.table.horizontalHeader()
            self._model.sort(h.sortIndicatorSection(), h.sortIndicatorOrder())
            if self._chosen is not None:
                # the same risk stays selected; gone (its component deleted), none is, until an undo brings it back
                self._select_row(self._chosen)
            elif risks:
                # the worst risk selected and explained at once: the keyboard starts on a row it can see
                # (Qt made the first row current, unselected, on focus, and Down went to the second)
                self.table.setCurrentIndex(self.proxy.index(0, 0))
            self._show_risk()  # the pane and the buttons say what is selected now, also nothing
        return self._model

    def set_result(self, res: dict) -> None:
        a = res.get("analysis")
        if a is None:
            # no analysis (the review has problems to fix first): no register, rather than the last
            # one's risks with buttons that would decide on them
            probs = res.get("problems") or []
            self.analysis = None
            self.notice.setText(
                f"No risk register: the review has {count(len(probs), 'problem')} to fix before analysis "
                "(listed in the findings)" if probs else
                f"No risk register: the analysis failed: {res.get('error') or 'no result'}")
            self.notice.setVisible(True)
            self._pending = []
            if self.isVisible():
                self.model  # noqa: B018 - applies the pending update
            return
        self.notice.setVisible(False)
        self.analysis = a
        # re-sorting the register costs ~10 ms at 200 components: not on every edit while nobody looks at it
        self._pending = a.risks
        if self.isVisible():
            self.model  # noqa: B018 - applies the pending update

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.model  # noqa: B018

    def select(self, risk_id: str) -> bool:
        self.model  # noqa: B018 - brought up to date first
        return self._select_row(risk_id)

    def _select_row(self, risk_id: str) -> bool:
        for i, r in enumerate(self._model.rows):
            if r["id"] == risk_id:
                self.table.setCurrentIndex(self.proxy.mapFromSource(self._model.index(i, 0)))
                return True
        self.table.setCurrentIndex(QModelIndex())
        self.table.clearSelection()
        return False

    def current_id(self) -> str | None:
        idx = self.table.currentIndex()
        if not idx.isValid():
            return None
        return self.model.data(self.model.index(self.proxy.mapToSource(idx).row(), 0), Qt.ItemDataRole.UserRole)

    def current(self) -> dict | None:
        rid = self.current_id()
        return next((r for r in self.model.rows if r["id"] == rid), None)

    def _accepted(self, risk_id: str | None) -> bool:
        """The risk has an acceptance in the review to take back (what edits.reopen_risk takes)."""
        rec = self.session.review.risks.get(risk_id) if risk_id else None
        return rec is not None and (rec.acceptance is not None or rec.status == "accepted")

    def _on_review_replaced(self) -> None:
        """Another review: the register is shown whole, from its worst risk (a filter typed for the last
        review showed this one's register empty; a risk chosen there is not this review's choice).
        Edits and re-imports of the same review keep both."""
        self.filter.clear()
        self._chosen = None

    def _on_review_changed(self, colls) -> None:
        if "risks" in colls:  # (the selected risk without self.model: a hidden tab's update waits)
            selected = self._chosen if self.table.currentIndex().isValid() else None
            self.reopen_button.setEnabled(self._accepted(selected))

    def _show_risk(self) -> None:
        r = self.current()
        for b in self.risk_buttons:
            b.setEnabled(r is not None)
        self.reopen_button.setEnabled(r is not None and self._accepted(r["id"]))
        if r is None:
            self.detail.setPlainText("")
            return
        self._chosen = r["id"]
        html = [f"<h3>{_esc(r.get('title', r['id']))}</h3>"]
        from prr_app.reporting.assessment import Guesses

        # a finding that stands on calls an import guessed: said as the report's register says it
        rests = Guesses(self.session.review).rests_on(r.get("chain") or ())
        if rests:
            html.append(f"<p><b>Not confirmed:</b> its chain {_esc(rests)} (the inspector of each call accepts "
                        "or rejects it)</p>")
        # what was decided first: the pane is a few lines high in a meeting at 1280 x 720, and an
        # acceptance (or its trail) below the description was out of sight right after Accept
        if r.get("accepted"):
            acc = r["accepted"]
            html.append(f"<p><b>Accepted</b> by {_esc(acc.get('by', ''))} on {acc.get('at')}"
                        f"{' until ' + acc['until'] if acc.get('until') else ''}: {_esc(acc.get('reason', ''))}</p>")
        rec = self.session.review.risks.get(r["id"])
        if rec is not None and rec.history:
            html.append(f"<p><b>Last decision:</b> {_esc(risk_decisions.change_text(rec.history[-1]))}"
                        + (f" ({count(len(rec.history), 'decision')}: below)" if len(rec.history) > 1 else "") + "</p>")
        html += [f"<p><b>Score</b> {r.get('score')} = likelihood {r.get('likelihood')} × impact {r.get('impact')} "
                 f"({r.get('severity')}){' · <b>launch-blocking</b>' if r.get('launch_blocking') else ''}</p>",
                 f"<p><b>Owner:</b> {_esc(_owner_text(r)) or 'no owner'}</p>",  # the report's words
                 f"<p>{_esc(r.get('description', ''))}</p>"]
        if r.get("inputs"):
            html.append("<p><b>Why these numbers</b></p><ul>" + "".join(f"<li>{_esc(x)}</li>" for x in r["inputs"]) + "</ul>")
        if r.get("mitigation"):
            html.append(f"<p><b>Suggested mitigation:</b> {_esc(r['mitigation'])}</p>")
        if r.get("override"):
            html.append(f"<p><b>Overridden:</b> {_esc(r['override'].get('reason', ''))}</p>")
        if rec is not None and rec.history:  # the trail: an acceptance replaced or taken back stays readable
            html.append("<p><b>Decisions</b> (oldest first)</p><ul>" + "".join(
                f"<li>{_esc(risk_decisions.change_text(h))}</li>" for h in rec.history) + "</ul>")
        mits = [m for m in self.session.review.mitigations.values() if r["id"] in m.risks]
        if mits:
            html.append("<p><b>Mitigations</b></p><ul>" + "".join(
                f"<li>{_esc(m.title)} — {m.owner or 'no owner'}, due {m.due or '?'}, {enum_words(m.status)}</li>" for m in mits) + "</ul>")
        self.detail.setHtml("".join(html))

    def show_on_graph(self) -> None:
        r = self.current()
        if r:
            self.window.show_elements(list(r.get("components") or []) + list(r.get("domains") or []))

    # -- decisions (each one named, undoable review edit: prr_app.review.edits; the decisions on a
    # risk through prr_app.review.risk_decisions, as `prr risk` makes them, which keeps the risk's trail)
    def _by(self) -> str:
        """Who makes a decision, for the risk's trail: the reviewer's name as the app writes it, asked
        for when the app knows none; a refusal (nothing recorded) when none is given."""
        from prr_app.review.edits import EditRefused

        name = name_for_record(self.session.review, self)
        if not name:
            raise EditRefused(NO_NAME)
        return name

    def _edit(self, text: str, make, fields: dict[str, str] | None = None) -> str | None:
        """Push the changes ``make()`` returns as one command; the refusal's reason, or None.
        ``fields``: the form's fields by the model's place of what they write (``"acceptance.until":
        "Until"``): a model problem in one of them is said naming the field
        (:func:`refusal_in_form_words`)."""
        from prr_app.review.edits import EditRefused

        try:
            changes = make()
        except EditRefused as e:
            return refusal_in_form_words(e.message, fields) if fields else e.message
        self.session.push(text, changes)
        return None

    def set_override(self, risk_id: str, likelihood: int | None, impact: int | None, reason: str) -> str | None:
        return self._edit(f"Override {risk_id}", lambda: risk_decisions.override(
            self.session.review, risk_id, likelihood, impact, reason, self._by()))

    #: the Accept form's fields: the value's key, its label, the kind of field, and the place in the
    #: risk's record it writes (the model names its problems by that place)
    ACCEPT_FIELDS = (("by", "Accepted by", "line", "acceptance.by"),
                     ("reason", "Why it is acceptable", "text", "acceptance.reason"),
                     ("until", "Until (YYYY-MM-DD, optional)", "line", "acceptance.until"))

    def accept(self, risk_id: str, by: str, reason: str, until: str | None = None) -> str | None:
        """Accept the risk (one undo step); the refusal's reason in the form's words, or None."""
        # the label's words before its hint: "Until", as the inspector names a field
        fields = {place: label.split(" (")[0] for _key, label, _kind, place in self.ACCEPT_FIELDS}
        return self._edit(f"Accept {risk_id}", lambda: risk_decisions.accept(self.session.review, risk_id, by, reason,
                                                                             until or None), fields)

    def reopen(self, risk_id: str) -> str | None:
        """Take the risk's acceptance back (one undo step); the refusal's reason, or None."""
        msg = self._edit(f"Reopen {risk_id}", lambda: risk_decisions.reopen(self.session.review, risk_id, self._by()))
        if msg is None:
            self._show_risk()  # the pane and Reopen say so now, before the next analysis
        return msg

    def reopen_selected(self) -> None:
        r = self.current()
        if r is None:
            return
        msg = self.reopen(r["id"])
        if msg is not None:
            self.window.statusBar().showMessage(msg, 6000)
        else:
            self.window.statusBar().showMessage(f"Reopened {r['id']}: the acceptance is taken back", 6000)

    def add_mitigation(self, risk_id: str, title: str, owner: str = "", due: str | None = None,
                       status: str = "planned", effort: str | None = None) -> str | None:
        out = {}

        def make():
            out["id"], changes = edits.add_mitigation(self.session.review, risk_id, title, owner, due, status, effort)
            return changes

        msg = self._edit(f"Add mitigation to {risk_id}", make)
        if msg is None:
            self._show_risk()
        return msg

    def add_manual(self, title: str, likelihood: int, impact: int, components=(), description: str = "") -> str:
        rid, changes = edits.add_manual_risk(self.session.review, title, likelihood, impact, components, description)
        self.session.push(f"Add risk {title.strip()}", changes)
        return rid

    def override_dialog(self) -> None:
        r = self.current()
        if r is None:
            return
        d = FormDialog(self, f"Override the score of {r['id']}", [
            ("likelihood", "Likelihood (1–5)", "spin", r.get("likelihood") or 3),
            ("impact", "Impact (1–5)", "spin", r.get("impact") or 3),
            ("reason", "Reason (required, shown in the report)", "text", ""),
        ], check=lambda v: self.set_override(r["id"], v["likelihood"], v["impact"], v["reason"]),
                       about=r.get("title") or r["id"])  # the risk in words above the form
        d.exec()

    def accept_dialog(self) -> None:
        r = self.current()
        if r is None:
            return
        # the risk in words above the form, and the acceptance this one would replace (kept in the trail)
        old = risk_decisions.replaced_acceptance(self.session.review, r["id"])
        about = (r.get("title") or r["id"]) + (
            f"\n\nReplaces {risk_decisions.acceptance_text(old)} (kept in the risk's decisions)." if old else "")
        defaults = {"by": reviewer_name(self.session.review), "reason": "", "until": ""}
        d = FormDialog(self, f"Accept {r['id']}", [
            (key, label, kind, defaults[key]) for key, label, kind, _place in self.ACCEPT_FIELDS
        ], check=lambda v: self.accept(r["id"], v["by"], v["reason"], v["until"] or None), about=about)
        d.exec()

    BLOCKING_CHOICES = {"blocks the launch": True, "does not block the launch": False,
                        "as the rules decide": None}

    def blocking_dialog(self) -> None:
        r = self.current()
        if r is None:
            return
        rec = self.session.review.risks.get(r["id"])
        now = rec.launch_blocking if rec is not None else None
        current = next(k for k, v in self.BLOCKING_CHOICES.items() if v == now)
        d = FormDialog(self, f"Launch-blocking: {r['id']}", [
            ("blocking", "This risk", list(self.BLOCKING_CHOICES), current),
            ("reason", "Reason (required unless the rules decide; shown in the report)", "text",
             rec.launch_blocking_reason if rec is not None else ""),
        ], check=lambda v: self.set_blocking(r["id"], self.BLOCKING_CHOICES[v["blocking"]], v["reason"]),
                       about=r.get("title") or r["id"])  # the risk in words above the form
        d.exec()

    def set_blocking(self, risk_id: str, blocking: bool | None, reason: str = "") -> str | None:
        return self._edit(f"Launch-blocking {risk_id}",
                          lambda: risk_decisions.blocking(self.session.review, risk_id, blocking, reason, self._by()))

    def set_owner(self, risk_id: str, owner: str) -> str | None:
        """The risk's own owner (empty: none), one undo step; the refusal's reason, or None."""
        from prr_app.review.edits import EditRefused

        try:
            changes = risk_decisions.set_owner(self.session.review, risk_id, owner, self._by())
        except EditRefused as e:
            return e.message
        if changes:  # the same owner again: no undo step that does nothing
            self.session.push(f"Owner of {risk_id}", changes)
        return None

    def owner_dialog(self) -> None:
        r = self.current()
        if r is None:
            return
        rec = self.session.review.risks.get(r["id"])
        d = FormDialog(self, f"Owner of {r['id']}", [
            ("owner", "Owner (team or person; empty: none)", "line", rec.owner if rec is not None else ""),
        ], check=lambda v: self.set_owner(r["id"], v["owner"]), about=r.get("title") or r["id"])
        d.exec()

    def mitigation_dialog(self) -> None:
        r = self.current()
        if r is None:
            return
        d = FormDialog(self, f"Mitigation for {r['id']}", [
            ("title", "What will be done", "text", r.get("mitigation", "")),  # the suggestion, whole
            ("owner", "Owner", "line", ""),
            ("due", "Due (YYYY-MM-DD)", "line", ""),
            ("status", "Status", ["planned", "in_progress", "done", "dropped"], "planned"),
            ("effort", "Effort", ["", "small", "medium", "large"], ""),
        ], check=lambda v: self.add_mitigation(r["id"], " ".join(v["title"].split()), v["owner"], v["due"] or None, v["status"], v["effort"] or None),
                       about=r.get("title") or r["id"])  # the risk in words above the form
        d.exec()

    def manual_dialog(self) -> None:
        def comps(v) -> list[str]:
            return [c.strip() for c in v["components"].replace(";", ",").split(",") if c.strip()]

        def check(v) -> str | None:  # a mistyped id keeps the dialog open with what was typed
            if not v["title"].strip():
                return "A risk needs a title."
            bad = [c for c in comps(v) if c not in self.session.review.components]
            return f"Components: unknown component {', '.join(bad)}" if bad else None

        d = FormDialog(self, "New manual risk", [
            ("title", "Title", "line", ""),
            ("likelihood", "Likelihood (1–5)", "spin", 3),
            ("impact", "Impact (1–5)", "spin", 3),
            ("components", "Components (comma-separated ids)", "line", ", ".join(self.window.selected_ids())),
            ("description", "Description", "text", ""),
        ], check=check)
        if d.exec() == QDialog.DialogCode.Accepted:
            v = d.values()
            self.add_manual(v["title"], v["likelihood"], v["impact"], comps(v), v["description"])


# ====================================================================== dashboard
def _clip(text: str, n: int) -> str:
    """``text`` in at most ``n`` characters, an ellipsis marking a cut."""
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


class DashboardView(QWidget):
    """Four charts (pyqtgraph): risk heat map, readiness by category, availability vs SLO, blast radius."""

    def __init__(self, window):
        super().__init__()
        self.window = window
        # the charts are made ahead of the first look, once a review has been analysed: pyqtgraph
        # is imported on a worker (~0.4 s of Python), then one chart per turn of the event loop;
        # a look before that makes them at once, or, on a large review, goes on with them a step
        # per turn (0.2-0.7 s of the GUI thread in one go was the first look's wait) while it says so
        self.heat = None
        self.heat_counts = None
        self._last = None
        self._steps = None
        self._preload = None
        self._drawn = None  # the result the charts show
        self._step_timer = QTimer(self)
        self._step_timer.setSingleShot(True)
        self._step_timer.setInterval(0)
        self._step_timer.timeout.connect(self._build_step)
        self._idle = QTimer(self)  # the charts are prepared this long after the last analysis
        self._idle.setSingleShot(True)
        self._idle.setInterval(CHARTS_IDLE_MS)
        self._idle.timeout.connect(self._prepare)
        # the readiness chart shows the checklist view's evaluation: drawn when there is a new one, and
        # one is asked for when the answers change while the charts are looked at (an undo of answers on
        # the dashboard left it showing them)
        self.window.session.sig_review_changed.connect(self._review_changed)
        self._outer = QVBoxLayout(self)
        self._outer.setContentsMargins(0, 0, 0, 0)
        self.waiting = QLabel("Preparing the charts…")
        self.waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.waiting.setVisible(False)
        self._outer.addWidget(self.waiting)

    def connect_checklist(self, cv) -> None:
        """Draw the readiness chart whenever ``cv`` (the checklist view) has a new evaluation."""
        cv.sig_evaluated.connect(self._checklist_evaluated)

    def _checklist_evaluated(self) -> None:
        if self.heat is not None:
            self._readiness()

    def _review_changed(self, colls) -> None:
        if self.isVisible() and colls & {"answers", "components", "dependencies", "meta", "proposals"}:
            # after the checklist view has taken the change (it marks itself out of date)
            QTimer.singleShot(0, self._ask_checklist)

    def _ask_checklist(self) -> None:
        cv = self.window.views.get("Checklist") if hasattr(self.window, "views") else None
        if cv is not None and self.isVisible():
            cv.ensure_evaluated()

    def _large(self) -> bool:
        r = self.window.session.review
        return len(r.components) + len(r.dependencies) > WORKER_EVALUATE_MIN

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._ask_checklist()  # its readiness chart: the checklist evaluated if it is not yet
        if self.heat is None:
            if self._large():  # a step per turn of the event loop, the window responsive meanwhile
                self.waiting.setText("Preparing the charts…")
                self.waiting.setVisible(True)
                self._prepare(now=True)
            else:
                self._build()
        elif self._steps is None and self._last is not None and self._drawn is not self._last:
            self.set_result(self._last)

    def _prepare(self, now: bool = False) -> None:
        """Import pyqtgraph on a worker, then make the charts a step at a time (``now``: looked
        at, without waiting for the app to be idle)."""
        if not now and self._busy():
            self._idle.start()  # an analysis under way, or the graph being drawn: later
            return
        if (self.heat is not None and self._steps is None) or self._step_timer.isActive():
            return
        if self._steps is not None:  # put off while the app was busy: go on
            self._step_timer.start()
            return
        if self._preload is not None:
            if self._preload.running:
                return  # its end goes on with the charts
            self._step_timer.start()
            return
        import sys

        from prr_app.ui.tasks import Task

        if "pyqtgraph" in sys.modules:
            self._step_timer.start()
            return
        self._preload = Task("charts", _import_pyqtgraph)
        # a bound method, not a lambda: Qt drops it if the window closes before the import ends
        self._preload.signals.sig_done.connect(self._preloaded)
        self._preload.start()

    def _preloaded(self, _result) -> None:
        self._step_timer.start()

    def _busy(self) -> bool:
        """An analysis under way, or a review being opened (its file read on a worker, then its graph
        drawn): no work ahead meanwhile (charts of the review being closed were made while the
        next one was read)."""
        live, scene = getattr(self.window, "live", None), getattr(self.window, "scene", None)
        return ((live is not None and live.busy) or (scene is not None and scene.building)
                or getattr(self.window.session, "opening", False))

    def _build_step(self) -> None:
        """One step of making the charts and drawing the last result in them (ahead of the first
        look, or while a large review's dashboard is looked at)."""
        if not self.isVisible() and self._busy():
            # ahead of a first look, and the app got busy (a review opened while pyqtgraph was
            # imported): not beside the drawing's slices, once idle again
            self._idle.start()
            return
        if self._steps is None:
            if self.heat is not None:
                return
            self._steps = self._build_steps(draw=True)
        if self.isVisible():  # looked at: a worker (the checklist) steps aside while a chart is made and painted
            from prr_app.ui.tasks import hold_for_paint

            hold_for_paint()
        if next(self._steps, StopIteration) is StopIteration:
            self._steps = None
            if self._last is not None and self._drawn is not self._last and self.isVisible():
                self.set_result(self._last)  # a newer result came while they were made
        else:
            self._step_timer.start()

    def _build(self) -> None:
        """Make the charts now (what is left of them), and show the last result."""
        self._step_timer.stop()
        if self._steps is None:
            if self.heat is not None:
                return
            self._steps = self._build_steps(draw=False)
        for _ in self._steps:
            pass
        self._steps = None
        if self._last is not None and self._drawn is not self._last:
            self.set_result(self._last)

    def _build_steps(self, draw: bool):
        """Make the four charts, one per step; ``draw``: then draw the last result, a chart per step
        (drawn ahead of the first look too; later results are drawn when looked at)."""
        import pyqtgraph as pg

        pg.setConfigOptions(antialias=True, background=theme.CANVAS, foreground=theme.TEXT)  # light or dark
        # one chart a row, in a scroll area: on a 1280 x 720 screen four charts side by side are too
        # small to read (tick labels run into each other and titles are cut)
        outer = self._outer
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setAccessibleName("Dashboard charts")
        body = QWidget()
        scroll.setWidget(body)
        outer.addWidget(scroll)
        self._scroll = scroll
        grid = QGridLayout(body)
        # short titles and tick labels: a plot's layout is at least as wide as its title plus its
        # axis labels, and wider than its widget it is cut off on the right
        titles = ("Risks: likelihood × impact", "Checklist: % met (grey: answered)",
                  "Journeys: availability ceiling vs SLO (%)", "Blast radius: components down (top 15)")
        charts = []
        for i, title in enumerate(titles):
            yield  # one chart per step
            w = pg.PlotWidget(title=title)
            w.setMinimumHeight(300 if i < 3 else 360)
            grid.addWidget(w, i, 0)
            w.setAccessibleName(w.getPlotItem().titleLabel.text)
            w.viewport().setAccessibleName(w.getPlotItem().titleLabel.text)
            w.getPlotItem().titleLabel.setText(w.getPlotItem().titleLabel.text, size="12pt")
            charts.append(w)
        self.heat, self.ready, self.avail, self.blast = charts
        self.waiting.setVisible(False)
        if draw and self._last is not None:
            yield from self._draw_steps(self._last)

    def set_result(self, res: dict, *, hidden_too: bool = False) -> None:
        self._last = res
        if self.heat is None:
            self._idle.start()  # made once the app has been idle a while; shown with them
            return
        if self._steps is not None:
            return  # being made: their last step draws the latest result
        if not self.isVisible() and not hidden_too:
            self._drawn = None  # drawn when looked at: a hidden dashboard costs an edit nothing
            return
        for _ in self._draw_steps(res):
            pass

    def _draw_steps(self, res: dict):
        """Draw ``res`` in the charts, one chart per step."""
        self._drawn = res
        a = res.get("analysis")
        # no analysis (problems to fix first): no charts, rather than the last analysis' charts
        # shown as if they were this review's
        self._scroll.setVisible(a is not None)
        self.waiting.setVisible(a is None)
        if a is None:
            probs = res.get("problems") or []
            self.waiting.setText(
                f"No charts: the review has {count(len(probs), 'problem')} to fix before analysis "
                "(listed in the findings)" if probs else
                f"No charts: the analysis failed: {res.get('error') or 'no result'}")
            return
        self._heat(a)
        yield
        self._readiness()
        yield
        self._availability(a)
        yield
        self._blast(a)

    def _heat(self, a) -> None:
        import numpy as np
        import pyqtgraph as pg

        counts = np.zeros((5, 5), dtype=int)
        for r in a.risks:
            lk, im = r.get("likelihood"), r.get("impact")
            if lk and im:
                counts[int(lk) - 1, int(im) - 1] += 1
        self.heat_counts = counts
        p = self.heat.getPlotItem()
        p.clear()
        score = np.fromfunction(lambda i, j: (i + 1) * (j + 1), (5, 5))
        img = pg.ImageItem(score)
        cmap = pg.ColorMap([0, 0.2, 0.5, 1.0], [(91, 138, 58), (201, 154, 6), (224, 86, 27), (179, 18, 31)])
        img.setLookupTable(cmap.getLookupTable(0, 1, 256))
        img.setLevels([1, 25])
        img.setRect(0.5, 0.5, 5, 5)
        img.setOpacity(0.55)
        p.addItem(img)
        for i in range(5):
            for j in range(5):
                if counts[i, j]:
                    t = pg.TextItem(str(counts[i, j]), color="k", anchor=(0.5, 0.5))
                    t.setFont(_font(16, bold=True))
                    t.setPos(i + 1, j + 1)
                    p.addItem(t)
        p.setLabel("bottom", "likelihood")
        p.setLabel("left", "impact")
        p.setXRange(0.5, 5.5, padding=0)
        p.setYRange(0.5, 5.5, padding=0)
        ticks = [[(i, str(i)) for i in range(1, 6)]]
        p.getAxis("bottom").setTicks(ticks)
        p.getAxis("left").setTicks(ticks)

    def _readiness(self) -> None:
        import pyqtgraph as pg

        cv = self.window.views.get("Checklist") if hasattr(self.window, "views") else None
        res = cv.result if cv is not None else None
        p = self.ready.getPlotItem()
        p.clear()
        if res is None:
            return
        cats = res.categories
        ys = list(range(len(cats)))
        done = [100.0 * c.met / c.total if c.total else 0 for c in cats]
        answered = [100.0 * c.answered / c.total if c.total else 0 for c in cats]
        p.addItem(pg.BarGraphItem(x0=0, y=ys, height=0.7, width=answered, brush=(200, 210, 225)))
        p.addItem(pg.BarGraphItem(x0=0, y=ys, height=0.7, width=done, brush=(47, 125, 50)))
        ax = p.getAxis("left")
        ax.setTicks([[(i, _clip(c.title, 22)) for i, c in enumerate(cats)]])
        p.setXRange(0, 100)
        p.invertY(True)

    def _availability(self, a) -> None:
        import pyqtgraph as pg

        rows = [av for av in a.availability if av.get("target") in self.window.session.review.journeys
                and av.get("estimate") is not None]
        p = self.avail.getPlotItem()
        p.clear()
        if not rows:
            return
        xs = list(range(len(rows)))
        est = [av["estimate"] for av in rows]
        slo = [av.get("slo") or 0 for av in rows]
        lo = min(min(est), min(s for s in slo if s) if any(slo) else 100) - 0.1
        brushes = [pg.mkBrush(theme.OK if (s == 0 or e >= s) else theme.ERROR) for e, s in zip(est, slo)]
        p.addItem(pg.BarGraphItem(x=xs, y0=lo, height=[e - lo for e in est], width=0.6, brushes=brushes))
        for x, s in zip(xs, slo):
            if s:
                p.addItem(pg.PlotDataItem([x - 0.4, x + 0.4], [s, s], pen=pg.mkPen("k", width=3)))
        p.getAxis("bottom").setTicks([[(x, av["target"]) for x, av in zip(xs, rows)]])
        p.setYRange(lo, 100)

    def _blast(self, a) -> None:
        import pyqtgraph as pg

        items = sorted(((v.get("down_count", 0), v.get("degraded_count", 0), k) for k, v in a.blast_radius.items()),
                       reverse=True)[:15]
        p = self.blast.getPlotItem()
        p.clear()
        if not items:
            return
        ys = list(range(len(items)))
        p.addItem(pg.BarGraphItem(x0=0, y=ys, height=0.7, width=[d for d, _g, _k in items], brush=theme.DOWN))
        p.addItem(pg.BarGraphItem(x0=[d for d, _g, _k in items], y=ys, height=0.7, width=[g for _d, g, _k in items],
                                  brush=theme.DEGRADED))
        p.getAxis("left").setTicks([[(i, _clip(k, 22)) for i, (_d, _g, k) in enumerate(items)]])
        p.invertY(True)


def _import_pyqtgraph(state) -> None:
    """Worker: import pyqtgraph (Python modules only; its widgets are made on the GUI thread)."""
    import pyqtgraph  # noqa: F401


def _font(pt: float, bold: bool = False):
    from PySide6.QtGui import QFont

    f = QFont(theme.FONT_FAMILY)
    f.setPointSizeF(pt)
    f.setBold(bold)
    return f
