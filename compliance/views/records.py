"""Pages for every record type: list (search, sort, page), detail, create, edit, history."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms import SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from ..exchange import fields as f
from ..exchange.validate import InvalidDocument
from ..reports.workbook import records_as_csv
from ..services import audit, evidence, records, reference, related, write_scope
from . import record_forms
from .common import actor, page_number, posted_version, require, return_to, scope
from .edge import Form, attachment
from .kept import kept_content

bp = Blueprint("records", __name__, url_prefix="/records")


def _kind(key: str) -> f.RecordType:
    if key not in f.BY_KEY:
        abort(404)
    return f.BY_KEY[key]


def _choices(kind: f.RecordType) -> dict[str, list[tuple[str, str]]]:
    targets = {field.target for field in kind.fields if field.target}
    if kind.key == "dsas":
        targets.add("organisations")
    return {target: records.choices(scope(), target) for target in sorted(targets)}


@bp.get("/<key>")
def list_page(key: str) -> ResponseReturnValue:
    kind = _kind(key)
    search = request.args.get("q", "")[:200]
    sort = request.args.get("sort", "")
    options = records.filter_options(key)
    filters = {column: request.args.get(column, "") for column in options if request.args.get(column)}
    page = records.list_records(scope(), key, search=search, sort=sort, page=page_number(), filters=filters)
    return render_template(
        "records/list.html",
        key=key,
        kind=kind,
        page=page,
        search=search,
        sort=sort,
        columns=records.LIST_COLUMNS[key],
        title=records.TITLES[key][0],
        noun=records.TITLES[key][1],
        can_edit=scope().can_edit_register,
        options=options,
        filters=filters,
    )


@bp.get("/<key>/download.csv")
def download(key: str) -> ResponseReturnValue:
    """The list as CSV, with its search and filters: every field, personal data left out."""
    _kind(key)
    options = records.filter_options(key)
    filters = {column: request.args.get(column, "") for column in options if request.args.get(column)}
    page = records.list_records(
        scope(),
        key,
        search=request.args.get("q", "")[:200],
        sort=request.args.get("sort", ""),
        filters=filters,
        everything=True,
    )
    text = records_as_csv(f.BY_KEY[key], page.items)
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": attachment(f"{key}-{date.today().isoformat()}.csv")},
    )


@bp.get("/<key>/<ref>")
def detail(key: str, ref: str) -> ResponseReturnValue:
    """A record's page. Its content is the same for every user of the same scope until the register
    changes, so it is kept (views/kept.py): a request reads the record's heading (which also checks
    the user may see it) and renders the frame."""
    _kind(key)
    page_title = records.heading(scope(), key, ref)  # 404 outside the user's areas
    page = page_number()
    body = kept_content("record page", (key, ref, page), lambda: _detail_content(key, ref, page, page_title))
    return render_template(
        "records/detail.html", key=key, title=records.TITLES[key][0], page_title=page_title, body=body
    )


def _detail_content(key: str, ref: str, page: int, page_title: str) -> str:
    kind = f.BY_KEY[key]
    obj = records.get_record(scope(), key, ref)
    record = records.exchange_record(key, obj)
    names, archived = records.links(scope(), kind, record)
    return render_template(
        "records/detail_body.html",
        key=key,
        kind=kind,
        obj=obj,
        record=record,
        page_title=page_title,
        names=names,
        findings=records.open_findings(scope(), kind.subject, obj.id, obj.ref),
        documents=evidence.for_record(kind.subject, obj.id),
        noun=records.TITLES[key][1],
        title=records.TITLES[key][0],
        can_edit=scope().can_edit_register,
        targets={field.key: field.target for field in kind.fields if field.target},
        implied=reference.implied_values(key, obj),
        related=related.for_record(scope(), key, obj, page),
        record_keys={kind.subject: kind.key for kind in f.RECORD_TYPES},
        archived_links=archived,
    )


@bp.get("/<key>/<ref>/history")
def history(key: str, ref: str) -> ResponseReturnValue:
    kind = _kind(key)
    obj = records.get_record(scope(), key, ref)  # 404 outside the user's areas
    return render_template(
        "records/history.html",
        key=key,
        kind=kind,
        obj=obj,
        ref=ref,
        noun=records.TITLES[key][1],
        title=records.TITLES[key][0],
        events=audit.history(kind.subject, obj.id),
    )


@bp.route("/<key>/new", methods=["GET", "POST"])
def create(key: str) -> ResponseReturnValue:
    return _edit(key, None)


@bp.route("/<key>/<ref>/edit", methods=["GET", "POST"])
def edit(key: str, ref: str) -> ResponseReturnValue:
    return _edit(key, ref)


def _link(key: str) -> tuple[tuple[str, str, str], Any] | None:
    """`?link=data_flows:flow-ref:dpia` on a new record's form: the record (visible to the user,
    not archived) to point at the new one once saved; 404 for a link that is not one."""
    text = request.args.get("link", "")
    if not text:
        return None
    parts = tuple(text.split(":"))
    if len(parts) != 3 or records.link_field(key, parts[0], parts[2]) is None:
        abort(404)
    obj = records.get_record(scope(), parts[0], parts[1])  # 404 outside the user's areas
    if obj.is_archived:
        abort(404)
    return parts, obj


def _edit(key: str, ref: str | None) -> ResponseReturnValue:
    kind = _kind(key)
    require(scope().can_edit_register)
    noun = records.TITLES[key][1]
    obj = records.get_record(scope(), key, ref) if ref else None
    if obj is not None and obj.is_archived:
        flash(f"The {noun} {ref} is archived: restore it before changing it.")
        return redirect(url_for("records.detail", key=key, ref=ref))
    existing = records.exchange_record(key, obj) if obj is not None else None
    # A finding's "fix it" link: only the fields it is about (`fields`), suggested values for a new
    # record, the record to link it to (`link`), and the page to go back to (`next`, a local path).
    only = record_forms.focus(kind, request.args.get("fields", "")) if ref else ()
    link = _link(key) if ref is None else None
    # The version the form was built from: a save against a newer one is refused (write_scope.Conflict).
    version = posted_version() if request.method == "POST" else (obj.record_version if obj is not None else None)
    link_version = _posted_number("link_version") if request.method == "POST" else (link and link[1].record_version)
    form_class = record_forms.form_class(kind, noun, _choices(kind), only)
    if request.method != "GET":
        initial = None
    elif existing:
        initial = record_forms.to_form_data(kind, existing)
    else:
        initial = record_forms.prefill(kind, request.args) or None
    form = form_class(data=initial)
    if ref:
        # The ref names the record: editing never changes it, whatever a request sends.
        form.ref.validators = ()
        form.ref.data = ref
    conflict = None
    if form.validate_on_submit():
        record = record_forms.from_form(kind, form, existing, only)
        try:
            if link:
                records.save_linked(
                    scope(), key, record, link=link[0], actor=actor(), link_version=link_version or None
                )
            else:
                records.save(scope(), key, record, actor=actor(), creating=ref is None, version=version)
        except InvalidDocument as error:
            _attach_problems(form, error, editing=ref is not None)
        except write_scope.Conflict as error:
            conflict, version = error, error.version  # what the user typed stays in the form
            if link and error.ref == link[0][1]:
                version, link_version = None, error.version
        else:
            linked = ""
            if link:
                linked = f" and linked to the {records.TITLES[link[0][0]][1]} {getattr(link[1], 'name', link[0][1])}"
            flash(f"The {noun} {record['ref']} has been saved{linked}.")
            return redirect(return_to() or url_for("records.detail", key=key, ref=record["ref"]))
    return render_template(
        "records/form.html",
        key=key,
        kind=kind,
        form=form,
        ref=ref,
        noun=noun,
        title=records.TITLES[key][0],
        fields=list(only)
        or [field.key for field in kind.form_fields] + (["party_organisations"] if key == "dsas" else []),
        record_version=version or "",
        link=link and {"noun": records.TITLES[link[0][0]][1], "name": getattr(link[1], "name", link[0][1])},
        link_version=link_version or "",
        conflict=conflict,
    ), (409 if conflict else 400 if request.method == "POST" else 200)


def _posted_number(name: str) -> int | None:
    text = request.form.get(name, "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _attach_problems(form, error: InvalidDocument, editing: bool) -> None:
    """Show the import's problems against the form's fields (`dsas[0].review_due` -> review_due);
    the rest against the first field the user can see."""
    visible = [
        field for field in form if field.name not in ("csrf_token", "submit") and (field.name != "ref" or not editing)
    ]
    for problem in error.problems:
        parts = problem.path.split(".")
        name = parts[1].split("[")[0] if len(parts) > 1 else "ref"
        target = form[name] if name in form and (name != "ref" or not editing) else visible[0]
        message = problem.message
        if name not in form:
            message = f"{problem.path.split('.', 1)[-1]}: {message}"
        target.errors = [*target.errors, message[0].upper() + message[1:]]


class ArchiveForm(Form):
    reason = TextAreaField(
        "Why is it being archived?",
        widget=GovTextArea(),
        validators=[InputRequired(message="Enter why the record is being archived"), Length(max=2000)],
        description="For example, replaced by a newer agreement, or the sharing has stopped. "
        "The record is kept, read-only, and a DPO can restore it.",
    )
    submit = SubmitField("Yes, archive it", widget=GovSubmitInput())


@bp.route("/<key>/<ref>/archive", methods=["GET", "POST"])
def archive(key: str, ref: str) -> ResponseReturnValue:
    """ "Are you sure you want to archive ...?" with the reason; the record is never deleted."""
    _kind(key)
    require(scope().can_edit_register)
    obj = records.get_record(scope(), key, ref)
    noun = records.TITLES[key][1]
    if obj.is_archived:
        flash(f"The {noun} {ref} is already archived.")
        return redirect(url_for("records.detail", key=key, ref=ref))
    form = ArchiveForm()
    version = posted_version() if request.method == "POST" else obj.record_version
    if form.validate_on_submit():
        try:
            records.archive(scope(), key, ref, reason=form.reason.data, actor=actor(), version=version)
        except records.ArchiveRefused as error:
            form.reason.errors = [*form.reason.errors, str(error)]
        except InvalidDocument as error:
            form.reason.errors = [*form.reason.errors, str(error.problems[0])]
        except write_scope.Conflict:
            flash(
                f"The {noun} {ref} was changed by someone else after you opened it, "
                "so it has not been archived. Check it and try again."
            )
            return redirect(url_for("records.detail", key=key, ref=ref))
        else:
            flash(f"The {noun} {ref} is archived.")
            return redirect(url_for("records.detail", key=key, ref=ref))
    return render_template(
        "records/archive.html",
        key=key,
        obj=obj,
        noun=noun,
        title=records.TITLES[key][0],
        form=form,
        record_version=version or "",
        linked=records.linked_from(scope(), key, ref),
        titles=records.TITLES,
    ), (400 if request.method == "POST" else 200)


@bp.post("/<key>/<ref>/restore")
def restore(key: str, ref: str) -> ResponseReturnValue:
    _kind(key)
    require(scope().can_edit_register)
    noun = records.TITLES[key][1]
    try:
        records.restore(scope(), key, ref, actor=actor(), version=posted_version())
    except records.ArchiveRefused as error:
        flash(str(error))
    except write_scope.Conflict:
        flash(f"The {noun} {ref} was changed by someone else after you opened it, so it has not been restored.")
    else:
        still = {"data_flows": " Its status is still ended.", "dsas": " Its status is still terminated."}
        flash(f"The {noun} {ref} is restored.{still.get(key, '')}")
    return redirect(url_for("records.detail", key=key, ref=ref))


NESTED_PARENTS = {"parties": "dsas", "lawful_bases": "data_flows"}
NESTED_TITLES = {"parties": "Record the signature of {party}", "lawful_bases": "Lawful basis of {party}"}


@bp.route("/<key>/<ref>/<part>/<party>", methods=["GET", "POST"])
def nested(key: str, ref: str, part: str, party: str) -> ResponseReturnValue:
    """A DSA party's signature, or a party's lawful basis for a flow."""
    if NESTED_PARENTS.get(part) != key:
        abort(404)
    require(scope().can_edit_register)
    obj = records.get_record(scope(), key, ref)
    if obj.is_archived:
        flash(f"The {records.TITLES[key][1]} {ref} is archived: restore it before changing it.")
        return redirect(url_for("records.detail", key=key, ref=ref))
    record = records.exchange_record(key, obj)
    _, _, party_key = record_forms.NESTED[part]
    items = record.get(part, [])
    current = next((item for item in items if item[party_key] == party), None)
    allowed = {item[party_key] for item in items}
    if key == "data_flows":
        allowed |= {record["sender"], record["recipient"]}
    if party not in allowed:
        abort(404)
    form_class = record_forms.nested_form_class(part, {})
    initial = record_forms.nested_to_form_data(part, current) if current and request.method == "GET" else None
    form = form_class(data=initial)
    version = posted_version() if request.method == "POST" else obj.record_version
    conflict = None
    if form.validate_on_submit():
        item = record_forms.nested_from_form(part, form, party)
        record[part] = [item if existing[party_key] == party else existing for existing in items]
        if current is None:
            record[part].append(item)
        try:
            records.save(scope(), key, record, actor=actor(), version=version)
        except InvalidDocument as error:
            _attach_problems(form, error, editing=True)
        except write_scope.Conflict as error:
            conflict, version = error, error.version
        else:
            flash("Saved.")
            return redirect(return_to() or url_for("records.detail", key=key, ref=ref))
    title = NESTED_TITLES[part].format(party=party)
    return render_template(
        "records/nested.html",
        form=form,
        key=key,
        ref=ref,
        page_title=title,
        fields=[name for name in form._fields if name not in ("csrf_token", "submit")],
        record_version=version or "",
        conflict=conflict,
    ), (409 if conflict else 400 if request.method == "POST" else 200)


PART_TITLES = {"retention": "How long the data of {name} is kept", "designations": "A designation of {name}"}


@bp.route("/data_flows/<ref>/retention", methods=["GET", "POST"])
def retention(ref: str) -> ResponseReturnValue:
    """A flow's retention: its period, what starts it, review points and disposal."""
    return _part("data_flows", ref, "retention")


@bp.route("/areas/<ref>/designation", methods=["GET", "POST"])
def designation(ref: str) -> ResponseReturnValue:
    """An area's designation for a financial year, with its source: replaces the one of the same
    kind and year, or is added."""
    return _part("areas", ref, "designations")


def _part(key: str, ref: str, part: str) -> ResponseReturnValue:
    require(scope().can_edit_register)
    obj = records.get_record(scope(), key, ref)
    if obj.is_archived:
        flash(f"The {records.TITLES[key][1]} {ref} is archived: restore it before changing it.")
        return redirect(url_for("records.detail", key=key, ref=ref))
    record = records.exchange_record(key, obj)
    if part == "retention":
        initial = record_forms.part_to_form_data(part, record.get("retention", {}))
    else:  # the first designation without its source, else one for this financial year
        unsourced = next((d for d in record.get("designations", []) if not d.get("source")), None)
        initial = record_forms.part_to_form_data(part, unsourced or {})
        initial = initial or {"kind": "prevent_priority_area", "financial_year": records.financial_year()}
    form = record_forms.part_form_class(part)(data=initial if request.method == "GET" else None)
    version = posted_version() if request.method == "POST" else obj.record_version
    conflict = None
    if form.validate_on_submit():
        item = record_forms.part_from_form(part, form)
        if part == "retention":
            record["retention"] = item
        else:
            same = (item["kind"], item["financial_year"])
            kept = [d for d in record.get("designations", []) if (d["kind"], d["financial_year"]) != same]
            record["designations"] = [*kept, item]
        try:
            records.save(scope(), key, record, actor=actor(), version=version)
        except InvalidDocument as error:
            _attach_problems(form, error, editing=True)
        except write_scope.Conflict as error:
            conflict, version = error, error.version
        else:
            flash(f"The {records.TITLES[key][1]} {ref} has been saved.")
            return redirect(return_to() or url_for("records.detail", key=key, ref=ref))
    return render_template(
        "records/nested.html",
        form=form,
        key=key,
        ref=ref,
        page_title=PART_TITLES[part].format(name=getattr(obj, "name", ref)),
        fields=[name for name in form._fields if name not in ("csrf_token", "submit")],
        record_version=version or "",
        conflict=conflict,
    ), (409 if conflict else 400 if request.method == "POST" else 200)
