"""Evidence documents

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 08:31:32.438117

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('evidence_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_type', sa.String(length=64), nullable=False),
    sa.Column('record_ref', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('marking', sa.Enum('official', 'official_sensitive', 'secret', 'top_secret', name='documentmarking', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('redacted_copy_of_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_by', sa.String(length=320), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['redacted_copy_of_id'], ['evidence_document.id'], name=op.f('fk_evidence_document_redacted_copy_of_id_evidence_document'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_document'))
    )
    with op.batch_alter_table('evidence_document', schema=None) as batch_op:
        batch_op.create_index('ix_evidence_document_record', ['record_type', 'record_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_document_redacted_copy_of_id'), ['redacted_copy_of_id'], unique=False)



def downgrade():
    with op.batch_alter_table('evidence_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_document_redacted_copy_of_id'))
        batch_op.drop_index('ix_evidence_document_record')

    op.drop_table('evidence_document')
