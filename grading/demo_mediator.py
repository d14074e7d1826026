"""What the demo's mediator does once the group is graded: the course's settings, the human
reviews scored as the formgrader would, and the feedback released to the learners.

Each simulated learner gets the review a mediator would plausibly give their work: Alice's
and Damien's careful letters, emails and CVs full marks, Bruno's rushed ones half, Chloé's
empty ones nothing, so the report and the attestations show reviews counting.
"""

from __future__ import annotations

from tremplin.grading.course import Course, Progress
from tremplin.grading.demo_plan import DILIGENT, HASTY, IDLE, TAMPERER

DEMO_STRUCTURE = "Espace public numérique de démonstration"
DEMO_MEDIATOR = "Camille Martin, médiatrice numérique"

#: pseudonym -> (share of a review item's points, the mediator's comment).
REVIEWS = {
    DILIGENT: (1.0, "Clair et adapté à l'offre : vous pouvez l'envoyer tel quel."),
    TAMPERER: (1.0, "Clair et adapté à l'offre."),
    HASTY: (0.5, "Le fond y est ; relisez-vous et dites en une phrase ce que vous apportez."),
    IDLE: (0.0, "Rien à relire pour l'instant : nous le ferons ensemble à la prochaine séance."),
}


def mediate(course: Course, progress: Progress) -> None:
    """Settings, reviews, then feedback, like a mediator at the end of a session."""
    from tremplin.grading.course_settings import CourseSettings, load_settings, save_settings
    from tremplin.grading.feedback_steps import give_feedback

    settings = load_settings(course.layout.course_dir)
    save_settings(course.layout.course_dir, CourseSettings(
        structure=DEMO_STRUCTURE, mediator=DEMO_MEDIATOR,
        retake_after_days=settings.retake_after_days, max_attempts=settings.max_attempts,
    ))
    score_reviews(course, progress)
    give_feedback(course, progress=progress)


def score_reviews(course: Course, progress: Progress) -> int:
    """Score every pending review the way REVIEWS says; returns how many were scored."""
    from tremplin.grading.review_items import REVIEW_ITEMS
    from tremplin.grading.review_scores import pending_reviews, score_review
    from tremplin.widgets.workspace import pseudonym_slug

    by_slug = {pseudonym_slug(name): review for name, review in REVIEWS.items()}
    scored = 0
    for learner, epreuve, grade_id in pending_reviews(course):
        share, comment = by_slug.get(learner, (0.0, ""))
        score_review(course, epreuve, learner, grade_id, REVIEW_ITEMS[grade_id].points * share, comment)
        scored += 1
    progress(f"{scored} relecture(s) notée(s) par la médiatrice / review(s) scored")
    return scored
