from flask import render_template, request
from sqlalchemy import select

from observe.audit import bp
from observe.audit.models import AuditEntry
from observe.auth.models import User
from observe.common.pagination import paginate
from observe.extensions import db
from observe.permissions import requires


@bp.get("/")
@requires("audit.view")
def index():
    actor_id = request.args.get("actor", type=int)
    object_type = request.args.get("object_type", "").strip()
    object_id = request.args.get("object_id", "").strip()
    action = request.args.get("action", "").strip()
    stmt = select(AuditEntry).order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
    if actor_id:
        stmt = stmt.where(AuditEntry.actor_id == actor_id)
    if object_type:
        stmt = stmt.where(AuditEntry.object_type == object_type)
    if object_id:
        stmt = stmt.where(AuditEntry.object_id == object_id)
    if action:
        stmt = stmt.where(AuditEntry.action.startswith(action))
    actors = db.session.execute(
        select(User.id, User.email).where(User.id.in_(select(AuditEntry.actor_id).distinct()))
        .order_by(User.email)
    ).all()
    object_types = db.session.execute(
        select(AuditEntry.object_type).distinct().where(AuditEntry.object_type != "")
        .order_by(AuditEntry.object_type)
    ).scalars().all()
    return render_template(
        "audit/index.html", page=paginate(stmt), actors=actors, object_types=object_types,
        filters={"actor": actor_id, "object_type": object_type, "object_id": object_id,
                 "action": action},
    )
