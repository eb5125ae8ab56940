"""Demo training: speakers, past and upcoming sessions (Zoom and offline), attendance, quizzes."""

from datetime import timedelta

from sqlalchemy import select

from observe.common.db import utcnow
from observe.extensions import db
from observe.observers.models import Observer
from observe.training import services
from observe.training.models import QuizAttempt, Speaker, TrainingSession
from observe.training.standard_modules import ensure_standard_modules

# Written as a Kazakh observers' organisation writes them: in Russian, one session in Kazakh.
SPEAKERS = [
    ("Айдар Сейткажин", "Тренер, наблюдатель на выборах с 2015 года",
     "Подготовил более тысячи наблюдателей к выборам Президента, депутатов Мажилиса и "
     "маслихатов. Ведёт занятия о работе на участке в день голосования."),
    ("Салтанат Омарова", "Политолог, кандидат политических наук",
     "Изучает избирательное законодательство Республики Казахстан и работу избирательных "
     "комиссий в странах Центральной Азии."),
    ("Марат Жумабаев", "Блогер, автор канала о гражданском участии",
     "Рассказывает молодёжи на казахском и русском языках, зачем и как наблюдать за выборами."),
]

def _speakers() -> list[Speaker]:
    speakers = []
    for name, role, bio in SPEAKERS:
        speaker = db.session.execute(select(Speaker).where(Speaker.name == name)
                                     ).scalar_one_or_none()
        if speaker is None:
            speaker = Speaker(name=name, role=role, bio=bio)
            db.session.add(speaker)
        speakers.append(speaker)
    db.session.flush()
    return speakers


def _observer(email: str) -> Observer:
    from observe.auth.models import User

    return db.session.execute(select(Observer).join(User, User.id == Observer.user_id)
                              .where(User.email == email)).scalar_one()


def seed_training(branches, users: dict) -> None:
    """Create the demo sessions once; attendance and quiz results follow the demo story."""
    modules = ensure_standard_modules()
    try:
        from observe.training.quiz_bank import ensure_demo_questions
    except ImportError:  # the quiz bank is optional content
        ensure_demo_questions = None
    if ensure_demo_questions is not None:
        ensure_demo_questions(modules)
    if db.session.execute(select(TrainingSession.id).limit(1)).first():
        return
    trainer, scientist, blogger = _speakers()
    hq = users["hq@example.org"]
    karaganda, almaty = branches
    now = utcnow()
    # Sessions in the evening, 18:00 in Kazakhstan (13:00 UTC), when volunteers are free.
    evening = now.replace(hour=13, minute=0, second=0, microsecond=0)

    def schedule(branch, title, days, covers, speakers, online=True, description="", **place):
        starts = evening + timedelta(days=days)
        return services.create_session(
            branch_id=branch.id if branch else None, title=title, online=online,
            description=description, starts_at=starts, ends_at=starts + timedelta(hours=2),
            capacity=40, min_attendance_minutes=60, modules=covers, speakers=speakers,
            actor=hq, **({"zoom_url": "https://zoom.us/j/81234567890",
                          "zoom_meeting_id": "812 3456 7890", "zoom_passcode": "baqyla"}
                         if online else place))

    basics = schedule(
        None, "Основы наблюдения: день голосования, права и обязанности наблюдателя", -10,
        modules[:2], [trainer, scientist],
        description="Вебинар для всех филиалов: что делает наблюдатель в день голосования, "
                    "какие у него права и обязанности и к кому обращаться при нарушениях.")
    station = schedule(
        karaganda, "На участке: подготовка, подсчёт голосов и протокол", -5, modules[2:],
        [trainer], online=False, venue="Молодёжный ресурсный центр",
        address="г. Караганда, проспект Бухар-Жырау, 47, 2 этаж, конференц-зал",
        description="Очное занятие с разбором протокола участковой избирательной комиссии. "
                    "Возьмите с собой удостоверение личности.")
    schedule(None, "Жаңа бақылаушыларға арналған толық курс (қазақ тілінде)", 5, modules,
             [trainer, scientist, blogger],
             description="Барлық модуль бойынша онлайн-курс қазақ тілінде: дауыс беру күні, "
                         "бақылаушының құқықтары мен міндеттері, дауыстарды санау және хаттама.")
    schedule(almaty, "Подсчёт голосов и протокол: практикум", 7, modules[2:], [trainer],
             online=False, venue="Центр поддержки гражданских инициатив",
             address="г. Алматы, проспект Абая, 115, офис 304",
             description="Практикум: заполняем увеличенную форму протокола по образцу и "
                         "проверяем контрольные соотношения.")

    people = {n: _observer(f"observer{n}@example.org") for n in range(1, 7)}
    for number in (1, 2, 3, 4, 5, 6):
        services.invite(basics, [people[number]], actor=hq)
    # Past sessions took their registrations before they started; write them directly.
    from observe.training.models import Registration

    for session, numbers in ((basics, (1, 2, 4, 5, 6)), (station, (1, 2, 3))):
        for number in numbers:
            db.session.add(Registration(session_id=session.id, observer_id=people[number].id,
                                        registered_at=session.starts_at - timedelta(days=2)))
        session.seats_taken = len(numbers)
    db.session.flush()
    services.mark_attendance(basics, [
        services.AttendanceMark(people[n].id, n != 6, 95 if n != 6 else 12)
        for n in (1, 2, 4, 5, 6)], actor=hq, source="zoom")
    services.mark_attendance(station, [
        services.AttendanceMark(people[n].id, True, None) for n in (1, 2, 3)],
        actor=users["coordinator.karaganda@example.org"])
    # Quiz results: observer 3 passed two modules so far; the others passed all, and observer 1,
    # who attended every module, is certified by the real rule below.
    for number, passed_modules in ((3, modules[:2]), (1, modules), (2, modules), (5, modules)):
        for module in passed_modules:
            db.session.add(QuizAttempt(observer_id=people[number].id, module_id=module.id,
                                       question_ids=[], answers={}, language="ru",
                                       started_at=now - timedelta(days=4),
                                       submitted_at=now - timedelta(days=4),
                                       score_percent=100, passed=True))
    db.session.flush()
    services.certify_if_qualified(people[1], actor=None)
