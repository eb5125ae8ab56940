"""`flask seed-demo`: demo data of every feature, safe to run again."""

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from observe.assignments.demo import seed_assignments
from observe.auth import services as auth_services
from observe.auth.models import User
from observe.branches import services as branch_services
from observe.branches.models import Branch
from observe.elections.demo import seed_election
from observe.extensions import db
from observe.observers.demo import seed_observers
from observe.training.demo import seed_training

DEMO_BRANCHES = [
    dict(region="karaganda", name="Karaganda regional branch", city="Karaganda",
         chairperson="Aigerim Sadykova", phone="+77212410000", email="karaganda@example.org"),
    dict(region="almaty", name="Almaty city branch", city="Almaty",
         chairperson="Nurlan Abenov", phone="+77272500000", email="almaty@example.org"),
]

# (email, role, name, branch index or None)
DEMO_ACCOUNTS = [
    ("admin@example.org", "admin", "Admin Demo", None),
    ("hq@example.org", "hq", "Dana Kassymova", None),
    ("coordinator.karaganda@example.org", "coordinator", "Yerlan Mukhametov", 0),
    ("coordinator.almaty@example.org", "coordinator", "Saule Omarova", 1),
    ("observer1@example.org", "observer", "Aruzhan Bekova", 0),
    ("observer2@example.org", "observer", "Timur Zhaksylykov", 0),
    ("observer3@example.org", "observer", "Madina Iskakova", 0),
    ("observer4@example.org", "observer", "Daniyar Seitkali", 1),
    ("observer5@example.org", "observer", "Olga Petrenko", 1),
    ("observer6@example.org", "observer", "Askar Nurpeisov", 1),
]


def seed_branches() -> list[Branch]:
    """The demo branches, created once."""
    branches = []
    for fields in DEMO_BRANCHES:
        branch = db.session.execute(
            select(Branch).where(Branch.name == fields["name"])
        ).scalar_one_or_none()
        branches.append(branch or branch_services.create_branch(**fields))
    return branches


def seed_accounts(branches: list[Branch], password: str) -> list[User]:
    """The demo accounts, created once; every run sets their password to `password`."""
    users = []
    for email, role, name, branch_index in DEMO_ACCOUNTS:
        branch = branches[branch_index] if branch_index is not None else None
        user = auth_services.find_user_by_email(email)
        if user is None:
            user = auth_services.create_user(email=email, role=role, full_name=name, branch=branch)
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


@click.command("seed-demo")
@click.option("--password", required=True, help="Password for every demo account.")
@with_appcontext
def seed_demo_command(password):
    """Load the demo data (idempotent)."""
    try:
        seed_demo(password)
    except auth_services.AccountError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo("Demo accounts (password as given):")
    for email, role, _name, _branch in DEMO_ACCOUNTS:
        click.echo(f"  {role:<12} {email}")
