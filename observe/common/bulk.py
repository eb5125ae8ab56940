"""Many rows into one table at once, inside the session's transaction (imports of 10,000+ rows).

PostgreSQL gets COPY FROM STDIN: one statement streamed, several times quicker than even a
pipelined executemany of INSERTs, which the server parses and plans row by row. Other databases
(SQLite) get a Core executemany, which is already one prepared statement run in a C loop.
Either way the rows are in the caller's transaction: a later error rolls them back with the rest.
"""

from sqlalchemy import Table, insert

from observe.extensions import db


def insert_rows(table: Table, rows: list[dict]) -> None:
    """Insert `rows` (dicts with the same keys, columns of `table`); no ids are returned."""
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        _copy(connection, table, rows)
    else:
        connection.execute(insert(table), rows)


def _missing_defaults(table: Table, names: list[str]) -> dict:
    """{column: default} of the columns the rows leave out whose default lives in Python.

    An INSERT applies those defaults for SQLAlchemy; COPY would leave NULL. A zero-argument
    callable (list, utcnow) is wrapped by SQLAlchemy to take a context, hence the None.
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


def _copy(connection, table: Table, rows: list[dict]) -> None:
    defaults = _missing_defaults(table, list(rows[0]))
    if defaults:
        rows = [{**row, **{name: make() for name, make in defaults.items()}} for row in rows]
    names = list(rows[0])
    dialect = connection.dialect
    # The columns' own bind processing (JSON to text, UTC datetimes) as an INSERT would apply it.
    processors = [table.c[name].type.bind_processor(dialect) for name in names]
    columns = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    statement = f"COPY {dialect.identifier_preparer.format_table(table)} ({columns}) FROM STDIN"
    cursor = connection.connection.driver_connection.cursor()
    try:
        with cursor.copy(statement) as copy:
            if not any(processors):
                for row in rows:
                    copy.write_row([row[name] for name in names])
                return
            pairs = list(zip(names, processors, strict=True))
            for row in rows:
                copy.write_row([process(row[name]) if process else row[name]
                                for name, process in pairs])
    finally:
        cursor.close()
