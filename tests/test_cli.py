"""Command-line tools: `flask users create|token` and `flask seed-demo`."""

import hashlib
import os
import re

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from observe.audit.models import AuditEntry
from observe.auth.models import ApiToken, User
from observe.auth.services import find_user_by_email, user_for_api_token
from observe.branches.models import Branch
from observe.extensions import db

PASSWORD = "cli-password-long-enough"


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args):
        result = runner.invoke(args=list(args))
        db.session.expire_all()
        return result

    return invoke


def counts() -> dict[str, int]:
    """Rows in every table, so a feature's demo data is covered as soon as it is added."""
    return {table.name: db.session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in db.metadata.sorted_tables}


# --- users create -----------------------------------------------------------------------------

def test_users_create_makes_a_coordinator_in_a_branch_named_any_case(cli, make_branch):
    branch = make_branch(name="Karaganda regional branch")
    result = cli("users", "create", "--email", "Yerlan@Example.org", "--role", "coordinator",
                 "--branch", "KARAGANDA regional branch", "--name", "Yerlan Mukhametov",
                 "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    user = find_user_by_email("yerlan@example.org")
    assert f"id {user.id}" in result.output
    assert (user.role, user.branch_id, user.full_name) == ("coordinator", branch.id,
                                                           "Yerlan Mukhametov")
    assert check_password_hash(user.password_hash, PASSWORD)
    entry = db.session.execute(select(AuditEntry).where(AuditEntry.action == "user.create")
                               .where(AuditEntry.object_id == str(user.id))).scalar_one()
    assert entry.actor_id is None


def test_users_create_accepts_a_branch_id(cli, make_branch):
    branch = make_branch()
    result = cli("users", "create", "--email", "o@example.org", "--role", "observer",
                 "--branch", str(branch.id), "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert find_user_by_email("o@example.org").branch_id == branch.id


def test_users_create_with_an_unknown_branch_fails_clearly(cli):
    result = cli("users", "create", "--email", "c@example.org", "--role", "coordinator",
                 "--branch", "Atlantis", "--password", PASSWORD)
    assert result.exit_code == 1
    assert "No branch 'Atlantis'." in result.output
    assert "Traceback" not in result.output
    assert find_user_by_email("c@example.org") is None


@pytest.mark.parametrize("args", [
    ("--role", "coordinator"),  # a coordinator needs a branch
    ("--role", "admin", "--password", "short"),
])
def test_users_create_reports_broken_rules_without_a_traceback(cli, args):
    arguments = ["users", "create", "--email", "c@example.org", *args]
    if "--password" not in args:
        arguments += ["--password", PASSWORD]
    result = cli(*arguments)
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert find_user_by_email("c@example.org") is None


def test_users_create_refuses_a_duplicate(cli, make_user):
    existing = make_user("hq")
    result = cli("users", "create", "--email", existing.email.upper(), "--role", "admin",
                 "--password", PASSWORD)
    assert result.exit_code == 1
    assert find_user_by_email(existing.email).role == "hq"


def test_users_create_refuses_an_unknown_role(cli):
    result = cli("users", "create", "--email", "x@example.org", "--role", "superuser",
                 "--password", PASSWORD)
    assert result.exit_code == 2
    assert find_user_by_email("x@example.org") is None


# --- users token ------------------------------------------------------------------------------

def test_users_token_prints_a_working_token_stored_only_hashed(cli, make_user):
    user = make_user("coordinator")
    result = cli("users", "token", "--email", user.email.upper(), "--name", "field laptop")
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert len(token) > 30 and "\n" not in token
    assert user_for_api_token(token).id == user.id
    stored = db.session.execute(select(ApiToken)).scalar_one()
    assert stored.name == "field laptop"
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in repr(db.session.execute(select(ApiToken.__table__)).all())
    entry = db.session.execute(
        select(AuditEntry).where(AuditEntry.action == "auth.api_token_created")).scalar_one()
    assert token not in repr((entry.before, entry.after, entry.summary))


def test_users_token_refuses_unknown_and_inactive_accounts(cli, make_user):
    assert cli("users", "token", "--email", "nobody@example.org").exit_code == 1
    user = make_user("observer")
    user.is_active = False
    db.session.commit()
    result = cli("users", "token", "--email", user.email)
    assert result.exit_code == 1
    assert db.session.execute(select(ApiToken)).first() is None


# --- seed-demo --------------------------------------------------------------------------------

DEMO_EMAILS = ["admin@example.org", "hq@example.org", "coordinator.karaganda@example.org",
               "coordinator.almaty@example.org", "observer1@example.org"]


def test_seed_demo_is_idempotent(cli):
    first = cli("seed-demo", "--password", PASSWORD)
    assert first.exit_code == 0, first.output
    after_first = counts()
    assert after_first["branch"] == 2 and after_first["user_account"] >= 5
    second = cli("seed-demo", "--password", PASSWORD)
    assert second.exit_code == 0, second.output
    assert counts() == after_first
    for email in DEMO_EMAILS:
        assert email in first.output


def test_seed_demo_accounts(cli, client):
    assert cli("seed-demo", "--password", PASSWORD).exit_code == 0
    roles = {email: find_user_by_email(email) for email in DEMO_EMAILS}
    assert all(user is not None and user.is_active for user in roles.values())
    assert [roles[e].role for e in DEMO_EMAILS] == ["admin", "hq", "coordinator", "coordinator",
                                                    "observer"]
    karaganda = roles["coordinator.karaganda@example.org"].branch
    assert karaganda.region == "karaganda"
    assert roles["observer1@example.org"].branch_id == karaganda.id
    assert roles["coordinator.almaty@example.org"].branch.region == "almaty"
    assert roles["admin@example.org"].branch_id is None
    observers = db.session.execute(select(User).where(User.role == "observer")).scalars().all()
    assert {o.branch.region for o in observers} == {"karaganda", "almaty"}
    response = client.post("/login", data={"email": "observer1@example.org",
                                           "password": PASSWORD})
    assert response.status_code == 302


def test_seed_demo_resets_the_demo_passwords(cli):
    assert cli("seed-demo", "--password", PASSWORD).exit_code == 0
    assert cli("seed-demo", "--password", "another-long-password").exit_code == 0
    admin = find_user_by_email("admin@example.org")
    assert check_password_hash(admin.password_hash, "another-long-password")


def test_seed_demo_refuses_a_short_password(cli):
    result = cli("seed-demo", "--password", "short")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ")
    assert "10" in result.output  # the minimum length, in whatever language
    assert set(counts().values()) == {0}


CYRILLIC = re.compile(r"^[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі .«»()-]+$")


def test_seed_demo_is_written_as_a_kazakh_association_writes_it(cli, app):
    assert cli("seed-demo", "--password", PASSWORD).exit_code == 0
    branches = db.session.execute(select(Branch)).scalars().all()
    for branch in branches:
        assert CYRILLIC.match(branch.name) and CYRILLIC.match(branch.city), branch.name
        assert CYRILLIC.match(branch.chairperson)
    accounts = [find_user_by_email(email) for email in DEMO_EMAILS]
    assert all(CYRILLIC.match(user.full_name) for user in accounts)
    # The mandate letter's letterhead and signatory are filled in for the demo.
    for key in ("NAME", "ADDRESS", "BIN", "PHONE", "EMAIL", "CHAIR"):
        assert app.config[f"ASSOCIATION_{key}"], key
    assert "Астана" in app.config["ASSOCIATION_ADDRESS"]
    assert len(app.config["ASSOCIATION_BIN"]) == 12 and app.config["ASSOCIATION_BIN"].isdigit()


def test_production_letters_never_carry_the_demo_association():
    from observe.config import Config, ProductionConfig

    for key in ("ADDRESS", "BIN", "CHAIR"):
        if not os.environ.get(f"ASSOCIATION_{key}"):
            assert getattr(ProductionConfig, f"ASSOCIATION_{key}") == ""
            assert getattr(Config, f"ASSOCIATION_{key}") != ""


def test_demo_observer_accounts_carry_the_names_of_their_records(cli):
    from observe.observers.models import Observer

    assert cli("seed-demo", "--password", PASSWORD).exit_code == 0
    linked = db.session.execute(select(Observer).where(Observer.user_id.is_not(None))).scalars()
    pairs = [(observer.full_name, observer.user.full_name) for observer in linked]
    assert len(pairs) >= 6
    assert all(record == account for record, account in pairs), pairs
