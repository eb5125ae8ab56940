from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from observe.i18n import LANGUAGE_NAMES


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=255)],
                       render_kw={"autocomplete": "username", "inputmode": "email"})
    password = PasswordField(_l("Password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})
    submit = SubmitField(_l("Sign in"))


class NewPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField(_l("Save the password"))


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()],
                                     render_kw={"autocomplete": "current-password"})
    field_order = ("current_password", "password", "confirm")


class LanguageForm(FlaskForm):
    locale = SelectField(_l("Interface language"), choices=list(LANGUAGE_NAMES.items()))
    submit_language = SubmitField(_l("Save the language"))


class EmailCheckedForm(FlaskForm):
    """Used where an address must be well-formed, not only present."""

    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=255)])


class ApiTokenForm(FlaskForm):
    name = StringField(_l("Token name"), validators=[DataRequired(), Length(max=100)],
                       description=_l("What will use it, e.g. \u201cmy phone\u201d or "
                                      "\u201cTelegram bot\u201d."))
    submit_token = SubmitField(_l("Create a token"))


class RevokeTokenForm(FlaskForm):
    """Only the CSRF token: revoking is a POST of its own."""
