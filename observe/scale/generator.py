"""`seed_scale`: a national election at polling-day scale, loaded in bulk.

Regions get stations in proportion to their voters; each region's branch gets observers in
proportion to its stations; observers are assigned within their own region (stationary, mobile
group, reserve); the polling day (check-ins, checklists, turnout, incidents) is written by the
observers assigned to each station only, so every scope rule of the app holds on the result.
"""

import random
import uuid as uuid_module
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import insert, select

from observe.assignments.models import Assignment
from observe.audit.services import record
from observe.branches import services as branch_services
from observe.branches.models import Branch
from observe.common.errors import DomainError
from observe.elections.models import Election, PollingStation
from observe.extensions import db
from observe.observers.models import Observer
from observe.scale import people
from observe.scale.bulk import reserve_ids

DEFAULT_POLLING_DAY = date(2030, 3, 17)
ZONE = ZoneInfo("Asia/Almaty")
# Of the observers of a region: most sit at one station all day, some drive a mobile group
# between stations, a few wait in reserve (still tied to a station, their base).
ROLE_MIX = (("stationary", 0.8), ("mobile", 0.12), ("reserve", 0.08))
INSERT_BATCH = 5_000


class ScaleError(DomainError):
    """The scale data cannot be generated as asked."""


@dataclass
class Plan:
    """What the polling day needs from the election: who sits where."""

    election_id: int
    polling_day: date
    # (station id, observer id, registered voters, latitude, longitude) of active stationary
    # and mobile assignments: the people who send reports, at the stations they may report on.
    reporters: list[tuple[int, int, int, float, float]] = field(default_factory=list)

    def local(self, hour: int, minute: int = 0, second: int = 0) -> datetime:
        """A local time of the polling day (hours past 23 roll into the night), in UTC."""
        start = datetime.combine(self.polling_day, time(0, 0), tzinfo=ZONE)
        return (start + timedelta(hours=hour, minutes=minute, seconds=second)).astimezone(UTC)


def random_uuid(rng: random.Random) -> str:
    """A version-4 UUID drawn from `rng`, as a phone would make one."""
    return str(uuid_module.UUID(int=rng.getrandbits(128), version=4))


def election_named(name: str) -> Election | None:
    return db.session.execute(select(Election).where(Election.name == name)).scalars().first()


def seed_scale(*, stations: int, observers: int, incidents: int, seed: int = 1,
               polling_day: date | None = None, name: str = "", actor=None,
               progress=None) -> dict:
    """Generate a whole election with its polling day in bulk; refuses an existing name."""
    from observe.scale import polling_day as day

    if stations < 1 or observers < 0 or incidents < 0:
        raise ScaleError(_("Give at least one station and no negative counts."))
    name = name or f"Polling-day scale (seed {seed})"
    existing = election_named(name)
    if existing is not None:
        raise ScaleError(_("An election named %(name)s exists already (id %(id)s): it is left "
                           "as it is. Give another --seed or delete it first.",
                           name=name, id=existing.id))
    say = progress or (lambda message: None)
    rng = random.Random(seed)
    election = Election(name=name, polling_day=polling_day or DEFAULT_POLLING_DAY,
                        status="polling_day")
    db.session.add(election)
    db.session.flush()
    branches = ensure_branches(actor)
    by_region = insert_stations(election, stations, rng)
    say(f"{stations} stations in {len(by_region)} regions")
    observer_ids = insert_observers(branches, by_region, observers, rng, seed)
    say(f"{observers} observers")
    plan = insert_assignments(election, branches, by_region, observer_ids, rng)
    say(f"{len(plan.reporters)} reporting assignments")
    counts = day.insert_polling_day(plan, rng)
    say(", ".join(f"{v} {k}" for k, v in counts.items()))
    counts["incidents"] = day.insert_incidents(plan, incidents, rng, progress=say)
    counts.update(stations=stations, observers=observers, election_id=election.id)
    record("scale.seed", election, actor=actor, object_type="election",
           summary=f"{stations} stations, {observers} observers, {incidents} incidents, "
                   f"seed {seed}")
    return counts


def ensure_branches(actor=None) -> dict[str, int]:
    """One branch per region: the region's first existing one, else a new one."""
    found: dict[str, int] = {}
    for branch in db.session.execute(select(Branch).order_by(Branch.id)).scalars():
        found.setdefault(branch.region, branch.id)
    for region in people.REGION_WEIGHTS:
        if region not in found:
            found[region] = branch_services.create_branch(
                region=region, name=f"Observe {region.replace('_', ' ').title()}",
                city="", chairperson="", phone="", email="", actor=actor).id
    return found


def insert_stations(election: Election, total: int, rng: random.Random) -> dict[str, list]:
    """Stations numbered per region; returns region → [(id, district, voters, lat, lon)]."""
    first = reserve_ids(PollingStation.__table__, total)
    rows, by_region, next_id = [], {}, first
    for index, (region, count) in enumerate(people.share(total, people.REGION_WEIGHTS).items()):
        names = people.districts(region)
        lat0, lon0 = 42.5 + (index * 0.73) % 11, 51.0 + (index * 1.9) % 30
        for number in range(1, count + 1):
            district = names[rng.randrange(len(names))]
            voters = rng.randint(300, 3000)
            lat, lon = lat0 + rng.uniform(-0.5, 0.5), lon0 + rng.uniform(-0.5, 0.5)
            rows.append(dict(id=next_id, election_id=election.id, number=str(number),
                             region=region, district=district,
                             address=f"{district}, ул. Абая {rng.randint(1, 300)}",
                             premises=f"Школа № {rng.randint(1, 120)}",
                             commission=f"УИК № {number}", registered_voters=voters,
                             latitude=round(lat, 5), longitude=round(lon, 5),
                             language=rng.choice(("", "", "kk", "ru")),
                             is_priority=rng.random() < 0.1))
            by_region.setdefault(region, []).append((next_id, district, voters, lat, lon))
            next_id += 1
    _insert(PollingStation, rows)
    return by_region


def insert_observers(branches: dict[str, int], by_region: dict[str, list], total: int,
                     rng: random.Random, seed: int) -> dict[str, list[int]]:
    """Certified observers with valid, unused IINs and phones; returns region → ids."""
    taken = db.session.execute(select(Observer.iin, Observer.phone)).all()
    identities = people.Identities(rng, {r.iin for r in taken if r.iin},
                                   {r.phone for r in taken if r.phone})
    weights = {region: len(rows) for region, rows in by_region.items()}
    first = reserve_ids(Observer.__table__, total)
    rows, ids, next_id = [], {}, first
    now = datetime.now(UTC)
    for region, count in people.share(total, weights).items():
        names = [d for d in {row[1] for row in by_region[region]}] or [""]
        for _n in range(count):
            iin, birth = identities.iin()
            applied = now - timedelta(days=rng.randint(20, 200))
            rows.append(dict(id=next_id, branch_id=branches[region], status="certified",
                             full_name=people.full_name(rng), iin=iin, birth_date=birth,
                             phone=identities.phone(),
                             email=f"scale{seed}.{next_id}@example.org",
                             city=rng.choice(names), languages=rng.choice(people.LANGUAGE_SETS),
                             experience=rng.choice(("none", "none", "once", "several")),
                             availability="full_day", channel=rng.choice(people.CHANNELS),
                             consent_version="2026-01", consent_at=applied,
                             declared_independent_at=applied, applied_at=applied,
                             status_changed_at=applied + timedelta(days=10)))
            ids.setdefault(region, []).append(next_id)
            next_id += 1
    _insert(Observer, rows)
    return ids


def insert_assignments(election: Election, branches: dict[str, int],
                       by_region: dict[str, list], observer_ids: dict[str, list[int]],
                       rng: random.Random) -> Plan:
    """Each observer at a station of their own region: priority stations and then the rest
    covered first by stationary observers, one a station, before anyone doubles up."""
    plan = Plan(election.id, election.polling_day)
    rows = []
    for region, ids in observer_ids.items():
        stations = sorted(by_region[region], key=lambda s: rng.random())
        for position, observer_id in enumerate(ids):
            station_id, _district, voters, lat, lon = stations[position % len(stations)]
            pick = rng.random()
            role = "stationary" if position < len(stations) else next(
                (r for r, share in _cumulative(ROLE_MIX) if pick < share), "reserve")
            status = "confirmed" if rng.random() < 0.9 else "assigned"
            rows.append(dict(election_id=election.id, station_id=station_id,
                             observer_id=observer_id, branch_id=branches[region], role=role,
                             shift="full_day", status=status))
            if role != "reserve":
                plan.reporters.append((station_id, observer_id, voters, lat, lon))
    _insert(Assignment, rows)
    return plan


def plan_of(election_id: int) -> Plan:
    """The reporters of an election already in the database (to add incidents later)."""
    election = db.session.get(Election, election_id)
    rows = db.session.execute(
        select(Assignment.station_id, Assignment.observer_id, PollingStation.registered_voters,
               PollingStation.latitude, PollingStation.longitude)
        .join(PollingStation, PollingStation.id == Assignment.station_id)
        .where(Assignment.election_id == election_id, Assignment.role != "reserve",
               Assignment.status.in_(("assigned", "confirmed")))
        .order_by(Assignment.id)).all()
    return Plan(election_id, election.polling_day,
                [(r[0], r[1], r[2], r[3] or 0.0, r[4] or 0.0) for r in rows])


def _cumulative(mix):
    total = 0.0
    for name, share in mix:
        total += share
        yield name, total


def _insert(model, rows: list[dict]) -> None:
    # Core INSERT keeps the models' Python defaults (tens of thousands of rows, not millions).
    for start in range(0, len(rows), INSERT_BATCH):
        db.session.execute(insert(model), rows[start:start + INSERT_BATCH])
