"""A risk not marked either way (``launch_blocking`` NULL: "per the rules", as the app and the
report read it) is launch-blocking for an acceptance only when the rules say so. Until 0011 the
database counted every unmarked risk as blocking, so a reviewer could accept no risk the analysis
found, not even one the analysis, the report and the command line call not launch-blocking, and
the whole push carrying that acceptance was refused.

The database cannot run the analysis, so "the rules" are what it knows of them:

- a computed SPOF (``spof:...``) is always blocking, as before;
- a risk the review's stored assessment counts as blocking by rule (``blocking_risks``) is blocking.
  The row trigger reads an assessment stored by an earlier transaction only: one stored in the same
  transaction as the acceptance, before it, is not the rules' say but the writer's, and the
  unmarked risk then counts as blocking (the app stores its assessment after its rows, so it never
  meets this);
- a review with no such assessment (never assessed) fails safe: an unmarked risk counts as blocking,
  but for a review made in this transaction, whose first assessment comes with it;
- a deferred check at commit reads the assessment as it then is, so a risk that the same push makes
  launch-blocking (a component raised to tier 1 beside the acceptance) is refused too, and an
  unmarked acceptance in a review that ends the transaction without any assessment is refused.

What stays: a risk marked launch-blocking, or whose mark is lowered (true or unmarked to false) in
the same write as its acceptance, takes an approver; so do taking a mark away and deleting a
launch-blocking risk (0010, unchanged). The refusal says why the risk is launch-blocking.

Frozen: a later change to the schema is a new revision, never an edit here.

Revision ID: 0012
Revises: 0011
"""
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

_APPROVER = """(pg_has_role(current_user, prr_role('approver'), 'USAGE')
     OR EXISTS (SELECT FROM repo_review_role WHERE review_id = NEW.review_id AND kind = 'approver'
                AND pg_has_role(current_user, member, 'MEMBER')))"""

_ACCEPTING = """NEW.accepted_by IS NOT NULL AND (moved OR
    (OLD.accepted_by, OLD.accepted_at, OLD.acceptance_reason, OLD.accepted_until, OLD.launch_blocking, OLD.status)
    IS DISTINCT FROM
    (NEW.accepted_by, NEW.accepted_at, NEW.acceptance_reason, NEW.accepted_until, NEW.launch_blocking, NEW.status))"""

UPGRADE_SQL = f"""
CREATE OR REPLACE FUNCTION prr_risk_acceptance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  moved boolean := TG_OP = 'INSERT' OR (OLD.review_id, OLD.id) IS DISTINCT FROM (NEW.review_id, NEW.id);
  spof boolean := NEW.origin = 'computed' AND NEW.id LIKE 'spof:%';
  listed boolean;
  prior boolean;
  assessed boolean;
  accepting boolean;
  lowered boolean;
  unknown boolean;
  blocking boolean;
  unblocking boolean;
BEGIN
  -- counted blocking by rule by the stored assessment (whenever stored, as 0010 read it)
  listed := EXISTS (SELECT FROM repo_assessment a WHERE a.review_id = NEW.review_id
                    AND a.blocking_risks IS NOT NULL AND a.blocking_risks::jsonb ? NEW.id);
  -- an assessment stored by an earlier transaction: the rules' say, not this writer's
  prior := EXISTS (SELECT FROM repo_assessment a WHERE a.review_id = NEW.review_id
                   AND a.xmin::text <> (txid_current() % 4294967296)::text);
  assessed := spof OR listed;
  accepting := {_ACCEPTING};
  lowered := NOT moved AND OLD.launch_blocking IS NOT FALSE AND NEW.launch_blocking IS FALSE;
  -- unmarked, and what the rules say of it unknown here: fails safe (a review made in this
  -- transaction is checked at commit against its first assessment)
  unknown := NEW.launch_blocking IS NULL AND NOT prior
    AND NOT EXISTS (SELECT FROM repo_review r WHERE r.id = NEW.review_id AND r.created_at = now());
  blocking := NEW.launch_blocking IS TRUE OR assessed OR lowered OR unknown
    OR (NOT moved AND OLD.launch_blocking IS TRUE);
  unblocking := NEW.launch_blocking IS NOT TRUE
    AND ((NOT moved AND OLD.launch_blocking IS TRUE)
         OR (NEW.launch_blocking IS FALSE AND (moved OR OLD.launch_blocking IS NOT FALSE) AND assessed));
  IF ((accepting AND blocking) OR unblocking) AND NOT {_APPROVER} THEN
    IF accepting AND blocking THEN
      RAISE EXCEPTION 'only an approver may accept a launch-blocking risk (risk %: %)', NEW.id,
        CASE WHEN NEW.launch_blocking IS TRUE OR (NOT moved AND OLD.launch_blocking IS TRUE)
               THEN 'marked launch-blocking'
             WHEN lowered AND NOT assessed THEN 'its launch-blocking mark is lowered in the same write'
             WHEN spof THEN 'a single point of failure'
             WHEN listed THEN 'launch-blocking by the review''s rules'
             ELSE 'the review is not assessed yet, so an unmarked risk counts as launch-blocking' END
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    RAISE EXCEPTION 'only an approver may mark a launch-blocking risk not launch-blocking (risk %)', NEW.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;

-- at commit: an unmarked risk accepted in this transaction by someone not an approver, against the
-- review's assessment as the transaction leaves it (the push's own, stored after its rows)
CREATE FUNCTION prr_risk_acceptance_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  moved boolean := TG_OP = 'INSERT' OR (OLD.review_id, OLD.id) IS DISTINCT FROM (NEW.review_id, NEW.id);
  accepting boolean;
  assessment json;
  found_one boolean;
BEGIN
  accepting := {_ACCEPTING};
  IF NOT accepting OR NEW.launch_blocking IS NOT NULL OR {_APPROVER} THEN
    RETURN NULL;
  END IF;
  -- the row as the transaction leaves it: still unmarked and accepted
  IF NOT EXISTS (SELECT FROM risk r WHERE r.review_id = NEW.review_id AND r.id = NEW.id
                 AND r.launch_blocking IS NULL AND r.accepted_by IS NOT NULL)
     OR NOT EXISTS (SELECT FROM repo_review WHERE id = NEW.review_id) THEN
    RETURN NULL;
  END IF;
  SELECT a.blocking_risks, true INTO assessment, found_one FROM repo_assessment a WHERE a.review_id = NEW.review_id;
  IF found_one IS NULL THEN
    RAISE EXCEPTION 'only an approver may accept a launch-blocking risk (risk %: %)', NEW.id,
      'the review is not assessed yet, so an unmarked risk counts as launch-blocking'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF assessment IS NOT NULL AND assessment::jsonb ? NEW.id THEN
    RAISE EXCEPTION 'only an approver may accept a launch-blocking risk (risk %: %)', NEW.id,
      'launch-blocking by the review''s rules'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NULL;
END $$;

CREATE CONSTRAINT TRIGGER risk_acceptance_at_commit AFTER INSERT OR UPDATE ON risk
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION prr_risk_acceptance_at_commit();
"""

# prr_risk_acceptance() as revision 0010 made it, put back by the downgrade
DOWNGRADE_SQL = """
DROP TRIGGER risk_acceptance_at_commit ON risk;
DROP FUNCTION prr_risk_acceptance_at_commit();
CREATE OR REPLACE FUNCTION prr_risk_acceptance() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  moved boolean := TG_OP = 'INSERT' OR (OLD.review_id, OLD.id) IS DISTINCT FROM (NEW.review_id, NEW.id);
  assessed boolean;
  accepting boolean;
  blocking boolean;
  unblocking boolean;
BEGIN
  assessed := (NEW.origin = 'computed' AND NEW.id LIKE 'spof:%')
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
      RAISE EXCEPTION 'only an approver may accept a launch-blocking risk (risk %)', NEW.id
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    RAISE EXCEPTION 'only an approver may mark a launch-blocking risk not launch-blocking (risk %)', NEW.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
"""


def upgrade() -> None:
    op.execute(UPGRADE_SQL)


def downgrade() -> None:
    op.execute(DOWNGRADE_SQL)
