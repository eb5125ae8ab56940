"""Accounts for generated observers, for load tests that sign in or call the API as they do."""

from dataclasses import dataclass

from sqlalchemy import select

from observe.auth import services as auth_services
from observe.branches.models import Branch
from observe.extensions import db
from observe.observers.models import Observer
from observe.scale.generator import plan_of


@dataclass(frozen=True)
class Reporter:
    """An observer who can report at a station: their sign-in and their API token."""

    email: str
    token: str
    station_id: int


def observer_accounts(election_id: int, count: int, password: str) -> list[Reporter]:
    """Give the first `count` reporting observers of the election an account and a token."""
    reporters, seen = [], set()
    for station_id, observer_id, *_rest in plan_of(election_id).reporters:
        if len(reporters) == count:
            break
        if observer_id in seen:
            continue
        seen.add(observer_id)
        observer = db.session.get(Observer, observer_id)
        if observer.user_id is not None:
            continue
        branch = db.session.execute(select(Branch).where(Branch.id == observer.branch_id)
                                    ).scalar_one()
        user = auth_services.create_user(email=observer.email, role="observer",
                                         full_name=observer.full_name, branch=branch,
                                         password=password)
        observer.user_id = user.id
        reporters.append(Reporter(user.email, auth_services.create_api_token(user, "load test"),
                                  station_id))
    return reporters
