"""Branch rules: known regions, unique names, E.164 phones, audited changes."""

import pytest
from sqlalchemy import func, select

from observe.audit.models import AuditEntry
from observe.branches import services
from observe.branches.models import Branch
from observe.branches.regions import CITIES_OF_REPUBLICAN_SIGNIFICANCE, REGIONS
from observe.extensions import db


def fields(**overrides) -> dict:
    data = dict(region="karaganda", name="Karaganda regional branch", city="Karaganda",
                chairperson="Aigerim Sadykova", phone="", email="")
    data.update(overrides)
    return data


def audit(action: str) -> list[AuditEntry]:
    return list(db.session.execute(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).scalars())


def test_kazakhstan_has_17_oblasts_and_3_cities():
    assert len(REGIONS) == 20
    assert set(CITIES_OF_REPUBLICAN_SIGNIFICANCE) <= set(REGIONS)


def test_create_branch_cleans_its_fields_and_is_audited(app):
    branch = services.create_branch(**fields(
        name="  Karaganda regional branch ", phone="8 7212 41 00 00", email="Info@Example.ORG"))
    assert branch.name == "Karaganda regional branch"
    assert branch.phone == "+77212410000"
    assert branch.email == "info@example.org"
    entry = audit("branch.create")[-1]
    assert entry.object_type == "branch" and entry.object_id == str(branch.id)
    assert entry.after["name"] == "Karaganda regional branch"


@pytest.mark.parametrize("overrides, field", [
    ({"region": "mars"}, "region"),
    ({"region": ""}, "region"),
    ({"name": "   "}, "name"),
    ({"phone": "123"}, "phone"),
])
def test_create_branch_refuses_bad_fields(app, overrides, field):
    with pytest.raises(services.BranchError) as error:
        services.create_branch(**fields(**overrides))
    assert error.value.field == field


def test_branch_names_are_unique_ignoring_case(app):
    services.create_branch(**fields())
    with pytest.raises(services.BranchError) as error:
        services.create_branch(**fields(name="KARAGANDA Regional Branch"))
    assert error.value.field == "name"
    assert db.session.execute(select(func.count()).select_from(Branch)).scalar_one() == 1


def test_update_branch_records_before_and_after(app):
    branch = services.create_branch(**fields())
    services.update_branch(branch, name="Karaganda branch", chairperson="Yerlan Mukhametov")
    entry = audit("branch.update")[-1]
    assert entry.before["name"] == "Karaganda regional branch"
    assert entry.after["name"] == "Karaganda branch"
    assert entry.after["chairperson"] == "Yerlan Mukhametov"


def test_update_keeping_the_name_is_not_a_duplicate_and_no_change_is_not_audited(app):
    branch = services.create_branch(**fields())
    services.update_branch(branch, name=branch.name)
    assert audit("branch.update") == []


def test_update_to_another_branchs_name_is_refused(app):
    services.create_branch(**fields())
    other = services.create_branch(**fields(name="Almaty city branch", region="almaty"))
    with pytest.raises(services.BranchError):
        services.update_branch(other, name="karaganda regional branch")
