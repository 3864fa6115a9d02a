"""The compiled schema check used for valid templates agrees with jsonschema on every input."""
from __future__ import annotations

import copy

from hypothesis import given, settings, strategies as st

from prr_app.checklist import loader
from prr_app.checklist.template import _fast_validator, _validator, bundled_template_dir

BASE = loader.load_yaml_text((bundled_template_dir() / "launch-lite.yaml").read_text(encoding="utf-8"),
                             file="launch-lite.yaml")[0]

VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.text(max_size=6),
                   st.sampled_from(["blocker", "high", "review", "component", "x y", "1.0", ""]),
                   st.lists(st.integers(1, 3), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, prefix + (i,))


ALL = [p for p in _paths(BASE) if p]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(ALL), st.sampled_from(["set", "delete"]), VALUES), max_size=3))
def test_fast_and_full_checks_agree(edits):
    data = copy.deepcopy(BASE)
    for path, op, value in edits:
        node = data
        try:
            for k in path[:-1]:
                node = node[k]
            if op == "delete":
                del node[path[-1]]
            else:
                node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue
    full_ok = not list(_validator().iter_errors(data))
    assert _fast_validator().is_valid(data) == full_ok


def test_bundled_templates_are_valid_for_both():
    for p in sorted(bundled_template_dir().glob("*.yaml")):
        data = loader.load_yaml_text(p.read_text(encoding="utf-8"), file=p.name)[0]
        assert _fast_validator().is_valid(data) and not list(_validator().iter_errors(data)), p.name
