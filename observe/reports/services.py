"""Polling-day submissions, one function per kind: plain data and the acting user in, the stored
report out, DomainError when a rule refuses. The web pages and the JSON API call these same
functions.

Never lost, never twice: every submission carries a UUID made on the observer's phone. A retry
with the same UUID gets the stored report back; the unique constraint on report.uuid settles the
race of two retries arriving together (the loser loads and returns the winner's row).
"""

import json
import uuid as uuidlib
from datetime import datetime
from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import contains_eager, joinedload, load_only
from sqlalchemy.orm.attributes import set_committed_value

from observe.assignments.models import Assignment
from observe.assignments.rules import ACTIVE
from observe.audit.services import entry_values, record
from observe.common.db import utcnow
from observe.common.errors import DomainError
from observe.elections.models import Contest
from observe.extensions import db
from observe.observers.models import Observer
from observe.observers.queries import observer_of
from observe.reports import evidence as files
from observe.reports.models import (
    REFERENCE_LETTERS,
    CheckIn,
    ChecklistForm,
    ChecklistResponse,
    Evidence,
    Incident,
    ProtocolCopy,
    ProtocolVote,
    Report,
    TurnoutReport,
)
from observe.reports.rules import (
    CATEGORIES,
    PHASES,
    SEVERITIES,
    answer_problems,
    clean_answers,
    definition_errors,
    protocol_mismatches,
    turnout_problems,
)
from observe.reports.storing import insert_report

DEFAULT_CHECKLIST = Path(__file__).with_name("kz_checklist.json")


class ReportError(DomainError):
    """A polling-day submission or triage action was refused."""


# --- Checklist definitions -----------------------------------------------------------------------

def ensure_default_checklist(actor=None) -> ChecklistForm:
    """The seeded checklist for Kazakhstan's procedure, version 1, created once."""
    definition = json.loads(DEFAULT_CHECKLIST.read_text(encoding="utf-8"))
    form = db.session.execute(select(ChecklistForm).where(
        ChecklistForm.code == definition["code"]).order_by(ChecklistForm.version.desc())
        .limit(1)).scalar_one_or_none()
    return form or _add_version(definition, actor)


def upload_checklist_definition(text: str, *, actor) -> ChecklistForm:
    """Store an uploaded JSON definition as the next version of its code, after the schema check."""
    try:
        definition = json.loads(text)
    except (TypeError, ValueError) as error:
        raise ReportError(_("The file is not valid JSON: %(error)s", error=str(error)),
                          field="definition") from error
    problems = definition_errors(definition)
    if problems:
        raise ReportError(fields={"definition": problems})
    return _add_version(definition, actor)


def _add_version(definition: dict, actor) -> ChecklistForm:
    latest = db.session.scalar(select(func.max(ChecklistForm.version)).where(
        ChecklistForm.code == definition["code"])) or 0
    form = ChecklistForm(code=definition["code"], version=latest + 1,
                         title=(definition["title"].get("en") or definition["title"].get("ru")
                                or "")[:200],
                         definition=definition, is_active=True,
                         created_by_id=getattr(actor, "id", None))
    db.session.add(form)
    db.session.flush()
    record("checklist.version", form, actor=actor, summary=f"{form.code} v{form.version}")
    return form


def current_checklist() -> ChecklistForm:
    """The checklist observers answer now: the newest active version (seeded when none)."""
    form = db.session.execute(select(ChecklistForm).where(ChecklistForm.is_active)
                              .order_by(ChecklistForm.created_at.desc(),
                                        ChecklistForm.id.desc()).limit(1)).scalar_one_or_none()
    return form or ensure_default_checklist()


# --- Who may report where ----------------------------------------------------------------------

def reports_allowed_in_planning() -> bool:
    """Whether an election still in planning takes reports (practice runs outside production)."""
    config = current_app.config
    if "REPORTS_ALLOW_PLANNING" in config:
        return bool(config["REPORTS_ALLOW_PLANNING"])
    return config.get("OBSERVE_ENV") != "production"


def reporting_election_statuses() -> tuple[str, ...]:
    """Polling-day elections take reports; planning ones only in practice; closed ones never."""
    return ("polling_day", "planning") if reports_allowed_in_planning() else ("polling_day",)


def election_takes_reports(election) -> bool:
    """Whether the election takes reports now (see reporting_election_statuses)."""
    return election.status in reporting_election_statuses()


@cache
def _scope_statement():
    """The assignment of a user at a station, with its observer, election and station (built
    once: building the statement cost as much as running it)."""
    # Only the columns a submission reads (the others load if something asks for them).
    return select(Assignment).join(Assignment.observer).options(
        load_only(Assignment.id, Assignment.status, Assignment.election_id,
                  Assignment.station_id, Assignment.observer_id),
        contains_eager(Assignment.observer).load_only(
            Observer.id, Observer.user_id, Observer.full_name),
        joinedload(Assignment.election), joinedload(Assignment.station)).where(
        Observer.user_id == bindparam("user_id"),
        Assignment.station_id == bindparam("station_id"),
        Assignment.status.in_(ACTIVE)).limit(1)


def reporting_station(actor, station_id) -> tuple:
    """(observer, station) when the actor's active assignment there takes reports, else refuse.

    One query: the actor's observer record, the assignment, its election and its station."""
    assignment = db.session.execute(_scope_statement(), {
        "user_id": getattr(actor, "id", None), "station_id": station_id,
    }).unique().scalar_one_or_none()
    if assignment is None:
        if observer_of(actor) is None:
            raise ReportError(_("Only observers send polling-day reports."))
        raise ReportError(_("You have no active assignment at this station."), field="station_id")
    if not election_takes_reports(assignment.election):
        raise ReportError(_("This election does not take reports now."), field="station_id")
    station = assignment.station
    if station.election_id == assignment.election_id:
        # The same row: the report and its answer read the station's election without a query.
        set_committed_value(station, "election", assignment.election)
    return assignment.observer, station


# --- Idempotent storing ------------------------------------------------------------------------

def parse_uuid(value) -> str:
    """The submission's UUID in canonical form; refuse anything else."""
    try:
        return str(uuidlib.UUID(str(value).strip()))
    except (ValueError, AttributeError) as error:
        raise ReportError(_("The submission has no valid id; reload the page and send it again."),
                          field="uuid") from error


def stored_submission(submission_id: str, observer, kind: str) -> Report | None:
    """The report already stored under this UUID, when it is the same observer's same kind."""
    existing = db.session.execute(select(Report).where(
        Report.uuid == submission_id)).scalar_one_or_none()
    if existing is None:
        return None
    if existing.observer_id != observer.id or existing.kind != kind:
        # Never hand out someone else's report; a UUID clash of two phones is astronomically rare.
        raise ReportError(_("This submission id is already used; reload the page and send again."),
                          field="uuid")
    return existing


def _submit(data: dict, actor, kind: str, build) -> tuple[Report, bool]:
    """The steps every kind shares: UUID, scope, build, store once with its audit entry.

    The UUID is not looked up first: the INSERT skips a taken one (ON CONFLICT DO NOTHING, which
    also settles two retries arriving together) and only then is the stored report loaded.
    """
    submission_id = parse_uuid(data.get("uuid"))
    observer, station = reporting_station(actor, data.get("station_id"))
    try:
        report = build(station)
    except ReportError:
        # A retry whose answers no longer pass (a later figure came in) still gets its report.
        stored = stored_submission(submission_id, observer, kind)
        if stored is None:
            raise
        return stored, False
    report.uuid = submission_id
    report.election_id, report.station_id = station.election_id, station.id
    report.observer_id, report.submitted_by_id = observer.id, getattr(actor, "id", None)
    now = utcnow()
    report.received_at = report.updated_at = now
    if report.occurred_at is None:
        report.occurred_at = now
    audit = entry_values(f"report.{kind}", actor=actor, object_type="report")
    audit["occurred_at"] = now
    del audit["object_id"], audit["summary"]
    letter = REFERENCE_LETTERS.get(kind, "R")
    if insert_report(report, audit, (f"{letter}-", f" · {station.number}")) is None:
        stored = stored_submission(submission_id, observer, kind)
        if stored is None:  # deleted between the two statements
            raise ReportError(_("This submission id is already used; reload the page and send "
                                "again."), field="uuid")
        return stored, False
    # Held on the report, so the receipt and the API answer do not load them again.
    for name, value in (("station", station), ("observer", observer),
                        ("election", station.election)):
        set_committed_value(report, name, value)
    return report, True


def _occurred(value) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime) or value.tzinfo is None:
        raise ReportError(_("Give the time of day."), field="occurred_at")
    if value > utcnow():
        raise ReportError(_("The time cannot be in the future."), field="occurred_at")
    return value


def _whole(data: dict, name: str, errors: dict) -> int | None:
    value = data.get(name)
    if value is None or value == "":
        errors[name] = _("This field is required.")
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors[name] = _("Enter a whole number.")
        return None
    if number < 0 or number > 10_000_000:
        errors[name] = _("Enter a number between 0 and 10,000,000.")
        return None
    return number


# --- One submit function per kind -----------------------------------------------------------------

def submit_check_in(data: dict, *, actor) -> tuple[CheckIn, bool]:
    """The observer is at the station: the time now, and the phone's location when it gave one."""
    lat, lon, accuracy = data.get("latitude"), data.get("longitude"), data.get("accuracy")

    def build(station):
        try:
            point = (float(lat), float(lon)) if lat not in (None, "") and lon not in (None, "") \
                else (None, None)
            acc = float(accuracy) if accuracy not in (None, "") else None
        except (TypeError, ValueError) as error:
            raise ReportError(_("The location could not be read."), field="latitude") from error
        if point[0] is not None and not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
            raise ReportError(_("The location could not be read."), field="latitude")
        return CheckIn(latitude=point[0], longitude=point[1], accuracy_m=acc,
                       occurred_at=_occurred(data.get("occurred_at")))

    return _submit(data, actor, "check_in", build)


def submit_checklist(data: dict, *, actor) -> tuple[ChecklistResponse, bool]:
    """Answers to one phase of the checklist, marked where the definition sees a problem."""
    phase = data.get("phase")
    if phase not in PHASES:
        raise ReportError(_("Unknown checklist phase."), field="phase")

    def build(station):
        form = db.session.get(ChecklistForm, data["form_id"]) if data.get("form_id") \
            else current_checklist()
        if form is None:
            raise ReportError(_("This checklist no longer exists; reload the page."))
        answers, errors = clean_answers(form.definition, phase, data.get("answers") or {})
        if errors:
            raise ReportError(fields=errors)
        if not answers:
            raise ReportError(_("Answer at least one question."))
        problems, worst = answer_problems(form.definition, phase, answers)
        return ChecklistResponse(form_id=form.id, form_version=form.version, phase=phase,
                                 answers=answers, problems=problems, flagged=bool(problems),
                                 severity=worst, occurred_at=_occurred(data.get("occurred_at")))

    return _submit(data, actor, "checklist", build)


def known_turnout(station_id: int) -> dict[int, int]:
    """The station's standing turnout figures by hour (the newest report of each hour)."""
    rows = db.session.execute(select(TurnoutReport.hour, TurnoutReport.voters).where(
        TurnoutReport.station_id == station_id,
        TurnoutReport.status.not_in(("rejected", "duplicate")))
        .order_by(TurnoutReport.received_at, TurnoutReport.id)).all()
    return {hour: voters for hour, voters in rows}


def submit_turnout(data: dict, *, actor) -> tuple[TurnoutReport, bool]:
    """Voters who had received ballots by an hour; refused above the register or going back."""

    def build(station):
        errors: dict = {}
        voters = _whole(data, "voters", errors)
        try:
            hour = int(data.get("hour"))
        except (TypeError, ValueError):
            hour = None
            errors["hour"] = _("Choose one of the reporting hours.")
        if errors:
            raise ReportError(fields=errors)
        problems = turnout_problems(hour, voters, station.registered_voters,
                                    known_turnout(station.id))
        if problems:
            raise ReportError(fields={"voters": problems})
        return TurnoutReport(hour=hour, voters=voters,
                             occurred_at=_occurred(data.get("occurred_at")))

    return _submit(data, actor, "turnout", build)


def new_incident(data: dict) -> Incident:
    """An incident from the submitted answers (not yet stored), or refuse."""
    errors = {}
    if data.get("category") not in CATEGORIES:
        errors["category"] = _("Choose a category.")
    if data.get("severity") not in SEVERITIES:
        errors["severity"] = _("Choose how serious it is.")
    description = (data.get("description") or "").strip()
    if not description:
        errors["description"] = _("Describe what happened.")
    if data.get("occurred_at") is None:
        errors["occurred_at"] = _("Give the time of day.")
    complaint_number = (data.get("complaint_number") or "").strip()[:64]
    if errors:
        raise ReportError(fields=errors)
    return Incident(category=data["category"], severity=data["severity"],
                    description=description[:10000],
                    people_involved=(data.get("people_involved") or "").strip()[:4000],
                    complaint_filed=bool(data.get("complaint_filed")),
                    complaint_number=complaint_number if data.get("complaint_filed") else "",
                    occurred_at=_occurred(data.get("occurred_at")))


def submit_incident(data: dict, *, actor, uploads=()) -> tuple[Incident, bool]:
    """An incident with its category, severity, time, account and any evidence files."""
    incident, created = _submit(data, actor, "incident", lambda station: new_incident(data))
    if created and not uploads:
        set_committed_value(incident, "evidence", [])  # new and sent without files: none
    # A retry carries the same files again: add_evidence keeps each file once per report.
    add_evidence(incident, uploads, actor=actor)
    return incident, created


def submit_protocol(data: dict, *, actor, uploads=()) -> tuple[ProtocolCopy, bool]:
    """A contest's protocol figures; broken arithmetic is flagged for HQ, not refused."""

    def build(station):
        contest = db.session.get(Contest, data.get("contest_id") or 0)
        if contest is None or contest.election_id != station.election_id \
                or contest.region not in ("", station.region):
            raise ReportError(_("Choose a contest of this station."), field="contest_id")
        errors: dict = {}
        figures = {name: _whole(data, name, errors) for name in ProtocolCopy.FIGURES}
        raw_votes = data.get("votes") or {}
        votes = {}
        for choice in contest.choices:
            field = f"votes_{choice.id}"
            value = raw_votes.get(choice.id, raw_votes.get(str(choice.id)))
            votes[choice.id] = _whole({field: value}, field, errors)
        if errors:
            raise ReportError(fields=errors)
        mismatches = protocol_mismatches(figures, list(votes.values()))
        protocol = ProtocolCopy(contest_id=contest.id, mismatches=mismatches,
                                flagged=bool(mismatches), severity="high" if mismatches else "",
                                occurred_at=_occurred(data.get("occurred_at")), **figures)
        counted.update(votes)
        return protocol

    counted: dict = {}
    protocol, created = _submit(data, actor, "protocol", build)
    if created:  # stored apart: the report's row is written without the unit of work
        rows = [ProtocolVote(protocol_id=protocol.id, choice_id=choice_id, votes=number)
                for choice_id, number in counted.items()]
        db.session.add_all(rows)
        set_committed_value(protocol, "votes", rows)
    add_evidence(protocol, uploads, actor=actor)
    return protocol, created


def add_evidence(report: Report, uploads, *, actor) -> list[Evidence]:
    """Attach files to one's own report (also later); a file already attached is kept once."""
    uploads = [u for u in uploads or () if u is not None]
    if not uploads:
        return []
    observer = observer_of(actor)
    if observer is None or observer.id != report.observer_id:
        raise ReportError(_("Only the observer who sent the report adds evidence to it."))
    if report.kind not in ("incident", "protocol"):
        raise ReportError(_("Evidence is attached to incidents and protocols."))
    have = set(db.session.scalars(select(Evidence.sha256).where(
        Evidence.report_id == report.id)))
    added = []
    for stream, filename in uploads:
        stored = files.store_upload(stream, filename)
        if stored.sha256 in have:
            files.evidence_path(stored.storage_name).unlink(missing_ok=True)
            continue
        have.add(stored.sha256)
        item = Evidence(report_id=report.id, kind=stored.kind, content_type=stored.content_type,
                        original_name=stored.original_name, size=stored.size,
                        sha256=stored.sha256, storage_name=stored.storage_name,
                        uploaded_by_id=getattr(actor, "id", None))
        db.session.add(item)
        added.append(item)
    db.session.flush()
    for item in added:
        record("report.evidence", item, actor=actor,
               summary=f"{report.reference} · {item.kind} · {item.sha256[:12]}")
    return added
