"""Read-side of elections: the election list, station counts and the station list, each scoped
to the region the user works in (`permissions.scope_to_region`)."""

from sqlalchemy import func, or_, select

from observe.branches.regions import REGIONS
from observe.elections.imports import station_number
from observe.elections.models import Election, PollingStation
from observe.extensions import db
from observe.permissions import scope_to_region

STATION_FILTERS = ("region", "district", "priority", "q")


def elections_newest_first() -> list[Election]:
    """Every election, the latest polling day first."""
    return list(db.session.execute(
        select(Election).order_by(Election.polling_day.desc(), Election.id.desc())).scalars())


def station_counts(user) -> dict[int, int]:
    """{election id: stations the user may see}."""
    return dict(db.session.execute(scope_to_region(
        select(PollingStation.election_id, func.count()).group_by(PollingStation.election_id),
        PollingStation.region, user)).all())


def stations_by_region(election_id: int, user) -> list[tuple]:
    """(region, stations, registered voters, priority stations) per region the user may see,
    in the order of REGIONS."""
    rows = db.session.execute(scope_to_region(
        select(PollingStation.region, func.count(), func.sum(PollingStation.registered_voters),
               func.count().filter(PollingStation.is_priority.is_(True)))
        .where(PollingStation.election_id == election_id).group_by(PollingStation.region),
        PollingStation.region, user)).all()
    order = list(REGIONS)
    return sorted(rows, key=lambda r: order.index(r[0]) if r[0] in order else len(order))


def station_statement(election_id: int, filters: dict, user):
    """A select() of the election's stations the user may see, filtered as the list asks."""
    stmt = scope_to_region(select(PollingStation).where(PollingStation.election_id == election_id),
                           PollingStation.region, user)
    if filters.get("region"):
        stmt = stmt.where(PollingStation.region == filters["region"])
    if filters.get("district"):
        stmt = stmt.where(PollingStation.district.icontains(filters["district"].strip(),
                                                            autoescape=True))
    if filters.get("priority") == "1":
        stmt = stmt.where(PollingStation.is_priority.is_(True))
    q = (filters.get("q") or "").strip()
    if q:
        stmt = stmt.where(or_(PollingStation.number == station_number(q),
                              PollingStation.number == q,
                              PollingStation.address.icontains(q, autoescape=True)))
    return stmt.order_by(PollingStation.region, func.length(PollingStation.number),
                         PollingStation.number, PollingStation.id)
