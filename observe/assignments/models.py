from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from observe.assignments.rules import ACTIVE
from observe.common.db import UTCDateTime, utcnow
from observe.extensions import db


class Assignment(db.Model):
    """An observer sent to a polling station for an election, in a role and a shift."""

    __tablename__ = "assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"),
                                             index=True)
    station_id: Mapped[int] = mapped_column(ForeignKey("polling_station.id",
                                                       ondelete="CASCADE"), index=True)
    observer_id: Mapped[int] = mapped_column(ForeignKey("observer.id", ondelete="CASCADE"),
                                             index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id", ondelete="RESTRICT"),
                                           index=True)
    role: Mapped[str] = mapped_column(String(16))
    shift: Mapped[str] = mapped_column(String(16))
    # assigned -> confirmed | declined; withdrawn by the coordinator at any time.
    status: Mapped[str] = mapped_column(String(16), default="assigned", index=True)
    override_reason: Mapped[str] = mapped_column(Text, default="")
    decline_reason: Mapped[str] = mapped_column(Text, default="")
    assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    election = relationship("Election")
    station = relationship("PollingStation")
    observer = relationship("Observer")

    AUDITED_FIELDS = ("station_id", "observer_id", "role", "shift", "status", "override_reason",
                      "decline_reason")

    @property
    def is_active(self) -> bool:
        """Assigned or confirmed: the observer is still expected at the station."""
        return self.status in ACTIVE


Index("ix_assignment_station_active", Assignment.station_id, Assignment.status)
