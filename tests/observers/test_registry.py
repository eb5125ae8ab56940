"""The branch's observer registry: list, scope, permissions, the pipeline, notes, invitations."""

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from observe.audit.models import AuditEntry
from observe.auth.models import OneTimeLink, User
from observe.common.phones import format_phone
from observe.extensions import db
from observe.mail.models import OutboxMessage
from observe.observers.models import Observer, StatusChange
from tests.conftest import TEST_PASSWORD
from tests.observers.factories import applicant_data, field_error, input_value


def listed_ids(html: str) -> list[int]:
    """The observers linked from the rows of the registry table, in order."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [int(i) for i in re.findall(r'<a href="/observers/(\d+)">', body)]


def invitation_links(html: str) -> list[str]:
    return [unescape(link) for link in re.findall(r'value="(https?://[^"]*/reset/[^"]+)"', html)]


def history(observer) -> list[StatusChange]:
    return list(db.session.execute(
        select(StatusChange).where(StatusChange.observer_id == observer.id)
        .order_by(StatusChange.id)).scalars())


@pytest.fixture
def coordinator(login):
    return login("coordinator")


@pytest.fixture
def branch(coordinator):
    return coordinator.branch


@pytest.fixture
def other_branch(make_branch):
    return make_branch(region="almaty", name="Almaty branch")


# --- the list ------------------------------------------------------------------------------

def test_search_by_name_phone_digits_and_iin(client, branch, make_applicant):
    aigerim = make_applicant(branch, full_name="Aigerim Sadykova", phone="+7 701 111 22 33")
    daniyar = make_applicant(branch, full_name="Daniyar Omarov", phone="+7 702 444 55 66")
    olga = make_applicant(branch, full_name="Olga Petrova", phone="+7 705 777 88 99")

    def search(q):
        return listed_ids(client.get("/observers/", query_string={"q": q}).get_data(as_text=True))

    assert search("sadyk") == [aigerim.id]
    assert search("OMAROV") == [daniyar.id]
    assert search("444 55 66") == [daniyar.id]
    assert search("87057778899") == [olga.id]
    assert search(olga.iin) == [olga.id]
    assert search(aigerim.iin[:8]) == [aigerim.id]
    assert search("nobody") == []
    assert sorted(search("")) == sorted([aigerim.id, daniyar.id, olga.id])


def test_filters(client, branch, coordinator, make_applicant):
    applied = make_applicant(branch, channel="telegram", city="Temirtau", languages=["kk"],
                             experience="none")
    approved = make_applicant(branch, "approved", actor=coordinator, channel="instagram",
                              city="Karaganda", languages=["ru", "other"], experience="several")
    rejected = make_applicant(branch, "rejected", actor=coordinator, channel="ngo",
                              city="Balkhash", languages=["kk", "ru"], experience="once")

    def filtered(**args):
        return sorted(listed_ids(client.get("/observers/", query_string=args)
                                 .get_data(as_text=True)))

    assert filtered(status="approved") == [approved.id]
    assert filtered(status="rejected") == [rejected.id]
    assert filtered(channel="telegram") == [applied.id]
    assert filtered(channel="instagram") == [approved.id]
    assert filtered(city="temir") == [applied.id]
    assert filtered(language="kk") == sorted([applied.id, rejected.id])
    assert filtered(language="other") == [approved.id]
    assert filtered(experience="several") == [approved.id]
    assert filtered(language="ru", experience="once") == [rejected.id]
    assert filtered(status="certified") == []


def test_sorting(client, branch, make_applicant):
    cyril = make_applicant(branch, full_name="Cyril Borisov", city="Almaty")
    alma = make_applicant(branch, full_name="Alma Zhunusova", city="Shymkent")
    bolat = make_applicant(branch, full_name="Bolat Asanov", city="Astana")

    def ids(sort):
        return listed_ids(client.get(f"/observers/?sort={sort}").get_data(as_text=True))

    assert ids("name") == [alma.id, bolat.id, cyril.id]
    assert ids("city") == [cyril.id, bolat.id, alma.id]
    assert ids("newest") == [bolat.id, alma.id, cyril.id]
    assert ids("oldest") == [cyril.id, alma.id, bolat.id]
    assert ids("nonsense") == ids("newest")


def test_pagination(client, branch, make_applicant):
    observers = [make_applicant(branch, full_name=f"Person {n:03d}") for n in range(52)]
    first = client.get("/observers/?sort=name").get_data(as_text=True)
    second = client.get("/observers/?sort=name&page=2").get_data(as_text=True)
    assert listed_ids(first) == [o.id for o in observers[:50]]
    assert listed_ids(second) == [o.id for o in observers[50:]]
    # Each page links to the other, keeping the sort.
    assert re.search(r'href="/observers/\?[^"]*page=2', first)
    assert "sort=name" in re.search(r'href="(/observers/\?[^"]*page=2[^"]*)"', first).group(1)
    assert re.search(r'href="/observers/\?[^"]*page=1', second)
    assert "Person 050" in second and "Person 000" not in second
    assert listed_ids(client.get("/observers/?sort=name&page=99").get_data(as_text=True)) == []


# --- branch scope and permissions ----------------------------------------------------------

def test_coordinator_sees_only_their_own_branch(client, branch, other_branch, make_applicant):
    mine = make_applicant(branch, full_name="Mine Observer")
    theirs = make_applicant(other_branch, full_name="Their Observer")
    html = client.get("/observers/").get_data(as_text=True)
    assert listed_ids(html) == [mine.id]
    assert "Their Observer" not in html
    # Filtering by the other branch's id does not widen the scope.
    assert listed_ids(client.get(f"/observers/?branch_id={other_branch.id}")
                      .get_data(as_text=True)) == []
    assert client.get(f"/observers/{theirs.id}").status_code == 404
    assert client.get(f"/observers/{theirs.id}/edit").status_code == 404
    response = client.post(f"/observers/{theirs.id}/status",
                           data={"status": "approved", "reason": ""})
    assert response.status_code == 404
    assert client.post(f"/observers/{theirs.id}/notes", data={"body": "x"}).status_code == 404
    assert client.post(f"/observers/{theirs.id}/invite").status_code == 404
    assert client.get(f"/observers/{mine.id}").status_code == 200
    db.session.refresh(theirs)
    assert theirs.status == "applied"
    assert theirs.notes == []


def test_hq_sees_all_branches_without_personal_data(client, login, make_branch, make_applicant):
    karaganda = make_branch(name="Karaganda branch")
    almaty = make_branch(region="almaty", name="Almaty branch")
    first = make_applicant(karaganda, full_name="First Observer", phone="+7 701 111 22 33")
    second = make_applicant(almaty, full_name="Second Observer", phone="+7 702 444 55 66")
    login("hq")
    html = client.get("/observers/?lang=en").get_data(as_text=True)
    assert sorted(listed_ids(html)) == sorted([first.id, second.id])
    for observer in (first, second):
        detail = client.get(f"/observers/{observer.id}").get_data(as_text=True)
        assert observer.full_name in detail
        for page in (html, detail):
            assert observer.iin not in page
            assert observer.phone not in page
            assert format_phone(observer.phone) not in page
            assert observer.email not in page
        # No management controls either.
        assert f"/observers/{observer.id}/status" not in detail
    assert "/observers/new" not in html


@pytest.mark.parametrize(("method", "url"), [
    ("post", "/observers/{id}/status"),
    ("post", "/observers/{id}/notes"),
    ("post", "/observers/{id}/invite"),
    ("get", "/observers/{id}/edit"),
    ("post", "/observers/{id}/edit"),
    ("get", "/observers/new"),
    ("post", "/observers/new"),
    ("post", "/observers/bulk"),
])
def test_hq_may_not_change_anything(client, login, make_branch, make_applicant, method, url):
    observer = make_applicant(make_branch())
    login("hq")
    data = {"status": "approved", "reason": "x", "body": "x", "observer_id": str(observer.id)}
    response = getattr(client, method)(url.format(id=observer.id), data=data)
    assert response.status_code == 403
    db.session.refresh(observer)
    assert observer.status == "applied"
    assert observer.notes == []


REGISTRY_ROUTES = [
    ("get", "/observers/"),
    ("get", "/observers/{id}"),
    ("post", "/observers/{id}/status"),
    ("post", "/observers/{id}/notes"),
    ("post", "/observers/{id}/invite"),
    ("get", "/observers/{id}/edit"),
    ("post", "/observers/{id}/edit"),
    ("get", "/observers/new"),
    ("post", "/observers/new"),
    ("post", "/observers/bulk"),
]


@pytest.mark.parametrize(("method", "url"), REGISTRY_ROUTES)
def test_observer_role_is_forbidden_everywhere(client, login, make_applicant, method, url):
    user = login("observer")
    observer = make_applicant(user.branch)  # even in their own branch
    response = getattr(client, method)(url.format(id=observer.id),
                                       data={"status": "approved", "body": "x"})
    assert response.status_code == 403


@pytest.mark.parametrize(("method", "url"), REGISTRY_ROUTES)
def test_anonymous_is_sent_to_login(client, make_branch, make_applicant, method, url):
    observer = make_applicant(make_branch())
    response = getattr(client, method)(url.format(id=observer.id),
                                       data={"status": "approved", "body": "x"})
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# --- the pipeline --------------------------------------------------------------------------

def test_approval_creates_an_account_and_an_invitation(client, branch, coordinator,
                                                       make_applicant):
    observer = make_applicant(branch)
    response = client.post(f"/observers/{observer.id}/status?lang=en",
                           data={"status": "approved", "reason": ""})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Invitations to send" in html
    links = invitation_links(html)
    assert len(links) == 1

    db.session.refresh(observer)
    assert observer.status == "approved"
    user = observer.user
    assert user is not None
    assert (user.role, user.branch_id, user.email) == ("observer", branch.id, observer.email)
    assert user.is_active and not user.password_hash

    link = db.session.execute(select(OneTimeLink).where(OneTimeLink.user_id == user.id)
                              ).scalar_one()
    assert link.purpose == "invite"
    mail = db.session.execute(select(OutboxMessage)).scalar_one()
    assert mail.recipient == observer.email
    assert links[0] in mail.body

    change = history(observer)[-1]
    assert (change.from_status, change.to_status, change.actor_id) == ("applied", "approved",
                                                                      coordinator.id)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "observer.status", AuditEntry.object_id == str(observer.id))) == 1


def test_rejection_without_reason_is_refused(client, branch, make_applicant):
    observer = make_applicant(branch)
    response = client.post(f"/observers/{observer.id}/status?lang=en",
                           data={"status": "rejected", "reason": "  "})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert field_error(html, "reason") == "Give a reason for the rejection."
    db.session.refresh(observer)
    assert observer.status == "applied"
    assert observer.rejection_reason == ""
    assert len(history(observer)) == 1


def test_rejection_with_reason_is_kept(client, branch, coordinator, make_applicant):
    observer = make_applicant(branch)
    response = client.post(f"/observers/{observer.id}/status",
                           data={"status": "rejected", "reason": "Member of a commission"})
    assert response.status_code == 302
    db.session.refresh(observer)
    assert observer.status == "rejected"
    assert observer.rejection_reason == "Member of a commission"
    change = history(observer)[-1]
    assert (change.from_status, change.to_status, change.reason, change.actor_id) == (
        "applied", "rejected", "Member of a commission", coordinator.id)
    detail = client.get(f"/observers/{observer.id}").get_data(as_text=True)
    assert "Member of a commission" in detail
    assert coordinator.display_name in detail
    assert db.session.execute(select(OutboxMessage)).first() is None


def test_withdrawal_deactivates_the_account(client, branch, coordinator, make_applicant):
    observer = make_applicant(branch, "approved", actor=coordinator)
    assert observer.user is not None and observer.user.is_active
    response = client.post(f"/observers/{observer.id}/status",
                           data={"status": "withdrawn", "reason": "Moved abroad"})
    assert response.status_code == 302
    db.session.refresh(observer)
    assert observer.status == "withdrawn"
    assert observer.user.is_active is False


def test_invalid_transition_is_skipped_with_a_message(client, branch, make_applicant):
    observer = make_applicant(branch, "withdrawn")
    response = client.post(f"/observers/{observer.id}/status?lang=en",
                           data={"status": "rejected", "reason": "Too late"},
                           follow_redirects=True)
    assert response.status_code == 200
    html = unescape(response.get_data(as_text=True))
    assert f"{observer.full_name}: cannot go from withdrawn to rejected.".lower() in html.lower()
    db.session.refresh(observer)
    assert observer.status == "withdrawn"
    assert observer.rejection_reason == ""
    assert [c.to_status for c in history(observer)] == ["applied", "withdrawn"]


def test_bulk_change_skips_other_branches(client, branch, other_branch, make_applicant):
    first = make_applicant(branch)
    second = make_applicant(branch)
    foreign = make_applicant(other_branch)
    response = client.post("/observers/bulk", data={
        "observer_id": [str(first.id), str(second.id), str(foreign.id)],
        "status": "rejected", "reason": "Duplicate of another volunteer",
        "back": "/observers/?status=applied"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/observers/?status=applied")
    for observer in (first, second):
        db.session.refresh(observer)
        assert observer.status == "rejected"
        assert [(c.to_status, c.reason) for c in history(observer)][-1] == (
            "rejected", "Duplicate of another volunteer")
    db.session.refresh(foreign)
    assert foreign.status == "applied"
    assert len(history(foreign)) == 1


def test_bulk_approval_shows_every_invitation(client, branch, other_branch, make_applicant):
    chosen = [make_applicant(branch), make_applicant(branch)]
    foreign = make_applicant(other_branch)
    response = client.post("/observers/bulk", data={
        "observer_id": [str(o.id) for o in chosen] + [str(foreign.id)], "status": "approved"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert len(invitation_links(html)) == 2
    assert foreign.full_name not in html
    for observer in chosen:
        db.session.refresh(observer)
        assert observer.status == "approved"
        assert observer.user is not None
    db.session.refresh(foreign)
    assert foreign.status == "applied" and foreign.user is None


def test_bulk_without_selection_changes_nothing(client, branch, make_applicant):
    observer = make_applicant(branch)
    response = client.post("/observers/bulk?lang=en", data={"status": "withdrawn"},
                           follow_redirects=True)
    assert "Select at least one observer." in response.get_data(as_text=True)
    db.session.refresh(observer)
    assert observer.status == "applied"


def test_notes_are_added_and_shown_with_their_author(client, branch, coordinator,
                                                     make_applicant):
    observer = make_applicant(branch)
    response = client.post(f"/observers/{observer.id}/notes",
                           data={"body": "Called, speaks Kazakh fluently"})
    assert response.status_code == 302
    db.session.refresh(observer)
    assert [(n.body, n.author_id) for n in observer.notes] == [
        ("Called, speaks Kazakh fluently", coordinator.id)]
    html = client.get(f"/observers/{observer.id}").get_data(as_text=True)
    assert "Called, speaks Kazakh fluently" in html
    assert coordinator.display_name in html
    empty = client.post(f"/observers/{observer.id}/notes", data={"body": ""})
    assert empty.status_code == 400
    db.session.refresh(observer)
    assert len(observer.notes) == 1


# --- adding by hand, and the invitation ----------------------------------------------------

def test_coordinator_adds_an_observer_by_hand(client, branch, coordinator):
    data = applicant_data(branch_id=branch.id, channel="offline", campaign="", email="",
                          full_name="Paper Form Volunteer")
    response = client.post("/observers/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    observer = db.session.execute(select(Observer)).scalar_one()
    assert response.headers["Location"].endswith(f"/observers/{observer.id}")
    assert (observer.full_name, observer.branch_id, observer.channel, observer.status) == (
        "Paper Form Volunteer", branch.id, "offline", "applied")
    assert observer.consent_at is not None
    assert history(observer)[0].actor_id == coordinator.id

    duplicate = applicant_data(branch_id=branch.id, full_name="Someone Else Entirely",
                               phone="+7 702 999 88 77", email="else@example.org")
    response = client.post("/observers/new?lang=en", data=duplicate)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "An observer with this IIN or phone is already registered." in html
    assert input_value(html, "full_name") == "Someone Else Entirely"
    assert input_value(html, "iin") == duplicate["iin"]
    assert input_value(html, "phone") == "+7 702 999 88 77"
    assert db.session.scalar(select(func.count()).select_from(Observer)) == 1


def test_coordinator_cannot_add_to_another_branch(client, coordinator, other_branch):
    response = client.post("/observers/new", data=applicant_data(branch_id=other_branch.id))
    assert response.status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Observer)) == 0


def test_invitation_link_lets_the_observer_sign_in(client, branch, make_applicant):
    observer = make_applicant(branch)
    response = client.post(f"/observers/{observer.id}/status",
                           data={"status": "approved", "reason": ""})
    link = invitation_links(response.get_data(as_text=True))[0]
    path = link.split("://", 1)[1].split("/", 1)[1]
    client.post("/logout")

    assert client.get(f"/{path}").status_code == 200
    new_password = "a-long-enough-passphrase"
    response = client.post(f"/{path}", data={"password": new_password,
                                             "confirm": new_password})
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    # The link works once.
    assert client.get(f"/{path}").status_code == 404

    response = client.post("/login", data={"email": observer.email, "password": new_password})
    assert response.status_code == 302
    user = db.session.execute(select(User).where(User.email == observer.email)).scalar_one()
    assert user.password_hash
    assert client.get("/observers/").status_code == 403  # signed in, as an observer


def test_approved_account_has_no_password_until_the_link_is_used(client, branch,
                                                                  make_applicant):
    observer = make_applicant(branch, "approved")
    client.post("/logout")
    response = client.post("/login", data={"email": observer.email, "password": TEST_PASSWORD})
    assert response.status_code == 200  # the form again, with an error
    assert not observer.user.password_hash


def test_iin_of_an_existing_observer_in_another_branch_is_refused(client, branch, other_branch,
                                                                   make_applicant):
    theirs = make_applicant(other_branch)
    data = applicant_data(branch_id=branch.id, iin=theirs.iin,
                          birth_date=theirs.birth_date.isoformat(), phone="+7 702 123 45 67")
    response = client.post("/observers/new?lang=en", data=data)
    assert response.status_code == 200
    assert "already registered" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Observer)) == 1


# --- security: searching personal data, duplicates, redirects, e-mails ------------------------

def test_hq_search_reads_names_only(client, login, make_branch, make_applicant):
    observer = make_applicant(make_branch(), full_name="Aigerim Sadykova",
                              phone="+7 701 111 22 33", email="aigerim.s@example.org")
    login("hq")

    def found(q, url="/observers/"):
        return client.get(url, query_string={"q": q})

    assert listed_ids(found("Sadykova").get_data(as_text=True)) == [observer.id]
    for q in (observer.iin, observer.iin[:6], "701 111 22 33", "87011112233",
              "aigerim.s@example.org", "@example.org"):
        assert listed_ids(found(q).get_data(as_text=True)) == [], q
        export = found(q, "/observers/export.csv").get_data(as_text=True)
        assert "Aigerim Sadykova" not in export, q
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "observers.search_personal")) == 0


def test_a_search_of_personal_fields_is_audited_by_kind(client, branch, coordinator,
                                                        make_applicant):
    observer = make_applicant(branch, full_name="Aigerim Sadykova", phone="+7 701 111 22 33",
                              email="aigerim.s@example.org")
    for q in (observer.iin, "+7 701 111 22 33", "aigerim.s@"):
        assert listed_ids(client.get("/observers/", query_string={"q": q})
                          .get_data(as_text=True)) == [observer.id]
    client.get("/observers/export.csv", query_string={"q": observer.iin})
    client.get("/observers/", query_string={"q": "Sadykova"})  # a name: not audited
    entries = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "observers.search_personal").order_by(AuditEntry.id)).scalars().all()
    assert [(e.after["kind"], e.after["where"], e.actor_id) for e in entries] == [
        ("iin", "list", coordinator.id), ("phone", "list", coordinator.id),
        ("email", "list", coordinator.id), ("iin", "export", coordinator.id)]
    export = db.session.execute(select(AuditEntry).where(
        AuditEntry.action == "observer.export")).scalar_one()
    every_entry = db.session.execute(select(AuditEntry)).scalars().all()
    for entry in every_entry:
        logged = f"{entry.summary} {entry.before} {entry.after}"
        assert observer.iin not in logged and "111 22 33" not in logged
    assert export.after["search"] == "iin"


def _duplicate_page(client, observer, **overrides):
    data = applicant_data(branch_id=overrides.pop("branch_id"), iin=observer.iin,
                          birth_date=observer.birth_date.isoformat(), phone="+7 702 123 45 67",
                          full_name="Someone Else", email="else@example.org", **overrides)
    response = client.post("/observers/new?lang=en", data=data)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_duplicate_message_says_nothing_about_other_branches(client, branch, other_branch,
                                                                 make_applicant):
    theirs = make_applicant(other_branch)
    mine = make_applicant(branch)
    their_page = _duplicate_page(client, theirs, branch_id=branch.id)
    my_page = _duplicate_page(client, mine, branch_id=branch.id)

    def message(html):
        return re.search(r'<div class="alert alert-danger" role="alert">(.*?)</div>', html,
                         re.S).group(1).strip()

    assert message(their_page) == message(my_page)
    assert other_branch.name not in their_page
    assert f"/observers/{theirs.id}" not in their_page
    assert f"/observers/{mine.id}" in my_page  # one's own record may be opened
    assert db.session.scalar(select(func.count()).select_from(Observer)) == 2


@pytest.mark.parametrize("back", ["https://evil.example/phish", "//evil.example/x",
                                  "/\\evil.example", "javascript:alert(1)"])
def test_bulk_action_redirects_only_to_local_paths(client, branch, make_applicant, back):
    observer = make_applicant(branch)
    response = client.post("/observers/bulk", data={"status": "withdrawn", "reason": "",
                                                    "observer_id": str(observer.id),
                                                    "back": back})
    assert response.status_code == 302
    assert response.headers["Location"] == "/observers/"
    local = client.post("/observers/bulk", data={"status": "applied", "reason": "",
                                                 "observer_id": str(observer.id),
                                                 "back": "/observers/?status=withdrawn"})
    assert local.headers["Location"] == "/observers/?status=withdrawn"


def test_hq_does_not_see_the_account_e_mail(client, login, make_branch, make_applicant):
    observer = make_applicant(make_branch(), "approved", email="aigerim.account@example.org")
    assert observer.user.email == "aigerim.account@example.org"
    login("hq")
    html = client.get(f"/observers/{observer.id}").get_data(as_text=True)
    assert "aigerim.account@example.org" not in html
    assert observer.full_name in html


def test_coordinators_cannot_add_names_with_emoji(client, branch):
    response = client.post("/observers/new?lang=en",
                           data=applicant_data(branch_id=branch.id, full_name="Айгерим 💐"))
    assert response.status_code == 200
    assert field_error(response.get_data(as_text=True), "full_name")
    assert db.session.scalar(select(func.count()).select_from(Observer)) == 0
