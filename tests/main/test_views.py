"""The home page leads each role to its main job, with counts; the health check."""

import re
from datetime import timedelta
from types import SimpleNamespace

import pytest

from observe.assignments.services import Proposal, assign_observer
from observe.audit.services import record
from observe.common.db import utcnow
from observe.extensions import db


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_does_not(tmp_path):
    from tests.conftest import build_app

    down = build_app("postgresql+psycopg://postgres@127.0.0.1:1/nothing",
                     SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"connect_timeout": 2}})
    response = down.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unavailable"}


def test_index_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_signed_in_home_lists_what_the_role_can_open(client, login):
    login("coordinator")
    page = client.get("/?lang=en").get_data(as_text=True)
    assert "Branches" in page
    assert "Manage users" not in page


def counts(page: str) -> dict[str, int]:
    return {name: int(value) for name, value in
            re.findall(r'data-count="(\w+)">(\d+)<', page)}


def home(client) -> str:
    response = client.get("/?lang=en")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def make_session(branch, actor, title, days=3):
    from observe.training.services import create_session

    starts = utcnow() + timedelta(days=days)
    return create_session(branch_id=branch.id if branch else None, title=title, online=True,
                          zoom_url="https://zoom.us/j/1", starts_at=starts,
                          ends_at=starts + timedelta(hours=2), capacity=10,
                          min_attendance_minutes=60, actor=actor)


@pytest.fixture
def world(make_branch, make_user, make_election, make_station, make_certified):
    """A Karaganda branch with a coordinator, an election of three stations in its region (one
    covered all day), a certified observer assigned there, and a branch training session."""
    branch = make_branch(region="karaganda", name="Karaganda branch")
    other = make_branch(region="almaty", name="Almaty branch")
    coordinator = make_user("coordinator", branch=branch)
    election = make_election(name="Mazhilis 2027")
    stations = [make_station(election, number=number, address=f"Erubaeva St {number}")
                for number in ("0341", "0342", "0343")]
    make_station(election, number="0100", region="almaty")
    observer = make_certified(branch, full_name="Aigerim Sadykova")
    assignment = assign_observer(Proposal(observer, stations[1], "stationary", "full_day"),
                                 actor=coordinator)
    session = make_session(branch, coordinator, "Rights and duties of an observer")
    make_session(other, make_user("hq"), "Almaty only")
    db.session.commit()
    return SimpleNamespace(branch=branch, other=other, coordinator=coordinator,
                           election=election, observer=observer, assignment=assignment,
                           session=session)


def test_observer_home_shows_the_assignment_to_confirm_first(client, login, world):
    login(user=world.observer.user)
    page = home(client)
    card = page.index('id="home-assignment"')
    assert card < page.index("Everything else")  # not hidden behind the menu on a phone
    assert "Station 0342" in page and "Erubaeva St 0342" in page
    assert "07:00–20:00 local time" in page and "Whole day, including the count" in page
    confirm = f'action="/assignments/mine/{world.assignment.id}/confirm"'
    assert confirm in page

    response = client.post(f"/assignments/mine/{world.assignment.id}/confirm")
    assert response.status_code == 302
    page = home(client)
    assert f'data-assignment="{world.assignment.id}" data-status="confirmed"' in page
    assert confirm not in page


def test_observer_home_shows_upcoming_trainings(client, login, world):
    login(user=world.observer.user)
    page = home(client)
    assert counts(page)["sessions"] == 1  # their branch's session, not Almaty's
    assert "Rights and duties of an observer" in page and "Almaty only" not in page
    assert "Certified" in page


def test_observer_without_an_assignment_is_told_so(client, login, make_branch, make_certified):
    observer = make_certified(make_branch())
    login(user=observer.user)
    page = home(client)
    assert "You have no assignment yet" in page
    assert "/assignments/mine/" not in page


def test_coordinator_home_counts_applications_sessions_and_uncovered_stations(
        client, login, world, make_applicant):
    for _ in range(2):
        make_applicant(world.branch, "applied")
    make_applicant(world.other, "applied")
    login(user=world.coordinator)
    page = home(client)
    assert counts(page) == {"waiting": 2, "sessions": 1, "uncovered": 2}
    assert "of 3 stations not covered for the whole day" in page
    assert 'href="/observers/?status=applied"' in page
    assert f'href="/assignments/{world.election.id}"' in page  # the board
    assert f'href="/assignments/{world.election.id}/coverage"' in page
    assert page.index('id="home-applications"') < page.index("Everything else")


def test_hq_home_shows_elections_coverage_and_training_numbers(client, login, world):
    login("hq")
    page = home(client)
    assert "Mazhilis 2027" in page and "4 stations" in page
    found = counts(page)
    assert (found["full"], found["partial"], found["none"]) == (1, 0, 3)  # every region
    assert found["certified"] == 1
    assert f'href="/assignments/{world.election.id}/coverage"' in page
    assert 'href="/training/numbers"' in page


def test_admin_home_counts_users_branches_and_the_audit_log(client, login, make_user,
                                                           make_branch):
    make_branch(is_active=False)
    gone = make_user("hq")
    gone.is_active = False
    locked = make_user("hq")
    locked.locked_until = utcnow() + timedelta(minutes=10)
    record("auth.login_failed", object_type="user_account", summary="someone")
    db.session.commit()
    login("admin")
    found = counts(home(client))
    assert found["inactive_users"] == 1 and found["locked_users"] == 1
    assert found["active_users"] == 2  # the locked one and the admin
    assert (found["active_branches"], found["inactive_branches"]) == (0, 1)
    assert found["failed_sign_ins"] == 1
    assert found["audit_entries"] >= 5  # the accounts, the branch, the sign-ins


def test_the_language_links_survive_a_query_argument_named_like_a_path_argument(client, login):
    login("admin")
    response = client.get("/branches/?branch_id=5&region=karaganda&region=almaty")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "lang=kk" in page and page.count("region=almaty") >= 1


def test_a_repeated_path_argument_in_the_query_is_not_a_500(client, login, make_election):
    login("admin")
    election = make_election()
    response = client.get(f"/assignments/{election.id}?election_id={election.id}")
    assert response.status_code == 200
