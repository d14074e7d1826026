"""Everything a check may read, loaded once: the workspace's events, the world, the scenario.

Events are scoped to one activity (a lesson or an épreuve): practising in a lesson must
not count in an épreuve, and every event a widget records carries its activity under
`data["context"]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tremplin.grading.scenario_registry import scenario_for
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t
from tremplin.widgets.paths import data_root
from tremplin.widgets.workspace import Workspace
from tremplin.widgets.world import World


@dataclass(frozen=True)
class CheckContext:
    workspace: Workspace
    world: Any
    #: The learner's task for this activity (a SearchScenario, a TripScenario…).
    scenario: Any
    activity: str
    events: tuple[Any, ...]

    def of_kind(self, kind: str) -> list[Any]:
        return [event for event in self.events if event.kind == kind]


def world_dir(root: Path | None = None) -> Path:
    return data_root(root) / "world"


def activity_events(workspace: Workspace, activity: str) -> tuple[Any, ...]:
    return tuple(e for e in workspace.events() if e.data.get("context") == activity)


def load_context(
    workspace_dir: Path, activity: str, *, world: Any | None = None, root: Path | None = None
) -> CheckContext:
    """Open the workspace and the world it was made with; raise TremplinError if unusable."""
    workspace = Workspace.open(Path(workspace_dir))
    if world is None:
        world = World.open(world_dir(root))
    expected = (workspace.profile.get("world") or {}).get("seed")
    if expected is not None and expected != world.manifest.seed:
        raise TremplinError(t("checks.world_mismatch", seed=expected))
    scenario = scenario_for(world, workspace.pseudonym, activity)
    return CheckContext(
        workspace=workspace,
        world=world,
        scenario=scenario,
        activity=activity,
        events=activity_events(workspace, activity),
    )
