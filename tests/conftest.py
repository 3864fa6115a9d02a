"""Shared test set-up: headless Qt, settings in a temporary folder, review fixtures."""
from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

# Before anything imports Qt: headless, and never the user's real settings.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_SETTINGS_HOME = tempfile.mkdtemp(prefix="prr-test-home-")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_SETTINGS_HOME, "config")
os.environ["XDG_DATA_HOME"] = os.path.join(_SETTINGS_HOME, "data")
os.environ["XDG_CACHE_HOME"] = os.path.join(_SETTINGS_HOME, "cache")
os.environ["PRR_SETTINGS_DIR"] = os.path.join(_SETTINGS_HOME, "settings")
# a person's login name: commands that record who decided something refuse a system account such as
# root (CI, containers) without --by; the tests of that refusal set the login name themselves
os.environ["LOGNAME"] = "test-reviewer"

import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

# `make test` (and CI) runs the same examples every time (derandomize: seeded per test), so that a
# submission is never failed by a rare example met by chance; `HYPOTHESIS_PROFILE=thorough` searches
# afresh, at random and far longer, to find such examples (then kept as @example cases)
settings.register_profile(
    "default", max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("thorough", max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "resources" / "examples"
REALDATA = ROOT.parent / "shared" / "realdata"


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_SETTINGS_HOME, ignore_errors=True)


@pytest.hookimpl(trylast=True)
def pytest_runtest_teardown(item):
    """Destroy the windows a test closed before the next test starts.

    pytest-qt closes a test's widgets and calls ``deleteLater``, which waits for an event loop, so
    the window was destroyed inside the next test's first wait, while that test's own analysis
    worker ran. Twice the whole suite died there with a segmentation fault, on the window of the
    2,000-component test, which was closed at the start of the next test's ``wait_analysis``. The
    app never destroys a window while another window's worker runs: it has one main window."""
    import sys

    if "PySide6.QtCore" not in sys.modules:
        return
    from PySide6.QtCore import QCoreApplication, QEvent

    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture
def webshop_prr(tmp_path):
    """The web shop example as a .prr of its own (a copy: tests may change it)."""
    from prr_app.persistence.store import create_store
    from prr_app.review.document import load_review

    p = tmp_path / "webshop.prr"
    create_store(p, load_review(EXAMPLES / "webshop.json")).close()
    return p


@pytest.fixture
def webshop():
    """The small example as an in-memory review (no file behind it)."""
    from prr_app.interchange.json_io import read_review_json

    return read_review_json(EXAMPLES / "webshop.json")


@pytest.fixture
def platform_review():
    from prr_app.interchange.json_io import read_review_json

    return read_review_json(EXAMPLES / "platform.json")


@pytest.fixture
def prr_file(tmp_path, webshop) -> Path:
    """The small example saved as an on-disk .prr file."""
    from prr_app.persistence.store import create_store

    path = tmp_path / "webshop.prr"
    create_store(path, webshop).close()
    return path


@pytest.fixture
def review_doc(prr_file):
    """An open ReviewDocument on the on-disk example, closed after the test."""
    from prr_app.review.document import ReviewDocument

    doc = ReviewDocument.open(prr_file)
    yield doc
    doc.close()


@pytest.fixture
def win(qtbot, monkeypatch):
    """The main window, shown; it never asks whether to keep unsaved work when the test closes it."""
    from prr_app.ui import main_window as mw

    monkeypatch.setattr(mw.Ask, "keep_unsaved", classmethod(lambda cls, parent, title, **kw: "discard"))
    w = mw.MainWindow(restore_state=False)
    qtbot.addWidget(w)
    w.show()
    return w
