"""Session 30, words 3, in the window: the canvas labels a failure domain of kind ``other`` as the
report's graph does, "Amazon RDS  (failure domain)", never "(other)"; the inspector's "Inside" list
shows failure domains by their ids as they are ("eu_west", not "eu west", an id the review does not
have), and kinds in words as before ("load balancer")."""
from __future__ import annotations

import pytest

from prr_app.interchange.json_io import dumps
from prr_app.model.entities import Component, Dependency, FailureDomain, Review
from ui_driver import wait_analysis

pytestmark = [pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def _review() -> Review:
    r = Review()
    r.add(FailureDomain(id="amazon-rds", name="Amazon RDS", kind="other"))
    r.add(FailureDomain(id="eu_west", name="", kind="region"))
    r.add(FailureDomain(id="zone-a", kind="zone", parent="eu_west"))
    r.add(Component(id="web", kind="load_balancer", placement=["zone-a"], user_facing=True))
    r.add(Component(id="db", placement=["amazon-rds"]))
    r.add(Dependency("web", "db"))
    return r


@pytest.fixture
def opened(qtbot, win, tmp_path):
    path = tmp_path / "rds.json"
    path.write_text(dumps(_review()), encoding="utf-8")
    assert win.open_path(str(path))
    wait_analysis(qtbot, win)
    return win


def test_the_canvas_labels_a_domain_of_kind_other_without_other(opened):
    regions = opened.scene.regions
    rds = regions["amazon-rds"].label.text()
    assert "Amazon RDS" in rds and "(failure domain)" in rds and "(other)" not in rds, rds
    assert "(zone)" in regions["zone-a"].label.text()


def test_the_inspector_lists_domain_ids_as_they_are_and_kinds_in_words(qtbot, opened):
    win = opened
    win.scene.select_ids(["zone-a"])
    assert win.inspector.key == "zone-a"
    qtbot.wait(10)
    inside = win.inspector.editors["parent"]
    shown = {inside.itemData(i): inside.itemText(i) for i in range(inside.count())}
    assert shown["eu_west"] == "eu_west" and shown[""] == "(none)", shown
    win.scene.select_ids(["web"])
    assert win.inspector.key == "web"
    qtbot.wait(10)
    kind = win.inspector.editors["kind"]
    assert kind.itemText(kind.findData("load_balancer")) == "load balancer"
