"""The points and levels make sense: a learner who does everything validates D1–D5 and S1 at N3
through the three épreuves, one who does nothing validates none, and the guided essentials alone
reach N1 (the referential's 70 % rule, a critical failure defeating every level)."""

from __future__ import annotations

from test_documents_checks_kit import Learner, good_cv, good_letter
from tremplin.grading.check_context import load_context
from tremplin.grading.check_model import REGISTRY, CheckResult
from tremplin.grading.documents_scenario import (
    CV_EPREUVE,
    EPREUVES,
    FILES_EPREUVE,
    LETTER_EPREUVE,
    seed_find_files,
)
from tremplin.grading.gradebook_report import CompetenceTally, referential_validator
from tremplin.widgets.documents.print_pack import print_pack
from tremplin.widgets.workspace import Workspace

COMPETENCES = ("D1", "D2", "D3", "D4", "D5", "S1")


def results(workspace: Workspace, world) -> list[CheckResult]:
    found = []
    for epreuve in EPREUVES:
        context = load_context(workspace.root, epreuve, world=world)
        found += [spec.run(context) for spec in REGISTRY.for_epreuve(epreuve)]
    assert all("{" not in r.feedback and "documents_checks." not in r.feedback for r in found)
    return found


def levels(found: list[CheckResult]) -> dict[str, str | None]:
    tallies: dict[str, CompetenceTally] = {}
    for result in found:
        for cid in result.competences:
            failed = result.critical and result.points < result.max_points
            tally = tallies.setdefault(cid, CompetenceTally())
            tally.add(result.level, result.points, result.max_points, failed)
    validator = referential_validator()
    for cid, tally in tallies.items():
        tally.settle(cid, validator)
    return {cid: tallies[cid].level for cid in COMPETENCES if cid in tallies}


def strong_learner(workspace: Workspace, world) -> None:
    cv_step = Learner(workspace, world, CV_EPREUVE)
    scenario = cv_step.scenario
    for offer in (scenario.offer, scenario.second_offer):
        cv_step.store.mkdir("documents", offer.folder)
    cv_pdf, _docx = cv_step.both("cv", good_cv(scenario), folder=scenario.offer.folder)
    letter_step = Learner(workspace, world, LETTER_EPREUVE)
    letter_pdf, _docx = letter_step.both("letter", good_letter(scenario), folder=scenario.offer.folder)
    letter_step.both("letter", good_letter(scenario, second=True), folder=scenario.second_offer.folder)
    files_step = Learner(workspace, world, FILES_EPREUVE)
    seed_find_files(workspace.documents_dir, files_step.scenario)
    files_step.store.open("documents", files_step.scenario.find_path)
    for path in (cv_pdf, letter_pdf):
        files_step.store.copy_to_usb(path)
    print_pack(workspace, [cv_pdf, letter_pdf, files_step.scenario.find_path], journal=files_step.journal)


def test_the_strong_learner_validates_every_documents_competence_at_n3(learner_workspace, world) -> None:
    strong_learner(learner_workspace, world)
    found = results(learner_workspace, world)
    assert [r.id for r in found if not r.passed] == []
    assert levels(found) == dict.fromkeys(COMPETENCES, "N3")


def test_the_idle_learner_validates_none(learner_workspace, world) -> None:
    scenario = Learner(learner_workspace, world, FILES_EPREUVE).scenario
    seed_find_files(learner_workspace.documents_dir, scenario)
    found = results(learner_workspace, world)
    assert all(not r.passed and r.points == 0 for r in found)
    assert levels(found) == dict.fromkeys(COMPETENCES)


def test_guided_essentials_reach_n1_and_a_template_letter_nothing(learner_workspace, world) -> None:
    learner = Learner(learner_workspace, world, LETTER_EPREUVE)
    template = good_letter(learner.scenario)
    template.you = template.me = template.us = ""
    learner.export("letter", template, "pdf")
    cv = good_cv(learner.scenario, headline="Disponible")
    cv.experience = list(reversed(cv.experience))
    learner.export("cv", cv, "pdf")
    reached = levels(results(learner_workspace, world))
    assert reached["D1"] == "N1" and reached["D3"] == "N1"
    # a clean CV (no number, clean metadata, no private data, no birth date) is S1 at every level
    assert reached["D2"] is None and reached["S1"] == "N3"


def test_the_theme_declares_its_three_epreuves_and_their_checks() -> None:
    import importlib

    from tremplin.grading import documents_theme
    from tremplin.grading.themes import resolve

    for name in (*documents_theme.CHECK_MODULES, *documents_theme.SCENARIO_MODULES):
        importlib.import_module(name)
    assert tuple(documents_theme.EPREUVES) == EPREUVES
    for epreuve, info in documents_theme.EPREUVES.items():
        assert REGISTRY.for_epreuve(epreuve), epreuve
        assert info["statement"].startswith(f"# {info['title']}\n")
        assert "Rendre mon épreuve" in info["statement"]
        assert info["demo"].startswith("tremplin.grading.demo_documents:")
        assert callable(resolve(info["show"]))
    ours = [spec for spec in REGISTRY.all() if set(spec.epreuves) & set(EPREUVES)]
    competences = {c for spec in ours for c in spec.competences}
    assert competences == set(COMPETENCES)
