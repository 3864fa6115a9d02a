"""Schema versions of the ``.prr`` file and the steps between them.

The schema version is SQLite's ``user_version``; the file is marked as ours by
``application_id``. The current schema is the SQLModel table classes in
:mod:`.tables`, nothing else: a new file is created from them and an opened
file is checked against them.

``STEPS[n]`` takes a file from version ``n - 1`` to ``n`` with SQL of its own
(never derived from the table classes, which move on); it runs inside the
store's migration transaction. Version 1 is the first release, so there is no
step yet. A test keeps a fixture file of every released version
(``tests/fixtures/schema_vN.prr``) and checks it opens, migrates, and then has
exactly the schema the table classes describe.
"""
from __future__ import annotations

import sqlite3
from typing import Callable

#: "PRRW" in ASCII: marks a SQLite file as a PRR Workbench review.
APPLICATION_ID = 0x50525257

#: The schema version the table classes describe.
CURRENT_VERSION = 5


def _v2(con: sqlite3.Connection) -> None:
    """Version 2 (issue 17): the review's tier may be NULL (not stated: judged as tier 1 for
    launch blocking), the review has a resilience policy (JSON, NULL: the default policy), and a
    risk keeps the reviewer's reason for marking it launch-blocking, and milestones
    (issue 20) are kept in their own table. SQLite cannot drop a NOT NULL
    constraint in place, so the one-row review table is rebuilt."""
    for stmt in (
        """CREATE TABLE review_v2 (
            id INTEGER NOT NULL,
            system_name VARCHAR NOT NULL,
            description VARCHAR NOT NULL,
            reviewers JSON NOT NULL,
            review_date VARCHAR,
            milestone VARCHAR NOT NULL,
            target_launch VARCHAR,
            tier INTEGER,
            checklist_template VARCHAR,
            checklist_version VARCHAR,
            resilience_policy JSON,
            PRIMARY KEY (id))""",
        """INSERT INTO review_v2 (id, system_name, description, reviewers, review_date, milestone,
            target_launch, tier, checklist_template, checklist_version, resilience_policy)
            SELECT id, system_name, description, reviewers, review_date, milestone, target_launch,
            tier, checklist_template, checklist_version, NULL FROM review""",
        "DROP TABLE review",
        "ALTER TABLE review_v2 RENAME TO review",
        "ALTER TABLE risk ADD COLUMN launch_blocking_reason VARCHAR NOT NULL DEFAULT ''",
        """CREATE TABLE milestone (
            id VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            date VARCHAR,
            taken_at VARCHAR NOT NULL,
            taken_by VARCHAR NOT NULL,
            note VARCHAR NOT NULL,
            review JSON NOT NULL,
            PRIMARY KEY (id))""",
    ):
        con.execute(stmt)


def _v3(con: sqlite3.Connection) -> None:
    """Version 3 (issue 21): answers proposed from imported evidence, kept apart from the
    reviewer's answers until confirmed."""
    con.execute(
        """CREATE TABLE checklist_proposal (
            item VARCHAR NOT NULL,
            status VARCHAR NOT NULL,
            reason VARCHAR NOT NULL,
            evidence JSON NOT NULL,
            extractor VARCHAR NOT NULL,
            made_at VARCHAR NOT NULL,
            rejected_by VARCHAR NOT NULL,
            rejected_at VARCHAR,
            PRIMARY KEY (item))""")


def _v4(con: sqlite3.Connection) -> None:
    """Version 4: a risk keeps the trail of the decisions made on it (acceptances, reopenings,
    owners, overrides, launch-blocking says), so a new acceptance no longer erases the one it
    replaces. A risk of an older file starts with an empty trail: what it holds now is kept as it
    was."""
    con.execute("ALTER TABLE risk ADD COLUMN history JSON NOT NULL DEFAULT '[]'")


def _v5(con: sqlite3.Connection) -> None:
    """Version 5: a dependency says whether the reviewer stated its kind (``kind_stated``), so a hard
    call an import found to shared plumbing (a discovery or config server) that the reviewer confirmed
    hard stays hard in the analysis and through a re-import. A dependency of an older file was not
    stated so: false, as its analysis had it."""
    con.execute("ALTER TABLE dependency ADD COLUMN kind_stated BOOLEAN NOT NULL DEFAULT '0'")


#: version -> function upgrading a connection's file from version - 1 (inside a transaction)
STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {2: _v2, 3: _v3, 4: _v4, 5: _v5}

#: Every schema version this program has written.
RELEASED_VERSIONS = tuple(range(1, CURRENT_VERSION + 1))
