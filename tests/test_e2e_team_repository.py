"""The team repository in the app, end to end through the real window against a throwaway
PostgreSQL (the server of tests/test_teamrepo.py): Take Milestone is not offered for a review
open from the repository, and a login the server refuses mid-session is said as such (a
dialog), not as a server that went away."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_teamrepo import _example, _login, pg, repo, repo_url  # noqa: E402,F401
from test_ui_repository import WAIT_MS, edit, shop, window  # noqa: E402,F401

from prr_app.review import edits  # noqa: E402

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def test_take_milestone_is_not_offered_for_a_review_open_from_the_repository(qtbot, monkeypatch, shop, tmp_path):
    from prr_app.review.document import save_review
    from prr_app.ui import milestones as uim

    asked = []
    monkeypatch.setattr(uim.AskMilestone, "name",
                        classmethod(lambda cls, parent: asked.append(parent) or ("pre-launch", "")))
    w = window(qtbot, monkeypatch)
    assert w.repository.open("shop")
    action, button = w.a_take_milestone, w.milestones.b_take
    assert not action.isEnabled() and not button.isEnabled()
    for tip in (action.toolTip(), button.toolTip()):
        assert "kept in .prr files" in tip and "prr repo pull" in tip
    action.trigger()  # Analysis > Take Milestone: off, nothing happens
    assert w.take_milestone() is None  # and asked directly, it says why before asking anything
    assert asked == [] and not w.session.review.milestones
    assert "kept in .prr files" in w.statusBar().currentMessage()
    # the review goes on being saved to the repository
    edit(w, "components", "cart-db", owner="after the milestone try")
    assert shop.pull("shop").review.components["cart-db"].owner == "after the milestone try"
    assert not w.repository.document.pending and "refused" not in w.statusBar().currentMessage()

    # a .prr file opened in the same window takes milestones again
    f = tmp_path / "shop.prr"
    save_review(_example(), f)
    assert w.open_path(str(f))
    assert action.isEnabled() and button.isEnabled() and "kept in .prr files" not in action.toolTip()
    assert w.take_milestone() is not None and len(w.session.review.milestones) == 1
    w.close()


def test_a_password_changed_mid_session_is_said_as_refused_credentials(qtbot, monkeypatch, pg, shop):
    from sqlalchemy.engine import make_url

    from prr_app.ui import repository as uirepo

    monkeypatch.setattr(uirepo, "REFUSED_RETRY_MS", 500)
    db = make_url(shop.url).database
    user = f"{db}_dave"
    w = window(qtbot, monkeypatch, url=_login(pg, db, user, "reviewer", password="davepw"))
    assert w.repository.open("shop")
    pg.psql(db, f"ALTER ROLE \"{user}\" PASSWORD 'rotated'")
    w.repository.document.doc.repo.close()  # a fresh connection, as after an idle timeout
    w.push("Edit cart-db", edits.set_fields(w.session.review, "components", "cart-db", owner="dave's edit"))
    qtbot.waitUntil(lambda: bool(w.repository.notices), timeout=WAIT_MS)  # the autosave's push
    title, text = w.repository.notices[-1]
    assert title == "The repository refused the credentials"
    assert "password authentication failed" in text and "davepw" not in text
    assert "cannot reach" not in text and "unreachable" not in text
    assert not w.repository.offline
    state = w.repository.label.text()
    assert "refused the credentials" in state and "unreachable" not in state and "when the server is back" not in state
    local = w.repository.document.local
    assert local is not None and local.exists()  # the edit kept meanwhile
    # told once: the retries (and a second edit) say nothing more
    w.push("Edit catalog-db", edits.set_fields(w.session.review, "components", "catalog-db", owner="dave again"))
    qtbot.wait(1500)
    assert len(w.repository.notices) == 1
    # the password back: the next try puts both edits in the repository, and the window says so
    pg.psql(db, f"ALTER ROLE \"{user}\" PASSWORD 'davepw'")
    qtbot.waitUntil(lambda: shop.pull("shop").review.components["catalog-db"].owner == "dave again",
                    timeout=WAIT_MS)
    assert shop.pull("shop").review.components["cart-db"].owner == "dave's edit"
    qtbot.waitUntil(lambda: not w.repository.refused and "live" in w.repository.label.text(), timeout=WAIT_MS)
    assert not local.exists()
    w.close()


def test_a_wrong_password_when_opening_says_the_credentials_were_refused(qtbot, monkeypatch, pg, shop):
    from sqlalchemy.engine import make_url

    db = make_url(shop.url).database
    _login(pg, db, f"{db}_erin", "reviewer", password="right")
    w = window(qtbot, monkeypatch, url=pg.tcp_url(db, f"{db}_erin", "WRONG"))
    assert not w.repository.open("shop")
    title, text = w.repository.notices[-1]
    assert title == "Cannot open the review" and "refused the credentials" in text and "cannot reach" not in text
    w.close()
