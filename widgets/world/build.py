"""build_world: the whole simulated world written to a folder, from a seed.

Steps, in order: communes, employers (with their homonyms, which post no offer), offers
(streamed), transport, inbox, and the manifest last, so a folder without world.json is
never mistaken for a finished world.
search.sqlite is not written here: the search engine derives it from offers.jsonl.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from tremplin.widgets import geo
from tremplin.widgets.i18n import t
from tremplin.widgets.world import content
from tremplin.widgets.world.employers import employer_count, generate_employers, generate_lookalikes
from tremplin.widgets.world.errors import WorldError
from tremplin.widgets.world.files import dumps_document, sha256_file, write_jsonl, write_text
from tremplin.widgets.world.inbox import OfferSample, write_inbox
from tremplin.widgets.world.manifest import FORMAT, MAX_OFFERS, REFERENCE_DATE, WorldManifest
from tremplin.widgets.world.offers import PUBLICATION_WINDOW_DAYS, generate_offers
from tremplin.widgets.world.transport import build_transport

MANIFEST_NAME = "world.json"
PROGRESS_EVERY = 10_000

Progress = Callable[[str], None]


def _commune_records() -> Iterator[dict[str, Any]]:
    for c in geo.communes():
        yield {
            "insee": c.insee,
            "name": c.name,
            "departement": c.departement,
            "postcodes": list(c.postcodes),
            "lat": c.lat,
            "lon": c.lon,
            "population": c.population,
        }


@cache
def _transport_text() -> str:
    """transport.json's text: the network does not depend on the seed, so make it once."""
    return dumps_document(build_transport())


def check_arguments(seed: int, offers: int) -> None:
    """Refuse what the world cannot be made from, with a French one-line reason."""
    if isinstance(offers, bool) or not isinstance(offers, int) or not 1 <= offers <= MAX_OFFERS:
        raise WorldError(t("world.bad_offers", value=offers, max=MAX_OFFERS))
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise WorldError(t("world.bad_seed", value=seed))


def prepare_folder(out_dir: Path) -> None:
    """Create the folder (or reuse it), drop the manifest and stale inbox of an older build."""
    if out_dir.exists() and not out_dir.is_dir():
        raise WorldError(t("world.out_not_folder", path=out_dir))
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / MANIFEST_NAME).unlink(missing_ok=True)
        inbox = out_dir / "inbox"
        if inbox.is_dir():
            for old in sorted(inbox.glob("*.eml")):
                old.unlink()
        probe = out_dir / f".write-test.{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise WorldError(t("world.out_unwritable", path=out_dir, reason=error.strerror or error)) from error


def build_world(
    out_dir: Path, seed: int = 42, offers: int = 2000, progress: Progress | None = None
) -> WorldManifest:
    """Write the world of `seed` with `offers` offers into `out_dir` and return its manifest."""
    check_arguments(seed, offers)
    out_dir = Path(out_dir)
    say: Progress = progress or (lambda message: None)
    prepare_folder(out_dir)
    reference = dt.date.fromisoformat(REFERENCE_DATE)
    files: dict[str, str] = {}
    try:
        files["communes.jsonl"] = write_jsonl(out_dir / "communes.jsonl", _commune_records())
        directory = generate_employers(seed, employer_count(offers))
        # homonyms go to the directory file only: offers and inbox are drawn from `directory`
        everyone = directory.employers + generate_lookalikes(seed, directory)
        files["employers.jsonl"] = write_jsonl(out_dir / "employers.jsonl", everyone)
        say(t("world.progress_employers", count=len(everyone)))
        sample = OfferSample(seed, offers)
        counts = {"scams": 0}

        def stream() -> Iterator[dict[str, Any]]:
            for index, offer in enumerate(generate_offers(seed, offers, directory, reference)):
                sample.see(index, offer)
                counts["scams"] += offer["scam"]
                if (index + 1) % PROGRESS_EVERY == 0 or index + 1 == offers:
                    say(t("world.progress_offers", done=index + 1, total=offers))
                yield offer

        files["offers.jsonl"] = write_jsonl(out_dir / "offers.jsonl", stream())
        files["transport.json"] = write_text(out_dir / "transport.json", _transport_text())
        say(t("world.progress_transport"))
        by_id = {e["id"]: e for e in directory.employers}
        for path in write_inbox(out_dir, seed, reference, sample, by_id):
            files[f"inbox/{path.name}"] = sha256_file(path)
        say(t("world.progress_inbox"))
        manifest = WorldManifest(
            format=FORMAT,
            seed=seed,
            offers=offers,
            employers=len(everyone),
            scams=counts["scams"],
            reference_date=REFERENCE_DATE,
            publication_window_days=PUBLICATION_WINDOW_DAYS,
            label_fr=t("world.label", "fr"),
            inbox_to=content.inbox_templates()["to"]["address"],
            files=dict(sorted(files.items())),
        )
        write_text(out_dir / MANIFEST_NAME, dumps_document(manifest.to_json()))
    except OSError as error:
        raise WorldError(t("world.out_unwritable", path=out_dir, reason=error.strerror or error)) from error
    return manifest
