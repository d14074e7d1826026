"""The seeded simulated world: employers, job offers, transport and inbox (see docs/world-format.md).

`build_world(out_dir, seed, offers)` writes a world; `World.open(out_dir)` reads one.
"""

from tremplin.widgets.world.build import build_world
from tremplin.widgets.world.errors import WorldError
from tremplin.widgets.world.manifest import FORMAT, REFERENCE_DATE, WorldManifest
from tremplin.widgets.world.model import World

__all__ = ["FORMAT", "REFERENCE_DATE", "World", "WorldError", "WorldManifest", "build_world"]
