"""Hostile values in the files a user hands over (session 25), each refused with the place it is at:
review JSON's NaN, Infinity, deep nesting and huge integers; a template's number that is read as
another text than written; a JSON template's duplicate key; a Compose name that is YAML null.
The inputs are real files (the bundled example review and templates, the OpenTelemetry demo's
Compose file) with the bad value put in."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from prr_app.checklist import read_template_file
from prr_app.errors import PrrError
from prr_app.importers.registry import import_paths
from prr_app.interchange.json_io import review_from_json_bytes

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "resources" / "examples" / "webshop.json"
TEMPLATE = ROOT / "resources" / "checklists" / "launch-lite.yaml"
OTEL = Path("/work/shared/realdata/opentelemetry-demo/compose.yaml")


def place(text: str, needle: str) -> str:
    """'line L column C' of the first ``needle`` in ``text``."""
    pos = text.index(needle)
    line = text.count("\n", 0, pos) + 1
    return f"line {line} column {pos - (text.rfind(chr(10), 0, pos) + 1) + 1}"


def refusal(text: str) -> str:
    with pytest.raises(PrrError) as e:
        review_from_json_bytes(text.encode("utf-8"), file="shop.json")
    return str(e.value)


# ---------------------------------------------------------------- review JSON
@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_a_constant_that_is_no_json_number_is_named_with_its_place(constant):
    text = EXAMPLE.read_text(encoding="utf-8")
    m = re.search(r'"replicas": \d+', text)
    assert m
    # a string holding the constant's name comes first: it is not the place
    bad = text[:m.start()] + '"notes": "NaN Infinity", "replicas": ' + constant + text[m.end():]
    msg = refusal(bad)
    assert f"{constant} is not a valid JSON number" in msg
    pos = bad.index('"replicas": ' + constant) + len('"replicas": ')  # the constant itself
    line = bad.count("\n", 0, pos) + 1
    assert f"line {line} column {pos - (bad.rfind(chr(10), 0, pos) + 1) + 1}:" in msg


@pytest.mark.parametrize("digits", [20, 400, 5000])
def test_a_huge_integer_does_not_fit_in_64_bits_at_its_place(digits):
    text = EXAMPLE.read_text(encoding="utf-8")
    m = re.search(r'"replicas": \d+', text)
    number = "9" * digits
    bad = text[:m.start()] + '"replicas": ' + number + text[m.end():]
    msg = refusal(bad)
    assert "does not fit in 64 bits" in msg and "sys.set_int_max_str_digits" not in msg and "4300" not in msg
    assert place(bad, number) + ":" in msg


def test_deep_nesting_is_named_with_its_place():
    text = EXAMPLE.read_text(encoding="utf-8")
    m = re.search(r'"placement": \[', text)
    assert m
    bad = text[:m.end() - 1] + "[" * 3000 + "]" * 3000 + text[m.end() - 1:]
    msg = refusal(bad)
    assert "nested too deeply" in msg
    start = m.end() - 1
    assert place(bad[:start] + "X" + bad[start + 1:], "X").split(" column")[0] in msg  # its line
    assert re.search(r"line \d+ column \d+: ", msg)


# ---------------------------------------------------------------- checklist templates
def test_a_version_read_as_another_number_is_quoted_as_written_yaml(tmp_path):
    text = TEMPLATE.read_text(encoding="utf-8").replace("version: '2.0'", "version: 1.20")
    path = tmp_path / "lite.yaml"
    path.write_text(text, encoding="utf-8")
    line = text[:text.index("version: 1.20")].count("\n") + 1
    with pytest.raises(PrrError) as e:
        read_template_file(path)
    msg = str(e.value)
    assert f"line {line}" in msg and "'1.20'" in msg and "'1.2'" not in msg


def test_a_version_read_as_another_number_is_quoted_as_written_json(tmp_path):
    import yaml

    data = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    text = json.dumps(data, indent=2).replace('"version": "2.0"', '"version": 1.20')
    path = tmp_path / "lite.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PrrError) as e:
        read_template_file(path)
    assert "'1.20'" in str(e.value) and "'1.2'" not in str(e.value)


def test_a_json_templates_duplicate_key_is_named_where_it_is(tmp_path):
    import yaml

    data = yaml.safe_load(TEMPLATE.read_text(encoding="utf-8"))
    text = json.dumps(data, indent=2)
    assert text.endswith("\n}") or text.endswith("]\n}") or text.endswith("}")
    bad = text[:text.rindex("}")].rstrip() + ',\n  "title": "again"\n}'
    line = bad.count("\n")  # the line before the closing brace
    path = tmp_path / "lite.json"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(PrrError) as e:
        read_template_file(path)
    assert "duplicate key 'title'" in str(e.value)
    assert f"line {line}," in str(e.value), str(e.value)  # not the first category's "title" (line 6)


# ---------------------------------------------------------------- Compose
@pytest.fixture
def otel(tmp_path) -> Path:
    if not OTEL.exists():
        pytest.skip("the real inputs are not on this machine")
    folder = tmp_path / "otel"
    folder.mkdir()
    shutil.copy(OTEL, folder / "compose.yaml")
    env = OTEL.parent / ".env"
    if env.exists():
        shutil.copy(env, folder / ".env")
    return folder / "compose.yaml"


def _line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


@pytest.mark.parametrize("replace, needle", [
    # a service named null (the cart service's key)
    (("\n  cart:\n", "\n  null:\n"), "\n  null:\n"),
    # depends_on naming null in a list
    (("    depends_on:\n      valkey-cart:\n        condition: service_healthy\n      otel-collector:\n"
      "        condition: service_started\n      flagd:\n        condition: service_started\n",
      "    depends_on: [valkey-cart, otel-collector, ~, flagd]\n"),
     "    depends_on: [valkey-cart, otel-collector, ~, flagd]"),
    # depends_on naming null as a key
    (("      valkey-cart:\n        condition: service_healthy\n", "      ~:\n        condition: service_healthy\n"),
     "      ~:\n"),
])
def test_a_compose_name_that_is_null_is_refused_with_its_line(otel, replace, needle):
    text = otel.read_text(encoding="utf-8")
    assert replace[0] in text
    text = text.replace(replace[0], replace[1], 1)
    otel.write_text(text, encoding="utf-8")
    line = _line_of(text, needle) + (1 if needle.startswith("\n") else 0)
    with pytest.raises(PrrError) as e:
        import_paths([otel])
    msg = str(e.value)
    assert f"line {line}" in msg and "empty name" in msg and "None" not in msg, msg


def test_the_real_compose_file_still_imports(otel):
    result = import_paths([otel])
    assert "cart" in result.review.components and "None" not in result.review.components
