"""Read-side queries for the user administration pages."""

from sqlalchemy import func, or_, select

from observe.auth.models import User
from observe.branches.models import Branch
from observe.common.db import utcnow
from observe.extensions import db


def branch_options(include_blank: bool = True, blank_label: str = "—"):
    """(id, name) pairs of every branch, for select fields."""
    rows = db.session.execute(select(Branch.id, Branch.name).order_by(Branch.name)).all()
    options = [(row.id, row.name) for row in rows]
    return [(0, blank_label), *options] if include_blank else options


def filtered_users(q: str = "", role: str = "", branch_id: str = "", status: str = ""):
    """A select() of users matching the list filters, ordered by name."""
    stmt = select(User).order_by(User.full_name, User.email)
    if q:
        q = q.strip()
        stmt = stmt.where(or_(User.email.icontains(q, autoescape=True),
                              User.full_name.icontains(q, autoescape=True)))
    if role:
        stmt = stmt.where(User.role == role)
    if branch_id and branch_id.isdigit():
        stmt = stmt.where(User.branch_id == int(branch_id))
    if status == "active":
        stmt = stmt.where(User.is_active.is_(True))
    elif status == "inactive":
        stmt = stmt.where(User.is_active.is_(False))
    return stmt


def account_counts() -> dict[str, int]:
    """Active and deactivated accounts, and those locked now after failed sign-ins."""
    active, inactive = 0, 0
    for is_active, number in db.session.execute(
            select(User.is_active, func.count()).group_by(User.is_active)):
        if is_active:
            active = number
        else:
            inactive = number
    locked = db.session.scalar(select(func.count()).select_from(User).where(
        User.locked_until > utcnow())) or 0
    return {"active": active, "inactive": inactive, "locked": locked}
