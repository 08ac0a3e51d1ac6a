"""Archive never deletes: every record type has an archived state (when, why, by whom)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 08:10:00

Nullable columns only, so SQLite adds them with ALTER TABLE (no table rebuild) and every row
already held stays as it was: not archived. Flows already ended and DSAs already terminated are
not marked archived: their status says what they are, and nobody recorded why.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

TABLES = ('area', 'organisation', 'storage_system', 'privacy_notice', 'data_flow', 'dsa', 'dpia',
          'processing_contract', 'mou', 'joint_controller_arrangement', 'panel')


def upgrade():
    for table in TABLES:
        op.add_column(table, sa.Column('archived_on', sa.Date(), nullable=True))
        op.add_column(table, sa.Column('archived_reason', sa.String(length=2000), nullable=True))
        op.add_column(table, sa.Column('archived_by', sa.String(length=320), nullable=True))


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('archived_by')
            batch_op.drop_column('archived_reason')
            batch_op.drop_column('archived_on')
