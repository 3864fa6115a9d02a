"""Schema versions of the ``.prr`` file and the steps between them.

The schema version is SQLite's ``user_version``; the file is marked as ours by
``application_id``. Each released version's DDL is frozen here (never derived
from the current table classes, which move on). ``STEPS[n]`` takes a file
from version ``n - 1`` to ``n`` (version 0 is an empty database). A test keeps
a fixture file of every released version and checks it opens and migrates.
"""
from __future__ import annotations

#: "PRRW" in ASCII: marks a SQLite file as a PRR Workbench review.
APPLICATION_ID = 0x50525257

V1_DDL = """
CREATE TABLE review (
    id INTEGER NOT NULL,
    system_name VARCHAR NOT NULL,
    description VARCHAR NOT NULL,
    reviewers JSON NOT NULL,
    review_date VARCHAR,
    milestone VARCHAR NOT NULL,
    target_launch VARCHAR,
    tier INTEGER NOT NULL,
    checklist_template VARCHAR,
    checklist_version VARCHAR,
    PRIMARY KEY (id)
);
CREATE TABLE component (
    id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    description VARCHAR NOT NULL,
    owner VARCHAR NOT NULL,
    tier INTEGER,
    user_facing BOOLEAN NOT NULL,
    replicas INTEGER,
    min_healthy INTEGER,
    placement JSON NOT NULL,
    shared_domains JSON NOT NULL,
    availability FLOAT,
    slo FLOAT,
    rto_minutes FLOAT,
    rpo_minutes FLOAT,
    recovery VARCHAR,
    failover_minutes FLOAT,
    backup_interval_minutes FLOAT,
    obs_metrics BOOLEAN,
    obs_logs BOOLEAN,
    obs_traces BOOLEAN,
    obs_alerts BOOLEAN,
    obs_dashboard BOOLEAN,
    obs_runbook BOOLEAN,
    tags JSON NOT NULL,
    source VARCHAR NOT NULL,
    notes VARCHAR NOT NULL,
    PRIMARY KEY (id)
);
CREATE TABLE dependency (
    source VARCHAR NOT NULL,
    target VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    fallback VARCHAR,
    timeout_ms INTEGER,
    retries INTEGER,
    backoff BOOLEAN,
    retry_budget BOOLEAN,
    circuit_breaker BOOLEAN,
    description VARCHAR NOT NULL,
    evidence JSON NOT NULL,
    PRIMARY KEY (source, target),
    FOREIGN KEY(source) REFERENCES component (id)
);
CREATE TABLE redundancy_group (
    id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    members JSON NOT NULL,
    min_up INTEGER NOT NULL,
    notes VARCHAR NOT NULL,
    PRIMARY KEY (id)
);
CREATE TABLE failure_domain (
    id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    parent VARCHAR,
    availability FLOAT,
    notes VARCHAR NOT NULL,
    PRIMARY KEY (id)
);
CREATE TABLE journey (
    id VARCHAR NOT NULL,
    name VARCHAR NOT NULL,
    entry JSON NOT NULL,
    slo FLOAT,
    description VARCHAR NOT NULL,
    critical BOOLEAN NOT NULL,
    PRIMARY KEY (id)
);
CREATE TABLE checklist_answer (
    item VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    evidence VARCHAR NOT NULL,
    owner VARCHAR NOT NULL,
    due VARCHAR,
    note VARCHAR NOT NULL,
    changed_by VARCHAR NOT NULL,
    changed_at VARCHAR,
    history JSON NOT NULL,
    PRIMARY KEY (item)
);
CREATE TABLE risk (
    id VARCHAR NOT NULL,
    origin VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    description VARCHAR NOT NULL,
    likelihood INTEGER,
    impact INTEGER,
    override_likelihood INTEGER,
    override_impact INTEGER,
    override_reason VARCHAR NOT NULL,
    launch_blocking BOOLEAN,
    components JSON NOT NULL,
    owner VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    accepted_by VARCHAR,
    accepted_at VARCHAR,
    acceptance_reason VARCHAR,
    accepted_until VARCHAR,
    PRIMARY KEY (id)
);
CREATE TABLE mitigation (
    id VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    description VARCHAR NOT NULL,
    owner VARCHAR NOT NULL,
    due VARCHAR,
    status VARCHAR NOT NULL,
    effort VARCHAR,
    PRIMARY KEY (id)
);
CREATE TABLE risk_mitigation (
    mitigation_id VARCHAR NOT NULL,
    risk_id VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (mitigation_id, risk_id),
    FOREIGN KEY(mitigation_id) REFERENCES mitigation (id),
    FOREIGN KEY(risk_id) REFERENCES risk (id)
);
CREATE TABLE layout (
    element VARCHAR NOT NULL,
    x FLOAT NOT NULL,
    y FLOAT NOT NULL,
    PRIMARY KEY (element)
);
CREATE TABLE import_record (
    id VARCHAR NOT NULL,
    at VARCHAR NOT NULL,
    format VARCHAR NOT NULL,
    sources JSON NOT NULL,
    summary VARCHAR NOT NULL,
    report JSON NOT NULL,
    PRIMARY KEY (id)
);
"""


def _statements(ddl: str) -> list[str]:
    return [s.strip() for s in ddl.split(";") if s.strip()]


#: Version 2 (issue 17): the review's tier may be NULL (not stated: judged as tier 1 for launch
#: blocking), the review has a resilience policy (JSON, NULL: the default policy), and a risk keeps
#: the reviewer's reason for marking it launch-blocking. SQLite cannot drop a NOT NULL constraint in
#: place: the review table (one row) is rebuilt.
V2_STEPS = """
CREATE TABLE review_v2 (
    id INTEGER NOT NULL,
    system_name VARCHAR NOT NULL,
    description VARCHAR NOT NULL,
    reviewers JSON NOT NULL,
    review_date VARCHAR,
    milestone VARCHAR NOT NULL,
    target_launch VARCHAR,
    tier INTEGER,
    checklist_template VARCHAR,
    checklist_version VARCHAR,
    resilience_policy JSON,
    PRIMARY KEY (id)
);
INSERT INTO review_v2 (id, system_name, description, reviewers, review_date, milestone, target_launch, tier,
    checklist_template, checklist_version, resilience_policy)
    SELECT id, system_name, description, reviewers, review_date, milestone, target_launch, tier,
    checklist_template, checklist_version, NULL FROM review;
DROP TABLE review;
ALTER TABLE review_v2 RENAME TO review;
ALTER TABLE risk ADD COLUMN launch_blocking_reason VARCHAR NOT NULL DEFAULT ''
"""

#: version -> SQL statements that upgrade from version - 1
STEPS: dict[int, list[str]] = {
    1: _statements(V1_DDL),
    2: _statements(V2_STEPS),
}

CURRENT_VERSION = max(STEPS)
