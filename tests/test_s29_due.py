"""A due date set in the past, or after the target launch, is said when it is set (kept as given):
before, a not-met blocker's due date of last June, and a fix due after the launch, went without a word."""
from __future__ import annotations

import shutil
from pathlib import Path

from prr_app.cli.main import main
from prr_app.review.document import load_review
from prr_app.wording import due_warning

EXAMPLE = Path(__file__).resolve().parent.parent / "resources" / "examples" / "webshop.json"


def test_due_warning_words():
    assert "in the past" in due_warning("2020-01-01", "2026-12-07", "2026-12-15")
    assert "after the target launch on 2026-12-15" in due_warning("2027-01-01", "2026-12-07", "2026-12-15")
    assert due_warning("2026-12-10", "2026-12-07", "2026-12-15") is None
    assert due_warning("2027-01-01", "2026-12-07", None) is None and due_warning(None, "2026-12-07") is None


def test_the_cli_says_it_and_keeps_the_date(tmp_path, capsys):
    shop = tmp_path / "w.json"
    shutil.copy(EXAMPLE, shop)
    assert main(["risk", "mitigate", str(shop), "spof:component:payments-api", "--title", "second vendor",
                 "--due", "2099-02-01"]) == 0
    err = capsys.readouterr().err
    assert "warning: due 2099-02-01 is after the target launch on 2026-12-15" in err
    assert any(m.due == "2099-02-01" for m in load_review(shop).mitigations.values())
    item = "slo.dependencies-support-target"
    assert main(["checklist-answer", str(shop), item, "--status", "not_met", "--due", "2020-01-01",
                 "--by", "ana"]) == 0
    assert "warning: due 2020-01-01 is in the past" in capsys.readouterr().err
    assert load_review(shop).answers[item].due == "2020-01-01"
    assert main(["checklist-answer", str(shop), item, "--status", "met", "--due", "2020-01-01", "--by", "ana"]) == 0
    assert "warning" not in capsys.readouterr().err  # met: nothing is late
