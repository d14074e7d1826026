"""The room's JupyterHub for real: deploy/jupyterhub_config.py, its proxy, two learners, a mediator.

One hub for the module (starting it, its proxy and three servers is most of the time):
learners sign up and wait for the mediator's approval, log in, get their own kiosk Voilà
that knows who they are, work and hand in through it; neither can open the other's
server; the mediator gets JupyterLab with the formgrader, collects and grades.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hub_support import (
    EPREUVE,
    MEDIATOR,
    WORK_PAGE,
    HubUser,
    build_epreuve,
    build_served,
    gradebook_scores,
    server_memory_mb,
    start_hub,
)
from tremplin.grading.autograde import autograde_epreuves
from tremplin.grading.course import CourseLayout, init_course, open_course
from tremplin.grading.exchange import collect_epreuves, release_epreuves


def test_a_learner_server_listens_where_the_spawner_says_once() -> None:
    """A pod's server listens on 0.0.0.0: the hub's address replaces the kiosk's, never doubles it
    (Voilà refuses a second --Voila.ip), and the prefix is the hub's."""
    from tremplin.grading.hub_singleuser import singleuser_command

    env = {"JUPYTERHUB_SERVICE_URL": "http://0.0.0.0:9123/user/alice/",
           "JUPYTERHUB_SERVICE_PREFIX": "/user/alice/"}
    command = singleuser_command(Path("/srv/data"), env)
    assert [arg for arg in command if arg.startswith("--Voila.ip=")] == ["--Voila.ip=0.0.0.0"]
    assert "--port=9123" in command and "--Voila.base_url=/user/alice/" in command
    assert "--VoilaConfiguration.preheat_kernel=False" in command
    with pytest.raises(SystemExit):
        singleuser_command(Path("/srv/data"), {})


def test_room_settings_come_from_the_environment(tmp_path: Path) -> None:
    from tremplin.grading.hub_config import HubSettings

    settings = HubSettings.from_env({"TREMPLIN_DATA": str(tmp_path), "TREMPLIN_HUB_ADMINS": "ana, , lou"})
    assert settings.admins == {"ana", "lou"}
    assert settings.state_dir == tmp_path / "hub" and settings.course_dir == tmp_path / "course"
    assert settings.notebooks_dir is None and settings.cull_timeout_s == 3600


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A hub on a fresh data root (no world: these pages need none) with a released épreuve;
    three sign-ups, one login tried before approval, the mediator's approvals."""
    tmp = tmp_path_factory.mktemp("hub")
    layout = CourseLayout.under(tmp / "data")
    init_course(layout, exercises_dir=build_epreuve(tmp / "exercises"))
    release_epreuves(open_course(layout.course_dir), [EPREUVE], progress=lambda _line: None)
    hub = start_hub(tmp, layout.data_root, build_served(tmp / "notebooks"))
    try:
        mediator, alice, bob = (HubUser(hub, name) for name in (MEDIATOR, "alice", "bob"))
        signed_up = {user.name: user.sign_up().status_code for user in (mediator, alice, bob)}
        before_approval = alice.log_in()
        assert mediator.log_in(), hub.output()[-3000:]
        approvals = [mediator.get(f"/hub/authorize/{name}").status_code for name in ("alice", "bob")]
        yield {"hub": hub, "layout": layout, "mediator": mediator, "alice": alice, "bob": bob,
               "signed_up": signed_up, "before_approval": before_approval, "approvals": approvals}
    finally:
        hub.stop()


@pytest.fixture(scope="module")
def learners(room: dict) -> dict:
    """Both learners logged in and their servers (and the mediator's) started together;
    each learner has opened the work page: greeted, worked, handed in."""
    users: list[HubUser] = [room["alice"], room["bob"]]
    for user in users:
        assert user.log_in(), room["hub"].output()[-3000:]
    for user in (*users, room["mediator"]):
        user.request_server()
    pages = {}
    for user in users:
        user.wait_for_server()
        work = user.page(user.name, WORK_PAGE)
        pages[user.name] = {"work": work, "memory": server_memory_mb(user.name)}
        print("{}: {} processes, {:.0f} MB".format(user.name, *pages[user.name]["memory"]))
    return pages


@pytest.mark.slow
def test_sign_up_needs_the_mediators_approval(room: dict) -> None:
    assert set(room["signed_up"].values()) == {200}
    assert room["before_approval"] is False  # signed up, not yet approved: no login
    assert all(status == 200 for status in room["approvals"])


@pytest.mark.slow
def test_each_learner_gets_their_own_kiosk(room: dict, learners: dict) -> None:
    for name in ("alice", "bob"):
        page = learners[name]["work"]
        assert page.status_code == 200, page.text[-2000:]
        assert f"Bonjour {name} depuis {room['layout'].learners_dir / name}" in page.text
        assert "from tremplin" not in page.text  # Voilà strips the code, as at the kiosk
    assert "Bonjour bob" not in learners["alice"]["work"].text
    assert learners["alice"]["memory"][0] >= 2  # Voilà and the page's kernel
    workspace = room["layout"].learners_dir / "alice"
    assert (workspace / "profile.json").is_file()
    assert workspace.stat().st_mode & 0o077 == 0  # private to the server's OS user


@pytest.mark.slow
def test_a_learner_cannot_open_another_learners_server(room: dict, learners: dict) -> None:
    del learners  # both servers run
    intruder = room["alice"].page("bob", WORK_PAGE)
    assert intruder.status_code == 403
    assert "Bonjour bob" not in intruder.text
    assert room["alice"].get("/hub/authorize").status_code == 403  # approving is the mediator's job
    assert room["alice"].get("/hub/admin").status_code == 403


@pytest.mark.slow
def test_the_mediator_gets_the_formgrader(room: dict, learners: dict) -> None:
    del learners  # the mediator's server was requested with the learners'
    mediator: HubUser = room["mediator"]
    mediator.wait_for_server()
    formgrader = mediator.get(f"/user/{MEDIATOR}/formgrader")
    assert formgrader.status_code == 200, formgrader.text[-2000:]
    assert "formgrader" in formgrader.text.lower()


@pytest.mark.slow
def test_the_mediator_collects_and_grades_the_hand_ins(room: dict, learners: dict) -> None:
    for name in ("alice", "bob"):
        work = learners[name]["work"].text
        assert f"Rendu enregistré pour {name}" in work, work[-2000:]
    course = open_course(room["layout"].course_dir)
    collected = collect_epreuves(course, [EPREUVE], progress=lambda _line: None)
    assert all(step.ok for step in collected)
    graded = autograde_epreuves(course, [EPREUVE], progress=lambda _line: None, jobs=1)
    assert [(step.student, step.ok) for step in graded] == [("alice", True), ("bob", True)]
    scores = gradebook_scores(room["layout"].course_dir, EPREUVE, ["alice", "bob"])
    assert scores == {"alice": 1.0, "bob": 0.0}
