"""``prr set``, ``prr add`` and ``prr delete``: what the app's inspector, Add actions and Delete do,
headless. Before, the command line could not tag a hub, state an SLO, an owner, a replica count or a
journey: a reviewer had to export the review to JSON, edit it by hand and import it back."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.review.document import load_review

EXAMPLE = Path(__file__).resolve().parent.parent / "resources" / "examples" / "webshop.json"


@pytest.fixture(params=["json", "prr"])
def shop(request, tmp_path):
    src = tmp_path / "w.json"
    shutil.copy(EXAMPLE, src)
    if request.param == "json":
        return src
    out = tmp_path / "w.prr"
    assert main(["import", str(src), "-o", str(out), "--quiet"]) == 0
    return out


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def test_set_fields_of_a_component_and_the_review(capsys, shop):
    code, out, err = run(capsys, "set", shop, "catalog-svc", "slo=99.9", "tags+=telemetry", "replicas=3",
                         "observability.alerts=false", "owner=")
    assert code == 0, err
    assert "component catalog-svc: slo (not stated) -> 99.9" in out
    assert "component catalog-svc: replicas 2 -> 3" in out
    c = load_review(shop).components["catalog-svc"]
    assert (c.slo, c.replicas, c.tags, c.observability.alerts, c.owner) == (99.9, 3, ["telemetry"], False, "")
    code, out, err = run(capsys, "set", shop, "catalog-svc", "tags-=telemetry")
    assert code == 0 and load_review(shop).components["catalog-svc"].tags == []
    code, out, err = run(capsys, "set", shop, "review", "tier=1", "target_launch=2027-01-10")
    assert code == 0, err
    meta = load_review(shop).meta
    assert (meta.tier, meta.target_launch) == (1, "2027-01-10")


def test_a_call_made_soft_with_a_fallback_changes_the_analysis(capsys, shop):
    code, out, _ = run(capsys, "analyze", shop, "--json")
    before = {s["element"] for s in __import__("json").loads(out)["spofs"]}
    dep = next(d for d in load_review(shop).dependencies.values() if d.kind == "hard" and d.target in before)
    code, out, err = run(capsys, "set", shop, dep.id, "kind=soft", "fallback=serve a cached page")
    assert code == 0, err
    d = load_review(shop).dependencies[dep.id]
    assert (d.kind, d.fallback) == ("soft", "serve a cached page")


@pytest.mark.parametrize("words, said", [
    (["catalog-svc", "slo=abc"], "component catalog-svc: slo: 'abc' is not a number"),
    (["catalog-svc", "slo=150"], "slo: 150.0 is too large"),
    (["catalog-svc", "replicas=0"], "replicas: 0 is too small"),
    (["catalog-svc", "kind=banana"], "'banana' is not one of"),
    (["catalog-svc", "nope=1"], "no field 'nope'"),
    (["catalog-svc", "id=other"], "id says which element it is"),
    (["catalog-svc", "tags-=absent"], "tags: absent not in it"),
    (["catalog-svc", "slo"], "expected FIELD=VALUE"),
    (["nowhere", "slo=99"], "no component, dependency, group, domain or journey 'nowhere'"),
    (["review", "target_launch=2027-13-01"], "not a date"),
])
def test_a_refused_value_is_one_line_and_changes_nothing(capsys, shop, words, said):
    before = shop.read_bytes()
    code, out, err = run(capsys, "set", shop, *words)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and said in err and str(shop) in err and "Traceback" not in err
    assert shop.read_bytes() == before


def test_add_and_delete(capsys, shop):
    code, out, err = run(capsys, "add", shop, "component", "cache", "kind=cache", "replicas=2")
    assert code == 0, err
    code, out, err = run(capsys, "add", shop, "dependency", "catalog-svc->cache", "kind=soft", "fallback=stale")
    assert code == 0, err
    code, out, err = run(capsys, "add", shop, "journey", "browse-cache", "entry=catalog-svc", "slo=99.5")
    assert code == 0, err
    r = load_review(shop)
    assert r.components["cache"].replicas == 2 and r.dependencies["catalog-svc->cache"].fallback == "stale"
    assert r.journeys["browse-cache"].entry == ["catalog-svc"] and r.journeys["browse-cache"].slo == 99.5
    before = shop.read_bytes()
    code, out, err = run(capsys, "add", shop, "dependency", "catalog-svc->nowhere")
    assert code == 2 and "unknown component or redundancy group 'nowhere'" in err and shop.read_bytes() == before
    code, out, err = run(capsys, "add", shop, "component", "cache")
    assert code == 2 and "already in the review" in err
    code, out, err = run(capsys, "delete", shop, "cache")
    assert code == 0, err
    assert "1 call on cache goes with it: catalog-svc->cache" in out
    r = load_review(shop)
    assert "cache" not in r.components and "catalog-svc->cache" not in r.dependencies


def test_output_elsewhere_leaves_the_review(capsys, shop, tmp_path):
    before = shop.read_bytes()
    out_file = tmp_path / ("copy" + shop.suffix)
    code, out, err = run(capsys, "set", shop, "catalog-svc", "slo=99.9", "-o", out_file)
    assert code == 0, err
    assert shop.read_bytes() == before and load_review(out_file).components["catalog-svc"].slo == 99.9


@pytest.mark.parametrize("words, said", [
    (["storefront->catalog-svc", "fallback=none"], "fallback: 'none' would state a fallback"),
    (["storefront->catalog-svc", "fallback=N/A"], "fallback: 'N/A' would state a fallback"),
    (["review", "tier=0"], "review: tier: 0 is too small"),
    (["review", "checklist_template=launch-lite"], "set by prr checklist-use"),
    (["catalog-svc", "placement=nowhere"], "placement: unknown failure domain 'nowhere'"),
])
def test_more_refusals_name_the_field(capsys, shop, words, said):
    before = shop.read_bytes()
    code, out, err = run(capsys, "set", shop, *words)
    assert code == 2 and said in err and "$." not in err and shop.read_bytes() == before, err


def test_spaces_around_the_arrow_and_a_no_change(capsys, shop):
    code, out, err = run(capsys, "set", shop, "storefront -> catalog-svc", "kind=soft")
    assert code == 0, err
    assert load_review(shop).dependencies["storefront->catalog-svc"].kind == "soft"
    code, out, err = run(capsys, "set", shop, "storefront->catalog-svc", "kind=soft")
    assert code == 0 and "no change: the review already says so" in out and "wrote" not in out
    code, out, err = run(capsys, "delete", shop, "storefront -> catalog-svc", "storefront->catalog-svc")
    assert code == 0 and out.startswith("deleted storefront->catalog-svc\n"), out


def test_the_inspector_refuses_none_as_a_fallback():
    from prr_app.ui.inspector import FIELDS, Invalid, parse

    field = next(f for f in FIELDS["dependencies"] if f.attr == "fallback")
    for word in ("none", "None", "n/a", "no"):
        with pytest.raises(Invalid, match="would state a fallback"):
            parse(field, word)
    assert parse(field, "") is None and parse(field, "serve a cached page") == "serve a cached page"


def test_the_resilience_policy(capsys, shop):
    code, out, err = run(capsys, "set", shop, "policy", "survive+=region", "rto_minutes.zone=30")
    assert code == 0, err
    pol = load_review(shop).policy
    assert "region" in pol.survive and pol.rto_minutes == {"zone": 30}
    code, out, err = run(capsys, "set", shop, "policy", "rto_minutes.zone=")
    assert code == 0 and load_review(shop).policy.rto_minutes == {}
    before = shop.read_bytes()
    code, out, err = run(capsys, "set", shop, "policy", "survive+=banana")
    assert code == 2 and "unknown disruption type 'banana'" in err and shop.read_bytes() == before
