"""A realistic dataset for crawl and scale tests, built in a few seconds with bulk inserts.

Two branches in two regions (Karaganda and Almaty) plus HQ, 1,000 observers in every pipeline
status with their applications and history, an election with contests and 320 polling stations,
assignments, training sessions with registrations, attendance and quiz results, audit entries and
outbox mail. Every list page of the app gets more than one page of rows, so pagination, filters
and the scope rules run on data shaped like a branch's real season.

The sizes are at least those of the issue; set OBSERVE_DATASET_SCALE (e.g. 3) to multiply them
for a local run, or pass `scale=` to build_realistic_dataset().
"""

import hashlib
import os
import random
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from sqlalchemy import insert, select

from observe.assignments.models import Assignment
from observe.audit.models import AuditEntry
from observe.auth.models import ApiToken, OneTimeLink, User
from observe.auth.services import hash_password
from observe.branches.models import Branch
from observe.common.db import utcnow
from observe.elections.models import Contest, ContestChoice, Election, PollingStation
from observe.extensions import db
from observe.mail.models import OutboxMessage
from observe.observers.models import Application, Observer, ObserverNote, StatusChange
from observe.observers.rules import CONSENT_VERSION
from observe.training.models import (
    CalendarFeed,
    Certification,
    ModuleMaterial,
    QuizAttempt,
    QuizOption,
    Registration,
    SessionInvitation,
    Speaker,
    TrainingSession,
)
from observe.training.quiz_bank import ensure_demo_questions
from observe.training.standard_modules import ensure_standard_modules
from tests.conftest import TEST_PASSWORD
from tests.observers.factories import valid_iin


def _scale_from_environment() -> float:
    try:
        return max(1.0, float(os.environ.get("OBSERVE_DATASET_SCALE", "1")))
    except ValueError:
        return 1.0


# Multiplies every size below; never less than 1, so the minimum sizes always hold.
SCALE = _scale_from_environment()
OBSERVERS = 1000
STATIONS = {"karaganda": 190, "almaty": 130}  # 320 in all
AUDIT_EXTRA = 600  # sign-ins and other entries on top of those the data itself implies
OUTBOX = 180

BRANCHES = [
    dict(region="karaganda", name="Karaganda regional branch", city="Karaganda",
         chairperson="Aigerim Sadykova", phone="+77212410000", email="karaganda@example.test"),
    dict(region="almaty", name="Almaty city branch", city="Almaty",
         chairperson="Nurlan Abenov", phone="+77272500000", email="almaty@example.test"),
]
CITIES = {"karaganda": ["Karaganda", "Karaganda", "Temirtau", "Shakhtinsk", "Balkhash", "Saran"],
          "almaty": ["Almaty"]}
DISTRICTS = {
    "karaganda": ["Kazybek Bi district", "Alikhan Bokeikhan district", "Temirtau", "Shakhtinsk",
                  "Balkhash", "Saran", "Abai district"],
    "almaty": ["Almaly district", "Medeu district", "Bostandyk district", "Auezov district",
               "Alatau district", "Zhetysu district", "Nauryzbay district", "Turksib district"],
}
CENTRES = {"karaganda": (49.806, 73.085), "almaty": (43.238, 76.945)}
STREETS = ["Bukhar-Zhyrau Ave", "Erubaeva St", "Stroiteley Ave", "Respubliki Ave", "Abay Ave",
           "Dostyk Ave", "Timiryazev St", "Tole Bi St", "Satpayev St", "Gogol St"]
PREMISES = ["School No. {n}", "Lyceum No. {n}", "School-gymnasium No. {n}", "House of Culture",
            "College of Economics", "Sports school No. {n}", "Akimat building"]
PARTIES = ["Amanat", "Auyl", "Respublica", "Ak Zhol", "People's Party of Kazakhstan",
           "National Social Democratic Party", "Against all"]

MALE = ["Arman", "Askar", "Daniyar", "Yerlan", "Nurlan", "Timur", "Aidos", "Bolat", "Serik",
        "Marat", "Ruslan", "Sergey", "Dmitry", "Kanat", "Yerzhan", "Әлихан", "Нұрсұлтан"]
FEMALE = ["Aigerim", "Aruzhan", "Madina", "Dana", "Saule", "Gulnara", "Zhanar", "Dilnaz", "Olga",
          "Irina", "Assel", "Kamila", "Aliya", "Tomiris", "Elena", "Ұлжан", "Әсел"]
SURNAMES = [("Abenov", "Abenova"), ("Seitkali", "Seitkali"), ("Kim", "Kim"),
            ("Nurpeisov", "Nurpeisova"), ("Iskakov", "Iskakova"), ("Bekov", "Bekova"),
            ("Sadykov", "Sadykova"), ("Omarov", "Omarova"), ("Mukanov", "Mukanova"),
            ("Tulegenov", "Tulegenova"), ("Petrenko", "Petrenko"), ("Volkov", "Volkova"),
            ("Akhmetov", "Akhmetova"), ("Zhaksylykov", "Zhaksylykova"),
            ("Kenzhebayev", "Kenzhebayeva"), ("Төлеуов", "Төлеуова"), ("Құдайбергенов",
                                                                       "Құдайбергенова")]
MOBILE_PREFIXES = ["701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "778"]
CHANNELS = ["telegram", "telegram", "instagram", "facebook", "whatsapp", "website", "ngo",
            "offline", "friends", "other", "import", "coordinator"]
CAMPAIGNS = ["", "", "spring", "autumn", "students"]
LANGUAGE_SETS = [["kk", "ru"], ["ru"], ["kk"], ["kk", "ru", "other"]]
# Pipeline statuses in realistic proportions: many certified, every status present.
STATUS_CYCLE = (["certified"] * 7 + ["approved"] * 4 + ["applied"] * 5 + ["rejected"] * 2
                + ["withdrawn"] * 2)
# The reason the training rule writes; a few observers are certified by hand, with a reason.
RULE_REASON = "Training completed: sessions attended and quiz passed"
HAND_REASON = "Trained by the branch in 2023 and observed twice since"


def certified_reason(number: int) -> str:
    return RULE_REASON if number % 25 else HAND_REASON


REJECTION_REASONS = ["Is a member of a district election commission",
                     "Runs as a candidate in the maslikhat election",
                     "Did not answer three calls"]


@dataclass
class Dataset:
    """What a test needs from the realistic dataset: the accounts to sign in as (password
    TEST_PASSWORD), the branches, the current election and how many rows of each kind."""

    # admin, hq, coordinator (Karaganda), coordinator_almaty, observer (certified, assigned, in
    # Karaganda), observer_almaty (approved, still training), and a few more staff.
    accounts: dict[str, User]
    branches: dict[str, Branch]
    election: Election
    counts: dict[str, int] = field(default_factory=dict)


def build_realistic_dataset(scale: float | None = None, seed: int = 2026) -> Dataset:
    """Fill the empty, migrated database with the realistic dataset and commit it."""
    builder = _Builder(scale or SCALE, seed)
    dataset = builder.build()
    db.session.commit()
    return dataset


def _insert(model, rows: list[dict]) -> list[int]:
    """Bulk-insert rows (all with the same keys) and return their ids in order."""
    if not rows:
        return []
    stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.scalars(stmt, rows))


def _insert_plain(model, rows: list[dict]) -> None:
    if rows:
        db.session.execute(insert(model), rows)


class _Builder:
    def __init__(self, scale: float, seed: int):
        self.scale = scale
        self.rng = random.Random(seed)
        self.now = utcnow().replace(microsecond=0)
        self.password_hash = hash_password(TEST_PASSWORD)  # once: scrypt is slow on purpose
        self.audit: list[dict] = []
        self.counts: dict[str, int] = {}

    def sized(self, number: int) -> int:
        return int(number * self.scale)

    def ago(self, days: float = 0, hours: float = 0):
        return self.now - timedelta(days=days, hours=hours)

    def log(self, action, object_type, object_id, *, actor=None, when=None, summary="",
            before=None, after=None):
        self.audit.append(dict(
            occurred_at=when or self.now, actor_id=actor.id if actor else None,
            actor_label=actor.email if actor else "", action=action, object_type=object_type,
            object_id=str(object_id), summary=summary, before=before, after=after,
            ip_address=f"10.0.0.{self.rng.randint(2, 250)}" if actor else ""))

    # -- the whole story, in the order the season runs ---------------------------------------

    def build(self) -> Dataset:
        self.branches = self._branches()
        self.staff = self._staff()
        self._observers()
        self.election = self._elections()
        self._training()
        self._assignments()
        self._reports()
        self._mail_and_links()
        self._audit()
        db.session.flush()
        karaganda, almaty = self.branches["karaganda"], self.branches["almaty"]
        accounts = dict(self.staff)
        accounts["observer"] = self.login_observers["karaganda"]
        accounts["observer_almaty"] = self.login_observers["almaty"]
        return Dataset(accounts=accounts, branches={"karaganda": karaganda, "almaty": almaty},
                       election=self.election, counts=self.counts)

    def _branches(self) -> dict[str, Branch]:
        branches = {}
        for fields in BRANCHES:
            branch = Branch(**fields, created_at=self.ago(200))
            db.session.add(branch)
            branches[fields["region"]] = branch
        db.session.flush()
        for branch in branches.values():
            self.log("branch.create", "branch", branch.id, when=self.ago(200),
                     summary=branch.name)
        return branches

    def _user(self, email, role, name, branch=None, locale="ru", **extra) -> User:
        user = User(email=email, role=role, full_name=name, branch=branch, locale=locale,
                    password_hash=self.password_hash, created_at=self.ago(190),
                    last_login_at=self.ago(1), **extra)
        db.session.add(user)
        return user

    def _staff(self) -> dict[str, User]:
        karaganda, almaty = self.branches["karaganda"], self.branches["almaty"]
        staff = {
            "admin": self._user("admin@example.test", "admin", "Admin Realistic"),
            "hq": self._user("hq@example.test", "hq", "Dana Kassymova", locale="en"),
            "hq_analyst": self._user("analyst@example.test", "hq", "Marat Zhumabayev"),
            # Each role the crawl signs in as reads the app in another language.
            "coordinator": self._user("coordinator.karaganda@example.test", "coordinator",
                                      "Yerlan Mukhametov", karaganda, locale="kk"),
            "coordinator_deputy": self._user("deputy.karaganda@example.test", "coordinator",
                                             "Әсел Төлеуова", karaganda),
            "coordinator_almaty": self._user("coordinator.almaty@example.test", "coordinator",
                                             "Saule Omarova", almaty),
            "former_coordinator": self._user("former.almaty@example.test", "coordinator",
                                             "Ruslan Abdrakhmanov", almaty, is_active=False),
        }
        db.session.flush()
        for user in staff.values():
            self.log("user.create", "user_account", user.id, actor=None, when=self.ago(190),
                     summary=user.email, after={"email": user.email, "role": user.role})
        return staff

    # -- recruitment -------------------------------------------------------------------------

    def _person(self, number: int):
        female = number % 2 == 1
        first = self.rng.choice(FEMALE if female else MALE)
        surname = self.rng.choice(SURNAMES)[1 if female else 0]
        born = date(1960, 1, 1) + timedelta(days=self.rng.randrange(0, 365 * 44))
        return female, f"{first} {surname}", born

    def _observers(self) -> None:
        total = self.sized(OBSERVERS)
        coordinators = {"karaganda": self.staff["coordinator"],
                        "almaty": self.staff["coordinator_almaty"]}
        people, iins = [], set()
        for number in range(total):
            region = "karaganda" if number % 5 < 3 else "almaty"  # 60 % / 40 %
            female, name, born = self._person(number)
            serial = number
            iin = valid_iin(born, female=female, serial=serial)
            while iin in iins:
                serial += 1
                iin = valid_iin(born, female=female, serial=serial)
            iins.add(iin)
            status = STATUS_CYCLE[number % len(STATUS_CYCLE)]
            applied = self.ago(days=self.rng.uniform(20, 150))
            people.append(dict(
                number=number, region=region, female=female, name=name, born=born, iin=iin,
                status=status, applied=applied,
                phone=f"+7{MOBILE_PREFIXES[number % len(MOBILE_PREFIXES)]}{number:07d}",
                email=f"observer{number:05d}@example.test"))
            channel = CHANNELS[number % len(CHANNELS)]
            if channel in ("import", "coordinator") and number % 3 == 0:
                # Rows from a paper list: no e-mail, so no account even once approved, and
                # (added by a coordinator) no consent recorded online.
                people[-1].update(email="", paper=channel == "coordinator")
        # The two accounts the crawl signs in with: a certified observer in Karaganda and an
        # approved one in Almaty who is still training.
        login_numbers = {"karaganda": next(p["number"] for p in people
                                           if p["region"] == "karaganda"
                                           and p["status"] == "certified"),
                         "almaty": next(p["number"] for p in people
                                        if p["region"] == "almaty" and p["status"] == "approved")}
        for region, number in login_numbers.items():
            people[number]["email"] = f"observer.{region}@example.test"

        # Accounts of accepted observers (approved ones get theirs on approval).
        accepted = [p for p in people if p["status"] in ("approved", "certified") and p["email"]]
        user_ids = _insert(User, [dict(
            email=p["email"], role="observer", full_name=p["name"], phone=p["phone"],
            password_hash=self.password_hash, branch_id=self.branches[p["region"]].id,
            is_active=True, locale=["ru", "kk", "en"][p["number"] % 3], failed_logins=0,
            created_at=p["applied"] + timedelta(days=3), session_version=1,
            last_login_at=(p["applied"] + timedelta(days=5)) if p["number"] % 4 else None,
        ) for p in accepted])
        for person, user_id in zip(accepted, user_ids, strict=True):
            person["user_id"] = user_id

        rows = []
        for p in people:
            changed = p["applied"] + timedelta(days=2 + p["number"] % 9)
            if p["status"] == "certified":
                changed += timedelta(days=10)
            rows.append(dict(
                branch_id=self.branches[p["region"]].id, user_id=p.get("user_id"),
                status=p["status"], full_name=p["name"], iin=p["iin"], birth_date=p["born"],
                phone=p["phone"], email=p["email"],
                city=self.rng.choice(CITIES[p["region"]]),
                languages=LANGUAGE_SETS[p["number"] % len(LANGUAGE_SETS)],
                other_language="English" if p["number"] % len(LANGUAGE_SETS) == 3 else "",
                experience=["none", "once", "several"][p["number"] % 3],
                availability=["full_day", "morning", "afternoon", "unsure"][p["number"] % 4],
                channel=CHANNELS[p["number"] % len(CHANNELS)],
                campaign=CAMPAIGNS[p["number"] % len(CAMPAIGNS)],
                consent_version=CONSENT_VERSION,
                consent_at=None if p.get("paper") else p["applied"],
                declared_independent_at=None if p.get("paper") else p["applied"],
                rejection_reason=(REJECTION_REASONS[p["number"] % 3]
                                  if p["status"] == "rejected" else ""),
                applied_at=p["applied"],
                status_changed_at=p["applied"] if p["status"] == "applied" else changed))
        observer_ids = _insert(Observer, rows)
        for person, observer_id in zip(people, observer_ids, strict=True):
            person["id"] = observer_id

        applications, history, notes, certifications = [], [], [], []
        for p in people:
            coordinator = coordinators[p["region"]]
            channel = CHANNELS[p["number"] % len(CHANNELS)]
            campaign = CAMPAIGNS[p["number"] % len(CAMPAIGNS)]
            applications.append(dict(observer_id=p["id"], channel=channel, campaign=campaign,
                                     is_repeat=False, submitted_at=p["applied"]))
            if p["number"] % 17 == 0:  # some apply twice, from another channel
                applications.append(dict(observer_id=p["id"], channel="telegram",
                                         campaign="autumn", is_repeat=True,
                                         submitted_at=p["applied"] + timedelta(days=1)))
            steps = {"applied": [], "approved": ["approved"], "certified": ["approved",
                                                                             "certified"],
                     "rejected": ["rejected"], "withdrawn": ["approved", "withdrawn"]
                     if p["number"] % 2 else ["withdrawn"]}[p["status"]]
            history.append(dict(observer_id=p["id"], from_status="", to_status="applied",
                                reason="", actor_id=None, changed_at=p["applied"]))
            self.log("observer.apply", "observer", p["id"], when=p["applied"], summary=channel)
            previous, when = "applied", p["applied"]
            for step in steps:
                when += timedelta(days=2 + p["number"] % 9)
                reason = {"rejected": REJECTION_REASONS[p["number"] % 3],
                          "certified": certified_reason(p["number"]),
                          "withdrawn": "Moved to another city"}.get(step, "")
                by_rule = step == "certified" and p["number"] % 25
                actor = None if by_rule else coordinator
                if step == "certified":
                    certifications.append(dict(
                        observer_id=p["id"], method="rule" if by_rule else "hand",
                        reason=reason, actor_id=actor.id if actor else None,
                        certified_at=when))
                history.append(dict(observer_id=p["id"], from_status=previous, to_status=step,
                                    reason=reason, actor_id=actor.id if actor else None,
                                    changed_at=when))
                self.log("observer.status", "observer", p["id"], actor=actor, when=when,
                         summary=reason, before={"status": previous},
                         after={"status": step, "rejection_reason": reason
                                if step == "rejected" else ""})
                previous = step
            if p["number"] % 11 == 0:
                notes.append(dict(observer_id=p["id"], author_id=coordinator.id,
                                  body="Called: prefers a station close to home.",
                                  created_at=p["applied"] + timedelta(days=1)))
        _insert_plain(Application, applications)
        _insert_plain(StatusChange, history)
        _insert_plain(ObserverNote, notes)
        _insert_plain(Certification, certifications)

        self.people = people
        self.by_status = {}
        for p in people:
            self.by_status.setdefault((p["region"], p["status"]), []).append(p)
        self.login_people = {region: people[number] for region, number in login_numbers.items()}
        self.login_observers = {region: db.session.get(User, p["user_id"])
                                for region, p in self.login_people.items()}
        self.counts.update(observers=len(people), observer_accounts=len(accepted),
                           applications=len(applications), status_changes=len(history))

    # -- elections ---------------------------------------------------------------------------

    def _elections(self) -> Election:
        hq = self.staff["hq"]
        election = Election(name="Elections of Mazhilis and maslikhat deputies",
                            polling_day=(self.now + timedelta(days=45)).date(),
                            timezone="Asia/Almaty", polls_open=time(7, 0),
                            polls_close=time(20, 0), status="planning", created_at=self.ago(60))
        mazhilis = Contest(kind="mazhilis_party_list", name="Mazhilis: party lists", position=1)
        mazhilis.choices = [ContestChoice(name=name, position=n) for n, name in enumerate(PARTIES)]
        oblast = Contest(kind="oblast_maslikhat", name="Karaganda oblast maslikhat",
                         region="karaganda", position=2)
        oblast.choices = [ContestChoice(name=name, position=n) for n, name in
                          enumerate(PARTIES[:5])]
        city = Contest(kind="city_maslikhat", name="Almaty city maslikhat", region="almaty",
                       position=3)
        city.choices = [ContestChoice(name=name, position=n) for n, name in enumerate(PARTIES[:4])]
        election.contests = [mazhilis, oblast, city]
        # A past by-election, closed, with a few stations: the index has history to show.
        past = Election(name="Karaganda oblast maslikhat by-election",
                        polling_day=(self.now - timedelta(days=300)).date(),
                        timezone="Asia/Almaty", polls_open=time(7, 0), polls_close=time(20, 0),
                        status="closed", created_at=self.ago(360))
        past.contests = [Contest(kind="oblast_maslikhat", name="Karaganda oblast maslikhat",
                                 region="karaganda", position=1,
                                 choices=[ContestChoice(name=n, position=i)
                                          for i, n in enumerate(PARTIES[:3])])]
        db.session.add_all([election, past])
        db.session.flush()
        for each in (election, past):
            self.log("election.create", "election", each.id, actor=hq, when=each.created_at,
                     summary=each.name)

        rows = []
        for region, count in STATIONS.items():
            lat0, lon0 = CENTRES[region]
            first = 1 if region == "karaganda" else 101  # numbers 101-190 exist in both regions
            for n in range(self.sized(count)):
                number = first + n
                priority = n % 7 == 0
                rows.append(dict(
                    election_id=election.id, number=f"{number:03d}", region=region,
                    district=DISTRICTS[region][n % len(DISTRICTS[region])],
                    address=f"{STREETS[n % len(STREETS)]} {1 + n % 140}",
                    premises=PREMISES[n % len(PREMISES)].format(n=1 + n % 90),
                    commission=f"PEC No. {number:03d}",
                    registered_voters=800 + (n * 37) % 2400,
                    latitude=None if n % 13 == 5 else round(lat0 + (n % 20 - 10) * 0.004, 5),
                    longitude=None if n % 13 == 5 else round(lon0 + (n % 17 - 8) * 0.005, 5),
                    language=["", "kk", "ru"][n % 3], is_priority=priority,
                    priority_note="Large station; queues in 2023" if priority else ""))
        station_ids = _insert(PollingStation, rows)
        self.stations = {"karaganda": [], "almaty": []}
        for row, station_id in zip(rows, station_ids, strict=True):
            self.stations[row["region"]].append(dict(row, id=station_id))
        _insert_plain(PollingStation, [dict(
            election_id=past.id, number=f"{n:03d}", region="karaganda",
            district=DISTRICTS["karaganda"][n % 3], address=f"{STREETS[n]} {n}",
            premises="", commission="", registered_voters=1200, latitude=None, longitude=None,
            language="", is_priority=False, priority_note="") for n in range(1, 9)])
        self.log("station.import", "election", election.id, actor=hq, when=self.ago(50),
                 summary=f"{len(rows)} stations")
        self.counts["stations"] = len(rows)
        return election

    # -- training ----------------------------------------------------------------------------

    def _training(self) -> None:
        hq = self.staff["hq"]
        modules = ensure_standard_modules()
        ensure_demo_questions(modules)
        for module in modules:
            db.session.add(ModuleMaterial(module_id=module.id, title="Slides (Google Drive)",
                                          url="https://example.org/slides/" + module.code,
                                          created_at=self.ago(90)))
        speakers = [Speaker(name="Aidar Seitkazin", role="Trainer, observer since 2015",
                            bio="Has trained more than a thousand observers."),
                    Speaker(name="Saltanat Omarova", role="Political scientist",
                            bio="Studies electoral law in Central Asia."),
                    Speaker(name="Marat Zhumabayev", role="Blogger", bio=""),
                    Speaker(name="Гүлнар Ахметова", role="Lawyer", bio="Election law clinic.")]
        db.session.add_all(speakers)
        db.session.flush()
        karaganda, almaty = self.branches["karaganda"], self.branches["almaty"]
        zoom = dict(online=True, zoom_url="https://zoom.us/j/81234567890",
                    zoom_meeting_id="812 3456 7890", zoom_passcode="baqyla", venue="",
                    address="")

        def offline(venue, address):
            return dict(online=False, zoom_url="", zoom_meeting_id="", zoom_passcode="",
                        venue=venue, address=address)

        evening = self.now.replace(hour=13, minute=0, second=0)  # 18:00 in Kazakhstan
        plan = [  # (branch, title, days from now, modules, speakers, place, capacity)
            (None, "Observer basics: polling day, rights and duties", -40, modules[:2],
             speakers[:2], zoom, 500),
            (karaganda, "At the station: preparation, the count and the protocol", -25,
             modules[2:], speakers[:1], offline("Karaganda Youth Centre",
                                                "Bukhar-Zhyrau Ave 47, Karaganda"), 300),
            (almaty, "The count and the protocol: practice", -20, modules[2:], speakers[3:],
             offline("Almaty NGO Hub", "Abay Ave 115, Almaty"), 300),
            (None, "Full course for new observers", -12, modules, speakers[:3], zoom, 500),
            (None, "Full course for new observers (repeat)", 4, modules, speakers[:3], zoom,
             500),
            (karaganda, "Temirtau: rights and duties", 6, modules[1:2], speakers[1:2],
             offline("Temirtau House of Culture", "Respubliki Ave 8, Temirtau"), 40),
            (almaty, "Almaty: polling-day tasks", 9, modules[:1], speakers[:1], zoom, 120),
            (karaganda, "Balkhash: the count", 14, modules[3:], speakers[:1],
             offline("Balkhash library", "Lenina St 10, Balkhash"), 25),
        ]
        sessions = []
        for branch, title, days, covers, who, place, capacity in plan:
            starts = evening + timedelta(days=days)
            session = TrainingSession(
                branch_id=branch.id if branch else None, title=title,
                description="Bring your ID card and a notebook.", starts_at=starts,
                ends_at=starts + timedelta(hours=2), capacity=capacity,
                min_attendance_minutes=60, created_by_id=hq.id, created_at=starts - timedelta(
                    days=20), updated_at=starts - timedelta(days=20), **place)
            session.modules = list(covers)
            session.speakers = list(who)
            db.session.add(session)
            sessions.append(session)
        cancelled = TrainingSession(
            branch_id=almaty.id, title="Almaty: rights and duties (moved)",
            description="", starts_at=evening + timedelta(days=3),
            ends_at=evening + timedelta(days=3, hours=2), capacity=50,
            min_attendance_minutes=60, created_by_id=hq.id, created_at=self.ago(15),
            updated_at=self.ago(2), cancelled_at=self.ago(2),
            cancel_reason="The hall is closed for repairs.", **zoom)
        cancelled.modules = [modules[1]]
        db.session.add(cancelled)
        db.session.flush()
        for session in [*sessions, cancelled]:
            self.log("training.session_create", "training_session", session.id, actor=hq,
                     when=session.created_at, summary=session.title)

        registrations, invitations, attempts, feeds = [], [], [], []
        registered = set()

        def register(session, person, *, attended=None, minutes=None, source=""):
            key = (session.id, person["id"])
            if key in registered:
                return
            registered.add(key)
            past = session.starts_at < self.now
            registrations.append(dict(
                session_id=session.id, observer_id=person["id"],
                registered_at=session.starts_at - timedelta(days=3),
                cancelled_at=None, attended=attended, minutes=minutes,
                attendance_source=source,
                marked_at=session.ends_at + timedelta(hours=2) if past and attended is not None
                else None))

        def in_scope(session, people):
            if session.branch_id is None:
                return people
            return [p for p in people if self.branches[p["region"]].id == session.branch_id]

        certified = [p for p in self.people if p["status"] == "certified"]
        approved = [p for p in self.people if p["status"] == "approved"]
        basics, station_k, station_a, full_past = sessions[:4]
        # Every certified observer attended the basics and their branch's station course.
        for person in certified:
            register(basics, person, attended=True, minutes=90 + person["number"] % 30,
                     source="zoom")
            station = station_k if person["region"] == "karaganda" else station_a
            register(station, person, attended=True, source="manual")
        # Approved observers are halfway: some attended and some did not show up.
        for person in approved:
            if person["number"] % 3 == 0:
                register(full_past, person, attended=person["number"] % 2 == 0,
                         minutes=95 if person["number"] % 2 == 0 else 15, source="zoom")
        for session in sessions[4:]:
            for person in in_scope(session, approved)[: session.capacity - 3]:
                register(session, person)
            for person in in_scope(session, approved)[:60]:
                invitations.append(dict(session_id=session.id, observer_id=person["id"],
                                        invited_by_id=hq.id, invited_at=self.ago(6)))
        # The approved Almaty observer who signs in has a seat in an upcoming session.
        register(sessions[4], self.login_people["almaty"])

        questions = {module.id: [q.id for q in module.questions] for module in modules}
        correct = {}
        for option in db.session.scalars(select(QuizOption).where(QuizOption.is_correct)):
            correct.setdefault(option.question_id, []).append(option.id)
        for person in certified + approved:
            for module in modules:
                if person["status"] == "approved" and module.position > 1 + person["number"] % 4:
                    break
                asked = questions[module.id][:module.quiz_size]
                failed_first = person["number"] % 6 == 0
                submitted = self.ago(days=30 - person["number"] % 20)
                if failed_first:
                    attempts.append(dict(
                        observer_id=person["id"], module_id=module.id,
                        submission_uuid=str(uuid.uuid4()), question_ids=asked, answers={},
                        language="ru", started_at=submitted - timedelta(days=1, minutes=9),
                        submitted_at=submitted - timedelta(days=1), score_percent=40,
                        passed=False))
                attempts.append(dict(
                    observer_id=person["id"], module_id=module.id,
                    submission_uuid=str(uuid.uuid4()), question_ids=asked,
                    answers={str(q): correct.get(q, []) for q in asked},
                    language=["ru", "kk", "en"][person["number"] % 3],
                    started_at=submitted - timedelta(minutes=7), submitted_at=submitted,
                    score_percent=100, passed=True))
        for person in certified[::3] + [self.login_people["karaganda"],
                                        self.login_people["almaty"]]:
            token = secrets.token_urlsafe(24)  # never shown: a test makes its own feed
            feeds.append(dict(observer_id=person["id"],
                              token_hash=hashlib.sha256(token.encode()).hexdigest(),
                              created_at=self.ago(10)))
        # The login observers can appear twice above; a feed is unique per observer.
        feeds = list({row["observer_id"]: row for row in feeds}.values())
        _insert_plain(Registration, registrations)
        _insert_plain(SessionInvitation, invitations)
        _insert_plain(QuizAttempt, attempts)
        _insert_plain(CalendarFeed, feeds)
        seats = {}
        for row in registrations:
            seats[row["session_id"]] = seats.get(row["session_id"], 0) + 1
        for session in sessions:
            session.seats_taken = seats.get(session.id, 0)
        for session in (basics, station_k, station_a, full_past):
            self.log("training.attendance", "training_session", session.id, actor=hq,
                     when=session.ends_at + timedelta(hours=2),
                     summary=f"{seats.get(session.id, 0)} marked")
        self.counts.update(sessions=len(sessions) + 1, registrations=len(registrations),
                           quiz_attempts=len(attempts))

    # -- assignments -------------------------------------------------------------------------

    def _assignments(self) -> None:
        rows = []
        for region in ("karaganda", "almaty"):
            coordinator = self.staff["coordinator" if region == "karaganda"
                                     else "coordinator_almaty"]
            stations = self.stations[region]
            certified = self.by_status.get((region, "certified"), [])
            login = self.login_people.get(region)
            if login in certified:  # the observer who signs in is at a priority station
                certified = [login] + [p for p in certified if p is not login]
            # About four in five certified observers are placed.
            chosen = [p for p in certified if p is login or p["number"] % 5 != 4]
            stationary = iter(stations)
            for index, person in enumerate(chosen):
                status = ("confirmed" if index % 8 < 5 else "assigned" if index % 8 < 7
                          else "declined")
                if person is login:
                    status = "confirmed"
                if index % 6 == 5:
                    station, role, shift = stations[index % len(stations)], "mobile", "full_day"
                elif index % 10 == 9:
                    station, role, shift = stations[(index * 7) % len(stations)], "reserve", \
                        "morning"
                else:
                    station = next(stationary, None)
                    if station is None:
                        station, role, shift = stations[index % len(stations)], "reserve", \
                            "afternoon"
                    else:
                        role, shift = "stationary", "full_day"
                created = self.ago(days=10 - index % 9)
                rows.append(dict(
                    election_id=self.election.id, station_id=station["id"],
                    observer_id=person["id"], branch_id=self.branches[region].id, role=role,
                    shift=shift, status=status, override_reason="",
                    decline_reason="Works on polling day" if status == "declined" else "",
                    assigned_by_id=coordinator.id, created_at=created,
                    updated_at=created + timedelta(days=1) if status != "assigned" else created,
                    confirmed_at=created + timedelta(days=1) if status == "confirmed" else None))
            # A few approved observers placed before certification, with the reason recorded.
            for person in self.by_status.get((region, "approved"), [])[:3]:
                station = next(stationary, None)
                if station is None:
                    break
                rows.append(dict(
                    election_id=self.election.id, station_id=station["id"],
                    observer_id=person["id"], branch_id=self.branches[region].id,
                    role="stationary", shift="morning", status="assigned",
                    override_reason="Passes the last quiz this week", decline_reason="",
                    assigned_by_id=coordinator.id, created_at=self.ago(3),
                    updated_at=self.ago(3), confirmed_at=None))
        ids = _insert(Assignment, rows)
        for row, assignment_id in zip(rows, ids, strict=True):
            actor = self.staff["coordinator"] if row["branch_id"] == \
                self.branches["karaganda"].id else self.staff["coordinator_almaty"]
            self.log("assignment.create", "assignment", assignment_id, actor=actor,
                     when=row["created_at"], after={"station_id": row["station_id"],
                                                    "observer_id": row["observer_id"],
                                                    "role": row["role"], "shift": row["shift"],
                                                    "status": "assigned"})
            if row["override_reason"]:
                self.log("assignment.certification_override", "assignment", assignment_id,
                         actor=actor, when=row["created_at"], summary=row["override_reason"])
        self.counts["assignments"] = len(rows)
        self.assignment_rows = rows

    # -- polling-day reports ------------------------------------------------------------------

    def _reports(self) -> None:
        """A morning of polling day as the stationary observers sent it: check-ins, opening
        checklists (some signalling a problem), turnout, incidents in every status, severity
        and category, enough for the triage queue to run to several pages in both regions."""
        from observe.reports.models import (
            CheckIn,
            ChecklistResponse,
            Incident,
            Report,
            ReportEvent,
            TurnoutReport,
        )
        from observe.reports.rules import CATEGORIES, SEVERITIES
        from observe.reports.services import ensure_default_checklist

        form = ensure_default_checklist()
        report_table = Report.__table__
        action_of = {"verified": "verify", "rejected": "reject", "escalated": "escalate",
                     "resolved": "resolve"}
        statuses = ["received"] * 4 + ["verified"] * 3 + ["rejected", "escalated", "resolved"]
        present = [row for row in self.assignment_rows
                   if row["status"] == "confirmed" and row["role"] == "stationary"]
        base, details, events = [], [], []
        for number, row in enumerate(present):
            when = self.ago(hours=6) + timedelta(minutes=number % 50)
            common = dict(election_id=row["election_id"], station_id=row["station_id"],
                          observer_id=row["observer_id"], occurred_at=when, received_at=when,
                          updated_at=when, status_reason="", severity="", flagged=False)
            base.append(dict(common, kind="check_in", uuid=str(uuid.uuid4()), status="received"))
            details.append((CheckIn, {"latitude": None, "longitude": None, "accuracy_m": None}))
            flagged = number % 3 == 0
            answers = {"boxes_shown_empty_sealed": "no" if flagged else "yes",
                       "video_working": "yes"}
            base.append(dict(common, kind="checklist", uuid=str(uuid.uuid4()), status="received",
                             flagged=flagged, severity="critical" if flagged else ""))
            details.append((ChecklistResponse, {
                "form_id": form.id, "form_version": form.version, "phase": "opening",
                "answers": answers,
                "problems": ["boxes_shown_empty_sealed"] if flagged else []}))
            base.append(dict(common, kind="turnout", uuid=str(uuid.uuid4()), status="received"))
            details.append((TurnoutReport, {"hour": 10, "voters": 40 + number % 90}))
            for extra in range(2 + number % 3):
                status = statuses[(number + extra) % len(statuses)]
                base.append(dict(common, kind="incident", uuid=str(uuid.uuid4()), status=status,
                                 severity=SEVERITIES[(number + extra) % len(SEVERITIES)],
                                 status_reason="Not confirmed by a second observer"
                                 if status == "rejected" else ""))
                details.append((Incident, {
                    "category": CATEGORIES[(number * 3 + extra) % len(CATEGORIES)],
                    "description": f"Seen at the station at {when:%H:%M}: voters brought by bus",
                    "people_involved": "", "complaint_filed": number % 4 == 0,
                    "complaint_number": f"{number}-K" if number % 4 == 0 else ""}))
        ids = list(db.session.scalars(
            insert(report_table).returning(report_table.c.id, sort_by_parameter_order=True),
            base))
        by_model: dict = {}
        for report_id, row, (model, fields) in zip(ids, base, details, strict=True):
            by_model.setdefault(model, []).append(dict(fields, id=report_id))
            if row["kind"] == "incident" and row["status"] != "received":
                events.append(dict(report_id=report_id, kind=action_of[row["status"]],
                                   text=row["status_reason"], actor_id=self.staff["hq"].id,
                                   created_at=row["received_at"] + timedelta(minutes=20)))
        for model, rows in by_model.items():
            _insert_plain(model.__table__, rows)
        _insert_plain(ReportEvent, events)
        self.counts["reports"] = len(ids)
        self.counts["incidents"] = len(by_model[Incident])

    # -- mail, links and tokens --------------------------------------------------------------

    def _mail_and_links(self) -> None:
        accepted = [p for p in self.people if p.get("user_id")]
        messages = []
        for index, person in enumerate(accepted[: self.sized(OUTBOX)]):
            created = person["applied"] + timedelta(days=2)
            messages.append(dict(
                recipient=person["email"], subject="Welcome to Observe: set your password",
                body=f"Hello {person['name']},\n\nyour application was approved.\n",
                created_at=created,
                sent_at=None if index % 9 == 0 else created + timedelta(seconds=30),
                error="SMTP 451: temporary failure" if index % 18 == 0 else ""))
        _insert_plain(OutboxMessage, messages)
        links = []
        for person in accepted[:40]:
            created = person["applied"] + timedelta(days=2)
            links.append(dict(user_id=person["user_id"], purpose="invite",
                              token_hash=secrets.token_hex(32), created_at=created,
                              expires_at=created + timedelta(hours=48),
                              used_at=created + timedelta(hours=5) if person["number"] % 3
                              else None, created_by_id=None))
        _insert_plain(OneTimeLink, links)
        db.session.add(ApiToken(user_id=self.staff["hq"].id, name="Dashboard screen",
                                token_hash=secrets.token_hex(32), created_at=self.ago(20),
                                last_used_at=self.ago(1)))
        self.counts["outbox"] = len(messages)

    def _audit(self) -> None:
        accounts = [*self.staff.values(), *self.login_observers.values()]
        for index in range(self.sized(AUDIT_EXTRA)):
            user = accounts[index % len(accounts)]
            self.log("auth.login", "user_account", user.id, actor=user,
                     when=self.ago(days=index % 60, hours=index % 24))
        _insert_plain(AuditEntry, self.audit)
        self.counts["audit_entries"] = len(self.audit)
