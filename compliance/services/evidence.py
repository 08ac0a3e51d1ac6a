"""Evidence documents: checked by their content (not their name), stored with a SHA-256, downloadable
only by people who may see the record they belong to."""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from ..exchange import fields
from ..extensions import db
from ..models.enums import DocumentMarking
from ..models.evidence import EvidenceDocument
from ..text import safe_filename
from . import audit, records
from .access import NotVisible, Scope

MAX_BYTES = 20 * 1024 * 1024
REFUSED_MARKINGS = {DocumentMarking.SECRET, DocumentMarking.TOP_SECRET}
TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}


class EvidenceRefused(ValueError):
    """The file cannot be kept; the message says why and what to do."""


@dataclass(frozen=True)
class Upload:
    title: str
    filename: str
    content: bytes
    marking: DocumentMarking
    redacted_copy_of: int | None = None


# An ODT's `mimetype` entry is its media type, 39 bytes; reading more than this of it, or opening
# one that claims to be larger or to expand more than 100 times, is how a zip bomb gets in.
MIMETYPE_MAX_BYTES = 1024
MAX_EXPANSION = 100


def detect_type(content: bytes) -> str | None:
    """pdf, docx or odt from the bytes themselves; None for anything else. Of a zip, only the
    directory and a bounded prefix of one small entry are read: nothing is expanded."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
                if "mimetype" in names and _mimetype(archive) == TYPES["odt"].encode():
                    return "odt"
                if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
                    return "docx"
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, RuntimeError):
            return None
    return None


def _mimetype(archive: zipfile.ZipFile) -> bytes | None:
    entry = archive.getinfo("mimetype")
    if entry.file_size > MIMETYPE_MAX_BYTES or entry.file_size > MAX_EXPANSION * max(entry.compress_size, 1):
        return None
    with archive.open(entry) as handle:
        return handle.read(MIMETYPE_MAX_BYTES).strip()


def refuse_if_archived(key: str, obj) -> None:
    """An archived record is read-only: documents are attached only once it is restored."""
    if obj.archived_on is not None:
        raise records.Archived(
            f"The {records.TITLES[key][1]} {obj.ref} is archived: restore it before attaching a document to it."
        )


def attach(scope: Scope, key: str, ref: str, upload: Upload, *, actor: str) -> EvidenceDocument:
    scope.require(scope.can_edit_register)
    kind = records.record_type(key)
    obj = records.get_record(scope, key, ref)  # NotVisible outside the user's areas
    refuse_if_archived(key, obj)
    if upload.marking in REFUSED_MARKINGS:
        raise EvidenceRefused(
            "Documents marked SECRET or above cannot be held in this register. "
            "Keep them in an accredited system and record a reference instead."
        )
    if not upload.content:
        raise EvidenceRefused("The selected file is empty.")
    if len(upload.content) > MAX_BYTES:
        raise EvidenceRefused("The selected file must be smaller than 20 MB.")
    found = detect_type(upload.content)
    if found is None:
        raise EvidenceRefused(
            "The selected file must be a PDF, DOCX or ODT document. Its contents are not any of "
            "these, whatever its name says."
        )
    if upload.redacted_copy_of is not None:
        original = db.session.get(EvidenceDocument, upload.redacted_copy_of)
        if original is None or (original.record_type, original.record_id) != (kind.subject, obj.id):
            raise EvidenceRefused("The redacted copy must belong to a document of the same record.")
    document = EvidenceDocument(
        record_type=kind.subject,
        record_id=obj.id,
        record_ref=ref,
        title=upload.title.strip() or safe_filename(upload.filename),
        filename=safe_filename(upload.filename),
        content_type=TYPES[found],
        size=len(upload.content),
        sha256=hashlib.sha256(upload.content).hexdigest(),
        marking=upload.marking,
        redacted_copy_of_id=upload.redacted_copy_of,
        uploaded_by=actor,
        content=upload.content,
    )
    try:
        db.session.add(document)
        db.session.flush()
        audit.record_change(
            actor=actor,
            source="web",
            record_type="evidence_document",
            record_ref=str(document.id),
            record_id=document.id,
            before=None,
            after={
                "record": f"{kind.subject} {ref}",
                "title": document.title,
                "filename": document.filename,
                "sha256": document.sha256,
                "marking": document.marking.value,
                "size": document.size,
            },
        )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return document


def for_record(record_type: str, record_id: int) -> list[EvidenceDocument]:
    """The documents of one record, by its id: never those of a removed record that had its ref."""
    statement = (
        sa.select(EvidenceDocument)
        .where(EvidenceDocument.record_type == record_type, EvidenceDocument.record_id == record_id)
        .order_by(EvidenceDocument.uploaded_at, EvidenceDocument.id)
    )
    return list(db.session.scalars(statement))


def download(scope: Scope, document_id: int) -> EvidenceDocument:
    """The document with its bytes, if the user may see the record it belongs to (by id);
    NotVisible (404) otherwise. A document whose record is gone is an admin's alone: nothing says
    any more which areas it belonged to."""
    document = db.session.scalar(
        sa.select(EvidenceDocument).options(undefer(EvidenceDocument.content)).where(EvidenceDocument.id == document_id)
    )
    if document is None or not _may_read(scope, document):
        raise NotVisible(f"document {document_id}")
    return document


def _may_read(scope: Scope, document: EvidenceDocument) -> bool:
    kind = fields.BY_SUBJECT.get(document.record_type)
    if kind is None:
        return False
    if scope.sees_everything:  # an admin: the documents of records that are gone too
        return True
    if document.record_id is None:
        return False
    model = kind.model
    visible = sa.select(model.id).where(model.id == document.record_id, scope.where(model))
    return db.session.scalar(visible) is not None
