"""A service mesh's call policies (Istio): the timeout, retries and circuit breaker the platform
applies to every call to a service are the dependencies' own, so that an imported mesh is not
reported as calling everything with no timeout (docs/importers.md, "Service mesh")."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest

from prr_app.analysis import analyze
from prr_app.importers.merge import reimport
from prr_app.importers.registry import import_paths
from prr_app.review.importing import import_review

from shop_manifests import APPS, MESH


def _write(tmp_path: Path, mesh: str = MESH) -> Path:
    (tmp_path / "apps.yaml").write_text(APPS, encoding="utf-8")
    (tmp_path / "mesh.yaml").write_text(mesh, encoding="utf-8")
    return tmp_path


def test_a_mesh_route_timeout_retries_and_outlier_detection_are_the_calls_own(tmp_path):
    res = import_paths([_write(tmp_path) / "apps.yaml", tmp_path / "mesh.yaml"], "kubernetes")
    deps = res.review.dependencies
    to_pricing = deps["storefront->pricing"]
    # the longest of the routes' timeouts: a caller may wait that long
    assert (to_pricing.timeout_ms, to_pricing.retries, to_pricing.backoff) == (1500, 3, True)
    assert to_pricing.circuit_breaker is None
    assert any("VirtualService pricing" in e and "1500 ms" in e for e in to_pricing.evidence)
    for src in ("storefront", "pricing"):
        to_stock = deps[f"{src}->stock"]
        assert to_stock.circuit_breaker is True and to_stock.timeout_ms is None
        assert any("DestinationRule stock" in e and "outlier detection" in e for e in to_stock.evidence)
    # neither object is reported as skipped
    assert not any("VirtualService pricing" in s or "DestinationRule stock" in s for s in res.report.skipped)

    a = analyze(res.review)
    no_timeout = {f["id"]: f for f in a.cascading if f["type"] == "no-timeout-or-breaker"}
    # storefront's calls: pricing has a timeout, stock a breaker; pricing's call to stock a breaker
    assert "cascade:no-timeout:storefront" not in no_timeout
    assert "cascade:no-timeout:pricing" not in no_timeout
    unstated = next((x for x in a.assumptions if x["id"] == "timeout-unstated"), {"elements": ()})
    assert "storefront->pricing" not in unstated["elements"]


def test_without_the_mesh_files_the_calls_state_nothing(tmp_path):
    res = import_paths([_write(tmp_path) / "apps.yaml"], "kubernetes")
    dep = res.review.dependencies["storefront->pricing"]
    assert (dep.timeout_ms, dep.retries, dep.backoff, dep.circuit_breaker) == (None, None, None, None)
    a = analyze(res.review)
    assert any(f["id"] == "cascade:no-timeout:storefront" for f in a.cascading)


def test_what_does_not_apply_to_every_call_is_not_taken_for_the_calls_policy(tmp_path):
    mesh = """\
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: pricing}
spec:
  hosts: [pricing]
  http:
  - match: [{headers: {x-canary: {exact: "1"}}}]
    route: [{destination: {host: pricing}}]
    timeout: 2s
  - route: [{destination: {host: pricing}}]
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: stock-from-storefront}
spec:
  hosts: [stock]
  http:
  - match: [{sourceLabels: {app: storefront}}]
    route: [{destination: {host: stock}}]
    timeout: 1s
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: storefront-edge}
spec:
  hosts: ["shop.example.com"]
  gateways: [edge-gateway]
  http:
  - route: [{destination: {host: storefront}}]
    timeout: 30s
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: stock}
spec:
  host: stock
  trafficPolicy: {connectionPool: {tcp: {maxConnections: 100}}}
"""
    res = import_paths([_write(tmp_path, mesh) / "apps.yaml", tmp_path / "mesh.yaml"], "kubernetes")
    deps = res.review.dependencies
    # one route to pricing states no timeout: calls on it may wait for ever
    assert deps["storefront->pricing"].timeout_ms is None
    # a rule for some callers only, and a route from the edge gateway, say nothing of the calls
    assert deps["storefront->stock"].timeout_ms is None and deps["pricing->stock"].timeout_ms is None
    # a connection pool alone is not a breaker
    assert deps["storefront->stock"].circuit_breaker is None
    assert any("DestinationRule stock" in s and "no outlier detection" in s for s in res.report.skipped)
    assert res.review.components["storefront"].user_facing


def test_a_reimport_brings_the_mesh_policy_in_and_keeps_a_reviewers_own_figure(tmp_path):
    _write(tmp_path)
    first = import_review([tmp_path / "apps.yaml"], "kubernetes").review
    # an import made before call policies were imported: its snapshot has no such fields
    old = copy.deepcopy(first)
    rec = next(iter(old.imports.values()))
    for fields in rec.report["imported"]["dependencies"].values():
        for f in ("timeout_ms", "retries", "backoff", "circuit_breaker"):
            fields.pop(f, None)
    old.dependencies["pricing->stock"].circuit_breaker = False  # the reviewer's own answer
    again = reimport(old, import_paths([tmp_path / "apps.yaml", tmp_path / "mesh.yaml"], "kubernetes")).review
    assert again.dependencies["storefront->pricing"].timeout_ms == 1500
    assert again.dependencies["storefront->stock"].circuit_breaker is True
    assert again.dependencies["pricing->stock"].circuit_breaker is False  # kept


def test_a_checkout_import_applies_the_mesh_policy_to_calls_found_in_the_code(tmp_path):
    apps = APPS.replace('        env:\n        - {name: STOCK_ADDR, value: "stock:7100"}\n---\napiVersion: v1\nkind: Service\n'
                        'metadata: {name: pricing}', '---\napiVersion: v1\nkind: Service\nmetadata: {name: pricing}')
    assert apps != APPS
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "apps.yaml").write_text(apps, encoding="utf-8")
    (tmp_path / "deploy" / "mesh.yaml").write_text(MESH, encoding="utf-8")
    (tmp_path / "src" / "pricing").mkdir(parents=True)
    (tmp_path / "src" / "pricing" / "client.py").write_text(
        'import requests\n\nSTOCK = "http://stock:7100/levels"\n\n\ndef level(sku):\n'
        '    return requests.get(f"{STOCK}/{sku}", timeout=None).json()\n', encoding="utf-8")
    res = import_review([tmp_path], None)
    dep = res.review.dependencies.get("pricing->stock")
    assert dep is not None, sorted(res.review.dependencies)
    assert dep.circuit_breaker is True
    assert any("DestinationRule stock" in e for e in dep.evidence)


# --------------------------------------------------------------------- Linkerd
LINKERD = """\
apiVersion: linkerd.io/v1alpha2
kind: ServiceProfile
metadata: {name: pricing.default.svc.cluster.local, namespace: default}
spec:
  routes:
  - name: GET /price
    condition: {method: GET, pathRegex: /price}
    timeout: 300ms
    isRetryable: true
  - name: POST /quote
    condition: {method: POST, pathRegex: /quote}
  retryBudget: {retryRatio: 0.2, minRetriesPerSecond: 10, ttl: 10s}
"""
STOCK_ANNOTATED = ("kind: Service\nmetadata:\n  name: stock\n  annotations:\n    timeout.linkerd.io/request: 2s\n"
                   "    retry.linkerd.io/http: 5xx\n    balancer.linkerd.io/failure-accrual: consecutive\n")


def test_linkerd_service_profiles_and_annotations_are_the_calls_own(tmp_path):
    apps = APPS.replace("kind: Service\nmetadata: {name: stock}\n", STOCK_ANNOTATED)
    assert apps != APPS
    (tmp_path / "apps.yaml").write_text(apps, encoding="utf-8")
    (tmp_path / "linkerd.yaml").write_text(LINKERD, encoding="utf-8")
    res = import_paths([tmp_path / "apps.yaml", tmp_path / "linkerd.yaml"], "kubernetes")
    deps = res.review.dependencies
    pricing = deps["storefront->pricing"]
    # a route without a timeout has Linkerd's 10 s: the longest a caller may wait
    assert (pricing.timeout_ms, pricing.retries, pricing.circuit_breaker) == (10_000, None, None)
    assert any("ServiceProfile pricing.default.svc.cluster.local" in e and "GET /price are retried within" in e
               for e in pricing.evidence)
    for src in ("storefront", "pricing"):
        stock = deps[f"{src}->stock"]
        assert (stock.timeout_ms, stock.retries, stock.circuit_breaker) == (2000, 1, True)
        assert any("Linkerd's default limit" in e for e in stock.evidence)
    assert not any("ServiceProfile" in s for s in res.report.skipped)
    # a ServiceProfile for a Service makes Linkerd ignore that Service's timeout and retry annotations
    profile = LINKERD.replace("pricing.default", "stock.default")
    (tmp_path / "linkerd.yaml").write_text(profile, encoding="utf-8")
    stock = import_paths([tmp_path / "apps.yaml", tmp_path / "linkerd.yaml"], "kubernetes").review.dependencies[
        "pricing->stock"]
    assert (stock.timeout_ms, stock.retries, stock.circuit_breaker) == (10_000, None, True)


# --------------------------------------------------------------------- Spring Cloud Gateway
REALDATA = Path(__file__).resolve().parent.parent.parent / "shared" / "realdata"

GATEWAY_YML = """\
spring:
  application:
    name: edge
  cloud.gateway:
    httpclient:
      response-timeout: 4s
    default-filters:
      - name: Retry
        args: {retries: 2, statuses: BAD_GATEWAY, backoff: {firstBackoff: 50ms, maxBackoff: 500ms, factor: 2}}
    routes:
      - id: catalog
        uri: lb://catalog
        predicates: [Path=/api/catalog/**]
        filters:
          - CircuitBreaker=name=catalogBreaker,fallbackUri=forward:/catalog-fallback
      - id: orders
        uri: http://orders:8080
        predicates: [Path=/api/orders/**]
        metadata: {response-timeout: 1500}
        filters: [Retry=5]
      - id: docs
        uri: https://docs.example.com
"""


def test_a_gateways_filters_and_timeouts_are_its_calls_own():
    from prr_app.importers.call_policies import spring_gateway_policies

    routes = {uri: pol for uri, pol, _breaker in spring_gateway_policies(GATEWAY_YML, "edge/application.yml")}
    assert set(routes) == {"lb://catalog", "http://orders:8080", "https://docs.example.com"}
    catalog = {f: v for f, (v, _line) in routes["lb://catalog"].items()}
    assert catalog == {"circuit_breaker": True, "retries": 2, "backoff": True, "timeout_ms": 4000}
    assert "forward:/catalog-fallback" in routes["lb://catalog"]["circuit_breaker"][1]
    orders = {f: v for f, (v, _line) in routes["http://orders:8080"].items()}
    # the route's own timeout and Retry filter win over the defaults; Retry=5 states no back-off
    assert orders == {"retries": 5, "backoff": False, "timeout_ms": 1500}
    assert routes["lb://catalog"]["retries"][1].startswith("edge/application.yml:")


def test_what_is_not_a_gateway_configuration_says_nothing():
    from prr_app.importers.call_policies import spring_gateway_policies

    assert spring_gateway_policies("spring:\n  datasource:\n    url: jdbc:mysql://db/x\n", "a/application.yml") == []
    assert spring_gateway_policies("gateway: [unclosed\n", "a/application.yml") == []  # not YAML: nothing
    assert spring_gateway_policies("spring.cloud.gateway.routes: 7\n", "a/application.yml") == []


@pytest.mark.skipif(not (REALDATA / "spring-petclinic-repo").is_dir(), reason="shared/realdata is not here")
def test_petclinics_gateway_breaker_on_every_route_is_not_reported_missing():
    res = import_review([REALDATA / "spring-petclinic-repo"], None)
    deps = res.review.dependencies
    for svc in ("customers-service", "vets-service", "visits-service", "genai-service"):
        d = deps[f"api-gateway->{svc}"]
        assert d.circuit_breaker is True and d.retries == 1 and d.backoff is False, d
        assert any("CircuitBreaker filter" in e for e in d.evidence)
        # the gateway's code gives every breaker a 10 s time limiter (ApiGatewayApplication's customizer)
        assert d.timeout_ms == 10_000
        assert any("ApiGatewayApplication.java:87: Resilience4j time limiter" in e for e in d.evidence)
    assert any("/fallback" in e for e in deps["api-gateway->genai-service"].evidence)
    a = analyze(res.review)
    ids = {f["id"] for f in a.cascading}
    assert "cascade:no-timeout:api-gateway" not in ids
    # one immediate retry is still an amplification the register names
    assert "cascade:retries:api-gateway" in ids


# --------------------------------------------------------------------- Resilience4j's time limiter
CUSTOMIZER_JAVA = """\
package shop.edge;

@SpringBootApplication
public class EdgeApplication {
    @Bean
    public Customizer<ReactiveResilience4JCircuitBreakerFactory> defaultCustomizer() {
        return factory -> factory.configureDefault(id -> new Resilience4JConfigBuilder(id)
            .circuitBreakerConfig(CircuitBreakerConfig.ofDefaults())
            .timeLimiterConfig(TimeLimiterConfig.custom()
                .timeoutDuration(Duration.ofMillis(2500L)).build())
            .build());
    }

    @Bean
    public Customizer<ReactiveResilience4JCircuitBreakerFactory> slowCustomizer() {
        return factory -> factory.configure(builder -> builder
            .timeLimiterConfig(TimeLimiterConfig.custom().timeoutDuration(Duration.ofSeconds(30)).build()), "reports");
    }
}
"""


def test_a_time_limiter_is_read_from_a_customizer_and_from_configuration():
    from prr_app.importers.call_policies import time_limit, time_limiter_settings

    code = time_limiter_settings(CUSTOMIZER_JAVA, "edge/EdgeApplication.java", True)
    # only configureDefault applies to every breaker; a breaker configured by name in code is not read
    assert [(s, ms) for s, ms, _line in code] == [("code:default", 2500)]
    assert code[0][2].startswith("edge/EdgeApplication.java:10: Resilience4j time limiter of every circuit breaker")
    kotlin = "factory.configureDefault { id -> Resilience4JConfigBuilder(id)\n" \
             "  .timeLimiterConfig(TimeLimiterConfig.ofDefaults()).build() }"
    assert [(s, ms) for s, ms, _ in time_limiter_settings(kotlin, "E.kt", True)] == [("code:default", 1000)]
    yml = ("resilience4j:\n  timelimiter:\n    configs:\n      default: {timeoutDuration: 4s}\n"
           "      slow: {timeoutDuration: 60s}\n    instances:\n      catalogBreaker:\n        timeout-duration: PT1.5S\n")
    conf = time_limiter_settings(yml, "edge/src/main/resources/application.yml", False)
    assert sorted((s, ms) for s, ms, _ in conf) == [("config:catalogBreaker", 1500), ("config:default", 4000)]
    props = ("resilience4j.timelimiter.instances.orders.timeout-duration=750ms\n"
             "spring.cloud.circuitbreaker.resilience4j.disable-time-limiter=false\n")
    assert [(s, ms) for s, ms, _ in time_limiter_settings(props, "a/application.properties", False)] == \
        [("config:orders", 750)]
    # configuration wins over code, a breaker's own over the default; turned off, there is none
    settings = code + conf
    assert time_limit(settings, "catalogBreaker")[0] == 1500
    assert time_limit(settings, "other")[0] == 4000
    assert time_limit(code, None)[0] == 2500
    assert time_limit([], "x") is None
    off = time_limiter_settings("spring.cloud.circuitbreaker.resilience4j.disable-time-limiter: true\n",
                                "a/application.yml", False)
    assert time_limit(settings + off, "catalogBreaker") is None
    # what is not a time limiter says nothing
    assert time_limiter_settings("timeoutDuration(Duration.ofSeconds(5))", "A.java", True) == []
    assert time_limiter_settings("resilience4j: [unclosed\n", "a/application.yml", False) == []


def _edge_repo(tmp_path: Path, extra: dict[str, str]) -> Path:
    files = {
        "docker-compose.yml": "services:\n  edge: {image: x/edge, build: ./edge, ports: ['80:8080']}\n"
                              "  catalog: {image: x/catalog}\n  orders: {image: x/orders}\n",
        "edge/src/main/resources/application.yml":
            "spring:\n  cloud:\n    gateway:\n      default-filters:\n        - CircuitBreaker=name=edgeBreaker\n"
            "      routes:\n        - id: catalog\n          uri: lb://catalog\n"
            "        - id: orders\n          uri: http://orders:8080\n          metadata: {response-timeout: 800}\n",
        "edge/src/main/java/shop/edge/EdgeApplication.java": CUSTOMIZER_JAVA,
    } | extra
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return tmp_path


def test_a_gateways_breakers_time_their_calls_out_after_the_services_time_limiter(tmp_path):
    res = import_paths([_edge_repo(tmp_path, {})])
    deps = res.review.dependencies
    catalog = deps["edge->catalog"]
    assert (catalog.circuit_breaker, catalog.timeout_ms) == (True, 2500)
    assert any(e.startswith("edge/src/main/java/shop/edge/EdgeApplication.java:10:") and "edgeBreaker" in e
               and "2500 ms" in e for e in catalog.evidence)
    # the route's own response timeout is shorter: the calls give up then
    assert deps["edge->orders"].timeout_ms == 800


def test_a_breakers_time_limiter_configured_nowhere_is_left_for_the_reviewer_to_state(tmp_path):
    res = import_paths([_edge_repo(tmp_path, {"edge/src/main/java/shop/edge/EdgeApplication.java":
                                              "public class EdgeApplication {}\n"})])
    catalog = res.review.dependencies["edge->catalog"]
    assert (catalog.circuit_breaker, catalog.timeout_ms) == (True, None)
    assert any("CircuitBreaker filter" in e and "configured nowhere in the repository" in e and "state the timeout" in e
               for e in catalog.evidence)


def test_configuration_names_a_breakers_time_limiter_over_the_code(tmp_path):
    yml = "resilience4j.timelimiter.instances.edgeBreaker.timeoutDuration: 2s\n"
    res = import_paths([_edge_repo(tmp_path, {"edge/src/main/resources/application-resilience.yml": yml})])
    assert res.review.dependencies["edge->catalog"].timeout_ms == 2000
    # turned off in the configuration: the breaker does not time the calls out, and none is made up
    off = "spring.cloud.circuitbreaker.resilience4j.disable-time-limiter=true\n"
    res = import_paths([_edge_repo(tmp_path, {"edge/src/main/resources/application.properties": off})])
    catalog = res.review.dependencies["edge->catalog"]
    assert catalog.timeout_ms is None and catalog.circuit_breaker is True


INVENTORY_CLIENT = """\
package shop.orders;

import io.github.resilience4j.circuitbreaker.annotation.CircuitBreaker;
import io.github.resilience4j.retry.annotation.Retry;

@Component
public class InventoryClient {
    private static final String BASE = "http://inventory-service:8080/stock/";

    @CircuitBreaker(name = "inventory", fallbackMethod = "cachedStock")
    @Retry(name = "inventory")
    public Stock stock(String sku) { return rest.getForObject(BASE + sku, Stock.class); }
}
"""
PAYMENT_CLIENT = """\
package shop.orders;

import io.github.resilience4j.timelimiter.annotation.TimeLimiter;
import io.github.resilience4j.retry.annotation.Retry;

public class PaymentClient {
    @Value("${payment.url}") String url;

    @TimeLimiter(name = "paymentService")
    @Retry(name = "paymentService")
    public CompletableFuture<Receipt> pay(Order o) { return async(() -> post(url, o)); }
}
"""
MICROPROFILE_CLIENT = """\
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
public class ShippingClient {
    String url = "http://shipping-service:8080";
    @CircuitBreaker(requestVolumeThreshold = 4)
    public void ship() {}
}
"""


def test_resilience4j_annotations_give_the_calls_they_wrap_their_breaker_retries_and_timeout(tmp_path):
    files = {
        "docker-compose.yml": "services:\n  orders: {image: x/orders, build: ./orders}\n"
                              "  inventory-service: {image: x/inv}\n  payment-service: {image: x/pay}\n"
                              "  shipping-service: {image: x/ship}\n",
        "orders/src/main/resources/application.yml":
            "payment:\n  url: http://payment-service:9000\n"
            "resilience4j:\n  retry:\n    instances:\n      inventory:\n        maxAttempts: 4\n"
            "        enableExponentialBackoff: true\n"
            "  timelimiter.configs.default.timeoutDuration: 3s\n",
        "orders/src/main/java/shop/orders/InventoryClient.java": INVENTORY_CLIENT,
        "orders/src/main/java/shop/orders/PaymentClient.java": PAYMENT_CLIENT,
        "orders/src/main/java/shop/orders/ShippingClient.java": MICROPROFILE_CLIENT,
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    deps = import_paths([tmp_path]).review.dependencies
    inv = deps["orders->inventory-service"]
    # the file names one component: its annotations are that call's (the instance's retry settings)
    assert (inv.circuit_breaker, inv.retries, inv.backoff, inv.timeout_ms) == (True, 3, True, None)
    assert any("InventoryClient.java:10: @CircuitBreaker(name = inventory)" in e and "cachedStock()" in e
               for e in inv.evidence)
    assert any("4 attempts, orders/src/main/resources/application.yml:7" in e for e in inv.evidence)
    pay = deps["orders->payment-service"]
    # named after the component it calls; the default time limiter, and Resilience4j's retry defaults
    assert (pay.timeout_ms, pay.retries, pay.backoff, pay.circuit_breaker) == (3000, 2, False, None)
    assert any("a fixed wait between attempts" in e for e in pay.evidence)
    # another library's annotation of the same name is not Resilience4j's
    assert deps["orders->shipping-service"].circuit_breaker is None


def test_a_resilience4j_retry_and_time_limiter_without_configuration_are_its_defaults():
    from prr_app.importers.call_policies import annotation_policy, resilience4j_annotations, retry_policy

    assert retry_policy([], "x")[:2] == (2, False)
    assert retry_policy([("resilience4j.retry.configs.default.max-attempts", "5", "a.properties:1")], "x")[:2] == (4, False)
    # a figure that is not one is not taken: the default
    assert retry_policy([("resilience4j.retry.instances.x.maxAttempts", "many", "a.yml:3")], "x")[:2] == (2, False)
    found = resilience4j_annotations("import io.github.resilience4j.timelimiter.annotation.TimeLimiter;\n"
                                     "@TimeLimiter(name = \"slow\")\n", "A.java")
    assert found == [("TimeLimiter", "slow", "", "A.java:2")]
    pol = annotation_policy(*found[0], "a", "b", [], [])
    assert pol["timeout_ms"][0] == 1000 and "Resilience4j's default" in pol["timeout_ms"][1]


def test_a_feign_client_is_a_call_to_the_service_it_names_with_its_timeout_and_breaker(tmp_path):
    files = {
        "docker-compose.yml": "services:\n  web: {image: x/web, build: ./web}\n  customers: {image: x/c}\n"
                              "  billing: {image: x/b}\n  ledger: {image: x/l}\n",
        "web/src/main/java/shop/web/CustomersClient.java":
            "import org.springframework.cloud.openfeign.FeignClient;\n\n"
            "@FeignClient(name = \"customers\", fallback = CustomersFallback.class)\n"
            "public interface CustomersClient { @GetMapping(\"/owners\") List<Owner> owners(); }\n",
        "web/src/main/kotlin/shop/web/Billing.kt":
            "@FeignClient(\"${billing.name:billing}\")\ninterface BillingClient { fun total(): Int }\n",
        "web/src/main/resources/application.yml":
            "spring.cloud.openfeign:\n  circuitbreaker.enabled: true\n  client.config.customers.read-timeout: 2500\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    res = import_paths([tmp_path])
    deps = res.review.dependencies
    # a short name no string scan would take for a host: the Feign client says it is a service's
    cust = deps["web->customers"]
    assert (cust.kind, cust.timeout_ms, cust.circuit_breaker) == ("hard", 2500, True)
    assert any(e.startswith("web/src/main/java/shop/web/CustomersClient.java:3: @FeignClient(customers)")
               and "CustomersFallback" in e for e in cust.evidence)
    assert {i["id"]: i["confidence"] for i in res.report.inferred}["web->customers"] == "strong"
    # a placeholder's default names the service; nothing configures its client: OpenFeign's 60 s
    bill = deps["web->billing"]
    assert bill.timeout_ms == 60_000 and bill.circuit_breaker is True
    assert any("Billing.kt:1: the Feign client of billing waits 60000 ms" in e and "default" in e for e in bill.evidence), "\n".join(bill.evidence)
    assert "web->ledger" not in deps
    # a time limiter stated for every breaker gives up before the client's read timeout
    (tmp_path / "web/src/main/resources/application-r4j.yml").write_text(
        "resilience4j.timelimiter.configs.default.timeoutDuration: 2s\n", encoding="utf-8")
    deps = import_paths([tmp_path]).review.dependencies
    assert (deps["web->customers"].timeout_ms, deps["web->billing"].timeout_ms) == (2000, 2000)


GO_RPC = """\
package main

func (fe *frontendServer) getAd(ctx context.Context, keys []string) ([]*pb.Ad, error) {
	ctx, cancel := context.WithTimeout(ctx, 250*time.Millisecond)
	defer cancel()
	resp, err := pb.NewAdServiceClient(fe.adSvcConn).GetAds(ctx, &pb.AdRequest{ContextKeys: keys})
	return resp.GetAds(), err
}

func (fe *frontendServer) getCart(ctx context.Context, user string) ([]*pb.CartItem, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second*2)
	defer cancel()
	resp, err := pb.NewCartServiceClient(fe.cartSvcConn).GetCart(ctx, &pb.GetCartRequest{UserId: user})
	return resp.GetItems(), err
}

func (fe *frontendServer) emptyCart(ctx context.Context, user string) error {
	_, err := pb.NewCartServiceClient(fe.cartSvcConn).EmptyCart(ctx, &pb.EmptyCartRequest{UserId: user})
	return err
}

func (fe *frontendServer) quote(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, fe.quoteTimeout)
	defer cancel()
	_, err := pb.NewShippingServiceClient(fe.shippingSvcConn).GetQuote(ctx, &pb.GetQuoteRequest{})
	return err
}
"""
GENERATED = """\
// Code generated by protoc-gen-go-grpc. DO NOT EDIT.
package hipstershop

func NewAdServiceClient(cc grpc.ClientConnInterface) AdServiceClient {
	return &adServiceClient{cc}
}
"""


def test_a_go_services_grpc_calls_time_out_after_their_functions_context_timeout(tmp_path):
    from prr_app.importers.call_policies import go_client_timeouts

    assert go_client_timeouts(GO_RPC, "rpc.go") == [
        ("AdService", 250, "rpc.go:4: context.WithTimeout(ctx, 250*time.Millisecond)"),
        ("CartService", 2000, "rpc.go:11: context.WithTimeout(ctx, time.Second*2)"),
        ("CartService", None, "rpc.go:18"),
        ("ShippingService", None, "rpc.go:25")]  # a timeout that is not a literal is not known
    # generated code defines the clients; it does not call them
    assert go_client_timeouts(GENERATED, "genproto/demo_grpc.pb.go") == []
    assert go_client_timeouts(GENERATED, "genproto/demo.go") == []
    files = {
        "docker-compose.yml": "services:\n  frontend: {build: ./src/frontend}\n  adservice: {image: x/ad}\n"
                              "  cart: {image: x/cart}\n  shippingservice: {image: x/ship}\n",
        "src/frontend/rpc.go": GO_RPC,
        "src/frontend/main.go": 'func main() { ad := "adservice:9555"; cart := "cart:7070"; ship := "shippingservice:50051" }\n',
        "src/frontend/genproto/demo_grpc.pb.go": GENERATED,
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    deps = import_paths([tmp_path]).review.dependencies
    assert deps["frontend->adservice"].timeout_ms == 250
    # NewCartServiceClient is the component cart; one of its call sites has no timeout: none is known
    assert deps["frontend->cart"].timeout_ms is None
    assert deps["frontend->shippingservice"].timeout_ms is None


def test_figures_a_dependency_cannot_hold_are_not_taken_and_the_import_goes_on(tmp_path):
    from prr_app.importers.call_policies import duration_ms, retry_count

    assert [duration_ms(v) for v in ("10s", "0.5s", "250ms", "1m", "PT2S", "1500", "0s", "25h", "soon", None)] == \
        [10_000, 500, 250, 60_000, 2_000, 1_500, None, None, None, None]
    assert [retry_count(v) for v in ("3", "0", "1001", "-1", "two", True, None)] == [3, 0, None, None, None, None, None]
    mesh = MESH.replace("timeout: 1.5s", "timeout: 9999999h").replace("attempts: 3", "attempts: 99999999")
    res = import_paths([_write(tmp_path, mesh) / "apps.yaml", tmp_path / "mesh.yaml"], "kubernetes")
    dep = res.review.dependencies["storefront->pricing"]
    # one route's timeout is not a figure: the calls' longest is unknown; the absurd retries are dropped
    assert dep.timeout_ms is None and dep.retries is None


# --------------------------------------------------------------------- Traefik middlewares (compose labels)
TRAEFIK_STACK = """\
services:
  traefik:
    image: traefik:v3.1
    ports: ["443:443"]
    labels:
      - "traefik.http.middlewares.retry-3.retry.attempts=3"
  shop:
    image: example/shop
    labels:
      - "traefik.http.routers.shop.rule=Host(`shop.example.com`)"
      - "traefik.http.routers.shop.middlewares=retry-3@docker,shop-breaker"
      - "traefik.http.middlewares.shop-breaker.circuitbreaker.expression=NetworkErrorRatio() > 0.30"
  admin:
    image: example/admin
    labels:
      - "traefik.http.routers.admin.rule=Host(`admin.example.com`)"
      - "traefik.http.routers.admin.middlewares=auth@file"
"""


def test_traefik_retry_and_circuit_breaker_middlewares_are_the_proxys_calls_own(tmp_path):
    (tmp_path / "compose.yaml").write_text(TRAEFIK_STACK, encoding="utf-8")
    res = import_paths([tmp_path / "compose.yaml"])
    deps = res.review.dependencies
    shop = deps["traefik->shop"]
    # a middleware another service's labels define, named with its provider, counts
    assert (shop.retries, shop.backoff, shop.circuit_breaker) == (3, True, True)
    assert any("router shop uses Traefik middleware retry-3" in e for e in shop.evidence)
    assert any("NetworkErrorRatio() > 0.30" in e for e in shop.evidence)
    # a middleware defined elsewhere (a file provider) says nothing here
    admin = deps["traefik->admin"]
    assert (admin.retries, admin.backoff, admin.circuit_breaker) == (None, None, None)


def test_a_gateway_api_mesh_route_times_calls_out_and_does_not_face_users(tmp_path):
    routes = """\
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: pricing-mesh}
spec:
  parentRefs: [{group: "", kind: Service, name: pricing, port: 7000}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /quote}}]
    backendRefs: [{name: pricing, port: 7000}]
    timeouts: {request: 2s}
  - backendRefs: [{name: pricing, port: 7000}]
    timeouts: {request: 750ms}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: stock-mesh}
spec:
  parentRefs: [{kind: Service, name: stock}]
  rules: [{backendRefs: [{name: stock, port: 7100}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop}
spec:
  parentRefs: [{name: public-gateway}]
  rules: [{backendRefs: [{name: storefront, port: 80}], timeouts: {request: 30s}}]
"""
    res = import_paths([_write(tmp_path, routes) / "apps.yaml", tmp_path / "mesh.yaml"], "kubernetes")
    c, deps = res.review.components, res.review.dependencies
    assert deps["storefront->pricing"].timeout_ms == 2000
    assert any("HTTPRoute pricing-mesh" in e for e in deps["storefront->pricing"].evidence)
    assert deps["storefront->stock"].timeout_ms is None  # its route states no timeout
    # a mesh route is no way in from outside; a route on a Gateway is
    assert not c["pricing"].user_facing and not c["stock"].user_facing
    assert c["storefront"].user_facing
    assert any("HTTPRoute stock-mesh: a mesh route" in s for s in res.report.skipped)


# --------------------------------------------------------------------- an Envoy front proxy (a checkout)
ENVOY = """\
static_resources:
  listeners:
    - address:
        socket_address: {address: 0.0.0.0, port_value: 8080}
      filter_chains:
        - filters:
            - name: envoy.filters.network.http_connection_manager
              typed_config:
                "@type": type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager
                stat_prefix: ingress_http
                route_config:
                  virtual_hosts:
                    - name: shop
                      domains: ["*"]
                      routes:
                        - match: {prefix: "/api/"}
                          route: {cluster: catalog, timeout: 3s, retry_policy: {retry_on: 5xx, num_retries: 2}}
                        - match: {prefix: "/events"}
                          route: {cluster: feed, timeout: 0s}
                        - match: {prefix: "/"}
                          route: {cluster: web}
  clusters:
    - name: web
      type: STRICT_DNS
      load_assignment:
        cluster_name: web
        endpoints:
          - lb_endpoints:
              - endpoint: {address: {socket_address: {address: "${WEB_HOST}", port_value: 8080}}}
    - name: catalog
      type: STRICT_DNS
      outlier_detection: {consecutive_5xx: 3}
      load_assignment:
        cluster_name: catalog
        endpoints:
          - lb_endpoints:
              - endpoint: {address: {socket_address: {address: catalog, port_value: 9000}}}
    - name: feed
      type: STRICT_DNS
      load_assignment:
        cluster_name: feed
        endpoints:
          - lb_endpoints:
              - endpoint: {address: {socket_address: {address: feed, port_value: 9100}}}
"""

ENVOY_COMPOSE = """\
services:
  edge:
    build: {context: ., dockerfile: src/edge/Dockerfile}
    ports: ["8080:8080"]
    environment: {WEB_HOST: web, CATALOG_ADDR: "catalog:9000", FEED_ADDR: "feed:9100"}
  web:
    image: example/web
  catalog:
    image: example/catalog
  feed:
    image: example/feed
"""


def test_an_envoy_front_proxys_routes_and_clusters_are_its_calls_own(tmp_path):
    (tmp_path / "compose.yaml").write_text(ENVOY_COMPOSE, encoding="utf-8")
    (tmp_path / "src" / "edge").mkdir(parents=True)
    (tmp_path / "src" / "edge" / "Dockerfile").write_text("FROM envoyproxy/envoy:v1.31\n", encoding="utf-8")
    (tmp_path / "src" / "edge" / "envoy.tmpl.yaml").write_text(ENVOY, encoding="utf-8")
    res = import_review([tmp_path], None)
    deps = res.review.dependencies
    catalog, web, feed = deps["edge->catalog"], deps["edge->web"], deps["edge->feed"]
    assert (catalog.timeout_ms, catalog.retries, catalog.backoff, catalog.circuit_breaker) == (3000, 2, True, True)
    # a route that states no timeout has Envoy's 15 s; the cluster's endpoint is a placeholder: by its name
    assert web.timeout_ms == 15000 and any("Envoy's default" in e for e in web.evidence)
    # a stream whose route turns the timeout off may wait for ever
    assert feed.timeout_ms is None
    assert any("envoy.tmpl.yaml" in e and "outlier detection" in e for e in catalog.evidence)


def test_what_is_no_envoy_configuration_says_nothing():
    from prr_app.importers.call_policies import envoy_policies

    assert envoy_policies("static_resources: [unclosed\n", "e.yaml") == []
    assert envoy_policies("static_resources: {clusters: 3}\n", "e.yaml") == []
    assert envoy_policies("admin: {}\n", "e.yaml") == []


# --------------------------------------------------------------------- an nginx reverse proxy (a checkout)
NGINX_CONF = """\
# the shop's front door
events {}
http {
  proxy_read_timeout 20s;
  upstream catalog_pool { server catalog:9000; }
  server {
    listen 80;
    location /api/ { proxy_pass http://catalog_pool/; }
    location /slow { proxy_read_timeout 2m; proxy_pass http://web:8080; }
    location / { proxy_pass http://web:8080/; }
    location /live { proxy_pass http://$feed_host; }
  }
}
"""


def test_an_nginx_reverse_proxys_read_timeouts_are_its_calls_own(tmp_path):
    (tmp_path / "compose.yaml").write_text(
        "services:\n  proxy:\n    image: nginx:1.27\n    ports: ['80:80']\n"
        "    volumes: ['./nginx.conf:/etc/nginx/nginx.conf:ro']\n"
        "  web:\n    image: example/web\n  catalog:\n    image: example/catalog\n", encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(NGINX_CONF, encoding="utf-8")
    res = import_review([tmp_path], None)
    deps = res.review.dependencies
    # through an upstream block; the http block's timeout is in force
    assert deps["proxy->catalog"].timeout_ms == 20_000
    # the longest of the locations that proxy to web
    assert deps["proxy->web"].timeout_ms == 120_000
    assert any("nginx.conf:9" in e and "proxy_read_timeout" in e for e in deps["proxy->web"].evidence)


def test_nginx_times_are_seconds_unless_they_say_otherwise_and_a_bare_proxy_has_the_default():
    from prr_app.importers.call_policies import nginx_policies

    assert nginx_policies("location / { proxy_read_timeout 90; proxy_pass http://a:1; }", "x.conf") == \
        [(["a"], {"timeout_ms": (90_000, "x.conf:1: nginx proxy_pass http://a:1: calls time out after 90000 ms "
                                         "without an answer (proxy_read_timeout, x.conf:1)")})]
    ((hosts, pol),) = nginx_policies("server { location / { grpc_pass grpc://b:50051; } }", "y.conf")
    assert hosts == ["b"] and pol["timeout_ms"][0] == 60_000 and "nginx's default" in pol["timeout_ms"][1]
    assert nginx_policies("server { location / { proxy_pass http://$x; } }\n}}{{ ;;", "z.conf") == []


def test_an_ingress_nginx_ingress_times_its_calls_out(tmp_path):
    ingress = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: shop
  annotations: {nginx.ingress.kubernetes.io/proxy-read-timeout: "120"}
spec:
  ingressClassName: nginx
  rules:
  - http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: storefront, port: {number: 80}}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: admin}
spec:
  ingressClassName: nginx
  defaultBackend: {service: {name: pricing, port: {number: 7000}}}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: other}
spec:
  ingressClassName: alb
  defaultBackend: {service: {name: stock, port: {number: 7100}}}
"""
    res = import_paths([_write(tmp_path, ingress) / "apps.yaml", tmp_path / "mesh.yaml"], "kubernetes")
    deps = res.review.dependencies
    assert deps["ingress-shop->storefront"].timeout_ms == 120_000
    assert deps["ingress-admin->pricing"].timeout_ms == 60_000  # the controller's default
    assert any("controller's default" in e for e in deps["ingress-admin->pricing"].evidence)
    assert deps["ingress-other->stock"].timeout_ms is None  # another controller: its own defaults


def test_the_most_specific_destination_rule_decides(tmp_path):
    rules = """\
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: mesh-default, namespace: istio-system}
spec:
  host: "*.svc.cluster.local"
  trafficPolicy: {outlierDetection: {consecutive5xxErrors: 7}}
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: pricing}
spec:
  host: pricing
  trafficPolicy: {loadBalancer: {simple: LEAST_REQUEST}}
"""
    res = import_paths([_write(tmp_path, rules) / "apps.yaml", tmp_path / "mesh.yaml"], "kubernetes")
    deps = res.review.dependencies
    # the mesh-wide rule ejects failing instances of every service ...
    assert deps["storefront->stock"].circuit_breaker is True
    assert any("DestinationRule mesh-default" in e for e in deps["pricing->stock"].evidence)
    # ... but pricing's own rule replaces it, and states none
    assert deps["storefront->pricing"].circuit_breaker is None
    assert any("DestinationRule pricing: no outlier detection" in s for s in res.report.skipped)


# --------------------------------------------------------------------- hostile configuration never breaks an import
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**12), st.text(max_size=12),
                     st.sampled_from(["1s", "0s", "PT3S", "lb://x", "http://web:80", "CircuitBreaker=a,b",
                                      "Retry=abc", "${HOST}", "*"]))
_KEYS = st.sampled_from(["spring", "cloud", "gateway", "cloud.gateway", "routes", "default-filters", "filters",
                         "uri", "name", "args", "retries", "backoff", "metadata", "response-timeout", "httpclient",
                         "static_resources", "listeners", "clusters", "virtual_hosts", "route", "cluster",
                         "timeout", "retry_policy", "num_retries", "outlier_detection", "load_assignment",
                         "endpoints", "lb_endpoints", "endpoint", "address", "socket_address"])
_TREES = st.recursive(_SCALARS, lambda kids: st.one_of(st.lists(kids, max_size=4),
                                                       st.dictionaries(_KEYS, kids, max_size=5)), max_leaves=30)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_TREES, st.text(max_size=200))
def test_the_configuration_readers_never_raise(tree, text):
    import yaml

    from prr_app.importers.call_policies import (envoy_policies, feign_clients, go_client_timeouts, nginx_policies,
                                                 resilience4j_annotations, resilience4j_config, spring_config,
                                                 spring_gateway_policies, time_limiter_settings)

    envoy = {"listeners": [{"x": {"virtual_hosts": [{"routes": [{"route": {"cluster": "c", "weighted_clusters":
                                                                          {"clusters": tree}, "timeout": tree,
                                                                          "retry_policy": tree}}]}]}}],
             "clusters": [{"name": "c", "outlier_detection": tree,
                           "load_assignment": {"endpoints": tree}}, {"name": "d", "load_assignment": {
                               "endpoints": [{"lb_endpoints": tree}, {"lb_endpoints": [{"endpoint": tree}]}]}}]}
    gateway = {"default-filters": tree, "routes": [{"uri": "lb://x", "filters": tree, "metadata": tree}, tree],
               "httpclient": tree}
    doc = yaml.safe_dump({"spring": {"cloud": {"gateway": gateway}}, "static_resources": envoy}, allow_unicode=True)
    for source in (doc, text, "gateway static_resources " + text):
        for read in (spring_gateway_policies, envoy_policies):
            assert isinstance(read(source, "f.yaml"), list)
        for rel in ("application.yml", "application.properties", "A.java"):
            assert isinstance(time_limiter_settings("resilience4j configureDefault(" + source, rel, rel.endswith("java")),
                              list)
            assert isinstance(resilience4j_config("resilience4j.retry.configs.default.maxAttempts: " + source, rel), list)
            assert isinstance(resilience4j_annotations("resilience4j @Retry(" + source + ")", rel), list)
            assert isinstance(feign_clients("@FeignClient(" + source + ")", rel), list)
            assert isinstance(go_client_timeouts("func f() {\n context.WithTimeout(ctx, " + source + ") NewXClient(", rel),
                              list)
            assert isinstance(spring_config("feign.client.config: " + source, rel, "feign"), list)
        assert isinstance(nginx_policies("proxy_pass " + source, "f.conf"), list)
