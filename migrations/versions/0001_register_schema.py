"""The register's schema: every record type of the exchange format, findings, users and the audit trail.

Organisation is created before area because an area names its responsible authority.

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 07:00:29.386632

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('partner_type', sa.Enum('local_authority', 'police', 'nhs_body', 'school', 'further_education', 'higher_education', 'probation', 'prison', 'youth_offending_team', 'childrens_home_or_fostering', 'government_department', 'home_office', 'intervention_provider', 'voluntary_community', 'housing', 'regulator', 'executive_agency', 'supplier', 'other', name='partnertype', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('ico_registration', sa.String(length=100), nullable=True),
    sa.Column('dpo_contact', sa.String(length=500), nullable=True),
    sa.Column('apd_ref', sa.String(length=200), nullable=True),
    sa.Column('competent_authority', sa.Boolean(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation')),
    sa.UniqueConstraint('ref', name=op.f('uq_organisation_ref'))
    )
    op.create_table('area',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('nation', sa.Enum('england', 'wales', 'scotland', name='nation', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('responsible_authority_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['responsible_authority_id'], ['organisation.id'], name=op.f('fk_area_responsible_authority_id_organisation'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_area')),
    sa.UniqueConstraint('ref', name=op.f('uq_area_ref'))
    )
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=320), nullable=False),
    sa.Column('source', sa.String(length=50), nullable=False),
    sa.Column('action', sa.Enum('create', 'update', 'delete', name='auditaction', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('record_type', sa.String(length=64), nullable=False),
    sa.Column('record_ref', sa.String(length=200), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
        batch_op.create_index('ix_audit_event_record', ['record_type', 'record_ref'], unique=False)

    op.create_table('dsa',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('version', sa.String(length=50), nullable=True),
    sa.Column('status', sa.Enum('draft', 'in_force', 'expired', 'superseded', 'terminated', name='dsastatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('template_origin', sa.Enum('ctnet_police_template', 'la_template', 'nhs_template', 'waspi', 'bespoke', 'unknown', name='templateorigin', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=True),
    sa.Column('review_due', sa.Date(), nullable=True),
    sa.Column('last_reviewed_on', sa.Date(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('allowed_channels', sa.JSON(), nullable=True),
    sa.Column('checklist', sa.JSON(), nullable=True),
    sa.Column('marking', sa.Enum('official', 'official_sensitive', name='marking', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dsa')),
    sa.UniqueConstraint('ref', name=op.f('uq_dsa_ref'))
    )
    op.create_table('joint_controller_arrangement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('responsibilities_allocated', sa.Boolean(), nullable=True),
    sa.Column('essence_published_url', sa.String(length=2000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_joint_controller_arrangement')),
    sa.UniqueConstraint('ref', name=op.f('uq_joint_controller_arrangement_ref'))
    )
    op.create_table('legal_reference',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=100), nullable=False),
    sa.Column('citation', sa.String(length=300), nullable=False),
    sa.Column('title', sa.String(length=1000), nullable=True),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=True),
    sa.Column('note', sa.String(length=2000), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_reference')),
    sa.UniqueConstraint('code', name=op.f('uq_legal_reference_code'))
    )
    op.create_table('mou',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('review_due', sa.Date(), nullable=True),
    sa.Column('includes_data_sharing_provisions', sa.Boolean(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mou')),
    sa.UniqueConstraint('ref', name=op.f('uq_mou_ref'))
    )
    op.create_table('partner_type',
    sa.Column('code', sa.Enum('local_authority', 'police', 'nhs_body', 'school', 'further_education', 'higher_education', 'probation', 'prison', 'youth_offending_team', 'childrens_home_or_fostering', 'government_department', 'home_office', 'intervention_provider', 'voluntary_community', 'housing', 'regulator', 'executive_agency', 'supplier', 'other', name='partnertype', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('schedule_7', sa.Boolean(), nullable=False),
    sa.Column('panel_member', sa.Boolean(), nullable=False),
    sa.Column('mou_can_count_as_dsa', sa.Boolean(), nullable=False),
    sa.Column('competent_authority_by_default', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_partner_type'))
    )
    op.create_table('register_info',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_register_info'))
    )
    op.create_table('rule',
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('gnn', sa.String(length=3), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('subject_type', sa.Enum('data_flow', 'dsa', 'dpia', 'processing_contract', 'mou', 'organisation', 'storage_system', 'privacy_notice', 'panel', 'panel_meeting', 'area', name='subjecttype', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('severity', sa.Enum('high', 'medium', 'low', name='severity', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('severity_note', sa.String(length=1000), nullable=True),
    sa.Column('why', sa.Text(), nullable=False),
    sa.Column('remediation', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_rule')),
    sa.UniqueConstraint('gnn', name=op.f('uq_rule_gnn'))
    )
    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('password_hash', sa.String(length=300), nullable=False),
    sa.Column('role', sa.Enum('admin', 'dpo', 'panel_chair', 'auditor', name='role', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('email', name=op.f('uq_user_account_email'))
    )
    op.create_table('area_designation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('prevent_priority_area', 'dovetail_area', name='designationkind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('value', sa.Boolean(), nullable=False),
    sa.Column('financial_year', sa.String(length=7), nullable=False),
    sa.Column('source', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_area_designation_area_id_area'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_area_designation')),
    sa.UniqueConstraint('area_id', 'kind', 'financial_year', name=op.f('uq_area_designation_area_id_kind_financial_year'))
    )
    op.create_table('dpia',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('controller_id', sa.Integer(), nullable=False),
    sa.Column('regime', sa.Enum('uk_gdpr_art35', 'dpa_s64', name='dpiaregime', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('status', sa.Enum('not_started', 'in_progress', 'completed', name='dpiastatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('dpo_advice_on', sa.Date(), nullable=True),
    sa.Column('residual_risk', sa.Enum('low', 'medium', 'high', name='risklevel', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('ico_prior_consultation', sa.Enum('not_needed', 'submitted', 'advice_received', name='icoconsultation', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('ico_consulted_on', sa.Date(), nullable=True),
    sa.Column('review_due', sa.Date(), nullable=True),
    sa.Column('last_reviewed_on', sa.Date(), nullable=True),
    sa.Column('best_interests_recorded', sa.Boolean(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['controller_id'], ['organisation.id'], name=op.f('fk_dpia_controller_id_organisation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dpia')),
    sa.UniqueConstraint('ref', name=op.f('uq_dpia_ref'))
    )
    with op.batch_alter_table('dpia', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dpia_controller_id'), ['controller_id'], unique=False)

    op.create_table('dsa_party',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dsa_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('signatory_role', sa.String(length=200), nullable=True),
    sa.Column('signatory_name', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['dsa_id'], ['dsa.id'], name=op.f('fk_dsa_party_dsa_id_dsa'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_dsa_party_organisation_id_organisation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dsa_party')),
    sa.UniqueConstraint('dsa_id', 'organisation_id', name=op.f('uq_dsa_party_dsa_id_organisation_id'))
    )
    with op.batch_alter_table('dsa_party', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dsa_party_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('dsa_redaction',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dsa_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('what', sa.String(length=500), nullable=False),
    sa.Column('exemption', sa.Enum('s40_2', 's38', 's24', 's31', name='exemption', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('reason', sa.String(length=2000), nullable=True),
    sa.ForeignKeyConstraint(['dsa_id'], ['dsa.id'], name=op.f('fk_dsa_redaction_dsa_id_dsa'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dsa_redaction'))
    )
    with op.batch_alter_table('dsa_redaction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dsa_redaction_dsa_id'), ['dsa_id'], unique=False)

    op.create_table('finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule_code', sa.String(length=64), nullable=False),
    sa.Column('subject_type', sa.Enum('data_flow', 'dsa', 'dpia', 'processing_contract', 'mou', 'organisation', 'storage_system', 'privacy_notice', 'panel', 'panel_meeting', 'area', name='subjecttype', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('subject_ref', sa.String(length=64), nullable=False),
    sa.Column('subject_name', sa.String(length=500), nullable=True),
    sa.Column('severity', sa.Enum('high', 'medium', 'low', name='severity', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('open', 'accepted_risk', 'remediated', name='findingstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('first_raised_on', sa.Date(), nullable=False),
    sa.Column('last_raised_on', sa.Date(), nullable=False),
    sa.Column('remediated_on', sa.Date(), nullable=True),
    sa.Column('accepted_reason', sa.Text(), nullable=True),
    sa.Column('accepted_by', sa.String(length=320), nullable=True),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.Column('review_on', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['rule_code'], ['rule.code'], name=op.f('fk_finding_rule_code_rule'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finding')),
    sa.UniqueConstraint('rule_code', 'subject_type', 'subject_ref', name=op.f('uq_finding_rule_code_subject_type_subject_ref'))
    )
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finding_status'), ['status'], unique=False)

    op.create_table('joint_controller_party',
    sa.Column('arrangement_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['arrangement_id'], ['joint_controller_arrangement.id'], name=op.f('fk_joint_controller_party_arrangement_id_joint_controller_arrangement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_joint_controller_party_organisation_id_organisation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('arrangement_id', 'organisation_id', name=op.f('pk_joint_controller_party'))
    )
    op.create_table('mou_party',
    sa.Column('mou_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['mou_id'], ['mou.id'], name=op.f('fk_mou_party_mou_id_mou'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_mou_party_organisation_id_organisation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('mou_id', 'organisation_id', name=op.f('pk_mou_party'))
    )
    op.create_table('organisation_area',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_organisation_area_area_id_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_organisation_area_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', 'area_id', name=op.f('pk_organisation_area'))
    )
    op.create_table('panel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('kind', sa.Enum('channel', 'police_led_partnership', 'pmap', name='panelkind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('chair_organisation_id', sa.Integer(), nullable=False),
    sa.Column('confidentiality_policy', sa.Enum('signed_each_meeting', 'signed_annually', 'verbal_statement_minuted', 'none', name='confidentialitypolicy', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chair_organisation_id'], ['organisation.id'], name=op.f('fk_panel_chair_organisation_id_organisation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel')),
    sa.UniqueConstraint('ref', name=op.f('uq_panel_ref'))
    )
    op.create_table('privacy_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('controller_id', sa.Integer(), nullable=False),
    sa.Column('scope', sa.Enum('service_specific', 'corporate', name='noticescope', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=True),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('section', sa.String(length=200), nullable=True),
    sa.Column('published_on', sa.Date(), nullable=True),
    sa.Column('last_reviewed_on', sa.Date(), nullable=True),
    sa.Column('checklist', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['controller_id'], ['organisation.id'], name=op.f('fk_privacy_notice_controller_id_organisation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_notice')),
    sa.UniqueConstraint('ref', name=op.f('uq_privacy_notice_ref'))
    )
    with op.batch_alter_table('privacy_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_privacy_notice_controller_id'), ['controller_id'], unique=False)

    op.create_table('processing_contract',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('controller_id', sa.Integer(), nullable=False),
    sa.Column('processor_id', sa.Integer(), nullable=False),
    sa.Column('subject_matter', sa.String(length=2000), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('starts_on', sa.Date(), nullable=True),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('art28_clauses', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['controller_id'], ['organisation.id'], name=op.f('fk_processing_contract_controller_id_organisation'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['processor_id'], ['organisation.id'], name=op.f('fk_processing_contract_processor_id_organisation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_processing_contract')),
    sa.UniqueConstraint('ref', name=op.f('uq_processing_contract_ref'))
    )
    with op.batch_alter_table('processing_contract', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_processing_contract_controller_id'), ['controller_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_processing_contract_processor_id'), ['processor_id'], unique=False)

    op.create_table('rule_legal_reference',
    sa.Column('rule_code', sa.String(length=64), nullable=False),
    sa.Column('legal_reference_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['legal_reference_id'], ['legal_reference.id'], name=op.f('fk_rule_legal_reference_legal_reference_id_legal_reference'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rule_code'], ['rule.code'], name=op.f('fk_rule_legal_reference_rule_code_rule'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('rule_code', 'legal_reference_id', name=op.f('pk_rule_legal_reference'))
    )
    op.create_table('storage_system',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('kind', sa.Enum('national_pcm', 'national_cmis', 'la_case_system', 'partner_system', 'network_drive', 'email_mailbox', 'spreadsheet', 'paper', name='storagekind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('approved_for_prevent', sa.Boolean(), nullable=False),
    sa.Column('approval_ref', sa.String(length=200), nullable=True),
    sa.Column('hosting', sa.Enum('on_premises', 'cloud_uk', 'cloud_non_uk', name='hosting', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('processor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['organisation.id'], name=op.f('fk_storage_system_owner_id_organisation'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['processor_id'], ['organisation.id'], name=op.f('fk_storage_system_processor_id_organisation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_storage_system')),
    sa.UniqueConstraint('ref', name=op.f('uq_storage_system_ref'))
    )
    op.create_table('user_area',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_user_area_area_id_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_area_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'area_id', name=op.f('pk_user_area'))
    )
    op.create_table('data_flow',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.Column('programme', sa.Enum('prevent_referral', 'channel_case', 'channel_panel', 'police_led_partnership', 'mash_prevent', 'statistics', name='programme', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=False),
    sa.Column('frequency', sa.Enum('routine', 'ad_hoc', 'one_off', name='frequency', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('transfer_channel', sa.Enum('pcm', 'cmis', 'secure_email', 'encrypted_portal', 'mash_email', 'unsecure_email', 'phone_verbal', 'in_meeting', 'paper', 'other', name='transferchannel', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('relationship', sa.Enum('independent_controllers', 'joint_controllers', 'controller_to_processor', name='relationship', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status', sa.Enum('planned', 'live', 'suspended', 'ended', name='flowstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('ended_on', sa.Date(), nullable=True),
    sa.Column('data_categories', sa.JSON(), nullable=False),
    sa.Column('subjects_children', sa.Boolean(), nullable=True),
    sa.Column('subjects_vulnerable_adults', sa.Boolean(), nullable=True),
    sa.Column('combines_sources', sa.Boolean(), nullable=True),
    sa.Column('large_scale', sa.Boolean(), nullable=True),
    sa.Column('dsa_id', sa.Integer(), nullable=True),
    sa.Column('mou_id', sa.Integer(), nullable=True),
    sa.Column('dpia_id', sa.Integer(), nullable=True),
    sa.Column('retention_period', sa.String(length=100), nullable=True),
    sa.Column('retention_trigger', sa.Enum('case_closure', 'referral_date', 'last_contact', 'creation', name='retentiontrigger', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('retention_review_points', sa.String(length=500), nullable=True),
    sa.Column('retention_disposal', sa.String(length=500), nullable=True),
    sa.Column('ropa_ref', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_data_flow_area_id_area'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['dpia_id'], ['dpia.id'], name=op.f('fk_data_flow_dpia_id_dpia'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['dsa_id'], ['dsa.id'], name=op.f('fk_data_flow_dsa_id_dsa'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mou_id'], ['mou.id'], name=op.f('fk_data_flow_mou_id_mou'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recipient_id'], ['organisation.id'], name=op.f('fk_data_flow_recipient_id_organisation'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['sender_id'], ['organisation.id'], name=op.f('fk_data_flow_sender_id_organisation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_flow')),
    sa.UniqueConstraint('ref', name=op.f('uq_data_flow_ref'))
    )
    with op.batch_alter_table('data_flow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_data_flow_area_id'), ['area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_flow_dpia_id'), ['dpia_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_flow_dsa_id'), ['dsa_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_flow_mou_id'), ['mou_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_flow_recipient_id'), ['recipient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_data_flow_sender_id'), ['sender_id'], unique=False)

    op.create_table('finding_area',
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_finding_area_area_id_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['finding_id'], ['finding.id'], name=op.f('fk_finding_area_finding_id_finding'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('finding_id', 'area_id', name=op.f('pk_finding_area'))
    )
    with op.batch_alter_table('finding_area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finding_area_area_id'), ['area_id'], unique=False)

    op.create_table('finding_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('raised', 'severity_changed', 'risk_accepted', 'acceptance_lapsed', 'marked_remediated', 'closed', 'reopened', name='findingeventkind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('severity', sa.Enum('high', 'medium', 'low', name='severity', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status', sa.Enum('open', 'accepted_risk', 'remediated', name='findingstatus', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('actor', sa.String(length=320), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['finding_id'], ['finding.id'], name=op.f('fk_finding_event_finding_id_finding'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finding_event'))
    )
    with op.batch_alter_table('finding_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finding_event_finding_id'), ['finding_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finding_event_on'), ['on'], unique=False)

    op.create_table('panel_area',
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_panel_area_area_id_area'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['panel_id'], ['panel.id'], name=op.f('fk_panel_area_panel_id_panel'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('panel_id', 'area_id', name=op.f('pk_panel_area'))
    )
    op.create_table('panel_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=64), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('minutes_ref', sa.String(length=200), nullable=True),
    sa.Column('cases_discussed', sa.Integer(), nullable=True),
    sa.Column('resident_area_police_present', sa.Boolean(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['panel_id'], ['panel.id'], name=op.f('fk_panel_meeting_panel_id_panel'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_meeting')),
    sa.UniqueConstraint('ref', name=op.f('uq_panel_meeting_ref'))
    )
    with op.batch_alter_table('panel_meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_panel_meeting_panel_id'), ['panel_id'], unique=False)

    op.create_table('panel_police_force',
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_panel_police_force_organisation_id_organisation'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['panel_id'], ['panel.id'], name=op.f('fk_panel_police_force_panel_id_panel'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('panel_id', 'organisation_id', name=op.f('pk_panel_police_force'))
    )
    op.create_table('user_panel',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('panel_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['panel_id'], ['panel.id'], name=op.f('fk_user_panel_panel_id_panel'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_user_panel_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'panel_id', name=op.f('pk_user_panel'))
    )
    op.create_table('data_flow_privacy_notice',
    sa.Column('data_flow_id', sa.Integer(), nullable=False),
    sa.Column('privacy_notice_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['data_flow_id'], ['data_flow.id'], name=op.f('fk_data_flow_privacy_notice_data_flow_id_data_flow'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['privacy_notice_id'], ['privacy_notice.id'], name=op.f('fk_data_flow_privacy_notice_privacy_notice_id_privacy_notice'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('data_flow_id', 'privacy_notice_id', name=op.f('pk_data_flow_privacy_notice'))
    )
    op.create_table('data_flow_storage_system',
    sa.Column('data_flow_id', sa.Integer(), nullable=False),
    sa.Column('storage_system_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['data_flow_id'], ['data_flow.id'], name=op.f('fk_data_flow_storage_system_data_flow_id_data_flow'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['storage_system_id'], ['storage_system.id'], name=op.f('fk_data_flow_storage_system_storage_system_id_storage_system'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('data_flow_id', 'storage_system_id', name=op.f('pk_data_flow_storage_system'))
    )
    op.create_table('lawful_basis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('data_flow_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=False),
    sa.Column('regime', sa.Enum('uk_gdpr', 'dpa_part3', name='regime', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('art6', sa.Enum('a_consent', 'c_legal_obligation', 'e_public_task', 'other', name='art6basis', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('art9', sa.Enum('g_substantial_public_interest', 'h_health_social_care', 'other', name='art9condition', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('sch1_paragraph', sa.Integer(), nullable=True),
    sa.Column('art10', sa.Enum('official_authority', 'sch1_condition', name='art10basis', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('part3', sa.Enum('s35_2_a_consent', 's35_2_b_necessary', name='part3basis', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('sch8_condition', sa.String(length=500), nullable=True),
    sa.Column('domestic_law', sa.String(length=500), nullable=True),
    sa.Column('recorded_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['data_flow_id'], ['data_flow.id'], name=op.f('fk_lawful_basis_data_flow_id_data_flow'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['party_id'], ['organisation.id'], name=op.f('fk_lawful_basis_party_id_organisation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lawful_basis')),
    sa.UniqueConstraint('data_flow_id', 'party_id', name=op.f('uq_lawful_basis_data_flow_id_party_id'))
    )
    with op.batch_alter_table('lawful_basis', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lawful_basis_party_id'), ['party_id'], unique=False)

    op.create_table('meeting_attendee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('membership', sa.Enum('core', 'invited', 'observer', name='membership', native_enum=False, create_constraint=True), nullable=True),
    sa.ForeignKeyConstraint(['meeting_id'], ['panel_meeting.id'], name=op.f('fk_meeting_attendee_meeting_id_panel_meeting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_meeting_attendee_organisation_id_organisation'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_attendee'))
    )
    with op.batch_alter_table('meeting_attendee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_attendee_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_attendee_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('confidentiality_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attendee_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.Enum('signed_agreement', 'verbal_recorded_in_minutes', 'verbal_not_recorded', 'none', name='confidentialitymethod', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('minutes_ref', sa.String(length=200), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['attendee_id'], ['meeting_attendee.id'], name=op.f('fk_confidentiality_record_attendee_id_meeting_attendee'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_confidentiality_record')),
    sa.UniqueConstraint('attendee_id', name=op.f('uq_confidentiality_record_attendee_id'))
    )


def downgrade():
    op.drop_table('confidentiality_record')
    with op.batch_alter_table('meeting_attendee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_attendee_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_attendee_meeting_id'))

    op.drop_table('meeting_attendee')
    with op.batch_alter_table('lawful_basis', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lawful_basis_party_id'))

    op.drop_table('lawful_basis')
    op.drop_table('data_flow_storage_system')
    op.drop_table('data_flow_privacy_notice')
    op.drop_table('user_panel')
    op.drop_table('panel_police_force')
    with op.batch_alter_table('panel_meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_panel_meeting_panel_id'))

    op.drop_table('panel_meeting')
    op.drop_table('panel_area')
    with op.batch_alter_table('finding_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finding_event_on'))
        batch_op.drop_index(batch_op.f('ix_finding_event_finding_id'))

    op.drop_table('finding_event')
    with op.batch_alter_table('finding_area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finding_area_area_id'))

    op.drop_table('finding_area')
    with op.batch_alter_table('data_flow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_data_flow_sender_id'))
        batch_op.drop_index(batch_op.f('ix_data_flow_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_data_flow_mou_id'))
        batch_op.drop_index(batch_op.f('ix_data_flow_dsa_id'))
        batch_op.drop_index(batch_op.f('ix_data_flow_dpia_id'))
        batch_op.drop_index(batch_op.f('ix_data_flow_area_id'))

    op.drop_table('data_flow')
    op.drop_table('user_area')
    op.drop_table('storage_system')
    op.drop_table('rule_legal_reference')
    with op.batch_alter_table('processing_contract', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_processing_contract_processor_id'))
        batch_op.drop_index(batch_op.f('ix_processing_contract_controller_id'))

    op.drop_table('processing_contract')
    with op.batch_alter_table('privacy_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_privacy_notice_controller_id'))

    op.drop_table('privacy_notice')
    op.drop_table('panel')
    op.drop_table('organisation_area')
    op.drop_table('mou_party')
    op.drop_table('joint_controller_party')
    with op.batch_alter_table('finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finding_status'))

    op.drop_table('finding')
    with op.batch_alter_table('dsa_redaction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dsa_redaction_dsa_id'))

    op.drop_table('dsa_redaction')
    with op.batch_alter_table('dsa_party', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dsa_party_organisation_id'))

    op.drop_table('dsa_party')
    with op.batch_alter_table('dpia', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dpia_controller_id'))

    op.drop_table('dpia')
    op.drop_table('area_designation')
    op.drop_table('user_account')
    op.drop_table('rule')
    op.drop_table('register_info')
    op.drop_table('partner_type')
    op.drop_table('area')
    op.drop_table('organisation')
    op.drop_table('mou')
    op.drop_table('legal_reference')
    op.drop_table('joint_controller_arrangement')
    op.drop_table('dsa')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_record')
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))

    op.drop_table('audit_event')
