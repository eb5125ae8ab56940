"""Many rows into one table at once, inside the session's transaction (imports of 10,000+ rows).

PostgreSQL gets COPY FROM STDIN: one statement streamed, several times quicker than even a
pipelined executemany of INSERTs, which the server parses and plans row by row. SQLite gets the
driver's executemany of one prepared INSERT with plain tuples: SQLAlchemy's own executemany
spends longer building each row's parameters than SQLite spends storing it. Either way the
columns' Python defaults and bind processing (JSON, UTC datetimes) are applied as an ORM or Core
INSERT would apply them, and the rows are in the caller's transaction: a later error rolls them
back with the rest.
"""

from sqlalchemy import Table, insert
from sqlalchemy.exc import IntegrityError

from observe.extensions import db


def insert_rows(table: Table, rows: list[dict]) -> None:
    """Insert `rows` (dicts with the same keys, columns of `table`); no ids are returned.

    A row breaking a constraint raises sqlalchemy.exc.IntegrityError, as an INSERT would.
    """
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    if dialect.name == "postgresql":
        bulk = _copy
    elif dialect.name == "sqlite" and dialect.paramstyle == "qmark":
        bulk = _executemany
    else:
        connection.execute(insert(table), rows)
        return
    try:
        bulk(connection, table, rows)
    except dialect.dbapi.IntegrityError as error:  # the driver's own: say it as SQLAlchemy does
        raise IntegrityError(f"bulk insert into {table.name}", None, error) from error


def _missing_defaults(table: Table, names: list[str]) -> dict:
    """{column: make default} of the columns the rows leave out whose default lives in Python.

    An INSERT through SQLAlchemy applies those defaults; COPY or the bare driver would leave
    NULL. A zero-argument callable (list, utcnow) is wrapped by SQLAlchemy to take a context,
    hence the None.
    """
    defaults = {}
    for column in table.c:
        default = column.default
        if column.name in names or default is None:
            continue
        if default.is_scalar:
            defaults[column.name] = (lambda value: lambda: value)(default.arg)
        elif default.is_callable:
            defaults[column.name] = (lambda function: lambda: function(None))(default.arg)
        else:
            raise ValueError(f"{table.name}.{column.name}: give it a value in every row")
    return defaults


def _values(connection, table: Table, rows: list[dict]):
    """(column names, an iterator of each row's values ready for the driver)."""
    defaults = _missing_defaults(table, list(rows[0]))
    names = [*rows[0], *defaults]
    dialect = connection.dialect
    processors = [table.c[name].type.bind_processor(dialect) for name in names]

    def values():
        for row in rows:
            full = {**row, **{name: make() for name, make in defaults.items()}} if defaults \
                else row
            yield [process(full[name]) if process else full[name]
                   for name, process in zip(names, processors, strict=True)]

    return names, values()


def _copy(connection, table: Table, rows: list[dict]) -> None:
    names, values = _values(connection, table, rows)
    preparer = connection.dialect.identifier_preparer
    columns = ", ".join(preparer.quote(name) for name in names)
    statement = f"COPY {preparer.format_table(table)} ({columns}) FROM STDIN"
    cursor = connection.connection.driver_connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            for row in values:
                copy.write_row(row)
    finally:
        cursor.close()


def _executemany(connection, table: Table, rows: list[dict]) -> None:
    names, values = _values(connection, table, rows)
    preparer = connection.dialect.identifier_preparer
    columns = ", ".join(preparer.quote(name) for name in names)
    marks = ", ".join("?" for _name in names)
    cursor = connection.connection.driver_connection.cursor()
    try:
        cursor.executemany(
            f"INSERT INTO {preparer.format_table(table)} ({columns}) VALUES ({marks})", values)
    finally:
        cursor.close()
