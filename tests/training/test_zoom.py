"""Zoom participant reports: parsing, matching to observers, and attendance marking pages."""

import io
import re
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from observe.common.tabular import TableError
from observe.common.timezones import LOCAL_ZONE
from observe.extensions import db
from observe.observers.choices import Status
from observe.observers.models import Observer, StatusChange
from observe.training import services
from observe.training.models import Registration
from observe.training.zoom import (
    ZoomParticipant,
    match_participants,
    normalize_name,
    parse_zoom_report,
)

SUMMARY = (
    "Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants\n"
    '812 3456 7890,"Training, module 1",03/05/2024 10:00:00 AM,03/05/2024 12:02:00 PM,'
    "host@example.org,122,5\n"
    "\n"
)
PARTICIPANTS_HEADER = ("Name (Original Name),User Email,Join Time,Leave Time,"
                       "Duration (Minutes),Guest,Recording Consent\n")


def report(*rows: tuple[str, str, int], summary: bool = True, day: date = date(2024, 3, 5),
           meeting_id: str = "812 3456 7890") -> bytes:
    """A Zoom participant report with the given (name, email, minutes) rows, of a meeting held
    on `day` (written month first, as Zoom's English interface does)."""
    stamp = day.strftime("%m/%d/%Y")
    head = SUMMARY.replace("03/05/2024", stamp).replace("812 3456 7890", meeting_id)
    lines = [f'"{name}",{email},{stamp} 10:00:00 AM,{stamp} 11:00:00 AM,{minutes},No,Y\n'
             for name, email, minutes in rows]
    return ((head if summary else "") + PARTICIPANTS_HEADER + "".join(lines)).encode()


def local_day(session) -> date:
    return session.starts_at.astimezone(LOCAL_ZONE).date()


def session_report(session, *rows, **options) -> bytes:
    """A report of the session's own meeting: its day, its meeting ID."""
    options.setdefault("day", local_day(session))
    options.setdefault("meeting_id", session.zoom_meeting_id or "812 3456 7890")
    return report(*rows, **options)


def by_name(participants):
    return {p.name: p for p in participants}


# --- parsing ------------------------------------------------------------------------------


def test_reconnections_are_summed_and_the_summary_block_skipped():
    data = report(("Aigerim Serikova (Aigerim's iPhone)", "Aigerim@Example.org", 30),
                  ("Guest Speaker", "", 120),
                  ("Aigerim Serikova", "aigerim@example.org", 25),
                  ("Aigerim S.", "aigerim@example.org", 10),
                  ("иван  Петров", "", 20),
                  ("Иван Петров (iPad)", "", 15))
    people = parse_zoom_report(data, "participants_81234567890.csv")

    assert [p.name for p in people] == ["Aigerim Serikova", "Guest Speaker", "иван Петров"]
    aigerim = people[0]
    assert (aigerim.email, aigerim.minutes, aigerim.lines) == ("aigerim@example.org", 65,
                                                               [5, 7, 8])
    assert people[2].minutes == 35 and people[2].lines == [9, 10]
    assert "host@example.org" not in {p.email for p in people}  # the summary row


def test_a_name_only_row_joins_the_same_persons_email_rows():
    data = report(("Dana Bekova", "dana@example.org", 50), ("Dana Bekova", "", 20),
                  summary=False)
    (dana,) = parse_zoom_report(data, "report.csv")
    assert (dana.email, dana.minutes, dana.lines) == ("dana@example.org", 70, [2, 3])


def test_bom_semicolons_and_header_variants():
    text = ("Participant;Email;Join time;Leave time;Duration (minutes)\r\n"
            "Ерлан Жумабаев;erlan@example.org;10:00;10:40;40\r\n"
            "Ерлан Жумабаев;erlan@example.org;10:45;11:30;45\r\n")
    (erlan,) = parse_zoom_report(text.encode("utf-8-sig"), "report.csv")
    assert (erlan.name, erlan.minutes) == ("Ерлан Жумабаев", 85)


def test_russian_headers_in_windows_1251():
    text = ("Идентификатор конференции,Тема,Время начала,Время окончания,"
            "Электронная почта пользователя,Продолжительность (минуты),Участники\n"
            "81234567890,Обучение,05.03.2024 10:00,05.03.2024 12:00,host@example.org,120,2\n"
            "\n"
            "Имя (настоящее имя),Электронная почта пользователя,Время входа,Время выхода,"
            "Продолжительность (минуты),Гость\n"
            "Пётр Ёлкин (Петя),,05.03.2024 10:00,05.03.2024 11:10,70,Да\n"
            "Пётр Ёлкин,,05.03.2024 11:15,05.03.2024 11:20,5,Да\n")
    (petr,) = parse_zoom_report(text.encode("cp1251"), "отчёт.csv")
    assert (petr.name, petr.email, petr.minutes, petr.lines) == ("Пётр Ёлкин", "", 75, [5, 6])


def test_xlsx_report():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Meeting ID", "Topic", "Start Time", "End Time", "User Email",
                  "Duration (Minutes)", "Participants"])
    sheet.append([81234567890, "Training", "10:00", "12:00", "host@example.org", 120, 2])
    sheet.append([])
    sheet.append(["Name (Original Name)", "User Email", "Join Time", "Leave Time",
                  "Duration (Minutes)"])
    sheet.append(["Aigerim Serikova", "aigerim@example.org", "10:00", "10:30", 30])
    sheet.append(["Aigerim Serikova", "aigerim@example.org", "10:35", "11:40", 65.0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    (aigerim,) = parse_zoom_report(buffer.getvalue(), "participants.xlsx")
    assert (aigerim.minutes, aigerim.lines) == (95, [5, 6])


@pytest.mark.parametrize("data, filename", [
    pytest.param("ФИО,Телефон,Город\nИванов Иван,+77010000000,Караганда\n".encode(),
                 "roster.csv", id="csv-without-participant-columns"),
    pytest.param(SUMMARY.encode(), "summary.csv", id="summary-block-only"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "report.csv",
                 id="png-bytes"),
    pytest.param(b"", "report.csv", id="empty"),
    pytest.param(b"  \r\n\r\n", "report.csv", id="blank-lines"),
    pytest.param(b"Name,Email,Duration\n", "report.xlsx", id="text-named-xlsx"),
    pytest.param(b"just some words without columns", "notes.csv", id="plain-text"),
    pytest.param(PARTICIPANTS_HEADER.encode(), "report.csv", id="header-without-rows"),
])
def test_wrong_files_are_refused(data, filename):
    with pytest.raises(TableError) as caught:
        parse_zoom_report(data, filename)
    assert str(caught.value)


def test_normalized_names():
    assert normalize_name("  Пётр   ЁЛКИН-Smith. ") == "петр елкинsmith"
    assert ZoomParticipant.from_dict(ZoomParticipant("A", "a@b.kz", 3, [2]).to_dict()) == \
        ZoomParticipant("A", "a@b.kz", 3, [2])


# --- matching -----------------------------------------------------------------------------


def participant(name, email="", minutes=90):
    return ZoomParticipant(name=name, email=email, minutes=minutes, lines=[2])


def test_match_by_email_then_name_in_any_order(make_branch, make_session, make_trainee):
    branch, other = make_branch(), make_branch()
    session = make_session(branch, min_attendance_minutes=60)
    aigerim = make_trainee(branch, full_name="Серикова Айгерим Маратовна",
                           email="aigerim@example.org")
    petr = make_trainee(branch, full_name="Ёлкин Пётр")
    by_account = make_trainee(branch, full_name="Бекова Дана")
    short = make_trainee(branch, full_name="Жумабаев Ерлан")
    absent = make_trainee(branch, full_name="Оспанов Арман")
    make_trainee(other, full_name="Касымова Алия", email="aliya@example.org")
    for observer in (aigerim, petr, absent):
        services.register(session, observer)
    db.session.commit()

    people = [participant("Aika", "AIGERIM@example.org"),
              participant("петр   елкин"),
              participant("Dana's laptop", by_account.user.email.upper()),
              participant("Erlan", "", 10), participant("ерлан жумабаев", minutes=40),
              participant("Касымова Алия", "aliya@example.org"),  # another branch
              participant("Unknown Guest", "guest@example.org")]
    match = match_participants(session, people)

    found = {m.observer.id: m for m in match.matched}
    assert set(found) == {aigerim.id, petr.id, by_account.id, short.id}
    assert found[aigerim.id].attended and found[aigerim.id].registered
    assert found[petr.id].participant.name == "петр   елкин"
    assert not found[by_account.id].registered  # approved, not registered: still found
    assert found[short.id].minutes == 40 and found[short.id].attended is False
    assert [p.name for _pos, p in match.unmatched] == ["Erlan", "Касымова Алия",
                                                       "Unknown Guest"]
    assert [o.id for o in match.absent] == [absent.id]
    marks = {m.observer_id: m for m in match.marks()}
    assert marks[absent.id].attended is False and marks[absent.id].minutes == 0
    assert marks[short.id].attended is False and marks[short.id].minutes == 40


def test_an_ambiguous_name_prefers_the_registered_observer(make_branch, make_session,
                                                           make_trainee):
    branch = make_branch()
    session = make_session(branch)
    first = make_trainee(branch, full_name="Ахметов Нурлан")
    second = make_trainee(branch, full_name="Нурлан Ахметов")
    match = match_participants(session, [participant("Nurlan"), participant("Нурлан Ахметов")])
    assert match.matched == [] and len(match.unmatched) == 2  # two candidates: not guessed

    services.register(session, second)
    db.session.commit()
    match = match_participants(session, [participant("Нурлан Ахметов")])
    assert [m.observer.id for m in match.matched] == [second.id]
    assert first.id not in {o.id for o in match.absent}


def test_a_national_session_matches_observers_of_every_branch(make_branch, make_session,
                                                              make_trainee):
    session = make_session(None)
    observer = make_trainee(make_branch(), full_name="Касымова Алия")
    make_trainee(make_branch(), full_name="Applied Person", status=Status.APPLIED)
    match = match_participants(session, [participant("алия касымова"),
                                         participant("Applied Person")])
    assert [m.observer.id for m in match.matched] == [observer.id]
    assert [p.name for _pos, p in match.unmatched] == ["Applied Person"]


# --- pages --------------------------------------------------------------------------------


def upload(client, session, data, filename="participants.csv"):
    return client.post(f"/training/sessions/{session.id}/attendance/zoom?lang=en",
                       data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def row_for(page: str, name: str) -> str:
    found = re.search(r'<label[^>]*for="(row_\d+)"[^>]*>Observer for “' + re.escape(name), page)
    assert found, page
    return found.group(1)


def test_zoom_import_previews_then_saves_on_confirm(client, login_as, make_user, make_branch,
                                                    make_session, make_trainee):
    branch = make_branch()
    session = make_session(branch, min_attendance_minutes=60)
    assert all(not m.questions for m in session.modules) and len(session.modules) == 4
    aigerim = make_trainee(branch, full_name="Серикова Айгерим", email="aigerim@example.org")
    dana = make_trainee(branch, full_name="Бекова Дана")
    arman = make_trainee(branch, full_name="Оспанов Арман")
    for observer in (aigerim, dana, arman):
        services.register(session, observer)
    db.session.commit()
    login_as(make_user("coordinator", branch=branch))

    data = session_report(session, ("Aika (Aigerim's phone)", "aigerim@example.org", 40),
                          ("Aika", "aigerim@example.org", 35),
                          ("Samsung SM-A515F", "", 70),
                          ("Zoom Guest", "guest@example.org", 90))
    response = upload(client, session, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Check the Zoom report" in page and "Серикова Айгерим" in page
    assert "Оспанов Арман" in page  # registered, not in the report
    db.session.expire_all()
    assert all(r.attended is None for r in db.session.execute(select(Registration)).scalars())

    token = re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', page)
    phone_row, guest_row = row_for(page, "Samsung SM-A515F"), row_for(page, "Zoom Guest")
    response = client.post(f"/training/sessions/{session.id}/attendance/zoom/confirm",
                           data={"token": token.group(1), phone_row: str(dana.id),
                                 guest_row: ""})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/training/sessions/{session.id}")

    db.session.expire_all()
    marks = {r.observer_id: r for r in db.session.execute(select(Registration)).scalars()}
    assert len(marks) == 3
    assert (marks[aigerim.id].attended, marks[aigerim.id].minutes,
            marks[aigerim.id].attendance_source) == (True, 75, "zoom")
    assert (marks[dana.id].attended, marks[dana.id].minutes) == (True, 70)
    assert (marks[arman.id].attended, marks[arman.id].minutes) == (False, 0)
    for observer, certified in ((aigerim, True), (dana, True), (arman, False)):
        observer = db.session.get(Observer, observer.id)
        assert (observer.status == Status.CERTIFIED.value) is certified
        changes = db.session.execute(select(StatusChange).where(
            StatusChange.observer_id == observer.id,
            StatusChange.to_status == Status.CERTIFIED.value)).scalars().all()
        assert len(changes) == (1 if certified else 0)

    # The stored report is gone after confirmation: confirming again saves nothing twice.
    again = client.post(f"/training/sessions/{session.id}/attendance/zoom/confirm?lang=en",
                        data={"token": token.group(1)}, follow_redirects=True)
    assert "no longer available" in again.get_data(as_text=True)


def test_a_wrong_file_is_refused_on_the_attendance_page(client, login_as, make_user,
                                                        make_branch, make_session,
                                                        make_trainee):
    branch = make_branch()
    session = make_session(branch)
    services.register(session, make_trainee(branch))
    db.session.commit()
    login_as(make_user("coordinator", branch=branch))
    response = upload(client, session, b"\x89PNG\r\n\x1a\n\x00\x00", "report.csv")
    assert response.status_code == 200
    assert "This file is not a spreadsheet" in response.get_data(as_text=True)
    response = upload(client, session, "ФИО,Телефон\nИванов,1\n".encode(), "roster.csv")
    assert "No participants table was found" in response.get_data(as_text=True)
    response = upload(client, session, b"%PDF-1.4", "report.pdf")
    assert "Upload a CSV or XLSX file." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.execute(select(Registration.attended)).scalar_one() is None


def test_mark_the_whole_list_attended_then_one_absent(client, login_as, make_user, make_branch,
                                                      make_session, make_trainee):
    branch = make_branch()
    session = make_session(branch)
    observers = [make_trainee(branch) for _ in range(3)]
    for observer in observers:
        services.register(session, observer)
    db.session.commit()
    login_as(make_user("coordinator", branch=branch))

    page = client.get(f"/training/sessions/{session.id}/attendance?lang=en")
    assert page.status_code == 200 and "Mark everyone attended" in page.get_data(as_text=True)
    response = client.post(f"/training/sessions/{session.id}/attendance",
                           data={"all_attended": "Mark everyone attended"})
    assert response.status_code == 302
    db.session.expire_all()
    rows = db.session.execute(select(Registration)).scalars().all()
    assert [(r.attended, r.attendance_source) for r in rows] == [(True, "manual")] * 3
    assert all(db.session.get(Observer, o.id).status == Status.CERTIFIED.value
               for o in observers)

    first = observers[0]
    client.post(f"/training/sessions/{session.id}/attendance",
                data={f"observer_{first.id}": "0", "save": "Save attendance",
                      **{f"observer_{o.id}": "1" for o in observers[1:]}})
    db.session.expire_all()
    assert {r.observer_id: r.attended for r in db.session.execute(
        select(Registration)).scalars()} == {first.id: False, observers[1].id: True,
                                             observers[2].id: True}
    page = client.get(f"/training/sessions/{session.id}?lang=en").get_data(as_text=True)
    assert f"/training/sessions/{session.id}/attendance" in page  # the session page's button


def test_access(client, login_as, make_user, make_branch, make_session, make_trainee):
    mine, theirs = make_branch(), make_branch()
    session, national = make_session(mine), make_session(None)
    observer = make_trainee(mine)
    services.register(national, observer)
    db.session.commit()
    paths = [f"/training/sessions/{session.id}/attendance",
             f"/training/sessions/{session.id}/attendance/zoom",
             f"/training/sessions/{session.id}/attendance/zoom/confirm"]

    assert client.get(paths[0]).headers["Location"].startswith("/login")
    assert client.post(paths[1]).headers["Location"].startswith("/login")

    login_as(make_user("coordinator", branch=theirs))
    assert client.get(paths[0]).status_code == 404
    assert client.post(paths[1]).status_code == 404
    assert client.post(paths[2]).status_code == 404
    assert client.get(f"/training/sessions/{national.id}/attendance").status_code == 403

    login_as(observer.user)
    assert client.get(paths[0]).status_code == 403
    assert client.post(paths[2]).status_code == 403

    login_as(make_user("hq"))
    assert client.get(f"/training/sessions/{national.id}/attendance").status_code == 200
    response = client.post(f"/training/sessions/{national.id}/attendance",
                           data={f"observer_{observer.id}": "1", "save": "Save"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.execute(select(Registration.attended)).scalar_one() is True


# --- the report must be of the session's meeting -------------------------------------------


@pytest.mark.parametrize("text, days", [
    ("03/01/2023 10:00:00 AM", {date(2023, 3, 1), date(2023, 1, 3)}),  # month first, or not
    ("11/26/2026 06:00:00 PM", {date(2026, 11, 26)}),
    ("26.11.2026 18:00", {date(2026, 11, 26)}),
    ("2026-11-26 18:00:00", {date(2026, 11, 26)}),
    ("2026-11-26T20:30:00Z", {date(2026, 11, 27)}),  # 01:30 the next day in Almaty
    ("10:00", set()),
    ("", set()),
])
def test_meeting_days(text, days):
    from observe.training.zoom import meeting_days

    assert meeting_days(text) == days


def test_report_meeting_and_day_are_read():
    from observe.training.zoom import read_zoom_report

    read = read_zoom_report(report(("A B", "", 60), day=date(2023, 3, 1)), "report.csv")
    assert read.meeting_id == "81234567890"
    assert date(2023, 3, 1) in read.days
    # Without the summary block, the join times tell the day.
    read = read_zoom_report(report(("A B", "", 60), summary=False, day=date(2026, 11, 26)),
                            "report.csv")
    assert (read.meeting_id, read.days) == ("", {date(2026, 11, 26)})


def _hand_marked_offline_session(make_session, make_branch, make_trainee, make_user):
    """The field trial: an offline session whose three observers were marked present by hand."""
    branch = make_branch()
    coordinator = make_user("coordinator", branch=branch)
    session = make_session(branch, online=False, zoom_url="", zoom_meeting_id="",
                           zoom_passcode="", venue="Молодёжный центр", address="Бухар-Жырау 47")
    people = [make_trainee(branch, full_name=name)
              for name in ("Серикова Айгерим", "Бекова Дана", "Оспанов Арман")]
    for observer in people:
        services.register(session, observer)
    services.mark_attendance(session, [services.AttendanceMark(o.id, True) for o in people],
                             actor=coordinator)
    db.session.commit()
    return session, people, coordinator


def test_a_report_of_another_day_is_refused(client, login_as, make_user, make_branch,
                                            make_session, make_trainee):
    session, people, coordinator = _hand_marked_offline_session(make_session, make_branch,
                                                                make_trainee, make_user)
    login_as(coordinator)
    data = report(("Серикова Айгерим", "", 5), ("Zoom Guest", "", 90), day=date(2023, 3, 1))
    response = upload(client, session, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    # 03/01/2023 may be the 1st of March or the 3rd of January: shown as the report writes it.
    assert "This report is of a meeting held on 03/01/2023, but the session was held on" in page
    assert "Check the Zoom report" not in page and 'name="token"' not in page
    db.session.expire_all()
    marks = db.session.execute(select(Registration.attended, Registration.attendance_source)
                               ).all()
    assert sorted(marks) == [(True, "manual")] * 3


def test_a_report_of_another_meeting_is_refused(client, login_as, make_user, make_branch,
                                                make_session, make_trainee):
    branch = make_branch()
    session = make_session(branch, zoom_meeting_id="123 456 789")
    services.register(session, make_trainee(branch, full_name="Бекова Дана"))
    db.session.commit()
    login_as(make_user("coordinator", branch=branch))
    data = session_report(session, ("Бекова Дана", "", 90), meeting_id="987 654 321")
    page = upload(client, session, data).get_data(as_text=True)
    assert "This report is of the Zoom meeting 987654321" in page
    assert "Check the Zoom report" not in page
    # The same day and meeting (its ID written with or without spaces) is accepted.
    data = session_report(session, ("Бекова Дана", "", 90), meeting_id="123456789")
    assert "Check the Zoom report" in upload(client, session, data).get_data(as_text=True)


def test_a_report_without_a_date_is_refused(client, login_as, make_user, make_branch,
                                            make_session, make_trainee):
    branch = make_branch()
    session = make_session(branch)
    login_as(make_user("coordinator", branch=branch))
    data = ("Participant;Email;Join time;Leave time;Duration (minutes)\r\n"
            "Ерлан Жумабаев;erlan@example.org;10:00;10:40;40\r\n").encode()
    page = upload(client, session, data).get_data(as_text=True)
    assert "The report does not say when the meeting was held" in page


def test_zoom_keeps_hand_marked_present_unless_ticked(client, login_as, make_user, make_branch,
                                                      make_session, make_trainee):
    session, (aigerim, dana, arman), coordinator = _hand_marked_offline_session(
        make_session, make_branch, make_trainee, make_user)
    login_as(coordinator)
    # The report of the same day has Aigerim for 90 minutes and Dana for 5; Arman is missing.
    data = session_report(session, ("Серикова Айгерим", "", 90), ("Бекова Дана", "", 5))
    page = upload(client, session, data).get_data(as_text=True)
    assert "Marked attended by hand, absent in the report" in page
    assert page.count("kept attended (marked by hand)") == 2
    token = re.search(r'name="token" type="hidden" value="([0-9a-f]{32})"', page).group(1)

    # Confirmed with Arman ticked: he is marked absent; Dana stays present (by hand).
    response = client.post(f"/training/sessions/{session.id}/attendance/zoom/confirm",
                           data={"token": token, "overwrite": [str(arman.id)]})
    assert response.status_code == 302
    db.session.expire_all()
    marks = {r.observer_id: (r.attended, r.attendance_source)
             for r in db.session.execute(select(Registration)).scalars()}
    assert marks == {aigerim.id: (True, "zoom"), dana.id: (True, "manual"),
                     arman.id: (False, "zoom")}
