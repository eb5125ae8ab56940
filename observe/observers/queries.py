"""Read-side queries of the observer registry."""

from sqlalchemy import String, cast, or_, select

from observe.branches.models import Branch
from observe.extensions import db
from observe.observers.models import Observer
from observe.permissions import can, scope_to_branch

SORTS = {
    "name": (Observer.full_name.asc(), Observer.id.asc()),
    "newest": (Observer.applied_at.desc(), Observer.id.desc()),
    "oldest": (Observer.applied_at.asc(), Observer.id.asc()),
    "status": (Observer.status.asc(), Observer.full_name.asc()),
    "city": (Observer.city.asc(), Observer.full_name.asc()),
}


def filter_branch_choices(user) -> list[tuple[int, str]]:
    """(id, name) of every branch whose observers the user may see, closed ones too: a filter
    of the registry, not a picker for new records (that is branches.queries)."""
    stmt = scope_to_branch(select(Branch.id, Branch.name), Branch.id, user)
    return [(row.id, row.name) for row in db.session.execute(stmt.order_by(Branch.name))]


def search_kind(q: str) -> str | None:
    """Which personal field a registry search reads: "email", "iin", "phone", "digits" (part of
    either), or None when it is a name. The kind, never the query, goes to the audit log."""
    q = (q or "").strip()
    if "@" in q:
        return "email"
    digits = "".join(ch for ch in q if ch.isdigit())
    if len(digits) < 4:
        return None
    if len(digits) == 12:
        return "iin"
    return "phone" if len(digits) in (10, 11) or q.startswith("+") else "digits"


def registry_statement(user, filters: dict):
    """A select() of the observers the user may see, filtered and sorted as the list asks.

    The search looks into IINs, phones and e-mails only for those allowed personal data;
    for everyone else it matches names, so nobody can find out whose IIN or phone it is.
    """
    stmt = scope_to_branch(select(Observer), Observer.branch_id, user)
    q = (filters.get("q") or "").strip()
    if q:
        conditions = [Observer.full_name.icontains(q, autoescape=True)]
        kind = search_kind(q) if can(user, "observers.personal_data") else None
        if kind == "email":
            conditions.append(Observer.email.icontains(q, autoescape=True))
        elif kind is not None:
            digits = "".join(ch for ch in q if ch.isdigit())
            conditions += [Observer.iin.contains(digits), Observer.phone.contains(digits)]
            if len(digits) == 11 and digits.startswith("8"):
                # Typed with the national prefix (8 701 ...), stored in E.164 (+7701...).
                conditions.append(Observer.phone == f"+7{digits[1:]}")
        stmt = stmt.where(or_(*conditions))
    for name in ("status", "channel", "experience", "availability"):
        if filters.get(name):
            stmt = stmt.where(getattr(Observer, name) == filters[name])
    if filters.get("campaign"):
        stmt = stmt.where(Observer.campaign == filters["campaign"])
    if filters.get("city"):
        stmt = stmt.where(Observer.city.icontains(filters["city"].strip(), autoescape=True))
    if filters.get("language"):
        # Languages are a JSON list; a text match on the quoted code works on both databases.
        stmt = stmt.where(cast(Observer.languages, String).contains(f'"{filters["language"]}"'))
    if filters.get("branch_id") and str(filters["branch_id"]).isdigit():
        stmt = stmt.where(Observer.branch_id == int(filters["branch_id"]))
    return stmt.order_by(*SORTS.get(filters.get("sort") or "newest", SORTS["newest"]))


def observers_by_ids(user, ids) -> list[Observer]:
    """The observers with these ids that the user may see (others are silently left out)."""
    ids = [int(i) for i in ids if str(i).isdigit()]
    if not ids:
        return []
    stmt = scope_to_branch(select(Observer).where(Observer.id.in_(ids)), Observer.branch_id, user)
    return list(db.session.execute(stmt.order_by(Observer.id)).scalars())


def observer_of(user) -> Observer | None:
    """The observer record behind a signed-in observer's account."""
    if user is None or not user.is_authenticated:
        return None
    return db.session.execute(
        select(Observer).where(Observer.user_id == user.id)).scalar_one_or_none()
