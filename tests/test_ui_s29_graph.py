"""Session 29's graph defects, driven through the real window: pasted boxes landed on other boxes
(and after reopening the file the copy hid its original); the band's label and its SPOF mark were
drawn under the first row's badges; Undo left the delete's message in the status bar, and a long
what-if lost the chain's end; a finding's dashed highlight stayed beside what Fail This fails, and a
failed failure domain's label did not say FAILED."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtTest import QTest

from prr_app.interchange.json_io import review_from_dict
from ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]

EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"
SHOTS = os.environ.get("PRR_TEST_SHOTS")  # a folder: the screenshots are kept there


def shot(win, name: str) -> None:
    if SHOTS:
        win.grab().save(str(Path(SHOTS) / name))


@pytest.fixture
def cluster_prr(tmp_path):
    """The web shop as an import of one Kubernetes checkout reads (Online Boutique, sock shop): no
    zone stated, every box sharing the cluster, no saved positions: one band, labelled with the
    cluster and marked SPOF."""
    from prr_app.persistence.store import create_store

    data = json.loads((EXAMPLES / "webshop.json").read_text(encoding="utf-8"))
    data["layout"] = []
    for c in data["components"]:
        c.pop("placement", None)
        c["shared_domains"] = ["k8s-prod"]
    p = tmp_path / "cluster.prr"
    create_store(p, review_from_dict(data)).close()
    return p


def open_at(qtbot, win, path):
    win.resize(1280, 800)
    assert win.open_path(str(path))
    wait_analysis(qtbot, win)


def overlaps(win) -> list:
    items = [(k, QRectF(it.x(), it.y(), it.w, it.h)) for k, it in win.scene.nodes.items() if not it.is_group]
    out = []
    for i, (a, ra) in enumerate(items):
        for b, rb in items[i + 1:]:
            r = ra.intersected(rb)
            if r.width() > 0 and r.height() > 0:
                out.append((a, b))
    return out


# ------------------------------------------------------------ 1: paste lands on no other box
def test_pasted_boxes_land_on_no_box_and_still_do_after_reopening(qtbot, win, cluster_prr, monkeypatch):
    from prr_app.ui import main_window as mw

    open_at(qtbot, win, cluster_prr)
    assert overlaps(win) == []
    win.scene.select_ids(["storefront", "edge-gateway"])
    win.copy_selection()
    win.paste()
    wait_analysis(qtbot, win)
    assert {"storefront-copy", "edge-gateway-copy"} <= set(win.scene.nodes)
    shot(win, "s29_paste.png")
    assert overlaps(win) == []
    # the copies keep their arrangement
    a, b = win.scene.nodes["storefront"], win.scene.nodes["edge-gateway"]
    ca, cb = win.scene.nodes["storefront-copy"], win.scene.nodes["edge-gateway-copy"]
    assert (round(ca.x() - cb.x()), round(ca.y() - cb.y())) == (round(a.x() - b.x()), round(a.y() - b.y()))
    assert win.save()
    win.close()
    win2 = mw.MainWindow(restore_state=False)
    qtbot.addWidget(win2)
    win2.show()
    open_at(qtbot, win2, cluster_prr)
    shot(win2, "s29_paste_reopened.png")
    assert overlaps(win2) == []


# ------------------------------------------------------------ 2: the band's label is readable
def test_no_box_covers_the_bands_label(qtbot, win, cluster_prr):
    open_at(qtbot, win, cluster_prr)
    assert win.scene.regions
    for did, reg in win.scene.regions.items():
        strip = reg.mapRectToScene(reg.label_rect())  # the strip a click selects the domain in
        text = reg.label.sceneBoundingRect()  # the label's words, SPOF with them
        for c, it in win.scene.nodes.items():
            # a box with its badges (the SPOF badge reached into the strip), a group's frame
            assert not it.sceneBoundingRect().intersects(text), (did, c)
            if not it.is_group:
                assert not it.sceneBoundingRect().intersects(strip), (did, c)
    band = next(r for r in win.scene.regions.values() if r.shared)
    assert band.label.text().endswith("SPOF")
    shot(win, "s29_band_label.png")


# ------------------------------------------------------------ 4: the status bar
def test_undo_and_redo_replace_the_deletes_message(qtbot, win, cluster_prr):
    open_at(qtbot, win, cluster_prr)
    sb = win.statusBar()
    win.delete_elements(["cart-db"])
    wait_analysis(qtbot, win)
    assert sb.currentMessage().startswith("Deleted; updated:")
    win.undo()
    wait_analysis(qtbot, win)
    assert "cart-db" in win.session.review.components
    assert sb.currentMessage() == "Undone: Delete cart-db"
    win.redo()
    wait_analysis(qtbot, win)
    assert sb.currentMessage() == "Redone: Delete cart-db"


def test_a_long_what_if_keeps_the_chains_end_in_sight(qtbot, win, cluster_prr):
    open_at(qtbot, win, cluster_prr)
    label = win.whatif_label
    text = ("Blast radius of a-very-long-component-name: 5 down  ·  0 degraded  ·  journeys DOWN: checkout  ·  "
            "chain: " + " → ".join(f"service-number-{i}" for i in range(12)) + " → the-end-of-the-chain")
    label.setText(text)
    qtbot.wait(20)
    shown = label.shown_text()
    assert label.width() < label.fontMetrics().horizontalAdvance(text)  # it does not fit at 1280 px
    assert shown.endswith("the-end-of-the-chain") and "…" in shown
    assert label.toolTip() == text
    sb = win.statusBar()
    sb.showMessage("Deleted; updated: " + "; ".join(f"call {i} on a-long-name goes with it" for i in range(9)))
    assert sb.message_label.shown_text().endswith("goes with it") and sb.message_label.toolTip().startswith("Deleted")


# ------------------------------------------------------------ 5: Fail This after a finding
def test_failing_a_box_clears_a_findings_highlight(qtbot, win, cluster_prr):
    open_at(qtbot, win, cluster_prr)
    win.show_elements(["catalog-db"])  # as a click on a finding does
    assert win.scene.nodes["catalog-db"].highlight
    win.scene.select_ids(["cart-db"])
    win.view.setFocus()
    QTest.keyClick(win.view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)  # Fail This
    qtbot.waitUntil(lambda: win.scene.nodes["cart-db"].state == "failed", timeout=3000)
    assert not any(it.highlight for it in win.scene.nodes.values())
    shot(win, "s29_fail_after_finding.png")


def test_a_failed_domains_label_says_failed(qtbot, win, cluster_prr):
    open_at(qtbot, win, cluster_prr)
    did, band = next((d, r) for d, r in win.scene.regions.items() if r.shared)
    win.toggle_fail_mode(True)
    win.fail(did)
    qtbot.waitUntil(lambda: band.state == "failed", timeout=3000)
    assert band.label.text().startswith("FAILED  ")
    shot(win, "s29_domain_failed.png")
    win.clear_failures()
    qtbot.waitUntil(lambda: band.state is None, timeout=3000)
    assert not band.label.text().startswith("FAILED")
