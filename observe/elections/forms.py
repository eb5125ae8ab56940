from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from observe.branches.regions import region_choices
from observe.common.forms import required
from observe.elections.services import CONTEST_KINDS, STATION_FIELDS, STATION_LANGUAGES

# Kazakhstan has kept one zone (UTC+5) since 2024; the tz database still names the old ones.
TIMEZONES = ("Asia/Almaty", "Asia/Qostanay", "Asia/Qyzylorda", "Asia/Aqtobe", "Asia/Aqtau",
             "Asia/Atyrau", "Asia/Oral")


class ElectionForm(FlaskForm):
    name = StringField(_l("Name"), validators=[required(), Length(max=200)])
    polling_day = DateField(_l("Polling day"), validators=[required()],
                            render_kw={"type": "date"})
    timezone = SelectField(_l("Time zone"), choices=[(z, z) for z in TIMEZONES],
                           default="Asia/Almaty")
    polls_open = TimeField(_l("Polls open"), validators=[required()], default=None,
                           render_kw={"type": "time"})
    polls_close = TimeField(_l("Polls close"), validators=[required()], default=None,
                            render_kw={"type": "time"})
    status = SelectField(_l("Status"), choices=[])
    submit = SubmitField(_l("Save"))

    def fields(self) -> dict:
        """The election's details as the services take them (the status apart)."""
        return {"name": self.name.data or "", "polling_day": self.polling_day.data,
                "timezone": self.timezone.data, "polls_open": self.polls_open.data,
                "polls_close": self.polls_close.data}


class ContestForm(FlaskForm):
    kind = SelectField(_l("Kind of contest"), choices=list(CONTEST_KINDS.items()))
    name = StringField(_l("Name"), validators=[required(), Length(max=200)])
    region = SelectField(_l("Region"), choices=[],
                         description=_l("For a local maslikhat; leave empty for a national "
                                        "contest."))
    choices = TextAreaField(_l("Parties or candidates"), validators=[Optional()],
                            description=_l("One per line, in the order of the ballot."),
                            render_kw={"rows": 6})
    submit = SubmitField(_l("Save the contest"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region.choices = [("", _l("— national —"))] + region_choices()

    def fields(self) -> dict:
        """The contest as the services take it."""
        return {"kind": self.kind.data, "name": self.name.data or "",
                "region": self.region.data or "", "choices": self.choices.data or ""}


class DeleteForm(FlaskForm):
    submit = SubmitField(_l("Remove"))


class StationForm(FlaskForm):
    number = StringField(_l("Station number"), validators=[required(), Length(max=16)])
    region = SelectField(_l("Region"), choices=[])
    district = StringField(_l("District or city"), validators=[Optional(), Length(max=120)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    premises = StringField(_l("Premises"), validators=[Optional(), Length(max=200)])
    commission = StringField(_l("Commission"), validators=[Optional(), Length(max=200)])
    registered_voters = IntegerField(
        _l("Registered voters"),
        validators=[InputRequired(_l("This field is required.")), NumberRange(min=0)])
    latitude = FloatField(_l("Latitude"), validators=[Optional(), NumberRange(-90, 90)])
    longitude = FloatField(_l("Longitude"), validators=[Optional(), NumberRange(-180, 180)])
    language = SelectField(_l("Language an observer needs"),
                           choices=list(STATION_LANGUAGES.items()))
    is_priority = BooleanField(_l("Priority station"),
                               description=_l("For example large, or with problems at "
                                              "earlier elections."))
    priority_note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)],
                                  render_kw={"rows": 3})
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.region.choices = region_choices()

    def fields(self) -> dict:
        """The station's fields as update_station takes them (empty text as "")."""
        fields = {name: getattr(self, name).data for name in STATION_FIELDS}
        for name in ("district", "address", "premises", "commission", "priority_note"):
            fields[name] = fields[name] or ""
        return fields


class StationImportForm(FlaskForm):
    file = FileField(_l("Spreadsheet"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["csv", "xlsx"], _l("Upload a CSV or XLSX file."))],
        description=_l("CSV or XLSX with a header line; Russian, Kazakh or English column "
                       "names in any order."))
    submit = SubmitField(_l("Upload and check"))
