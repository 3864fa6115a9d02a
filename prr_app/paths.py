"""Where the app finds its bundled files, and safe file writes."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


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


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old or the new file."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
