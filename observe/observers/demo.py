"""Demo applicants for both demo branches, in every status and from several channels."""

from datetime import date, timedelta

from sqlalchemy import select

from observe.auth.models import User
from observe.extensions import db
from observe.observers import services
from observe.observers.choices import Status
from observe.observers.models import Observer
from observe.observers.rules import iin_control_digit, validate_applicant

# (name, birth date, female, city, languages, channel, campaign, status)
DEMO_APPLICANTS = {
    0: [
        ("Aruzhan Bekova", date(1996, 4, 12), True, "Karaganda", ["kk", "ru"], "telegram",
         "autumn", Status.APPROVED),
        ("Timur Zhaksylykov", date(1989, 9, 2), False, "Karaganda", ["ru"], "instagram", "",
         Status.CERTIFIED),
        ("Madina Iskakova", date(2001, 1, 23), True, "Temirtau", ["kk", "ru"], "whatsapp",
         "students", Status.APPROVED),
        ("Bolat Kenzhebayev", date(1975, 6, 30), False, "Shakhtinsk", ["kk"], "ngo", "",
         Status.APPLIED),
        ("Irina Volkova", date(1993, 11, 5), True, "Karaganda", ["ru"], "facebook", "autumn",
         Status.APPLIED),
        ("Yerzhan Tulegenov", date(1999, 3, 17), False, "Balkhash", ["kk", "ru"], "telegram",
         "students", Status.REJECTED),
        ("Gulnara Akhmetova", date(1985, 8, 8), True, "Karaganda", ["kk", "ru", "other"],
         "website", "", Status.WITHDRAWN),
    ],
    1: [
        ("Daniyar Seitkali", date(1994, 2, 14), False, "Almaty", ["kk", "ru"], "telegram",
         "autumn", Status.APPROVED),
        ("Olga Petrenko", date(1990, 7, 21), True, "Almaty", ["ru"], "facebook", "",
         Status.CERTIFIED),
        ("Askar Nurpeisov", date(1982, 12, 1), False, "Almaty", ["kk"], "offline", "forum",
         Status.APPROVED),
        ("Dilnaz Sarsenbayeva", date(2003, 5, 9), True, "Almaty", ["kk", "ru"], "instagram",
         "students", Status.APPLIED),
        ("Sergey Kim", date(1978, 10, 27), False, "Almaty", ["ru", "other"], "whatsapp", "",
         Status.APPLIED),
        ("Zhanar Mukanova", date(1997, 4, 4), True, "Almaty", ["kk"], "telegram", "autumn",
         Status.REJECTED),
        ("Ruslan Abdrakhmanov", date(1988, 1, 15), False, "Almaty", ["ru"], "ngo", "",
         Status.WITHDRAWN),
    ],
}

# The demo observer accounts that belong to approved applicants, in order, per branch.
DEMO_OBSERVER_EMAILS = {
    0: ["observer1@example.org", "observer2@example.org", "observer3@example.org"],
    1: ["observer4@example.org", "observer5@example.org", "observer6@example.org"],
}


def demo_iin(birth_date: date, female: bool, serial_start: int) -> str:
    """A valid IIN for a birth date (the first serial number that yields a control digit)."""
    century_digit = (3 if birth_date.year < 2000 else 5) + int(female)
    prefix = birth_date.strftime("%y%m%d") + str(century_digit)
    serial = serial_start
    while (control := iin_control_digit(f"{prefix}{serial:04d}")) is None:
        serial += 1
    return f"{prefix}{serial:04d}{control}"


def seed_observers(branches, coordinators_by_branch: dict) -> None:
    """Create the demo applicants once; link approved ones to the demo observer accounts."""
    for branch_index, rows in DEMO_APPLICANTS.items():
        branch = branches[branch_index]
        coordinator = coordinators_by_branch.get(branch_index)
        emails = iter(DEMO_OBSERVER_EMAILS[branch_index])
        for number, (name, born, female, city, languages, channel, campaign, status) in \
                enumerate(rows):
            iin = demo_iin(born, female, serial_start=100 * branch_index + number)
            if db.session.execute(select(Observer.id).where(Observer.iin == iin)).first():
                continue
            has_account = status in (Status.APPROVED, Status.CERTIFIED)
            email = next(emails) if has_account else \
                f"applicant{branch_index}{number}@example.org"
            clean, errors = validate_applicant({
                "full_name": name, "iin": iin, "birth_date": born,
                "phone": f"+7701{branch_index}{number:02d}{4321 + number:04d}",
                "email": email, "city": city, "languages": languages,
                "experience": ["none", "once", "several"][number % 3],
                "availability": ["full_day", "morning", "afternoon", "unsure"][number % 4],
                "channel": channel, "campaign": campaign,
            })
            if errors:
                raise ValueError(f"demo applicant {name}: {errors}")
            observer, _ = services.submit_application(clean, branch)
            observer.applied_at = observer.applied_at - timedelta(days=30 - 3 * number)
            if has_account:
                observer.user = db.session.execute(
                    select(User).where(User.email == email)).scalar_one_or_none()
            if status == Status.REJECTED:
                services.change_status([observer], status, actor=coordinator,
                                       reason="Is a member of a district election commission")
            elif status == Status.CERTIFIED:
                services.change_status([observer], Status.APPROVED, actor=coordinator)
                services.change_status([observer], status, actor=coordinator, allow_certify=True,
                                       reason="Attended the training and passed the quiz")
            elif status != Status.APPLIED:
                services.change_status([observer], status, actor=coordinator)
