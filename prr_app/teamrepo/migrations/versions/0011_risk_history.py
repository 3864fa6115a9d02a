"""The .prr schema version 4: a risk keeps the trail of the decisions made on it (acceptances,
reopenings, owners, overrides, launch-blocking says), a JSON column as a checklist answer's history.
A risk stored before starts with an empty trail. The database's history triggers (0010) read a
row's columns as they are, so the new column is in the history like any other.

Frozen: a later change to the schema is a new revision, never an edit here.

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('risk', sa.Column('history', sa.JSON(), nullable=False, server_default='[]'))


def downgrade() -> None:
    op.drop_column('risk', 'history')
