"""The dashboard's and a briefing's figures: the grouped rows from `queries` shaped (by pandas,
on those few rows only) into plain, JSON-ready tables. A briefing stores this dict when it is
published, so its numbers never move again."""

from datetime import datetime

import pandas as pd
from flask import current_app
from sqlalchemy import select

from observe.branches.regions import REGIONS
from observe.briefings import queries
from observe.briefings.queries import NOT_COUNTED, REJECTED, UNVERIFIED, VERIFIED, Scope
from observe.common import cache
from observe.complaints.queries import complaint_numbers
from observe.extensions import db
from observe.reports.models import ChecklistForm
from observe.reports.rules import CATEGORIES, PHASES, SEVERITIES, TURNOUT_HOURS, phase_questions

# Viewers of one scope within this many seconds share its figures (DASHBOARD_CACHE_SECONDS).
DEFAULT_CACHE_SECONDS = 5.0
STATUS_GROUPS = {**dict.fromkeys(VERIFIED, "verified"), **dict.fromkeys(UNVERIFIED, "unverified"),
                 **dict.fromkeys(REJECTED, "rejected"), "duplicate": "duplicate"}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _share(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 0.0


def _region_order(code: str) -> int:
    order = list(REGIONS)
    return order.index(code) if code in order else len(order)


def incident_tables(rows: list[dict], *, count_duplicates: bool) -> dict:
    """Totals, and counts by severity, category, region and category × region × status group."""
    frame = pd.DataFrame(rows, columns=["region", "category", "severity", "status", "count"])
    frame["group"] = frame["status"].map(STATUS_GROUPS).fillna("unverified")
    if not count_duplicates:
        frame = frame[frame["group"] != "duplicate"]
    groups = frame.groupby("group")["count"].sum()
    totals = {"total": int(frame["count"].sum())}
    totals.update({name: int(groups.get(name, 0))
                   for name in ("verified", "unverified", "rejected", "duplicate")})
    by_status = {k: int(v) for k, v in frame.groupby("status")["count"].sum().items()}
    severity = frame.groupby("severity")["count"].sum()
    by_severity = [{"severity": s, "count": int(severity.get(s, 0))}
                   for s in reversed(SEVERITIES)]
    category = frame.groupby("category")["count"].sum().sort_values(ascending=False, kind="stable")
    known = {c: CATEGORIES.index(c) if c in CATEGORIES else len(CATEGORIES) for c in category.index}
    by_category = sorted(({"category": c, "count": int(n)} for c, n in category.items() if n),
                         key=lambda r: (-r["count"], known[r["category"]]))
    region = frame.groupby("region")["count"].sum()
    by_region = sorted(({"region": r, "count": int(n)} for r, n in region.items() if n),
                       key=lambda r: _region_order(r["region"]))
    matrix = []
    if not frame.empty:
        pivot = frame.pivot_table(index=["category", "region"], columns="group", values="count",
                                  aggfunc="sum", fill_value=0)
        for (cat, reg), values in pivot.iterrows():
            cells = {name: int(values.get(name, 0))
                     for name in ("verified", "unverified", "rejected")}
            cells["total"] = sum(cells.values())
            matrix.append({"category": cat, "region": reg, **cells})
        matrix.sort(key=lambda r: (known.get(r["category"], 99), _region_order(r["region"])))
    return {"totals": totals, "by_status": by_status, "by_severity": by_severity,
            "by_category": by_category, "by_region": by_region, "matrix": matrix}


def _question_texts() -> dict[tuple[str, str], dict]:
    form = db.session.execute(select(ChecklistForm).where(ChecklistForm.is_active).order_by(
        ChecklistForm.created_at.desc(), ChecklistForm.id.desc()).limit(1)).scalar_one_or_none()
    if form is None:
        return {}
    return {(phase, q["id"]): q.get("text") or {} for phase in PHASES
            for q in phase_questions(form.definition, phase)}


def checklist_tables(scope: Scope) -> tuple[list[dict], list[dict]]:
    """Checklists per phase (received, flagged, share) and problem rates per question."""
    phases = {row["phase"]: row for row in queries.checklists_by_phase(scope)}
    per_phase = []
    for phase in PHASES:
        row = phases.get(phase, {"received": 0, "flagged": 0})
        per_phase.append({"phase": phase, "received": row["received"], "flagged": row["flagged"],
                          "share": _share(row["flagged"], row["received"])})
    texts = _question_texts()
    questions = []
    for row in queries.checklist_problems(scope):
        received = phases.get(row["phase"], {}).get("received", 0)
        questions.append({"phase": row["phase"], "question": row["question"],
                          "text": texts.get((row["phase"], row["question"]), {}),
                          "count": row["count"], "rate": _share(row["count"], received)})
    questions.sort(key=lambda r: (-r["rate"], r["phase"], r["question"]))
    return per_phase, questions


def turnout_table(scope: Scope) -> list[dict]:
    """Per reporting hour: stations, voters, registered voters of those stations and the share."""
    rows = {row["hour"]: row for row in queries.turnout_by_hour(scope)}
    return [{"hour": hour, **{k: rows.get(hour, {}).get(k, 0)
                              for k in ("stations", "voters", "registered")},
             "share": _share(rows.get(hour, {}).get("voters", 0),
                             rows.get(hour, {}).get("registered", 0))}
            for hour in sorted(set(TURNOUT_HOURS) | set(rows))]


def _serious(rows: list[dict]) -> list[dict]:
    return [{**row, "received_at": _iso(row["received_at"]),
             "occurred_at": _iso(row["occurred_at"])} for row in rows]


def dashboard_cache_seconds() -> float:
    """How long one scope's dashboard figures are kept for every viewer (0: not cached)."""
    return float(current_app.config.get("DASHBOARD_CACHE_SECONDS", DEFAULT_CACHE_SECONDS))


def cached_dashboard_figures(scope: Scope, election) -> dict:
    """The dashboard's figures, shared by everyone viewing the same scope for a few seconds
    (in Redis when CACHE_URL is set). The key holds the whole scope, so a coordinator's region
    and the country never share an entry."""
    seconds = dashboard_cache_seconds()
    if seconds <= 0:
        return dashboard_figures(scope, election)
    key = (f"dashboard:{scope.election_id}:region={scope.region}:district={scope.district}"
           f":cutoff={_iso(scope.cutoff) or ''}")
    return cache.get_or_set(key, seconds, lambda: dashboard_figures(scope, election))


def dashboard_figures(scope: Scope, election) -> dict:
    """Everything the live dashboard shows, as of now (or the scope's cut-off)."""
    per_phase, _questions = checklist_tables(scope)
    return {
        "coverage": queries.coverage(scope),
        "checklists": per_phase,
        "turnout": turnout_table(scope),
        # The triage queue lists duplicates too, so the dashboard counts them to agree with it.
        "incidents": incident_tables(queries.incident_counts(scope), count_duplicates=True),
        "timeline": queries.incidents_by_hour(scope, queries.utc_offset_hours(election)),
        "latest": _serious(queries.serious_incidents(scope, limit=10)),
    }


def briefing_figures(scope: Scope, election) -> dict:
    """A briefing's numbers: coverage, turnout, incidents by category × region and status,
    the most serious verified incidents, checklist problem rates, protocol mismatches."""
    per_phase, questions = checklist_tables(scope)
    return {
        "scope": {"election_id": scope.election_id, "region": scope.region,
                  "district": scope.district, "cutoff": _iso(scope.cutoff)},
        "coverage": queries.coverage(scope),
        "checklists": per_phase,
        "questions": questions,
        "turnout": turnout_table(scope),
        "incidents": incident_tables(queries.incident_counts(scope), count_duplicates=False),
        "serious": _serious(queries.serious_incidents(scope, limit=10, verified_only=True)),
        "protocols": queries.protocol_summary(scope),
        "timeline": queries.incidents_by_hour(scope, queries.utc_offset_hours(election)),
        # Complaints filed, answered and upheld (fully or partly), from the complaints feature.
        "complaints": complaint_numbers(scope.election_id, region=scope.region or None,
                                        district=scope.district or None, cutoff=scope.cutoff),
    }


def changes(current: dict, previous: dict | None) -> dict:
    """The change of the headline numbers since the previous briefing of the same scope."""
    if not previous:
        return {}

    def pick(figures: dict) -> dict:
        cov, inc = figures.get("coverage", {}), figures.get("incidents", {}).get("totals", {})
        prot = figures.get("protocols", {})
        return {"stations_present": cov.get("stations_present", 0),
                "observers_present": cov.get("observers_present", 0),
                "incidents": inc.get("total", 0), "verified": inc.get("verified", 0),
                "rejected": inc.get("rejected", 0),
                "protocol_mismatches": prot.get("flagged", 0)}

    now, before = pick(current), pick(previous)
    return {key: {"now": now[key], "before": before[key], "delta": now[key] - before[key]}
            for key in now}


__all__ = ["NOT_COUNTED", "briefing_figures", "cached_dashboard_figures", "changes",
           "dashboard_figures", "incident_tables"]
