"""Organisations to complete: a chair may add at a meeting an organisation the register lacks,
marked for the DPO to complete

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 08:00:00

A nullable flag (absent = complete), so every organisation already held stays as it is and the
exchange format leaves it out unless it is set.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('needs_completion', sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('needs_completion')
