"""Record versions: a save against a version older than the stored one is refused

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 05:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_version', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('dsa', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_version', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('joint_controller_arrangement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_version', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('mou', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_version', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_version', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('dpia', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_version', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_version', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('panel', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_version', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('privacy_notice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_version', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('processing_contract', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_version', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('storage_system', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_version', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('data_flow', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_version', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('panel_meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    with op.batch_alter_table('panel_meeting', schema=None) as batch_op:
        batch_op.drop_column('record_version')

    with op.batch_alter_table('data_flow', schema=None) as batch_op:
        batch_op.drop_column('record_version')

    with op.batch_alter_table('storage_system', schema=None) as batch_op:
        batch_op.drop_column('record_version')

    with op.batch_alter_table('processing_contract', schema=None) as batch_op:
        batch_op.drop_column('record_version')

    with op.batch_alter_table('privacy_notice', schema=None) as batch_op:
        batch_op.drop_column('record_version')

    with op.batch_alter_table('panel', schema=None) as batch_op:
        batch_op.drop_column('record_version')

    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_column('record_version')

    with op.batch_alter_table('dpia', schema=None) as batch_op:
        batch_op.drop_column('record_version')

    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('record_version')

    with op.batch_alter_table('mou', schema=None) as batch_op:
        batch_op.drop_column('record_version')

    with op.batch_alter_table('joint_controller_arrangement', schema=None) as batch_op:
        batch_op.drop_column('record_version')

    with op.batch_alter_table('dsa', schema=None) as batch_op:
        batch_op.drop_column('record_version')

    with op.batch_alter_table('area', schema=None) as batch_op:
        batch_op.drop_column('record_version')
