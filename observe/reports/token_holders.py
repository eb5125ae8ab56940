"""A new incident of an API token's holder in one statement (PostgreSQL).

POST /api/v1/incidents tries this before it authenticates: the token, the observer's scope, the
incident and its audit entry go in one autocommitted statement (storing.insert_for_token_holder),
with the rules of the ordinary path (services.submit_incident) as its conditions. It stores only
what that path would store; for anything else it writes nothing and the API takes that path,
which says why.
"""

from functools import cache

from sqlalchemy.orm.attributes import set_committed_value

from observe.assignments.rules import ACTIVE
from observe.audit.services import entry_values
from observe.auth.models import User
from observe.auth.services import TOKEN_USE_PRECISION, token_digest
from observe.common.db import utcnow
from observe.elections.models import Election, PollingStation
from observe.extensions import db
from observe.observers.models import Observer
from observe.permissions import CAPABILITIES
from observe.reports.models import REFERENCE_LETTERS, Incident, Report
from observe.reports.services import (
    ReportError,
    new_incident,
    parse_uuid,
    reporting_election_statuses,
)
from observe.reports.storing import (
    ACTOR_FROM_STATEMENT,
    Placed,
    detached,
    insert_for_token_holder,
)


def reporting_rules() -> tuple:
    """Who may report where, as the values the statement checks: (roles that may submit,
    assignment statuses that count, election statuses that take reports)."""
    return _submitting_roles(), tuple(ACTIVE), reporting_election_statuses()


@cache
def _submitting_roles() -> tuple[str, ...]:
    return tuple(sorted(role.value for role in CAPABILITIES["reports.submit"]))


def submit_incident(data: dict, *, token: str) -> tuple[Incident, User] | None:
    """A new incident of the holder of an API token, in one statement on PostgreSQL. The
    incident and the holder come back (the holder, its station, observer and election with the
    columns the statement read, and no query to load the rest).

    For anything services.submit_incident would not store at once (a bad token, another
    station, a refused answer, a retry, SQLite) nothing is written and None comes back.
    """
    if db.engine.dialect.name != "postgresql" or data.get("station_id") is None:
        return None
    try:
        submission_id = parse_uuid(data.get("uuid"))
        incident = new_incident(data)
    except ReportError:
        return None
    now = utcnow()
    incident.uuid, incident.received_at, incident.updated_at = submission_id, now, now
    audit = entry_values("report.incident", actor=ACTOR_FROM_STATEMENT, object_type="report")
    audit["occurred_at"] = now
    placed = insert_for_token_holder(
        incident, audit, f"{REFERENCE_LETTERS['incident']}-", token_hash=token_digest(token),
        station_id=data["station_id"], rules=reporting_rules(), now=now,
        used_before=now - TOKEN_USE_PRECISION)
    if placed is None:
        return None
    _hold_placement(incident, placed)
    return incident, detached(User, id=placed.user_id, email=placed.email, role=placed.role,
                              locale=placed.locale, is_active=True)


def _hold_placement(report: Report, placed: Placed) -> None:
    """The new report holds its station, observer and election, as services._submit's does."""
    held = {
        "station": detached(PollingStation, id=placed.station_id, number=placed.number,
                            election_id=placed.election_id, region=placed.region,
                            district=placed.district),
        "observer": detached(Observer, id=placed.observer_id, full_name=placed.full_name),
        "election": detached(Election, id=placed.election_id, timezone=placed.timezone,
                             status=placed.election_status),
        "evidence": []}
    for name, value in held.items():
        set_committed_value(report, name, value)
