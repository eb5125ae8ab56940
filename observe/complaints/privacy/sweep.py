"""The last pass of an erasure: every text, varchar and JSON column of every table is searched
for the erased values and they are replaced. The targeted erasure (services.py) knows where
personal data lives today; this pass catches copies in places nobody listed (free text, mail
bodies, audit payloads, tables added later)."""

import json
import re

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


TOKEN = re.compile(r"[\w@.+\-]+")


class Matcher:
    """Finds which of many erased values occur in a text, without trying each one: a value
    without spaces (IIN, phone, e-mail, date) is looked up among the text's tokens; a value with
    spaces (a name) only when its first word is one of them."""

    def __init__(self, words: list[str]):
        self.single = {w for w in words if " " not in w}
        self.by_first: dict[str, list[str]] = {}
        for word in words:
            if " " in word:
                self.by_first.setdefault(word.split()[0], []).append(word)

    def found(self, text: str) -> list[str]:
        hits = []
        for token in set(TOKEN.findall(text)):
            for candidate in (token, token.rstrip(".-")):
                if candidate in self.single:
                    hits.append(candidate)
                for name in self.by_first.get(candidate, ()):
                    if name in text:
                        hits.append(name)
        return sorted(set(hits), key=lambda w: (-len(w), w))


def scrub(words: list[str]) -> int:
    """Replace the words wherever they occur; return how many cells changed.

    Each text column is read once (streamed) and matched in Python: one pass over the data
    however many observers a run erases.
    """
    if not words:
        return 0
    db.session.flush()
    matcher = Matcher(words)
    changed = 0
    for table, column, is_json in text_columns():
        pk = next(iter(table.primary_key.columns))
        updates = []
        rows = db.session.execute(select(pk, column).where(column.is_not(None)),
                                  execution_options={"yield_per": 5000})
        for key, value in rows:
            text = json.dumps(value, ensure_ascii=False) if is_json else value
            if not isinstance(text, str):
                continue
            hits = matcher.found(text)
            if not hits:
                continue
            new = redact(value, hits)
            length = getattr(column.type, "length", None)
            if isinstance(new, str) and length:
                new = new[:length]
            if new != value:
                updates.append((key, new))
        for key, new in updates:
            db.session.execute(update(table).where(pk == key).values({column.name: new}))
        changed += len(updates)
    # Objects loaded before the pass must not write their old values back.
    db.session.expire_all()
    return changed
