"""Alembic environment of the team repository: runs on the connection the app hands it
(``config.attributes["connection"]``), inside that connection's transaction, so a failed
migration leaves the database as it was (PostgreSQL runs DDL in transactions)."""
from alembic import context

from prr_app.teamrepo.schema import metadata

VERSION_TABLE = "repo_schema_version"

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    version_table=VERSION_TABLE,
    transactional_ddl=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
