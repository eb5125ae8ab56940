"""Auto-assignment: a deterministic proposal of observers for uncovered stations, applied on review.

The proposal covers stations of the branch's region that have no active stationary observer in
any shift (a station covered for half a day is left for the coordinator to complete by hand),
priority stations first, then by registered voters (most first), then by number. Each station
takes the best observer still free: certified, of the branch, with no active assignment in the
election, speaking the station's language when it needs one. "Best" is, in order:

1. living in the station's district (the observer's city and the station's district match as
   normalised text, one containing the other);
2. not spending a speaker of a language that is already short for the stations still to come;
3. when nobody is local: not taking someone local to a station still to come;
4. the lowest observer id.

Observers are kept in buckets by (city, languages); within a bucket they are ordered by id, so
every bucket's best is its first free member and one station costs one look per bucket, not one
look per observer.
"""

import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from observe.assignments.models import Assignment
from observe.assignments.rules import ACTIVE
from observe.assignments.services import Proposal, assign_observers
from observe.elections.models import PollingStation
from observe.extensions import db
from observe.observers.choices import Status
from observe.observers.models import Observer

ROLE, SHIFT = "stationary", "full_day"
# The languages a station may require (PollingStation.language); "" needs none.
STATION_LANGUAGES = ("kk", "ru")

REASONS = {
    "priority": _l("priority station"),
    "same_district": _l("same district"),
    "speaks_kk": _l("speaks Kazakh"),
    "speaks_ru": _l("speaks Russian"),
    "nearest": _l("nearest match available"),
}

# Shorter texts match too much by containment ("a" is in every district name).
_MIN_MATCH = 3


def normalise_place(text: str | None) -> str:
    """Casefolded words of a place name, for comparing an observer's city with a district."""
    text = (text or "").casefold().replace("ё", "е")
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def places_match(city: str, district: str) -> bool:
    """Whether two normalised place names name the same place (one contains the other)."""
    if len(city) < _MIN_MATCH or len(district) < _MIN_MATCH:
        return False
    return city in district or district in city


@dataclass(frozen=True)
class ProposedPair:
    """One proposed assignment and why it was chosen."""

    observer: Observer
    station: PollingStation
    reasons: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.observer.id}:{self.station.id}"

    @property
    def reason_labels(self) -> list[str]:
        return [str(REASONS[code]) for code in self.reasons]


@dataclass
class AutoPlan:
    """The proposal, and the stations it could not fill."""

    pairs: list[ProposedPair] = field(default_factory=list)
    unmatched: list[PollingStation] = field(default_factory=list)


def candidate_observers(election, branch) -> list[Observer]:
    """Certified observers of the branch with no active assignment in the election, by id."""
    busy = select(Assignment.observer_id).where(Assignment.election_id == election.id,
                                                Assignment.status.in_(ACTIVE))
    return list(db.session.execute(
        select(Observer).where(Observer.branch_id == branch.id,
                               Observer.status == Status.CERTIFIED.value,
                               Observer.id.not_in(busy))
        .order_by(Observer.id)).scalars())


def uncovered_stations(election, branch) -> list[PollingStation]:
    """Stations of the branch's region with no active stationary observer, in proposal order."""
    covered = select(Assignment.station_id).where(Assignment.election_id == election.id,
                                                  Assignment.status.in_(ACTIVE),
                                                  Assignment.role == ROLE)
    stations = db.session.execute(
        select(PollingStation).where(PollingStation.election_id == election.id,
                                     PollingStation.region == branch.region,
                                     PollingStation.id.not_in(covered))).scalars()
    return sorted(stations, key=_station_order)


def _station_order(station: PollingStation):
    number = station.number or ""
    # Numbers are text; order "9" before "10", then anything non-numeric by its text.
    numeric = (0, int(number), "") if number.isdigit() else (1, 0, number)
    return (not station.is_priority, -(station.registered_voters or 0), numeric, station.id)


def _profile(observer: Observer) -> frozenset:
    return frozenset(lang for lang in (observer.languages or []) if lang in STATION_LANGUAGES)


class _Bucket:
    """Free observers of one city and one language profile, lowest id first."""

    __slots__ = ("city", "profile", "members", "head")

    def __init__(self, city: str, profile: frozenset):
        self.city, self.profile, self.members, self.head = city, profile, [], 0

    def first(self, taken: set[int]) -> Observer | None:
        while self.head < len(self.members) and self.members[self.head].id in taken:
            self.head += 1
        return self.members[self.head] if self.head < len(self.members) else None


def plan(election, branch) -> AutoPlan:
    """Propose one whole-day stationary observer for each uncovered station of the branch."""
    observers = candidate_observers(election, branch)
    stations = uncovered_stations(election, branch)
    buckets: dict[tuple[str, frozenset], _Bucket] = {}
    for observer in observers:  # already ordered by id
        key = (normalise_place(observer.city), _profile(observer))
        buckets.setdefault(key, _Bucket(*key)).members.append(observer)
    ordered_buckets = sorted(buckets.values(), key=lambda b: (b.city, sorted(b.profile)))

    districts = {s.id: normalise_place(s.district) for s in stations}
    cities = sorted({b.city for b in ordered_buckets})
    local_cities = {d: frozenset(c for c in cities if places_match(c, d))
                    for d in set(districts.values())}
    # What the stations still to come will need: speakers, and local observers per city.
    demand = {lang: sum(s.language == lang for s in stations) for lang in STATION_LANGUAGES}
    supply = {lang: sum(lang in _profile(o) for o in observers) for lang in STATION_LANGUAGES}
    city_demand = dict.fromkeys(cities, 0)
    for station in stations:
        for city in local_cities[districts[station.id]]:
            city_demand[city] += 1

    taken: set[int] = set()
    result = AutoPlan()
    for station in stations:
        district, needed = districts[station.id], station.language
        if needed in demand:
            demand[needed] -= 1
        for city in local_cities[district]:
            city_demand[city] -= 1
        short = {lang for lang in STATION_LANGUAGES
                 if lang != needed and demand[lang] > 0 and supply[lang] <= demand[lang]}
        best, best_rank, best_local = None, None, False
        for bucket in ordered_buckets:
            if needed in STATION_LANGUAGES and needed not in bucket.profile:
                continue
            local = bucket.city in local_cities[district]
            if best_local and not local:
                continue
            observer = bucket.first(taken)
            if observer is None:
                continue
            rank = (not local, bool(bucket.profile & short),
                    not local and city_demand.get(bucket.city, 0) > 0, observer.id)
            if best_rank is None or rank < best_rank:
                best, best_rank, best_local = observer, rank, local
        if best is None:
            result.unmatched.append(station)
            continue
        taken.add(best.id)
        for lang in _profile(best):
            supply[lang] -= 1
        reasons = ["priority"] if station.is_priority else []
        reasons.append("same_district" if best_local else "nearest")
        if needed in STATION_LANGUAGES:
            reasons.append(f"speaks_{needed}")
        result.pairs.append(ProposedPair(best, station, tuple(reasons)))
    return result


def propose(election, branch) -> list[ProposedPair]:
    """The proposed pairs for the branch in the election (deterministic: same data, same list)."""
    return plan(election, branch).pairs


@dataclass
class Problem:
    pair: ProposedPair
    messages: list[str]


def apply(pairs, selected_keys, actor) -> tuple[list[Assignment], list[Problem]]:
    """Assign the selected pairs through the one assignment service, in one batch; a broken
    rule on one pair is collected and the others still go ahead."""
    selected = set(selected_keys)
    chosen = [pair for pair in pairs if pair.key in selected]
    proposals = [Proposal(pair.observer, pair.station, ROLE, SHIFT) for pair in chosen]
    created, refused = assign_observers(proposals, actor=actor)
    by_proposal = {id(proposal): pair for proposal, pair in zip(proposals, chosen, strict=True)}
    return created, [Problem(by_proposal[id(r.proposal)], r.messages) for r in refused]
