from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from observe.branches.regions import region_choices


class BranchForm(FlaskForm):
    region = SelectField(_l("Region"), choices=region_choices, validators=[DataRequired()])
    name = StringField(_l("Branch name"), validators=[DataRequired(), Length(max=200)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=120)])
    chairperson = StringField(_l("Chairperson"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)],
                        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    email = EmailField(_l("E-mail"), validators=[Optional(), Email(), Length(max=255)])
    is_active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))
