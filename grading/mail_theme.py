"""Theme « Courriel » (C1–C6, S1): apply by email, then follow one's mail (reply, forward, phishing).

The pages compose the mail client (widgets/mail_widget.py) with the learner's mission.
"""

from __future__ import annotations

from typing import Any

CHECK_MODULES = (
    "tremplin.grading.checks_mail_apply",
    "tremplin.grading.checks_mail_style",
    "tremplin.grading.checks_mail_follow",
    "tremplin.grading.checks_mail_phishing",
)
SCENARIO_MODULES = ("tremplin.grading.mail_scenario",)

EPREUVES: dict[str, dict[str, Any]] = {
    "candidater-par-courriel": {
        "title": "Épreuve : candidater par courriel",
        "show": "tremplin.grading.mail_pages:show_mail_epreuve",
        "demo": "tremplin.grading.demo_mail:APPLY_DEMO",
        "statement": (
            "# Épreuve : candidater par courriel\n\n"
            "Cette épreuve montre que vous savez **envoyer une candidature par courriel** : au bon "
            "destinataire, avec vos documents, poliment.\n\n"
            "1. Lisez votre mission, juste en dessous : l'offre, l'employeur et son adresse vous sont "
            "propres.\n"
            "2. Écrivez à l'employeur. Dans « À », mettez son adresse ; dans « Cc », l'adresse de votre "
            "conseiller.\n"
            "3. Dans l'objet, indiquez le poste et la référence de l'offre.\n"
            "4. Écrivez votre message : une formule d'appel (« Madame, Monsieur, »), quelques phrases, "
            "une formule de politesse, puis votre nom.\n"
            "5. Joignez votre CV et votre lettre de motivation, en PDF, avec des noms clairs.\n"
            "6. Relisez, puis cliquez sur « Envoyer ». Quand vous avez fini, cliquez sur « Rendre mon "
            "épreuve ».\n\n"
            "Attention : n'écrivez jamais votre numéro de sécurité sociale, votre IBAN ou le numéro de "
            "votre pièce d'identité dans un courriel ou un document de candidature."
        ),
    },
    "suivre-ses-courriels": {
        "title": "Épreuve : suivre ses courriels",
        "show": "tremplin.grading.mail_pages:show_mail_epreuve",
        "demo": "tremplin.grading.demo_mail:FOLLOW_DEMO",
        "statement": (
            "# Épreuve : suivre ses courriels\n\n"
            "Cette épreuve montre que vous savez **répondre, transférer, relancer** et **reconnaître "
            "un courriel frauduleux**.\n\n"
            "1. Lisez votre mission, juste en dessous : vos messages et vos employeurs vous sont "
            "propres.\n"
            "2. Répondez au recruteur indiqué, avec le bouton « Répondre ».\n"
            "3. Transférez à votre conseiller le message indiqué, avec sa pièce jointe, grâce au bouton "
            "« Transférer ».\n"
            "4. Relancez l'employeur resté sans réponse, seulement si le délai indiqué est passé, en "
            "rappelant votre candidature.\n"
            "5. Envoyez votre candidature spontanée aux trois employeurs indiqués, en copie cachée "
            "(« Cci »), avec un seul fichier PDF sous la taille demandée.\n"
            "6. Signalez chaque courriel frauduleux, sans cliquer sur ses liens et sans y répondre. "
            "Gardez les vrais messages des recruteurs.\n"
            "7. Quand vous avez fini, cliquez sur « Rendre mon épreuve ».\n\n"
            "Prenez votre temps : un message qui presse, fait peur ou demande vos papiers est suspect."
        ),
    },
}
