"""Forms of the assignment pages: assign, change, withdraw; the observer's confirm and decline."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from observe.assignments.rules import ROLES, SHIFTS
from observe.common.forms import required
from observe.observers.choices import STATUS_LABELS


def _id(value) -> int:
    """A select's value as an id; anything else is 0, which `required()` refuses."""
    return int(value) if str(value or "").isdigit() else 0


def _role_field():
    return SelectField(_l("Role"), choices=list(ROLES.items()), default="stationary",
                       validators=[required()])


def _shift_field():
    return SelectField(_l("Shift"), choices=list(SHIFTS.items()), default="full_day",
                       validators=[required()])


def _reason_field():
    return TextAreaField(
        _l("Reason to assign an observer who is not certified"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Only for an observer who is not certified yet; the reason is kept in "
                       "the audit log."))


class AssignForm(FlaskForm):
    # Ids are checked by the assignment rules, not by the choices, so every rule can answer.
    observer_id = SelectField(_l("Observer"), coerce=_id, validate_choice=False,
                              validators=[required()])
    station_id = SelectField(_l("Polling station"), coerce=_id, validate_choice=False,
                             validators=[required()])
    role = _role_field()
    shift = _shift_field()
    override_reason = _reason_field()
    submit = SubmitField(_l("Assign"))


class EditForm(FlaskForm):
    station_id = SelectField(_l("Polling station"), coerce=_id, validate_choice=False,
                             validators=[required()])
    role = _role_field()
    shift = _shift_field()
    override_reason = _reason_field()
    submit = SubmitField(_l("Save"))


class WithdrawForm(FlaskForm):
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Withdraw"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("I confirm, I will be there"))


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Why can you not go? (optional)"),
                           validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Decline the assignment"))


def query_id(value) -> int:
    """An id from the query string for presetting a select (0 when there is none)."""
    return _id(value)


def station_choices(stations) -> list[tuple[int, str]]:
    """The station select: number, district and address, priority ones marked."""
    choices = [(0, _("Choose a polling station"))]
    for station in stations:
        text = _("Station %(number)s — %(district)s, %(address)s", number=station.number,
                 district=station.district, address=station.address)
        if station.is_priority:
            text += " · " + _("priority")
        choices.append((station.id, text))
    return choices


def observer_choices(observers) -> list[tuple[int, str]]:
    """The observer select: certified observers by name, the others marked as not certified."""
    return [(0, _("Choose an observer"))] + [
        (o.id, o.full_name if o.status == "certified" else _(
            "%(name)s (%(status)s, not certified)", name=o.full_name,
            status=STATUS_LABELS.get(o.status, o.status))) for o in observers]
