"""A coordinator sees and marks only their own branch's observers, on national sessions too."""

import io
import re

import pytest
from sqlalchemy import select

from observe.extensions import db
from observe.training import services
from observe.training.models import Registration
from tests.training.test_zoom import session_report


def _national_session_with_two_branches(make_session, make_branch, make_trainee, make_user):
    mine, theirs = make_branch(), make_branch()
    session = make_session(None, title="Общенациональный вебинар")
    own = [make_trainee(mine, full_name=n) for n in ("Серикова Айгерим", "Бекова Дана")]
    foreign = [make_trainee(theirs, full_name=n)
               for n in ("Ахметов Нурлан", "Касымова Алия", "Жумабаев Ерлан")]
    for observer in own + foreign:
        services.register(session, observer)
    services.mark_attendance(session, [services.AttendanceMark(o.id, True, 90)
                                       for o in own + foreign], actor=make_user("hq"))
    db.session.commit()
    return session, mine, own, foreign


def test_a_coordinator_sees_only_their_branch_on_a_national_session(
        client, login, login_as, make_user, make_branch, make_session, make_trainee):
    session, mine, own, foreign = _national_session_with_two_branches(
        make_session, make_branch, make_trainee, make_user)
    login_as(make_user("coordinator", branch=mine))
    page = client.get(f"/training/sessions/{session.id}?lang=en").get_data(as_text=True)
    for observer in own:
        assert observer.full_name in page and f"/observers/{observer.id}\"" in page
    for observer in foreign:
        assert observer.full_name not in page and f"/observers/{observer.id}\"" not in page
    assert "and 3 from other branches" in page
    # Every link on the page opens for them.
    for path in set(re.findall(r'href="(/observers/\d+)"', page)):
        assert client.get(path).status_code == 200

    login_as(make_user("hq"))
    page = client.get(f"/training/sessions/{session.id}?lang=en").get_data(as_text=True)
    assert all(o.full_name in page for o in own + foreign)
    assert "from other branches" not in page


@pytest.fixture
def moved_observer(make_branch, make_session, make_trainee, make_user):
    """A branch session with one observer of the branch and one who has since moved away."""
    mine, theirs = make_branch(), make_branch()
    session = make_session(mine)
    stays = make_trainee(mine, full_name="Серикова Айгерим")
    moved = make_trainee(mine, full_name="Ахметов Нурлан")
    for observer in (stays, moved):
        services.register(session, observer)
    moved.branch_id = theirs.id  # transferred to another branch after registering
    db.session.commit()
    return session, mine, stays, moved


def test_the_attendance_page_lists_and_marks_only_the_branchs_observers(
        client, login_as, make_user, moved_observer):
    session, mine, stays, moved = moved_observer
    coordinator = login_as(make_user("coordinator", branch=mine))
    page = client.get(f"/training/sessions/{session.id}/attendance?lang=en").get_data(
        as_text=True)
    assert stays.full_name in page and moved.full_name not in page

    client.post(f"/training/sessions/{session.id}/attendance",
                data={"all_absent": "Mark everyone absent"})
    client.post(f"/training/sessions/{session.id}/attendance",
                data={f"observer_{moved.id}": "1", "save": "Save"})
    db.session.expire_all()
    marks = {r.observer_id: r.attended for r in db.session.execute(select(Registration))
             .scalars()}
    assert marks == {stays.id: False, moved.id: None}

    with pytest.raises(services.TrainingError):
        services.mark_attendance(session, [services.AttendanceMark(moved.id, True)],
                                 actor=coordinator)
    db.session.rollback()


def test_the_zoom_preview_matches_only_the_branchs_observers(client, login_as, make_user,
                                                             moved_observer):
    session, mine, stays, moved = moved_observer
    login_as(make_user("coordinator", branch=mine))
    data = session_report(session, ("Серикова Айгерим", "", 90), ("Ахметов Нурлан", "", 90))
    response = client.post(f"/training/sessions/{session.id}/attendance/zoom?lang=en",
                           data={"file": (io.BytesIO(data), "participants.csv")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert "Check the Zoom report" in page
    matched = page[page.index('id="zoom-matched"'):page.index("</table>",
                                                               page.index('id="zoom-matched"'))]
    assert stays.full_name in matched and moved.full_name not in matched
    assert f'value="{moved.id}"' not in page  # not offered for a hand match either
