"""The last pass of an erasure: every text, varchar and JSON column of every table is searched
for the erased values and they are replaced. The targeted erasure (services.py) knows where
personal data lives today; this pass catches copies in places nobody listed (free text, mail
bodies, audit payloads, tables added later)."""

import json

from sqlalchemy import JSON, String, Text, Unicode, UnicodeText, cast, or_, select, update

from observe.complaints.privacy.rules import redact
from observe.extensions import db

BATCH = 40
# Columns that never hold personal text and whose uniqueness a replacement could break.
SKIP = {("erasure", "pseudonym")}


def text_columns():
    """(table, column, is_json) for every searchable column of the schema."""
    for table in db.metadata.sorted_tables:
        if len(table.primary_key.columns) != 1:
            continue
        for column in table.columns:
            if (table.name, column.name) in SKIP or column.unique:
                continue
            if isinstance(column.type, JSON):
                yield table, column, True
            elif isinstance(column.type, String | Text | Unicode | UnicodeText):
                yield table, column, False


def _forms(word: str, is_json: bool) -> list[str]:
    # JSON is stored with non-ASCII escaped (json.dumps' default): search both spellings.
    if not is_json:
        return [word]
    escaped = json.dumps(word)[1:-1]
    return list(dict.fromkeys([word, escaped]))


def _like(column, is_json: bool, word: str):
    target = cast(column, Text) if is_json else column
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return target.like(f"%{escaped}%", escape="\\")


def find(words: list[str]) -> dict[str, int]:
    """{"table.column": rows} where any of the words still occur (the dry run and the tests)."""
    hits = {}
    for table, column, is_json in text_columns():
        pk = next(iter(table.primary_key.columns))
        for start in range(0, len(words), BATCH):
            chunk = words[start:start + BATCH]
            condition = or_(*(_like(column, is_json, form) for word in chunk
                              for form in _forms(word, is_json)))
            count = len(db.session.execute(select(pk).where(condition)).all())
            if count:
                hits[f"{table.name}.{column.name}"] = hits.get(
                    f"{table.name}.{column.name}", 0) + count
    return hits


def scrub(words: list[str]) -> int:
    """Replace the words wherever they occur; return how many cells changed."""
    changed = 0
    if not words:
        return 0
    db.session.flush()
    for table, column, is_json in text_columns():
        pk = next(iter(table.primary_key.columns))
        for start in range(0, len(words), BATCH):
            chunk = words[start:start + BATCH]
            condition = or_(*(_like(column, is_json, form) for word in chunk
                              for form in _forms(word, is_json)))
            rows = db.session.execute(select(pk, column).where(condition)).all()
            for key, value in rows:
                new = redact(value, words)
                if is_json and isinstance(value, str):
                    new = redact(json.loads(value), words) if value else value
                length = getattr(column.type, "length", None)
                if isinstance(new, str) and length:
                    new = new[:length]
                if new != value:
                    db.session.execute(update(table).where(pk == key).values({column.name: new}))
                    changed += 1
    # Objects loaded before the pass must not write their old values back.
    db.session.expire_all()
    return changed
