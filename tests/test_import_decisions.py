"""review.importing.decide: the reviewer's decisions on inferred dependencies, applied to the review an
import made, in any order, against a plain oracle (the last decision on each wins)."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from prr_app.errors import PrrError
from prr_app.model.validation import validate
from prr_app.review.importing import decide, import_review, inferred_of

REPO = {
    "docker-compose.yml": "services:\n  web: {image: x/web, build: ./web}\n  api: {image: x/api, build: ./api}\n"
                          "  db: {image: 'postgres:16'}\n  mail: {image: x/mail}\n",
    "web/app.py": 'API = "http://api:8080/v1"\nMAIL = "mail:25"\n',
    "api/settings.yml": "db:\n  host: db\n",
    "api/client.go": 'const mailer = "http://mail:25"\n',
}


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    root = tmp_path_factory.mktemp("repo")
    for rel, text in REPO.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return import_review([root]).review


def test_what_can_be_decided(imported):
    _rec, items = inferred_of(imported)
    assert {i["id"] for i in items} == {"web->api", "web->mail", "api->db", "api->mail"}
    with pytest.raises(PrrError, match="not a dependency the import inferred"):
        decide(imported, {"web->db": "rejected"})
    with pytest.raises(PrrError, match="not a decision"):
        decide(imported, {"web->api": "maybe"})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(["web->api", "web->mail", "api->db", "api->mail"]),
                                st.sampled_from(["accepted", "rejected", ""])), max_size=12))
def test_decisions_in_any_order_match_the_oracle(imported, steps):
    review = imported
    last: dict[str, str] = {}
    for did, d in steps:
        review, _said = decide(review, {did: d})
        last[did] = d
    # oracle: every inferred dependency is in the review unless its last decision rejected it
    expected = {did for did in imported.dependencies if last.get(did) != "rejected"}
    assert set(review.dependencies) == expected
    _rec, items = inferred_of(review)
    assert {i["id"]: (i.get("decision") or "") for i in items} == {d: last.get(d, "") for d in
                                                                   ("web->api", "web->mail", "api->db", "api->mail")}
    assert validate(review) == []
    assert set(imported.dependencies) == {"web->api", "web->mail", "api->db", "api->mail"}  # the input is kept
