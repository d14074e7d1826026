"""The competence referential: one YAML data file, validated when it is loaded.

A mediator may edit the file (or pass a copy with `tremplin referential --file`): any
mistake stops the load with the file, the 1-based line and the reason, because a report
or an attestation built on a half-read referential would be wrong without anyone knowing.
Line numbers come from PyYAML's composed node tree (`yaml.compose`), never from the text.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

import yaml
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t

DEFAULT_FILE = Path(__file__).parent / "data" / "referential.yaml"
LEVEL_IDS = ("N1", "N2", "N3")
TOP_KEYS = {"name", "version", "sources", "validation", "levels", "pix", "digcomp", "domains", "competences"}
TOP_OPTIONAL = {"sources"}
DOMAIN_KEYS = {"id", "fr", "en"}
COMPETENCE_KEYS = {"id", "domain", "fr", "en", "pix", "digcomp", "evidence", "levels", "validation"}
COMPETENCE_OPTIONAL = {"validation"}
RULE_KEYS = {"min_ratio", "no_critical_failure"}
LABEL_KEYS = {"fr", "en"}
#: Scalars read as text: a bare number (`version: 1.0`, `pix: [1.1]`) is fine, null or true is not.
TEXT_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}

Framework = Literal["pix", "digcomp"]


class ReferentialError(TremplinError):
    """The referential file is malformed: `file:line: reason`."""


@dataclass(frozen=True)
class ValidationRule:
    """When a competence counts as validated: enough points and, if asked, no critical failure."""

    min_ratio: float = 0.7
    no_critical_failure: bool = True

    def is_validated(self, points: float, max_points: float, critical_failures: int) -> bool:
        if max_points <= 0:  # nothing was assessed: no evidence, no validation
            return False
        if self.no_critical_failure and critical_failures > 0:
            return False
        return points / max_points >= self.min_ratio - 1e-9  # 7/10 must pass 0.7 despite floats

    def to_json_dict(self) -> dict[str, Any]:
        return {"min_ratio": self.min_ratio, "no_critical_failure": self.no_critical_failure}


@dataclass(frozen=True)
class Level:
    id: str
    fr: str
    en: str

    def text(self, locale: str = "fr") -> str:
        return self.en if locale == "en" else self.fr


@dataclass(frozen=True)
class Domain:
    id: str
    fr: str
    en: str

    def name(self, locale: str = "fr") -> str:
        return self.en if locale == "en" else self.fr


@dataclass(frozen=True)
class Competence:
    id: str
    domain: str
    fr: str
    en: str
    pix: tuple[str, ...]
    digcomp: tuple[str, ...]
    evidence: str
    levels: tuple[Level, ...]  # N1, N2, N3: what each level means for this competence
    validation: ValidationRule

    def statement(self, locale: str = "fr") -> str:
        return self.en if locale == "en" else self.fr

    def level(self, level_id: str) -> Level:
        for level in self.levels:
            if level.id == level_id:
                return level
        raise KeyError(level_id)


@dataclass(frozen=True)
class Referential:
    name: str
    version: str
    sources: tuple[str, ...]
    validation: ValidationRule  # the default rule, before any competence's override
    levels: tuple[Level, ...]  # what N1–N3 mean in general
    domains: tuple[Domain, ...]
    competences: tuple[Competence, ...]
    pix_labels: Mapping[str, Mapping[str, str]]  # "1.1" -> {"fr": ..., "en": ...}
    digcomp_labels: Mapping[str, Mapping[str, str]]

    def competence(self, competence_id: str) -> Competence:
        for competence in self.competences:
            if competence.id == competence_id:
                return competence
        raise KeyError(competence_id)

    def domain(self, domain_id: str) -> Domain:
        for domain in self.domains:
            if domain.id == domain_id:
                return domain
        raise KeyError(domain_id)

    def competences_of(self, domain_id: str) -> tuple[Competence, ...]:
        return tuple(c for c in self.competences if c.domain == domain_id)

    def rule_for(self, competence_id: str) -> ValidationRule:
        return self.competence(competence_id).validation

    def code_label(self, framework: Framework, code: str, locale: str = "fr") -> str:
        """Code and label as reports print them: "1.1 Mener une recherche et une veille d'information"."""
        labels = self.pix_labels if framework == "pix" else self.digcomp_labels
        return f"{code} {labels[code]['en' if locale == 'en' else 'fr']}"

    def to_json_dict(self) -> dict[str, Any]:
        """The documented JSON: the required keys first, then levels, evidence and rule."""
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
                    "evidence": c.evidence,
                    "levels": {level.id: {"fr": level.fr, "en": level.en} for level in c.levels},
                    "validation": c.validation.to_json_dict(),
                }
                for c in self.competences
            ],
        }

    def format_table(self, locale: str = "fr") -> str:
        """A fixed-width table grouped by domain, long statements wrapped (never cut)."""
        return _format_table(self, "en" if locale == "en" else "fr")


# -- text table ------------------------------------------------------------------------

STATEMENT_WIDTH = 64
CODES_WIDTH = 9


def _row(cid: str, text: str, pix: str, digcomp: str) -> list[str]:
    wrapped = textwrap.wrap(text, STATEMENT_WIDTH) or [""]
    first = f"  {cid:<4} {wrapped[0]:<{STATEMENT_WIDTH}} {pix:<{CODES_WIDTH}} {digcomp}".rstrip()
    return [first] + [f"  {'':<4} {line}" for line in wrapped[1:]]


def rule_text(rule: ValidationRule, locale: str = "fr") -> str:
    """The rule in words, for the referential table and the report."""
    key = "referential.rule_strict" if rule.no_critical_failure else "referential.rule_points"
    return t(key, locale, percent=f"{rule.min_ratio * 100:g}")


def _format_table(ref: Referential, locale: str) -> str:
    lines = [
        f"{ref.name} {ref.version}",
        t("referential.default_rule", locale, rule=rule_text(ref.validation, locale)),
        "",
    ]
    heading = _row(
        t("referential.col_id", locale),
        t("referential.col_competence", locale),
        "Pix",
        "DigComp",
    )
    for domain in ref.domains:
        lines.append(f"{domain.id} — {domain.name(locale)}")
        lines.extend(heading)
        for c in ref.competences_of(domain.id):
            lines.extend(_row(c.id, c.statement(locale), ", ".join(c.pix), ", ".join(c.digcomp)))
            if c.validation != ref.validation:
                lines.append(
                    f"  {'':<4} ({t('referential.own_rule', locale, rule=rule_text(c.validation, locale))})"
                )
        lines.append("")
    for framework, title in (("pix", "referential.pix_codes"), ("digcomp", "referential.digcomp_codes")):
        used = sorted({code for c in ref.competences for code in getattr(c, framework)})
        lines.append(t(title, locale))
        lines.extend(f"  {ref.code_label(framework, code, locale)}" for code in used)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# -- loading and validation ------------------------------------------------------------


class _Reader:
    """Walks the composed YAML nodes, so every complaint carries the node's line."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: yaml.Node | None, reason: str) -> ReferentialError:
        line = node.start_mark.line + 1 if node is not None else 1
        return ReferentialError(f"{self.path.name}:{line}: {reason}")

    def mapping(
        self, node: yaml.Node, what: str, allowed: set[str], optional: set[str]
    ) -> dict[str, yaml.Node]:
        """The keys of a mapping node: no unknown, repeated or missing key."""
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what}: a mapping (key: value) is expected")
        items: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if key not in allowed:
                shown = repr(key) if key is not None else "(not a plain word)"
                raise self.fail(key_node, f"{what}: unknown key {shown}")
            if key in items:
                raise self.fail(key_node, f"{what}: key {key!r} appears twice")
            items[key] = value_node
        missing = sorted(allowed - optional - items.keys())
        if missing:
            raise self.fail(node, f"{what}: missing key {missing[0]!r}")
        return items

    def sequence(self, node: yaml.Node, what: str) -> list[yaml.Node]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"{what}: a list is expected")
        return list(node.value)

    def text(self, node: yaml.Node, what: str) -> str:
        if not (isinstance(node, yaml.ScalarNode) and node.tag in TEXT_TAGS and node.value.strip()):
            raise self.fail(node, f"{what}: a non-empty text is expected")
        return node.value.strip()

    def bilingual(self, node: yaml.Node, what: str) -> dict[str, str]:
        items = self.mapping(node, what, LABEL_KEYS, set())
        return {key: self.text(items[key], f"{what}.{key}") for key in ("fr", "en")}

    def labels(self, node: yaml.Node, what: str) -> Mapping[str, Mapping[str, str]]:
        """A lookup table code -> {fr, en} (the Pix or DigComp competences)."""
        if not isinstance(node, yaml.MappingNode) or not node.value:
            raise self.fail(node, f"{what}: a mapping of codes is expected")
        labels: dict[str, Mapping[str, str]] = {}
        for key_node, value_node in node.value:
            code = self.text(key_node, f"{what} code")
            if code in labels:
                raise self.fail(key_node, f"{what}: code {code!r} appears twice")
            labels[code] = MappingProxyType(self.bilingual(value_node, f"{what} {code}"))
        return MappingProxyType(labels)

    def levels(self, node: yaml.Node, what: str) -> tuple[Level, ...]:
        """Exactly N1, N2, N3 in that order, each with a French and an English text."""
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what}: a mapping N1/N2/N3 is expected")
        found = [k.value if isinstance(k, yaml.ScalarNode) else "?" for k, _ in node.value]
        if found != list(LEVEL_IDS):
            wrong = next(
                (k for (k, _), lid in zip(node.value, LEVEL_IDS, strict=False) if k.value != lid), node
            )
            raise self.fail(
                wrong, f"{what}: levels must be exactly N1, N2, N3 (found {', '.join(found) or 'none'})"
            )
        return tuple(
            Level(lid, **self.bilingual(value, f"{what} {lid}"))
            for lid, (_, value) in zip(LEVEL_IDS, node.value, strict=True)
        )

    def rule(self, node: yaml.Node, what: str, default: ValidationRule) -> ValidationRule:
        items = self.mapping(node, what, RULE_KEYS, RULE_KEYS)
        ratio, strict = default.min_ratio, default.no_critical_failure
        if "min_ratio" in items:
            value = items["min_ratio"]
            if not (
                isinstance(value, yaml.ScalarNode) and value.tag in TEXT_TAGS - {"tag:yaml.org,2002:str"}
            ):
                raise self.fail(value, f"{what}: min_ratio must be a number")
            try:
                ratio = float(value.value)
            except ValueError:  # YAML spellings such as .inf / .nan
                raise self.fail(value, f"{what}: min_ratio must be a number") from None
            if not 0.0 <= ratio <= 1.0:
                raise self.fail(value, f"{what}: min_ratio must lie between 0 and 1, not {ratio:g}")
        if "no_critical_failure" in items:
            value = items["no_critical_failure"]
            if not (isinstance(value, yaml.ScalarNode) and value.tag == "tag:yaml.org,2002:bool"):
                raise self.fail(value, f"{what}: no_critical_failure must be true or false")
            strict = value.value.lower() in {"true", "yes", "on"}
        return ValidationRule(ratio, strict)

    def codes(self, node: yaml.Node, what: str, known: Mapping[str, Any]) -> tuple[str, ...]:
        codes: list[str] = []
        for item in self.sequence(node, what):
            code = self.text(item, what)
            if code not in known:
                raise self.fail(item, f"{what}: code {code!r} is not in the table of codes")
            if code in codes:
                raise self.fail(item, f"{what}: code {code!r} appears twice")
            codes.append(code)
        if not codes:
            raise self.fail(node, f"{what}: at least one code is expected")
        return tuple(codes)


def _compose(text: str, path: Path) -> yaml.Node:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        reason = error.problem or str(error)
        raise ReferentialError(f"{path.name}:{line}: YAML syntax: {reason} (check the indentation)") from None
    except yaml.YAMLError as error:
        raise ReferentialError(f"{path.name}:1: YAML syntax: {error}") from None
    if root is None:
        raise ReferentialError(f"{path.name}:1: the file is empty")
    return root


def _competence_name(node: yaml.Node) -> str:
    """How messages name the entry ("competence R7"), so the mediator knows which one."""
    for key, value in getattr(node, "value", []) if isinstance(node, yaml.MappingNode) else []:
        if getattr(key, "value", None) == "id" and isinstance(value, yaml.ScalarNode) and value.value:
            return f"competence {value.value}"
    return "competence"


def parse_referential(text: str, path: Path) -> Referential:
    """Build the referential from YAML text; `path` only names the file in messages."""
    reader = _Reader(path)
    top = reader.mapping(_compose(text, path), "referential", TOP_KEYS, TOP_OPTIONAL)
    name = reader.text(top["name"], "name")
    version = reader.text(top["version"], "version")
    sources = (
        tuple(reader.text(n, "sources") for n in reader.sequence(top["sources"], "sources"))
        if "sources" in top
        else ()
    )
    levels = reader.levels(top["levels"], "levels")
    default_rule = reader.rule(top["validation"], "validation", ValidationRule())
    pix = reader.labels(top["pix"], "pix")
    digcomp = reader.labels(top["digcomp"], "digcomp")

    domains: list[Domain] = []
    for node in reader.sequence(top["domains"], "domains"):
        items = reader.mapping(node, "domain", DOMAIN_KEYS, set())
        domain = Domain(**{key: reader.text(items[key], f"domain.{key}") for key in ("id", "fr", "en")})
        if any(d.id == domain.id for d in domains):
            raise reader.fail(items["id"], f"domain {domain.id}: id appears twice")
        domains.append(domain)

    competences: list[Competence] = []
    for node in reader.sequence(top["competences"], "competences"):
        what = _competence_name(node)
        items = reader.mapping(node, what, COMPETENCE_KEYS, COMPETENCE_OPTIONAL)
        cid = reader.text(items["id"], f"{what}.id")
        if any(c.id == cid for c in competences):
            raise reader.fail(items["id"], f"{what}: id appears twice")
        domain_id = reader.text(items["domain"], f"{what}.domain")
        if all(d.id != domain_id for d in domains):
            raise reader.fail(items["domain"], f'{what}: domain "{domain_id}" is not defined')
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
                levels=reader.levels(items["levels"], f"{what}.levels"),
                validation=rule,
            )
        )
    if not competences:
        raise reader.fail(top["competences"], "competences: at least one competence is expected")

    return Referential(
        name=name,
        version=version,
        sources=sources,
        validation=default_rule,
        levels=levels,
        domains=tuple(domains),
        competences=tuple(competences),
        pix_labels=pix,
        digcomp_labels=digcomp,
    )


def load_referential(path: Path | None = None) -> Referential:
    """The packaged referential (loaded once), or the file at `path` (a mediator's edited copy)."""
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
        raise ReferentialError(f"{path}: fichier introuvable / file not found") from None
    except IsADirectoryError:
        raise ReferentialError(f"{path}: c'est un dossier / is a folder, not a file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ReferentialError(f"{path}: illisible / unreadable ({error})") from None
    return parse_referential(text, path)
