from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text, func, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from observe.common.db import UTCDateTime, utcnow
from observe.extensions import db
from observe.observers.choices import ACCEPTED, Status


class Observer(db.Model):
    """A volunteer from application onwards; gets a user account when approved."""

    __tablename__ = "observer"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="RESTRICT"),
                                           index=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), unique=True
    )
    status: Mapped[str] = mapped_column(String(16), default=Status.APPLIED.value, index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    iin: Mapped[str | None] = mapped_column(String(12), unique=True)
    birth_date: Mapped[date | None] = mapped_column(Date)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    email: Mapped[str] = mapped_column(String(255), default="", index=True)
    city: Mapped[str] = mapped_column(String(120), default="", index=True)
    languages: Mapped[list] = mapped_column(JSON, default=list)
    other_language: Mapped[str] = mapped_column(String(100), default="")
    experience: Mapped[str] = mapped_column(String(16), default="none")
    availability: Mapped[str] = mapped_column(String(16), default="unsure")
    channel: Mapped[str] = mapped_column(String(32), default="other", index=True)
    campaign: Mapped[str] = mapped_column(String(64), default="", index=True)
    consent_version: Mapped[str] = mapped_column(String(32), default="")
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    declared_independent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    rejection_reason: Mapped[str] = mapped_column(Text, default="")
    applied_at = mapped_column(UTCDateTime, nullable=False, default=utcnow, index=True)
    status_changed_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    branch = relationship("Branch")
    user = relationship("User")
    history = relationship("StatusChange", back_populates="observer",
                           order_by="StatusChange.changed_at", cascade="all, delete-orphan")
    notes = relationship("ObserverNote", back_populates="observer",
                         order_by="ObserverNote.created_at.desc()", cascade="all, delete-orphan")
    applications = relationship("Application", back_populates="observer",
                                order_by="Application.submitted_at",
                                cascade="all, delete-orphan")

    AUDITED_FIELDS = ("branch_id", "status", "full_name", "email", "city", "languages",
                      "experience", "availability", "channel", "campaign")

    @property
    def status_enum(self) -> Status:
        return Status(self.status)

    @property
    def is_accepted(self) -> bool:
        """Approved or certified: may train and be assigned."""
        return Status(self.status) in ACCEPTED

    def __repr__(self) -> str:
        return f"<Observer {self.id} {self.status}>"


class StatusChange(db.Model):
    """One step of an observer's pipeline: who moved them, when and why."""

    __tablename__ = "observer_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    observer_id: Mapped[int] = mapped_column(ForeignKey("observer.id", ondelete="CASCADE"),
                                             index=True)
    from_status: Mapped[str] = mapped_column(String(16), default="")
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id",
                                                            ondelete="SET NULL"))
    changed_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    observer = relationship("Observer", back_populates="history")
    actor = relationship("User")


class Application(db.Model):
    """Each submission of the join form (or import row) that reached an observer record."""

    __tablename__ = "observer_application"

    id: Mapped[int] = mapped_column(primary_key=True)
    observer_id: Mapped[int] = mapped_column(ForeignKey("observer.id", ondelete="CASCADE"),
                                             index=True)
    channel: Mapped[str] = mapped_column(String(32), default="other")
    campaign: Mapped[str] = mapped_column(String(64), default="")
    is_repeat: Mapped[bool] = mapped_column(default=False)
    # The e-mail a repeat application gave: a change the coordinator may accept, never applied
    # by itself (anyone who knows an IIN could otherwise redirect the observer's mail).
    email: Mapped[str] = mapped_column(String(255), default="")
    email_accepted_at = mapped_column(UTCDateTime)
    submitted_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    observer = relationship("Observer", back_populates="applications")

    @property
    def proposes_email(self) -> bool:
        """A repeat application with an e-mail the record does not have yet, not accepted."""
        return bool(self.is_repeat and self.email and self.email_accepted_at is None
                    and self.email != self.observer.email)


class ObserverNote(db.Model):
    __tablename__ = "observer_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    observer_id: Mapped[int] = mapped_column(ForeignKey("observer.id", ondelete="CASCADE"),
                                             index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id",
                                                             ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    observer = relationship("Observer", back_populates="notes")
    author = relationship("User")


Index("ix_observer_branch_status", Observer.branch_id, Observer.status)


# Counted from the applications themselves, so the badge can never disagree with the history.
Observer.repeat_applications = column_property(
    select(func.count(Application.id))
    .where(Application.observer_id == Observer.id, Application.is_repeat.is_(True))
    .correlate_except(Application)
    .scalar_subquery(),
    deferred=False,
)

