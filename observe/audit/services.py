"""The one writer of audit entries.

Who acted and from which address come from the caller (`actor=`) or, on a web request, from the
context provider the web layer installs (`observe.audit.web`); a CLI command has neither.
"""

from collections.abc import Callable
from datetime import date, datetime
from enum import Enum

from observe.audit.models import AuditEntry
from observe.extensions import db

# Returns (signed-in user or None, client address) for the request being served, if any; with
# False it leaves the user out (None), for a caller that names the actor itself.
_context_provider: Callable[..., tuple] = lambda with_user=True: (None, "")  # noqa: E731


def set_context_provider(provider: Callable[..., tuple]) -> None:
    """Install the function that tells `record` the acting user and address of the request."""
    global _context_provider
    _context_provider = provider

# Never copied into before/after, whatever the caller passes.
SECRET_FIELDS = frozenset({"password", "password_hash", "token", "token_hash"})


def _plain(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def snapshot(obj, fields) -> dict:
    """The named attributes of an object as JSON-ready values, for before/after."""
    return {name: _plain(getattr(obj, name)) for name in fields if name not in SECRET_FIELDS}


def entry_values(action: str, obj=None, *, summary: str = "", before: dict | None = None,
                 after: dict | None = None, actor=None, object_type: str | None = None,
                 object_id=None) -> dict:
    """The columns of an audit entry (all but its time), for `record` or for a caller that writes
    the entry in the same statement as the object (observe/reports/storing.py)."""
    context_actor, address = _context_provider(actor is None)
    actor = actor if actor is not None else context_actor
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else obj.id
    return dict(
        action=action,
        actor_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "email", "") or "",
        object_type=object_type or "",
        object_id="" if object_id is None else str(object_id),
        summary=summary,
        before={k: v for k, v in (before or {}).items() if k not in SECRET_FIELDS} or None,
        after={k: v for k, v in (after or {}).items() if k not in SECRET_FIELDS} or None,
        ip_address=address or "",
    )


def record(action: str, obj=None, *, summary: str = "", before: dict | None = None,
           after: dict | None = None, actor=None, object_type: str | None = None,
           object_id=None) -> AuditEntry:
    """Add an audit entry for an action on obj by actor (the signed-in user by default)."""
    entry = AuditEntry(**entry_values(action, obj, summary=summary, before=before, after=after,
                                      actor=actor, object_type=object_type,
                                      object_id=object_id))
    db.session.add(entry)
    return entry
