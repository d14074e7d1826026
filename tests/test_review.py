"""Human review items with REAL nbgrader: the real « lettre-adaptee » épreuve, released, handed in,
collected and autograded; the review cell waits for the mediator, shows the letter and the rubric,
and `score_review` scores it the way the formgrader does.

Three hand-ins (a few seconds each to autograde): Alice writes her letters with the real editor (the
demo's plan); Chloé and Bruno hand in nothing, then edit their collected copy: Chloé empties the review
cell's source, Bruno turns it into an « autograder test » that passes (solution flag off, source
`pass`), which nbgrader scores 2/2 — the review must still wait for the mediator.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from tremplin.grading.autograde import autograde_epreuves
from tremplin.grading.course import CourseLayout, init_course, open_course
from tremplin.grading.demo import world_identity
from tremplin.grading.demo_documents import LETTER_DEMO
from tremplin.grading.demo_plan import DILIGENT
from tremplin.grading.epreuve_builder import build_notebook
from tremplin.grading.exchange import collect_epreuves, hand_in, release_epreuves
from tremplin.grading.review_cell import review_text, show_for_review
from tremplin.grading.review_items import REVIEW_ITEMS, items_for, rubric_text
from tremplin.grading.review_scores import pending_reviews, score_review
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t
from tremplin.widgets.workspace import Workspace

EPREUVE = "lettre-adaptee"
ITEM = "d2-lettre-convaincante"


def _quiet(_line: str) -> None:
    return None


def review_cell_of(path: Path) -> nbformat.NotebookNode:
    notebook = nbformat.read(path, as_version=4)
    return next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == ITEM)


def grade_of(course, learner: str):
    from nbgrader.api import Gradebook

    with Gradebook(course.layout.db_url, course.layout.course_id) as gradebook:
        grade = gradebook.find_grade(ITEM, EPREUVE, EPREUVE, learner)
        comment = gradebook.find_comment(ITEM, EPREUVE, EPREUVE, learner)
        return (grade.auto_score, grade.manual_score, grade.needs_manual_grade, grade.max_score,
                comment.manual_comment)


def edit_review_cell(layout: CourseLayout, learner: str, change) -> None:
    """Edit the review cell of a collected copy, as a learner could with Jupyter."""
    submitted = layout.step_dir("submitted", learner, EPREUVE) / f"{EPREUVE}.ipynb"
    notebook = nbformat.read(submitted, as_version=4)
    change(next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == ITEM))
    nbformat.write(notebook, submitted)


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory, data_root: Path, world) -> dict:
    root = tmp_path_factory.mktemp("review") / "data"
    root.mkdir()
    (root / "world").symlink_to(data_root / "world", target_is_directory=True)
    layout = CourseLayout.under(root)
    init_course(layout, epreuves=[EPREUVE])
    course = open_course(layout.course_dir)
    released = release_epreuves(course, [EPREUVE], progress=_quiet)

    alice = Workspace.create(layout.learners_dir / "alice", DILIGENT, world=world_identity(world))
    page = LETTER_DEMO.build_page(alice, root, world)
    for offer in (page.scenario.offer, page.scenario.second_offer):  # the demo's CV épreuve makes them
        page.files.store.mkdir("documents", offer.folder)
    LETTER_DEMO.play(DILIGENT, page)
    hand_in(root, EPREUVE, "alice", alice.root)
    chloe = Workspace.create(layout.learners_dir / "chloe", "Chloé", world=world_identity(world))
    hand_in(root, EPREUVE, "chloe", chloe.root)

    bruno = Workspace.create(layout.learners_dir / "bruno", "Bruno", world=world_identity(world))
    hand_in(root, EPREUVE, "bruno", bruno.root)
    collected = collect_epreuves(course, [EPREUVE], progress=_quiet)
    edit_review_cell(layout, "chloe", lambda cell: setattr(cell, "source", ""))
    edit_review_cell(layout, "bruno", lambda cell: (setattr(cell, "source", "pass"),
                                                    cell.metadata["nbgrader"].update(solution=False)))

    results = autograde_epreuves(course, [EPREUVE], progress=_quiet)
    return {"course": course, "layout": layout, "released": released, "collected": collected,
            "results": results, "offer": page.scenario.offer}


def test_every_step_succeeds(graded: dict) -> None:
    for step in ("released", "collected", "results"):
        assert graded[step] and all(r.ok for r in graded[step]), graded[step]


def test_the_released_notebook_keeps_the_review_cell(graded: dict) -> None:
    layout = graded["layout"]
    cell = review_cell_of(layout.course_dir / "release" / EPREUVE / f"{EPREUVE}.ipynb")
    meta = cell.metadata["nbgrader"]
    assert meta["grade"] is True and meta["solution"] is True and meta["points"] == 2
    assert f'show_for_review("{ITEM}")' in cell.source
    # nbgrader's stub for an answer cell never reaches the learner's copy
    assert "NotImplementedError" not in cell.source and "BEGIN" not in cell.source


def test_the_review_waits_for_the_mediator(graded: dict) -> None:
    course = graded["course"]
    for learner in ("alice", "chloe"):  # Chloé's emptied cell changes nothing to the score
        auto, manual, needs, max_score, _comment = grade_of(course, learner)
        assert (auto, manual, needs, max_score) == (None, None, True, 2.0), learner


def test_the_autograded_review_cell_shows_the_letter_then_the_rubric(graded: dict) -> None:
    layout = graded["layout"]
    cell = review_cell_of(layout.step_dir("autograded", "alice", EPREUVE) / f"{EPREUVE}.ipynb")
    shown = "".join(
        output.get("text", "") or output.get("data", {}).get("text/plain", "") for output in cell.outputs
    )
    assert not any(output.output_type == "error" for output in cell.outputs)
    offer = graded["offer"]
    opening = f"Votre offre de {offer.title} à {offer.town} a retenu toute mon attention."
    assert opening in shown  # Alice's own words, read back from the letter she exported for this offer
    assert f"Fichier : Mes documents › {offer.folder}/" in shown
    assert shown.index(opening) < shown.index("Grille de relecture")
    assert rubric_text(REVIEW_ITEMS[ITEM]) in shown
    html = "".join(o.get("data", {}).get("text/html", "") for o in cell.outputs)
    assert "<pre" in html and "L&#x27;accroche" in html  # text goes in escaped


def test_pending_reviews_lists_each_unscored_hand_in(graded: dict) -> None:
    course = graded["course"]
    # Bruno's rewritten cell got nbgrader's automatic 2/2, yet no one reviewed his letter
    assert grade_of(course, "bruno")[:3] == (2.0, None, False)
    assert pending_reviews(course) == [(learner, EPREUVE, ITEM) for learner in ("alice", "bruno", "chloe")]


def test_score_review_sets_the_score_as_the_formgrader_does(graded: dict) -> None:
    course = graded["course"]
    with pytest.raises(TremplinError, match="entre 0 et 2"):
        score_review(course, EPREUVE, "alice", ITEM, 2.5)
    with pytest.raises(TremplinError, match="entre 0 et 2"):
        score_review(course, EPREUVE, "alice", ITEM, -1)
    with pytest.raises(TremplinError, match="pas une relecture"):
        score_review(course, EPREUVE, "alice", "d2-mots-cles-offre", 1)
    with pytest.raises(TremplinError, match="autograde"):
        score_review(course, EPREUVE, "zoe", ITEM, 1)
    assert grade_of(course, "alice")[:3] == (None, None, True)  # nothing refused was written

    score_review(course, EPREUVE, "alice", ITEM, 1.5, comment="Accroche réussie ; un exemple de plus.")
    assert grade_of(course, "alice") == (None, 1.5, False, 2.0, "Accroche réussie ; un exemple de plus.")
    assert pending_reviews(course) == [("bruno", EPREUVE, ITEM), ("chloe", EPREUVE, ITEM)]
    score_review(course, EPREUVE, "bruno", ITEM, 0)
    assert grade_of(course, "bruno")[1:3] == (0.0, False)  # the manual 0 is what the report counts

    from nbgrader.api import Gradebook

    with Gradebook(course.layout.db_url, course.layout.course_id) as gradebook:
        assert pending_reviews(gradebook) == [("chloe", EPREUVE, ITEM)]
        submission = gradebook.find_submission(EPREUVE, "alice")
        assert submission.needs_manual_grade is False


def test_show_for_review_says_when_there_is_nothing_to_review(learner_workspace, data_root: Path,
                                                               monkeypatch, capsys) -> None:
    monkeypatch.setenv("TREMPLIN_DATA", str(data_root))
    for item_id, sentence in (("d2-lettre-convaincante", "Aucune lettre trouvée dans le rendu."),
                              ("c5-ton-du-courriel", "Aucun courriel de candidature trouvé dans le rendu."),
                              ("d1-cv-clair", "Aucun CV trouvé dans le rendu.")):
        show_for_review(item_id, learner_workspace.root)
        out = capsys.readouterr().out
        assert sentence in out and t(REVIEW_ITEMS[item_id].title_key) in out
        assert "Critère 4" in out and "Traceback" not in out
    artefact, rubric = review_text("d2-lettre-convaincante", learner_workspace.root / "absent")
    assert artefact.splitlines()[-1].startswith("Le rendu n'a pas pu être lu") and rubric
    artefact, rubric = review_text("inconnu")
    assert "n'existe pas" in artefact and rubric == ""


def test_every_review_item_is_a_manual_cell_of_its_epreuve() -> None:
    assert {item.epreuve for item in REVIEW_ITEMS.values()} == {
        "lettre-adaptee", "candidater-par-courriel", "construire-son-cv"}
    for epreuve in ("lettre-adaptee", "candidater-par-courriel", "construire-son-cv"):
        cells = build_notebook(epreuve).cells
        manual = [c for c in cells if c.metadata["nbgrader"]["solution"]]
        assert [c.metadata["nbgrader"]["grade_id"] for c in manual] == [i.id for i in items_for(epreuve)]
        assert cells[-len(manual):] == manual  # after the automatic checks


def test_the_review_shows_the_sent_application_and_the_cv(learner_workspace, root: Path, world,
                                                           monkeypatch) -> None:
    from tremplin.grading.demo_documents import CV_DEMO
    from tremplin.grading.demo_mail import APPLY_DEMO
    from tremplin.grading.demo_plan import HASTY

    monkeypatch.setenv("TREMPLIN_DATA", str(root))
    learner_workspace.seed_inbox(world.inbox_paths())
    mail_page = APPLY_DEMO.build_page(learner_workspace, root, world)
    APPLY_DEMO.play(DILIGENT, mail_page)
    CV_DEMO.play(HASTY, CV_DEMO.build_page(learner_workspace, root, world))

    mail, rubric = review_text("c5-ton-du-courriel", learner_workspace.root)
    scenario = mail_page.scenario
    assert f"À : {scenario.employer_email}" in mail and f"Cc : {scenario.adviser}" in mail
    assert f"Objet : Candidature – {scenario.job_title}" in mail
    assert "CV-Alice-Diligente.pdf" in mail and "Je vous adresse ma candidature" in mail
    assert "Critère 2 : Un registre professionnel tout du long" in rubric

    cv, _rubric = review_text("d1-cv-clair", learner_workspace.root)
    assert "Mes documents › Document1.pdf" in cv and "Cherche travail" in cv


def test_every_rubric_is_complete_in_french_and_english() -> None:
    from tremplin.widgets.i18n import catalogue

    for item in REVIEW_ITEMS.values():
        assert 3 <= len(item.criteria) <= 4
        keys = [item.title_key, item.rubric_key]
        keys += [item.criterion_key(c, s) for c in item.criteria for s in (None, 0, 1, 2)]
        for locale in ("fr", "en"):
            missing = [key for key in keys if key not in catalogue(locale)]
            assert not missing, (locale, missing)
        assert rubric_text(item, "en").startswith("Review rubric: ")


def test_the_review_command_lists_shows_and_scores(graded: dict, capsys: pytest.CaptureFixture) -> None:
    """`tremplin course review` does from the terminal what the formgrader's box does."""
    from tremplin.grading import cli
    from tremplin.grading.gradebook_report import course_report

    course_dir = str(graded["layout"].course_dir)
    score_review(graded["course"], EPREUVE, "alice", ITEM, 2)
    score_review(graded["course"], EPREUVE, "bruno", ITEM, 0)  # whatever the tests above left
    assert cli.main(["course", "review", "--course", course_dir]) == 0
    listed = capsys.readouterr().out
    assert "chloe  lettre-adaptee  d2-lettre-convaincante" in listed
    assert "alice" not in listed and "bruno" not in listed
    assert cli.main(["course", "review", "alice", EPREUVE, "--course", course_dir]) == 0
    shown = capsys.readouterr().out
    assert shown.index(graded["offer"].title) < shown.index("Grille de relecture")
    assert cli.main(["course", "review", "chloe", EPREUVE, "--course", course_dir, "--score", "3"]) == 1
    assert "entre 0 et 2" in capsys.readouterr().err
    assert cli.main(["course", "review", "chloe", EPREUVE, "--course", course_dir,
                     "--score", "0", "--comment", "Pas de lettre."]) == 0
    assert "Relecture notée : chloe" in capsys.readouterr().out
    assert pending_reviews(graded["course"]) == []
    # the report counts the human scores: Alice's 2 points are in D2, nothing is provisional
    alice = course_report(graded["course"]).learner("alice").competences["D2"]
    assert not alice.provisional and ITEM in alice.evidence[EPREUVE]
