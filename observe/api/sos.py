"""SOS from the station: the same service as the web page (`observe.fieldops.services`), retry
safe by client_uuid: 201 with the stored signal when it is new, 200 with the same one on a
retry. A refusal is a 422 with the service's messages."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field

from observe.api import bp
from observe.api.auth import caller
from observe.api.registry import operation
from observe.api.reports import refused
from observe.api.schemas import Id, Model, Text
from observe.common.errors import DomainError
from observe.fieldops import services
from observe.fieldops.rules import SOS_REASONS, SOS_STATUSES
from observe.permissions import signed_in_observer


class SosIn(Model):
    client_uuid: UUID = Field(description="Made on the device; a retry carries the same one.")
    station_id: Id
    reason: Literal[tuple(SOS_REASONS)]  # type: ignore[valid-type]
    note: Text = Field("", max_length=1000)
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    accuracy: float | None = Field(None, ge=0, le=1_000_000, description="Metres.")


class Sos(BaseModel):
    id: int
    client_uuid: str
    station_id: int
    reason: str
    status: Literal[tuple(SOS_STATUSES)]  # type: ignore[valid-type]
    raised_at: datetime
    acknowledged_by: str | None = Field(description="Who saw it (name), once someone has.")
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    resolution_note: str


def present(signal) -> Sos:
    by = signal.acknowledged_by
    return Sos(id=signal.id, client_uuid=signal.uuid, station_id=signal.assignment.station_id,
               reason=signal.reason, status=signal.status, raised_at=signal.raised_at,
               acknowledged_by=(by.full_name or by.email) if by else None,
               acknowledged_at=signal.acknowledged_at, resolved_at=signal.resolved_at,
               resolution_note=signal.resolution_note)


@operation(bp, "/sos", "POST", summary="Send an SOS from the station", tag="reports",
           body=SosIn, response=Sos, status=201, extra_responses={200: Sos},
           errors=(403, 422), requires="fieldops.sos",
           description="Alerts the observer's coordinator and HQ at once. A retry with the "
                       "same client_uuid answers 200 with the stored SOS.")
def submit_sos(body):
    signed_in_observer(caller())
    data = body.model_dump()
    data["uuid"] = str(data.pop("client_uuid"))
    try:
        signal, created = services.submit_sos(data, actor=caller())
    except DomainError as error:
        raise refused(error) from error
    return present(signal), 201 if created else 200
