"""Who made a decision: one rule for every command that records a person (session 29).

As root (CI, a container) `prr risk accept` refused without --by, but `override`, `blocking`,
`owner` and `reopen` recorded the decision as made by nobody ("someone" in `prr risk list`), and
`prr milestone add` recorded `taken_by root`: a decision nobody can be traced to (domain.md: an
override is only trusted with who and why). Every command now takes its person from
`prr_app.review.people.who_decides`: `--by`, else the login name of a person; a system account, no
login name or an empty `--by` is refused with one line naming the file and `--by`, exit 2, and the
file is left byte for byte as it was. Driven through the CLI's main() with the login name
monkeypatched (getpass.getuser, which the one who-am-I reads).
"""
from __future__ import annotations

import getpass
import hashlib
import shutil
from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.review import milestones as M
from prr_app.review.document import load_review

RISK = "spof:component:cart-db"

#: each command that records a person, as its arguments after REVIEW, and the question its refusal asks
COMMANDS = {
    "accept": (["risk", "accept", "{f}", RISK, "--reason", "r"], "who accepts the risk"),
    "reopen": (["risk", "reopen", "{f}", RISK, "--reason", "taken back"], "who takes the acceptance back"),
    "owner": (["risk", "owner", "{f}", RISK, "sre"], "who sets the owner"),
    "override": (["risk", "override", "{f}", RISK, "--likelihood", "1", "--impact", "2", "--reason", "cached"],
                 "who overrides the score"),
    "blocking": (["risk", "blocking", "{f}", RISK, "no", "--reason", "read-only"],
                 "who decides whether it blocks the launch"),
    "milestone": (["milestone", "add", "{f}", "pre-launch"], "who takes the milestone"),
}


@pytest.fixture
def shop(tmp_path, examples_dir, capsys, monkeypatch) -> Path:
    """The web shop example with RISK accepted (by a named person), so that reopen has something to take back."""
    p = tmp_path / "shop.json"
    shutil.copy(examples_dir / "webshop.json", p)
    monkeypatch.setattr(getpass, "getuser", lambda: "setup-person")
    assert main(["risk", "accept", str(p), RISK, "--reason", "first", "--by", "Lee Chen"]) == 0
    capsys.readouterr()
    return p


def run(capsys, argv, f, *extra):
    code = main([a.format(f=f) for a in argv] + list(extra))
    out, err = capsys.readouterr()
    return code, out, err


def digest(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def recorded_by(f: Path, name: str) -> str:
    """Who the last decision of ``name``'s command names, as the review file keeps it."""
    review = load_review(f)
    if name == "milestone":
        return review.milestones["pre-launch"].taken_by
    if name == "accept":
        return review.risks[RISK].acceptance.by
    return review.risks[RISK].history[-1].by


@pytest.mark.parametrize("name", list(COMMANDS))
@pytest.mark.parametrize("login", ["root", "Administrator", "runner"])
def test_a_system_account_is_refused_by_every_command_that_records_a_person(capsys, shop, monkeypatch, name, login):
    argv, who = COMMANDS[name]
    monkeypatch.setattr(getpass, "getuser", lambda: login)
    before = digest(shop)
    code, out, err = run(capsys, argv, shop)
    assert (code, out) == (2, "")
    assert err == f"prr: {shop}: --by: {who}? give --by NAME (the login name is a system account, or there is none)\n"
    assert digest(shop) == before  # nothing written: no decision recorded as made by "someone" or by root


@pytest.mark.parametrize("name", list(COMMANDS))
def test_no_login_name_at_all_is_refused_the_same_way(capsys, shop, monkeypatch, name):
    def no_login():
        raise KeyError("getpwuid(): uid not found: 1000")  # a container without a passwd entry

    argv, who = COMMANDS[name]
    monkeypatch.setattr(getpass, "getuser", no_login)
    before = digest(shop)
    code, _, err = run(capsys, argv, shop)
    assert code == 2 and err.startswith(f"prr: {shop}: --by: {who}? give --by NAME") and err.count("\n") == 1
    assert digest(shop) == before


@pytest.mark.parametrize("name", list(COMMANDS))
def test_by_names_the_person_even_as_root(capsys, shop, monkeypatch, name):
    argv, _ = COMMANDS[name]
    monkeypatch.setattr(getpass, "getuser", lambda: "root")
    code, out, err = run(capsys, argv, shop, "--by", "  Priya Raman ")
    assert code == 0, err
    assert recorded_by(shop, name) == "Priya Raman"
    if name == "milestone":
        assert "taken by Priya Raman" in out


@pytest.mark.parametrize("name", list(COMMANDS))
def test_the_login_name_of_a_person_is_recorded(capsys, shop, monkeypatch, name):
    argv, _ = COMMANDS[name]
    monkeypatch.setattr(getpass, "getuser", lambda: "priya")
    code, _, err = run(capsys, argv, shop)
    assert code == 0, err
    assert recorded_by(shop, name) == "priya"


@pytest.mark.parametrize("name", list(COMMANDS))
@pytest.mark.parametrize("given", ["", "   "])
def test_an_empty_by_is_refused_never_replaced_by_the_login_name(capsys, shop, monkeypatch, name, given):
    """`accept --by '  '` recorded the login name instead (the blank name fell through to it)."""
    argv, who = COMMANDS[name]
    monkeypatch.setattr(getpass, "getuser", lambda: "priya")
    before = digest(shop)
    code, _, err = run(capsys, argv, shop, "--by", given)
    assert (code, err) == (2, f"prr: {shop}: --by: empty: give {who}\n")
    assert digest(shop) == before


def test_the_testers_reproduction_as_root(capsys, tmp_path, monkeypatch, examples_dir):
    """The tester's script on a .prr: override, blocking and milestone add as root without --by are
    refused as accept is; with --by the history names the person, and `prr risk list` says who."""
    f = tmp_path / "r4.prr"
    assert main(["import", str(examples_dir / "webshop.json"), "-o", str(f), "--quiet"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(getpass, "getuser", lambda: "root")
    for argv in (["risk", "override", str(f), RISK, "--likelihood", "1", "--impact", "2", "--reason", "cached"],
                 ["risk", "blocking", str(f), RISK, "no", "--reason", "read-only"],
                 ["risk", "accept", str(f), RISK, "--reason", "x"],
                 ["milestone", "add", str(f), "m1"]):
        assert main(argv) == 2
        _, err = capsys.readouterr()
        assert "give --by NAME" in err and err.count("\n") == 1
    review = load_review(f)
    assert review.milestones == {} and (RISK not in review.risks or not review.risks[RISK].history)
    assert main(["risk", "override", str(f), RISK, "--likelihood", "1", "--reason", "cached", "--by", "Ana"]) == 0
    capsys.readouterr()
    assert main(["risk", "list", str(f)]) == 0
    out = capsys.readouterr()[0]
    assert " Ana overrode the score (likelihood 1): cached" in out and "someone" not in out


def test_a_milestone_taken_without_a_name_never_records_a_system_account(webshop, monkeypatch):
    """The use case's own default (the app's Take Milestone passes no name): a system account names
    nobody, so it is left empty rather than written as who took it."""
    monkeypatch.setattr(getpass, "getuser", lambda: "root")
    assert M.take(webshop, "design").taken_by == ""
    monkeypatch.setattr(getpass, "getuser", lambda: "priya")
    assert M.take(webshop, "pre-launch").taken_by == "priya"


def test_who_am_i_is_written_once():
    """The issue tracker asked for one who-am-I: the login name is read in prr_app/review/people.py
    alone among the use cases, and the risk and milestone commands take the person from it."""
    root = Path(__file__).resolve().parent.parent / "prr_app"
    readers = sorted(str(p.relative_to(root)) for p in (root / "review").glob("*.py") if "getpass" in p.read_text())
    assert readers == ["review/people.py"]
    for cli in ("risk_commands.py", "diff_commands.py"):
        text = (root / "cli" / cli).read_text()
        assert "getpass" not in text and "who_decides" in text
