"""Demo election: the Mazhilis and maslikhat elections with two contests and stations in the
regions of both demo branches."""

from datetime import date, time, timedelta

from sqlalchemy import select

from observe.common.db import utcnow
from observe.elections.models import Contest, ContestChoice, Election, PollingStation
from observe.extensions import db

DEMO_ELECTION = "Elections of Mazhilis and maslikhat deputies"

PARTIES = ["Amanat", "Auyl", "Respublica", "Ak Zhol", "People's Party of Kazakhstan",
           "National Social Democratic Party", "Against all"]

# (region, number, district, address, premises, voters, latitude, longitude, priority, language)
STATIONS = [
    ("karaganda", "001", "Kazybek Bi district", "Bukhar-Zhyrau Ave 47", "School No. 1", 2450,
     49.8047, 73.1094, True, "ru"),
    ("karaganda", "002", "Kazybek Bi district", "Erubaeva St 12", "Lyceum No. 3", 1980,
     49.8069, 73.0875, False, ""),
    ("karaganda", "003", "Alikhan Bokeikhan district", "Stroiteley Ave 30", "School No. 45",
     2710, 49.7803, 73.1378, True, "kk"),
    ("karaganda", "004", "Temirtau", "Respubliki Ave 8", "House of Culture", 1650,
     50.0589, 72.9646, False, ""),
    ("almaty", "101", "Almaly district", "Abay Ave 115", "School-gymnasium No. 12", 2890,
     43.2402, 76.9104, True, ""),
    ("almaty", "102", "Medeu district", "Dostyk Ave 40", "School No. 25", 2210,
     43.2456, 76.9570, False, "kk"),
    ("almaty", "103", "Bostandyk district", "Timiryazev St 42", "College of Economics", 1760,
     43.2252, 76.9064, False, ""),
]


def seed_election() -> Election:
    """The demo election with its contests and stations, created once."""
    election = db.session.execute(
        select(Election).where(Election.name == DEMO_ELECTION)).scalar_one_or_none()
    if election is not None:
        return election
    polling_day: date = (utcnow() + timedelta(days=45)).date()
    election = Election(name=DEMO_ELECTION, polling_day=polling_day, timezone="Asia/Almaty",
                        polls_open=time(7, 0), polls_close=time(20, 0), status="planning")
    mazhilis = Contest(kind="mazhilis_party_list", name="Mazhilis: party lists", position=1)
    mazhilis.choices = [ContestChoice(name=name, position=n) for n, name in enumerate(PARTIES)]
    maslikhat = Contest(kind="oblast_maslikhat", name="Karaganda oblast maslikhat",
                        region="karaganda", position=2)
    maslikhat.choices = [ContestChoice(name=name, position=n)
                         for n, name in enumerate(PARTIES[:4])]
    election.contests = [mazhilis, maslikhat]
    db.session.add(election)
    db.session.flush()
    for (region, number, district, address, premises, voters, lat, lon, priority,
         language) in STATIONS:
        db.session.add(PollingStation(
            election_id=election.id, region=region, number=number, district=district,
            address=address, premises=premises, commission=f"PEC No. {number}",
            registered_voters=voters, latitude=lat, longitude=lon, is_priority=priority,
            priority_note="Large station; queues in 2023" if priority else "",
            language=language))
    db.session.flush()
    return election
