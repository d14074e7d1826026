"""`tremplin demo`: the whole chain on three simulated learners, in a fresh folder.

World → course → each learner drives the real search widget → hand-in through nbgrader's
exchange → collect → nbgrader autograde → per-competence report. Mediators use it to see
what Tremplin does before a session; the end-to-end test asserts on its report.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

DEMO_SEED = 42
DEMO_OFFERS = 2000


def prepare_world(root: Path, *, seed: int, offers: int, progress: Callable[[str], None]) -> Any:
    from tremplin.widgets.search import build_index
    from tremplin.widgets.world import World, build_world

    world_dir = root / "world"
    if not (world_dir / "world.json").exists():
        build_world(world_dir, seed=seed, offers=offers, progress=progress)
    if not (world_dir / "search.sqlite").exists():
        build_index(world_dir)
    return World.open(world_dir)


def demo_epreuves() -> list[str]:
    """The épreuves whose theme says how simulated learners work on them."""
    from tremplin.grading.epreuves import EPREUVES

    return [epreuve for epreuve, info in EPREUVES.items() if info.get("demo")]


def simulate_learners(
    root: Path, world: Any, epreuves: list[str], progress: Callable[[str], None]
) -> list[str]:
    """Each simulated learner opens each épreuve, works their way, and hands it in."""
    from tremplin.grading.demo_plan import LEARNER_NAMES, TAMPERER
    from tremplin.grading.demo_tamper import tamper
    from tremplin.grading.epreuves import EPREUVES
    from tremplin.grading.exchange import hand_in
    from tremplin.grading.themes import resolve
    from tremplin.widgets.workspace import Workspace, pseudonym_slug

    slugs = []
    for pseudonym in LEARNER_NAMES:
        slug = pseudonym_slug(pseudonym)
        workspace = Workspace.create(root / "learners" / slug, pseudonym, world=world_identity(world))
        workspace.seed_inbox(world.inbox_paths())
        for epreuve in epreuves:
            plan = resolve(EPREUVES[epreuve]["demo"])
            plan.play(pseudonym, plan.build_page(workspace, root, world))
            submission = hand_in(root, epreuve, slug, workspace.root)
            progress(f"{pseudonym} ({slug}) : {epreuve} rendue / handed in")
            if pseudonym == TAMPERER and tamper(submission, epreuve):
                progress(f"{pseudonym} ({slug}) : rendu de {epreuve} modifié / hand-in tampered with")
        slugs.append(slug)
    return slugs


def world_identity(world: Any) -> dict[str, Any]:
    return {"seed": world.manifest.seed, "offers": world.manifest.offers}


def run_demo(
    root: Path,
    *,
    course_dir: Path | None = None,
    seed: int = DEMO_SEED,
    offers: int = DEMO_OFFERS,
    progress: Callable[[str], None] = print,
) -> Any:
    """Runs the chain in `root` (a fresh data root) and returns the course report.

    `course_dir` puts the nbgrader course elsewhere than root/course; its config records
    the data root, so `tremplin report --course DIR` finds everything afterwards.
    """
    from tremplin.grading.course import CourseLayout, init_course, open_course, scoped_environ
    from tremplin.grading.demo_mediator import mediate
    from tremplin.grading.exchange import collect_epreuves, release_epreuves
    from tremplin.grading.gradebook_report import course_report
    from tremplin.grading.group_grading import grade_group

    progress("Construction du monde simulé / building the world…")
    world = prepare_world(root, seed=seed, offers=offers, progress=progress)
    layout = CourseLayout.under(root, course_dir)
    epreuves = demo_epreuves()
    init_course(layout, epreuves=epreuves)
    course = open_course(layout.course_dir)
    _require(release_epreuves(course, epreuves, progress=progress))
    with scoped_environ(TREMPLIN_COURSE=str(layout.course_dir)):  # the kiosk's side finds it
        simulate_learners(root, world, epreuves, progress)
    _require(collect_epreuves(course, epreuves, progress=progress))
    _require(grade_group(course, epreuves, progress=progress))
    mediate(course, progress)
    return course_report(course)


def _require(results: list[Any]) -> None:
    from tremplin.widgets.errors import TremplinError

    failed = [r for r in results if not r.ok]
    if failed:
        raise TremplinError("; ".join(f"{r.epreuve} {r.student or ''}: {r.message}" for r in failed))
