"""What more than one revision of the team repository writes: the grants a new table gets, the
history's stamp function, and the versions of a function that a later revision replaces and its
downgrade puts back.

Frozen like the revisions themselves: a revision that calls something here must emit the same SQL
for ever, so never change what a function or constant here gives; a new need gets a new name.
(The revisions' recorded operations are compared before and after a change of this module.)
"""
from alembic import op

# The tables the change history accepted rows of, from revision 0005 until 0008 added
# checklist_proposal: the review tables of the .prr file (schema version 1).
REVIEW_TABLES = ["review", "component", "dependency", "redundancy_group", "failure_domain", "journey",
                 "checklist_answer", "risk", "mitigation", "risk_mitigation", "layout", "import_record"]


def sql_list(names: list[str]) -> str:
    """``names`` as the elements of a PostgreSQL ``ARRAY[...]`` of text literals."""
    return ", ".join(f"'{t}'" for t in names)


def grant_access(tables: list[str], *, write: bool = True) -> None:
    """Let the repository's viewers read ``tables``, and its reviewers write them (unless
    ``write`` is false). The role names come from ``prr_role()`` (revision 0002)."""
    names = ", ".join(tables)
    lines = [f"  EXECUTE format('GRANT SELECT ON {names} TO %I', prr_role('viewer'));"]
    if write:
        lines.append(f"  EXECUTE format('GRANT INSERT, UPDATE, DELETE ON {names} TO %I', prr_role('reviewer'));")
    op.execute("\nDO $$\nBEGIN\n" + "\n".join(lines) + "\nEND\n$$;\n")


# The body of prr_change_stamp() as revision 0002 made it: the server sets who, when and from where.
STAMP_V1 = """FUNCTION prr_change_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.changed_by := current_user;
  NEW.changed_at := now();
  NEW.client_addr := inet_client_addr();
  RETURN NEW;
END $$;
"""


def stamp_v2(tables: list[str]) -> str:
    """prr_change_stamp() from revision 0005 on: it also refuses a history row of a table not
    in ``tables``, or of another version than the review's next one."""
    return """
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
""".replace("%(content)s", sql_list(tables))


# The body of prr_risk_acceptance() as revision 0002 made it: only the repository's approvers may
# accept a launch-blocking risk (revision 0006 lets a review's own approvers do it too).
RISK_ACCEPTANCE_V1 = """FUNCTION prr_risk_acceptance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.accepted_by IS NOT NULL AND NEW.launch_blocking IS NOT FALSE
     AND (TG_OP = 'INSERT' OR
          (OLD.accepted_by, OLD.accepted_at, OLD.acceptance_reason, OLD.accepted_until, OLD.launch_blocking)
          IS DISTINCT FROM
          (NEW.accepted_by, NEW.accepted_at, NEW.acceptance_reason, NEW.accepted_until, NEW.launch_blocking))
     AND NOT pg_has_role(current_user, prr_role('approver'), 'USAGE') THEN
    RAISE EXCEPTION 'only an approver may accept a launch-blocking risk (risk %)', NEW.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$;
"""
