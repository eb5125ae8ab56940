from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from observe.i18n import LANGUAGE_NAMES
from observe.permissions import ROLE_LABELS


def role_choices():
    return [(role.value, label) for role, label in ROLE_LABELS.items()]


class UserForm(FlaskForm):
    full_name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=255)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)],
                        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    role = SelectField(_l("Role"), choices=role_choices)
    branch_id = SelectField(_l("Branch"), coerce=int,
                            description=_l("Required for coordinators and observers."))
    locale = SelectField(_l("Interface language"), choices=list(LANGUAGE_NAMES.items()))
    is_active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class UserFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional()])
    role = SelectField(_l("Role"), choices=lambda: [("", _l("All roles")), *role_choices()],
                       validators=[Optional()])
    branch_id = SelectField(_l("Branch"), validators=[Optional()])
    status = SelectField(_l("Status"), validators=[Optional()], choices=[
        ("", _l("All")), ("active", _l("Active")), ("inactive", _l("Deactivated"))])
