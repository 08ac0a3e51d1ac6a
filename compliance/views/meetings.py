"""The panel chair's meeting page: start a meeting, add attendees, record confidentiality."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from markupsafe import Markup
from wtforms import SelectChoice

from ..exchange.validate import InvalidDocument
from ..labels import long_date
from ..services import meetings, records, write_scope
from .common import actor, posted_version, require, return_to, scope
from .edge import attachment
from .kept import kept_content
from .meeting_forms import (
    AttendeeForm,
    AttendeesForm,
    CasesDiscussedForm,
    ChangeConfidentialityForm,
    MinutedStatementForm,
    NewOrganisationForm,
    RemoveAttendeeForm,
    StartMeetingForm,
    default_method,
)

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


@bp.get("/")
def index() -> ResponseReturnValue:
    user_scope = scope()
    panels = meetings.panels(user_scope)
    return render_template(
        "meetings/index.html", panels=panels, can_record={p.ref: user_scope.can_record_meetings_of(p) for p in panels}
    )


@bp.route("/start/<panel_ref>", methods=["GET", "POST"])
def start(panel_ref: str) -> ResponseReturnValue:
    panel = meetings.get_panel(scope(), panel_ref)
    require(scope().can_record_meetings_of(panel))
    form = StartMeetingForm()
    if form.validate_on_submit():
        earlier = meetings.same_day_meetings(panel, form.held_on.data)
        ref = meetings.start_meeting(
            scope(),
            panel,
            held_on=form.held_on.data,
            minutes_ref=(form.minutes_ref.data or "").strip() or None,
            cases_discussed=form.cases_discussed.data,
            police_present=form.police_present.data == "yes",
            copy_attendees=form.copy_attendees.data,
            actor=actor(),
        )
        if earlier:
            # Two meetings on one day can be right (an extra panel), so this is said, not refused.
            flash(
                f"This panel already has a meeting on {long_date(form.held_on.data)} ({', '.join(earlier)}), so "
                f"this one is recorded as {ref}. If it is the same meeting, add its attendees to {earlier[0]} instead."
            )
        else:
            flash(f"The meeting has been started as {ref}. Add who attended and how each accepted confidentiality.")
        return redirect(url_for("meetings.show", meeting_ref=ref) + "#add-attendees")
    return render_template("meetings/start.html", form=form, panel=panel), (400 if request.method == "POST" else 200)


def _attendee_form(meeting, formdata=None) -> AttendeeForm:
    form = AttendeeForm(formdata=formdata, prefix="attendee")
    if formdata is None:
        form.method.data = default_method(meeting.panel)
    organisations = meetings.partner_organisations(meeting.panel)
    form.organisation.choices = [SelectChoice("", "Choose an organisation")] + [
        SelectChoice(org.ref, org.name) for org in organisations
    ]
    added = request.args.get("organisation", "")
    if formdata is None and added in {org.ref for org in organisations}:
        form.organisation.data = added  # the organisation the chair has just added
    return form


def _attendees_form(meeting, formdata=None) -> AttendeesForm:
    form = AttendeesForm(formdata=formdata, prefix="several")
    if formdata is None:
        form.method.data = default_method(meeting.panel)
        form.minutes_ref.data = _statement_ref(meeting)
    form.prepare(meetings.partner_organisations(meeting.panel), meetings.regular_attendees(meeting))
    return form


def _statement_ref(meeting) -> str | None:
    return f"{meeting.minutes_ref} item 1" if meeting.minutes_ref else None


def _show(
    meeting,
    attendee_form=None,
    minuted_form=None,
    status=200,
    conflict=None,
    organisation_form=None,
    attendees_form=None,
) -> ResponseReturnValue:
    """The meeting's page; with the forms as posted (their errors) after a refused write."""
    posted = [f for f in (attendees_form, attendee_form, minuted_form, organisation_form) if f is not None]
    page_title = _title(meeting.panel.name, meeting.held_on)
    body = _content(meeting.ref, page_title, meeting, attendee_form, minuted_form, organisation_form, attendees_form)
    return render_template(
        "meetings/show.html", page_title=page_title, body=body, form=next(iter(posted), None), conflict=conflict
    ), status


def _title(panel_name: str, held_on) -> str:
    return f"{panel_name}, {held_on:%-d %B %Y}"


def _content(
    meeting_ref,
    page_title,
    meeting=None,
    attendee_form=None,
    minuted_form=None,
    organisation_form=None,
    attendees_form=None,
) -> Markup:
    """The page's content (meetings/show_body.html), from the meeting (read when not given)."""
    meeting = meeting or meetings.get_meeting(scope(), meeting_ref)
    return Markup(  # rendered from templates (autoescaped)
        render_template(
            "meetings/show_body.html",
            meeting=meeting,
            page_title=page_title,
            findings=records.open_findings(scope(), "panel_meeting", meeting.id, meeting.ref),
            can_record=scope().can_record_meetings_of(meeting.panel),
            attendee_form=attendee_form or _attendee_form(meeting, formdata=None),
            attendees_form=attendees_form or _attendees_form(meeting),
            minuted_form=minuted_form or _minuted_form(meeting),
            organisation_form=organisation_form or NewOrganisationForm(prefix="organisation", formdata=None),
        )
    )


def _changed_meanwhile(meeting_ref: str, error: write_scope.Conflict, **forms) -> ResponseReturnValue:
    """The meeting changed since the page was opened: show it as it is now, with what changed and
    the user's input kept."""
    return _show(meetings.get_meeting(scope(), meeting_ref), status=409, conflict=error, **forms)


def _minuted_form(meeting) -> MinutedStatementForm:
    return MinutedStatementForm(
        prefix="statement", formdata=None, data={"statement_minutes_ref": _statement_ref(meeting)}
    )


@bp.get("/<meeting_ref>")
def show(meeting_ref: str) -> ResponseReturnValue:
    """The meeting's page as opened (no form posted): its content is the same for every user of the
    same scope, `next` and chosen organisation until the register changes, so it is kept
    (views/kept.py); a request reads the meeting's heading (which also checks the user may see it)."""
    panel_name, held_on = meetings.heading(scope(), meeting_ref)  # 404 outside the user's areas
    page_title = _title(panel_name, held_on)
    asked = (meeting_ref, return_to(), request.args.get("organisation", ""))
    body = kept_content("meeting page", asked, lambda: _content(meeting_ref, page_title))
    return render_template("meetings/show.html", page_title=page_title, body=body)


@bp.post("/<meeting_ref>/attendees")
def add_attendee(meeting_ref: str) -> ResponseReturnValue:
    meeting = meetings.get_meeting(scope(), meeting_ref)
    require(scope().can_record_meetings_of(meeting.panel))
    form = _attendee_form(meeting, formdata=request.form)
    if form.validate():
        attendee = {
            "role": form.role.data.strip(),
            "organisation": form.organisation.data,
            "membership": form.membership.data,
            "confidentiality": form.confidentiality(),
        }
        if (form.name.data or "").strip():
            attendee = {"name": form.name.data.strip(), **attendee}
        try:
            meetings.add_attendee(scope(), meeting, attendee, actor=actor(), version=posted_version())
        except InvalidDocument as error:
            form.role.errors.append(str(error.problems[0]))
        except write_scope.Conflict as error:
            return _changed_meanwhile(meeting_ref, error, attendee_form=form)
        else:
            flash(f"{attendee['role']} added.")
            return redirect(url_for("meetings.show", meeting_ref=meeting_ref) + "#add-attendee")
    return _show(meeting, attendee_form=form, status=400)


@bp.post("/<meeting_ref>/attendees/several")
def add_attendees(meeting_ref: str) -> ResponseReturnValue:
    """Several attendees at once: "Continue" shows them with the meeting's confidentiality and the
    findings it would raise (nothing written); "Confirm and record them" writes them all in one
    step; "Add another attendee row" and "Change them" return to the form as typed."""
    meeting = meetings.get_meeting(scope(), meeting_ref)
    require(scope().can_record_meetings_of(meeting.panel))
    form = _attendees_form(meeting, formdata=request.form)
    if form.add_row.data or form.change.data:
        if form.add_row.data and len(form.rows) < (form.rows.max_entries or 0):
            form.rows.append_entry()
            form.prepare(meetings.partner_organisations(meeting.panel), meetings.regular_attendees(meeting))
        return _show(meeting, attendees_form=form)
    try:  # before the form is checked: who it may tick depends on the meeting as the page saw it
        write_scope.check_versions({("meetings", meeting_ref): posted_version()})
    except write_scope.Conflict as error:
        return _changed_meanwhile(meeting_ref, error, attendees_form=form)
    if not form.validate_on_submit():
        return _show(meeting, attendees_form=form, status=400)
    new = form.attendees()
    if not form.confirm.data:
        attendees, raised = meetings.preview(meeting, new)
        return render_template(
            "meetings/check.html",
            meeting=meeting,
            attendees=attendees,
            added=len(new),
            raised=raised,
            posted=[(k, v) for k, values in request.form.lists() if k not in _BUTTONS for v in values],
            form=form,
        )
    try:
        meetings.add_attendees(scope(), meeting, new, actor(), version=posted_version())
    except write_scope.Conflict as error:
        return _changed_meanwhile(meeting_ref, error, attendees_form=form)
    except InvalidDocument as error:
        form.regulars.errors = [str(error.problems[0].message)]
        return _show(meeting, attendees_form=form, status=400)
    flash(f"{len(new)} attendee{'s' if len(new) != 1 else ''} added, with how they accepted confidentiality.")
    return redirect(url_for("meetings.show", meeting_ref=meeting_ref) + "#add-attendees")


_BUTTONS = {
    "several-submit",
    "several-confirm",
    "several-change",
    "several-add_row",
    "several-csrf_token",
    "csrf_token",
}


@bp.get("/<meeting_ref>/check")
def check(meeting_ref: str) -> ResponseReturnValue:
    """Check and finish: the meeting as recorded, who came, how each accepted confidentiality and
    the findings it raises, before the chair leaves it."""
    meeting = meetings.get_meeting(scope(), meeting_ref)
    require(scope().can_record_meetings_of(meeting.panel))
    attendees, raised = meetings.preview(meeting, [])
    return render_template(
        "meetings/check.html", meeting=meeting, attendees=attendees, added=0, raised=raised, posted=[], form=None
    )


@bp.post("/<meeting_ref>/minuted-statement")
def minuted_statement(meeting_ref: str) -> ResponseReturnValue:
    meeting = meetings.get_meeting(scope(), meeting_ref)
    require(scope().can_record_meetings_of(meeting.panel))
    form = MinutedStatementForm(prefix="statement")
    valid = form.validate_on_submit()
    if valid and not meeting.attendees:
        form.statement_minutes_ref.errors.append("There is nobody to apply the statement to: add who attended first")
        valid = False
    if valid:
        try:
            count = meetings.apply_minuted_statement(
                scope(), meeting, form.statement_minutes_ref.data.strip(), actor(), version=posted_version()
            )
        except write_scope.Conflict as error:
            return _changed_meanwhile(meeting_ref, error, minuted_form=form)
        except InvalidDocument as error:
            form.statement_minutes_ref.errors.append(error.problems[0].message.capitalize())
            return _show(meeting, minuted_form=form, status=400)
        if count:
            flash(f"The minuted confidentiality statement is recorded for {count} attendee{'s' if count != 1 else ''}.")
        else:
            flash("Everyone present signed a confidentiality agreement, so the statement was not needed for anyone.")
        return redirect(return_to() or url_for("meetings.show", meeting_ref=meeting_ref) + "#attendees")
    return _show(meeting, minuted_form=form, status=400)


def _stale(meeting_ref: str) -> ResponseReturnValue | None:
    """A post from a page built on an older version of the meeting: the meeting as it is now, with
    what changed (the attendee it names may have been changed or removed since)."""
    if request.method != "POST":
        return None
    try:
        write_scope.check_versions({("meetings", meeting_ref): posted_version()})
    except write_scope.Conflict as error:
        return _changed_meanwhile(meeting_ref, error)
    return None


@bp.route("/<meeting_ref>/attendees/<int:attendee_id>", methods=["GET", "POST"])
def change_attendee(meeting_ref: str, attendee_id: int) -> ResponseReturnValue:
    meeting = meetings.get_meeting(scope(), meeting_ref)
    require(scope().can_record_meetings_of(meeting.panel))
    stale = _stale(meeting_ref)
    if stale is not None:
        return stale
    _, attendee = meetings.attendee(meeting, attendee_id)
    form = ChangeConfidentialityForm()
    if request.method == "GET" and attendee.confidentiality is not None:
        form.method.data = attendee.confidentiality.method.value
        form.minutes_ref.data = attendee.confidentiality.minutes_ref
        form.signed_on.data = attendee.confidentiality.signed_on
    conflict = None
    if form.validate_on_submit():
        try:
            meetings.set_confidentiality(
                scope(), meeting, attendee_id, form.confidentiality(), actor(), version=posted_version()
            )
        except write_scope.Conflict as error:
            conflict, meeting = error, meetings.get_meeting(scope(), meeting_ref)
        else:
            flash(f"Confidentiality recorded for {attendee.role}.")
            return redirect(return_to() or url_for("meetings.show", meeting_ref=meeting_ref) + "#attendees")
    status = 409 if conflict else (400 if request.method == "POST" else 200)
    return render_template(
        "meetings/attendee.html", meeting=meeting, attendee=attendee, form=form, conflict=conflict
    ), status


@bp.route("/<meeting_ref>/attendees/<int:attendee_id>/remove", methods=["GET", "POST"])
def remove_attendee(meeting_ref: str, attendee_id: int) -> ResponseReturnValue:
    """ "Are you sure you want to remove ...?", then the attendee named by its id is removed."""
    meeting = meetings.get_meeting(scope(), meeting_ref)
    require(scope().can_record_meetings_of(meeting.panel))
    stale = _stale(meeting_ref)
    if stale is not None:
        return stale
    _, attendee = meetings.attendee(meeting, attendee_id)
    form = RemoveAttendeeForm()
    version = posted_version() if request.method == "POST" else meeting.record_version
    if form.validate_on_submit():
        try:
            meetings.remove_attendee(scope(), meeting, attendee_id, actor(), version=version)
        except write_scope.Conflict as error:
            return _changed_meanwhile(meeting_ref, error)
        flash(f"{attendee.role} ({attendee.organisation.name}) removed.")
        return redirect(url_for("meetings.show", meeting_ref=meeting_ref) + "#attendees")
    return render_template(
        "meetings/remove_attendee.html", meeting=meeting, attendee=attendee, form=form, record_version=version
    ), (400 if request.method == "POST" else 200)


@bp.post("/<meeting_ref>/organisations")
def add_organisation(meeting_ref: str) -> ResponseReturnValue:
    """An attendee's organisation the register lacks: name and partner type, for the DPO to complete."""
    meeting = meetings.get_meeting(scope(), meeting_ref)
    require(scope().can_record_meetings_of(meeting.panel))
    form = NewOrganisationForm(prefix="organisation")
    if form.validate_on_submit():
        name = form.name.data.strip()
        try:
            ref = meetings.add_organisation(
                scope(), meeting, name=name, partner_type=form.partner_type.data, actor=actor()
            )
        except InvalidDocument as error:
            form.name.errors.append(error.problems[0].message[0].upper() + error.problems[0].message[1:])
        else:
            flash(f"{name} is added and marked for the DPO to complete. You can now add its attendees.")
            return redirect(url_for("meetings.show", meeting_ref=meeting_ref, organisation=ref) + "#add-attendee")
    return _show(meeting, organisation_form=form, status=400)


@bp.get("/<meeting_ref>/attendance.pdf")
def attendance_sheet(meeting_ref: str) -> ResponseReturnValue:
    """The attendance and confidentiality sheet, with the attendees' names: for the panel's own file."""
    meeting = meetings.get_meeting(scope(), meeting_ref)
    require(scope().can_record_meetings_of(meeting.panel))
    data = meetings.attendance_sheet(scope(), meeting, actor=actor())
    filename = f"attendance-{meeting.ref}-OFFICIAL-SENSITIVE.pdf"
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": attachment(filename)})


@bp.route("/<meeting_ref>/cases-discussed", methods=["GET", "POST"])
def cases_discussed(meeting_ref: str) -> ResponseReturnValue:
    """The number of cases discussed, for a meeting recorded or imported without it."""
    meeting = meetings.get_meeting(scope(), meeting_ref)
    require(scope().can_record_meetings_of(meeting.panel))
    form = CasesDiscussedForm(data={"cases_discussed": meeting.cases_discussed} if request.method == "GET" else None)
    version = posted_version() if request.method == "POST" else meeting.record_version
    conflict = None
    if form.validate_on_submit():
        try:
            meetings.record_cases_discussed(scope(), meeting, form.cases_discussed.data, actor(), version=version)
        except write_scope.Conflict as error:
            conflict, version, meeting = error, error.version, meetings.get_meeting(scope(), meeting_ref)
        else:
            flash("The number of cases discussed is recorded.")
            return redirect(url_for("meetings.show", meeting_ref=meeting_ref))
    status = 409 if conflict else (400 if request.method == "POST" else 200)
    return render_template(
        "meetings/cases_discussed.html",
        meeting=meeting,
        form=form,
        record_version=version or meeting.record_version,
        conflict=conflict,
    ), status
