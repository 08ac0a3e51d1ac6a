"""FOI drafts a DPO can send: whose register this is, the public interest test of a DSA
redaction, and a draft marked final for release

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 08:15:00

`register_info.holder_id`: the exchange format's top-level `holder` (the organisation that answers
FOI requests from the register). `dsa_redaction.public_interest`: the public interest test a DPO
recorded for a redaction under a qualified exemption. `foi_release`: an area's draft marked final
for release (by the fingerprint of its text). Only additions, so nothing stored changes.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('register_info', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holder_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_register_info_holder_id_organisation'), 'organisation', ['holder_id'], ['id'],
            ondelete='SET NULL')
    with op.batch_alter_table('dsa_redaction', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_interest', sa.Text(), nullable=True))
    op.create_table('foi_release',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('marked_by', sa.String(length=320), nullable=False),
    sa.Column('marked_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_foi_release_area_id_area'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_foi_release')),
    sa.UniqueConstraint('area_id', name=op.f('uq_foi_release_area_id'))
    )


def downgrade():
    op.drop_table('foi_release')
    with op.batch_alter_table('dsa_redaction', schema=None) as batch_op:
        batch_op.drop_column('public_interest')
    with op.batch_alter_table('register_info', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_register_info_holder_id_organisation'), type_='foreignkey')
        batch_op.drop_column('holder_id')
