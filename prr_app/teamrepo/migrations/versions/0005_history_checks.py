"""The history accepts only rows a push could write: a review table of the repository, and the
version the review is being raised to (its current version + 1).

Frozen: a later change to the schema is a new revision, never an edit here.

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = '0005'
down_revision = '0004'
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

OLD_STAMP_SQL = """
CREATE OR REPLACE FUNCTION prr_change_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.changed_by := current_user;
  NEW.changed_at := now();
  NEW.client_addr := inet_client_addr();
  RETURN NEW;
END $$;
"""


def upgrade() -> None:
    op.execute(STAMP_SQL.replace("%(content)s", ", ".join(f"'{t}'" for t in CONTENT)))


def downgrade() -> None:
    op.execute(OLD_STAMP_SQL)
