"""Each learner's offers to review in « Repérer une offre douteuse »: three genuine, three scams.

A pure function of (world, pseudonym, activity): three genuine offers of one job family,
two scams of the common kind (money, webmail, papers, pay too good) and one scam of the
other pattern (parcels to reship, money through one's account, a premium-rate number),
in an order of the learner's own. Neighbours get other offers; a check recomputes which
offers are scams from the same world.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from tremplin.grading.scenario_registry import register_scenario
from tremplin.grading.scenarios import stable_rng
from tremplin.widgets.world.scams import NEW_SIGNS, is_new_pattern

EPREUVE = "reperer-arnaque"
LESSON = "lecon-arnaques"
GENUINE, COMMON = 3, 2

#: Offer pools per world (seed, offers digest): one pass over the offers per process.
_POOLS: dict[tuple[int, str], Pools] = {}


@dataclass(frozen=True)
class Pools:
    #: family code → ids of its genuine offers (reposts left out: one job, one card)
    genuine: dict[str, tuple[str, ...]]
    common: tuple[str, ...]
    new: tuple[str, ...]


@dataclass(frozen=True)
class ScamScenario:
    activity: str
    family: str
    job: str
    #: the six offers, in the order the learner reads them
    offer_ids: tuple[str, ...]
    genuine_ids: tuple[str, ...]
    common_scam_ids: tuple[str, ...]
    #: the scam of the other pattern (an ordinary one if the world has none)
    new_scam_id: str

    @property
    def scam_ids(self) -> tuple[str, ...]:
        return (*self.common_scam_ids, self.new_scam_id)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def offer_pools(world: Any) -> Pools:
    key = (world.manifest.seed, world.manifest.files.get("offers.jsonl", ""))
    if key not in _POOLS:
        genuine: dict[str, list[str]] = {}
        common: list[str] = []
        new: list[str] = []
        for offer in world.offers():
            if offer.get("scam"):
                (new if is_new_pattern(offer) else common).append(offer["id"])
            elif not offer.get("repost_of"):
                genuine.setdefault(offer["family"], []).append(offer["id"])
        _POOLS[key] = Pools({f: tuple(ids) for f, ids in sorted(genuine.items()) if len(ids) >= GENUINE},
                            tuple(common), tuple(new))
    return _POOLS[key]


@register_scenario(EPREUVE, LESSON)
def scams_scenario(world: Any, learner: str, activity: str) -> ScamScenario:
    """The six offers `learner` reviews in `activity`."""
    pools = offer_pools(world)
    if not pools.genuine or len(pools.common) + len(pools.new) < COMMON + 1:
        raise RuntimeError("the world has too few offers or scams for the scam-spotting task")
    rng = stable_rng(world.manifest.seed, activity, "arnaques", learner.strip().lower())
    family = rng.choice(sorted(pools.genuine))
    genuine = tuple(rng.sample(pools.genuine[family], GENUINE))
    if pools.new and len(pools.common) >= COMMON:
        common = tuple(rng.sample(pools.common, COMMON))
        new = rng.choice(pools.new)
    else:  # a tiny world without the other pattern: a third ordinary scam stands in
        *common_list, new = rng.sample(pools.common + pools.new, COMMON + 1)
        common = tuple(common_list)
    order = [*genuine, *common, new]
    rng.shuffle(order)
    info = world.family(family) or {}
    job = str(info.get("job") or info.get("label") or family)
    return ScamScenario(activity=activity, family=family, job=job, offer_ids=tuple(order),
                        genuine_ids=genuine, common_scam_ids=common, new_scam_id=new)


def new_signs(offer: dict[str, Any] | None) -> list[str]:
    """The signs of the other pattern an offer carries (all its signs if it has none of them)."""
    signs = [s for s in (offer or {}).get("scam_signs") or [] if isinstance(s, str)]
    return [s for s in signs if s in NEW_SIGNS] or signs
