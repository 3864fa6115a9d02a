"""The history accepts only rows a push could write: a review table of the repository, and the
version the review is being raised to (its current version + 1).

Frozen: a later change to the schema is a new revision, never an edit here.

Revision ID: 0005
Revises: 0004
"""
from alembic import op

from prr_app.teamrepo.migrations.shared import REVIEW_TABLES, STAMP_V1, stamp_v2

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

def upgrade() -> None:
    op.execute(stamp_v2(REVIEW_TABLES))


def downgrade() -> None:
    op.execute("\nCREATE OR REPLACE " + STAMP_V1)
