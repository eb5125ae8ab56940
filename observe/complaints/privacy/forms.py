"""Retention forms: an election's policy, and the observer's confirmed withdrawal of consent."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange

from observe.common.forms import checked


class PolicyForm(FlaskForm):
    months = IntegerField(_l("Months after the election is closed"),
                          validators=[InputRequired(message=_l("This field is required.")),
                                      NumberRange(min=0, max=120,
                                                  message=_l("Between 0 and 120 months."))])
    submit = SubmitField(_l("Save"))


class WithdrawForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand: my IIN, phone, e-mail, birth date and name are erased for good, my "
           "account is closed, and my reports stay under a pseudonym."),
        validators=[checked(_l("Tick the box to confirm."))])
    submit = SubmitField(_l("Withdraw my consent and erase my data"))


class EraseForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand: the personal data of every observer listed above is erased for good."),
        validators=[checked(_l("Tick the box to confirm."))])
    submit = SubmitField(_l("Erase now"))
