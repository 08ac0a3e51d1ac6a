"""FOI answers a DPO withholds

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 08:39:50.892736

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('foi_withholding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.Integer(), nullable=False),
    sa.Column('exemptions', sa.JSON(), nullable=False),
    sa.Column('public_interest', sa.Text(), nullable=False),
    sa.Column('decided_by', sa.String(length=320), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_foi_withholding_area_id_area'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_foi_withholding')),
    sa.UniqueConstraint('area_id', 'question', name=op.f('uq_foi_withholding_area_id_question'))
    )


def downgrade():
    op.drop_table('foi_withholding')
