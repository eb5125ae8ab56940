"""Recruitment: the join form, the observer registry and its pipeline, import and export."""

from flask import Blueprint

from observe.observers.choices import vocabularies

bp = Blueprint("observers", __name__)
bp.context_processor(vocabularies)

# Imported for their routes; plain `import` keeps views/funnel.py from shadowing the funnel
# service as observe.observers.funnel.
import observe.observers.views.funnel  # noqa: E402,F401
import observe.observers.views.join  # noqa: E402,F401
import observe.observers.views.registry  # noqa: E402,F401
import observe.observers.views.transfer  # noqa: E402,F401
