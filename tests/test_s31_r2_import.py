"""Session 31 (r2): a checkout's import on systems it had never seen (Bank of Anthos, Istio's bookinfo):
a database's connection settings taken for an address book, an address variable credited to deployments
that never set it, an example's routing left behind by the starting folder, versions the mesh sends no
traffic to counted as redundancy."""
from __future__ import annotations

from pathlib import Path

from prr_app.importers.registry import import_paths


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def _deployment(name: str, labels: str, env: str = "", env_from: str = "") -> str:
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  selector:\n    matchLabels: "
            f"{{{labels}}}\n  template:\n    metadata:\n      labels: {{{labels}}}\n    spec:\n      containers:\n"
            f"      - name: {name}\n        image: example/{name}:1\n" + env + env_from + "---\n")


def _service(name: str, selector: str) -> str:
    return (f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector: {{{selector}}}\n"
            "  ports:\n  - port: 8080\n---\n")


def _deps(res) -> set[str]:
    return set(res.review.dependencies)


# ------------------------------------------------------------------ 1. a database's settings are no address book
def _bank(root: Path, with_code: bool) -> Path:
    env_from = "        envFrom:\n        - configMapRef: {name: ledger-db-config}\n        - configMapRef: {name: api-config}\n"
    files = {
        "k8s/config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ledger-db-config\ndata:\n"
                           "  POSTGRES_DB: ledger\n  SPRING_DATASOURCE_URL: jdbc:postgresql://ledger-db:5432/ledger\n"
                           "  SPRING_DATASOURCE_USERNAME: admin\n---\n"
                           "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api-config\ndata:\n"
                           "  BALANCES_API_ADDR: balancereader:8080\n  CONTACTS_API_ADDR: contacts:8080\n---\n",
        "k8s/apps.yaml": _deployment("ledgerwriter", "app: ledgerwriter", env_from=env_from)
                         + _service("ledgerwriter", "app: ledgerwriter")
                         + _deployment("balancereader", "app: balancereader", env_from=env_from)
                         + _service("balancereader", "app: balancereader")
                         + _deployment("contacts", "app: contacts") + _service("contacts", "app: contacts")
                         + _deployment("ledger-db", "app: ledger-db") + _service("ledger-db", "app: ledger-db"),
    }
    if with_code:
        files["src/ledgerwriter/src/main/java/LedgerWriterController.java"] = (
            'class LedgerWriterController {\n  @Value("http://${BALANCES_API_ADDR}/balances") String url;\n}\n')
        files["src/balancereader/src/main/java/BalanceReaderController.java"] = "class BalanceReaderController {}\n"
    return _write(root, files)


def test_a_configmap_naming_one_database_is_its_connection_settings_whatever_code_is_checked_out(tmp_path):
    """Bank of Anthos: ledgerwriter and balancereader take ledger-db-config whole (envFrom); it names one
    service, ledger-db, and Spring Boot reads SPRING_DATASOURCE_URL itself. Both calls stay, with or without
    the Java code in the checkout; the address book's entries the code never reads are still left out."""
    for with_code in (True, False):
        res = import_paths([_bank(tmp_path / f"bank-{with_code}", with_code)])
        deps = _deps(res)
        assert {"ledgerwriter->ledger-db", "balancereader->ledger-db"} <= deps, (with_code, deps)
        assert "ledgerwriter->balancereader" in deps
        if with_code:
            assert "ledgerwriter->contacts" not in deps
            assert any("ledgerwriter -> contacts: only ConfigMap api-config" in s for s in res.report.skipped)
        assert not any("ledger-db-config" in s for s in res.report.skipped)


def test_a_variable_the_framework_reads_keeps_its_call_even_from_an_address_book(tmp_path):
    """An address book (a ConfigMap naming several services) that also holds SPRING_DATASOURCE_URL: the
    service's code never names the variable, Spring Boot binds it: the call stays, and says why."""
    root = _write(tmp_path / "book", {
        "k8s/config.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata:\n"
                           "  SPRING_DATASOURCE_URL: jdbc:postgresql://orders-db:5432/orders\n"
                           "  CART_ADDR: cart:8080\n---\n",
        "k8s/apps.yaml": "".join(_deployment(n, f"app: {n}", env_from="        envFrom:\n        - configMapRef: "
                                                                        "{name: shared}\n") + _service(n, f"app: {n}")
                                 for n in ("orders", "shipping"))
                         + _deployment("cart", "app: cart") + _service("cart", "app: cart")
                         + _deployment("orders-db", "app: orders-db") + _service("orders-db", "app: orders-db"),
        "src/orders/src/main/java/Orders.java": "class Orders {}\n",
        "src/shipping/src/main/java/Shipping.java": "class Shipping {}\n",
    })
    res = import_paths([root])
    deps = _deps(res)
    assert {"orders->orders-db", "shipping->orders-db"} <= deps
    assert "orders->cart" not in deps and "shipping->cart" not in deps
    assert any("read by Spring Boot itself" in e for e in res.review.dependencies["orders->orders-db"].evidence)


# ------------------------------------------------------------------ 2. an address variable names a call only where set
def test_a_variable_read_in_code_names_a_call_only_for_the_deployments_that_set_it(tmp_path):
    """Bookinfo's ratings.js reads MONGO_DB_URL (and MYSQL_DB_HOST) in every version's code; only
    ratings-v2 sets MONGO_DB_URL, only ratings-v2-mysql MYSQL_DB_HOST; ratings-v1 sets neither."""
    env_mongo = "        env:\n        - name: MONGO_DB_URL\n          value: mongodb://mongodb:27017/test\n"
    env_mysql = "        env:\n        - name: MYSQL_DB_HOST\n          value: mysqldb\n"
    root = _write(tmp_path / "bi", {
        "kube/app.yaml": _service("ratings", "app: ratings")
                         + _deployment("ratings-v1", "app: ratings, version: v1")
                         + _deployment("ratings-v2", "app: ratings, version: v2", env=env_mongo)
                         + _deployment("ratings-v2-mysql", "app: ratings, version: v2-mysql", env=env_mysql)
                         + _deployment("mongodb-v1", "app: mongodb") + _service("mongodb", "app: mongodb")
                         + _deployment("mysqldb-v1", "app: mysqldb") + _service("mysqldb", "app: mysqldb"),
        "src/ratings/ratings.js": "if (process.env.SERVICE_VERSION === 'v2') {\n"
                                  "  if (process.env.DB_TYPE === 'mysql') {\n"
                                  "    var hostName = process.env.MYSQL_DB_HOST\n"
                                  "  } else {\n    var url = process.env.MONGO_DB_URL\n  }\n}\n",
    })
    res = import_paths([root])
    deps = _deps(res)
    assert {"ratings-v2->mongodb-v1", "ratings-v2-mysql->mysqldb-v1"} <= deps
    assert not deps & {"ratings-v1->mongodb-v1", "ratings-v1->mysqldb-v1", "ratings-v2->mysqldb-v1",
                       "ratings-v2-mysql->mongodb-v1"}, deps
    assert any("ratings-v1 -> mongodb-v1: ratings-v1's code reads MONGO_DB_URL, but its environment does not give "
               "it mongodb-v1's address" in s for s in res.report.skipped)
    # the deployments that set it keep the code's read as corroboration
    assert any("source reads MONGO_DB_URL" in e for e in res.review.dependencies["ratings-v2->mongodb-v1"].evidence)


# ------------------------------------------------------------------ 3/4. an example's routing; idle versions
def _bookinfo(root: Path, vs: str, dr: bool = True) -> Path:
    files = {
        "samples/bookinfo/platform/kube/bookinfo.yaml":
            _service("productpage", "app: productpage") + _deployment("productpage-v1", "app: productpage, version: v1")
            + _service("reviews", "app: reviews")
            + "".join(_deployment(f"reviews-{v}", f"app: reviews, version: {v}") for v in ("v1", "v2", "v3")),
        "samples/bookinfo/src/productpage/productpage.py": 'reviews = {"name": "http://reviews:9080"}\n',
        "samples/bookinfo/networking/bookinfo-gateway.yaml":
            "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: bookinfo-gateway\nspec:\n"
            "  selector: {istio: ingressgateway}\n  servers:\n  - port: {number: 8080, name: http, protocol: HTTP}\n"
            "    hosts: ['*']\n---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n"
            "  name: bookinfo\nspec:\n  hosts: ['*']\n  gateways: [bookinfo-gateway]\n  http:\n  - route:\n"
            "    - destination: {host: productpage, port: {number: 9080}}\n",
        "samples/bookinfo/networking/virtual-service.yaml": vs,
        # another example of the same samples folder: not bookinfo's
        "samples/httpbin/networking/httpbin-gateway.yaml":
            "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: httpbin\nspec:\n"
            "  hosts: ['*']\n  gateways: [httpbin-gateway]\n  http:\n  - route:\n    - destination: {host: httpbin}\n",
    }
    if dr:
        files["samples/bookinfo/networking/destination-rule-all.yaml"] = (
            "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\nspec:\n"
            "  host: reviews\n  subsets:\n" + "".join(f"  - name: {v}\n    labels: {{version: {v}}}\n"
                                                     for v in ("v1", "v2", "v3")))
    return _write(root, files)


def _vs(*routes: tuple[str, int | None]) -> str:
    out = ("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\nspec:\n"
           "  hosts: [reviews]\n  http:\n  - route:\n")
    for subset, weight in routes:
        out += f"    - destination: {{host: reviews, subset: {subset}}}\n" + (f"      weight: {weight}\n"
                                                                                  if weight is not None else "")
    return out


ALL_V1 = _vs(("v1", None))


def test_an_examples_routing_goes_with_its_deployment_whatever_the_starting_folder(tmp_path):
    """Bookinfo under samples/: imported from the checkout's top or from samples/bookinfo, its gateway's
    routing is read alike (productpage reached from outside), and another example's is not."""
    root = _bookinfo(tmp_path / "istio", ALL_V1)
    top = import_paths([root])
    sub = import_paths([root / "samples" / "bookinfo"])
    for res in (top, sub):
        assert res.review.components["productpage-v1"].user_facing
        assert not any("networking: not imported: in an example or test folder" in s and "bookinfo" in s
                       for s in res.report.skipped)
    assert any(s.startswith("samples/httpbin/networking") and "example or test folder" in s
               for s in top.report.skipped)
    assert set(top.review.dependencies) == set(sub.review.dependencies)
    assert set(top.review.groups) == set(sub.review.groups)


def test_versions_the_mesh_sends_no_traffic_to_are_no_redundancy(tmp_path):
    """virtual-service-all-v1: every call to reviews goes to subset v1 (a DestinationRule's labels): v2 and v3
    take none, so the group reviews goes, productpage calls reviews-v1, and the report says why."""
    res = import_paths([_bookinfo(tmp_path / "istio", ALL_V1) / "samples" / "bookinfo"])
    assert "reviews" not in res.review.groups
    assert "productpage-v1->reviews-v1" in res.review.dependencies
    assert not {"productpage-v1->reviews-v2", "productpage-v1->reviews-v3"} & set(res.review.dependencies)
    said = [r for r in res.report.read if "VirtualService reviews sends every call to Service reviews to subset v1" in r]
    assert said and "reviews-v2, reviews-v3 take no traffic, so they are no redundancy" in said[0]
    ev = next(i.evidence for i in res.report.components if i.element == "reviews-v2")
    assert any("takes no traffic" in e for e in ev)
    assert not any("VirtualService reviews: routing inside the mesh" in s for s in res.report.skipped)


def test_weights_split_across_versions_keep_them_as_members(tmp_path):
    """50/50 between v1 and v3, v2 weight 0: the group keeps v1 and v3."""
    res = import_paths([_bookinfo(tmp_path / "istio", _vs(("v1", 50), ("v3", 50), ("v2", 0))) / "samples" / "bookinfo"])
    assert res.review.groups["reviews"].members == ["reviews-v1", "reviews-v3"]
    assert "productpage-v1->reviews" in res.review.dependencies


def test_a_subset_no_destination_rule_defines_leaves_the_group_whole_and_says_so(tmp_path):
    res = import_paths([_bookinfo(tmp_path / "istio", ALL_V1, dr=False) / "samples" / "bookinfo"])
    assert sorted(res.review.groups["reviews"].members) == ["reviews-v1", "reviews-v2", "reviews-v3"]
    assert any("subset v1, which no DestinationRule in these files defines" in r for r in res.report.read)


def test_two_virtual_services_for_one_service_are_alternatives_the_group_stays(tmp_path):
    root = _bookinfo(tmp_path / "istio", ALL_V1)
    (root / "samples/bookinfo/networking/virtual-service-reviews-v3.yaml").write_text(_vs(("v3", None)).replace(
        "name: reviews\n", "name: reviews-v3-only\n", 1))
    res = import_paths([root / "samples" / "bookinfo"])
    assert sorted(res.review.groups["reviews"].members) == ["reviews-v1", "reviews-v2", "reviews-v3"]
    assert any("alternatives" in r and "Service reviews" in r for r in res.report.read)
