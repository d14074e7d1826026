"""One independent random stream per part of the world, all derived from the seed.

Each generator (employers, offers, scams, inbox...) draws from its own stream, so adding
a draw in one part never shifts the others, and the same seed gives the same world.
"""

from __future__ import annotations

import hashlib
import random

from faker import Faker


def stream_seed(seed: int, name: str) -> int:
    """A 64-bit seed for the stream `name`, stable across Python versions and runs."""
    digest = hashlib.sha256(f"tremplin-world:{seed}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def rng_for(seed: int, name: str) -> random.Random:
    return random.Random(stream_seed(seed, name))


def faker_for(seed: int, name: str) -> Faker:
    """A French Faker seeded for this stream only (never the shared class-level seed)."""
    fake = Faker("fr_FR")
    fake.seed_instance(stream_seed(seed, name))
    return fake
