"""Field operations on polling day: alerts raised on late or silent stations, SOS signals from
observers, the call log of coordinators, and broadcasts to observers with read receipts."""

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from observe.common.db import UTCDateTime, utcnow
from observe.extensions import db


class FieldAlert(db.Model):
    """A station turned late or silent: raised once per assignment and kind, acknowledged once."""

    __tablename__ = "field_alert"
    # One alert per assignment and kind, whoever (page load or cron sweep) notices it first.
    __table_args__ = (UniqueConstraint("assignment_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"),
                                             index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"))
    # The station's region, kept on the row so a coordinator's badge is one indexed count.
    region: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # late | silent
    raised_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    assignment = relationship("Assignment")
    acknowledged_by = relationship("User")


Index("ix_field_alert_open", FieldAlert.election_id, FieldAlert.acknowledged_at)


class SosSignal(db.Model):
    """An observer's call for help from the station: open until acknowledged, then resolved."""

    __tablename__ = "sos_signal"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Made on the observer's phone: a retried or queued SOS carries the same one.
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"),
                                             index=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"),
                                               index=True)
    observer_id: Mapped[int] = mapped_column(ForeignKey("observer.id", ondelete="CASCADE"),
                                             index=True)
    region: Mapped[str] = mapped_column(String(32), index=True)
    reason: Mapped[str] = mapped_column(String(16))  # obstructed | removed | unsafe
    note: Mapped[str] = mapped_column(Text, default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    # An optional photo, stored through observe/common/files.py.
    photo_name: Mapped[str | None] = mapped_column(String(100), unique=True)
    photo_type: Mapped[str] = mapped_column(String(64), default="")
    photo_size: Mapped[int | None] = mapped_column(Integer)
    photo_sha256: Mapped[str] = mapped_column(String(64), default="")
    raised_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    raised_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    # open -> acknowledged -> resolved
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    acknowledged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_note: Mapped[str] = mapped_column(Text, default="")

    assignment = relationship("Assignment")
    observer = relationship("Observer")
    acknowledged_by = relationship("User", foreign_keys=[acknowledged_by_id])
    resolved_by = relationship("User", foreign_keys=[resolved_by_id])

    AUDITED_FIELDS = ("status", "acknowledged_by_id", "resolved_by_id", "resolution_note")


class CallNote(db.Model):
    """A coordinator's note of a call to an observer: who called whom, when, and what came of it."""

    __tablename__ = "call_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"),
                                               index=True)
    caller_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    called_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    assignment = relationship("Assignment")
    caller = relationship("User")


class Broadcast(db.Model):
    """A short message from HQ or a coordinator to a chosen set of an election's observers."""

    __tablename__ = "broadcast"

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"),
                                             index=True)
    sender_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    # The chosen set: "" means any region / district / shift.
    region: Mapped[str] = mapped_column(String(32), default="", index=True)
    district: Mapped[str] = mapped_column(String(120), default="")
    shift: Mapped[str] = mapped_column(String(16), default="")
    not_checked_in: Mapped[bool] = mapped_column(Boolean, default=False)
    body: Mapped[str] = mapped_column(Text)
    sent_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    sender = relationship("User")
    receipts = relationship("BroadcastReceipt", back_populates="broadcast",
                            cascade="all, delete-orphan", passive_deletes=True)


class BroadcastReceipt(db.Model):
    """One observer's copy of a broadcast: e-mailed or not, shown on screen when, read when."""

    __tablename__ = "broadcast_receipt"
    __table_args__ = (UniqueConstraint("broadcast_id", "observer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    broadcast_id: Mapped[int] = mapped_column(ForeignKey("broadcast.id", ondelete="CASCADE"))
    observer_id: Mapped[int] = mapped_column(ForeignKey("observer.id", ondelete="CASCADE"),
                                             index=True)
    emailed: Mapped[bool] = mapped_column(Boolean, default=False)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    broadcast = relationship("Broadcast", back_populates="receipts")
    observer = relationship("Observer")
