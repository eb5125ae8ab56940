"""Who calls the API: the owner of the bearer token, never a session cookie."""

from flask import current_app, g, request

from observe.api.errors import ApiError
from observe.permissions import can


def bearer_token() -> str:
    """The token of `Authorization: Bearer <token>`, or ""."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def authenticate() -> None:
    """before_request: load the token's user as the request's user, or answer 401.

    The user is installed as Flask-Login's user of this request only: a session cookie sent
    along is ignored (a cookie alone gets 401), and no cookie is written.
    """
    from observe.auth.services import user_for_api_token

    g.api_user = None
    token = bearer_token()
    user = user_for_api_token(token) if token else None
    # Flask-Login's per-request user: current_user is the token's owner (or anonymous).
    g._login_user = user or current_app.login_manager.anonymous_user()
    if user is None:
        raise ApiError(401)
    g.api_user = user


def caller():
    """The token's user for this request."""
    return g.api_user


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
