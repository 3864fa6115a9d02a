"""A shared-fate domain on the graph (session 28): the Compose import of Spring PetClinic runs every
service on one Docker host, a logical domain (``shared_domains``) that the graph did not show at all,
while "docker-host is a single point of failure" headed the findings. The graph now says what the
report's graph says (prr_app.layout: Region.shared, shared_tags): each box carries the domain's tag
("L1"), red when the domain is a SPOF; the band every box shares is labelled with it and marked SPOF;
the legend names it; and Fail This fails it from the graph (a click on a tag, or on the band's
label), showing what the CLI's blast radius for that domain says goes down."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from prr_app.interchange.json_io import dumps
from ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]

ROOT = Path(__file__).resolve().parents[1]
PETCLINIC = Path("/work/shared/realdata/spring-petclinic-repo")
PLATFORM = ROOT / "resources" / "examples" / "platform.json"
SHOTS = os.environ.get("PRR_TEST_SHOTS")  # a folder: the screenshots are kept there


def cli_domain(tmp_path, review, domain: str) -> dict:
    """``prr analyze --json``'s entry for ``domain`` (its blast radius), on the review as the window has it."""
    src = tmp_path / "review.json"
    src.write_text(dumps(review), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "prr_app.cli.main", "analyze", str(src), "--json"],
                         capture_output=True, text=True, cwd=ROOT)
    data = json.loads(out.stdout)
    return next(d for d in data["failure_domains"] if d["domain"] == domain)


def shot(win, name: str) -> None:
    if SHOTS:
        win.grab().save(str(Path(SHOTS) / name))


def click_tag(qtbot, win, node_id: str, domain: str) -> None:
    """A real mouse click on the tag of ``domain`` on ``node_id``'s box."""
    item = win.scene.nodes[node_id]
    rect = next(r for (_t, d), r in zip(item.tags, item.tag_rects()) if d == domain)
    at = item.mapToScene(rect.center())
    win.view.centerOn(at)
    pos = win.view.mapFromScene(at)
    QTest.mouseClick(win.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(pos.x(), pos.y()))
    qtbot.wait(20)


def down_boxes(win) -> set[str]:
    return {c for c, it in win.scene.nodes.items() if it.state in ("down", "failed")}


@pytest.mark.skipif(not PETCLINIC.is_dir(), reason="needs /work/shared/realdata/spring-petclinic-repo")
def test_petclinics_docker_host_is_on_the_graph_and_fails_from_it(qtbot, win, tmp_path, monkeypatch):
    from prr_app.ui import main_window as mw

    monkeypatch.setattr(mw.Ask, "show_report", classmethod(lambda cls, *a, **k: None))
    win.resize(1280, 720)
    t = win.import_paths([str(PETCLINIC)])
    qtbot.waitUntil(lambda: not t.running, timeout=120000)
    wait_analysis(qtbot, win)
    r = win.session.review
    assert "docker-host" in r.domains
    assert any(s["element"] == "docker-host" for s in win.result["analysis"].spofs)  # the #1 finding
    scene = win.scene
    # the band every box sits in stands for the host: labelled with it, marked SPOF
    band = scene.regions["docker-host"]
    assert band.spof and band.label.text().endswith("SPOF")
    assert "shared by every box here" in band.label.text()
    # every box carries the host's tag, in the SPOF colour
    for cid in r.components:
        item = scene.nodes[cid]
        assert item.tags == (("L1", "docker-host"),)
        assert "docker-host" in item.tags_spof
    # the legend names it as the report's legend does
    assert win.legend.body.shared == [
        ("L1", f"shares {r.domains['docker-host'].name} (host): a single point of failure (tag in red)", True)]
    win.view.fit()
    qtbot.wait(100)
    shot(win, "petclinic_before.png")

    # a click on the tag (not in fail-this mode) selects the host: its blast radius is shown
    click_tag(qtbot, win, "api-gateway", "docker-host")
    assert win.selected_ids() == ["docker-host"]
    assert win.whatif_label.text().startswith("Blast radius of docker-host")
    win.scene.clearSelection()
    # Fail This with nothing selected, then a click on a box's tag: the host fails, not the box
    win.a_fail.trigger()
    assert win.fail_mode
    click_tag(qtbot, win, "vets-service", "docker-host")
    assert win.failed == ["docker-host"]
    cli = cli_domain(tmp_path, r, "docker-host")
    assert len(down_boxes(win)) == cli["down_count"] == len(r.components)
    assert set(cli["seeds"]) <= down_boxes(win)
    assert band.state == "failed"
    assert win.whatif_label.text().startswith(f"Failing docker-host: {cli['down_count']} down")
    win.view.fit()
    qtbot.wait(100)
    shot(win, "petclinic_after.png")
    win.clear_failures()
    assert not down_boxes(win)


def test_the_platforms_shared_domains_are_tagged_and_fail_from_a_tag(qtbot, win, tmp_path):
    win.resize(1280, 720)
    assert win.open_path(str(PLATFORM))
    wait_analysis(qtbot, win)
    r = win.session.review
    spof_doms = {s["element"] for s in win.result["analysis"].spofs if s.get("element_type") == "domain"}
    from prr_app.layout import shared_tags

    tags = shared_tags(r)
    assert tags  # the example names clusters, an account, a flag service and a certificate
    for cid, c in r.components.items():
        item = win.scene.nodes[cid]
        assert item.tags == tuple((tags[d], d) for d in dict.fromkeys(c.shared_domains) if d in tags)
        assert {d for _t, d in item.tags if d in item.tags_spof} == {d for _t, d in item.tags if d in spof_doms}
    # one legend row per tag, a SPOF said in words
    rows = {t: (text, s) for t, text, s in win.legend.body.shared}
    assert set(rows) == set(tags.values())
    for d, t in tags.items():
        assert rows[t][1] == (d in spof_doms)
        assert rows[t][0].endswith("a single point of failure (tag in red)") == (d in spof_doms)
    # a placed zone that is a SPOF is marked as the report marks it
    for did, reg in win.scene.regions.items():
        assert reg.spof == (did in spof_doms)
    win.legend.set_open(True)
    qtbot.wait(50)
    shot(win, "platform_before.png")
    win.legend.set_open(False)
    # fail the cluster k8s-eu from a tag on one of its boxes, zoomed in enough to see the tags
    cid = next(c for c, comp in r.components.items() if "k8s-eu" in comp.shared_domains)
    win.view.resetTransform()
    win.a_fail.trigger()
    click_tag(qtbot, win, cid, "k8s-eu")
    assert win.failed == ["k8s-eu"]
    cli = cli_domain(tmp_path, r, "k8s-eu")
    assert len(down_boxes(win)) == cli["down_count"]
    assert set(cli["seeds"]) <= down_boxes(win)
    shot(win, "platform_after.png")
    # the same click again un-fails it
    click_tag(qtbot, win, cid, "k8s-eu")
    assert win.failed == [] and not down_boxes(win)
