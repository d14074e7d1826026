"""The competence referential: one YAML data file, validated when it is loaded.

A mediator may edit the file (or pass a copy with `tremplin referential --file`): any
mistake stops the load with the file, the 1-based line and the reason, because a report
or an attestation built on a half-read referential would be wrong without anyone knowing.
Line numbers come from PyYAML's composed node tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from tremplin.widgets.errors import TremplinError

DEFAULT_FILE = Path(__file__).parent / "data" / "referential.yaml"
LEVEL_IDS = ("N1", "N2", "N3")
TOP_KEYS = {"name", "version", "sources", "validation", "levels", "pix", "digcomp", "domains", "competences"}
DOMAIN_KEYS = {"id", "fr", "en"}
COMPETENCE_KEYS = {"id", "domain", "fr", "en", "pix", "digcomp", "evidence", "levels", "validation"}
RULE_KEYS = {"min_ratio", "no_critical_failure"}


class ReferentialError(TremplinError):
    """The referential file is malformed: `file:line: reason`."""


@dataclass(frozen=True)
class ValidationRule:
    min_ratio: float = 0.7
    no_critical_failure: bool = True

    def is_validated(self, points: float, max_points: float, critical_failures: int) -> bool:
        if max_points <= 0:
            return False
        if self.no_critical_failure and critical_failures > 0:
            return False
        return points / max_points >= self.min_ratio - 1e-9


@dataclass(frozen=True)
class Level:
    id: str
    fr: str
    en: str


@dataclass(frozen=True)
class Domain:
    id: str
    fr: str
    en: str


@dataclass(frozen=True)
class Competence:
    id: str
    domain: str
    fr: str
    en: str
    pix: tuple[str, ...]
    digcomp: tuple[str, ...]
    evidence: str
    levels: tuple[Level, ...]
    validation: ValidationRule

    def statement(self, locale: str = "fr") -> str:
        return self.en if locale == "en" else self.fr


@dataclass(frozen=True)
class Referential:
    name: str
    version: str
    sources: tuple[str, ...]
    domains: tuple[Domain, ...]
    competences: tuple[Competence, ...]
    pix_labels: dict[str, dict[str, str]] = field(repr=False)
    digcomp_labels: dict[str, dict[str, str]] = field(repr=False)

    def competence(self, competence_id: str) -> Competence:
        for competence in self.competences:
            if competence.id == competence_id:
                return competence
        raise KeyError(competence_id)

    def rule_for(self, competence_id: str) -> ValidationRule:
        return self.competence(competence_id).validation

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "domains": [{"id": d.id, "fr": d.fr, "en": d.en} for d in self.domains],
            "competences": [
                {
                    "id": c.id,
                    "domain": c.domain,
                    "fr": c.fr,
                    "en": c.en,
                    "pix": list(c.pix),
                    "digcomp": list(c.digcomp),
                    "levels": {level.id: {"fr": level.fr, "en": level.en} for level in c.levels},
                    "evidence": c.evidence,
                    "validation": {
                        "min_ratio": c.validation.min_ratio,
                        "no_critical_failure": c.validation.no_critical_failure,
                    },
                }
                for c in self.competences
            ],
        }

    def format_table(self, locale: str = "fr") -> str:
        heading = ("ID", "Compétence" if locale == "fr" else "Competence", "Pix", "DigComp")
        lines = [f"{self.name} {self.version}", ""]
        for domain in self.domains:
            lines.append(f"{domain.id} — {domain.en if locale == 'en' else domain.fr}")
            lines.append(f"  {heading[0]:<4} {heading[1]:<72} {heading[2]:<10} {heading[3]}")
            for c in (c for c in self.competences if c.domain == domain.id):
                text = c.statement(locale)
                text = text if len(text) <= 72 else text[:71] + "…"
                lines.append(f"  {c.id:<4} {text:<72} {', '.join(c.pix):<10} {', '.join(c.digcomp)}")
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"


class _Reader:
    """Walks the composed YAML nodes, so every complaint carries the node's line."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: yaml.Node | None, reason: str) -> ReferentialError:
        line = node.start_mark.line + 1 if node is not None else 1
        return ReferentialError(f"{self.path.name}:{line}: {reason}")

    def mapping(
        self, node: yaml.Node, what: str, allowed: set[str], required: set[str]
    ) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what}: a mapping (key: value) is expected")
        items: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key not in allowed:
                raise self.fail(key_node, f"{what}: unknown key {key!r}")
            if key in items:
                raise self.fail(key_node, f"{what}: key {key!r} appears twice")
            items[key] = value_node
        missing = sorted(required - items.keys())
        if missing:
            raise self.fail(node, f"{what}: missing key {missing[0]!r}")
        return items

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"{what}: a list is expected")
        return list(node.value)

    def text(self, node: yaml.Node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
            raise self.fail(node, f"{what}: a non-empty text is expected")
        return str(node.value).strip()

    def labels(self, node: yaml.Node, what: str) -> tuple[dict[str, dict[str, str]], dict[str, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what}: a mapping of codes is expected")
        labels: dict[str, dict[str, str]] = {}
        nodes: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            code = str(key_node.value)
            if code in labels:
                raise self.fail(key_node, f"{what}: code {code!r} appears twice")
            entry = self.mapping(value_node, f"{what} {code}", {"fr", "en"}, {"fr", "en"})
            labels[code] = {k: self.text(v, f"{what} {code}.{k}") for k, v in entry.items()}
            nodes[code] = key_node
        return labels, nodes

    def rule(self, node: yaml.Node, what: str, default: ValidationRule) -> ValidationRule:
        items = self.mapping(node, what, RULE_KEYS, set())
        ratio, strict = default.min_ratio, default.no_critical_failure
        if "min_ratio" in items:
            try:
                ratio = float(items["min_ratio"].value)
            except (TypeError, ValueError):
                raise self.fail(items["min_ratio"], f"{what}: min_ratio must be a number") from None
            if not 0.0 <= ratio <= 1.0:
                raise self.fail(
                    items["min_ratio"], f"{what}: min_ratio must lie between 0 and 1, not {ratio:g}"
                )
        if "no_critical_failure" in items:
            value = str(items["no_critical_failure"].value).lower()
            if value not in {"true", "false"}:
                raise self.fail(
                    items["no_critical_failure"], f"{what}: no_critical_failure must be true or false"
                )
            strict = value == "true"
        return ValidationRule(ratio, strict)

    def codes(self, node: yaml.Node, what: str, known: dict[str, Any]) -> tuple[str, ...]:
        codes = []
        for item in self.sequence(node, what):
            code = self.text(item, what)
            if code not in known:
                raise self.fail(item, f"{what}: code {code!r} is not in the table of codes")
            codes.append(code)
        if not codes:
            raise self.fail(node, f"{what}: at least one code is expected")
        return tuple(codes)


def parse_referential(text: str, path: Path) -> Referential:
    reader = _Reader(path)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise ReferentialError(f"{path.name}:{line}: YAML syntax: {error.problem or error}") from None
    except yaml.YAMLError as error:
        raise ReferentialError(f"{path.name}:1: YAML syntax: {error}") from None
    if root is None:
        raise ReferentialError(f"{path.name}:1: the file is empty")
    top = reader.mapping(root, "referential", TOP_KEYS, TOP_KEYS - {"sources"})
    default_rule = reader.rule(top["validation"], "validation", ValidationRule())
    level_items = reader.mapping(top["levels"], "levels", set(LEVEL_IDS), set(LEVEL_IDS))
    levels = tuple(
        Level(
            lid,
            **{
                k: reader.text(v, f"levels {lid}.{k}")
                for k, v in reader.mapping(
                    level_items[lid], f"levels {lid}", {"fr", "en"}, {"fr", "en"}
                ).items()
            },
        )
        for lid in LEVEL_IDS
    )
    pix, _ = reader.labels(top["pix"], "pix")
    digcomp, _ = reader.labels(top["digcomp"], "digcomp")
    domains: list[Domain] = []
    for node in reader.sequence(top["domains"], "domains"):
        items = reader.mapping(node, "domain", DOMAIN_KEYS, DOMAIN_KEYS)
        domain = Domain(**{k: reader.text(v, f"domain.{k}") for k, v in items.items()})
        if any(d.id == domain.id for d in domains):
            raise reader.fail(items["id"], f"domain {domain.id}: id appears twice")
        domains.append(domain)
    competences: list[Competence] = []
    for node in reader.sequence(top["competences"], "competences"):
        named = [v.value for k, v in getattr(node, "value", []) if getattr(k, "value", None) == "id"]
        what = f"competence {named[0]}" if named and isinstance(named[0], str) else "competence"
        items = reader.mapping(node, what, COMPETENCE_KEYS, COMPETENCE_KEYS - {"levels", "validation"})
        cid = reader.text(items["id"], f"{what}.id")
        if any(c.id == cid for c in competences):
            raise reader.fail(items["id"], f"{what}: id appears twice")
        domain_id = reader.text(items["domain"], f"{what}.domain")
        if all(d.id != domain_id for d in domains):
            raise reader.fail(items["domain"], f'{what}: domain "{domain_id}" is not defined')
        if "levels" in items:
            listed = [
                reader.text(n, f"{what}.levels") for n in reader.sequence(items["levels"], f"{what}.levels")
            ]
            if listed != list(LEVEL_IDS):
                raise reader.fail(items["levels"], f"{what}: levels must be exactly N1, N2, N3")
        rule = (
            reader.rule(items["validation"], f"{what}.validation", default_rule)
            if "validation" in items
            else default_rule
        )
        competences.append(
            Competence(
                id=cid,
                domain=domain_id,
                fr=reader.text(items["fr"], f"{what}.fr"),
                en=reader.text(items["en"], f"{what}.en"),
                pix=reader.codes(items["pix"], f"{what}.pix", pix),
                digcomp=reader.codes(items["digcomp"], f"{what}.digcomp", digcomp),
                evidence=reader.text(items["evidence"], f"{what}.evidence"),
                levels=levels,
                validation=rule,
            )
        )
    sources = (
        tuple(reader.text(n, "sources") for n in reader.sequence(top["sources"], "sources"))
        if "sources" in top
        else ()
    )
    return Referential(
        name=reader.text(top["name"], "name"),
        version=reader.text(top["version"], "version"),
        sources=sources,
        domains=tuple(domains),
        competences=tuple(competences),
        pix_labels=pix,
        digcomp_labels=digcomp,
    )


def load_referential(path: Path | None = None) -> Referential:
    """The packaged referential (cached), or the file at `path` (a mediator's edited copy)."""
    if path is None:
        return _default()
    return _load(Path(path))


@cache
def _default() -> Referential:
    return _load(DEFAULT_FILE)


def _load(path: Path) -> Referential:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReferentialError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ReferentialError(f"{path}: unreadable ({error})") from None
    return parse_referential(text, path)
