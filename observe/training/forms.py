"""Training forms: sessions, attendance and the Zoom report, the curriculum, speakers."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from observe.common.forms import MultiCheckboxField, required

LANGS = ("ru", "kk", "en")
OPTION_SLOTS = 6  # options offered on the question form


class HttpsUrl:
    """A plain https:// address (Zoom links are opened by observers: no javascript:, no CR/LF)."""

    def __call__(self, form, field):
        from observe.training.services import safe_zoom_url

        if field.data and not safe_zoom_url(field.data):
            raise ValidationError(_("Enter the Zoom link as a web address starting with "
                                    "https://."))


class SessionForm(FlaskForm):
    title = StringField(_l("Title"), validators=[required(), Length(max=200)])
    branch_id = SelectField(_l("For"), coerce=int,
                            description=_l("A national session is open to every branch."))
    modules = MultiCheckboxField(_l("Modules covered"), coerce=int)
    online = SelectField(_l("Format"), choices=[("1", _l("Online (Zoom)")),
                                                ("0", _l("Offline meeting"))])
    zoom_url = StringField(_l("Zoom link"), validators=[Optional(), Length(max=500), HttpsUrl()],
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


class ZoomUploadForm(FlaskForm):
    file = FileField(_l("Zoom participant report"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["csv", "xlsx"], _l("Upload a CSV or XLSX file."))],
        description=_l("In Zoom: Reports, Usage, the meeting's Participants, Export. You will "
                       "see the result before anything is saved."))
    upload = SubmitField(_l("Upload and check"))


def attendance_form(registrations, *, bound: bool = True) -> FlaskForm:
    """One attended/absent choice per registered observer, pre-filled from what is stored.

    An unbound form (shown again after a failed Zoom upload) ignores the request's data.
    """

    class AttendanceForm(FlaskForm):
        save = SubmitField(_l("Save attendance"))
        all_attended = SubmitField(_l("Mark everyone attended"))
        all_absent = SubmitField(_l("Mark everyone absent"))

    for registration in registrations:
        setattr(AttendanceForm, f"observer_{registration.observer_id}", RadioField(
            registration.observer.full_name, validators=[Optional()],
            choices=[("1", _l("Attended")), ("0", _l("Absent"))]))
    form = AttendanceForm() if bound else AttendanceForm(formdata=None)
    if not bound or not form.is_submitted():
        for registration in registrations:
            if registration.attended is not None:
                form[f"observer_{registration.observer_id}"].data = \
                    "1" if registration.attended else "0"
    return form


def zoom_confirm_form(match, token: str) -> FlaskForm:
    """The token of the stored report; for each unmatched person a select of observers; and a
    tick per observer marked attended by hand whom the report would mark absent.
    """

    class ConfirmForm(FlaskForm):
        token = HiddenField()
        overwrite = MultiCheckboxField(
            _l("Mark absent anyway"), coerce=int, validators=[Optional()],
            choices=[(o.id, o.full_name) for o in match.hand_marked])
        confirm = SubmitField(_l("Confirm and save attendance"))

    registered = {m.observer.id for m in match.matched if m.registered} | \
        {o.id for o in match.absent}
    choices = [("", _("— ignore this row —"))] + [
        (str(o.id), _("%(name)s (registered)", name=o.full_name) if o.id in registered
         else o.full_name) for o in match.eligible]
    for position, person in match.unmatched:
        setattr(ConfirmForm, f"row_{position}", SelectField(
            _("Observer for “%(name)s”", name=person.name or person.email),
            choices=choices, default="", validators=[Optional()]))
    form = ConfirmForm()
    form.token.data = token
    return form


# The curriculum


def _number(label, default, low, high, description=None):
    return IntegerField(label, default=default, description=description, validators=[
        InputRequired(message=_l("This field is required.")), NumberRange(min=low, max=high)])


class ModuleForm(FlaskForm):
    code = StringField(_l("Code"), validators=[required(), Length(max=64)],
                       description=_l("Lowercase Latin letters, digits and hyphens, e.g. "
                                      "count-and-protocol."))
    title_ru = StringField(_l("Title in Russian"), validators=[required(), Length(max=300)])
    title_kk = StringField(_l("Title in Kazakh"), validators=[Optional(), Length(max=300)])
    title_en = StringField(_l("Title in English"), validators=[Optional(), Length(max=300)])
    description_ru = TextAreaField(_l("Description in Russian"),
                                   validators=[Optional(), Length(max=5000)])
    description_kk = TextAreaField(_l("Description in Kazakh"),
                                   validators=[Optional(), Length(max=5000)])
    description_en = TextAreaField(_l("Description in English"),
                                   validators=[Optional(), Length(max=5000)])
    position = _number(_l("Position in the curriculum"), 0, 0, 1000)
    required_for_certification = BooleanField(_l("Required for certification"), default=True)
    quiz_size = _number(_l("Questions in a quiz"), 5, 1, 100)
    pass_mark_percent = _number(_l("Pass mark, %"), 80, 1, 100)
    max_attempts = _number(_l("Attempts allowed"), 3, 1, 100)
    is_active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))


class LinkMaterialForm(FlaskForm):
    title = StringField(_l("Title"), validators=[required(), Length(max=200)])
    url = StringField(_l("Link"), validators=[required(), Length(max=1000)],
                      description=_l("Slides, a recording or a document online: an address "
                                     "starting with http:// or https://."),
                      render_kw={"inputmode": "url"})
    submit = SubmitField(_l("Add the link"))


class FileMaterialForm(FlaskForm):
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)],
                        description=_l("The file's name when left empty."))
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file."))],
                     description=_l("PDF, PowerPoint, Word, Excel, MP4, PNG or JPG."))
    submit = SubmitField(_l("Upload"))


class OptionForm(Form):
    """One answer option; a slot left empty is ignored."""

    text_ru = StringField(_l("Option in Russian"), validators=[Optional(), Length(max=500)])
    text_kk = StringField(_l("Option in Kazakh"), validators=[Optional(), Length(max=500)])
    text_en = StringField(_l("Option in English"), validators=[Optional(), Length(max=500)])
    correct = BooleanField(_l("Correct answer"))


class QuestionForm(FlaskForm):
    text_ru = TextAreaField(_l("Question in Russian"), validators=[required(), Length(max=2000)])
    text_kk = TextAreaField(_l("Question in Kazakh"), validators=[Optional(), Length(max=2000)])
    text_en = TextAreaField(_l("Question in English"), validators=[Optional(), Length(max=2000)])
    multiple = BooleanField(_l("Several options may be correct"),
                            description=_l("Otherwise exactly one option is correct."))
    options = FieldList(FormField(OptionForm), min_entries=OPTION_SLOTS)
    submit = SubmitField(_l("Save"))


class SpeakerForm(FlaskForm):
    name = StringField(_l("Name"), validators=[required(), Length(max=200)])
    role = StringField(_l("Role"), validators=[Optional(), Length(max=200)],
                       description=_l("E.g. lawyer, political scientist, blogger."))
    bio = TextAreaField(_l("Short bio"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save"))


def texts(form, prefix: str) -> dict:
    """A multilingual text from the form's fields `<prefix>_ru`, `_kk` and `_en`."""
    return {lang: getattr(form, f"{prefix}_{lang}").data or "" for lang in LANGS}


def module_form(module) -> ModuleForm:
    """The module form, filled from the module when editing."""
    from observe.training.curriculum_services import MODULE_FIELDS

    if module is None:
        return ModuleForm()
    data = {name: getattr(module, name) for name in MODULE_FIELDS
            if name not in ("title", "description")}
    for lang in LANGS:
        data[f"title_{lang}"] = (module.title or {}).get(lang, "")
        data[f"description_{lang}"] = (module.description or {}).get(lang, "")
    return ModuleForm(data=data)


def question_form(question) -> QuestionForm:
    """The question form, filled from the question and its options when editing."""
    if question is None:
        return QuestionForm()
    data = {f"text_{lang}": (question.text or {}).get(lang, "") for lang in LANGS}
    data["multiple"] = question.multiple
    data["options"] = [
        {**{f"text_{lang}": (option.text or {}).get(lang, "") for lang in LANGS},
         "correct": option.is_correct}
        for option in question.options]
    return QuestionForm(data=data)
