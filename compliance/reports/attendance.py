"""A panel meeting's attendance and confidentiality sheet (reportlab), in the audit report's style
(compliance/reports/pdf.py): OFFICIAL-SENSITIVE centred at the top and bottom of every page,
"Page N of M".

It names the attendees, so it is for the panel's own file only: no FOI answer, public output or
redacted export includes it. Pure: the same meeting and generation stamp give the same bytes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO

from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from .pdf import BODY, H1, MARKING, SMALL, _Document, _esc, _NumberedCanvas, _table

STATEMENT = (
    "Everyone present agrees that what is said at this meeting, and what is shared for it, is confidential: "
    "it is used only for the panel's work under the Counter-Terrorism and Security Act 2015 and shared no "
    "further, except as the law requires."
)
METHODS = {
    "signed_agreement": "Signed agreement",
    "verbal_recorded_in_minutes": "Verbal, minuted",
    "verbal_not_recorded": "Verbal, not recorded",
    "none": "None",
}


@dataclass(frozen=True)
class Attendee:
    name: str | None  # personal data: this sheet is for the panel's own file only
    role: str
    organisation: str
    membership: str | None
    confidentiality: str | None  # a METHODS key, None when not recorded
    confidentiality_detail: str | None  # the minute reference, or the date signed


@dataclass(frozen=True)
class Sheet:
    panel: str
    meeting_ref: str
    held_on: date
    minutes_ref: str | None
    attendees: Sequence[Attendee]
    generated_by: str
    generated_at: datetime


def build(sheet: Sheet) -> tuple[bytes, int]:
    """The PDF's bytes and its number of pages."""
    story = [
        Paragraph("Attendance and confidentiality", H1),
        Paragraph(f"<b>{_esc(sheet.panel)}</b>, {sheet.held_on.strftime('%-d %B %Y')}", BODY),
        Paragraph(f"Meeting {_esc(sheet.meeting_ref)}; minutes {_esc(sheet.minutes_ref or 'not recorded')}", BODY),
        Spacer(1, 3 * mm),
        Paragraph(
            "For the panel's own file. This sheet names the people present: personal data, never released "
            "in answer to a freedom of information request (FOIA s40(2)) nor in any public output.",
            SMALL,
        ),
        Spacer(1, 3 * mm),
        Paragraph("<b>Confidentiality statement</b>", BODY),
        Paragraph(_esc(STATEMENT), BODY),
        Spacer(1, 4 * mm),
    ]
    rows = [["", "Name", "Role", "Organisation", "Confidentiality", "Signature"]]
    for number, attendee in enumerate(sheet.attendees, start=1):
        recorded = METHODS.get(attendee.confidentiality or "", "Not recorded")
        if attendee.confidentiality_detail:
            recorded += f" ({attendee.confidentiality_detail})"
        organisation = attendee.organisation + (f" ({attendee.membership})" if attendee.membership else "")
        rows.append(
            [
                str(number),
                Paragraph(_esc(attendee.name or ""), SMALL),
                Paragraph(_esc(attendee.role), SMALL),
                Paragraph(_esc(organisation), SMALL),
                Paragraph(_esc(recorded), SMALL),
                "",
            ]
        )
    for number in range(len(sheet.attendees) + 1, len(sheet.attendees) + 4):  # for anyone who arrives late
        rows.append([str(number), "", "", "", "", ""])
    table = _table(rows, [8 * mm, 32 * mm, 32 * mm, 42 * mm, 30 * mm, 30 * mm])
    table.setStyle([("TOPPADDING", (0, 1), (-1, -1), 6), ("BOTTOMPADDING", (0, 1), (-1, -1), 12)])  # room to sign
    story += [
        table,
        Spacer(1, 5 * mm),
        Paragraph(
            f"Printed by {_esc(sheet.generated_by)} on {sheet.generated_at.strftime('%-d %B %Y %H:%M')} "
            f"from the Prevent Compliance Register. {MARKING}.",
            SMALL,
        ),
    ]
    buffer = BytesIO()
    document = _Document(buffer, title=f"Attendance and confidentiality: {sheet.panel}, {sheet.held_on.isoformat()}")
    document.build(story, canvasmaker=_NumberedCanvas)
    return buffer.getvalue(), document.page
