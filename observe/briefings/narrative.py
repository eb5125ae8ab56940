"""The draft narrative of a briefing, written from its figures in the briefing's language.

Each sentence is one msgid; every clause with a number is an ngettext of its own, keyed on the
number the noun agrees with, so Russian (one, few, many) and Kazakh translators get the forms
they need. Staff edit the draft before it is saved."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import force_locale, gettext, ngettext

from observe.branches.regions import region_name
from observe.reports.rules import CATEGORY_LABELS, MISMATCH_LABELS

# How many categories the "most frequent" sentence names.
TOP_CATEGORIES = 3


def _local_time(iso: str | None, zone: str) -> str:
    if not iso:
        return ""
    return datetime.fromisoformat(iso).astimezone(ZoneInfo(zone or "Asia/Almaty")).strftime(
        "%H:%M")


def sentences(figures: dict, *, timezone: str = "Asia/Almaty") -> list[str]:
    """The narrative's sentences in the current locale."""
    scope = figures.get("scope", {})
    cov = figures["coverage"]
    totals = figures["incidents"]["totals"]
    time = _local_time(scope.get("cutoff"), timezone)
    where = (gettext("in %(region)s", region=region_name(scope["region"]))
             if scope.get("region") else gettext("across the country"))
    out = []
    # "As of 14:00 observers were present at N of M stations in K regions."
    # Keyed on the total: in Russian "из 5 участков" agrees with it, not with the present.
    present = ngettext("As of %(time)s, observers were present at %(present)d of %(num)d "
                       "polling station %(where)s",
                       "As of %(time)s, observers were present at %(present)d of %(num)d "
                       "polling stations %(where)s", cov["stations"], time=time,
                       present=cov["stations_present"], where=where)
    if not scope.get("region"):
        present += ngettext(" (%(num)d region)", " (%(num)d regions)",
                            cov["regions_present"])
    out.append(present + ".")
    out.append(ngettext("%(present)d of %(num)d assigned observer had checked in.",
                        "%(present)d of %(num)d assigned observers had checked in.",
                        cov["observers_assigned"], present=cov["observers_present"]))
    incidents = ngettext("%(num)d incident was reported", "%(num)d incidents were reported",
                         totals["total"])
    verified = ngettext("%(num)d of them verified", "%(num)d of them verified",
                        totals["verified"])
    rejected = ngettext("%(num)d rejected", "%(num)d rejected", totals["rejected"])
    out.append(gettext("%(incidents)s; %(verified)s, %(rejected)s.", incidents=incidents,
                       verified=verified, rejected=rejected))
    top = [row for row in figures["incidents"]["by_category"] if row["count"]][:TOP_CATEGORIES]
    if top:
        items = [ngettext("%(category)s (%(num)d report)", "%(category)s (%(num)d reports)",
                          row["count"], category=str(CATEGORY_LABELS.get(row["category"],
                                                                         row["category"])))
                 for row in top]
        out.append(gettext("The most frequent were: %(list)s.", list=", ".join(items)))
    turnout = [row for row in figures.get("turnout", []) if row["stations"]]
    if turnout:
        last = turnout[-1]
        out.append(ngettext("By %(hour)02d:00, %(share)s%% of registered voters had received "
                            "ballots at the %(num)d station that reported turnout.",
                            "By %(hour)02d:00, %(share)s%% of registered voters had received "
                            "ballots at the %(num)d stations that reported turnout.",
                            last["stations"], hour=last["hour"], share=last["share"]))
    protocols = figures.get("protocols") or {}
    if protocols.get("received"):
        sentence = ngettext("%(num)d protocol copy was received",
                            "%(num)d protocol copies were received",
                            protocols["received"])
        broken = ngettext("%(num)d of them does not add up", "%(num)d of them do not add up",
                          protocols["flagged"])
        out.append(gettext("%(protocols)s; %(mismatches)s.", protocols=sentence,
                           mismatches=broken))
        codes = protocols.get("codes") or {}
        if codes:
            code = max(codes, key=lambda c: (codes[c], c))
            out.append(gettext("Most often: %(relation)s",
                               relation=str(MISMATCH_LABELS.get(code, code))))
    serious = figures.get("serious") or []
    if serious:
        first = serious[0]
        out.append(gettext("The most serious verified incident: %(category)s at station "
                           "%(station)s, %(region)s.",
                           category=str(CATEGORY_LABELS.get(first["category"],
                                                            first["category"])),
                           station=first["station"], region=region_name(first["region"])))
    return out


def draft_narrative(figures: dict, language: str, *, timezone: str = "Asia/Almaty") -> str:
    """The narrative in the given language (ru, kk or en), one paragraph."""
    with force_locale(language):
        return " ".join(sentences(figures, timezone=timezone))
