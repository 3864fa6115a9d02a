"""Session 30: the launch decision tried on real systems.

1. ``prr gate --min-availability`` passed a journey with no availability figure under it (100 % only
   because nothing it needs states one): missing information fails safe, so it fails, in one line
   saying why; and ``prr analyze`` says "not judged (no figures)" of its SLO, as the report does,
   where it said "ok".
2. ``prr analyze`` and ``prr gate`` never printed the verdict's assumptions (tier not stated so judged
   tier 1, default policy...), which the report's cover lists: both print them now, in its words.
"""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.interchange.json_io import write_json
from prr_app.model.entities import Component, Dependency, Journey, Review
from prr_app.wording import DECIDING_ASSUMPTIONS, NOT_JUDGED_NO_FIGURES

REAL = Path("/work/shared/realdata")


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    o = capsys.readouterr()
    return code, o.out, o.err


def _review(tmp_path, *, figures: bool, entry: tuple[str, ...] = ("web",)) -> Path:
    """web -> db, a critical journey with an SLO; ``figures``: both state an availability."""
    r = Review()
    r.meta.tier = None  # as an import leaves it: judged as tier 1, an assumption of the verdict
    r.add(Component(id="web", user_facing=True, slo=99.0, availability=99.99 if figures else None))
    r.add(Component(id="db", availability=99.98 if figures else None))
    r.add(Dependency(source="web", target="db", kind="hard"))
    r.add(Journey(id="checkout", entry=list(entry), slo=99.9, critical=True))
    src = tmp_path / "r.json"
    write_json(r, src)
    return src


def _availability_cases(junit: Path) -> dict[str, ET.Element]:
    root = ET.parse(junit).getroot()
    return {tc.get("name"): tc for tc in root.iter("testcase") if tc.get("classname") == "availability"}


# --- 1. a journey with no figures -------------------------------------------------------------------

def test_gate_fails_a_journey_with_no_figures_and_says_why(tmp_path, capsys):
    src = _review(tmp_path, figures=False)
    junit = tmp_path / "gate.xml"
    code, out, _err = run(capsys, "gate", src, "--min-availability", "99.99", "--ignore-verdict", "--junit", junit)
    assert code == 1
    line = next(x for x in out.splitlines() if x.startswith("AVAILABILITY checkout"))
    assert line == ("AVAILABILITY checkout: not judged (no figures): nothing it needs states an availability, "
                    "so nothing shows it reaches the required 99.99 %")
    case = _availability_cases(junit)["checkout"]
    failure = case.find("failure")
    assert failure is not None and failure.get("message") == line


def test_gate_still_passes_and_fails_journeys_with_figures_on_their_estimate(tmp_path, capsys):
    src = _review(tmp_path, figures=True)  # 99.99 x 99.98 = about 99.97
    junit = tmp_path / "gate.xml"
    run(capsys, "gate", src, "--min-availability", "99.9", "--ignore-verdict", "--junit", junit)
    assert _availability_cases(junit)["checkout"].find("failure") is None
    code, out, _err = run(capsys, "gate", src, "--min-availability", "99.99", "--ignore-verdict", "--quiet")
    assert code == 1
    assert "AVAILABILITY checkout: best possible 99.9700 % is below the required 99.99 %" in out.splitlines()


def test_gate_min_availability_zero_is_met_without_figures(tmp_path, capsys):
    src = _review(tmp_path, figures=False)
    junit = tmp_path / "gate.xml"
    run(capsys, "gate", src, "--min-availability", "0", "--ignore-verdict", "--junit", junit)
    assert _availability_cases(junit)["checkout"].find("failure") is None


def test_gate_fails_a_journey_the_analysis_could_not_estimate(tmp_path, capsys):
    """A journey without entry components has no availability row at all: it had no test case, and so
    passed by not being checked."""
    src = _review(tmp_path, figures=True, entry=())
    junit = tmp_path / "gate.xml"
    code, out, _err = run(capsys, "gate", src, "--min-availability", "99", "--ignore-verdict", "--junit", junit)
    assert code == 1
    line = next(x for x in out.splitlines() if x.startswith("AVAILABILITY checkout"))
    assert "not judged (no entry components)" in line and "99 %" in line
    assert _availability_cases(junit)["checkout"].find("failure") is not None


def test_analyze_says_not_judged_no_figures_as_the_report_does(tmp_path, capsys):
    src = _review(tmp_path, figures=False)
    code, out, _err = run(capsys, "analyze", src)
    assert code == 0
    line = next(x for x in out.splitlines() if x.strip().startswith("journey   checkout:"))
    assert line.endswith(f"SLO 99.9 %: {NOT_JUDGED_NO_FIGURES}") and ": ok" not in line
    md = tmp_path / "r.md"
    run(capsys, "report", src, "-o", md)
    assert NOT_JUDGED_NO_FIGURES in md.read_text(encoding="utf-8")
    # with figures, the line is judged as before
    src = _review(tmp_path, figures=True)
    _code, out, _err = run(capsys, "analyze", src)
    line = next(x for x in out.splitlines() if x.strip().startswith("journey   checkout:"))
    assert line.endswith("SLO 99.9 %: ok")


@pytest.mark.skipif(not (REAL / "sock-shop").is_dir(), reason="needs /work/shared/realdata")
def test_sock_shop_checkout_with_no_figures_fails_the_gate(tmp_path, capsys):
    """The defect as found: sock-shop imported, a critical journey with an SLO added, gated at 99.99 %."""
    prr = tmp_path / "s.prr"
    assert run(capsys, "import", REAL / "sock-shop", "-o", prr, "--quiet")[0] == 0
    assert run(capsys, "add", prr, "journey", "checkout", "entry=front-end,orders", "slo=99.9", "critical=true")[0] == 0
    junit = tmp_path / "out.xml"
    code, out, _err = run(capsys, "gate", prr, "--min-availability", "99.99", "--junit", junit)
    assert code == 1
    assert _availability_cases(junit)["checkout"].find("failure") is not None
    assert any(x.startswith(f"AVAILABILITY checkout: {NOT_JUDGED_NO_FIGURES}:") for x in out.splitlines())
    _code, out, _err = run(capsys, "analyze", prr)
    assert (f"journey   checkout: no figures (nothing it needs states an availability), SLO 99.9 %: "
            f"{NOT_JUDGED_NO_FIGURES}") in out


# --- 2. the verdict's assumptions --------------------------------------------------------------------

def _deciding(capsys, src) -> list[str]:
    _code, out, _err = run(capsys, "analyze", src, "--json")
    return json.loads(out)["verdict"]["assumptions"]


def test_analyze_lists_the_assumptions_that_decided_the_verdict_under_it(tmp_path, capsys):
    src = _review(tmp_path, figures=False)
    deciding = _deciding(capsys, src)
    assert any(x.startswith("The service tier is not stated") for x in deciding)
    _code, out, _err = run(capsys, "analyze", src)
    lines = out.splitlines()
    head = lines.index(f"  {DECIDING_ASSUMPTIONS}:")
    # right under the verdict and its causes, before the next section
    verdict = next(i for i, x in enumerate(lines) if x.startswith("VERDICT:"))
    assert verdict < head and all(x.startswith("  - ") for x in lines[verdict + 1:head])
    assert lines[head + 1:head + 1 + len(deciding)] == [f"    - {x}" for x in deciding]
    assert lines[head + 1 + len(deciding)] == ""
    # the report's words: each sentence is on the Markdown report's cover as printed here
    md = tmp_path / "r.md"
    run(capsys, "report", src, "-o", md)
    text = md.read_text(encoding="utf-8")
    assert f"**{DECIDING_ASSUMPTIONS}:**" in text
    assert all(f"- {x}" in text for x in deciding if "*" not in x and "_" not in x)


def test_gate_lists_the_assumptions_before_its_summary_line(tmp_path, capsys):
    src = _review(tmp_path, figures=False)
    deciding = _deciding(capsys, src)
    _code, out, _err = run(capsys, "gate", src, "--ignore-verdict", "--fail-on", "blocker")
    lines = out.splitlines()
    assert lines[-1].startswith(("PASS:", "FAIL:"))
    assert lines[-2 - len(deciding):-1] == [f"{DECIDING_ASSUMPTIONS}:"] + [f"  - {x}" for x in deciding]
    # --quiet prints only failures
    _code, out, _err = run(capsys, "gate", src, "--quiet")
    assert DECIDING_ASSUMPTIONS not in out


@pytest.mark.skipif(not (REAL / "online-boutique").is_dir(), reason="needs /work/shared/realdata")
def test_online_boutique_analyze_and_gate_say_tier_1_was_a_default(tmp_path, capsys):
    prr = tmp_path / "ob.prr"
    assert run(capsys, "import", REAL / "online-boutique", "-o", prr, "--quiet")[0] == 0
    tier = ("The service tier is not stated: every component without its own tier is judged as tier 1 "
            "(the most demanding) for launch blocking.")
    _code, out, _err = run(capsys, "analyze", prr)
    assert f"    - {tier}" in out.splitlines()
    _code, out, _err = run(capsys, "gate", prr)
    assert f"  - {tier}" in out.splitlines()
