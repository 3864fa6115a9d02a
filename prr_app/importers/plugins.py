"""Registers the importers of outside formats with the registry.

Imported by :mod:`prr_app.importers.registry` when it first lists formats.
Order matters for detection: the first format whose ``detect`` accepts a file wins.
"""
from __future__ import annotations

from prr_app.importers import compose, kubernetes
from prr_app.importers.registry import ImportFormat, register

register(ImportFormat("kubernetes", "Kubernetes manifests (multi-document YAML, Lists, folders)",
                      kubernetes.looks_like_kubernetes, kubernetes.read_kubernetes))
register(ImportFormat("compose", "Docker Compose files (layered in the order given, .env interpolation)",
                      compose.looks_like_compose, compose.read_compose))

from prr_app.importers import backstage  # noqa: E402

register(ImportFormat("backstage", "Backstage catalog descriptors (Component, Resource, API, System, Domain)",
                      backstage.looks_like_backstage, backstage.read_backstage))

from prr_app.importers import dot, traces  # noqa: E402

register(ImportFormat("jaeger", "Jaeger /api/dependencies JSON (parent, child, callCount)",
                      traces.looks_like_jaeger, traces.read_jaeger))
register(ImportFormat("servicegraph", "OpenTelemetry servicegraph metrics (Prometheus text or query JSON)",
                      traces.looks_like_servicegraph, traces.read_servicegraph))
register(ImportFormat("dot", "Graphviz DOT (clusters become failure domains)", dot.looks_like_dot, dot.read_dot))

from prr_app.importers import structurizr  # noqa: E402

register(ImportFormat("structurizr", "Structurizr DSL workspace (model and one deployment environment)",
                      structurizr.looks_like_structurizr, structurizr.read_structurizr))
