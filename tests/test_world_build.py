"""The simulated world: deterministic files, offers, scams, employers, transport and inbox."""

from __future__ import annotations

import datetime as dt
import email
import json
from email import policy
from pathlib import Path

import pytest
from tremplin.widgets import geo
from tremplin.widgets.world import REFERENCE_DATE, World, build_world, content
from tremplin.widgets.world.identifiers import luhn_valid
from tremplin.widgets.world.manifest import MAX_OFFERS

OFFERS = 200
OFFER_KEYS = [
    "id",
    "reference",
    "title",
    "family",
    "family_label",
    "employer_id",
    "employer_name",
    "insee",
    "commune",
    "postcode",
    "lat",
    "lon",
    "contract",
    "working_time",
    "hours_per_week",
    "salary_min",
    "salary_max",
    "salary_period",
    "published",
    "description",
    "skills",
    "contact_email",
    "scam",
    "scam_signs",
    "repost_of",
]
CONTRACTS = {"CDI", "CDD", "Intérim", "Alternance", "Saisonnier"}


@pytest.fixture(scope="module")
def world_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("world") / "w"
    build_world(folder, seed=7, offers=OFFERS)
    return folder


@pytest.fixture(scope="module")
def world(world_dir: Path) -> World:
    return World.open(world_dir)


@pytest.fixture(scope="module")
def offers(world: World) -> list[dict]:
    return list(world.offers())


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def test_same_seed_gives_byte_identical_files(world_dir: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build_world(again, seed=7, offers=OFFERS)
    first, second = _files(world_dir), _files(again)
    assert sorted(first) == sorted(second)
    assert "offers.jsonl" in first and "inbox/0001.eml" in first
    for name in first:
        assert first[name] == second[name], name


def test_other_seed_gives_another_world(world_dir: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    build_world(other, seed=8, offers=OFFERS)
    for name in ("offers.jsonl", "employers.jsonl"):
        assert (world_dir / name).read_bytes() != (other / name).read_bytes()


def test_manifest_lists_every_file_with_its_hash(world: World, world_dir: Path) -> None:
    import hashlib

    manifest = json.loads((world_dir / "world.json").read_text(encoding="utf-8"))
    assert list(manifest)[:4] == ["format", "seed", "offers", "employers"]
    assert manifest["seed"] == 7 and manifest["offers"] == OFFERS
    assert manifest["reference_date"] == REFERENCE_DATE == world.manifest["reference_date"]
    assert "simulé" in manifest["label_fr"].lower()
    written = {p.relative_to(world_dir).as_posix() for p in world_dir.rglob("*") if p.is_file()} - {
        "world.json"
    }
    assert set(manifest["files"]) == written
    for name, digest in manifest["files"].items():
        assert hashlib.sha256((world_dir / name).read_bytes()).hexdigest() == digest


def test_offers_have_the_documented_fields_and_values(offers: list[dict]) -> None:
    assert len(offers) == OFFERS
    assert [o["id"] for o in offers] == sorted(o["id"] for o in offers)
    families = {f["code"]: f for f in content.families()}
    for offer in offers:
        assert list(offer) == OFFER_KEYS
        assert offer["contract"] in CONTRACTS
        assert offer["working_time"] in {"Temps plein", "Temps partiel"}
        assert offer["salary_period"] in {"mois", "heure"}
        assert 0 < offer["salary_min"] <= offer["salary_max"]
        assert offer["family"] in families and offer["family_label"] == families[offer["family"]]["label"]
        assert offer["title"].endswith("(H/F)")
        assert len(offer["description"]) > 200 and "lorem" not in offer["description"].lower()
        assert offer["contact_email"].endswith(".example")
        assert (offer["working_time"] == "Temps plein") == (offer["hours_per_week"] >= 35)


def test_genuine_pay_is_realistic(offers: list[dict]) -> None:
    for offer in offers:
        if offer["scam"]:
            continue
        if offer["salary_period"] == "heure":
            assert 12.0 <= offer["salary_min"] <= 14.0
        elif offer["contract"] != "Alternance":
            full_time = offer["salary_min"] * 35 / offer["hours_per_week"]
            assert 1800 <= full_time <= 2900, offer["id"]


def test_publication_dates_are_in_the_window_before_the_reference(offers: list[dict]) -> None:
    reference = dt.date.fromisoformat(REFERENCE_DATE)
    dates = [dt.date.fromisoformat(o["published"]) for o in offers]
    assert all(reference - dt.timedelta(days=59) <= d <= reference for d in dates)
    assert len(set(dates)) > 20


def test_offers_are_in_real_communes_and_their_employers_exist(world: World, offers: list[dict]) -> None:
    for offer in offers:
        commune = geo.by_insee(offer["insee"])
        assert commune is not None and commune.name == offer["commune"]
        assert offer["postcode"] in commune.postcodes
        assert geo.distance_km(commune.lat, commune.lon, offer["lat"], offer["lon"]) < 3
        if offer["employer_id"] is None:
            assert offer["scam"]
            continue
        employer = world.employer(offer["employer_id"])
        assert employer is not None and employer["name"] == offer["employer_name"]
        if not offer["scam"]:
            assert offer["contact_email"] == employer["email"]
            assert offer["family"] in employer["families"]


def test_employers_look_real_but_reach_nobody(world: World) -> None:
    employers = list(world.employers())
    assert len(employers) >= 80
    assert len({e["email"] for e in employers}) == len(employers)
    assert {geo.by_insee(e["address"]["insee"]).departement for e in employers} == {"22", "29", "35", "56"}
    for e in employers:
        assert e["email"].endswith(".example") and e["website"].endswith(".example")
        assert e["phone"].startswith("02 61 91 ") and len(e["phone"]) == 14
        assert len(e["siret"]) == 14 and luhn_valid(e["siret"]) and luhn_valid(e["siret"][:9])
        assert e["address"]["commune"] in e["page"] and e["email"] in e["page"]
        assert geo.by_insee(e["address"]["insee"]).name == e["address"]["commune"]


def test_scams_are_a_few_per_cent_and_show_their_signs(offers: list[dict]) -> None:
    patterns = content.scam_patterns()
    scams = [o for o in offers if o["scam"]]
    assert 0.03 <= len(scams) / len(offers) <= 0.05
    assert len({tuple(o["scam_signs"]) for o in scams}) >= 3
    markers = {sign: spec["markers"] for sign, spec in patterns["signs"].items()}
    for offer in offers:
        present = {sign for sign, words in markers.items() if any(w in offer["description"] for w in words)}
        assert present == set(offer["scam_signs"]), offer["id"]
        assert offer["scam"] == bool(offer["scam_signs"])
        if "webmail" in offer["scam_signs"]:
            assert offer["contact_email"].split("@")[1] in patterns["webmail_domains"]
        if "pay_too_good" in offer["scam_signs"]:
            assert offer["salary_min"] >= 3000 and offer["hours_per_week"] <= 12


def test_scam_proportion_holds_on_a_larger_world(tmp_path: Path) -> None:
    build_world(tmp_path / "w", seed=3, offers=1000)
    scams = sum(o["scam"] for o in World.open(tmp_path / "w").offers())
    assert 30 <= scams <= 50


def test_every_family_has_codes_titles_and_synonyms(world: World) -> None:
    families = world.families()
    assert len(families) >= 30
    assert len({f["code"] for f in families}) == len(families)
    for f in families:
        assert f["code"][0].isalpha() and f["code"][1:].isdigit() and len(f["code"]) == 5
        assert f["titles"] and all("/" in t or t.endswith("(H/F)") for t in f["titles"])
        assert len(f["synonyms"]) >= 5 and f["skills"] and f["job"]
    assert world.family("D1106")["label"] == "Vente en alimentation"
    assert world.family("Z9999") is None
    world.families()[0]["label"] = "changed"
    assert world.families()[0]["label"] != "changed"


def test_offer_lookup_by_id(world: World, offers: list[dict]) -> None:
    assert world.offer(offers[41]["id"]) == offers[41]
    assert world.offer(offers[-1]["id"]) == offers[-1]
    assert world.offer("OF-999999") is None


def test_transport_lines_serve_real_communes_with_sorted_departures(world: World) -> None:
    network = world.transport
    assert network["simulated"] is True and "simulé" in network["label_fr"].lower()
    fares = network["fares"]
    assert fares["coach"]["eur"] == 2.5 and fares["train"]["eur_per_km"] == 0.13
    assert fares["train"]["minimum_eur"] == 2.0 and fares["car"]["eur_per_km"] == 0.606
    assert any(p["mode"] == "coach" for p in fares["passes"]) and any(
        p["mode"] == "train" for p in fares["passes"]
    )
    lines = network["lines"]
    assert {line["mode"] for line in lines} == {"train", "coach"}
    assert len({line["id"] for line in lines}) == len(lines)
    for line in lines:
        assert line["fare"] in fares and len(line["stops"]) >= 2
        assert all(geo.by_insee(s["insee"]) is not None for s in line["stops"])
        minutes = [s["minutes"] for s in line["stops"]]
        assert minutes[0] == 0 and minutes == sorted(minutes) and len(set(minutes)) == len(minutes)
        for direction in ("forward", "backward"):
            times = line["departures"][direction]
            assert times and times == sorted(times) and all(len(t) == 5 and t[2] == ":" for t in times)


def test_a_mid_sized_commune_reaches_a_main_town_with_one_change(world: World) -> None:
    lines = world.transport["lines"]
    served = {s["insee"] for line in lines for s in line["stops"]}
    missing = [c.name for c in geo.communes() if c.population >= 2000 and c.insee not in served]
    assert missing == []
    trains = [line for line in lines if line["mode"] == "train"]
    station = {s["insee"] for line in trains for s in line["stops"]}
    big = {c.insee for c in geo.communes() if c.population >= 10000}
    stops_of = [{s["insee"] for s in line["stops"]} for line in lines]
    towns = station | big
    for commune in geo.communes():
        if commune.population < 2000:
            continue
        first_leg = set().union(*(stops for stops in stops_of if commune.insee in stops))
        with_change = set().union(*(stops for stops in stops_of if stops & first_leg))
        assert with_change & towns - {commune.insee}, commune.name


def test_inbox_messages_parse_and_carry_their_kind(world: World) -> None:
    paths = world.inbox_paths()
    assert 10 <= len(paths) <= 14
    kinds, dates = [], []
    for path in paths:
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        kind = message["X-Tremplin-Kind"]
        kinds.append(kind)
        dates.append(message["Date"].datetime)
        assert message["Date"] and message["Message-ID"].endswith(".example>")
        assert message["From"].addresses[0].domain.endswith(".example")
        body = message.get_body(preferencelist=("plain",)).get_content()
        assert len(body) > 100
        if kind == "recruiter":
            employer = world.employer(message["X-Tremplin-Employer"])
            offer = world.offer(message["X-Tremplin-Offer"])
            assert employer and offer and not offer["scam"]
            assert message["From"].addresses[0].addr_spec == employer["email"]
            assert offer["reference"] in body or offer["reference"] in message["Subject"]
        if kind == "phishing":
            assert ".example" in body or "IBAN" in body
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    reference = dt.datetime.fromisoformat(REFERENCE_DATE + "T23:59:59+01:00")
    assert all(reference - dt.timedelta(days=8) <= d <= reference for d in dates)
    assert kinds.count("phishing") >= 2 and kinds.count("recruiter") >= 4
    assert {"newsletter", "alert"} <= set(kinds)
    interview = [p for p in paths if "entretien" in p.read_text(encoding="utf-8", errors="replace").lower()]
    assert interview


def test_build_refuses_bad_counts(tmp_path: Path) -> None:
    from tremplin.widgets.world import WorldError

    for bad in (0, -5, MAX_OFFERS + 1):
        with pytest.raises(WorldError, match="offres"):
            build_world(tmp_path / "w", offers=bad)
    with pytest.raises(WorldError, match="[Gg]raine"):
        build_world(tmp_path / "w", seed=-1, offers=10)


def test_rebuild_replaces_an_older_world(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    build_world(folder, seed=1, offers=50)
    (folder / "inbox" / "9999.eml").write_bytes(b"stale")
    build_world(folder, seed=2, offers=60)
    world = World.open(folder)
    assert world.manifest.seed == 2 and len(list(world.offers())) == 60
    assert not (folder / "inbox" / "9999.eml").exists()


def test_reposts_copy_an_earlier_genuine_offer_under_a_new_reference(offers: list[dict]) -> None:
    by_id = {o["id"]: o for o in offers}
    reposts = [o for o in offers if o["repost_of"]]
    assert reposts, "a world should hold a few re-published offers"
    assert len(reposts) < 0.05 * len(offers)
    for offer in reposts:
        original = by_id[offer["repost_of"]]
        assert original["id"] < offer["id"] and not original["scam"] and not original["repost_of"]
        for key in ("title", "employer_id", "insee", "contract", "salary_min", "family"):
            assert offer[key] == original[key]
        assert offer["published"] >= original["published"]
        assert offer["reference"] in offer["description"]
        assert original["reference"] not in offer["description"]
