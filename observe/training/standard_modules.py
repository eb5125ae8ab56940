"""The standard curriculum every association starts with (HQ edits it afterwards)."""

from sqlalchemy import select

from observe.extensions import db
from observe.training.models import TrainingModule

# The 0003 migration inserts the same four modules on a new database; this copy serves the
# demo data and tests, which start from empty tables.
STANDARD_MODULES = [
    ("polling-day-tasks", {
        "ru": "Задачи наблюдателя в день голосования",
        "kk": "Дауыс беру күнгі бақылаушының міндеттері",
        "en": "An observer's tasks on polling day"}),
    ("rights-and-duties", {
        "ru": "Права и обязанности наблюдателя",
        "kk": "Бақылаушының құқықтары мен міндеттері",
        "en": "Rights and duties of an observer"}),
    ("station-preparation", {
        "ru": "Подготовка к работе на участке",
        "kk": "Учаскедегі жұмысқа дайындық",
        "en": "Preparing for work at the station"}),
    ("count-and-protocol", {
        "ru": "Подсчёт голосов и протокол",
        "kk": "Дауыстарды санау және хаттама",
        "en": "The count and the protocol"}),
]


def ensure_standard_modules() -> list[TrainingModule]:
    """Create the standard modules that are missing; return all four in order."""
    modules = []
    for position, (code, title) in enumerate(STANDARD_MODULES, start=1):
        module = db.session.execute(
            select(TrainingModule).where(TrainingModule.code == code)).scalar_one_or_none()
        if module is None:
            module = TrainingModule(code=code, title=title, description={}, position=position)
            db.session.add(module)
        modules.append(module)
    db.session.flush()
    return modules
