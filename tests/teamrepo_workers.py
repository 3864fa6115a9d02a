"""Writer processes for tests/test_teamrepo.py: a small module, so each process imports only
what a reviewer's ``prr`` imports (not pytest or the test module)."""
from __future__ import annotations

import time
from pathlib import Path


def concurrent_writer(url: str, name: str, i: int, barrier) -> str:
    """One reviewer: pull, add a component and answer an item of their own, push."""
    from prr_app.model.entities import ChecklistAnswer, Component
    from prr_app.teamrepo.repository import Repository

    with Repository(url) as repo:
        pulled = repo.pull(name)
        pulled.review.components[f"writer-{i}"] = Component(id=f"writer-{i}", owner=f"w{i}")
        pulled.review.answers[f"w.item-{i}"] = ChecklistAnswer(item=f"w.item-{i}", status="met")
        barrier.wait(120)
        repo.push(pulled.review, name=name, base=pulled.version)
    return f"writer-{i}"


def writer_that_hangs(url: str, name: str, flag: str) -> None:
    """Push, but stop inside the transaction (after writing rows, before commit)."""
    from prr_app.teamrepo.repository import Repository

    apply = Repository._apply

    def apply_then_hang(conn, review_id, changes, merged):
        apply(conn, review_id, changes, merged)
        Path(flag).write_text("in transaction")
        time.sleep(600)

    Repository._apply = staticmethod(apply_then_hang)
    with Repository(url) as repo:
        pulled = repo.pull(name)
        for c in pulled.review.components.values():
            c.owner = "half-written"
        repo.push(pulled.review, name=name, base=pulled.version)
