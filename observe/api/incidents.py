"""Incidents: an observer's own, a coordinator's region, HQ's all; filtered like the triage
queue; and the triage actions of coordinators and HQ, through the reports triage service."""

from datetime import UTC

from observe.api import bp, present, schemas
from observe.api.auth import caller, require
from observe.api.errors import ApiError
from observe.api.pagination import page_of_list, page_of_statement
from observe.api.registry import operation, valid_body
from observe.api.reports import refused
from observe.common.errors import DomainError
from observe.permissions import can, signed_in_observer


def _utc(value):
    return value.astimezone(UTC) if value is not None else None


@operation(bp, "/incidents", summary="Incidents", tag="incidents", query=schemas.IncidentQuery,
           response=schemas.Page[schemas.Incident], errors=(403,))
def incidents(query):
    """Coordinators: their region's incidents; HQ: all; most severe first, then newest, as the
    triage queue. Observers: their own, newest first."""
    from observe.reports.queries import QueueFilters, own_reports, triage_statement

    user = caller()
    if can(user, "reports.triage"):
        filters = QueueFilters(
            election_id=query.election_id, region=query.region or "",
            district=query.district or "", station=query.station or "",
            category=query.category or "", severity=query.severity or "",
            status=query.status or "", kind="incident", since=_utc(query.since),
            until=_utc(query.until))
        items, cursor = page_of_statement(triage_statement(user, filters), query.cursor,
                                          query.limit)
        return schemas.Page[schemas.Incident](items=[present.incident(r) for r in items],
                                              next=cursor)
    require("reports.submit")
    wanted = {"election_id": query.election_id, "category": query.category,
              "severity": query.severity, "status": query.status}
    rows = [r for r in own_reports(signed_in_observer(user), limit=100_000)
            if r.kind == "incident"
            and all(value is None or getattr(r, name) == value for name, value in wanted.items())
            and (query.since is None or r.received_at >= query.since)
            and (query.until is None or r.received_at <= query.until)]
    items, cursor = page_of_list(rows, query.cursor, query.limit)
    return schemas.Page[schemas.Incident](items=[present.incident(r) for r in items],
                                          next=cursor)


def _incident_in_scope(incident_id: int):
    """The incident when the caller may see it (404 otherwise, never 403)."""
    from observe.reports.queries import own_report, report_in_scope

    user = caller()
    if can(user, "reports.triage"):
        report = report_in_scope(user, incident_id)
    else:
        require("reports.submit")
        report = own_report(signed_in_observer(user), incident_id)
    if report is None or report.kind != "incident":
        raise ApiError(404)
    return report


@operation(bp, "/incidents/<int:incident_id>", summary="One incident", tag="incidents",
           response=schemas.IncidentDetail, errors=(403, 404))
def incident(incident_id: int):
    """An incident with its evidence and its history of triage actions."""
    return present.incident(_incident_in_scope(incident_id), detail=True)


@operation(bp, "/incidents/<int:incident_id>/actions", "POST", summary="Triage an incident",
           tag="incidents", body=schemas.ActionIn, response=schemas.IncidentDetail,
           errors=(404,), requires="reports.triage", body_after_load=True)
def incident_action(incident_id: int):
    """Verify, reject (with the reason in text), escalate to the legal team, resolve, or
    comment; coordinators in their region, HQ everywhere."""
    from observe.reports.triage import act_on_report

    report = _incident_in_scope(incident_id)
    body = valid_body(schemas.ActionIn)
    try:
        act_on_report(report, body.action, actor=caller(), text=body.text)
    except DomainError as error:
        raise refused(error) from error
    return present.incident(report, detail=True)
