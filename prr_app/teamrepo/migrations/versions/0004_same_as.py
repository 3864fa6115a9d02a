"""Components linked explicitly as "the same as" a shared component, across reviews.

Frozen: a later change to the schema is a new revision, never an edit here.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa

from prr_app.teamrepo.migrations.shared import grant_access

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

def upgrade() -> None:
    op.create_table('repo_same_as',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('component', sa.Text(), nullable=False),
    sa.Column('same_as', sa.Text(), nullable=False),
    sa.Column('linked_by', sa.Text(), server_default=sa.text('CURRENT_USER'), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['repo_review.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', 'component')
    )
    op.create_index('ix_repo_same_as_same_as', 'repo_same_as', ['same_as'], unique=False)
    grant_access(["repo_same_as"])


def downgrade() -> None:
    op.drop_index('ix_repo_same_as_same_as', table_name='repo_same_as')
    op.drop_table('repo_same_as')
