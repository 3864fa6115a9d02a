"""Work done ahead, in forked helper processes, while the analysis goes on.

Much of ``prr analyze --json`` is work the next steps do not wait for at once:
the checklist's headline figures (read by the verdict, at the end), composite
availability and the common-cause findings (read by the risk register, after
the SPOFs' risks) and the JSON of the SPOF, failure-domain and blast-radius
sections (written last). The command line forks the first helper before the
review is even parsed (:func:`prr_app.analysis.engine.start_ahead`: it parses
the same bytes itself, so the two processes share almost no memory to copy on
write); ``analyze(parallel=True, for_json=True)`` forks the second once the
SPOFs' severities are known. Each child writes its bytes into an anonymous
file; the parent takes them when it needs them (the JSON sections go from that
file to stdout by ``sendfile``). The result is byte-identical: the child runs
the same code on the same data.

Only where it is safe and likely to gain time: POSIX ``fork`` with no other
thread running (forking a threaded process can deadlock the child) and a spare
processor core (:func:`spare_core`). When anything goes wrong
in the child (an exception, a signal, a short file) :meth:`Ahead.result` says
``None`` and the caller does the work itself, as without ``parallel``.
"""
from __future__ import annotations

import os
import signal
import tempfile
import threading
import time
import weakref
from array import array


def available() -> bool:
    """Can work be forked off here, and would it gain time (POSIX fork, no other thread, a spare core)?
    ``PRR_NO_HELPERS=1`` in the environment turns helpers off."""
    if os.environ.get("PRR_NO_HELPERS", "") not in ("", "0"):
        return False
    return hasattr(os, "fork") and threading.active_count() == 1 and spare_core()


#: The helpers forked and not collected yet (pids).
_live: set[int] = set()


def _ours_running() -> int:
    """Our own helpers running now (Linux; elsewhere 0): the parent knows they will end soon."""
    n = 0
    for pid in list(_live):
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                state = f.read().rsplit(b")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        n += state in (b"R", b"D")
    return n


def spare_core() -> bool:
    """Is a processor core idle right now? At least two cores, and fewer other processes running
    than cores minus one (Linux: the count of runnable threads in ``/proc/loadavg``, this one
    included; elsewhere the one-minute load average, at least half a core below the count).

    Our own helpers still running are not counted: they end before this process does.

    A helper costs work of its own (the fork, and copying the memory pages either process writes to
    while both live: about 0.15 s of system time at 10,000 components); it pays only when it runs
    beside the parent, not in turns with it. Measured at 10,000 components: 0.2 s faster with a core
    idle, 0.2 s slower when another process kept one busy.
    """
    try:
        ncpu = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        ncpu = os.cpu_count() or 1
    if ncpu < 2:
        return False
    running = _running()
    if running is not None:
        # our own helpers are not someone else's work: they end before we do
        running -= _ours_running() if _live else 0
        # a count is a snapshot: a kernel thread or a process waking for a moment shows in one;
        # a process that keeps a core busy shows in every one. Up to three looks, 0.5 ms apart.
        for _ in range(2):
            if running - 1 <= ncpu - 2:
                return True
            time.sleep(0.0005)
            running = _running() or running
        return running - 1 <= ncpu - 2
    try:  # pragma: no cover - not Linux
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # pragma: no cover - no load average here
        return True
    return load <= ncpu - 0.5  # pragma: no cover


def _running() -> int | None:
    """Runnable threads now, this one included (Linux), else None."""
    try:
        with open("/proc/loadavg", "rb") as f:
            return int(f.read().split()[3].split(b"/")[0])
    except (OSError, ValueError, IndexError):
        return None


def _anonymous_file() -> int:
    """A file descriptor of an unnamed temporary file (in memory where the OS offers it)."""
    if hasattr(os, "memfd_create"):
        try:
            return os.memfd_create("prr-ahead", os.MFD_CLOEXEC)
        except OSError:  # pragma: no cover - e.g. a sandbox without memfd
            pass
    f = tempfile.TemporaryFile()
    fd = os.dup(f.fileno())
    f.close()
    return fd


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _reap(pid: int, fd: int) -> None:
    _live.discard(pid)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:  # pragma: no cover - already reaped
        pass
    try:
        os.close(fd)
    except OSError:  # pragma: no cover
        pass


class Ahead:
    """``work()`` (returning bytes) run in a forked child; :meth:`result` collects the bytes.

    If the fork fails the object is inert and :meth:`result` returns ``None``.
    A child never collected is reaped when the object is garbage.
    """

    def __init__(self, work):
        self._pid: int | None = None
        self._fd = -1
        self._done = False
        if not (hasattr(os, "fork") and threading.active_count() == 1):  # the caller judged the load
            return
        fd = _anonymous_file()
        try:
            pid = os.fork()
        except OSError:  # pragma: no cover - out of processes / memory
            os.close(fd)
            return
        if pid == 0:  # the child: do the work, write it, leave without any clean-up of the parent's state
            code = 1
            try:
                data = work()
                _write_all(fd, len(data).to_bytes(8, "little"))
                _write_all(fd, data)
                code = 0
            except BaseException:  # noqa: BLE001 - the parent will do the work itself
                pass
            finally:
                os._exit(code)
        self._pid, self._fd = pid, fd
        _live.add(pid)
        self._finalizer = weakref.finalize(self, _reap, pid, fd)

    def cancel(self) -> None:
        """Stop the child and forget its work (once; nothing happens without a child)."""
        if self._pid is None or self._done:
            return
        self._done = True
        self._finalizer.detach()
        _live.discard(self._pid)
        try:
            os.kill(self._pid, signal.SIGKILL)
        except OSError:  # pragma: no cover - already gone
            pass
        _reap(self._pid, self._fd)

    @property
    def started(self) -> bool:
        return self._pid is not None

    def _collect(self) -> tuple[int, int] | None:
        """Wait for the child: its file (descriptor, size) if it ended well and wrote all it said
        it would, else ``None`` (the file closed). Once."""
        if self._pid is None or self._done:
            return None
        self._done = True
        self._finalizer.detach()
        pid, fd = self._pid, self._fd
        _live.discard(pid)
        try:
            _, status = os.waitpid(pid, 0)
            size = os.fstat(fd).st_size
            if (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and size >= 8
                    and int.from_bytes(os.pread(fd, 8, 0), "little") == size - 8):
                return fd, size
        except OSError:  # pragma: no cover
            pass
        os.close(fd)
        return None

    def result(self) -> bytes | None:
        """The child's bytes (waits for it), or ``None`` if it failed or never started. Once."""
        got = self._collect()
        if got is None:
            return None
        fd, size = got
        try:
            return _pread_all(fd, size - 8, 8)
        except OSError:  # pragma: no cover
            return None
        finally:
            os.close(fd)

    def result_parts(self) -> FileParts | None:
        """The child's result, a :func:`pack` of parts, left where the child wrote it (waits for it):
        the parts can be copied to an output file by the kernel, without coming through this
        process. ``None`` if the child failed or never started. Once."""
        got = self._collect()
        if got is None:
            return None
        fd, size = got
        try:
            n = int.from_bytes(_pread_all(fd, 8, 8), "little") if size >= 16 else -1
            if 0 <= n <= (size - 16) // 8:
                lens = array("q")
                lens.frombytes(_pread_all(fd, 8 * n, 16))
                pos = 16 + 8 * n
                if pos + sum(lens) == size:
                    spans = []
                    for ln in lens:
                        spans.append((pos, ln))
                        pos += ln
                    parts, fd = FileParts(fd, spans), -1
                    return parts
        except OSError:  # pragma: no cover
            pass
        finally:
            if fd >= 0:
                os.close(fd)
        return None


def _pread_all(fd: int, length: int, offset: int) -> bytes:
    data = os.pread(fd, length, offset)
    while len(data) < length:  # pragma: no cover - pread may return less
        more = os.pread(fd, length - len(data), offset + len(data))
        if not more:
            raise OSError("the helper's file is shorter than it says")
        data += more
    return data


class FileParts:
    """Parts of a file (``(offset, length)`` spans of the descriptor ``fd``, which it owns)."""

    def __init__(self, fd: int, spans: list[tuple[int, int]]):
        self.fd = fd
        self.spans = spans

    def __len__(self) -> int:
        return len(self.spans)

    def read(self, i: int) -> bytes:
        off, ln = self.spans[i]
        return _pread_all(self.fd, ln, off)

    def write_to(self, i: int, out) -> None:
        """Write part ``i`` to the binary file ``out``: by the kernel (``sendfile``) when ``out`` is
        an operating-system file, else through memory."""
        try:
            fileno = out.fileno()
        except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError
            fileno = None
        off, ln = self.spans[i]
        if fileno is not None and hasattr(os, "sendfile"):
            out.flush()
            try:
                while ln:
                    sent = os.sendfile(fileno, self.fd, off, ln)
                    if sent == 0:  # pragma: no cover
                        break
                    off += sent
                    ln -= sent
                return
            except OSError as e:
                if isinstance(e, BrokenPipeError) or off != self.spans[i][0]:
                    raise  # the reader left, or part of it went out: not a case for another way
        out.write(_pread_all(self.fd, ln, off))

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def pack(parts: list[bytes]) -> bytes:
    """Many byte strings as one: their count, their lengths, then the bytes."""
    lens = array("q", [len(p) for p in parts])
    return len(parts).to_bytes(8, "little") + lens.tobytes() + b"".join(parts)
