"""Who calls the API: the owner of the bearer token, never a session cookie."""

from flask import current_app, g, request
from sqlalchemy.exc import DBAPIError

from observe.api.errors import ApiError
from observe.extensions import db
from observe.permissions import can


def bearer_token() -> str:
    """The token of `Authorization: Bearer <token>`, or ""."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def authenticate() -> None:
    """before_request: load the token's user as the request's user, or answer 401.

    The user is installed as Flask-Login's user of this request only: a session cookie sent
    along is ignored (a cookie alone gets 401), and no cookie is written. The user's observer
    record comes in the same query (for the submissions' 403).
    """
    from observe.auth.services import api_caller

    g.api_user = g.api_observer = None
    token = bearer_token()
    found = first_statement(api_caller, token) if token else None
    user = found[0] if found else None
    # Flask-Login's per-request user: current_user is the token's owner (or anonymous).
    g._login_user = user or current_app.login_manager.anonymous_user()
    if user is None:
        raise ApiError(401)
    g.api_user, g.api_observer = found


def first_statement(query, *args):
    """The request's first statement, run again once on a fresh connection when the pooled one
    was found dead (the database restarted): nothing was written yet, so the retry is safe.
    The pool does not ping before each checkout (see SQLALCHEMY_ENGINE_OPTIONS)."""
    try:
        return query(*args)
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        db.session.rollback()
        return query(*args)


def caller():
    """The token's user for this request."""
    return g.api_user


def caller_observer():
    """The token's observer record; 403 when the caller has none (staff, or an observer
    account without its record)."""
    if g.api_observer is None:
        raise ApiError(403)
    return g.api_observer


def require(capability: str) -> None:
    """403 unless the caller's role holds the capability."""
    if not can(caller(), capability):
        raise ApiError(403)


def rate_limit() -> str:
    """Requests one token may make (Flask-Limiter syntax), from API_RATE_LIMIT."""
    return current_app.config.get("API_RATE_LIMIT", "600 per minute")


def rate_limit_key() -> str:
    """Limits count per token (its hash, so the token itself is not kept in the limiter)."""
    import hashlib

    token = bearer_token()
    if token:
        return "api-token:" + hashlib.sha256(token.encode()).hexdigest()
    return "api-anon:" + (request.remote_addr or "")
