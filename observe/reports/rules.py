"""Polling-day rules as pure functions: the vocabularies, turnout, protocol arithmetic and the
checklist definitions (their schema, the answers they accept, the answers that signal a problem).
Nothing here reads the database: services pass in what the rules need."""

from flask_babel import lazy_gettext as _l

PHASES = ("opening", "voting", "closing", "count")
PHASE_LABELS = {"opening": _l("Opening"), "voting": _l("Voting"), "closing": _l("Closing"),
                "count": _l("Count")}

# Hours (local time) at which commissions report how many voters have received ballots.
TURNOUT_HOURS = (10, 12, 14, 16, 18, 20)

SEVERITIES = ("low", "medium", "high", "critical")
SEVERITY_LABELS = {"low": _l("Low"), "medium": _l("Medium"), "high": _l("High"),
                   "critical": _l("Critical")}
# Most severe first in the triage queue.
SEVERITY_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1}

# The incident taxonomy: codes are stored, labels are translated.
CATEGORIES = (
    "ballot_stuffing", "multiple_voting", "group_voting", "vote_buying", "voter_pressure",
    "organised_transport", "campaigning", "secrecy_breach", "observer_obstruction",
    "voter_list", "mobile_box", "count_violation", "protocol", "unauthorised_persons",
    "video_surveillance", "other",
)
CATEGORY_LABELS = {
    "ballot_stuffing": _l("Ballot stuffing"),
    "multiple_voting": _l("Multiple or 'carousel' voting"),
    "group_voting": _l("Group or family voting"),
    "vote_buying": _l("Vote buying"),
    "voter_pressure": _l("Pressure on voters"),
    "organised_transport": _l("Organised transport of voters"),
    "campaigning": _l("Campaigning on polling day"),
    "secrecy_breach": _l("Breach of ballot secrecy"),
    "observer_obstruction": _l("Obstruction or removal of observers"),
    "voter_list": _l("Voter-list irregularities"),
    "mobile_box": _l("Mobile ballot box irregularities"),
    "count_violation": _l("Count violations"),
    "protocol": _l("Protocol not posted or altered"),
    "unauthorised_persons": _l("Unauthorised persons at the station"),
    "video_surveillance": _l("Video surveillance off or blocked"),
    "other": _l("Other"),
}

KIND_LABELS = {"check_in": _l("Check-in"), "checklist": _l("Checklist"),
               "turnout": _l("Turnout"), "incident": _l("Incident"),
               "protocol": _l("Protocol copy")}

STATUSES = ("received", "verified", "rejected", "escalated", "resolved", "duplicate")
STATUS_LABELS = {"received": _l("Received"), "verified": _l("Verified"),
                 "rejected": _l("Rejected"), "escalated": _l("Escalated to the legal team"),
                 "resolved": _l("Resolved"), "duplicate": _l("Same event as another report")}
# Where a status may go next; a rejection can be undone by verifying after all.
TRANSITIONS = {
    "received": {"verified", "rejected", "escalated", "resolved", "duplicate"},
    "verified": {"rejected", "escalated", "resolved", "duplicate"},
    "escalated": {"verified", "resolved", "duplicate"},
    "rejected": {"verified"},
    "resolved": set(),
    "duplicate": set(),
}


def may_move(status: str, target: str) -> bool:
    """Whether a report in `status` may move to `target`."""
    return target in TRANSITIONS.get(status, set())


# --- Turnout -----------------------------------------------------------------------------------

def turnout_problems(hour: int, voters: int, registered: int, known: dict[int, int]) -> list[str]:
    """Why a turnout figure is refused ([] when it is accepted).

    `known` holds the station's accepted figures by hour. A figure may not exceed the registered
    voters, fall below an earlier hour's figure, or exceed a later hour's one.
    """
    problems = []
    if hour not in TURNOUT_HOURS:
        problems.append(str(_l("Choose one of the reporting hours.")))
        return problems
    if voters < 0:
        problems.append(str(_l("The number of voters cannot be negative.")))
        return problems
    if registered and voters > registered:
        problems.append(str(_l("%(voters)d is more than the %(registered)d voters registered at "
                               "this station.", voters=voters, registered=registered)))
    earlier = [(h, v) for h, v in known.items() if h < hour]
    if earlier:
        h, v = max(earlier)
        if voters < v:
            problems.append(str(_l("%(voters)d is less than the %(earlier)d already reported for "
                                   "%(hour)02d:00.", voters=voters, earlier=v, hour=h)))
    later = [(h, v) for h, v in known.items() if h > hour]
    if later:
        h, v = min(later)
        if voters > v:
            problems.append(str(_l("%(voters)d is more than the %(later)d already reported for "
                                   "%(hour)02d:00.", voters=voters, later=v, hour=h)))
    return problems


# --- Protocol arithmetic -------------------------------------------------------------------------

MISMATCH_LABELS = {
    "received_balance": _l("Ballots received ≠ ballots issued + ballots cancelled."),
    "issued_over_list": _l("More ballots issued than voters on the list."),
    "box_over_issued": _l("More ballots in the box than ballots issued."),
    "box_balance": _l("Ballots in the box ≠ invalid ballots + votes for all choices."),
}


def protocol_mismatches(figures: dict[str, int], votes: list[int]) -> list[str]:
    """The protocol's arithmetic relations its figures break, as codes of MISMATCH_LABELS."""
    found = []
    if figures["ballots_received"] != figures["ballots_issued"] + figures["ballots_cancelled"]:
        found.append("received_balance")
    if figures["ballots_issued"] > figures["voters_on_list"]:
        found.append("issued_over_list")
    if figures["ballots_in_box"] > figures["ballots_issued"]:
        found.append("box_over_issued")
    if figures["ballots_in_box"] != figures["ballots_invalid"] + sum(votes):
        found.append("box_balance")
    return found


# --- Checklist definitions -----------------------------------------------------------------------

QUESTION_TYPES = ("yes_no", "number", "choice", "text")
LANGUAGES = ("ru", "kk", "en")


def _texts_ok(value) -> bool:
    return isinstance(value, dict) and any(isinstance(value.get(code), str) and value[code].strip()
                                           for code in LANGUAGES) \
        and all(isinstance(text, str) for text in value.values())


def definition_errors(definition) -> list[str]:
    """Where a checklist definition breaks the schema ([] when it is valid).

    The schema: {"code": str, "title": {lang: str}, "phases": {phase: [question, ...]}}, a
    question being {"id": str, "type": yes_no|number|choice|text, "text": {lang: str},
    "choices": [{"value": str, "text": {lang: str}}] (choice only), "problem_if":
    {"equals": value} | {"in": [values]} | {"below": n} | {"above": n} (optional),
    "severity": low|medium|high|critical (optional)}.
    """
    errors: list[str] = []
    if not isinstance(definition, dict):
        return [str(_l("The definition must be a JSON object."))]
    code = definition.get("code")
    if not isinstance(code, str) or not code.strip() or len(code) > 64:
        errors.append(_at("code", _l("a text of 1 to 64 characters is required.")))
    if not _texts_ok(definition.get("title")):
        errors.append(_at("title", _l("texts by language (ru, kk, en) are required.")))
    phases = definition.get("phases")
    if not isinstance(phases, dict) or not phases:
        errors.append(_at("phases", _l("an object of phases with their questions is required.")))
        return errors
    seen: set[str] = set()
    for phase, questions in phases.items():
        if phase not in PHASES:
            errors.append(_at(f"phases.{phase}", _l("unknown phase (use %(phases)s).",
                                                     phases=", ".join(PHASES))))
            continue
        if not isinstance(questions, list) or not questions:
            errors.append(_at(f"phases.{phase}", _l("a list of questions is required.")))
            continue
        for number, question in enumerate(questions, 1):
            errors.extend(_at(f"phases.{phase}[{number}]", text)
                          for text in _question_errors(question, seen))
    return errors


def _at(path: str, message) -> str:
    """A schema problem with where it is: the JSON path stays as written, the reason translated."""
    return f"{path}: {message}"


def _question_errors(question, seen: set[str]) -> list[str]:
    if not isinstance(question, dict):
        return [str(_l("a question must be an object."))]
    errors = []
    qid = question.get("id")
    if not isinstance(qid, str) or not qid.strip() or len(qid) > 64:
        errors.append(_at("id", _l("a text of 1 to 64 characters is required.")))
    elif qid in seen:
        errors.append(_at("id", _l("%(id)s is used twice.", id=repr(qid))))
    else:
        seen.add(qid)
    kind = question.get("type")
    if kind not in QUESTION_TYPES:
        errors.append(_at("type", _l("one of %(types)s is required.",
                                     types=", ".join(QUESTION_TYPES))))
    if not _texts_ok(question.get("text")):
        errors.append(_at("text", _l("texts by language (ru, kk, en) are required.")))
    if kind == "choice":
        choices = question.get("choices")
        if not isinstance(choices, list) or len(choices) < 2 or not all(
                isinstance(c, dict) and isinstance(c.get("value"), str) and _texts_ok(c.get("text"))
                for c in choices):
            errors.append(_at("choices", _l("at least two {value, text} choices are required.")))
    condition = question.get("problem_if")
    if condition is not None:
        if not isinstance(condition, dict) or len(condition) != 1 \
                or next(iter(condition)) not in ("equals", "in", "below", "above"):
            errors.append(_at("problem_if",
                              _l("one of equals, in, below or above is required.")))
        elif next(iter(condition)) in ("below", "above") and (
                kind != "number" or not isinstance(next(iter(condition.values())), int | float)):
            errors.append(_at("problem_if",
                              _l("below and above need a number question and a number.")))
        elif "in" in condition and not isinstance(condition["in"], list):
            errors.append(_at("problem_if", _l("in needs a list of values.")))
    if question.get("severity", "medium") not in SEVERITIES:
        errors.append(_at("severity", _l("one of %(severities)s.",
                                         severities=", ".join(SEVERITIES))))
    return errors


def phase_questions(definition: dict, phase: str) -> list[dict]:
    """The questions of one phase (none for a phase the definition leaves out)."""
    return list((definition.get("phases") or {}).get(phase) or [])


def clean_answers(definition: dict, phase: str, raw: dict) -> tuple[dict, dict[str, str]]:
    """The answers of a phase as typed values, and {question id: message} for refused ones.

    Unanswered questions are left out (an observer may not see everything); unknown ids are
    ignored. yes_no answers are "yes" / "no", numbers are whole and not negative.
    """
    answers, errors = {}, {}
    for question in phase_questions(definition, phase):
        qid, kind = question["id"], question["type"]
        value = raw.get(qid)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if kind == "yes_no":
            value = {True: "yes", False: "no"}.get(value, str(value).strip().lower())
            if value not in ("yes", "no"):
                errors[qid] = str(_l("Answer yes or no."))
                continue
        elif kind == "number":
            try:
                value = int(str(value).strip())
            except ValueError:
                errors[qid] = str(_l("Enter a whole number."))
                continue
            if value < 0:
                errors[qid] = str(_l("The number cannot be negative."))
                continue
        elif kind == "choice":
            value = str(value).strip()
            if value not in {c["value"] for c in question.get("choices", [])}:
                errors[qid] = str(_l("Choose one of the options."))
                continue
        else:
            value = str(value).strip()[:4000]
        answers[qid] = value
    return answers, errors


def signals_problem(question: dict, value) -> bool:
    """Whether an answer is one the question's definition marks as a problem."""
    condition = question.get("problem_if") or {}
    if "equals" in condition:
        return value == condition["equals"]
    if "in" in condition:
        return value in condition["in"]
    if "below" in condition:
        return isinstance(value, int) and value < condition["below"]
    if "above" in condition:
        return isinstance(value, int) and value > condition["above"]
    return False


def answer_problems(definition: dict, phase: str, answers: dict) -> tuple[list[str], str]:
    """The ids of answers that signal a problem, and the most severe of their severities."""
    problems, worst = [], ""
    for question in phase_questions(definition, phase):
        if question["id"] in answers and signals_problem(question, answers[question["id"]]):
            problems.append(question["id"])
            severity = question.get("severity", "medium")
            if SEVERITY_RANK[severity] > SEVERITY_RANK.get(worst, 0):
                worst = severity
    return problems, worst
