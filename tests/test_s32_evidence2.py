"""Round 32 (evidence2): calls and call settings the evidence scan missed on systems it had never seen.

- A discovery client's load balancer (``loadBalancer.choose("CATALOG")``) and a placeholder whose key names an
  address with a deployed service's exact name as default (``@Value("${catalog.service.host:catalog}")``) are
  calls of that service, even a one-word name (ewolff/microservice's order -> catalog, order -> customer).
- MicroProfile Fault Tolerance's annotations on a REST client interface give the calls to the one component its
  URL names their timeout, breaker and retries (acmeair: "no timeout and no circuit breaker stated" was false).
- Dapr's multi-app run file (``dapr.yaml``) says which folder holds which app's code (hello-kubernetes'
  ``./python`` is ``pythonapp``'s), and a Dapr component whose backing host is deployed by no file is said.
"""
from __future__ import annotations

from prr_app.importers.registry import import_paths


def _compose(tmp_path, services: str) -> None:
    (tmp_path / "docker-compose.yml").write_text("services:\n" + services)


# ------------------------------------------------------------------ F3: discovery clients and placeholder defaults
_CATALOG_CLIENT = '''package shop.order;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;

public class CatalogClient {
    private LoadBalancerClient loadBalancer;
    public CatalogClient(@Value("${catalog.service.host:catalog}") String host) { }
    String url() {
        ServiceInstance instance = loadBalancer.choose("CATALOG");
        return "http://" + instance.getHost();
    }
}
'''


def test_a_load_balancer_choose_and_an_address_placeholder_default_are_calls_of_a_one_word_service(tmp_path):
    _compose(tmp_path, "  catalog: {build: ./catalog}\n  customer: {build: ./customer}\n"
                       "  order: {build: ./order}\n")
    for d in ("catalog", "customer", "order"):
        (tmp_path / d).mkdir()
    (tmp_path / "order" / "CatalogClient.java").write_text(_CATALOG_CLIENT)
    (tmp_path / "order" / "CustomerClient.java").write_text(
        'class CustomerClient {\n  Object u() { return discoveryClient.getInstances("customer"); }\n}\n')
    deps = import_paths([tmp_path]).review.dependencies
    assert "order->catalog" in deps and "order->customer" in deps
    ev = " ".join(deps["order->catalog"].evidence)
    assert "source reads catalog.service.host, whose default in the code is the address of catalog" in ev
    assert '@Value("${catalog.service.host:catalog}")' in ev  # the line as written, its key visible
    assert "discovery client for an instance of catalog (loadBalancer.choose)" in ev


def test_a_one_word_name_elsewhere_stays_no_call(tmp_path):
    """Not an address's key, not a discovery client: a route, a cache's choose(), a table name."""
    _compose(tmp_path, "  catalog: {build: ./catalog}\n  order: {build: ./order}\n")
    for d in ("catalog", "order"):
        (tmp_path / d).mkdir()
    (tmp_path / "order" / "Order.java").write_text(
        'class Order {\n  @Value("${order.table:catalog}") String table;\n'
        '  Object x() { return picker.choose("catalog"); }\n}\n')
    assert "order->catalog" not in import_paths([tmp_path]).review.dependencies


# ------------------------------------------------------------------ F4: MicroProfile Fault Tolerance
_MP_CLIENT = '''package com.acme.client;

import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

@RegisterRestClient(configKey="customerClient")
public interface CustomerClient {
  @POST
  @Path("/validate")
  @Timeout(500)
  @CircuitBreaker(requestVolumeThreshold=4,failureRatio=0.5,delay=1,delayUnit=ChronoUnit.SECONDS)
  @Retry(maxRetries = 3, delayUnit = ChronoUnit.SECONDS, delay = 5)
  @Fallback(LoginFallbackHandler.class)
  public LoginResponse validate(@FormParam("login") String login);
}
'''


def _mp_system(tmp_path, url_line: str, env: str = ""):
    _compose(tmp_path, "  customer: {image: 'acme/customer:1'}\n  payments: {image: 'acme/payments:1'}\n"
                       f"  auth:\n    build: ./auth\n{env}")
    src = tmp_path / "auth" / "src" / "main" / "java" / "com" / "acme" / "client"
    src.mkdir(parents=True)
    (src / "CustomerClient.java").write_text(_MP_CLIENT)
    cfg = tmp_path / "auth" / "src" / "main" / "resources" / "META-INF"
    cfg.mkdir(parents=True)
    (cfg / "microprofile-config.properties").write_text(url_line)
    return import_paths([tmp_path]).review.dependencies


def test_microprofile_fault_tolerance_on_a_rest_client_gives_its_calls_timeout_breaker_and_retries(tmp_path):
    deps = _mp_system(tmp_path, "customerClient/mp-rest/url=http://customer:9080/customer\n")
    d = deps["auth->customer"]
    assert d.timeout_ms == 500 and d.circuit_breaker is True and d.retries == 3 and d.backoff is False
    ev = " ".join(d.evidence)
    assert "MicroProfile Fault Tolerance" in ev and "@Fallback(LoginFallbackHandler.class)" in ev
    assert "5 seconds apart (a fixed delay, not a back-off)" in ev


def test_a_rest_client_url_from_a_variable_the_deployment_sets(tmp_path):
    deps = _mp_system(tmp_path, "customerClient/mp-rest/url=${CUSTOMER_URL}\n",
                      "    environment:\n      CUSTOMER_URL: http://customer:9080/customer\n")
    assert deps["auth->customer"].timeout_ms == 500 and deps["auth->customer"].circuit_breaker is True


def test_a_rest_client_whose_url_names_no_one_component_ties_its_annotations_to_no_call(tmp_path):
    deps = _mp_system(tmp_path, "customerClient/mp-rest/url=http://customer:9080/customer\n"
                                "other/mp-rest/url=http://payments:80/\n",
                      "    environment:\n      PAY_URL: http://payments:80/\n")
    assert deps["auth->customer"].timeout_ms == 500
    assert deps["auth->payments"].timeout_ms is None and deps["auth->payments"].circuit_breaker is None


# ------------------------------------------------------------------ F6: Dapr multi-app run file; a store not deployed
_DEPLOY = '''apiVersion: apps/v1
kind: Deployment
metadata: {name: %(app)s}
spec:
  replicas: 1
  selector: {matchLabels: {app: %(label)s}}
  template:
    metadata:
      labels: {app: %(label)s}
      annotations: {dapr.io/enabled: "true", dapr.io/app-id: "%(app)s"}
    spec:
      containers:
      - name: %(label)s
        image: example/%(label)s:1
'''


def _dapr_system(tmp_path, run_file: bool):
    (tmp_path / "deploy").mkdir()
    for app, label in (("nodeapp", "node"), ("pythonapp", "python")):
        (tmp_path / "deploy" / f"{label}.yaml").write_text(_DEPLOY % {"app": app, "label": label})
    (tmp_path / "deploy" / "redis.yaml").write_text(
        "apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: statestore\nspec:\n  type: state.redis\n"
        "  version: v1\n  metadata:\n  - name: redisHost\n    value: dapr-dev-redis-master:6379\n")
    (tmp_path / "python").mkdir()
    (tmp_path / "python" / "app.py").write_text(
        'import requests\nrequests.post("http://localhost:3500/neworder", headers={"dapr-app-id": "nodeapp"})\n')
    (tmp_path / "node").mkdir()
    (tmp_path / "node" / "app.js").write_text(
        "const stateStoreName = `statestore`;\n"
        "const stateUrl = `http://localhost:${daprPort}/v1.0/state/${stateStoreName}`;\n")
    if run_file:
        (tmp_path / "dapr.yaml").write_text("version: 1\napps:\n  - appDirPath: ./node\n    appID: nodeapp\n"
                                            "  - appDirPath: ./python\n    appID: pythonapp\n")
    return import_paths([tmp_path])


def test_dapr_run_file_ties_a_generic_folder_to_its_app(tmp_path):
    res = _dapr_system(tmp_path, run_file=True)
    assert "pythonapp->nodeapp" in res.review.dependencies
    assert any("dapr.yaml:" in r and "pythonapp's code in python/" in r for r in res.report.read)


def test_without_the_run_file_a_folder_named_python_is_no_app(tmp_path):
    assert "pythonapp->nodeapp" not in _dapr_system(tmp_path, run_file=False).review.dependencies


def test_a_dapr_store_no_file_deploys_is_said_with_its_users(tmp_path):
    res = _dapr_system(tmp_path, run_file=True)
    said = [s for s in res.report.skipped if "component statestore names dapr-dev-redis-master (redisHost)" in s]
    assert said and "which no file read deploys" in said[0]
    assert "nodeapp uses it (nodeapp's code names it at node/app.js:1)" in said[0]
