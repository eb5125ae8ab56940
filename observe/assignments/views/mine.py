"""The observer's own assignments: where, when, in what role, whom to call; confirm or decline."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.routing import BuildError
from wtforms import SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from observe.assignments import bp
from observe.assignments.models import Assignment
from observe.assignments.queries import assignments_of, coordinators_of
from observe.assignments.rules import ACTIVE
from observe.assignments.services import AssignmentError, confirm_assignment, decline_assignment
from observe.assignments.views.board import vocabulary
from observe.common.db import utcnow
from observe.common.timezones import LOCAL_ZONE
from observe.extensions import db
from observe.observers.queries import observer_of
from observe.permissions import requires

# Shifts that start with the opening of the polls: be there early to watch it.
OPENING_SHIFTS = ("full_day", "morning")
ARRIVE_BEFORE = timedelta(minutes=30)

WHAT_TO_BRING = (
    _l("Your ID card"),
    _l("The mandate letter (направление) from your branch"),
    _l("A charged phone, and a power bank if you have one"),
    _l("A pen and a notebook"),
    _l("Water and food for a long day"),
)


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("I confirm, I will be there"))


class DeclineForm(FlaskForm):
    reason = TextAreaField(_l("Why can you not go? (optional)"),
                           validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Decline the assignment"))


def current_observer():
    """The signed-in observer's record; 403 for an observer account without one."""
    observer = observer_of(current_user)
    if observer is None:
        abort(403)
    return observer


def own_assignment(assignment_id: int, observer) -> Assignment:
    """One of the observer's own assignments; 404 for anyone else's."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.observer_id != observer.id:
        abort(404)
    return assignment


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "Asia/Almaty")
    except (ZoneInfoNotFoundError, ValueError):
        return LOCAL_ZONE


def map_links(station) -> dict | None:
    """A geo: link (opens the phone's map app) and an OpenStreetMap one, when coordinates exist."""
    if station.latitude is None or station.longitude is None:
        return None
    lat, lon = f"{station.latitude:.6f}", f"{station.longitude:.6f}"
    return {"geo": f"geo:{lat},{lon}?q={lat},{lon}",
            "osm": f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"}


def mandate_url(assignment: Assignment) -> str:
    """The observer's mandate letter, when the mandates pages are installed."""
    try:
        return url_for("assignments.my_mandate_pdf", assignment_id=assignment.id)
    except BuildError:
        return ""


def details(assignment: Assignment) -> dict:
    """What the observer's page shows about one assignment."""
    election = assignment.election
    zone = _zone(election.timezone)
    arrive = None
    if assignment.shift in OPENING_SHIFTS:
        arrive = (datetime.combine(election.polling_day, election.polls_open)
                  - ARRIVE_BEFORE).time()
    today = utcnow().astimezone(zone).date()
    return {"assignment": assignment, "election": election, "station": assignment.station,
            "map": map_links(assignment.station),
            "opens": election.polls_open.strftime("%H:%M"),
            "closes": election.polls_close.strftime("%H:%M"),
            "timezone": str(zone), "arrive": arrive.strftime("%H:%M") if arrive else "",
            "upcoming": assignment.status in ACTIVE and election.polling_day >= today,
            "mandate": mandate_url(assignment)}


@bp.get("/mine")
@requires("assignments.own")
def mine():
    observer = current_observer()
    items = [details(a) for a in assignments_of(observer)]
    current = sorted((i for i in items if i["upcoming"]),
                     key=lambda i: i["election"].polling_day or date.max)
    return render_template(
        "assignments/mine.html", observer=observer, current=current,
        past=[i for i in items if not i["upcoming"]], branch=observer.branch,
        coordinators=coordinators_of(observer.branch_id), what_to_bring=WHAT_TO_BRING,
        confirm_form=ConfirmForm(), decline_form=DeclineForm(), **vocabulary())


@bp.post("/mine/<int:assignment_id>/confirm")
@requires("assignments.own")
def confirm(assignment_id: int):
    assignment = own_assignment(assignment_id, current_observer())
    if not ConfirmForm().validate_on_submit():
        flash(_("The assignment was not confirmed. Try again."), "danger")
    else:
        try:
            confirm_assignment(assignment, actor=current_user._get_current_object())
        except AssignmentError as error:
            db.session.rollback()
            flash(" ".join(error.messages), "danger")
        else:
            db.session.commit()
            flash(_("Thank you! Your assignment to station %(number)s is confirmed.",
                    number=assignment.station.number), "success")
    return redirect(url_for("assignments.mine"))


@bp.post("/mine/<int:assignment_id>/decline")
@requires("assignments.own")
def decline(assignment_id: int):
    assignment = own_assignment(assignment_id, current_observer())
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            decline_assignment(assignment, actor=current_user._get_current_object(),
                               reason=form.reason.data or "")
        except AssignmentError as error:
            db.session.rollback()
            flash(" ".join(error.messages), "danger")
        else:
            db.session.commit()
            flash(_("You have declined the assignment."), "info")
    else:
        flash(_("The assignment was not declined. Try again."), "danger")
    return redirect(url_for("assignments.mine"))
