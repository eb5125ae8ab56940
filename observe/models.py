"""Every feature's models, imported for Alembic and `flask shell`."""

from observe.assignments.models import Assignment
from observe.audit.models import AuditEntry
from observe.auth.models import ApiToken, OneTimeLink, User
from observe.branches.models import Branch
from observe.briefings.models import Briefing
from observe.common.uploads import PendingUpload
from observe.complaints.models import Complaint, ComplaintIncident
from observe.complaints.privacy.models import Erasure, RetentionPolicy
from observe.elections.models import Contest, ContestChoice, Election, PollingStation
from observe.fieldops.models import Broadcast, BroadcastReceipt, CallNote, FieldAlert, SosSignal
from observe.jobs.models import Job
from observe.mail.models import OutboxMessage
from observe.observers.models import Application, Observer, ObserverNote, StatusChange
from observe.reports.models import (
    CheckIn,
    ChecklistForm,
    ChecklistResponse,
    Evidence,
    Incident,
    ProtocolCopy,
    ProtocolVote,
    Report,
    ReportEvent,
    TurnoutReport,
)
from observe.training.models import (
    CalendarFeed,
    ModuleMaterial,
    QuizAttempt,
    QuizOption,
    QuizQuestion,
    Registration,
    SessionInvitation,
    Speaker,
    TrainingModule,
    TrainingSession,
)
from observe.updates.models import Post, PostMedia, PostVersion

__all__ = ["Complaint", "ComplaintIncident", "Erasure", "RetentionPolicy",
           "ApiToken", "Application", "Job", "Assignment", "AuditEntry", "Branch", "Contest",
           "ContestChoice", "Election", "PollingStation", "CalendarFeed", "ModuleMaterial",
           "Observer", "ObserverNote", "OneTimeLink", "OutboxMessage", "QuizAttempt", "QuizOption",
           "QuizQuestion", "Registration", "SessionInvitation", "Speaker", "StatusChange",
           "TrainingModule", "TrainingSession", "User",
           "CheckIn", "ChecklistForm", "ChecklistResponse", "Evidence", "Incident",
           "ProtocolCopy", "ProtocolVote", "Report", "ReportEvent", "TurnoutReport",
           "PendingUpload", "Briefing", "Broadcast", "BroadcastReceipt", "CallNote",
           "FieldAlert", "SosSignal", "Post", "PostMedia", "PostVersion"]
