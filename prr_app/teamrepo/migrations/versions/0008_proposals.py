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

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

CONTENT = ["review", "component", "dependency", "redundancy_group", "failure_domain", "journey",
           "checklist_answer", "risk", "mitigation", "risk_mitigation", "layout", "import_record"]

STAMP_SQL = """
CREATE OR REPLACE FUNCTION prr_change_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  current bigint;
BEGIN
  IF NOT (NEW.table_name = ANY (ARRAY[%(content)s])) THEN
    RAISE EXCEPTION 'history row refused: % is not a review table', NEW.table_name
      USING ERRCODE = 'check_violation';
  END IF;
  SELECT version INTO current FROM repo_review WHERE id = NEW.review_id;
  IF NEW.version IS DISTINCT FROM current + 1 THEN
    RAISE EXCEPTION 'history row refused: version % is not the next version (%) of the review',
      NEW.version, current + 1 USING ERRCODE = 'check_violation';
  END IF;
  NEW.changed_by := current_user;
  NEW.changed_at := now();
  NEW.client_addr := inet_client_addr();
  RETURN NEW;
END $$;
"""

GRANTS_SQL = """
DO $$
BEGIN
  EXECUTE format('GRANT SELECT ON checklist_proposal TO %I', prr_role('viewer'));
  EXECUTE format('GRANT INSERT, UPDATE, DELETE ON checklist_proposal TO %I', prr_role('reviewer'));
END
$$;
"""


def _stamp(tables: list[str]) -> str:
    return STAMP_SQL.replace("%(content)s", ", ".join(f"'{t}'" for t in tables))


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
    op.execute(GRANTS_SQL)
    op.execute(_stamp(CONTENT + ["checklist_proposal"]))


def downgrade() -> None:
    op.execute(_stamp(CONTENT))
    op.execute("DROP TRIGGER checklist_proposal_review_write ON checklist_proposal")
    op.drop_table('checklist_proposal')
