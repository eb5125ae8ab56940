"""Choosing the interface language and time zone for a request.

Order: `?lang=` in the URL, then the language kept in the session, then the signed-in user's saved
language, then Russian. A `?lang=` choice is remembered in the session only: a GET never writes to
the database. It is saved on the account by the next POST that signs the user in or out, or by
the language form on the account page; never on the account of the next person to sign in on
the same browser.
"""

from flask import current_app, has_request_context, request, session
from flask_login import current_user

LANGUAGE_NAMES = {"ru": "Русский", "kk": "Қазақша", "en": "English"}
DISPLAY_TIMEZONE = "Asia/Almaty"


def _supported(code: str | None) -> str | None:
    return code if code in current_app.config["LANGUAGES"] else None


def select_locale() -> str:
    """Flask-Babel's locale selector (the default language outside a request, e.g. in the CLI)."""
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = _supported(request.args.get("lang"))
    if chosen:
        return chosen
    if _supported(session.get("lang")):
        return session["lang"]
    if current_user and current_user.is_authenticated and _supported(current_user.locale):
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    """Times are shown in Kazakhstan's time until elections carry their own zone."""
    return DISPLAY_TIMEZONE


# Set when the person in front of the browser picked the language with ?lang=, so that only
# their choice (not the last user's language left in the session) is saved at sign-in.
PICKED_KEY = "lang_picked"


def remember_requested_language() -> None:
    """before_request hook: keep a ?lang= choice in the session (never in the database)."""
    chosen = _supported(request.args.get("lang"))
    if chosen:
        session["lang"] = chosen
        session[PICKED_KEY] = True


def picked_language() -> str | None:
    """The language picked with ?lang= since the last sign-in or sign-out, if any."""
    return _supported(session.get("lang")) if session.get(PICKED_KEY) else None


def localized(texts: dict | None) -> str:
    """A text kept in several languages ({"ru": ..., "kk": ..., "en": ...}) in the current one.

    Falls back to Russian, then to any language present, so a missing translation of content
    (not of the interface) still shows something.
    """
    from flask_babel import get_locale

    if not texts:
        return ""
    return (texts.get(str(get_locale() or "ru")) or texts.get("ru")
            or next((text for text in texts.values() if text), ""))
