"""The database keeps the rules itself, whoever writes (issue 19, items 2 and 3):

- **History and version by the database.** Triggers on every review table write the history
  (table, element key, field, old and new value) and raise the review's version once per
  transaction, whatever client writes: the app, psql, a script. Who is the login
  (``session_user``), from where the client's address and what it says it is (the app's
  ``prr.client`` setting, else ``application_name``). Reviewers may no longer insert history rows
  or change ``repo_review`` themselves: both are written only by these SECURITY DEFINER triggers.
- **Acceptances of launch-blocking risks.** The database decides what is launch-blocking for an
  acceptance: a risk not marked ``launch_blocking = false``, any computed SPOF risk, any risk the
  review's stored assessment counts as blocking by rule, and a risk whose ``launch_blocking`` is
  lowered in the same write. Taking a risk's launch-blocking mark away (true to not true), or
  marking a SPOF or an assessed blocker not launch-blocking, is an approver's act too.
- **The portfolio's figures.** ``repo_assessment`` and ``repo_impact`` are written only through
  ``prr_store_assessment()``, which stores them for the review's current version, only in a
  transaction that changed the review (so each assessment stands beside history rows of the same
  writer and version), stamped with who stored it. Reviewers have no other write on them.
- **Checklist progress** in the assessment (answered, applicable, blockers open, the score), the
  risks the assessment counts as blocking, and, for sign-offs, the verdict stored when it was
  signed: a sign-off that disagrees with it needs a note saying why.

Frozen: a later change to the schema is a new revision, never an edit here.

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa

from prr_app.teamrepo.migrations.shared import REVIEW_TABLES, RISK_ACCEPTANCE_V1, sql_list, stamp_v2

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# the review tables (schema version 3) and their keys, as the history names a row
KEYS = {"review": ["id"], "component": ["id"], "dependency": ["source", "target"], "redundancy_group": ["id"],
        "failure_domain": ["id"], "journey": ["id"], "checklist_answer": ["item"], "risk": ["id"],
        "mitigation": ["id"], "risk_mitigation": ["mitigation_id", "risk_id"], "layout": ["element"],
        "import_record": ["id"], "checklist_proposal": ["item"]}
TABLES = REVIEW_TABLES + ["checklist_proposal"]

FUNCTIONS_SQL = r"""
-- who wrote a history row, when, from where: set by the server
CREATE OR REPLACE FUNCTION prr_change_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT (NEW.table_name = ANY (ARRAY[%(content)s])) THEN
    RAISE EXCEPTION 'history row refused: % is not a review table', NEW.table_name
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.version IS DISTINCT FROM (SELECT version FROM repo_review WHERE id = NEW.review_id) THEN
    RAISE EXCEPTION 'history row refused: version % is not the version of the review', NEW.version
      USING ERRCODE = 'check_violation';
  END IF;
  NEW.changed_by := session_user;
  NEW.changed_at := now();
  NEW.client_addr := inet_client_addr();
  NEW.client := coalesce(nullif(current_setting('prr.client', true), ''),
                         nullif(current_setting('application_name', true), ''), '');
  RETURN NEW;
END $$;

-- the review's version for the changes of this transaction: raised by one the first time the
-- review changes in the transaction (a review created in it keeps its first version)
CREATE FUNCTION prr_bump(rid integer) RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
  v bigint;
  x xid;
  n text;
BEGIN
  SELECT version, xmin, name INTO v, x, n FROM repo_review WHERE id = rid FOR UPDATE;
  IF NOT FOUND THEN
    RETURN NULL;  -- the review itself is being deleted: its history goes with it
  END IF;
  IF x::text <> (txid_current() %% 4294967296)::text THEN
    UPDATE repo_review SET version = version + 1, updated_at = now(), updated_by = session_user
      WHERE id = rid RETURNING version INTO v;
  END IF;
  PERFORM pg_notify('prr_review', v || ' ' || n);  -- one per transaction: PostgreSQL folds repeats
  RETURN v;
END $$;

-- the history of one statement on a review table (a statement trigger with its transition
-- tables): one row per inserted or deleted row, one per changed field of an updated row
CREATE FUNCTION prr_history() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
  k text;
  okey text := '';
  nkey text := '';
  same text := 'o.review_id = n.review_id';
  changes text;
BEGIN
  FOREACH k IN ARRAY TG_ARGV LOOP
    okey := okey || CASE WHEN okey = '' THEN '' ELSE ', ' END || format('o.%%I', k);
    nkey := nkey || CASE WHEN nkey = '' THEN '' ELSE ', ' END || format('n.%%I', k);
    same := same || format(' AND o.%%I = n.%%I', k, k);
  END LOOP;
  IF TG_OP = 'INSERT' THEN
    changes := format('SELECT n.review_id, json_build_array(%%s) AS row_key, NULL::text AS field, '
                      'NULL::json AS old, prr_row_json(row_to_json(n)) AS new FROM new_rows n', nkey);
  ELSIF TG_OP = 'DELETE' THEN
    changes := format('SELECT o.review_id, json_build_array(%%s) AS row_key, NULL::text AS field, '
                      'prr_row_json(row_to_json(o)) AS old, NULL::json AS new FROM old_rows o', okey);
  ELSE
    changes := format(
      'SELECT n.review_id, json_build_array(%%1$s) AS row_key, d.key AS field, d.old, d.new '
      'FROM old_rows o JOIN new_rows n ON %%3$s CROSS JOIN LATERAL ('
      '  SELECT a.key, a.value AS old, b.value AS new FROM json_each(row_to_json(o)) a '
      '  JOIN json_each(row_to_json(n)) b ON a.key = b.key '
      '  WHERE a.key <> ''review_id'' AND a.value::jsonb IS DISTINCT FROM b.value::jsonb) d '
      'UNION ALL SELECT o.review_id, json_build_array(%%2$s), NULL, prr_row_json(row_to_json(o)), NULL '
      'FROM old_rows o WHERE NOT EXISTS (SELECT FROM new_rows n WHERE %%3$s) '
      'UNION ALL SELECT n.review_id, json_build_array(%%1$s), NULL, NULL, prr_row_json(row_to_json(n)) '
      'FROM new_rows n WHERE NOT EXISTS (SELECT FROM old_rows o WHERE %%3$s)', nkey, okey, same);
  END IF;
  EXECUTE format(
    'WITH ch AS MATERIALIZED (%%s), '
    'v AS MATERIALIZED (SELECT d.review_id, prr_bump(d.review_id) AS version '
    '                   FROM (SELECT DISTINCT review_id FROM ch) d) '
    'INSERT INTO repo_change (review_id, version, table_name, row_key, field, old, new) '
    'SELECT ch.review_id, v.version, %%L, ch.row_key, ch.field, ch.old, ch.new '
    'FROM ch JOIN v ON v.review_id = ch.review_id WHERE v.version IS NOT NULL', changes, TG_TABLE_NAME);
  RETURN NULL;
END $$;

-- a row as the history keeps it: its columns but review_id, JSON columns as written
CREATE FUNCTION prr_row_json(r json) RETURNS json LANGUAGE sql IMMUTABLE AS $$
  SELECT json_object_agg(e.key, e.value) FROM json_each(r) e WHERE e.key <> 'review_id'
$$;

-- a review row is created at version 1 by whoever the server says
CREATE FUNCTION prr_review_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := 1;
  NEW.created_at := now();
  NEW.created_by := session_user;
  NEW.updated_at := now();
  NEW.updated_by := session_user;
  RETURN NEW;
END $$;

-- a review's row changes only through the database's own functions (owned by the tables' owner):
-- reviewers may lock it (a push's turn, SELECT ... FOR UPDATE), not change it
CREATE FUNCTION prr_review_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = 'repo_review'::regclass),
                     'MEMBER') THEN
    RAISE EXCEPTION 'a review''s version is kept by the database: % of repo_review refused', TG_OP
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;

-- may the session's user (not the definer of a function) act as a reviewer of review ``rid``?
CREATE FUNCTION prr_session_may_write(rid integer) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT FROM pg_database WHERE datname = current_database()
                 AND pg_has_role(session_user, datdba, 'MEMBER'))
      OR (pg_has_role(session_user, prr_role('reviewer'), 'USAGE')
          AND (NOT EXISTS (SELECT FROM repo_review_role WHERE review_id = rid)
               OR EXISTS (SELECT FROM repo_review_role WHERE review_id = rid AND kind IN ('reviewer', 'approver')
                          AND pg_has_role(session_user, member, 'MEMBER'))))
$$;

-- the portfolio's figures of a review: for its current version, in the transaction that changed it
CREATE FUNCTION prr_store_assessment(rid integer, assessment json, impacts json) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  v bigint;
  x xid;
BEGIN
  SELECT version, xmin INTO v, x FROM repo_review WHERE id = rid FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no review %%', rid USING ERRCODE = 'no_data_found';
  END IF;
  IF NOT prr_session_may_write(rid) THEN
    RAISE EXCEPTION 'only the reviewers of this review may store its assessment'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF x::text <> (txid_current() %% 4294967296)::text THEN
    RAISE EXCEPTION 'an assessment is stored only with a change of the review, in its transaction'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  DELETE FROM repo_assessment WHERE review_id = rid;
  DELETE FROM repo_impact WHERE review_id = rid;
  INSERT INTO repo_assessment (review_id, version, system, target_launch, verdict, launch_blockers,
      slo_not_attainable, checklist_score, checklist_blockers, checklist_answered, checklist_applicable,
      blocking_risks, acceptances, dues, assessed_by, assessed_at)
  SELECT rid, v, a.system, a.target_launch, a.verdict, a.launch_blockers, a.slo_not_attainable,
      a.checklist_score, a.checklist_blockers, a.checklist_answered, a.checklist_applicable,
      a.blocking_risks, a.acceptances, a.dues, session_user, now()
  FROM json_to_record(assessment) AS a(system text, target_launch text, verdict text, launch_blockers integer,
      slo_not_attainable json, checklist_score float8, checklist_blockers integer, checklist_answered integer,
      checklist_applicable integer, blocking_risks json, acceptances json, dues json);
  INSERT INTO repo_impact (review_id, element_type, element, down, degraded, journeys, user_facing)
  SELECT rid, i.element_type, i.element, i.down, i.degraded, i.journeys, i.user_facing
  FROM json_to_recordset(impacts) AS i(element_type text, element text, down integer, degraded integer,
      journeys json, user_facing json);
  RETURN v;
END $$;

-- only an approver may accept a launch-blocking risk, or take a risk's launch-blocking away;
-- what is launch-blocking is decided here, not by the columns the writer sets
CREATE OR REPLACE FUNCTION prr_risk_acceptance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  moved boolean := TG_OP = 'INSERT' OR (OLD.review_id, OLD.id) IS DISTINCT FROM (NEW.review_id, NEW.id);
  assessed boolean;
  accepting boolean;
  blocking boolean;
  unblocking boolean;
BEGIN
  assessed := (NEW.origin = 'computed' AND NEW.id LIKE 'spof:%%')
    OR EXISTS (SELECT FROM repo_assessment a WHERE a.review_id = NEW.review_id
               AND a.blocking_risks IS NOT NULL AND a.blocking_risks::jsonb ? NEW.id);
  accepting := NEW.accepted_by IS NOT NULL AND (moved OR
    (OLD.accepted_by, OLD.accepted_at, OLD.acceptance_reason, OLD.accepted_until, OLD.launch_blocking, OLD.status)
    IS DISTINCT FROM
    (NEW.accepted_by, NEW.accepted_at, NEW.acceptance_reason, NEW.accepted_until, NEW.launch_blocking, NEW.status));
  blocking := NEW.launch_blocking IS NOT FALSE OR assessed
    OR (NOT moved AND OLD.launch_blocking IS NOT FALSE);
  unblocking := NEW.launch_blocking IS NOT TRUE
    AND ((NOT moved AND OLD.launch_blocking IS TRUE)
         OR (NEW.launch_blocking IS FALSE AND (moved OR OLD.launch_blocking IS NOT FALSE) AND assessed));
  IF ((accepting AND blocking) OR unblocking)
     AND NOT pg_has_role(current_user, prr_role('approver'), 'USAGE')
     AND NOT EXISTS (SELECT FROM repo_review_role WHERE review_id = NEW.review_id AND kind = 'approver'
                     AND pg_has_role(current_user, member, 'MEMBER')) THEN
    IF accepting AND blocking THEN
      RAISE EXCEPTION 'only an approver may accept a launch-blocking risk (risk %%)', NEW.id
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    RAISE EXCEPTION 'only an approver may mark a launch-blocking risk not launch-blocking (risk %%)', NEW.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;

-- deleting a risk marked launch-blocking, or a reviewer's risk the stored assessment counts as
-- blocking, takes a launch blocker away: an approver's act too
CREATE FUNCTION prr_risk_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (OLD.launch_blocking IS TRUE
      OR (OLD.origin <> 'computed' AND EXISTS (SELECT FROM repo_assessment a WHERE a.review_id = OLD.review_id
          AND a.blocking_risks IS NOT NULL AND a.blocking_risks::jsonb ? OLD.id)))
     AND EXISTS (SELECT FROM repo_review WHERE id = OLD.review_id)
     AND NOT pg_has_role(current_user, prr_role('approver'), 'USAGE')
     AND NOT EXISTS (SELECT FROM repo_review_role WHERE review_id = OLD.review_id AND kind = 'approver'
                     AND pg_has_role(current_user, member, 'MEMBER')) THEN
    RAISE EXCEPTION 'only an approver may delete a launch-blocking risk (risk %%)', OLD.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN OLD;
END $$;

-- a sign-off is signed by the login that records it, against the verdict stored for the review;
-- one that disagrees with that verdict needs a note saying why
CREATE FUNCTION prr_signoff_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.signed_by := session_user;
  NEW.signed_at := now();
  NEW.version := (SELECT version FROM repo_review WHERE id = NEW.review_id);
  NEW.assessed_verdict := (SELECT verdict FROM repo_assessment WHERE review_id = NEW.review_id
                           AND version = NEW.version);
  IF replace(NEW.assessed_verdict, '-', '_') IS DISTINCT FROM NEW.verdict AND btrim(NEW.note) = '' THEN
    RAISE EXCEPTION 'the sign-off % disagrees with the review''s verdict (%): say why in its note',
      NEW.verdict, coalesce(NEW.assessed_verdict, 'not assessed at this version')
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
"""

GRANTS_SQL = """
DO $$
DECLARE
  reviewer text := prr_role('reviewer');
BEGIN
  EXECUTE format('REVOKE INSERT ON repo_change FROM %I', reviewer);
  EXECUTE format('REVOKE UPDATE ON repo_review FROM %I', reviewer);
  EXECUTE format('REVOKE UPDATE (version, updated_at, updated_by) ON repo_review FROM %I', reviewer);
  -- a push takes its turn by locking the review's row, which needs an UPDATE right on a column;
  -- the guard trigger refuses the update itself
  EXECUTE format('GRANT UPDATE (updated_at) ON repo_review TO %I', reviewer);
  EXECUTE format('REVOKE INSERT, UPDATE, DELETE ON repo_assessment, repo_impact FROM %I', reviewer);
  REVOKE ALL ON FUNCTION prr_store_assessment(integer, json, json), prr_bump(integer), prr_history() FROM PUBLIC;
  EXECUTE format('GRANT EXECUTE ON FUNCTION prr_store_assessment(integer, json, json) TO %I', reviewer);
  REVOKE CREATE ON SCHEMA public FROM PUBLIC;
END
$$;
"""

GRANTS_DOWN_SQL = """
DO $$
DECLARE
  reviewer text := prr_role('reviewer');
BEGIN
  EXECUTE format('GRANT INSERT ON repo_change TO %I', reviewer);
  EXECUTE format('REVOKE UPDATE (updated_at) ON repo_review FROM %I', reviewer);
  EXECUTE format('GRANT UPDATE (version, updated_at, updated_by) ON repo_review TO %I', reviewer);
  EXECUTE format('GRANT INSERT, UPDATE, DELETE ON repo_assessment, repo_impact TO %I', reviewer);
END
$$;
"""


def _history_triggers(table: str, keys: list[str]) -> list[str]:
    args = ", ".join(f"'{k}'" for k in keys)
    run = f"FOR EACH STATEMENT EXECUTE FUNCTION prr_history({args})"
    return [f"CREATE TRIGGER {table}_history_insert AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows {run}",
            f"CREATE TRIGGER {table}_history_update AFTER UPDATE ON {table} "
            f"REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows {run}",
            f"CREATE TRIGGER {table}_history_delete AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows {run}"]


def upgrade() -> None:
    for name, kind in (("checklist_answered", sa.Integer()), ("checklist_applicable", sa.Integer()),
                       ("blocking_risks", sa.JSON()), ("assessed_by", sa.Text()),
                       ("assessed_at", sa.DateTime(timezone=True))):
        op.add_column('repo_assessment', sa.Column(name, kind, nullable=True))
    op.add_column('repo_signoff', sa.Column('assessed_verdict', sa.Text(), nullable=True))
    op.execute(FUNCTIONS_SQL.replace("%(content)s", sql_list(TABLES)).replace("%%", "%"))
    for table in TABLES:
        for sql in _history_triggers(table, KEYS[table]):
            op.execute(sql)
    op.execute("CREATE TRIGGER repo_review_stamp BEFORE INSERT ON repo_review "
               "FOR EACH ROW EXECUTE FUNCTION prr_review_stamp()")
    op.execute("CREATE TRIGGER risk_delete BEFORE DELETE ON risk FOR EACH ROW EXECUTE FUNCTION prr_risk_delete()")
    op.execute("CREATE TRIGGER repo_review_guard BEFORE UPDATE ON repo_review "
               "FOR EACH ROW EXECUTE FUNCTION prr_review_guard()")
    op.execute("CREATE TRIGGER repo_signoff_stamp BEFORE INSERT ON repo_signoff "
               "FOR EACH ROW EXECUTE FUNCTION prr_signoff_stamp()")
    op.execute(GRANTS_SQL)


def downgrade() -> None:
    op.execute(GRANTS_DOWN_SQL)
    op.execute("DROP TRIGGER repo_signoff_stamp ON repo_signoff")
    op.execute("DROP TRIGGER risk_delete ON risk")
    op.execute("DROP TRIGGER repo_review_guard ON repo_review")
    op.execute("DROP TRIGGER repo_review_stamp ON repo_review")
    for table in TABLES:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER {table}_history_{event} ON {table}")
    op.execute("DROP FUNCTION prr_signoff_stamp(), prr_risk_delete(), prr_store_assessment(integer, json, json), "
               "prr_session_may_write(integer), prr_review_guard(), prr_review_stamp(), prr_row_json(json), prr_history(), "
               "prr_bump(integer)")
    op.execute("\nCREATE OR REPLACE " + RISK_ACCEPTANCE_V1.replace(
        "AND NOT pg_has_role(current_user, prr_role('approver'), 'USAGE')",
        "AND NOT pg_has_role(current_user, prr_role('approver'), 'USAGE')\n"
        "     AND NOT EXISTS (SELECT FROM repo_review_role WHERE review_id = NEW.review_id AND kind = 'approver'\n"
        "                     AND pg_has_role(current_user, member, 'MEMBER'))"))
    op.execute(stamp_v2(TABLES))
    op.drop_column('repo_signoff', 'assessed_verdict')
    for name in ("assessed_at", "assessed_by", "blocking_risks", "checklist_applicable", "checklist_answered"):
        op.drop_column('repo_assessment', name)
