"""A briefing: HQ's summary of polling day for the country or a region as of a cut-off time,
with a narrative staff edit. Draft → reviewed → published; publishing stores its figures as
JSON so later reports never change it, and re-issuing makes the next version."""

from datetime import datetime

from sqlalchemy import JSON, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from observe.common.db import UTCDateTime, utcnow
from observe.extensions import db

STATUSES = ("draft", "reviewed", "published")
LANGUAGES = ("ru", "kk", "en")


class Briefing(db.Model):
    """One version of a briefing of an election's scope (a region, or "" for the country)."""

    __tablename__ = "briefing"
    __table_args__ = (UniqueConstraint("series", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"),
                                             index=True)
    region: Mapped[str] = mapped_column(String(32), default="", index=True)
    cutoff_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    language: Mapped[str] = mapped_column(String(2), default="ru")
    title: Mapped[str] = mapped_column(String(200), default="")
    narrative: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    # Every version of one briefing shares the series (the first version's id).
    series: Mapped[int | None] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Filled when published: the numbers as they stood, and the change since the previous
    # published briefing of the same scope.
    figures: Mapped[dict | None] = mapped_column(JSON)
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("briefing.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    election = relationship("Election")
    previous = relationship("Briefing", remote_side=[id], foreign_keys=[previous_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])
    published_by = relationship("User", foreign_keys=[published_by_id])

    AUDITED_FIELDS = ("status", "version", "cutoff_at", "region", "language", "title")

    @property
    def is_frozen(self) -> bool:
        return self.status == "published"


class IncidentTally(db.Model):
    """Incidents of an election counted by region, category, severity, status and the UTC hour
    they were received in: the dashboard's and a briefing's incident figures summed from a few
    thousand rows instead of grouping every incident. Rebuilt whole from the reports when older
    than FIGURES_STALE_SECONDS (see `tally.py`); nothing else writes it."""

    __tablename__ = "incident_tally"

    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"),
                                             primary_key=True)
    region: Mapped[str] = mapped_column(String(32), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    severity: Mapped[str] = mapped_column(String(16), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    # The start of the UTC hour, so a cut-off takes whole hours from here and the rest direct.
    hour: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    incidents: Mapped[int] = mapped_column(Integer)


class TallyRefresh(db.Model):
    """When an election's tally was last rebuilt (it holds the reports as of that moment) and
    how long the rebuild took."""

    __tablename__ = "incident_tally_refresh"

    election_id: Mapped[int] = mapped_column(ForeignKey("election.id", ondelete="CASCADE"),
                                             primary_key=True)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
