"""Alembic environment of the team repository: runs on the connection the app hands it
(``config.attributes["connection"]``), inside that connection's transaction, so a failed
migration leaves the database as it was (PostgreSQL runs DDL in transactions)."""
from alembic import context

from prr_app.teamrepo.schema import metadata

VERSION_TABLE = "repo_schema_version"



def run_migrations(config) -> None:
    context.configure(
        connection=config.attributes["connection"],
        target_metadata=metadata,
        version_table=VERSION_TABLE,
        transactional_ddl=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


try:
    _config = context.config
except (NameError, AttributeError):  # imported outside Alembic (tests import every module): nothing to run
    _config = None
if _config is not None:
    run_migrations(_config)
