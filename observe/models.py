"""Every feature's models, imported for Alembic and `flask shell`."""

from observe.audit.models import AuditEntry
from observe.auth.models import ApiToken, OneTimeLink, User
from observe.branches.models import Branch
from observe.mail.models import OutboxMessage
from observe.observers.models import Application, Observer, ObserverNote, StatusChange

__all__ = ["ApiToken", "Application", "AuditEntry", "Branch", "Observer", "ObserverNote",
           "OneTimeLink", "OutboxMessage", "StatusChange", "User"]
