"""Retention of observers' personal data: the policy per election and the record of each
erasure (the pseudonym the observer's reports are shown under from then on)."""


from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from observe.common.db import UTCDateTime, utcnow
from observe.extensions import db


class RetentionPolicy(db.Model):
    """How many months after an election is closed its observers' personal data is kept."""

    __tablename__ = "retention_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"),
                                             unique=True)
    months: Mapped[int] = mapped_column(Integer)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    updated_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    election = relationship("Election")


class Erasure(db.Model):
    """One observer whose personal data was erased: when, why, and their pseudonym.

    Nothing here leads back to the person: the pseudonym is random, the erased values are gone.
    """

    __tablename__ = "erasure"

    id: Mapped[int] = mapped_column(primary_key=True)
    observer_id: Mapped[int | None] = mapped_column(
        ForeignKey("observer.id", ondelete="SET NULL"), unique=True)
    pseudonym: Mapped[str] = mapped_column(String(32), unique=True)
    # "retention" (the policy of an election) or "withdrawal" (the observer withdrew consent).
    reason: Mapped[str] = mapped_column(String(16))
    election_id: Mapped[int | None] = mapped_column(
        ForeignKey("election.id", ondelete="SET NULL"))
    erased_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    erased_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
