"""Every feature's models, imported for Alembic and `flask shell`."""

from observe.audit.models import AuditEntry
from observe.auth.models import ApiToken, OneTimeLink, User
from observe.branches.models import Branch

__all__ = ["ApiToken", "AuditEntry", "Branch", "OneTimeLink", "User"]
