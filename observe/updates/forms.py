"""Update forms: a post (text, photos, a video file or link, what it is about), HQ's review
steps (send back with a comment, publish now or at a time), and evidence for a post."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, DateTimeLocalField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from observe.common.forms import required


def _optional_int(value):
    try:
        return int(value) if value not in (None, "", "None") else None
    except (TypeError, ValueError):
        return None


class PostForm(FlaskForm):
    """A post from a region: what HQ reads, approves and publishes."""

    region = SelectField(_l("Region"), validate_choice=True)
    title = StringField(_l("Title"), validators=[required(), Length(max=200)])
    body = TextAreaField(_l("Text"), validators=[Optional(), Length(max=20000)],
                         render_kw={"rows": 8})
    photos = MultipleFileField(_l("Photos (JPEG, PNG or WebP)"),
                               render_kw={"accept": "image/jpeg,image/png,image/webp"})
    video = FileField(_l("Video file (MP4 or MOV)"),
                      render_kw={"accept": "video/mp4,video/quicktime"})
    video_url = StringField(_l("Link to a video or stream (YouTube, Facebook, Instagram, "
                               "Telegram)"),
                            validators=[Optional(), Length(max=500)],
                            render_kw={"inputmode": "url", "placeholder": "https://"})
    election_id = SelectField(_l("Election"), coerce=_optional_int, validate_choice=False)
    station_id = SelectField(_l("Polling station (optional)"), coerce=_optional_int,
                             validate_choice=False)
    incident_id = SelectField(_l("Incident (optional)"), coerce=_optional_int,
                              validate_choice=False)


class ReturnForm(FlaskForm):
    """HQ sends a post back: what to change."""

    comment = TextAreaField(_l("What should the region change?"),
                            validators=[required(), Length(max=2000)], render_kw={"rows": 3})


class PublishForm(FlaskForm):
    """HQ publishes now, or at a later local time."""

    publish_at = DateTimeLocalField(_l("Publish at (local time; empty: now)"),
                                    format="%Y-%m-%dT%H:%M", validators=[Optional()])


class EvidenceForm(FlaskForm):
    """An incident photo for the post; HQ confirms it shows no one who could be recognised."""

    evidence_id = StringField(validators=[required()])
    confirm = BooleanField(_l("I checked this photo: no face or number plate can be recognised "
                              "(or they are blurred)."))


class ActionForm(FlaskForm):
    """A step without fields (approve, withdraw, pin): only the CSRF token."""
