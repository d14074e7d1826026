"""axe-core in the browser tests: inject the locked axe-core (tests/node, `make test` installs it)
into a Playwright page and return the WCAG 2.1 A/AA violations at the impacts we refuse."""

from __future__ import annotations

from pathlib import Path
from typing import Any

AXE = Path(__file__).parent / "node" / "node_modules" / "axe-core" / "axe.min.js"
#: The WCAG 2.0/2.1 A and AA rules: what issue 7 asks every kiosk page to meet.
WCAG_AA_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
REFUSED_IMPACTS = ("serious", "critical")


def axe_violations(page: Any, impacts: tuple[str, ...] = REFUSED_IMPACTS) -> list[dict[str, Any]]:
    """The page's axe violations of WCAG 2.1 AA at `impacts`, each with its rule, help and nodes."""
    if not AXE.is_file():
        raise AssertionError(f"axe-core is missing ({AXE}): run `make test-deps`")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        list(WCAG_AA_TAGS),
    )
    return [
        {"rule": v["id"], "impact": v["impact"], "help": v["help"],
         "nodes": [" ".join(n["target"]) if isinstance(n["target"], list) else n["target"]
                   for n in v["nodes"]][:5]}
        for v in result["violations"] if v["impact"] in impacts
    ]


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per violation, for an assertion message a person can act on."""
    return "\n".join(f"{v['impact']}: {v['rule']} — {v['help']} — {v['nodes']}" for v in violations)
