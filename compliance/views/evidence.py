"""Attach evidence documents to a record, and download them."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, SelectChoice, StringField, SubmitField
from wtforms.validators import InputRequired, Length, ValidationError

from ..models.enums import DocumentMarking
from ..services import evidence, records
from .common import actor, require, scope
from .edge import Form, attachment

bp = Blueprint("evidence", __name__)

MARKINGS = [
    SelectChoice("official", "OFFICIAL"),
    SelectChoice("official_sensitive", "OFFICIAL-SENSITIVE"),
    SelectChoice("secret", "SECRET"),
    SelectChoice("top_secret", "TOP SECRET"),
]


class UploadForm(Form):
    title = StringField(
        "What is it?",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter what the document is, for example the signed DSA"), Length(max=300)],
    )
    document = FileField(
        "Document (PDF, DOCX or ODT, up to 20 MB)",
        widget=GovFileInput(),
        validators=[FileRequired(message="Select the document to attach")],
    )
    marking = RadioField(
        "Protective marking",
        choices=MARKINGS,
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select the document's protective marking")],
    )
    redacted_copy_of = RadioField(
        "Is it a redacted copy for release?",
        widget=GovRadioInput(),
        default="",
        choices=[SelectChoice("", "No")],
        validate_choice=False,  # checked below, against the documents of the record
    )
    submit = SubmitField("Attach the document", widget=GovSubmitInput())

    def validate_redacted_copy_of(self, field) -> None:
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Select No, or the document of this record it is a redacted copy of")


def _form(kind, obj, formdata=None) -> UploadForm:
    form = UploadForm(formdata=formdata) if formdata is not None else UploadForm()
    form.redacted_copy_of.choices = [SelectChoice("", "No")] + [
        SelectChoice(str(d.id), f"Yes, of: {d.title}")
        for d in evidence.for_record(kind.subject, obj.id)
        if d.redacted_copy_of_id is None
    ]
    return form


@bp.route("/records/<key>/<ref>/documents", methods=["GET", "POST"])
def upload(key: str, ref: str) -> ResponseReturnValue:
    require(scope().can_edit_register)
    kind = records.record_type(key)
    obj = records.get_record(scope(), key, ref)
    evidence.refuse_if_archived(key, obj)
    form = _form(kind, obj)
    if form.validate_on_submit():
        file = form.document.data
        content = file.read()
        file.close()
        try:
            evidence.attach(
                scope(),
                key,
                ref,
                evidence.Upload(
                    title=form.title.data,
                    filename=file.filename or "document",
                    content=content,
                    marking=DocumentMarking(form.marking.data),
                    redacted_copy_of=int(form.redacted_copy_of.data) if form.redacted_copy_of.data else None,
                ),
                actor=actor(),
            )
        except evidence.EvidenceRefused as error:
            form.document.errors = [str(error)]
        else:
            flash(f"{form.title.data} is attached.")
            return redirect(url_for("records.detail", key=key, ref=ref))
    status = 400 if form.errors else 200
    return render_template(
        "records/upload.html", form=form, key=key, ref=ref, obj=obj, noun=records.TITLES[key][1]
    ), status


@bp.get("/documents/<int:document_id>")
def download(document_id: int) -> ResponseReturnValue:
    document = evidence.download(scope(), document_id)
    extension = {v: k for k, v in evidence.TYPES.items()}[document.content_type]
    name = document.filename if document.filename.lower().endswith("." + extension) else f"document.{extension}"
    return Response(
        document.content,
        mimetype=document.content_type,
        headers={
            "Content-Disposition": attachment(name),
            "X-Protective-Marking": document.marking.value.replace("_", "-").upper(),
        },
    )
