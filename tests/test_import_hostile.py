"""Inputs that once ended in an internal error, a hang or gigabytes of memory (issues 16 and 22).

Each is kept as a regression case: the import gives a result or one PrrError naming the
file and place, which the CLI prints on one line with exit code 2.
"""
from __future__ import annotations

import json

import pytest

from prr_app import safe_yaml
from prr_app.cli.main import main
from prr_app.model.validation import validate
from prr_app.errors import PrrError
from prr_app.importers.registry import import_paths


def run_cli(args, capsys) -> tuple[int, str]:
    try:
        code = main(args)
    except SystemExit as e:  # argparse
        code = e.code
    cap = capsys.readouterr()
    return code, cap.err + cap.out


def test_jaeger_call_count_of_ten_to_the_400(tmp_path):
    f = tmp_path / "deps.json"
    f.write_text('[{"parent": "a", "child": "b", "callCount": 1' + "0" * 400 + "}]")
    with pytest.raises(PrrError, match="does not fit in 64 bits"):  # the strict JSON reader: exit 2
        import_paths([f])


def test_servicegraph_overflowing_numbers(tmp_path):
    f = tmp_path / "sg.prom"
    f.write_text('traces_service_graph_request_total{client="a",server="b"} 1e400\n')
    with pytest.raises(PrrError, match="not a finite number"):
        import_paths([f])


def test_structurizr_nested_const_bomb_is_bounded(tmp_path):
    lines = ["workspace {", "!const A0 xx"]
    lines += [f'!const A{i + 1} "${{A{i}}}${{A{i}}}"' for i in range(60)]
    lines += ["model {", 's = softwareSystem "${A60}"', "}", "}"]
    f = tmp_path / "bomb.dsl"
    f.write_text("\n".join(lines) + "\n")  # about 2 KB; unbounded, 2^61 bytes
    with pytest.raises(PrrError, match="constants expand to more than"):
        import_paths([f])


def test_compose_dot_env_nested_variables_bomb_is_bounded(tmp_path):
    (tmp_path / ".env").write_text("A0=xx\n" + "".join(f"A{i + 1}=${{A{i}}}${{A{i}}}\n" for i in range(60)))
    (tmp_path / "compose.yaml").write_text("services:\n  a:\n    image: x\n    environment:\n      X: ${A60}\n")
    with pytest.raises(PrrError, match="expand this value to more than"):
        import_paths([tmp_path / "compose.yaml"])


def test_kubernetes_dollar_var_bomb_is_bounded(tmp_path):
    env = "".join(f"        - {{name: A{i + 1}, value: '$(A{i})$(A{i})'}}\n" for i in range(60))
    f = tmp_path / "k.yaml"
    f.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: w}\nspec:\n  template:\n    spec:\n"
                 "      containers:\n      - name: c\n        image: x\n        env:\n"
                 "        - {name: A0, value: xx}\n" + env)
    with pytest.raises(PrrError, match=r"k.yaml: line \d+: env A\d+: \$\(VAR\) references expand"):
        import_paths([f])


def test_alias_amplification_is_bounded_by_bytes_not_nodes():
    big = "x" * 1_000_000
    text = "data:\n  x: &a " + big + "\n" + "".join(f"  k{i}: *a\n" for i in range(1000))
    # 1,001 nodes: far under the node cap, but a gigabyte of text for whoever reads the values
    with pytest.raises(PrrError, match="aliases repeat more than 16 MB"):
        safe_yaml.load_text(text, file="amp.yaml")
    # a few repeats of a big value are fine
    (doc,) = safe_yaml.load_text("data:\n  x: &a " + big + "\n  y: *a\n  z: *a\n")
    assert doc.value["data"]["z"] == big


def test_deep_nesting_is_an_error_not_a_crash():
    # PyYAML's C composer segfaults here; the loader builds from parser events with its own stack
    with pytest.raises(PrrError, match="nested more than 64"):
        safe_yaml.load_text("a: " + "[" * 100_000, file="deep.yaml")


@pytest.mark.parametrize("name", ["a b", "{{ .Release.Name }}-web", "wéb", "名前", "x" * 300, "-", "a/b"])
@pytest.mark.parametrize("fmt", ["kubernetes", "compose", "backstage"])
def test_odd_names_referenced_elsewhere(tmp_path, capsys, name, fmt):
    q = json.dumps(name)
    if fmt == "kubernetes":
        text = (f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {q}}}\nspec:\n  replicas: 2\n"
                f"  template:\n    metadata: {{labels: {{app: {q}}}}}\n    spec:\n"
                f"      topologySpreadConstraints: [{{topologyKey: kubernetes.io/hostname}}]\n"
                f"      containers: [{{name: c, image: redis, env: [{{name: X_ADDR, value: {json.dumps(name + ':80')}}}]}}]\n"
                f"---\napiVersion: v1\nkind: Service\nmetadata: {{name: {q}}}\nspec: {{selector: {{app: {q}}}}}\n"
                f"---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: p}}\n"
                f"spec: {{maxUnavailable: 1, selector: {{matchLabels: {{app: {q}}}}}}}\n"
                f"---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {{name: h}}\n"
                f"spec: {{scaleTargetRef: {{kind: Deployment, name: {q}}}, minReplicas: 3}}\n"
                f"---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {{name: other}}\nspec:\n"
                f"  template:\n    metadata: {{labels: {{app: other}}}}\n    spec:\n"
                f"      containers: [{{name: c, image: x, env: [{{name: Y_ADDR, value: {json.dumps(name + ':80')}}}]}}]\n")
        f = tmp_path / "app.yaml"
    elif fmt == "compose":
        text = (f"services:\n  {q}:\n    image: postgres\n    ports: ['5432:5432']\n  other:\n    image: x\n"
                f"    environment: [{json.dumps('DB=' + name + ':5432')}]\n    depends_on: [{q}]\n")
        f = tmp_path / "compose.yaml"
    else:
        text = (f"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: {q}}}\n"
                f"spec: {{type: service, owner: t, dependsOn: [{json.dumps('component:' + name)}]}}\n---\n"
                f"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {{name: other}}\n"
                f"spec: {{type: service, owner: t, dependsOn: [{json.dumps('component:' + name)}]}}\n")
        f = tmp_path / "catalog-info.yaml"
    f.write_text(text)
    code, out = run_cli(["import", str(f), "--format", fmt, "-o", str(tmp_path / "o.prr")], capsys)
    assert code in (0, 2), out
    assert "internal error" not in out and "Traceback" not in out
    if code == 0:
        from prr_app.review.document import load_review

        assert validate(load_review(tmp_path / "o.prr")) == []


def test_helm_template_named_directly_says_to_render_it(tmp_path, capsys):
    f = tmp_path / "deployment.yaml"
    f.write_text("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
                 "  labels:\n    {{- include \"x.labels\" . | nindent 4 }}\n")
    code, out = run_cli(["import", str(f), "--format", "kubernetes", "-o", str(tmp_path / "o.prr")], capsys)
    assert code == 2 and "a Helm template, not a manifest" in out and "helm template" in out
    assert len(out.strip().splitlines()) == 1
