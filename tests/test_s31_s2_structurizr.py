"""Session 31 (s2): Structurizr workspaces on real documents (Big Bank plc, the system catalog):
component relationships rolled up to their container are weighed by which of its entries need them;
what the deployment environment does not deploy is external to it; a person's use of a system around
the one detailed does not make it user-facing; workspaces that extend one catalog are one model;
evidence names each file once (docs/importers.md, "Structurizr DSL")."""
from __future__ import annotations

from pathlib import Path

from prr_app.importers.structurizr import complementary_groups, read_structurizr
from prr_app.review.provenance import evidence_of

# Big Bank plc's shape (structurizr/examples dsl/big-bank-plc), cut to what the rules read
BANK = """workspace "Bank" {
    model {
        customer = person "Customer"
        staff = person "Back Office Staff"
        mainframe = softwaresystem "Mainframe" "" "Existing System"
        email = softwaresystem "E-mail System" "" "Existing System"
        atm = softwaresystem "ATM" "" "Existing System"
        ibs = softwaresystem "Internet Banking" {
            spa = container "Single-Page Application" "" "JavaScript and Angular" "Web Browser"
            api = container "API Application" "" "Java and Spring MVC" {
                signin = component "Sign In Controller"
                summary = component "Accounts Summary Controller"
                reset = component "Reset Password Controller"
                security = component "Security Component"
                facade = component "Mainframe Facade"
                mailer = component "E-mail Component"
            }
            db = container "Database" "" "Oracle Database Schema" "Database"
        }
        customer -> spa "Uses"
        customer -> atm "Withdraws cash using"
        staff -> mainframe "Uses"
        atm -> mainframe "Uses"
        spa -> signin "Makes API calls to"
        spa -> summary "Makes API calls to"
        spa -> reset "Makes API calls to"
        signin -> security "Uses"
        reset -> security "Uses"
        reset -> mailer "Uses"
        summary -> facade "Uses"
        security -> db "Reads from and writes to"
        facade -> mainframe "Makes API calls to"
        mailer -> email "Sends e-mail using"
        %EXTRA%
        deploymentEnvironment "Live" {
            deploymentNode "Big Bank plc" "" "Big Bank plc data center" {
                deploymentNode "bigbank-api***" "" "Ubuntu 16.04 LTS" "" 8 {
                    containerInstance api
                }
                deploymentNode "bigbank-db01" "" "Ubuntu 16.04 LTS" {
                    containerInstance db
                }
                deploymentNode "bigbank-prod001" {
                    softwareSystemInstance mainframe
                }
            }
        }
    }
}
"""


def _bank(tmp_path: Path, extra: str = ""):
    p = tmp_path / "workspace.dsl"
    p.write_text(BANK.replace("%EXTRA%", extra))
    return read_structurizr([p])


def test_a_relationship_only_some_entries_of_a_container_need_rolls_up_soft(tmp_path):
    res = _bank(tmp_path)
    deps = res.review.dependencies
    # only the password reset sends e-mail; only the accounts summary calls the mainframe
    assert deps["api-application->e-mail-system"].kind == "soft"
    assert deps["api-application->mainframe"].kind == "soft"
    said = " ".join(deps["api-application->e-mail-system"].evidence)
    assert "only 'Reset Password Controller'" in said and "(through 'E-mail Component')" in said
    # the database is needed on the way in (signing in), which every other use needs
    assert deps["api-application->database"].kind == "hard"
    assert "signs users in" in " ".join(deps["api-application->database"].evidence)
    assert deps["single-page-application->api-application"].kind == "hard"


def test_the_containers_own_relationship_keeps_a_rolled_up_call_hard(tmp_path):
    res = _bank(tmp_path, 'api -> email "Sends e-mail using"')
    assert res.review.dependencies["api-application->e-mail-system"].kind == "hard"


def test_what_every_entry_needs_stays_hard(tmp_path):
    res = _bank(tmp_path, 'summary -> mailer "Uses"\n signin -> mailer "Uses"')
    assert res.review.dependencies["api-application->e-mail-system"].kind == "hard"


def test_a_system_the_environment_does_not_deploy_is_external_and_context_users_do_not_face_it(tmp_path):
    res = _bank(tmp_path)
    comps = res.review.components
    for cid in ("atm", "e-mail-system"):
        assert "external" in comps[cid].tags and comps[cid].replicas is None, cid
    assert "external" not in comps["mainframe"].tags and comps["mainframe"].replicas == 1
    # the staff's mainframe and the customers' ATM are around the system detailed, not entries of it
    assert not comps["mainframe"].user_facing and not comps["atm"].user_facing
    assert comps["single-page-application"].user_facing
    assert not any("faces users and calls nothing" in w for w in res.report.warnings)
    # a node that names an operating system is a host
    assert res.review.domains["bigbank-db01"].kind == "host"


CATALOG = {
    "catalog.dsl": 'workspace {\n !identifiers hierarchical\n model {\n customer = person "Customer"\n'
                   ' orderService = softwareSystem "Order Service"\n invoiceService = softwareSystem "Invoice Service"\n'
                   ' customerService = softwareSystem "Customer Service"\n }\n}\n',
    "customer-service/workspace.dsl": 'workspace extends ../catalog.dsl {\n model {\n !ref customerService {\n'
                                      ' api = container "Customer API"\n database = container "Customer Database"\n'
                                      ' api -> database "Reads from and writes to"\n }\n }\n}\n',
    "invoice-service/workspace.dsl": 'workspace extends ../catalog.dsl {\n model {\n'
                                     ' customer -> invoiceService "Downloads invoices from"\n'
                                     ' invoiceService -> customerService "Gets customer data from" "JSON/HTTPS"\n }\n}\n',
    "order-service/workspace.dsl": 'workspace extends ../catalog.dsl {\n model {\n !ref orderService {\n'
                                   ' webapp = container "Orders UI"\n database = container "Orders Database"\n'
                                   ' customer -> webapp "Makes orders using"\n'
                                   ' webapp -> customerService "Gets customer data from" "JSON/HTTPS"\n'
                                   ' webapp -> database "Reads from and writes to"\n }\n }\n}\n',
}


def test_workspaces_that_extend_one_catalog_are_one_model(tmp_path):
    for name, text in CATALOG.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    ws = sorted(tmp_path.glob("*/workspace.dsl"))
    assert complementary_groups(ws) == [ws]
    res = read_structurizr(ws, base=tmp_path)
    comps, deps = res.review.components, res.review.dependencies
    assert set(comps) == {"customer-api", "customer-database", "invoice-service", "orders-ui", "orders-database"}
    assert set(deps) == {"customer-api->customer-database", "invoice-service->customer-api",
                         "orders-ui->customer-api", "orders-ui->orders-database"}
    assert comps["invoice-service"].user_facing and comps["orders-ui"].user_facing
    # the catalog is read once and named once
    assert "catalog.dsl:6: software system 'Invoice Service'" in str(evidence_of(res.review, "invoice-service"))


def test_two_workspaces_that_model_one_system_are_not_complementary(tmp_path):
    for name, text in CATALOG.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "orders-v2").mkdir()
    (tmp_path / "orders-v2/workspace.dsl").write_text(CATALOG["order-service/workspace.dsl"])
    ws = [tmp_path / "order-service/workspace.dsl", tmp_path / "orders-v2/workspace.dsl"]
    assert complementary_groups(ws) == []


def test_evidence_names_an_extended_file_once(tmp_path):
    (tmp_path / "ibs").mkdir()
    (tmp_path / "model.dsl").write_text('workspace {\n model {\n u = person "U"\n x = softwareSystem "X"\n }\n}\n')
    ws = tmp_path / "ibs/workspace.dsl"
    ws.write_text('workspace extends ../model.dsl {\n model {\n !ref x {\n c = container "C"\n }\n }\n}\n')
    res = read_structurizr([ws], base=tmp_path)
    text = " ".join(res.report.read)
    assert "model.dsl:3: person 'U'" in text and "ibs/../" not in text
