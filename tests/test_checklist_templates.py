"""Template files: malformed input gives file and line; YAML traps; Markdown import; writing."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from prr_app.checklist import load_template, read_template_file, templates, write_template
from prr_app.checklist.loader import dump_yaml, load_json_text, load_yaml_text
from prr_app.checklist.markdown import parse_markdown
from prr_app.errors import PrrError
from prr_app.paths import resource_path

GOOD = """\
format: prr-checklist
id: team-x
version: '1.2'
title: Team X checklist
categories:
  - id: ops
    title: Operations
    items:
      - id: ops.runbook
        question: There is a runbook for every page.
        severity: high
      - id: ops.backups
        question: A restore of {name} was tested this quarter.
        severity: blocker
        tiers: [1]
        scope: {per: component, kinds: [datastore]}
"""


@pytest.fixture(autouse=True)
def _own_template_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("PRR_CHECKLIST_DIR", str(tmp_path / "user-templates"))


def _write(tmp_path, text, name="t.yaml"):
    p = tmp_path / name
    p.write_text(text)
    return p


def _err(tmp_path, text, name="t.yaml") -> str:
    p = _write(tmp_path, text, name)
    with pytest.raises(PrrError) as e:
        read_template_file(p)
    msg = str(e.value)
    assert msg.startswith(str(p) + ": "), msg
    assert "\n" not in msg
    return msg


def test_good_template_loads(tmp_path):
    t = read_template_file(_write(tmp_path, GOOD))
    assert (t.id, t.version, len(t.items)) == ("team-x", "1.2", 2)
    assert t.item("ops.backups").scope.kinds == ("datastore",) and t.item("ops.backups").tiers == (1,)
    assert t.item("ops.runbook").tiers == (1, 2, 3)


@pytest.mark.parametrize("bad, expect", [
    (GOOD.replace("severity: high", "severity: urgent"), r"line 11 .*severity\): 'urgent' is not one of blocker"),
    (GOOD.replace("version: '1.2'", "version: 1.10"), r"line 3 .*got the number 1.1; quote it"),
    (GOOD.replace("      - id: ops.backups", "      - id: ops.runbook"), r"line 12 .*item id 'ops.runbook' is used twice \(first on line 9\)"),
    (GOOD.replace("    title: Operations\n", "    title: Operations\n    title: Again\n"), r"line 8, column 5: .*duplicate key 'title' \(first on line 7\)"),
    (GOOD.replace("question: There is a runbook", "question: [There is a runbook"), r"line 1[01], column \d+: not valid YAML"),
    (GOOD.replace("        severity: high\n", ""), r"line 9 .*'severity' is missing"),
    (GOOD.replace("        severity: high\n", "        severity: high\n        weight: 3\n"), r"line 12 .*unknown field 'weight'"),
    (GOOD.replace("{name}", "{component}"), r"line 13 .*unknown placeholder \{component\}"),
    (GOOD.replace("kinds: [datastore]", "kinds: [database]"), r"line 1[67] .*scope must be 'review'|database"),
    (GOOD.replace("tiers: [1]", "tiers: [4]"), r"line 15 .*4 is not one of 1, 2, 3"),
    (GOOD + "      - id: ops.again\n        question: 'There is a RUNBOOK for every page!'\n        severity: low\n",
     r"line 18 .*'ops.again' asks the same question as an earlier item \(line 9\)"),
    (GOOD.replace("id: team-x", "id: Team X"), r"line 2 .*not a valid id"),
    (GOOD.replace("format: prr-checklist", "format: other"), r"line 1 .*should be 'prr-checklist'"),
    ("- just\n- a list\n", r"line 1: a checklist template must be a mapping"),
    ("", r"the file is empty"),
    (GOOD.replace("id: ops.runbook", "id: !!python/object/apply:os.system ['true']"), r"line 9, column \d+: .*not allowed"),
])
def test_malformed_templates_name_file_and_line(tmp_path, bad, expect):
    import re

    msg = _err(tmp_path, bad)
    assert re.search(expect, msg), msg


def test_norway_and_friends_stay_text(tmp_path):
    data, _ = load_yaml_text("a: no\nb: NO\nc: yes\nd: off\ne: 12:30\nf: 2026-01-02\ng: 0o17\nh: true\ni: 1e3\n")
    assert data == {"a": "no", "b": "NO", "c": "yes", "d": "off", "e": "12:30", "f": "2026-01-02", "g": "0o17",
                    "h": True, "i": 1000.0}


def test_alias_bomb_and_deep_nesting_are_refused(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 9) + "]")
    msg = _err(tmp_path, "\n".join(lines) + "\n")
    assert "expands to more than" in msg
    msg = _err(tmp_path, "a: " + "[" * 3000 + "]" * 3000 + "\n")
    assert "nested" in msg


def test_json_templates_with_lines(tmp_path):
    import json

    data, lines = load_yaml_text(GOOD)
    text = json.dumps(data, indent=2)
    t = read_template_file(_write(tmp_path, text, "t.json"))
    assert t.id == "team-x"
    bad = text.replace('"severity": "high"', '"severity": "urgent"')
    msg = _err(tmp_path, bad, "t.json")
    line = next(i + 1 for i, ln in enumerate(bad.splitlines()) if "urgent" in ln)
    assert f"line {line} " in msg
    msg = _err(tmp_path, text.replace('"id": "team-x",', '"id": "team-x", "id": "again",'), "t.json")
    assert "duplicate key 'id'" in msg
    msg = _err(tmp_path, text[:-5], "t.json")
    assert "not valid JSON" in msg and "line" in msg
    with pytest.raises(PrrError, match="NaN"):
        load_json_text('{"a": NaN}')


def test_missing_and_binary_files(tmp_path):
    with pytest.raises(PrrError, match="no such file"):
        read_template_file(tmp_path / "none.yaml")
    p = tmp_path / "bin.yaml"
    p.write_bytes(b"format: prr\n\xff\xfe")
    with pytest.raises(PrrError, match="line 2, column 1: byte 0xFF is not UTF-8"):
        read_template_file(p)


def test_broken_user_template_is_skipped_and_reported(tmp_path, monkeypatch):
    folder = tmp_path / "mine"
    folder.mkdir()
    monkeypatch.setenv("PRR_CHECKLIST_DIR", str(folder))
    (folder / "good.yaml").write_text(GOOD)
    (folder / "bad.yaml").write_text("format: [")
    errors: list = []
    ids = {i.id: i for i in templates(errors=errors)}
    assert ids["team-x"].source == "user" and "prr-default" in ids
    assert len(errors) == 1 and "bad.yaml" in str(errors[0])
    assert load_template("team-x").version == "1.2"


@given(st.dictionaries(st.text(min_size=1, max_size=10), st.one_of(
    st.text(max_size=30), st.integers(-10**6, 10**6), st.booleans(), st.none(),
    st.lists(st.text(max_size=10), max_size=4)), max_size=8))
def test_written_yaml_reads_back_identically(data):
    loaded, _ = load_yaml_text(dump_yaml(data) or "{}")
    assert loaded == data


def test_default_template_round_trips_through_writer(tmp_path):
    t = load_template()
    for suffix in (".yaml", ".json"):
        out = write_template(t, tmp_path / f"copy{suffix}")
        back = read_template_file(out)
        assert back.to_data() == t.to_data()


# ----------------------------------------------------------------- Markdown import
MD = """\
# Payments team launch checklist

Some intro text that is not an item.

## Reliability
- [x] Payments SLO is written down (blocker)
  - Evidence: link to the SLO page
  - Why: the contract with merchants depends on it
- [ ] Retries to the PSP use **backoff** [high] (tier 1)
- [ ] Load test done at 2x peak #medium (tiers 1-2)
- [ ] Load test done at 2x peak #medium

## Security
* [X] Secrets rotate without a deploy {#sec.rotate}
+ [ ] Certificates renew automatically (critical)

```
- [ ] not an item: inside a code fence
```
"""


def test_markdown_task_list_becomes_a_template():
    imp = parse_markdown(MD, template_id="payments", version="3")
    t = imp.template
    assert t.title == "Payments team launch checklist"
    assert [c.title for c in t.categories] == ["Reliability", "Security"]
    assert [i.question for i in t.items] == [
        "Payments SLO is written down", "Retries to the PSP use backoff", "Load test done at 2x peak",
        "Secrets rotate without a deploy", "Certificates renew automatically"]
    first = t.items[0]
    assert first.severity == "blocker" and first.evidence == "link to the SLO page"
    assert first.why == "the contract with merchants depends on it"
    assert t.items[1].severity == "high" and t.items[1].tiers == (1,)
    assert t.items[2].severity == "medium" and t.items[2].tiers == (1, 2)
    assert t.items[3].id == "sec.rotate"
    assert t.items[4].severity == "blocker"
    assert t.items[0].id == "reliability.payments-slo-written-down"
    assert imp.checked == ["reliability.payments-slo-written-down", "sec.rotate"]
    assert any("same question" in w for w in imp.warnings)
    # the same file gives the same ids
    assert [i.id for i in parse_markdown(MD, template_id="payments").template.items] == [i.id for i in t.items]


def test_markdown_without_items_or_with_bad_tags():
    with pytest.raises(PrrError, match="no task list items"):
        parse_markdown("# Title\n\nJust prose.\n", template_id="x", file="notes.md")
    with pytest.raises(PrrError, match="notes.md: line 2: .*at least 5"):
        parse_markdown("## A\n- [ ] ok (blocker)\n", template_id="x", file="notes.md")
    with pytest.raises(PrrError, match="line 3: item id 'a.b' is used twice"):
        parse_markdown("## A\n- [ ] first question {#a.b}\n- [ ] second question {#a.b}\n", template_id="x",
                       file="notes.md")


@given(st.lists(st.tuples(st.text(alphabet="abcdefghij klmnop", min_size=6, max_size=40),
                          st.sampled_from(["", " (blocker)", " [high]", " #low"]), st.booleans()),
                min_size=1, max_size=15))
def test_markdown_import_against_a_line_by_line_oracle(rows):
    md = "## Section\n" + "".join(f"- [{'x' if done else ' '}] {q}{tag}\n" for q, tag, done in rows)
    norm = lambda q: " ".join(q.split())  # noqa: E731
    expected, seen = [], set()
    for q, tag, done in rows:
        key = "".join(ch if ch.isalnum() else " " for ch in norm(q).lower()).split()
        if len(norm(q).strip(" -:")) < 5:
            return  # too short: the importer refuses the file; covered above
        if tuple(key) in seen:
            continue
        seen.add(tuple(key))
        expected.append((norm(q).strip(" -:"), {"": "medium", " (blocker)": "blocker", " [high]": "high",
                                                 " #low": "low"}[tag], done))
    imp = parse_markdown(md, template_id="t")
    got = [(i.question, i.severity, i.id in imp.checked) for i in imp.template.items]
    assert got == expected
    assert len({i.id for i in imp.template.items}) == len(imp.template.items)


def test_bundled_files_are_used_as_is():
    assert load_template(resource_path("checklists", "launch-lite.yaml")).id == "launch-lite"


_DEFAULT_TEXT = resource_path("checklists", "launch-lite.yaml").read_text()


@given(st.lists(st.tuples(st.integers(0, len(_DEFAULT_TEXT)), st.integers(0, 8),
                          st.sampled_from(["", ":", "- ", "\n", "  ", "'", "&a ", "*a", "{", "]", "no", "1.10",
                                           "!!binary ", "{name}", "severity: x\n", "\t", "\x00"])),
                min_size=1, max_size=4))
def test_mutated_templates_load_or_fail_cleanly(tmp_path_factory, edits):
    text = _DEFAULT_TEXT
    for pos, cut, insert in edits:
        pos = min(pos, len(text))
        text = text[:pos] + insert + text[pos + cut:]
    p = tmp_path_factory.mktemp("fuzz") / "t.yaml"
    p.write_text(text)
    try:
        t = read_template_file(p)
    except PrrError as e:
        assert str(e).startswith(str(p)) and "\n" not in str(e)
    else:
        assert t.items


@given(st.text(alphabet="#-*+[]xX (){}.:`\nabcdefg blockerhigh tier12", max_size=300))
def test_markdown_import_never_crashes(text):
    try:
        imp = parse_markdown(text, template_id="fuzz")
    except PrrError:
        return
    assert imp.template.items


@pytest.mark.parametrize("data", [{"<<": "a"}, {"<<": None}, {"x": "<<"}, {"<<": ["a"], "b": 1}])
def test_a_key_written_as_quoted_merge_sign_reads_back_as_text(data):
    # hypothesis found it: a checklist field named '<<' was written quoted, and the strict
    # reader refused its own output as a merge key; only a plain '<<' is a merge key in YAML
    text = dump_yaml(data)
    loaded, _ = load_yaml_text(text)
    assert loaded == data and all(type(k) is str for k in loaded)


def test_a_plain_merge_key_is_still_refused_in_a_checklist():
    with pytest.raises(PrrError, match="merge keys"):
        load_yaml_text("base: &b {a: 1}\nitem:\n  <<: *b\n")
