"""The épreuves of the kit: their title, their statement and the page that runs them.

The statement is shown both in the nbgrader source notebook (for mediators) and on the
learner's kiosk page, from this one place.
"""

from __future__ import annotations

from typing import Any

EPREUVES: dict[str, dict[str, Any]] = {
    "chercher-offres": {
        "title": "Épreuve : chercher des offres d'emploi",
        "page": 'from tremplin.grading.epreuve_page import show_epreuve\nshow_epreuve("chercher-offres")',
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
