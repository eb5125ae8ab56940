"""The draft narrative in English, Russian and Kazakh, with each language's plural forms.

The project's catalogs are filled in by one person at the end, so this test compiles a small
catalog of its own (the translations a translator would give for the narrative's msgids) and
puts it in front of Flask-Babel: what is tested is that every number goes through ngettext with
the number its noun agrees with, under force_locale of the briefing's language."""

import copy

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from observe.briefings.figures import briefing_figures
from observe.briefings.narrative import draft_narrative
from observe.briefings.queries import Scope
from tests.briefings.conftest import local

STATIONS = ("As of %(time)s, observers were present at %(present)d of %(num)d polling station "
            "%(where)s", "As of %(time)s, observers were present at %(present)d of %(num)d "
            "polling stations %(where)s")
INCIDENTS = ("%(num)d incident was reported", "%(num)d incidents were reported")
REPORTS = ("%(category)s (%(num)d report)", "%(category)s (%(num)d reports)")

TRANSLATIONS = {
    "ru": {
        STATIONS: ("На %(time)s наблюдатели присутствовали на %(present)d из %(num)d "
                   "избирательного участка %(where)s",
                   "На %(time)s наблюдатели присутствовали на %(present)d из %(num)d "
                   "избирательных участков %(where)s",
                   "На %(time)s наблюдатели присутствовали на %(present)d из %(num)d "
                   "избирательных участков %(where)s"),
        INCIDENTS: ("поступило %(num)d сообщение о нарушении",
                    "поступило %(num)d сообщения о нарушениях",
                    "поступило %(num)d сообщений о нарушениях"),
        REPORTS: ("%(category)s (%(num)d сообщение)", "%(category)s (%(num)d сообщения)",
                  "%(category)s (%(num)d сообщений)"),
        "across the country": "по всей стране",
        "Ballot stuffing": "Вброс бюллетеней",
    },
    "kk": {
        STATIONS: ("%(time)s жағдай бойынша байқаушылар %(num)d сайлау учаскесінің "
                   "%(present)d учаскесінде болды %(where)s",
                   "%(time)s жағдай бойынша байқаушылар %(num)d сайлау учаскесінің "
                   "%(present)d учаскесінде болды %(where)s"),
        INCIDENTS: ("%(num)d бұзушылық туралы хабарланды",
                    "%(num)d бұзушылық туралы хабарланды"),
        "across the country": "бүкіл ел бойынша",
    },
}


@pytest.fixture
def catalogs(app, tmp_path, monkeypatch):
    """The narrative's msgids translated into ru and kk, merged over the project's catalogs."""
    for language, messages in TRANSLATIONS.items():
        catalog = Catalog(locale=language)
        for msgid, text in messages.items():
            catalog.add(msgid, text)
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with open(folder / "messages.mo", "wb") as handle:
            write_mo(handle, catalog)
    config = app.extensions["babel"]
    monkeypatch.setattr(config, "translation_directories",
                        [*config.translation_directories, str(tmp_path)])
    monkeypatch.setattr(config.instance.domain_instance, "cache", {})


@pytest.fixture
def figures(briefing_day):
    return briefing_figures(Scope(briefing_day.election.id, cutoff=local(14)),
                            briefing_day.election)


def with_counts(figures, stations, incidents):
    changed = copy.deepcopy(figures)
    changed["coverage"]["stations"] = stations
    changed["incidents"]["totals"]["total"] = incidents
    return changed


def test_english(figures):
    text = draft_narrative(figures, "en")
    assert text.startswith("As of 14:00, observers were present at 2 of 5 polling stations "
                           "across the country (1 region). 2 of 3 assigned observers had "
                           "checked in. 4 incidents were reported; 2 of them verified, "
                           "1 rejected. The most frequent were: Ballot stuffing (3 reports), "
                           "Vote buying (1 report).")
    assert "By 12:00, 30.0% of registered voters had received ballots at the 1 station" in text
    assert "2 protocol copies were received; 1 of them does not add up." in text
    assert "The most serious verified incident: Ballot stuffing at station K1" in text
    one = draft_narrative(with_counts(figures, 1, 1), "en")
    assert "of 1 polling station across" in one and "1 incident was reported" in one


@pytest.mark.parametrize("stations, incidents, station_word, incident_words", [
    (1, 1, "избирательного участка", "поступило 1 сообщение о нарушении"),
    (3, 4, "избирательных участков", "поступило 4 сообщения о нарушениях"),
    (5, 5, "избирательных участков", "поступило 5 сообщений о нарушениях"),
    (21, 21, "избирательного участка", "поступило 21 сообщение о нарушении"),
    (11, 12, "избирательных участков", "поступило 12 сообщений о нарушениях"),
])
def test_russian_plural_forms(catalogs, figures, stations, incidents, station_word,
                              incident_words):
    text = draft_narrative(with_counts(figures, stations, incidents), "ru")
    assert f"из {stations} {station_word} по всей стране" in text
    assert incident_words in text
    assert "Вброс бюллетеней (3 сообщения)" in text


def test_kazakh(catalogs, figures):
    text = draft_narrative(figures, "kk")
    assert text.startswith("14:00 жағдай бойынша байқаушылар 5 сайлау учаскесінің 2 "
                           "учаскесінде болды бүкіл ел бойынша")
    assert "4 бұзушылық туралы хабарланды" in text
    assert "1 бұзушылық туралы хабарланды" in draft_narrative(with_counts(figures, 5, 1), "kk")


def test_the_language_is_the_briefings_not_the_requests(catalogs, figures):
    from flask_babel import force_locale

    with force_locale("kk"):
        assert draft_narrative(figures, "ru").startswith("На 14:00")
