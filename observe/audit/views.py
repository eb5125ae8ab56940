from flask import render_template, request

from observe.audit import bp, queries
from observe.audit.labels import action_label, changes
from observe.common.pagination import paginate
from observe.common.urls import parse_id
from observe.permissions import requires


@bp.get("/")
@requires("audit.view")
def index():
    filters = {"actor_id": parse_id(request.args.get("actor")),
               "object_type": request.args.get("object_type", "").strip(),
               "object_id": request.args.get("object_id", "").strip(),
               "action": request.args.get("action", "").strip()}
    return render_template(
        "audit/index.html", page=paginate(queries.entries_statement(**filters)),
        actors=queries.actors_in_log(), object_types=queries.object_types_in_log(),
        action_options=queries.action_options(filters["action"]),
        filters={**filters, "actor": filters["actor_id"]},
        action_label=action_label, changes=changes,
    )
