"""The one policy module: roles, named capabilities, the @requires decorator and branch scope.

Views ask `can(user, "capability")` or decorate with `@requires("capability")`; queries of
branch-owned data go through `scope_to_branch`; loading one object goes through
`get_or_404_in_scope`.
"""

from enum import StrEnum
from functools import wraps

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from observe.extensions import db


class Role(StrEnum):
    ADMIN = "admin"
    HQ = "hq"
    COORDINATOR = "coordinator"
    OBSERVER = "observer"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])

    @property
    def needs_branch(self) -> bool:
        return self in (Role.COORDINATOR, Role.OBSERVER)


ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.HQ: _l("HQ staff"),
    Role.COORDINATOR: _l("Coordinator"),
    Role.OBSERVER: _l("Observer"),
}

# Roles that work across every branch; the others are confined to their own.
NATIONAL_ROLES = frozenset({Role.ADMIN, Role.HQ})

CAPABILITIES: dict[str, frozenset[Role]] = {
    "branches.view": frozenset({Role.ADMIN, Role.HQ, Role.COORDINATOR}),
    "branches.manage": frozenset({Role.ADMIN}),
    "users.manage": frozenset({Role.ADMIN}),
    "audit.view": frozenset({Role.ADMIN}),
    "outbox.view": frozenset({Role.ADMIN}),
    "observers.view": frozenset({Role.ADMIN, Role.HQ, Role.COORDINATOR}),
    "observers.manage": frozenset({Role.ADMIN, Role.COORDINATOR}),
    # IIN, phone and address: only for those who contact and vouch for the observer.
    "observers.personal_data": frozenset({Role.ADMIN, Role.COORDINATOR}),
    "recruitment.funnel": frozenset({Role.ADMIN, Role.HQ, Role.COORDINATOR}),
    "training.curriculum": frozenset({Role.ADMIN, Role.HQ}),
    "training.sessions": frozenset({Role.ADMIN, Role.HQ, Role.COORDINATOR}),
    "training.certify": frozenset({Role.ADMIN, Role.COORDINATOR}),
    "training.attend": frozenset({Role.OBSERVER}),
    "elections.view": frozenset({Role.ADMIN, Role.HQ, Role.COORDINATOR}),
    "elections.manage": frozenset({Role.ADMIN, Role.HQ}),
    "assignments.view": frozenset({Role.ADMIN, Role.HQ, Role.COORDINATOR}),
    "assignments.manage": frozenset({Role.ADMIN, Role.COORDINATOR}),
    "assignments.own": frozenset({Role.OBSERVER}),
}


def can(user, capability: str) -> bool:
    """Whether the user holds the named capability."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if capability not in CAPABILITIES:
        raise KeyError(f"unknown capability {capability!r}")
    return Role(user.role) in CAPABILITIES[capability]


def requires(*capabilities: str):
    """Let the view run only for a signed-in user holding every named capability (else 401/403)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                from observe.extensions import login_manager

                return login_manager.unauthorized()
            if not all(can(current_user, c) for c in capabilities):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def is_national(user) -> bool:
    """Whether the user works across all branches (admin and HQ staff)."""
    return user.is_authenticated and Role(user.role) in NATIONAL_ROLES


def visible_branch_ids(user) -> set[int] | None:
    """The branches whose data the user may see; None means every branch."""
    if is_national(user):
        return None
    return {user.branch_id} if user.branch_id is not None else set()


def scope_to_branch(stmt, branch_column, user=None):
    """Restrict a select() of branch-owned rows to what the user may see."""
    user = user or current_user
    allowed = visible_branch_ids(user)
    if allowed is None:
        return stmt
    return stmt.where(branch_column.in_(allowed or {-1}))


def in_scope(user, branch_id: int | None) -> bool:
    """Whether an object of the given branch is visible to the user."""
    allowed = visible_branch_ids(user)
    return allowed is None or branch_id in allowed


def may_see_branch_item(user, branch_id: int | None) -> bool:
    """National items (no branch) are visible to everyone; branch items as in_scope."""
    return branch_id is None or in_scope(user, branch_id)


def may_change_branch_item(user, branch_id: int | None) -> bool:
    """National items are changed by national roles only; branch items by their branch too."""
    return is_national(user) or (branch_id is not None and branch_id == user.branch_id)


def get_or_404_in_scope(model, object_id, branch_of=lambda obj: obj.branch_id):
    """Load an object by id, answering 404 when it is missing or outside the user's branches.

    A 404 rather than a 403 keeps other branches' records from being probed by id.
    """
    obj = db.session.get(model, object_id)
    if obj is None or not in_scope(current_user, branch_of(obj)):
        abort(404)
    return obj
