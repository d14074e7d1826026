"""Each learner's task in « Se renseigner sur l'employeur »: two employers to look up.

Step 1 (N1–N2) is the employer of a genuine offer, whose name nobody else in the directory
shares: find its page, note its address and a contact. Step 2 (N3) is one of a pair of
homonyms (same or near-same name, another commune): the mission names the commune, the
fact that tells them apart, and gives a misleading contact (the other company's address,
on a look-alike domain) to be checked against the directory.

A pure function of (world, pseudonym, activity): neighbours get different employers, and a
check recomputes the expected answers from the world alone.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from tremplin.grading.scenario_registry import register_scenario
from tremplin.grading.scenarios import stable_rng
from tremplin.widgets import geo
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t

EPREUVE = "se-renseigner-employeur"
LESSON = "lecon-employeur"

#: Candidates per world (seed, employers and offers digests): computed once per process.
_CANDIDATES: dict[tuple[int, str, str], tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {}


@dataclass(frozen=True)
class EmployerScenario:
    activity: str
    #: Step 1: the employer of a genuine offer, with a name of its own.
    employer_id: str
    employer_name: str
    offer_title: str
    offer_reference: str
    #: Step 2: the right one of two homonyms, told apart by its commune.
    target_id: str
    target_name: str
    target_commune: str
    #: The homonym (never named to the learner) and the contact given to mislead.
    decoy_id: str
    decoy_commune: str
    misleading_email: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _folded(name: str) -> str:
    return " ".join(geo.fold(name).split())


def _homonym_pairs(employers: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(target, decoy) ids: the original is the target when the homonym's name adds a word (a
    search for the original's name then finds both); either one when the names are the same."""
    by_id = {e["id"]: e for e in employers}
    pairs = []
    for employer in employers:
        original = by_id.get(str(employer.get("homonym_of") or ""))
        if original is None:
            continue
        pairs.append((original["id"], employer["id"]))
        if _folded(original["name"]) == _folded(employer["name"]):
            pairs.append((employer["id"], original["id"]))
    return sorted(pairs)


def _distinct_names(employers: list[dict[str, Any]]) -> set[str]:
    """Ids of employers whose every name word is found in no other name (one search, one result)."""
    holders: dict[str, set[str]] = {}
    words = {e["id"]: set(_folded(e["name"]).split()) for e in employers}
    for eid, name_words in words.items():
        for word in name_words:
            holders.setdefault(word, set()).add(eid)
    return {eid for eid, name_words in words.items()
            if name_words and len(set.intersection(*(holders[w] for w in name_words))) == 1}


def candidates(world: Any) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(employer id, offer id) for step 1 and (target id, decoy id) for step 2, in a fixed order."""
    files = world.manifest.files
    key = (world.manifest.seed, files.get("employers.jsonl", ""), files.get("offers.jsonl", ""))
    if key not in _CANDIDATES:
        employers = sorted(world.employers(), key=lambda e: e["id"])
        paired = {e["id"] for e in employers if e.get("homonym_of")} | {
            str(e["homonym_of"]) for e in employers if e.get("homonym_of")}
        alone = _distinct_names(employers) - paired
        first_offer: dict[str, str] = {}
        for offer in world.offers():
            eid = offer.get("employer_id")
            if eid in alone and not offer.get("scam") and not offer.get("repost_of"):
                first_offer.setdefault(eid, offer["id"])
        _CANDIDATES[key] = (sorted(first_offer.items()), _homonym_pairs(employers))
    return _CANDIDATES[key]


@register_scenario(EPREUVE, LESSON)
def employer_scenario(world: Any, learner: str, activity: str) -> EmployerScenario:
    """The two employers `learner` looks up in `activity`, in this world."""
    simple, pairs = candidates(world)
    if not simple or not pairs:
        raise TremplinError(t("employer.world_without_homonyms"))
    rng = stable_rng(world.manifest.seed, activity, learner.strip().lower())
    employer_id, offer_id = rng.choice(simple)
    target_id, decoy_id = rng.choice(pairs)
    employer, offer = world.employer(employer_id), world.offer(offer_id)
    target, decoy = world.employer(target_id), world.employer(decoy_id)
    return EmployerScenario(
        activity=activity,
        employer_id=employer_id,
        employer_name=employer["name"],
        offer_title=offer["title"],
        offer_reference=offer["reference"],
        target_id=target_id,
        target_name=target["name"],
        target_commune=target["address"]["commune"],
        decoy_id=decoy_id,
        decoy_commune=decoy["address"]["commune"],
        misleading_email=decoy["email"],
    )
