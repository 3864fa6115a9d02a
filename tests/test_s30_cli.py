"""Round 30, the ``prr`` command line tried on real systems.

* ``prr diff`` printed stored enum values ("status met -> not_met", "kind service -> load_balancer",
  "in_progress") and Python dicts ("accepted: (none) -> {'by': ...}") where ``prr checklist`` and the
  report say the words;
* ``prr delete`` of a component listed the calls made on it, its journeys and groups, but not the
  calls it makes itself, deleted all the same;
* a re-import of files that had not changed said "no changes" and still wrote a new import record
  (and re-dated every proposal): the file rewritten, an undo step in the app.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from prr_app.cli.main import main
from prr_app.review.document import load_review

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "resources" / "examples" / "webshop.json"
REALDATA = ROOT.parent / "shared" / "realdata"
BOUTIQUE = REALDATA / "online-boutique" / "kubernetes-manifests.yaml"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    cap = capsys.readouterr()
    return code, cap.out, cap.err


@pytest.fixture
def shop(tmp_path):
    out = tmp_path / "w.prr"
    assert main(["import", str(EXAMPLE), "-o", str(out), "--quiet"]) == 0
    return out


# ------------------------------------------------------------------ 1. prr diff says the words
def test_diff_says_every_stored_enum_value_in_words(capsys, shop, tmp_path):
    old = tmp_path / "old.prr"
    shutil.copy(shop, old)
    for argv in (["checklist-answer", old, "svc.probes@cart-svc", "--status", "met", "--by", "ann"],
                 ["risk", "mitigate", old, "spof:component:cart-db", "--title", "Second replica", "--owner", "ann"]):
        assert run(capsys, *argv)[0] == 0
    new = tmp_path / "new.prr"
    shutil.copy(old, new)
    mit = next(iter(load_review(new).mitigations))
    comp = next(c for c, x in load_review(new).components.items() if x.kind == "service" and c != "cart-svc")
    for argv in (["checklist-answer", new, "svc.probes@cart-svc", "--status", "not_met", "--by", "ann"],
                 ["checklist-answer", new, "slo.dependencies-support-target", "--status", "not_applicable", "--reason",
                  "no load expected", "--by", "ann"],
                 ["set", new, comp, "kind=load_balancer", "user_facing=true"],
                 ["risk", "mitigation", new, mit, "--status", "in_progress"],
                 ["risk", "accept", new, "spof:component:cart-db", "--reason", "for now", "--by", "vp",
                  "--until", "2099-01-31"]):
        code, out, err = run(capsys, *argv)
        assert code == 0, err
    code, out, err = run(capsys, "diff", old, new, "--limit", "0")
    assert code == 0, err
    # every enum value in words, as `prr checklist` and the report say them
    assert "svc.probes@cart-svc: status met -> not met" in out
    assert "+ slo.dependencies-support-target: not applicable" in out
    assert "~ svc.probes@cart-svc: met -> not met (by a reviewer)" in out  # the checklist part
    assert f"~ {comp}: kind service -> load balancer" in out
    assert "user facing no -> yes" in out
    assert f"~ {mit}: status planned -> in progress" in out
    assert "accepted by vp on " in out and "until 2099-01-31: for now" in out  # the acceptance, not a dict
    for stored in ("not_met", "not_applicable", "in_progress", "load_balancer", "user_facing", "launch_blocking",
                   "{'"):
        assert stored not in out, stored
    # the other way: removed answers and mitigations say their state in words too
    code, out, err = run(capsys, "diff", new, old, "--limit", "0")
    assert code == 0, err
    assert "- slo.dependencies-support-target (was not applicable)" in out
    assert "acceptance withdrawn (was accepted by vp on " in out
    assert not any(s in out for s in ("not_met", "not_applicable", "in_progress", "load_balancer", "{'"))


def test_diff_json_keeps_the_stored_values(capsys, shop, tmp_path):
    """Only the text is worded: the JSON document keeps the values as stored (schemas/diff.schema.json)."""
    import json

    new = tmp_path / "new.prr"
    shutil.copy(shop, new)
    assert run(capsys, "checklist-answer", new, "svc.probes@cart-svc", "--status", "not_met", "--by", "ann")[0] == 0
    code, out, _ = run(capsys, "diff", shop, new, "--json")
    d = json.loads(out)
    assert d["model"]["answer_states"]["svc.probes@cart-svc"]["status"] == "not_met"


def test_ids_keep_their_underscores(capsys, shop, tmp_path):
    """Only values of enum fields are worded: an id or a name that holds "_" is printed as it is."""
    new = tmp_path / "new.prr"
    shutil.copy(shop, new)
    code, _, err = run(capsys, "add", new, "domain", "zone_b", "kind=zone")
    assert code == 0, err
    code, _, err = run(capsys, "set", new, "cart-db", "owner=team_cart", "placement+=zone_b")
    assert code == 0, err
    code, out, _ = run(capsys, "diff", shop, new)
    assert "+ zone_b" in out and "'team_cart'" not in out and "team_cart" in out and "zone_b]" in out


# ------------------------------------------------------------------ 2. prr delete says every call that goes
def _calls_said(lines: list[str]) -> set[str]:
    """The calls a delete's lines name (``a->b``), and how many they count but do not name."""
    said = set()
    for line in lines:
        if " call" in line and " with " in line:
            m = re.search(r": (.*)$", line)
            said |= {c.strip() for c in re.split(r", | and \d+ more", m.group(1)) if "->" in c}
    return said


def test_delete_lists_every_call_that_goes_and_only_those(capsys, shop, tmp_path):
    review = load_review(shop)
    # a component with calls both ways (at most 3 callers: the line on calls made on it names 3)
    victim = next(c for c in sorted(review.components)
                  if 0 < len(review.dependents_of(c)) <= 3 and review.dependencies_of(c))
    other = next(c for c in sorted(review.components) if c != victim)
    for argv in (["add", shop, "journey", "via-victim", f"entry={victim}"],
                 ["add", shop, "group", "pair", f"members={victim},{other}"]):
        code, _, err = run(capsys, *argv)
        assert code == 0, err
    before = load_review(shop)
    assert before.dependencies_of(victim) and before.dependents_of(victim)
    code, out, err = run(capsys, "delete", shop, victim)
    assert code == 0, err
    after = load_review(shop)
    gone = set(before.dependencies) - set(after.dependencies)
    assert gone == {d.id for d in before.dependencies_of(victim)} | {d.id for d in before.dependents_of(victim)}
    lines = out.splitlines()
    assert _calls_said(lines) == gone  # the listing and what is deleted agree, call by call
    own = next(ln for ln in lines if f"{victim} makes" in ln)
    assert all(d.id in own for d in before.dependencies_of(victim))
    assert any("journey via-victim starts at" in ln for ln in lines)
    assert any("group pair has" in ln for ln in lines)
    assert after.journeys["via-victim"].entry == [] and victim not in after.groups["pair"].members


def test_delete_of_two_components_names_the_call_between_them_once(capsys, shop):
    review = load_review(shop)
    dep = next(d for d in review.dependencies.values() if d.target in review.components)
    code, out, err = run(capsys, "delete", shop, dep.source, dep.target)
    assert code == 0, err
    after = load_review(shop)
    gone = set(review.dependencies) - set(after.dependencies)
    assert dep.id in gone and _calls_said(out.splitlines()) == gone
    assert sum(ln.count(dep.id) for ln in out.splitlines() if " call" in ln and " with " in ln) == 1


def test_delete_of_a_call_alone_says_no_more(capsys, shop):
    dep = next(iter(load_review(shop).dependencies))
    code, out, err = run(capsys, "delete", shop, dep)
    assert code == 0, err
    assert " makes " not in out and " make " not in out


# ------------------------------------------------------------------ 3. a re-import that changes nothing
def _next_second() -> None:
    """Wait for the clock's next second: an import record is timed to the second, and one re-import
    within the second of the import leaves part of its record on the earlier one (the records tie:
    ``review/proposals.apply_evidence`` takes the first, the merge adds the last), which reads as a change."""
    import time

    now = int(time.time())
    while int(time.time()) == now:
        time.sleep(0.02)


@pytest.fixture
def boutique(tmp_path):
    if not BOUTIQUE.exists():
        pytest.skip("shared/realdata is not beside the repository")
    src = tmp_path / "k8s.yaml"
    shutil.copy(BOUTIQUE, src)
    out = tmp_path / "ob.prr"
    assert main(["import", str(src), "-o", str(out), "--quiet"]) == 0
    _next_second()
    return src, out


@pytest.mark.parametrize("suffix", [".prr", ".json"])
def test_reimport_of_unchanged_files_leaves_the_file_as_it_was(capsys, boutique, tmp_path, suffix):
    src, prr = boutique
    review = prr
    if suffix == ".json":
        review = tmp_path / "ob.json"
        assert main(["export", str(prr), "--format", "json", "-o", str(review)]) == 0
    # a reviewer's edit the files do not say: kept, and no change either
    code, _, err = run(capsys, "set", review, "cartservice", "owner=team-cart", "replicas=2")
    assert code == 0, err
    raw, stat = review.read_bytes(), review.stat()
    code, out, err = run(capsys, "import", src, "--into", review)
    assert code == 0, err
    assert review.read_bytes() == raw  # byte for byte
    assert review.stat().st_ino == stat.st_ino and review.stat().st_mtime_ns == stat.st_mtime_ns  # not even replaced
    assert "no change: the review already says what these files say" in out
    assert "left as it was" in out and "wrote" not in out.splitlines()[-1]
    assert len(load_review(review).imports) == 1


def test_reimport_of_changed_files_writes_and_records_it(capsys, boutique):
    src, prr = boutique
    text = src.read_text()
    at = text.index("  name: adservice\n")
    at = text.index("\nspec:\n", at) + len("\nspec:\n")
    src.write_text(text[:at] + "  replicas: 3\n" + text[at:])
    code, out, err = run(capsys, "import", src, "--into", prr)
    assert code == 0, err
    assert "component adservice: replicas 1 -> 3" in out and out.splitlines()[-1] == f"wrote {prr}"
    r = load_review(prr)
    assert r.components["adservice"].replicas == 3 and len(r.imports) == 2
    _next_second()
    raw = prr.read_bytes()
    code, out, err = run(capsys, "import", src, "--into", prr)  # and again: nothing new
    assert code == 0 and prr.read_bytes() == raw and "no change" in out
    assert len(load_review(prr).imports) == 2


def test_reimport_with_output_writes_the_copy_and_dry_run_says_no_change(capsys, boutique, tmp_path):
    src, prr = boutique
    raw = prr.read_bytes()
    code, out, err = run(capsys, "import", src, "--into", prr, "--dry-run")
    assert code == 0 and "no change" in out and "nothing written" in out
    copy = tmp_path / "copy.prr"
    code, out, err = run(capsys, "import", src, "--into", prr, "-o", copy)
    assert code == 0, err
    assert prr.read_bytes() == raw and copy.exists() and f"wrote it to {copy}" in out
    assert load_review(copy) == load_review(prr)


def test_the_use_case_returns_the_review_it_went_into(boutique):
    """What the app's re-import compares with the review it had: the same review, so no undo step."""
    from prr_app.review import edits
    from prr_app.review.importing import import_review

    src, prr = boutique
    base = load_review(prr)
    res = import_review([str(src)], into=base)
    assert res.unchanged and res.review is base
    assert edits.review_changes(base, res.review, base) == []
    # a decision taken on the inferred dependencies, or another format, is a change (kept in a new record)
    other = import_review([str(REALDATA / "online-boutique" / "derived-edges.csv")], into=base)
    assert not other.unchanged and len(other.review.imports) == 2


def test_a_checkout_reimport_reads_the_same_variant_and_changes_nothing(capsys, tmp_path):
    repo = REALDATA / "online-boutique-repo"
    if not repo.exists():
        pytest.skip("shared/realdata is not beside the repository")
    prr = tmp_path / "repo.prr"
    assert main(["import", str(repo), "-o", str(prr), "--quiet"]) == 0
    _next_second()
    raw = prr.read_bytes()
    code, out, err = run(capsys, "import", str(repo), "--into", prr)
    assert code == 0, err
    assert "this import reads release again" in out and "no change" in out and prr.read_bytes() == raw
