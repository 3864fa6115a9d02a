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
CURRENT_VERSION = 1

#: version -> function upgrading a connection's file from version - 1 (inside a transaction)
STEPS: dict[int, Callable[[sqlite3.Connection], None]] = {}

#: Every schema version this program has written.
RELEASED_VERSIONS = tuple(range(1, CURRENT_VERSION + 1))
