"""Calls an import inferred and no reviewer confirmed read so in every face (session 31): the report's
dependency table ("hard (inferred, not confirmed: weak)"), the findings and root causes whose chain
rests on a weak guess ("rests on api->rg (inferred, not confirmed: weak)"), and `prr analyze`'s line
near the verdict with the command that confirms them. Istio's bookinfo read every SPOF behind a
string literal in source code as a fact ("mongodb-v1 ... takes down productpage-v1")."""
from __future__ import annotations

import io
import json
import re

from prr_app.cli.main import main
from prr_app.model.entities import Component, Dependency, ImportRecord, RedundancyGroup, Review
from prr_app.reporting.assessment import build_assessment
from prr_app.reporting.markdown import render_markdown
from prr_app.reporting.pdf import render_pdf
from prr_app.review.document import save_review

WEAK = "inferred, not confirmed: weak"
STRONG = "inferred, not confirmed: strong"


def _review(decisions: dict[str, str] | None = None) -> Review:
    """web (user-facing) -> api -> group rg (r1, r2) -> db: db takes both members, so the group, api
    and web down. web->api is declared; api->rg and r1->db are weak guesses, r2->db a strong one."""
    decisions = decisions or {}
    r = Review()
    r.meta.system_name = "shop"
    r.add(Component("web", user_facing=True))
    for c in ("api", "r1", "r2"):
        r.add(Component(c))
    r.add(Component("db", kind="datastore"))
    r.add(RedundancyGroup("rg", members=["r1", "r2"], min_up=1))
    r.add(Dependency("web", "api", evidence=["k8s.yaml:3: env API_URL"]))
    inferred = []
    for src, dst, conf in (("api", "rg", "weak"), ("r1", "db", "weak"), ("r2", "db", "strong")):
        r.add(Dependency(src, dst, evidence=[f"src/{src}.py:1: literal"]))
        inferred.append({"id": f"{src}->{dst}", "source": src, "target": dst, "kind": "hard", "confidence": conf,
                         "evidence": [f"src/{src}.py:1: literal"], "decision": decisions.get(f"{src}->{dst}", "")})
    r.imports["import-1"] = ImportRecord("import-1", "2026-12-01T00:00:00+00:00", "repository", sources=["shop repo"],
                                         report={"inferred": inferred})
    return r


def _dep_rows(text: str) -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        m = re.match(r"\| (\S+) \| (\S+) \| (hard[^|]*) \|", line)
        if m:
            out[f"{m[1]}->{m[2]}"] = m[3].strip()
    return out


def test_the_markdown_marks_unconfirmed_calls_and_the_findings_that_rest_on_weak_ones():
    text = render_markdown(_review(), assessment=build_assessment(_review(), today="2026-12-10"))
    rows = _dep_rows(text)
    assert rows == {"web->api": "hard", "api->rg": f"hard ({WEAK})", "r1->db": f"hard ({WEAK})",
                    "r2->db": f"hard ({STRONG})"}
    assert "Confirm or reject each with prr import 'shop repo' --into REVIEW --accept ID" in text
    assert "or in the app's import report" in text
    spof = next(line for line in text.splitlines() if line.startswith("| db | instance"))
    # r1's own call and the group's: the group falls only with both members (r2 by a strong guess)
    assert f"rests on r1-\\>db, api-\\>rg ({WEAK})" in spof
    web = next(line for line in text.splitlines() if line.startswith("| web | instance"))
    assert "rests on" not in web  # its own failure: no call in its chain
    root = next(line for line in text.splitlines() if line.startswith("| ") and "db is a single point" in line)
    assert f"rests on r1-\\>db, api-\\>rg ({WEAK})" in root
    assert "| Calls not confirmed | 3 of 4 calls inferred, not confirmed (2 weak, 1 strong)" in text


def test_a_confirmed_call_reads_as_a_fact_again():
    r = _review({"api->rg": "accepted", "r1->db": "accepted", "r2->db": "accepted"})
    text = render_markdown(r, assessment=build_assessment(r, today="2026-12-10"))
    assert "not confirmed" not in text
    assert set(_dep_rows(text).values()) == {"hard"}


def test_the_pdf_lists_the_unconfirmed_calls_and_marks_the_findings():
    from pypdf import PdfReader

    data = render_pdf(_review(), assessment=build_assessment(_review(), today="2026-12-10"))
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)
    assert "Inferred, not confirmed: weak (2): api->rg, r1->db." in text
    assert "Inferred, not confirmed: strong (1): r2->db." in text
    # section 2 and the register name both; the summary's root cause one (read in a meeting)
    assert text.count(f"rests on r1->db, api->rg ({WEAK})") == 2
    assert f"rests on r1->db and 1 more ({WEAK})" in text
    assert "Calls not confirmed" in text


def test_prr_analyze_says_how_many_calls_are_guesses_and_how_to_confirm_them(tmp_path, capsys):
    path = tmp_path / "shop.prr"
    save_review(_review(), path)  # a .prr: the read for a look leaves the import reports out
    assert main(["analyze", str(path), "--today", "2026-12-10"]) == 0
    out = capsys.readouterr().out.splitlines()
    verdict = out.index(next(x for x in out if x.startswith("VERDICT:")))
    line = next(i for i, x in enumerate(out) if "not confirmed (" in x)
    assert verdict < line < out.index(next(x for x in out if x.startswith("risks:")))  # near the verdict
    assert out[line].startswith("  3 of 4 calls inferred, not confirmed (2 weak, 1 strong)")
    assert f"prr import 'shop repo' --into {path} --accept ID" in out[line]
    assert "1 single point of failure rests on weak ones" in out[line]
    chains = [x for x in out if x.strip().startswith("chain: db")]
    assert chains and all(x.endswith(f"; rests on r1->db, api->rg ({WEAK})") for x in chains)
    # --json keeps the analysis' own document
    assert main(["analyze", str(path), "--json", "--today", "2026-12-10"]) == 0
    doc = capsys.readouterr().out
    assert "not confirmed" not in doc and json.loads(doc)["verdict"]


def test_prr_analyze_says_nothing_once_the_calls_are_decided(tmp_path, capsys):
    path = tmp_path / "shop.prr"
    save_review(_review({"api->rg": "accepted", "r1->db": "accepted", "r2->db": "accepted"}), path)
    assert main(["analyze", str(path), "--today", "2026-12-10"]) == 0
    assert "not confirmed" not in capsys.readouterr().out
