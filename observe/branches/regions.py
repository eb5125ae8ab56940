"""Kazakhstan's regions: 17 oblasts and the 3 cities of republican significance."""

from flask_babel import lazy_gettext as _l

REGIONS = {
    "abai": _l("Abai Region"),
    "akmola": _l("Akmola Region"),
    "aktobe": _l("Aktobe Region"),
    "almaty_region": _l("Almaty Region"),
    "atyrau": _l("Atyrau Region"),
    "east_kazakhstan": _l("East Kazakhstan Region"),
    "zhambyl": _l("Zhambyl Region"),
    "zhetysu": _l("Zhetysu Region"),
    "west_kazakhstan": _l("West Kazakhstan Region"),
    "karaganda": _l("Karaganda Region"),
    "kostanay": _l("Kostanay Region"),
    "kyzylorda": _l("Kyzylorda Region"),
    "mangystau": _l("Mangystau Region"),
    "pavlodar": _l("Pavlodar Region"),
    "north_kazakhstan": _l("North Kazakhstan Region"),
    "turkistan": _l("Turkistan Region"),
    "ulytau": _l("Ulytau Region"),
    "astana": _l("Astana (city)"),
    "almaty": _l("Almaty (city)"),
    "shymkent": _l("Shymkent (city)"),
}

CITIES_OF_REPUBLICAN_SIGNIFICANCE = ("astana", "almaty", "shymkent")


def region_name(code: str) -> str:
    """The region's name in the current language (the code itself if unknown)."""
    return str(REGIONS.get(code, code))


def region_choices() -> list[tuple[str, str]]:
    """(code, name) pairs for a select field, oblasts first, then the three cities."""
    return [(code, str(name)) for code, name in REGIONS.items()]
