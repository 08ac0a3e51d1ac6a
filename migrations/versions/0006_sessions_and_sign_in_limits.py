"""Sessions that end, one-time authenticator codes, encrypted secrets, atomic sign-in limits

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 05:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_throttle',
    sa.Column('key', sa.String(length=400), nullable=False),
    sa.Column('window_started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttle'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('totp_last_step', sa.Integer(), nullable=True))
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=64), type_=sa.String(length=255),
                              existing_nullable=True)
    _encrypt_existing_secrets()


def _encrypt_existing_secrets():
    """Authenticator secrets stored in plain text are encrypted with the configured key."""
    try:
        from flask import current_app

        config = dict(current_app.config)
    except RuntimeError:  # run outside the app: they are encrypted when next written
        return
    from compliance.services import encryption

    connection = op.get_bind()
    users = sa.table('user_account', sa.column('id', sa.Integer), sa.column('totp_secret', sa.String))
    rows = connection.execute(sa.select(users.c.id, users.c.totp_secret).where(users.c.totp_secret.is_not(None)))
    for user_id, secret in rows.fetchall():
        if not secret.startswith(encryption.PREFIX):
            connection.execute(
                users.update().where(users.c.id == user_id).values(totp_secret=encryption.encrypt(secret, config))
            )


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('totp_secret', existing_type=sa.String(length=255), type_=sa.String(length=64),
                              existing_nullable=True)
        batch_op.drop_column('totp_last_step')
        batch_op.drop_column('session_generation')
    op.drop_table('sign_in_throttle')
