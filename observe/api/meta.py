"""The OpenAPI document and its reference page for people."""

import json

from flask import render_template, url_for

from observe.api import bp
from observe.api.openapi import build_document


def _document() -> dict:
    return build_document(server_url=url_for("api.me", _external=False).rsplit("/", 1)[0])


@bp.get("/openapi.json")
def openapi_document():
    return _document()


@bp.get("/docs")
def reference():
    document = _document()
    schemas = document["components"]["schemas"]
    return render_template("api/reference.html", document=document, schemas=schemas,
                           as_json=lambda value: json.dumps(value, indent=2, ensure_ascii=False))
