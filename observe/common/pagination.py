"""Pagination of select() statements for list pages."""

from flask import request
from sqlalchemy import Select

from observe.extensions import db

DEFAULT_PER_PAGE = 50


def paginate(stmt: Select, per_page: int = DEFAULT_PER_PAGE):
    """Paginate a select() by the request's ?page= argument, never failing on a bad page."""
    return db.paginate(stmt, per_page=per_page, max_per_page=200, error_out=False)


def page_args(**overrides) -> dict:
    """The current query arguments, for building links to other pages of the same list."""
    args = request.args.to_dict()
    args.update(overrides)
    return args
