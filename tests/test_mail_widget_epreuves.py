"""The two email épreuves done carefully in the real client (no kernel): every check passes.

This is what a diligent learner does on the page, step by step, through the client's own
methods, against a real SMTP server; the checks then read the Maildir and the journal. A
demo plan (DILIGENT) can drive the client the same way.
"""

from __future__ import annotations

import html

import test_mail_widget_pages
from test_mail_widget_pages import apply_properly, assert_all_passed, open_by_id
from tremplin.grading.mail_pages import build_mail_activity, sample_pdf

workspace = test_mail_widget_pages.workspace
CLOSING = "\n\nJe vous prie d'agréer, Madame, Monsieur, mes salutations distinguées.\n\nSoizic\n"


def test_apply_by_email_passes_every_check(root, workspace, world) -> None:
    for name, title in (("CV-Soizic.pdf", "Curriculum vitae"), ("Lettre-motivation-Soizic.pdf", "Lettre")):
        (workspace.documents_dir / name).write_bytes(sample_pdf(["Soizic", title]))
    page = build_mail_activity(workspace, data_root=root, world=world, activity="candidater-par-courriel")
    assert page.panel is None
    assert page.client.choose_address("soizic.le-goff") is True
    page.client.new_message()
    page.client.composer.cc.value = page.scenario.adviser
    apply_properly(page, fresh=False)
    assert_all_passed(page.panel_items())


def test_follow_ones_mail_passes_every_check(root, workspace, world) -> None:
    (workspace.documents_dir / "CV-Soizic.pdf").write_bytes(sample_pdf(["Soizic", "Curriculum vitae"]))
    page = build_mail_activity(workspace, data_root=root, world=world, activity="suivre-ses-courriels")
    scenario, client = page.scenario, page.client
    text = html.unescape(page.widget.children[0].value)
    assert all(target.email in text for target in scenario.group) and f"{scenario.size_limit_kb} Ko" in text

    def send(body: str) -> None:
        client.composer.body.value = body + client.composer.body.value
        assert client.composer.send() is True, client.composer.status.value

    open_by_id(client, "INBOX", scenario.reply_id)
    client.reply()
    send("Madame, Monsieur,\n\nJe vous remercie pour votre message et je vous confirme mes disponibilités "
         "pour un rendez-vous à votre convenance." + CLOSING)
    open_by_id(client, "INBOX", scenario.forward_id)
    client.forward()
    client.composer.to.value = scenario.adviser
    send("Bonjour,\n\nJe vous transmets le message de l'employeur, pour information." + CLOSING)
    open_by_id(client, "Sent", scenario.first_message_id)
    client.reply()
    target = scenario.follow_up
    send(f"Madame, Monsieur,\n\nJe me permets de revenir vers vous au sujet de ma candidature au poste de "
         f"{target.title} (référence {target.reference}), envoyée il y a {scenario.follow_up_days} jours. "
         "Ce poste m'intéresse toujours beaucoup." + CLOSING)
    client.new_message()
    client.composer.bcc.value = ", ".join(t.email for t in scenario.group)
    client.composer.subject.value = f"Candidature spontanée – {scenario.job}"
    client.composer.attach("CV-Soizic.pdf")
    send(f"Madame, Monsieur,\n\nJe vous adresse ma candidature spontanée pour un poste de {scenario.job}. "
         "Mon expérience et ma motivation me permettront de m'intégrer rapidement dans votre équipe ; "
         "vous trouverez mon CV en pièce jointe et je serais heureuse de vous rencontrer." + CLOSING)
    for message_id in scenario.phishing_ids:
        open_by_id(client, "INBOX", message_id)
        assert client.report_phishing() is True
    assert_all_passed(page.panel_items())
