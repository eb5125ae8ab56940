"""The one policy module: roles, named capabilities, the @requires decorator and scope.

Views ask `can(user, "capability")` or decorate with `@requires("capability")`. Which branch and
region a caller acts for is decided here, with the user passed explicitly, for web pages and the
API alike: `acting_branch`, `acting_region`, `signed_in_observer`. Queries of branch-owned data go
through `scope_to_branch` / `scope_to_region`; loading one object goes through
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
    # Background jobs are seen by whoever queued them; administrators see every job.
    "jobs.any": frozenset({Role.ADMIN}),
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
    # Polling day: observers send reports; staff triage them (coordinators in their region).
    "reports.submit": frozenset({Role.OBSERVER}),
    "reports.triage": frozenset({Role.ADMIN, Role.HQ, Role.COORDINATOR}),
    "reports.checklists": frozenset({Role.ADMIN, Role.HQ}),
    # HQ briefings: coordinators see and draft those of their region; HQ publishes.
    "briefings.view": frozenset({Role.ADMIN, Role.HQ, Role.COORDINATOR}),
    "briefings.manage": frozenset({Role.ADMIN, Role.HQ, Role.COORDINATOR}),
    "briefings.publish": frozenset({Role.ADMIN, Role.HQ}),
    # Public updates: coordinators submit posts of their region; HQ edits, approves, publishes.
    "updates.submit": frozenset({Role.ADMIN, Role.HQ, Role.COORDINATOR}),
    "updates.publish": frozenset({Role.ADMIN, Role.HQ}),
    # Complaints: HQ is the legal team (no separate role, so no new accounts or menus);
    # coordinators read those of their region.
    "complaints.view": frozenset({Role.ADMIN, Role.HQ, Role.COORDINATOR}),
    "complaints.manage": frozenset({Role.ADMIN, Role.HQ}),
    # Erasure of personal data and the log of personal-data downloads.
    "privacy.manage": frozenset({Role.ADMIN}),
    "privacy.own": frozenset({Role.OBSERVER}),
    # Polling-day safety: the roll-call board, alerts, SOS handling and calls (coordinators in
    # their region); broadcasts to observers; observers raise an SOS from their station.
    "fieldops.roll_call": frozenset({Role.ADMIN, Role.HQ, Role.COORDINATOR}),
    "fieldops.broadcast": frozenset({Role.ADMIN, Role.HQ, Role.COORDINATOR}),
    "fieldops.sos": frozenset({Role.OBSERVER}),
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


def scope_to_branch(stmt, branch_column, user):
    """Restrict a select() of branch-owned rows to what the user may see."""
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


def get_or_404_in_scope(model, object_id, user=None, branch_of=lambda obj: obj.branch_id):
    """Load an object by id, answering 404 when it is missing or outside the user's branches.

    A 404 rather than a 403 keeps other branches' records from being probed by id. `user`
    defaults to the signed-in user of the request.
    """
    from observe.common.urls import MAX_ID

    user = current_user if user is None else user
    if not isinstance(object_id, int) or not 0 < object_id <= MAX_ID:
        abort(404)
    obj = db.session.get(model, object_id)
    if obj is None or not in_scope(user, branch_of(obj)):
        abort(404)
    return obj


def acting_branch(user, requested_id=None):
    """The branch the user acts for: their own, or for national roles the requested one.

    A branch-bound user without a branch gets 403; a national user asking for a branch that does
    not exist gets 404, and one asking for none gets None (the caller offers a choice).
    """
    from observe.branches.models import Branch
    from observe.common.urls import parse_id

    if not is_national(user):
        if user.branch_id is None:
            abort(403)
        return db.session.get(Branch, user.branch_id)
    if requested_id in (None, ""):
        return None
    branch_id = parse_id(requested_id)
    branch = db.session.get(Branch, branch_id) if branch_id else None
    if branch is None:
        abort(404)
    return branch


def acting_region(user) -> str | None:
    """The region whose stations and reports the user works with; None means every region."""
    if is_national(user):
        return None
    branch = acting_branch(user)
    return branch.region


def scope_to_region(stmt, region_column, user):
    """Restrict a select() of region-owned rows (stations, reports) to the user's region."""
    region = acting_region(user)
    return stmt if region is None else stmt.where(region_column == region)


def region_in_scope(user, region: str | None) -> bool:
    """Whether a row of the given region is visible to the user."""
    allowed = acting_region(user)
    return allowed is None or region == allowed


def signed_in_observer(user):
    """The observer record of a signed-in observer account, or 403 when it has none."""
    from sqlalchemy import select

    from observe.observers.models import Observer

    if not user.is_authenticated or Role(user.role) != Role.OBSERVER:
        abort(403)
    observer = db.session.execute(
        select(Observer).where(Observer.user_id == user.id)).scalar_one_or_none()
    if observer is None:
        abort(403)
    return observer
