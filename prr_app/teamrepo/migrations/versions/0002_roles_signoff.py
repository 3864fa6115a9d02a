"""Roles (viewer, reviewer, approver) with their grants, verdict sign-offs, an append-only
history whose author the server sets, approver-only acceptance of launch-blocking risks,
and the index that finds a component across reviews.

Frozen: a later change to the schema is a new revision, never an edit here.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

from prr_app.teamrepo.migrations.shared import REVIEW_TABLES, RISK_ACCEPTANCE_V1, STAMP_V1, sql_list

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# The group roles of this database: <database>_viewer, _reviewer, _approver (63 characters at most).
ROLES_SQL = """
DO $$
DECLARE
  db text := current_database();
  k text;
BEGIN
  FOREACH k IN ARRAY ARRAY['viewer', 'reviewer', 'approver'] LOOP
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = left(db || '_' || k, 63)) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', left(db || '_' || k, 63));
    END IF;
  END LOOP;
END
$$;
"""

FUNCTIONS_SQL = rf"""
CREATE FUNCTION prr_role(kind text) RETURNS text LANGUAGE sql STABLE AS
$$ SELECT left(current_database() || '_' || kind, 63) $$;

CREATE {STAMP_V1}
CREATE FUNCTION prr_change_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT FROM repo_review WHERE id = OLD.review_id) THEN
    RETURN OLD;  -- the whole review was deleted (by its owner): its history goes with it
  END IF;
  RAISE EXCEPTION 'the change history is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE {RISK_ACCEPTANCE_V1}
CREATE TRIGGER repo_change_stamp BEFORE INSERT ON repo_change
  FOR EACH ROW EXECUTE FUNCTION prr_change_stamp();
CREATE TRIGGER repo_change_keep BEFORE UPDATE OR DELETE ON repo_change
  FOR EACH ROW EXECUTE FUNCTION prr_change_keep();
CREATE TRIGGER repo_change_no_truncate BEFORE TRUNCATE ON repo_change
  FOR EACH STATEMENT EXECUTE FUNCTION prr_change_keep();
CREATE TRIGGER risk_acceptance BEFORE INSERT OR UPDATE ON risk
  FOR EACH ROW EXECUTE FUNCTION prr_risk_acceptance();
"""

GRANTS_SQL = """
DO $$
DECLARE
  viewer text := prr_role('viewer');
  reviewer text := prr_role('reviewer');
  approver text := prr_role('approver');
  t text;
BEGIN
  EXECUTE format('GRANT %I TO %I', viewer, reviewer);
  EXECUTE format('GRANT %I TO %I', reviewer, approver);
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), viewer);
  EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', viewer);
  EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA public TO %I', viewer);
  FOREACH t IN ARRAY ARRAY[%(content)s] LOOP
    EXECUTE format('GRANT INSERT, UPDATE, DELETE ON %I TO %I', t, reviewer);
  END LOOP;
  EXECUTE format('GRANT INSERT, UPDATE (version, updated_at, updated_by) ON repo_review TO %I', reviewer);
  EXECUTE format('GRANT INSERT ON repo_change TO %I', reviewer);
  EXECUTE format('GRANT INSERT ON repo_signoff TO %I', approver);
  EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO %I', reviewer);
  EXECUTE format('REVOKE ALL ON DATABASE %I FROM PUBLIC', current_database());
END
$$;
"""


def upgrade() -> None:
    op.create_table('repo_signoff',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('verdict', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), server_default=sa.text("''"), nullable=False),
    sa.Column('signed_by', sa.Text(), server_default=sa.text('CURRENT_USER'), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("verdict IN ('ready', 'ready_with_conditions', 'not_ready')", name='repo_signoff_verdict_check'),
    sa.ForeignKeyConstraint(['review_id'], ['repo_review.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_repo_signoff_review_id', 'repo_signoff', ['review_id'], unique=False)
    op.create_index('ix_component_id', 'component', ['id'], unique=False)
    op.execute(ROLES_SQL)
    op.execute(FUNCTIONS_SQL)
    op.execute(GRANTS_SQL.replace("%(content)s", sql_list(REVIEW_TABLES)))


def downgrade() -> None:
    op.execute("DROP TRIGGER risk_acceptance ON risk")
    op.execute("DROP TRIGGER repo_change_no_truncate ON repo_change")
    op.execute("DROP TRIGGER repo_change_keep ON repo_change")
    op.execute("DROP TRIGGER repo_change_stamp ON repo_change")
    op.execute("DROP FUNCTION prr_risk_acceptance(), prr_change_keep(), prr_change_stamp(), prr_role(text)")
    op.drop_index('ix_component_id', table_name='component')
    op.drop_index('ix_repo_signoff_review_id', table_name='repo_signoff')
    op.drop_table('repo_signoff')
