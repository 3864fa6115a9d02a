"""Session 31 (helper e6): configuration files named nothing a name rule knows are recognised by their
content: nginx-flask-mysql's extensionless ``proxy/conf``, a Logstash pipeline named ``.config``, and a
file a Dockerfile beside it COPYs into a configuration path. Only small text files are opened."""
from __future__ import annotations

from pathlib import Path

from prr_app.importers import repository
from prr_app.importers.repository import classify


def _write(root: Path, rel: str, text: str | bytes) -> Path:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        p.write_bytes(text)
    else:
        p.write_text(text, encoding="utf-8")
    return p


NGINX = """server {
    listen       80;
    server_name  localhost;
    location / {
        proxy_pass   http://backend:8000;
    }

}
"""

LOGSTASH = """input {
  file {
    path => "/home/nginx.log"
  }
}

output {
  elasticsearch {
    hosts => ["http://es:9200"]
    index => "nginx"
  }
}
"""

COMPOSE = """services:
  backend:
    build: backend
  proxy:
    build: proxy
    ports:
      - 80:80
    depends_on:
      - backend
"""


def test_an_extensionless_nginx_file_is_configuration_and_its_proxy_pass_a_hard_call(tmp_path):
    co = tmp_path / "nginx-flask-mysql"
    _write(co, "compose.yaml", COMPOSE)
    conf = _write(co, "proxy/conf", NGINX)
    _write(co, "backend/Dockerfile", "FROM python:3.10\n")
    assert classify(conf) == "config"
    res = repository.import_folder([co])
    assert not any(s.startswith("proxy/conf:") for s in res.report.skipped)
    dep = res.review.dependencies["proxy->backend"]
    assert dep.kind == "hard"
    assert not any("rests on depends_on alone" in w for w in res.report.warnings)


def test_a_logstash_pipeline_with_an_unusual_extension_is_configuration(tmp_path):
    assert classify(_write(tmp_path, "logstash/pipeline/logstash-nginx.config", LOGSTASH)) == "config"


def test_a_file_a_dockerfile_beside_it_copies_into_a_configuration_path_is_configuration(tmp_path):
    # haproxy settings in a file with no extension: nothing in its head says what it is, the COPY does
    cfg = _write(tmp_path, "lb/settings", "global\n  maxconn 256\nbackend api\n  balance roundrobin\n")
    other = _write(tmp_path, "lb/notes", "global\n  maxconn 256\n")
    _write(tmp_path, "lb/Dockerfile", "FROM haproxy:2.8\nCOPY --chown=haproxy settings /usr/local/etc/haproxy/haproxy.cfg\n")
    assert classify(cfg) == "config"
    assert classify(other) == "other"  # not copied anywhere
    json_form = _write(tmp_path, "lb2/settings", "global\n")
    _write(tmp_path, "lb2/Dockerfile", 'FROM haproxy\nCOPY ["./settings", "/etc/haproxy/haproxy.cfg"]\n')
    assert classify(json_form) == "config"
    code = _write(tmp_path, "app/run", "#!/bin/sh\nexec app\n")
    _write(tmp_path, "app/Dockerfile", "FROM alpine\nCOPY run /usr/local/bin/run\n")
    assert classify(code) == "other"  # copied, but not into a configuration path


def test_only_small_text_files_outside_documents_are_read_by_content(tmp_path):
    # a document quoting nginx, a binary, a big file and an unrelated text are not configuration
    assert classify(_write(tmp_path, "docs/nginx.md", "How to proxy:\n\n" + NGINX)) == "other"
    assert classify(_write(tmp_path, "blob", b"\0\x01" + NGINX.encode())) == "other"
    assert classify(_write(tmp_path, "huge", NGINX + "#" * (repository._CONTENT_CAP + 1))) == "other"
    assert classify(_write(tmp_path, "LICENSE", "Permission is hereby granted, free of charge, {\n")) == "other"
    assert classify(_write(tmp_path, "latin1", NGINX.encode() + b"# caf\xe9\n")) == "other"
