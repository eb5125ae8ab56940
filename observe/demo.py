"""`flask seed-demo`: demo data of every feature, safe to run again."""

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from observe.assignments.demo import seed_assignments
from observe.auth import services as auth_services
from observe.auth.models import User
from observe.branches import services as branch_services
from observe.branches.models import Branch
from observe.briefings.demo import seed_briefing
from observe.common.transaction import transactional
from observe.complaints.demo import seed_complaints
from observe.elections.demo import seed_election
from observe.extensions import db
from observe.fieldops.demo import seed_fieldops
from observe.observers.demo import seed_observers
from observe.reports.demo import seed_reports
from observe.training.demo import seed_training
from observe.updates.demo import seed_updates

# Written as a Kazakh association writes them: names and places in Russian or Kazakh.
DEMO_BRANCHES = [
    dict(region="karaganda", name="Карагандинский областной филиал", city="Караганда",
         chairperson="Айгерим Садыкова", phone="+77212410000", email="karaganda@example.org"),
    dict(region="almaty", name="Алматинский городской филиал", city="Алматы",
         chairperson="Нурлан Абенов", phone="+77272500000", email="almaty@example.org"),
]

# (email, role, name, branch index or None); observers named as their records in observers/demo.py
DEMO_ACCOUNTS = [
    ("admin@example.org", "admin", "Марат Ахметов", None),
    ("hq@example.org", "hq", "Дана Касымова", None),
    ("coordinator.karaganda@example.org", "coordinator", "Ерлан Мухаметов", 0),
    ("coordinator.almaty@example.org", "coordinator", "Сауле Омарова", 1),
    ("observer1@example.org", "observer", "Аружан Бекова", 0),
    ("observer2@example.org", "observer", "Тимур Жаксылыков", 0),
    ("observer3@example.org", "observer", "Мадина Искакова", 0),
    ("observer4@example.org", "observer", "Данияр Сейітқали", 1),
    ("observer5@example.org", "observer", "Ольга Петренко", 1),
    ("observer6@example.org", "observer", "Асқар Нұрпейісов", 1),
]


def seed_branches() -> list[Branch]:
    """The demo branches, created once (found again by name or, after a rename, by e-mail)."""
    branches = []
    for fields in DEMO_BRANCHES:
        branch = db.session.execute(
            select(Branch).where(Branch.name == fields["name"])
        ).scalar_one_or_none() or db.session.execute(
            select(Branch).where(Branch.email == fields["email"]).order_by(Branch.id)
        ).scalars().first()
        if branch is None:
            branch = branch_services.create_branch(**fields)
        else:
            branch_services.update_branch(branch, **fields)
        branches.append(branch)
    return branches


def seed_accounts(branches: list[Branch], password: str) -> list[User]:
    """The demo accounts, created once; every run sets their password to `password`."""
    users = []
    for email, role, name, branch_index in DEMO_ACCOUNTS:
        branch = branches[branch_index] if branch_index is not None else None
        user = auth_services.find_user_by_email(email)
        if user is None:
            user = auth_services.create_user(email=email, role=role, full_name=name, branch=branch)
        user.full_name = name
        user.password_hash = auth_services.hash_password(password)
        user.is_active = True
        users.append(user)
    return users


def seed_demo(password: str) -> None:
    """Load every feature's demo data (each later feature adds its own step here)."""
    auth_services.check_password_strength(password)
    branches = seed_branches()
    users = {user.email: user for user in seed_accounts(branches, password)}
    db.session.flush()
    seed_observers(branches, {0: users["coordinator.karaganda@example.org"],
                              1: users["coordinator.almaty@example.org"]})
    db.session.flush()
    seed_training(branches, users)
    db.session.flush()
    seed_assignments(seed_election())
    db.session.flush()
    seed_reports()
    seed_briefing()
    seed_updates()
    seed_complaints()
    seed_fieldops()


@click.command("seed-demo")
@click.option("--password", required=True, help="Password for every demo account.")
@with_appcontext
@transactional
def seed_demo_command(password):
    """Load the demo data (idempotent)."""
    try:
        seed_demo(password)
    except auth_services.AccountError as error:
        raise click.ClickException(error.message) from None
    click.echo("Demo accounts (password as given):")
    for email, role, _name, _branch in DEMO_ACCOUNTS:
        click.echo(f"  {role:<12} {email}")
