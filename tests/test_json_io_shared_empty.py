"""A review read from JSON shares one read-only empty list for its empty list fields (placement,
shared domains, tags, evidence): it reads, compares, copies and saves as ``[]`` does, and what
changes such a field (a re-import's flags) gives it a new list."""
from __future__ import annotations

import copy
import pickle

import pytest

from prr_app.importers.registry import import_paths
from prr_app.interchange.json_io import read_review_json, write_json
from prr_app.model.entities import NO_ITEMS, Component


def _read_back(review, path):
    write_json(review, path)
    return read_review_json(path)


def test_empty_list_fields_of_a_read_review_behave_as_empty_lists(tmp_path):
    src = tmp_path / "edges.csv"
    src.write_text("source,target,type\nweb,api,hard\n")
    review = import_paths([src]).review
    review.dependencies["web->api"].evidence = []
    read = _read_back(review, tmp_path / "r.json")
    web, dep = read.components["web"], read.dependencies["web->api"]
    for value in (web.placement, web.shared_domains, web.tags, dep.evidence):
        assert value == [] and isinstance(value, list) and not value and list(value) == []
    assert web == Component(id="web", name=web.name, kind=web.kind, source=web.source, user_facing=web.user_facing,
                            tier=web.tier, observability=web.observability)
    assert read == _read_back(read, tmp_path / "again.json")
    assert copy.deepcopy(read) == read and pickle.loads(pickle.dumps(read)) == read
    with pytest.raises(TypeError):
        web.tags.append("x")
    with pytest.raises(TypeError):
        dep.evidence.extend(["x"])
    web.tags += ["edge"]  # a new list
    assert web.tags == ["edge"] and read.components["api"].tags == [] and NO_ITEMS == []


def test_reimport_into_a_read_review_flags_what_disappeared(tmp_path):
    src = tmp_path / "edges.csv"
    src.write_text("source,target,type\nweb,api,hard\napi,db,hard\napi,cache,soft\n")
    review = import_paths([src]).review
    review.dependencies["api->cache"].evidence = []
    read = _read_back(review, tmp_path / "r.json")
    assert read.components["cache"].tags == [] and read.dependencies["api->cache"].evidence == []
    src.write_text("source,target,type\nweb,api,hard\napi,db,hard\n")
    new = import_paths([src], into=read).review
    assert "missing-from-source" in new.components["cache"].tags
    assert any(e.startswith("missing from source") for e in new.dependencies["api->cache"].evidence)
    assert all(c.tags == [] for k, c in new.components.items() if k != "cache")
    assert NO_ITEMS == [] and read.components["cache"].tags == []
