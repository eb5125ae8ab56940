"""The one domain error that every service raises, for web forms, the API and the CLI alike."""

from collections.abc import Iterable, Mapping

# The key of messages that belong to the whole form or request rather than to one field.
WHOLE = ""


class DomainError(ValueError):
    """A rule refused the action; `fields` maps a field name ("" for the whole action) to messages.

    The web turns it into form errors (`observe.common.forms.service_errors`), the API into a 422
    with the same messages.
    """

    def __init__(self, message: str | None = None, *, field: str = WHOLE,
                 fields: Mapping[str, str | Iterable[str]] | None = None):
        self.fields: dict[str, list[str]] = {}
        for name, messages in (fields or {}).items():
            for text in [messages] if isinstance(messages, str) else messages:
                self.add(name, text)
        if message is not None:
            self.add(field, message)
        super().__init__(" ".join(self.messages))

    def add(self, field: str, message: str) -> None:
        """Add one more message (kept in order, each once)."""
        bucket = self.fields.setdefault(field or WHOLE, [])
        if str(message) not in bucket:
            bucket.append(str(message))

    @property
    def messages(self) -> list[str]:
        """Every message, the whole-action ones first."""
        ordered = sorted(self.fields.items(), key=lambda item: item[0] != WHOLE)
        return [text for _, texts in ordered for text in texts]

    @property
    def message(self) -> str:
        """All messages as one sentence, for a flash or a log line."""
        return " ".join(self.messages)

    @property
    def field(self) -> str:
        """The first field named, or "" when the error is about the whole action."""
        return next((name for name in self.fields if name), WHOLE)

    def as_json(self) -> dict:
        """The API's error body: {"error": {"code", "message", "fields"}}."""
        return {"error": {"code": "invalid", "message": self.message,
                          "fields": {name or "_": texts for name, texts in self.fields.items()}}}
