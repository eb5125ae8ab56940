"""What the phone needs to build its forms: checklist definitions and incident categories."""

from observe.api import bp, schemas
from observe.api.auth import caller
from observe.api.elections import callers_elections
from observe.api.pagination import page_of_list
from observe.api.registry import operation
from observe.reports.queries import checklist_versions_of
from observe.reports.rules import CATEGORIES, CATEGORY_LABELS
from observe.reports.services import current_checklist


@operation(bp, "/forms", summary="Checklist definitions", tag="reports",
           query=schemas.PageQuery, response=schemas.Page[schemas.ChecklistForm])
def forms(query):
    """The checklist versions of the caller's elections, newest first: the one answered now
    (`current`: send its id as form_id with the answers) and any older one their stored
    answers were given to, each with the elections it serves."""
    current = current_checklist()
    rows = [schemas.ChecklistForm(id=form.id, code=form.code, version=form.version,
                                  title=form.title or "", current=form.id == current.id,
                                  election_ids=election_ids, definition=form.definition)
            for form, election_ids in checklist_versions_of(callers_elections(caller()))]
    items, cursor = page_of_list(rows, query.cursor, query.limit)
    return schemas.Page[schemas.ChecklistForm](items=items, next=cursor)


@operation(bp, "/incident-categories", summary="Incident categories", tag="reports",
           query=schemas.LangQuery, response=schemas.Page[schemas.IncidentCategory])
def incident_categories(query):
    """The incident taxonomy: codes to send, labels in the caller's language (?lang=)."""
    rows = [schemas.IncidentCategory(code=code, label=str(CATEGORY_LABELS[code]))
            for code in CATEGORIES]
    items, cursor = page_of_list(rows, query.cursor, query.limit)
    return schemas.Page[schemas.IncidentCategory](items=items, next=cursor)
