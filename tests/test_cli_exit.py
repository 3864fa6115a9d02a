"""The ``prr`` process ends quickly once a command is done, and nothing it printed or wrote is lost."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "resources" / "examples" / "platform.json"


def run(*args, **kw):
    return subprocess.run([sys.executable, "-m", "prr_app", *map(str, args)], capture_output=True, **kw)


def test_large_json_on_stdout_arrives_whole(tmp_path):
    res = run("analyze", EXAMPLE, "--json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)  # every byte was flushed before the process ended
    assert doc["verdict"] and len(res.stdout) > 100_000


def test_stdout_redirected_to_a_file_is_complete(tmp_path):
    out = tmp_path / "a.json"
    with open(out, "wb") as fh:
        res = subprocess.run([sys.executable, "-m", "prr_app", "analyze", str(EXAMPLE), "--json"], stdout=fh,
                             stderr=subprocess.PIPE)
    assert res.returncode == 0
    assert json.loads(out.read_bytes())["verdict"]


def test_files_written_by_commands_are_complete_and_exit_codes_kept(tmp_path):
    prr = tmp_path / "p.prr"
    assert run("import", EXAMPLE, "-o", prr).returncode == 0
    assert not list(tmp_path.glob("*.prr-wal")), "the store was closed before the process ended"
    res = run("export", prr, "-o", tmp_path / "back.json")
    assert res.returncode == 0
    assert json.loads((tmp_path / "back.json").read_text())["format"] == "prr-review"
    assert run("gate", prr).returncode != 0  # the example is not ready: the gate's code survives
    bad = run("summary", tmp_path / "missing.prr")
    assert bad.returncode == 2 and b"no such file" in bad.stderr


def test_reader_that_leaves_early_gets_no_traceback():
    p = subprocess.Popen([sys.executable, "-m", "prr_app", "analyze", str(EXAMPLE), "--json"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdout.read(100)
    p.stdout.close()
    err = p.stderr.read()
    p.wait(timeout=60)
    assert b"Traceback" not in err
