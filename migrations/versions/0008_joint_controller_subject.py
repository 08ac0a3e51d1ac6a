"""A joint-controller arrangement is a finding subject

Its pages ask for the open findings about it, and SQLAlchemy refused the subject type
'joint_controller_arrangement' as "not among the defined enum values" (LookupError): every
arrangement's page was a server error. The value joins SubjectType, so the CHECK constraints on
finding.subject_type and rule.subject_type take it, and the columns widen from 19 to 28
characters (the enum is stored as VARCHAR, see compliance/models/base.py enum_column).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 05:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

BEFORE = ('data_flow', 'dsa', 'dpia', 'processing_contract', 'mou', 'organisation', 'storage_system',
          'privacy_notice', 'panel', 'panel_meeting', 'area')
AFTER = BEFORE + ('joint_controller_arrangement',)


def _change(old, new):
    allowed = ", ".join(f"'{value}'" for value in new)
    for table in ('finding', 'rule'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_subjecttype'), type_='check')
            batch_op.alter_column('subject_type', existing_type=sa.String(max(map(len, old))),
                                  type_=sa.String(max(map(len, new))), existing_nullable=False)
            batch_op.create_check_constraint(op.f(f'ck_{table}_subjecttype'), f"subject_type IN ({allowed})")


def upgrade():
    _change(BEFORE, AFTER)


def downgrade():
    op.execute("DELETE FROM finding_event WHERE finding_id IN "
               "(SELECT id FROM finding WHERE subject_type = 'joint_controller_arrangement')")
    op.execute("DELETE FROM finding WHERE subject_type = 'joint_controller_arrangement'")
    _change(AFTER, BEFORE)
