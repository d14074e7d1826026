"""The translation layer: every learner- or mediator-facing string goes through `t()`.

Catalogues are JSON files under locales/<lang>/<domain>.json, one per part of the kit so
that each module owns its words; keys are "<domain>.<name>". French is the reference
catalogue: a key missing from another language falls back to French, and a key missing
everywhere is returned as is (visible in review, never a crash in front of a learner).
"""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path

LOCALES_DIR = Path(__file__).parent / "locales"
DEFAULT_LOCALE = "fr"
SUPPORTED_LOCALES = ("fr", "en")


def current_locale() -> str:
    """The locale asked for by TREMPLIN_LANG, French unless another supported one is set."""
    lang = os.environ.get("TREMPLIN_LANG", DEFAULT_LOCALE).split("_")[0].lower()
    return lang if lang in SUPPORTED_LOCALES else DEFAULT_LOCALE


def supported_locale(value: object) -> str | None:
    """`value` as one of our locales ("en", " EN "), or None for anything else (`xx`, `<script>`)."""
    if not isinstance(value, str):
        return None
    lang = value.strip().lower()
    return lang if lang in SUPPORTED_LOCALES else None


def use_locale(value: object) -> str:
    """Make `value` this process's locale (a kiosk kernel serves one page, so one learner).

    Kept in TREMPLIN_LANG so that `t()`'s signature stays as it is and the subprocesses a page
    starts speak the same language; an unsupported value means French. Returns the locale set.
    """
    lang = supported_locale(value) or DEFAULT_LOCALE
    os.environ["TREMPLIN_LANG"] = lang
    return lang


@cache
def catalogue(locale: str) -> dict[str, str]:
    """All keys of one language, merged from its domain files."""
    merged: dict[str, str] = {}
    folder = LOCALES_DIR / locale
    for path in sorted(folder.glob("*.json")):
        domain = path.stem
        entries = json.loads(path.read_text(encoding="utf-8"))
        for name, text in entries.items():
            merged[f"{domain}.{name}"] = text
    return merged


def t(key: str, locale: str | None = None, /, **values: object) -> str:
    """Translate `key`, then fill its `{placeholders}` from `values`."""
    lang = locale or current_locale()
    text = catalogue(lang).get(key) or catalogue(DEFAULT_LOCALE).get(key) or key
    if not values:
        return text
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):
        return text


def number(value: float, locale: str | None = None) -> str:
    """A number as the reader writes it: at most two decimals, a decimal comma in French."""
    text = f"{round(float(value), 2):g}"
    return text.replace(".", ",") if (locale or current_locale()) == "fr" else text
