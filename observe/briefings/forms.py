"""Briefing forms: choose an election, scope, cut-off and language; edit the draft; the
workflow buttons (each a POST with CSRF)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from observe.common.forms import required

LANGUAGE_CHOICES = [("ru", "Русский"), ("kk", "Қазақша"), ("en", "English")]


class BriefingForm(FlaskForm):
    """A new briefing: the election, scope and cut-off its numbers are taken from."""

    election_id = SelectField(_l("Election"), coerce=int, validators=[required()])
    region = SelectField(_l("Scope"), validate_choice=True)
    cutoff = DateTimeLocalField(_l("As of (local time)"), format="%Y-%m-%dT%H:%M",
                                validators=[required()])
    language = SelectField(_l("Language of the text"), choices=LANGUAGE_CHOICES)
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])


class EditForm(FlaskForm):
    """Staff's edits to a draft: the text, and what it is built from."""

    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    cutoff = DateTimeLocalField(_l("As of (local time)"), format="%Y-%m-%dT%H:%M",
                                validators=[required()])
    language = SelectField(_l("Language of the text"), choices=LANGUAGE_CHOICES)
    narrative = TextAreaField(_l("Text"), validators=[Optional(), Length(max=20000)],
                              render_kw={"rows": 10})
    regenerate = BooleanField(_l("Write the text again from the numbers"))


class ActionForm(FlaskForm):
    """A workflow step (review, publish, re-issue): only the CSRF token."""
