"""DOT and `terraform graph` import on documents found in the wild (session 31): an edge out of a queue,
Graphviz's `cluster` prefix, managed services and a resource's configuration, Route 53, labels."""
from __future__ import annotations

from prr_app.importers.dot import _tf_kind
from prr_app.review.importing import import_review

GALLERY = r'''digraph microservices {
    subgraph cluster_services { label="Services"
        orders [label="Order\nService"]
        notify [label="Notification\nService"]
    }
    subgraph cluster_data { label="Data Layer"
        kafka [label="Kafka", shape=parallelogram]
    }
    subgraph cluster_eu_zone_a { db [shape=cylinder] }
    subgraph cluster_k8s { label="prod (EKS)"; api }
    client [label="Client\nApps", shape=ellipse]
    client -> orders
    orders -> kafka [label="events"]
    kafka -> notify [label="consume"]
    api -> kafka [label="subscribe"]
    orders -> db
    notify -> client [label="push", style=dashed]
}
'''


def _import(tmp_path, name, text):
    f = tmp_path / name
    f.write_text(text)
    return import_review([f])


def test_an_edge_out_of_a_queue_is_its_consumer_reading_soft(tmp_path):
    res = _import(tmp_path, "gallery.gv", GALLERY)
    deps = res.review.dependencies
    assert "kafka->notify" not in deps
    assert deps["notify->kafka"].kind == "soft"
    assert any("reads its work from" in e for e in deps["notify->kafka"].evidence)
    assert deps["api->kafka"].kind == "soft"  # a label saying subscribe: a consumer too
    assert deps["orders->kafka"].kind == "hard"  # a publisher


def test_graphviz_cluster_prefix_names_no_failure_domain(tmp_path):
    res = _import(tmp_path, "gallery.gv", GALLERY)
    rv = res.review
    assert {d.name: d.kind for d in rv.domains.values()} == {"eu_zone_a": "zone", "prod (EKS)": "cluster"}
    assert rv.components["orders"].placement == [] and rv.components["kafka"].placement == []
    assert rv.components["api"].placement == [next(d for d in rv.domains if rv.domains[d].kind == "cluster")]
    read = "\n".join(res.report.read)
    assert "cluster_services ('Services') is a group drawn in the diagram, not a failure domain" in read


def test_labels_with_line_breaks_and_the_users_side(tmp_path):
    rv = _import(tmp_path, "gallery.gv", GALLERY).review
    assert rv.components["orders"].name == "Order Service"
    assert rv.components["client"].name == "Client Apps" and rv.components["client"].user_facing
    html = _import(tmp_path, "h.gv", 'digraph { s [label=<<TABLE><TR><TD><B>Web Server</B></TD></TR>'
                                     '<TR><TD>nginx</TD></TR></TABLE>>] }').review
    assert html.components["s"].name == "Web Server"


LB = r'''digraph {
  subgraph "root" {
    "[root] aws_lb.lb (expand)" [label = "aws_lb.lb", shape = "box"]
    "[root] aws_lb_listener.main (expand)" [label = "aws_lb_listener.main", shape = "box"]
    "[root] aws_lb_target_group.tg (expand)" [label = "aws_lb_target_group.tg", shape = "box"]
    "[root] aws_lb_target_group_attachment.a (expand)" [label = "aws_lb_target_group_attachment.a", shape = "box"]
    "[root] aws_instance.web (expand)" [label = "aws_instance.web", shape = "box"]
    "[root] aws_route53_zone.z (expand)" [label = "aws_route53_zone.z", shape = "box"]
    "[root] aws_route53_record.www (expand)" [label = "aws_route53_record.www", shape = "box"]
    "[root] aws_subnet.a (expand)" [label = "aws_subnet.a", shape = "box"]
    "[root] provider[\"registry.terraform.io/hashicorp/aws\"]" [label = "p", shape = "diamond"]
    "[root] aws_lb.lb (expand)" -> "[root] aws_subnet.a (expand)"
    "[root] aws_lb_listener.main (expand)" -> "[root] aws_lb.lb (expand)"
    "[root] aws_lb_listener.main (expand)" -> "[root] aws_lb_target_group.tg (expand)"
    "[root] aws_lb_target_group_attachment.a (expand)" -> "[root] aws_lb_target_group.tg (expand)"
    "[root] aws_lb_target_group_attachment.a (expand)" -> "[root] aws_instance.web (expand)"
    "[root] aws_route53_record.www (expand)" -> "[root] aws_route53_zone.z (expand)"
    "[root] aws_route53_record.www (expand)" -> "[root] aws_lb.lb (expand)"
    "[root] aws_lb.lb (expand)" -> "[root] provider[\"registry.terraform.io/hashicorp/aws\"]"
    "[root] provider[\"registry.terraform.io/hashicorp/aws\"] (close)" -> "[root] aws_lb_listener.main (expand)"
    "[root] root" -> "[root] provider[\"registry.terraform.io/hashicorp/aws\"] (close)"
  }
}
'''


def test_terraform_managed_services_and_a_resources_configuration(tmp_path):
    res = _import(tmp_path, "lb.dot", LB)
    rv = res.review
    assert sorted(rv.components) == ["aws_instance.web", "aws_lb.lb", "aws_route53_zone.z"]
    lb = rv.components["aws_lb.lb"]
    assert "managed" in lb.tags and lb.replicas is None and lb.kind == "load_balancer"
    assert "managed" in rv.components["aws_route53_zone.z"].tags
    assert rv.components["aws_route53_zone.z"].kind == "dns"
    assert "managed" not in rv.components["aws_instance.web"].tags
    # the attachment's and the record's edges are their resources'
    assert sorted(rv.dependencies) == ["aws_lb.lb->aws_instance.web", "aws_route53_zone.z->aws_lb.lb"]
    skipped = "\n".join(res.report.skipped)
    assert "2 Terraform node(s) that run nothing" in skipped  # the provider and its close node are one


def test_terraform_kinds_match_whole_words():
    assert _tf_kind("aws_route53_record") == "dns" and _tf_kind("aws_route53_zone") == "dns"
    assert _tf_kind("aws_route") is None and _tf_kind("aws_route_table") is None
    assert _tf_kind("azurerm_mssql_server") == "datastore" and _tf_kind("aws_alb") == "load_balancer"
    assert _tf_kind("aws_apigatewayv2_api") == "gateway"
