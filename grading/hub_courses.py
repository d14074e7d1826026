"""The courses of a room's hub: nbgrader's multi-course set-up, with hub groups saying who is where.

nbgrader keeps courses apart by `CourseDirectory.course_id` under one shared `Exchange.root`
(exchange/<course_id>/inbound, outbound…), and its JupyterHub integration names the groups
`nbgrader-<course>` (learners) and `formgrade-<course>` (instructors). The room follows it:

- TREMPLIN_HUB_COURSES="mardi,jeudi" lists the courses (`id` or `id=DIR`; DIR defaults to
  DATA/courses/<id>, made by `tremplin course init DATA/courses/<id> --course-id <id>`), the
  first one, or TREMPLIN_HUB_DEFAULT_COURSE, being the default;
- without it the room has its one course, DATA/course, as before;
- a learner hands in to the first listed course whose `nbgrader-<course>` group holds them
  (the default when none does): the hub puts that course in TREMPLIN_COURSE, which the
  kiosk's hand-in reads, and the learner's standalone Voilà runs no code of theirs, so
  they cannot reach another course;
- a mediator's formgrader opens the first of their `formgrade-<course>` courses; hub
  admins and the mediators' group without such a group are the whole room's mediators
  and open the default course.

Pure functions of names and groups: the hub's pre_spawn_hook and the unit tests call the same ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

#: A course id nbgrader can put in a URL, a group name and a folder name.
COURSE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
LEARNERS_GROUP = "nbgrader-{}"
MEDIATORS_GROUP = "formgrade-{}"


@dataclass(frozen=True)
class HubCourse:
    """One nbgrader course of the room: its id (as in its nbgrader_config.py) and its folder."""

    course_id: str
    course_dir: Path

    @property
    def learners_group(self) -> str:
        return LEARNERS_GROUP.format(self.course_id)

    @property
    def mediators_group(self) -> str:
        return MEDIATORS_GROUP.format(self.course_id)


def courses_from_env(env: Mapping[str, str], data_root: Path) -> tuple[HubCourse, ...]:
    """The room's courses, default first; one course (DATA/course) when none are listed."""
    listed = [item.strip() for item in env.get("TREMPLIN_HUB_COURSES", "").split(",") if item.strip()]
    if not listed:
        course_dir = data_root / "course"
        return (HubCourse(configured_course_id(course_dir), course_dir),)
    courses = []
    for item in listed:
        course_id, _, folder = (part.strip() for part in item.partition("="))
        if not COURSE_ID.match(course_id):
            raise ValueError(f"TREMPLIN_HUB_COURSES: {course_id!r} is not a course id (letters, digits, _.-)")
        course_dir = Path(folder).expanduser().resolve() if folder else data_root / "courses" / course_id
        found = configured_course_id(course_dir, course_id)
        if found != course_id:  # hand-ins would land in exchange/<found>, where nobody collects them
            raise ValueError(f"TREMPLIN_HUB_COURSES: {course_dir} is course {found!r}, not {course_id!r}")
        courses.append(HubCourse(course_id, course_dir))
    if len({course.course_id for course in courses}) != len(courses):
        raise ValueError(f"TREMPLIN_HUB_COURSES lists a course twice: {env['TREMPLIN_HUB_COURSES']!r}")
    default = env.get("TREMPLIN_HUB_DEFAULT_COURSE", "").strip() or courses[0].course_id
    chosen = [course for course in courses if course.course_id == default]
    if not chosen:
        raise ValueError(f"TREMPLIN_HUB_DEFAULT_COURSE={default!r} is not in TREMPLIN_HUB_COURSES")
    return (*chosen, *(course for course in courses if course.course_id != default))


def configured_course_id(course_dir: Path, fallback: str | None = None) -> str:
    """The course id of a course's nbgrader_config.py (`fallback`, else nbgrader's default, when
    the course is not made yet: the hub may start before `tremplin course init`)."""
    from tremplin.grading.course import CONFIG_NAME, DEFAULT_COURSE_ID, load_config

    path = course_dir / CONFIG_NAME
    if not path.is_file():
        return fallback or DEFAULT_COURSE_ID
    return load_config(path).get("CourseDirectory", {}).get("course_id") or DEFAULT_COURSE_ID


def learner_course(courses: tuple[HubCourse, ...], groups: Iterable[str]) -> HubCourse:
    """The course a learner hands in to: their first `nbgrader-<course>` course, else the default."""
    names = set(groups)
    return next((course for course in courses if course.learners_group in names), courses[0])


def mediator_courses(courses: tuple[HubCourse, ...], groups: Iterable[str]) -> tuple[HubCourse, ...]:
    """The courses whose `formgrade-<course>` group holds this user (empty: none named)."""
    names = set(groups)
    return tuple(course for course in courses if course.mediators_group in names)


def course_groups(courses: tuple[HubCourse, ...]) -> dict[str, dict]:
    """`load_groups` entries creating every course's two groups, empty: members are added by a
    mediator at /hub/admin (or the hub's API) and kept across restarts (load_groups only adds)."""
    groups: dict[str, dict] = {}
    for course in courses:
        groups[course.mediators_group] = {}
        groups[course.learners_group] = {}
    return groups
