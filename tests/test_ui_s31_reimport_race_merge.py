"""Round 31: the three-way merge of a re-import with the edits made while it ran
(:func:`prr_app.review.edits.merge_changes`), on the web shop example: per field, the import's change
taken only where the reviewer did not change the field since the snapshot the import started from."""
from __future__ import annotations

import copy
from dataclasses import replace

from prr_app.model.entities import Dependency
from prr_app.model.validation import validate
from prr_app.review.edits import apply_changes, delete, merge_changes, review_changes, set_fields


def three(webshop):
    base = webshop
    new, current = copy.deepcopy(base), copy.deepcopy(base)
    return base, new, current


def test_only_the_import_changed_it_takes_the_imports_value(webshop):
    base, new, current = three(webshop)
    new.components["cart-svc"].replicas = 4
    changes, kept = merge_changes(base, new, current)
    assert [(c.coll, c.key) for c in changes] == [("components", "cart-svc")] and not kept
    assert changes == review_changes(base, new, current)  # the same as before when nobody edited meanwhile


def test_fields_are_merged_and_the_reviewers_value_wins_where_both_changed(webshop):
    base, new, current = three(webshop)
    new.components["cart-svc"] = replace(new.components["cart-svc"], replicas=4, notes="from the import")
    apply_changes(current, set_fields(current, "components", "cart-svc", owner="team-cart", notes="mine"))
    changes, kept = merge_changes(base, new, current)
    apply_changes(current, changes)
    c = current.components["cart-svc"]
    assert (c.replicas, c.owner, c.notes) == (4, "team-cart", "mine")
    assert kept == ["component cart-svc: your owner, notes kept (the import's notes not taken)"]


def test_an_element_deleted_meanwhile_stays_deleted_and_dependencies_on_it_are_not_added(webshop):
    base, new, current = three(webshop)
    new.components["cart-db"] = replace(new.components["cart-db"], replicas=5)
    d = Dependency("checkout-svc", "cart-db", "hard")
    new.dependencies[d.id] = d
    apply_changes(current, delete(current, ["cart-db"]))
    changes, kept = merge_changes(base, new, current)
    apply_changes(current, changes)
    assert "cart-db" not in current.components and d.id not in current.dependencies
    assert "component cart-db: deleted while the import ran, stays deleted" in kept
    assert f"dependency {d.id}: not added, cart-db was deleted while the import ran" in kept
    assert not validate(current)


def test_an_element_added_meanwhile_under_the_imports_id_is_kept_as_added(webshop):
    base, new, current = three(webshop)
    new.dependencies["x"] = Dependency("cart-svc", "identity", "hard")
    current.dependencies["x"] = Dependency("cart-svc", "identity", "soft")
    changes, kept = merge_changes(base, new, current)
    assert not changes and kept == ["dependency x: added while the import ran, kept as you left it"]
