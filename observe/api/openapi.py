"""The OpenAPI 3.1 document, assembled by code from the operations' pydantic models."""

import copy

from pydantic.json_schema import models_json_schema

from observe.api.registry import OPERATIONS
from observe.api.schemas import MAX_ID, ErrorBody

REF = "#/components/schemas/{model}"

ERROR_DESCRIPTIONS = {
    401: "No valid bearer token (a session cookie is not accepted).",
    403: "The caller's role may not do this.",
    404: "Not found, or outside the caller's scope.",
    413: "The upload is too large.",
    422: "Invalid input: messages by field.",
    429: "Too many requests with this token; see Retry-After.",
}

SUCCESS_DESCRIPTIONS = {200: "OK", 201: "Created"}


def _models() -> list[tuple[type, str]]:
    pairs = [(ErrorBody, "serialization")]
    for op in OPERATIONS:
        if op.body is not None:
            pairs.append((op.body, "validation"))
        if op.query is not None:
            pairs.append((op.query, "validation"))
        pairs += [(model, "serialization") for model in op.responses.values() if model]
    return list(dict.fromkeys(pairs))


def _query_parameters(model, schema: dict, definitions: dict) -> list[dict]:
    # A query model's own schema may be a $ref to its definition: inline its properties.
    if "$ref" in schema:
        schema = definitions[schema["$ref"].rsplit("/", 1)[-1]]
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        prop = copy.deepcopy(prop)
        description = prop.pop("description", "")
        prop.pop("title", None)
        # A query argument left out is the null: describe only the value it takes when sent.
        options = [o for o in prop.pop("anyOf", []) if o.get("type") != "null"]
        if len(options) == 1:
            prop.update(options[0])
        elif options:
            prop["anyOf"] = options
        if prop.get("default", 0) is None:
            del prop["default"]
        parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def _path_parameters(op) -> list[dict]:
    return [{"name": name, "in": "path", "required": True,
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}
             if converter == "int" else {"type": "string"}}
            for name, converter in op.path_params]


def _json(schema: dict) -> dict:
    return {"application/json": {"schema": schema}}


def build_document(server_url: str = "/api/v1") -> dict:
    """The whole document: paths from OPERATIONS, components from their models."""
    key_map, top = models_json_schema(_models(), ref_template=REF)
    definitions = top.get("$defs", {})
    error_ref = key_map[(ErrorBody, "serialization")]
    paths: dict = {}
    for op in sorted(OPERATIONS, key=lambda o: (o.path, o.method)):
        entry = {"operationId": op.endpoint.split(".", 1)[-1], "summary": op.summary,
                 "tags": [op.tag], "responses": {}}
        if op.description:
            entry["description"] = " ".join(op.description.split())
        if op.requires:
            entry["x-observe-capability"] = op.requires
        parameters = _path_parameters(op)
        if op.query is not None:
            parameters += _query_parameters(op.query, key_map[(op.query, "validation")],
                                            definitions)
        if parameters:
            entry["parameters"] = parameters
        if op.body is not None:
            entry["requestBody"] = {"required": True,
                                    "content": _json(key_map[(op.body, "validation")])}
        if op.multipart:
            entry["requestBody"] = {"required": True, "content": {"multipart/form-data": {
                "schema": {"type": "object", "required": list(op.multipart),
                           "properties": {name: {"type": "string", "format": "binary",
                                                 "description": text}
                                          for name, text in op.multipart.items()}}}}}
        for status, model in op.responses.items():
            answer = {"description": SUCCESS_DESCRIPTIONS.get(status, "OK")}
            if model is not None:
                answer["content"] = _json(key_map[(model, "serialization")])
            entry["responses"][str(status)] = answer
        statuses = set(op.errors) | ({429} if not op.public else set())
        if not op.public:
            statuses |= {401}
            entry["security"] = [{"bearerAuth": []}]
        else:
            entry["security"] = []
        if op.query is not None or op.body is not None or op.multipart:
            statuses.add(422)
        for status in sorted(statuses):
            answer = {"description": ERROR_DESCRIPTIONS[status], "content": _json(error_ref)}
            if status == 429:
                answer["headers"] = {"Retry-After": {
                    "description": "Seconds to wait.", "schema": {"type": "integer"}}}
            entry["responses"][str(status)] = answer
        paths.setdefault(op.path, {})[op.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": "Observe API", "version": "1.0.0",
                 "description": "The JSON API of Observe: what the web pages do, through the "
                                "same services. Authenticate with `Authorization: Bearer "
                                "<token>`; create tokens on your account page."},
        "servers": [{"url": server_url}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {"schemas": definitions,
                       "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    }
