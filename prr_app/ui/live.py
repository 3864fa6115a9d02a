"""Live analysis: re-run the analysis shortly after each edit, off the GUI thread.

An edit that finds the analysis idle starts a run on a worker as soon as the
GUI thread has re-laid out and repainted the graph for it (no debounce wait).
Edits that arrive while a run is in flight (or within a short debounce of
one) coalesce into one follow-up run. Each run
gets a copy of the review (:meth:`ReviewSession.analysis_copy`) and runs
validation and :func:`prr_app.review.assess.assess`. Results of a review that has
changed since are dropped (a newer run is on its way). Only one run is in
flight at a time.

An edit that changes nothing the analysis reads (a name, a description, a note, a
position: :func:`prr_app.review.relevance.same_analysis`) is validated, and the
analysis it would give, equal to the last one, is taken over instead of made again:
its findings are shown in tens of milliseconds instead of most of a second on a
2,000-component review.
"""
from __future__ import annotations

import datetime
import logging
import time

from PySide6.QtCore import QObject, QTimer, Signal

from prr_app.ui.tasks import Task, hold_for_paint, hold_workers, release_workers

log = logging.getLogger(__name__)

#: while a hold applies (:meth:`LiveAnalysis.hold_while`), a run waiting for it looks again this often
#: (besides when told, :meth:`LiveAnalysis.resume`)
HOLD_RECHECK_MS = 50

#: Edits closer together than this make one analysis run. Short: typing in the
#: inspector merges into one command anyway, and a run in flight already
#: coalesces the edits that arrive meanwhile into one follow-up run.
DEBOUNCE_MS = 20


def run_analysis(state, review, previous: dict | None = None, kept: dict | None = None):
    """Worker function: validation problems and the analysis of ``review``.

    ``previous``: the last result (of another state of the review). When ``review`` differs
    from the review it analysed only in what the analysis does not read, its analysis and
    findings are ``review``'s too and are taken over (``res["reused"]``). ``kept``: where the
    :class:`~prr_app.analysis.ShapeMemo` of this review's analyses is kept between runs (made on
    the first: the analysis modules are not imported before), so that graphs an edit left as
    they were are not condensed again."""
    from prr_app.review.assess import assess
    from prr_app.review.relevance import same_analysis
    from prr_app.model.validation import validate

    t0 = time.perf_counter()
    today = datetime.date.today().isoformat()  # acceptances expire: a result of another day is not reused
    problems = validate(review)
    state.check()
    if (not problems and previous is not None and previous.get("analysis") is not None
            and previous.get("today") == today and same_analysis(previous["review"], review)):
        res = dict(previous, review=review, seconds=time.perf_counter() - t0, reused=True)
        return res
    analysis = None
    error = None
    if not problems:
        try:
            memo = None
            if kept is not None:
                from prr_app.analysis import ShapeMemo

                memo = kept.setdefault("memo", ShapeMemo())
            analysis = assess(review, today=today, memo=memo)
        except Exception as e:  # analysis of an odd review: show it, keep the app running
            log.exception("analysis failed")
            error = str(e)
    res = {"problems": problems, "analysis": analysis, "error": error, "seconds": time.perf_counter() - t0,
           "review": review, "reused": False, "today": today}
    # what the GUI thread shows of it, made here: the findings' rows and the boxes' marks (~20-40 ms
    # of Python on a large review, which the GUI thread would spend after every edit)
    from prr_app.ui.findings import canvas_marks, findings_from

    res["findings"] = findings_from(res)
    res["marks"] = canvas_marks(analysis)
    return res


class LiveAnalysis(QObject):
    sig_started = Signal()
    #: the result shown is no longer the review's: an edit came (sent within the edit, so a view
    #: can say "updating" before it is next painted)
    sig_outdated = Signal()
    sig_result = Signal(object)  # dict from run_analysis
    sig_failed = Signal(str)

    def __init__(self, session, parent=None, *, debounce_ms: int = DEBOUNCE_MS):
        super().__init__(parent)
        self.session = session
        self.result: dict | None = None
        self._generation = 0
        self._task: Task | None = None
        self._pending = False
        self._task_generation = 0  # the edit the running task analyses
        self._result_generation = -1  # the edit ``result`` analysed
        self._fresh = True  # the next run analyses afresh (a review opened, F5), reusing no result
        self._kept: dict = {}  # run_analysis keeps the graphs of this review's last analyses here (by value)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._debounce_ms = debounce_ms  # start(ms) sets the interval for good: always pass it
        self._timer.timeout.connect(self._start)
        #: conditions under which no run starts (see hold_while), and whether a run waits for them
        self._holds: list = []
        self.held = False
        session.sig_review_changed.connect(self._on_changed)
        session.sig_review_replaced.connect(self.request_now)

    @property
    def busy(self) -> bool:
        return self._timer.isActive() or (self._task is not None and self._task.running) or self._pending

    def hold_while(self, condition) -> None:
        """Start no run while ``condition()`` is true: a run due meanwhile waits, and starts when the
        holder calls :meth:`resume` (or, at the latest, :data:`HOLD_RECHECK_MS` after the condition
        ends). The window holds the analysis while the canvas draws a large review in stages or
        brings its items in step with an edit's new layout: on one interpreter the analysis worker
        and the GUI thread's drawing share Python's lock, and each made the other wait (blocks of
        the GUI thread of 150-230 ms while a review opened, and longer re-layouts after an edit)."""
        self._holds.append(condition)

    def resume(self) -> None:
        """A hold may have ended: a run that waits for it starts now, if no other hold applies."""
        if self.held:
            self._timer.start(0)

    def current_analysis(self):
        """The analysis of the review as it is now (no edit since it was made), or None.

        A what-if on it reuses its compiled graph: compiling 2,000 components and 8,000
        dependencies again took ~0.3 s of the GUI thread on every selection."""
        if self.result is None or self._result_generation != self._generation:
            return None
        a = self.result.get("analysis")
        return a if getattr(a, "_graph", None) is not None else None

    def _on_changed(self, colls) -> None:
        if colls <= {"layout"}:
            return  # moving boxes changes no finding
        self._generation += 1
        hold_workers(id(self))  # the room waits for these findings: the checklist ahead steps aside
        self.sig_outdated.emit()
        if self.busy:
            self._timer.start(self._debounce_ms)  # coalesce with what is already on its way
        else:
            # idle: start as soon as the GUI thread has drawn this edit (leading edge, no debounce).
            # Not inside the edit itself: the worker would share Python's lock with the re-layout and
            # slow the what-if colours, for no gain in the findings.
            self._timer.start(0)

    def request_now(self) -> None:
        """Analyse the review afresh now (it was replaced, or the user asked: F5)."""
        self._generation += 1
        hold_workers(id(self))
        self._fresh = True
        self._kept = {}  # another review (or F5): nothing of the last one's graphs kept
        self.sig_outdated.emit()
        self._timer.start(0)

    def _start(self) -> None:
        if any(hold() for hold in self._holds):
            self.held = True  # busy meanwhile: the timer runs
            self._timer.start(HOLD_RECHECK_MS)
            return
        self.held = False
        if self._task is not None and self._task.running:
            self._pending = True  # run again when this one ends
            return
        self._pending = False
        self._task_generation = self._generation
        previous = None if self._fresh else self.result
        self._fresh = False
        task = Task("analysis", run_analysis, self.session.analysis_copy(), previous, self._kept)
        # bound methods, not lambdas: Qt drops them when this object goes with a closed window,
        # so a result that arrives afterwards is not emitted from a deleted object
        task.signals.sig_done.connect(self._task_done)
        task.signals.sig_failed.connect(self._failed)
        task.signals.sig_done.connect(self._maybe_again)
        task.signals.sig_failed.connect(self._maybe_again)
        self._task = task
        self.sig_started.emit()
        task.start()

    def _maybe_again(self, *args) -> None:
        if self._pending:
            self._pending = False
            self._timer.start(0)

    def _task_done(self, res) -> None:
        self._done(res, self._task_generation)

    def _done(self, res, gen) -> None:
        if gen != self._generation:
            self._pending = True
            return
        self.result = res
        self._result_generation = gen
        self.sig_result.emit(res)
        # shown: the workers that stepped aside go on once its findings and marks are painted
        hold_for_paint()
        release_workers(id(self))

    def _failed(self, e, _tb=None) -> None:
        release_workers(id(self))
        self.sig_failed.emit(str(e))

    def cancel(self) -> None:
        release_workers(id(self))
        self._timer.stop()
        self.held = False
        if self._task is not None:
            self._task.cancel()
