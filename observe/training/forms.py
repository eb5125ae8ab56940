from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, NumberRange, Optional

from observe.common.forms import MultiCheckboxField, required


class SessionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[required(), Length(max=200)])
    branch_id = SelectField(_l("For"), coerce=int,
                            description=_l("A national session is open to every branch."))
    modules = MultiCheckboxField(_l("Modules covered"), coerce=int)
    online = SelectField(_l("Format"), choices=[("1", _l("Online (Zoom)")),
                                                ("0", _l("Offline meeting"))])
    zoom_url = StringField(_l("Zoom link"), validators=[Optional(), Length(max=500)],
                           description=_l("Shown only to registered observers."),
                           render_kw={"inputmode": "url"})
    zoom_meeting_id = StringField(_l("Meeting ID"), validators=[Optional(), Length(max=32)])
    zoom_passcode = StringField(_l("Passcode"), validators=[Optional(), Length(max=64)])
    venue = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    starts_at = StringField(_l("Starts (local time)"), validators=[required()],
                            render_kw={"type": "datetime-local"})
    ends_at = StringField(_l("Ends (local time)"), validators=[required()],
                          render_kw={"type": "datetime-local"})
    capacity = IntegerField(_l("Capacity"), default=100,
                            validators=[required(), NumberRange(min=1, max=100000)])
    min_attendance_minutes = IntegerField(
        _l("Minutes present to count as attended"), default=60,
        validators=[required(), NumberRange(min=1, max=1440)])
    speakers = SelectMultipleField(_l("Speakers"), coerce=int, validators=[Optional()])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save"))


class CancelForm(FlaskForm):
    reason = TextAreaField(_l("Reason for the cancellation"), validators=[required(),
                                                                          Length(max=2000)])
    submit = SubmitField(_l("Cancel the session"))


class InviteForm(FlaskForm):
    """Which approved observers of the branch to invite."""

    trained = SelectField(_l("Training"), choices=[
        ("untrained", _l("Not yet certified")), ("any", _l("Any"))])
    language = SelectField(_l("Speaks"), choices=[("", _l("Any language")), ("kk", _l("Kazakh")),
                                                  ("ru", _l("Russian"))])
    city = StringField(_l("City or district"), validators=[Optional(), Length(max=120)])
    submit = SubmitField(_l("Invite"))


class CertifyForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[required(), Length(max=2000)])
    certify = SubmitField(_l("Certify"))
    decertify = SubmitField(_l("Take the certification back"))


class RegisterForm(FlaskForm):
    """An empty form: the CSRF token for register and cancel buttons."""

    confirm = BooleanField(default=True)
