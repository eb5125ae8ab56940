"""Posts from the regions: a coordinator's (or HQ's) text, photos and video, approved and
published by HQ. Every save is kept as a version; media are post photos and videos stored
through the files module, or incident evidence photos HQ has marked public."""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from observe.common.db import UTCDateTime, utcnow
from observe.extensions import db

# submitted → approved → published; submitted → returned (with HQ's comment) → submitted again;
# published → withdrawn (off the public page, kept for the record).
STATUSES = ("submitted", "returned", "approved", "published", "withdrawn")
VIDEO_HOSTS = ("youtube", "facebook", "instagram", "telegram")


class Post(db.Model):
    """One post about a region (or the whole country: region "")."""

    __tablename__ = "update_post"

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(32), default="", index=True)
    branch_id: Mapped[int | None] = mapped_column(
        ForeignKey("branch.id", ondelete="SET NULL"), index=True)
    election_id: Mapped[int | None] = mapped_column(
        ForeignKey("election.id", ondelete="SET NULL"), index=True)
    station_id: Mapped[int | None] = mapped_column(
        ForeignKey("polling_station.id", ondelete="SET NULL"))
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("report.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    status: Mapped[str] = mapped_column(String(16), default="submitted", index=True)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Public from this moment (a future time schedules the publication).
    publish_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    published_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    election = relationship("Election")
    station = relationship("PollingStation")
    incident = relationship("Report")
    created_by = relationship("User", foreign_keys=[created_by_id])
    media = relationship("PostMedia", back_populates="post", order_by="PostMedia.position",
                         cascade="all, delete-orphan")
    versions = relationship("PostVersion", back_populates="post",
                            order_by="PostVersion.version.desc()", cascade="all, delete-orphan")

    AUDITED_FIELDS = ("status", "version", "region", "title", "video_url", "pinned",
                      "publish_at", "election_id", "station_id", "incident_id",
                      "review_comment")

    def is_public(self, now: datetime | None = None) -> bool:
        """Published and its publication time has come."""
        now = now or utcnow()
        return (self.status == "published" and self.publish_at is not None
                and self.publish_at <= now)


class PostVersion(db.Model):
    """The post as it stood after one save: its text, video link, status and who saved it."""

    __tablename__ = "update_post_version"
    __table_args__ = (UniqueConstraint("post_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("update_post.id", ondelete="CASCADE"),
                                         index=True)
    version: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    comment: Mapped[str] = mapped_column(Text, default="")
    editor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    post = relationship("Post", back_populates="versions")
    editor = relationship("User")


class PostMedia(db.Model):
    """A photo or video of a post: its own upload, or an incident's evidence photo made public."""

    __tablename__ = "update_post_media"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("update_post.id", ondelete="CASCADE"),
                                         index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(16))  # photo | video
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    storage_name: Mapped[str | None] = mapped_column(String(100), unique=True)
    evidence_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    added_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    post = relationship("Post", back_populates="media")
    evidence = relationship("Evidence")
