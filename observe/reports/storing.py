"""Storing one new submission in as few round trips as the database allows.

The report row, its kind's row and its audit entry are written by Core statements built once
per kind (no unit of work): on PostgreSQL one statement, `INSERT ... ON CONFLICT (uuid) DO
NOTHING RETURNING id` with the two other INSERTs as data-modifying CTEs fed by it; on SQLite
(no round trips to save) the same three INSERTs one after the other. When the UUID is taken
nothing is written and None comes back: the caller loads the stored report.

The ORM object the caller built is then made persistent as it is (no reload): what it did not
set takes the columns' defaults, here in Python, so the answer needs no SELECT either.
"""

from dataclasses import dataclass
from functools import cache

from sqlalchemy import (
    Integer,
    String,
    bindparam,
    cast,
    insert,
    inspect,
    literal_column,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached

from observe.audit.models import AuditEntry
from observe.common.transaction import after_rollback
from observe.extensions import db

_UNSET = object()
# A token holder's submission finds its actor in its own statement: the audit values are made
# with this stand-in, so that the request's user is not looked for (nor loaded) to fill them.
ACTOR_FROM_STATEMENT = object()
# (report class, dialect name, builder, its arguments) -> the statement(s) of that kind.
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


def _statements(cls, dialect, build=None, *arguments):
    build = build or _build
    key = (cls, dialect.name, build, arguments)
    if key not in _STATEMENTS:
        _STATEMENTS[key] = [_Prepared(s, dialect) for s in build(cls, dialect.name, *arguments)]
    return _STATEMENTS[key]


def _build_for_token_holder(cls, dialect: str, rules: tuple):
    """Token, scope and the three INSERTs in one PostgreSQL statement (see the module's text).
    Its parameters carry their types as casts (psycopg's dialect renders them), and the SQL is
    kept under psycopg's 4,096 characters, above which it parses the statement on every call.

    The rules come from the services (the roles that may submit, the assignment statuses that
    count, the election statuses that take reports) and are written into the statement as
    constants: one statement is built per set of rules."""
    from observe.assignments.models import Assignment
    from observe.auth.models import ApiToken, User
    from observe.elections.models import Election, PollingStation
    from observe.observers.models import Observer

    roles, assignment_statuses, election_statuses = rules
    base, detail = _tables(cls)
    audit = AuditEntry.__table__
    # What the caller sets on the report besides the scope's ids.
    from_scope = {"election_id", "station_id", "observer_id", "submitted_by_id"}
    base_columns = [c for c in base.columns if c.key != "id" and c.key not in from_scope]
    detail_columns = [c for c in detail.columns if c.key != "id"]
    audit_columns = [c for c in audit.columns if c.key not in
                     ("id", "actor_id", "actor_label", *_FROM_ID)]
    scope = select(
        User.id.label("user_id"), User.email, User.role, User.locale,
        ApiToken.id.label("token_id"),
        Observer.id.label("observer_id"), Observer.full_name,
        PollingStation.id.label("station_id"), PollingStation.election_id,
        PollingStation.number, PollingStation.region, PollingStation.district,
        Election.timezone, Election.status.label("election_status"),
    ).select_from(ApiToken).join(User, User.id == ApiToken.user_id).join(
        Observer, Observer.user_id == User.id).join(
        Assignment, Assignment.observer_id == Observer.id).join(
        PollingStation, PollingStation.id == Assignment.station_id).join(
        Election, Election.id == PollingStation.election_id).where(
        ApiToken.token_hash == bindparam("s_token_hash"), ApiToken.revoked_at.is_(None),
        User.is_active.is_(True), User.role.in_(_constants(roles)),
        Assignment.station_id == bindparam("s_station_id", type_=Integer()),
        Assignment.election_id == PollingStation.election_id,
        Assignment.status.in_(_constants(assignment_statuses)),
        Election.status.in_(_constants(election_statuses)),
    ).limit(literal_column("1")).cte("scope")
    new_report = postgresql.insert(base).from_select(
        [*(c.key for c in base_columns), *sorted(from_scope)],
        select(*(bindparam(f"r_{c.key}", type_=c.type) for c in base_columns),
               scope.c.election_id, scope.c.observer_id, scope.c.station_id, scope.c.user_id)
    ).on_conflict_do_nothing(index_elements=[base.c.uuid]).returning(base.c.id).cte("new_report")
    stored_detail = insert(detail).from_select(
        ["id", *(c.key for c in detail_columns)],
        select(new_report.c.id, *(bindparam(f"d_{c.key}", type_=c.type)
                                  for c in detail_columns)))
    new_id = cast(new_report.c.id, String)
    stored_audit = insert(audit).from_select(
        [*(c.key for c in audit_columns), "actor_id", "actor_label", *_FROM_ID],
        select(*(bindparam(f"a_{c.key}", type_=c.type) for c in audit_columns),
               scope.c.user_id, scope.c.email, new_id,
               bindparam("a_summary_head", type_=String()).concat(new_id)
               .concat(bindparam("a_summary_separator", type_=String()))
               .concat(scope.c.number)).select_from(new_report).join(scope, true()))
    # The token's last use, to the minute (as the ordinary path records it).
    used = ApiToken.__table__
    touched = update(used).where(
        used.c.id == select(scope.c.token_id).scalar_subquery(),
        or_(used.c.last_used_at.is_(None),
            used.c.last_used_at < bindparam("s_used_before", type_=used.c.last_used_at.type)),
    ).values(last_used_at=bindparam("s_now", type_=used.c.last_used_at.type))
    return (select(new_report.c.id, *(c for c in scope.c if c.key != "token_id"))
            .select_from(new_report).join(scope, true()).add_cte(
                stored_detail.cte("new_detail"), stored_audit.cte("new_audit"),
                touched.cte("touched_token")),)


def _constants(values) -> list:
    """Words of the code (roles, statuses) as SQL string constants."""
    return [literal_column("'" + value.replace("'", "''") + "'") for value in values]


@dataclass(frozen=True)
class Placed:
    """Who stored the new report, and where: what the answer shows without loading it."""

    user_id: int
    email: str
    role: str
    locale: str | None
    observer_id: int
    full_name: str
    station_id: int
    election_id: int
    number: str
    region: str
    district: str | None
    timezone: str
    election_status: str


def insert_for_token_holder(report, audit: dict, summary_head: str, *, token_hash: str,
                            station_id: int, rules: tuple, now, used_before) -> Placed | None:
    """Store a new report of the holder of an API token in one statement (PostgreSQL only),
    when the token, the holder's scope at the station and the UUID all allow it; the report
    gets the new id and is left detached. None, with nothing written, when any of them does
    not: the caller takes the ordinary path.

    The statement is atomic by itself, so it runs on a connection of its own in autocommit,
    outside the request's session: no BEGIN and COMMIT round trips, and when it stores nothing
    the ordinary path starts its transaction as it always does. The report is stored when this
    returns (a request failing later still leaves it stored, and the phone's retry gets it).

    `rules`: (roles, assignment statuses, election statuses), each the values that pass.
    """
    base, detail = _tables(type(report))
    report.kind = inspect(type(report)).polymorphic_identity
    params = {f"r_{k}": v for k, v in _column_values(report, base).items()
              if k not in ("election_id", "station_id", "observer_id", "submitted_by_id")}
    params.update({f"d_{k}": v for k, v in _column_values(report, detail).items()})
    params.update({f"a_{k}": v for k, v in audit.items()
                   if k not in ("actor_id", "actor_label", *_FROM_ID)})
    params.update(a_summary_head=summary_head, a_summary_separator=" · ",
                  s_token_hash=token_hash,
                  s_station_id=station_id, s_now=now, s_used_before=used_before)
    with db.engine.connect() as connection:
        connection = connection.execution_options(isolation_level="AUTOCOMMIT")
        (statement,) = _statements(type(report), connection.dialect, _build_for_token_holder,
                                   rules)
        row = statement.execute(connection, params).first()
    if row is None:
        return None
    placed = Placed(**{k: v for k, v in row._mapping.items() if k != "id"})
    report.id, report.election_id, report.station_id = row.id, placed.election_id, \
        placed.station_id
    report.observer_id, report.submitted_by_id = placed.observer_id, placed.user_id
    make_transient_to_detached(report)
    return placed


@cache
def _column_plan(cls, table) -> tuple:
    """(column key, attribute key, default) of each column of `table` but the id, for cls."""
    mapper = inspect(cls)
    return tuple((column.key, mapper.get_property_by_column(column).key, column.default)
                 for column in table.columns if column.key != "id")


def _column_values(report, table) -> dict:
    """The row of `table` for the report; unset attributes take the column default (and the
    object gets that value too, as a reload would give it)."""
    values = {}
    state = report.__dict__
    for column_key, key, default in _column_plan(type(report), table):
        value = state.get(key, _UNSET)
        if value is _UNSET:
            if default is None:
                value = None
            elif default.is_callable:
                value = default.arg(None)
            else:
                value = default.arg
            setattr(report, key, value)
        values[column_key] = value
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


def detached(cls, **columns):
    """An instance of cls as if loaded with these columns only and then detached: no session
    holds it, so it is read, never changed or loaded further."""
    instance = cls(**columns)
    make_transient_to_detached(instance)
    return instance


def _forget(report) -> None:
    if report in db.session:
        db.session.expunge(report)
