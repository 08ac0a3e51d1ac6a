"""Evidence documents, findings and audit entries belong to a record by its id, not its ref

A ref can be used again once its record is gone, so whatever was keyed by (record type, ref) went
to whichever record had the ref last: a DPO who created an organisation with a removed one's ref
could download that organisation's documents and see its history. From here:

- evidence_document.record_id, audit_event.record_id and finding.subject_id hold the record's id;
- the record tables (and evidence_document) never hand out an id twice: PostgreSQL's sequences
  never do; on SQLite each table is rebuilt AUTOINCREMENT (by hand: batch mode's rebuild reflects
  the table, and reflection drops both AUTOINCREMENT and the enum columns' CHECK constraints);
- a finding is unique per rule and subject *id* (a new record with an old ref gets its own).

Existing rows are linked to the record that has their ref now, unless the audit trail shows a
record with that ref was deleted after them (the entry was about, or the document attached to,
or the finding first raised about, the deleted record): those keep a null id, and only an admin
sees them (nothing says any more which areas they belonged to).

audit_event.record_id is hashed like every other column, so the audit_event chain is rebuilt
here (as 0007 built it). A head hash printed on a report before this migration is no longer in
the chain: the old and new heads are logged, for the record.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 08:00:00
"""
import logging
import re

from alembic import op
import sqlalchemy as sa

from compliance.services.audit_chain import GENESIS, link


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

log = logging.getLogger('alembic.runtime.migration')

# (the type name the audit trail and findings use, its table): every record with an id.
RECORDS = (
    ('area', 'area'),
    ('organisation', 'organisation'),
    ('storage_system', 'storage_system'),
    ('privacy_notice', 'privacy_notice'),
    ('data_flow', 'data_flow'),
    ('dsa', 'dsa'),
    ('dpia', 'dpia'),
    ('processing_contract', 'processing_contract'),
    ('mou', 'mou'),
    ('joint_controller_arrangement', 'joint_controller_arrangement'),
    ('panel', 'panel'),
    ('panel_meeting', 'panel_meeting'),
)
NEVER_REUSED = tuple(table for _, table in RECORDS) + ('evidence_document',)

# audit_event's columns at this revision (a later column added needs its own re-chaining).
AUDIT_EVENT = sa.table(
    'audit_event',
    sa.column('id', sa.Integer),
    sa.column('at', sa.DateTime(timezone=True)),
    sa.column('actor', sa.String),
    sa.column('source', sa.String),
    sa.column('action', sa.String),
    sa.column('record_type', sa.String),
    sa.column('record_ref', sa.String),
    sa.column('record_id', sa.Integer),
    sa.column('before', sa.JSON),
    sa.column('after', sa.JSON),
    sa.column('prev_hash', sa.String),
    sa.column('entry_hash', sa.String),
)
BATCH = 5000


def upgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    op.add_column('evidence_document', sa.Column('record_id', sa.Integer(), nullable=True))
    op.add_column('audit_event', sa.Column('record_id', sa.Integer(), nullable=True))
    op.add_column('finding', sa.Column('subject_id', sa.Integer(), nullable=True))
    if sqlite:
        for table in NEVER_REUSED:
            _rebuild_sqlite(table, lambda sql, table=table: _autoincrement(sql, table))
        _rebuild_sqlite('finding', lambda sql: sql.replace(
            'uq_finding_rule_code_subject_type_subject_ref UNIQUE (rule_code, subject_type, subject_ref)',
            'uq_finding_rule_code_subject_type_subject_id UNIQUE (rule_code, subject_type, subject_id)'))
    else:
        op.drop_constraint('uq_finding_rule_code_subject_type_subject_ref', 'finding', type_='unique')
    _link_rows()
    if not sqlite:
        op.create_unique_constraint('uq_finding_rule_code_subject_type_subject_id', 'finding',
                                    ['rule_code', 'subject_type', 'subject_id'])
    op.create_index('ix_evidence_document_record_id', 'evidence_document', ['record_type', 'record_id'])
    op.create_index('ix_audit_event_record_id', 'audit_event', ['record_type', 'record_id'])
    _rechain()


def downgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    op.drop_index('ix_audit_event_record_id', table_name='audit_event')
    op.drop_index('ix_evidence_document_record_id', table_name='evidence_document')
    # Fails (unique constraint) if a ref now has findings about two records: resolve those first.
    if sqlite:
        _rebuild_sqlite('finding', lambda sql: re.sub(r'subject_id INTEGER,\s*', '', sql.replace(
            'uq_finding_rule_code_subject_type_subject_id UNIQUE (rule_code, subject_type, subject_id)',
            'uq_finding_rule_code_subject_type_subject_ref UNIQUE (rule_code, subject_type, subject_ref)')))
        # Native DROP COLUMN (SQLite 3.35+) keeps AUTOINCREMENT and the CHECK constraints.
        op.execute('ALTER TABLE evidence_document DROP COLUMN record_id')
        op.execute('ALTER TABLE audit_event DROP COLUMN record_id')
    else:
        op.drop_constraint('uq_finding_rule_code_subject_type_subject_id', 'finding', type_='unique')
        op.create_unique_constraint('uq_finding_rule_code_subject_type_subject_ref', 'finding',
                                    ['rule_code', 'subject_type', 'subject_ref'])
        op.drop_column('finding', 'subject_id')
        op.drop_column('evidence_document', 'record_id')
        op.drop_column('audit_event', 'record_id')
    _rechain(columns=[c for c in AUDIT_EVENT.columns if c.name != 'record_id'])


# --- linking existing rows ----------------------------------------------------------------------


def _deleted_since(alias_column_type, alias_column_ref, condition):
    """SQL: the audit trail has a delete of (type, ref) at or after `condition`'s point."""
    return (f"EXISTS (SELECT 1 FROM audit_event d WHERE d.record_type = {alias_column_type} "
            f"AND d.record_ref = {alias_column_ref} AND d.action = 'delete' AND {condition})")


def _link_rows():
    for subject, table in RECORDS:
        current = f"(SELECT t.id FROM {table} t WHERE t.ref = %s)"
        op.execute(sa.text(
            f"UPDATE audit_event SET record_id = {current % 'audit_event.record_ref'} "
            f"WHERE record_type = :subject AND NOT "
            + _deleted_since('audit_event.record_type', 'audit_event.record_ref', 'd.id >= audit_event.id')
        ).bindparams(subject=subject))
        op.execute(sa.text(
            f"UPDATE evidence_document SET record_id = {current % 'evidence_document.record_ref'} "
            f"WHERE record_type = :subject AND NOT "
            + _deleted_since('evidence_document.record_type', 'evidence_document.record_ref',
                             'd.at >= evidence_document.uploaded_at')
        ).bindparams(subject=subject))
        op.execute(sa.text(
            f"UPDATE finding SET subject_id = {current % 'finding.subject_ref'} "
            f"WHERE subject_type = :subject AND NOT "
            + _deleted_since('finding.subject_type', 'finding.subject_ref', 'd.at >= finding.first_raised_on')
        ).bindparams(subject=subject))
    # An evidence document's own entries: its ref is its id.
    op.execute(
        "UPDATE audit_event SET record_id = (SELECT e.id FROM evidence_document e "
        "WHERE CAST(e.id AS VARCHAR(20)) = audit_event.record_ref) WHERE record_type = 'evidence_document'"
    )


# --- SQLite: rebuilding a table from its own CREATE statement ----------------------------------


def _autoincrement(sql, table):
    """The CREATE TABLE statement with its id column AUTOINCREMENT (as SQLAlchemy writes it for a
    table with sqlite_autoincrement=True: the primary key on the column, not the table)."""
    if 'AUTOINCREMENT' in sql:
        return sql
    column = re.compile(r'(\n\s*)id INTEGER NOT NULL,')
    # Named by the naming convention, or unnamed where Alembic's batch mode rebuilt the table.
    constraint = re.compile(r'\s*(?:CONSTRAINT "?pk_%s"? )?PRIMARY KEY \(id\),?' % table)
    if not column.search(sql) or not constraint.search(sql):
        raise RuntimeError(f'{table}: its CREATE TABLE statement is not the one expected: {sql}')
    sql = column.sub(r'\1id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,', sql, count=1)
    sql = constraint.sub('', sql, count=1)
    return re.sub(r',\s*\)\s*$', '\n)', sql)


def _rebuild_sqlite(table, edit):
    """Rebuild `table` from `edit`(its CREATE TABLE statement): copy its rows (ids included, so
    AUTOINCREMENT's counter starts after the largest), drop it, rename the copy, recreate its
    indexes. Foreign keys are off while migrating (migrations/env.py)."""
    connection = op.get_bind()
    sql = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar_one()
    indexes = [row[0] for row in connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", (table,))]
    new_sql = edit(sql)
    head = re.compile(r'^CREATE TABLE "?%s"? \(' % table)
    if not head.match(new_sql):
        raise RuntimeError(f'{table}: its CREATE TABLE statement is not the one expected: {sql}')
    copy = f'_{table}_0011'
    connection.exec_driver_sql(head.sub(f'CREATE TABLE "{copy}" (', new_sql, count=1))
    columns = ', '.join(f'"{row[1]}"' for row in connection.exec_driver_sql(f'PRAGMA table_info("{copy}")'))
    connection.exec_driver_sql(f'INSERT INTO "{copy}" ({columns}) SELECT {columns} FROM "{table}"')
    connection.exec_driver_sql(f'DROP TABLE "{table}"')
    connection.exec_driver_sql(f'ALTER TABLE "{copy}" RENAME TO "{table}"')
    for index in indexes:
        connection.exec_driver_sql(index)


# --- the audit_event chain ----------------------------------------------------------------------


def _rechain(columns=None):
    connection = op.get_bind()
    content = columns or [c for c in AUDIT_EVENT.columns if c.name not in ('prev_hash', 'entry_hash')]
    content = [c for c in content if c.name not in ('prev_hash', 'entry_hash')]
    table = AUDIT_EVENT
    old_head = connection.execute(sa.select(table.c.entry_hash).order_by(table.c.id.desc()).limit(1)).scalar()
    update = (
        table.update()
        .where(table.c.id == sa.bindparam('entry_id'))
        .values(prev_hash=sa.bindparam('new_prev'), entry_hash=sa.bindparam('new_hash'))
    )
    head, last_id = GENESIS, 0
    while True:
        rows = connection.execute(
            sa.select(*content).where(table.c.id > last_id).order_by(table.c.id).limit(BATCH)
        ).all()
        if not rows:
            break
        updates = []
        for row in rows:
            entry_hash = link(head, dict(row._mapping))
            updates.append({'entry_id': row.id, 'new_prev': head, 'new_hash': entry_hash})
            head, last_id = entry_hash, row.id
        connection.execute(update, updates)
    if old_head:
        log.warning('audit_event hash chain rebuilt (record_id is now hashed): head was %s, is now %s',
                    old_head, head)
