from datetime import date, time

from sqlalchemy import Date, Float, ForeignKey, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from observe.common.db import UTCDateTime, utcnow
from observe.extensions import db


class Election(db.Model):
    """One polling day, e.g. the Mazhilis and maslikhat elections, with its contests."""

    __tablename__ = "election"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    polling_day: Mapped[date] = mapped_column(Date, index=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Almaty")
    polls_open: Mapped[time] = mapped_column(Time, default=time(7, 0))
    polls_close: Mapped[time] = mapped_column(Time, default=time(20, 0))
    status: Mapped[str] = mapped_column(String(16), default="planning")
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    contests = relationship("Contest", back_populates="election", order_by="Contest.position",
                            cascade="all, delete-orphan")

    AUDITED_FIELDS = ("name", "polling_day", "timezone", "polls_open", "polls_close", "status")


class Contest(db.Model):
    """A race held on the polling day (Mazhilis by party lists, a maslikhat ...)."""

    __tablename__ = "contest"

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"),
                                             index=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(32), default="")  # for local maslikhats
    position: Mapped[int] = mapped_column(default=0)

    election = relationship("Election", back_populates="contests")
    choices = relationship("ContestChoice", back_populates="contest",
                           order_by="ContestChoice.position", cascade="all, delete-orphan")


class ContestChoice(db.Model):
    """A party or a candidate on a contest's ballot, for copying the protocol later."""

    __tablename__ = "contest_choice"

    id: Mapped[int] = mapped_column(primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"),
                                            index=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)

    contest = relationship("Contest", back_populates="choices")


class PollingStation(db.Model):
    """A polling station of an election, from the official list; unique by region and number."""

    __tablename__ = "polling_station"
    __table_args__ = (UniqueConstraint("election_id", "region", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"),
                                             index=True)
    number: Mapped[str] = mapped_column(String(16))
    region: Mapped[str] = mapped_column(String(32), index=True)
    district: Mapped[str] = mapped_column(String(120), default="", index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    premises: Mapped[str] = mapped_column(String(200), default="")
    commission: Mapped[str] = mapped_column(String(200), default="")
    registered_voters: Mapped[int] = mapped_column(default=0)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    # The language an observer here needs ("kk", "ru" or "" when either will do).
    language: Mapped[str] = mapped_column(String(8), default="")
    is_priority: Mapped[bool] = mapped_column(default=False, index=True)
    priority_note: Mapped[str] = mapped_column(Text, default="")

    election = relationship("Election")

    AUDITED_FIELDS = ("number", "region", "district", "address", "premises", "commission",
                      "registered_voters", "latitude", "longitude", "language", "is_priority",
                      "priority_note")
