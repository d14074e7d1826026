"""The CV and letter model (clean text, lenient loading, atomic saves) and the shared layout."""

from __future__ import annotations

import json
from datetime import date

from tremplin.widgets.documents.layout import cv_blocks, letter_blocks, printable, unprintable
from tremplin.widgets.documents.model import (
    CV,
    LETTER_HINTS,
    Contact,
    Entry,
    clean_text,
    cv_from_json,
    cv_to_json,
    letter_for_offer,
    letter_from_json,
    letter_to_json,
    load_cv,
    load_letter,
    save_json_atomic,
)
from tremplin.widgets.i18n import LOCALES_DIR, t


def test_clean_text_normalises_strips_controls_and_bounds_length():
    assert clean_text("  Ze\u0301lie\x07 \u202eok\x00  ", 50) == "Zélie ok"
    assert clean_text("ligne 1\r\nligne 2\n\n\n\nfin", 100) == "ligne 1\nligne 2\n\nfin"
    assert clean_text("ligne 1\nligne\t2", 100, multiline=False) == "ligne 1 ligne 2"
    assert clean_text("x" * 500, 10) == "x" * 10
    assert clean_text("<b>gras</b> &amp;", 50) == "<b>gras</b> &amp;"
    assert clean_text(None, 10) == clean_text(42.5, 10) == clean_text(["a"], 10) == ""


def _filled_cv() -> CV:
    return cv_from_json({
        "contact": {"full_name": "Alice Martin", "headline": "Cariste", "email": "a.martin@exemple.fr"},
        "summary": "Sérieuse <script>x</script>",
        "experience": [{"title": "Cariste", "organisation": "Le Gac", "place": "Janzé", "start": "2021",
                        "details": "Charger\n- Décharger"}],
        "skills": ["Conduite"], "template": "moderne",
    })


def test_cv_round_trips_through_an_atomic_json_file(tmp_path):
    cv = _filled_cv()
    path = tmp_path / "editor" / "cv.json"
    save_json_atomic(path, cv_to_json(cv))
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == 1
    assert load_cv(path) == (cv, [])
    assert cv.summary == "Sérieuse <script>x</script>" and cv.template == "moderne"
    save_json_atomic(path, cv_to_json(CV()))
    assert load_cv(path)[0] == CV()
    assert [p.name for p in path.parent.iterdir()] == ["cv.json"]


def test_a_damaged_cv_file_opens_what_it_can_and_says_so(tmp_path):
    path = tmp_path / "cv.json"
    path.write_text("{not json", encoding="utf-8")
    cv, warnings = load_cv(path)
    assert cv == CV() and len(warnings) == 1 and "abîmé" in warnings[0]
    path.write_text(json.dumps({
        "contact": {"full_name": "Alice", "email": ["x"], "unknown": 1}, "experience": "oops",
        "training": [{"title": "CAP"}, 7], "skills": ["A", 3, "B\x07"], "template": "baroque", "extra": {},
    }), encoding="utf-8")
    cv, warnings = load_cv(path)
    assert cv.contact == Contact(full_name="Alice")
    assert cv.experience == [] and cv.training == [Entry(title="CAP"), Entry()]
    assert cv.skills == ["A", "B"] and cv.template == "classique"
    assert len(warnings) == 3 and all("n'a pas pu être lue" in w for w in warnings)
    assert "« Adresse électronique »" in warnings[0] and "« Expérience professionnelle »" in warnings[1]
    assert load_cv(tmp_path / "absent.json") == (CV(), [])
    path.write_text("[1, 2]", encoding="utf-8")
    assert load_cv(path)[0] == CV() and load_cv(path)[1]


def test_letter_for_offer_fills_the_frame_and_leaves_the_paragraphs_to_the_learner(tmp_path):
    offer = {"id": "OF-000001", "reference": "TRP-000001", "title": "Cariste (H/F)",
             "employer_name": "Transports Le Goff", "commune": "Brest", "postcode": "29200"}
    sender = Contact(full_name="Alice Martin", email="a.martin@exemple.fr", town="Rennes")
    employer = {"name": "Transports Le Goff", "address": {"street": "12 avenue du Port", "postcode": "29200",
                                                          "commune": "Brest"}}
    letter = letter_for_offer(offer, sender, employer, today=date(2026, 12, 1))
    assert (letter.offer_id, letter.recipient, letter.job_title) == ("OF-000001", "Transports Le Goff",
                                                                      "Cariste (H/F)")
    assert letter.recipient_address == "12 avenue du Port\n29200 Brest"
    assert letter.subject == "Objet : candidature au poste de Cariste (H/F) (réf. TRP-000001)"
    assert letter.date == "1er décembre 2026" and letter.greeting == "Madame, Monsieur,"
    assert letter.closing and letter.you == letter.me == letter.us == ""
    assert letter_for_offer(offer, sender).recipient_address == "29200 Brest"
    path = tmp_path / "letters" / "OF-000001.json"
    save_json_atomic(path, letter_to_json(letter))
    assert load_letter(path) == (letter, [])
    assert letter_from_json({"you": 3, "template": "moderne"}).template == "moderne"


def test_catalogues_match_and_hold_the_hints():
    keys = [set(json.loads((LOCALES_DIR / lang / "documents.json").read_text(encoding="utf-8")))
            for lang in ("fr", "en")]
    assert keys[0] == keys[1]
    for key in LETTER_HINTS.values():
        assert t(key, "fr") != key and t(key, "en") != t(key, "fr")


def test_cv_blocks_leave_out_empty_sections_and_unfilled_optional_fields():
    blocks = cv_blocks(_filled_cv())
    assert [b.kind for b in blocks] == ["name", "headline", "contact", "paragraph", "heading", "entry",
                                        "bullet", "bullet", "heading", "bullet"]
    assert [b.text for b in blocks if b.kind == "heading"] == ["Expérience professionnelle", "Compétences"]
    entry = next(b for b in blocks if b.kind == "entry")
    assert (entry.text, entry.detail) == ("Cariste — Le Gac, Janzé", "2021 – aujourd'hui")
    assert [b.text for b in blocks if b.kind == "bullet"][:2] == ["Charger", "Décharger"]
    assert not any("naissance" in b.text or "Permis" in b.text for b in blocks)
    cv = _filled_cv()
    cv.contact.birth_date, cv.contact.driving_licence = "01/02/1990", "Permis B"
    cv.training, cv.interests = [Entry(organisation="AFPA", start="2024")], ["Vélo", "Cuisine"]
    texts = [(b.kind, b.text, b.detail) for b in cv_blocks(cv)]
    assert ("contact", "Permis B · Date de naissance : 01/02/1990", "") in texts
    assert ("entry", "AFPA", "2024 – en cours") in texts
    assert texts[-2:] == [("heading", "Centres d'intérêt", ""), ("paragraph", "Vélo, Cuisine", "")]
    assert cv_blocks(CV()) == []


def test_letter_blocks_follow_the_letter_structure():
    letter = letter_from_json({"sender_name": "Alice", "recipient": "Le Goff", "recipient_address": "Brest",
                               "place": "Rennes", "date": "2 mars 2027", "subject": "Objet : cariste",
                               "you": "Vous.", "me": "Moi.", "us": "Nous.", "closing": "Salutations.",
                               "signature": "Alice"})
    blocks = letter_blocks(letter)
    assert [(b.kind, b.text) for b in blocks] == [
        ("address", "Alice"), ("address", "Le Goff\nBrest"), ("date", "Rennes, le 2 mars 2027"),
        ("subject", "Objet : cariste"), ("paragraph", "Madame, Monsieur,"), ("paragraph", "Vous."),
        ("paragraph", "Moi."), ("paragraph", "Nous."), ("paragraph", "Salutations."), ("signature", "Alice")]
    assert blocks[1].detail == "to"


def test_printable_keeps_french_typography_and_drops_what_pdf_fonts_cannot_draw():
    assert printable("12\u202f€ « œuvre » l’été — ok") == "12\u00a0€ « œuvre » l’été — ok"
    assert printable("A\u2011B \u2192 C 🙂") == "A-B -> C "
    assert printable("ﬁn Wałęsa Ōsaka Ǆ") == "fin Walesa Osaka DŽ"
    assert unprintable("Зоя 🙂 é") == {"З", "о", "я", "🙂"}
