"""Polling-day forms. Every submission form carries a hidden UUID: made when the page is drawn
(and by the phone's script when it queues a report), sent again unchanged on a retry."""

import uuid

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from observe.common.forms import required
from observe.i18n import localized
from observe.reports.rules import CATEGORY_LABELS, SEVERITY_LABELS, TURNOUT_HOURS


class SubmissionForm(FlaskForm):
    """A form that sends one report: the UUID makes a resend idempotent."""

    uuid = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.uuid.data:
            self.uuid.data = str(uuid.uuid4())


class CheckInForm(SubmissionForm):
    latitude = HiddenField()
    longitude = HiddenField()
    accuracy = HiddenField()
    submit = SubmitField(_l("I am at the station"))


class TurnoutForm(SubmissionForm):
    hour = SelectField(_l("Time"), coerce=int,
                       choices=[(h, f"{h:02d}:00") for h in TURNOUT_HOURS])
    voters = IntegerField(_l("Voters who had received ballots"),
                          validators=[InputRequired(message=_l("This field is required.")),
                                      NumberRange(min=0, message=_l("Enter a number from 0."))])
    submit = SubmitField(_l("Send the turnout"))


class IncidentForm(SubmissionForm):
    category = SelectField(_l("What happened"), validators=[required()])
    severity = RadioField(_l("How serious"), validators=[required()],
                          choices=list(SEVERITY_LABELS.items()), default="medium")
    occurred_at = TimeField(_l("At what time"), validators=[required()])
    description = TextAreaField(_l("Describe what you saw"),
                                validators=[required(), Length(max=10000)])
    people_involved = TextAreaField(_l("People involved (who, what role, what they wore)"),
                                    validators=[Optional(), Length(max=4000)])
    complaint_filed = BooleanField(_l("A complaint was filed with the commission"))
    complaint_number = StringField(_l("Complaint number"),
                                   validators=[Optional(), Length(max=64)])
    evidence = MultipleFileField(_l("Photos, video or PDF"))
    submit = SubmitField(_l("Send the incident"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [("", _l("— choose —"))] + list(CATEGORY_LABELS.items())


class EvidenceForm(FlaskForm):
    evidence = MultipleFileField(_l("Photos, video or PDF"))
    submit = SubmitField(_l("Add the files"))


class ChecklistUploadForm(FlaskForm):
    definition = FileField(_l("Checklist definition (JSON)"))
    submit = SubmitField(_l("Upload as a new version"))


YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]


def checklist_form(definition: dict, phase: str, formdata=None):
    """A form for one phase of a checklist definition: one optional field per question."""

    class PhaseForm(SubmissionForm):
        submit = SubmitField(_l("Send the answers"))

    for question in (definition.get("phases") or {}).get(phase) or []:
        label = localized(question.get("text"))
        kind = question.get("type")
        if kind == "yes_no":
            field = RadioField(label, choices=YES_NO, validators=[Optional()])
        elif kind == "choice":
            field = RadioField(label, validators=[Optional()], choices=[
                (c["value"], localized(c.get("text"))) for c in question.get("choices", [])])
        elif kind == "number":
            field = IntegerField(label, validators=[Optional(), NumberRange(min=0)])
        else:
            field = TextAreaField(label, validators=[Optional(), Length(max=4000)])
        setattr(PhaseForm, f"q_{question['id']}", field)
    return PhaseForm(formdata=formdata) if formdata is not None else PhaseForm()


def question_fields(form) -> list:
    """The question fields of a checklist form, in the definition's order."""
    return [f for f in form if f.name.startswith("q_")]


def protocol_form(contest):
    """The protocol's figures and one votes field per party or candidate of the contest."""
    number = [InputRequired(message=_l("This field is required.")),
              NumberRange(min=0, message=_l("Enter a number from 0."))]

    class ProtocolForm(SubmissionForm):
        voters_on_list = IntegerField(_l("Voters on the list"), validators=number)
        ballots_received = IntegerField(_l("Ballots received by the commission"),
                                        validators=number)
        ballots_issued = IntegerField(_l("Ballots issued to voters"), validators=number)
        ballots_cancelled = IntegerField(_l("Unused ballots cancelled"), validators=number)
        ballots_in_box = IntegerField(_l("Ballots found in the boxes"), validators=number)
        ballots_invalid = IntegerField(_l("Invalid ballots"), validators=number)
        photo = MultipleFileField(_l("Photo of the protocol"))
        submit = SubmitField(_l("Send the protocol"))

    for choice in contest.choices:
        setattr(ProtocolForm, f"votes_{choice.id}", IntegerField(choice.name, validators=number))
    return ProtocolForm()


class QueueFilterForm(FlaskForm):
    """The triage queue's filters, read from the query string (a GET form, no CSRF token)."""

    class Meta:
        csrf = False

    election_id = SelectField(_l("Election"), validators=[Optional()], validate_choice=False)
    region = SelectField(_l("Region"), validators=[Optional()], validate_choice=False)
    district = SelectField(_l("District"), validators=[Optional()], validate_choice=False)
    station = StringField(_l("Station"), validators=[Optional(), Length(max=16)])
    category = SelectField(_l("Category"), validators=[Optional()], validate_choice=False)
    severity = SelectField(_l("Severity"), validators=[Optional()], validate_choice=False)
    status = SelectField(_l("Status"), validators=[Optional()], validate_choice=False)
    kind = SelectField(_l("Kind"), validators=[Optional()], validate_choice=False)
    phase = SelectField(_l("Checklist phase"), validators=[Optional()], validate_choice=False)
    since = StringField(_l("Received from"), validators=[Optional()])
    until = StringField(_l("Received until"), validators=[Optional()])


class ActionForm(FlaskForm):
    """One triage action; the pressed button names it."""

    action = HiddenField()
    text = TextAreaField(_l("Reason or comment"), validators=[Optional(), Length(max=4000)])
    duplicate_of = StringField(_l("Same event as report (reference, e.g. I-12)"),
                               validators=[Optional(), Length(max=32)])


class ReleaseForm(FlaskForm):
    submit = SubmitField(_l("Stop working on it"))
