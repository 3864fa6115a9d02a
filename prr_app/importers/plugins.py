"""Registers the importers of outside formats with the registry.

Imported by :mod:`prr_app.importers.registry` when it first lists formats.
Order matters for detection: the first format whose ``detect`` accepts a file wins.

Listing the formats imports no importer: each importer module (and what it
needs: YAML, the DOT and DSL parsers...) is imported the first time one of its
functions is called, so ``prr summary`` and ``prr --help`` do not pay for them.
"""
from __future__ import annotations

import importlib
from typing import Callable

from prr_app.importers.registry import ImportFormat, register


def _lazy(module: str, function: str) -> Callable:
    """``module.function``, imported when first called."""
    target: list[Callable] = []

    def call(*args, **kwargs):
        if not target:
            target.append(getattr(importlib.import_module(module), function))
        return target[0](*args, **kwargs)

    call.__name__ = call.__qualname__ = function
    call.__module__ = module
    call.__doc__ = f"{module}.{function} (imported on first use)"
    return call


def _format(name: str, description: str, module: str, detect: str, read: str, options: tuple[str, ...] = ()) -> None:
    module = "prr_app.importers." + module
    register(ImportFormat(name, description, _lazy(module, detect), _lazy(module, read), options))


_format("kubernetes", "Kubernetes manifests (multi-document YAML, Lists, folders)",
        "kubernetes", "looks_like_kubernetes", "read_kubernetes")
_format("compose", "Docker Compose files (layered in the order given, .env interpolation)",
        "compose", "looks_like_compose", "read_compose", ("profiles",))
_format("backstage", "Backstage catalog descriptors (Component, Resource, API, System, Domain)",
        "backstage", "looks_like_backstage", "read_backstage")
_format("jaeger", "Jaeger /api/dependencies JSON (parent, child, callCount)",
        "traces", "looks_like_jaeger", "read_jaeger")
_format("servicegraph", "OpenTelemetry servicegraph metrics (Prometheus text or query JSON)",
        "traces", "looks_like_servicegraph", "read_servicegraph")
_format("kiali", "Kiali traffic graph JSON (an Istio mesh's observed calls: apps, workloads, Services)",
        "kiali", "looks_like_kiali", "read_kiali")
_format("dot", "Graphviz DOT (clusters become failure domains)", "dot", "looks_like_dot", "read_dot")
_format("structurizr", "Structurizr DSL workspace (model and one deployment environment)",
        "structurizr", "looks_like_structurizr", "read_structurizr")
_format("aspire", ".NET Aspire AppHost (Program.cs: AddProject, AddRedis..., WithReference, WaitFor)",
        "aspire", "looks_like_aspire", "read_aspire")
_format("structurizr-json", "Structurizr JSON workspace (exported by the Structurizr CLI, stored by Lite)",
        "structurizr", "looks_like_structurizr_json", "read_structurizr_json")
