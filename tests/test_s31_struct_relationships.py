"""Structurizr import, session 31: which relationships are runtime calls and which way the need goes,
what a static web server is, and deployment nodes that group instances without sharing their fate
(structurizr/examples' microservices and amazon-web-services workspaces)."""
from __future__ import annotations

from pathlib import Path

import pytest

from prr_app.importers.registry import import_paths

REAL = Path("/work/shared/realdata/structurizr-examples")


def _import(tmp_path: Path, model: str):
    ws = tmp_path / "workspace.dsl"
    ws.write_text("workspace {\n  model {\n" + model + "\n  }\n}\n", encoding="utf-8")
    return import_paths([ws])


def _deps(review) -> dict:
    return {(d.source, d.target): d.kind for d in review.dependencies.values()}


def test_relationships_in_the_passive_or_following_the_answer_are_read_as_the_call_they_describe(tmp_path):
    """C4 asks for the active voice ("Reads from"), but models write "Is used by" or "Returns results to":
    read as written, the database depended on the service that uses it, and was never its SPOF."""
    res = _import(tmp_path, '''
    s = softwareSystem "Shop" {
      api = container "API"
      db = container "Orders Database"
      search = container "Search"
      web = container "Web App"
      db -> api "Is used by"
      search -> web "Returns results to" "JSON/HTTPS"
      web -> api "Makes API calls to" "JSON/HTTPS"
      api -> search "Reads from"
    }''')
    assert _deps(res.review) == {("api", "orders-database"): "hard", ("web-app", "search"): "hard",
                                 ("web-app", "api"): "hard", ("api", "search"): "hard"}
    ev = res.review.dependencies["api->orders-database"].evidence
    assert any("Orders Database -> API (Is used by): written in the passive" in e
               and "recorded as API -> Orders Database" in e for e in ev)
    ev = res.review.dependencies["web-app->search"].evidence
    assert any("the arrow follows the answer" in e and "recorded as Web App -> Search" in e for e in ev)


def test_a_relationship_made_when_software_is_shipped_is_no_dependency_and_the_report_says_so(tmp_path):
    """A pipeline that deploys a service is not a call the service makes or takes: read as one, the
    pipeline became an entry point with the service as its SPOF."""
    res = _import(tmp_path, '''
    s = softwareSystem "Shop" {
      ci = container "Build Pipeline"
      api = container "API"
      db = container "Orders Database"
      ci -> api "Deploys" "Helm"
      api -> db "Reads from and writes to"
    }''')
    assert _deps(res.review) == {("api", "orders-database"): "hard"}
    assert any("workspace.dsl:8: Build Pipeline -> API (Deploys: Helm): not a runtime call" in s
               and "no dependency" in s for s in res.report.skipped)


def test_the_async_reading_and_the_active_voice_are_unchanged(tmp_path):
    res = _import(tmp_path, '''
    s = softwareSystem "Shop" {
      api = container "API"
      mail = container "Mailer"
      q = container "Order Events"
      api -> mail "Sends e-mail using"
      api -> q "Publishes order events to"
    }''')
    assert _deps(res.review) == {("api", "mailer"): "hard", ("api", "order-events"): "async"}


def test_a_web_server_that_only_delivers_the_app_is_a_static_content_server_not_a_silent_gateway(tmp_path):
    """The microservices example's Nginx "Web Server" delivers the React UI and calls nothing: as a
    user-facing gateway calling nothing, the report warned that its calls to the services were probably
    missing. It serves files: kind frontend, and the report says why."""
    res = _import(tmp_path, '''
    user = person "User"
    s = softwareSystem "Shop" {
      nginx = container "Web Server" "Serves HTML, CSS, JavaScript, etc" "Nginx"
      spa = container "UI" "" "JavaScript and React" "Single Page Application"
      a = container "Service 1 API" "" "Java and Spring Boot"
      b = container "Service 2 API" "" "Java and Spring Boot"
      user -> nginx "Requests UI from (using web browser)"
      nginx -> spa "Delivers"
      user -> spa "Uses"
      spa -> a
      a -> b
    }''')
    r = res.review
    assert r.components["web-server"].kind == "frontend"
    assert ("ui", "web-server") in _deps(r)
    assert not any("calls nothing" in w for w in res.report.warnings)
    assert any("workspace.dsl:11: 'Web Server' delivers an app to its users and calls nothing: a static content "
               "server, kind frontend (not gateway)" in x for x in res.report.read)


def test_a_web_server_that_delivers_the_app_and_proxies_the_api_stays_a_gateway(tmp_path):
    res = _import(tmp_path, '''
    s = softwareSystem "Shop" {
      nginx = container "Web Server" "" "Nginx"
      spa = container "UI" "" "JavaScript and React"
      api = container "API" "" "Java and Spring Boot"
      nginx -> spa "Serves"
      spa -> nginx "Makes API calls to"
      nginx -> api "Forwards API requests to"
    }''')
    assert res.review.components["web-server"].kind == "gateway"
    assert not any("static content server" in x for x in res.report.read)


AWS = '''
    x = softwaresystem "X" {
      wa = container "Web Application" "" "Java and Spring Boot"
      db = container "Database Schema" "" "" "Database"
      wa -> db "Reads from and writes to" "MySQL Protocol/SSL"
    }
    live = deploymentEnvironment "Live" {
      deploymentNode "Amazon Web Services" {
        tags "Amazon Web Services - Cloud"
        deploymentNode "US-East-1" {
          tags "Amazon Web Services - Region"
          deploymentNode "Autoscaling group" {
            tags "Amazon Web Services - Auto Scaling"
            deploymentNode "Amazon EC2 - Ubuntu server" {
              tags "Amazon Web Services - EC2"
              containerInstance wa
            }
          }
          deploymentNode "Amazon RDS" {
            tags "Amazon Web Services - RDS"
            deploymentNode "MySQL" {
              tags "Amazon Web Services - RDS MySQL instance"
              containerInstance db
            }
          }
        }
      }
    }'''


def test_an_autoscaling_group_and_a_managed_database_service_are_not_failure_domains(tmp_path):
    """structurizr/examples' AWS workspace: the "Autoscaling group" was a cluster and "Amazon RDS" a
    domain of its own, each a blocking SPOF whose advice was a second cluster or a database outside RDS.
    The EC2 server and the RDS MySQL instance are the hosts; the region holds them."""
    res = _import(tmp_path, AWS)
    r = res.review
    assert set(r.domains) == {"amazon-web-services", "us-east-1", "amazon-ec2-ubuntu-server", "mysql"}
    assert r.domains["amazon-ec2-ubuntu-server"].parent == "us-east-1"
    assert r.domains["mysql"].parent == "us-east-1"
    assert r.components["web-application"].placement == ["amazon-ec2-ubuntu-server"]
    assert r.components["database-schema"].placement == ["mysql"]
    assert any("workspace.dsl:14: deployment node 'Autoscaling group' is an autoscaling group" in x
               and "not a failure domain" in x for x in res.report.read)
    assert any("deployment node 'Amazon RDS' is a cloud provider's managed database service" in x
               for x in res.report.read)


def test_a_managed_database_node_that_holds_the_container_itself_is_where_it_runs(tmp_path):
    res = _import(tmp_path, '''
    x = softwaresystem "X" {
      db = container "Database Schema" "" "" "Database"
    }
    live = deploymentEnvironment "Live" {
      deploymentNode "Region" {
        deploymentNode "Amazon RDS" {
          containerInstance db
        }
      }
    }''')
    assert "amazon-rds" in res.review.domains
    assert res.review.components["database-schema"].placement == ["amazon-rds"]


@pytest.mark.skipif(not REAL.is_dir(), reason="the real examples are not here")
def test_the_real_examples_import_without_the_disputed_results():
    ms = import_paths([REAL / "microservices" / "workspace.dsl"])
    assert ms.review.components["web-server"].kind == "frontend"
    assert not any("calls nothing" in w for w in ms.report.warnings)
    aws = import_paths([REAL / "amazon-web-services" / "workspace.dsl"])
    assert "autoscaling-group" not in aws.review.domains and "amazon-rds" not in aws.review.domains
    lb = next(c for c in aws.report.components if c.element == "load-balancer")
    assert any("Elastic Load Balancer: a service the cloud provider manages" in e for e in lb.evidence)
