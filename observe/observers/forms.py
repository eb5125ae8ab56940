"""The recruitment forms: the public join form, the coordinator's forms, the import upload."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from observe.common.forms import MultiCheckboxField, attach_errors, checked, required
from observe.observers.choices import (
    AVAILABILITY,
    CHANNELS,
    EXPERIENCE,
    LANGUAGES,
    PUBLIC_CHANNELS,
    STATUS_LABELS,
    Status,
)
from observe.observers.rules import validate_applicant


def _pairs(mapping: dict, keys=None):
    return [(key, mapping[key]) for key in (keys or mapping)]


class ApplicantFields(FlaskForm):
    """The volunteer's own details, common to the public form and the coordinator's form."""

    full_name = StringField(_l("Full name"), validators=[required(), Length(max=200)],
                            render_kw={"autocomplete": "name"})
    iin = StringField(_l("IIN"), validators=[required(), Length(max=20)],
                      description=_l("12 digits, from your ID card."),
                      render_kw={"inputmode": "numeric", "autocomplete": "off"})
    birth_date = StringField(_l("Date of birth"), validators=[required()],
                             render_kw={"type": "date", "autocomplete": "bday"})
    phone = TelField(_l("Phone"), validators=[required(), Length(max=40)],
                     description=_l("For example +7 701 234 56 78 or 8 701 234 56 78."),
                     render_kw={"autocomplete": "tel", "inputmode": "tel"})
    email = EmailField(_l("E-mail"), validators=[required(), Length(max=255)],
                       render_kw={"autocomplete": "email", "inputmode": "email"})
    branch_id = SelectField(_l("Region and branch"), coerce=int, validators=[required()])
    city = StringField(_l("City or district"), validators=[Optional(), Length(max=120)],
                       render_kw={"autocomplete": "address-level2"})
    languages = MultiCheckboxField(_l("Languages you speak"), choices=lambda: _pairs(LANGUAGES))
    other_language = StringField(_l("Other language"), validators=[Optional(), Length(max=100)])
    experience = SelectField(_l("Have you observed elections before?"),
                             choices=lambda: _pairs(EXPERIENCE))
    availability = SelectField(_l("When can you observe on polling day?"),
                               choices=lambda: _pairs(AVAILABILITY))

    # Whether the shared rules ask for an e-mail address (a coordinator may leave it out).
    email_required = True

    def rule_input(self) -> dict:
        """The raw values, for the services (observe.observers.rules.validate_applicant)."""
        values = {name: getattr(self, name).data for name in (
            "full_name", "iin", "birth_date", "phone", "email", "city", "languages",
            "other_language", "experience", "availability")}
        return {**values, "channel": self.channel.data, "campaign": self.campaign.data}

    def validate(self, extra_validators=None):
        """The form's own checks and the shared rules, so every mistake is shown at once.

        The service checks the rules again: the API reaches it without this form.
        """
        valid = super().validate(extra_validators)
        _clean, errors = validate_applicant(self.rule_input(), require_email=self.email_required)
        attach_errors(self, errors)
        return valid and not errors


class JoinForm(ApplicantFields):
    channel = SelectField(_l("How did you hear about us?"),
                          choices=lambda: _pairs(CHANNELS, PUBLIC_CHANNELS))
    campaign = HiddenField()
    consent = BooleanField(
        _l("I agree to the processing of my personal data by the association for organising "
           "election observation."),
        validators=[checked(_l("Your consent is needed to process the application."))])
    declaration = BooleanField(
        _l("I am not a candidate, a candidate's or party's agent, or a member of an election "
           "commission."),
        validators=[checked(_l("Observers must be independent of candidates, parties and "
                               "commissions."))])
    # A field people never see: bots fill it in, and their submission is dropped.
    website = StringField(_l("Leave this field empty"), validators=[Optional()],
                          render_kw={"autocomplete": "off", "tabindex": "-1"})
    submit = SubmitField(_l("Send my application"))


class ObserverForm(ApplicantFields):
    """A coordinator adding or correcting an observer."""

    email_required = False
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=255)],
                       description=_l("Needed for the observer's account."))
    channel = SelectField(_l("Channel"), choices=lambda: _pairs(CHANNELS))
    campaign = StringField(_l("Campaign"), validators=[Optional(), Length(max=64)])
    consent = BooleanField(_l("The volunteer gave written consent to the processing of personal "
                              "data and declared independence."),
                           validators=[checked(_l("Consent is required."))])
    submit = SubmitField(_l("Save"))


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), choices=lambda: [
        (s.value, STATUS_LABELS[s]) for s in Status if s != Status.CERTIFIED])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)],
                           description=_l("Required for a rejection; kept in the history."))
    submit = SubmitField(_l("Change the status"))


class BulkStatusForm(StatusForm):
    observer_ids = HiddenField()
    submit = SubmitField(_l("Apply to the selected"))


class EmailChangeForm(FlaskForm):
    """Accept the e-mail address a repeat application gave."""

    application_id = HiddenField()
    submit = SubmitField(_l("Use this address"))


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Note"), validators=[required(), Length(max=5000)])
    submit = SubmitField(_l("Add the note"))


class ImportUploadForm(FlaskForm):
    file = FileField(_l("Spreadsheet"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["csv", "xlsx"], _l("Upload a CSV or XLSX file."))],
        description=_l("CSV or XLSX with a header line; Russian, Kazakh or English column "
                       "names in any order."))
    branch_id = SelectField(_l("Branch"), coerce=int)
    paper_consent = BooleanField(
        _l("Consent was collected on paper"),
        description=_l("Tick this when the file has no consent column: every volunteer in it "
                       "gave written consent to the processing of personal data and declared "
                       "independence, as when adding an observer by hand. Without a consent "
                       "column or this confirmation nothing is imported."))
    submit = SubmitField(_l("Upload and check"))
