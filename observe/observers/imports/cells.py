"""Reading one roster row: the words and forms people write in cells, turned into our codes.

Languages, experience, availability and channel as free text; dates as Excel and Google Forms
write them; the Google Forms timestamp and a consent answer.
"""

import re
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache

from flask_babel import gettext as _

from observe.common.timezones import LOCAL_ZONE
from observe.observers.choices import CHANNELS

# Words found in the cells, mapped to our codes; a cell matches the first entry whose word
# starts one of its words ("казахский" and "қазақша" both start with a Kazakh stem).
_LANGUAGE_STEMS = (
    ("kk", ("каз", "қаз", "kaz", "kk", "kz", "qaz")),
    ("ru", ("рус", "орыс", "rus", "ru")),
)
_LIST_SPLIT = re.compile(r"\s*(?:[,;/|+&\n]|\s+и\s+|\s+және\s+|\s+and\s+)\s*", re.IGNORECASE)

_EXPERIENCE_WORDS = (
    ("several", ("несколько", "неоднократно", "бірнеше", "several", "many", "2", "3")),
    ("once", ("один раз", "однажды", "бір рет", "once", "1", "да", "иә", "yes")),
    ("none", ("нет", "впервые", "первый", "жоқ", "алғаш", "no", "none", "first", "0")),
)
_AVAILABILITY_WORDS = (
    ("full_day", ("весь день", "целый день", "полный", "толық", "күні бойы", "full", "whole")),
    ("morning", ("утр", "таң", "morning")),
    ("afternoon", ("после обеда", "вечер", "днём", "днем", "түстен", "кеш", "afternoon",
                   "evening")),
    ("unsure", ("не знаю", "пока", "білмеймін", "unsure", "not sure")),
)
_CHANNEL_WORDS = (
    ("telegram", ("telegram", "телеграм", "tg")),
    ("instagram", ("instagram", "инстаграм", "insta")),
    ("facebook", ("facebook", "фейсбук", "fb")),
    ("whatsapp", ("whatsapp", "ватсап", "вотсап", "уатсап")),
    ("website", ("сайт", "site", "web")),
    ("ngo", ("нпо", "нко", "ngo", "ұйым")),
    ("offline", ("мероприят", "встреч", "іс-шара", "offline", "event")),
    ("friends", ("друз", "знаком", "родств", "дос", "туыс", "friend", "family")),
)


_CONSENT_YES = frozenset({"да", "иә", "ия", "yes", "y", "true", "1", "согласен", "согласна",
                          "согласны", "келісемін", "agree", "agreed", "ok"})
_CONSENT_NO = frozenset({"нет", "жоқ", "no", "n", "false", "0", "не", "not", "емес",
                         "келіспеймін", "disagree"})
_CONSENT_MARKS = frozenset({"+", "✓", "✔", "☑", "v", "x"})


@lru_cache(maxsize=256)  # a column of "Да"
def parse_consent(text: str) -> bool | None:
    """True for a yes (Да, Иә, Yes, 1, a tick, "Я согласен(на)..."), False for a no or an empty
    cell, None for an answer we cannot read."""
    text = str(text or "").strip().casefold()
    if text in _CONSENT_MARKS:
        return True
    words = re.findall(r"\w+", text)
    if not words or any(word in _CONSENT_NO for word in words):
        return False  # "не согласен" holds a yes word too: a no word anywhere wins
    return True if any(word in _CONSENT_YES for word in words) else None


_TIME_ZONE = re.compile(r"\s*(?:GMT|UTC)\s*([+-])(\d{1,2})(?::?(\d{2}))?\s*$", re.IGNORECASE)
_TIMESTAMP_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%m/%d/%Y %H:%M:%S",
                      "%m/%d/%Y %H:%M", "%Y/%m/%d %I:%M:%S %p", "%Y/%m/%d %H:%M:%S")


def parse_timestamp(text: str) -> datetime | None:
    """A Google Forms timestamp in UTC; local (Asia/Almaty) unless it names its zone.

    Russian sheets write 14.09.2026 10:23:45, English ones 9/14/2026 10:23:45, the CSV download
    2026/09/14 10:23:45 AM GMT+5, and an XLSX cell arrives as 2026-09-14 10:23:45. Empty: None;
    unreadable: ValueError.
    """
    text = " ".join(str(text or "").split())
    if not text:
        return None
    zone = LOCAL_ZONE
    if match := _TIME_ZONE.search(text):
        sign, hours, minutes = match.groups()
        offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
        zone = timezone(-offset if sign == "-" else offset)
        text = text[:match.start()]
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        for fmt in _TIMESTAMP_FORMATS:
            try:
                moment = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        else:
            raise ValueError(text) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)



@lru_cache(maxsize=1024)  # the same few answers in every row of a column
def match_words(text: str, table, default: str | None = None) -> str | None:
    text = " ".join(str(text or "").casefold().split())
    if not text:
        return default
    for code, _words in table:
        if text == code:
            return code
    for code, words in table:
        if any(text == w or (len(w) > 2 and w in text) for w in words):
            return code
    return default


def parse_languages(text: str) -> tuple[list[str], str]:
    """Language codes (kk, ru, other) and the other languages' names, from a cell's text."""
    codes, others = _languages(str(text or ""))
    return list(codes), others


@lru_cache(maxsize=1024)  # a roster repeats a few dozen spellings thousands of times
def _languages(text: str) -> tuple[tuple[str, ...], str]:
    codes: list[str] = []
    others: list[str] = []
    for token in _LIST_SPLIT.split(str(text or "").strip()):
        word = token.strip().casefold()
        if not word:
            continue
        code = next((c for c, stems in _LANGUAGE_STEMS if word.startswith(stems)), None)
        if code is None:
            code = "other"
            others.append(token.strip())
        if code not in codes:
            codes.append(code)
    return tuple(codes), ", ".join(others)


_DMY = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")


def _quick_date(text: str):
    """The usual date forms parsed without strptime (20,000 rows add up); others pass as text."""
    match = _DMY.match(text)
    parts = (match.group(3), match.group(2), match.group(1)) if match else None
    if parts is None and (match := _YMD.match(text)):
        parts = match.groups()
    if parts is None:
        return text
    try:
        return date(*(int(p) for p in parts))
    except ValueError:
        return text


def raw_row(cells: list, positions: dict[str, int | None]) -> dict:
    """A file row (its cells) in the shape validate_applicant expects; `positions` gives each
    field's cell, None for a field no column was chosen for."""
    raw = {name: str(cells[position]).strip() if position is not None else ""
           for name, position in positions.items()}
    iin = "".join(raw.get("iin", "").split())
    if len(iin) == 11 and iin.isdigit():
        iin = "0" + iin  # Excel dropped the leading zero of an IIN stored as a number
    raw["iin"] = iin
    raw["birth_date"] = _quick_date(raw.get("birth_date", ""))
    raw["languages"], raw["other_language"] = parse_languages(raw.get("languages", ""))
    raw["experience"] = match_words(raw.get("experience"), _EXPERIENCE_WORDS, "none")
    raw["availability"] = match_words(raw.get("availability"), _AVAILABILITY_WORDS, "unsure")
    channel = raw.get("channel", "")
    raw["channel"] = (channel.casefold() if channel.casefold() in CHANNELS
                      else match_words(channel, _CHANNEL_WORDS, "other" if channel else "import"))
    return raw


def check_form_columns(raw: dict, clean: dict, problems: dict, consent_column: bool) -> None:
    """The columns a Google Form adds: its timestamp (the application date) and consent."""
    stamp = raw.get("applied_at", "")
    try:
        clean["applied_at"] = parse_timestamp(stamp)
    except ValueError:
        problems["applied_at"] = _("“%(value)s” is not a date and time.", value=stamp[:40])
    if consent_column:
        answer = raw.get("consent", "")
        given = parse_consent(answer)
        if given is None:
            problems["consent"] = _("“%(value)s” is not an answer about consent: write Да, Иә "
                                    "or Yes, or Нет, Жоқ or No.", value=answer[:40])
        elif not given:
            problems["consent"] = _("No consent to the processing of personal data: the row "
                                    "cannot be imported.")

