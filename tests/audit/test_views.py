"""The audit log page: admins only, filters, before and after."""

import re

import pytest

from observe.audit.services import record
from observe.auth import services as auth_services
from observe.extensions import db


def page_text(response) -> str:
    return response.get_data(as_text=True)


ROW = re.compile(r'<td class="text-nowrap">[^<]*</td>\s*<td>([^<]*)(?:<br>.*?)?</td>\s*'
                 r'<td><span class="audit-action" title="([^"]+)">', re.S)


def rows(response) -> list[tuple[str, str]]:
    """(who, action) for each entry listed."""
    return ROW.findall(page_text(response))


def listed_actions(response) -> list[str]:
    return [action for _who, action in rows(response)]


@pytest.fixture
def history(make_user, make_branch):
    """Two admins, each changing something; returns the people and objects involved."""
    first, second = make_user("admin"), make_user("admin")
    branch = make_branch(name="Karaganda test branch")
    observer = make_user("observer", branch=branch)
    other = make_user("observer", branch=branch)
    auth_services.update_user(observer, role="coordinator", actor=first)
    auth_services.set_active(other, False, actor=second)
    db.session.commit()
    return {"first": first, "second": second, "observer": observer, "other": other}


@pytest.mark.parametrize("role", ["hq", "coordinator", "observer"])
def test_only_admins_open_the_audit_log(client, login, role):
    login(role)
    assert client.get("/admin/audit/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/audit/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_admin_sees_entries_newest_first_with_before_and_after(client, login, history):
    login("admin")
    response = client.get("/admin/audit/?lang=en")
    assert response.status_code == 200
    actions = listed_actions(response)
    assert actions[0] == "auth.login"  # the admin's own sign-in, the newest entry
    assert {"user.create", "user.update", "branch.create"} <= set(actions)
    html = page_text(response)
    assert change_lines(response) >= {"Role: Observer → Coordinator", "Active: Yes → No"}
    assert '"role"' not in html and "{" not in text_of_changes(html)


def text_of_changes(html: str) -> str:
    return " ".join(re.findall(r'<ul class="list-unstyled small mb-0 audit-changes">(.*?)</ul>',
                               html, re.S))


def change_lines(response) -> set[str]:
    """Each change as the reader sees it: "Field: before → after"."""
    items = re.findall(r"<li>(.*?)</li>", text_of_changes(page_text(response)), re.S)
    return {" ".join(re.sub(r"<[^>]+>", "", item).split()) for item in items}


def test_actions_are_named_in_words_and_unknown_codes_stay_readable(client, login, make_user):
    login("admin")
    observer = make_user("observer")
    record("assignment.create", observer, after={"shift": "full_day", "station_id": 7})
    record("assignment.confirmed", observer, before={"status": "assigned"},
           after={"status": "confirmed"})
    record("something.new", observer)
    db.session.commit()
    response = client.get(f"/admin/audit/?object_type=user_account&object_id={observer.id}"
                          "&lang=en")
    html = page_text(response)
    labels = re.findall(r'<span class="audit-action" title="[^"]+">([^<]+)</span>', html)
    assert labels[:3] == ["something.new", "Assignment confirmed by the observer",
                          "Observer assigned to a station"]
    assert {"Status: assigned → confirmed", "Shift: full_day", "Station: 7"} <= \
        change_lines(response)
    assert "Account created" in labels
    # The filter offers the actions by name, and a code in the address still filters.
    assert re.search(r'<option value="assignment.create"\s*>Observer assigned to a station<', html)


def test_filter_by_actor(client, login, history):
    login("admin")
    response = client.get(f"/admin/audit/?actor={history['second'].id}")
    assert rows(response) == [(history["second"].email, "user.update")]
    response = client.get(f"/admin/audit/?actor={history['first'].id}")
    assert rows(response) == [(history["first"].email, "user.update")]


def test_filter_by_object(client, login, history):
    login("admin")
    observer = history["observer"]
    response = client.get(f"/admin/audit/?object_type=user_account&object_id={observer.id}")
    assert listed_actions(response) == ["user.update", "user.create"]
    html = page_text(response)
    assert f"user_account {observer.id}</a>" in html
    assert f"user_account {history['other'].id}</a>" not in html


def test_filter_by_action_prefix(client, login, history):
    login("admin")
    response = client.get("/admin/audit/?action=branch.")
    assert listed_actions(response) == ["branch.create"]


def test_entries_without_an_actor_or_object_are_shown(client, login):
    login("admin")
    record("auth.throttled", object_type="request", summary="POST /login")
    db.session.commit()
    response = client.get("/admin/audit/?object_type=request")
    assert rows(response) == [("—", "auth.throttled")]
    assert "POST /login" in page_text(response)


def test_a_bad_page_number_does_not_fail(client, login, history):
    login("admin")
    assert client.get("/admin/audit/?page=999").status_code == 200
    assert client.get("/admin/audit/?page=abc&actor=xyz").status_code == 200


def test_long_log_is_paged(client, login):
    login("admin")
    for number in range(60):
        record("test.event", object_type="thing", object_id=number, summary=f"event {number}")
    db.session.commit()
    first = client.get("/admin/audit/?object_type=thing&lang=en")
    assert first.status_code == 200
    assert len(rows(first)) == 50
    assert "page=2" in page_text(first) and "Next" in page_text(first)
    second = client.get("/admin/audit/?object_type=thing&page=2&lang=en")
    assert second.status_code == 200
    assert len(rows(second)) == 10
    assert "Previous" in page_text(second)
    assert "object_type=thing" in page_text(second)  # the filters are kept across pages
