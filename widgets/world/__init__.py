"""The seeded simulated world: employers, job offers, transport and inbox (see docs/world-format.md).

`build_world(out_dir, seed, offers)` writes a world; `World.open(out_dir)` reads one.
Building needs Faker; it is imported only when a world is built, so reading a world in a
kiosk kernel or a checks process stays light.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tremplin.widgets.world.errors import WorldError
from tremplin.widgets.world.manifest import FORMAT, MAX_OFFERS, REFERENCE_DATE, WorldManifest
from tremplin.widgets.world.model import World

__all__ = ["FORMAT", "MAX_OFFERS", "REFERENCE_DATE", "World", "WorldError", "WorldManifest", "build_world"]


def build_world(
    out_dir: Path, seed: int = 42, offers: int = 2000, progress: Callable[[str], None] | None = None
) -> WorldManifest:
    """Write the world of `seed` with `offers` offers into `out_dir` (see build.build_world)."""
    from tremplin.widgets.world.build import build_world as build

    return build(out_dir, seed=seed, offers=offers, progress=progress)
