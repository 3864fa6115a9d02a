"""Kubernetes manifests of a small shop (storefront -> pricing -> stock, storefront -> stock) and
an Istio mesh over it, shared by the import and the app's tests of call policies and evidence."""
from __future__ import annotations


def _service(name: str, port: int, image: str, env: dict[str, str] | None = None, extra: str = "") -> str:
    env_lines = "".join(f'        - {{name: {k}, value: "{v}"}}\n' for k, v in (env or {}).items())
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n"
            f"  selector: {{matchLabels: {{app: {name}}}}}\n  template:\n    metadata: {{labels: {{app: {name}}}}}\n"
            f"    spec:\n      containers:\n      - name: main\n        image: {image}\n"
            + (f"        env:\n{env_lines}" if env_lines else "")
            + f"---\napiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\n"
              f"spec: {{{extra}selector: {{app: {name}}}, ports: [{{port: {port}}}]}}\n")


APPS = "---\n".join([
    _service("storefront", 80, "shop/storefront:1.4", {"PRICING_ADDR": "pricing:7000", "STOCK_ADDR": "stock:7100"},
             extra="type: LoadBalancer, "),
    _service("pricing", 7000, "shop/pricing:2.0", {"STOCK_ADDR": "stock:7100"}),
    _service("stock", 7100, "shop/stock:3.1"),
])

MESH = """\
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: pricing}
spec:
  hosts: [pricing.default.svc.cluster.local]
  http:
  - match: [{uri: {prefix: /quote}}]
    route: [{destination: {host: pricing.default.svc.cluster.local}}]
    timeout: 1.5s
    retries: {attempts: 3, perTryTimeout: 500ms}
  - route: [{destination: {host: pricing}}]
    timeout: 800ms
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: stock}
spec:
  host: stock
  trafficPolicy:
    connectionPool: {http: {http1MaxPendingRequests: 10}}
    outlierDetection: {consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s}
"""
