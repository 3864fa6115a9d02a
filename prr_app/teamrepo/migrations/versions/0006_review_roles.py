"""Roles per review: when a review lists members, only its listed reviewers and approvers may
change it (the database checks every row written), and its listed approvers may accept its
launch-blocking risks like the repository's approvers.

Frozen: a later change to the schema is a new revision, never an edit here.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

from prr_app.teamrepo.migrations.shared import REVIEW_TABLES, RISK_ACCEPTANCE_V1, grant_access

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

CONTENT = REVIEW_TABLES + ["repo_assessment", "repo_impact", "repo_same_as"]

FUNCTIONS_SQL = r"""
CREATE FUNCTION prr_owner() RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT FROM pg_database WHERE datname = current_database()
                 AND pg_has_role(current_user, datdba, 'MEMBER'))
$$;

-- may the current user act as one of ``kinds`` on review ``rid``, as far as its own roles go?
CREATE FUNCTION prr_review_member(rid integer, kinds text[]) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT NOT EXISTS (SELECT FROM repo_review_role WHERE review_id = rid)
      OR EXISTS (SELECT FROM repo_review_role WHERE review_id = rid AND kind = ANY (kinds)
                 AND pg_has_role(current_user, member, 'MEMBER'))
      OR prr_owner()
$$;

CREATE FUNCTION prr_review_write() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  rid integer;
BEGIN
  IF TG_TABLE_NAME = 'repo_review' THEN
    rid := COALESCE(NEW.id, OLD.id);
  ELSIF TG_OP = 'DELETE' THEN
    rid := OLD.review_id;
  ELSE
    rid := NEW.review_id;
  END IF;
  IF NOT prr_review_member(rid, ARRAY['reviewer', 'approver']) THEN
    RAISE EXCEPTION 'only the reviewers of this review may change it'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION prr_risk_acceptance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.accepted_by IS NOT NULL AND NEW.launch_blocking IS NOT FALSE
     AND (TG_OP = 'INSERT' OR
          (OLD.accepted_by, OLD.accepted_at, OLD.acceptance_reason, OLD.accepted_until, OLD.launch_blocking)
          IS DISTINCT FROM
          (NEW.accepted_by, NEW.accepted_at, NEW.acceptance_reason, NEW.accepted_until, NEW.launch_blocking))
     AND NOT pg_has_role(current_user, prr_role('approver'), 'USAGE')
     AND NOT EXISTS (SELECT FROM repo_review_role WHERE review_id = NEW.review_id AND kind = 'approver'
                     AND pg_has_role(current_user, member, 'MEMBER')) THEN
    RAISE EXCEPTION 'only an approver may accept a launch-blocking risk (risk %)', NEW.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
"""

def upgrade() -> None:
    op.create_table('repo_review_role',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('member', sa.Text(), nullable=False),
    sa.Column('kind', sa.Text(), nullable=False),
    sa.CheckConstraint("kind IN ('viewer', 'reviewer', 'approver')", name='repo_review_role_kind_check'),
    sa.ForeignKeyConstraint(['review_id'], ['repo_review.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', 'member')
    )
    op.execute(FUNCTIONS_SQL)
    for t in CONTENT:
        op.execute(f"CREATE TRIGGER {t}_review_write BEFORE INSERT OR UPDATE OR DELETE ON {t} "
                   f"FOR EACH ROW EXECUTE FUNCTION prr_review_write()")
    op.execute("CREATE TRIGGER repo_review_review_write BEFORE UPDATE OR DELETE ON repo_review "
               "FOR EACH ROW EXECUTE FUNCTION prr_review_write()")
    grant_access(["repo_review_role"], write=False)


def downgrade() -> None:
    op.execute("\nCREATE OR REPLACE " + RISK_ACCEPTANCE_V1)
    op.execute("DROP TRIGGER repo_review_review_write ON repo_review")
    for t in CONTENT:
        op.execute(f"DROP TRIGGER {t}_review_write ON {t}")
    op.execute("DROP FUNCTION prr_review_write(), prr_review_member(integer, text[]), prr_owner()")
    op.drop_table('repo_review_role')
