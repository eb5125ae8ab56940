"""Account administration: creating, editing, deactivating and listing users."""

import re

import pytest
from sqlalchemy import func, select

from observe.audit.models import AuditEntry
from observe.auth.models import User
from observe.extensions import db
from tests.conftest import TEST_PASSWORD


def form_data(**overrides) -> dict:
    data = dict(full_name="Madina Iskakova", email="madina@example.org", phone="",
                role="observer", branch_id="0", locale="ru", is_active="y")
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def user_by_email(email: str) -> User | None:
    db.session.expire_all()
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def user_count() -> int:
    return db.session.execute(select(func.count()).select_from(User)).scalar_one()


def audit(action: str) -> list[AuditEntry]:
    return list(db.session.execute(
        select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).scalars())


def page_text(response) -> str:
    return response.get_data(as_text=True)


def form_errors(response) -> str:
    match = re.search(r'<div class="alert alert-danger" role="alert">(.*?)</div>',
                      page_text(response), re.S)
    return match.group(1) if match else ""


def field_error(response, field: str) -> str:
    match = re.search(rf'<div id="{field}-error"[^>]*>(.*?)</div>', page_text(response), re.S)
    return match.group(1).strip() if match else ""


def input_value(response, field: str) -> str | None:
    match = re.search(rf'<input[^>]*\bname="{field}"[^>]*>', page_text(response))
    if not match:
        return None
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


def form_safe(make_user, role, **overrides):
    """A user whose e-mail passes the form's check (the fixtures' .test domain does not)."""
    user = make_user(role, **overrides)
    user.email = user.email.replace("@example.test", "@example.org")
    db.session.commit()
    return user


def sign_in(client, email, password=TEST_PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


# --- creating ---------------------------------------------------------------------------------

def test_admin_creates_an_observer_in_a_branch(client, login, make_branch):
    admin = login("admin")
    branch = make_branch(name="Pavlodar branch", region="pavlodar")
    response = client.post("/admin/users/new", data=form_data(
        email="Madina@Example.org", branch_id=str(branch.id), phone="8 701 234 5678",
        locale="kk"))
    assert response.status_code == 302
    user = user_by_email("madina@example.org")
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    assert (user.full_name, user.role, user.branch_id, user.locale, user.is_active) == (
        "Madina Iskakova", "observer", branch.id, "kk", True)
    assert user.phone == "+77012345678"
    assert user.password_hash == ""  # set later through a one-time link
    entry = audit("user.create")[-1]
    assert entry.actor_id == admin.id
    assert entry.object_id == str(user.id)
    assert entry.before is None
    assert entry.after["role"] == "observer" and entry.after["branch_id"] == branch.id
    assert entry.after["phone"] == "+77012345678"


@pytest.mark.parametrize("role", ["coordinator", "observer"])
def test_branch_is_required_for_branch_roles_and_typed_values_are_kept(client, login, role):
    login("admin")
    before, audited = user_count(), len(audit("user.create"))
    response = client.post("/admin/users/new?lang=en", data=form_data(role=role, branch_id="0",
                                                                      phone="+77012345678"))
    assert response.status_code == 200
    assert "Coordinators and observers must belong to a branch." in form_errors(response)
    assert input_value(response, "full_name") == "Madina Iskakova"
    assert input_value(response, "email") == "madina@example.org"
    assert input_value(response, "phone") == "+77012345678"
    assert re.search(rf'<option selected value="{role}">|<option value="{role}" selected',
                     page_text(response))
    assert user_count() == before
    assert len(audit("user.create")) == audited


def test_national_role_drops_the_branch(client, login, make_branch):
    login("admin")
    branch = make_branch()
    response = client.post("/admin/users/new", data=form_data(role="hq", branch_id=str(branch.id)))
    assert response.status_code == 302
    assert user_by_email("madina@example.org").branch_id is None


def test_duplicate_email_is_rejected(client, login, make_user):
    login("admin")
    existing = form_safe(make_user, "hq")
    before = user_count()
    response = client.post("/admin/users/new?lang=en",
                           data=form_data(role="hq", email=existing.email.upper()))
    assert response.status_code == 200
    assert "An account with this e-mail address already exists." in form_errors(response)
    assert user_count() == before


@pytest.mark.parametrize("raw, stored", [
    ("8 701 234 5678", "+77012345678"),
    ("+7 (701) 234-56-78", "+77012345678"),
    ("87172 55 66 77", "+77172556677"),
])
def test_phone_is_stored_in_e164(client, login, raw, stored):
    login("admin")
    response = client.post("/admin/users/new", data=form_data(role="admin", phone=raw))
    assert response.status_code == 302
    assert user_by_email("madina@example.org").phone == stored


@pytest.mark.parametrize("raw", ["12345", "+7 701", "phone me", "+1 555 0100 99999"])
def test_invalid_phone_is_rejected_next_to_the_field(client, login, raw):
    login("admin")
    response = client.post("/admin/users/new?lang=en", data=form_data(role="admin", phone=raw))
    assert response.status_code == 200
    assert field_error(response, "phone") == "This is not a valid phone number."
    assert user_by_email("madina@example.org") is None


def test_invalid_email_is_rejected(client, login):
    login("admin")
    response = client.post("/admin/users/new", data=form_data(role="admin", email="not-an-email"))
    assert response.status_code == 200
    assert field_error(response, "email")
    assert user_count() == 1


def test_account_can_be_created_deactivated(client, login):
    login("admin")
    response = client.post("/admin/users/new", data=form_data(role="hq", is_active=None))
    assert response.status_code == 302
    assert user_by_email("madina@example.org").is_active is False


# --- editing ----------------------------------------------------------------------------------

def test_edit_page_shows_the_account(client, login, make_user):
    login("admin")
    user = make_user("coordinator", phone="+77012345678")
    response = client.get(f"/admin/users/{user.id}?lang=en")
    assert response.status_code == 200
    assert input_value(response, "email") == user.email
    assert input_value(response, "phone") == "+77012345678"
    assert re.search(rf'<option selected value="{user.branch_id}">', page_text(response))


def test_admin_changes_role_and_branch(client, login, make_user, make_branch):
    admin = login("admin")
    user = form_safe(make_user, "observer")
    old_branch_id = user.branch_id
    new_branch = make_branch()
    response = client.post(f"/admin/users/{user.id}", data=form_data(
        full_name=user.full_name, email=user.email, role="coordinator",
        branch_id=str(new_branch.id)))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    user = user_by_email(user.email)
    assert (user.role, user.branch_id) == ("coordinator", new_branch.id)
    entry = audit("user.update")[-1]
    assert entry.actor_id == admin.id and entry.object_id == str(user.id)
    assert (entry.before["role"], entry.after["role"]) == ("observer", "coordinator")
    assert (entry.before["branch_id"], entry.after["branch_id"]) == (old_branch_id, new_branch.id)


def test_promotion_to_a_national_role_clears_the_branch(client, login, make_user):
    login("admin")
    user = form_safe(make_user, "coordinator")
    response = client.post(f"/admin/users/{user.id}", data=form_data(
        full_name=user.full_name, email=user.email, role="hq", branch_id=str(user.branch_id)))
    assert response.status_code == 302
    assert user_by_email(user.email).branch_id is None


def test_editing_to_another_accounts_email_is_refused(client, login, make_user):
    login("admin")
    user, other = form_safe(make_user, "hq"), form_safe(make_user, "hq")
    response = client.post(f"/admin/users/{user.id}?lang=en", data=form_data(
        full_name=user.full_name, email=other.email, role="hq"))
    assert response.status_code == 200
    assert "already exists" in form_errors(response)
    assert user_by_email(user.email) is not None


def test_unknown_user_is_a_404(client, login):
    login("admin")
    assert client.get("/admin/users/999999").status_code == 404
    assert client.post("/admin/users/999999/active", data={"active": "0"}).status_code == 404
    assert client.post("/admin/users/999999/reset-link").status_code == 404


# --- deactivating -----------------------------------------------------------------------------

def test_deactivated_user_is_signed_out_and_cannot_sign_in(app, client, login, make_user):
    admin = login("admin")
    user = make_user("observer")
    device = app.test_client()
    assert sign_in(device, user.email).status_code == 302
    assert device.get("/account").status_code == 200

    response = client.post(f"/admin/users/{user.id}/active", data={"active": "0"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    assert user_by_email(user.email).is_active is False
    entry = audit("user.update")[-1]
    assert entry.actor_id == admin.id
    assert (entry.before["is_active"], entry.after["is_active"]) == (True, False)

    assert device.get("/account").status_code == 302
    assert sign_in(app.test_client(), user.email).status_code == 200

    assert client.post(f"/admin/users/{user.id}/active", data={"active": "1"}).status_code == 302
    assert user_by_email(user.email).is_active is True
    assert sign_in(app.test_client(), user.email).status_code == 302


def test_admin_cannot_deactivate_themself(client, login):
    admin = login("admin")
    response = client.post(f"/admin/users/{admin.id}/active?lang=en", data={"active": "0"})
    assert response.status_code == 302
    assert user_by_email(admin.email).is_active is True
    assert not audit("user.update")
    page = client.get(f"/admin/users/{admin.id}?lang=en")
    assert page.status_code == 200  # still signed in
    assert "You cannot change your own role or deactivate yourself." in page_text(page)


@pytest.mark.parametrize("change", [{"role": "hq"}, {"is_active": None}])
def test_admin_cannot_demote_or_deactivate_themself_through_the_form(client, login, change):
    admin = login("admin", email="me@example.org")
    response = client.post(f"/admin/users/{admin.id}?lang=en", data=form_data(
        **{"full_name": admin.full_name, "email": admin.email, "role": "admin", **change}))
    assert response.status_code == 200
    assert "You cannot change your own role or deactivate yourself." in form_errors(response)
    admin = user_by_email(admin.email)
    assert admin.role == "admin" and admin.is_active
    assert client.get("/admin/users/").status_code == 200


def test_one_admin_can_demote_another(client, login, make_user):
    login("admin")
    other = form_safe(make_user, "admin")
    response = client.post(f"/admin/users/{other.id}", data=form_data(
        full_name=other.full_name, email=other.email, role="hq"))
    assert response.status_code == 302
    assert user_by_email(other.email).role == "hq"


# --- the list ---------------------------------------------------------------------------------

@pytest.fixture
def people(login, make_user, make_branch):
    karaganda = make_branch(name="Karaganda test branch")
    almaty = make_branch(name="Almaty test branch", region="almaty")
    people = {
        "admin": login("admin", full_name="Zarina Admin"),
        "hq": make_user("hq", full_name="Dana Kassymova", email="dana@example.org"),
        "coord": make_user("coordinator", full_name="Yerlan Mukhametov", branch=karaganda),
        "obs_k": make_user("observer", full_name="Aruzhan Bekova", branch=karaganda),
        "obs_a": make_user("observer", full_name="Timur Zhaksylykov", branch=almaty),
        "gone": make_user("observer", full_name="Olga Petrenko", branch=almaty),
    }
    people["gone"].is_active = False
    db.session.commit()
    people["karaganda"], people["almaty"] = karaganda, almaty
    return people


def listed_emails(response) -> set[str]:
    return set(re.findall(r"<td>([^<@]+@[^<]+)</td>", page_text(response)))


def listed(client, **filters) -> set[str]:
    response = client.get("/admin/users/", query_string={"lang": "en", **filters})
    assert response.status_code == 200
    return listed_emails(response)


def test_list_shows_everyone_without_filters(client, people):
    expected = {p.email for key, p in people.items() if key not in ("karaganda", "almaty")}
    assert listed(client) == expected


def test_list_filters(client, people):
    p = people
    assert listed(client, q="kassym") == {p["hq"].email}
    assert listed(client, q="DANA@EXAMPLE.ORG") == {p["hq"].email}
    assert listed(client, role="observer") == {p["obs_k"].email, p["obs_a"].email,
                                               p["gone"].email}
    assert listed(client, branch_id=str(p["karaganda"].id)) == {p["coord"].email,
                                                                p["obs_k"].email}
    assert listed(client, status="inactive") == {p["gone"].email}
    assert p["gone"].email not in listed(client, status="active")
    assert listed(client, role="observer", branch_id=str(p["almaty"].id), status="active") == {
        p["obs_a"].email}
    assert listed(client, q="nobody-by-this-name") == set()


def test_long_list_is_paged(client, login):
    login("admin")
    db.session.add_all(User(email=f"staff{number:02d}@example.org", role="hq")
                       for number in range(55))
    db.session.commit()
    first = client.get("/admin/users/?role=hq")
    assert first.status_code == 200
    assert len(listed_emails(first)) == 50
    second = client.get("/admin/users/?role=hq&page=2")
    assert second.status_code == 200
    assert len(listed_emails(second)) == 5
    assert listed_emails(first).isdisjoint(listed_emails(second))
