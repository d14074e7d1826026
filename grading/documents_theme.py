"""Theme « Documents » (D1–D5, S1): build a CV, write a tailored letter, file, back up and print.

The pages compose the CV editor, the letter editor and « Mes fichiers » with the learner's
mission; the checks read the real PDF and DOCX files they produce.
"""

from __future__ import annotations

from typing import Any

CHECK_MODULES = (
    "tremplin.grading.checks_documents_cv",
    "tremplin.grading.checks_documents_letter",
    "tremplin.grading.checks_documents_format",
    "tremplin.grading.checks_documents_files",
    "tremplin.grading.checks_documents_privacy",
)
SCENARIO_MODULES = ("tremplin.grading.documents_scenario",)

EPREUVES: dict[str, dict[str, Any]] = {
    "construire-son-cv": {
        "title": "Épreuve : construire son CV",
        "show": "tremplin.grading.documents_pages:show_documents_epreuve",
        "demo": "tremplin.grading.demo_documents:CV_DEMO",
        "statement": (
            "# Épreuve : construire son CV\n\n"
            "Cette épreuve montre que vous savez **faire un CV clair**, l'enregistrer **en PDF et en Word**, "
            "sans y mettre de données personnelles inutiles.\n\n"
            "1. Lisez votre mission, juste en dessous : le métier et l'offre visés vous sont propres.\n"
            "2. Remplissez vos coordonnées : nom, adresse e-mail, téléphone, ville.\n"
            "3. Remplissez les rubriques « Expérience professionnelle », « Formation » et « Compétences ». "
            "Mettez le plus récent en premier.\n"
            "4. Gardez votre CV sur une ou deux pages. Relisez l'orthographe.\n"
            "5. Donnez à votre CV un titre qui reprend le métier de l'offre, et citez des compétences "
            "qu'elle demande.\n"
            "6. Cliquez sur « Exporter en PDF », puis sur « Exporter en Word (DOCX) ».\n"
            "7. Quand vous avez fini, cliquez sur « Rendre mon épreuve ».\n\n"
            "Attention : ne mettez jamais votre numéro de sécurité sociale, votre IBAN ou le numéro de votre "
            "pièce d'identité sur un CV. La photo et la date de naissance sont facultatives : c'est vous qui "
            "choisissez."
        ),
    },
    "lettre-adaptee": {
        "title": "Épreuve : écrire une lettre adaptée à l'offre",
        "show": "tremplin.grading.documents_pages:show_documents_epreuve",
        "demo": "tremplin.grading.demo_documents:LETTER_DEMO",
        "statement": (
            "# Épreuve : écrire une lettre adaptée à l'offre\n\n"
            "Cette épreuve montre que vous savez **écrire une lettre de motivation** pour une offre précise, "
            "avec vos mots.\n\n"
            "1. Lisez votre mission, juste en dessous : l'offre et l'employeur vous sont propres.\n"
            "2. Dans l'éditeur de lettre, choisissez cette offre : l'adresse de l'employeur, l'objet et la "
            "date se remplissent tout seuls.\n"
            "3. Écrivez vos trois paragraphes : « vous » (l'entreprise et le poste), « moi » (ce que vous "
            "savez faire), « nous » (ce que vous pourrez faire ensemble, et la demande d'entretien).\n"
            "4. Reprenez quelques mots-clés de l'offre. Relisez l'orthographe.\n"
            "5. Exportez votre lettre en PDF (pour l'envoyer) et en Word (DOCX, pour la garder).\n"
            "6. Pour aller plus loin, écrivez une deuxième lettre pour la deuxième offre de votre mission.\n"
            "7. Quand vous avez fini, cliquez sur « Rendre mon épreuve ».\n\n"
            "Une lettre recopiée du modèle ne compte pas : le recruteur veut vous lire, vous."
        ),
    },
    "ranger-sauvegarder-imprimer": {
        "title": "Épreuve : ranger, sauvegarder et imprimer sa candidature",
        "show": "tremplin.grading.documents_pages:show_documents_epreuve",
        "demo": "tremplin.grading.demo_documents:FILES_DEMO",
        "statement": (
            "# Épreuve : ranger, sauvegarder et imprimer sa candidature\n\n"
            "Cette épreuve montre que vous savez **ranger vos fichiers**, les **retrouver**, les "
            "**copier sur une clé USB** et **préparer une impression**.\n\n"
            "1. Lisez votre mission, juste en dessous : la candidature et le fichier à retrouver vous sont "
            "propres.\n"
            "2. Dans « Mes documents », créez un dossier pour la candidature (bouton « Nouveau dossier ») et "
            "rangez-y votre CV et votre lettre.\n"
            "3. Donnez à vos fichiers des noms clairs, comme NOM_Prenom_CV_poste.pdf "
            "(jamais « Document1 »).\n"
            "4. Retrouvez le fichier demandé dans vos dossiers, et ouvrez-le.\n"
            "5. Copiez votre CV et votre lettre sur « Ma clé USB » : Tremplin vérifie que la copie est "
            "identique.\n"
            "6. Cliquez sur « Imprimer mon dossier » et choisissez, dans l'ordre, votre CV, votre lettre "
            "et le fichier retrouvé : vous obtenez un PDF A4 prêt à imprimer.\n"
            "7. Quand vous avez fini, cliquez sur « Rendre mon épreuve ».\n\n"
            "Pour aller plus loin, rangez une deuxième candidature dans son propre dossier."
        ),
    },
}
