"""The « Se renseigner sur l'employeur » épreuve (R4, N1–N3): the world's homonyms, the learner's
scenario, each check driven by the real directory widget with its French feedback, bad input,
and the pages. The demo learners' real nbgrader autograde is in test_demo_e2e.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tremplin.grading.check_context import load_context
from tremplin.grading.check_model import REGISTRY
from tremplin.grading.checks import run_checks
from tremplin.grading.employer_pages import (
    EPREUVE,
    LESSON,
    EmployerActivity,
    build_employer_activity,
    employer_mission_html,
)
from tremplin.grading.employer_scenario import candidates, employer_scenario
from tremplin.widgets.employer_directory import address_line, domain, folded
from tremplin.widgets.i18n import t
from tremplin.widgets.workspace import Workspace

CHECKS = {
    "r4-employeur-consulte": ("N1", 1, False),
    "r4-coordonnees-notees": ("N2", 2, False),
    "r4-contact-fiable": ("N2", 1, True),
    "r4-homonyme-distingue": ("N3", 2, False),
}


@pytest.fixture
def make_page(tmp_path, world, data_root):
    def make(pseudonym: str = "Gwenola", activity: str = EPREUVE,
             with_panel: bool = False) -> EmployerActivity:
        workspace = Workspace.create(tmp_path / f"{pseudonym}-{activity}", pseudonym,
                                     world={"seed": world.manifest.seed, "offers": world.manifest.offers})
        return build_employer_activity(workspace, data_root=data_root, world=world, activity=activity,
                                       with_panel=with_panel)
    return make


def results(page: EmployerActivity, activity: str = EPREUVE) -> dict:
    context = load_context(page.workspace.root, activity, world=page.world)
    return {r.id: r for r in run_checks(context, activity)}


def employers(page: EmployerActivity) -> tuple[dict, dict, dict]:
    s, world = page.scenario, page.world
    return world.employer(s.employer_id), world.employer(s.target_id), world.employer(s.decoy_id)


def open_in(page: EmployerActivity, name: str, commune: str) -> dict:
    found = page.directory.search(name)
    chosen = next(e for e in found if e["address"]["commune"] == commune)
    return page.directory.view(chosen["id"])


def copy(page: EmployerActivity, employer: dict, **changes: str) -> None:
    data = {"name": employer["name"], "address": address_line(employer), "email": employer["email"],
            "phone": employer["phone"], **changes}
    page.directory.note(data["name"], data["address"], data["email"], data["phone"])


# ------------------------------------------------------------------------------ the world's homonyms
def test_lookalikes_exist_in_another_commune_and_domain_and_post_no_offer(world) -> None:
    everyone = {e["id"]: e for e in world.employers()}
    lookalikes = [e for e in everyone.values() if e["homonym_of"]]
    assert len(lookalikes) >= 8 and world.manifest.employers == len(everyone)
    assert any(folded(e["name"]) == folded(everyone[e["homonym_of"]]["name"]) for e in lookalikes)
    for lookalike in lookalikes:
        original = everyone[lookalike["homonym_of"]]
        assert original["homonym_of"] is None
        assert folded(original["name"]) in folded(lookalike["name"])
        assert lookalike["address"]["commune"] != original["address"]["commune"]
        assert domain(lookalike["email"]) != domain(original["email"])
        assert lookalike["activity"] == original["activity"]
    posting = {o["employer_id"] for o in world.offers()}
    assert not posting & {e["id"] for e in lookalikes}


def test_lookalikes_leave_offers_inbox_and_index_byte_identical(tmp_path, monkeypatch) -> None:
    from tremplin.widgets.search import build_index
    from tremplin.widgets.world import build, build_world

    def files(folder: Path) -> dict[str, bytes]:
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
                if p.is_file() and p.name != "world.json"}

    build_world(tmp_path / "with", seed=11, offers=150)
    monkeypatch.setattr(build, "generate_lookalikes", lambda seed, directory: [])
    build_world(tmp_path / "without", seed=11, offers=150)
    for folder in ("with", "without"):
        build_index(tmp_path / folder)
    with_, without = files(tmp_path / "with"), files(tmp_path / "without")
    assert set(with_) == set(without)
    assert [name for name in with_ if with_[name] != without[name]] == ["employers.jsonl"]
    assert with_["employers.jsonl"].startswith(without["employers.jsonl"])
    manifests = [json.loads((tmp_path / f / "world.json").read_text()) for f in ("with", "without")]
    assert manifests[0]["employers"] > manifests[1]["employers"]
    assert {k: v for k, v in manifests[0].items() if k not in ("employers", "files")} == \
        {k: v for k, v in manifests[1].items() if k not in ("employers", "files")}


# ---------------------------------------------------------------------------------- the scenario
def test_scenario_is_deterministic_and_neighbours_differ(world) -> None:
    one = employer_scenario(world, "Alice", EPREUVE)
    assert one == employer_scenario(world, " alice ", EPREUVE)
    assert one != employer_scenario(world, "Alice", LESSON)
    tasks = {employer_scenario(world, f"apprenant-{i}", EPREUVE) for i in range(8)}
    assert len({s.employer_id for s in tasks}) >= 5 and len({s.target_id for s in tasks}) >= 4


def test_scenario_employers_fit_their_steps(world) -> None:
    simple, pairs = candidates(world)
    assert len(simple) > 50 and len(pairs) >= 8
    for i in range(6):
        s = employer_scenario(world, f"apprenant-{i}", EPREUVE)
        offer = next(o for o in world.offers() if o["reference"] == s.offer_reference)
        assert offer["employer_id"] == s.employer_id and not offer["scam"]
        target, decoy = world.employer(s.target_id), world.employer(s.decoy_id)
        assert s.target_commune == target["address"]["commune"] != s.decoy_commune
        assert s.misleading_email == decoy["email"] != target["email"]
        assert folded(target["name"]) in folded(decoy["name"])  # a search for the target finds both


def test_an_old_world_without_homonyms_gets_a_french_message(world, monkeypatch) -> None:
    from tremplin.grading import employer_scenario as module
    from tremplin.widgets.errors import TremplinError

    monkeypatch.setattr(module, "candidates", lambda _world: (candidates(world)[0], []))
    with pytest.raises(TremplinError, match="reconstruire"):
        module.employer_scenario(world, "Alice", EPREUVE)


# ------------------------------------------------------------------------------------ the checks
def test_the_checks_are_r4_n1_to_n3_with_one_critical_and_catalogue_titles() -> None:
    specs = {s.id: s for s in REGISTRY.for_epreuve(EPREUVE)}
    assert {k: (s.level, s.points, s.critical) for k, s in specs.items()} == CHECKS
    assert {s.id for s in REGISTRY.for_epreuve(LESSON)} == set(CHECKS)
    for spec in specs.values():
        assert spec.competences == ("R4",) and spec.epreuves[0] == EPREUVE
        assert t(spec.title_key) != spec.title_key and t(spec.title_key, "en") != t(spec.title_key)


def test_a_careful_learner_passes_every_check(make_page) -> None:
    page = make_page()
    employer, target, _decoy = employers(page)
    open_in(page, employer["name"], employer["address"]["commune"])
    copy(page, employer)
    open_in(page, target["name"], target["address"]["commune"])
    assert page.directory.check_address(page.scenario.misleading_email) == "other"
    copy(page, target)
    got = results(page)
    assert all(r.passed for r in got.values()), {k: r.feedback for k, r in got.items()}
    assert sum(r.points for r in got.values()) == sum(points for _l, points, _c in CHECKS.values())
    assert "Bravo" in got["r4-homonyme-distingue"].feedback


def test_an_untouched_page_passes_nothing_and_says_what_to_do(make_page) -> None:
    page = make_page()
    got = results(page)
    assert not any(r.passed for r in got.values())
    name = page.scenario.employer_name
    viewed = got["r4-employeur-consulte"].feedback
    assert "pas encore cherché" in viewed and name in viewed
    assert "rien noté" in got["r4-coordonnees-notees"].feedback
    assert page.scenario.target_commune in got["r4-homonyme-distingue"].feedback
    reliable = got["r4-contact-fiable"]
    assert reliable.critical and "aucune coordonnée" in reliable.feedback


def test_viewing_another_page_or_only_searching_is_explained(make_page) -> None:
    page = make_page()
    page.directory.search(page.scenario.employer_name)
    assert "Il reste à ouvrir la fiche" in results(page)["r4-employeur-consulte"].feedback
    page.directory.view(page.scenario.target_id)
    verdict = results(page)["r4-employeur-consulte"]
    assert not verdict.passed and "pas celle de" in verdict.feedback
    page.directory.view(page.scenario.employer_id)
    assert results(page)["r4-employeur-consulte"].passed


def test_notes_are_compared_as_people_type_them(make_page) -> None:
    page = make_page()
    employer, _target, _decoy = employers(page)
    digits = employer["phone"].replace(" ", "")
    copy(page, employer, name=employer["name"].upper(), address="  " + address_line(employer).upper() + " ",
         email=" " + employer["email"].upper(), phone="")
    assert results(page)["r4-coordonnees-notees"].passed
    copy(page, employer, name=folded(employer["name"]), email="", phone="+33 " + digits[1:])
    assert results(page)["r4-coordonnees-notees"].passed


@pytest.mark.parametrize(("change", "words"), [
    ({"address": "1 place de la Mairie, 99999 Nulle-Part"}, "ne correspond pas à la fiche"),
    ({"email": "", "phone": ""}, "Ajoutez aussi son courriel"),
    ({"email": "quelquun@gmail.example", "phone": ""}, "n'est pas celui de la fiche"),
    ({"email": "ancien@SITE", "phone": ""}, "est sur le bon site"),
])
def test_a_wrong_note_gets_the_right_advice(make_page, change, words) -> None:
    page = make_page()
    employer, _target, _decoy = employers(page)
    if change.get("email") == "ancien@SITE":
        change = {**change, "email": "ancien@" + employer["email"].partition("@")[2]}
    copy(page, employer, **change)
    verdict = results(page)["r4-coordonnees-notees"]
    assert not verdict.passed and words in verdict.feedback, verdict.feedback
    copy(page, employer)  # the last note counts: correcting it passes
    assert results(page)["r4-coordonnees-notees"].passed


def test_noting_the_homonym_is_a_critical_failure_until_corrected(make_page) -> None:
    page = make_page()
    employer, target, decoy = employers(page)
    copy(page, employer)
    page.directory.view(decoy["id"])
    copy(page, decoy)
    got = results(page)
    assert got["r4-coordonnees-notees"].passed
    homonym, reliable = got["r4-homonyme-distingue"], got["r4-contact-fiable"]
    assert not homonym.passed and "autre entreprise au nom proche" in homonym.feedback
    assert decoy["address"]["commune"] in homonym.feedback
    assert not reliable.passed and reliable.critical and reliable.points == 0
    assert decoy["email"] in reliable.feedback and "mauvais endroit" in reliable.feedback
    copy(page, target)
    got = results(page)
    assert got["r4-homonyme-distingue"].passed and got["r4-contact-fiable"].passed


def test_the_forum_email_copied_on_the_right_company_is_critical(make_page) -> None:
    page = make_page()
    _employer, target, _decoy = employers(page)
    copy(page, target, email=page.scenario.misleading_email)
    got = results(page)
    assert not got["r4-homonyme-distingue"].passed and not got["r4-contact-fiable"].passed


def test_a_phone_only_note_needs_the_forum_email_checked(make_page) -> None:
    page = make_page()
    _employer, target, _decoy = employers(page)
    open_in(page, target["name"], target["address"]["commune"])
    copy(page, target, email="")
    verdict = results(page)["r4-homonyme-distingue"]
    assert not verdict.passed and "Vérifiez encore le courriel du forum" in verdict.feedback
    assert page.directory.check_address(page.scenario.misleading_email.upper()) == "other"
    assert results(page)["r4-homonyme-distingue"].passed


def test_a_wrong_address_for_the_homonym_is_explained(make_page) -> None:
    page = make_page()
    _employer, target, _decoy = employers(page)
    copy(page, target, address="3 rue inconnue")
    verdict = results(page)["r4-homonyme-distingue"]
    assert not verdict.passed and "n'est pas celle de" in verdict.feedback


# ---------------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("typed", ["", "   ", "<script>alert(1)</script>", "a\x00b\x07", "é" * 5000, None])
def test_hostile_input_never_raises_and_is_escaped(make_page, typed) -> None:
    page = make_page()
    directory = page.directory
    directory.search(typed)
    directory.note(typed, typed, typed, typed)
    assert directory.check_address(typed) is None  # no page open yet
    directory.view(page.scenario.employer_id)
    directory.check_address(typed)
    assert "<script>" not in directory.status.value and "<script>" not in directory.page.value
    got = results(page)
    assert got["r4-employeur-consulte"].passed and not got["r4-coordonnees-notees"].passed
    assert "<script>" not in employer_mission_html(page.scenario)


def test_garbled_events_fail_quietly(make_page) -> None:
    page = make_page()
    journal = page.directory.journal
    journal.record("employer.view", {"employer_id": ["x"]})
    journal.record("employer.note", {"name": None, "address": {"a": 1}, "email": 42, "phone": ["0"]})
    journal.record("employer.note", {"name": page.scenario.target_name, "employer_id": {"x": 1}})
    journal.record("employer.compare", {"employer_id": None, "address": None, "verdict": ["other"]})
    got = results(page)
    assert [k for k, r in got.items() if r.passed] == ["r4-contact-fiable"]  # nothing wrong noted either


# ------------------------------------------------------------------------------ pages and lesson
def test_work_done_in_the_lesson_does_not_count_in_the_epreuve(make_page) -> None:
    lesson = make_page("Maïwenn", LESSON, with_panel=True)
    employer, _target, _decoy = employers(lesson)
    open_in(lesson, employer["name"], employer["address"]["commune"])
    copy(lesson, employer)
    items = lesson.panel.refresh()
    assert len(items) == len(CHECKS) and sum(i.passed for i in items) == 3
    assert items[0].title == t("employer.r4-employeur-consulte_title")
    epreuve = build_employer_activity(lesson.workspace, data_root=lesson.data_root, world=lesson.world)
    assert not any(r.passed for r in results(epreuve).values())


def test_the_mission_names_the_learners_own_employers_escaped(make_page) -> None:
    page = make_page()
    text = employer_mission_html(page.scenario)
    for words in (page.scenario.employer_name, page.scenario.target_commune, page.scenario.misleading_email):
        assert words.replace("'", "&#x27;") in text


def test_the_lesson_notebook_waits_for_its_visitor_then_shows_the_page() -> None:
    from tremplin import NOTEBOOKS_DIR

    path = Path(NOTEBOOKS_DIR) / "lecons" / "04-se-renseigner-sur-l-employeur.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code[0]["metadata"]["tags"] == ["tremplin-wait-for-visitor"]
    assert "".join(code[-1]["source"]).strip() == "show_employer_lesson()" and len(code) == 2
    assert notebook["metadata"]["tremplin"]["title"] == "Se renseigner sur l'employeur"
    text = "".join("".join(c["source"]) for c in notebook["cells"] if c["cell_type"] == "markdown")
    for key in ("search_button", "view_button", "note_button", "compare_heading", "compare_button"):
        assert t(f"employer.{key}") in text, key
    assert "Vérifier" in text


def test_the_pages_show_in_french_without_a_kernel(shown, monkeypatch, data_root, tmp_path) -> None:
    from tremplin.grading.employer_pages import show_employer_epreuve
    from tremplin.grading.lesson_employer import preload, show_employer_lesson

    preload(tmp_path / "vide")  # a broken data folder is not an error while waiting
    workspace = Workspace.create(tmp_path / "ws", "Soizic", world={"seed": 42, "offers": 2000})
    monkeypatch.setenv("TREMPLIN_WORKSPACE", str(workspace.root))
    monkeypatch.setenv("TREMPLIN_DATA", str(data_root))
    show_employer_lesson()
    (lesson,) = shown
    assert len(lesson.children) == 3 and "Votre mission" in lesson.children[0].value
    show_employer_epreuve()
    assert len(shown) == 3 and len(shown[2].children) == 3  # statement, then mission/directory/hand-in
    monkeypatch.setenv("TREMPLIN_DATA", str(tmp_path / "vide"))
    show_employer_lesson()
    assert "tremplin-message" in shown[-1].value


def test_french_and_english_catalogues_have_the_same_keys() -> None:
    from tremplin.widgets.i18n import LOCALES_DIR

    fr, en = (json.loads((LOCALES_DIR / lang / "employer.json").read_text(encoding="utf-8"))
              for lang in ("fr", "en"))
    assert set(fr) == set(en)
