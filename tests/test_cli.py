"""The prr command line as a user runs it: exit codes, one-line errors, files untouched."""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from prr_app import __version__
from prr_app.persistence.migrations import CURRENT_VERSION

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "resources" / "examples"
REALDATA = ROOT.parent / "shared" / "realdata"


def prr_process(*args, cwd=None):
    """The real program in its own process (what a user or CI runs)."""
    return subprocess.run([sys.executable, "-m", "prr_app", *map(str, args)], capture_output=True, text=True, cwd=cwd)


def prr(*args, cwd=None):
    """The same program in this process (fast): exit code, stdout and stderr as a process would give."""
    import contextlib
    import io

    from prr_app.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    try:
        if cwd:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([str(a) for a in args])
            except SystemExit as e:  # argparse: --help, --version, usage errors
                code = e.code if isinstance(e.code, int) else (0 if e.code is None else 2)
    finally:
        os.chdir(old)
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


def test_version_and_help():
    res = prr_process("--version")
    assert res.returncode == 0 and res.stdout.strip() == f"prr {__version__}"
    for cmd in ("import", "export", "validate", "summary"):
        res = prr(cmd, "--help")
        assert res.returncode == 0 and "usage: prr " + cmd in res.stdout


def test_usage_error_is_exit_2_one_line():
    res = prr("import", "x.json")  # missing -o
    assert res.returncode == 2
    assert len(res.stderr.strip().splitlines()) == 1 and "-o/--output" in res.stderr


@pytest.mark.parametrize("name", ["webshop.json", "platform.json"])
def test_import_export_round_trip_is_byte_identical(tmp_path, name):
    src = EXAMPLES / name
    assert prr("import", src, "-o", tmp_path / "a.prr").returncode == 0
    assert prr("export", tmp_path / "a.prr", "--format", "json", "-o", tmp_path / "a.json").returncode == 0
    assert prr("import", tmp_path / "a.json", "-o", tmp_path / "b.prr").returncode == 0
    assert prr("export", tmp_path / "b.prr", "--format", "json", "-o", tmp_path / "b.json").returncode == 0
    a, b = (tmp_path / "a.json").read_bytes(), (tmp_path / "b.json").read_bytes()
    assert a == b == src.read_bytes()


def test_summary_and_validate_accept_prr_and_json(tmp_path):
    prr("import", EXAMPLES / "webshop.json", "-o", tmp_path / "w.prr")
    for path in (tmp_path / "w.prr", EXAMPLES / "webshop.json"):
        res = prr("summary", path)
        assert res.returncode == 0
        assert "components: 14" in res.stdout and "journeys: 2" in res.stdout and "open risks: 1" in res.stdout
        assert prr("validate", path).returncode == 0


def test_an_import_states_no_tier_and_no_availability_figures_and_says_so(tmp_path):
    """An edge list states no tier and no availability: the commands said "tier: None", "the review is
    tier None" and an availability of "100.0000 % (exact)" as if it were known."""
    edges = tmp_path / "edges.csv"
    edges.write_text("source,target\nweb,api\napi,db\n", encoding="utf-8")
    prr("import", edges, "-o", tmp_path / "e.prr")
    summary = prr("summary", tmp_path / "e.prr").stdout
    assert "tier: not stated" in summary and "None" not in summary
    assert "tier None" not in prr("checklist", tmp_path / "e.prr").stdout
    out = prr("analyze", tmp_path / "e.prr").stdout
    assert "upper bounds: 3 of 3 components state no availability figure and count as 100 %" in out


def test_validate_lists_every_problem_with_its_place(tmp_path):
    """`prr validate` says it reports every problem: it printed the first and "(and 2 more problems)"."""
    data = json.loads((EXAMPLES / "webshop.json").read_text())
    data["components"][0]["replicas"] = -3
    data["dependencies"] += [{"source": "storefront", "target": "nope-svc", "kind": "hard"},
                             {"source": "ghost", "target": "cart-svc", "kind": "hard"}]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    before = bad.read_bytes()
    res = prr_process("validate", bad)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 4 and all(line.startswith(f"{bad}: ") for line in lines)
    assert any(".replicas: -3 is too small" in line for line in lines)
    assert any("$.dependencies[storefront->nope-svc].target: unknown component" in line for line in lines)
    assert any("$.dependencies[ghost->cart-svc].source: unknown component 'ghost'" in line for line in lines)
    assert lines[-1] == f"{bad}: 3 problems"
    assert bad.read_bytes() == before
    # the other commands keep to one line, naming the first problem and counting the others
    res = prr("analyze", bad)
    assert res.returncode == 2 and len(res.stderr.strip().splitlines()) == 1 and "(and 2 more problems)" in res.stderr
    # problems the schema finds (the file's structure): each listed too
    empty = tmp_path / "empty.json"
    empty.write_text(json.dumps({"format": "prr-review", "version": 1, "review": {"system_name": "E"}}))
    res = prr("validate", empty)
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [
        f'{empty}: $: "components" is a required property', f'{empty}: $: "dependencies" is a required property',
        f"{empty}: 2 problems"]


def test_import_refuses_to_overwrite_without_force(tmp_path):
    out = tmp_path / "w.prr"
    assert prr("import", EXAMPLES / "webshop.json", "-o", out).returncode == 0
    before = out.read_bytes()
    res = prr("import", EXAMPLES / "platform.json", "-o", out)
    assert res.returncode == 2 and "already exists" in res.stderr
    assert out.read_bytes() == before
    assert prr("import", EXAMPLES / "platform.json", "-o", out, "--force").returncode == 0


def _bad_files(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    good = json.loads((EXAMPLES / "webshop.json").read_text())
    files = {}

    def put(name, content, expect):
        p = tmp_path / name
        p.write_bytes(content if isinstance(content, bytes) else content.encode())
        files[name] = (p, expect)

    text = (EXAMPLES / "webshop.json").read_text()
    put("truncated.json", text[: len(text) // 2], "invalid JSON")
    wrong = json.loads(text)
    wrong["components"][0]["replicas"] = "two"
    put("wrong-type.json", json.dumps(wrong), f"$.components[{wrong['components'][0]['id']}].replicas")
    unknown = json.loads(text)
    unknown["dependencies"].append({"source": "storefront", "target": "ghost"})
    put("unknown-ref.json", json.dumps(unknown), "unknown component or redundancy group 'ghost'")
    dup = json.loads(text)
    dup["components"].append(good["components"][0])
    put("dup.json", json.dumps(dup), "duplicate id")
    put("x.prr", os.urandom(4096), "not an SQLite database")
    put("empty.prr", b"", "empty file")
    other = tmp_path / "other.prr"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE t(x)")
    con.commit()
    con.close()
    files["other.prr"] = (other, "another application")
    newer = tmp_path / "newer.prr"
    prr("import", EXAMPLES / "webshop.json", "-o", newer)
    con = sqlite3.connect(newer)
    con.execute(f"PRAGMA user_version={CURRENT_VERSION + 1}")
    con.close()
    files["newer.prr"] = (newer, "newer PRR Workbench")
    return files


@pytest.mark.parametrize("command", ["summary", "validate", "export", "import"])
def test_bad_input_exit_2_one_line_untouched(tmp_path, command):
    # one command runs as a real process: what reaches a terminal, with nothing in between
    run = prr_process if command == "summary" else prr
    for name, (path, expect) in _bad_files(tmp_path).items():
        before = hashlib.sha256(path.read_bytes()).hexdigest()
        if command == "export":
            res = run("export", path, "-o", tmp_path / "out.json")
        elif command == "import":
            if path.suffix == ".prr":
                continue  # .prr is not an import format
            res = run("import", path, "-o", tmp_path / f"out-{name}.prr")
            assert not (tmp_path / f"out-{name}.prr").exists()
        else:
            res = run(command, path)
        assert res.returncode == 2, (name, res.stderr)
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1, (name, res.stderr)
        assert "Traceback" not in res.stderr
        assert str(path) in lines[0] and expect in lines[0], (name, lines[0])
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before, name


@pytest.mark.parametrize("head", [b"{", b"[", b"  {\n"])
def test_damaged_prr_starting_like_json_is_not_read_as_json(tmp_path, head):
    # random bytes in a .prr start with "{" one time in 128: still "not an SQLite database"
    path = tmp_path / "damaged.prr"
    path.write_bytes(head + bytes(range(128, 256)) * 8)
    before = path.read_bytes()
    for command in ("summary", "validate", "export"):
        args = ("-o", tmp_path / "out.json") if command == "export" else ()
        res = prr(command, path, *args)
        assert res.returncode == 2
        assert "not an SQLite database" in res.stderr and str(path) in res.stderr, res.stderr
    assert path.read_bytes() == before


def test_missing_file(tmp_path):
    res = prr("summary", tmp_path / "nope.prr")
    assert res.returncode == 2 and "no such file" in res.stderr


def test_csv_import_and_errors(tmp_path):
    good = tmp_path / "edges.csv"
    good.write_text("source,target,type\nweb,api,hard\napi,db,soft\nweb,cdn,async\napi,db,hard\n")
    res = prr("import", good, "-o", tmp_path / "e.prr")
    assert res.returncode == 0, res.stderr
    out = tmp_path / "e.json"
    prr("export", tmp_path / "e.prr", "-o", out)
    doc = json.loads(out.read_text())
    assert [c["id"] for c in doc["components"]] == ["api", "cdn", "db", "web"]
    kinds = {(d["source"], d["target"]): d["kind"] for d in doc["dependencies"]}
    assert kinds == {("web", "api"): "hard", ("api", "db"): "hard", ("web", "cdn"): "async"}
    bad = tmp_path / "bad.csv"
    bad.write_text("source,target,type\nweb,api,sometimes\n")
    res = prr("import", bad, "--format", "csv", "-o", tmp_path / "b.prr")
    assert res.returncode == 2 and f"{bad}: line 2: type 'sometimes'" in res.stderr
    nohdr = tmp_path / "nohdr.csv"
    nohdr.write_text("a,b\nc,d\n")
    res = prr("import", nohdr, "--format", "csv", "-o", tmp_path / "c.prr")
    assert res.returncode == 2 and "line 1" in res.stderr and "source,target" in res.stderr


@pytest.mark.skipif(not REALDATA.exists(), reason="shared/realdata is not beside the repository")
def test_realdata_csv_edge_lists_import(tmp_path):
    for csv_path in sorted(REALDATA.glob("*/derived-edges.csv")):
        out = tmp_path / (csv_path.parent.name + ".prr")
        res = prr("import", csv_path, "--format", "csv", "-o", out)
        assert res.returncode == 0, res.stderr
        assert prr("validate", out).returncode == 0


# ------------------------------------------------------------------ start-up
HEAVY = ("sqlalchemy", "sqlmodel", "reportlab", "networkx", "numpy", "yaml", "jsonschema", "pydantic",
         "prr_app.analysis", "prr_app.checklist", "prr_app.reporting.pdf", "prr_app.importers.kubernetes")


def _modules_after(*args) -> set[str]:
    """The modules a real ``prr`` process has imported when it exits (its output discarded)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "modules.txt"
        code = ("import atexit, sys\n"
                "atexit.register(lambda: open(sys.argv[1], 'w').write('\\n'.join(sorted(sys.modules))))\n"
                "from prr_app.cli.main import main\n"
                "sys.exit(main(sys.argv[2:]))\n")
        subprocess.run([sys.executable, "-c", code, str(dump), *map(str, args)], capture_output=True, timeout=120)
        return set(dump.read_text().split("\n"))


@pytest.mark.parametrize("args", [("--version",), ("--help",), ()])
def test_version_and_help_import_no_heavy_module(args):
    mods = _modules_after(*args)
    assert "prr_app.cli.main" in mods  # the dump works
    assert not {m for m in HEAVY if m in mods}
    assert not {m for m in mods if m.startswith("prr_app.cli.") and m != "prr_app.cli.main"}


def test_light_commands_import_only_what_they_use(tmp_path):
    review = tmp_path / "platform.prr"
    assert prr("import", EXAMPLES / "platform.json", "-o", review, "--quiet").returncode == 0
    mods = _modules_after("summary", review)  # a .prr is read through its SQLModel tables (issue 14)
    assert {"prr_app.persistence.store", "sqlmodel"} <= mods
    assert not {m for m in set(HEAVY) - {"sqlalchemy", "sqlmodel", "pydantic"} if m in mods}
    mods = _modules_after("summary", EXAMPLES / "platform.json")
    assert "prr_app.cli.core_commands" in mods
    assert not {m for m in HEAVY if m in mods}
    assert not {"prr_app.cli.report_commands", "prr_app.cli.checklist_commands", "prr_app.cli.analyze_commands"} & mods
    mods = _modules_after("gate", "--help")
    assert "prr_app.cli.report_commands" in mods and "reportlab" not in mods


def test_help_lists_every_command_as_the_modules_define_them():
    """The light table of commands in main.py says what the command modules register."""
    import argparse
    import importlib

    from prr_app.cli import main as cli

    registered = []
    for name in cli.COMMAND_MODULES:
        sub = argparse.ArgumentParser().add_subparsers()
        importlib.import_module(name).register(sub)
        registered += [(a.dest, name, a.help) for a in sub._choices_actions]
    assert registered == cli.COMMANDS
    full = cli.build_parser().format_help()
    assert cli.build_parser(None).format_help() == full
    for command, _, _ in cli.COMMANDS:  # any command's parser lists the others the same way
        assert cli.build_parser(command).format_help() == full
    assert "checklist-templates" in full and "gate" in full


def test_unknown_command_is_one_line_exit_2():
    res = prr_process("no-such-command")
    assert res.returncode == 2
    assert len(res.stderr.strip().splitlines()) == 1 and "invalid choice: 'no-such-command'" in res.stderr
    res = prr_process("--debug", "summary", EXAMPLES / "platform.json")
    assert res.returncode == 0 and "components: 64" in res.stdout


def test_export_writes_what_the_suffix_names_and_refuses_a_prr(tmp_path):
    # a .prr named as an export target got JSON text that nothing could open (QA W4-10)
    out = tmp_path / "w.prr"
    res = prr("export", EXAMPLES / "webshop.json", "-o", out)
    assert res.returncode == 2 and not out.exists()
    assert len(res.stderr.strip().splitlines()) == 1 and "prr import" in res.stderr and "Traceback" not in res.stderr
    assert prr("export", EXAMPLES / "webshop.json", "-o", tmp_path / "w.csv").returncode == 0
    assert "launch blocking" in (tmp_path / "w.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert prr("export", EXAMPLES / "webshop.json", "-o", tmp_path / "w.json").returncode == 0
    assert (tmp_path / "w.json").read_bytes() == (EXAMPLES / "webshop.json").read_bytes()


def test_a_schema_error_names_the_element_by_its_id_as_the_rules_do(tmp_path):
    """A hand-written review with "placement": "z1" (a string, not a list) was reported at
    $.components[1].placement, while a rule's error on the same file names $.components[api]."""
    data = json.loads((EXAMPLES / "webshop.json").read_text())
    data["components"][3]["placement"] = "euw1-a"
    cid = data["components"][3]["id"]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    res = prr("validate", path)
    assert res.returncode == 2 and f"$.components[{cid}].placement:" in res.stderr, res.stderr
    data["components"][3]["placement"] = ["euw1-a"]
    data["dependencies"][0]["timeout_ms"] = "fast"
    path.write_text(json.dumps(data), encoding="utf-8")
    d = data["dependencies"][0]
    assert f"$.dependencies[{d['source']}->{d['target']}].timeout_ms" in prr("validate", path).stderr


def test_a_group_listed_as_a_member_of_a_group_is_named_as_such(tmp_path):
    data = json.loads((EXAMPLES / "webshop.json").read_text())
    groups = data["redundancy_groups"]
    assert groups, "the web shop has a redundancy group"
    comps = [c["id"] for c in data["components"]]
    groups.append({"id": "outer", "members": [groups[0]["id"], comps[0]], "min_up": 1})
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    res = prr("validate", path)
    assert res.returncode == 2
    assert f"$.redundancy_groups[outer].members[0]: '{groups[0]['id']}' is a redundancy group" in res.stderr
    assert "unknown component" not in res.stderr
