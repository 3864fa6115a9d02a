"""Session 31 (r6): a folder of unrelated examples sharing only a ``db``; a connection call's argument."""
from pathlib import Path

from prr_app.importers.repository import import_folder


def _w(p: Path, text: str) -> None:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)


def test_examples_sharing_only_db_are_two_systems_and_code_stays_home(tmp_path):
    # awesome-compose: nginx-flask-mysql (db, backend, proxy) beside wordpress-mysql (db, wordpress) and
    # react-express-mongodb (frontend, backend, mongo)
    _w(tmp_path / "flask/compose.yaml", "services:\n  db:\n    image: mariadb\n  backend:\n    build: backend\n"
       "  proxy:\n    image: nginx\n    depends_on: [backend]\n")
    _w(tmp_path / "flask/backend/hello.py", 'conn = connect(host="db", user="root")\n')
    _w(tmp_path / "wp/compose.yaml", "services:\n  db:\n    image: mariadb\n  wordpress:\n    image: wordpress\n"
       "    environment:\n      WORDPRESS_DB_HOST: db\n")
    _w(tmp_path / "rem/compose.yaml", "services:\n  frontend:\n    build: frontend\n  backend:\n    build: backend\n"
       "  mongo:\n    image: mongo\n")
    res = import_folder([tmp_path])
    rep = res.report
    assert not any("variants of one deployment" in w for w in rep.warnings), rep.warnings
    assert not any("variant not imported" in s for s in rep.skipped), rep.skipped
    comps = res.review.components
    assert "wordpress" in comps and "proxy" in comps
    deps = res.review.dependencies
    # flask's backend code names its own db, and no other system's service gets a call to a db from it
    assert "backend->db" in deps, sorted(deps)
    assert not any("db" in d.target and d.source.startswith("rem") for d in deps.values()), sorted(deps)

def test_code_of_a_variant_not_imported_is_not_another_systems(tmp_path):
    # app/ and app-k8s/ are variants (the same services); app/ is not imported; its backend/ folder is named
    # like the backend of another system (other/) and must not give that backend a call
    _w(tmp_path / "app/compose.yaml", "services:\n  shop-api:\n    image: acme/shop-api\n  db:\n    image: postgres\n")
    _w(tmp_path / "app/backend/main.py", 'conn = connect(host="cache")\n')
    _w(tmp_path / "app-k8s/deploy.yaml", """apiVersion: apps/v1
kind: Deployment
metadata: {name: shop-api}
spec:
  selector: {matchLabels: {app: shop-api}}
  template:
    metadata: {labels: {app: shop-api}}
    spec: {containers: [{name: shop-api, image: acme/shop-api}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres}]}
""")
    _w(tmp_path / "other/compose.yaml", "services:\n  backend:\n    image: acme/other\n  cache:\n    image: redis\n"
       "  worker:\n    image: acme/worker\n")
    res = import_folder([tmp_path], variant="app-k8s")
    assert any("variant not imported: app" in s for s in res.report.skipped), res.report.skipped
    assert not any(d.source == "backend" and d.target == "cache" for d in res.review.dependencies.values()), \
        sorted(res.review.dependencies)


def test_connection_call_argument_names_a_common_service(tmp_path):
    # example-voting-app's worker: OpenRedisConnection("redis"); a bare "redis" elsewhere is no call
    _w(tmp_path / "docker-compose.yml", "services:\n  worker:\n    build: worker\n  redis:\n    image: redis\n")
    _w(tmp_path / "worker/Program.cs", 'var key = "redis";\nvar redisConn = OpenRedisConnection("redis");\n')
    res = import_folder([tmp_path])
    dep = res.review.dependencies.get("worker->redis")
    assert dep is not None, sorted(res.review.dependencies)
    assert any("Program.cs:2" in e for e in dep.evidence), dep.evidence
    assert not any("Program.cs:1" in e for e in dep.evidence), dep.evidence
