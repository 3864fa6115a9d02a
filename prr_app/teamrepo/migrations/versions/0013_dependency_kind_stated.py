"""The .prr schema version 5: a dependency says whether the reviewer stated its kind
(``kind_stated``), so a hard call an import found to shared plumbing that the reviewer confirmed hard
stays hard in the analysis and through a re-import. A dependency stored before was not stated so
(false), and a writer that does not know the column stores false. The database's history triggers
(0010) read a row's columns as they are, so the new column is in the history like any other, and a
push's three-way merge treats it as a field like the others.

Frozen: a later change to the schema is a new revision, never an edit here.

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('dependency', sa.Column('kind_stated', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_column('dependency', 'kind_stated')
