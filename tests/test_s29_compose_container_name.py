"""Session 29 (x-bad report): a Compose service with a fixed ``container_name`` and ``deploy.replicas: 3``
(or ``scale: 3``) was imported as 3 replicas, clearing its single point of failure. The Compose
specification never scales a service with a container_name beyond one container (``docker compose up``
refuses it), so it is imported as 1 replica, with a warning and evidence naming both lines."""
from __future__ import annotations

from prr_app.importers.registry import import_paths

COMPOSE = """services:
  web:
    image: nginx
    container_name: web-1
    deploy:
      replicas: 3
  api:
    image: example/api
    container_name: api
    scale: 2
  db:
    image: postgres
    deploy:
      replicas: 2
"""


def _import(tmp_path):
    f = tmp_path / "compose.yaml"
    f.write_text(COMPOSE)
    res = import_paths([f], "compose")
    comps = {c.name: c for c in res.review.components.values()}
    return res, comps


def test_a_fixed_container_name_is_one_replica_whatever_it_asks_for(tmp_path):
    res, comps = _import(tmp_path)
    assert comps["web"].replicas == 1
    assert comps["api"].replicas == 1
    assert comps["db"].replicas == 2  # no container_name: its replicas stand


def test_the_warning_names_the_file_both_lines_and_what_was_imported(tmp_path):
    res, _ = _import(tmp_path)
    warns = [w for w in res.report.warnings if "container_name" in w]
    assert ("compose.yaml:5: service web asks for deploy.replicas 3 but sets container_name web-1 (compose.yaml:4): "
            "Docker Compose runs at most one container with a fixed name; imported as 1 replica") in warns
    assert any(w.startswith("compose.yaml:10: service api asks for scale 2") and "(compose.yaml:9)" in w for w in warns)
    assert len(warns) == 2


def test_the_evidence_says_why_it_is_one_replica(tmp_path):
    res, comps = _import(tmp_path)
    web = " | ".join(_evidence(res, comps["web"].id))
    assert "compose.yaml:5: deploy.replicas 3, but container_name web-1 (compose.yaml:4) allows one container: 1 replica" in web
    api = " | ".join(_evidence(res, comps["api"].id))
    assert "compose.yaml:10: scale 2, but container_name api (compose.yaml:9) allows one container: 1 replica" in api
    assert "compose.yaml:13: deploy.replicas 2" in " | ".join(_evidence(res, comps["db"].id))


def _evidence(res, cid):
    """The evidence lines the import reported for component ``cid``."""
    return next(inf.evidence for inf in res.report.components if inf.element == cid)
