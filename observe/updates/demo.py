"""Demo posts for the public updates page: published ones from both demo regions (one pinned,
one with a photo and a stream link), one scheduled for later, one waiting for HQ and one HQ
sent back. Sent through the real services; found again by title, so a second run adds none."""

import io
from datetime import timedelta

from PIL import Image, ImageDraw
from sqlalchemy import select

from observe.auth.models import User
from observe.common.db import utcnow
from observe.elections.demo import DEMO_ELECTION
from observe.elections.models import Election
from observe.extensions import db
from observe.updates import services
from observe.updates.models import Post

KARAGANDA = "coordinator.karaganda@example.org"
ALMATY = "coordinator.almaty@example.org"

# (author, title, text, video link, photo colour, what HQ does: publish|pin|schedule|submit|return)
POSTS = [
    (KARAGANDA, "Караганда: участки открылись вовремя",
     "Наблюдатели филиала на месте с 6:30. Все участки области, где мы работаем, открылись в 7:00; "
     "урны опечатаны при наблюдателях.", "", (40, 110, 200), "publish"),
    (ALMATY, "Алматы: прямой эфир из штаба филиала",
     "В 12:00 координатор филиала расскажет о первой половине дня. Ссылка на трансляцию ниже.",
     "https://www.youtube.com/watch?v=dQw4w9WgXcQ", None, "pin"),
    (KARAGANDA, "Караганда: видеонаблюдение на участке восстановлено",
     "После обращения наблюдателя камеру над урной вернули в рабочее положение.", "",
     (30, 150, 90), "publish"),
    (ALMATY, "Алматы: итоги дня в 21:00",
     "Подведём итоги дня после закрытия участков.", "https://t.me/s/example", None, "schedule"),
    (ALMATY, "Алматы: очередь у участка в Бостандыкском районе",
     "Очередь около 40 человек в 10:30, голосование идёт спокойно.", "", None, "submit"),
    (KARAGANDA, "Караганда: фото с участка",
     "Фото стенда комиссии.", "", (200, 120, 40), "return"),
]


def _photo(colour) -> io.BytesIO:
    image = Image.new("RGB", (960, 540), colour)
    ImageDraw.Draw(image).rectangle((80, 80, 880, 460), outline=(255, 255, 255), width=12)
    data = io.BytesIO()
    image.save(data, "JPEG", quality=80)
    data.seek(0)
    data.filename = "demo.jpg"
    return data


def seed_updates() -> list[Post]:
    """The demo posts, made once (none when the demo election or accounts are missing)."""
    election = db.session.scalar(select(Election).where(Election.name == DEMO_ELECTION))
    hq = db.session.scalar(select(User).where(User.email == "hq@example.org"))
    if election is None or hq is None:
        return []
    posts = []
    for email, title, text, video_url, colour, step in POSTS:
        existing = db.session.scalar(select(Post).where(Post.title == title))
        if existing is not None:
            posts.append(existing)
            continue
        author = db.session.scalar(select(User).where(User.email == email))
        if author is None or author.branch is None:
            continue
        post = services.submit_post(region=author.branch.region, title=title, body=text,
                                    video_url=video_url, election_id=election.id,
                                    photos=[_photo(colour)] if colour else [], actor=author)
        if step == "return":
            services.return_post(post, comment="Уберите, пожалуйста, лица членов комиссии "
                                               "с фото или выберите другое.", actor=hq)
        elif step != "submit":
            services.approve_post(post, actor=hq)
            later = utcnow() + timedelta(hours=6) if step == "schedule" else None
            services.publish_post(post, publish_at=later, actor=hq)
            if step == "pin":
                services.pin_post(post, pinned=True, actor=hq)
        posts.append(post)
    return posts
