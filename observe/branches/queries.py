"""Read-side of branches: the one list of branches offered for picking."""

from sqlalchemy import func, select

from observe.branches.models import Branch
from observe.extensions import db
from observe.permissions import scope_to_branch


def active_branches(user=None) -> list[Branch]:
    """Active branches by region and name; with a user, only those the user may act for."""
    stmt = select(Branch).where(Branch.is_active.is_(True)).order_by(Branch.region, Branch.name)
    if user is not None:
        stmt = scope_to_branch(stmt, Branch.id, user)
    return list(db.session.execute(stmt).scalars())


def active_branch_choices(user=None) -> list[tuple[int, str]]:
    """(id, "Region — branch") of the active branches, for select fields."""
    return [(branch.id, f"{branch.region_name} — {branch.name}")
            for branch in active_branches(user)]


def branch_counts() -> dict[str, int]:
    """Active and inactive branches."""
    rows = dict(db.session.execute(
        select(Branch.is_active, func.count()).group_by(Branch.is_active)).all())
    return {"active": rows.get(True, 0), "inactive": rows.get(False, 0)}
