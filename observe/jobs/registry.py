"""What each kind of job does: features register a handler with `@handler("kind")`.

A handler gets the job (its params, its user) and a `progress(done, total)` callable; it works
through the feature's own services in the job's transaction and returns an Outcome. It raises a
DomainError (or JobFailed, which carries a result for the page) to fail with a message.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from observe.common.errors import DomainError

HANDLERS: dict[str, Callable] = {}


@dataclass
class Outcome:
    """What a job made: a file (its bytes, kind and download name) and/or a result for its page."""

    body: bytes | None = None
    kind: str = ""
    filename: str = ""
    result: dict = field(default_factory=dict)


class JobFailed(DomainError):
    """The job refused its work; `result` (bad rows of an import, say) is kept for its page."""

    def __init__(self, message: str, result: dict | None = None):
        super().__init__(message)
        self.result = result or {}


def handler(kind: str) -> Callable:
    """Register the function that runs jobs of this kind."""

    def register(function: Callable) -> Callable:
        HANDLERS[kind] = function
        return function

    return register
