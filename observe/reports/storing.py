"""Storing one new submission in as few round trips as the database allows.

The report row, its kind's row and its audit entry are written by Core statements built once
per kind (no unit of work): on PostgreSQL one statement, `INSERT ... ON CONFLICT (uuid) DO
NOTHING RETURNING id` with the two other INSERTs as data-modifying CTEs fed by it; on SQLite
(no round trips to save) the same three INSERTs one after the other. When the UUID is taken
nothing is written and None comes back: the caller loads the stored report.

The ORM object the caller built is then made persistent as it is (no reload): what it did not
set takes the columns' defaults, here in Python, so the answer needs no SELECT either.
"""

from sqlalchemy import String, bindparam, cast, insert, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached

from observe.audit.models import AuditEntry
from observe.common.transaction import after_rollback
from observe.extensions import db

_UNSET = object()
# (report class, dialect name) -> the statement(s) of that kind.
_STATEMENTS: dict = {}
# The audit columns the statements fill from the new id.
_FROM_ID = ("object_id", "summary")


def _tables(cls):
    base, detail = inspect(cls).tables  # joined inheritance: report, then the kind's table
    return base, detail


def _params(prefix: str, columns) -> dict:
    return {c.key: bindparam(f"{prefix}{c.key}", type_=c.type) for c in columns}


def _build(cls, dialect: str):
    base, detail = _tables(cls)
    audit = AuditEntry.__table__
    base_columns = [c for c in base.columns if c.key != "id"]
    detail_columns = [c for c in detail.columns if c.key != "id"]
    audit_columns = [c for c in audit.columns if c.key != "id" and c.key not in _FROM_ID]
    upsert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(base)
    new_report = upsert.values(_params("r_", base_columns)).on_conflict_do_nothing(
        index_elements=[base.c.uuid]).returning(base.c.id)
    if dialect != "postgresql":
        return (new_report,
                insert(detail).values(_params("d_", detail.columns)),
                insert(audit).values(_params("a_", [*audit_columns,
                                                    *(audit.c[k] for k in _FROM_ID)])))
    new = new_report.cte("new_report")
    # In INSERT ... SELECT a parameter's type is not taken from the target column: cast each.
    stored_detail = insert(detail).from_select(
        ["id", *(c.key for c in detail_columns)],
        select(new.c.id, *(cast(bindparam(f"d_{c.key}", type_=c.type), c.type)
                           for c in detail_columns)))
    new_id = cast(new.c.id, String)
    stored_audit = insert(audit).from_select(
        [*(c.key for c in audit_columns), *_FROM_ID],
        select(*(cast(bindparam(f"a_{c.key}", type_=c.type), c.type) for c in audit_columns),
               new_id, bindparam("a_summary_head", type_=String()).concat(new_id).concat(
                   bindparam("a_summary_tail", type_=String()))))
    return (select(new.c.id).add_cte(stored_detail.cte("new_detail"),
                                     stored_audit.cte("new_audit")),)


class _Prepared:
    """A statement compiled once for a dialect, run as driver SQL with its binds processed here.

    SQLAlchemy does not cache the compiled form of INSERT ... ON CONFLICT (its dialect Insert is
    not cacheable), and compiling it on every submission cost more than the rest of the path.
    """

    def __init__(self, statement, dialect):
        compiled = statement.compile(dialect=dialect)
        self.sql = compiled.string
        self.names = compiled.positiontup if compiled.positional else None
        self.processors = {}
        for bind in compiled.binds.values():
            processor = bind.type.bind_processor(dialect)
            if processor is not None:
                self.processors[bind.key] = processor

    def execute(self, connection, params: dict):
        processed = {k: (self.processors[k](v) if k in self.processors else v)
                     for k, v in params.items()}
        if self.names is not None:
            processed = tuple(processed[name] for name in self.names)
        return connection.exec_driver_sql(self.sql, processed)


def _statements(cls, dialect):
    key = (cls, dialect.name)
    if key not in _STATEMENTS:
        _STATEMENTS[key] = [_Prepared(s, dialect) for s in _build(cls, dialect.name)]
    return _STATEMENTS[key]


def _column_values(report, table) -> dict:
    """The row of `table` for the report; unset attributes take the column default (and the
    object gets that value too, as a reload would give it)."""
    mapper = inspect(type(report))
    values = {}
    for column in table.columns:
        if column.key == "id":
            continue
        key = mapper.get_property_by_column(column).key
        value = report.__dict__.get(key, _UNSET)
        if value is _UNSET:
            default = column.default
            if default is None:
                value = None
            elif default.is_callable:
                value = default.arg(None)
            else:
                value = default.arg
            setattr(report, key, value)
        values[column.key] = value
    return values


def _only(params: dict, prefix: str) -> dict:
    return {k: v for k, v in params.items() if k.startswith(prefix)}


def insert_report(report, audit: dict, summary: tuple[str, str]) -> int | None:
    """Write the report (its base and kind rows) and its audit entry; the new id, or None when
    a report with its UUID is stored already (nothing is written then).

    `audit` is the entry's columns but its object id and summary, which are the new id and
    `summary[0] + id + summary[1]`. The report becomes a persistent, clean object of the session.
    """
    base, detail = _tables(type(report))
    report.kind = inspect(type(report)).polymorphic_identity
    params = {f"r_{k}": v for k, v in _column_values(report, base).items()}
    params.update({f"d_{k}": v for k, v in _column_values(report, detail).items()})
    params.update({f"a_{k}": v for k, v in audit.items()})
    connection = db.session.connection()
    statements = _statements(type(report), connection.dialect)
    if len(statements) == 1:
        params["a_summary_head"], params["a_summary_tail"] = summary
        new_id = statements[0].execute(connection, params).scalar()
    else:
        new_id = statements[0].execute(connection, _only(params, "r_")).scalar()
        if new_id is not None:
            statements[1].execute(connection, dict(_only(params, "d_"), d_id=new_id))
            statements[2].execute(connection, dict(
                _only(params, "a_"), a_object_id=str(new_id),
                a_summary=f"{summary[0]}{new_id}{summary[1]}"))
    if new_id is None:
        return None
    report.id = new_id
    make_transient_to_detached(report)
    db.session.add(report)
    # The ORM forgets an object it inserted itself when the transaction rolls back; this one it
    # did not insert, so it is told to (else a reused id would clash in the identity map).
    after_rollback(_forget, report)
    return new_id


def _forget(report) -> None:
    if report in db.session:
        db.session.expunge(report)
