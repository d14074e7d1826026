"""The trip scenario: pure, varied between learners, and always servable by the planner."""

from __future__ import annotations

from tremplin.grading.trip_scenario import EPREUVE, LESSON, planner_for, trip_scenario


def test_same_learner_same_task_and_neighbours_differ(world) -> None:
    first = trip_scenario(world, "Maëlle", EPREUVE)
    assert first == trip_scenario(world, " maëlle ", EPREUVE)
    others = {trip_scenario(world, f"Apprenant {n}", EPREUVE) for n in range(6)}
    assert len({(s.home_insee, s.interview_insee) for s in others}) >= 4
    assert trip_scenario(world, "Maëlle", LESSON) != first


def test_both_trips_can_be_done_on_time_and_the_second_needs_a_change(world) -> None:
    planner = planner_for(world)
    for n in range(5):
        scenario = trip_scenario(world, f"Apprenant {n}", EPREUVE)
        assert len({scenario.home_insee, scenario.interview_insee, scenario.job_insee}) == 3
        interview = planner.plan(scenario.home_insee, scenario.interview_insee, scenario.interview_time)
        job = planner.plan(scenario.home_insee, scenario.job_insee, scenario.job_start)
        assert interview.route is not None and job.route is not None and job.route.changes >= 1
        assert scenario.working_days > 0 and scenario.interview_day in ("lundi", "mardi", "mercredi",
                                                                         "jeudi", "vendredi")
