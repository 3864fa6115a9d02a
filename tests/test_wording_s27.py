"""Session 27: a figure a reviewer stated is printed as stated, in every face."""
from __future__ import annotations

import json

from prr_app.cli.main import main
from prr_app.wording import stated


def test_stated_keeps_every_digit_a_reviewer_wrote():
    # ":g" keeps six significant digits: seven nines printed as "100"
    assert f"{99.99999:g}" == "100"
    assert stated(99.99999) == "99.99999"
    assert stated(99.9) == "99.9" and stated(30.0) == "30" and stated(0.5) == "0.5"


def test_an_slo_of_seven_nines_is_not_printed_as_100_percent(tmp_path, capsys):
    """A journey whose SLO is 99.99999 %: the analysis' risk, `prr analyze` and the Markdown report
    all print 99.99999, none prints an SLO of 100 % (which reads as an impossible target, or
    as a typo of the reviewer's)."""
    doc = json.loads(open("resources/examples/webshop.json", encoding="utf-8").read())
    jid = sorted(doc["journeys"])[0] if isinstance(doc["journeys"], dict) else None
    if jid is not None:
        doc["journeys"][jid]["slo"] = 99.99999
    else:
        doc["journeys"][0]["slo"] = 99.99999
    src = tmp_path / "seven-nines.json"
    src.write_text(json.dumps(doc), encoding="utf-8")

    assert main(["analyze", str(src)]) in (0, 1)
    out = capsys.readouterr().out
    assert "99.99999 %" in out
    assert "SLO 100 %" not in out and "(100 %)" not in out

    md = tmp_path / "r.md"
    assert main(["report", str(src), "-o", str(md), "--format", "markdown"]) in (0, 1)
    text = md.read_text(encoding="utf-8")
    assert "99.99999 %" in text
    assert "| 100 % |" not in text and "(100 %)" not in text


def test_an_estimate_with_no_figure_under_it_is_not_printed_as_an_exact_100_percent(tmp_path, capsys):
    """An import states no availability: `prr analyze` printed 'frontend: 100.0000 % (exact)', which
    reads as a result; it says 'no figures' as the report does, and the report's key figures name
    the estimates concerned."""
    from prr_app.model.entities import Component, Dependency, Review
    from prr_app.interchange.json_io import write_json
    from prr_app.reporting.assessment import build_assessment

    r = Review()
    r.add(Component(id="frontend", user_facing=True))
    r.add(Component(id="db"))
    r.add(Dependency(source="frontend", target="db", kind="hard"))
    src = tmp_path / "r.json"
    write_json(r, src)
    main(["analyze", str(src)])
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.strip().startswith("component frontend:"))
    assert "no figures" in line and "100.0000" not in line and "(exact)" not in line
    figures = dict(build_assessment(r).key_figures())
    assert "1 estimate with no availability figure under it (no figures: frontend)" in figures["Journeys below SLO"]
