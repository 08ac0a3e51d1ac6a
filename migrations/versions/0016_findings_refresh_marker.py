"""How current the stored findings are: findings_refresh

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 11:20:00

One row (services/refresh_marker.py): the date the stored findings were last made exact for the
whole register, and the newest audit entry of a change they account for. `compliance gaps` reads
the stored findings while both still hold, and runs the rules otherwise. The table starts empty,
so the first `compliance gaps` after this migration runs every rule. A later migration that changes
register records or reference data must delete its row.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('findings_refresh',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('audit_head', sa.Integer(), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_findings_refresh'))
    )


def downgrade():
    op.drop_table('findings_refresh')
