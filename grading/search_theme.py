"""Theme « Chercher des offres » (R1, R2 at N1–N2): the first épreuve of the kit."""

from __future__ import annotations

from typing import Any

CHECK_MODULES = ("tremplin.grading.checks_search", "tremplin.grading.checks_compare")
SCENARIO_MODULES: tuple[str, ...] = ()  # the default scenario (grading/scenarios.py)

EPREUVES: dict[str, dict[str, Any]] = {
    "chercher-offres": {
        "title": "Épreuve : chercher des offres d'emploi",
        "show": "tremplin.grading.search_pages:show_search_epreuve",
        "demo": "tremplin.grading.demo_learners:SEARCH_DEMO",
        "statement": (
            "# Épreuve : chercher des offres d'emploi\n\n"
            "Cette épreuve montre que vous savez **chercher des offres d'emploi** et **garder "
            "celles qui correspondent à votre projet**.\n\n"
            "1. Lisez votre mission, juste en dessous : elle vous est propre.\n"
            "2. Cherchez les offres avec les mots et les filtres de votre choix. Vous pouvez "
            "faire autant de recherches que vous voulez.\n"
            "3. Enregistrez les offres qui correspondent à votre mission.\n"
            "4. Quand vous avez fini, cliquez sur « Rendre mon épreuve ».\n\n"
            "Prenez votre temps : il n'y a pas de piège, et vous pouvez demander de l'aide "
            "pour utiliser l'ordinateur."
        ),
    }
}
