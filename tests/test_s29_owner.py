"""Session 29: a risk whose fix spans many components is no one component owner's.

Online Boutique's cluster SPOF (its fix changes all ten components) and its ``cascade:no-timeout``
(15 calls from 5 components) were charged to cart-team, "owner of cartservice", and the OTel demo's
docker-host SPOF to checkout-team, the owner of 1 of its 33 components: into the register, the CSV's
owner column and the per-team effort table. A risk's default owner is now the owner of the components
its fix changes when they all have that one owner, else none (docs/analysis.md, "Owners")."""
from __future__ import annotations

import csv
import io
import json

from prr_app.cli.main import main
from prr_app.interchange.json_io import write_json
from prr_app.model.entities import Component, Dependency, FailureDomain, Journey, Review, ReviewMeta


def _shop(owners: dict[str, str]) -> Review:
    """Three services and a store in one cluster, one instance each, no call with a timeout."""
    r = Review(meta=ReviewMeta(system_name="shop", tier=1))
    r.add(FailureDomain(id="cluster", kind="cluster"))
    kinds = {"web": "frontend", "cart": "service", "pay": "service", "db": "datastore"}
    for cid, kind in kinds.items():
        r.add(Component(cid, kind=kind, owner=owners.get(cid, ""), replicas=1, shared_domains=["cluster"],
                        user_facing=cid == "web"))
    for s, t in (("web", "cart"), ("web", "pay"), ("cart", "db")):
        r.add(Dependency(s, t))
    r.add(Journey("buy", name="Buy", entry=["web"], slo=99.0, critical=True))
    return r


def _analyze(review: Review, tmp_path, capsys) -> dict:
    path = tmp_path / "shop.json"
    write_json(review, path)
    assert main(["analyze", str(path), "--json"]) == 0
    return {r["id"]: r for r in json.loads(capsys.readouterr().out)["risks"]}


def test_a_domain_or_review_wide_fix_has_no_owner_when_its_components_have_several(tmp_path, capsys):
    risks = _analyze(_shop({"web": "web-team", "cart": "cart-team", "db": "cart-team", "pay": "pay-team"}),
                     tmp_path, capsys)
    cluster, calls = risks["spof:domain:cluster"], risks["cascade:no-timeout"]
    for r in (cluster, calls):
        assert (r["owner"], r["owner_source"]) == ("", ""), r["id"]  # not "cart-team (owner of cart)"
    assert "no owner: the fix spans 4 components (3 teams own 4 of them: cart-team, pay-team, web-team)" \
        in cluster["inputs"]
    assert any(i.startswith("no owner: the fix spans 2 components") for i in calls["inputs"])
    # a fix on one component keeps that component's owner
    assert (risks["spof:component:db"]["owner"], risks["spof:component:db"]["owner_source"]) == \
        ("cart-team", "owner of db")
    # the CSV's owner column and the report's per-team effort follow the register
    path = tmp_path / "shop.json"
    out = tmp_path / "r.csv"
    md = tmp_path / "r.md"
    assert main(["report", str(path), "--csv", str(out), "--markdown", str(md), "-o", str(tmp_path / "r.pdf")]) in (0, 1)
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(out.read_text()))}
    assert rows["spof:domain:cluster"]["owner"] == "" and rows["spof:domain:cluster"]["owner source"] == ""
    assert rows["cascade:no-timeout"]["owner"] == ""


def test_a_fix_whose_components_share_one_owner_is_that_owners(tmp_path, capsys):
    risks = _analyze(_shop({c: "shop-team" for c in ("web", "cart", "pay", "db")}), tmp_path, capsys)
    cluster = risks["spof:domain:cluster"]
    assert cluster["owner"] == "shop-team"
    assert cluster["owner_source"] == "owner of the 4 components its fix changes"
    calls = risks["cascade:no-timeout"]
    assert (calls["owner"], calls["owner_source"]) == ("shop-team", "owner of cart, web")
    # one component without an owner: not all of them share one, so nobody is named
    risks = _analyze(_shop({"web": "shop-team", "cart": "shop-team", "db": "shop-team"}), tmp_path, capsys)
    assert risks["spof:domain:cluster"]["owner"] == ""
    assert "no owner: the fix spans 4 components (1 team owns 3 of them: shop-team)" in \
        risks["spof:domain:cluster"]["inputs"]
