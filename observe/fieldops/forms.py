"""Field-operations forms: the observer's SOS, the staff's acknowledgements, resolutions, call
notes and broadcasts."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, HiddenField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import Length

from observe.assignments.rules import SHIFTS
from observe.branches.regions import REGIONS
from observe.common.forms import required
from observe.fieldops.rules import SOS_REASONS
from observe.fieldops.services import BROADCAST_LIMIT, NOTE_LIMIT
from observe.reports.forms import SubmissionForm


class SosForm(SubmissionForm):
    """The SOS: what is happening, optionally a word, a photo and the phone's location."""

    reason = RadioField(_l("What is happening"), validators=[required()],
                        choices=list(SOS_REASONS.items()))
    note = TextAreaField(_l("A few words (optional)"), validators=[Length(max=NOTE_LIMIT)])
    photo = FileField(_l("Photo (optional)"))
    latitude = HiddenField()
    longitude = HiddenField()
    accuracy = HiddenField()
    submit = SubmitField(_l("Send SOS"))


class SosPhotoForm(FlaskForm):
    """A photo added to an SOS already sent (the phone's queue sends an SOS without it)."""

    photo = FileField(_l("Photo"), validators=[FileRequired(_l("Choose a photo."))])
    submit = SubmitField(_l("Add the photo"))


class ActionForm(FlaskForm):
    """A button that changes something (acknowledge): only the CSRF token."""


class ResolveForm(FlaskForm):
    note = TextAreaField(_l("What was done"), validators=[required(), Length(max=NOTE_LIMIT)])
    submit = SubmitField(_l("Resolve"))


class CallForm(FlaskForm):
    note = TextAreaField(_l("What came of the call"), validators=[Length(max=NOTE_LIMIT)])
    submit = SubmitField(_l("Note the call"))


class BroadcastForm(FlaskForm):
    region = SelectField(_l("Region"), choices=[], default="")
    district = SelectField(_l("District"), choices=[], default="")
    shift = SelectField(_l("Shift"), choices=[], default="")
    not_checked_in = BooleanField(_l("Only those who have not checked in"))
    body = TextAreaField(_l("Message"), validators=[required(), Length(max=BROADCAST_LIMIT)])
    submit = SubmitField(_l("Send"))

    def fill_choices(self, regions: list[str], districts: list[str]) -> None:
        """Offer the regions and districts the sender may reach ("" is any)."""
        self.region.choices = [("", _l("Every region"))] + [
            (code, REGIONS.get(code, code)) for code in regions]
        self.district.choices = [("", _l("Every district"))] + [(d, d) for d in districts if d]
        self.shift.choices = [("", _l("Every shift"))] + list(SHIFTS.items())
