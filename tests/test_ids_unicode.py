"""Names in every script keep distinct ids (QA W4-9): no "item" for Chinese, no merged
Cyrillic services, no "deme" for "ödeme"; two names that still make one id are told apart
(-2) and the import report says so; the whole round trip keeps the ids."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from prr_app.errors import PrrError
from prr_app.importers.registry import import_paths
from prr_app.interchange.json_io import dumps, loads
from prr_app.model.validation import is_valid_id, make_id


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_make_id_keeps_letters_and_digits_of_every_script():
    assert make_id("前端") == "前端"
    assert make_id("ödeme") == "ödeme"
    assert make_id("o\u0308deme") == "ödeme"  # decomposed input: the composed id
    assert make_id("भुगतान सेवा") == "भुगतान-सेवा"  # Devanagari vowel signs are marks, kept
    assert make_id("Cart DB (primary)") == "Cart-DB-primary"
    assert make_id("!!!") == "item"
    for s in ("前端", "ödeme", "корзина", "١٢٣", "a:b/c+d.e-f", "_x"):
        assert is_valid_id(s), s
    for s in ("a b", "-x", "x->y", "o\u0308deme", "", "x\u200by", "a;b", "x" * 201):
        assert not is_valid_id(s), s


def test_chinese_csv_imports_with_its_names(tmp_path):
    res = import_paths([write(tmp_path / "zh.csv", "source,target\n前端,订单\n订单,支付\n")])
    r = res.review
    assert set(r.components) == {"前端", "订单", "支付"}
    assert {(d.source, d.target) for d in r.dependencies.values()} == {("前端", "订单"), ("订单", "支付")}


def test_a_self_loop_is_only_the_same_name(tmp_path):
    # a row that calls itself is skipped and listed (as the trace importers do), never the file refused
    res = import_paths([write(tmp_path / "c.csv", "source,target\nэкран,экран\nэкран,экрaн\n")])  # 2nd: Latin a
    assert any(s.endswith("c.csv:2: экран calls itself") for s in res.report.skipped)
    assert set(res.review.components) == {"экран", "экрaн"}


def test_names_that_make_one_id_are_told_apart_and_reported(tmp_path):
    # "Cart DB" and "Cart-DB" differ only by a space and a hyphen: one component in an edge list
    res = import_paths([write(tmp_path / "c.csv",
                              "source,target\nCart DB,web\nCart (DB),web\nödeme,db\nodeme,db\n")])
    r = res.review
    assert {c.name: c.id for c in r.components.values()} == {
        "Cart DB": "Cart-DB", "Cart (DB)": "Cart-DB-2", "web": "web", "ödeme": "ödeme", "odeme": "odeme", "db": "db"}
    assert len(r.dependencies) == 4
    assert any("'Cart DB' and 'Cart (DB)' both make the id 'Cart-DB'" in w and "'Cart-DB-2'" in w
               for w in res.report.warnings)


def test_compose_with_cyrillic_services_keeps_both_and_the_dependency(tmp_path):
    f = write(tmp_path / "compose.yaml", "services:\n  корзина:\n    image: x\n    environment:\n"
              "      DB: бд:5432\n  бд:\n    image: postgres\n")
    r = import_paths([f]).review
    assert set(r.components) == {"корзина", "бд"}
    assert [(d.source, d.target) for d in r.dependencies.values()] == [("корзина", "бд")]
    assert r.components["бд"].kind == "datastore"


def test_kubernetes_backstage_and_structurizr_with_non_latin_names(tmp_path):
    k8s = write(tmp_path / "k8s.yaml", """apiVersion: apps/v1
kind: Deployment
metadata: {name: корзина}
spec:
  selector: {matchLabels: {app: корзина}}
  template:
    metadata: {labels: {app: корзина}}
    spec:
      containers: [{name: c, image: shop/cart, env: [{name: DB_HOST, value: бд}]}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: бд}
spec:
  selector: {matchLabels: {app: бд}}
  template:
    metadata: {labels: {app: бд}}
    spec:
      containers: [{name: p, image: "postgres:16"}]
---
apiVersion: v1
kind: Service
metadata: {name: бд}
spec: {selector: {app: бд}, ports: [{port: 5432}]}
""")
    r = import_paths([k8s]).review
    assert set(r.components) == {"корзина", "бд"}
    assert {(d.source, d.target) for d in r.dependencies.values()} == {("корзина", "бд")}

    (tmp_path / "bs").mkdir()
    cat = write(tmp_path / "bs" / "catalog-info.yaml", """apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: 前端}
spec: {type: service, owner: t, dependsOn: ["component:订单"]}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: 订单}
spec: {type: service, owner: t, dependsOn: ["resource:ödeme-db"]}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: ödeme-db}
spec: {type: database, owner: t}
""")
    r = import_paths([cat]).review
    assert set(r.components) == {"component:前端", "component:订单", "resource:ödeme-db"}
    assert len(r.dependencies) == 2

    dsl = write(tmp_path / "workspace.dsl", """workspace {
  model {
    s = softwareSystem "Магазин" {
      web = container "Витрина" "" "Go"
      db = container "База данных" "" "PostgreSQL" "Database"
      db2 = container "база данных" "" "PostgreSQL" "Database"
    }
    web -> db "reads"
    web -> db2 "reads"
  }
}
""")
    res = import_paths([dsl])
    assert set(res.review.components) == {"витрина", "база-данных", "магазин-база-данных"}
    assert len(res.review.dependencies) == 2
    assert any("'база данных' became 'магазин-база-данных'" in w for w in res.report.warnings)


def test_round_trip_import_analyze_report_export_import(tmp_path):
    from prr_app.persistence.store import create_store, open_store
    from prr_app.review import exports
    from prr_app.review.assess import assess

    r = import_paths([write(tmp_path / "zh.csv", "source,target\n前端,订单\n订单,ödeme\n")]).review
    p = tmp_path / "zh.prr"
    create_store(p, r).close()
    with open_store(p) as s:
        back = s.load()
    assert set(back.components) == {"前端", "订单", "ödeme"}
    result = assess(back)
    assert "spof:component:订单" in {x["id"] for x in result.risks}
    for fmt, name in (("json", "zh.json"), ("csv", "zh.csv.out"), ("markdown", "zh.md"), ("pdf", "zh.pdf")):
        exports.export(back, fmt, str(tmp_path / name))
    assert "订单" in (tmp_path / "zh.md").read_text(encoding="utf-8")
    assert "spof:component:订单" in (tmp_path / "zh.csv.out").read_text(encoding="utf-8-sig")
    text = (tmp_path / "zh.json").read_text(encoding="utf-8")
    again = loads(text)  # the schema and the rules accept the ids
    assert dumps(again) == text
    assert set(json.loads(text)["components"][i]["id"] for i in range(3)) == {"前端", "订单", "ödeme"}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters=',"'),
                        min_size=1, max_size=12).filter(lambda t: t.strip() and not t.lstrip().startswith("#")),
                min_size=2, max_size=8))
def test_distinct_names_always_get_distinct_valid_ids(tmp_path_factory, names):
    """Oracle: two names of an edge list are one component exactly when they are the same text once
    cleaned (NFKC, zero-width characters out, stripped) and compared without case, white space, hyphens
    and underscores; every id is valid."""
    tmp = tmp_path_factory.mktemp("p")
    zero_width = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))

    def key(n: str) -> str:
        clean = unicodedata.normalize("NFKC", n.translate(zero_width)).strip()
        loose = "".join(ch for ch in clean if not ch.isspace() and ch not in "-_\u2010\u2011").casefold()
        return loose or clean

    keys = [key(n) for n in names]
    if not all(keys) or any(k.startswith("#") for k in keys):
        return  # a name of invisible characters only is an empty name (an error); '#' starts a comment
    rows = "".join(f"{a},{b}\n" for a, b in zip(names, names[1:]))
    named = {k for a, b in zip(keys, keys[1:]) if a != b for k in (a, b)}  # a row that calls itself is skipped
    if not named:  # every row calls itself: no edge, refused as an empty DOT graph is
        with pytest.raises(PrrError, match="no edges"):
            import_paths([write(tmp / "n.csv", "source,target\n" + rows)])
        return
    r = import_paths([write(tmp / "n.csv", "source,target\n" + rows)]).review
    assert len(r.components) == len(named)
    assert all(is_valid_id(c) for c in r.components)
    assert {key(c.name) for c in r.components.values()} == named


def test_two_names_making_one_id_on_one_csv_row_become_two_components(tmp_path):
    # hypothesis found it: ':' and ';' both make one id; the row's second end took the id the
    # first had just been given (not yet a component) and the import said "':' cannot depend on itself"
    res = import_paths([write(tmp_path / "n.csv", "source,target\n:,;\n")])
    r = res.review
    assert len(r.components) == 2 and len(r.dependencies) == 1
    assert any("both make the id" in w for w in res.report.warnings)
