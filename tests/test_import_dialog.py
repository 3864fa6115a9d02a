"""The app's import, through the real widgets: File > Import on a real checkout, progress, what was
read and skipped, the inferred dependencies accepted or rejected (one by one and in bulk, undoable),
and the decisions remembered on re-import (issue 22)."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from prr_app.review.importing import inferred_of
from prr_app.ui.import_dialog import ImportDialog, ReportDialog

REALDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata"
PETCLINIC = REALDATA / "spring-petclinic-repo"
pytestmark = [pytest.mark.skipif(not PETCLINIC.exists(), reason="shared/realdata is not beside the repository"),
              pytest.mark.usefixtures("qapp"), pytest.mark.qt_log_ignore("propagateSizeHints")]


def import_through_the_dialog(qtbot, win, monkeypatch, path: Path, *, into: bool = False, scan_source: bool = True,
                              profiles: str = ""):
    """File > Import: the real dialog, filled in and accepted as a user would; the import's task and progress."""
    from prr_app.ui import main_window as mw

    seen: dict = {"progress": []}

    def fill(cls, parent, *, has_review, has_imports):
        d = ImportDialog(parent, has_review=has_review, has_imports=has_imports)
        qtbot.addWidget(d)
        ok = d.buttons.button(QDialogButtonBox.StandardButton.Ok)
        assert not ok.isEnabled()  # nothing to import yet
        d.add_paths([str(path)])
        (d.into_radio if into else d.new_radio).setChecked(True)
        d.scan_source.setChecked(scan_source)
        if profiles:
            qtbot.keyClicks(d.profiles, profiles)
        assert ok.isEnabled()
        ok.click()
        assert d.result() == d.DialogCode.Accepted
        seen["choice"] = d.choice()
        return seen["choice"]

    monkeypatch.setattr(mw.Ask, "import_choice", classmethod(fill))
    tasks = []
    real = win.run_task

    def spy(name, fn, *args, on_done=None):
        t = real(name, fn, *args, on_done=on_done)
        t.signals.sig_progress.connect(lambda frac, text: seen["progress"].append((frac, text)))
        tasks.append(t)
        return t

    monkeypatch.setattr(win, "run_task", spy)
    before = set(win.findChildren(ReportDialog))
    win.a_import.trigger()
    qtbot.waitUntil(lambda: bool(tasks) and not tasks[0].running, timeout=60000)
    qtbot.waitUntil(lambda: bool(set(win.findChildren(ReportDialog)) - before), timeout=10000)
    seen["report"] = (set(win.findChildren(ReportDialog)) - before).pop()
    return seen


def test_import_a_checkout_decide_inferred_dependencies_undo_and_reimport(qtbot, win, monkeypatch):
    seen = import_through_the_dialog(qtbot, win, monkeypatch, PETCLINIC)
    review = win.session.review
    assert len(review.components) == 11 and "api-gateway->vets-service" in review.dependencies
    # progress while it read the folder, stage by stage
    texts = [t for _f, t in seen["progress"]]
    assert any(t.startswith("recognising files") for t in texts)
    assert any(t.startswith("reading configuration and source") for t in texts)
    fracs = [f for f, _t in seen["progress"]]
    assert fracs == sorted(fracs) and 0 < fracs[-1] <= 1
    # the report: what was read, what was skipped and why, the warnings
    rep: ReportDialog = seen["report"]
    assert rep.isVisible()
    tabs = [rep.tabs.tabText(i) for i in range(rep.tabs.count())]
    # 11 calls, and 5 services' traces to the Zipkin server (their build files name a Zipkin reporter)
    assert tabs[0] == "Inferred dependencies (16)"
    assert any(t.startswith("Read (") for t in tabs) and any(t.startswith("Warnings (") for t in tabs)
    assert "docker-compose.yml" in rep.sections["Read"].toPlainText()
    assert "11 components" in rep.summary.text()
    # each inferred dependency with its confidence, kind and evidence (file:line)
    panel = rep.inferred
    table = panel.table
    rows = {table.item(r, 0).text(): r for r in range(table.rowCount())}
    weak = "genai-service->vets-service"
    assert table.item(rows[weak], 1).text() == "weak"
    assert table.item(rows["api-gateway->vets-service"], 1).text() == "strong"
    assert "pom.xml:" in table.item(rows["visits-service->tracing-server"], 4).toolTip()
    ev = table.item(rows["api-gateway->vets-service"], 4).toolTip()
    assert "application.yml:" in ev and "lb://vets-service" in ev
    assert table.item(rows[weak], 3).text() == "undecided"
    # one by one: reject the weak one (select its row, Reject, Apply)
    depth = win.session.undo_stack.count()
    panel.select([weak])
    panel.buttons["reject"].click()
    assert table.item(rows[weak], 3).text() == "rejected (not applied)" and panel.apply_button.isEnabled()
    assert weak in win.session.review.dependencies  # nothing changes before Apply
    panel.apply_button.click()
    assert weak not in win.session.review.dependencies
    assert win.session.undo_stack.count() == depth + 1
    assert table.item(rows[weak], 3).text() == "rejected" and not panel.apply_button.isEnabled()
    _rec, items = inferred_of(win.session.review)
    assert {i["id"]: i["decision"] for i in items}[weak] == "rejected"
    # undo puts it back, redo takes it out again
    win.session.undo_stack.undo()
    assert weak in win.session.review.dependencies
    win.session.undo_stack.redo()
    assert weak not in win.session.review.dependencies
    # in bulk: every strong one accepted
    panel.buttons["accept-strong"].click()
    panel.apply_button.click()
    _rec, items = inferred_of(win.session.review)
    decided = {i["id"]: i["decision"] for i in items}
    assert all(decided[i["id"]] == "accepted" for i in items if i["confidence"] == "strong")
    assert decided[weak] == "rejected"
    # re-import into the open review: the decisions are remembered, the rejected one stays out
    seen2 = import_through_the_dialog(qtbot, win, monkeypatch, PETCLINIC, into=True)
    assert seen2["choice"]["into"] is True
    assert weak not in win.session.review.dependencies
    assert "api-gateway->vets-service" in win.session.review.dependencies
    panel2 = seen2["report"].inferred
    rows2 = {panel2.table.item(r, 0).text(): r for r in range(panel2.table.rowCount())}
    assert panel2.table.item(rows2[weak], 3).text() == "rejected"
    # changing one's mind: the rejected one accepted again comes back with its evidence
    panel2.select([weak])
    panel2.buttons["accept"].click()
    panel2.apply_button.click()
    dep = win.session.review.dependencies[weak]
    assert any("weaker evidence" in e or "source literal" in e for e in dep.evidence)


def test_import_without_source_scanning_has_no_weak_dependencies(qtbot, win, monkeypatch):
    seen = import_through_the_dialog(qtbot, win, monkeypatch, PETCLINIC, scan_source=False)
    assert seen["choice"]["scan_source"] is False
    assert "genai-service->vets-service" not in win.session.review.dependencies
    panel = seen["report"].inferred
    confs = {panel.table.item(r, 1).text() for r in range(panel.table.rowCount())}
    assert confs == {"strong"}


def test_report_of_an_import_with_nothing_inferred_has_no_decision_tab(qtbot, win, monkeypatch, tmp_path):
    (tmp_path / "edges.csv").write_text("source,target\nweb,api\napi,db\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text("# not an import\n", encoding="utf-8")
    seen = import_through_the_dialog(qtbot, win, monkeypatch, tmp_path)
    rep = seen["report"]
    assert rep.inferred is None
    assert "notes.md" in rep.sections["Skipped"].toPlainText()
    assert rep.tabs.tabText(rep.tabs.count() - 1) == "Whole report"


def test_a_later_import_without_inferences_shows_none_of_an_earlier_ones(qtbot, win, monkeypatch, tmp_path):
    import_through_the_dialog(qtbot, win, monkeypatch, PETCLINIC)
    dot = tmp_path / "extra.dot"
    dot.write_text('digraph { "api-gateway" -> cache; }\n', encoding="utf-8")
    seen = import_through_the_dialog(qtbot, win, monkeypatch, dot, into=True)
    assert "cache" in win.session.review.components
    assert seen["report"].inferred is None  # the petclinic import's inferences are not this report's


def test_compose_profiles_named_in_the_dialog_are_imported_and_the_others_reported(qtbot, win, monkeypatch, tmp_path):
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    image: x/web\n    ports: [\"80:80\"]\n    environment: {API: \"http://api:80\"}\n"
        "  api:\n    image: x/api\n  flower:\n    image: x/flower\n    profiles: [flower]\n    ports: [\"5555:5555\"]\n"
        "  debug:\n    image: x/debug\n    profiles: [debug]\n", encoding="utf-8")
    seen = import_through_the_dialog(qtbot, win, monkeypatch, tmp_path)
    assert set(win.session.review.components) == {"web", "api"}
    assert "profile flower is not active" in seen["report"].sections["Skipped"].toPlainText()
    seen = import_through_the_dialog(qtbot, win, monkeypatch, tmp_path, profiles="flower, debug")
    assert seen["choice"]["profiles"] == ["flower", "debug"]
    assert set(win.session.review.components) == {"web", "api", "flower", "debug"}
    assert win.session.review.components["flower"].user_facing


def test_an_aspire_apphost_checkout_through_the_dialog_shows_its_graph_and_warnings(qtbot, win, monkeypatch, tmp_path):
    import shutil

    repo = tmp_path / "shop"
    shutil.copytree(Path(__file__).resolve().parent / "fixtures" / "import" / "aspire", repo)
    seen = import_through_the_dialog(qtbot, win, monkeypatch, repo)
    review = win.session.review
    assert {"pg", "catalog-api", "orders-api", "edge", "storefront"} <= set(review.components)
    assert review.dependencies["orders-api->catalog-api"].evidence  # the code's call, inferred
    # the components are on the canvas, and the callback addresses' warning is in the report
    assert {"pg", "catalog-api"} <= set(win.scene.nodes)
    assert "StorefrontClient" in seen["report"].sections["Warnings"].toPlainText()


def test_a_kiali_traffic_graph_through_the_dialog_shows_the_services_and_what_was_left_out(qtbot, win, monkeypatch):
    graph = Path(__file__).resolve().parent / "fixtures" / "import" / "kiali" / "shop-graph.json"
    seen = import_through_the_dialog(qtbot, win, monkeypatch, graph)
    review = win.session.review
    assert {"storefront", "catalog", "catalog-postgres", "kafka"} <= set(review.components)
    assert review.dependencies["storefront->catalog"].circuit_breaker is True
    assert {"storefront", "catalog"} <= set(win.scene.nodes)
    # the node says where it runs by the start of its placement, not a cut-off tail ("r-east-1")
    assert win.scene.nodes["catalog"].subtitle == "service · 2× · east-1"
    sections = seen["report"].sections
    assert "PassthroughCluster (traffic leaving the mesh)" in sections["Skipped"].toPlainText()
    assert "every call is recorded as hard" in sections["Warnings"].toPlainText()


@pytest.mark.parametrize("domain, shown", [("euw1-a", "euw1-a"), ("cluster-east-1", "east-1"),
                                           ("amazon-ec2-ubuntu-server", "amazon-ec2-…"),
                                           ("cluster-very-long-name-here", "very-long-n…")])
def test_a_long_placement_is_shown_by_its_start(domain, shown):
    from prr_app.ui.canvas_scene import short_domain

    assert short_domain(domain) == shown
