"""The import reuses the preview's checks but never its view of the database.

The rules run once per file and mapping; who is already registered is asked again at import
time, and a person registered between that lookup and the insert refuses the whole file with
the line named.
"""

from datetime import date

import pytest
from sqlalchemy import func, select

from observe.audit.models import AuditEntry
from observe.extensions import db
from observe.observers import imports, services
from observe.observers.imports import ImportRefused, preview_import, run_import
from observe.observers.models import Observer
from observe.observers.rules import clean_applicant
from tests.observers.test_import_export import RU, counts, make_phone, person, to_csv


def register(row: dict, branch, actor) -> Observer:
    """Register the person of a file row by hand, as another coordinator would."""
    raw = {**row, "birth_date": date(1990, 5, 17), "languages": ["ru"]}
    return services.add_observer(clean_applicant(raw, require_email=False), branch, actor=actor)


@pytest.fixture
def counted_checks(monkeypatch):
    """How many rows the rules checked."""
    calls = []
    real = imports.validate_applicant

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(imports, "validate_applicant", counting)
    imports._VALIDATED.clear()
    return calls


def test_the_import_checks_each_row_once_after_the_preview(app, make_user, counted_checks):
    coordinator = make_user("coordinator")
    data = to_csv([person(), person("Второй Человек"), person("Третий Человек")], RU)
    preview = preview_import(data, "r.csv", coordinator.branch)
    assert len(counted_checks) == 3
    outcome = run_import(data, "r.csv", coordinator.branch, preview.mapping, "all_or_nothing",
                         coordinator)
    assert len(counted_checks) == 3 and outcome.imported == 3
    # Another mapping is another check: the phone column is now left out.
    mapping = dict(preview.mapping, phone=None)
    preview_import(data, "r.csv", coordinator.branch, mapping)
    assert len(counted_checks) == 6


def test_a_person_registered_after_the_preview_is_not_imported_twice(app, make_user):
    coordinator = make_user("coordinator")
    first, second = person(), person("Второй Человек")
    data = to_csv([first, second], RU)
    preview = preview_import(data, "r.csv", coordinator.branch, actor=coordinator)
    assert preview.valid_count == 2 and not preview.duplicates
    registered = register(first, coordinator.branch, coordinator)
    outcome = run_import(data, "r.csv", coordinator.branch, preview.mapping, "all_or_nothing",
                         coordinator)
    db.session.commit()
    assert (outcome.imported, outcome.duplicates) == (1, 1)
    assert db.session.scalar(select(func.count()).where(Observer.iin == first["iin"])) == 1
    assert db.session.get(Observer, registered.id).full_name == first["full_name"]


@pytest.mark.parametrize("mode", ["all_or_nothing", "valid_only"])
def test_a_clash_at_the_insert_refuses_the_file_and_names_the_lines(app, make_user,
                                                                   monkeypatch, mode):
    """Someone registers two of the file's people just after the import looked them up: the
    database's unique IIN and phone refuse the insert, nothing of the file is kept, and the
    refusal names lines 3 and 4."""
    coordinator = make_user("coordinator")
    rows = [person(), person("Второй Человек"), person("Третий Человек"),
            person("Четвёртый Человек")]
    same_iin = dict(rows[1], full_name="Другое Имя", phone=make_phone())
    same_phone = person("Пятый Человек", phone=rows[2]["phone"])
    data = to_csv(rows, RU)
    preview = preview_import(data, "r.csv", coordinator.branch, actor=coordinator)
    assert preview.valid_count == 4
    real = imports._registered
    meanwhile = []

    def lookup_then_others_register(found_rows):
        found = real(found_rows)
        if not meanwhile:
            meanwhile.extend(register(row, coordinator.branch, coordinator)
                             for row in (same_iin, same_phone))
        return found

    monkeypatch.setattr(imports, "_registered", lookup_then_others_register)
    audits = db.session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(ImportRefused) as refused:
        run_import(data, "r.csv", coordinator.branch, preview.mapping, mode, coordinator)
    assert "3, 4" in refused.value.message
    assert {(error.line, error.field) for error in refused.value.errors} == {
        (3, "iin"), (4, "phone")}
    # Only the two people registered by hand are there, with their history; no import audit.
    assert counts() == (2, 2, 2)
    assert {o.full_name for o in db.session.scalars(select(Observer))} == {
        "Другое Имя", "Пятый Человек"}
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audits + 2
