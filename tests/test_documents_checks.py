"""The CV (D1), letter (D2) and format (D3) checks on real exported files: each passes on a good
document and fails, with feedback that says what to do, on the usual mistakes."""

from __future__ import annotations

import dataclasses

from test_documents_checks_kit import Learner, docx_bytes, good_cv, good_letter, pdf_bytes
from tremplin.grading.check_model import REGISTRY
from tremplin.grading.documents_scenario import CV_EPREUVE, FORMAT_LESSON, LETTER_EPREUVE, LETTER_LESSON
from tremplin.widgets.documents.model import Entry
from tremplin.widgets.workspace import Workspace

FORMAT_CHECKS = ("d3-pdf-a-envoyer", "d3-docx-modifiable", "d3-meme-texte")
CV_CHECKS = ("d1-rubriques-essentielles", "d1-coordonnees", "d1-ordre-antichronologique",
             "d1-une-a-deux-pages", "d1-orthographe", "d1-cv-adapte-offre", *FORMAT_CHECKS,
             "s1-cv-sans-numero-sensible", "s1-metadonnees-propres", "s1-pas-de-donnees-discriminantes",
             "s1-champs-facultatifs-choisis")
LETTER_CHECKS = ("d2-entreprise-et-poste", "d2-blocs-de-la-lettre", "d2-redigee-par-vous",
                 "d2-mots-cles-offre", "d2-orthographe", "d2-seconde-lettre", *FORMAT_CHECKS,
                 "d3-seconde-lettre-formats")


def test_each_epreuve_has_its_checks_with_levels_and_points() -> None:
    for epreuve, expected in ((CV_EPREUVE, CV_CHECKS), (LETTER_EPREUVE, LETTER_CHECKS)):
        specs = {spec.id: spec for spec in REGISTRY.for_epreuve(epreuve)}
        assert set(expected) <= set(specs), epreuve
        for competence in {c for spec in specs.values() for c in spec.competences}:
            levels = {spec.level for spec in specs.values() if competence in spec.competences}
            assert "N1" in levels, (epreuve, competence)
    assert REGISTRY.get("d2-redigee-par-vous").critical
    assert REGISTRY.get("s1-cv-sans-numero-sensible").critical


# -- D1 ---------------------------------------------------------------------------------------------------


def test_a_good_cv_passes_every_cv_check(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, CV_EPREUVE)
    learner.both("cv", good_cv(learner.scenario))
    for check_id in CV_CHECKS:
        result = learner.check(check_id)
        assert result.passed, (check_id, result.feedback)
        assert result.points == result.max_points


def test_nothing_made_fails_every_cv_check_saying_to_export(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, CV_EPREUVE)
    for check_id in CV_CHECKS:
        result = learner.check(check_id)
        assert not result.passed and result.points == 0, check_id
    assert "Exporter en PDF" in learner.check("d1-rubriques-essentielles").feedback


def test_a_cv_without_training_misses_its_section(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, CV_EPREUVE)
    learner.both("cv", dataclasses.replace(good_cv(learner.scenario), training=[]))
    result = learner.check("d1-rubriques-essentielles")
    assert not result.passed and 0 < result.points < result.max_points
    assert "« Formation »" in result.feedback and "Ajoutez-la" in result.feedback


def test_a_cv_in_chronological_order_is_told_to_put_the_newest_first(learner_workspace, world) -> None:
    learner = Learner(learner_workspace, world, CV_EPREUVE)
    cv = good_cv(learner.scenario)
    learner.both("cv", dataclasses.replace(cv, experience=list(reversed(cv.experience))))
    result = learner.check("d1-ordre-antichronologique")
    assert not result.passed
    assert "« Expérience professionnelle »" in result.feedback and "03/2018 – 12/2020" in result.feedback
    assert "plus récent en premier" in result.feedback


def test_a_three_page_cv_is_too_long(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, CV_EPREUVE)
    cv = good_cv(learner.scenario)
    long_entries = [Entry(f"Emploi {n}", "Entreprise", "Rennes", str(2020 - n), str(2021 - n),
                          "\n".join(f"Tâche numéro {k} de cet emploi" for k in range(8))) for n in range(12)]
    learner.both("cv", dataclasses.replace(cv, experience=long_entries))
    result = learner.check("d1-une-a-deux-pages")
    assert not result.passed and "pages" in result.feedback and "2 pages au plus" in result.feedback
    assert learner.check("d1-ordre-antichronologique").passed


def test_a_cv_without_phone_and_with_spelling_mistakes(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, CV_EPREUVE)
    cv = good_cv(learner.scenario, phone="")
    cv.summary = "Je suis tres motivee, serieuse et ponctuele, avec beaucoup d'experiance."
    learner.both("cv", cv)
    phone = learner.check("d1-coordonnees")
    assert not phone.passed and phone.points == 0.5 and "téléphone" in phone.feedback
    spelling = learner.check("d1-orthographe")
    assert not spelling.passed and not REGISTRY.get("d1-orthographe").critical
    assert "« tres »" in spelling.feedback and "« motivee »" in spelling.feedback


def test_a_cv_not_aimed_at_the_offer_fails_the_variant(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, CV_EPREUVE)
    cv = good_cv(learner.scenario, headline="Disponible tout de suite")
    cv.skills = ["Travail en équipe", "Ponctualité"]
    learner.both("cv", cv)
    result = learner.check("d1-cv-adapte-offre")
    assert not result.passed and learner.scenario.offer.job in result.feedback


# -- D2 ---------------------------------------------------------------------------------------------------


def test_a_tailored_letter_passes_and_the_second_one_too(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, LETTER_EPREUVE)
    learner.both("letter", good_letter(learner.scenario))
    learner.both("letter", good_letter(learner.scenario, second=True))
    for check_id in LETTER_CHECKS:
        result = learner.check(check_id)
        assert result.passed, (check_id, result.feedback)


def test_the_template_left_unchanged_fails(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, LETTER_LESSON)
    template = good_letter(learner.scenario)
    template.you = template.me = template.us = ""
    learner.both("letter", template)
    written = learner.check("d2-redigee-par-vous")
    assert not written.passed and written.critical and "encore le modèle" in written.feedback
    blocks = learner.check("d2-blocs-de-la-lettre")
    assert not blocks.passed and "trois paragraphes" in blocks.feedback
    assert learner.check("d2-entreprise-et-poste").passed


def test_the_hints_copied_into_the_letter_fail(learner_workspace: Workspace, world) -> None:
    from tremplin.widgets.i18n import t

    learner = Learner(learner_workspace, world, LETTER_LESSON)
    letter = good_letter(learner.scenario)
    letter.you, letter.me, letter.us = (t(f"documents.hint_{part}", "fr") for part in ("you", "me", "us"))
    learner.both("letter", letter)
    result = learner.check("d2-redigee-par-vous")
    assert not result.passed and "indication du modèle" in result.feedback


def test_a_letter_for_another_company_fails(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, LETTER_EPREUVE)
    wrong = good_letter(learner.scenario, second=True)
    learner.both("letter", wrong)
    result = learner.check("d2-entreprise-et-poste")
    assert not result.passed and result.critical and result.points == 0
    assert learner.scenario.second_offer.employer in result.feedback
    assert learner.scenario.offer.employer in result.feedback
    assert "Choisissez la bonne offre" in result.feedback


def test_a_letter_without_the_offers_key_words(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, LETTER_EPREUVE)
    letter = good_letter(learner.scenario)
    letter.me = ("Depuis trois ans, je travaille avec sérieux. Je suis ponctuelle, rigoureuse et organisée, "
                 "et j'apprends vite les habitudes d'une nouvelle équipe.")
    learner.both("letter", letter)
    result = learner.check("d2-mots-cles-offre")
    assert not result.passed and learner.scenario.offer.keywords[0] in result.feedback


def test_a_second_letter_copied_from_the_first_fails_the_variant(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, LETTER_EPREUVE)
    learner.both("letter", good_letter(learner.scenario))
    first, second = good_letter(learner.scenario), good_letter(learner.scenario, second=True)
    offer = learner.scenario.second_offer
    second.you = first.you.replace(learner.scenario.offer.title, offer.title).replace(
        learner.scenario.offer.employer, offer.employer).replace(learner.scenario.offer.town, offer.town)
    second.me, second.us = first.me, first.us
    learner.both("letter", second)
    result = learner.check("d2-seconde-lettre")
    assert not result.passed and "presque mot pour mot" in result.feedback


# -- D3 ---------------------------------------------------------------------------------------------------


def test_a_pdf_without_its_docx(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, FORMAT_LESSON)
    name = learner.export("cv", good_cv(learner.scenario), "pdf")
    assert learner.check("d3-pdf-a-envoyer").passed
    result = learner.check("d3-docx-modifiable")
    assert not result.passed and name in result.feedback and "DOCX" in result.feedback
    assert not learner.check("d3-meme-texte").passed


def test_a_docx_alone_asks_for_the_pdf(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, FORMAT_LESSON)
    learner.export("cv", good_cv(learner.scenario), "docx")
    result = learner.check("d3-pdf-a-envoyer")
    assert not result.passed and "PDF" in result.feedback and "Word (DOCX)" in result.feedback
    assert learner.check("d3-docx-modifiable").passed


def test_pdf_and_docx_saying_different_things(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, FORMAT_LESSON)
    cv = good_cv(learner.scenario)
    learner.export("cv", cv, "pdf", name="MARTIN_Camille_CV.pdf")
    cv.skills = [*cv.skills, "Permis B"]
    learner.export("cv", cv, "docx", name="MARTIN_Camille_CV.docx")
    result = learner.check("d3-meme-texte")
    assert not result.passed and "pas à jour" in result.feedback


def test_a_damaged_or_scanned_pdf_is_not_a_pdf_to_send(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, FORMAT_LESSON)
    learner.write("MARTIN_Camille_CV.pdf", b"%PDF-1.4\n" + b"\x00" * 200)
    result = learner.check("d3-pdf-a-envoyer")
    assert not result.passed and "ne s'ouvre pas" in result.feedback
    learner.write("MARTIN_Camille_CV.pdf", pdf_bytes())
    assert "pas de texte" in learner.check("d3-pdf-a-envoyer").feedback


def test_an_uploaded_word_letter_counts_like_an_exported_one(learner_workspace: Workspace, world) -> None:
    learner = Learner(learner_workspace, world, LETTER_EPREUVE)
    offer = learner.scenario.offer
    letter = good_letter(learner.scenario)
    paragraphs = ["Camille Martin", offer.employer, letter.subject, "Madame, Monsieur,", letter.you,
                  letter.me, letter.us, letter.closing, "Camille Martin"]
    learner.write("Lettre_Camille_Martin.docx", docx_bytes(*paragraphs))
    assert learner.check("d2-blocs-de-la-lettre").passed
    assert learner.check("d2-redigee-par-vous").passed
    assert not learner.check("d3-pdf-a-envoyer").passed


def test_date_spans_are_read_in_their_usual_forms() -> None:
    from tremplin.grading.checks_documents_cv import dated_lines, first_disorder

    dates = dated_lines(["Cariste — Logistique", "Depuis 2021", " 03/2018 – 12/2020", "2015-2017",
                         "De 2012 à 2014", "Conduite de chariots en 2010 et 2011", "2021 – aujourd'hui"])
    assert [d.shown for d in dates] == ["Depuis 2021", "03/2018 – 12/2020", "2015-2017", "2012 à 2014",
                                        "2021 – aujourd'hui"]
    assert first_disorder(dates[:4]) is None
    assert first_disorder(dates)[1].shown == "2021 – aujourd'hui"


def test_a_pdf_only_letter_in_the_modern_template_shows_its_paragraphs(learner_workspace, world) -> None:
    learner = Learner(learner_workspace, world, LETTER_EPREUVE)
    letter = good_letter(learner.scenario)
    letter.template = "moderne"
    letter.me += " J'ai aussi travaillé deux ans en équipe, sur des sites exigeants, avec le même sérieux."
    learner.export("letter", letter, "pdf")
    for check_id in ("d2-entreprise-et-poste", "d2-blocs-de-la-lettre", "d2-redigee-par-vous",
                     "d2-mots-cles-offre", "d2-orthographe"):
        assert learner.check(check_id).passed, check_id
