"""The forms of the panel chair's meeting pages."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms import Form as WtfForm
from wtforms.validators import InputRequired, Length, Optional, StopValidation

from ..labels import value_label
from ..models.enums import PartnerType
from .edge import Form
from .widgets import DateInput

METHODS = [
    SelectChoice("signed_agreement", "Signed a confidentiality agreement"),
    SelectChoice("verbal_recorded_in_minutes", "Covered by the minuted confidentiality statement"),
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


MINUTED = "verbal_recorded_in_minutes"


def default_method(panel) -> str | None:
    """The way of accepting confidentiality to start from: the minuted statement where that is
    the panel's policy (the chair then changes only the exceptions)."""
    policy = panel.confidentiality_policy
    return MINUTED if policy is not None and policy.value == "verbal_statement_minuted" else None


class AttendeeRow(WtfForm):
    """One attendee typed in (a row of the "add several" form); blank rows are ignored."""

    role = StringField("Role", widget=GovTextInput(), validators=[Optional(), Length(max=200)])
    organisation = SelectField("Organisation", widget=GovSelect(), validate_choice=False)
    name = StringField("Name (optional)", widget=GovTextInput(), validators=[Optional(), Length(max=200)])

    def used(self) -> bool:
        return any((field.data or "").strip() for field in (self.role, self.organisation, self.name))


ROWS = 3
MAX_ROWS = 30


class AttendeesForm(ConfidentialityFields):
    """Several attendees at once: the panel's regular attendees ticked, others typed in rows, and
    one way of accepting confidentiality for all of them."""

    regulars = SelectMultipleField(
        "Regular attendees of this panel's recent meetings",
        coerce=int,
        widget=GovCheckboxesInput(),
        validate_choice=False,
    )
    rows = FieldList(FormField(AttendeeRow), min_entries=ROWS, max_entries=MAX_ROWS)
    add_row = SubmitField("Add another attendee row", widget=GovSubmitInput())
    submit = SubmitField("Continue", widget=GovSubmitInput())
    confirm = SubmitField("Confirm and record them", widget=GovSubmitInput())
    change = SubmitField("Change them", widget=GovSubmitInput())

    def prepare(self, organisations, regulars) -> None:
        """Offer these organisations in each row and these regular attendees as checkboxes, with
        labels that say which row is which."""
        choices = [SelectChoice("", "Choose an organisation")] + [SelectChoice(o.ref, o.name) for o in organisations]
        self.known_organisations = {o.ref for o in organisations}
        self.regulars.choices = [SelectChoice(a.id, regular_label(a)) for a in regulars]
        self.regular_attendees = {a.id: a for a in regulars}
        for n, entry in enumerate(self.rows, start=1):
            entry.form.organisation.choices = choices
            entry.form.role.label.text = f"Role of attendee {n}"
            entry.form.organisation.label.text = f"Organisation of attendee {n}"
            entry.form.name.label.text = f"Name of attendee {n} (optional)"

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for n, entry in enumerate(self.rows, start=1):
            row = entry.form
            if not row.used():
                continue
            if not (row.role.data or "").strip():
                row.role.errors = [*row.role.errors, f"Enter the role of attendee {n}"]
                valid = False
            if row.organisation.data not in self.known_organisations:
                row.organisation.errors = [*row.organisation.errors, f"Choose the organisation of attendee {n}"]
                valid = False
        unknown = [i for i in self.regulars.data or () if i not in self.regular_attendees]
        if unknown:
            self.regulars.errors = [*self.regulars.errors, "Tick only the regular attendees listed"]
            valid = False
        if valid and not self.attendees():
            self.regulars.errors = [
                *self.regulars.errors,
                "Tick who attended, or type an attendee's role and organisation",
            ]
            valid = False
        return valid

    def attendees(self) -> list[dict]:
        """The attendees to add, as exchange-format attendees, all with this form's confidentiality."""
        confidentiality = self.confidentiality()
        out = []
        for attendee_id in self.regulars.data or ():
            regular = self.regular_attendees[attendee_id]
            item = {"name": regular.name, "role": regular.role, "organisation": regular.organisation.ref}
            if regular.membership is not None:
                item["membership"] = regular.membership.value
            out.append({k: v for k, v in item.items() if v is not None})
        for entry in self.rows:
            row = entry.form
            if row.used():
                item = {"role": row.role.data.strip(), "organisation": row.organisation.data}
                if (row.name.data or "").strip():
                    item["name"] = row.name.data.strip()
                out.append(item)
        return [{**item, "confidentiality": confidentiality} for item in out]


def regular_label(attendee) -> str:
    who = f"{attendee.role}, {attendee.organisation.name}"
    return f"{who} ({attendee.name})" if attendee.name else who
