"""What a check is and what it returns, and the registry that maps check ids to competences.

A check is a pure function of a CheckContext (workspace, world, scenario) returning an
Outcome; the registry wraps it with the metadata the check declares once (competences,
level, critical flag, points) so that the formative panel, the nbgrader cell and the
per-competence report all read the same words and the same numbers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

CHECK_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
LEVELS = ("N1", "N2", "N3")


@dataclass(frozen=True)
class Outcome:
    """A check's verdict before scoring: `score` is the fraction of the points earned (0–1)."""

    passed: bool
    feedback: str
    score: float | None = None

    @property
    def fraction(self) -> float:
        if self.score is not None:
            return max(0.0, min(1.0, self.score))
        return 1.0 if self.passed else 0.0


@dataclass(frozen=True)
class CheckResult:
    id: str
    competences: tuple[str, ...]
    level: str
    critical: bool
    passed: bool
    points: float
    max_points: float
    feedback: str

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["competences"] = list(self.competences)
        return data


@dataclass(frozen=True)
class CheckSpec:
    id: str
    competences: tuple[str, ...]
    level: str
    critical: bool
    points: float
    epreuves: tuple[str, ...]
    title_key: str
    func: Callable[[Any], Outcome] = field(compare=False, repr=False)

    def run(self, context: Any) -> CheckResult:
        outcome = self.func(context)
        points = round(self.points * outcome.fraction, 2)
        return CheckResult(
            id=self.id,
            competences=self.competences,
            level=self.level,
            critical=self.critical,
            passed=outcome.passed,
            points=points,
            max_points=float(self.points),
            feedback=outcome.feedback,
        )


class CheckRegistry:
    """Checks by id; declaring a check twice or with bad metadata is a programming error."""

    def __init__(self) -> None:
        self._specs: dict[str, CheckSpec] = {}

    def register(
        self,
        check_id: str,
        *,
        competences: Iterable[str],
        level: str,
        points: float,
        epreuves: Iterable[str],
        critical: bool = False,
        title_key: str | None = None,
    ) -> Callable[[Callable[[Any], Outcome]], Callable[[Any], Outcome]]:
        def decorate(func: Callable[[Any], Outcome]) -> Callable[[Any], Outcome]:
            if not CHECK_ID.match(check_id):
                raise ValueError(f"check id {check_id!r} is not a valid nbgrader grade_id")
            if check_id in self._specs:
                raise ValueError(f"check {check_id!r} declared twice")
            if level not in LEVELS or points <= 0:
                raise ValueError(f"check {check_id!r}: bad level {level!r} or points {points}")
            self._specs[check_id] = CheckSpec(
                id=check_id,
                competences=tuple(competences),
                level=level,
                critical=critical,
                points=float(points),
                epreuves=tuple(epreuves),
                # "{id}" in a module's shared key pattern stands for the check's id
                title_key=(title_key or "checks.{id}.title").replace("{id}", check_id),
                func=func,
            )
            return func

        return decorate

    def get(self, check_id: str) -> CheckSpec | None:
        return self._specs.get(check_id)

    def __contains__(self, check_id: object) -> bool:
        return check_id in self._specs

    def all(self) -> list[CheckSpec]:
        return list(self._specs.values())

    def for_epreuve(self, epreuve_id: str) -> list[CheckSpec]:
        return [spec for spec in self._specs.values() if epreuve_id in spec.epreuves]

    def epreuves(self) -> list[str]:
        seen: dict[str, None] = {}
        for spec in self._specs.values():
            for epreuve in spec.epreuves:
                seen.setdefault(epreuve)
        return list(seen)


#: The one registry of the kit; check modules register into it on import.
REGISTRY = CheckRegistry()
