"""In Compose as in Kubernetes, a telemetry exporter's address names a soft telemetry call, even where it
points at something that is no telemetry hub (an OTLP endpoint through the front proxy): it was a hard
call there, and the proxy a single point of failure of the service that only sends it spans."""
from __future__ import annotations

from prr_app.importers.registry import import_paths

COMPOSE = """\
services:
  edge-proxy:
    image: envoyproxy/envoy:v1.30
    ports: ["8080:8080"]
  shop:
    image: acme/shop
    environment:
      OTEL_EXPORTER_OTLP_ENDPOINT: http://edge-proxy:4317
"""


def test_an_otlp_endpoint_through_the_proxy_is_a_soft_telemetry_call(tmp_path):
    f = tmp_path / "docker-compose.yml"
    f.write_text(COMPOSE)
    review = import_paths([f]).review
    d = review.dependencies["shop->edge-proxy"]
    assert d.kind == "soft" and any("(telemetry)" in e for e in d.evidence)
    assert review.components["edge-proxy"].kind == "gateway"
