"""Edge lists as a tester found them (issue s24, "messy input"): what spreadsheets save (UTF-16, a
legacy code page, blank lines and Excel's ``sep=`` line above the header, empty trailing cells),
names typed by hand (case, no-break and zero-width spaces), rows that call themselves, quoted fields
over several lines, names over the model's limit, and a folder where one broken file sank the good
ones. Bad input is one PrrError naming the file and the line where the row starts (exit 2, one line);
what is left out is listed in the report."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prr_app.cli.main import main
from prr_app.errors import PrrError
from prr_app.importers.csv_edges import read_csv_edges
from prr_app.importers.registry import detect_format, import_paths


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def edges(result) -> set[tuple[str, str]]:
    comps = result.review.components
    return {(comps[d.source].name, comps[d.target].name) for d in result.review.dependencies.values()}


def cli(args: list[str], capsys) -> tuple[int, str]:
    code = main(args)
    cap = capsys.readouterr()
    return code, cap.err


def refused(path: Path, capsys, tmp_path: Path) -> str:
    """The one line the CLI prints for a refused file (exit 2, no traceback)."""
    code, err = cli(["import", str(path), "-o", str(tmp_path / "out.prr")], capsys)
    assert code == 2, err
    assert "Traceback" not in err and err.count("\n") == 1, err
    return err


# ------------------------------------------------------------------ 1. a folder: one broken file
K8S_TABS = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n"
            "      containers:\n      - name: web\n        image: web:1\n        env:\n"
            "\t- name: API_ADDR\n\t  value: \"api:8080\"\n")


def test_a_broken_manifest_does_not_throw_away_the_edge_list_beside_it(tmp_path, capsys):
    folder = tmp_path / "shop"
    folder.mkdir()
    write(folder / "good.csv", "from,to\nweb,api\napi,db\n")
    write(folder / "k8s.yaml", K8S_TABS)
    res = import_paths([folder])
    assert edges(res) == {("web", "api"), ("api", "db")}
    broken = [w for w in res.report.warnings if w.startswith("could not read")]
    assert len(broken) == 1 and "k8s.yaml: line 12" in broken[0], res.report.warnings
    assert "NOT READABLE" in res.report.summary()
    code, err = cli(["import", str(folder), "-o", str(tmp_path / "o.prr")], capsys)
    assert code == 0, err


def test_one_bad_edge_list_in_a_folder_does_not_sink_the_good_ones(tmp_path):
    folder = tmp_path / "maps"
    folder.mkdir()
    write(folder / "a.csv", "source,target\nweb,api\n")
    write(folder / "b.csv", 'source,target\nweb,"api\ncart,redis\n')  # a quote never closed
    write(folder / "c.csv", "source,target\napi,db\n")
    res = import_paths([folder])
    assert edges(res) == {("web", "api"), ("api", "db")}
    broken = [w for w in res.report.warnings if w.startswith("could not read")]
    assert len(broken) == 1 and "b.csv: line 2: malformed CSV" in broken[0], res.report.warnings
    notes = {f.rel: f.note for f in res.inventory.files}
    assert notes["a.csv"] == notes["c.csv"] == "read"
    assert notes["b.csv"].startswith("could not read: ") and "line 2" in notes["b.csv"]


def test_a_folder_whose_only_edge_list_is_broken_is_one_error_naming_it(tmp_path, capsys):
    folder = tmp_path / "maps"
    folder.mkdir()
    write(folder / "b.csv", "source,target,type\nweb,api,bogus\n")
    with pytest.raises(PrrError, match=r"b\.csv: line 2: type 'bogus'"):
        import_paths([folder])
    assert "b.csv: line 2: type 'bogus'" in refused(folder, capsys, tmp_path)


# ------------------------------------------------------------------ 2. a row that calls itself
def test_a_row_that_calls_itself_is_skipped_and_listed(tmp_path, capsys):
    path = write(tmp_path / "e.csv", "source,target\nfrontend,cart\ncart,cart\ncart,Cart\ncart,redis\n")
    res = read_csv_edges([path])
    assert edges(res) == {("frontend", "cart"), ("cart", "redis")}
    assert f"{path}:3: cart calls itself" in res.report.skipped
    assert f"{path}:4: cart calls itself ('Cart' is the same name)" in res.report.skipped
    assert cli(["import", str(path), "-o", str(tmp_path / "o.prr")], capsys)[0] == 0


# ------------------------------------------------------------------ 3. names typed by hand
def test_no_break_and_zero_width_spaces_make_no_phantom_components(tmp_path):
    path = write(tmp_path / "n.csv", "source,target\nweb,cart\xa0service\napi,cart service\nweb,api\u200b\napi,db\n")
    res = read_csv_edges([path])
    assert sorted(c.name for c in res.review.components.values()) == ["api", "cart service", "db", "web"]
    assert edges(res) == {("web", "cart service"), ("api", "cart service"), ("web", "api"), ("api", "db")}
    said = " | ".join(res.report.warnings)
    assert f"'cart\\xa0service' read as 'cart service'" in said and f"{path}:2" in said
    assert f"'api\\u200b' read as 'api'" in said and f"{path}:4" in said


def test_names_differing_only_by_case_spaces_and_hyphens_are_one_component_first_spelling_kept(tmp_path):
    path = write(tmp_path / "c.csv", "source,target\nfrontend,Cart Service\ncheckout,cart-service\n"
                                     "checkout,cart_service\nfrontend, Cart Service \nFrontend,payment\n")
    res = read_csv_edges([path])
    assert sorted(c.name for c in res.review.components.values()) == ["Cart Service", "checkout", "frontend", "payment"]
    assert edges(res) == {("frontend", "Cart Service"), ("checkout", "Cart Service"), ("frontend", "payment")}
    merges = [w for w in res.report.warnings if "taken for" in w]
    assert len(merges) == 3, merges
    assert any(w.startswith("'cart-service' taken for 'Cart Service'") and w.endswith(f"{path}:3") for w in merges)
    assert any(w.startswith("'cart_service' taken for 'Cart Service'") and w.endswith(f"{path}:4") for w in merges)
    assert any(w.startswith("'Frontend' taken for 'frontend'") and f"first at {path}:2" in w
               and w.endswith(f"{path}:6") for w in merges)


def test_a_name_of_invisible_characters_only_is_an_empty_name(tmp_path, capsys):
    path = write(tmp_path / "z.csv", "source,target\nweb,\u200b\n")
    err = refused(path, capsys, tmp_path)
    assert "line 2: source and target must not be empty (a name there holds only invisible characters)" in err


_PIECES = ["cart", "Cart", "CART", "api", "API", "db", "web"]
_GLUE = ["", " ", "-", "_", "\xa0", "\u200b", "\u2060"]


@st.composite
def _hand_typed(draw) -> str:
    words = draw(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=3))
    out = draw(st.sampled_from(["", "\u200b", "\ufeff"]))  # invisible before the name
    for i, w in enumerate(words):
        out += (draw(st.sampled_from(_GLUE)) if i else "") + w
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(_hand_typed(), _hand_typed()), min_size=1, max_size=10))
def test_components_are_the_names_a_plain_reading_tells_apart(tmp_path, rows):
    """Oracle: drop the invisible characters, read a no-break space as a space, lower-case, and drop
    spaces, hyphens and underscores; one component per result, named as first written (cleaned)."""
    def plain(n: str) -> str:
        n = n.replace("\u200b", "").replace("\u2060", "").replace("\ufeff", "").replace("\xa0", " ")
        return n.lower().replace(" ", "").replace("-", "").replace("_", "")

    def shown(n: str) -> str:
        return n.replace("\u200b", "").replace("\u2060", "").replace("\ufeff", "").replace("\xa0", " ").strip()

    path = tmp_path / "h.csv"
    path.write_text("source,target\n" + "".join(f"{a},{b}\n" for a, b in rows), encoding="utf-8")
    first: dict[str, str] = {}
    want: set[tuple[str, str]] = set()
    loops = 0
    for a, b in rows:
        if plain(a) == plain(b):
            loops += 1
            continue
        want.add((first.setdefault(plain(a), shown(a)), first.setdefault(plain(b), shown(b))))
    if not want:  # every row calls itself: no edge, refused as an empty DOT graph is
        with pytest.raises(PrrError, match="no edges: every row was skipped"):
            read_csv_edges([path])
        return
    res = read_csv_edges([path])
    assert sorted(c.name for c in res.review.components.values()) == sorted(first.values())
    assert edges(res) == want
    assert sum("calls itself" in s for s in res.report.skipped) == loops
    for c in res.review.components.values():
        assert not any(ch in c.name for ch in "\xa0\u200b\u2060\ufeff")
        assert unicodedata.is_normalized("NFKC", c.name)


# ------------------------------------------------------------------ 4. the line a row starts on
def test_evidence_and_errors_name_the_line_a_multi_line_row_starts_on(tmp_path, capsys):
    path = write(tmp_path / "q.csv", 'from,to,type,description\r\n"frontend","cart, v2",hard,"calls cart\r\n'
                                     'for every page"\r\n"cart, v2",redis,hard,"multi\nline"\r\n')
    res = read_csv_edges([path])
    deps = res.review.dependencies
    assert deps["frontend->cart-v2"].evidence == [f"{path}:2"]
    assert deps["cart-v2->redis"].evidence == [f"{path}:4"]
    bad = write(tmp_path / "t.csv", 'source,target,type,description\nweb,api,hard,"one\ntwo"\n'
                                    'db,cache,bogus,"a\nb\nc"\n')
    assert "t.csv: line 4: type 'bogus'" in refused(bad, capsys, tmp_path)
    unclosed = write(tmp_path / "u.csv", "source,target\nweb,\"api\n" + "".join(f"s{i},s{i + 1}\n" for i in range(30)))
    err = refused(unclosed, capsys, tmp_path)
    assert "u.csv: line 2: malformed CSV" in err and "never closed" in err


# ------------------------------------------------------------------ 5. what spreadsheets save
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_unicode_text_from_excel_utf16_with_a_byte_order_mark_is_read(tmp_path, encoding):
    text = "source\ttarget\tkind\r\nfrontend\tcart\tcall\r\ncart\tredis-cart\tdatastore\r\n"
    raw = text.encode(encoding)
    if encoding == "utf-16-be":
        raw = b"\xfe\xff" + raw
    path = tmp_path / "edges.txt"
    path.write_bytes(raw)
    assert detect_format([path]) == "csv"
    res = import_paths([path])
    assert edges(res) == {("frontend", "cart"), ("cart", "redis-cart")}
    assert res.review.components["redis-cart"].kind == "datastore"
    assert any("UTF-16" in r and "tab-separated" in r for r in res.report.read)


def test_a_file_that_is_not_utf8_names_the_line_and_column_and_says_how_to_save_it(tmp_path, capsys):
    path = write(tmp_path / "fr.csv", "source,target,type\r\nPaiement,Sécurité,hard\r\n", encoding="cp1252")
    with pytest.raises(PrrError) as err:
        read_csv_edges([path])
    assert err.value.location == "line 2, column 11"
    line = refused(path, capsys, tmp_path)
    assert "fr.csv: line 2, column 11: byte 0xE9 is not UTF-8" in line and "save it as CSV UTF-8" in line
    # a UTF-8 byte-order mark takes no column
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbfsource,target\nab\xff,c\n")
    with pytest.raises(PrrError) as err:
        read_csv_edges([bom])
    assert err.value.location == "line 2, column 3"


def test_blank_lines_above_the_header_are_passed_over(tmp_path):
    path = write(tmp_path / "b.csv", "\n\n,,\nsource,target\nfrontend,cart\n")
    assert detect_format([path]) == "csv"
    res = import_paths([path])
    assert edges(res) == {("frontend", "cart")}
    assert res.review.dependencies["frontend->cart"].evidence == [f"{path}:5"]


def test_excels_sep_line_sets_the_separator(tmp_path):
    path = write(tmp_path / "s.csv", "sep=;\r\nsource;target;description\r\nweb;api;a, b\r\n")
    assert detect_format([path]) == "csv"
    res = import_paths([path])
    assert edges(res) == {("web", "api")}
    assert res.review.dependencies["web->api"].description == "a, b"
    assert res.review.dependencies["web->api"].evidence == [f"{path}:3"]
    assert any("separator ';' from the sep= line" in r for r in res.report.read)
    # the sep= line decides: a header it does not split into a source and a target is one error
    other = write(tmp_path / "o.csv", "sep=|\nsource,target\nweb,api\n")
    with pytest.raises(PrrError, match="line 2: the header needs a source and a target column"):
        read_csv_edges([other])


# ------------------------------------------------------------------ 6. cells past the header
def test_empty_cells_past_the_header_are_ignored_filled_ones_are_an_error(tmp_path, capsys):
    path = write(tmp_path / "x.csv", "source,target\r\nfrontend,cart,\r\ncart,redis,,\r\n")
    assert edges(read_csv_edges([path])) == {("frontend", "cart"), ("cart", "redis")}
    bad = write(tmp_path / "y.csv", "source,target\nfrontend,cart,\ncart,redis,oops\n")
    err = refused(bad, capsys, tmp_path)
    assert "y.csv: line 3: 3 fields but the header has 2 (the extra one holds 'oops')" in err


# ------------------------------------------------------------------ 7. the model's limits, by row
def test_a_name_over_the_limit_is_refused_naming_the_row_not_the_model(tmp_path, capsys):
    path = write(tmp_path / "l.csv", "source,target\nfrontend,cart\nfrontend," + "a" * 5000 + "\n")
    err = refused(path, capsys, tmp_path)
    assert "l.csv: line 3: a name of 5000 characters" in err and "the limit is 500" in err
    assert "$.components" not in err
    fb = write(tmp_path / "f.csv", "source,target,fallback\nfrontend,cart," + "b" * 2001 + "\n")
    assert "f.csv: line 2: the fallback is 2001 characters long" in refused(fb, capsys, tmp_path)
