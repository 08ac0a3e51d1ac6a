"""ORM models. Every model is imported here so Alembic's autogenerate sees every table."""

from .agreement import (
    ART28_CLAUSES,
    DSA_CHECKLIST,
    Dsa,
    DsaParty,
    DsaRedaction,
    JointControllerArrangement,
    Mou,
    ProcessingContract,
)
from .area import Area, AreaDesignation
from .audit import AuditEvent
from .base import Base
from .data_flow import DataFlow, LawfulBasis
from .dpia import Dpia
from .evidence import EvidenceDocument
from .finding import Finding, FindingEvent
from .findings_refresh import FindingsRefresh
from .foi import FoiRelease, FoiWithholding
from .organisation import Organisation, PartnerTypeInfo
from .panel import ConfidentialityRecord, MeetingAttendee, Panel, PanelMeeting
from .register_info import RegisterInfo
from .rule import Commencement, LegalReference, Rule
from .sign_in_mapping import SignInMapping
from .storage import PRIVACY_NOTICE_CHECKLIST, PrivacyNotice, StorageSystem
from .user import SignInAttempt, SignInThrottle, User

__all__ = [
    "ART28_CLAUSES",
    "DSA_CHECKLIST",
    "PRIVACY_NOTICE_CHECKLIST",
    "Area",
    "AreaDesignation",
    "AuditEvent",
    "Base",
    "Commencement",
    "ConfidentialityRecord",
    "DataFlow",
    "Dpia",
    "Dsa",
    "EvidenceDocument",
    "DsaParty",
    "DsaRedaction",
    "Finding",
    "FindingEvent",
    "FindingsRefresh",
    "FoiRelease",
    "FoiWithholding",
    "JointControllerArrangement",
    "LawfulBasis",
    "LegalReference",
    "MeetingAttendee",
    "Mou",
    "Organisation",
    "Panel",
    "PanelMeeting",
    "PartnerTypeInfo",
    "PrivacyNotice",
    "ProcessingContract",
    "RegisterInfo",
    "Rule",
    "SignInMapping",
    "SignInAttempt",
    "SignInThrottle",
    "StorageSystem",
    "User",
]
