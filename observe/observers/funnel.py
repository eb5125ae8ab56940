"""The recruitment funnel: how many volunteers reached each stage, by branch, channel or campaign.

One aggregate query counts observers per group and current status; pandas turns those counts
into the stages and conversion rates. The stages are cumulative over current statuses:
everyone ever recorded has applied, approved and certified observers have been approved, and
rejected and withdrawn ones are shown beside the funnel rather than inside it (their history is
not replayed).
"""

from dataclasses import dataclass

import pandas as pd
from flask_babel import gettext as _
from sqlalchemy import func, select

from observe.branches.models import Branch
from observe.extensions import db
from observe.observers.choices import CHANNELS, Status, label
from observe.observers.models import Observer
from observe.permissions import scope_to_branch

GROUPINGS = ("branch", "channel", "campaign")
STATUSES = tuple(status.value for status in Status)
NO_CAMPAIGN = "—"


@dataclass(frozen=True)
class FunnelRow:
    """One group's counts per stage and its conversion rates (None when nothing to divide by)."""

    key: str
    label: str
    applied: int
    pending: int
    approved: int
    certified: int
    rejected: int
    withdrawn: int
    approval_rate: float | None
    certification_rate: float | None
    is_total: bool = False


def _counts_statement(user, group_by: str):
    """The one aggregate query: (key, label, status, n) per group and current status."""
    if group_by == "branch":
        key, text = Observer.branch_id, Branch.name
        stmt = select(key.label("key"), text.label("label"), Observer.status,
                      func.count().label("n")).join(Branch, Branch.id == Observer.branch_id)
        stmt = stmt.group_by(key, text, Observer.status)
    else:
        key = getattr(Observer, group_by)
        stmt = select(key.label("key"), key.label("label"), Observer.status,
                      func.count().label("n")).group_by(key, Observer.status)
    return scope_to_branch(stmt, Observer.branch_id, user)


def _label(group_by: str, key, text) -> str:
    if group_by == "channel":
        return label(CHANNELS, key)
    if group_by == "campaign":
        return text or NO_CAMPAIGN
    return str(text)


def _rate(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _row(key, text, counts, is_total=False) -> FunnelRow:
    applied = int(sum(counts[s] for s in STATUSES))
    approved = int(counts[Status.APPROVED] + counts[Status.CERTIFIED])
    certified = int(counts[Status.CERTIFIED])
    return FunnelRow(
        key=str(key), label=text, applied=applied, pending=int(counts[Status.APPLIED]),
        approved=approved, certified=certified, rejected=int(counts[Status.REJECTED]),
        withdrawn=int(counts[Status.WITHDRAWN]),
        approval_rate=_rate(approved, applied), certification_rate=_rate(certified, approved),
        is_total=is_total,
    )


def funnel(user, group_by: str = "branch") -> list[FunnelRow]:
    """The funnel rows of the groups the user may see, largest first, then a total row."""
    if group_by not in GROUPINGS:
        raise ValueError(f"unknown grouping {group_by!r}")
    result = db.session.execute(_counts_statement(user, group_by)).all()
    frame = pd.DataFrame(result, columns=["key", "label", "status", "n"])
    if frame.empty:
        return [_row("total", _("Total"), dict.fromkeys(STATUSES, 0), is_total=True)]
    frame["key"] = frame["key"].astype(str)
    labels = {key: _label(group_by, key, text)
              for key, text in frame[["key", "label"]].drop_duplicates().itertuples(index=False)}
    counts = (frame.pivot_table(index="key", columns="status", values="n", aggfunc="sum",
                                fill_value=0)
              .reindex(columns=list(STATUSES), fill_value=0)
              .astype(int))
    counts["_applied"] = counts.sum(axis=1)
    counts["_label"] = [labels[key] for key in counts.index]
    counts = counts.sort_values(["_applied", "_label"], ascending=[False, True], kind="stable")
    rows = [_row(key, values["_label"], values) for key, values in counts.iterrows()]
    rows.append(_row("total", _("Total"), counts[list(STATUSES)].sum(), is_total=True))
    return rows
