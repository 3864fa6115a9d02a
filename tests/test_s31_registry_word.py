"""Every call to a service registry named by REGISTRY_HOST is worded "(discovery)", the first caller's
too: the first was worded "(call)", as the registry was tagged only after its first call was recorded
(TeaStore's persistence, in Compose and in Kubernetes)."""
from __future__ import annotations

from prr_app.importers.registry import import_paths

COMPOSE = """\
services:
  teastore-registry:
    image: shop/registry
  persistence:
    image: shop/persistence
    environment:
      REGISTRY_HOST: teastore-registry
  webui:
    image: shop/webui
    environment:
      REGISTRY_HOST: teastore-registry
"""

MANIFESTS = """\
apiVersion: v1
kind: Service
metadata: {name: teastore-registry}
spec: {selector: {app: teastore-registry}, ports: [{port: 8080}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: teastore-registry}
spec:
  selector: {matchLabels: {app: teastore-registry}}
  template:
    metadata: {labels: {app: teastore-registry}}
    spec: {containers: [{name: registry, image: shop/registry}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: persistence}
spec:
  selector: {matchLabels: {app: persistence}}
  template:
    metadata: {labels: {app: persistence}}
    spec:
      containers:
      - name: persistence
        image: shop/persistence
        env: [{name: REGISTRY_HOST, value: teastore-registry}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: webui}
spec:
  selector: {matchLabels: {app: webui}}
  template:
    metadata: {labels: {app: webui}}
    spec:
      containers:
      - name: webui
        image: shop/webui
        env: [{name: REGISTRY_HOST, value: teastore-registry}]
"""


def _words(path) -> dict[str, str]:
    review = import_paths([path]).review
    return {did: " ".join(d.evidence) for did, d in review.dependencies.items() if d.target == "teastore-registry"}


def test_compose_words_every_registry_call_discovery(tmp_path):
    f = tmp_path / "docker-compose.yml"
    f.write_text(COMPOSE)
    words = _words(f)
    assert set(words) == {"persistence->teastore-registry", "webui->teastore-registry"}
    assert all("(discovery)" in w and "(call)" not in w for w in words.values())


def test_kubernetes_words_every_registry_call_discovery(tmp_path):
    f = tmp_path / "shop.yaml"
    f.write_text(MANIFESTS)
    words = _words(f)
    assert set(words) == {"persistence->teastore-registry", "webui->teastore-registry"}
    assert all("(discovery)" in w and "(call)" not in w for w in words.values())
