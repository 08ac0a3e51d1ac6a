"""Import an exchange file from the browser, and download the register or one area."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovFileInput, GovSubmitInput
from wtforms import BooleanField, SubmitField

from ..exchange.serialise import dumps
from ..extensions import db
from ..services import exchange, records, reports, write_scope
from .common import actor, require, scope
from .edge import Form, attachment

bp = Blueprint("transfer", __name__, url_prefix="/transfer")


class ImportForm(Form):
    file = FileField(
        "Exchange file (JSON)",
        widget=GovFileInput(),
        validators=[FileRequired(message="Choose an exchange file to import")],
    )
    dry_run = BooleanField("Only check the file: do not import it", widget=GovCheckboxInput())
    submit = SubmitField("Import", widget=GovSubmitInput())


def _areas() -> list[tuple[str, str]]:
    return records.choices(scope(), "areas")


@bp.get("/")
def index() -> ResponseReturnValue:
    return render_template(
        "transfer/index.html", form=ImportForm(), areas=_areas(), problems=None, can_import=scope().sees_everything
    )


@bp.post("/import")
def import_file() -> ResponseReturnValue:
    # An import can touch any area, so only an admin (who sees every area) may run one.
    require(scope().sees_everything)
    form = ImportForm()
    problems, problem_summary = None, ""
    if form.validate_on_submit():
        text = form.file.data.read()
        form.file.data.close()  # a large upload is a temporary file
        try:
            result = write_scope.import_document(scope(), text, actor=actor(), dry_run=form.dry_run.data)
        except exchange.InvalidDocument as error:
            problems, problem_summary = error.problems, error.summary()
        else:
            flash(result.summary() + ".")
            return redirect(url_for("transfer.index"))
    return render_template(
        "transfer/index.html",
        form=form,
        areas=_areas(),
        problems=problems,
        problem_summary=problem_summary,
        can_import=True,
    ), 400


@bp.get("/export")
def export() -> ResponseReturnValue:
    area = request.args.get("area") or None
    allowed = {ref for ref, _ in _areas()}
    if area is None:
        require(scope().sees_everything)  # the whole register: every area
    elif area not in allowed:
        return redirect(url_for("transfer.index"))
    redact = request.args.get("redact") == "yes"
    doc = exchange.export_document(area, redact=redact)
    name = f"register-{area or 'all'}-{date.today().isoformat()}{'-redacted' if redact else ''}.json"
    return Response(dumps(doc), mimetype="application/json", headers={"Content-Disposition": attachment(name)})


@bp.get("/report.<kind>")
def report(kind: str) -> ResponseReturnValue:
    """The PDF audit report or the Excel workbook, for an area the user can see (or all, for an admin)."""
    if kind not in ("pdf", "xlsx"):
        return redirect(url_for("transfer.index"))
    area = request.args.get("area") or None
    if area is None:
        require(scope().sees_everything)
    elif area not in {ref for ref, _ in _areas()}:
        return redirect(url_for("transfer.index"))
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / f"report.{kind}")
        if kind == "pdf":
            reports.pdf(path, area=area, actor=actor())
        else:
            reports.workbook(path, area=area, actor=actor())
        db.session.commit()
        body = Path(path).read_bytes()
    mimetype = (
        "application/pdf" if kind == "pdf" else ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    )
    name = f"prevent-compliance-{area or 'all'}-{date.today().isoformat()}.{kind}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": attachment(name)})
