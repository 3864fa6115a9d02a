"""The fast dependency loader of the JSON import builds what ``Dependency(**d)`` builds."""
from __future__ import annotations

import dataclasses

from hypothesis import given, strategies as st

from prr_app.model.entities import Dependency
from prr_app.interchange import json_io


def test_the_positional_order_is_the_dataclass_order():
    assert json_io._DEPENDENCY_FIELDS == tuple(f.name for f in dataclasses.fields(Dependency))


_opt = st.none() | st.booleans()


@given(st.fixed_dictionaries(
    {"source": st.sampled_from(["a", "b"]), "target": st.sampled_from(["c", "d"])},
    optional={
        "kind": st.sampled_from(["hard", "soft", "async"]), "fallback": st.text(max_size=3),
        "timeout_ms": st.integers(0, 10), "retries": st.integers(0, 3), "backoff": st.booleans(),
        "retry_budget": st.booleans(), "circuit_breaker": st.booleans(), "description": st.text(max_size=3),
        "evidence": st.lists(st.text(max_size=3), max_size=2),
    }))
def test_fast_loader_builds_what_the_constructor_builds(d):
    out: dict = {}
    json_io._load_dependencies(out, [d], None)
    (key, dep), = out.items()
    ref = Dependency(**d)
    assert key == ref.id
    assert dep == ref
    assert list(dep.__dict__) == list(ref.__dict__)  # the export relies on the field order
