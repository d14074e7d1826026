"""« Suivre ses courriels »: reply, forward, follow-up (C4), group message in Bcc (C3, C1, C2 at N3),
tone (C5 N3), data (S1 N3) and phishing (C6), each on real messages in a real Maildir."""

from __future__ import annotations

import datetime as dt
import mailbox

import pytest
from test_mail_checks_kit import LEARNER, NOW, VALID_IBAN, Mailer, letter_body, make_pdf, new_workspace
from tremplin.grading import checks_mail_follow, checks_mail_phishing  # noqa: F401 (registers the checks)
from tremplin.grading.check_context import load_context
from tremplin.grading.check_model import REGISTRY
from tremplin.grading.checks import run_checks
from tremplin.grading.mail_evidence import INBOX, JUNK, SENT, TRASH, attachments, body_text, norm_id, parse
from tremplin.grading.mail_scenario import FOLLOW, first_application, mail_scenario, world_inbox

PLAN = ("Plan_acces.pdf", make_pdf("Plan d'accès", "Parking visiteurs"))


@pytest.fixture
def page(tmp_path, world):
    workspace = new_workspace(tmp_path / "ws", world)
    return workspace, Mailer(workspace, FOLLOW), mail_scenario(world, "Camille", FOLLOW)


def results(workspace, world) -> dict:
    return {r.id: r for r in run_checks(load_context(workspace.root, FOLLOW, world=world), FOLLOW)}


def polite(text: str) -> str:
    return (f"Bonjour Madame, Monsieur,\n\n{text} Je reste à votre disposition pour tout renseignement "
            "complémentaire et vous remercie par avance de votre attention.\n\n"
            "Cordialement,\n\nCamille Martin\n")


def seed_first(mailer: Mailer, scenario, days_ago: float) -> None:
    first = first_application(scenario, LEARNER, "Camille", NOW - dt.timedelta(days=days_ago))
    mailer.folder(SENT).add(first.as_bytes())


def give_attachment(mailer: Mailer, message_id: str) -> None:
    """The employer's message as the learner got it, with a file attached (the world's has none)."""
    box = mailer.folder(INBOX)
    key = next(k for k, m in box.items() if norm_id(m.get("Message-ID")) == message_id)
    message = parse(box.get_bytes(key))
    message.add_attachment(PLAN[1], maintype="application", subtype="pdf", filename=PLAN[0])
    box.remove(key)
    box.add(message.as_bytes())


def reply(mailer: Mailer, scenario, text: str = "Je vous confirme ma présence à l'entretien proposé.",
          **changes) -> str:
    sent = {"in_reply_to": scenario.reply_id, "kind": "reply"}
    sent.update(changes)
    quoted = "\n\nLe lundi, le recruteur a écrit :\n> Bonjour,\n> Merci de confirmer."
    return mailer.send(scenario.reply_from, "RE : " + scenario.reply_subject, polite(text) + quoted, **sent)


def forward(mailer: Mailer, scenario, keep_files: bool = True) -> str:
    source = next(m for m in mailer_inbox(mailer) if m.message_id == scenario.forward_id)
    files = [(a.name, a.data) for a in attachments(source.message)] if keep_files else []
    body = ("Bonjour,\n\nVoici le message de l'employeur, pour information.\n\nCamille Martin\n\n"
            "-------- Message transféré --------\n" + body_text(source.message))
    return mailer.send(scenario.adviser, "TR : " + scenario.forward_subject, body, files=files,
                       references=[scenario.forward_id], kind="forward")


def mailer_inbox(mailer: Mailer):
    from tremplin.grading.mail_evidence import read_folder

    return read_folder(mailer.workspace.mail_dir, INBOX)


def follow_up(mailer: Mailer, scenario, cite: bool = True) -> str:
    target = scenario.follow_up
    text = (f"Je me permets de revenir vers vous au sujet de ma candidature au poste de {target.title} "
            f"(référence {target.reference}), envoyée il y a {scenario.follow_up_days} jours."
            if cite else "Je me permets de revenir vers vous : avez-vous bien reçu mon message ?")
    subject = f"Relance : {scenario.first_subject}" if cite else "Relance"
    extra = {"in_reply_to": scenario.first_message_id} if cite else {}
    return mailer.send(target.email, subject, polite(text), date=NOW, **extra)


def spontaneous(mailer: Mailer, scenario, **changes) -> str:
    sent = {"to": [LEARNER], "bcc": [g.email for g in scenario.group],
            "files": [("Martin_Camille_Candidature.pdf", make_pdf("CV et lettre de Camille Martin"))]}
    sent.update(changes)
    body = letter_body(scenario.job, "candidature spontanée")
    return mailer.send(sent.pop("to"), f"Candidature spontanée – {scenario.job}", body, **sent)


def handle_phishing(mailer: Mailer, scenario) -> None:
    for message_id in scenario.phishing_ids:
        mailer.open(message_id)
        mailer.report(message_id)


def diligent(mailer: Mailer, scenario) -> None:
    give_attachment(mailer, scenario.forward_id)
    seed_first(mailer, scenario, scenario.follow_up_days + 1)
    reply(mailer, scenario)
    forward(mailer, scenario)
    follow_up(mailer, scenario)
    spontaneous(mailer, scenario)
    handle_phishing(mailer, scenario)


def test_the_follow_up_epreuve_covers_c1_to_c6_and_s1_with_its_criticals() -> None:
    specs = REGISTRY.for_epreuve(FOLLOW)
    assert {c for s in specs for c in s.competences} == {"C1", "C2", "C3", "C4", "C5", "C6", "S1"}
    assert {s.id for s in specs if s.critical} == {"c6-lien-non-clique", "c6-pas-de-reponse-fraude",
                                                    "s1-suivi-sans-donnee-sensible"}
    assert all(s.epreuves[0] == FOLLOW for s in specs)


def test_a_careful_learner_passes_every_check(page, world) -> None:
    workspace, mailer, scenario = page
    diligent(mailer, scenario)
    got = results(workspace, world)
    assert got
    assert all(r.passed for r in got.values()), {k: r.feedback for k, r in got.items() if not r.passed}


def test_an_idle_learner_passes_nothing(page, world) -> None:
    workspace, _mailer, _scenario = page
    got = results(workspace, world)
    assert not any(r.passed for r in got.values())
    assert "rien fait" in got["c6-lien-non-clique"].feedback


def test_a_reply_without_in_reply_to_is_a_new_message_not_a_reply(page, world) -> None:
    workspace, mailer, scenario = page
    reply(mailer, scenario, in_reply_to=None, kind="new")
    got = results(workspace, world)
    assert got["c4-reponse-envoyee"].passed
    assert not got["c4-reponse-dans-le-fil"].passed
    assert "« Répondre »" in got["c4-reponse-dans-le-fil"].feedback


def test_a_forward_without_the_attachment_fails_and_with_it_passes(page, world) -> None:
    workspace, mailer, scenario = page
    give_attachment(mailer, scenario.forward_id)
    forward(mailer, scenario, keep_files=False)
    result = results(workspace, world)["c4-transfert-avec-piece-jointe"]
    assert not result.passed and "pièce jointe" in result.feedback and result.points == 1
    forward(mailer, scenario)
    assert results(workspace, world)["c4-transfert-avec-piece-jointe"].passed


def test_writing_to_the_adviser_without_forwarding_is_explained(page, world) -> None:
    workspace, mailer, scenario = page
    mailer.send(scenario.adviser, "Bonjour", polite("J'ai reçu une convocation."))
    result = results(workspace, world)["c4-transfert-avec-piece-jointe"]
    assert not result.passed and "« Transférer »" in result.feedback


def test_a_follow_up_too_early_or_without_citing_the_application_fails(page, world) -> None:
    workspace, mailer, scenario = page
    seed_first(mailer, scenario, 2)
    follow_up(mailer, scenario)
    result = results(workspace, world)["c4-relance-apres-delai"]
    assert not result.passed and "trop tôt" in result.feedback
    assert f"{scenario.follow_up_days} jours" in result.feedback
    workspace2 = new_workspace(workspace.root.parent / "ws2", world)
    mailer2 = Mailer(workspace2, FOLLOW)
    seed_first(mailer2, scenario, scenario.follow_up_days + 1)
    follow_up(mailer2, scenario, cite=False)
    result = results(workspace2, world)["c4-relance-apres-delai"]
    assert not result.passed and scenario.follow_up.reference in result.feedback


def test_no_first_application_means_no_follow_up(page, world) -> None:
    workspace, mailer, scenario = page
    follow_up(mailer, scenario)  # the only message to that employer is itself the first one
    assert "pas encore relancé" in results(workspace, world)["c4-relance-apres-delai"].feedback


def test_the_group_message_must_hide_the_employers_in_bcc(page, world) -> None:
    workspace, mailer, scenario = page
    emails = [g.email for g in scenario.group]
    spontaneous(mailer, scenario, to=emails, bcc=[])
    result = results(workspace, world)["c3-envoi-groupe-cci"]
    assert not result.passed and "3 adresse(s)" in result.feedback and "Cci" in result.feedback
    spontaneous(mailer, scenario, bcc=emails[:2])
    result = results(workspace, world)["c3-envoi-groupe-cci"]
    assert not result.passed and scenario.group[2].employer in result.feedback and result.points > 0


def test_the_group_message_bcc_read_from_its_header_counts_too(page, world) -> None:
    workspace, mailer, scenario = page
    spontaneous(mailer, scenario, bcc_header=True)
    assert results(workspace, world)["c3-envoi-groupe-cci"].passed


def test_the_spontaneous_application_needs_one_pdf_under_the_limit(page, world) -> None:
    workspace, mailer, scenario = page
    two = [("Martin_CV.pdf", make_pdf("CV")), ("Martin_Lettre.pdf", make_pdf("Lettre"))]
    spontaneous(mailer, scenario, files=two)
    result = results(workspace, world)["c2-fichier-unique-limite"]
    assert not result.passed and "un seul PDF" in result.feedback
    big = make_pdf("CV") + b"%" + b"0" * (scenario.size_limit_kb * 1024 + 10)
    spontaneous(mailer, scenario, files=[("Martin_Candidature.pdf", big)])
    result = results(workspace, world)["c2-fichier-unique-limite"]
    assert not result.passed and f"{scenario.size_limit_kb} Ko" in result.feedback


def test_a_click_on_the_phishing_link_is_critical(page, world) -> None:
    workspace, mailer, scenario = page
    handle_phishing(mailer, scenario)
    with_link = next(m for m in world_inbox(world) if m.message_id in scenario.phishing_ids
                     and "https://" in body_text(m.message))
    url = next(w for w in body_text(with_link.message).split() if w.startswith("https://"))
    mailer.click(with_link.message_id, url)
    result = results(workspace, world)["c6-lien-non-clique"]
    assert not result.passed and result.critical and "lien frauduleux" in result.feedback


def test_answering_phishing_with_an_iban_is_critical_for_c6_and_s1(page, world) -> None:
    workspace, mailer, scenario = page
    target = next(m for m in world_inbox(world) if m.message_id == scenario.new_phishing_id)
    mailer.send(target.sender, "RE : " + target.subject, polite(f"Voici mon RIB : {VALID_IBAN}."),
                in_reply_to=target.message_id, kind="reply")
    got = results(workspace, world)
    assert not got["c6-pas-de-reponse-fraude"].passed
    assert "données personnelles" in got["c6-pas-de-reponse-fraude"].feedback
    assert not got["s1-suivi-sans-donnee-sensible"].passed and got["s1-suivi-sans-donnee-sensible"].critical
    assert not got["c6-nouvelle-fraude-reperee"].passed


def test_junking_a_recruiter_or_only_deleting_phishing_is_explained(page, world) -> None:
    workspace, mailer, scenario = page
    handle_phishing(mailer, scenario)
    mailer.move(scenario.recruiter_ids[0], JUNK)
    result = results(workspace, world)["c6-vrai-recruteur-garde"]
    assert not result.passed and "vrai message du recruteur" in result.feedback
    workspace2 = new_workspace(workspace.root.parent / "ws2", world)
    mailer2 = Mailer(workspace2, FOLLOW)
    mailer2.move(scenario.phishing_ids[0], TRASH)
    got = results(workspace2, world)
    assert not got["c6-hameconnage-signale"].passed and "supprimé" in got["c6-hameconnage-signale"].feedback
    assert not got["c6-tous-hameconnages-traites"].passed


def test_a_phishing_reported_then_put_back_in_the_inbox_is_not_reported(page, world) -> None:
    workspace, mailer, scenario = page
    handle_phishing(mailer, scenario)
    mailer.move(scenario.phishing_ids[0], INBOX, from_folder=JUNK)
    result = results(workspace, world)["c6-tous-hameconnages-traites"]
    assert not result.passed and 0 < result.points < result.max_points


def test_text_speak_in_a_reply_fails_the_tone_at_n3(page, world) -> None:
    workspace, mailer, scenario = page
    reply(mailer, scenario, text="Ok pr moi, je viens mdr, dsl du retard stp.")
    result = results(workspace, world)["c5-ton-adapte-suivi"]
    assert not result.passed and "« mdr »" in result.feedback
    assert scenario.reply_subject[:20] in result.feedback


def test_a_maildir_emptied_by_hand_never_raises(page, world) -> None:
    workspace, mailer, scenario = page
    diligent(mailer, scenario)
    box = mailbox.Maildir(workspace.mail_dir, create=False)
    for name in ("Sent", "Junk"):
        folder = box.get_folder(name)
        for key in list(folder.keys()):
            folder.remove(key)
    got = results(workspace, world)
    assert not got["c4-reponse-envoyee"].passed and got["c6-hameconnage-signale"].passed  # the journal says


def test_an_employer_answer_put_in_junk_is_a_recruiter_lost(page, world) -> None:
    from email.message import EmailMessage

    workspace, mailer, scenario = page
    handle_phishing(mailer, scenario)
    answer = EmailMessage()
    answer["From"], answer["To"], answer["Subject"] = scenario.apply.email, LEARNER, "Accusé de réception"
    answer["Message-ID"], answer["X-Tremplin-Kind"] = "<reponse.1@employeur.example>", "recruiter"
    answer.set_content("Bonjour,\n\nNous avons bien reçu votre candidature.\n")
    mailer.folder(INBOX).add(answer.as_bytes())
    workspace.record("mail.delivered", {"message_id": "<reponse.1@employeur.example>", "kind": "ack"})
    assert results(workspace, world)["c6-vrai-recruteur-garde"].passed
    mailer.move("<reponse.1@employeur.example>", JUNK)
    result = results(workspace, world)["c6-vrai-recruteur-garde"]
    assert not result.passed and "« Accusé de réception »" in result.feedback
