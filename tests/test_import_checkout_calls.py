"""Calls a checkout shows where its deployment files do not: shapes of public demo systems.

The shapes come from public demo systems tried as a user would (a Spring Cloud Netflix bank, Robot
Shop, DeathStarBench's hotel reservation, Istio's Bookinfo): a Zuul gateway routing to services by
their discovery names, a config server's repository holding each service's Feign and Hystrix
settings, an nginx front whose Dockerfile sets the hosts it proxies to while the compose file only
orders the start-up, gRPC clients reached through a registry, address variables read with a
default in code, and code in a folder named after the Service in front of several versions. The
files here are our own, written in those shapes."""
from __future__ import annotations

from pathlib import Path

import pytest

from prr_app.importers.call_policies import zuul_routes
from prr_app.importers.registry import import_paths


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


BANK = {
    "docker-compose.yml": (
        "services:\n"
        "  config: {image: bank/config}\n"
        "  registry: {image: bank/registry}\n"
        "  edge: {image: bank/edge-gateway, ports: ['80:4000'], depends_on: [config]}\n"
        "  ledger: {image: bank/ledger, depends_on: [config]}\n"
        "  payments: {image: bank/payments}\n"
        "  alerts: {image: bank/alerts}\n"
        "  login: {image: bank/login}\n"
        "  ledger-mongo: {image: 'mongo:7'}\n"),
    # the config server's repository: each file is the configuration of the service it is named after
    "config/src/main/resources/shared/application.yml":
        "eureka:\n  client:\n    serviceUrl:\n      defaultZone: http://registry:8761/eureka/\n"
        "hystrix.command.default.execution.isolation.thread.timeoutInMilliseconds: 8000\n",
    "config/src/main/resources/shared/ledger.yml":
        "spring:\n  data:\n    mongodb:\n      host: ledger-mongo\n"
        "feign:\n  hystrix:\n    enabled: true\n",
    "config/src/main/resources/shared/edge.yml": (
        "ribbon:\n  ReadTimeout: 3000\n  ConnectTimeout: 500\n"
        "zuul:\n  ignoredServices: '*'\n  host:\n    socket-timeout-millis: 15000\n"
        "  routes:\n"
        "    ledger:\n      path: /ledger/**\n      serviceId: ledger\n"
        "    pay:\n      path: /pay/**\n      service-id: payments\n"
        "    alerts: /alerts/**\n"
        "    login:\n      path: /login/**\n      url: http://login:5000\n"
        "    local:\n      path: /static/**\n      url: forward:/static\n"),
    "ledger/src/main/resources/bootstrap.yml": "spring.cloud.config.uri: http://config:8888\n",
    "edge/src/main/resources/bootstrap.yml": "spring.cloud.config.uri: http://config:8888\n",
    "ledger/src/main/java/bank/ledger/PaymentsClient.java":
        '@FeignClient(name = "payments")\npublic interface PaymentsClient { void pay(String id); }\n',
}


def test_a_zuul_gateway_routes_to_services_by_discovery_name_and_to_urls(tmp_path):
    deps = import_paths([write(tmp_path, BANK)]).review.dependencies
    # serviceId, service-id and the short form (the route named after the service) are calls
    for target in ("ledger", "payments", "alerts"):
        d = deps[f"edge->{target}"]
        assert d.kind == "hard" and d.circuit_breaker is True, target
        assert any("Zuul route to service" in e and "edge.yml" in e for e in d.evidence)
        # a Hystrix command times the route's calls out: the shared default here
        assert d.timeout_ms == 8000
    # a route to a URL: no Hystrix command, Zuul's socket timeout
    login = deps["edge->login"]
    assert login.timeout_ms == 15000 and login.circuit_breaker is None
    # forward:/ is the gateway's own handler, not a call
    assert not [k for k in deps if k.startswith("edge->") and "static" in k]


def test_zuul_timeouts_without_a_hystrix_timeout_derive_from_ribbons():
    at = "edge.yml:1"
    stated = zuul_routes([("zuul.routes.ledger.path", "/l/**", at), ("ribbon.ReadTimeout", "3000", "edge.yml:2"),
                          ("ribbon.ConnectTimeout", "500", "edge.yml:3"), ("ledger.ribbon.MaxAutoRetries", "1", at)])
    (how, sid, pol, where), = stated
    assert (how, sid, where) == ("service", "ledger", at)
    # (500 + 3000) x (1 + 1) x (1 + 1): the service's own retries, Ribbon's default next-server retry
    assert pol["timeout_ms"][0] == 14000 and "as configured" in pol["timeout_ms"][1]
    (_, _, pol, _), = zuul_routes([("zuul.routes.ledger", "/l/**", at)])
    assert pol["timeout_ms"][0] == 4000 and "defaults" in pol["timeout_ms"][1]
    (_, url, pol, _), = zuul_routes([("zuul.routes.x.url", "https://partner.example/api", at)])
    assert url == "https://partner.example/api" and pol == {"timeout_ms": (10000, pol["timeout_ms"][1])}
    assert "default socket timeout" in pol["timeout_ms"][1]


def test_a_config_servers_file_named_after_a_service_gives_its_feign_settings(tmp_path):
    deps = import_paths([write(tmp_path, BANK)]).review.dependencies
    # feign.hystrix.enabled in ledger.yml, the Hystrix default in the shared application.yml
    pay = deps["ledger->payments"]
    assert (pay.circuit_breaker, pay.timeout_ms) == (True, 8000)
    assert any("shared/ledger.yml" in e and "circuit breaker" in e for e in pay.evidence)


def test_a_service_named_config_is_a_configuration_hub(tmp_path):
    res = import_paths([write(tmp_path, BANK)])
    assert "config" in res.review.components["config"].tags
    # the services' bootstrap names it: no longer "depends_on alone"; a config hub's calls are hard, which
    # the analysis takes as soft with the hub's start-up risk (docs/analysis.md, "Hubs")
    assert res.review.dependencies["ledger->config"].kind == "hard"
    assert not [w for w in res.report.warnings if "depends_on alone" in w]


FRONT = {
    "docker-compose.yml": (
        "services:\n"
        "  web:\n    build: ./web\n    ports: ['8080:8080']\n    depends_on: [catalogue, ratings]\n"
        "  catalogue: {image: shop/catalogue}\n"
        "  ratings: {image: shop/ratings}\n"
        "  metrics: {image: shop/metrics}\n"
        "  dash:\n    image: shop/dash\n    depends_on: [metrics]\n"),
    # the image sets the hosts its nginx template proxies to; the compose file only orders the start
    "web/Dockerfile": "FROM nginx:1.25\nENV CATALOGUE_HOST=catalogue \\\n    RATINGS_HOST=ratings\n",
    "web/default.conf.template": "server {\n  location /api/catalogue/ { proxy_pass http://${CATALOGUE_HOST}:8080/; }\n}\n",
}


def test_a_call_that_configuration_names_is_hard_even_where_depends_on_came_first(tmp_path):
    res = import_paths([write(tmp_path, FRONT)])
    deps = res.review.dependencies
    for target in ("catalogue", "ratings"):
        d = deps[f"web->{target}"]
        assert d.kind == "hard", target
        assert any("depends_on" in e for e in d.evidence) and any("web/Dockerfile" in e for e in d.evidence)
    assert any("web -> catalogue: web/Dockerfile:2 names the call: recorded as hard" in r for r in res.report.read)
    # what still rests on start-up order alone keeps its warning and stays soft
    assert deps["dash->metrics"].kind == "soft"
    warned = [w for w in res.report.warnings if "depends_on alone" in w]
    assert len(warned) == 1 and "dash -> metrics" in warned[0]


@pytest.mark.parametrize("name,hub", [("config", True), ("config-service", False), ("app-config-api", False),
                                      ("configurator", False)])
def test_only_a_service_named_just_config_is_taken_for_a_config_server(name, hub):
    from prr_app.importers.graph import recognise

    _kind, tags, _why = recognise(name, f"example/{name}")
    assert ("config" in tags) is hub


# ---------------------------------------------------------------- gRPC clients in code
HOTEL = {
    "docker-compose.yml": (
        "services:\n"
        "  front:\n    build: ./cmd/front\n    ports: ['5000:5000']\n    depends_on: [registry]\n"
        "  search: {build: ./services/search, depends_on: [registry]}\n"
        "  geo: {build: ./services/geo}\n"
        "  rates: {build: ./services/rates}\n"
        "  basket: {build: ./services/basket}\n"
        "  reviews-api: {build: ./services/reviews}\n"
        "  registry: {image: 'hashicorp/consul:1.17'}\n"),
    # discovery by a name the registry resolves ("srv-search"): no host the files would name
    "cmd/front/server.go": (
        "package main\n\nfunc (s *Server) initSearch(name string) error {\n"
        "\tconn, err := dialer.Dial(name, s.Registry)\n\tif err != nil {\n\t\treturn err\n\t}\n"
        "\ts.search = search.NewSearchClient(conn)\n\treturn nil\n}\n"
        "func (s *Server) start() { s.initSearch(\"srv-search\") }\n"),
    "services/search/server.go": "package search\n\nfunc (s *Server) Run() {\n\ts.geo = geo.NewGeoClient(conn)\n}\n",
    # generated code defines the clients; it calls nothing
    "services/search/proto/search.pb.go": "package search\n\nfunc NewRatesClient(cc grpc.ClientConnInterface) RatesClient {\n"
                                          "\treturn &ratesClient{cc}\n}\n",
    "services/geo/Client.java": ("import io.grpc.ManagedChannel;\nclass Client {\n"
                                 "  RatesGrpc.RatesBlockingStub rates = RatesGrpc.newBlockingStub(channel);\n}\n"),
    "services/rates/rates.py": ("import grpc\nimport demo_pb2_grpc\n\n"
                                "stub = demo_pb2_grpc.BasketServiceStub(grpc.insecure_channel(addr))\n"
                                "own = demo_pb2_grpc.RatesStub(channel)  # its own service, in a health check\n"),
    "services/basket/Startup.cs": ("using Grpc.Net.Client;\n"
                                   "builder.Services.AddGrpcClient<Reviews.ReviewsClient>(o => o.Address = uri);\n"),
}


def test_a_services_grpc_clients_are_its_calls_whatever_discovery_names_them(tmp_path):
    res = import_paths([write(tmp_path, HOTEL)])
    deps = res.review.dependencies
    expected = {"front->search": "NewSearchClient", "search->geo": "NewGeoClient",
                "geo->rates": "RatesGrpc.newStub", "rates->basket": "BasketServiceStub",
                "basket->reviews-api": "ReviewsClient"}  # the Reviews service runs as reviews-api
    for dep_id, form in expected.items():
        assert dep_id in deps, dep_id
        assert deps[dep_id].kind == "hard"
        assert any(f"gRPC client {form}" in e for e in deps[dep_id].evidence), deps[dep_id].evidence
        assert any(i["id"] == dep_id and i["confidence"] == "strong" for i in res.report.inferred)
    # the generated search.pb.go defines a client of rates, and a service's client of itself is no call
    assert "search->rates" not in deps and "rates->rates" not in deps


@pytest.mark.parametrize("rel,text,names", [
    ("a.go", "x := pb.NewAdServiceClient(conn)\ny := pb.NewAdServiceClient(c2)\n", ["AdService"]),
    ("a.pb.go", "func NewAdServiceClient(cc) AdServiceClient {}\n", []),
    ("gen.go", "// Code generated by protoc-gen-go-grpc. DO NOT EDIT.\nx := NewAdClient(c)\n", []),
    ("A.kt", "val s = CartServiceGrpc.newFutureStub(channel)\n", ["CartService"]),
    ("a.py", "stub = CartStub(channel)\n", []),  # no generated gRPC module imported: any class named so
    ("a_pb2_grpc.py", "import pb2_grpc\nclass CartStub(object):\n", []),
    ("A.cs", "var c = new System.Net.Http.HttpClient();\n", []),  # no gRPC in the file
    ("A.cs", "using Grpc.Core;\nvar c = new Catalog.CatalogClient(channel);\n", ["Catalog"]),
])
def test_grpc_client_forms_by_language(rel, text, names):
    from prr_app.importers.call_policies import grpc_clients

    assert [n for n, _where, _form in grpc_clients(text, rel)] == names


# ---------------------------------------------------------------- address variables' defaults in code
@pytest.mark.parametrize("rel,line", [
    ("orders/app.py", "CART = os.getenv('CART_HOST', 'cart')"),
    ("orders/app.py", "CART = os.environ.get(\"CART_ADDR\", default=\"cart\")"),
    ("orders/server.js", "const cartHost = process.env.CART_HOST || 'cart'"),
    ("orders/server.ts", "const cartHost = process.env['CART_URL'] ?? \"cart\""),
    ("orders/src/Kernel.php", "$host = getenv('CART_HOST') ?: 'cart';"),
    ("orders/main.go", "addr := getEnv(\"CART_SERVICE_ADDR\", \"cart\")"),
    ("orders/app.rb", "host = ENV.fetch('CART_HOST', 'cart')"),
    ("orders/app.py", "cartHost = \"cart\" if (os.environ.get(\"CART_HOSTNAME\") is None) else os.environ.get(\"CART_HOSTNAME\")"),
    ("orders/Api.java", "static String host = System.getenv(\"CART_HOSTNAME\") == null ? \"cart\" : System.getenv(\"CART_HOSTNAME\");"),
])
def test_an_address_variables_default_in_code_is_the_call_it_makes(tmp_path, rel, line):
    root = write(tmp_path, {"docker-compose.yml": "services:\n  orders: {build: ./orders}\n  cart: {image: shop/cart}\n",
                            rel: f"{line}\n"})
    res = import_paths([root])
    dep = res.review.dependencies["orders->cart"]
    assert any("whose default in the code is the address of cart" in e for e in dep.evidence), dep.evidence
    # code is weaker evidence than configuration: the reviewer is asked to check it
    assert any(i["id"] == "orders->cart" and i["confidence"] == "weak" for i in res.report.inferred)


@pytest.mark.parametrize("line", [
    "LEVEL = os.getenv('LOG_LEVEL', 'cart')",  # not an address variable
    "HOST = os.getenv('CART_HOST', 'basket')",  # no component of that name
])
def test_other_defaults_in_code_are_no_calls(tmp_path, line):
    root = write(tmp_path, {"docker-compose.yml": "services:\n  orders: {build: ./orders}\n  cart: {image: shop/cart}\n",
                            "orders/app.py": f"{line}\n"})
    assert "orders->cart" not in import_paths([root]).review.dependencies


BOOKSHOP = {
    # a Service in front of two versions of the reviews workload, as a mesh demo deploys them
    "platform/kube/shop.yaml": "".join(
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  template:\n"
        f"    metadata: {{labels: {{app: {app}, version: {ver}}}}}\n"
        f"    spec: {{containers: [{{name: {app}, image: 'shop/{app}:{ver}'}}]}}\n---\n"
        for name, app, ver in (("page-v1", "page", "v1"), ("reviews-v1", "reviews", "v1"), ("reviews-v2", "reviews", "v2"),
                               ("stars-v1", "stars", "v1")))
    + "".join(f"apiVersion: v1\nkind: Service\nmetadata: {{name: {app}}}\nspec: {{selector: {{app: {app}}}, "
              f"ports: [{{port: 9080}}]}}\n---\n" for app in ("page", "reviews", "stars")),
    # the mesh's routing files state no namespace: applied where the Services are
    "networking/gateway.yaml": ("apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: shop-gw}\n"
                                "spec: {selector: {istio: ingressgateway}, servers: [{port: {number: 80, name: http, "
                                "protocol: HTTP}, hosts: ['*']}]}\n---\n"
                                "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: shop}\n"
                                "spec: {hosts: ['*'], gateways: [shop-gw], http: [{route: [{destination: "
                                "{host: page, port: {number: 9080}}}]}]}\n"),
    # the code's folders are named after the Services, not after the versioned workloads
    "src/page/page.py": 'reviews = "reviews" if os.environ.get("REVIEWS_HOSTNAME") is None else os.environ["REVIEWS_HOSTNAME"]\n',
    "src/reviews/Endpoint.java": 'String stars = System.getenv("STARS_HOSTNAME") == null ? "stars" : System.getenv("STARS_HOSTNAME");\n',
}


def test_code_named_after_a_service_is_the_code_of_every_version_behind_it(tmp_path):
    res = import_paths([write(tmp_path, BOOKSHOP)])
    r = res.review
    # page calls the Service reviews: any version serves it, so the call is to the redundancy group
    assert "page-v1->reviews" in r.dependencies and "reviews" in r.groups
    assert not {"page-v1->reviews-v1", "page-v1->reviews-v2"} & set(r.dependencies)
    # src/reviews/ is the code of both versions behind Service reviews
    assert {"reviews-v1->stars-v1", "reviews-v2->stars-v1"} <= set(r.dependencies)
    # the mesh gateway's route reaches page in the namespace its manifests use: page faces users
    assert r.components["page-v1"].user_facing
    assert not [d for d in res.report.dangling if "routes to Service page" in d]


def test_a_shared_spring_setting_is_a_call_only_of_the_services_whose_libraries_read_it(tmp_path):
    files = dict(BANK)
    files["config/src/main/resources/shared/application.yml"] = (
        "eureka:\n  client:\n    serviceUrl:\n      defaultZone: http://registry:8761/eureka/\n"
        "security:\n  oauth2:\n    resource:\n      user-info-uri: http://login:5000/uaa/users/current\n"
        "spring:\n  rabbitmq:\n    host: bus\n")
    files["docker-compose.yml"] = BANK["docker-compose.yml"] + "  bus: {image: 'rabbitmq:3'}\n"
    # the config server hands the file to ledger and to the registry; their build files say what they use
    files["ledger/pom.xml"] = ("<project><dependencies><dependency><artifactId>spring-cloud-starter-oauth2</artifactId>"
                               "</dependency><dependency><artifactId>spring-cloud-starter-netflix-eureka-client"
                               "</artifactId></dependency></dependencies></project>\n")
    files["registry/pom.xml"] = ("<project><dependencies><dependency><artifactId>spring-cloud-starter-netflix-eureka-server"
                                 "</artifactId></dependency></dependencies></project>\n")
    files["config/src/main/resources/shared/registry.yml"] = "server:\n  port: 8761\n"
    res = import_paths([write(tmp_path, files)])
    deps = set(res.review.dependencies)
    assert {"ledger->login", "ledger->registry"} <= deps  # its libraries read them
    assert "ledger->bus" not in deps  # no AMQP library in its build
    assert not {"registry->login", "registry->bus"} & deps  # a Eureka server: no OAuth2, no AMQP
    assert any("registry (security.oauth2.resource.user-info-uri)" in s for s in res.report.skipped)
    # a service whose build file is not in the checkout keeps what the shared file says
    assert {"edge->login", "edge->bus"} <= deps


def _deployment(name: str, container: str, replicas: int = 1) -> str:
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  replicas: {replicas}\n"
            f"  template:\n    metadata: {{labels: {{app: {name}}}}}\n"
            f"    spec: {{containers: [{{name: {container}, image: 'x/{name}'}}]}}\n---\n"
            f"apiVersion: v1\nkind: Service\nmetadata: {{name: {name}}}\nspec: {{selector: {{app: {name}}}, "
            f"ports: [{{port: 80}}]}}\n---\n")


def test_a_folder_named_after_a_workloads_container_is_its_code(tmp_path):
    # the guestbook's shape: the frontend Deployment runs a container php-redis, built from php-redis/
    root = write(tmp_path, {
        "k8s/all.yaml": _deployment("frontend", "php-redis", 3) + _deployment("redis-master", "master")
                        + _deployment("redis-replica", "replica", 2) + _deployment("loadgen", "main"),
        "php-redis/guestbook.php": "<?php\n$host = 'redis-master';\n$read = 'redis-replica';\n",
        # a layout folder named like a container (src/main/java) says nothing: this is the ads service's code
        "src/ads/src/main/java/Ads.java": 'String db = "redis-master:6379";\n',
    })
    deps = set(import_paths([root]).review.dependencies)
    assert {"frontend->redis-master", "frontend->redis-replica"} <= deps
    assert "loadgen->redis-master" not in deps


def test_a_shared_configurations_address_is_the_call_of_the_services_whose_code_reads_its_key(tmp_path):
    # one config.json at the root for every service; each service's code reads the keys it needs
    root = write(tmp_path, {
        "docker-compose.yml": "services:\n  front: {build: ./cmd/front}\n  geo: {build: ./cmd/geo}\n"
                              "  tracing: {image: 'jaegertracing/all-in-one:1.57'}\n  geo-db: {image: 'mongo:7'}\n",
        "config.json": '{\n  "tracingAddress": "tracing:6831",\n  "GeoMongoAddress": "geo-db:27017",\n'
                       '  "host": "geo-db"\n}\n',
        "cmd/front/main.go": 'addr := result["tracingAddress"]\n',
        "cmd/geo/main.go": 'db := result["GeoMongoAddress"]\n',
    })
    deps = import_paths([root]).review.dependencies
    assert "front->tracing" in deps and deps["front->tracing"].kind == "soft"  # a telemetry hub
    assert any('front\'s code reads "tracingAddress" at cmd/front/main.go:1' in e for e in deps["front->tracing"].evidence)
    assert "geo->geo-db" in deps  # a key named after the service is the service's, as before
    assert "geo->tracing" not in deps  # its code does not read the key
    assert "front->geo-db" not in deps  # a bare "host" key says nothing of whose address it is


@pytest.mark.parametrize("name,image,telemetry", [
    ("tracing", "jaegertracing/all-in-one:1.57", True),  # the hub's own organisation
    ("cart", "ghcr.io/open-telemetry/demo:1.11.0-cart", False),  # an organisation that only mentions it
    ("collector", "otel/opentelemetry-collector-contrib:0.98.0", True),
])
def test_a_telemetry_hub_is_known_by_its_image_organisation_only_when_it_is_the_hubs(name, image, telemetry):
    from prr_app.importers.graph import recognise

    _kind, tags, _why = recognise(name, image)
    assert ("telemetry" in tags) is telemetry


def test_depends_on_a_database_the_services_code_never_names_is_start_up_order_only(tmp_path):
    # an aggregator started after every database (eShopOnContainers' shape), a service that uses its
    # own, and one whose configuration comes from a config server (the checkout may not hold it)
    root = write(tmp_path, {
        "docker-compose.yml": (
            "services:\n"
            "  agg: {build: ./agg, depends_on: [sqldata, basket-api]}\n"
            "  basket-api:\n    build: ./basket\n    depends_on: [basketdata, bus]\n"
            "    environment: {ConnectionStrings__EventBus: bus}\n"
            "  orders: {build: ./orders, depends_on: [sqldata, config]}\n"
            "  config: {image: shop/config}\n"
            "  sqldata: {image: 'mcr.microsoft.com/mssql/server:2022-latest'}\n"
            "  basketdata: {image: 'redis:7'}\n  bus: {image: 'rabbitmq:3'}\n"),
        "agg/Program.cs": 'builder.Services.AddHttpClient<BasketClient>(c => c.BaseAddress = new("http://basket-api"));\n',
        "basket/appsettings.json": '{\n  "ConnectionString": "basketdata:6379"\n}\n',
        "basket/Program.cs": "var app = builder.Build();\n",
        "orders/src/main/resources/application.yml": "spring.config.import: configserver:http://config:8888\n",
        "orders/src/main/java/Orders.java": "class Orders {}\n",
    })
    res = import_paths([root])
    deps = res.review.dependencies
    assert deps["agg->sqldata"].kind == "soft"
    assert any("agg -> sqldata rests on depends_on alone: the scan found no line naming sqldata in agg's code "
               "(1 source file read) or in the configuration" in w for w in res.report.warnings)
    assert deps["basket-api->basketdata"].kind == "hard"  # its configuration names it
    assert deps["basket-api->bus"].kind == "hard"  # .NET's ConnectionStrings__EventBus names the broker it publishes to
    assert deps["orders->sqldata"].kind == "hard"  # its configuration may be on the config server


@pytest.mark.parametrize("image,kind", [
    ("mcr.microsoft.com/mssql/server:2022-latest", "datastore"),  # the organisation names the product
    ("mcr.microsoft.com/azure-sql-edge", "datastore"),
    ("gvenzl/oracle-xe:21-slim", "datastore"),
    ("mcr.microsoft.com/dotnet/aspnet:8.0", None),
])
def test_sql_server_and_oracle_images_are_datastores(image, kind):
    from prr_app.importers.graph import recognise

    assert recognise("sqldata", image)[0] == kind


def test_depends_on_a_telemetry_hub_is_soft_without_a_warning_to_check_it(tmp_path):
    main = write(tmp_path, {"docker-compose.yml": "services:\n  api: {image: x/api, depends_on: [jaeger-agent, auth]}\n"
                                                  "  jaeger-agent: {image: 'jaegertracing/jaeger-agent:1.57'}\n"
                                                  "  auth: {image: x/auth}\n"}) / "docker-compose.yml"
    res = import_paths([main])
    assert res.review.dependencies["api->jaeger-agent"].kind == "soft"
    warned = [w for w in res.report.warnings if "depends_on alone" in w]
    assert len(warned) == 1 and "api -> auth" in warned[0]  # a plain service still asks to be checked
    assert any("api -> jaeger-agent: depends_on a telemetry hub, recorded as soft" in r for r in res.report.read)


def test_a_published_port_behind_the_gateway_reaches_is_not_the_way_users_come_in(tmp_path):
    # a social network's shape: nginx in front; a storage service two calls down publishes a debug port
    main = write(tmp_path, {"docker-compose.yml": (
        "services:\n"
        "  nginx-front:\n    image: 'openresty/openresty:1.21'\n    ports: ['8080:8080']\n"
        "    environment: {COMPOSE_ADDR: 'compose-post:9090'}\n"
        "  compose-post:\n    image: x/compose\n    environment: {STORAGE_ADDR: 'post-storage:9090'}\n"
        "  post-storage:\n    image: x/storage\n    ports: ['10002:9090']\n"
        "  admin-tool:\n    image: x/tool\n    ports: ['9000:9000']\n")}) / "docker-compose.yml"
    res = import_paths([main])
    c = res.review.components
    assert c["nginx-front"].user_facing and not c["post-storage"].user_facing
    assert any("behind the gateway nginx-front" in e for e in next(i.evidence for i in res.report.components
                                                                  if i.element == "post-storage"))
    assert c["admin-tool"].user_facing  # nothing reaches it through the gateway: its port may be the way in


def test_a_user_facing_service_that_calls_nothing_but_hubs_is_said(tmp_path):
    # TeaStore's shape: the web UI finds the other services through its registry, in code
    main = write(tmp_path, {"docker-compose.yml": (
        "services:\n  registry: {image: shop/registry}\n"
        "  webui:\n    image: shop/webui\n    ports: ['8080:8080']\n    environment: {REGISTRY_HOST: registry}\n"
        "  auth:\n    image: shop/auth\n    environment: {REGISTRY_HOST: registry, DB_HOST: db}\n"
        "  db: {image: 'mariadb:11'}\n  image: {image: shop/image, environment: {REGISTRY_HOST: registry}}\n")}) \
        / "docker-compose.yml"
    res = import_paths([main])
    assert "discovery" in res.review.components["registry"].tags  # a service named registry: where they find each other
    assert any(w.startswith("webui faces users and calls nothing but registry: its calls to the other services are "
                            "probably not in the files read") for w in res.report.warnings)
    # once its calls are there, nothing to say
    text = main.read_text().replace("{REGISTRY_HOST: registry}\n  auth", "{REGISTRY_HOST: registry, AUTH_URL: 'http://auth'}\n  auth")
    main.write_text(text)
    assert not [w for w in import_paths([main]).report.warnings if "faces users" in w]


@pytest.mark.parametrize("name,image,discovery", [
    ("registry", "shop/registry", True), ("vehicle-registry", "dmv/vehicle-registry", False),  # a business service
    ("registry", "registry:2", False),  # Docker's image registry
    ("schema-registry", "confluentinc/cp-schema-registry:7.6", False),
])
def test_only_a_service_registry_is_taken_for_discovery(name, image, discovery):
    from prr_app.importers.graph import recognise

    assert ("discovery" in recognise(name, image)[1]) is discovery


DAPR = {
    "docker-compose.yml": (
        "services:\n"
        "  rabbitmq: {image: 'rabbitmq:3-management'}\n  redis: {image: 'redis:7'}\n"
        "  placement: {image: 'daprio/dapr:1.13', command: ['./placement', '-port', '50006']}\n"
        "  cart: {build: ./src/Cart}\n"
        "  cart-dapr:\n    image: 'daprio/daprd:1.13'\n    network_mode: 'service:cart'\n"
        "    command: ['./daprd', '-app-id', 'cart-api', '-placement-host-address', 'placement:50006',"
        " '-resources-path', '/components']\n    volumes: ['./dapr/components/:/components']\n"
        "  orders: {build: ./src/Orders}\n"
        "  orders-dapr:\n    image: 'daprio/daprd:1.13'\n    network_mode: 'service:orders'\n"
        "    command: ['./daprd', '-app-id', 'orders', '-resources-path', '/components']\n"),
    "dapr/components/pubsub.yaml": ("apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: shop-pubsub}\n"
                                    "spec:\n  type: pubsub.rabbitmq\n  version: v1\n  metadata:\n"
                                    "  - name: host\n    value: 'amqp://rabbitmq:5672'\n"),
    "dapr/components/state.yaml": ("apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: cart-state}\n"
                                   "spec:\n  type: state.redis\n  version: v1\n  metadata:\n"
                                   "  - name: redisHost\n    value: 'redis:6379'\nscopes: [cart-api]\n"),
    # the orders service publishes through the sidecar and calls the cart by its app-id
    "src/Orders/OrderService.cs": ('using Dapr.Client;\nclass OrderService {\n  const string PubSub = "shop-pubsub";\n'
                                   '  async Task Place(DaprClient dapr) {\n'
                                   '    var cart = await dapr.InvokeMethodAsync<Cart>(HttpMethod.Get, "cart-api", "basket");\n'
                                   '    await dapr.PublishEventAsync(PubSub, "OrderPlaced", cart);\n  }\n}\n'),
    "src/Cart/CartStore.cs": "using Dapr.Client;\nclass CartStore { }\n",
}


def test_dapr_sidecars_components_and_service_invocation(tmp_path):
    res = import_paths([write(tmp_path, DAPR)])
    r = res.review
    # a daprd container in an app's network stack is part of the app, not a component
    assert "cart-dapr" not in r.components and "orders-dapr" not in r.components
    assert any("the Dapr sidecar of cart (app-id cart-api)" in line for line in res.report.read)
    # the sidecar's placement address is the app's dependency
    assert "cart->placement" in r.dependencies
    # the pub/sub component the orders code publishes through: a call to its broker, hard (session 28)
    assert r.dependencies["orders->rabbitmq"].kind == "hard"
    assert any("it publishes to" in e for e in r.dependencies["orders->rabbitmq"].evidence)
    assert any("Dapr pubsub.rabbitmq component shop-pubsub" in e for e in r.dependencies["orders->rabbitmq"].evidence)
    # a state store no code names but its scopes list: that app's
    assert r.dependencies["cart->redis"].kind == "hard"
    assert "orders->redis" not in r.dependencies
    # service invocation by app-id (the sidecar's app-id, not the compose name)
    assert any("Dapr service invocation of app-id cart-api" in e for e in r.dependencies["orders->cart"].evidence)
    assert "placement" in r.components and "discovery" not in r.components["cart"].tags


def test_a_kubernetes_workloads_dapr_app_id_is_a_name_invocation_reaches(tmp_path):
    manifests = "".join(
        f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}}}\nspec:\n  template:\n"
        f"    metadata:\n      labels: {{app: {name}}}\n      annotations: {{dapr.io/enabled: 'true', dapr.io/app-id: {app_id}}}\n"
        f"    spec: {{containers: [{{name: {name}, image: 'x/{name}'}}]}}\n---\n"
        for name, app_id in (("checkout-deploy", "checkout"), ("payments-deploy", "payments")))
    root = write(tmp_path, {"k8s/app.yaml": manifests,
                            "src/checkout-deploy/pay.py": "from dapr.clients import DaprClient\n"
                                                          "d.invoke_method('payments', 'charge', data=b'')\n"})
    deps = import_paths([root]).review.dependencies
    assert "checkout-deploy->payments-deploy" in deps


def test_a_service_the_registry_variable_names_is_the_discovery_hub(tmp_path):
    main = write(tmp_path, {"docker-compose.yml": (
        "services:\n  teastore-registry: {image: x/registry}\n  schema-registry: {image: 'confluentinc/cp-schema-registry'}\n"
        "  webui: {image: x/webui, environment: {REGISTRY_HOST: teastore-registry, "
        "SCHEMA_REGISTRY_URL: 'http://schema-registry:8081'}}\n")}) / "docker-compose.yml"
    c = import_paths([main]).review.components
    assert "discovery" in c["teastore-registry"].tags
    assert "discovery" not in c["schema-registry"].tags


def test_a_circuit_breakers_run_with_a_fallback_is_said_on_the_call_it_wraps(tmp_path):
    root = write(tmp_path, {
        "docker-compose.yml": "services:\n  gateway: {build: ./gateway}\n  visits-service: {image: x/visits}\n"
                              "  owners-service: {image: x/owners}\n",
        "gateway/src/main/java/app/VisitsServiceClient.java": 'String base = "http://visits-service/";\n',
        "gateway/src/main/java/app/OwnersServiceClient.java": 'String base = "http://owners-service/";\n',
        "gateway/src/main/java/app/Controller.java": (
            "import org.springframework.cloud.client.circuitbreaker.ReactiveCircuitBreakerFactory;\n"
            "class Controller {\n  Mono<Owner> get(int id) {\n"
            "    return ownersServiceClient.getOwner(id)\n"
            "      .flatMap(o -> visitsServiceClient.getVisits(o.ids())\n"
            "        .transform(it -> cbFactory.create(\"visits\").run(it, throwable -> emptyVisits())));\n  }\n}\n"),
    })
    deps = import_paths([root]).review.dependencies
    visits = deps["gateway->visits-service"]
    assert visits.circuit_breaker is True and visits.fallback is None  # named, not taken for a fallback
    assert any("fallback throwable -> emptyVisits()" in e and "Controller.java:6" in e for e in visits.evidence)
    assert deps["gateway->owners-service"].circuit_breaker is None  # the breaker wraps the visits call only


def test_a_shared_client_library_and_a_services_enum_give_the_calls_of_the_services_that_use_them(tmp_path):
    # TeaStore's and train-ticket's shapes: services in package-named folders; a client SDK no
    # service owns; a registry load balancer called with a constant of the system's Service enum
    root = write(tmp_path, {
        "docker-compose.yml": "services:\n  webui: {build: ./services/shop.webui}\n  auth: {build: ./services/shop.auth}\n"
                              "  users: {build: ./services/shop.users}\n  image: {image: x/image}\n",
        "sdk/src/main/java/shop/client/AuthClient.java": 'class AuthClient { String url = "http://auth:8080/login"; }\n',
        "sdk/src/main/java/shop/client/Server.java": ('class Server { public static void main(String[] a) {}\n'
                                                      '  String db = "http://image:80"; }\n'),  # an entry point: no library
        "services/shop.users/src/main/java/Users.java": "class Users { AuthClient authClient; Server s; }\n",
        "services/shop.webui/src/main/java/Page.java": (
            "class Page { void show() { ServiceLoadBalancer.loadBalanceRESTOperation(Service.IMAGE, \"img\"); } }\n"),
        "services/shop.auth/src/main/java/Auth.java": "class Auth { }\n",
    })
    res = import_paths([root])
    deps = res.review.dependencies
    assert any("in AuthClient, which users's code uses at services/shop.users/src/main/java/Users.java:1" in e
               for e in deps["users->auth"].evidence)
    assert "users->image" not in deps  # Server.java runs a program: not a library the users service calls through
    assert any("Service.IMAGE" in e for e in deps["webui->image"].evidence)
    assert any(i["id"] == "webui->image" and i["confidence"] == "weak" for i in res.report.inferred)


def test_a_file_named_after_a_component_in_no_folder_of_its_own_is_its_code(tmp_path):
    root = write(tmp_path, {
        "docker-compose.yml": "services:\n  post-storage-service: {image: x/ps}\n  post-storage-memcached: {image: 'memcached:1.6'}\n"
                              "  compose-post-service: {image: x/cp}\n",
        # the folder's name is misspelt: the file's name says whose code it is
        "src/PostStorageSerivce/PostStorageService.cpp": ('int main() {\n'
                                                         '  auto m = config_json["post-storage-memcached"]["addr"];\n}\n'),
    })
    assert "post-storage-service->post-storage-memcached" in import_paths([root]).review.dependencies


def test_an_outside_api_a_service_is_configured_to_call_is_an_external_component(tmp_path):
    main = write(tmp_path, {"docker-compose.yml": (
        "services:\n  payment:\n    image: x/payment\n    environment:\n"
        "      PAYMENT_GATEWAY_URL: 'https://api.stripe.com/v1'\n"
        "      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://api.honeycomb.io'\n"  # telemetry: not a call users wait on
        "      CALLBACK_URL: 'https://shop.acme.io/paid'\n"  # the shop's own address, given out
        "      DOCS_URL: 'https://docs.stripe.com'\n"
        "      FALLBACK_URL: 'https://pay.example.com'\n"  # a reserved domain: a placeholder
        "  checkout:\n    image: x/checkout\n    environment: {STRIPE_API_URL: 'https://api.stripe.com/v1/charges'}\n")}) \
        / "docker-compose.yml"
    res = import_paths([main])
    r = res.review
    outside = [c for c in r.components.values() if c.kind == "external_api"]
    assert [c.name for c in outside] == ["api.stripe.com"]  # one component for the two services' calls
    cid = outside[0].id
    assert r.dependencies[f"payment->{cid}"].kind == "hard" and f"checkout->{cid}" in r.dependencies
    assert any("outside API" in line for line in res.report.read)


def test_an_outside_api_the_code_calls_by_default_is_an_external_component(tmp_path):
    root = write(tmp_path, {
        "docker-compose.yml": "services:\n  payment: {build: ./payment}\n  cart: {image: x/cart}\n",
        "payment/payment.py": ("import os\nGATEWAY = os.getenv('PAYMENT_GATEWAY', 'https://paypal.com/')\n"
                               "DOCS = os.getenv('HELP_LINK', 'https://docs.shop.io/')\n"  # a link shown, not a call
                               "CART = os.getenv('CART_URL', 'http://cart:8080')\n"),
    })
    res = import_paths([root])
    r = res.review
    outside = [c for c in r.components.values() if c.kind == "external_api"]
    assert [(c.name, c.tags) for c in outside] == [("paypal.com", ["external"])]
    dep = r.dependencies[f"payment->{outside[0].id}"]
    assert any("the address of paypal.com (an outside API)" in e for e in dep.evidence)
    assert any(i["id"] == dep.id and i["confidence"] == "weak" for i in res.report.inferred)
    assert "payment->cart" in r.dependencies
