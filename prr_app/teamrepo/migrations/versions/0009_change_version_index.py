"""The history indexed by (review, version): an open window asks for the changes made since its
version (``Repository.changes_since``) and a push for those since its base; both read one range
of the index instead of every history row of the review. The index on ``review_id`` alone is
replaced (the new one serves the same lookups).

Frozen: a later change to the schema is a new revision, never an edit here.

Revision ID: 0009
Revises: 0008
"""
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_repo_change_review_version', 'repo_change', ['review_id', 'version'], unique=False)
    op.drop_index('ix_repo_change_review_id', table_name='repo_change')


def downgrade() -> None:
    op.create_index('ix_repo_change_review_id', 'repo_change', ['review_id'], unique=False)
    op.drop_index('ix_repo_change_review_version', table_name='repo_change')
