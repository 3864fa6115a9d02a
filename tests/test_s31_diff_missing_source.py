"""A risk on readiness evidence of a component the source files no longer have (a re-import flags it
missing-from-source and keeps it) is not "resolved" in a diff: its evidence went with the files, and the
component is still analysed (PetClinic cloud's visits-service read "resolved: no working disruption
budget" while its SPOF still blocked the launch)."""
from __future__ import annotations

import json

from prr_app.cli.main import main

APP = """apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
      - name: {name}
        image: shop/{name}
        env: [{env}]
---
apiVersion: v1
kind: Service
metadata: {{name: {name}}}
spec: {{selector: {{app: {name}}}, ports: [{{port: 8080}}]}}
"""


def test_a_budget_risk_of_a_component_gone_from_the_source_is_removed_not_resolved(tmp_path, capsys):
    src = tmp_path / "k8s"
    src.mkdir()
    (src / "web.yaml").write_text(APP.format(name="web", env="{name: API_ADDR, value: 'api:8080'}"))
    (src / "api.yaml").write_text(APP.format(name="api", env=""))
    review = tmp_path / "r.prr"
    assert main(["import", str(src), "-o", str(review)]) == 0
    assert main(["milestone", "add", str(review), "m1", "--by", "Rev"]) == 0
    (src / "api.yaml").unlink()
    assert main(["import", str(src), "--into", str(review)]) == 0
    capsys.readouterr()
    main(["diff", f"{review}@m1", str(review), "--json"])
    d = json.loads(capsys.readouterr().out)
    risks = d["analysis"]["risks"]
    resolved = {x["id"] for x in risks["resolved"]}
    removed = {x["id"]: x["went_with"] for x in risks.get("removed", [])}
    assert "evidence:k8s.pdb:api" not in resolved
    assert removed["evidence:k8s.pdb:api"] == {"element_type": "component", "element": "api", "missing_from_source": True}
    main(["diff", f"{review}@m1", str(review)])
    text = capsys.readouterr().out
    assert "its evidence went with component api, no longer in the source files" in text
