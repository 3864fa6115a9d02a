"""Session 31 (w1): the configuration and source scan on systems it had never seen (robot-shop, PiggyMetrics).

* a connection string's host (PDO's ``mysql:host=mysql;``, ADO.NET's ``Server=db;``, libpq's ``host=db port=``)
  and a quoted host given to a variable named like an address (Go's ``amqpHost = "rabbitmq"`` after
  ``os.LookupEnv``) name that service of the project, in any language; a comparison, an identifier or a
  variable named otherwise does not;
* outside services the code calls are external components: an HTTP call to a URL literal
  (``requests.get('https://paypal.com/')``), a Feign client's URL property (``@FeignClient(url =
  "${rates.url}")``), a mail server's host key (``spring.mail.host: smtp.gmail.com``); a URL in a comment,
  a link or a plain string names no vendor;
* evidence from code alone stays weak whatever its form (the rule, docs/importers.md "How sure").
"""
from __future__ import annotations

from pathlib import Path

import pytest

from prr_app.importers.registry import import_paths


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


COMPOSE = "services:\n  api: {build: ./api}\n  ordersdb: {image: 'postgres:16'}\n"


# ------------------------------------------------------------------ 1. connection strings, host variables
@pytest.mark.parametrize("rel,line", [
    ("api/src/Kernel.php", "$c->setParameter('pdo_dsn', getenv('PDO_URL') ?: 'mysql:host=ordersdb;dbname=x;charset=utf8');"),
    ("api/app.php", "$pdo = new PDO(\"pgsql:host=ordersdb;port=5432;dbname=x\");"),
    ("api/Db.cs", "var cs = \"Server=ordersdb;Database=orders;User Id=sa;\";"),
    ("api/Db.cs", "var cs = \"Server=tcp:ordersdb,1433;Database=orders\";"),
    ("api/Db.cs", "const string Cs = \"Host=ordersdb;Port=5432;Database=orders\";"),
    ("api/Db.cs", "var cs = \"Data Source=ordersdb;Initial Catalog=orders\";"),
    ("api/db.py", "conn = psycopg2.connect(\"dbname=orders user=app host=ordersdb port=5432\")"),
    ("api/db.py", "conn = connect('amqp://guest:s3cret@ordersdb:5672/')"),
    ("api/main.go", "\tdbHost, ok := os.LookupEnv(\"DB\")\n\tif !ok {\n\t\tdbHost = \"ordersdb\"\n\t}"),
    ("api/main.go", "\tdbAddr := \"ordersdb\""),
    ("api/db.py", "DB_HOST = 'ordersdb'"),
    ("api/db.py", "pool = Pool(host='ordersdb', port=5432)"),
    ("api/db.js", "const pool = new Pool({ host: 'ordersdb', port: 5432 })"),
    ("api/Db.java", "private static final String DATABASE_SERVER = \"ordersdb\";"),
    ("api/db.php", "$config = ['host' => 'ordersdb', 'port' => 5432];"),
])
def test_a_connection_string_or_a_host_variable_names_the_service(tmp_path, rel, line):
    root = write(tmp_path, {"docker-compose.yml": COMPOSE, rel: f"{line}\n"})
    res = import_paths([root])
    dep = res.review.dependencies.get("api->ordersdb")
    assert dep is not None, res.report.read
    assert dep.kind == "hard"
    assert any(e.startswith(rel + ":") for e in dep.evidence), dep.evidence
    # code alone: weak, as every source finding (the reviewer checks it)
    assert any(i["id"] == "api->ordersdb" and i["confidence"] == "weak" for i in res.report.inferred)


@pytest.mark.parametrize("line", [
    "if (host == \"ordersdb\") { return; }",  # a comparison
    "if host != 'ordersdb':",
    "tableName = \"ordersdb\"",  # a variable not named like an address
    "var cs = host=ordersdb;",  # an identifier outside a string, not a connection string
    "// dbHost = \"ordersdb\"",  # a comment
    "log.info(\"Server=ordersdb is the default\" + x)",  # followed by a word: no connection string's end
])
def test_other_mentions_of_the_name_are_no_call(tmp_path, line):
    root = write(tmp_path, {"docker-compose.yml": COMPOSE, "api/app.js": f"{line}\n"})
    assert "api->ordersdb" not in import_paths([root]).review.dependencies


def test_robot_shop_dispatch_and_ratings_are_settled_by_their_code(tmp_path):
    """robot-shop: dispatch's Go fallback and ratings' PDO DSN name rabbitmq and mysql; their depends_on is a
    call, not start-up order only (it used to be made soft with "the scan found no line naming")."""
    root = write(tmp_path, {
        "docker-compose.yaml": (
            "services:\n  rabbitmq: {image: 'rabbitmq:3.8-management-alpine'}\n  mysql: {image: 'mysql:5.7'}\n"
            "  dispatch:\n    build: ./dispatch\n    depends_on: [rabbitmq]\n"
            "  ratings:\n    build: ./ratings\n    depends_on: [mysql]\n"),
        "dispatch/main.go": ("package main\n\nfunc main() {\n\tamqpHost, ok := os.LookupEnv(\"AMQP_HOST\")\n\tif !ok {\n"
                             "\t\tamqpHost = \"rabbitmq\"\n\t}\n"
                             "\tamqpUri = fmt.Sprintf(\"amqp://guest:guest@%s:5672/\", amqpHost)\n}\n"),
        "ratings/html/src/Kernel.php": ("<?php\nclass Kernel {\n  function configure($c) {\n"
                                        "    $c->setParameter('pdo_dsn', getenv('PDO_URL') ?: "
                                        "'mysql:host=mysql;dbname=ratings;charset=utf8mb4');\n  }\n}\n"),
    })
    res = import_paths([root])
    deps = res.review.dependencies
    assert any(e.startswith("dispatch/main.go:6:") and "amqpHost" in e for e in deps["dispatch->rabbitmq"].evidence)
    assert any(e.startswith("ratings/html/src/Kernel.php:4:") and "connection string" in e
               for e in deps["ratings->mysql"].evidence)
    assert deps["ratings->mysql"].kind == "hard"
    assert not any("rests on depends_on alone" in w for w in res.report.warnings), res.report.warnings


# ------------------------------------------------------------------ 2. outside services
def _outside(res) -> dict[str, str]:
    """external component name -> id"""
    return {c.name: c.id for c in res.review.components.values() if c.kind == "external_api"}


@pytest.mark.parametrize("rel,line,host", [
    ("payment/payment.py", "    req = requests.get('https://paypal.com/')", "paypal.com"),
    ("payment/pay.js", "  const r = await fetch(\"https://api.stripe.com/v1/charges\", {method: 'POST'})",
     "api.stripe.com"),
    ("payment/pay.go", "\tresp, err := http.Get(\"https://api.stripe.com/v1/charges\")", "api.stripe.com"),
    ("payment/pay.go", "\treq, _ := http.NewRequestWithContext(ctx, \"POST\", \"https://api.stripe.com/v1\", body)",
     "api.stripe.com"),
    ("payment/Pay.java", "    Rates r = restTemplate.getForObject(\"https://api.exchangerate.host/latest\", Rates.class);",
     "api.exchangerate.host"),
    ("payment/Pay.cs", "    var r = await http.GetAsync(\"https://api.stripe.com/v1/charges\");", "api.stripe.com"),
])
def test_an_http_call_to_a_url_literal_is_an_outside_service(tmp_path, rel, line, host):
    root = write(tmp_path, {"docker-compose.yml": "services:\n  payment: {build: ./payment}\n", rel: f"{line}\n"})
    res = import_paths([root])
    cid = _outside(res).get(host)
    assert cid is not None, res.report.read
    dep = res.review.dependencies[f"payment->{cid}"]
    assert dep.kind == "hard"
    assert any(e.startswith(f"{rel}:1:") and "HTTP call to a URL literal" in e for e in dep.evidence), dep.evidence
    assert any("outside services the code or configuration calls" in r and f"payment -> {host}" in r
               for r in res.report.read)


def test_links_comments_and_strings_name_no_vendor(tmp_path):
    root = write(tmp_path, {
        "docker-compose.yml": "services:\n  payment: {build: ./payment}\n",
        "payment/payment.py": (
            "# see https://developer.paypal.com/docs for the API\n"
            "DOCS = 'https://developer.paypal.com/docs'\n"  # a link kept, not a call
            "app.logger.info('read https://status.paypal.com')\n"
            "r = requests.get(DOCS)  # a variable: the scan does not follow it\n"
            "t = requests.get('https://pay.example.com/x')\n"  # a reserved domain: a placeholder
            "u = requests.get('http://localhost:8080/health')\n"),
    })
    assert _outside(import_paths([root])) == {}


PIGGY = {
    "docker-compose.yml": ("services:\n  config: {build: ./config}\n  statistics-service: {build: ./statistics-service}\n"
                           "  notification-service: {build: ./notification-service}\n"),
    "config/src/main/resources/shared/statistics-service.yml": (
        "server:\n  port: 7000\n\nrates:\n  url: https://exchangeratesapi.io/api\n"
        "homepage:\n  url: https://piggymetrics.io/\n"),  # a property no client uses
    "config/src/main/resources/shared/notification-service.yml": (
        "remind:\n  email:\n    subject: PiggyMetrics reminder\n"
        "spring:\n  mail:\n    host: smtp.gmail.com\n    port: 465\n    username: dev-user\n"),
    "statistics-service/src/main/java/com/x/ExchangeRatesClient.java": (
        "package com.x;\n\n@FeignClient(url = \"${rates.url}\", name = \"rates-client\", "
        "fallback = ExchangeRatesClientFallback.class)\npublic interface ExchangeRatesClient {}\n"),
}


def test_a_feign_clients_url_property_and_a_mail_host_are_outside_services(tmp_path):
    res = import_paths([write(tmp_path, PIGGY)])
    out = _outside(res)
    assert set(out) == {"exchangeratesapi.io", "smtp.gmail.com"}, out  # not piggymetrics.io: no client uses it
    deps = res.review.dependencies
    rates = deps[f"statistics-service->{out['exchangeratesapi.io']}"]
    assert any(e.startswith("config/src/main/resources/shared/statistics-service.yml:5:") and "rates.url" in e
               and "rates-client" in e and "ExchangeRatesClientFallback" in e for e in rates.evidence), rates.evidence
    mail = deps[f"notification-service->{out['smtp.gmail.com']}"]
    assert any(e.startswith("config/src/main/resources/shared/notification-service.yml:6:") and "mail (SMTP)" in e
               for e in mail.evidence), mail.evidence
    # configuration names them: strong
    conf = {i["id"]: i["confidence"] for i in res.report.inferred}
    assert conf[rates.id] == "strong" and conf[mail.id] == "strong"
    assert any("outside services the code or configuration calls" in r for r in res.report.read)


@pytest.mark.parametrize("files", [
    {"svc/src/main/resources/application.yml": "feign:\n  client:\n    config:\n      rates:\n"
                                               "        url: https://api.rates.io/v1\n"},
    {"svc/src/main/resources/application.properties":
        "quarkus.rest-client.rates.url=https://api.rates.io/v1\n"},
    {"svc/src/main/java/R.java": "@FeignClient(name = \"rates\", url = \"https://api.rates.io/v1\")\ninterface R {}\n"},
    {"svc/.env": "SMTP_HOST=smtp.rates.io\n"},
    {"svc/settings.py": "EMAIL_HOST = 'smtp.rates.io'\n"},
])
def test_client_url_conventions_and_mail_keys(tmp_path, files):
    root = write(tmp_path, {"docker-compose.yml": "services:\n  svc: {build: ./svc}\n", **files})
    out = _outside(import_paths([root]))
    assert set(out) <= {"api.rates.io", "smtp.rates.io"} and len(out) == 1, out


def test_a_mail_host_of_the_project_is_its_service_not_an_outside_one(tmp_path):
    root = write(tmp_path, {
        "docker-compose.yml": "services:\n  svc: {build: ./svc}\n  mailhog: {image: 'mailhog/mailhog'}\n",
        "svc/src/main/resources/application.yml": "spring:\n  mail:\n    host: mailhog\n    port: 1025\n",
    })
    res = import_paths([root])
    assert _outside(res) == {} and "svc->mailhog" in res.review.dependencies
