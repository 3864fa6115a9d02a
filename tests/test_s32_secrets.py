"""Session 32, finding 2: every literal secret the files hold is found and cited (file:line, the value
masked): passwords written into connection URLs and DSNs, variables and settings named ``*_KEY``
(``ENCRYPT_KEY``, ``signing.key``), a ``${VAR}`` whose value ``.env`` writes; the answer stays *not met*
while one remains, and a re-import after fixing the cited ones does not read as an all-clear."""
from __future__ import annotations

import re

import pytest

from prr_app.cli.main import main
from prr_app.importers.readiness import extract
from prr_app.importers.readiness.common import literal, secret_name, secrets_in
from prr_app.review.document import load_review
from test_readiness_evidence import _import

# go-coffeeshop's docker-compose.yaml, trimmed: 11 literal secrets, 9 of them inside URLs and DSNs
COFFEE = """\
services:
  postgres:
    image: postgres:14-alpine
    environment:
      - POSTGRES_USER=postgres
      - POSTGRES_PASSWORD=P@ssw0rd
  rabbitmq:
    image: rabbitmq:3.11-management-alpine
    environment:
      RABBITMQ_DEFAULT_USER: guest
      RABBITMQ_DEFAULT_PASS: guest
  counter:
    image: go-coffeeshop-counter
    environment:
      PG_URL: postgres://postgres:P@ssw0rd@postgres:5432/postgres
      PG_DSN_URL: host=postgres user=postgres password=P@ssw0rd dbname=postgres sslmode=disable
      RABBITMQ_URL: amqp://guest:guest@rabbitmq:5672/
  barista:
    image: go-coffeeshop-barista
    environment:
      PG_URL: postgres://postgres:P@ssw0rd@postgres:5432/postgres
      PG_DSN_URL: host=postgres user=postgres password=P@ssw0rd dbname=postgres sslmode=disable
      RABBITMQ_URL: amqp://guest:guest@rabbitmq:5672/
  kitchen:
    image: go-coffeeshop-kitchen
    environment:
      PG_URL: postgres://postgres:P@ssw0rd@postgres:5432/postgres
      PG_DSN_URL: host=postgres user=postgres password=P@ssw0rd dbname=postgres sslmode=disable
      RABBITMQ_URL: amqp://guest:guest@rabbitmq:5672/
"""


def _lines(text: str, needle: str) -> list[int]:
    return [i for i, ln in enumerate(text.splitlines(), 1) if needle in ln]


def _literals(res) -> list:
    return [f for f in extract(res).facts if f.extractor == "k8s.secret-refs" and f.signal == "literal"]


def test_passwords_in_urls_and_dsns_are_each_cited_masked(tmp_path):
    res, _ = _import(tmp_path, {"docker-compose.yaml": COFFEE})
    lits = _literals(res)
    want = sorted(_lines(COFFEE, "P@ssw0rd") + _lines(COFFEE, "guest@") + _lines(COFFEE, "DEFAULT_PASS"))
    assert sorted(f.line for f in lits) == want and len(want) == 11
    assert all(f.file == "docker-compose.yaml" for f in lits)
    by_line = {f.line: f.what for f in lits}
    url = _lines(COFFEE, "PG_URL")[0]
    assert by_line[url] == "PG_URL holds a literal password (postgres://postgres:***@postgres:5432/postgres)"
    dsn = _lines(COFFEE, "PG_DSN_URL")[0]
    assert "password=*** dbname=postgres" in by_line[dsn]
    amqp = _lines(COFFEE, "RABBITMQ_URL")[0]
    assert by_line[amqp] == "RABBITMQ_URL holds a literal password (amqp://guest:***@rabbitmq:5672/)"
    # the value never shows: not the password, nor the part after its "@"
    assert not any(s in f.text for f in lits for s in ("P@ssw0rd", "ssw0rd", "guest:guest"))
    sec = res.review.proposals["sec.secrets-in-store"]
    assert sec.status == "not_met" and "(and 8 more)" in sec.reason


def test_a_reimport_after_fixing_the_cited_two_still_says_not_met(tmp_path, capsys):
    """The reviewer fixes the two lines first cited; nine remain, in URLs and DSNs. The re-import's
    proposal stays not met and cites them; nothing says the evidence is gone."""
    res, root = _import(tmp_path, {"docker-compose.yaml": COFFEE})
    out = tmp_path / "r.prr"
    assert main(["import", str(root), "-o", str(out), "--quiet"]) == 0
    assert main(["checklist-confirm", str(out), "sec.secrets-in-store", "--by", "CK"]) == 0
    f = root / "docker-compose.yaml"
    f.write_text(f.read_text().replace("POSTGRES_PASSWORD=P@ssw0rd", "POSTGRES_PASSWORD=${PG_PASS}")
                 .replace("RABBITMQ_DEFAULT_PASS: guest", "RABBITMQ_DEFAULT_PASS: ${RMQ_PASS}"))
    capsys.readouterr()
    assert main(["import", str(root), "--into", str(out)]) == 0
    said = [ln for ln in capsys.readouterr().out.splitlines() if "sec.secrets-in-store" in ln]
    # the all-clear form (no proposal at all: "no longer show that evidence; the answer stands") is never said
    assert not any("no longer show that evidence;" in ln or "withdrawn" in ln for ln in said)
    rv = load_review(out)
    assert rv.answers["sec.secrets-in-store"].status == "not_met"
    p = rv.proposals["sec.secrets-in-store"]
    assert p.status == "not_met"
    assert f"docker-compose.yaml:{_lines(COFFEE, 'PG_URL')[0]}" in p.reason and "(and 6 more)" in p.reason
    assert "POSTGRES_PASSWORD" not in p.reason and "RABBITMQ_DEFAULT_PASS" not in p.reason


def test_key_variables_and_a_config_servers_properties(tmp_path):
    """manning-smia: the config server's ENCRYPT_KEY in Compose, a JWT ``signing.key`` in the properties the
    config server serves; an encrypted ``{cipher}`` value is no literal."""
    compose = """\
        services:
          configserver:
            image: ostock/configserver
            environment:
              ENCRYPT_KEY: "fje83Ki8403Iod87dne7Yjsl3THueh48jfuO9j4U2hf64Lo"
          licensingservice:
            image: ostock/licensing-service
            environment:
              ENCRYPT_KEY:       "IMSYMMETRIC"
              CONFIGSERVER_URI: "http://configserver:8071"
        """
    props = """\
        spring.datasource.url = jdbc:postgresql://database:5432/ostock_dev?sslmode=disable
        spring.datasource.username = postgres
        spring.datasource.password = {cipher}f4609209a3e75d8ac79a5e3063ce151c2cd28aa431170bb06974b9421e807b6a
        security.oauth2.client.grant-type = client_credentials
        signing.key: "345345fsdfsf5345"
        spring.zipkin.baseUrl:http://zipkin:9411
        """
    yml = """\
        spring:
          datasource:
            password: ${DB_PASSWORD}
        jwt:
          signing-key: s3cr3tSigningKey
          public-key: MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA
          key-id: 2024-01
        credentials:
          region: eu-west-1
        """
    res, _ = _import(tmp_path, {"docker/docker-compose.yml": compose,
                                "configserver/src/main/resources/config/licensing-service.properties": props,
                                "configserver/src/main/resources/config/gateway-server.yml": yml})
    got = sorted(f.text for f in _literals(res))
    assert got == sorted([
        "ENCRYPT_KEY given as a literal value: docker/docker-compose.yml:5",
        "ENCRYPT_KEY given as a literal value: docker/docker-compose.yml:9",
        "jwt.signing-key given as a literal value: configserver/src/main/resources/config/gateway-server.yml:5",
        "signing.key given as a literal value: configserver/src/main/resources/config/licensing-service.properties:5",
    ]), got
    assert not any(s in t for t in got for s in ("IMSYMMETRIC", "345345", "s3cr3t", "fje83"))


def test_a_password_dotenv_writes_into_a_connection_string_is_cited_there_once(tmp_path):
    """The OpenTelemetry demo: two services build DB_CONNECTION_STRING from ${POSTGRES_ASTRONOMY_PASSWORD},
    which .env writes: one citation, at the .env line."""
    res, _ = _import(tmp_path, {
        "compose.yaml": """\
            services:
              product-catalog:
                image: product-catalog
                environment:
                  - DB_CONNECTION_STRING=postgres://astronomy_user:${POSTGRES_ASTRONOMY_PASSWORD}@${POSTGRES_HOST}/astronomy_db
              accounting:
                image: accounting
                environment:
                  - DB_CONNECTION_STRING=Host=${POSTGRES_HOST};Username=astronomy_user;Password=${POSTGRES_ASTRONOMY_PASSWORD};Database=astronomy_db
              reviews:
                image: reviews
                environment:
                  - DB_URL=postgres://reviews:${REVIEWS_PASSWORD}@${POSTGRES_HOST}/reviews
                  - OPENAI_API_KEY=${API_KEY}
            """,
        ".env": "POSTGRES_HOST=postgresql\nPOSTGRES_ASTRONOMY_PASSWORD=astronomy_password  # in init.sql\n"
                "API_KEY=\n",
    })
    got = [f.text for f in _literals(res)]
    assert got == ["POSTGRES_ASTRONOMY_PASSWORD given as a literal value: .env:2"], got


def test_what_is_no_literal_secret(tmp_path):
    """References, files and paths, public keys, key ids, keys of data structures, placeholders and empty
    values are no literal secrets; ``changeme`` is one (it is the password wherever nobody changed it)."""
    manifest = """\
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api}
        spec:
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec:
              containers:
              - name: api
                image: example/api:1
                env:
                - name: DB_PASSWORD
                  valueFrom: {secretKeyRef: {name: db, key: password}}
                - name: JWT_KEY
                  value: ${JWT_KEY}
                - name: TLS_KEY
                  value: /etc/tls/tls.key
                - name: SIGNING_KEY_FILE
                  value: signing.pem
                - name: JWT_PUBLIC_KEY
                  value: "-----BEGIN PUBLIC KEY-----"
                - name: VERIFY_KEY
                  value: "-----BEGIN PUBLIC KEY-----\\nMIIBIjAN"
                - name: AWS_ACCESS_KEY_ID
                  value: AKIAIOSFODNN7EXAMPLE
                - name: API_KEY_ID
                  value: k-123
                - name: KMS_KEY
                  value: arn:aws:kms:eu-west-1:111122223333:key/1234abcd
                - name: ROUTING_KEY
                  value: orders.created
                - name: PARTITION_KEY
                  value: customerId
                - name: REDIS_URL
                  value: redis://redis:6379/0
                - name: API_TOKEN
                  value: "<your token>"
                - name: SMTP_PASSWORD
                  value: ""
                - name: MAX_TOKENS
                  value: "4096"
                - name: START
                  value: pg_dump --password=$(cat /run/secrets/pw) db
                - name: ADMIN_PASSWORD
                  value: changeme
        """
    res, _ = _import(tmp_path, {"k8s/api.yaml": manifest})
    got = [f.what for f in _literals(res)]
    assert got == ["ADMIN_PASSWORD given as a literal value"], got
    assert res.review.proposals["sec.secrets-in-store"].status == "not_met"


@pytest.mark.parametrize("name, value, found", [
    ("ENCRYPT_KEY", "IMSYMMETRIC", True),
    ("signing.key", '"345345fsdfsf5345"', True),
    ("apiKey", "abc123", True),
    ("SECRET_KEY_BASE", "yYrECL4q", True),
    ("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI", True),
    ("CACHE_KEY", "user:{id}", False),
    ("existingSecretPasswordKey", "postgres-password", False),
    ("KEY", "abc", False),  # a bare "key" says nothing (a selector's key, a label's)
    ("PASSWORD_MIN_LENGTH", "12", False),
    ("TOKEN_URL", "https://auth/token", False),
    ("DB_PASSWORD", "{cipher}a3e75d8ac79", False),
    ("DB_PASSWORD", "ENC(G6N718UuyPE5bHyWKyuLQSm02auQPUtm)", False),
    ("GITHUB_TOKEN", "${{ secrets.GITHUB_TOKEN }}", False),
    ("SSH_PRIVATE_KEY", "~/.ssh/id_ed25519", False),
    ("DEPLOY_KEY", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI", False),
    ("MYSQL_ALLOW_EMPTY_PASSWORD", "yes", False),
    ("CERT", "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA", True),
    ("JAVA_OPTS", "-Xmx1g -Dspring.datasource.password=hunter2", True),
    ("MONGO_URI", "mongodb+srv://app:hunter2@cluster0/db", True),
    ("MONGO_URI", "mongodb://app@cluster0/db", False),  # a user, no password
    ("WEBHOOK", "https://hooks.example/x?token=abc123", True),
])
def test_names_and_values(name, value, found):
    got = secrets_in(name, value)
    assert bool(got) is found, got
    assert not any(s in what for what, _p, _v in got for s in ("hunter2", "abc123", "IMSYMMETRIC", "MIIEp"))


def test_name_words():
    assert secret_name("dbPassword") and secret_name("spring.datasource.password")
    assert not secret_name("PUBLIC_KEY") and not secret_name("SIGNING_KEY_PATH")
    assert literal("changeme") and not literal("  ") and not literal("${X:-y}") and not literal("****")


def test_a_url_password_with_an_at_sign_is_masked_whole():
    (what, _p, _v), = secrets_in("PG_URL", "postgres://postgres:P@ss@w0rd@postgres:5432/db")
    assert re.search(r"\(postgres://postgres:\*\*\*@postgres:5432/db\)$", what), what
