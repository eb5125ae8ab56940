"""iCalendar files: one session's .ics, and each observer's personal feed of their sessions.

Times go out in UTC (…Z); calendar apps show them in the reader's zone, so a session at
18:00 in Almaty appears at 18:00 for an observer in Kazakhstan. Values come from people's input:
control characters are dropped and a Zoom link that is not a plain https URL is left out, so one
bad session can never break a calendar (nor inject lines into it).

A feed's secret token is kept only as its SHA-256: it is shown once, when made.
"""

import hashlib
import re
import secrets
from datetime import UTC

from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import or_, select

from observe.audit.services import record
from observe.common.db import utcnow
from observe.extensions import db
from observe.i18n import localized
from observe.observers.models import Observer
from observe.permissions import Role
from observe.training.models import CalendarFeed, Registration, TrainingSession
from observe.training.services import safe_zoom_url

PRODID = "-//Observe//Training sessions//EN"
# Control characters other than the line break and the tab.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _clean(text: str | None) -> str:
    """Text without control characters (a CR is dropped; the library escapes line breaks)."""
    return _CONTROL.sub("", str(text or ""))


def _line(text: str | None) -> str:
    """One line of text: line breaks and tabs too become spaces."""
    return " ".join(_clean(text).split())


def session_uid(session: TrainingSession) -> str:
    """The UID of a session's event: the same in the .ics file and in every feed."""
    return f"training-session-{session.id}@observe"


def _sequence(session: TrainingSession) -> int:
    # Every change and the cancellation bump updated_at; seconds since creation only grow, so
    # calendar apps take the newer copy of the event (0 for a session never changed).
    return max(0, int((session.updated_at - session.created_at).total_seconds()))


def _location(session: TrainingSession) -> str:
    if session.online:
        return "Zoom"
    return ", ".join(_line(part) for part in (session.venue, session.address) if _line(part))


def _description(session: TrainingSession, include_zoom: bool, page_url: str) -> str:
    lines = []
    if session.is_cancelled:
        lines.append(_("Cancelled") + (f": {_clean(session.cancel_reason)}"
                                       if session.cancel_reason else ""))
    if session.description:
        lines.append(_clean(session.description))
    if session.modules:
        titles = "; ".join(_line(localized(m.title) or m.code) for m in session.modules)
        lines.append(_("Modules covered") + f": {titles}")
    if session.speakers:
        names = ", ".join(_line(f"{s.name} ({s.role})" if s.role else s.name)
                          for s in session.speakers)
        lines.append(_("Speakers") + f": {names}")
    if session.online and include_zoom:
        if zoom_url := safe_zoom_url(session.zoom_url):
            lines.append(_("Zoom link") + f": {zoom_url}")
        if _line(session.zoom_meeting_id):
            lines.append(_("Meeting ID") + f": {_line(session.zoom_meeting_id)}")
        if _line(session.zoom_passcode):
            lines.append(_("Passcode") + f": {_line(session.zoom_passcode)}")
    if page_url:
        lines.append(_("My training") + f": {page_url}")
    return "\n".join(lines)


def _event(session: TrainingSession, include_zoom: bool, page_url: str = "") -> Event:
    event = Event()
    event.add("uid", session_uid(session))
    # No METHOD in these calendars, so DTSTAMP is the time the event was last revised.
    event.add("dtstamp", session.updated_at.astimezone(UTC))
    event.add("created", session.created_at.astimezone(UTC))
    event.add("last-modified", session.updated_at.astimezone(UTC))
    event.add("sequence", _sequence(session))
    event.add("dtstart", session.starts_at.astimezone(UTC))
    event.add("dtend", session.ends_at.astimezone(UTC))
    event.add("summary", _line(session.title))
    description = _description(session, include_zoom, page_url)
    if description:
        event.add("description", description)
    location = _location(session)
    if location:
        event.add("location", location)
    if session.online and include_zoom and (zoom_url := safe_zoom_url(session.zoom_url)):
        event.add("url", zoom_url)
    event.add("status", "CANCELLED" if session.is_cancelled else "CONFIRMED")
    return event


def _calendar(name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", "Asia/Almaty")
    return calendar


def session_calendar(session: TrainingSession, include_zoom: bool) -> bytes:
    """One session as an .ics file; the Zoom link, meeting id and passcode only if asked."""
    calendar = _calendar()
    calendar.add_component(_event(session, include_zoom))
    return calendar.to_ical()


def feed_registrations(observer: Observer) -> list[Registration]:
    """The observer's active registrations for sessions open to them, cancelled sessions too."""
    return list(db.session.execute(
        select(Registration).join(TrainingSession, TrainingSession.id == Registration.session_id)
        .where(Registration.observer_id == observer.id, Registration.cancelled_at.is_(None),
               or_(TrainingSession.branch_id.is_(None),
                   TrainingSession.branch_id == observer.branch_id))
        .order_by(TrainingSession.starts_at)).scalars())


def observer_feed(observer: Observer, page_url: str = "") -> bytes:
    """The observer's personal feed: their sessions, in the language of their account.

    A session cancelled after they registered stays in with STATUS:CANCELLED, so calendar apps
    remove or strike it; a registration the observer cancelled drops out of the feed.
    `page_url` (the observer's training page, built by the caller) goes into each event.
    """
    locale = observer.user.locale if observer.user is not None else None
    with force_locale(locale or "ru"):
        calendar = _calendar(_("Observer training"))
        for registration in feed_registrations(observer):
            session = registration.session
            calendar.add_component(_event(session, include_zoom=not session.is_cancelled,
                                          page_url=page_url))
        return calendar.to_ical()


def token_digest(token: str) -> str:
    """What is stored of a feed token: its SHA-256, like the other tokens of the app."""
    return hashlib.sha256(token.encode()).hexdigest()


def feed_of(observer: Observer) -> CalendarFeed | None:
    """The observer's feed record (without its token), or None if they have none yet."""
    return db.session.execute(select(CalendarFeed).where(
        CalendarFeed.observer_id == observer.id)).scalar_one_or_none()


def new_feed_token(observer: Observer, *, actor=None) -> str:
    """Make the observer's feed token, or replace it (the old address stops working at once).

    The token is returned to be shown once; only its digest is kept.
    """
    feed = feed_of(observer)
    replaced = feed is not None
    if feed is None:
        feed = CalendarFeed(observer_id=observer.id)
        db.session.add(feed)
    token = secrets.token_urlsafe(32)
    feed.token_hash = token_digest(token)
    feed.created_at = utcnow()
    db.session.flush()
    # The token itself never goes into the audit log: it is a credential.
    record("training.feed_regenerate", feed, actor=actor, summary=observer.full_name,
           after={"observer_id": observer.id, "replaced": replaced})
    return token


def observer_for_feed_token(token: str) -> Observer | None:
    """The observer whose feed the token opens; None if unknown or their account is inactive."""
    if not token or len(token) > 64:
        return None
    observer = db.session.execute(
        select(Observer).join(CalendarFeed, CalendarFeed.observer_id == Observer.id)
        .where(CalendarFeed.token_hash == token_digest(token))).scalar_one_or_none()
    if observer is None:
        return None
    # A deactivated or re-roled account loses its feed (and the Zoom links in it) too.
    user = observer.user
    if user is None or not user.is_active or Role(user.role) != Role.OBSERVER:
        return None
    return observer
