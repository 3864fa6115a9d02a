"""A read-only review (``chmod a-w``, refused even for root) and the edit commands: the edit is worked out
first, so what is wrong with it is said as such (exit 2), one that changes nothing says "no change" and
exits 0 without writing, and only a real change is refused as read-only. Before, every ``prr set``,
``add`` and ``delete`` on a read-only review said only "the file is read-only", hiding the real error
and refusing a no-op that writes nothing. Also: ``prr gate --min-availability`` on a review with no
journey checked nothing while its summary line named the minimum."""
from __future__ import annotations

import hashlib
import os
import shutil
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.review.document import load_review

EXAMPLE = Path(__file__).resolve().parent.parent / "resources" / "examples" / "webshop.json"
READ_ONLY = "cannot write: the file is read-only"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


def state(p: Path):
    st = os.stat(p)
    return hashlib.sha256(p.read_bytes()).hexdigest(), st.st_mtime_ns, sorted(os.listdir(p.parent))


@pytest.fixture(params=["json", "prr"])
def ro_shop(request, tmp_path, capsys):
    src = tmp_path / "w.json"
    shutil.copy(EXAMPLE, src)
    path = src
    if request.param == "prr":
        path = tmp_path / "w.prr"
        assert main(["import", str(src), "-o", str(path), "--quiet"]) == 0
        src.unlink()
    capsys.readouterr()
    os.chmod(path, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    yield path
    os.chmod(path, 0o644)


def test_a_no_op_on_a_read_only_review_says_no_change_and_writes_nothing(capsys, ro_shop):
    tier = load_review(ro_shop).meta.tier
    before = state(ro_shop)
    code, out, err = run(capsys, "set", ro_shop, "review", f"tier={tier}")
    assert (code, err) == (0, "")
    assert out.strip().endswith("no change: the review already says so")
    assert state(ro_shop) == before


@pytest.mark.parametrize("argv, says", [
    (("delete", "{f}", "nosuch"), "no component, dependency, group, domain or journey 'nosuch' in the review"),
    (("add", "{f}", "component", "storefront"), "component 'storefront' is already in the review"),
    (("set", "{f}", "review", "tier=9"), "tier: 9 is too large"),
])
def test_what_is_wrong_with_an_edit_is_said_before_read_only(capsys, ro_shop, argv, says):
    before = state(ro_shop)
    code, out, err = run(capsys, *[a.format(f=ro_shop) for a in argv])
    assert code == 2 and out == ""
    assert err.startswith(f"prr: {ro_shop}: ") and says in err and "read-only" not in err
    assert "Traceback" not in err and err.count("\n") == 1
    assert state(ro_shop) == before


@pytest.mark.parametrize("argv", [
    ("set", "{f}", "review", "tier=2"),
    ("add", "{f}", "component", "cache"),
    ("delete", "{f}", "storefront"),
    ("set", "{f}", "review", "tier=2", "-o", "{f}"),  # -o REVIEW is in place
])
def test_a_real_change_on_a_read_only_review_is_refused_and_nothing_written(capsys, ro_shop, argv):
    before = state(ro_shop)
    code, out, err = run(capsys, *[a.format(f=ro_shop) for a in argv])
    assert (code, out, err) == (2, "", f"prr: {ro_shop}: {READ_ONLY}\n")
    assert state(ro_shop) == before


def test_a_read_only_review_still_gives_a_changed_copy_with_o(capsys, ro_shop, tmp_path):
    out_path = tmp_path / ("copy" + ro_shop.suffix)
    before = state(ro_shop)
    code, out, err = run(capsys, "set", ro_shop, "review", "tier=2", "-o", out_path)
    assert code == 0, err
    assert load_review(out_path).meta.tier == 2
    assert state(ro_shop)[:2] == before[:2]


# -- gate --min-availability on a review with no journey -------------------------------------------------

NO_JOURNEY = ("AVAILABILITY no journey: nothing to judge against --min-availability 99; add the journeys "
              "that matter (prr add REVIEW journey ...)")


@pytest.fixture
def no_journeys(tmp_path, capsys):
    src = tmp_path / "nj.json"
    shutil.copy(EXAMPLE, src)
    assert main(["delete", str(src), *load_review(src).journeys]) == 0
    capsys.readouterr()
    assert not load_review(src).journeys
    return src


def test_gate_min_availability_with_no_journey_fails_and_says_so(capsys, no_journeys, tmp_path):
    junit = tmp_path / "gate.xml"
    code, out, _ = run(capsys, "gate", no_journeys, "--min-availability", "99", "--ignore-verdict",
                       "--junit", junit)
    assert code == 1
    assert out.splitlines().count(NO_JOURNEY) == 1
    cases = [c for c in ET.parse(junit).getroot().iter("testcase") if c.get("classname") == "availability"]
    assert len(cases) == 1
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("message") == NO_JOURNEY


def test_gate_without_min_availability_or_with_zero_has_no_failing_availability_check(capsys, no_journeys, tmp_path):
    junit = tmp_path / "gate.xml"
    run(capsys, "gate", no_journeys, "--ignore-verdict", "--junit", junit)
    assert not [c for c in ET.parse(junit).getroot().iter("testcase") if c.get("classname") == "availability"]
    _, out, _ = run(capsys, "gate", no_journeys, "--min-availability", "0", "--ignore-verdict", "--junit", junit)
    assert "no journey" not in out
    cases = [c for c in ET.parse(junit).getroot().iter("testcase") if c.get("classname") == "availability"]
    assert len(cases) == 1 and cases[0].find("failure") is None  # a minimum of 0 is met by anything
