"""Theme « Se renseigner sur l'employeur » (R4, N1–N3): open the employer's page, note its
address and a contact, tell it from a homonym and do not trust a look-alike address."""

from __future__ import annotations

from typing import Any

CHECK_MODULES = ("tremplin.grading.checks_employer",)
SCENARIO_MODULES = ("tremplin.grading.employer_scenario",)

EPREUVES: dict[str, dict[str, Any]] = {
    "se-renseigner-employeur": {
        "title": "Épreuve : se renseigner sur l'employeur",
        "show": "tremplin.grading.employer_pages:show_employer_epreuve",
        "demo": "tremplin.grading.demo_employer:EMPLOYER_DEMO",
        "statement": (
            "# Épreuve : se renseigner sur l'employeur\n\n"
            "Cette épreuve montre que vous savez **trouver les coordonnées d'un employeur** dans une "
            "source fiable, l'annuaire des entreprises, et **ne pas vous tromper d'entreprise**.\n\n"
            "1. Lisez votre mission, juste en dessous : elle vous est propre.\n"
            "2. Cherchez le premier employeur dans l'annuaire, ouvrez sa fiche et notez ses "
            "coordonnées : nom, adresse postale, courriel ou téléphone.\n"
            "3. Cherchez le deuxième employeur : plusieurs entreprises portent un nom proche. "
            "Regardez la **commune** pour ouvrir la bonne fiche.\n"
            "4. Vérifiez le courriel que l'on vous a donné avec « Vérifier une adresse vue ailleurs », "
            "puis notez les coordonnées de la fiche.\n"
            "5. Quand vous avez fini, cliquez sur « Rendre mon épreuve ».\n\n"
            "Prenez votre temps : vous pouvez chercher et corriger autant que vous voulez. "
            "Pour chaque entreprise, ce sont les dernières coordonnées notées qui comptent."
        ),
    }
}
