"""Every learner-facing word exists in English: the widget catalogues and the kiosk template's."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import jinja2
import pytest
from tremplin.widgets.i18n import LOCALES_DIR, current_locale, supported_locale, t, use_locale

from tremplin import NOTEBOOKS_DIR

TEMPLATE_DIR = Path(NOTEBOOKS_DIR) / "voila" / "templates" / "tremplin"
#: Placeholders only French grammar needs (« qu' » or « que » before the pseudonym): English drops them.
FRENCH_ONLY_PLACEHOLDERS = {"attestation.pdf_intro": {"that"}}


def placeholders(text: str) -> set[str]:
    return {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def domains() -> list[str]:
    return sorted(path.stem for path in (LOCALES_DIR / "fr").glob("*.json"))


@pytest.mark.parametrize("domain", domains())
def test_every_french_key_has_an_english_entry_with_the_same_placeholders(domain: str) -> None:
    french = json.loads((LOCALES_DIR / "fr" / f"{domain}.json").read_text(encoding="utf-8"))
    english = json.loads((LOCALES_DIR / "en" / f"{domain}.json").read_text(encoding="utf-8"))
    missing = [key for key in french if not str(english.get(key, "")).strip()]
    assert missing == [], f"{domain}.json: no English for {missing}"
    assert set(english) <= set(french), f"{domain}.json: English keys unknown in French"
    for key, text in french.items():
        expected = placeholders(text) - FRENCH_ONLY_PLACEHOLDERS.get(f"{domain}.{key}", set())
        assert placeholders(english[key]) == expected, f"{domain}.{key}"


def template_strings() -> dict[str, dict[str, str]]:
    """strings.j2's table, as Jinja reads it for the pages."""
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True)
    return environment.get_template("strings.j2").module.strings


def test_the_template_words_exist_in_both_languages_as_plain_text() -> None:
    table = template_strings()
    assert set(table) == {"fr", "en"}
    assert table["fr"].keys() == table["en"].keys()
    for lang, words in table.items():
        for key, text in words.items():
            assert text.strip() and not re.search(r"[<>&]", text), (lang, key)
    assert (table["fr"]["switch"], table["fr"]["switch_lang"]) == ("English", "en")
    assert (table["en"]["switch"], table["en"]["switch_lang"]) == ("Français", "fr")
    # The table in strings.j2 is plain JSON (tremplin.js reads it as such, keep it reviewable).
    source = (TEMPLATE_DIR / "strings.j2").read_text(encoding="utf-8")
    body = re.search(r"\{%- set strings = (\{.*?\}) -%\}", source, re.S).group(1)
    assert json.loads(body) == table


def test_every_french_sentence_of_the_template_comes_from_the_table() -> None:
    """The pages say nothing in French outside strings.j2: each element marked for swapping says a key."""
    table = template_strings()
    files = ["index.html.j2", "tremplin.macro.html.j2", "page.html", "error.html", "404.html", "tree.html"]
    for name in files:
        source = (TEMPLATE_DIR / name).read_text(encoding="utf-8")
        without_comments = re.sub(r"\{#.*?#\}", "", source, flags=re.S)
        for key in re.findall(r'(?:say|say_text|text)\("(\w+)"', without_comments):
            assert key in table["fr"], (name, key)
        text = re.sub(r"<script.*?</script>|\{[{%].*?[%}]\}|<[^>]+>", " ", without_comments, flags=re.S)
        text = re.sub(r"\b[a-z]+(?:_[a-z]+)+\b", " ", text)  # the keys of the table (title_key blocks)
        french = [word for word in re.findall(r"[A-Za-zÀ-ÿ']{4,}", text) if word not in {"Tremplin"}]
        assert french == [], (name, french)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("en", "en"), (" EN ", "en"), ("fr", "fr"), ("xx", None), ("<script>", None), (3, None)],
)
def test_only_our_languages_are_accepted(value: object, expected: str | None) -> None:
    assert supported_locale(value) == expected


def test_use_locale_sets_the_process_language_and_falls_back_to_french(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TREMPLIN_LANG", "fr")
    assert use_locale("en") == "en" and current_locale() == "en"
    assert t("kiosk.back_home") == "Back to the home page"
    assert use_locale("<script>") == "fr" and current_locale() == "fr"
    assert t("kiosk.back_home") == "Revenir à l'accueil"
