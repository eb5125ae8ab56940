from flask import render_template
from sqlalchemy import select

from observe.common.pagination import paginate
from observe.mail import bp
from observe.mail.models import OutboxMessage
from observe.permissions import requires


@bp.get("/")
@requires("outbox.view")
def index():
    stmt = select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    return render_template("mail/index.html", page=paginate(stmt))
