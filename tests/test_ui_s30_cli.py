"""Round 30: File > Import into the open review of files that have not changed.

The re-import said "no changes" and still pushed an undo step ("Re-import kubernetes (no changes)"):
the use case (``review/importing.py``, which ``prr import --into`` calls too) returned a copy of the
review with one more import record and every proposal re-dated. Now it returns the review it went into.
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from prr_app.interchange.json_io import review_to_dict

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]

BOUTIQUE = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata" / "online-boutique" / \
    "kubernetes-manifests.yaml"


@pytest.fixture
def reports(monkeypatch):
    from prr_app.ui import main_window as mw

    shown = []
    monkeypatch.setattr(mw.Ask, "show_report", classmethod(lambda cls, parent, title, head, lines: shown.append(head)))
    return shown


def run_import(qtbot, w, *args, **kw):
    t = w.import_paths(*args, **kw)
    qtbot.waitUntil(lambda: not t.running, timeout=30000)
    qtbot.wait(10)
    return t


def _next_second() -> None:
    """Import records are timed to the second; a re-import in the same second as the import ties with it."""
    now = int(time.time())
    while int(time.time()) == now:
        time.sleep(0.02)


def test_reimport_of_unchanged_files_pushes_no_undo_step(qtbot, win, tmp_path, reports):
    if not BOUTIQUE.exists():
        pytest.skip("shared/realdata is not beside the repository")
    src = tmp_path / "k8s.yaml"
    shutil.copy(BOUTIQUE, src)
    run_import(qtbot, win, [str(src)])
    assert "cartservice" in win.session.review.components
    from prr_app.review.edits import change_fields

    # a reviewer's edit the files do not say: the re-import keeps it, and it is no change of the re-import's
    win.push("Owner", [change_fields(win.session.review, "components", "cartservice", owner="team-cart")])
    _next_second()
    before = review_to_dict(win.session.review)
    depth = win.session.undo_stack.count()
    text = win.session.undo_stack.undoText()
    run_import(qtbot, win, [str(src)], into=True)
    assert win.session.undo_stack.count() == depth  # no "Re-import kubernetes (no changes)" step
    assert win.session.undo_stack.undoText() == text == "Owner"
    assert review_to_dict(win.session.review) == before  # not even a new import record
    assert "already matched the source" in reports[-1]  # (with the hand edits it kept counted)
    # the files change: one step, and Undo takes it back
    text = src.read_text()
    at = text.index("\nspec:\n", text.index("  name: adservice\n")) + len("\nspec:\n")
    src.write_text(text[:at] + "  replicas: 3\n" + text[at:])
    run_import(qtbot, win, [str(src)], into=True)
    assert win.session.undo_stack.count() == depth + 1
    assert win.session.review.components["adservice"].replicas == 3
    assert len(win.session.review.imports) == 2
    win.session.undo_stack.undo()
    assert review_to_dict(win.session.review) == before
