"""The Data (Use and Access) Act 2025: public authorities, complaints procedures, Art 6(1)(ea)
and (f), Annex 1 conditions, and commencement dates as reference data

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 06:30:00

Adding values to `lawful_basis.art6` widens its column and replaces its CHECK constraint (the
enum is stored by value, non-native). On SQLite the table is rebuilt (batch mode), and the CHECK
constraints of its other enum columns are declared again so the rebuild keeps them.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

ART6_OLD = ('a_consent', 'c_legal_obligation', 'e_public_task', 'other')
ART6_NEW = ('a_consent', 'c_legal_obligation', 'e_public_task', 'ea_recognised_legitimate_interest',
            'f_legitimate_interests', 'other')
ANNEX1 = ('public_task_disclosure_request', 'national_security_public_security_defence', 'emergencies', 'crime',
          'safeguarding_vulnerable_individuals')


def _enum(values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=max(map(len, values)))


def upgrade():
    op.create_table('commencement',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('provision', sa.String(length=500), nullable=False),
    sa.Column('in_force_from', sa.Date(), nullable=False),
    sa.Column('amended_by', sa.String(length=300), nullable=False),
    sa.Column('citation', sa.String(length=500), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=True),
    sa.Column('note', sa.String(length=2000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_commencement'))
    )
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_authority', sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column('complaints_procedure_ref', sa.String(length=500), nullable=True))
    with op.batch_alter_table('partner_type', schema=None) as batch_op:
        # Filled in by `compliance seed reference` (run by `make run` and by any import).
        batch_op.add_column(sa.Column('public_authority_by_default', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    _lawful_basis(ART6_OLD, ART6_NEW, add_annex1=True)


def downgrade():
    op.execute("UPDATE lawful_basis SET art6 = 'other' "
               "WHERE art6 IN ('ea_recognised_legitimate_interest', 'f_legitimate_interests')")
    _lawful_basis(ART6_NEW, ART6_OLD, add_annex1=False)
    with op.batch_alter_table('partner_type', schema=None) as batch_op:
        batch_op.drop_column('public_authority_by_default')
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('complaints_procedure_ref')
        batch_op.drop_column('public_authority')
    op.drop_table('commencement')


def _lawful_basis(old, new, *, add_annex1):
    if op.get_bind().dialect.name == 'sqlite':
        # The rebuilt table takes its columns' types from these, CHECK constraints included.
        kept = {
            'regime': _enum(('uk_gdpr', 'dpa_part3'), 'regime'),
            'art9': _enum(('g_substantial_public_interest', 'h_health_social_care', 'other'), 'art9condition'),
            'art10': _enum(('official_authority', 'sch1_condition'), 'art10basis'),
            'part3': _enum(('s35_2_a_consent', 's35_2_b_necessary'), 'part3basis'),
        }
        with op.batch_alter_table('lawful_basis', recreate='always') as batch_op:
            for column, type_ in kept.items():
                batch_op.alter_column(column, existing_type=type_, type_=type_)
            batch_op.alter_column('art6', existing_type=_enum(old, 'art6basis'), type_=_enum(new, 'art6basis'),
                                  existing_nullable=True)
            if add_annex1:
                batch_op.add_column(sa.Column('annex1_condition', _enum(ANNEX1, 'annex1condition'), nullable=True))
            else:
                batch_op.drop_constraint(op.f('ck_lawful_basis_annex1condition'), type_='check')
                batch_op.drop_column('annex1_condition')
        return
    op.drop_constraint(op.f('ck_lawful_basis_art6basis'), 'lawful_basis', type_='check')
    op.alter_column('lawful_basis', 'art6', existing_type=sa.String(max(map(len, old))),
                    type_=sa.String(max(map(len, new))), existing_nullable=True)
    op.create_check_constraint(op.f('ck_lawful_basis_art6basis'), 'lawful_basis', sa.column('art6').in_(new))
    if add_annex1:
        op.add_column('lawful_basis', sa.Column('annex1_condition', sa.String(len(max(ANNEX1, key=len))),
                                                nullable=True))
        op.create_check_constraint(op.f('ck_lawful_basis_annex1condition'), 'lawful_basis',
                                   sa.column('annex1_condition').in_(ANNEX1))
    else:
        op.drop_constraint(op.f('ck_lawful_basis_annex1condition'), 'lawful_basis', type_='check')
        op.drop_column('lawful_basis', 'annex1_condition')
