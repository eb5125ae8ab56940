"""Field operations: raising late/silent alerts once, acknowledging them, SOS from the station
(retry-safe by its UUID), the call log, and broadcasts with read receipts.

Plain data and the acting user in; DomainError when a rule refuses; an audit entry for every
change that matters; never a commit (the request or the CLI command commits once)."""

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from observe.assignments.models import Assignment
from observe.assignments.rules import ACTIVE, SHIFTS
from observe.audit.services import record
from observe.auth.models import User
from observe.branches.models import Branch
from observe.common import files
from observe.common.db import utcnow
from observe.common.errors import DomainError
from observe.extensions import db
from observe.fieldops import queries, rules
from observe.fieldops.jobs import queue_broadcast_mail
from observe.fieldops.models import Broadcast, BroadcastReceipt, CallNote, FieldAlert, SosSignal
from observe.mail.services import send_mail
from observe.observers.queries import observer_of
from observe.permissions import Role, acting_region, is_national
from observe.reports.services import election_takes_reports, parse_uuid

PHOTO_KINDS = ("jpeg", "png", "webp", "gif")
PHOTO_AREA = "sos"
NOTE_LIMIT = 1000
BROADCAST_LIMIT = 500
CHUNK = 500  # alerts inserted per statement (under every database's parameter limit)


class FieldopsError(DomainError):
    """A field-operations action was refused."""


# --- Who hears about what -------------------------------------------------------------------------

def _coordinators(region: str) -> list[User]:
    return list(db.session.scalars(select(User).join(Branch, Branch.id == User.branch_id).where(
        User.role == Role.COORDINATOR.value, User.is_active.is_(True), Branch.region == region)))


def _hq() -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.role == Role.HQ.value, User.is_active.is_(True))))


def _local_time(value: datetime, election) -> str:
    return value.astimezone(rules.election_zone(election)).strftime("%H:%M")


# --- Late and silent alerts -----------------------------------------------------------------------

def _insert_ignoring_duplicates(election_id: int, values: list[dict]) -> list[int]:
    """Insert the alert rows not raised yet; the new ids back. Those already raised are left
    out first (one cheap read), and the unique constraint with ON CONFLICT DO NOTHING settles
    two sweeps racing for the same one."""
    raised = set(db.session.execute(select(FieldAlert.assignment_id, FieldAlert.kind).where(
        FieldAlert.election_id == election_id)).tuples())
    values = [v for v in values if (v["assignment_id"], v["kind"]) not in raised]
    if not values:
        return []
    table = FieldAlert.__table__
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    stmt = (dialect.insert(table).on_conflict_do_nothing(index_elements=["assignment_id", "kind"])
            .returning(table.c.id))
    new_ids = []
    for start in range(0, len(values), CHUNK):
        new_ids += db.session.execute(stmt, values[start:start + CHUNK]).scalars().all()
    return new_ids


def raise_alerts(election, due: list[tuple], *, now: datetime | None = None) -> list[FieldAlert]:
    """Raise each due (row, kind) alert once, whoever notices first (page load or cron sweep),
    and e-mail the region's coordinators one digest of the new ones."""
    if not due:
        return []
    now = now or utcnow()
    new_ids = _insert_ignoring_duplicates(election.id, [
        dict(election_id=election.id, assignment_id=row.assignment_id, region=row.region,
             kind=kind, raised_at=now) for row, kind in due])
    if not new_ids:
        return []
    rows = {row.assignment_id: row for row, _kind in due}
    alerts = list(db.session.scalars(select(FieldAlert).where(FieldAlert.id.in_(new_ids))
                                     .order_by(FieldAlert.id)))
    by_region = defaultdict(list)
    for alert in alerts:
        by_region[alert.region].append(alert)
    for region, raised in by_region.items():
        lines = [f"{rules.ALERT_KINDS[a.kind]}: "
                 + _("station %(number)s, %(observer)s",
                     number=rows[a.assignment_id].number,
                     observer=rows[a.assignment_id].observer_name) for a in raised]
        body = "\n".join(lines[:200] + ([f"… +{len(lines) - 200}"] if len(lines) > 200 else []))
        for user in _coordinators(region):
            send_mail(user.email, _("Roll-call: %(count)d new alert(s) at %(time)s",
                                    count=len(raised), time=_local_time(now, election)),
                      _("Stations that turned late or silent:") + "\n\n" + body + "\n\n"
                      + _("Open the roll-call board in Observe to call them and acknowledge."))
    record("fieldops.alerts", None, object_type="election", object_id=election.id,
           summary=f"{len(alerts)} alert(s) raised")
    return alerts


def sweep(now: datetime | None = None) -> int:
    """Evaluate every watched election's stations and raise the due alerts (cron, idempotent)."""
    now = now or utcnow()
    raised = 0
    for election in queries.watched_elections():
        rows = queries.board_rows(election, None, now)
        raised += len(raise_alerts(election, queries.due_alerts(rows), now=now))
    return raised


def acknowledge_alert(alert: FieldAlert, *, actor) -> FieldAlert:
    """Record who acknowledged the alert and when (the first acknowledgement stands)."""
    if alert.acknowledged_at is None:
        alert.acknowledged_at = utcnow()
        alert.acknowledged_by_id = actor.id
        db.session.flush()
        record("fieldops.alert.acknowledge", alert, actor=actor,
               summary=f"{alert.kind} · assignment {alert.assignment_id}")
    return alert


# --- SOS ------------------------------------------------------------------------------------------

def _sos_assignment(actor, station_id) -> tuple:
    observer = observer_of(actor)
    if observer is None:
        raise FieldopsError(_("Only observers send an SOS."))
    assignment = db.session.execute(select(Assignment).where(
        Assignment.observer_id == observer.id, Assignment.station_id == station_id,
        Assignment.status.in_(ACTIVE)).limit(1)).scalar_one_or_none()
    if assignment is None or not election_takes_reports(assignment.election):
        raise FieldopsError(_("You have no active assignment at this station."),
                            field="station_id")
    return observer, assignment


def _stored_sos(submission_id: str, observer) -> SosSignal | None:
    signal = db.session.execute(select(SosSignal).where(
        SosSignal.uuid == submission_id)).scalar_one_or_none()
    if signal is not None and signal.observer_id != observer.id:
        raise FieldopsError(_("This submission id is already used; reload the page and send "
                              "again."), field="uuid")
    return signal


def _coordinate(value, low, high, name):
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise FieldopsError(_("The location is not valid."), field=name) from None
    if not low <= number <= high:
        raise FieldopsError(_("The location is not valid."), field=name)
    return number


def _photo_limit() -> int:
    """The SOS photo's size limit: the evidence limit of polling-day reports."""
    return int(current_app.config.get("EVIDENCE_MAX_MB", 20)) * 1024 * 1024


def submit_sos(data: dict, *, actor, photo=None,
               link_for: Callable[[SosSignal], str] | None = None) -> tuple[SosSignal, bool]:
    """The observer calls for help: stored once per UUID (a retry gets the stored one back),
    e-mailed at once to the region's coordinators and HQ. `photo` is (stream, filename)."""
    submission_id = parse_uuid(data.get("uuid"))
    observer, assignment = _sos_assignment(actor, data.get("station_id"))
    stored = _stored_sos(submission_id, observer)
    if stored is not None:
        return stored, False
    if data.get("reason") not in rules.SOS_REASONS:
        raise FieldopsError(_("Choose what is happening."), field="reason")
    signal = SosSignal(
        uuid=submission_id, election_id=assignment.election_id, assignment_id=assignment.id,
        observer_id=observer.id, region=assignment.station.region, reason=data["reason"],
        note=(data.get("note") or "").strip()[:NOTE_LIMIT],
        latitude=_coordinate(data.get("latitude"), -90, 90, "latitude"),
        longitude=_coordinate(data.get("longitude"), -180, 180, "longitude"),
        accuracy_m=_coordinate(data.get("accuracy"), 0, 1_000_000, "accuracy"),
        raised_by_id=actor.id, raised_at=utcnow(), status="open")
    kept = _store_photo(signal, photo) if photo is not None else None
    try:
        with db.session.begin_nested():
            db.session.add(signal)
            db.session.flush()
    except IntegrityError:
        if kept is not None:
            files.remove(kept)
        stored = _stored_sos(submission_id, observer)
        if stored is None:
            raise
        return stored, False  # a concurrent retry stored it first
    record("fieldops.sos", signal, actor=actor,
           summary=f"{signal.reason} · {assignment.station.number}")
    _mail_sos(signal, assignment, link_for)
    return signal, True


def _store_photo(signal: SosSignal, photo) -> files.StoredFile:
    kept = files.store(photo[0], kinds=PHOTO_KINDS, max_bytes=_photo_limit(), area=PHOTO_AREA,
                       filename=photo[1] or "")
    signal.photo_name, signal.photo_type = kept.name, kept.mimetype
    signal.photo_size, signal.photo_sha256 = kept.size, kept.sha256
    return kept


def add_sos_photo(signal: SosSignal, photo, *, actor) -> None:
    """The observer adds the photo to an SOS sent without one (an SOS queued offline goes
    without its photo: the phone keeps text, not files). `photo` is (stream, filename)."""
    if signal.observer.user_id != actor.id:
        raise FieldopsError(_("Only the observer who sent this SOS can add its photo."))
    if signal.photo_name:
        raise FieldopsError(_("This SOS already has its photo."))
    _store_photo(signal, photo)
    record("fieldops.sos_photo", signal, actor=actor, summary=signal.photo_type)


def _mail_sos(signal: SosSignal, assignment, link_for) -> None:
    station, election = assignment.station, assignment.election
    subject = _("SOS at station %(number)s: %(reason)s", number=station.number,
                reason=rules.SOS_REASONS[signal.reason])
    body = "\n".join(part for part in (
        _("%(observer)s at station %(number)s (%(address)s) sent an SOS at %(time)s.",
          observer=signal.observer.full_name, number=station.number, address=station.address,
          time=_local_time(signal.raised_at, election)),
        signal.note,
        link_for(signal) if link_for else "") if part)
    for user in {u.id: u for u in _coordinators(signal.region) + _hq()}.values():
        send_mail(user.email, subject, body)


def sos_photo(signal: SosSignal):
    """Where the SOS photo is on disk (None without one)."""
    return files.path_of(PHOTO_AREA, signal.photo_name) if signal.photo_name else None


def acknowledge_sos(signal: SosSignal, *, actor) -> SosSignal:
    """Someone has seen the SOS: the observer's page now says who and when."""
    if signal.status == "open":
        signal.status = "acknowledged"
        signal.acknowledged_at, signal.acknowledged_by_id = utcnow(), actor.id
        db.session.flush()
        record("fieldops.sos.acknowledge", signal, actor=actor,
               summary=f"SOS {signal.id}", after={"status": signal.status})
    return signal


def resolve_sos(signal: SosSignal, note: str, *, actor) -> SosSignal:
    """Close the SOS with a note of what was done (acknowledging it first if nobody had)."""
    note = (note or "").strip()
    if not note:
        raise FieldopsError(_("Say what was done."), field="note")
    if signal.status == "resolved":
        raise FieldopsError(_("This SOS is already resolved."))
    acknowledge_sos(signal, actor=actor)
    signal.status, signal.resolution_note = "resolved", note[:NOTE_LIMIT]
    signal.resolved_at, signal.resolved_by_id = utcnow(), actor.id
    db.session.flush()
    record("fieldops.sos.resolve", signal, actor=actor, summary=f"SOS {signal.id}",
           after={"status": "resolved", "resolution_note": signal.resolution_note})
    return signal


# --- Calls ----------------------------------------------------------------------------------------

def note_call(assignment, note: str, *, actor) -> CallNote:
    """Note a call to the assignment's observer: who called, when, what came of it."""
    call = CallNote(assignment_id=assignment.id, caller_id=actor.id,
                    note=(note or "").strip()[:NOTE_LIMIT], called_at=utcnow())
    db.session.add(call)
    db.session.flush()
    record("fieldops.call", call, actor=actor, summary=f"assignment {assignment.id}")
    return call


# --- Broadcasts -----------------------------------------------------------------------------------

def send_broadcast(election, data: dict, *, actor) -> Broadcast:
    """Send a short message to the chosen observers: a banner in the app at once, and an e-mail
    each through a background job.
    A coordinator's broadcast is confined to their region whatever the form said."""
    body = (data.get("body") or "").strip()
    if not body:
        raise FieldopsError(_("Write the message."), field="body")
    if len(body) > BROADCAST_LIMIT:
        raise FieldopsError(_("Keep the message under %(limit)d characters.",
                              limit=BROADCAST_LIMIT), field="body")
    region = data.get("region") or ""
    if not is_national(actor):
        region = acting_region(actor)
    shift = data.get("shift") or ""
    if shift and shift not in SHIFTS:
        raise FieldopsError(_("Choose a shift from the list."), field="shift")
    filters = dict(region=region, district=data.get("district") or "", shift=shift,
                   not_checked_in=bool(data.get("not_checked_in")))
    observers = queries.broadcast_recipients(election, actor, **filters)
    if not observers:
        raise FieldopsError(_("No observer matches this choice."))
    broadcast = Broadcast(election_id=election.id, sender_id=actor.id, body=body,
                          sent_at=utcnow(), **filters)
    db.session.add(broadcast)
    db.session.flush()
    emailed = 0
    for observer in observers:
        address = observer.user.email if observer.user else observer.email
        emailed += bool(address)
        db.session.add(BroadcastReceipt(broadcast_id=broadcast.id, observer_id=observer.id,
                                        emailed=bool(address)))
    db.session.flush()
    if emailed:  # the e-mails go out through a background job (inline without a broker)
        queue_broadcast_mail(broadcast, emailed, actor=actor)
    record("fieldops.broadcast", broadcast, actor=actor,
           summary=f"{len(observers)} observer(s) · {region or '*'}")
    return broadcast


def mark_delivered(receipts: list[BroadcastReceipt]) -> None:
    """The banner showed these broadcasts on the observer's screen: note the first time."""
    now = utcnow()
    for receipt in receipts:
        if receipt.delivered_at is None:
            receipt.delivered_at = now
    db.session.flush()


def mark_read(receipt: BroadcastReceipt) -> BroadcastReceipt:
    """The observer opened or dismissed the broadcast: note when (the first time counts)."""
    now = utcnow()
    receipt.delivered_at = receipt.delivered_at or now
    receipt.read_at = receipt.read_at or now
    db.session.flush()
    return receipt
