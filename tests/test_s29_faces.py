"""`prr analyze`'s SPOF list shows a reviewer's override as the register and the report do: one risk,
one severity (before, the list said high 3x5 beside a register that said low 2x2)."""
from __future__ import annotations

import shutil
from pathlib import Path

from prr_app.cli.main import main

EXAMPLE = Path(__file__).resolve().parent.parent / "resources" / "examples" / "webshop.json"


def test_the_spof_list_shows_the_override(tmp_path, capsys):
    shop = tmp_path / "w.json"
    shutil.copy(EXAMPLE, shop)
    assert main(["risk", "override", str(shop), "spof:component:payments-api", "--likelihood", "2", "--impact", "2",
                 "--reason", "vendor SLA", "--by", "ana"]) == 0
    capsys.readouterr()
    assert main(["analyze", str(shop)]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if "component payments-api" in x)
    assert line.strip().startswith("[low     ]")
    assert "(overridden: 2x2=4, was high 3x5=15)" in line
