"""Branch pages: who sees which branches, creating and editing them, escaping."""

import re

import pytest
from sqlalchemy import func, select

from observe.audit.models import AuditEntry
from observe.branches.models import Branch
from observe.extensions import db


def form_data(**overrides) -> dict:
    data = dict(region="pavlodar", name="Pavlodar regional branch", city="Pavlodar",
                chairperson="Askar Nurpeisov", phone="8 7182 32 00 00",
                email="pavlodar@example.org", is_active="y")
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def branch_named(name: str) -> Branch | None:
    db.session.expire_all()
    return db.session.execute(select(Branch).where(Branch.name == name)).scalar_one_or_none()


def branch_count() -> int:
    return db.session.execute(select(func.count()).select_from(Branch)).scalar_one()


def page_text(response) -> str:
    return response.get_data(as_text=True)


def field_error(response, field: str) -> str:
    match = re.search(rf'<div id="{field}-error"[^>]*>(.*?)</div>', page_text(response), re.S)
    return match.group(1).strip() if match else ""


def listed_branches(response) -> set[str]:
    return set(re.findall(r'<a href="/branches/\d+">([^<]*)</a>', page_text(response)))


@pytest.fixture
def two_branches(make_branch):
    return make_branch(name="Karaganda test branch"), make_branch(name="Almaty test branch",
                                                                  region="almaty")


# --- creating and editing ---------------------------------------------------------------------

def test_admin_creates_a_branch(client, login):
    admin = login("admin")
    response = client.post("/branches/new", data=form_data())
    assert response.status_code == 302
    branch = branch_named("Pavlodar regional branch")
    assert response.headers["Location"] == f"/branches/{branch.id}"
    assert (branch.region, branch.city, branch.chairperson, branch.email, branch.is_active) == (
        "pavlodar", "Pavlodar", "Askar Nurpeisov", "pavlodar@example.org", True)
    assert branch.phone == "+77182320000"
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "branch.create")).scalar_one()
    assert entry.actor_id == admin.id and entry.object_id == str(branch.id)
    assert entry.after["region"] == "pavlodar"


@pytest.mark.parametrize("region", ["mars", "", "Karaganda"])
def test_region_must_be_a_known_code(client, login, region):
    login("admin")
    response = client.post("/branches/new", data=form_data(region=region))
    assert response.status_code == 200
    assert field_error(response, "region")
    assert branch_count() == 0


def test_duplicate_name_is_rejected_next_to_the_field(client, login, make_branch):
    login("admin")
    make_branch(name="Pavlodar regional branch")
    response = client.post("/branches/new?lang=en",
                           data=form_data(name="PAVLODAR regional branch"))
    assert response.status_code == 200
    assert field_error(response, "name") == "A branch with this name already exists."
    assert branch_count() == 1


def test_invalid_phone_is_rejected(client, login):
    login("admin")
    response = client.post("/branches/new?lang=en", data=form_data(phone="12"))
    assert response.status_code == 200
    assert field_error(response, "phone") == "This is not a valid phone number."
    assert branch_count() == 0


def test_new_branch_form_lists_every_region(client, login):
    login("admin")
    page = page_text(client.get("/branches/new?lang=en"))
    options = re.findall(r'<option[^>]*value="([a-z_]+)"', page)
    assert len(options) == 20
    assert {"astana", "almaty", "shymkent", "karaganda", "ulytau"} <= set(options)


def test_admin_edits_a_branch(client, login, make_branch):
    login("admin")
    branch = make_branch(name="Old name")
    page = client.get(f"/branches/{branch.id}/edit")
    assert page.status_code == 200 and 'value="Old name"' in page_text(page)
    response = client.post(f"/branches/{branch.id}/edit", data=form_data(
        name="New name", region="ulytau", phone="+7 7102 00 00 00", is_active=None))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/branches/{branch.id}"
    branch = branch_named("New name")
    assert (branch.region, branch.phone, branch.is_active) == ("ulytau", "+77102000000", False)
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "branch.update")).scalar_one()
    assert (entry.before["name"], entry.after["name"]) == ("Old name", "New name")
    assert (entry.before["is_active"], entry.after["is_active"]) == (True, False)


def test_editing_to_another_branchs_name_is_refused(client, login, two_branches):
    login("admin")
    karaganda, almaty = two_branches
    response = client.post(f"/branches/{almaty.id}/edit",
                           data=form_data(name=karaganda.name.upper(), region="almaty"))
    assert response.status_code == 200
    assert field_error(response, "name")
    assert branch_named("Almaty test branch") is not None


def test_editing_an_unknown_branch_is_a_404(client, login):
    login("admin")
    assert client.get("/branches/999999/edit").status_code == 404


# --- who sees what ----------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["admin", "hq"])
def test_national_roles_see_every_branch(client, login, two_branches, role):
    login(role)
    response = client.get("/branches/")
    assert response.status_code == 200
    assert listed_branches(response) == {"Karaganda test branch", "Almaty test branch"}
    for branch in two_branches:
        assert client.get(f"/branches/{branch.id}").status_code == 200


def test_hq_cannot_create_or_edit(client, login, two_branches):
    login("hq")
    assert client.get("/branches/new").status_code == 403
    assert client.post("/branches/new", data=form_data()).status_code == 403
    assert client.get(f"/branches/{two_branches[0].id}/edit").status_code == 403
    response = client.post(f"/branches/{two_branches[0].id}/edit", data=form_data())
    assert response.status_code == 403
    assert branch_named("Pavlodar regional branch") is None
    assert 'href="/branches/new"' not in page_text(client.get("/branches/"))


def test_coordinator_sees_only_their_branch(client, login, two_branches):
    karaganda, almaty = two_branches
    login("coordinator", branch=karaganda)
    response = client.get("/branches/")
    assert response.status_code == 200
    assert listed_branches(response) == {"Karaganda test branch"}
    assert client.get(f"/branches/{karaganda.id}").status_code == 200
    assert client.get(f"/branches/{almaty.id}").status_code == 404
    assert client.get("/branches/999999").status_code == 404


def test_coordinator_cannot_manage_branches_or_open_admin_pages(client, login, two_branches):
    karaganda, _ = two_branches
    login("coordinator", branch=karaganda)
    assert client.get("/branches/new").status_code == 403
    assert client.get(f"/branches/{karaganda.id}/edit").status_code == 403
    for path in ("/admin/users/", "/admin/users/new", "/admin/audit/"):
        assert client.get(path).status_code == 403, path


def test_observer_cannot_open_branch_pages(client, login, two_branches):
    karaganda, _ = two_branches
    login("observer", branch=karaganda)
    for path in ("/branches/", f"/branches/{karaganda.id}", "/branches/new"):
        assert client.get(path).status_code == 403, path


def test_anonymous_visitors_are_sent_to_sign_in(client, two_branches):
    for path in ("/branches/", f"/branches/{two_branches[0].id}", "/branches/new"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")


def test_branch_page_lists_its_people(client, login, make_user, two_branches):
    karaganda, almaty = two_branches
    login("hq")
    coordinator = make_user("coordinator", branch=karaganda, full_name="Yerlan Mukhametov")
    observer = make_user("observer", branch=karaganda, full_name="Aruzhan Bekova")
    stranger = make_user("observer", branch=almaty, full_name="Timur Zhaksylykov")
    page = page_text(client.get(f"/branches/{karaganda.id}?lang=en"))
    for person in (coordinator, observer):
        assert person.full_name in page and person.email in page
    assert stranger.full_name not in page and stranger.email not in page


def test_user_text_is_escaped(client, login, make_branch, make_user):
    login("admin")
    evil = "<script>alert(1)</script>"
    branch = make_branch(name=evil, city="<b>bold</b>", chairperson='"><img src=x onerror=1>')
    make_user("coordinator", branch=branch, full_name="<i>Mallory</i>")
    pages = [client.get(path) for path in (
        "/branches/", f"/branches/{branch.id}", f"/branches/{branch.id}/edit", "/admin/users/")]
    for response in pages:
        assert response.status_code == 200
        html = page_text(response)
        assert evil not in html
        assert "<img src=x" not in html and "<i>Mallory</i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_text(pages[1])
    assert "&lt;b&gt;bold&lt;/b&gt;" in page_text(pages[1])
