"""A hash chain over the audit trail and over the findings' history

Each audit_event and finding_event row gets prev_hash (the previous entry's hash) and entry_hash
(SHA-256 of prev_hash and the entry's canonical content), computed here for the entries already
there, in id order, with the same function the app uses (compliance/services/audit_chain.py).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 05:30:00.000000

"""
from alembic import op
import sqlalchemy as sa

from compliance.services.audit_chain import GENESIS, link


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# The tables' columns at this revision (a later column added to either needs its own re-chaining).
AUDIT_EVENT = sa.table(
    'audit_event',
    sa.column('id', sa.Integer),
    sa.column('at', sa.DateTime(timezone=True)),
    sa.column('actor', sa.String),
    sa.column('source', sa.String),
    sa.column('action', sa.String),
    sa.column('record_type', sa.String),
    sa.column('record_ref', sa.String),
    sa.column('before', sa.JSON),
    sa.column('after', sa.JSON),
    sa.column('prev_hash', sa.String),
    sa.column('entry_hash', sa.String),
)
FINDING_EVENT = sa.table(
    'finding_event',
    sa.column('id', sa.Integer),
    sa.column('finding_id', sa.Integer),
    sa.column('at', sa.DateTime(timezone=True)),
    sa.column('on', sa.Date),
    sa.column('kind', sa.String),
    sa.column('severity', sa.String),
    sa.column('status', sa.String),
    sa.column('actor', sa.String),
    sa.column('note', sa.Text),
    sa.column('prev_hash', sa.String),
    sa.column('entry_hash', sa.String),
)
BATCH = 5000


def _chain(table):
    connection = op.get_bind()
    content = [column for column in table.columns if column.name not in ('prev_hash', 'entry_hash')]
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
            return
        updates = []
        for row in rows:
            entry_hash = link(head, dict(row._mapping))
            updates.append({'entry_id': row.id, 'new_prev': head, 'new_hash': entry_hash})
            head, last_id = entry_hash, row.id
        connection.execute(update, updates)


def upgrade():
    for name in ('audit_event', 'finding_event'):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
            batch_op.add_column(sa.Column('entry_hash', sa.String(length=64), nullable=True))
    _chain(AUDIT_EVENT)
    _chain(FINDING_EVENT)
    for name in ('audit_event', 'finding_event'):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.alter_column('prev_hash', existing_type=sa.String(length=64), nullable=False)
            batch_op.alter_column('entry_hash', existing_type=sa.String(length=64), nullable=False)


def downgrade():
    for name in ('finding_event', 'audit_event'):
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.drop_column('entry_hash')
            batch_op.drop_column('prev_hash')
