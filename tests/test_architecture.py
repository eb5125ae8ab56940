"""The service-layer rules of ARCHITECTURE.md, checked on the source itself.

Views parse, call one service and answer: they never commit or roll back (the request does), never
decide scope themselves (permissions.py does) and never define forms. Services never touch the
request. Every domain error derives from DomainError.
"""

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import observe
from observe.common.errors import DomainError

PACKAGE = Path(observe.__file__).parent
VIEW_MODULES = sorted(p for p in PACKAGE.rglob("*.py")
                      if p.name == "views.py" or p.parent.name == "views")
SERVICE_MODULES = sorted(p for p in PACKAGE.rglob("*.py")
                         if p.name in {"services.py", "rules.py", "queries.py", "imports.py",
                                       "exports.py", "auto.py", "curriculum_services.py",
                                       "zoom.py", "quiz.py", "quiz_bank.py", "funnel.py",
                                       "stats.py", "ical.py", "mandates.py"}
                         and p.parent.name != "views")


def _relative(path: Path) -> str:
    return str(path.relative_to(PACKAGE.parent))


def _calls(path: Path, names: set[str]) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in names:
            found.append(f"{_relative(path)}:{node.lineno} {node.func.attr}()")
    return found


def test_views_never_commit_or_roll_back():
    offenders = [hit for path in VIEW_MODULES for hit in _calls(path, {"commit", "rollback"})]
    assert offenders == []


# Private helpers that used to work out "which branch / region / observer am I acting for".
SCOPE_DECIDERS = re.compile(
    r"def (board_branch|_branch|_scope|_scoped|_chosen_branch_id|visible_region|current_observer)"
    r"\b|is_national\(current_user\)")


def test_views_leave_scope_to_permissions():
    offenders = [f"{_relative(path)}: {match.group(0)}" for path in VIEW_MODULES
                 for match in SCOPE_DECIDERS.finditer(path.read_text())]
    assert offenders == []


def test_forms_live_in_forms_modules():
    offenders = []
    for path in VIEW_MODULES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and any(
                    getattr(base, "id", getattr(base, "attr", "")) in {"FlaskForm", "Form"}
                    for base in node.bases):
                offenders.append(f"{_relative(path)}: class {node.name}")
    assert offenders == []


REQUEST_NAMES = {"request", "session", "current_user", "url_for", "flash", "g"}


@pytest.mark.parametrize("path", SERVICE_MODULES, ids=_relative)
def test_services_do_not_touch_the_request(path):
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module in {"flask", "flask_login"}:
            imported |= {alias.asname or alias.name for alias in node.names}
    assert imported & REQUEST_NAMES == set()


def _all_modules():
    for info in pkgutil.walk_packages(observe.__path__, "observe."):
        yield importlib.import_module(info.name)


def test_every_error_a_service_raises_is_a_domain_error():
    strays = []
    for module in _all_modules():
        for name, value in vars(module).items():
            if inspect.isclass(value) and value.__module__ == module.__name__ \
                    and issubclass(value, ValueError) and name.endswith("Error") \
                    and not issubclass(value, DomainError):
                strays.append(f"{module.__name__}.{name}")
    assert strays == []
