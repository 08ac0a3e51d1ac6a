"""The panel chair's meeting page: start a meeting, add attendees, record confidentiality."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import InputRequired, Length, Optional, StopValidation

from ..exchange.validate import InvalidDocument
from ..labels import value_label
from ..models.enums import PartnerType
from ..services import meetings, records, write_scope
from .common import actor, posted_version, require, scope
from .edge import Form, attachment
from .widgets import DateInput

bp = Blueprint("meetings", __name__, url_prefix="/meetings")

METHODS = [
    SelectChoice("signed_agreement", "Signed a confidentiality agreement"),
    SelectChoice("verbal_recorded_in_minutes", "Agreed verbally, recorded in the minutes"),
    SelectChoice("verbal_not_recorded", "Agreed verbally, not recorded"),
    SelectChoice("none", "Not recorded"),
]


CASES_REQUIRED = "Enter the number of cases discussed, as a whole number: 0 if none were"
CASES_RANGE = "Enter the number of cases discussed as a whole number, 0 or more"
MAX_CASES = 2**31 - 1


class CasesField(IntegerField):
    """A whole number of cases, 0 or more: a blank is "enter the number", anything else that is
    not a whole number says what to enter (never a server error, never the default message)."""

    def process_formdata(self, valuelist):
        text = str(valuelist[0]).strip() if valuelist else ""
        if not text:
            self.raw_data, self.data = [""], None  # InputRequired answers a blank
        else:
            self.data = int(text) if text.isdecimal() and len(text) <= 10 else None


def whole_number_of_cases(form, field) -> None:
    if field.data is None or not 0 <= field.data <= MAX_CASES:
        raise StopValidation(CASES_RANGE)


CASES_VALIDATORS = [InputRequired(message=CASES_REQUIRED), whole_number_of_cases]


class StartMeetingForm(Form):
    held_on = DateField(
        "Date of the meeting",
        format="%d %m %Y",
        widget=DateInput(),
        validators=[InputRequired(message="Enter the date of the meeting")],
    )
    minutes_ref = StringField("Minutes reference", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    cases_discussed = CasesField(
        "Number of cases discussed",
        widget=GovTextInput(),
        description="Enter 0 if no cases were discussed.",
        validators=CASES_VALIDATORS,
    )
    police_present = RadioField(
        "Was the police force for the area where each person discussed lives present?",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select whether the resident area's police were present")],
    )
    copy_attendees = BooleanField("Start with the attendees of the last meeting", widget=GovCheckboxInput())
    submit = SubmitField("Start the meeting", widget=GovSubmitInput())


class ConfidentialityFields(Form):
    method = RadioField(
        "How did they accept confidentiality?",
        choices=METHODS,
        widget=GovRadioInput(),
        validators=[InputRequired(message="Select how they accepted confidentiality")],
    )
    minutes_ref = StringField("Minute reference", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    signed_on = DateField(
        "Date the agreement was signed", format="%d %m %Y", widget=DateInput(), validators=[Optional()]
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.method.data == "verbal_recorded_in_minutes" and not (self.minutes_ref.data or "").strip():
            self.minutes_ref.errors.append("Enter the minute reference where the verbal statement is recorded")
            valid = False
        if self.method.data == "signed_agreement" and not self.signed_on.data:
            self.signed_on.errors = [*self.signed_on.errors, "Enter the date the confidentiality agreement was signed"]
            valid = False
        return valid

    def confidentiality(self) -> dict | None:
        record = {"method": self.method.data}
        if self.method.data == "verbal_recorded_in_minutes":
            record["minutes_ref"] = self.minutes_ref.data.strip()
        if self.method.data == "signed_agreement":
            record["signed_on"] = self.signed_on.data.isoformat()
        return record


class AttendeeForm(ConfidentialityFields):
    name = StringField("Name (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    role = StringField(
        "Role", widget=GovTextInput(), validators=[InputRequired(message="Enter the attendee's role"), Length(max=200)]
    )
    organisation = SelectField(
        "Organisation", widget=GovSelect(), validators=[InputRequired(message="Choose the attendee's organisation")]
    )
    membership = RadioField(
        "Membership",
        widget=GovRadioInput(),
        default="core",
        choices=[
            SelectChoice("core", "Core member"),
            SelectChoice("invited", "Invited"),
            SelectChoice("observer", "Observer"),
        ],
    )
    submit = SubmitField("Add the attendee", widget=GovSubmitInput())


class MinutedStatementForm(Form):
    statement_minutes_ref = StringField(
        "Minute reference of the confidentiality statement",
        widget=GovTextInput(),
        validators=[
            InputRequired(message="Enter the minute reference of the confidentiality statement"),
            Length(max=200),
        ],
    )
    submit = SubmitField("Apply to everyone present", widget=GovSubmitInput())


class NewOrganisationForm(Form):
    """An organisation the register lacks, added by the chair for the DPO to complete."""

    name = StringField(
        "Name of the organisation",
        widget=GovTextInput(),
        validators=[InputRequired(message="Enter the name of the organisation"), Length(max=500)],
    )
    partner_type = SelectField(
        "Partner type",
        widget=GovSelect(),
        choices=[SelectChoice("", "Choose a partner type")]
        + [SelectChoice(t.value, value_label("partner_type", t.value)) for t in PartnerType],
        validators=[InputRequired(message="Choose the partner type of the organisation")],
    )
    submit = SubmitField("Add the organisation", widget=GovSubmitInput())


class ChangeConfidentialityForm(ConfidentialityFields):
    submit = SubmitField("Save", widget=GovSubmitInput())


class CasesDiscussedForm(Form):
    cases_discussed = CasesField(
        "Number of cases discussed",
        widget=GovTextInput(),
        description="Enter 0 if no cases were discussed.",
        validators=CASES_VALIDATORS,
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class RemoveAttendeeForm(Form):
    submit = SubmitField("Yes, remove them", widget=GovSubmitInput())


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
        flash("The meeting has been started. Add who attended and how each accepted confidentiality.")
        return redirect(url_for("meetings.show", meeting_ref=ref))
    return render_template("meetings/start.html", form=form, panel=panel), (400 if request.method == "POST" else 200)


def _attendee_form(meeting, formdata=None) -> AttendeeForm:
    form = AttendeeForm(formdata=formdata, prefix="attendee")
    organisations = meetings.partner_organisations(meeting.panel)
    form.organisation.choices = [SelectChoice("", "Choose an organisation")] + [
        SelectChoice(org.ref, org.name) for org in organisations
    ]
    added = request.args.get("organisation", "")
    if formdata is None and added in {org.ref for org in organisations}:
        form.organisation.data = added  # the organisation the chair has just added
    return form


def _show(
    meeting, attendee_form=None, minuted_form=None, status=200, conflict=None, organisation_form=None
) -> ResponseReturnValue:
    can_record = scope().can_record_meetings_of(meeting.panel)
    findings = records.open_findings(scope(), "panel_meeting", meeting.id)
    return render_template(
        "meetings/show.html",
        meeting=meeting,
        findings=findings,
        can_record=can_record,
        attendee_form=attendee_form or _attendee_form(meeting, formdata=None),
        minuted_form=minuted_form or _minuted_form(meeting),
        organisation_form=organisation_form or NewOrganisationForm(prefix="organisation", formdata=None),
        form=next((f for f in (attendee_form, minuted_form, organisation_form) if f is not None), None),
        conflict=conflict,
    ), status


def _changed_meanwhile(meeting_ref: str, error: write_scope.Conflict, **forms) -> ResponseReturnValue:
    """The meeting changed since the page was opened: show it as it is now, with what changed and
    the user's input kept."""
    return _show(meetings.get_meeting(scope(), meeting_ref), status=409, conflict=error, **forms)


def _minuted_form(meeting) -> MinutedStatementForm:
    suggestion = f"{meeting.minutes_ref} item 1" if meeting.minutes_ref else None
    return MinutedStatementForm(prefix="statement", formdata=None, data={"statement_minutes_ref": suggestion})


@bp.get("/<meeting_ref>")
def show(meeting_ref: str) -> ResponseReturnValue:
    return _show(meetings.get_meeting(scope(), meeting_ref))


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
            return redirect(url_for("meetings.show", meeting_ref=meeting_ref) + "#attendees")
    return _show(meeting, attendee_form=form, status=400)


@bp.post("/<meeting_ref>/minuted-statement")
def minuted_statement(meeting_ref: str) -> ResponseReturnValue:
    meeting = meetings.get_meeting(scope(), meeting_ref)
    require(scope().can_record_meetings_of(meeting.panel))
    form = MinutedStatementForm(prefix="statement")
    if form.validate_on_submit():
        try:
            count = meetings.apply_minuted_statement(
                scope(), meeting, form.statement_minutes_ref.data.strip(), actor(), version=posted_version()
            )
        except write_scope.Conflict as error:
            return _changed_meanwhile(meeting_ref, error, minuted_form=form)
        except InvalidDocument as error:
            form.statement_minutes_ref.errors.append(error.problems[0].message.capitalize())
            return _show(meeting, minuted_form=form, status=400)
        flash(f"The minuted confidentiality statement is recorded for {count} attendee{'s' if count != 1 else ''}.")
        return redirect(url_for("meetings.show", meeting_ref=meeting_ref) + "#attendees")
    return _show(meeting, minuted_form=form, status=400)


def _stale(meeting_ref: str) -> ResponseReturnValue | None:
    """A post from a page built on an older version of the meeting: the meeting as it is now, with
    what changed (saving rebuilds a meeting's attendees, so the ids such a page names are gone)."""
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
            return redirect(url_for("meetings.show", meeting_ref=meeting_ref) + "#attendees")
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
