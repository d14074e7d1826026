"""« Candidater par courriel »: the scenario, and every check (C1, C2, C3, C5, S1) on real messages.

Each test writes real RFC 5322 messages into the workspace's real Maildir and the contract's
journal events (test_mail_checks_kit.Mailer), then runs the registered checks.
"""

from __future__ import annotations

import pytest
from test_mail_checks_kit import (
    CV,
    LETTER,
    VALID_IBAN,
    Mailer,
    apply_well,
    letter_body,
    make_pdf,
    new_workspace,
    nir,
)
from tremplin.grading import checks_mail_apply, checks_mail_style  # noqa: F401 (registers the checks)
from tremplin.grading.check_context import load_context
from tremplin.grading.check_model import REGISTRY
from tremplin.grading.checks import run_checks
from tremplin.grading.mail_scenario import APPLY, APPLY_LESSON, FOLLOW, LESSONS, mail_scenario
from tremplin.grading.scenario_registry import scenario_for
from tremplin.widgets.i18n import t


@pytest.fixture
def page(tmp_path, world):
    workspace = new_workspace(tmp_path / "ws", world)
    return workspace, Mailer(workspace, APPLY), mail_scenario(world, "Camille", APPLY)


def results(workspace, world, activity: str = APPLY) -> dict:
    return {r.id: r for r in run_checks(load_context(workspace.root, activity, world=world), activity)}


# ---------------------------------------------------------------- scenario


def test_the_scenario_is_deterministic_per_learner_and_neighbours_differ(world) -> None:
    one = mail_scenario(world, "Camille", APPLY)
    assert one == mail_scenario(world, " camille ", APPLY) == scenario_for(world, "Camille", APPLY)
    assert one.apply.email.endswith(".example") and one.adviser == "conseil@agence-emploi.example"
    assert len({one.apply.employer_id, one.follow_up.employer_id, *(g.employer_id for g in one.group)}) == 5
    assert one.new_phishing_id in one.phishing_ids and one.reply_id in one.recruiter_ids
    assert one.employer_email == one.apply.email and one.offer_reference == one.apply.reference
    offers = {mail_scenario(world, f"apprenant-{i}", APPLY).apply.offer_id for i in range(8)}
    assert len(offers) >= 6
    assert mail_scenario(world, "Camille", FOLLOW) != one
    for lesson in LESSONS:
        assert scenario_for(world, "Camille", lesson).activity == lesson


def test_the_checks_declare_competences_levels_and_titles_in_both_languages() -> None:
    specs = REGISTRY.for_epreuve(APPLY)
    assert {c for s in specs for c in s.competences} == {"C1", "C2", "C3", "C5", "S1"}
    assert {s.level for s in specs} == {"N1", "N2"}
    assert {s.id for s in specs if s.critical} == {"c1-destinataire-employeur", "c2-cv-et-lettre-joints",
                                                    "s1-aucune-donnee-sensible"}
    for spec in specs:
        assert spec.epreuves[0] == APPLY
        assert t(spec.title_key) != spec.title_key and t(spec.title_key, "en") != t(spec.title_key)


# ---------------------------------------------------------------- a correct application, and nothing


def test_a_correct_application_passes_every_check(page, world) -> None:
    workspace, mailer, scenario = page
    mailer.address("camille.martin@courriel.example")
    apply_well(mailer, scenario)
    got = results(workspace, world)
    assert got
    assert all(r.passed for r in got.values()), {k: r.feedback for k, r in got.items() if not r.passed}


def test_a_handed_in_maildir_without_its_empty_folders_is_still_read(page, world) -> None:
    """nbgrader's copy of a submission drops empty directories (new/, tmp/ of a Maildir)."""
    workspace, mailer, scenario = page
    mailer.address("camille.martin@courriel.example")
    apply_well(mailer, scenario)
    for empty in (workspace.mail_dir).rglob("*"):
        if empty.is_dir() and empty.name in ("new", "tmp", "cur") and not any(empty.iterdir()):
            empty.rmdir()
    got = results(workspace, world)
    assert all(r.passed for r in got.values()), {k: r.feedback for k, r in got.items() if not r.passed}


def test_nothing_sent_passes_nothing_and_says_to_send(page, world) -> None:
    workspace, _mailer, scenario = page
    got = results(workspace, world)
    assert not any(r.passed for r in got.values())
    assert scenario.apply.employer in got["c1-destinataire-employeur"].feedback


def test_practice_in_the_lesson_does_not_count_in_the_epreuve(page, world) -> None:
    workspace, _mailer, scenario = page
    apply_well(Mailer(workspace, APPLY_LESSON), scenario)
    assert not results(workspace, world)["c1-destinataire-employeur"].passed


# ---------------------------------------------------------------- C1


def test_a_wrong_recipient_is_critical_and_names_the_right_address(page, world) -> None:
    workspace, mailer, scenario = page
    apply_well(mailer, scenario, to=["contact@autre-entreprise.example"])
    result = results(workspace, world)["c1-destinataire-employeur"]
    assert not result.passed and result.critical and result.points == 0
    assert "contact@autre-entreprise.example" in result.feedback and scenario.apply.email in result.feedback


def test_a_vague_subject_and_an_incomplete_message_are_explained(page, world) -> None:
    workspace, mailer, scenario = page
    apply_well(mailer, scenario, subject="Bonjour", body="Voici mon CV.")
    got = results(workspace, world)
    assert not got["c1-objet-explicite"].passed
    assert scenario.apply.reference in got["c1-objet-explicite"].feedback
    complete = got["c1-message-complet"]
    assert not complete.passed and "formule d'appel" in complete.feedback and "signature" in complete.feedback
    assert 0 <= complete.points < complete.max_points


# ---------------------------------------------------------------- C2


def test_a_missing_attachment_is_critical(page, world) -> None:
    workspace, mailer, scenario = page
    apply_well(mailer, scenario, files=[])
    result = results(workspace, world)["c2-cv-et-lettre-joints"]
    assert not result.passed and result.critical and "Aucune pièce jointe" in result.feedback


def test_only_the_cv_attached_earns_half(page, world) -> None:
    workspace, mailer, scenario = page
    apply_well(mailer, scenario, files=[CV])
    result = results(workspace, world)["c2-cv-et-lettre-joints"]
    assert not result.passed and result.points == 1 and "lettre de motivation" in result.feedback


def test_an_exe_renamed_pdf_is_not_a_real_pdf(page, world) -> None:
    workspace, mailer, scenario = page
    apply_well(mailer, scenario, files=[CV, ("Martin_Camille_Lettre.pdf", b"MZ\x90\x00" + b"\x00" * 500)])
    result = results(workspace, world)["c2-vrais-pdf"]
    assert not result.passed and "n'est pas un vrai PDF" in result.feedback
    assert "Martin_Camille_Lettre" in result.feedback


def test_generic_file_names_are_refused(page, world) -> None:
    workspace, mailer, scenario = page
    apply_well(mailer, scenario, files=[("Document1.pdf", CV[1]), ("scan0001.pdf", LETTER[1])])
    got = results(workspace, world)
    assert not got["c2-noms-parlants"].passed and "Document1.pdf" in got["c2-noms-parlants"].feedback
    assert got["c2-vrais-pdf"].passed and got["c2-cv-et-lettre-joints"].passed


def test_attachments_too_big_in_total_are_refused(page, world) -> None:
    workspace, mailer, scenario = page
    big = make_pdf("Camille Martin CV") + b"%" + b"0" * (6 * 1024 * 1024)
    apply_well(mailer, scenario, files=[("Martin_CV.pdf", big), LETTER])
    result = results(workspace, world)["c2-vrais-pdf"]
    assert not result.passed and "trop" in result.feedback


# ---------------------------------------------------------------- C3


def test_the_adviser_not_in_cc_or_in_bcc_or_in_to_is_explained(page, world) -> None:
    workspace, mailer, scenario = page
    apply_well(mailer, scenario, cc=[])
    result = results(workspace, world)["c3-conseiller-en-copie"]
    assert not result.passed and scenario.adviser in result.feedback and "« Cc »" in result.feedback
    apply_well(mailer, scenario, cc=[], bcc=[scenario.adviser])
    assert "copie cachée" in results(workspace, world)["c3-conseiller-en-copie"].feedback
    apply_well(mailer, scenario, cc=[], to=[scenario.apply.email, scenario.adviser])
    assert "dans « À »" in results(workspace, world)["c3-conseiller-en-copie"].feedback


def test_extra_recipients_are_refused(page, world) -> None:
    workspace, mailer, scenario = page
    apply_well(mailer, scenario, cc=[scenario.adviser, "cousin@courriel.example"],
               bcc=["ami@courriel.example"])
    result = results(workspace, world)["c3-aucun-destinataire-en-trop"]
    assert not result.passed and "cousin@courriel.example" in result.feedback


# ---------------------------------------------------------------- C5


def test_text_speak_and_capitals_and_tu_and_hi_are_each_explained(page, world) -> None:
    workspace, mailer, scenario = page
    target = scenario.apply
    body = letter_body(target.title, target.reference).replace("Je reste", "Répondez-moi stp, je reste")
    apply_well(mailer, scenario, body="Bjr,\n" + body)
    tone = results(workspace, world)["c5-ton-professionnel"]
    assert not tone.passed and "« stp »" in tone.feedback and "langage SMS" in tone.feedback
    apply_well(mailer, scenario, body=letter_body(target.title, target.reference).upper())
    assert "majuscules" in results(workspace, world)["c5-ton-professionnel"].feedback
    casual = "Salut,\n\nJe t'envoie mon CV pour le poste, tu me diras ce que tu en penses. " * 3
    casual += "\nBisous\nCamille"
    apply_well(mailer, scenario, body=casual)
    got = results(workspace, world)
    assert not got["c5-vouvoiement"].passed and "« tu »" in got["c5-vouvoiement"].feedback
    assert not got["c5-formules-politesse"].passed
    assert "comme à un ami" in got["c5-formules-politesse"].feedback


def test_a_nickname_address_is_not_professional(page, world) -> None:
    workspace, mailer, scenario = page
    mailer.address("loulou75@courriel.example")
    apply_well(mailer, scenario)
    result = results(workspace, world)["c5-adresse-professionnelle"]
    assert not result.passed and "loulou75" in result.feedback and "prenom.nom" in result.feedback
    for bad in ("bogoss@courriel.example", "123456@courriel.example", "bg35@courriel.example",
                "camille.sexy@courriel.example"):
        mailer.address(bad)
        assert not results(workspace, world)["c5-adresse-professionnelle"].passed, bad
    for good in ("camille.martin@courriel.example", "angelique.le-goff@courriel.example",
                 "camille@courriel.example"):
        mailer.address(good)
        assert results(workspace, world)["c5-adresse-professionnelle"].passed, good


# ---------------------------------------------------------------- S1


def test_a_nir_and_an_iban_in_a_pdf_attachment_are_critical(page, world) -> None:
    workspace, mailer, scenario = page
    cv = make_pdf("Camille Martin", f"N° de sécurité sociale : {nir()}", f"IBAN : {VALID_IBAN}")
    apply_well(mailer, scenario, files=[("Martin_Camille_CV.pdf", cv), LETTER])
    result = results(workspace, world)["s1-aucune-donnee-sensible"]
    assert not result.passed and result.critical and "sécurité sociale" in result.feedback
    assert nir().replace(" ", "") not in result.feedback  # the number itself is never shown whole


def test_an_iban_in_the_body_is_critical_and_a_nir_with_a_wrong_key_is_not_flagged(page, world) -> None:
    workspace, mailer, scenario = page
    target = scenario.apply
    right = nir()
    wrong = right[:-2] + f"{(int(right[-2:]) + 1) % 97:02d}"
    apply_well(mailer, scenario, body=letter_body(target.title, target.reference) + f"\nDossier {wrong}\n")
    assert results(workspace, world)["s1-aucune-donnee-sensible"].passed
    apply_well(mailer, scenario, body=letter_body(target.title, target.reference) + f"\nRIB : {VALID_IBAN}\n")
    assert "IBAN" in results(workspace, world)["s1-aucune-donnee-sensible"].feedback


# ---------------------------------------------------------------- bad input, and the graded cell


def test_bad_input_never_raises(page, world) -> None:
    workspace, mailer, scenario = page
    mailer.address("<script>@x")
    apply_well(mailer, scenario, subject="<script>alert(1)</script>" + "é" * 3000,
               body="\x00\x07<b>" + "a" * 200_000, files=[("", b""), ("\u202e.pdf", b"%PDF-")])
    mailer.journal.record("mail.send", {"message_id": None, "to": "pas une liste"})
    mailer.journal.record("mail.send", {"message_id": "<absent@x>"})
    got = results(workspace, world)
    assert not got["c1-objet-explicite"].passed and not got["c2-vrais-pdf"].passed


def test_the_graded_cell_grades_a_handed_in_snapshot(page, data_root, tmp_path, monkeypatch, capsys) -> None:
    from tremplin.grading import cells
    from tremplin.grading.cells import grade

    cells._context.cache_clear()  # the cell caches the context of ./workspace per activity
    workspace, mailer, scenario = page
    apply_well(mailer, scenario, to=["erreur@autre.example"])
    submission = tmp_path / "submission"
    workspace.snapshot(submission / "workspace")
    monkeypatch.setenv("TREMPLIN_DATA", str(data_root))
    monkeypatch.chdir(submission)
    with pytest.raises(AssertionError):
        grade("c1-destinataire-employeur")
    assert grade("c2-cv-et-lettre-joints") is None
    assert "✘" in capsys.readouterr().out
    cells._context.cache_clear()
