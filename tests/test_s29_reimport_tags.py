"""A tag the import gave and the reviewer removed stays removed on re-import (it came back: removing
a hub's tag is how a reviewer says the hub is a real single point of failure, and the SPOF vanished
after a routine re-import)."""
from __future__ import annotations

from prr_app.importers.registry import import_paths

COMPOSE = """\
services:
  web:
    image: example/web
    environment: {OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel-collector:4317", API_ADDR: "api:80"}
  api:
    image: example/api
  otel-collector:
    image: otel/opentelemetry-collector-contrib:0.100.0
"""


def test_a_removed_tag_stays_removed_and_is_said(tmp_path):
    src = tmp_path / "compose.yaml"
    src.write_text(COMPOSE)
    review = import_paths([src]).review
    hub = review.components["otel-collector"]
    assert "telemetry" in hub.tags
    hub.tags = [t for t in hub.tags if t != "telemetry"]
    res = import_paths([src], into=review)
    assert "telemetry" not in res.review.components["otel-collector"].tags
    lines = [str(c) for c in res.plan.changes] if hasattr(res, "plan") else res.report.lines()
    assert any("otel-collector: tag telemetry removed by hand, kept removed" in line for line in lines), lines


def test_a_tag_the_source_newly_gives_is_added(tmp_path):
    src = tmp_path / "compose.yaml"
    src.write_text(COMPOSE.replace("  otel-collector:\n    image: otel/opentelemetry-collector-contrib:0.100.0\n", ""))
    review = import_paths([src]).review
    src.write_text(COMPOSE)
    res = import_paths([src], into=review)
    assert "telemetry" in res.review.components["otel-collector"].tags
