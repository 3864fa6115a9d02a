"""`terraform graph | prr import`: resources become components, configuration and Terraform's own
nodes are left out and listed, and the reviewer is told the edges are creation order, not calls."""
from __future__ import annotations

from prr_app.cli.main import main
from prr_app.review.importing import import_review

# Terraform before 1.7 (the "[root] ... (expand)" node names)
OLD = r'''digraph {
	compound = "true"
	newrank = "true"
	subgraph "root" {
		"[root] aws_db_instance.main (expand)" [label = "aws_db_instance.main", shape = "box"]
		"[root] aws_instance.web (expand)" [label = "aws_instance.web", shape = "box"]
		"[root] aws_lb.front (expand)" [label = "aws_lb.front", shape = "box"]
		"[root] aws_security_group.web (expand)" [label = "aws_security_group.web", shape = "box"]
		"[root] provider[\"registry.terraform.io/hashicorp/aws\"]" [label = "provider[\"registry.terraform.io/hashicorp/aws\"]", shape = "diamond"]
		"[root] var.region" [label = "var.region", shape = "note"]
		"[root] aws_db_instance.main (expand)" -> "[root] provider[\"registry.terraform.io/hashicorp/aws\"]"
		"[root] aws_instance.web (expand)" -> "[root] aws_db_instance.main (expand)"
		"[root] aws_instance.web (expand)" -> "[root] aws_security_group.web (expand)"
		"[root] aws_lb.front (expand)" -> "[root] aws_instance.web (expand)"
		"[root] provider[\"registry.terraform.io/hashicorp/aws\"]" -> "[root] var.region"
		"[root] provider[\"registry.terraform.io/hashicorp/aws\"] (close)" -> "[root] aws_lb.front (expand)"
		"[root] root" -> "[root] provider[\"registry.terraform.io/hashicorp/aws\"] (close)"
	}
}
'''

# Terraform 1.7 and later (plain resource addresses)
NEW = '''digraph G {
  rankdir = "RL";
  node [shape = rect, fontname = "sans-serif"];
  "aws_elasticache_cluster.sessions" [label="aws_elasticache_cluster.sessions"];
  "aws_instance.web" [label="aws_instance.web"];
  "aws_lb.front" [label="aws_lb.front"];
  "aws_sqs_queue.orders" [label="aws_sqs_queue.orders"];
  "data.aws_ami.ubuntu" [label="data.aws_ami.ubuntu"];
  "module.vpc.aws_subnet.a" [label="module.vpc.aws_subnet.a"];
  "aws_instance.web" -> "aws_elasticache_cluster.sessions";
  "aws_instance.web" -> "aws_sqs_queue.orders";
  "aws_instance.web" -> "data.aws_ami.ubuntu";
  "aws_instance.web" -> "module.vpc.aws_subnet.a";
  "aws_lb.front" -> "aws_instance.web";
}
'''


def test_a_terraform_graph_before_1_7(tmp_path):
    f = tmp_path / "infra.dot"
    f.write_text(OLD)
    res = import_review([f])
    rv = res.review
    assert sorted(rv.components) == ["aws_db_instance.main", "aws_instance.web", "aws_lb.front"]
    assert rv.components["aws_db_instance.main"].kind == "datastore"
    assert rv.components["aws_lb.front"].kind == "load_balancer"
    assert sorted(rv.dependencies) == ["aws_instance.web->aws_db_instance.main", "aws_lb.front->aws_instance.web"]
    skipped = "\n".join(res.report.skipped)
    assert "aws_security_group.web" in skipped and "var.region" in skipped and "root" in skipped
    assert any("creation order" not in w and "order Terraform creates" in w for w in res.report.warnings)
    assert rv.meta.system_name == "infra"  # the file names the system


def test_a_terraform_graph_since_1_7(tmp_path, capsys):
    f = tmp_path / "shop.dot"
    f.write_text(NEW)
    out = tmp_path / "shop.prr"
    assert main(["import", str(f), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "Terraform graph, 4 resource(s)" in text
    assert "data.aws_ami.ubuntu" in text and "module.vpc.aws_subnet.a" in text  # listed as left out
    rv = import_review([f]).review
    assert {c.id: c.kind for c in rv.components.values()} == {
        "aws_elasticache_cluster.sessions": "cache", "aws_instance.web": "service",
        "aws_lb.front": "load_balancer", "aws_sqs_queue.orders": "queue"}
    assert rv.dependencies["aws_instance.web->aws_sqs_queue.orders"].evidence == [
        "shop.dot:11: aws_instance.web refers to aws_sqs_queue.orders (Terraform graph)"]


def test_an_ordinary_dot_graph_is_not_taken_for_terraform(tmp_path):
    f = tmp_path / "svc.dot"
    f.write_text("digraph shop { web -> api; api -> db; api -> cache_redis; }")
    res = import_review([f])
    assert sorted(res.review.components) == ["api", "cache_redis", "db", "web"]
    assert not any("Terraform" in w for w in res.report.warnings)
