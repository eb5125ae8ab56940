from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from observe.common.db import UTCDateTime, utcnow
from observe.extensions import db

session_module = Table(
    "training_session_module", db.metadata,
    Column("session_id", ForeignKey("training_session.id", ondelete="CASCADE"), primary_key=True),
    Column("module_id", ForeignKey("training_module.id", ondelete="CASCADE"), primary_key=True),
)

session_speaker = Table(
    "training_session_speaker", db.metadata,
    Column("session_id", ForeignKey("training_session.id", ondelete="CASCADE"), primary_key=True),
    Column("speaker_id", ForeignKey("speaker.id", ondelete="CASCADE"), primary_key=True),
)


class TrainingModule(db.Model):
    """A part of the curriculum, e.g. "Rights and duties of an observer", with its quiz bank."""

    __tablename__ = "training_module"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    # Titles and descriptions in ru, kk and en: {"ru": ..., "kk": ..., "en": ...}.
    title: Mapped[dict] = mapped_column(JSON, default=dict)
    description: Mapped[dict] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)
    required_for_certification: Mapped[bool] = mapped_column(default=True)
    quiz_size: Mapped[int] = mapped_column(default=5)
    pass_mark_percent: Mapped[int] = mapped_column(default=80)
    max_attempts: Mapped[int] = mapped_column(default=3)
    is_active: Mapped[bool] = mapped_column(default=True)

    materials = relationship("ModuleMaterial", back_populates="module",
                             order_by="ModuleMaterial.id", cascade="all, delete-orphan")
    questions = relationship("QuizQuestion", back_populates="module",
                             order_by="QuizQuestion.id", cascade="all, delete-orphan")


class ModuleMaterial(db.Model):
    """Slides, a recording or a handout: a link, or a file kept in UPLOAD_FOLDER."""

    __tablename__ = "module_material"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_module.id", ondelete="CASCADE"),
                                           index=True)
    title: Mapped[str] = mapped_column(String(200))
    url: Mapped[str] = mapped_column(String(1000), default="")
    file_name: Mapped[str] = mapped_column(String(255), default="")
    stored_name: Mapped[str] = mapped_column(String(64), default="")
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    module = relationship("TrainingModule", back_populates="materials")


class QuizQuestion(db.Model):
    __tablename__ = "quiz_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_module.id", ondelete="CASCADE"),
                                           index=True)
    text: Mapped[dict] = mapped_column(JSON, default=dict)  # {"ru": ..., "kk": ..., "en": ...}
    multiple: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)

    module = relationship("TrainingModule", back_populates="questions")
    options = relationship("QuizOption", back_populates="question", order_by="QuizOption.id",
                           cascade="all, delete-orphan")


class QuizOption(db.Model):
    __tablename__ = "quiz_option"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_question.id", ondelete="CASCADE"),
                                             index=True)
    text: Mapped[dict] = mapped_column(JSON, default=dict)
    is_correct: Mapped[bool] = mapped_column(default=False)

    question = relationship("QuizQuestion", back_populates="options")


class Speaker(db.Model):
    """A trainer, political scientist or blogger; reused across sessions."""

    __tablename__ = "speaker"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200), default="")
    bio: Mapped[str] = mapped_column(Text, default="")


class TrainingSession(db.Model):
    """A Zoom conference or an offline meeting; national when branch_id is empty."""

    __tablename__ = "training_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id", ondelete="RESTRICT"),
                                                  index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    online: Mapped[bool] = mapped_column(default=True)
    zoom_url: Mapped[str] = mapped_column(String(500), default="")
    zoom_meeting_id: Mapped[str] = mapped_column(String(32), default="")
    zoom_passcode: Mapped[str] = mapped_column(String(64), default="")
    venue: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    starts_at = mapped_column(UTCDateTime, nullable=False, index=True)
    ends_at = mapped_column(UTCDateTime, nullable=False)
    capacity: Mapped[int] = mapped_column(default=100)
    # Minutes in the Zoom report at or above which a participant counts as attended.
    min_attendance_minutes: Mapped[int] = mapped_column(default=60)
    # Bumped on every registration change: an optimistic guard against overbooking.
    seats_taken: Mapped[int] = mapped_column(default=0)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    branch = relationship("Branch")
    modules = relationship("TrainingModule", secondary=session_module,
                           order_by="TrainingModule.position")
    speakers = relationship("Speaker", secondary=session_speaker, order_by="Speaker.name")
    registrations = relationship("Registration", back_populates="session",
                                 cascade="all, delete-orphan")
    invitations = relationship("SessionInvitation", back_populates="session",
                               cascade="all, delete-orphan")

    AUDITED_FIELDS = ("branch_id", "title", "online", "venue", "address", "starts_at", "ends_at",
                      "capacity", "min_attendance_minutes")

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def zoom_link(self) -> str:
        """The Zoom URL if it is safe to put in a link (plain https), else ""."""
        from observe.training.services import safe_zoom_url

        return safe_zoom_url(self.zoom_url)


class SessionInvitation(db.Model):
    __tablename__ = "session_invitation"
    __table_args__ = (UniqueConstraint("session_id", "observer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    observer_id: Mapped[int] = mapped_column(ForeignKey("observer.id", ondelete="CASCADE"),
                                             index=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    invited_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)

    session = relationship("TrainingSession", back_populates="invitations")
    observer = relationship("Observer")


class Registration(db.Model):
    """An observer's seat in a session, and afterwards whether they attended."""

    __tablename__ = "session_registration"
    __table_args__ = (UniqueConstraint("session_id", "observer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    observer_id: Mapped[int] = mapped_column(ForeignKey("observer.id", ondelete="CASCADE"),
                                             index=True)
    registered_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # None until marked; then True (attended) or False (absent).
    attended: Mapped[bool | None] = mapped_column()
    minutes: Mapped[int | None] = mapped_column()
    # How the mark was recorded: "manual" (by hand) or "zoom" (from the participant report).
    # A Zoom import never turns a hand-marked "attended" into "absent" unless asked to.
    attendance_source: Mapped[str] = mapped_column(String(16), default="")
    marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session = relationship("TrainingSession", back_populates="registrations")
    observer = relationship("Observer")

    @property
    def is_active(self) -> bool:
        return self.cancelled_at is None


class QuizAttempt(db.Model):
    __tablename__ = "quiz_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    observer_id: Mapped[int] = mapped_column(ForeignKey("observer.id", ondelete="CASCADE"),
                                             index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("training_module.id", ondelete="CASCADE"),
                                           index=True)
    # The client-generated id of the submission: a retried submit is stored once.
    submission_uuid: Mapped[str | None] = mapped_column(String(36), unique=True)
    question_ids: Mapped[list] = mapped_column(JSON, default=list)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)  # {question id: [option ids]}
    language: Mapped[str] = mapped_column(String(8), default="ru")
    started_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score_percent: Mapped[int | None] = mapped_column()
    passed: Mapped[bool | None] = mapped_column()

    observer = relationship("Observer")
    module = relationship("TrainingModule")


class CalendarFeed(db.Model):
    """An observer's personal calendar feed: the SHA-256 of its secret token, never the token.

    The token is shown to the observer once, when it is made; a lost address is replaced.
    """

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    observer_id: Mapped[int] = mapped_column(ForeignKey("observer.id", ondelete="CASCADE"),
                                             unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)


class Certification(db.Model):
    """How an observer's current certification was given: by the training rule or by hand.

    Only a certification given by the rule is taken back by the rule when attendance changes;
    one given by hand (with its reason) stays until someone takes it back by hand.
    """

    __tablename__ = "training_certification"

    RULE = "rule"
    HAND = "hand"

    id: Mapped[int] = mapped_column(primary_key=True)
    observer_id: Mapped[int] = mapped_column(ForeignKey("observer.id", ondelete="CASCADE"),
                                             unique=True)
    method: Mapped[str] = mapped_column(String(8))  # rule | hand
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    certified_at = mapped_column(UTCDateTime, nullable=False, default=utcnow)


Index("ix_registration_session_active", Registration.session_id, Registration.cancelled_at)
