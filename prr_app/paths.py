"""Where the app finds its bundled files, and safe file reads and writes.

Every file a user names goes through here:

* :func:`probe` opens it without blocking (a FIFO without a writer never hangs a command),
  refuses folders and devices, and reads a pipe (``prr validate <(cat r.json)``) whole
  instead of sniffing and losing its first bytes;
* :func:`check_output_path` refuses an output path that is empty, in a missing or read-only
  folder, onto a folder or onto a read-only file, before any work is done (exit 2, no folders
  created);
* :func:`atomic_write_bytes` writes beside the target and renames over it: the real file
  behind a symbolic link is replaced (the link stays), its permission bits are kept;
* temporary files are named ``.NAME.PID.RANDOM.tmp``; those of a process that no longer
  runs (a killed save) are removed by the next write or open of ``NAME``
  (:func:`remove_stale_temps`).
"""
from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
import sys
import time
from pathlib import Path
from typing import Callable, TypeVar

from prr_app.errors import PrrError

T = TypeVar("T")


def project_root() -> Path:
    """The folder holding ``schemas/`` and ``resources/``.

    In a PyInstaller bundle this is the bundle's data folder; otherwise the
    repository (the package is installed in editable mode).
    """
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return Path(__file__).resolve().parent.parent


def schema_path(name: str) -> Path:
    return project_root() / "schemas" / name


def resource_path(*parts: str) -> Path:
    return project_root().joinpath("resources", *parts)


def examples_dir() -> Path:
    return resource_path("examples")


def user_data_dir() -> Path:
    """The per-user folder for the app's own data (imported checklist templates...).

    ``$XDG_DATA_HOME/prr-workbench`` (default ``~/.local/share``) on Linux,
    ``~/Library/Application Support/prr-workbench`` on macOS and
    ``%APPDATA%\\prr-workbench`` on Windows. Not created here.
    """
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "")
        base = Path(xdg) if os.path.isabs(xdg) else home / ".local" / "share"
    return base / "prr-workbench"


def _folder(path: Path) -> Path:
    return path.parent if str(path.parent) else Path(".")


def real_target(path: str | Path) -> Path:
    """The file a write to ``path`` must replace: symbolic links resolved (even dangling ones)."""
    return Path(os.path.realpath(path))


# ------------------------------------------------------------------ reading
#: Largest file or pipe content read for a review or an import (bytes).
MAX_READ_BYTES = 512 * 1024 * 1024


def probe(path: str | Path, head: int = 16) -> tuple[str, bytes]:
    """Open what the user named without blocking; return ``("file", first head bytes)`` for a
    regular file, ``("pipe", whole content)`` for a pipe or FIFO. Anything else is a PrrError.

    Never call this on a ``.prr`` that SQLite has open in this process: closing any handle
    on the file drops SQLite's locks on it (the store refuses to open a file twice).
    """
    name = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise PrrError("no such file", file=name) from None
    except IsADirectoryError:
        raise PrrError("is a folder, not a file", file=name) from None
    except OSError as e:
        raise PrrError(f"cannot read: {e.strerror or e}", file=name) from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise PrrError("is a folder, not a file", file=name)
        if stat.S_ISREG(st.st_mode):
            return "file", os.read(fd, head) if head else b""
        if stat.S_ISFIFO(st.st_mode):
            os.set_blocking(fd, True)  # a writer is there (process substitution) or the pipe reads as empty
            return "pipe", _read_all(fd, name)
        raise PrrError("not a regular file (a device or socket); give a file", file=name)
    except OSError as e:
        raise PrrError(f"cannot read: {e.strerror or e}", file=name) from None
    finally:
        os.close(fd)


def head_text(path: str | Path, n: int = 8192) -> str:
    """The first ``n`` bytes of a file as text (undecodable bytes replaced), to recognise its
    format; "" when it cannot be read."""
    try:
        with open(path, "rb") as fh:
            return fh.read(n).decode("utf-8", "replace")
    except OSError:
        return ""


def _read_all(fd: int, name: str) -> bytes:
    chunks, size = [], 0
    while True:
        b = os.read(fd, 1 << 20)
        if not b:
            return b"".join(chunks)
        size += len(b)
        if size > MAX_READ_BYTES:
            raise PrrError(f"more than {MAX_READ_BYTES} bytes; the limit is {MAX_READ_BYTES}", file=name)
        chunks.append(b)


def read_bytes(path: str | Path) -> bytes:
    """The whole content of a regular file or a pipe the user named (see :func:`probe`)."""
    name = str(path)
    kind, data = probe(path, head=0)
    if kind == "pipe":
        return data
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise PrrError(f"cannot read: {e.strerror or e}", file=name) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced since the probe
            raise PrrError("not a regular file", file=name)
        return _read_all(fd, name)
    except OSError as e:
        raise PrrError(f"cannot read: {e.strerror or e}", file=name) from None
    finally:
        os.close(fd)


# ------------------------------------------------------------------ writing
def check_output_path(path: str | Path, *, option: str | None = None) -> Path:
    """Refuse an output path that cannot be written as a file, before any work is done: an empty
    name, a folder, a path in a missing folder or in a folder this user cannot write to, or an
    existing file that is read-only (:func:`refuse_read_only`: an output is refused as an edit is,
    never silently replaced).

    Creates nothing. ``-`` (standard output) is returned as is. ``option``: the option that named
    the path ("--save"), for the message about an empty one.
    """
    if str(path) == "":  # Path("") is Path("."): the current folder, never what was meant
        raise PrrError("the file name is empty; give a file to write", location=option or "command line")
    p = Path(path)
    if str(path) == "-":
        return p
    if str(path).startswith("repo:"):  # the team repository's address form (issue 19)
        raise PrrError("a review in the team repository is not written as an output: push a file with "
                       "'prr repo push FILE' (a file of this name: give its full path)", file=str(path))
    if p.is_dir():
        raise PrrError("is a folder; give a file name to write", file=str(path))
    folder = _folder(real_target(p))
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise PrrError(f"cannot write: the folder {folder} {what}", file=str(path))
    refuse_unwritable_folder(folder, shown=str(path))
    refuse_read_only(p)
    return p


def refuse_unwritable_folder(folder: str | Path, *, shown: str) -> None:
    """Raise when this user cannot create a file in ``folder`` (every write here is a new file
    renamed into place, so a writable file in a read-only folder cannot be replaced either)."""
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PrrError(f"cannot write: the folder {folder} is read-only", file=shown)


_TEMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[0-9a-f]{12}\.tmp(?:-journal)?$")


def new_temp_beside(target: str | Path) -> Path:
    """Create an empty temporary file next to ``target`` (same folder, so a rename is atomic).

    Its permission bits are those of ``target`` if it exists, else 0666 less the umask (what
    any new file gets), never the 0600 of :func:`tempfile.mkstemp`.
    """
    target = Path(target)
    folder = _folder(target)
    remove_stale_temps(target)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = None
    for _ in range(100):
        tmp = folder / f".{target.name}.{os.getpid()}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_CLOEXEC", 0), 0o666)
        except FileExistsError:
            continue
        except FileNotFoundError:
            raise PrrError(f"cannot write: the folder {folder} does not exist", file=str(target)) from None
        except OSError as e:
            raise PrrError(f"cannot write: {e.strerror or e}", file=str(target)) from None
        try:
            if mode is not None:
                os.fchmod(fd, mode) if hasattr(os, "fchmod") else os.chmod(tmp, mode)
        finally:
            os.close(fd)
        return tmp
    raise PrrError("cannot create a temporary file", file=str(target))  # pragma: no cover


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill would end the process there; keep its files
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def remove_stale_temps(target: str | Path) -> int:
    """Remove the temporary files a killed write to ``target`` left (their process is gone)."""
    target = Path(target)
    folder = _folder(target)
    removed = 0
    try:
        names = os.listdir(folder)
    except OSError:
        return 0
    prefix = f".{target.name}."
    for n in names:
        if not n.startswith(prefix):
            continue
        m = _TEMP.match(n)
        if m is None or m.group("name") != target.name or _pid_alive(int(m.group("pid"))):
            continue
        try:
            os.unlink(folder / n)
            removed += 1
        except OSError:
            pass
    return removed


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old or the new file, whole.

    A symbolic link is written through (the file it points to is replaced, the link stays);
    the permission bits of a replaced file are kept.
    """
    shown = str(path)
    if Path(path).is_dir():
        raise PrrError("is a folder; give a file name to write", file=shown)
    target = real_target(path)
    tmp = new_temp_beside(target)
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise PrrError(f"cannot write: {e.strerror or e}", file=shown) from None
        raise
    fsync_folder(target)


def fsync_folder(path: str | Path) -> None:
    """Make a rename into ``path``'s folder durable (POSIX; a no-op where folders cannot be opened)."""
    if sys.platform == "win32":
        return
    try:
        fd = os.open(_folder(Path(path)), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def refuse_read_only(path: str | Path, shown: str | None = None) -> None:
    """Raise if the file is read-only to this user, or marked read-only for everyone (``chmod a-w``:
    root may write anything, but a file its owner made read-only is not one to change in place)."""
    p = real_target(path)
    try:
        mode = os.stat(p).st_mode
    except OSError:
        return  # gone: the caller says so
    if not os.access(p, os.W_OK) or not mode & 0o222:
        raise PrrError("cannot write: the file is read-only", file=str(path) if shown is None else shown)


def atomic_write_text(path: str | Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def lock_file_at(path: str | Path, take: Callable[[int], T], drop: Callable[[T], None], *,
                 shown: str | None = None, gone: str = "no such file", not_regular: str = "not a regular file",
                 timeout: float | None = None) -> tuple[int, T]:
    """Lock the regular file that ``path`` names now, where writers replace the file by rename.

    The file is opened without blocking and kept open, so that its inode number cannot be given
    to a new file meanwhile; ``take(fd)`` locks it (and may wait for the lock). A writer that
    renamed its copy over the path while this one waited has left it holding the lock of a file
    no longer there: it then lets go (``drop``) and starts again on the new file. Returns the
    open descriptor and what ``take`` returned; the caller lets go of the lock first and closes
    the descriptor last (closing any descriptor of a file drops the process's POSIX locks on it).

    ``shown``: the name in messages; ``gone``, ``not_regular``: what to say when the path names
    nothing or not a regular file; ``timeout``: seconds after which a file replaced again and
    again is reported as locked. The one loop behind :func:`locked_file` and the review store's
    write lock (``persistence/store.py``).
    """
    shown = str(path) if shown is None else shown
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            raise PrrError(gone, file=shown) from None
        except OSError as e:
            raise PrrError(f"cannot open: {e.strerror or e}", file=shown) from None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise PrrError(not_regular, file=shown)
            held = take(fd)
            try:
                now = os.stat(path)
            except FileNotFoundError:
                now = None  # renamed away: the next turn says so
            except OSError as e:
                drop(held)
                raise PrrError(f"cannot read: {e.strerror or e}", file=shown) from None
        except BaseException:
            os.close(fd)
            raise
        if now is not None and (now.st_dev, now.st_ino) == (st.st_dev, st.st_ino):
            return fd, held
        drop(held)
        os.close(fd)
        if deadline is not None and time.monotonic() > deadline:
            raise PrrError("the file is locked: another program is saving it; try again", file=shown)


@contextlib.contextmanager
def locked_file(path: str | Path):
    """Hold an exclusive lock on the file at ``path`` for a read-change-write (POSIX ``flock``).

    Yields a file descriptor open on the file, locked. A writer that replaced the file (by
    rename) while this one waited is noticed: the new file is then locked instead
    (:func:`lock_file_at`). Writers of the same file through this function never lose each
    other's changes. Where ``fcntl`` does not exist (Windows) the file is not locked.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        fcntl = None

    def take(fd: int) -> None:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)

    fd, _ = lock_file_at(path, take, lambda _held: None,
                         not_regular="not a regular file; only a file can be changed in place")
    try:
        yield fd
    finally:
        os.close(fd)


def read_fd(fd: int, name: str) -> bytes:
    """The whole content of an open regular file, from its start."""
    os.lseek(fd, 0, os.SEEK_SET)
    return _read_all(fd, name)
