"""A small synthetic world for the search tests, written to the format of docs/world-format.md.

The real world generator is not needed: these offers have realistic titles (with
"Vendeur / Vendeuse", "Cuisinier / Cuisinière", accented words), real Brittany communes,
dates counted back from the reference date, a few hostile texts (HTML in a title and a
description) and a few offers placed at known distances from Rennes for radius tests.
The same function, with a larger count, writes the 10k/100k worlds used to time queries.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
from pathlib import Path
from typing import Any

from tremplin.widgets import geo

REFERENCE_DATE = dt.date(2026, 11, 2)
RENNES = "35238"

FAMILIES: list[dict[str, Any]] = [
    {"code": "D1106", "label": "Vente en alimentation",
     "titles": ["Vendeur / Vendeuse en boulangerie (H/F)", "Vendeur / Vendeuse en boucherie"],
     "synonyms": ["vendeur", "vendeuse", "boulangerie", "commerce alimentaire"]},
    {"code": "D1214", "label": "Vente en habillement et accessoires",
     "titles": ["Vendeur / Vendeuse en prêt-à-porter", "Conseiller / Conseillère de vente"],
     "synonyms": ["vendeur textile", "conseillère de vente"]},
    {"code": "G1602", "label": "Personnel de cuisine",
     "titles": ["Cuisinier / Cuisinière (H/F)", "Commis de cuisine", "Plongeur / Plongeuse"],
     "synonyms": ["chef de partie", "cuisine", "restauration collective"]},
    {"code": "D1505", "label": "Personnel de caisse",
     "titles": ["Hôte / Hôtesse de caisse", "Employé / Employée de caisse"],
     "synonyms": ["caissier", "caissière", "encaissement"]},
    {"code": "K2204", "label": "Nettoyage de locaux",
     "titles": ["Agent / Agente d'entretien des locaux", "Agent / Agente de propreté"],
     "synonyms": ["ménage", "femme de ménage", "homme de ménage"]},
    {"code": "J1501", "label": "Soins d'hygiène et de confort du patient",
     "titles": ["Aide-soignant / Aide-soignante", "Agent / Agente de service hospitalier"],
     "synonyms": ["ASH", "aide à la personne", "EHPAD"]},
    {"code": "A1203", "label": "Aménagement et entretien des espaces verts",
     "titles": ["Jardinier / Jardinière paysagiste", "Ouvrier / Ouvrière des espaces verts"],
     "synonyms": ["paysagiste", "élagage", "tonte"]},
    {"code": "N1103", "label": "Magasinage et préparation de commandes",
     "titles": ["Préparateur / Préparatrice de commandes", "Cariste (H/F)"],
     "synonyms": ["logistique", "entrepôt", "magasinier"]},
]

#: More families for the timing worlds, so that a query matches a realistic share of offers.
MORE_TITLES = {
    "Accueil": ["Agent / Agente d'accueil", "Standardiste"],
    "Secrétariat": ["Secrétaire administratif / administrative", "Assistant / Assistante de direction"],
    "Comptabilité": ["Comptable (H/F)", "Aide-comptable"],
    "Maçonnerie": ["Maçon / Maçonne", "Manœuvre du bâtiment"],
    "Électricité du bâtiment": ["Électricien / Électricienne du bâtiment"],
    "Plomberie et chauffage": ["Plombier / Plombière chauffagiste"],
    "Peinture en bâtiment": ["Peintre en bâtiment (H/F)"],
    "Menuiserie": ["Menuisier / Menuisière d'agencement"],
    "Mécanique automobile": ["Mécanicien / Mécanicienne automobile", "Carrossier / Carrossière"],
    "Transport de marchandises": ["Chauffeur-livreur / Chauffeuse-livreuse",
                                  "Conducteur / Conductrice poids lourd"],
    "Transport de personnes": ["Conducteur / Conductrice de car", "Chauffeur / Chauffeuse de taxi"],
    "Petite enfance": ["Auxiliaire de puériculture", "Assistant / Assistante maternelle"],
    "Aide à domicile": ["Aide à domicile (H/F)", "Auxiliaire de vie sociale"],
    "Animation": ["Animateur / Animatrice périscolaire"],
    "Coiffure": ["Coiffeur / Coiffeuse", "Esthéticien / Esthéticienne"],
    "Boulangerie": ["Boulanger / Boulangère", "Pâtissier / Pâtissière"],
    "Boucherie": ["Boucher / Bouchère", "Charcutier / Charcutière traiteur"],
    "Hôtellerie": ["Réceptionniste en hôtellerie", "Femme / Valet de chambre"],
    "Agriculture": ["Ouvrier / Ouvrière agricole", "Agent / Agente d'élevage porcin"],
    "Pêche et mareyage": ["Marin-pêcheur / Marin-pêcheuse", "Ouvrier / Ouvrière de mareyage"],
    "Industrie agroalimentaire": ["Opérateur / Opératrice de production",
                                  "Conducteur / Conductrice de ligne"],
    "Informatique": ["Technicien / Technicienne support informatique", "Développeur / Développeuse web"],
    "Sécurité": ["Agent / Agente de sécurité", "Agent / Agente de surveillance"],
    "Enseignement": ["Formateur / Formatrice pour adultes"],
}
MORE_FAMILIES: list[dict[str, Any]] = [
    {"code": f"X{i:04d}", "label": label, "titles": titles, "synonyms": []}
    for i, (label, titles) in enumerate(MORE_TITLES.items())
]
MORE_MIDDLES = [
    "Vous rédigez des comptes rendus et vous classez les dossiers.",
    "Vous intervenez sur des chantiers de rénovation en Ille-et-Vilaine.",
    "Vous livrez les clients professionnels du secteur avec un véhicule de service.",
    "Vous accompagnez des personnes âgées dans les gestes de la vie quotidienne.",
    "Vous animez des ateliers pour les enfants de trois à onze ans.",
    "Vous réglez les machines et vous contrôlez la qualité des produits.",
    "Vous assurez la maintenance du parc informatique et l'assistance aux utilisateurs.",
    "Vous surveillez le site et vous rédigez les rapports de ronde.",
]

COMMUNES = ["35238", "29019", "29232", "56260", "22278", "56121", "35288", "35051", "35047"]
SKILLS = ["Accueil client", "Encaissement", "Travail en équipe", "Hygiène et sécurité",
          "Mise en rayon", "Port de charges", "Ponctualité", "Relation client"]
EMPLOYERS = ["Boulangerie Le Goff", "Café de l'Église", "Supermarché Ker Breizh",
             "Clinique Saint-Yves", "Paysages d'Armor", "Logistique Océane", "Hôtel du Port"]
CONTRACTS = ["CDI", "CDD", "Intérim", "Alternance", "Saisonnier"]
OPENINGS = [
    "Rejoignez notre équipe chaleureuse au cœur de {commune}.",
    "Nous recherchons une personne motivée et sérieuse pour renforcer notre équipe.",
    "Entreprise familiale installée à {commune} depuis vingt ans, nous recrutons.",
]
MIDDLES = [
    "Vous accueillez la clientèle, vous conseillez et vous tenez la caisse.",
    "Vous préparez les plats du jour et vous veillez à l'hygiène de la cuisine.",
    "Vous travaillez du lundi au vendredi, horaires de journée.",
    "Poste en travail de nuit, avec une prime de nuit.",
    "Vous entretenez les locaux et vous respectez les règles de sécurité.",
]
CLOSINGS = [
    "Débutant accepté : une formation est prévue à l'arrivée.",
    "Une première expérience est appréciée.",
    "Envoyez votre CV et une lettre de motivation.",
]


def _offer(number: int, rng: random.Random, diverse: bool = False) -> dict[str, Any]:
    families = FAMILIES + MORE_FAMILIES if diverse else FAMILIES
    family = families[number % len(families)]
    title = family["titles"][rng.randrange(len(family["titles"]))]
    pool = _big_communes() if diverse else COMMUNES
    place = geo.by_insee(pool[rng.randrange(len(pool))])
    assert place is not None
    lat = round(place.lat + rng.uniform(-0.01, 0.01), 5)
    lon = round(place.lon + rng.uniform(-0.01, 0.01), 5)
    employer = EMPLOYERS[rng.randrange(len(EMPLOYERS))]
    hourly = rng.random() < 0.2
    low = round(rng.uniform(11.8, 14.0), 2) if hourly else rng.randrange(1750, 2300, 50)
    text = " ".join([
        rng.choice(OPENINGS).format(commune=place.name),
        rng.choice(MIDDLES + MORE_MIDDLES if diverse else MIDDLES),
        rng.choice(MORE_MIDDLES if diverse else MIDDLES), rng.choice(CLOSINGS),
    ])
    return {
        "id": f"OF-{number:06d}", "reference": f"TRP-{number:06d}", "title": title,
        "family": family["code"], "family_label": family["label"],
        "employer_id": f"EMP-{EMPLOYERS.index(employer):05d}", "employer_name": employer,
        "insee": place.insee, "commune": place.name, "postcode": place.postcode,
        "lat": lat, "lon": lon, "contract": rng.choice(CONTRACTS),
        "working_time": "Temps plein" if rng.random() < 0.7 else "Temps partiel",
        "hours_per_week": 35, "salary_min": low,
        "salary_max": round(low * 1.1, 2) if hourly else low + 150,
        "salary_period": "heure" if hourly else "mois",
        "published": (REFERENCE_DATE - dt.timedelta(days=rng.randrange(0, 60))).isoformat(),
        "description": text, "skills": rng.sample(SKILLS, 2),
        "contact_email": f"recrutement@{employer.lower().split()[0]}.example",
        "scam": number % 37 == 0, "scam_signs": ["fees"] if number % 37 == 0 else [],
    }


def _big_communes() -> list[str]:
    return [c.insee for c in sorted(geo.communes(), key=lambda c: -c.population)[:60]]


def point_at(insee: str, km: float, bearing_deg: float = 90.0) -> tuple[float, float]:
    """The point `km` away from a commune's town hall along a bearing (spherical earth)."""
    place = geo.by_insee(insee)
    assert place is not None
    delta = km / geo.EARTH_RADIUS_KM
    phi1, lmb1, theta = map(math.radians, (place.lat, place.lon, bearing_deg))
    phi2 = math.asin(math.sin(phi1) * math.cos(delta)
                     + math.cos(phi1) * math.sin(delta) * math.cos(theta))
    lmb2 = lmb1 + math.atan2(math.sin(theta) * math.sin(delta) * math.cos(phi1),
                             math.cos(delta) - math.sin(phi1) * math.sin(phi2))
    return math.degrees(phi2), math.degrees(lmb2)


def special_offers(start: int, rng: random.Random) -> list[dict[str, Any]]:
    """Offers the tests look for by name: hostile HTML and known distances from Rennes."""
    specials = []
    hostile = _offer(start, rng)
    hostile.update(
        title="Agent <b>d'accueil</b> & standard", family_label="Accueil",
        description='Accueil du public. <script>alert("x")</script> & "guillemets" <mark>faux</mark>.',
        employer_name="Société <i>Fausse</i>",
    )
    specials.append(hostile)
    for i, km in enumerate((9.95, 10.05, 29.9, 30.2)):
        offer = _offer(start + 1 + i, rng)
        lat, lon = point_at(RENNES, km, bearing_deg=45.0 + 90 * i)
        offer.update(title="Cuisinier / Cuisinière de collectivité", family="G1602",
                     family_label="Personnel de cuisine", lat=round(lat, 6), lon=round(lon, 6),
                     insee="35999", commune="Lieu-dit test", contract="CDD")
        specials.append(offer)
    return specials


def build_offers(count: int = 300, seed: int = 7, diverse: bool = False) -> list[dict[str, Any]]:
    """`diverse` spreads offers over 32 families and 60 communes (for timing worlds)."""
    rng = random.Random(seed)
    offers = [_offer(n, rng, diverse) for n in range(1, count + 1)]
    offers += special_offers(count + 1, rng)
    return sorted(offers, key=lambda o: o["id"])


def write_world(
    folder: Path, count: int = 300, seed: int = 7, *, families: bool = True, diverse: bool = False
) -> Path:
    """Write world.json, offers.jsonl (and job_families.json if asked) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    offers = build_offers(count, seed, diverse)
    with (folder / "offers.jsonl").open("w", encoding="utf-8", newline="\n") as handle:
        for offer in offers:
            handle.write(json.dumps(offer, ensure_ascii=False, separators=(",", ":")) + "\n")
    manifest = {"format": 1, "seed": seed, "offers": len(offers),
                "reference_date": REFERENCE_DATE.isoformat(), "label_fr": "Monde de test",
                "files": {}}
    (folder / "world.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    if families:
        (folder / "job_families.json").write_text(
            json.dumps(FAMILIES + MORE_FAMILIES, ensure_ascii=False), encoding="utf-8")
    return folder
