"""Edge lists as spreadsheets and service-map tools write them: the separator a locale uses, the
names people give the two ends, and a header that names no caller or callee (one clear error)."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prr_app.cli.main import main
from prr_app.errors import PrrError
from prr_app.importers.csv_edges import read_csv_edges, read_header
from prr_app.importers.registry import detect_format


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def edges(result) -> dict[tuple[str, str], str]:
    return {(d.source, d.target): d.kind for d in result.review.dependencies.values()}


def test_a_semicolon_separated_export_with_a_byte_order_mark_is_read_as_an_edge_list(tmp_path):
    # what a spreadsheet saves as "CSV" where the decimal mark is a comma
    path = tmp_path / "services.csv"
    path.write_bytes("\ufeffSource;Target;Type\nweb;api;hard\napi;cache;soft\n".encode("utf-8"))
    assert detect_format([path]) == "csv"
    result = read_csv_edges([path])
    assert edges(result) == {("web", "api"): "hard", ("api", "cache"): "soft"}
    assert any("semicolon-separated" in r for r in result.report.read)


@pytest.mark.parametrize("header, row", [
    ("from,to", "web,api"),
    ("caller,callee", "web,api"),
    ("Source Service,Destination Service", "web,api"),
    ("src|dst", "web|api"),
    ("service\tdepends-on", "web\tapi"),
    ("client;server", "web;api"),
])
def test_the_usual_names_for_the_two_ends_are_understood_and_reported(tmp_path, header, row):
    path = write(tmp_path, "edges.csv", f"{header}\n{row}\n")
    assert detect_format([path]) == "csv"
    result = read_csv_edges([path])
    assert edges(result) == {("web", "api"): "hard"}
    said = " ".join(result.report.read)
    assert "as source" in said and "as target" in said


def test_a_column_named_as_the_importer_names_it_wins_over_a_synonym(tmp_path):
    # "service" would be read as the source, but this file names its source: "service" is another column
    path = write(tmp_path, "edges.csv", "service,source,target\nshop,web,api\n")
    result = read_csv_edges([path])
    assert edges(result) == {("web", "api"): "hard"}
    assert any("column 'service' is not used" in s for s in result.report.skipped)


def test_a_header_without_a_caller_and_a_callee_is_one_clear_error_naming_the_file(tmp_path, capsys):
    path = write(tmp_path, "rates.csv", "currency;rate\nEUR;1.1\n")
    with pytest.raises(PrrError) as err:
        read_csv_edges([path])
    assert "line 1" in str(err.value) and "from,to" in str(err.value)
    out = tmp_path / "r.prr"
    assert main(["import", str(path), "--format", "csv", "-o", str(out)]) == 2
    assert f"{path}: line 1: the header needs a source and a target column" in capsys.readouterr().err
    assert not out.exists()


def test_a_tsv_file_is_tab_separated_even_when_its_header_holds_commas(tmp_path):
    path = write(tmp_path, "edges.tsv", "source\ttarget\tdescription\nweb\tapi\tcalls, then caches\n")
    result = read_csv_edges([path])
    assert edges(result) == {("web", "api"): "hard"}
    assert result.review.dependencies["web->api"].description == "calls, then caches"


_name = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-_", min_size=1, max_size=8).filter(
    lambda s: s.strip("-_") == s)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(sep=st.sampled_from([",", ";", "\t", "|"]),
       ends=st.sampled_from([("source", "target"), ("from", "to"), ("Caller", "Callee"), ("src", "dst")]),
       rows=st.lists(st.tuples(_name, _name, st.sampled_from(["hard", "soft", "async"])), min_size=1, max_size=12))
def test_any_separator_and_naming_gives_the_edges_a_plain_reading_gives(tmp_path, sep, ends, rows):
    """Oracle: the same rows read with the separator and the names known in advance; names that differ
    only by hyphens and underscores are one, spelt as first written, and a row that calls itself is skipped."""
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep, lineterminator="\n")
    w.writerow([ends[0], ends[1], "type"])
    w.writerows(rows)
    path = write(tmp_path, "edges.csv", buf.getvalue())
    expected: dict[tuple[str, str], str] = {}
    strength = {"hard": 3, "soft": 2, "async": 1}
    first: dict[str, str] = {}

    def plain(n: str) -> str:
        return n.replace("-", "").replace("_", "")

    for s, t, k in rows:
        if plain(s) == plain(t):
            continue
        s, t = first.setdefault(plain(s), s), first.setdefault(plain(t), t)
        old = expected.get((s, t))
        expected[(s, t)] = k if old is None or strength[k] > strength[old] else old
    assert read_header(buf.getvalue().splitlines()[0])[0] == sep
    if not expected:  # every row calls itself: no edge, refused as an empty DOT graph is
        with pytest.raises(PrrError, match="no edges"):
            read_csv_edges([path])
        return
    result = read_csv_edges([path])
    got = {(result.review.components[d.source].name, result.review.components[d.target].name): d.kind
           for d in result.review.dependencies.values()}
    assert got == expected


def test_a_load_generator_in_an_edge_list_is_tagged_and_the_frontend_is_the_entry(tmp_path):
    """Online Boutique's derived edges: with the load generator taken for the entry point, the verdict
    asked for its SLO and called it the first single point of failure."""
    from prr_app.review.assess import assess

    res = read_csv_edges([write(tmp_path, "edges.csv", "source,target\nloadgenerator,frontend\n"
                                "frontend,cartservice\ncartservice,redis-cart\n")])
    assert res.review.components["loadgenerator"].tags == ["load-generator"]
    a = assess(res.review)
    assert a.summary["user_facing"] == ["frontend"]
    assert "loadgenerator" not in {s["element"] for s in a.spofs}
