"""Theme « Adapter sa recherche » (R1, R2 at N3): the same search when the situation changes."""

from __future__ import annotations

from typing import Any

CHECK_MODULES = ("tremplin.grading.checks_variant",)
SCENARIO_MODULES = ("tremplin.grading.variant_scenario",)

EPREUVES: dict[str, dict[str, Any]] = {
    "adapter-recherche": {
        "title": "Épreuve : adapter sa recherche",
        "show": "tremplin.grading.variant_pages:show_variant_epreuve",
        "demo": "tremplin.grading.demo_variant:VARIANT_DEMO",
        "statement": (
            "# Épreuve : adapter sa recherche\n\n"
            "Cette épreuve montre que vous savez **adapter votre recherche** quand votre projet "
            "change, et **revoir votre sélection** d'offres.\n\n"
            "1. Lisez votre mission, juste en dessous : elle a deux étapes et vous est propre.\n"
            "2. Étape 1 : cherchez et enregistrez les offres de votre premier projet.\n"
            "3. Étape 2 : votre situation change. Cherchez avec d'autres mots et d'autres filtres, "
            "retirez les offres qui ne correspondent plus et enregistrez les nouvelles.\n"
            "4. Quand vous avez fini, cliquez sur « Rendre mon épreuve ».\n\n"
            "Prenez votre temps : vous pouvez faire autant de recherches que vous voulez."
        ),
    }
}
