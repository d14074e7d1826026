"""The check registry and result model: metadata declared once, scoring from the outcome."""

from __future__ import annotations

import pytest
from tremplin.grading.check_model import CheckRegistry, Outcome
from tremplin.grading.checks import REGISTRY
from tremplin.grading.referential import load_referential


def test_outcome_fraction_is_clamped_and_defaults_to_pass_fail() -> None:
    assert Outcome(True, "ok").fraction == 1.0
    assert Outcome(False, "non").fraction == 0.0
    assert Outcome(False, "à moitié", 0.5).fraction == 0.5
    assert Outcome(False, "trop", 7).fraction == 1.0
    assert Outcome(False, "négatif", -1).fraction == 0.0


def test_registry_scores_partial_credit_and_keeps_metadata() -> None:
    registry = CheckRegistry()

    @registry.register("demo-check", competences=["R1"], level="N2", points=2, epreuves=["e"], critical=True)
    def half(_ctx: object) -> Outcome:
        return Outcome(False, "Il manque le filtre de lieu.", 0.5)

    result = registry.get("demo-check").run(None)
    assert (result.points, result.max_points, result.passed, result.critical) == (1.0, 2.0, False, True)
    assert result.to_json()["competences"] == ["R1"]
    assert result.feedback == "Il manque le filtre de lieu."


@pytest.mark.parametrize(
    ("check_id", "kwargs"),
    [
        ("Bad Id", {}),
        ("ok-id", {"level": "N4"}),
        ("ok-id", {"points": 0}),
    ],
)
def test_registry_refuses_bad_declarations(check_id: str, kwargs: dict) -> None:
    registry = CheckRegistry()
    declared = {"competences": ["R1"], "level": "N1", "points": 1, "epreuves": ["e"], **kwargs}
    with pytest.raises(ValueError):
        registry.register(check_id, **declared)(lambda ctx: Outcome(True, ""))


def test_registry_refuses_a_check_declared_twice() -> None:
    registry = CheckRegistry()
    registry.register("x", competences=["R1"], level="N1", points=1, epreuves=["e"])(lambda c: None)
    with pytest.raises(ValueError):
        registry.register("x", competences=["R1"], level="N1", points=1, epreuves=["e"])(lambda c: None)


def test_every_registered_check_maps_to_known_competences_and_has_a_title() -> None:
    from tremplin.widgets.i18n import catalogue

    known = {c.id for c in load_referential().competences}
    assert REGISTRY.all(), "no check registered"
    for spec in REGISTRY.all():
        assert set(spec.competences) <= known, spec.id
        assert spec.title_key in catalogue("fr"), spec.id
        assert spec.title_key in catalogue("en"), spec.id


def test_search_epreuve_grades_r1_and_r2_with_one_critical_check() -> None:
    specs = REGISTRY.for_epreuve("chercher-offres")
    assert {c for s in specs for c in s.competences} >= {"R1", "R2"}
    assert [s.id for s in specs if s.critical] == ["r2-aucune-offre-douteuse"]
