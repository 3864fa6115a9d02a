"""Round 32: the evidence scan reads a URL in code or configuration as the deployment reader does: the user
information runs to the last '@' (go-coffeeshop's ``postgres://postgres:P@ssw0rd@postgres:5432``)."""
from __future__ import annotations

from prr_app.importers.evidence import _URL_HOST
from prr_app.importers.registry import import_paths


def test_the_host_after_a_password_holding_an_at_sign():
    for text, host in (("postgres:P@ssw0rd@postgres:5432/db", "postgres"), ("u:p@db/x", "db"), ("db:5432", "db"),
                       ("user@db", "db")):
        assert _URL_HOST.match(text).group(1) == host, text


def test_code_naming_the_database_behind_such_a_password_makes_the_call(tmp_path):
    (tmp_path / "api").mkdir()
    (tmp_path / "docker-compose.yml").write_text("services:\n  postgres: {image: 'postgres:16'}\n"
                                                 "  api: {build: ./api}\n")
    (tmp_path / "api" / "main.py").write_text('DSN = "postgres://postgres:P@ssw0rd@postgres:5432/shop"\n')
    res = import_paths([tmp_path])
    deps = res.review.dependencies
    assert "api->postgres" in deps
    assert not any("ssw0rd" in c for c in res.review.components)
    assert "P@ssw0rd" not in " ".join(e for d in deps.values() for e in d.evidence)
