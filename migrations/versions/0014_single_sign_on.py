"""Single sign-on with the council's own accounts (OpenID Connect): people matched on the
provider's issuer and subject, the groups/app roles mapped to a role, areas and panels, and
break-glass local accounts

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 08:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sign_in_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group', sa.String(length=255), nullable=False),
    sa.Column('role', sa.Enum('admin', 'dpo', 'panel_chair', 'auditor', name='role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_mapping')),
    sa.UniqueConstraint('group', name=op.f('uq_sign_in_mapping_group'))
    )
    op.create_table('sign_in_mapping_area',
    sa.Column('mapping_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_sign_in_mapping_area_area_id_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['mapping_id'], ['sign_in_mapping.id'], name=op.f('fk_sign_in_mapping_area_mapping_id_sign_in_mapping'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('mapping_id', 'area_id', name=op.f('pk_sign_in_mapping_area'))
    )
    op.create_table('sign_in_mapping_panel',
    sa.Column('mapping_id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['mapping_id'], ['sign_in_mapping.id'], name=op.f('fk_sign_in_mapping_panel_mapping_id_sign_in_mapping'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['panel_id'], ['panel.id'], name=op.f('fk_sign_in_mapping_panel_panel_id_panel'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('mapping_id', 'panel_id', name=op.f('pk_sign_in_mapping_panel'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('oidc_issuer', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('oidc_subject', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('provider_groups', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('provider_access', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('break_glass', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_user_account_oidc_issuer_oidc_subject'), ['oidc_issuer', 'oidc_subject'])



def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_account_oidc_issuer_oidc_subject'), type_='unique')
        batch_op.drop_column('break_glass')
        batch_op.drop_column('provider_access')
        batch_op.drop_column('provider_groups')
        batch_op.drop_column('oidc_subject')
        batch_op.drop_column('oidc_issuer')

    op.drop_table('sign_in_mapping_panel')
    op.drop_table('sign_in_mapping_area')
    op.drop_table('sign_in_mapping')
