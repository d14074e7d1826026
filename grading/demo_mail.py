"""How the three simulated learners work on the email épreuves (« candidater-par-courriel »,
« suivre-ses-courriels »), through the real mail client of the page.

Alice brings her CV and letter (PDF) on her USB key, applies to the mission's employer with the
adviser in Cc, then replies, forwards, follows up, sends her spontaneous application in Bcc and
reports every phishing message; Bruno writes in a rush (no attachment, no Cc, text-speak) and
clicks the fraudulent link; Chloé does nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tremplin.grading.demo_plan import DILIGENT, HASTY, DemoPlan
from tremplin.grading.mail_pages import EPREUVES, MailActivity, build_mail_activity, sample_pdf

CLOSING = "\n\nJe vous prie d'agréer, Madame, Monsieur, mes salutations distinguées.\n\nAlice Diligente\n"


def _bring_documents(page: MailActivity) -> list[str]:
    names = {"CV-Alice-Diligente.pdf": "Curriculum vitae", "Lettre-motivation-Alice-Diligente.pdf": "Lettre"}
    for name, title in names.items():
        path = Path(page.workspace.documents_dir) / name
        if not path.exists():
            path.write_bytes(sample_pdf(["Alice Diligente", title]))
    return list(names)


def _open(page: MailActivity, folder: str, message_id: str) -> bool:
    page.client.open_folder(folder)
    wanted = message_id.strip().strip("<>").lower()
    for summary in page.client.summaries:
        if summary.message_id.strip().strip("<>").lower() == wanted:
            return page.client.open_message(summary.key) is not None
    return False


def _send(page: MailActivity, body: str, **fields: str) -> bool:
    composer = page.client.composer
    for name, value in fields.items():
        getattr(composer, name).value = value
    composer.body.value = body + composer.body.value
    return page.client.send(composer.draft())


def diligent_apply(page: MailActivity) -> None:
    scenario, client = page.scenario, page.client
    files = _bring_documents(page)
    client.choose_address("alice.diligente")
    client.new_message()
    for name in files:
        client.composer.attach(name)
    _send(page, f"Madame, Monsieur,\n\nJe vous adresse ma candidature au poste de {scenario.job_title}, "
                f"référence {scenario.offer_reference}. Mon expérience et ma motivation correspondent à ce "
                "que vous recherchez ; vous trouverez ci-joints mon CV et ma lettre de motivation." + CLOSING,
          to=scenario.employer_email, cc=scenario.adviser,
          subject=f"Candidature – {scenario.job_title} (réf. {scenario.offer_reference})")


def diligent_follow(page: MailActivity) -> None:
    scenario, client = page.scenario, page.client
    files = _bring_documents(page)
    client.choose_address("alice.diligente")
    if _open(page, "INBOX", scenario.reply_id) and client.reply():
        _send(page, "Madame, Monsieur,\n\nJe vous remercie pour votre message et je vous confirme mes "
                    "disponibilités pour un rendez-vous à votre convenance." + CLOSING)
    if _open(page, "INBOX", scenario.forward_id) and client.forward():
        _send(page, "Bonjour,\n\nJe vous transmets le message de l'employeur, pour information." + CLOSING,
              to=scenario.adviser)
    target = scenario.follow_up
    if _open(page, "Sent", scenario.first_message_id) and client.reply():
        _send(page, f"Madame, Monsieur,\n\nJe me permets de revenir vers vous au sujet de ma candidature au "
                    f"poste de {target.title} (référence {target.reference}), envoyée il y a "
                    f"{scenario.follow_up_days} jours. Ce poste m'intéresse toujours beaucoup." + CLOSING)
    client.new_message()
    client.composer.attach(files[0])
    _send(page, f"Madame, Monsieur,\n\nJe vous adresse ma candidature spontanée pour un poste de "
                f"{scenario.job}. Mon expérience et ma motivation me permettront de m'intégrer rapidement "
                "dans votre équipe ; vous trouverez mon CV en pièce jointe." + CLOSING,
          bcc=", ".join(t.email for t in scenario.group), subject=f"Candidature spontanée – {scenario.job}")
    for message_id in scenario.phishing_ids:
        if _open(page, "INBOX", message_id):
            client.report_phishing()


def hasty(page: MailActivity) -> None:
    """Writes to the employer in a rush, with no attachment and no Cc; clicks the phishing link."""
    scenario, client = page.scenario, page.client
    client.new_message()
    _send(page, "bjr, je veux le poste stp. merci", to=scenario.employer_email, subject="candidature")
    for message_id in scenario.phishing_ids[:1]:
        if _open(page, "INBOX", message_id) and client.reader.current_links:
            client.click_link(*client.reader.current_links[0])


def _page(activity: str):
    def build(workspace: Any, data_root: Path, world: Any) -> MailActivity:
        return build_mail_activity(workspace, data_root=data_root, world=world, activity=activity)
    return build


APPLY_DEMO = DemoPlan(build_page=_page(EPREUVES[0]), behaviours={DILIGENT: diligent_apply, HASTY: hasty})
FOLLOW_DEMO = DemoPlan(build_page=_page(EPREUVES[1]), behaviours={DILIGENT: diligent_follow, HASTY: hasty})
