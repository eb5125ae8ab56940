"""The translation catalogs: in step with the sources, complete, not fuzzy, placeholders kept.

The catalog checks need no app or database, so they run once. After adding or changing a
user-facing string, run `make messages`, translate the new entries in ru, kk and en, then
`make translations` (pybabel compile).
"""

import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "observe" / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
LOCALES = ("ru", "kk", "en")
# The same keywords as `make messages` (on top of Babel's defaults: _, gettext, ngettext, ...).
EXTRA_KEYWORDS = ("_l", "lazy_gettext", "lazy_pgettext:1c,2")
HOW_TO_FIX = "run `make messages` and translate the new entries in ru, kk and en"

# A %-format conversion: %s, %d, %(name)s, %(n)d, %.1f ... ("%%" is a literal percent sign).
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")


def placeholders(text: str) -> Counter:
    return Counter(p for p in PLACEHOLDER.findall(text) if p != "%%")


def read_catalog(path: Path, locale: str | None = None):
    with path.open("rb") as file:
        return read_po(file, locale=locale)


def msgid_label(message) -> str:
    msgid = message.id[0] if isinstance(message.id, tuple | list) else message.id
    return repr(msgid if len(msgid) <= 80 else msgid[:77] + "...")


def keyed(catalog) -> dict:
    """The catalog's messages (header left out), keyed by (context, msgid)."""
    return {(message.context, message.id): message for message in catalog if message.id}


@pytest.fixture(scope="module")
def template():
    return keyed(read_catalog(TEMPLATE))


@pytest.fixture(scope="module", params=LOCALES)
def catalog(request):
    path = TRANSLATIONS / request.param / "LC_MESSAGES" / "messages.po"
    assert path.exists(), f"{path.relative_to(ROOT)} is missing"
    return read_catalog(path, request.param)


def test_template_matches_the_sources(tmp_path):
    """Every _()/gettext/_l string in observe/ and templates/ is in messages.pot, and no other."""
    output = tmp_path / "messages.pot"
    CommandLineInterface().run([
        "pybabel", "--quiet", "extract",
        "-F", str(ROOT / "babel.cfg"),
        *(arg for keyword in EXTRA_KEYWORDS for arg in ("-k", keyword)),
        "--no-location", "--sort-output",
        # Babel skips directories starting with "_" by default; templates/_macros must be read.
        "--ignore-dirs", ".* __pycache__ node_modules",
        "-o", str(output), str(ROOT),
    ])
    extracted = set(keyed(read_catalog(output)))
    in_template = set(keyed(read_catalog(TEMPLATE)))
    missing = sorted(extracted - in_template, key=str)
    stale = sorted(in_template - extracted, key=str)
    assert not missing, (
        f"messages.pot lacks {len(missing)} string(s) found in the sources ({HOW_TO_FIX}): "
        + "; ".join(repr(msgid) for _, msgid in missing[:20]))
    assert not stale, (
        f"messages.pot has {len(stale)} string(s) no longer in the sources ({HOW_TO_FIX}): "
        + "; ".join(repr(msgid) for _, msgid in stale[:20]))


def test_catalog_has_every_template_message(catalog, template):
    present = keyed(catalog)
    missing = [msgid_label(message) for key, message in template.items() if key not in present]
    assert not missing, (
        f"{catalog.locale}: {len(missing)} message(s) of messages.pot are missing ({HOW_TO_FIX}): "
        + "; ".join(missing[:20]))


def test_catalog_is_translated(catalog, template):
    assert not catalog.fuzzy, f"{catalog.locale}: the catalog header is marked fuzzy"
    present = keyed(catalog)
    problems = []
    for key in template:
        message = present.get(key)
        if message is None:
            continue  # reported by test_catalog_has_every_template_message
        if message.fuzzy:
            problems.append(f"fuzzy: {msgid_label(message)}")
        forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.pluralizable and len(forms) != catalog.num_plurals:
            problems.append(f"{len(forms)} of {catalog.num_plurals} plural forms: "
                            f"{msgid_label(message)}")
        if not all(form and form.strip() for form in forms):
            problems.append(f"untranslated: {msgid_label(message)}")
    assert not problems, (
        f"{catalog.locale}: {len(problems)} problem(s); translate them and remove the fuzzy "
        f"flags:\n" + "\n".join(problems[:40]))


def test_catalog_keeps_placeholders(catalog, template):
    present = keyed(catalog)
    problems = []
    for key in template:
        message = present.get(key)
        if message is None or not message.string:
            continue
        if message.pluralizable:
            expected = placeholders(message.id[0]) | placeholders(message.id[1])
            forms = [form for form in message.string if form]
            # Any form may leave out a placeholder (e.g. "one" without the number), none may
            # add or alter one, and the most general form keeps them all.
            wrong = [form for form in forms if not set(placeholders(form)) <= set(expected)]
            if wrong or (forms and set(placeholders(forms[-1])) != set(expected)):
                problems.append(f"{msgid_label(message)}: expected {sorted(expected)} in "
                                f"{[sorted(placeholders(form)) for form in forms]}")
        else:
            expected, found = placeholders(message.id), placeholders(message.string)
            if set(expected) != set(found):
                problems.append(f"{msgid_label(message)}: expected {sorted(expected)}, "
                                f"found {sorted(found)}")
    assert not problems, (
        f"{catalog.locale}: placeholders differ from the msgid:\n" + "\n".join(problems[:40]))


def test_compiled_catalogs_are_current():
    """The app reads the .mo files; they must be compiled from the current .po files."""
    for locale in LOCALES:
        po = TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"
        mo = po.with_suffix(".mo")
        assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime, (
            f"{mo.relative_to(ROOT)} is missing or older than the .po file: run "
            "`make translations` (pybabel compile -d observe/translations)")


def test_sign_in_page_in_each_language(client):
    titles = {"kk": "Кіру", "ru": "Войти", "en": "Sign in"}

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, url
        return response.get_data(as_text=True)

    # A first visit without a choice gets Russian, the default.
    page = get("/login")
    assert '<html lang="ru">' in page
    assert re.search(r"<title>\s*Войти\b", page), page[:500]
    for lang, title in titles.items():
        page = get(f"/login?lang={lang}")
        assert f'<html lang="{lang}">' in page
        head = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
        assert title in head, f"?lang={lang}: title {head!r}"
        assert f">{title}</h1>" in page
        others = [other for other in titles.values() if other != title]
        assert not any(other in head for other in others), head
    # The last choice is kept in the session for the next page.
    assert '<html lang="en">' in get("/login")
