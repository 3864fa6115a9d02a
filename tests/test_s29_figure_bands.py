"""A band of boxes with no placement says the domain most of them share when not all do (a Compose
import's host, a vendor's service aside): it said "no placement stated" though 33 of 34 components
ran on the one Docker host."""
from __future__ import annotations

from prr_app.layout import compute_layout
from prr_app.model.entities import Component, Dependency, FailureDomain, Review


def _review(n_on_host: int, external: bool):
    r = Review()
    r.add(FailureDomain(id="docker-host", kind="host", name="Docker host"))
    for i in range(n_on_host):
        r.add(Component(id=f"s{i}", shared_domains=["docker-host"]))
    if external:
        r.add(Component(id="vendor-api", kind="external_api"))
        r.add(Dependency("s0", "vendor-api"))
    for i in range(1, n_on_host):
        r.add(Dependency(f"s{i - 1}", f"s{i}"))
    return r


def test_a_band_most_boxes_share_names_the_domain():
    lay = compute_layout(_review(3, external=True))
    band = next(x for x in lay.regions if x.kind == "unplaced")
    assert band.label == "no zone stated; Docker host (host) shared by 3 of the 4 boxes here"


def test_a_band_every_box_shares_is_the_domain_and_none_says_no_placement():
    assert "shared by every box here" in next(x for x in compute_layout(_review(3, False)).regions
                                              if x.kind == "unplaced").label
    r = Review()
    r.add(Component(id="a"))
    r.add(Component(id="b"))
    r.add(Dependency("a", "b"))
    assert all(x.label == "no placement stated" for x in compute_layout(r).regions if x.kind == "unplaced")
