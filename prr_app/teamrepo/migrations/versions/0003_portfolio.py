"""The organisation's picture: each review's assessment (verdict, blockers, SLOs, checklist,
dates) and what each component's or domain's failure takes down in it, written with every
push, read by the portfolio and the cross-review blast radius.

Frozen: a later change to the schema is a new revision, never an edit here.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

from prr_app.teamrepo.migrations.shared import grant_access

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

def upgrade() -> None:
    op.create_table('repo_assessment',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('system', sa.Text(), nullable=False),
    sa.Column('target_launch', sa.Text(), nullable=True),
    sa.Column('verdict', sa.Text(), nullable=False),
    sa.Column('launch_blockers', sa.Integer(), nullable=False),
    sa.Column('slo_not_attainable', sa.JSON(), nullable=False),
    sa.Column('checklist_score', sa.Float(), nullable=True),
    sa.Column('checklist_blockers', sa.Integer(), nullable=True),
    sa.Column('acceptances', sa.JSON(), nullable=False),
    sa.Column('dues', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['repo_review.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id')
    )
    op.create_table('repo_impact',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('element_type', sa.Text(), nullable=False),
    sa.Column('element', sa.Text(), nullable=False),
    sa.Column('down', sa.Integer(), nullable=False),
    sa.Column('degraded', sa.Integer(), nullable=False),
    sa.Column('journeys', sa.JSON(), nullable=False),
    sa.Column('user_facing', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['repo_review.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', 'element_type', 'element')
    )
    op.create_index('ix_repo_impact_element', 'repo_impact', ['element'], unique=False)
    grant_access(["repo_assessment", "repo_impact"])


def downgrade() -> None:
    op.drop_index('ix_repo_impact_element', table_name='repo_impact')
    op.drop_table('repo_impact')
    op.drop_table('repo_assessment')
