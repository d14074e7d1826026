"""The room's JupyterHub for real: deploy/jupyterhub_config.py, its proxy, two courses, two
learners, two mediators.

One hub for the module (starting it, its proxy and four servers is most of the time). The
room runs nbgrader's multi-course set-up: courses « mardi » (the default) and « jeudi » on
one exchange root; Alice is in group nbgrader-mardi, Bob in nbgrader-jeudi, Lou in
formgrade-jeudi, and the hub admin « mediateur » is the room's mediator (default course).
Learners sign up and wait for the mediator's approval, log in, get their own kiosk Voilà
that knows who they are, see only their course's épreuve and hand in to their course;
neither can open the other's server; each mediator's JupyterLab formgrader lists and
collects only their course's hand-ins, which then grade per course.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from hub_support import (
    DEPLOY_CONFIG,
    EPREUVE,
    JEUDI_EPREUVE,
    MEDIATOR,
    WORK_PAGE,
    HubUser,
    build_epreuve,
    build_served,
    gradebook_scores,
    launch_hub,
    server_memory_mb,
    wait_until_up,
)
from tremplin.grading.autograde import autograde_epreuves
from tremplin.grading.course import CourseLayout, init_course, open_course, render_config
from tremplin.grading.exchange import release_epreuves

#: The room's courses, default first, as a room sets them: TREMPLIN_HUB_COURSES.
COURSES = {"mardi": EPREUVE, "jeudi": JEUDI_EPREUVE}
JEUDI_MEDIATOR = "lou"
GROUPS = {"nbgrader-mardi": ["alice"], "nbgrader-jeudi": ["bob"], "formgrade-jeudi": [JEUDI_MEDIATOR]}


def test_a_learner_server_listens_where_the_spawner_says_once() -> None:
    """A pod's server listens on 0.0.0.0: the hub's address replaces the kiosk's, never doubles it
    (Voilà refuses a second --Voila.ip), and the prefix is the hub's."""
    from tremplin.grading.hub_singleuser import singleuser_command

    env = {
        "JUPYTERHUB_SERVICE_URL": "http://0.0.0.0:9123/user/alice/",
        "JUPYTERHUB_SERVICE_PREFIX": "/user/alice/",
    }
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


def course_configs(data: Path) -> dict[str, CourseLayout]:
    """DATA/courses/<id>/nbgrader_config.py as `tremplin course init DATA/courses/<id> --course-id <id>`
    writes it (and keeps it, unchanged, when run again): what the hub reads at its start."""
    layouts = {}
    for course_id in COURSES:
        layout = CourseLayout.under(data, data / "courses" / course_id, course_id)
        layout.course_dir.mkdir(parents=True)
        layout.config_path.write_text(render_config(layout), encoding="utf-8")
        layouts[course_id] = layout
    return layouts


def make_courses(layouts: dict[str, CourseLayout], exercises: Path) -> None:
    """`tremplin course init` of each course with its own épreuve, released into the one exchange root."""
    for course_id, epreuve in COURSES.items():
        build_epreuve(exercises, epreuve)
        init_course(layouts[course_id], exercises_dir=exercises, epreuves=[epreuve])
        release_epreuves(open_course(layouts[course_id].course_dir), [epreuve], progress=lambda _line: None)


def test_a_multi_course_room_config(tmp_path: Path) -> None:
    """The generated hub config: each course's two groups, one exchange root, the course ids,
    who hands in / grades where; a course whose config names another id is refused."""
    from traitlets.config import Config
    from tremplin.grading.course import load_config
    from tremplin.grading.hub_config import HubSettings, configure_room, mediator_course
    from tremplin.grading.hub_courses import learner_course

    layouts = course_configs(tmp_path / "data")  # no gradebook: making one is slow and not needed here
    env = {"TREMPLIN_DATA": str(tmp_path / "data"), "TREMPLIN_HUB_COURSES": " mardi, jeudi "}
    settings = HubSettings.from_env(env)
    assert [(course.course_id, course.course_dir) for course in settings.courses] == [
        (name, layout.course_dir) for name, layout in layouts.items()
    ]
    assert settings.course_dir == layouts["mardi"].course_dir  # the default course
    c = Config()
    configure_room(c, settings)
    assert set(c.JupyterHub.load_groups) == {
        "mediateurs",
        "formgrade-mardi",
        "nbgrader-mardi",
        "formgrade-jeudi",
        "nbgrader-jeudi",
    }
    configs = {name: load_config(layout.config_path) for name, layout in layouts.items()}
    assert {config.Exchange.root for config in configs.values()} == {str(tmp_path / "data" / "exchange")}
    assert {name: config.CourseDirectory.course_id for name, config in configs.items()} == {
        "mardi": "mardi",
        "jeudi": "jeudi",
    }
    assert learner_course(settings.courses, {"nbgrader-jeudi"}).course_id == "jeudi"
    assert learner_course(settings.courses, set()).course_id == "mardi"  # in no course: the default
    assert mediator_course({"formgrade-jeudi"}, settings).course_id == "jeudi"
    assert mediator_course(set(), settings).course_id == "mardi"  # an admin: the room's default
    jeudi_first = HubSettings.from_env({**env, "TREMPLIN_HUB_DEFAULT_COURSE": "jeudi"})
    assert [course.course_id for course in jeudi_first.courses] == ["jeudi", "mardi"]
    moved = f"mardi,autre={layouts['jeudi'].course_dir}"
    with pytest.raises(ValueError, match="is course 'jeudi', not 'autre'"):
        HubSettings.from_env({**env, "TREMPLIN_HUB_COURSES": moved})
    single = HubSettings.from_env({"TREMPLIN_DATA": str(tmp_path / "data")})  # no list: DATA/course
    assert [(course.course_id, course.course_dir) for course in single.courses] == [
        ("tremplin", tmp_path / "data" / "course")
    ]


def test_the_zero_to_jupyterhub_values_configure_the_courses(monkeypatch: pytest.MonkeyPatch) -> None:
    """deploy/z2jh/values.yaml: its hub.extraConfig, run as the hub pod runs it (hub.extraEnv set),
    creates both courses' groups and picks each user's server (courses not made yet: ids kept)."""
    import yaml
    from traitlets.config import Config

    values = yaml.safe_load((DEPLOY_CONFIG.parent / "z2jh" / "values.yaml").read_text(encoding="utf-8"))
    for name, value in values["hub"]["extraEnv"].items():
        monkeypatch.setenv(name, value)
    c = Config()
    exec(values["hub"]["extraConfig"]["tremplin.py"], {"c": c})  # noqa: S102 (the hub does the same)
    assert {"formgrade-mardi", "nbgrader-mardi", "formgrade-jeudi", "nbgrader-jeudi"} <= set(
        c.JupyterHub.load_groups
    )
    assert callable(c.Spawner.pre_spawn_hook)
    mounts = values["singleuser"]["storage"]["extraVolumeMounts"]
    assert [mount["mountPath"] for mount in mounts] == [values["hub"]["extraEnv"]["TREMPLIN_DATA"]]


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A hub on a fresh data root (no world: these pages need none) with two courses, each with
    a released épreuve; four sign-ups, one login tried before approval, the mediator's
    approvals and logins, then the courses' groups filled by the mediator through the hub's API."""
    tmp = tmp_path_factory.mktemp("hub")
    layouts = course_configs(tmp / "data")
    served = build_served(tmp / "notebooks")
    settings = {"TREMPLIN_HUB_COURSES": ",".join(COURSES)}
    hub = launch_hub(tmp, layouts["mardi"].data_root, served, settings)
    try:
        make_courses(layouts, tmp / "exercises")  # while the hub starts
        wait_until_up(hub)
        names = (MEDIATOR, JEUDI_MEDIATOR, "alice", "bob")
        mediator, lou, alice, bob = (HubUser(hub, name) for name in names)
        signed_up = {user.name: user.sign_up().status_code for user in (mediator, lou, alice, bob)}
        before_approval = alice.log_in()
        assert mediator.log_in(), hub.output()[-3000:]
        approvals = [mediator.get(f"/hub/authorize/{name}").status_code for name in names[1:]]
        for user in (lou, alice, bob):  # a hub user exists from their first login on
            assert user.log_in(), hub.output()[-3000:]
        for group, members in GROUPS.items():  # before their servers start: the hub reads groups at spawn
            mediator.add_to_group(group, members)
        yield {
            "hub": hub,
            "layouts": layouts,
            "learners_dir": layouts["mardi"].learners_dir,
            "mediator": mediator,
            "lou": lou,
            "alice": alice,
            "bob": bob,
            "signed_up": signed_up,
            "before_approval": before_approval,
            "approvals": approvals,
        }
    finally:
        hub.stop()


@pytest.fixture(scope="module")
def learners(room: dict) -> dict:
    """The learners' servers (and the mediators') started together;
    each learner has opened the work page: greeted, worked, handed in."""
    users: list[HubUser] = [room["alice"], room["bob"]]
    for user in (*users, room["mediator"], room["lou"]):
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
        assert f"Bonjour {name} depuis {room['learners_dir'] / name}" in page.text
        assert "from tremplin" not in page.text  # Voilà strips the code, as at the kiosk
    assert "Bonjour bob" not in learners["alice"]["work"].text
    assert learners["alice"]["memory"][0] >= 2  # Voilà and the page's kernel
    workspace = room["learners_dir"] / "alice"
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
def test_a_learner_sees_and_hands_in_to_their_course_only(room: dict, learners: dict) -> None:
    """Alice (nbgrader-mardi) sees mardi's épreuve only and her hand-in lands in exchange/mardi;
    Bob's in exchange/jeudi: one exchange root, each course under its course_id."""
    assert f"Épreuves : {EPREUVE}" in learners["alice"]["work"].text
    assert JEUDI_EPREUVE not in learners["alice"]["work"].text
    assert f"Épreuves : {JEUDI_EPREUVE}" in learners["bob"]["work"].text
    assert EPREUVE not in learners["bob"]["work"].text
    exchange = room["layouts"]["mardi"].exchange_dir
    inbound = {
        course: sorted(p.name.split("+")[0] for p in (exchange / course / "inbound").iterdir())
        for course in COURSES
    }
    assert inbound == {"mardi": ["alice"], "jeudi": ["bob"]}


@pytest.mark.slow
def test_each_mediator_gets_the_formgrader_of_their_course(room: dict, learners: dict) -> None:
    del learners  # the mediators' servers were requested with the learners'
    for user, epreuve in ((room["mediator"], EPREUVE), (room["lou"], JEUDI_EPREUVE)):
        user.wait_for_server()
        formgrader = user.get(f"/user/{user.name}/formgrader")
        assert formgrader.status_code == 200, formgrader.text[-2000:]
        assert "formgrader" in formgrader.text.lower()
        listed = user.formgrader_api("assignments")
        assert listed.status_code == 200, listed.text[-2000:]
        assert [item["name"] for item in listed.json()] == [epreuve]
    assert room["lou"].page("alice", WORK_PAGE).status_code == 403  # a mediator is not an admin


@pytest.mark.slow
def test_each_mediator_collects_and_grades_their_course(room: dict, learners: dict) -> None:
    """Each formgrader collects its course's hand-in only; then, at once, Lou autogrades jeudi
    from her formgrader while mardi is graded as `tremplin course autograde --course DIR` does."""
    for name in ("alice", "bob"):
        work = learners[name]["work"].text
        assert f"Rendu enregistré pour {name}" in work, work[-2000:]
    lou: HubUser = room["lou"]
    for course_id, user, learner in (("mardi", room["mediator"], "alice"), ("jeudi", lou, "bob")):
        collected = user.formgrader_api(f"assignment/{COURSES[course_id]}/collect", method="POST")
        assert collected.status_code == 200 and collected.json()["success"], collected.text[-2000:]
        submitted = room["layouts"][course_id].course_dir / "submitted"
        assert sorted(p.name for p in submitted.iterdir()) == [learner]
    with ThreadPoolExecutor(1) as pool:
        jeudi = pool.submit(lou.formgrader_api, f"submission/{JEUDI_EPREUVE}/bob/autograde", "POST")
        mardi = open_course(room["layouts"]["mardi"].course_dir)
        graded = autograde_epreuves(mardi, [EPREUVE], progress=lambda _line: None, jobs=1)
        from_formgrader = jeudi.result()
    assert [(step.student, step.ok) for step in graded] == [("alice", True)]
    assert from_formgrader.status_code == 200 and from_formgrader.json()["success"], from_formgrader.text[
        -2000:
    ]
    scores = gradebook_scores(room["layouts"]["mardi"].course_dir, EPREUVE, ["alice"], "mardi")
    scores |= gradebook_scores(room["layouts"]["jeudi"].course_dir, JEUDI_EPREUVE, ["bob"], "jeudi")
    assert scores == {"alice": 1.0, "bob": 0.0}
