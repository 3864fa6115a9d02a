"""Structurizr, Backstage and .NET Aspire: the defects a tester found in session 24 (docs/importers.md,
"Structurizr DSL", "Structurizr JSON", "Backstage", ".NET Aspire"). Each test fails without its fix."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.errors import PrrError
from prr_app.importers.aspire import read_aspire
from prr_app.importers.backstage import read_backstage
from prr_app.importers.structurizr import _choose_environment, _El, read_structurizr, read_structurizr_json
from prr_app.review.provenance import evidence_of


def _dsl(tmp_path: Path, text: str, name: str = "workspace.dsl"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return read_structurizr([p])


def _json(tmp_path: Path, data: dict, name: str = "workspace.json"):
    p = tmp_path / name
    p.write_text(json.dumps(data), encoding="utf-8")
    return read_structurizr_json([p])


def _yaml(tmp_path: Path, text: str, name: str = "catalog.yaml"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return read_backstage([p])


def _apphost(tmp_path: Path, body: str, folder: str = "Shop.AppHost", name: str = "Program.cs") -> Path:
    d = tmp_path / folder
    d.mkdir(parents=True, exist_ok=True)
    p = d / name
    p.write_text("var builder = DistributedApplication.CreateBuilder(args);\n" + body + "\nbuilder.Build().Run();\n",
                 encoding="utf-8")
    return p


# ------------------------------------------------------------------ 1. the deployment environment

ENVS = """workspace "Shop" {
    model {
        s = softwareSystem "Shop" {
            api = container "Orders API" "" "Go"
        }
        %s = deploymentEnvironment "%s" {
            deploymentNode "eu-west-1a" "" "Availability Zone" {
                deploymentNode "EKS node" "" "EC2" "" 2 {
                    containerInstance api
                }
            }
            deploymentNode "eu-west-1b" "" "Availability Zone" {
                deploymentNode "EKS node" "" "EC2" "" 2 {
                    containerInstance api
                }
            }
        }
        %s = deploymentEnvironment "%s" {
            deploymentNode "Single box" "" "EC2" {
                containerInstance api
            }
        }
    }
}
"""


@pytest.mark.parametrize("first, second", [("Production", "Pre-Production"), ("Live", "Delivery"),
                                           ("Production", "PreProd"), ("Prod", "Non-Prod")])
def test_the_production_environment_is_imported_not_one_whose_name_only_contains_prod_or_live(tmp_path, first, second):
    res = _dsl(tmp_path, ENVS % ("a", first, "b", second))
    api = res.review.components["orders-api"]
    assert api.replicas == 4 and len(set(api.placement)) == 2  # across zones, not the single box
    used = [r for r in res.report.read if "deployment environment" in r]
    assert used and repr(first) in used[0] and f"not used: {second!r}" in used[0]
    assert any(repr(second) in s and "not used" in s for s in res.report.skipped)


def _env(name: str) -> _El:
    return _El("deploymentenvironment", name, "", "", None, 1)


@pytest.mark.parametrize("names, chosen", [
    (["Production", "Pre-Production"], "Production"),
    (["Pre-Production", "Production"], "Production"),
    (["Live", "Delivery"], "Live"),
    (["Delivery", "Live"], "Live"),
    (["Production EU", "Production"], "Production"),  # the exact name before a compound
    (["Prod", "Live"], "Prod"),  # a tie: the first
    (["Staging", "Production-Test", "PRODUCTION"], "PRODUCTION"),
    (["Development", "Staging"], "Staging"),  # none named so: the last, as before
])
def test_choosing_the_environment(names, chosen):
    assert _choose_environment([_env(n) for n in names])[0].name == chosen


def test_the_json_reader_chooses_the_environment_by_the_same_rule(tmp_path):
    data = {"model": {"softwareSystems": [{"id": "1", "name": "S", "containers": [{"id": "2", "name": "API"}]}],
                      "deploymentNodes": [
                          {"id": "3", "name": "big", "environment": "Production", "instances": "3",
                           "containerInstances": [{"id": "4", "containerId": "2", "environment": "Production"}]},
                          {"id": "5", "name": "small", "environment": "Pre-Production",
                           "containerInstances": [{"id": "6", "containerId": "2", "environment": "Pre-Production"}]}]}}
    res = _json(tmp_path, data)
    assert res.review.components["api"].replicas == 3


# ------------------------------------------------------------------ 2. JSON instances by id

def test_json_instances_of_two_containers_of_one_name_are_resolved_by_id(tmp_path):
    data = {"model": {"softwareSystems": [
        {"id": "1", "name": "Payments", "containers": [{"id": "11", "name": "API", "technology": "Go"}]},
        {"id": "2", "name": "Loans", "containers": [{"id": "21", "name": "API", "technology": "Java"}]}],
        "deploymentNodes": [{"id": "100", "name": "dc", "environment": "Live", "children": [
            {"id": "101", "name": "payments-host", "environment": "Live", "instances": "3",
             "containerInstances": [{"id": "102", "containerId": "11", "environment": "Live"}]},
            {"id": "103", "name": "loans-host", "environment": "Live", "instances": "2",
             "containerInstances": [{"id": "104", "containerId": "21", "environment": "Live"}]}]}]}}
    res = _json(tmp_path, data)
    comps = res.review.components
    assert (comps["api"].replicas, comps["loans-api"].replicas) == (3, 2)
    assert res.report.dangling == []


# ------------------------------------------------------------------ 3. Aspire: YARP routes in a lambda

YARP = """
var basket = builder.AddProject<Projects.Basket>("basket");
var inventory = builder.AddProject<Projects.Inventory>("inventory");
var gateway = builder.AddYarp("gateway")
    .WithConfiguration(yarp =>
    {
        yarp.AddRoute("/basket/{**catch-all}", basket);
        yarp.AddRoute("/inventory/{**catch-all}", inventory);
        // yarp.AddRoute("/old", legacy);  a comment names nothing
    })
    .WithExternalHttpEndpoints();
var other = builder.AddYarp("other").WithConfiguration(basket => basket.AddRoute("/x", "inventory"));
"""


def test_yarp_routes_configured_in_a_lambda_are_the_gateways_dependencies(tmp_path):
    res = read_aspire([_apphost(tmp_path, YARP)])
    deps = res.review.dependencies
    assert deps["gateway->basket"].kind == deps["gateway->inventory"].kind == "hard"
    assert any("Program.cs:6" in e and "route" in e for e in deps["gateway->basket"].evidence)
    # a lambda's own parameter named like a resource, and a name in a string, are no reference; and
    # the routes of a gateway whose configuration names no resource are said to be unknown
    assert not [d for d in deps if d.startswith("other->")]
    assert any("Program.cs:13" in s and "other.WithConfiguration" in s and "not read" in s
               for s in res.report.skipped)


# ------------------------------------------------------------------ 4, 5, 9. Backstage

CATALOG = """apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout-api
spec:
  type: service
  owner: group:web-team
  dependsOn:
    - component:Legacy-Billing
    - component:auth-lib
  consumesApis: [order-events, Pricing]
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: legacy-billing
spec:
  type: service
  owner: web-team
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: auth-lib
spec:
  type: library
  owner: web-team
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: search-index
spec:
  type: elasticsearch
  owner: Group:Web-Team
  dependencyOf:
    - component:checkout-api
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: orders
spec:
  type: service
  owner: user:jdoe
  providesApis: [order-events, pricing]
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: order-events
spec:
  type: asyncapi
  owner: web-team
---
apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: pricing
spec:
  type: grpc
  owner: web-team
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: web-team
spec:
  type: team
"""


def test_backstage_dependency_of_is_the_reverse_of_depends_on(tmp_path):
    res = _yaml(tmp_path, CATALOG)
    dep = res.review.dependencies["component:checkout-api->resource:search-index"]
    assert dep.kind == "hard" and any("catalog.yaml:37" in e and "dependencyOf" in e for e in dep.evidence)


def test_backstage_consuming_an_asyncapi_api_is_asynchronous_others_stay_hard(tmp_path):
    events = CATALOG.replace("consumesApis: [order-events, Pricing]", "consumesApis: [order-events]")
    dep = _yaml(tmp_path, events).review.dependencies["component:checkout-api->component:orders"]
    assert dep.kind == "async" and any("asyncapi" in e for e in dep.evidence)
    one = CATALOG.replace("consumesApis: [order-events, Pricing]", "consumesApis: [Pricing]")
    assert _yaml(tmp_path, one, "one.yaml").review.dependencies["component:checkout-api->component:orders"].kind == "hard"


def test_backstage_references_ignore_case(tmp_path):
    res = _yaml(tmp_path, CATALOG)
    assert "component:checkout-api->component:legacy-billing" in res.review.dependencies
    assert not any("Legacy-Billing" in d for d in res.report.dangling)
    # "pricing" is provided, "Pricing" consumed: one API
    assert not any("Pricing" in d for d in res.report.dangling)


def test_backstage_a_library_something_depends_on_is_built_in_not_a_runtime_dependency(tmp_path):
    res = _yaml(tmp_path, CATALOG)
    assert "component:auth-lib" not in res.review.components
    assert not [d for d in res.review.dependencies if "auth-lib" in d]
    assert any(s.startswith("catalog.yaml:10:") and "library: built into component:checkout-api, not a runtime "
               "dependency" in s for s in res.report.skipped)


def test_backstage_owners_are_normalised_to_the_groups_name(tmp_path):
    comps = _yaml(tmp_path, CATALOG).review.components
    assert comps["component:checkout-api"].owner == comps["component:legacy-billing"].owner == "web-team"
    assert comps["resource:search-index"].owner == "web-team"  # Group:Web-Team, as the Group writes it
    assert comps["component:orders"].owner == "user:jdoe"  # a user keeps its kind


def test_backstage_reference_fields_of_the_wrong_shape_are_said_not_dropped(tmp_path):
    res = _yaml(tmp_path, """apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: a
spec:
  type: service
  dependsOn:
    db: resource:x
  owner: [a, b]
  consumesApis: [{x: y}]
""")
    w = res.report.warnings
    assert any(x.startswith("catalog.yaml:7:") and "dependsOn is a mapping" in x for x in w)
    assert any(x.startswith("catalog.yaml:9:") and "owner is a list" in x for x in w)
    assert any(x.startswith("catalog.yaml:10:") and "consumesApis[0]" in x for x in w)


def test_backstage_a_missing_location_target_is_reported_at_its_own_line(tmp_path):
    (tmp_path / "a.yaml").write_text(CATALOG, encoding="utf-8")
    res = _yaml(tmp_path, """apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: root
spec:
  targets:
    - ./a.yaml
    - ./does-not-exist.yaml
""", "catalog-info.yaml")
    assert any(d.startswith("catalog-info.yaml:8:") and "does-not-exist" in d for d in res.report.dangling)


# ------------------------------------------------------------------ 6. instance ranges

RANGE_DSL = """workspace {
    model {
        s = softwareSystem "S" {
            cards = container "Cards" "" "Kotlin"
            api = container "Orders" "" "Go"
        }
        deploymentEnvironment "Live" {
            deploymentNode "Autoscaled" "" "EC2" "" "1..5" {
                containerInstance cards
            }
            deploymentNode "Pool" "" "EC2" {
                instances 2..N
                containerInstance api
            }
        }
    }
}
"""


def test_an_instance_range_counts_its_lower_bound_in_the_dsl(tmp_path):
    res = _dsl(tmp_path, RANGE_DSL)
    comps = res.review.components
    assert (comps["cards"].replicas, comps["orders"].replicas) == (1, 2)
    assert any("1..5: at least 1" in e for e in evidence_of(res.review, "cards")[1])
    assert any("2..N: at least 2" in e for e in evidence_of(res.review, "orders")[1])


def test_an_instance_range_counts_its_lower_bound_in_json_too(tmp_path):
    data = {"model": {"softwareSystems": [{"id": "1", "name": "S", "containers": [
        {"id": "2", "name": "Cards"}, {"id": "3", "name": "Orders"}]}],
        "deploymentNodes": [
            {"id": "4", "name": "Autoscaled", "environment": "Live", "instances": "1..5",
             "containerInstances": [{"id": "5", "containerId": "2"}]},
            {"id": "6", "name": "Pool", "environment": "Live", "instances": "3..6",
             "containerInstances": [{"id": "7", "containerId": "3"}]},
            {"id": "8", "name": "Odd", "environment": "Live", "instances": 5.5}]}}
    res = _json(tmp_path, data)
    comps = res.review.components
    assert (comps["cards"].replicas, comps["orders"].replicas) == (1, 3)
    assert any("1..5: at least 1" in e for e in evidence_of(res.review, "cards")[1])
    assert any("deploymentNodes[2]" in w and "5.5" in w for w in res.report.warnings)  # not silently 1


# ------------------------------------------------------------------ 7. kinds by whole words

KINDS_DSL = """workspace {
    model {
        s = softwareSystem "S" {
            c1 = container "Rewards Service" "" "Java"
            c2 = container "Gift Cards API" "" "Kotlin"
            c3 = container "Medical Records Service" "" "Go"
            c4 = container "Album Service" "" "Go"
            c5 = container "Revenue Service" "" "Go"
            c6 = container "Orders DB" "" "PostgreSQL"
            c7 = container "ApiGateway" "" "Go"
            c8 = container "Reports Store" "" "Amazon RDS"
            c9 = container "Edge" "" "AWS ALB"
        }
    }
}
"""


def test_element_kinds_are_matched_by_whole_words(tmp_path):
    kinds = {c.id: c.kind for c in _dsl(tmp_path, KINDS_DSL).review.components.values()}
    assert kinds == {"rewards-service": "service", "gift-cards-api": "service", "medical-records-service": "service",
                     "album-service": "service", "revenue-service": "service", "orders-db": "datastore",
                     "apigateway": "gateway", "reports-store": "datastore", "edge": "load_balancer"}


# ------------------------------------------------------------------ 8. apps on users' devices

DEVICE_DSL = """workspace {
    model {
        customer = person "Customer"
        s = softwareSystem "Bank" {
            mobile = container "Mobile App" "" "Xamarin"
            spa = container "Single-Page Application" "" "Angular"
            api = container "API Application" "" "Java"
            mobile -> api "Makes API calls to" "JSON/HTTPS"
            spa -> api "Makes API calls to" "JSON/HTTPS"
        }
        customer -> mobile "Uses"
        customer -> spa "Uses"
        deploymentEnvironment "Live" {
            deploymentNode "Customer's mobile device" "" "Apple iOS or Android" {
                containerInstance mobile
            }
            deploymentNode "Customer's computer" "" "Windows or macOS" {
                deploymentNode "Web Browser" "" "Chrome" {
                    containerInstance spa
                }
            }
            deploymentNode "dc" "" "" {
                deploymentNode "api-host" "" "Ubuntu" "" 4 {
                    containerInstance api
                }
            }
        }
    }
}
"""


def test_apps_on_users_devices_are_client_software_not_one_instance_components(tmp_path):
    res = _dsl(tmp_path, DEVICE_DSL)
    comps = res.review.components
    for cid in ("mobile-app", "single-page-application"):
        c = comps[cid]
        assert "client" in c.tags and c.replicas is None and c.placement == []
        assert c.user_facing  # journeys still enter through them
        assert any("a user's device: client software" in e for e in evidence_of(res.review, cid)[1])
    assert res.review.dependencies["mobile-app->api-application"].kind == "hard"
    assert comps["api-application"].replicas == 4 and "client" not in comps["api-application"].tags


# ------------------------------------------------------------------ 10. messages

def test_a_dsl_block_never_closed_names_the_line_of_its_brace(tmp_path):
    p = tmp_path / "w.dsl"
    p.write_text('workspace "X" {\n  model {\n    a = softwareSystem "A" {\n      web = container "Web"\n'
                 '  }\n}\n', encoding="utf-8")
    with pytest.raises(PrrError) as e:
        read_structurizr([p])
    assert e.value.location == "line 1" and "never closed" in str(e.value)
    p.write_text('workspace {\n  model {\n    a = softwareSystem "A"\n  }\n  views {\n    systemContext a {\n'
                 '      include *\n  }\n}\n', encoding="utf-8")
    with pytest.raises(PrrError) as e:
        read_structurizr([p])
    assert e.value.location == "line 1"


def test_dsl_skip_reasons_say_why_for_people_and_deployment_nodes(tmp_path):
    res = _dsl(tmp_path, """workspace {
    model {
        p = person "Customer"
        mail = softwareSystem "E-mail System"
        mail -> p "Sends e-mails to"
        s = softwareSystem "S" {
            db = container "DB" "" "Oracle"
        }
        deploymentEnvironment "Live" {
            primary = deploymentNode "Primary" {
                containerInstance db
            }
            secondary = deploymentNode "Secondary" {
                containerInstance db
            }
            secondary -> primary "Replicates data from"
        }
    }
}
""")
    to_person = [s for s in res.report.skipped if "-> Customer" in s]
    between_nodes = [s for s in res.report.skipped if "Secondary -> Primary" in s]
    assert to_person and "person is not a component" in to_person[0] and "containers carry" not in to_person[0]
    assert between_nodes and "deployment nodes are failure domains" in between_nodes[0] \
        and "containers carry" not in between_nodes[0]


def test_aspire_an_unterminated_string_is_refused_naming_its_line(tmp_path, capsys):
    p = _apphost(tmp_path, 'var a = builder.AddProject<Projects.A>("a\n  .WithReplicas(2);')
    with pytest.raises(PrrError) as e:
        read_aspire([p])
    assert e.value.location == "line 2" and "never closed" in str(e.value)
    assert main(["import", str(p), "-o", str(tmp_path / "x.prr")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Program.cs" in err[0] and "line 2" in err[0]


def test_aspire_raw_strings_and_char_literals_are_no_unterminated_strings(tmp_path):
    p = _apphost(tmp_path, 'var q = \'"\';\nvar a = builder.AddProject<Projects.A>("a")\n'
                           '    .WithEnvironment("X", """\n  raw "text"\n  """);')
    assert set(read_aspire([p]).review.components) == {"a"}


def test_aspire_messages_replicas_duplicates_external_services(tmp_path):
    res = read_aspire([_apphost(tmp_path, """
var a = builder.AddProject<Projects.A>("a").WithReplicas(0);
var a2 = builder.AddProject<Projects.A2>("a");
var weather = builder.AddExternalService("weather-api", "https://api.weather.gov/");
var b = builder.AddProject<Projects.B>("b").WithReference(weather).WithReplicas(n);
""")])
    w = res.report.warnings
    assert any("WithReplicas(0)" in x and "at least 1" in x for x in w)
    assert any("WithReplicas(n)" in x and "set in code" in x for x in w)
    assert any("Program.cs:4" in x and "Program.cs:3" in x and "'a'" in x for x in w)
    assert res.review.components["weather-api"].kind == "external_api"


def test_aspire_evidence_names_the_folder_when_imported_from_inside_it(tmp_path, monkeypatch):
    p = _apphost(tmp_path, 'var a = builder.AddProject<Projects.A>("a");')
    monkeypatch.chdir(p.parent)
    res = read_aspire([Path("Program.cs")])
    assert evidence_of(res.review, "a")[1][0].startswith("Shop.AppHost/Program.cs:2:")
