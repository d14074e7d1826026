"""`tremplin world build|info|search|route`: build the seeded world, summarise it, query it.

After the world's files are written, the search index is built by
`tremplin.widgets.search.build_index(out_dir)` when that module is installed.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path
from typing import Any

from tremplin.grading import world_queries
from tremplin.widgets.i18n import t

MAX_OFFERS = 100_000


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(t("world.arg_not_integer", value=text)) from None


def seed_type(text: str) -> int:
    """argparse type: an integer ≥ 0 (one usage line otherwise)."""
    value = _integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(t("world.arg_negative_seed", value=value))
    return value


def offers_type(text: str) -> int:
    """argparse type: an integer from 1 to MAX_OFFERS."""
    value = _integer(text)
    if not 1 <= value <= MAX_OFFERS:
        raise argparse.ArgumentTypeError(t("world.arg_offers_range", value=value, max=MAX_OFFERS))
    return value


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("world", help=t("world.help", "fr"), description=t("world.help", "fr"))
    actions = parser.add_subparsers(dest="world_command", metavar="ACTION")
    build = actions.add_parser(
        "build", help=t("world.help_build", "fr"), description=t("world.help_build", "fr")
    )
    build.add_argument("--seed", type=seed_type, default=42, help=t("world.help_seed", "fr"))
    build.add_argument("--offers", type=offers_type, default=2000, help=t("world.help_offers", "fr"))
    build.add_argument("--out", type=Path, default=None, help=t("world.help_out", "fr"))
    build.add_argument("--no-index", action="store_true", help=t("world.help_no_index", "fr"))
    build.add_argument("--if-outdated", action="store_true", help=t("world.help_if_outdated", "fr"))
    build.set_defaults(func=run_build)
    info = actions.add_parser("info", help=t("world.help_info", "fr"), description=t("world.help_info", "fr"))
    info.add_argument("dir", type=Path, nargs="?", default=None, help=t("world.help_dir", "fr"))
    info.set_defaults(func=run_info)
    world_queries.register(actions)
    parser.set_defaults(func=lambda args: _usage(parser))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _default_dir(explicit: Path | None) -> Path:
    if explicit is not None:
        return explicit
    from tremplin.grading.check_context import world_dir

    return world_dir()


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_search_index(out_dir: Path) -> bool:
    """Build search.sqlite if the search engine is installed; False when it is not."""
    try:
        search = importlib.import_module("tremplin.widgets.search")
    except ModuleNotFoundError as error:
        if error.name and error.name.startswith("tremplin.widgets.search"):
            return False
        raise
    build_index = getattr(search, "build_index", None)
    if build_index is None:
        return False
    build_index(out_dir)
    return True


def is_current(out_dir: Path, seed: int, offers: int, *, with_index: bool) -> bool:
    """Whether `out_dir` already holds this kit's world of `seed` and `offers` (and its index)."""
    from tremplin.widgets.world import FORMAT, World, WorldError

    try:
        manifest = World.open(out_dir).manifest
    except WorldError:
        return False
    same = manifest.format == FORMAT and manifest.seed == seed and manifest.offers == offers
    return same and (not with_index or (out_dir / "search.sqlite").is_file())


def run_build(args: argparse.Namespace) -> int:
    from tremplin.widgets.world import build_world

    out_dir = _default_dir(args.out)
    if args.if_outdated and is_current(out_dir, args.seed, args.offers, with_index=not args.no_index):
        print(t("world.up_to_date", path=out_dir))
        return 0
    started = time.perf_counter()
    manifest = build_world(out_dir, seed=args.seed, offers=args.offers, progress=_progress)
    if not args.no_index:
        _progress(t("world.progress_index") if build_search_index(out_dir) else t("world.no_search_index"))
    seconds = f"{time.perf_counter() - started:.1f}".replace(".", ",")
    print(
        t(
            "world.built",
            path=out_dir,
            seed=manifest.seed,
            offers=manifest.offers,
            employers=manifest.employers,
            scams=manifest.scams,
            seconds=seconds,
        )
    )
    return 0


def run_info(args: argparse.Namespace) -> int:
    from tremplin.widgets.world import World

    world = World.open(_default_dir(args.dir))
    manifest = world.manifest
    print(
        t(
            "world.info",
            path=world.root,
            seed=manifest.seed,
            reference_date=manifest.reference_date,
            offers=manifest.offers,
            scams=manifest.scams,
            employers=manifest.employers,
            lines=len(world.transport.get("lines", [])),
            messages=len(world.inbox_paths()),
            label=manifest.label_fr,
        )
    )
    return 0
