"""Flask-Login wiring: loading the user from the session or from an API bearer token."""

from flask import Flask, request, session
from flask_babel import lazy_gettext as _l

from observe.extensions import db

# The session cookie's key for the token of its server-side session row (see UserSession).
SESSION_TOKEN_KEY = "auth_session"


def init_login(app: Flask, login_manager) -> None:
    """Bind Flask-Login, with the user loaders below."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user_from_session)
    login_manager.request_loader(load_user_from_bearer_token)


def load_user_from_session(session_id: str):
    """Session ids are "<user id>:<session version>", so a password change ends old sessions;
    the cookie's session token must also still be open, so signing out ends this one."""
    from observe.auth.models import User
    from observe.auth.services import session_is_live

    user_id, _, version = session_id.partition(":")
    if not user_id.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.is_active or user.session_version != int(version):
        return None
    if not session_is_live(user, session.get(SESSION_TOKEN_KEY)):
        return None
    return user


def load_user_from_bearer_token(req=None):
    """API clients authenticate with `Authorization: Bearer <token>` on /api/ routes only."""
    from observe.auth.services import user_for_api_token

    req = req or request
    if not req.path.startswith("/api/"):
        return None
    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return user_for_api_token(token.strip())
