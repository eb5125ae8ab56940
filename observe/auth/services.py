"""Accounts: creating users, signing in with lockout, passwords, one-time links and API tokens."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.orm import contains_eager, load_only
from werkzeug.security import check_password_hash, generate_password_hash

from observe.audit.services import record, snapshot
from observe.auth.models import ApiToken, OneTimeLink, User, UserSession
from observe.common.db import utcnow
from observe.common.errors import DomainError
from observe.common.phones import InvalidPhone, normalize_phone
from observe.extensions import db
from observe.permissions import Role

# Compared against when the e-mail is unknown, so a wrong address costs as long as a wrong password.
_DUMMY_HASH_CACHE: dict[str, str] = {}


class AccountError(DomainError):
    """A rule about accounts was broken; the message is shown to the user (next to `field`)."""


@dataclass
class SignInResult:
    """What a sign-in attempt gave: the user (None on any failure) and, on success, the token
    of the new browser session (kept in the session cookie)."""

    user: User | None
    locked: bool = False
    session_token: str = ""


def normalize_email(email: str) -> str:
    """E-mail addresses are compared case-insensitively and without surrounding spaces."""
    return (email or "").strip().lower()


def hash_password(password: str) -> str:
    """A scrypt hash of the password, with the configured parameters."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _dummy_hash() -> str:
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASH_CACHE:
        _DUMMY_HASH_CACHE[method] = generate_password_hash(secrets.token_hex(8), method=method)
    return _DUMMY_HASH_CACHE[method]


def find_user_by_email(email: str) -> User | None:
    """The account with this e-mail address, if any."""
    return db.session.execute(
        select(User).where(func.lower(User.email) == normalize_email(email))
    ).scalar_one_or_none()


def check_password_strength(password: str) -> None:
    """Refuse passwords that are too short (the only rule NIST SP 800-63B asks for)."""
    from flask_babel import ngettext

    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password or "") < minimum:
        raise AccountError(ngettext("The password must have at least %(num)d character.",
                                    "The password must have at least %(num)d characters.",
                                    minimum), field="password")


def clean_phone(raw: str) -> str:
    """A phone number in E.164, or "" when none is given; refuses what cannot be dialled."""
    from flask_babel import gettext as _

    if not (raw or "").strip():
        return ""
    try:
        return normalize_phone(raw)
    except InvalidPhone:
        raise AccountError(_("This is not a valid phone number."), field="phone") from None


def create_user(*, email: str, role: str, full_name: str = "", branch=None,
                password: str | None = None, phone: str = "", locale: str = "ru",
                is_active: bool = True, actor=None) -> User:
    """Create an account; coordinators and observers must belong to a branch."""
    from flask_babel import gettext as _

    email = normalize_email(email)
    role = Role(role)
    if not email:
        raise AccountError(_("An e-mail address is required."))
    if find_user_by_email(email) is not None:
        raise AccountError(_("An account with this e-mail address already exists."))
    if role.needs_branch and branch is None:
        raise AccountError(_("Coordinators and observers must belong to a branch."))
    if not role.needs_branch:
        branch = None
    user = User(email=email, role=role.value, full_name=full_name.strip(), branch=branch,
                phone=clean_phone(phone), locale=locale, is_active=is_active)
    if password is not None:
        check_password_strength(password)
        user.password_hash = hash_password(password)
    db.session.add(user)
    db.session.flush()
    record("user.create", user, after=snapshot(user, User.AUDITED_FIELDS), actor=actor,
           summary=user.email)
    return user


def update_user(user: User, *, actor=None, **changes) -> User:
    """Change a user's profile, role, branch or active flag (never one's own role or access)."""
    from flask_babel import gettext as _

    before = snapshot(user, User.AUDITED_FIELDS)
    if "email" in changes:
        email = normalize_email(changes["email"])
        other = find_user_by_email(email)
        if other is not None and other.id != user.id:
            raise AccountError(_("An account with this e-mail address already exists."))
        changes["email"] = email
    if "phone" in changes:
        changes["phone"] = clean_phone(changes["phone"])
    role = Role(changes.get("role", user.role))
    branch = changes.pop("branch", user.branch)
    if role.needs_branch and branch is None:
        raise AccountError(_("Coordinators and observers must belong to a branch."))
    demotes_or_locks_out = role != Role(user.role) or changes.get("is_active", True) is False
    if actor is not None and actor.id == user.id and demotes_or_locks_out:
        raise AccountError(_("You cannot change your own role or deactivate yourself."))
    for name, value in changes.items():
        setattr(user, name, value)
    user.branch = branch if role.needs_branch else None
    if before["is_active"] and not user.is_active:
        _end_sessions(user)
    db.session.flush()
    after = snapshot(user, User.AUDITED_FIELDS)
    if after != before:
        record("user.update", user, before=before, after=after, actor=actor, summary=user.email)
    return user


def set_active(user: User, active: bool, *, actor=None) -> User:
    """Activate or deactivate an account; deactivation ends its sessions."""
    return update_user(user, is_active=active, actor=actor)


def authenticate(email: str, password: str) -> SignInResult:
    """Check credentials, counting failures and locking the account after too many.

    The result never tells a caller whether the e-mail exists: an unknown address and a wrong
    password both give SignInResult(None).
    """
    user = find_user_by_email(email)
    now = utcnow()
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(), password or "")
        record("auth.login_failed", object_type="user_account",
               summary=normalize_email(email)[:200])
        return SignInResult(None)
    if user.locked_until is not None and user.locked_until > now:
        check_password_hash(_dummy_hash(), password or "")  # same time as a real check
        record("auth.login_refused_locked", user, summary=user.email)
        return SignInResult(None, locked=True)
    if not check_password_hash(user.password_hash, password or ""):
        user.failed_logins += 1
        record("auth.login_failed", user, summary=user.email,
               after={"failed_logins": user.failed_logins})
        config = current_app.config
        if user.failed_logins >= config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"])
            user.failed_logins = 0
            record("auth.account_locked", user, summary=user.email,
                   after={"locked_until": user.locked_until.isoformat()})
            return SignInResult(None, locked=True)
        return SignInResult(None)
    if not user.is_active:
        record("auth.login_refused_inactive", user, summary=user.email)
        return SignInResult(None)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    record("auth.login", user, actor=user, summary=user.email)
    return SignInResult(user)


def sign_in(email: str, password: str, *, locale: str | None = None) -> SignInResult:
    """Authenticate and, on success, open a browser session and keep the language just chosen.

    A failure is a result, not an error: its failure count, lockout and audit entry must be
    committed although the caller shows an error (a DomainError would roll them back).
    """
    result = authenticate(email, password)
    if result.user is not None:
        if locale:
            set_locale(result.user, locale)
        result.session_token = start_session(result.user)
    return result


def start_session(user: User) -> str:
    """Record a new signed-in browser for the user and return its token for the cookie."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(user_id=user.id, token_hash=_digest(token)))
    db.session.flush()
    return token


def session_is_live(user: User, token: str | None) -> bool:
    """Whether the browser session with this token was opened by the user and not ended."""
    if not token:
        return False
    return db.session.execute(
        select(UserSession.id).where(UserSession.token_hash == _digest(token),
                                     UserSession.user_id == user.id)
    ).first() is not None


def sign_out(user: User | None, token: str | None, *, locale: str | None = None) -> None:
    """End one browser session: its cookie no longer signs anyone in, even if it was copied.

    A language the user picked during the session is saved on their account now, as it would
    be at their next sign-in: the next person on this browser may be someone else.
    """
    if token:
        db.session.execute(delete(UserSession).where(UserSession.token_hash == _digest(token)))
    if user is not None:
        if locale:
            set_locale(user, locale)
        record("auth.logout", user, actor=user, summary=user.email)


def _end_sessions(user: User) -> None:
    """End every session of the user: the version check and the session rows agree."""
    user.session_version += 1
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))


def change_password(user: User, current_password: str, new_password: str) -> str:
    """Change one's own password after checking the current one; every session ends.

    Returns the token of a fresh session for the browser that made the change, so it goes on.
    """
    from flask_babel import gettext as _

    if not check_password_hash(user.password_hash or _dummy_hash(), current_password or ""):
        raise AccountError(_("The current password is not correct."), field="current_password")
    _set_password(user, new_password)
    record("auth.password_changed", user, actor=user, summary=user.email)
    return start_session(user)


def _set_password(user: User, new_password: str) -> None:
    check_password_strength(new_password)
    user.password_hash = hash_password(new_password)
    _end_sessions(user)
    user.failed_logins = 0
    user.locked_until = None
    db.session.flush()


def set_locale(user: User, locale: str) -> None:
    """Remember the user's interface language."""
    if locale in current_app.config["LANGUAGES"] and user.locale != locale:
        user.locale = locale
        db.session.flush()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_digest(token: str) -> str:
    """The form an API token is stored in (its SHA-256), to find its row by."""
    return _digest(token)


def issue_one_time_link(user: User, *, purpose: str = "reset", actor=None,
                        hours: int | None = None) -> str:
    """Create a single-use password link for the user and return its secret token.

    Earlier unused links stop working whatever their purpose (a reset cancels an invitation and
    the other way round), so an account has at most one valid link: the newest one sent.
    """
    from flask_babel import gettext as _

    if not user.is_active:
        raise AccountError(_("Activate the account before sending a link."))
    now = utcnow()
    for link in db.session.execute(
        select(OneTimeLink).where(OneTimeLink.user_id == user.id, OneTimeLink.used_at.is_(None))
    ).scalars():
        link.used_at = now
    token = secrets.token_urlsafe(32)
    hours = hours or current_app.config["RESET_LINK_HOURS"]
    link = OneTimeLink(user=user, purpose=purpose, token_hash=_digest(token),
                       expires_at=now + timedelta(hours=hours),
                       created_by_id=getattr(actor, "id", None))
    db.session.add(link)
    db.session.flush()
    record(f"auth.{purpose}_link_issued", user, actor=actor, summary=user.email,
           after={"expires_at": link.expires_at.isoformat()})
    return token


def find_valid_link(token: str) -> OneTimeLink | None:
    """The unused, unexpired link for this token, if any."""
    link = db.session.execute(
        select(OneTimeLink).where(OneTimeLink.token_hash == _digest(token or ""))
    ).scalar_one_or_none()
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    if not link.user.is_active:
        return None
    return link


def use_one_time_link(link: OneTimeLink, new_password: str) -> User:
    """Set the password through a link, which then stops working."""
    _set_password(link.user, new_password)
    link.used_at = utcnow()
    record("auth.password_set_by_link", link.user, actor=link.user, summary=link.user.email)
    return link.user


def create_api_token(user: User, name: str = "", actor=None) -> str:
    """Create an API token for the user and return it; only its hash is stored."""
    from flask_babel import gettext as _

    name = (name or "").strip()
    if len(name) > 100:
        raise AccountError(_("Use at most 100 characters."), field="name")
    token = "obs_" + secrets.token_urlsafe(32)
    api_token = ApiToken(user=user, name=name, token_hash=_digest(token))
    db.session.add(api_token)
    db.session.flush()
    record("auth.api_token_created", user, actor=actor, summary=user.email,
           after={"token_id": api_token.id, "name": name})
    return token


def create_named_api_token(user: User, name: str) -> str:
    """Create a token from the account page: a name is required to recognise it later."""
    from flask_babel import gettext as _

    if not (name or "").strip():
        raise AccountError(_("Give the token a name, e.g. the phone or tool that will use it."),
                           field="name")
    return create_api_token(user, name=name, actor=user)


def revoke_api_token(user: User, token_id: int, *, actor) -> ApiToken | None:
    """Revoke one of the user's own tokens; None when they have no such token."""
    api_token = db.session.get(ApiToken, token_id)
    if api_token is None or api_token.user_id != user.id:
        return None
    if api_token.revoked_at is None:
        api_token.revoked_at = utcnow()
        db.session.flush()
        record("auth.api_token_revoked", user, actor=actor, summary=user.email,
               after={"token_id": api_token.id, "name": api_token.name})
    return api_token


# A token's last use is recorded to the minute: writing it on every call would cost each API
# request an UPDATE and serialise a phone's concurrent requests on the token's row.
TOKEN_USE_PRECISION = timedelta(minutes=1)


def user_for_api_token(token: str) -> User | None:
    """The active user owning an unrevoked API token, recording its use (to the minute)."""
    found = api_caller(token)
    return found[0] if found else None


@cache
def _api_caller_statement():
    """Token, user and observer record by the token's hash (built once)."""
    from observe.observers.models import Observer

    return (select(ApiToken, Observer).join(ApiToken.user).options(
        contains_eager(ApiToken.user),
        load_only(Observer.id, Observer.user_id, Observer.full_name))
        .outerjoin(Observer, Observer.user_id == User.id)
        .where(ApiToken.token_hash == bindparam("token_hash")).limit(1))


def api_caller(token: str) -> tuple | None:
    """(user, their observer record or None) for an unrevoked token of an active user, in one
    query; None otherwise. Records the token's use, to the minute."""
    row = db.session.execute(_api_caller_statement(),
                             {"token_hash": _digest(token or "")}).first()
    if row is None:
        return None
    api_token, observer = row
    if api_token.revoked_at is not None or not api_token.user.is_active:
        return None
    now = utcnow()
    if api_token.last_used_at is None or now - api_token.last_used_at >= TOKEN_USE_PRECISION:
        api_token.last_used_at = now
    return api_token.user, observer
