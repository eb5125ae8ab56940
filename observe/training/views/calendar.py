"""Calendar files: a session's .ics, the observer's personal feed, and a new feed address."""

from flask import Response, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from observe.extensions import csrf, db, limiter
from observe.observers.queries import observer_of
from observe.permissions import can, requires
from observe.training import bp, services
from observe.training.ical import (
    existing_feed_token,
    feed_token_for,
    observer_feed,
    observer_for_feed_token,
    regenerate_feed_token,
    session_calendar,
)
from observe.training.models import Registration, TrainingSession
from observe.training.views.my import current_observer
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
        session = load_session(session_id)
        include_zoom = True
    elif can(current_user, "training.attend"):
        # The observer first, so an account without a record cannot probe which ids exist.
        observer = current_observer()
        session = db.get_or_404(TrainingSession, session_id)
        if not services.session_open_to(session, observer):
            abort(404)
        registration = db.session.execute(select(Registration).where(
            Registration.session_id == session.id, Registration.observer_id == observer.id)
        ).scalar_one_or_none()
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
    return _ics(observer_feed(observer), "observe-training.ics", attachment=False)


@bp.post("/calendar/regenerate")
@requires("training.attend")
def regenerate_feed():
    observer = current_observer()
    regenerate_feed_token(observer, actor=current_user._get_current_object())
    db.session.commit()
    flash(_("Your calendar address has been replaced. Subscribe to the new one; the old one no "
            "longer works."), "success")
    return redirect(url_for("training.index"))


def _calendar_feed_url() -> str | None:
    """The signed-in observer's feed URL, its token created on first use; None for others."""
    if not can(current_user, "training.attend"):
        return None
    observer = observer_of(current_user)
    if observer is None:
        return None
    token = existing_feed_token(observer)
    if token is None:
        token = feed_token_for(observer)
        try:
            # Pages are GETs that commit nothing else; the new token must outlive the request.
            db.session.commit()
        except IntegrityError:
            # Another tab created it at the same moment: use that one.
            db.session.rollback()
            token = existing_feed_token(observer)
            if token is None:
                return None
    return url_for("training.feed", token=token, _external=True)


@bp.context_processor
def calendar_helpers() -> dict:
    """`calendar_feed_url()` for training templates (the observer's page)."""
    return {"calendar_feed_url": _calendar_feed_url}
