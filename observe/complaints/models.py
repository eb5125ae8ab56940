"""Complaints: one row per complaint to a body, the incidents it rests on, and the appeal that
links it to the complaint it appeals (a chain read from either end)."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from observe.common.db import UTCDateTime, utcnow
from observe.extensions import db


class Complaint(db.Model):
    """A complaint to a commission, the prosecutor or a court, drafted, filed and answered."""

    __tablename__ = "complaint"

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"),
                                             index=True)
    # Scope: the region of the station the incidents happened at (coordinators read theirs).
    region: Mapped[str] = mapped_column(String(32), index=True)
    station_id: Mapped[int | None] = mapped_column(
        ForeignKey("polling_station.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(String(16))
    # The addressee as written on the document ("УИК № 12", "Казыбекбийский районный суд").
    body_name: Mapped[str] = mapped_column(String(200), default="")
    # draft -> filed -> closed (answered, or closed as "no answer").
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    filed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    filed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    incoming_number: Mapped[str] = mapped_column(String(64), default="")
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(16), default="")
    appeal_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("complaint.id", ondelete="SET NULL"), index=True)
    language: Mapped[str] = mapped_column(String(8), default="ru")
    document_text: Mapped[str] = mapped_column(Text, default="")
    # Reminders already queued, so `flask complaints remind` sends each once.
    reminded_soon_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_overdue_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    election = relationship("Election")
    station = relationship("PollingStation")
    filed_by = relationship("User", foreign_keys=[filed_by_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    appeal_of = relationship("Complaint", remote_side=[id], foreign_keys=[appeal_of_id],
                             back_populates="appeals")
    appeals = relationship("Complaint", foreign_keys=[appeal_of_id], back_populates="appeal_of",
                           order_by="Complaint.id")
    links = relationship("ComplaintIncident", back_populates="complaint",
                         order_by="ComplaintIncident.incident_id",
                         cascade="all, delete-orphan", passive_deletes=True)

    AUDITED_FIELDS = ("body", "body_name", "status", "filed_at", "filed_by_id",
                      "incoming_number", "due_at", "answered_at", "outcome", "appeal_of_id",
                      "language")

    @property
    def reference(self) -> str:
        """The short reference used on pages and in mail ("C-7")."""
        return f"C-{self.id}"

    @property
    def incidents(self) -> list:
        return [link.incident for link in self.links]


Index("ix_complaint_board", Complaint.status, Complaint.due_at)


class ComplaintIncident(db.Model):
    """An incident a complaint rests on."""

    __tablename__ = "complaint_incident"
    __table_args__ = (UniqueConstraint("complaint_id", "incident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(ForeignKey("complaint.id", ondelete="CASCADE"),
                                              index=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id", ondelete="CASCADE"),
                                             index=True)

    complaint = relationship("Complaint", back_populates="links")
    incident = relationship("Incident")
