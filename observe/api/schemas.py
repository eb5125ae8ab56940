"""The API's pydantic models: they validate requests and describe answers, and the OpenAPI
document is generated from them. Vocabularies (phases, categories, severities) come from the
features' rules modules; the rules themselves stay in the services."""

from datetime import date, datetime
from typing import Annotated, Any, Generic, Literal, TypeVar
from uuid import UUID

from flask_babel import gettext as _
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from observe.api.pagination import CURSOR_PATTERN
from observe.reports.rules import CATEGORIES, PHASES, SEVERITIES, STATUSES

# Ids are PostgreSQL integers: a larger number names nothing (and would fail in the database).
MAX_ID = 2**31 - 1


def _storable(value: str) -> str:
    # PostgreSQL refuses NUL in text, and lone surrogates cannot be encoded: refuse both here
    # rather than fail in the database.
    if "\x00" in value:
        raise ValueError(_("must not contain the NUL character"))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError(_("must be valid Unicode text")) from error
    return value


def _plausible(value: datetime) -> datetime:
    # A time far outside any election cannot be stored in UTC (year 1 minus an offset).
    if not 2000 <= value.year <= 2999:
        raise ValueError(_("must be a time between the years 2000 and 2999"))
    return value


Text = Annotated[str, AfterValidator(_storable)]
Moment = Annotated[AwareDatetime, AfterValidator(_plausible)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Field(ge=0, le=2_000_000_000)]

T = TypeVar("T")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class QueryModel(BaseModel):
    # Unknown query arguments (lang, cache busters) are ignored, as the web pages do.
    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)


# --- Common --------------------------------------------------------------------------------------

class ErrorDetail(BaseModel):
    code: str = Field(description="Machine-readable: unauthorized, forbidden, not_found, "
                                  "invalid, too_large, rate_limited ...")
    message: str
    fields: dict[str, list[str]] = Field(
        description="Messages by field; `_` holds those about the whole request.")


class ErrorBody(BaseModel):
    """Every error answer."""

    error: ErrorDetail


class Page(BaseModel, Generic[T]):
    """A page of a collection; pass `next` as ?cursor= for the following page."""

    items: list[T]
    next: str | None


class PageQuery(QueryModel):
    cursor: str | None = Field(None, pattern=CURSOR_PATTERN,
                               description="`next` of the previous page.")
    limit: int = Field(50, ge=1, le=200, description="Items per page.")


# --- Me, elections, stations, assignments, forms, categories ----------------------------------

class BranchRef(BaseModel):
    id: int
    name: str
    region: str


class Me(BaseModel):
    id: int
    email: str
    full_name: str
    role: Literal["admin", "hq", "coordinator", "observer"]
    locale: str
    branch: BranchRef | None
    region: str | None = Field(description="The region the caller works in; null: every region.")
    observer_id: int | None = Field(description="The caller's observer record (observers).")
    capabilities: list[str]


class Election(BaseModel):
    id: int
    name: str
    polling_day: date
    timezone: str
    polls_open: str = Field(description="HH:MM, local time of the election.")
    polls_close: str
    status: str
    stations: int | None = Field(description="Stations the caller may see (staff); null for "
                                             "observers.")


class ElectionQuery(PageQuery):
    pass


class Station(BaseModel):
    id: int
    election_id: int
    number: str
    region: str
    district: str
    address: str
    premises: str
    commission: str
    registered_voters: int
    latitude: float | None
    longitude: float | None
    language: str
    is_priority: bool


class StationQuery(PageQuery):
    election_id: Id
    region: Text | None = Field(None, max_length=32)
    district: Text | None = Field(None, max_length=120)
    priority: bool | None = Field(None, description="true: priority stations only.")
    q: Text | None = Field(None, max_length=120, description="A station number or a part of "
                                                             "its address.")


class ElectionRef(BaseModel):
    id: int
    name: str
    polling_day: date
    status: str


class Assignment(BaseModel):
    id: int
    election: ElectionRef
    station: Station
    role: str
    shift: str
    status: str
    address: str = Field(description="Address and premises, as the observer's page shows.")
    timezone: str
    polls_open: str = Field(description="HH:MM local time.")
    polls_close: str
    arrive_by: str | None = Field(description="HH:MM local time to be at the station by; null "
                                              "when the shift starts later.")
    upcoming: bool


class ChecklistForm(BaseModel):
    id: int
    code: str
    version: int
    title: str
    current: bool = Field(description="The version observers answer now.")
    election_ids: list[int] = Field(description="The caller's elections that answer this "
                                                "version now or whose stored answers gave it.")
    definition: dict[str, Any]


class IncidentCategory(BaseModel):
    code: str
    label: str = Field(description="In the caller's language (?lang=ru|kk|en).")


class LangQuery(PageQuery):
    lang: Literal["ru", "kk", "en"] | None = None


# --- Polling-day submissions --------------------------------------------------------------------

class Submission(Model):
    client_uuid: UUID = Field(description="Made on the device; a retry carries the same one.")
    station_id: Id
    occurred_at: Moment | None = Field(None, description="ISO 8601 with an offset.")


class CheckInIn(Submission):
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    accuracy: float | None = Field(None, ge=0, le=1_000_000, description="Metres.")


class ChecklistIn(Submission):
    phase: Literal[PHASES]  # type: ignore[valid-type]
    form_id: Id | None = Field(None, description="The version answered; default: the current.")
    answers: dict[Text, Any]


class TurnoutIn(Submission):
    hour: int = Field(ge=0, le=23, description="Reporting hour, local time.")
    voters: Count


class IncidentIn(Submission):
    category: Literal[CATEGORIES]  # type: ignore[valid-type]
    severity: Literal[SEVERITIES]  # type: ignore[valid-type]
    description: Text = Field(max_length=10000)
    occurred_at: Moment = Field(description="ISO 8601 with an offset.")
    people_involved: Text = Field("", max_length=4000)
    complaint_filed: bool = False
    complaint_number: Text = Field("", max_length=64)


class ProtocolIn(Submission):
    contest_id: Id
    voters_on_list: Count
    ballots_received: Count
    ballots_issued: Count
    ballots_cancelled: Count
    ballots_in_box: Count
    ballots_invalid: Count
    votes: dict[Text, Count] = Field(description="Votes by contest choice id.")


class Report(BaseModel):
    id: int
    reference: str = Field(description="The short reference on the receipt, e.g. I-42.")
    kind: str
    client_uuid: str
    status: Literal[STATUSES]  # type: ignore[valid-type]
    election_id: int
    station_id: int
    occurred_at: datetime | None
    received_at: datetime
    flagged: bool
    severity: str


class CheckIn(Report):
    latitude: float | None
    longitude: float | None
    accuracy: float | None


class Checklist(Report):
    form_id: int
    form_version: int
    phase: str
    answers: dict[str, Any]
    problems: list[str]


class Turnout(Report):
    hour: int
    voters: int


class Evidence(BaseModel):
    id: int
    kind: str
    content_type: str
    original_name: str
    size: int
    sha256: str
    uploaded_at: datetime


class StationRef(BaseModel):
    id: int
    number: str
    region: str
    district: str


class ObserverRef(BaseModel):
    id: int
    full_name: str


class Incident(Report):
    category: str
    category_label: str
    description: str
    people_involved: str
    complaint_filed: bool
    complaint_number: str
    status_reason: str
    station: StationRef
    observer: ObserverRef
    evidence: list[Evidence]


class Event(BaseModel):
    kind: str
    text: str
    actor: str | None
    created_at: datetime


class IncidentDetail(Incident):
    events: list[Event]


class Vote(BaseModel):
    choice_id: int
    votes: int


class Protocol(Report):
    contest_id: int
    voters_on_list: int
    ballots_received: int
    ballots_issued: int
    ballots_cancelled: int
    ballots_in_box: int
    ballots_invalid: int
    votes: list[Vote]
    mismatches: list[str]


class EvidenceAdded(BaseModel):
    items: list[Evidence] = Field(description="Every file of the report after the upload.")


class IncidentQuery(PageQuery):
    election_id: Id | None = None
    region: Text | None = Field(None, max_length=32)
    district: Text | None = Field(None, max_length=120)
    station: Text | None = Field(None, max_length=16, description="Station number.")
    category: Literal[CATEGORIES] | None = None  # type: ignore[valid-type]
    severity: Literal[SEVERITIES] | None = None  # type: ignore[valid-type]
    status: Literal[STATUSES] | None = None  # type: ignore[valid-type]
    since: Moment | None = None
    until: Moment | None = None


class ActionIn(Model):
    action: Literal["verify", "reject", "escalate", "resolve", "comment"]
    text: Text = Field("", max_length=4000, description="The reason (reject) or the comment.")
