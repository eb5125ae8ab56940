"""Read-side of the audit log: the filtered entries and the choices of its filters."""

from sqlalchemy import func, select

from observe.audit.labels import action_label
from observe.audit.models import AuditEntry
from observe.auth.models import User
from observe.extensions import db


def entries_statement(*, actor_id: int | None = None, object_type: str = "",
                      object_id: str = "", action: str = ""):
    """A select() of entries, newest first; `action` matches a code or a prefix ("auth.")."""
    stmt = select(AuditEntry).order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
    if actor_id:
        stmt = stmt.where(AuditEntry.actor_id == actor_id)
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    if object_id:
        stmt = stmt.where(AuditEntry.object_id == object_id)
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action, autoescape=True))
    return stmt


def actors_in_log():
    """(id, email) of every user who has an entry, by e-mail."""
    return db.session.execute(
        select(User.id, User.email).where(User.id.in_(select(AuditEntry.actor_id).distinct()))
        .order_by(User.email)
    ).all()


def object_types_in_log() -> list[str]:
    return list(db.session.execute(
        select(AuditEntry.object_type).distinct().where(AuditEntry.object_type != "")
        .order_by(AuditEntry.object_type)
    ).scalars())


def action_options(chosen: str = "") -> list[tuple[str, str]]:
    """(code, label) of the actions in the log, by label; a chosen prefix not among them first."""
    codes = list(db.session.execute(
        select(AuditEntry.action).distinct().order_by(AuditEntry.action)).scalars())
    options = sorted(((code, action_label(code)) for code in codes),
                     key=lambda option: option[1].lower())
    if chosen and chosen not in codes:
        options.insert(0, (chosen, chosen))  # a prefix typed into the address, kept
    return options


FAILED_SIGN_INS = ("auth.login_failed", "auth.login_refused_locked", "auth.account_locked",
                   "auth.throttled")


def recent_counts(since) -> dict[str, int]:
    """Entries written since a time, and how many of them are failed or refused sign-ins."""
    recent = select(func.count()).select_from(AuditEntry).where(AuditEntry.occurred_at >= since)
    return {"entries": db.session.scalar(recent) or 0,
            "failed_sign_ins": db.session.scalar(
                recent.where(AuditEntry.action.in_(FAILED_SIGN_INS))) or 0}
