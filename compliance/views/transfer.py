"""Import an exchange file from the browser, and download the register or one area."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovFileInput, GovSubmitInput
from wtforms import BooleanField, HiddenField, SubmitField

from ..exchange.serialise import dumps
from ..exchange.validate import Problem
from ..exchange.workbook_layout import SHEETS
from ..extensions import db
from ..services import exchange, records, reports, write_scope
from .common import actor, require, scope
from .edge import Form, attachment

bp = Blueprint("transfer", __name__, url_prefix="/transfer")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(Form):
    file = FileField(
        "Exchange file (JSON) or exchange workbook (Excel .xlsx)",
        widget=GovFileInput(),
        validators=[FileRequired(message="Choose an exchange file or workbook to import")],
    )
    dry_run = BooleanField("Only check the file: do not import it", widget=GovCheckboxInput())
    submit = SubmitField("Import", widget=GovSubmitInput())


class ConfirmForm(Form):
    """Imports the workbook previewed: the one with this SHA-256, kept since its upload, into the
    register as it was previewed (its state then)."""

    sha256 = HiddenField()
    checked = HiddenField()  # the register's state the preview was worked out against
    submit = SubmitField("Import these changes", widget=GovSubmitInput())


def _areas() -> list[tuple[str, str]]:
    return records.choices(scope(), "areas")


def _index(form: ImportForm, problems=None, problem_summary: str = "", status: int = 200) -> ResponseReturnValue:
    return render_template(
        "transfer/index.html",
        form=form,
        areas=_areas(),
        problems=problems,
        problem_summary=problem_summary,
        can_import=scope().sees_everything,
    ), status


@bp.get("/")
def index() -> ResponseReturnValue:
    return _index(ImportForm())


@bp.post("/import")
def import_file() -> ResponseReturnValue:
    # An import can touch any area, so only an admin (who sees every area) may run one.
    require(scope().sees_everything)
    form = ImportForm()
    if not form.validate_on_submit():
        return _index(form, status=400)
    upload = form.file.data
    if (upload.filename or "").casefold().endswith(".xlsx"):
        return _preview(form)
    text = upload.read()
    upload.close()  # a large upload is a temporary file
    try:
        result = write_scope.import_document(scope(), text, actor=actor(), dry_run=form.dry_run.data)
    except exchange.InvalidDocument as error:
        return _index(form, error.problems, error.summary(), 400)
    flash(result.summary() + ".")
    return redirect(url_for("transfer.index"))


def _preview(form: ImportForm) -> ResponseReturnValue:
    """Keep the workbook and check it; its preview is then a page of its own (a read), so that
    reloading it or coming back to it does not upload or check the workbook again."""
    from ..services import workbook_import

    folder = Path(current_app.instance_path)
    name = form.file.data.filename or "the file"
    path = workbook_import.stash(form.file.data.stream, folder, actor())
    form.file.data.close()
    try:
        checked = workbook_import.check(scope(), path, name=name, actor=actor())
    except (exchange.InvalidDocument, workbook_import.UnreadableFile) as error:
        workbook_import.discard(path)
        return _refused(form, error, name)
    return redirect(url_for("transfer.preview", sha256=checked.sha256), 303)


def _refused(form: ImportForm, error: Exception, name: str) -> ResponseReturnValue:
    problems = getattr(error, "problems", None) or [Problem(name, str(error))]
    count = f"{len(problems)} problem{'' if len(problems) == 1 else 's'}"
    summary = error.summary() if isinstance(error, exchange.InvalidDocument) else count
    return _index(form, problems, summary, 400)


def _gone(status: int = 400) -> ResponseReturnValue:
    problem = Problem("the file", "the checked workbook is no longer here: upload it again")
    return _index(ImportForm(formdata=None), [problem], "1 problem", status)


@bp.get("/import/<sha256>")
def preview(sha256: str) -> ResponseReturnValue:
    """What importing a kept workbook would change; nothing is written. Worked out again when the
    register has changed since it was checked."""
    from ..services import workbook_import

    require(scope().sees_everything)
    path = workbook_import.stashed(Path(current_app.instance_path), sha256, actor())
    if path is None:
        return _gone(404)
    try:
        checked, name = workbook_import.kept_or_checked(scope(), path, sha256, actor=actor())
    except (exchange.InvalidDocument, workbook_import.UnreadableFile) as error:
        workbook_import.discard(path)
        return _refused(ImportForm(formdata=None), error, "the file")
    confirm = ConfirmForm(sha256=checked.sha256, checked=checked.state)
    titles = [(sheet.key, sheet.title) for sheet in SHEETS if sheet.parent is None]
    rules = workbook_import.rule_titles(checked)
    return render_template(
        "transfer/preview.html", preview=checked, form=confirm, name=name, titles=titles, rules=rules
    )


@bp.post("/import/confirm")
def confirm_import() -> ResponseReturnValue:
    """Import the workbook previewed, checked to be the same file (its SHA-256) against the same
    register: if anything changed after the preview, the preview is shown again, worked out anew."""
    from ..services import workbook_import

    require(scope().sees_everything)
    form = ConfirmForm()
    path = workbook_import.stashed(Path(current_app.instance_path), form.sha256.data or "", actor())
    if not form.validate_on_submit() or path is None:
        return _gone()
    if form.checked.data != workbook_import.current_state():
        return redirect(url_for("transfer.preview", sha256=form.sha256.data), 303)
    try:
        result = workbook_import.confirm(scope(), path, form.sha256.data, actor=actor())
    except (exchange.InvalidDocument, workbook_import.UnreadableFile) as error:
        workbook_import.discard(path)
        return _refused(ImportForm(formdata=None), error, "the file")
    workbook_import.discard(path)
    flash(result.summary() + ".")
    return redirect(url_for("transfer.index"))


@bp.get("/template.xlsx")
def template() -> ResponseReturnValue:
    """The blank exchange workbook: every sheet and column, no rows."""
    from ..exchange.serialise import FORMAT_NAME, FORMAT_VERSION

    return _workbook({"format": FORMAT_NAME, "version": FORMAT_VERSION}, "register-template.xlsx")


def _workbook(doc, name: str) -> ResponseReturnValue:
    from ..exchange import workbook_out

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "register.xlsx"
        workbook_out.write(doc, path)
        body = path.read_bytes()
    return Response(body, mimetype=XLSX, headers={"Content-Disposition": attachment(name)})


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
    name = f"register-{area or 'all'}-{date.today().isoformat()}{'-redacted' if redact else ''}"
    if request.args.get("format") == "xlsx":
        return _workbook(doc, name + ".xlsx")
    return Response(
        dumps(doc), mimetype="application/json", headers={"Content-Disposition": attachment(name + ".json")}
    )


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
    mimetype = "application/pdf" if kind == "pdf" else XLSX
    name = f"prevent-compliance-{area or 'all'}-{date.today().isoformat()}.{kind}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": attachment(name)})
