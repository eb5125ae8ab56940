"""API operations declared once: the route, the pydantic models that validate its query and
body, and the models of its answers. The same declarations build /api/v1/openapi.json, so the
document cannot drift from what the views accept and return."""

import re
from dataclasses import dataclass, field
from functools import wraps

from flask import request
from flask_babel import gettext as _
from pydantic import BaseModel, ValidationError

from observe.api.errors import ApiError
from observe.api.messages import message

# Every operation: the document is built from this list.
OPERATIONS: list["Operation"] = []


@dataclass
class Operation:
    method: str
    rule: str
    endpoint: str
    summary: str
    tag: str
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    multipart: dict | None = None  # field name -> description, for file uploads
    responses: dict = field(default_factory=dict)  # status -> model (None: no body)
    errors: tuple = ()
    public: bool = False
    description: str = ""
    requires: str | None = None
    shortcut: object = None  # see `operation`

    @property
    def path(self) -> str:
        """The OpenAPI path: /incidents/{incident_id} for /incidents/<int:incident_id>."""
        return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", self.rule)

    @property
    def path_params(self) -> list[tuple[str, str]]:
        """(name, converter) of each URL variable."""
        return [(name, conv or "string")
                for conv, name in re.findall(r"<(?:([a-z]+):)?([a-z_]+)>", self.rule)]


def validation_fields(error: ValidationError) -> dict[str, list[str]]:
    """pydantic's errors as {field: [messages]} (nested fields joined by dots)."""
    fields: dict[str, list[str]] = {}
    for item in error.errors(include_url=False):
        name = ".".join(str(part) for part in item["loc"]) or "_"
        fields.setdefault(name, []).append(message(item))
    return fields


def parse(model: type[BaseModel], data) -> BaseModel:
    """Validate data with the model, or answer 422 with the messages by field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ApiError(422, fields=validation_fields(error)) from error


def json_body() -> dict:
    """The request's JSON object, or 422."""
    data = request.get_json(silent=True) if request.is_json else None
    if not isinstance(data, dict):
        raise ApiError(422, _("Send a JSON object with Content-Type: application/json."),
                       {"_": [_("The body is not a JSON object.")]})
    return data


def valid_body(model: type[BaseModel]) -> BaseModel:
    """The request's JSON body validated strictly with the model (no false for a number, no
    "1" for an integer), or 422."""
    if not request.is_json:
        json_body()  # the 422 for a body that is not JSON
    try:
        return model.model_validate_json(request.get_data() or b"null", strict=True)
    except ValidationError as error:
        raise ApiError(422, fields=validation_fields(error)) from error


def render(result):
    """A view's return value as a response: a model (200), (model, status) or a Response."""
    status = 200
    if isinstance(result, tuple):
        result, status = result
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json"), status
    return result, status


def operation(bp, rule: str, method: str = "GET", *, summary: str, tag: str, response=None,
              status: int = 200, query=None, body=None, multipart=None, errors=(),
              extra_responses=None, public: bool = False, description: str = "",
              requires: str | None = None, body_after_load: bool = False, shortcut=None):
    """Register the view under the blueprint and in OPERATIONS.

    In the order of every view: the role is checked (`requires`, 403), then the query and the
    body are validated (422) and passed as `query=` and `body=` models. A view that loads an
    object first (404 before 422) sets `body_after_load` and calls `valid_body(model)` itself.

    A `shortcut` is tried before all of that, the caller's authentication included (deferred
    for it, see observe.api): it returns the answer when it could give it at once, or None,
    having written nothing, to let the ordinary checks and the view answer.
    """

    def decorator(view):
        responses = {status: response, **(extra_responses or {})}
        OPERATIONS.append(Operation(
            method=method, rule=rule, endpoint=f"{bp.name}.{view.__name__}", summary=summary,
            tag=tag, query=query, body=body, multipart=multipart, responses=responses,
            errors=tuple(set(errors) | ({403} if requires else set())), public=public,
            description=description or view.__doc__ or "", requires=requires,
            shortcut=shortcut))

        @wraps(view)
        def wrapped(**kwargs):
            from observe.api.auth import authenticate, first_statement
            from observe.api.schemas import MAX_ID

            if shortcut is not None:
                answer = first_statement(shortcut)
                if answer is not None:
                    return render(answer)
                authenticate()
            if requires is not None:
                from observe.api.auth import require

                require(requires)
            if any(isinstance(v, int) and not 0 < v <= MAX_ID for v in kwargs.values()):
                raise ApiError(404)  # an id no row can have
            if query is not None:
                kwargs["query"] = parse(query, request.args.to_dict())
            if body is not None and not body_after_load:
                kwargs["body"] = valid_body(body)
            return render(view(**kwargs))

        bp.add_url_rule(rule, endpoint=view.__name__, view_func=wrapped, methods=[method])
        return wrapped

    return decorator
