"""The reviewer's decisions on a Terraform graph's guessed calls (creation order, not calls) hold on a
plain re-import, as a checkout's do: an accepted call stays confirmed (it was marked "inferred, not
confirmed" again), a rejected one stays out; a folder holding the graph marks its guesses too (its
import dropped them)."""
from __future__ import annotations

from pathlib import Path

from prr_app.cli.main import main
from prr_app.reporting.assessment import Guesses
from prr_app.review.document import load_review

GRAPH = """digraph {
  compound = "true"
  newrank = "true"
  subgraph "root" {
    "[root] aws_lb.web (expand)" [label = "aws_lb.web", shape = "box"]
    "[root] aws_ecs_service.app (expand)" [label = "aws_ecs_service.app", shape = "box"]
    "[root] aws_db_instance.db (expand)" [label = "aws_db_instance.db", shape = "box"]
    "[root] aws_lb.web (expand)" -> "[root] aws_ecs_service.app (expand)"
    "[root] aws_ecs_service.app (expand)" -> "[root] aws_db_instance.db (expand)"
  }
}
"""


def _guesses(path: Path) -> dict[str, str]:
    return Guesses(load_review(path)).calls


def test_decisions_on_a_terraform_graphs_guesses_hold_on_a_plain_reimport(tmp_path, capsys):
    src = tmp_path / "graph.dot"
    src.write_text(GRAPH)
    out = tmp_path / "r.prr"
    assert main(["import", str(src), "-o", str(out)]) == 0
    guessed = _guesses(out)
    assert len(guessed) == 2 and set(guessed.values()) == {"weak"}
    first, second = sorted(guessed)
    assert main(["import", str(src), "--into", str(out), "--accept", first, "--reject", second]) == 0
    assert _guesses(out) == {} and second not in load_review(out).dependencies
    capsys.readouterr()
    assert main(["import", str(src), "--into", str(out)]) == 0  # a plain re-import
    review = load_review(out)
    assert _guesses(out) == {} and first in review.dependencies and second not in review.dependencies


def test_a_folder_holding_a_terraform_graph_marks_its_guesses(tmp_path):
    co = tmp_path / "infra"
    co.mkdir()
    (co / "graph.dot").write_text(GRAPH)
    out = tmp_path / "r.prr"
    assert main(["import", str(co), "-o", str(out)]) == 0
    assert len(_guesses(out)) == 2
