"""The polling day of a generated election: check-ins, checklists and turnout from the observers
at their stations, then incidents over the day (a morning peak, another at the count), with the
categories, severities and triage statuses a real day shows. Written with COPY on PostgreSQL."""

import json
import random
from collections.abc import Callable
from datetime import timedelta
from itertools import accumulate
from pathlib import Path

from sqlalchemy import text

from observe.extensions import db
from observe.reports.models import CheckIn, ChecklistResponse, Incident, Report, TurnoutReport
from observe.reports.rules import TURNOUT_HOURS
from observe.reports.services import DEFAULT_CHECKLIST, current_checklist
from observe.scale.bulk import bulk_insert, is_postgres, reserve_ids
from observe.scale.generator import Plan, random_uuid

REPORT_COLUMNS = ("id", "uuid", "kind", "election_id", "station_id", "observer_id",
                  "occurred_at", "received_at", "status", "status_reason", "severity", "flagged",
                  "duplicate_of_id", "updated_at")
INCIDENT_COLUMNS = ("id", "category", "description", "people_involved", "complaint_filed",
                    "complaint_number")
# Incidents in a batch held in memory before it is written.
BATCH = 50_000

# Local hour → relative number of incidents: the opening rush, a quieter afternoon, the count.
HOUR_WEIGHTS = {6: 2, 7: 9, 8: 10, 9: 9, 10: 8, 11: 7, 12: 6, 13: 6, 14: 6, 15: 6, 16: 6, 17: 6,
                18: 6, 19: 7, 20: 9, 21: 7, 22: 4, 23: 2}
CATEGORY_WEIGHTS = {
    "ballot_stuffing": 6, "multiple_voting": 8, "group_voting": 10, "vote_buying": 5,
    "voter_pressure": 9, "organised_transport": 7, "campaigning": 6, "secrecy_breach": 8,
    "observer_obstruction": 10, "voter_list": 9, "mobile_box": 4, "count_violation": 2,
    "protocol": 1, "unauthorised_persons": 6, "video_surveillance": 5, "other": 4,
}
# After the polls close most reports are about the count and the protocol.
COUNT_CATEGORIES = ("count_violation", "protocol", "observer_obstruction", "unauthorised_persons",
                    "video_surveillance")
SEVERITY_WEIGHTS = {"low": 30, "medium": 40, "high": 22, "critical": 8}
STATUS_WEIGHTS = {"received": 45, "verified": 28, "rejected": 8, "escalated": 8, "resolved": 8,
                  "duplicate": 3}
DESCRIPTIONS = (
    "Член комиссии выдал бюллетени без проверки документов.",
    "Группа избирателей привезена на автобусе, им раздают указания у входа.",
    "Наблюдателя попросили отойти от стола выдачи бюллетеней.",
    "Камера видеонаблюдения закрыта плакатом.",
    "Избиратель проголосовал дважды, второй раз по списку другого участка.",
    "В кабину заходят по двое, члены комиссии не реагируют.",
    "Посторонние лица в помещении для голосования, представиться отказались.",
    "Протокол не вывешен для ознакомления после подсчёта.",
)


def insert_polling_day(plan: Plan, rng: random.Random) -> dict:
    """Check-ins, opening and voting checklists and turnout of the plan's reporters."""
    checklist = current_checklist()
    definition = checklist.definition or json.loads(Path(DEFAULT_CHECKLIST).read_text("utf-8"))
    stationary_done: set[int] = set()
    kinds = {"check_in": [], "checklist": [], "turnout": []}
    reports = []
    # Each reporter: check-in (95 %), opening (90 %) and voting (70 %) checklists; the first
    # reporter of a station also sends turnout through the day.
    for station_id, observer_id, voters, lat, lon in plan.reporters:
        def add(kind, hour, minute, flagged=False, station_id=station_id,
                observer_id=observer_id):
            at = plan.local(hour, minute, rng.randrange(60))
            reports.append([None, random_uuid(rng), kind, plan.election_id, station_id,
                            observer_id, at, at, "received", "", "", flagged, None, at])
            return reports[-1]

        if rng.random() < 0.95:
            row = add("check_in", 6, rng.randrange(60))
            kinds["check_in"].append((row, (lat + rng.uniform(-1e-3, 1e-3),
                                            lon + rng.uniform(-1e-3, 1e-3),
                                            rng.choice((5.0, 10.0, 25.0, 60.0)))))
        for phase, share, hour in (("opening", 0.9, 7), ("voting", 0.7, 11)):
            if rng.random() < share:
                answers, problems = _answers(definition["phases"].get(phase, []), rng)
                row = add("checklist", hour, rng.randrange(60), flagged=bool(problems))
                kinds["checklist"].append((row, (checklist.id, checklist.version, phase,
                                                 answers, problems)))
        if station_id not in stationary_done:
            stationary_done.add(station_id)
            share = 0.0
            for hour in TURNOUT_HOURS:
                share += rng.uniform(0.08, 0.14)
                row = add("turnout", hour, rng.randrange(5, 40))
                kinds["turnout"].append((row, (hour, int(voters * min(share, 0.95)))))
    first = reserve_ids(Report.__table__, len(reports))
    for offset, row in enumerate(reports):
        row[0] = first + offset
    bulk_insert(Report.__table__, REPORT_COLUMNS, reports)
    bulk_insert(CheckIn.__table__, ("id", "latitude", "longitude", "accuracy_m"),
                ((row[0], *rest) for row, rest in kinds["check_in"]))
    bulk_insert(ChecklistResponse.__table__,
                ("id", "form_id", "form_version", "phase", "answers", "problems"),
                ((row[0], *rest) for row, rest in kinds["checklist"]))
    bulk_insert(TurnoutReport.__table__, ("id", "hour", "voters"),
                ((row[0], *rest) for row, rest in kinds["turnout"]))
    return {"check-ins": len(kinds["check_in"]), "checklists": len(kinds["checklist"]),
            "turnout reports": len(kinds["turnout"])}


def _answers(questions: list[dict], rng: random.Random) -> tuple[dict, list[str]]:
    """Yes/no answers, one in twelve the answer that signals a problem; numbers where asked."""
    answers, problems = {}, []
    for question in questions:
        if question["type"] == "yes_no":
            bad = rng.random() < 1 / 12
            answers[question["id"]] = "no" if bad else "yes"
            if bad and (question.get("problem_if") or {}).get("equals") == "no":
                problems.append(question["id"])
        elif question["type"] == "number":
            answers[question["id"]] = rng.randint(300, 3000)
    return answers, problems


def insert_incidents(plan: Plan, count: int, rng: random.Random,
                     progress: Callable[[str], None] | None = None) -> int:
    """`count` incidents by the plan's reporters; a tenth of the stations draw half of them."""
    if not count or not plan.reporters:
        analyze()
        return 0
    reporters = plan.reporters
    hot = max(1, len(reporters) // 10)
    weights = [(5.0 if i < hot else 0.55) for i in range(len(reporters))]
    cum_reporters = list(accumulate(weights))
    hours, cum_hours = list(HOUR_WEIGHTS), list(accumulate(HOUR_WEIGHTS.values()))
    categories, cum_categories = list(CATEGORY_WEIGHTS), list(accumulate(
        CATEGORY_WEIGHTS.values()))
    severities, cum_severities = list(SEVERITY_WEIGHTS), list(accumulate(
        SEVERITY_WEIGHTS.values()))
    statuses, cum_statuses = list(STATUS_WEIGHTS), list(accumulate(STATUS_WEIGHTS.values()))
    first = reserve_ids(Report.__table__, count)
    last_at_station: dict[int, int] = {}
    done = 0
    while done < count:
        size = min(BATCH, count - done)
        picks = rng.choices(reporters, cum_weights=cum_reporters, k=size)
        reports, details = [], []
        for station_id, observer_id, _voters, _lat, _lon in picks:
            report_id = first + done
            hour = rng.choices(hours, cum_weights=cum_hours)[0]
            occurred = plan.local(hour, rng.randrange(60), rng.randrange(60))
            received = occurred + timedelta(minutes=rng.randint(1, 30))
            if hour >= 20 and rng.random() < 0.6:
                category = rng.choice(COUNT_CATEGORIES)
            else:
                category = rng.choices(categories, cum_weights=cum_categories)[0]
            status = rng.choices(statuses, cum_weights=cum_statuses)[0]
            original = last_at_station.get(station_id)
            if status == "duplicate" and original is None:
                status = "verified"
            triaged = status != "received"
            reports.append((
                report_id, random_uuid(rng), "incident", plan.election_id, station_id,
                observer_id, occurred, received, status,
                "Не подтверждено координатором." if status == "rejected" else "",
                rng.choices(severities, cum_weights=cum_severities)[0], False,
                original if status == "duplicate" else None,
                received + timedelta(minutes=rng.randint(5, 90)) if triaged else received))
            filed = rng.random() < 0.15
            details.append((report_id, category, rng.choice(DESCRIPTIONS), "", filed,
                            f"{rng.randint(1, 999)}/{hour}" if filed else ""))
            last_at_station[station_id] = report_id
            done += 1
        bulk_insert(Report.__table__, REPORT_COLUMNS, reports)
        bulk_insert(Incident.__table__, INCIDENT_COLUMNS, details)
        if progress:
            progress(f"{done} / {count} incidents")
    analyze()
    return count


def analyze() -> None:
    """Refresh PostgreSQL's statistics of the loaded tables: planned on the counts of before
    the load, the triage queue took a nested loop over 1,111 stations it thought were 4 (3.5 s
    instead of 0.8 s at 1,000,000 incidents)."""
    if is_postgres():
        for table in ("polling_station", "observer", "assignment", "report", "incident",
                      "check_in", "checklist_response", "turnout_report"):
            db.session.execute(text(f"ANALYZE {table}"))
