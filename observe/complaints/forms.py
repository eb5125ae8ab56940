"""Complaint forms: choices are the rules' vocabularies, labels translated lazily. Dates are
datetime-local inputs, checked by the field and read in Almaty time by the views
(common.timezones.from_local)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from observe.common.forms import required
from observe.complaints.rules import BODY_LABELS, LANGUAGE_LABELS, OUTCOME_LABELS

LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what a datetime-local input sends


def _bodies():
    return [(k, v) for k, v in BODY_LABELS.items()]


def _languages():
    return list(LANGUAGE_LABELS.items())


class OpenForm(FlaskForm):
    incidents = StringField(_l("Incidents (references such as I-12, I-15)"),
                            validators=[required(), Length(max=500)])
    body = SelectField(_l("To"), choices=_bodies(), validators=[required()])
    body_name = StringField(_l("Name of the body as on the document"),
                            validators=[Optional(), Length(max=200)])
    language = SelectField(_l("Language of the document"), choices=_languages(),
                           validators=[required()])
    submit = SubmitField(_l("Open the complaint"))


class DetailsForm(FlaskForm):
    body = SelectField(_l("To"), choices=_bodies(), validators=[required()])
    body_name = StringField(_l("Name of the body as on the document"),
                            validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Save"))


class FileForm(FlaskForm):
    # InputRequired, not DataRequired: a typed value that is no date keeps its own message.
    filed_at = DateTimeLocalField(_l("Filed at"), format=LOCAL_INPUT,
                                  validators=[InputRequired(_l("This field is required."))])
    incoming_number = StringField(_l("Incoming number"), validators=[Optional(), Length(max=64)])
    due_at = DateTimeLocalField(_l("Answer due (leave empty to use the body's deadline)"),
                                format=LOCAL_INPUT, validators=[Optional()])
    submit = SubmitField(_l("Record the filing"))


class AnswerForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=list(OUTCOME_LABELS.items()),
                          validators=[required()])
    answered_at = DateTimeLocalField(_l("Answered at"), format=LOCAL_INPUT,
                                     validators=[Optional()])
    answer = TextAreaField(_l("The answer"), validators=[Optional(), Length(max=20000)])
    submit = SubmitField(_l("Record the answer"))


class AppealForm(FlaskForm):
    body = SelectField(_l("Appeal to"), choices=_bodies(), validators=[required()])
    body_name = StringField(_l("Name of the body as on the document"),
                            validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Open the appeal"))


class DocumentForm(FlaskForm):
    text = TextAreaField(_l("Text of the complaint"),
                         validators=[required(), Length(max=100000)],
                         render_kw={"rows": 20})
    submit = SubmitField(_l("Save the document"))


class RedraftForm(FlaskForm):
    language = SelectField(_l("Language of the document"), choices=_languages(),
                           validators=[required()])
    submit = SubmitField(_l("Draft again from the incidents"))
