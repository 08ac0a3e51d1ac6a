"""An FOI draft as a document a DPO can send: plain text or Word (python-docx, imported only when a
Word document is asked for). Until the DPO marks the draft final for release it carries the
OFFICIAL-SENSITIVE marking at its head and foot."""

from __future__ import annotations

import io

from .foi import QUESTIONS, Draft

MARKING = "OFFICIAL-SENSITIVE"
TITLE = "Freedom of Information Act 2000: Prevent/Channel data management"


def _heading(draft: Draft) -> str:
    by = f"{draft.holder}, " if draft.holder else ""
    return f"Response from {by}{draft.area_name}, as of {draft.as_of.strftime('%-d %B %Y')}"


def as_text(draft: Draft, *, marked: bool = True, notes: bool = False) -> str:
    """`marked`: with the OFFICIAL-SENSITIVE marking. `notes`: with each answer's exemptions and
    the records it rests on (for the DPO, not for the requester)."""
    lines = [MARKING, ""] if marked else []
    lines += [TITLE, _heading(draft), ""]
    if draft.advice:
        lines += [draft.advice, ""]
    for answer in draft.answers:
        lines += [f"{answer.question}: {QUESTIONS[answer.question]}", "", answer.text, ""]
        if notes and answer.exemptions:
            lines.append(f"[Exemptions: {', '.join(answer.exemptions)}]")
        if notes and answer.sources:
            lines.append("[Sources: " + ", ".join(f"{s['type']} {s['ref']}" for s in answer.sources) + "]")
        if notes and (answer.exemptions or answer.sources):
            lines.append("")
    if marked:
        lines += [MARKING]
    return "\n".join(lines).rstrip() + "\n"


def as_docx(draft: Draft, *, marked: bool = True) -> bytes:
    import docx  # python-docx: only the Word download needs it
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = docx.Document()
    document.core_properties.title = f"FOI response: {draft.area_name}"
    document.core_properties.author = draft.holder or ""
    if marked:
        section = document.sections[0]
        for part in (section.header, section.footer):
            paragraph = part.paragraphs[0]
            paragraph.text = MARKING
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_heading(TITLE, level=1)
    document.add_paragraph(_heading(draft))
    if draft.advice:
        document.add_paragraph(draft.advice)
    for answer in draft.answers:
        document.add_heading(f"{answer.question}: {QUESTIONS[answer.question]}", level=2)
        document.add_paragraph(answer.text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
