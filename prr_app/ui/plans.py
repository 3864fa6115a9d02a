"""Plan mode in the app: proposed changes go into a plan, never into the review.

While plan mode is on, the plan's actions (a replica more, a fallback, a timeout and a
breaker, an independent second, the product's suggestions in one step, the shortest path to
ready) add :class:`prr_app.review.plans.Change` objects to the plan; the review is not
edited, so nothing of the plan is saved into the file (a plan is saved as a plan file, as
``prr plan --save`` writes it). The canvas marks what the plan touches with dashed "plan"
badges (:meth:`GraphScene.set_marks`), and the verdict "if the plan lands" is computed on a
worker after every change and shown beside today's: the same :func:`plans.evaluate` as
``prr plan``.

The plan lives in the window until "Save Plan" writes it: it goes with the review (New, Open,
Close), so leaving a plan with changes not saved asks first, as a review's unsaved edits do. An
edit that leaves a change with nothing to apply to (its component deleted) takes it out of the
plan; the undo of that edit puts it back.
"""
from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QGridLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget,
)

from prr_app.errors import PrrError
from prr_app.review import plans as P
from prr_app.wording import count


class PlanPanel(QWidget):
    """The plan being built, its actions, and today's verdict against the verdict with the plan."""

    sig_status = Signal(str)
    #: a residual result arrived (plans.evaluate's document)
    sig_evaluated = Signal(object)

    def __init__(self, window):
        super().__init__()
        self.window_ = window
        self.session = window.session
        self.plan = P.Plan("plan")
        self.active = False
        self.result: dict | None = None
        self.search: dict | None = None
        self._generation = 0
        #: the plan as last written to (or read from) a plan file: the plan differs from it: unsaved work
        self._saved = self.plan.to_dict()
        #: what the last edit (or its undo) did to the plan, in words: the window says it with the edit's own
        #: message, which came after it and replaced it on the status line (see take_note)
        self.note = ""
        #: changes an edit took out of the plan, until the undo history tells which step that was:
        #: (the undo stack's index before the step, [(position in the plan, change)])
        self._pending_aside: list[tuple[int, list]] = []
        #: ... and then: (the step's command, its position, taken out when it was done (not undone), the changes)
        self._aside: list[tuple] = []
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.today = QLabel("Today: —")
        self.after = QLabel("With the plan: —")
        for lab, name in ((self.today, "Verdict today"), (self.after, "Verdict with the plan")):
            # wrapped: one line of both verdicts and their blockers was 900 px wide, and the dock made the
            # window wider than a 1280-pixel screen (and kept it so after Plan Mode)
            lab.setWordWrap(True)
            lab.setAccessibleName(name)
            lab.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.effort = QLabel("")
        self.effort.setWordWrap(True)
        self.list = QListWidget()
        self.list.setAccessibleName("Changes in the plan")
        self.list.setWordWrap(True)
        self._rows: list[list[int]] = []  # each line of the list: the indexes of the plan changes it stands for
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        actions = [
            ("replica", "+ Replica", "One more replica of the selected component (in a free sibling zone)",
             self.add_replica),
            ("fallback", "+ Fallback", "A fallback on the selected dependency (down becomes degraded)",
             self.add_fallback),
            ("breaker", "Timeout + Breaker", "A timeout and a circuit breaker on the selected dependency",
             self.add_breaker),
            ("second", "Independent Second", "An independent second of the selected component in a redundancy group",
             self.add_second),
            ("suggested", "Suggested Changes", "The product's suggested change for every open risk, in one step",
             self.add_suggested),
            ("shortest", "Shortest Path to Ready", "The smallest set of suggested changes (greedy search)",
             self.add_shortest),
            ("remove", "Remove Change", "Remove the selected change from the plan", self.remove_selected),
            ("clear", "Clear Plan", "Remove every change", self.clear),
            ("save", "Save Plan…", "Write the plan to a plan file (prr plan --file, prr report --plan)", self.save_plan),
            ("open", "Open Plan…", "Read a plan file: its changes replace the plan's", self.open_plan),
            ("pdf", "Export PDF with Plan…", "The assessment PDF with 'Current vs after the plan'", self.export_pdf),
        ]
        for i, (key, text, tip, slot) in enumerate(actions):
            b = QPushButton(text)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            self.buttons[key] = b
            grid.addWidget(b, i // 2, i % 2)
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(self.today)
        lay.addWidget(self.after)
        lay.addWidget(self.effort)
        lay.addLayout(grid)
        lay.addWidget(self.list, 1)
        self.session.sig_review_replaced.connect(self.clear)
        # an edit of the review (plan mode off, or a decision on the Risks tab) may leave a change with
        # nothing to apply to, and makes "Today" out of date
        self.session.sig_review_changed.connect(self._review_changed)
        self.session.undo_stack.indexChanged.connect(self._undo_moved)
        self._show_title()
        self._enable()

    # -- mode ---------------------------------------------------------------------
    def set_active(self, on: bool) -> None:
        self.active = on
        self._show_title()
        self._enable()
        self._show_marks()
        if on:
            self.evaluate()

    def _show_title(self) -> None:
        """What the mode is and where the plan is, true as it stands: the plan is kept while this review is
        open, not past it (a new or opened review starts an empty plan; leaving an unsaved one asks)."""
        if self.active:
            text = "<b>Plan mode:</b> changes go into the plan “{}”, not the review.".format(self.plan.name)
        elif self.plan.changes:
            text = ("<b>Plan mode is off.</b> The plan ({}) stays here while this review is open{}; the graph "
                    "shows the review.").format(count(len(self.plan.changes), "change"),
                                                " (not saved: Save Plan… writes it)" if self.unsaved else "")
        else:
            text = ("<b>Plan mode is off.</b> Turn it on (Analysis &gt; Plan Mode) to propose changes "
                    "without editing the review.")
        self.title.setText(text)

    @property
    def unsaved(self) -> bool:
        """The plan has changes not written to a plan file (as they are now): the meeting's work, lost with
        the window or the review unless saved."""
        return bool(self.plan.changes) and self.plan.to_dict() != self._saved

    def may_leave(self) -> bool:
        """Before the review is replaced or the window closes (the plan goes with them): an unsaved plan is
        saved, discarded or kept by staying, asked with the dialog the review's unsaved edits get (Save,
        Discard, Cancel). False: stay."""
        if not self.unsaved:
            return True
        from prr_app.ui.dialogs import Ask

        what = f"The plan “{self.plan.name}” ({count(len(self.plan.changes), 'change')}, made in Plan Mode)"
        ans = Ask.keep_unsaved(self.window_, what, heading="Save the plan?")
        if ans == "save":
            return self.save_plan() is not None
        return ans == "discard"

    def take_note(self) -> str:
        """What the last edit or undo did to the plan (taken out, put back), once; "" if nothing."""
        note, self.note = self.note, ""
        return note

    def _say(self, text: str) -> None:
        self.note = text
        self.sig_status.emit(text)

    def _enable(self) -> None:
        for key, b in self.buttons.items():
            b.setEnabled(self.active)

    # -- changes --------------------------------------------------------------------
    def _selected(self, what: str) -> str | None:
        ids = self.window_.scene.selected_ids()
        review = self.session.review
        coll = review.components if what == "component" else review.dependencies
        picked = [i for i in ids if i in coll]
        if not picked:
            self.sig_status.emit(f"Select a {what} on the graph first")
            return None
        return picked[0]

    def add(self, changes: list[P.Change], text: str = "") -> bool:
        """Add changes to the plan if they apply to the review with the plan so far."""
        if not self.active:
            self.sig_status.emit("Turn plan mode on first: the review itself is not edited here")
            return False
        trial = P.Plan(self.plan.name, self.plan.changes + list(changes), self.plan.description)
        try:
            P.apply_plan(self.session.review, trial, file="plan")
        except PrrError as e:
            self.sig_status.emit(e.message)
            return False
        seen = {c.key() for c in self.plan.changes}
        self.plan.changes += [c for c in changes if c.key() not in seen]
        self._changed(text)
        return True

    def add_replica(self) -> bool:
        cid = self._selected("component")
        if cid is None:
            return False
        c = self.session.review.components[cid]
        dom = None
        if c.placement:
            used = set(c.placement)
            dom = next((s for p in c.placement if (s := P._free_sibling(self.session.review, p, used))), None)
        change = P.Change("add-replica", {"component": cid, **({"domain": dom} if dom else {})})
        # a second click is a second replica, as `prr plan --add-replica X --add-replica X` gives two: the
        # plan's change for the same component and domain becomes "add 2 replicas" (one line, one effort)
        for i, old in enumerate(self.plan.changes):
            if old.op == "add-replica" and {k: v for k, v in old.args.items() if k != "count"} == change.args:
                more = P.Change("add-replica", {**old.args, "count": old.args.get("count", 1) + 1},
                                mitigations=list(old.mitigations), effort=old.effort, owner=old.owner, due=old.due,
                                reason=old.reason)
                return self.replace(i, more, f"{more.describe()}")
        return self.add([change])

    def replace(self, index: int, change: P.Change, text: str = "") -> bool:
        """Put ``change`` in place of the plan's change at ``index`` if the plan still applies."""
        if not self.active:
            self.sig_status.emit("Turn plan mode on first: the review itself is not edited here")
            return False
        changes = list(self.plan.changes)
        changes[index] = change
        try:
            P.apply_plan(self.session.review, P.Plan(self.plan.name, changes, self.plan.description), file="plan")
        except PrrError as e:
            self.sig_status.emit(e.message)
            return False
        self.plan.changes = changes
        self._changed(text)
        return True

    def add_fallback(self) -> bool:
        did = self._selected("dependency")
        if did is None:
            return False
        target = self.session.review.dependencies[did].target
        return self.add([P.Change("add-fallback", {"dependency": did,
                                                   "fallback": f"degraded mode without {target} (cached or default answer)"})])

    def add_breaker(self) -> bool:
        did = self._selected("dependency")
        if did is None:
            return False
        d = self.session.review.dependencies[did]
        args = {"dependency": did, "circuit_breaker": True}
        if d.timeout_ms is None:
            args["timeout_ms"] = 1000
        return self.add([P.Change("set-call", args)])

    def add_second(self) -> bool:
        cid = self._selected("component")
        if cid is None:
            return False
        return self.add([P.Change("add-alternative", {"component": cid})])

    def add_suggested(self) -> bool:
        """The product's suggested mitigations, one change per open risk, into the plan in one step."""
        from prr_app.review.assess import assess

        before = assess(self.session.review).to_dict()
        return self.add(P.suggested_plan(self.session.review, before).changes, "suggested changes")

    def add_shortest(self):
        if not self.active:
            self.sig_status.emit("Turn plan mode on first")
            return None
        review = self.session.snapshot()

        def work(state, review):
            return P.shortest_path_to_ready(review)

        def done(res):
            self.search = {k: v for k, v in res.items() if k != "plan"}
            self.add(res["plan"].changes, "shortest path to ready")
            if not res["reached"]:
                self.sig_status.emit(f"Ready is not reached with the suggested changes: "
                                     f"{len(res['remaining_blockers'])} blockers need a decision")

        return self.window_.run_task("Shortest path to ready", work, review, on_done=done)

    def remove_selected(self) -> None:
        """Take the selected line out of the plan: every change of its root cause (a group's line stands
        for all of them, as applying it applies them all)."""
        row = self.list.currentRow()
        if 0 <= row < len(self._rows):
            drop = set(self._rows[row])
            self.plan.changes = [c for i, c in enumerate(self.plan.changes) if i not in drop]
            self._changed()

    def clear(self, *_a) -> None:
        self.plan.changes.clear()
        self.search = None
        self.result = None
        self._pending_aside.clear()
        self._aside.clear()  # (a new review: no undo leads back to the one they were taken from)
        self._changed()

    # -- files ----------------------------------------------------------------------
    def save_plan(self, path: str | None = None) -> str | None:
        from prr_app.ui.dialogs import Ask

        path = path or Ask.save_path(self, "Save Plan", f"{self.plan.name}.json", "Plan (*.json)")
        if not path:
            return None
        from prr_app.review.gate import check_output

        try:
            # as `prr plan --save` checks it: never the review itself, nor a read-only file
            check_output(path, self.session.path, what="the plan")
            P.write_plan(self.plan, path)
        except (OSError, PrrError) as e:  # a refused path (read-only, the review itself) is said
            self.sig_status.emit(f"{path}: cannot write: {getattr(e, 'strerror', None) or e}")
            return None
        self._saved = self.plan.to_dict()
        self._show_title()
        self.sig_status.emit(f"Plan saved to {path}")
        return path

    def open_plan(self, path: str | None = None) -> bool:
        from prr_app.ui.dialogs import Ask

        path = path or Ask.open_path(self, "Open Plan", "Plan (*.json);;All files (*)")
        if not path:
            return False
        try:
            plan = P.read_plan(path)
            P.apply_plan(self.session.review, plan, file=path)  # it must apply to this review
        except PrrError as e:
            self.sig_status.emit(str(e))
            return False
        self.plan = plan
        self._saved = plan.to_dict()
        self.search = None
        self.set_active(self.active)
        self._changed(f"plan {plan.name} from {path}")
        return True

    def export_pdf(self, path: str | None = None):
        """The assessment PDF with "Current vs after the plan" (and "Changes since" the newest milestone)."""
        from prr_app.ui.dialogs import Ask

        path = path or Ask.save_path(self, "Export PDF with Plan", f"{self.plan.name}.pdf", "PDF (*.pdf)")
        if not path:
            return None
        self.drop_stale()
        review = self.session.snapshot()
        plan = P.Plan(self.plan.name, list(self.plan.changes), self.plan.description)
        search = dict(self.search) if self.search else None

        def work(state, review, plan, path):
            from prr_app.review.diff import report_sections
            from prr_app.review.exports import export

            sections = report_sections(review, plan=plan, file=None)
            if search is not None:
                sections["plan"]["search"] = search
            export(review, "pdf", path, **sections)
            return path

        return self.window_.run_task("Export PDF with plan", work, review, plan, path,
                                     on_done=lambda p: self.sig_status.emit(f"Wrote {p}"))

    # -- showing ------------------------------------------------------------------
    def touched(self) -> dict[str, str]:
        """Element id -> "plan" for what the plan changes on the canvas."""
        out = {}
        for c in self.plan.changes:
            for k in ("component", "dependency", "group"):
                v = c.args.get(k)
                if isinstance(v, str):
                    out[v] = "plan"
        return out

    def _show_marks(self) -> None:
        self.window_.scene.set_marks(self.touched() if self.active else {})

    def _changed(self, text: str = "") -> None:
        """Show the plan one line per root cause (``prr plan``'s lines): a group's tooltip lists each of
        its changes; a change given on its own (no reason, or its risk's only one) is its own line."""
        from prr_app.reporting.changes import group_effort_level, group_line

        self.list.clear()
        groups = P.groups_of(self.plan.changes)
        self._rows = [g["changes"] for g in groups]
        for i, g in enumerate(groups, 1):
            if len(g["changes"]) == 1 and not g["with"]:
                c = self.plan.changes[g["changes"][0]]
                it = QListWidgetItem(f"{i}. [{c.effort_level}] {c.describe()}" + (f"  (for {c.reason})" if c.reason else ""))
            else:
                it = QListWidgetItem(f"{i}. [{group_effort_level(g)}] {group_line(g)}")
                it.setToolTip("\n".join(f"[{c.effort_level}] {c.describe()}"
                                         for c in (self.plan.changes[j] for j in g["changes"])))
            self.list.addItem(it)
        e = self.plan.effort
        self.effort.setText(f"{len(self.plan.changes)} changes" + (
            f" for {len(groups)} root causes" if len(groups) < len(self.plan.changes) else "")
            + f": {e['small']} small, {e['medium']} medium, {e['large']} large (weight {e['weight']})")
        self._show_marks()
        self._show_title()
        if text:
            self.sig_status.emit(f"Added to the plan: {text}")
        self.evaluate()

    def _review_changed(self, _colls=None) -> None:
        if self.plan.changes and self.drop_stale():
            return  # the plan changed: analysed again already
        if self.active:
            self.evaluate()

    def drop_stale(self) -> list[str]:
        """Take out of the plan the changes that no longer apply to the review (a component deleted
        since: "add a replica of cartservice" made the plan's analysis and its PDF fail, each with an
        error dialog); they are said in the status line. Their descriptions, in order.

        They are kept aside with the undo step that took them out (see _undo_moved): its undo puts the
        review back as it was, and the plan too. Dropped for good, an Undo of a delete brought the
        component back and left the plan short of the change the room had agreed on, unsaid."""
        kept, dropped = P.applicable(self.session.review, self.plan)
        if not dropped:
            return []
        out = [(i, c) for i, c in enumerate(self.plan.changes) if not any(c is k for k in kept)]
        if not self._pending_aside:  # told by the undo history in this turn of the event loop, or never
            QTimer.singleShot(0, self, self._forget_pending)
        self._pending_aside.append((self.session.undo_stack.index(), out))
        self.plan.changes = kept
        self._changed()
        self._say(f"Taken out of the plan, no longer applicable: {'; '.join(dropped)}")
        return dropped

    def _forget_pending(self) -> None:
        """No undo step took them out (another program's write taken in, an edit merged into the last
        step): nothing would bring them back."""
        self._pending_aside = []

    def _undo_moved(self, index: int) -> None:
        """The undo history moved to ``index``: changes taken out by a step now undone come back.

        Qt moves the index after the step's command ran (the edit that took them out, see drop_stale),
        so a step is the command between the index before it and ``index``. A history started again (a
        conflict resolved, a new review) or a step no longer in it (undone, then another edit) leads back
        to nothing: what it took out stays out."""
        from shiboken6 import isValid

        stack = self.session.undo_stack
        pending, self._pending_aside = self._pending_aside, []
        if not isValid(stack) or stack.count() == 0:  # (Qt empties a stack it destroys: the window closing)
            self._aside.clear()
            return
        for before, out in pending:
            if index != before:  # (an edit merged into the last step moves no index: nothing to undo apart)
                at = min(before, index)
                self._aside.append((stack.command(at), at, index > before, out))
        back, keep = [], []
        for entry in self._aside:
            cmd, at, done, out = entry
            if at >= stack.count() or stack.command(at) is not cmd:
                continue
            if (index <= at) if done else (index > at):
                back.append(out)
            else:
                keep.append(entry)
        self._aside = keep
        if back:
            self._bring_back(back[::-1])  # the last taken out first: each goes where it was then

    def _bring_back(self, outs: list[list[tuple[int, P.Change]]]) -> None:
        """Put changes taken out of the plan back where they were (``outs``: each step's, the last taken
        out first), those that apply again: none that the plan holds meanwhile, and none if one would
        leave another change of it without anything to apply to."""
        changes = list(self.plan.changes)
        have = {c.key() for c in changes}
        for out in outs:
            for pos, c in out:  # (in the order of the plan they were taken from)
                if c.key() not in have:
                    changes.insert(min(pos, len(changes)), c)
                    have.add(c.key())
        kept, _dropped = P.applicable(self.session.review, P.Plan(self.plan.name, changes, self.plan.description))
        if not all(any(c is k for k in kept) for c in self.plan.changes):
            return
        back = [c for c in kept if not any(c is k for k in self.plan.changes)]
        if not back:
            return
        self.plan.changes = kept
        self._changed()
        self._say(f"Back in the plan: {'; '.join(c.describe() for c in back)}")

    def evaluate(self):
        """Today's verdict and the verdict with the plan, on a worker (two analyses)."""
        if not self.active:
            return None
        self._generation += 1
        gen = self._generation
        self.after.setText("With the plan: analysing…")
        review = self.session.snapshot()
        plan = P.Plan(self.plan.name, list(self.plan.changes), self.plan.description)

        def work(state, review, plan):
            return P.evaluate(review, plan, file="plan")

        def done(res):
            if gen != self._generation:  # a later change is being analysed
                return
            self.result = res
            b, a = res["before"], res["after"]
            self.today.setText(f"Today: <b>{b['verdict']}</b> — {_blockers(b)}, open risk score {b['risk_score']}")
            self.after.setText(f"With the plan: <b>{a['verdict']}</b> — {_blockers(a)}, "
                               f"open risk score {a['risk_score']}")
            self.sig_evaluated.emit(res)

        return self.window_.run_task("Plan analysis", work, review, plan, on_done=done)


def _blockers(side: dict) -> str:
    """A side's launch blockers counted as the findings panel counts them: risks and checklist items."""
    risks = len(side["launch_blockers"])
    items = side.get("checklist_blockers", 0) + side.get("checklist_unanswered_blockers", 0)
    text = f"{risks + items} launch blocker{'s' if risks + items != 1 else ''} ({risks} risk{'s' if risks != 1 else ''}"
    if items:
        text += (f", {items} checklist item{'s' if items != 1 else ''}: {side.get('checklist_blockers', 0)} not met, "
                 f"{side.get('checklist_unanswered_blockers', 0)} unanswered")
    return text + ")"
