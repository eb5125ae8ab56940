"""Demo election: the Mazhilis and maslikhat elections with two contests and stations in the
regions of both demo branches, named and addressed in Russian as the official lists are."""

from datetime import date, time, timedelta

from sqlalchemy import select

from observe.common.db import utcnow
from observe.elections.models import Contest, ContestChoice, Election, PollingStation
from observe.extensions import db

# Written as the Central Election Commission and the akimats write them: in Russian.
DEMO_ELECTION = "Выборы депутатов Мажилиса Парламента и маслихатов Республики Казахстан"
# Names the demo election had before, so that seeding an older demo database stays idempotent.
EARLIER_NAMES = ("Elections of Mazhilis and maslikhat deputies",)

PARTIES = ["Партия «AMANAT»", "Народно-демократическая патриотическая партия «Ауыл»",
           "Партия «Respublica»", "Демократическая партия Казахстана «Ак жол»",
           "Народная партия Казахстана", "Общенациональная социал-демократическая партия",
           "Против всех"]

# (region, number, district, address, premises, voters, latitude, longitude, priority, language)
STATIONS = [
    ("karaganda", "001", "район имени Казыбек би", "пр. Бухар жырау, 47",
     "Общеобразовательная школа № 1", 2450, 49.8047, 73.1094, True, "ru"),
    ("karaganda", "002", "район имени Казыбек би", "ул. Ерубаева, 35", "Лицей № 3", 1980,
     49.8069, 73.0875, False, ""),
    ("karaganda", "003", "район Алихана Бокейханова", "пр. Строителей, 30",
     "Общеобразовательная школа № 45", 2710, 49.7803, 73.1378, True, "kk"),
    ("karaganda", "004", "г. Темиртау", "пр. Республики, 8", "Дворец культуры металлургов",
     1650, 50.0589, 72.9646, False, ""),
    ("almaty", "101", "Алмалинский район", "пр. Абая, 115", "Школа-гимназия № 12", 2890,
     43.2402, 76.9104, True, ""),
    ("almaty", "102", "Медеуский район", "пр. Достык, 40", "Общеобразовательная школа № 25",
     2210, 43.2456, 76.9570, False, "kk"),
    ("almaty", "103", "Бостандыкский район", "ул. Тимирязева, 42",
     "Колледж экономики и бизнеса", 1760, 43.2252, 76.9064, False, ""),
]


def seed_election() -> Election:
    """The demo election with its contests and stations, created once."""
    election = db.session.execute(
        select(Election).where(Election.name.in_((DEMO_ELECTION, *EARLIER_NAMES)))
        .order_by(Election.id).limit(1)).scalar_one_or_none()
    if election is not None:
        return election
    polling_day: date = (utcnow() + timedelta(days=45)).date()
    election = Election(name=DEMO_ELECTION, polling_day=polling_day, timezone="Asia/Almaty",
                        polls_open=time(7, 0), polls_close=time(20, 0), status="planning")
    mazhilis = Contest(kind="mazhilis_party_list",
                       name="Выборы депутатов Мажилиса по партийным спискам", position=1)
    mazhilis.choices = [ContestChoice(name=name, position=n) for n, name in enumerate(PARTIES)]
    maslikhat = Contest(kind="oblast_maslikhat", name="Карагандинский областной маслихат",
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
            address=address, premises=premises,
            commission=f"Участковая избирательная комиссия № {number}",
            registered_voters=voters, latitude=lat, longitude=lon, is_priority=priority,
            priority_note="Крупный участок; очереди на выборах 2023 года" if priority
            else "",
            language=language))
    db.session.flush()
    return election
