"""The review tables (the .prr file's, with review_id), the reviews and their history.

Frozen: a later change to the schema is a new revision, never an edit here.

Revision ID: 0001
Revises: 
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('repo_review',
    sa.Column('id', sa.Integer(), sa.Identity(always=False), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('version', sa.BigInteger(), server_default=sa.text('1'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_by', sa.Text(), server_default=sa.text('CURRENT_USER'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_by', sa.Text(), server_default=sa.text('CURRENT_USER'), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name', name='repo_review_name_key')
    )
    op.create_table('checklist_answer',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('item', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('reason', sa.String(), nullable=False),
    sa.Column('evidence', sa.String(), nullable=False),
    sa.Column('owner', sa.String(), nullable=False),
    sa.Column('due', sa.String(), nullable=True),
    sa.Column('note', sa.String(), nullable=False),
    sa.Column('changed_by', sa.String(), nullable=False),
    sa.Column('changed_at', sa.String(), nullable=True),
    sa.Column('history', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['repo_review.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', 'item', name='checklist_answer_pkey')
    )
    op.create_table('component',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('owner', sa.String(), nullable=False),
    sa.Column('tier', sa.Integer(), nullable=True),
    sa.Column('user_facing', sa.Boolean(), nullable=False),
    sa.Column('replicas', sa.Integer(), nullable=True),
    sa.Column('min_healthy', sa.Integer(), nullable=True),
    sa.Column('placement', sa.JSON(), nullable=False),
    sa.Column('shared_domains', sa.JSON(), nullable=False),
    sa.Column('availability', sa.Float(), nullable=True),
    sa.Column('slo', sa.Float(), nullable=True),
    sa.Column('rto_minutes', sa.Float(), nullable=True),
    sa.Column('rpo_minutes', sa.Float(), nullable=True),
    sa.Column('recovery', sa.String(), nullable=True),
    sa.Column('failover_minutes', sa.Float(), nullable=True),
    sa.Column('backup_interval_minutes', sa.Float(), nullable=True),
    sa.Column('obs_metrics', sa.Boolean(), nullable=True),
    sa.Column('obs_logs', sa.Boolean(), nullable=True),
    sa.Column('obs_traces', sa.Boolean(), nullable=True),
    sa.Column('obs_alerts', sa.Boolean(), nullable=True),
    sa.Column('obs_dashboard', sa.Boolean(), nullable=True),
    sa.Column('obs_runbook', sa.Boolean(), nullable=True),
    sa.Column('tags', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('notes', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['repo_review.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', 'id', name='component_pkey')
    )
    op.create_table('failure_domain',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('parent', sa.String(), nullable=True),
    sa.Column('availability', sa.Float(), nullable=True),
    sa.Column('notes', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['repo_review.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', 'id', name='failure_domain_pkey')
    )
    op.create_table('import_record',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('at', sa.String(), nullable=False),
    sa.Column('format', sa.String(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('summary', sa.String(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['repo_review.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', 'id', name='import_record_pkey')
    )
    op.create_table('journey',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('entry', sa.JSON(), nullable=False),
    sa.Column('slo', sa.Float(), nullable=True),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('critical', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['repo_review.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', 'id', name='journey_pkey')
    )
    op.create_table('layout',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('element', sa.String(), nullable=False),
    sa.Column('x', sa.Float(), nullable=False),
    sa.Column('y', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['repo_review.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', 'element', name='layout_pkey')
    )
    op.create_table('mitigation',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('owner', sa.String(), nullable=False),
    sa.Column('due', sa.String(), nullable=True),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('effort', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['review_id'], ['repo_review.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', 'id', name='mitigation_pkey')
    )
    op.create_table('redundancy_group',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('name', sa.String(), nullable=False),
    sa.Column('members', sa.JSON(), nullable=False),
    sa.Column('min_up', sa.Integer(), nullable=False),
    sa.Column('notes', sa.String(), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['repo_review.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', 'id', name='redundancy_group_pkey')
    )
    op.create_table('repo_change',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.Column('table_name', sa.Text(), nullable=False),
    sa.Column('row_key', sa.JSON(), nullable=False),
    sa.Column('field', sa.Text(), nullable=True),
    sa.Column('old', sa.JSON(), nullable=True),
    sa.Column('new', sa.JSON(), nullable=True),
    sa.Column('changed_by', sa.Text(), server_default=sa.text('CURRENT_USER'), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('client_addr', postgresql.INET(), server_default=sa.text('inet_client_addr()'), nullable=True),
    sa.Column('client', sa.Text(), server_default=sa.text("''"), nullable=False),
    sa.ForeignKeyConstraint(['review_id'], ['repo_review.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_repo_change_review_id'), 'repo_change', ['review_id'], unique=False)
    op.create_table('review',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('system_name', sa.String(), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('reviewers', sa.JSON(), nullable=False),
    sa.Column('review_date', sa.String(), nullable=True),
    sa.Column('milestone', sa.String(), nullable=False),
    sa.Column('target_launch', sa.String(), nullable=True),
    sa.Column('tier', sa.Integer(), nullable=False),
    sa.Column('checklist_template', sa.String(), nullable=True),
    sa.Column('checklist_version', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['review_id'], ['repo_review.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', 'id', name='review_pkey')
    )
    op.create_table('risk',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.String(), nullable=False),
    sa.Column('origin', sa.String(), nullable=False),
    sa.Column('title', sa.String(), nullable=False),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('likelihood', sa.Integer(), nullable=True),
    sa.Column('impact', sa.Integer(), nullable=True),
    sa.Column('override_likelihood', sa.Integer(), nullable=True),
    sa.Column('override_impact', sa.Integer(), nullable=True),
    sa.Column('override_reason', sa.String(), nullable=False),
    sa.Column('launch_blocking', sa.Boolean(), nullable=True),
    sa.Column('components', sa.JSON(), nullable=False),
    sa.Column('owner', sa.String(), nullable=False),
    sa.Column('status', sa.String(), nullable=False),
    sa.Column('accepted_by', sa.String(), nullable=True),
    sa.Column('accepted_at', sa.String(), nullable=True),
    sa.Column('acceptance_reason', sa.String(), nullable=True),
    sa.Column('accepted_until', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['review_id'], ['repo_review.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', 'id', name='risk_pkey')
    )
    op.create_table('dependency',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(), nullable=False),
    sa.Column('target', sa.String(), nullable=False),
    sa.Column('kind', sa.String(), nullable=False),
    sa.Column('fallback', sa.String(), nullable=True),
    sa.Column('timeout_ms', sa.Integer(), nullable=True),
    sa.Column('retries', sa.Integer(), nullable=True),
    sa.Column('backoff', sa.Boolean(), nullable=True),
    sa.Column('retry_budget', sa.Boolean(), nullable=True),
    sa.Column('circuit_breaker', sa.Boolean(), nullable=True),
    sa.Column('description', sa.String(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['review_id', 'source'], ['component.review_id', 'component.id'], name='dependency_source_fkey', initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['review_id'], ['repo_review.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', 'source', 'target', name='dependency_pkey')
    )
    op.create_table('risk_mitigation',
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('mitigation_id', sa.String(), nullable=False),
    sa.Column('risk_id', sa.String(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['review_id', 'mitigation_id'], ['mitigation.review_id', 'mitigation.id'], name='risk_mitigation_mitigation_id_fkey', initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['review_id', 'risk_id'], ['risk.review_id', 'risk.id'], name='risk_mitigation_risk_id_fkey', initially='DEFERRED', deferrable=True),
    sa.ForeignKeyConstraint(['review_id'], ['repo_review.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('review_id', 'mitigation_id', 'risk_id', name='risk_mitigation_pkey')
    )


def downgrade() -> None:
    op.drop_table('risk_mitigation')
    op.drop_table('dependency')
    op.drop_table('risk')
    op.drop_table('review')
    op.drop_index(op.f('ix_repo_change_review_id'), table_name='repo_change')
    op.drop_table('repo_change')
    op.drop_table('redundancy_group')
    op.drop_table('mitigation')
    op.drop_table('layout')
    op.drop_table('journey')
    op.drop_table('import_record')
    op.drop_table('failure_domain')
    op.drop_table('component')
    op.drop_table('checklist_answer')
    op.drop_table('repo_review')
