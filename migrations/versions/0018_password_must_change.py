"""A temporary password must be changed: user_account.password_must_change

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 20:00:00

Set when an admin adds a person on the Administration page (the register made the password up and
showed it once); cleared when the person chooses their own. Until then every page but "Choose a new
password" and signing out sends them there. Existing users keep their passwords: false.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('password_must_change', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('password_must_change')
