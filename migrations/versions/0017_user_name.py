"""A user's name: an admin creating someone on the Administration page records who they are, not
only their email

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-04 12:00:00

Nullable: users created before, by the command line or by single sign-on, have none until an
admin gives them one.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('name')
