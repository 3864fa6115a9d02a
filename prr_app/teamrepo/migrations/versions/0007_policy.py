"""The .prr schema version 2 (issue 17): a review's tier may be unstated (NULL), a review has a
resilience policy (JSON, NULL: the default policy), and a risk keeps the reviewer's reason for
marking it launch-blocking.

Frozen: a later change to the schema is a new revision, never an edit here.

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.alter_column('review', 'tier', existing_type=sa.Integer(), nullable=True)
    op.add_column('review', sa.Column('resilience_policy', sa.JSON(), nullable=True))
    op.add_column('risk', sa.Column('launch_blocking_reason', sa.String(), nullable=False, server_default=''))


def downgrade() -> None:
    op.drop_column('risk', 'launch_blocking_reason')
    op.drop_column('review', 'resilience_policy')
    op.alter_column('review', 'tier', existing_type=sa.Integer(), nullable=False)
