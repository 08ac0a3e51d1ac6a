"""Evidence documents attached to records: the signed DSA, the DPIA, the contract, minutes...

Kept in the database with their SHA-256 and protective marking, so a backup of the database is a
backup of the evidence.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column

from .base import NEVER_REUSED_IDS, Base, enum_column, utcnow
from .enums import DocumentMarking


class EvidenceDocument(Base):
    __tablename__ = "evidence_document"
    __table_args__ = (
        sa.Index("ix_evidence_document_record", "record_type", "record_ref"),
        sa.Index("ix_evidence_document_record_id", "record_type", "record_id"),
        NEVER_REUSED_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(sa.String(64))
    # The record it belongs to, by id (ids are never reused); null when the record is gone, or was
    # already gone when migration 0011 linked the documents to their records. Only that record's
    # readers see the document: a record given the same ref later never does.
    record_id: Mapped[int | None]
    # The record's ref when the document was attached (what the list of documents shows).
    record_ref: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[str] = mapped_column(sa.String(300))
    filename: Mapped[str] = mapped_column(sa.String(300))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    marking: Mapped[DocumentMarking] = mapped_column(enum_column(DocumentMarking))
    # A copy with the exempt passages removed, for release; it points at the document it redacts.
    redacted_copy_of_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("evidence_document.id", ondelete="CASCADE"), index=True
    )
    uploaded_by: Mapped[str] = mapped_column(sa.String(320))
    uploaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # The bytes themselves, loaded only when the document is downloaded.
    content: Mapped[bytes] = deferred(mapped_column(sa.LargeBinary, nullable=False))
