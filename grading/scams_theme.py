"""Theme « Repérer une offre douteuse » (R3, N1–N3): report scam offers, keep none, trust the rest."""

from __future__ import annotations

from typing import Any

CHECK_MODULES = ("tremplin.grading.checks_scams",)
SCENARIO_MODULES = ("tremplin.grading.scams_scenario",)

EPREUVES: dict[str, dict[str, Any]] = {
    "reperer-arnaque": {
        "title": "Épreuve : repérer une offre douteuse",
        "show": "tremplin.grading.scams_pages:show_scams_epreuve",
        "demo": "tremplin.grading.demo_scams:SCAMS_DEMO",
        "statement": (
            "# Épreuve : repérer une offre douteuse\n\n"
            "Cette épreuve montre que vous savez **reconnaître une offre d'emploi douteuse** (une "
            "arnaque) et **ne pas la garder**.\n\n"
            "1. Lisez votre mission, juste en dessous : vos six offres vous sont propres.\n"
            "2. Lisez chaque offre en entier. Cochez les signes d'alerte que vous voyez.\n"
            "3. Si l'offre vous semble douteuse, cliquez sur « Je signale cette offre ». "
            "Sinon, cliquez sur « Cette offre me semble fiable ».\n"
            "4. Enregistrez dans votre sélection au moins une offre fiable.\n"
            "5. Quand vous avez fini, cliquez sur « Rendre mon épreuve ».\n\n"
            "Prenez votre temps : c'est votre dernière décision sur chaque offre qui compte. "
            "Attention, une arnaque ne demande pas toujours de l'argent."
        ),
    }
}
