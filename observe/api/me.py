"""GET /me: who the token belongs to, with the role and scope it carries."""

from werkzeug.exceptions import Forbidden

from observe.api import bp, schemas
from observe.api.auth import caller
from observe.api.registry import operation
from observe.observers.queries import observer_of
from observe.permissions import CAPABILITIES, acting_region, can


@operation(bp, "/me", summary="The token's account, role and scope", tag="account",
           response=schemas.Me)
def me():
    """The caller's account: role, branch, the region they work in and their capabilities."""
    user = caller()
    observer = observer_of(user)
    branch = user.branch
    return schemas.Me(
        id=user.id, email=user.email, full_name=user.full_name or "", role=user.role,
        locale=user.locale or "", region=_region(user),
        branch=schemas.BranchRef(id=branch.id, name=branch.name, region=branch.region)
        if branch else None,
        observer_id=observer.id if observer else None,
        capabilities=sorted(name for name in CAPABILITIES if can(user, name)))


def _region(user) -> str | None:
    # A coordinator or observer account without a branch works in no region yet.
    try:
        return acting_region(user)
    except Forbidden:
        return None
