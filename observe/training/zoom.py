"""Zoom's participant report: read it, add up each person's minutes, match people to observers.

Zoom exports the report as CSV (sometimes re-saved as XLSX). It may start with a meeting summary
block (its own header, one values row and a blank line) before the participants table, and one
person has a row per connection, so reconnections are summed here. A report must be of the
session's day (read in Asia/Almaty) and, when both say it, of its Zoom meeting ID. Nothing is
stored: the view shows the result and marks attendance through `services.mark_attendance` once
confirmed, which keeps hand-marked "attended" marks unless they are ticked on the preview.
"""

import csv
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from observe.common.tabular import (
    XLSX_MAGIC,
    TableError,
    csv_rows,
    decode_text,
    normalize_header,
    xlsx_rows,
)
from observe.common.timezones import LOCAL_ZONE
from observe.extensions import db
from observe.observers.choices import ACCEPTED
from observe.observers.models import Observer
from observe.permissions import scope_to_branch
from observe.training.models import Registration, TrainingSession
from observe.training.services import MANUAL, AttendanceMark, TrainingError

DELIMITERS = (",", ";", "\t")

# Headers of the participants table as Zoom writes them (English and Russian interfaces),
# compared after normalize_header (case, spaces and punctuation ignored). Only exact matches
# count: the summary block's "Participants" column must not pass for a name column.
NAME_HEADERS = ("Name (Original Name)", "Name", "Participant", "Participant Name",
                "Display Name", "Имя (настоящее имя)", "Имя (исходное имя)", "Имя",
                "Участник", "Имя участника", "Аты (шын аты)", "Қатысушы")
EMAIL_HEADERS = ("User Email", "Email", "E-mail", "Participant Email",
                 "Электронная почта пользователя", "Электронная почта",
                 "Адрес электронной почты пользователя", "Эл. почта", "Пайдаланушының эл. поштасы")
DURATION_HEADERS = ("Duration (Minutes)", "Duration", "Total Duration (Minutes)",
                    "Time in Session (minutes)", "Продолжительность (минуты)",
                    "Продолжительность (мин)", "Продолжительность", "Длительность (минуты)",
                    "Длительность", "Ұзақтығы (минут)", "Ұзақтығы")

# The meeting summary block (above the participants) and the participants' join times: they
# tell which meeting, and which day, the report is of.
MEETING_ID_HEADERS = ("Meeting ID", "ID", "Идентификатор", "Идентификатор конференции",
                      "ID конференции", "Идентификатор встречи", "Конференция идентификаторы",
                      "Кездесу идентификаторы")
START_HEADERS = ("Start Time", "Время начала", "Басталу уақыты")
JOIN_HEADERS = ("Join Time", "Время входа", "Время подключения", "Қосылу уақыты",
                "Кіру уақыты")

_NAME_KEYS = {normalize_header(h) for h in NAME_HEADERS}
_EMAIL_KEYS = {normalize_header(h) for h in EMAIL_HEADERS}
_DURATION_KEYS = {normalize_header(h) for h in DURATION_HEADERS}
_MEETING_ID_KEYS = {normalize_header(h) for h in MEETING_ID_HEADERS}
_START_KEYS = {normalize_header(h) for h in START_HEADERS}
_JOIN_KEYS = {normalize_header(h) for h in JOIN_HEADERS}

# "Aigerim Serikova (Айгерим Серикова)" or "Aigerim (Aigerim's iPhone)": the name before it.
_TRAILING_PARENTHESIS = re.compile(r"\s*\([^()]*\)\s*$")
_PUNCTUATION = re.compile(r"[^\w\s]|_", re.UNICODE)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalize_name(text: str) -> str:
    """A name for comparing: case folded, ё as е, punctuation dropped, single spaces."""
    text = str(text or "").casefold().replace("ё", "е")
    return " ".join(_PUNCTUATION.sub("", text).split())


def display_name(raw: str) -> str:
    """Zoom's "Name (Original Name)" cell without the parenthetical."""
    raw = " ".join(str(raw or "").split())
    stripped = _TRAILING_PARENTHESIS.sub("", raw)
    return stripped or raw


@dataclass
class ZoomParticipant:
    """One person of the report: their rows taken together."""

    name: str
    email: str
    minutes: int
    lines: list[int] = field(default_factory=list)  # spreadsheet lines of their rows

    @property
    def key(self) -> str:
        return normalize_name(self.name)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "ZoomParticipant":
        return cls(name=str(data.get("name") or ""), email=str(data.get("email") or ""),
                   minutes=int(data.get("minutes") or 0),
                   lines=[int(n) for n in data.get("lines") or []])


def _rows(data: bytes, filename: str) -> list[list[str]]:
    """Every row of the file (a list of candidate parses for CSV, one per delimiter)."""
    if not data.strip():
        raise TableError(_("The file is empty."))
    if data.startswith(XLSX_MAGIC):
        header, rows = xlsx_rows(data)
        return [[header, *rows]]
    if (filename or "").lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise TableError(_("This file is not a spreadsheet. Upload a CSV or XLSX file."))
    text = decode_text(data)
    parses = []
    for delimiter in DELIMITERS:
        if delimiter not in text:
            continue
        try:
            parses.append(csv_rows(text, delimiter))  # bounded like every import
        except csv.Error:
            continue
    if not parses:
        raise TableError(_("No participants table was found in the file. Upload the "
                           "participant report exported from Zoom."))
    return parses


def _find_header(rows: list[list[str]]):
    """(row index, name column, e-mail column or None, duration column) of the table header."""
    for index, row in enumerate(rows):
        keys = [normalize_header(cell) for cell in row]
        name = next((i for i, k in enumerate(keys) if k in _NAME_KEYS), None)
        duration = next((i for i, k in enumerate(keys) if k in _DURATION_KEYS), None)
        if name is None or duration is None:
            continue
        email = next((i for i, k in enumerate(keys) if k in _EMAIL_KEYS), None)
        return index, name, email, duration
    return None


def _minutes(text: str) -> int:
    text = str(text or "").strip().replace(",", ".").replace("\xa0", "")
    try:
        value = float(text)
    except ValueError:
        return 0
    return max(0, round(value))


def _cell(row: list[str], index: int | None) -> str:
    if index is None or index >= len(row):
        return ""
    return str(row[index] or "").strip()


def _column(row: list[str], keys: set[str]) -> int | None:
    return next((i for i, cell in enumerate(row) if normalize_header(cell) in keys), None)


_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})\b")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def _day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def meeting_days(text: str) -> set[date]:
    """The local (Asia/Almaty) day a time in the report may mean: Zoom writes "03/01/2023
    10:00:00 AM" (month first) in English, "01.03.2023 10:00" in Russian, ISO in XLSX. A slashed
    date whose both parts could be the month gives both days. Empty when it is no date.
    """
    text = str(text or "").strip()
    if not text:
        return set()
    iso = _ISO.match(text)
    if iso:
        try:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return {moment.astimezone(LOCAL_ZONE).date()}  # an explicit offset: convert
        day = _day(int(iso[1]), int(iso[2]), int(iso[3]))
        return {day} if day else set()
    dotted = _DOTTED.match(text)
    if dotted:
        day = _day(int(dotted[3]), int(dotted[2]), int(dotted[1]))
        return {day} if day else set()
    slashed = _SLASHED.match(text)
    if slashed:
        first, second, year = int(slashed[1]), int(slashed[2]), int(slashed[3])
        return {d for d in (_day(year, first, second), _day(year, second, first)) if d}
    return set()


@dataclass
class ZoomReport:
    """A participant report: its people, and which meeting and day it says it is of."""

    participants: list["ZoomParticipant"]
    meeting_id: str = ""  # digits only; "" when the report has no summary block
    days: set[date] = field(default_factory=set)  # candidate local days of the meeting
    day_text: str = ""  # the time as written in the report, for messages


def _summary(rows: list[list[str]], header_index: int) -> tuple[str, str]:
    """(meeting id digits, start time text) from the summary block above the participants."""
    for index in range(header_index):
        row = rows[index]
        id_col, start_col = _column(row, _MEETING_ID_KEYS), _column(row, _START_KEYS)
        if (id_col is None and start_col is None) or index + 1 >= header_index:
            continue
        values = rows[index + 1]
        return re.sub(r"\D", "", _cell(values, id_col)), _cell(values, start_col)
    return "", ""


def read_zoom_report(data: bytes, filename: str) -> ZoomReport:
    """A Zoom participant report (CSV or XLSX): its people, each with their minutes summed, and
    the meeting ID and day it is of.

    Rows are grouped by e-mail when the row has one, else by the normalised name; a name-only
    group whose name belongs to exactly one e-mail group (the same person joining once from a
    signed-in laptop and once from a phone) is added to it. The day is the summary's Start Time,
    else the participants' join times. Raises TableError for a file that is empty, not text, or
    has no participants table.
    """
    found = None
    for rows in _rows(data, filename):
        header = _find_header(rows)
        if header is not None:
            found = rows, header
            break
    if found is None:
        raise TableError(_("No participants table was found in the file. Upload the "
                           "participant report exported from Zoom."))
    rows, (start, name_col, email_col, duration_col) = found
    join_col = _column(rows[start], _JOIN_KEYS)
    joins: list[str] = []
    groups: dict[str, ZoomParticipant] = {}
    for index in range(start + 1, len(rows)):
        row = rows[index]
        name = display_name(_cell(row, name_col))
        email = _cell(row, email_col).casefold()
        if not _EMAIL.match(email):
            email = ""
        if not name and not email:
            continue  # a blank line, or the end of the table
        key = f"email:{email}" if email else f"name:{normalize_name(name)}"
        person = groups.get(key)
        if person is None:
            person = groups[key] = ZoomParticipant(name=name, email=email, minutes=0)
        elif not person.name and name:
            person.name = name
        person.minutes += _minutes(_cell(row, duration_col))
        person.lines.append(index + 1)
        if _cell(row, join_col):
            joins.append(_cell(row, join_col))
    if not groups:
        raise TableError(_("The participants table of the file is empty."))
    by_email_name: dict[str, list[str]] = {}
    for key, person in groups.items():
        if key.startswith("email:"):
            by_email_name.setdefault(person.key, []).append(key)
    for key in [k for k in groups if k.startswith("name:")]:
        targets = by_email_name.get(key[len("name:"):], [])
        if len(targets) == 1:
            alone = groups.pop(key)
            target = groups[targets[0]]
            target.minutes += alone.minutes
            target.lines = sorted(target.lines + alone.lines)
    meeting_id, started = _summary(rows, start)
    days, day_text = meeting_days(started), started
    if not days:
        for joined in joins:
            if days := meeting_days(joined):
                day_text = joined
                break
    return ZoomReport(participants=sorted(groups.values(), key=lambda p: (p.lines[0], p.name)),
                      meeting_id=meeting_id, days=days, day_text=day_text)


def parse_zoom_report(data: bytes, filename: str) -> list["ZoomParticipant"]:
    """The people of a Zoom participant report (see read_zoom_report)."""
    return read_zoom_report(data, filename).participants


def session_days(session: TrainingSession) -> set[date]:
    """The local days a session runs on (one, unless it runs past midnight)."""
    first = session.starts_at.astimezone(LOCAL_ZONE).date()
    last = session.ends_at.astimezone(LOCAL_ZONE).date()
    return {first + timedelta(days=n) for n in range((last - first).days + 1)}


def _report_day(report: ZoomReport) -> str:
    """The report's day for a message: named when certain, else as the report writes it."""
    if len(report.days) == 1:
        return format_date(next(iter(report.days)), "long")
    return report.day_text.split()[0] if report.day_text.split() else report.day_text


def check_report_fits(session: TrainingSession, report: ZoomReport) -> None:
    """Refuse a report of another day's meeting, or of another meeting than the session's.

    Raises TrainingError (on the "file" field) with what the report says and what the session is.
    """
    when = format_date(session.starts_at.astimezone(LOCAL_ZONE).date(), "long")
    if not report.days:
        raise TrainingError(_(
            "The report does not say when the meeting was held (no Start Time or Join Time). "
            "Export the participant report from Zoom again, with the meeting details."), "file")
    if not report.days & session_days(session):
        raise TrainingError(_(
            "This report is of a meeting held on %(report)s, but the session was held on "
            "%(session)s. Upload the report of this session's meeting.",
            report=_report_day(report), session=when), "file")
    expected = re.sub(r"\D", "", session.zoom_meeting_id or "")
    if expected and report.meeting_id and report.meeting_id != expected:
        raise TrainingError(_(
            "This report is of the Zoom meeting %(report)s, but the session's meeting ID is "
            "%(session)s. Upload the report of this session's meeting.",
            report=report.meeting_id, session=session.zoom_meeting_id), "file")


def report_for_session(session: TrainingSession, data: bytes, filename: str) -> ZoomReport:
    """Read a participant report for a session: TrainingError (on "file") when the file is not
    a report, or is the report of another meeting or another day."""
    try:
        report = read_zoom_report(data, filename)
    except TableError as error:
        raise TrainingError(str(error), "file") from None
    check_report_fits(session, report)
    return report


@dataclass
class MatchedAttendee:
    """An observer found in the report, with the report's people taken as them."""

    observer: Observer
    participants: list[ZoomParticipant]
    minutes: int
    attended: bool
    registered: bool
    by_hand: bool = False

    @property
    def participant(self) -> ZoomParticipant:
        return self.participants[0]


@dataclass
class ZoomMatch:
    """The report set against the session: who was found, who was not, who did not come."""

    session: TrainingSession
    matched: list[MatchedAttendee]
    unmatched: list[tuple[int, ZoomParticipant]]  # (position in the report, participant)
    absent: list[Observer]  # registered, not in the report: to be marked absent
    eligible: list[Observer]  # everyone who may be matched to a row by hand
    # Marked "attended" by hand, "absent" by the report: kept unless ticked on the preview.
    hand_marked: list[Observer] = field(default_factory=list)

    @property
    def hand_marked_ids(self) -> set[int]:
        return {o.id for o in self.hand_marked}

    def marks(self) -> list[AttendanceMark]:
        """Attendance marks for mark_attendance: the matched with minutes, the absent with 0."""
        return ([AttendanceMark(m.observer.id, m.attended, m.minutes) for m in self.matched]
                + [AttendanceMark(o.id, False, 0) for o in self.absent])


def eligible_observers(session: TrainingSession, user=None) -> tuple[list[Observer], set[int]]:
    """Who may attend: the session's registered observers first, then approved and certified
    observers of its branch (of every branch for a national session); only those the user may
    see. Also the registered ids.
    """
    registered_stmt = (
        select(Registration).join(Observer, Observer.id == Registration.observer_id)
        .options(selectinload(Registration.observer).selectinload(Observer.user))
        .where(Registration.session_id == session.id, Registration.cancelled_at.is_(None)))
    others_stmt = (select(Observer).options(selectinload(Observer.user))
                   .where(Observer.status.in_([status.value for status in ACCEPTED]))
                   .order_by(Observer.full_name, Observer.id))
    if user is not None:
        registered_stmt = scope_to_branch(registered_stmt, Observer.branch_id, user)
        others_stmt = scope_to_branch(others_stmt, Observer.branch_id, user)
    registered = [r.observer for r in db.session.execute(registered_stmt).scalars()]
    registered.sort(key=lambda o: normalize_name(o.full_name))
    registered_ids = {o.id for o in registered}
    if session.branch_id is not None:
        others_stmt = others_stmt.where(Observer.branch_id == session.branch_id)
    others = [o for o in db.session.execute(others_stmt).scalars() if o.id not in registered_ids]
    return registered + others, registered_ids


def _name_keys(full_name: str) -> set[str]:
    """An observer's name in any word order; without the patronymic too ("Surname Name")."""
    words = normalize_name(full_name).split()
    keys = {" ".join(sorted(words))} if words else set()
    if len(words) >= 3:
        keys.add(" ".join(sorted(words[:2])))
    return keys


def _unique(candidates: list[Observer], registered_ids: set[int]) -> Observer | None:
    """The one candidate, preferring registered observers; None when it is ambiguous."""
    distinct = list({o.id: o for o in candidates}.values())
    registered = [o for o in distinct if o.id in registered_ids]
    pool = registered or distinct
    return pool[0] if len(pool) == 1 else None


def _hand_marked_present(session: TrainingSession) -> set[int]:
    return set(db.session.execute(select(Registration.observer_id).where(
        Registration.session_id == session.id, Registration.attended.is_(True),
        Registration.attendance_source == MANUAL)).scalars())


def match_participants(session: TrainingSession, participants: list[ZoomParticipant],
                       manual: dict[int, Observer] | None = None, *, user=None) -> ZoomMatch:
    """Match the report's people to observers: by e-mail, then by name in any word order.

    `manual` maps positions in `participants` to observers chosen by hand; they override the
    automatic match. Several rows taken as one observer have their minutes added up. With a
    user, only observers of their branches are matched or marked.
    """
    eligible, registered_ids = eligible_observers(session, user)
    by_email: dict[str, list[Observer]] = {}
    by_name: dict[str, list[Observer]] = {}
    for observer in eligible:
        emails = {(observer.email or "").strip().casefold()}
        if observer.user is not None:
            emails.add((observer.user.email or "").strip().casefold())
        for email in emails - {""}:
            by_email.setdefault(email, []).append(observer)
        for key in _name_keys(observer.full_name):
            by_name.setdefault(key, []).append(observer)
    manual = manual or {}
    found: dict[int, MatchedAttendee] = {}
    unmatched: list[tuple[int, ZoomParticipant]] = []
    for position, person in enumerate(participants):
        observer, by_hand = manual.get(position), position in manual
        if observer is None and person.email:
            observer = _unique(by_email.get(person.email.casefold(), []), registered_ids)
        if observer is None:
            words = person.key.split()
            for key in (" ".join(sorted(words)),
                        " ".join(sorted(words[:2])) if len(words) >= 3 else ""):
                if key and (observer := _unique(by_name.get(key, []), registered_ids)):
                    break
        if observer is None:
            unmatched.append((position, person))
            continue
        entry = found.get(observer.id)
        if entry is None:
            found[observer.id] = MatchedAttendee(
                observer=observer, participants=[person], minutes=person.minutes,
                attended=False, registered=observer.id in registered_ids, by_hand=by_hand)
        else:
            entry.participants.append(person)
            entry.minutes += person.minutes
            entry.by_hand = entry.by_hand or by_hand
    matched = sorted(found.values(), key=lambda m: normalize_name(m.observer.full_name))
    for entry in matched:
        entry.attended = entry.minutes >= session.min_attendance_minutes
    absent = [o for o in eligible if o.id in registered_ids and o.id not in found]
    present_by_hand = _hand_marked_present(session)
    hand_marked = [m.observer for m in matched
                   if not m.attended and m.observer.id in present_by_hand]
    hand_marked += [o for o in absent if o.id in present_by_hand]
    return ZoomMatch(session=session, matched=matched, unmatched=unmatched, absent=absent,
                     eligible=eligible, hand_marked=hand_marked)
