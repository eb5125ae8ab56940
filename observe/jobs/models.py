"""A background job: what it is, who queued it, how far it got, and its file or its error."""

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from observe.common.db import UTCDateTime, utcnow
from observe.extensions import db

STATUSES = ("queued", "running", "done", "failed")


class Job(db.Model):
    """One run of heavy work for a user: progress `done` of `total`, then a file or an error."""

    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    # What the job works on (ids, a pending upload's token), as plain JSON for the task.
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    # What the page calls it, in the language of the user who queued it; the job runs in it too.
    title: Mapped[str] = mapped_column(String(300), default="")
    language: Mapped[str] = mapped_column(String(5), default="ru")
    status: Mapped[str] = mapped_column(String(10), default="queued", index=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    # What it ended with besides a file (an import's counts and bad rows), for its page.
    result: Mapped[dict] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    # The file it made, stored through observe.common.files (area "jobs").
    file_name: Mapped[str] = mapped_column(String(64), default="")
    file_kind: Mapped[str] = mapped_column(String(10), default="")
    file_size: Mapped[int] = mapped_column(BigInteger, default=0)
    file_sha256: Mapped[str] = mapped_column(String(64), default="")
    download_name: Mapped[str] = mapped_column(String(255), default="")
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User")

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed")

    @property
    def percent(self) -> int:
        if self.status == "done":
            return 100
        return int(100 * self.done / self.total) if self.total else 0
