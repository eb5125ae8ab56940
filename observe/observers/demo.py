"""Demo applicants for both demo branches, in every status and from several channels."""

from datetime import date, timedelta

from sqlalchemy import select

from observe.auth.models import User
from observe.extensions import db
from observe.observers import services
from observe.observers.choices import Status
from observe.observers.models import Observer
from observe.observers.rules import iin_control_digit, validate_applicant

# (name, birth date, female, city, languages, channel, campaign, status): written as a branch in
# Karaganda region and one in Almaty would, in Russian and Kazakh.
DEMO_APPLICANTS = {
    0: [
        ("Аружан Бекова", date(1996, 4, 12), True, "Караганда", ["kk", "ru"], "telegram",
         "osen-2026", Status.APPROVED),
        ("Тимур Жаксылыков", date(1989, 9, 2), False, "Караганда", ["ru"], "instagram", "",
         Status.CERTIFIED),
        ("Мадина Искакова", date(2001, 1, 23), True, "Темиртау", ["kk", "ru"], "whatsapp",
         "studenty-karu", Status.APPROVED),
        ("Болат Кенжебаев", date(1975, 6, 30), False, "Шахтинск", ["kk"], "ngo", "",
         Status.APPLIED),
        ("Ирина Волкова", date(1993, 11, 5), True, "Караганда", ["ru"], "facebook", "osen-2026",
         Status.APPLIED),
        ("Ержан Төлегенов", date(1999, 3, 17), False, "Балқаш", ["kk", "ru"], "telegram",
         "studenty-karu", Status.REJECTED),
        ("Гүлнар Ахметова", date(1985, 8, 8), True, "Сарань", ["kk", "ru", "other"],
         "website", "", Status.WITHDRAWN),
    ],
    1: [
        ("Данияр Сейітқали", date(1994, 2, 14), False, "Алматы, Алмалинский район", ["kk", "ru"],
         "telegram", "osen-2026", Status.APPROVED),
        ("Ольга Петренко", date(1990, 7, 21), True, "Алматы, Бостандыкский район", ["ru"],
         "facebook", "", Status.CERTIFIED),
        ("Асқар Нұрпейісов", date(1982, 12, 1), False, "Алматы, Медеуский район", ["kk"],
         "offline", "forum", Status.APPROVED),
        ("Дильназ Сарсенбаева", date(2003, 5, 9), True, "Алматы, Ауэзовский район", ["kk", "ru"],
         "instagram", "studenty-kaznu", Status.APPLIED),
        ("Сергей Ким", date(1978, 10, 27), False, "Алматы, Турксибский район", ["ru", "other"],
         "whatsapp", "", Status.APPLIED),
        ("Жанар Мұқанова", date(1997, 4, 4), True, "Қаскелең", ["kk"], "telegram", "osen-2026",
         Status.REJECTED),
        ("Руслан Абдрахманов", date(1988, 1, 15), False, "Алматы, Жетысуский район", ["ru"],
         "ngo", "", Status.WITHDRAWN),
    ],
}

# What the coordinators wrote, by branch and applicant number.
DEMO_NOTES = {
    (0, 0): "Позвонила 12.10, подтвердила участие в обучении. Готова работать весь день.",
    (0, 3): "Қазақ тілінде жақсы сөйлейді, Шахтинскідегі учаскелерге ұсынамын.",
    (1, 2): "Был наблюдателем на выборах в маслихат, просит мобильную группу.",
    (1, 4): "Орысша және корейше сөйлейді. Кешке дейін бола алмайды, тек таңертең.",
}
REJECTION_REASON = "Является членом участковой избирательной комиссии"
# (for a man, for a woman)
CERTIFICATION_REASON = ("Прошёл обучение и сдал тест", "Прошла обучение и сдала тест")

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
                                       reason=REJECTION_REASON)
            elif status == Status.CERTIFIED:
                services.change_status([observer], Status.APPROVED, actor=coordinator)
                services.change_status([observer], status, actor=coordinator, allow_certify=True,
                                       reason=CERTIFICATION_REASON[female])
            elif status != Status.APPLIED:
                services.change_status([observer], status, actor=coordinator)
            if (note := DEMO_NOTES.get((branch_index, number))) and coordinator is not None:
                services.add_note(observer, note, actor=coordinator)
