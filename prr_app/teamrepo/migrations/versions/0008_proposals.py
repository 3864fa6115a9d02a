"""The .prr schema version 3 (issue 21): answers proposed from imported evidence, in a table of
their own until a reviewer confirms or rejects them. Like every review table: readable by viewers,
written by reviewers (and only by a review's own reviewers when it lists members), and a table the
history accepts rows of.

Frozen: a later change to the schema is a new revision, never an edit here.

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa

from prr_app.teamrepo.migrations.shared import REVIEW_TABLES, grant_access, stamp_v2

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
    op.execute("CREATE TRIGGER checklist_proposal_review_write BEFORE INSERT OR UPDATE OR DELETE ON "
               "checklist_proposal FOR EACH ROW EXECUTE FUNCTION prr_review_write()")
    grant_access(["checklist_proposal"])
    op.execute(stamp_v2(REVIEW_TABLES + ["checklist_proposal"]))


def downgrade() -> None:
    op.execute(stamp_v2(REVIEW_TABLES))
    op.execute("DROP TRIGGER checklist_proposal_review_write ON checklist_proposal")
    op.drop_table('checklist_proposal')
