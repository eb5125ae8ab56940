"""Creating and changing regional branches."""

from flask_babel import gettext as _
from sqlalchemy import func, select

from observe.audit.services import record, snapshot
from observe.branches.models import Branch
from observe.branches.regions import REGIONS
from observe.common.errors import DomainError
from observe.common.phones import InvalidPhone, normalize_phone
from observe.extensions import db


class BranchError(DomainError):
    """A branch rule was broken; `field` names the form field the message belongs to."""


def _clean(fields: dict, branch: Branch | None) -> dict:
    fields = {k: (v.strip() if isinstance(v, str) else v) for k, v in fields.items()}
    if fields.get("region") not in REGIONS:
        raise BranchError(_("Choose a region from the list."), field="region")
    if not fields.get("name"):
        raise BranchError(_("A branch needs a name."), field="name")
    duplicate = db.session.execute(
        select(Branch.id).where(func.lower(Branch.name) == fields["name"].lower())
    ).scalar_one_or_none()
    if duplicate is not None and (branch is None or duplicate != branch.id):
        raise BranchError(_("A branch with this name already exists."), field="name")
    if fields.get("phone"):
        try:
            fields["phone"] = normalize_phone(fields["phone"])
        except InvalidPhone:
            raise BranchError(_("This is not a valid phone number."), field="phone") from None
    if fields.get("email"):
        fields["email"] = fields["email"].lower()
    return fields


def create_branch(*, actor=None, **fields) -> Branch:
    """Register a branch for one of Kazakhstan's regions."""
    branch = Branch(**_clean(fields, None))
    db.session.add(branch)
    db.session.flush()
    record("branch.create", branch, after=snapshot(branch, Branch.AUDITED_FIELDS), actor=actor,
           summary=branch.name)
    return branch


def update_branch(branch: Branch, *, actor=None, **fields) -> Branch:
    """Change a branch's details or active flag."""
    before = snapshot(branch, Branch.AUDITED_FIELDS)
    for name, value in _clean({**before, **fields}, branch).items():
        setattr(branch, name, value)
    db.session.flush()
    after = snapshot(branch, Branch.AUDITED_FIELDS)
    if after != before:
        record("branch.update", branch, before=before, after=after, actor=actor,
               summary=branch.name)
    return branch
