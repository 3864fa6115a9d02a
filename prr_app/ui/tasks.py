"""Long work off the GUI thread.

A task is a plain function ``fn(state, *args)`` (the orange3 way): it may call
``state.progress(fraction, text)`` and check ``state.cancelled``. It runs on a
``QThreadPool`` worker; only its progress and its end (done or failed) come back
to the GUI thread. The worker catches everything and always reports an end (the
spyder way).

Workers never emit Qt signals themselves: they hand what they report to the GUI
thread through :func:`post`, and the signals are emitted there. A signal emitted
from a worker with Python arguments holds one of Qt's signal/slot mutexes while
it waits for Python's lock; the GUI thread, collecting garbage (which holds
Python's lock), can destroy an unrelated QObject that needs the same pooled
mutex: both threads then wait for ever (seen in tests/test_ui_milestones.py).

For the same reason Python's cyclic garbage collector runs on the GUI thread only while workers
run: it runs in whichever thread's allocation trips its threshold, and a worker collecting the
cycles a closed window or dialog left behind destroys their QObjects on the worker thread; with
the GUI thread destroying other Qt objects at the same time, one waits for a pooled Qt mutex the
other holds, which waits for Python's lock (seen: tests hung in ``qtbot.waitUntil`` while the
analysis worker, inside ``gc_collect_main``, ran a QObject's destructor). While a task runs,
automatic collection is off and the GUI thread's pump collects the young generations instead
(:func:`_collect_on_gui_thread`); when the last task has ended it is on again.
"""
from __future__ import annotations

import functools
import gc
import logging
import queue
import threading
import traceback

from PySide6.QtCore import QCoreApplication, QObject, QThread, QThreadPool, QTimer, Signal

log = logging.getLogger(__name__)

#: what workers hand to the GUI thread: (function, arguments), run there in order
_inbox: queue.SimpleQueue = queue.SimpleQueue()
_pump: QTimer | None = None
#: how often the GUI thread looks for what workers handed over (ms)
PUMP_MS = 10
#: tasks started and not yet ended, by key (held on the GUI thread); while any runs, the cyclic
#: garbage collector runs on the GUI thread only (see the module's note). A worker reaches its
#: task through this and holds no reference of its own once it has reported its end, so a task
#: whose owner let go of it meanwhile (a layout or autosave superseded, a window closed) goes on
#: the GUI thread, its ``TaskSignals`` with it: never on the worker, where destroying a QObject of
#: the GUI thread races the GUI thread's own use of Qt.
_running: dict = {}
#: automatic collection was switched off here (and is switched on again when no task runs)
_gc_held = False


def _task_started(task: "Task") -> None:
    """GUI thread: a task is about to run; collect no more on other threads."""
    global _gc_held
    _running[id(task)] = task
    if gc.isenabled():
        gc.disable()
        _gc_held = True


def _task_ended(key: int) -> None:
    """GUI thread (posted by the worker after its last report): one task fewer."""
    _running.pop(key, None)
    _collect_on_gui_thread()


def _collect_on_gui_thread() -> None:
    """While automatic collection is held, collect here the young generations as it would have.
    Full passes (generation 2: every object of the app, 0.1-0.3 s on a large review) are left to
    Python itself, once no task runs: it puts them off until many objects were promoted since the
    last, which it does not tell, and only the GUI thread then runs the app's Python."""
    global _gc_held
    if not _gc_held:
        return
    if not _running:
        _gc_held = False
        gc.enable()
        return
    c0, c1, _c2 = gc.get_count()
    t0, t1, _t2 = gc.get_threshold()
    if t0 <= 0 or c0 <= t0:
        return
    gc.collect(1 if c1 >= t1 else 0)


def post(fn, *args) -> None:
    """Run ``fn(*args)`` on the GUI thread soon; safe from any thread (see the module's note)."""
    _inbox.put((fn, args))


def deliver(fn, *args) -> None:
    """``fn(*args)`` now on the GUI thread, or handed to it (:func:`post`) from any other."""
    app = QCoreApplication.instance()
    if app is not None and app.thread() is QThread.currentThread():
        fn(*args)
    else:
        post(fn, *args)


def start_pump() -> None:
    """Make sure the GUI thread runs what :func:`post` hands over (call on the GUI thread)."""
    global _pump
    app = QCoreApplication.instance()
    if _pump is not None and _pump.parent() is app:
        return
    _pump = QTimer(app)
    _pump.setInterval(PUMP_MS)
    _pump.timeout.connect(_drain)
    _pump.start()


#: turns of :func:`_drain` in a row that handed reports over and put the young collections off
_collections_put_off = 0


def _drain() -> None:
    """Each report becomes an event of its own: a report whose handler opens a modal dialog (a
    nested event loop) must not hold up the reports after it, as it would if it ran inside this
    timer's slot (Qt does not fire a timer again while its slot runs)."""
    handed = False
    while True:
        try:
            fn, args = _inbox.get_nowait()
        except queue.Empty:
            break
        handed = True
        QTimer.singleShot(0, functools.partial(_deliver, fn, args))
    # a worker's result is shown before its garbage is collected (10-30 ms of young collections
    # after an edit's analysis on a 2,000-component review): this turn if nothing came, else the
    # next, unless a stream of reports would put it off for long
    global _collections_put_off
    if handed and _collections_put_off < 5:
        _collections_put_off += 1
        return
    _collections_put_off = 0
    _collect_on_gui_thread()


def flush_reports() -> None:
    """Deliver now, on the GUI thread, every report workers have handed over (after waiting for
    the workers, before a window closes: their results still reach it)."""
    while True:
        try:
            fn, args = _inbox.get_nowait()
        except queue.Empty:
            return
        _deliver(fn, args)


def _deliver(fn, args) -> None:
    try:
        fn(*args)
    except RuntimeError as e:  # "Signal source has been deleted": its window is gone
        log.info("a worker's report arrived after its window closed (%s)", e)


#: how long workers step aside for a page just shown, or a frame of a zoom or a pan: its paint
#: comes within the next turns of the event loop (30-60 ms of the GUI thread on 2,000 components
#: when nothing runs beside it)
HOLD_FOR_PAINT_MS = 150
_hold_until = 0.0  # (time.monotonic) workers that can step aside wait until then


def hold_for_paint() -> None:
    """A page was just shown, or the canvas zoomed or scrolled: workers that can step aside
    (:func:`step_aside`) wait for ``HOLD_FOR_PAINT_MS`` while it is painted; each call moves the
    end of the hold, so a gesture holds them until it rests. Beside a worker running Python, the
    GUI thread waited for Python's lock at each call into Qt: a tab's first paint took 250-370 ms
    of wall time for 30-45 ms of CPU while the checklist was evaluated on 2,000 components, and the
    first frames of a zoom 190-290 ms for 10 ms. A plain deadline, no timer or watcher object:
    nothing is left behind on a page that never paints."""
    import time

    global _hold_until
    _hold_until = time.monotonic() + HOLD_FOR_PAINT_MS / 1000


def holding() -> bool:
    """Workers that can step aside are held now (see :func:`hold_for_paint`)."""
    import time

    return time.monotonic() < _hold_until


#: urgent work under way (an edit's analysis, from the edit until its findings are shown): its
#: holder's key -> when it began. Workers that can step aside wait while any is under way, for at
#: most ``URGENT_HOLD_MAX_S`` from its start (a hold its holder never ended holds nobody for long).
_urgent: dict = {}
URGENT_HOLD_MAX_S = 3.0
#: how often a worker stepping aside looks again whether the urgent work ended (s)
URGENT_POLL_S = 0.005


def hold_workers(key) -> None:
    """GUI thread: urgent work begins (see ``_urgent``); workers that can step aside wait for it."""
    import time

    _urgent.setdefault(key, time.monotonic())


def release_workers(key) -> None:
    """GUI thread: the urgent work of ``key`` is done."""
    _urgent.pop(key, None)


def urgent_under_way() -> bool:
    """Urgent work is under way (see ``_urgent``): work that can wait waits."""
    import time

    now = time.monotonic()
    return any(now - t < URGENT_HOLD_MAX_S for t in list(_urgent.values()))


def step_aside() -> None:
    """A worker's pause point: while the window paints what was just shown, wait, until the hold's
    deadline (moved on by every frame of a gesture); on a worker, wait too while urgent work is
    under way (the checklist evaluated ahead on 2,000 components took half the interpreter while an
    edit was drawn and analysed beside it: findings 0.5-0.8 s after the edit instead of 0.25 s). A thread
    waiting here holds nothing: the GUI thread is never held up past the hold's deadline."""
    import time

    on_gui = threading.get_ident() == threading.main_thread().ident  # (no dummy Thread made for a pool thread)
    while True:
        left = _hold_until - time.monotonic()
        if left > 0:
            time.sleep(left)
        elif _urgent and not on_gui and urgent_under_way():
            time.sleep(URGENT_POLL_S)
        else:
            return


class Cancelled(Exception):
    """Raised by ``TaskState.check()`` when the user cancelled."""


class TaskState:
    def __init__(self, signals: "TaskSignals"):
        self._signals = signals
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def progress(self, fraction: float, text: str = "") -> None:
        post(self._signals.sig_progress.emit, float(fraction), text)


class TaskSignals(QObject):
    sig_progress = Signal(float, str)
    sig_done = Signal(object)
    sig_failed = Signal(object, str)  # exception, formatted traceback
    sig_cancelled = Signal()


def _run(key: int) -> None:
    """A task's body on a pool thread. Given to the pool as a plain callable: Qt wraps it in a
    QRunnable of its own, made and deleted in C++ (a Python subclass of QRunnable with autoDelete
    is deleted by the pool thread, its Python wrapper with it, while the GUI thread may be
    collecting garbage). It holds the task's key, not the task: :func:`_body` has let go of the
    task before its end is posted (see ``_running``)."""
    _body(_running[key])
    post(_task_ended, key)


def _body(t: "Task") -> None:
    try:
        result = t.fn(t.state, *t.args)
    except Cancelled:
        _emit(t, t.signals.sig_cancelled)
    except BaseException as e:  # noqa: BLE001 - a worker always reports its end
        tb = traceback.format_exc()
        from prr_app.errors import PrrError

        if isinstance(e, PrrError):  # bad input: the dialog says it all
            log.info("task %s: %s", t.name, e)
        else:
            log.error("task %s failed:\n%s", t.name, tb)
        _emit(t, t.signals.sig_failed, e, tb)
    else:
        if t.state.cancelled:
            _emit(t, t.signals.sig_cancelled)
        else:
            _emit(t, t.signals.sig_done, result)


def _emit(task, signal, *args) -> None:
    """Report a task's end, emitted on the GUI thread (if the window that started it is gone,
    there is nobody left to tell: :func:`_drain` says so in the log)."""
    post(signal.emit, *args)


class Task:
    """A function run on the shared thread pool; connect to ``signals`` before ``start()``."""

    def __init__(self, name: str, fn, *args):
        self.name = name
        self.fn = fn
        self.args = args
        self.signals = TaskSignals()
        self.state = TaskState(self.signals)
        self.running = False
        self.signals.sig_done.connect(self._ended)
        self.signals.sig_failed.connect(self._ended)
        self.signals.sig_cancelled.connect(self._ended)

    def _ended(self, *args) -> None:
        self.running = False

    def start(self, pool: QThreadPool | None = None) -> "Task":
        start_pump()
        self.running = True
        _task_started(self)
        (pool or QThreadPool.globalInstance()).start(functools.partial(_run, id(self)))
        return self

    def cancel(self) -> None:
        self.state.cancel()


def wait_for(name: str, fn, *args, label: str = "", parent=None):
    """Run ``fn(state, *args)`` on a worker and return its result (or raise its exception), the
    GUI thread turning its event loop meanwhile: the window repaints and timers run, where a
    direct call would freeze it. A modal progress dialog (``label``; shown only if the work
    lasts) keeps the user's input out of the windows while the caller waits."""
    from PySide6.QtCore import QEventLoop, Qt
    from PySide6.QtWidgets import QApplication, QProgressDialog

    loop = QEventLoop()
    out: dict = {}
    task = Task(name, fn, *args)
    task.signals.sig_done.connect(lambda res: (out.setdefault("result", res), loop.quit()))
    task.signals.sig_failed.connect(lambda e, _tb: (out.setdefault("error", e), loop.quit()))
    task.signals.sig_cancelled.connect(lambda: (out.setdefault("error", Cancelled()), loop.quit()))
    dlg = QProgressDialog(label or name, "", 0, 0, parent or QApplication.activeWindow())
    dlg.setCancelButton(None)
    dlg.setWindowTitle(name)
    dlg.setWindowModality(Qt.WindowModality.ApplicationModal)
    dlg.setMinimumDuration(300)
    task.start()
    loop.exec()
    dlg.reset()
    dlg.deleteLater()
    if "error" in out:
        raise out["error"]
    return out["result"]
