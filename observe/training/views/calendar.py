"""Calendar files: a session's .ics, the observer's personal feed, and a new feed address."""

from flask import Response, abort, render_template, url_for
from flask_login import current_user, login_required

from observe.extensions import csrf, db, limiter
from observe.permissions import can, requires, signed_in_observer
from observe.training import bp, services
from observe.training.ical import (
    new_feed_token,
    observer_feed,
    observer_for_feed_token,
    session_calendar,
)
from observe.training.models import TrainingSession
from observe.training.queries import registration_of
from observe.training.views.sessions import load_session

FEED_RATE_LIMIT = "60 per minute"


def _ics(body: bytes, filename: str, *, attachment: bool) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    disposition = "attachment" if attachment else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    # Zoom credentials inside: no shared caches, and calendar apps always ask again.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("/sessions/<int:session_id>.ics")
@login_required
def session_ics(session_id: int):
    if can(current_user, "training.sessions"):
        session = load_session(session_id, current_user)
        include_zoom = True
    elif can(current_user, "training.attend"):
        # The observer first, so an account without a record cannot probe which ids exist.
        observer = signed_in_observer(current_user)
        session = db.get_or_404(TrainingSession, session_id)
        if not services.session_open_to(session, observer):
            abort(404)
        registration = registration_of(session, observer)
        include_zoom = registration is not None and registration.is_active
    else:
        abort(404)
    return _ics(session_calendar(session, include_zoom=include_zoom),
                f"training-session-{session.id}.ics", attachment=True)


@bp.get("/calendar/<token>.ics")
@csrf.exempt
@limiter.limit(FEED_RATE_LIMIT)
def feed(token: str):
    # No sign-in: calendar apps cannot log in, so the secret token is the credential.
    observer = observer_for_feed_token(token)
    if observer is None:
        abort(404)
    return _ics(observer_feed(observer, page_url=url_for("training.index", _external=True)),
                "observe-training.ics", attachment=False)


@bp.post("/calendar/regenerate")
@requires("training.attend")
def regenerate_feed():
    """Make the observer's calendar address (or a new one) and show it, this once."""
    observer = signed_in_observer(current_user)
    token = new_feed_token(observer, actor=current_user._get_current_object())
    return render_template("training/calendar_feed.html",
                           feed_url=url_for("training.feed", token=token, _external=True))
