"""Elections, polling stations and the caller's assignments."""

from observe.api import bp, present, schemas
from observe.api.auth import caller
from observe.api.errors import ApiError
from observe.api.pagination import page_of_list, page_of_statement
from observe.api.registry import operation
from observe.assignments.queries import assignments_of, observer_assignments
from observe.elections.models import Election
from observe.elections.queries import elections_newest_first, station_counts, station_statement
from observe.extensions import db
from observe.permissions import can, signed_in_observer


@operation(bp, "/elections", summary="Elections", tag="elections", query=schemas.ElectionQuery,
           response=schemas.Page[schemas.Election])
def elections(query):
    """Staff: every election, with the stations they may see. Observers: the elections they
    are assigned in."""
    user = caller()
    elections = callers_elections(user)
    if can(user, "elections.view"):
        counts = station_counts(user)
        rows = [present.election(e, counts.get(e.id, 0)) for e in elections]
    else:
        rows = [present.election(e) for e in elections]
    items, cursor = page_of_list(rows, query.cursor, query.limit)
    return schemas.Page[schemas.Election](items=items, next=cursor)


def callers_elections(user) -> list[Election]:
    """Staff: every election, newest first. Observers: those they are assigned in."""
    if can(user, "elections.view"):
        return elections_newest_first()
    if can(user, "assignments.own"):
        return list(dict.fromkeys(a.election for a in assignments_of(signed_in_observer(user))))
    raise ApiError(403)


@operation(bp, "/stations", summary="Polling stations of an election", tag="elections",
           query=schemas.StationQuery, response=schemas.Page[schemas.Station],
           errors=(404,), requires="elections.view")
def stations(query):
    """The election's stations in the caller's region (every region for HQ), filtered."""
    user = caller()
    if db.session.get(Election, query.election_id) is None:
        raise ApiError(404)
    filters = {"region": query.region, "district": query.district, "q": query.q,
               "priority": "1" if query.priority else ""}
    rows, cursor = page_of_statement(station_statement(query.election_id, filters, user),
                                     query.cursor, query.limit)
    return schemas.Page[schemas.Station](items=[present.station(s) for s in rows], next=cursor)


@operation(bp, "/assignments", summary="The caller's assignments", tag="elections",
           query=schemas.PageQuery, response=schemas.Page[schemas.Assignment],
           requires="assignments.own")
def assignments(query):
    """An observer's assignments with the station, address, polling hours and arrival time
    their page shows, newest polling day first."""
    rows = [_assignment(d) for d in observer_assignments(signed_in_observer(caller()))]
    items, cursor = page_of_list(rows, query.cursor, query.limit)
    return schemas.Page[schemas.Assignment](items=items, next=cursor)


def _assignment(details) -> schemas.Assignment:
    a, election = details.assignment, details.election
    return schemas.Assignment(
        id=a.id, election=schemas.ElectionRef(id=election.id, name=election.name,
                                              polling_day=election.polling_day,
                                              status=election.status),
        station=present.station(details.station), role=a.role, shift=a.shift, status=a.status,
        address=details.address, timezone=details.timezone, polls_open=details.opens,
        polls_close=details.closes, arrive_by=details.arrive or None, upcoming=details.upcoming)
