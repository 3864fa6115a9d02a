"""Session 29: confirming proposals from evidence after the reviewer changed the review.

* ``prr checklist-confirm REVIEW --all`` confirmed nothing (exit 2, "svc.probes@mcp ... is not asked of
  this review") once one proposal's item stopped applying (its component tagged a telemetry hub after
  the import): it now skips those, says which on one line, and confirms the rest; named, it stays an error.
* a proposal the review's model now answers otherwise, because a reviewer changed what the files said
  (``prr set REVIEW cart replicas=3`` after the manifest's one replica), was recorded as the reviewer's
  answer over the model's: named, confirming it is refused with one line naming both; with ``--all``
  it is skipped and said. A proposal that differs from the model while the fields are as imported (a
  required zone spread the model knows only as assumed zones) is confirmed as before.
"""
from __future__ import annotations

import textwrap

import pytest

from prr_app.cli.main import main
from prr_app.review.document import load_review

MANIFESTS = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend}
spec:
  selector: {matchLabels: {app: frontend}}
  template:
    metadata: {labels: {app: frontend}}
    spec:
      containers:
      - name: server
        image: shop/frontend:1.0
        env:
        - {name: CART_ADDR, value: "cart:7070"}
        - {name: COLLECTOR_ADDR, value: "collector:4317"}
---
apiVersion: v1
kind: Service
metadata: {name: frontend}
spec:
  type: LoadBalancer
  selector: {app: frontend}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cart}
spec:
  selector: {matchLabels: {app: cart}}
  template:
    metadata: {labels: {app: cart}}
    spec:
      containers:
      - name: server
        image: shop/cart:1.0
---
apiVersion: v1
kind: Service
metadata: {name: cart}
spec:
  selector: {app: cart}
  ports: [{port: 7070}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: collector}
spec:
  selector: {matchLabels: {app: collector}}
  template:
    metadata: {labels: {app: collector}}
    spec:
      containers:
      - name: otel
        image: otel/collector:1.0
---
apiVersion: v1
kind: Service
metadata: {name: collector}
spec:
  selector: {app: collector}
  ports: [{port: 4317}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: catalog}
spec:
  replicas: 3
  selector: {matchLabels: {app: catalog}}
  template:
    metadata: {labels: {app: catalog}}
    spec:
      topologySpreadConstraints:
      - maxSkew: 1
        topologyKey: topology.kubernetes.io/zone
        whenUnsatisfiable: DoNotSchedule
        labelSelector: {matchLabels: {app: catalog}}
      containers:
      - name: server
        image: shop/catalog:1.0
---
apiVersion: v1
kind: Service
metadata: {name: catalog}
spec:
  selector: {app: catalog}
  ports: [{port: 8080}]
"""


@pytest.fixture
def shop(tmp_path, capsys):
    src = tmp_path / "shop"
    src.mkdir()
    (src / "app.yaml").write_text(textwrap.dedent(MANIFESTS), encoding="utf-8")
    path = tmp_path / "shop.prr"
    assert main(["import", str(src), "-o", str(path)]) == 0
    capsys.readouterr()
    review = load_review(path)
    assert review.proposals["svc.instances-spread@cart"].status == "not_met"
    assert review.proposals["svc.instances-spread@catalog"].status == "met"  # the model says partly
    return path


def _set(path, capsys, *args):
    assert main(["set", str(path), *args]) == 0
    capsys.readouterr()


# ------------------------------------------------------------------ --all after a hub was tagged
def test_confirm_all_skips_the_proposals_whose_items_are_no_longer_asked(shop, capsys):
    _set(shop, capsys, "collector", "tags+=telemetry")
    assert main(["checklist-confirm", str(shop), "--all", "--by", "Priya Nair"]) == 0
    out = capsys.readouterr().out
    gone = [k for k in load_review(shop).proposals if k.endswith("@collector")]
    assert gone  # not confirmed, still there for a re-import to withdraw
    skip_lines = [line for line in out.splitlines() if line.startswith("skipped") and "no longer asked" in line]
    assert len(skip_lines) == 1 and all(k in skip_lines[0] for k in gone)
    review = load_review(shop)
    assert review.answers["svc.probes@cart"].status == "not_met"  # the rest confirmed
    assert review.answers["svc.probes@cart"].changed_by == "Priya Nair"
    assert not any(k.endswith("@collector") for k in review.answers)
    assert "svc.probes@cart" in out


def test_naming_a_proposal_no_longer_asked_stays_an_error(shop, capsys):
    _set(shop, capsys, "collector", "tags+=telemetry")
    assert main(["checklist-confirm", str(shop), "svc.probes@collector", "--by", "Ana"]) == 2
    err = capsys.readouterr().err
    assert "svc.probes@collector" in err and "is not asked of this review" in err and "Traceback" not in err
    assert "svc.probes@collector" not in load_review(shop).answers


# ------------------------------------------------------------------ a proposal out of date
def test_confirming_a_proposal_the_model_now_contradicts_is_refused(shop, capsys):
    _set(shop, capsys, "cart", "replicas=3")
    assert main(["checklist-confirm", str(shop), "svc.instances-spread@cart", "--by", "Ana"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "svc.instances-spread@cart" in err and "out of date" in err
    assert "the files said not met" in err and "replicas changed from 1 to 3" in err
    assert "the review's model now answers partly" in err
    review = load_review(shop)
    assert "svc.instances-spread@cart" not in review.answers  # nothing recorded over the model
    assert "svc.instances-spread@cart" in review.proposals
    # rejecting it is still possible
    assert main(["checklist-confirm", str(shop), "svc.instances-spread@cart", "--reject", "--by", "Ana"]) == 0


def test_confirm_all_skips_an_out_of_date_proposal_and_says_so(shop, capsys):
    _set(shop, capsys, "cart", "replicas=3")
    assert main(["checklist-confirm", str(shop), "--all", "--by", "Ana"]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith("skipped svc.instances-spread@cart"))
    assert "out of date" in line and "not met" in line and "partly" in line
    review = load_review(shop)
    assert "svc.instances-spread@cart" not in review.answers
    # the others are confirmed, among them one that differs from the model with its fields as imported
    assert review.answers["svc.instances-spread@frontend"].status == "not_met"
    assert review.answers["svc.instances-spread@catalog"].status == "met"


def test_a_proposal_that_differs_from_the_model_as_imported_is_not_out_of_date(shop, capsys):
    assert main(["checklist-confirm", str(shop), "svc.instances-spread@catalog", "--by", "Ana"]) == 0
    assert load_review(shop).answers["svc.instances-spread@catalog"].status == "met"
