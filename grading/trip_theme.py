"""Theme « Préparer le trajet » (R5, N1–N3): arrive on time, a trip with a change, the month's cost."""

from __future__ import annotations

from typing import Any

CHECK_MODULES = ("tremplin.grading.checks_trip",)
SCENARIO_MODULES = ("tremplin.grading.trip_scenario",)

EPREUVES: dict[str, dict[str, Any]] = {
    "preparer-trajet": {
        "title": "Épreuve : préparer le trajet",
        "show": "tremplin.grading.trip_pages:show_trip_epreuve",
        "demo": "tremplin.grading.demo_trip:TRIP_DEMO",
        "statement": (
            "# Épreuve : préparer le trajet\n\n"
            "Cette épreuve montre que vous savez **préparer un déplacement** : arriver à l'heure, "
            "savoir combien de temps dure le trajet et **combien il coûte** chaque mois.\n\n"
            "1. Lisez votre mission, juste en dessous : elle vous est propre.\n"
            "2. Trouvez un trajet qui vous fait arriver **avant** votre entretien, puis cliquez sur "
            "« Je garde ce trajet ».\n"
            "3. Trouvez aussi le trajet pour aller travailler chez votre futur employeur (il a une "
            "correspondance) et gardez-le.\n"
            "4. Calculez le coût du mois, avec l'option la moins chère (des billets ou l'abonnement), "
            "dites si la voiture coûterait plus cher, et enregistrez votre réponse.\n"
            "5. Quand vous avez fini, cliquez sur « Rendre mon épreuve ».\n\n"
            "Prenez votre temps : vous pouvez chercher autant de trajets que vous voulez. "
            "C'est le dernier trajet gardé et la dernière réponse qui comptent."
        ),
    }
}
