"""Structurizr workspaces spread over files: ``workspace extends``, ``!ref``, ``!include``,
and deployment nodes that repeat a name or sit inside multi-instance nodes."""
from __future__ import annotations

from pathlib import Path

import pytest

from prr_app.errors import PrrError
from prr_app.importers.registry import import_paths

BASE = """workspace {
    model {
        shopper = person "Shopper"
        ledger = softwareSystem "Ledger" "Keeps the books" "Existing System"
        shop = softwareSystem "Shop"
        shopper -> shop "Buys using"
        shop -> ledger "Books sales in"
    }
}
"""

CHILD = """// the shop in detail, on top of the landscape
workspace extends ../landscape.dsl {
    name "Shop - containers"
    model {
        !ref shop {
            web = container "Web front" "" "Go"
            api = container "Order API" "" "Java"
            db = container "Orders DB" "" "PostgreSQL" "Database"
        }
        shopper -> web "Browses"
        web -> api "Calls"
        api -> db "Reads and writes"
        api -> ledger "Posts to"

        deploymentEnvironment "Live" {
            deploymentNode "dc-1" {
                deploymentNode "web-host" "" "Ubuntu" "" 3 {
                    deploymentNode "Tomcat" {
                        containerInstance web
                    }
                }
                deploymentNode "api-host-1" {
                    deploymentNode "Tomcat" {
                        containerInstance api
                    }
                }
                deploymentNode "api-host-2" {
                    deploymentNode "Tomcat" {
                        containerInstance api
                    }
                }
                deploymentNode "db-host" {
                    containerInstance db
                }
            }
        }
    }
}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def shop(tmp_path):
    write(tmp_path / "landscape.dsl", BASE)
    return write(tmp_path / "shop" / "workspace.dsl", CHILD)


def test_extends_reads_the_base_workspace_first_and_ref_adds_to_its_elements(shop):
    res = import_paths([shop])
    r = res.review
    assert r.meta.system_name == "Shop - containers"
    assert {"web-front", "order-api", "orders-db", "ledger"} <= set(r.components)
    edges = {(d.source, d.target) for d in r.dependencies.values()}
    assert {("web-front", "order-api"), ("order-api", "orders-db"), ("order-api", "ledger")} <= edges
    assert r.components["web-front"].user_facing  # the base's person, the child's relationship
    assert r.components["orders-db"].kind == "datastore"
    # evidence names the file each fact came from
    evidence = {i.element: i.evidence for i in res.report.components}
    assert any("../landscape.dsl:4" in e for e in evidence["ledger"])
    assert any("workspace.dsl:7" in e for e in evidence["order-api"])
    assert any("extends ../landscape.dsl" in line for line in res.report.read)


def test_nodes_of_the_same_name_are_different_failure_domains(shop):
    r = import_paths([shop]).review
    api = r.components["order-api"]
    assert api.replicas == 2
    assert len(set(api.placement)) == 2, api.placement  # two Tomcats on two hosts: not one shared domain
    web = r.components["web-front"]
    assert web.replicas == 3
    # the Tomcat inside the 3-instance web host is not a domain all three replicas would share
    assert all(r.domains[d].name != "Tomcat" for d in web.placement)


def test_include_of_a_file_and_of_a_folder(tmp_path):
    write(tmp_path / "parts" / "a.dsl", 'alpha = softwareSystem "Alpha"\n')
    write(tmp_path / "parts" / "b.dsl", 'beta = softwareSystem "Beta"\nalpha -> beta "Uses"\n')
    write(tmp_path / "people.dsl", 'user = person "User"\n')
    ws = write(tmp_path / "workspace.dsl", 'workspace {\n  model {\n    !include people.dsl\n    !include parts\n'
                                          '    user -> alpha "Uses"\n  }\n}\n')
    r = import_paths([ws]).review
    assert {"alpha", "beta"} <= set(r.components)
    assert r.components["alpha"].user_facing
    assert any(d.source == "alpha" and d.target == "beta" for d in r.dependencies.values())


def test_missing_include_is_reported_and_urls_are_not_fetched(tmp_path):
    ws = write(tmp_path / "workspace.dsl", 'workspace {\n  model {\n    !include gone.dsl\n'
                                          '    !include https://example.invalid/model.dsl\n'
                                          '    x = softwareSystem "X"\n  }\n}\n')
    res = import_paths([ws])
    assert "x" in res.review.components
    assert any("gone.dsl not found" in w and "workspace.dsl:3" in w for w in res.report.warnings)
    assert any("https://example.invalid/model.dsl is a URL; not fetched" in s for s in res.report.skipped)


def test_a_workspace_that_extends_itself_is_a_clear_error(tmp_path):
    write(tmp_path / "a.dsl", 'workspace extends b.dsl {\n  model {\n  }\n}\n')
    write(tmp_path / "b.dsl", 'workspace extends a.dsl {\n  model {\n  }\n}\n')
    with pytest.raises(PrrError) as e:
        import_paths([tmp_path / "a.dsl"])
    assert "includes or extends itself" in str(e.value) and "line 1" in str(e.value)


def test_ref_to_an_unknown_element_is_a_dangling_reference(tmp_path):
    ws = write(tmp_path / "workspace.dsl", 'workspace {\n  model {\n    s = softwareSystem "S"\n'
                                          '    !ref nothere {\n      c = container "C"\n    }\n  }\n}\n')
    res = import_paths([ws])
    assert any("nothere" in d and "workspace.dsl:4" in d for d in res.report.dangling)


def test_a_web_server_that_delivers_the_single_page_app_is_what_the_app_needs(tmp_path):
    """C4's microservices example: "nginx -> spa Delivers". Read as a call, the web server depended on the
    UI, so the UI looked like the web server's single point of failure; the app in the browser needs
    the server that delivered it."""
    (tmp_path / "workspace.dsl").write_text(
        'workspace {\n  model {\n    user = person "User"\n    s = softwareSystem "Shop" {\n'
        '      nginx = container "Web Server"\n      spa = container "UI"\n      api = container "API"\n'
        '      nginx -> spa "Delivers to the customer\'s web browser"\n      spa -> api "Makes API calls to"\n    }\n'
        '    user -> spa "Uses"\n  }\n}\n', encoding="utf-8")
    r = import_paths([tmp_path / "workspace.dsl"]).review
    deps = {(d.source, d.target): d.kind for d in r.dependencies.values()}
    assert deps == {("ui", "web-server"): "hard", ("ui", "api"): "hard"}
    assert any("what is delivered needs what delivers it" in e for e in r.dependencies["ui->web-server"].evidence)
