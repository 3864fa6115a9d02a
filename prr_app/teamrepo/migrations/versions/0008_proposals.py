"""The .prr schema version 3 (issue 21): answers proposed from imported evidence, in a table of
their own until a reviewer confirms or rejects them.

Frozen: a later change to the schema is a new revision, never an edit here.

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'checklist_proposal',
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('item', sa.String(), nullable=False),
        sa.Column('status', sa.String(), nullable=False),
        sa.Column('reason', sa.String(), nullable=False),
        sa.Column('evidence', sa.JSON(), nullable=False),
        sa.Column('extractor', sa.String(), nullable=False),
        sa.Column('made_at', sa.String(), nullable=False),
        sa.Column('rejected_by', sa.String(), nullable=False),
        sa.Column('rejected_at', sa.String(), nullable=True),
        sa.ForeignKeyConstraint(['review_id'], ['repo_review.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('review_id', 'item', name='checklist_proposal_pkey'),
    )


def downgrade() -> None:
    op.drop_table('checklist_proposal')
