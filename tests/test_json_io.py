"""JSON interchange: schema, determinism, round trips, strict and precise errors."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, strategies as st

from prr_app.model.entities import (
    Acceptance, AnswerChange, ChecklistAnswer, Component, Dependency, FailureDomain, Journey,
    Mitigation, Observability, Position, RedundancyGroup, Review, Risk,
)
from prr_app.model.validation import validate
from prr_app.errors import PrrError
from prr_app.interchange.json_io import dumps, loads, review_from_dict, review_to_dict
from prr_app.persistence.store import create_store, open_store

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "review.schema.json").read_text())


def test_schema_is_valid_2020_12():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("name", ["webshop.json", "platform.json"])
def test_examples_validate_and_round_trip_through_prr(tmp_path, name):
    text = (ROOT / "resources" / "examples" / name).read_text(encoding="utf-8")
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(json.loads(text))
    review = loads(text)
    assert dumps(review) == text  # the examples are stored in canonical form
    path = tmp_path / "x.prr"
    create_store(path, review).close()
    with open_store(path) as s:
        again = dumps(s.load())
    assert again == text


def _base():
    return json.loads((ROOT / "resources" / "examples" / "webshop.json").read_text())


def _error(doc) -> PrrError:
    with pytest.raises(PrrError) as info:
        review_from_dict(doc, file="in.json")
    return info.value


def test_wrong_type_names_the_json_path():
    doc = _base()
    doc["components"][3]["replicas"] = "three"
    err = _error(doc)
    cid = doc["components"][3]["id"]  # a wrong value is named by its element, as the model's rules do
    assert err.location == f"$.components[{cid}].replicas"
    assert f"in.json: $.components[{cid}].replicas:" in str(err)


def test_unknown_dependency_target():
    doc = _base()
    doc["dependencies"].append({"source": "storefront", "target": "nowhere", "kind": "hard"})
    err = _error(doc)
    assert "unknown component or redundancy group 'nowhere'" in str(err)
    assert err.location == "$.dependencies[storefront->nowhere].target"


@pytest.mark.parametrize("where", ["components", "failure_domains", "journeys"])
def test_duplicate_ids(where):
    doc = _base()
    doc[where].append(copy.deepcopy(doc[where][0]))
    err = _error(doc)
    assert "duplicate" in str(err) and err.location == f"$.{where}[{len(doc[where]) - 1}].id"


def test_component_and_group_ids_share_one_namespace():
    doc = _base()
    doc["redundancy_groups"].append({"id": "cart-db", "members": ["cart-db"], "min_up": 1})
    assert "already used by component" in str(_error(doc))


def test_domain_cycle():
    doc = _base()
    for d in doc["failure_domains"]:
        if d["id"] == "aws":
            d["parent"] = "euw1-a"
    err = _error(doc)
    assert "cycle" in str(err) and "aws" in str(err)


def test_duplicate_dependency():
    doc = _base()
    doc["dependencies"].append(copy.deepcopy(doc["dependencies"][0]))
    assert "duplicate dependency" in str(_error(doc))


@pytest.mark.parametrize(
    "text, expect",
    [
        ('{"format": "prr-review", "version": 1, "components": [', "line 1 column"),
        ('{"format": "prr-review", "format": "x"}', "duplicate key 'format'"),
        ('{"format": "prr-review", "version": 1, "components": [{"id": "a", "availability": NaN}], "dependencies": []}', "NaN"),
        ('[' * 100000 + ']' * 100000, "nested too deeply"),
        ('{"format": "something-else"}', "not a PRR review"),
        ('{"format": "prr-review", "version": 99, "components": [], "dependencies": []}', "newer PRR Workbench"),
        ('{"format": "prr-review", "version": 1, "components": []}', "dependencies"),
    ],
)
def test_strict_parsing(text, expect):
    with pytest.raises(PrrError, match=expect):
        loads(text, file="in.json")


def test_semantic_rules_have_precise_messages(webshop):
    webshop.components["cart-db"].min_healthy = 3
    webshop.components["cart-db"].replicas = 2
    webshop.risks["r"] = Risk("r", title="x", likelihood=2, impact=2, override_impact=4)
    webshop.answers["x"] = ChecklistAnswer("x", "not_applicable")
    msgs = {str(p) for p in validate(webshop)}
    assert "$.components[cart-db].min_healthy: needs 3 healthy instances but has only 2 replicas" in msgs
    assert "$.risks[r].override_reason: overriding a score needs a written reason" in msgs
    assert "$.checklist.answers[x].reason: 'not applicable' needs a reason" in msgs


def test_hostile_text_survives_verbatim(tmp_path, webshop):
    hostile = '<b>&amp;</b> <a href="javascript:alert(1)">x</a> \u202e "quotes" \\ \x07 Ωμέγα Привет 你好'
    webshop.components["storefront"].notes = hostile
    webshop.meta.system_name = hostile[:150]
    path = tmp_path / "h.prr"
    create_store(path, webshop).close()
    with open_store(path) as s:
        r = s.load()
    assert r.components["storefront"].notes == hostile
    assert loads(dumps(r)).components["storefront"].notes == hostile


# ---------------------------------------------------------- property test
ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=1, max_size=8).filter(lambda s: s[0] not in "-")
texts = st.text(max_size=30)
opt_bool = st.none() | st.booleans()
pct = st.none() | st.floats(min_value=0.5, max_value=100, allow_nan=False) | st.integers(1, 100)


@st.composite
def reviews(draw):
    r = Review()
    r.meta.system_name = draw(texts.filter(lambda s: s.strip())) if draw(st.booleans()) else "S"
    r.meta.reviewers = draw(st.lists(texts.filter(lambda s: s.strip()), max_size=3))
    names = draw(st.lists(ids, min_size=1, max_size=8, unique=True))
    dom_ids = [f"d-{n}" for n in draw(st.lists(ids, max_size=4, unique=True))]
    for i, d in enumerate(dom_ids):
        parent = dom_ids[i - 1] if i and draw(st.booleans()) else None
        r.domains[d] = FailureDomain(d, draw(texts), draw(st.sampled_from(["zone", "region", "cluster"])), parent,
                                     draw(pct))
    for n in names:
        reps = draw(st.none() | st.integers(1, 5))
        c = Component(n, draw(texts), draw(st.sampled_from(["service", "datastore", "queue"])), replicas=reps,
                      min_healthy=draw(st.none() | st.integers(1, reps or 1)),
                      placement=draw(st.lists(st.sampled_from(dom_ids), max_size=3)) if dom_ids else [],
                      availability=draw(pct), tags=draw(st.lists(ids, max_size=2, unique=True)),
                      user_facing=draw(st.booleans()), notes=draw(texts),
                      observability=Observability(metrics=draw(opt_bool), runbook=draw(opt_bool)))
        r.components[n] = c
    gids = []
    if len(names) >= 2 and draw(st.booleans()):
        g = "g-" + names[0]
        r.groups[g] = RedundancyGroup(g, members=names[:2], min_up=draw(st.integers(1, 2)))
        gids.append(g)
    for s in names:
        for t in draw(st.lists(st.sampled_from(names + gids), max_size=3, unique=True)):
            if t != s:
                # a member of a group calls it only asynchronously (model/validation.py: one that needs the
                # group up cannot be in it)
                member = t in r.groups and s in r.groups[t].members
                d = Dependency(s, t, draw(st.sampled_from(["async"] if member else ["hard", "soft", "async"])),
                               fallback=draw(st.none() | texts), timeout_ms=draw(st.none() | st.integers(0, 10**6)),
                               backoff=draw(opt_bool), evidence=draw(st.lists(texts, max_size=2)))
                r.dependencies[d.id] = d
    r.journeys["journey-1"] = Journey("journey-1", "J", [names[0]], slo=draw(st.none() | st.floats(90, 99.99)))
    r.answers["a.b"] = ChecklistAnswer("a.b", "met", history=[AnswerChange("2026-01-02T03:04:05+00:00", "me", "met")])
    r.risks["r1"] = Risk("r1", title="t", likelihood=2, impact=5, components=[names[0]],
                         acceptance=Acceptance("x", "2026-01-01", "because") if draw(st.booleans()) else None)
    r.mitigations["m1"] = Mitigation("m1", "fix", risks=["r1"])
    if draw(st.booleans()):
        r.layout[names[0]] = Position(draw(st.floats(-1e6, 1e6)), draw(st.floats(-1e6, 1e6)))
    return r


@given(reviews())
def test_any_valid_review_round_trips_byte_identically(tmp_path_factory, review):
    assert validate(review) == []
    text = dumps(review)
    again = loads(text)
    assert dumps(again) == text
    path = tmp_path_factory.mktemp("rt") / "r.prr"
    create_store(path, again).close()
    with open_store(path) as s:
        assert dumps(s.load()) == text


def test_example_in_file_format_doc_is_a_valid_review():
    """docs/file-format.md shows a complete review; it must import as written."""
    doc = (Path(__file__).parent.parent / "docs" / "file-format.md").read_text(encoding="utf-8")
    block = doc.split("```json\n", 1)[1].split("```", 1)[0]
    review = loads(block, file="docs/file-format.md")
    assert review.groups["db"].members == ["db-1", "db-2"]
    assert review.dependencies["web->recs"].fallback == "show best sellers"
    assert review.mitigations["second-psp"].risks == ["vendor-contract"]


def test_a_duplicate_key_or_a_huge_integer_is_refused_with_its_place(tmp_path):
    """The parser's hooks refuse them without knowing where they are; the message names the line and
    column anyway (it said only "duplicate key 'replicas'")."""
    from prr_app.model.json_values import JSONValueError, loads

    text = '{\n  "components": [\n    {"id": "a", "replicas": 1},\n    {"id": "b",\n     "replicas": 1,\n     "replicas": 3}\n  ]\n}'
    with pytest.raises(JSONValueError) as e:
        loads(text)
    assert "duplicate key 'replicas'" in str(e.value) and (e.value.lineno, e.value.colno) == (6, 6)
    text = '{"a": 1,\n "b": [1, 2,\n   100000000000000000000000000000]}'
    with pytest.raises(JSONValueError) as e:
        loads(text)
    assert "does not fit in 64 bits" in str(e.value) and (e.value.lineno, e.value.colno) == (3, 4)
