"""Open Badges 3.0 credentials, one per validated competence, signed as VC-JWT (EdDSA, Ed25519).

A learner can hand an employer the PDF or the badges; the badges are checkable by anyone,
offline. Each OpenBadgeCredential (VC Data Model 2.0 contexts) is written twice beside the
PDF: `<competence>.json`, the readable credential, and `<competence>.jwt`, the same credential
as the payload of a compact JWS (OB 3.0 §8 "JSON Web Token proof": registered claims iss,
jti, nbf, sub added at the top level). The course signs with its own Ed25519 key, kept in
`<course>/keys/issuer-ed25519.jwk` (0600, made on first use); the issuer id is a `did:jwk:`
of the public key, so the signature checks with nothing online. JOSE is done by joserfc
(a maintained library), never by hand. Every credential written or checked is validated
against the official 1EdTech JSON Schema vendored in data/: by jsonschema's Draft 2019-09
validator when verifying, by the same schema compiled with fastjsonschema when issuing (a
room's worth of badges at once; jsonschema takes ~5 ms a badge).

The verification code printed on the PDF is a short hash of the badges' signatures: the
PDF and its badges travel apart, and the code ties them together without a server.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import uuid
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError, SecurityWarning
from joserfc.jwk import OKPKey
from tremplin.grading.attestation_model import AttestationData, CertifiedCompetence
from tremplin.widgets.documents.model import write_atomic
from tremplin.widgets.errors import TremplinError
from tremplin.widgets.i18n import t

CONTEXTS = ("https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json")
TYPES = ("VerifiableCredential", "OpenBadgeCredential")
SCHEMA_URL = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
SCHEMA_FILE = Path(__file__).parent / "data" / "ob_v3p0_achievementcredential_schema.json"
KEY_FILE = Path("keys") / "issuer-ed25519.jwk"
#: "EdDSA" is what OB 3.0 wallets and verifiers know; RFC 9864's "Ed25519" is accepted too.
ALGORITHM = "EdDSA"
ACCEPTED_ALGORITHMS = ("EdDSA", "Ed25519")
JWT_CLAIMS = ("iss", "jti", "nbf", "sub")
CODE_PREFIX = "TRMP"
CODE_LENGTH = 8
#: Where each framework is described (Alignment.targetUrl is required by the schema).
FRAMEWORKS = {
    "pix": ("Pix — CRCN", "https://pix.fr/competences"),
    "digcomp": ("DigComp 2.2", "https://publications.jrc.ec.europa.eu/repository/handle/JRC128415"),
}
_COMPACT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_IDS = uuid.UUID("6f1c1d52-3f0e-4a53-9a51-54a1c8f3b0de")  # namespace of Tremplin's stable urn:uuid ids


class BadgeError(TremplinError):
    """A badge that cannot be made or does not verify, with the reason in French."""


@dataclass(frozen=True)
class IssuedBadge:
    competence_id: str
    json_path: Path
    jwt_path: Path
    signature: str  # the JWS signature segment, which the verification code hashes


@dataclass(frozen=True)
class VerifiedBadge:
    """What a verified badge says, for the person checking it."""

    competence_id: str
    name: str
    learner: str
    level: str
    issuer_id: str
    issuer_name: str
    valid_from: str
    signature: str
    credential: Mapping[str, Any] = field(compare=False, repr=False)


# -- the course's key ----------------------------------------------------------------------


def key_path(course_dir: Path) -> Path:
    return Path(course_dir) / KEY_FILE


def issuer_key(course_dir: Path) -> OKPKey:
    """The course's signing key, created (0600, in a 0700 folder) the first time it is needed."""
    path = key_path(course_dir)
    if not path.exists():
        _create_key(path)
    return load_key(path)


def load_key(path: Path) -> OKPKey:
    """The Ed25519 key in `path`; a damaged file is a French error and is never replaced."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        key = OKPKey.import_key(data)
    except FileNotFoundError:
        raise BadgeError(t("attestation.key_missing", path=path)) from None
    except (OSError, ValueError, TypeError, KeyError, AttributeError, JoseError):
        raise BadgeError(t("attestation.key_damaged", path=path)) from None
    if not isinstance(key, OKPKey) or key.curve_name != "Ed25519" or not key.is_private:
        raise BadgeError(t("attestation.key_damaged", path=path))
    return key


def _create_key(path: Path) -> None:
    """Write a new key whole, owner-only, and never over a key another process just made.

    The folder is made owner-only first, so the key is never readable by others, not even
    for the instant between its atomic write and its own chmod.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        text = json.dumps(OKPKey.generate_key("Ed25519").as_dict(private=True), sort_keys=True) + "\n"
        write_atomic(path, text.encode("utf-8"), replace=False)
        os.chmod(path, 0o600)
    except FileExistsError:
        pass  # another process made the key meanwhile: keep that one
    except OSError as error:
        raise BadgeError(t("attestation.key_cannot_create", path=path, reason=error.strerror)) from None


def public_jwk(key: OKPKey | Mapping[str, Any]) -> dict[str, str]:
    """The public members only (never "d"), as did:jwk and the JOSE header carry them."""
    data = key.as_dict(private=False) if isinstance(key, OKPKey) else dict(key)
    return {name: data[name] for name in ("crv", "kty", "x") if name in data}


def issuer_did(key: OKPKey | Mapping[str, Any]) -> str:
    text = json.dumps(public_jwk(key), sort_keys=True, separators=(",", ":"))
    return "did:jwk:" + base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def _jwk_of_did(did: str) -> dict[str, Any]:
    encoded = did.removeprefix("did:jwk:").split("#", 1)[0]
    data = json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
    if not isinstance(data, dict) or "d" in data:
        raise ValueError("not a public JWK")
    return data


# -- making badges -------------------------------------------------------------------------


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _urn(*parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_IDS, chr(31).join(parts))}"


def _alignments(competence: CertifiedCompetence) -> list[dict[str, Any]]:
    aligned = []
    for framework, codes in (("pix", competence.pix), ("digcomp", competence.digcomp)):
        name, url = FRAMEWORKS[framework]
        aligned += [{"type": ["Alignment"], "targetCode": code, "targetName": f"{code} {label}",
                     "targetFramework": name, "targetUrl": url} for code, label in codes]
    return aligned


def credential_for(data: AttestationData, competence: CertifiedCompetence, issuer_id: str) -> dict[str, Any]:
    """The OpenBadgeCredential (unsigned) for one validated competence of one learner."""
    achievement_id = _urn("achievement", data.referential_name, data.referential_version, competence.id)
    levels_id = f"{achievement_id}#niveaux"
    epreuves = ", ".join(f"« {item.name} »" for item in competence.evidence) or "—"
    return {
        "@context": list(CONTEXTS),
        "id": _urn("credential", issuer_id, data.learner_id, competence.id, competence.level,
                   competence.validated_on.isoformat(), data.issued_on.isoformat()),
        "type": list(TYPES),
        "name": f"{competence.id} — {competence.statement}",
        "description": t("attestation.badge_description", "fr", level=competence.level,
                         meaning=competence.level_text, referential=data.referential_name),
        "issuer": {"id": issuer_id, "type": ["Profile"],
                   "name": data.structure or t("attestation.issuer_default", "fr")},
        "validFrom": _stamp(data.issued_on),
        "awardedDate": _stamp(competence.validated_on),
        "credentialSubject": {
            "id": _urn("learner", issuer_id, data.learner_id),
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False,
                            "identityHash": data.pseudonym}],
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "achievementType": "Competency",
                "humanCode": competence.id,
                "name": competence.statement,
                "description": f"{competence.statement}. {competence.level} : {competence.level_text}.",
                "criteria": {"narrative": t("attestation.badge_criteria", "fr", epreuves=epreuves,
                                            referential=data.referential_name,
                                            version=data.referential_version)},
                "alignment": _alignments(competence),
                "resultDescription": [{"id": levels_id, "type": ["ResultDescription"],
                                       "name": t("attestation.badge_level_name", "fr"),
                                       "resultType": "PerformanceLevel",
                                       "allowedValue": ["N1", "N2", "N3"]}],
                "inLanguage": "fr",
                "version": data.referential_version,
            },
            "result": [{"type": ["Result"], "resultDescription": levels_id, "value": competence.level}],
        },
        "evidence": [{"type": ["Evidence"], "name": item.name,
                      "description": t("attestation.badge_evidence", "fr", checks=" ; ".join(item.checks)),
                      "genre": t("attestation.badge_genre", "fr")}
                     for item in competence.evidence],
        "credentialSchema": [{"id": SCHEMA_URL, "type": "1EdTechJsonSchemaValidator2019"}],
    }


def _claims(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The JWT registered claims OB 3.0 asks for, taken from the credential itself."""
    valid_from = datetime.fromisoformat(credential["validFrom"].replace("Z", "+00:00"))
    return {"iss": _issuer(credential)[0], "jti": credential["id"],
            "nbf": int(valid_from.timestamp()), "sub": credential["credentialSubject"]["id"]}


def _issuer(credential: Mapping[str, Any]) -> tuple[str, str]:
    """(id, name) of the issuer, which the schema allows as a Profile or a bare URI."""
    issuer = credential["issuer"]
    return (str(issuer["id"]), str(issuer.get("name", ""))) if isinstance(issuer, dict) else (str(issuer), "")


def sign(credential: Mapping[str, Any], key: OKPKey) -> str:
    """The compact JWS of the credential (payload: credential + iss/jti/nbf/sub)."""
    payload = json.dumps({**credential, **_claims(credential)}, ensure_ascii=False, sort_keys=True,
                         separators=(",", ":"))
    header = {"alg": ALGORITHM, "kid": f"{issuer_did(key)}#0", "typ": "JWT"}
    with quiet_eddsa_warning():
        return jws.serialize_compact(header, payload.encode("utf-8"), key, algorithms=[ALGORITHM])


@dataclass(frozen=True)
class SignedBadge:
    competence_id: str
    credential: Mapping[str, Any] = field(repr=False)
    token: str = field(repr=False)

    @property
    def signature(self) -> str:
        return self.token.rsplit(".", 1)[1]


def sign_badges(data: AttestationData, key: OKPKey) -> list[SignedBadge]:
    """Every competence's credential, schema-checked and signed, in memory (nothing written yet)."""
    if not data.competences:
        raise BadgeError(t("attestation.nothing_validated", learner=data.learner_id))
    issuer_id = issuer_did(key)
    signed = []
    for competence in data.competences:
        credential = credential_for(data, competence, issuer_id)
        if not _fits(credential):  # a bug in the kit, never the learner's doing: no bad badge leaves
            raise BadgeError(t("attestation.schema_invalid", reason=schema_problem(credential)))
        signed.append(SignedBadge(competence.id, credential, sign(credential, key)))
    return signed


def write_badges(signed: Iterable[SignedBadge], badges_dir: Path, atomic: bool = True) -> list[IssuedBadge]:
    """`<competence>.json` and `.jwt` for each badge; earlier badges there replaced.

    atomic=False writes plainly, for a staging folder that is itself swapped in whole.
    """
    badges_dir.mkdir(parents=True, exist_ok=True)
    issued = []
    for badge in signed:
        stem = safe_name(badge.competence_id)
        json_path, jwt_path = badges_dir / f"{stem}.json", badges_dir / f"{stem}.jwt"
        text = json.dumps(badge.credential, ensure_ascii=False, indent=2) + "\n"
        token = (badge.token + "\n").encode("ascii")
        for path, content in ((json_path, text.encode("utf-8")), (jwt_path, token)):
            if atomic:
                write_atomic(path, content)
            else:
                path.write_bytes(content)
        issued.append(IssuedBadge(badge.competence_id, json_path, jwt_path, badge.signature))
    _drop_stale(badges_dir, {item.jwt_path.name for item in issued})
    return issued


def safe_name(name: str) -> str:
    """A file or folder name from an id: letters, digits, - and _ only."""
    stem = "".join(char if char.isalnum() or char in "-_" else "_" for char in name)
    return stem or "_"


def _drop_stale(badges_dir: Path, keep: set[str]) -> None:
    """Badges of an earlier run for competences no longer certified would spoil the code."""
    for jwt_path in badges_dir.glob("*.jwt"):
        if jwt_path.name not in keep:
            jwt_path.unlink(missing_ok=True)
            jwt_path.with_suffix(".json").unlink(missing_ok=True)


# -- the schema ----------------------------------------------------------------------------


@cache
def _validator() -> Any:
    from jsonschema import Draft201909Validator

    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return Draft201909Validator(schema, format_checker=Draft201909Validator.FORMAT_CHECKER)


@cache
def _fast_validator() -> Any:
    """The same schema compiled by fastjsonschema (~10× faster): used when issuing many badges."""
    import fastjsonschema

    return fastjsonschema.compile(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def _fits(credential: Mapping[str, Any]) -> bool:
    from fastjsonschema import JsonSchemaException

    try:
        _fast_validator()(credential)
    except JsonSchemaException:
        return False
    return True


def schema_problem(credential: Mapping[str, Any]) -> str:
    """"" if the credential fits the 1EdTech schema, else the first problem and where it is."""
    error = next(iter(sorted(_validator().iter_errors(credential), key=lambda e: list(e.path))), None)
    if error is None:
        return ""
    where = "/".join(str(part) for part in error.absolute_path) or "/"
    return f"{where}: {error.message}"


# -- verifying -----------------------------------------------------------------------------


def verify_badge(path_or_jwt: Path | str, public_jwk: Mapping[str, Any] | None = None) -> VerifiedBadge:
    """Check a badge (a .jwt or .json file, or the compact JWS itself): signature, schema, JSON twin.

    With `public_jwk` (the structure's key) a badge signed by any other key is refused; without
    it, the key named by the badge's did:jwk issuer is used. BadgeError says why in French.
    """
    token, json_path = _token_and_twin(path_or_jwt)
    embedded = _embedded_key(token)
    if public_jwk is not None and OKPKey.import_key(dict(public_jwk)).thumbprint() != embedded.thumbprint():
        raise BadgeError(t("attestation.verify_foreign_key"))
    try:
        with quiet_eddsa_warning():
            signed = jws.deserialize_compact(token, embedded, algorithms=list(ACCEPTED_ALGORITHMS))
        payload = json.loads(signed.payload)
    except (JoseError, ValueError):
        raise BadgeError(t("attestation.verify_bad_signature")) from None
    if not isinstance(payload, dict):
        raise BadgeError(t("attestation.verify_unreadable"))
    credential = {name: value for name, value in payload.items() if name not in JWT_CLAIMS}
    problem = schema_problem(credential)
    if problem:
        raise BadgeError(t("attestation.verify_schema", reason=problem))
    _check_claims(payload, credential, token)
    if json_path is not None and _read_json(json_path) != credential:
        raise BadgeError(t("attestation.verify_json_differs", path=json_path.name))
    subject = credential["credentialSubject"]
    return VerifiedBadge(
        competence_id=str(subject["achievement"].get("humanCode", "")),
        name=str(credential.get("name", "")),
        learner=next((str(item.get("identityHash", "")) for item in subject.get("identifier", [])), ""),
        level=next((str(item.get("value", "")) for item in subject.get("result", [])), ""),
        issuer_id=_issuer(credential)[0],
        issuer_name=_issuer(credential)[1],
        valid_from=str(credential["validFrom"]),
        signature=token.rsplit(".", 1)[1],
        credential=credential,
    )


def _token_and_twin(path_or_jwt: Path | str) -> tuple[str, Path | None]:
    """The compact JWS to check and, for a file, the JSON twin that must match it."""
    if isinstance(path_or_jwt, str) and _COMPACT.fullmatch(path_or_jwt.strip()):
        return path_or_jwt.strip(), None
    path = Path(path_or_jwt)
    jwt_path = path.with_suffix(".jwt")
    try:
        token = jwt_path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise BadgeError(t("attestation.verify_no_signature", path=jwt_path)) from None
    except (OSError, UnicodeDecodeError):
        raise BadgeError(t("attestation.verify_unreadable")) from None
    twin = path.with_suffix(".json")
    return token, twin if twin.exists() else None


def _embedded_key(token: str) -> OKPKey:
    """The public key the badge names in its header (kid = did:jwk …#0)."""
    try:
        header = jws.extract_compact(token.encode("ascii")).headers()
        if header.get("alg") not in ACCEPTED_ALGORITHMS:
            raise BadgeError(t("attestation.verify_algorithm", alg=header.get("alg")))
        return OKPKey.import_key(_jwk_of_did(str(header.get("kid", ""))))
    except BadgeError:
        raise
    except (JoseError, ValueError, TypeError, UnicodeError):
        raise BadgeError(t("attestation.verify_unreadable")) from None


def _check_claims(payload: Mapping[str, Any], credential: Mapping[str, Any], token: str) -> None:
    """iss, jti, nbf, sub must repeat the credential, and the signing key must be the issuer's."""
    header = jws.extract_compact(token.encode("ascii")).headers()
    try:
        expected = _claims(credential)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise BadgeError(t("attestation.verify_claims")) from None
    if any(payload.get(name) != value for name, value in expected.items()) or \
            not str(header.get("kid", "")).startswith(f"{expected['iss']}#"):
        raise BadgeError(t("attestation.verify_claims"))
    if payload["nbf"] > datetime.now(UTC).timestamp():
        raise BadgeError(t("attestation.verify_not_yet"))


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise BadgeError(t("attestation.verify_json_differs", path=path.name)) from None


# -- the verification code -----------------------------------------------------------------


def verification_code(signatures: Iterable[str]) -> str:
    """TRMP-XXXX-XXXX: base32 of a SHA-256 of the badges' signatures (order does not matter)."""
    digest = hashlib.sha256("\n".join(sorted(signatures)).encode("ascii")).digest()
    letters = base64.b32encode(digest).decode("ascii")[:CODE_LENGTH]
    return "-".join((CODE_PREFIX, letters[:4], letters[4:]))


def _normal(code: str) -> str:
    letters = "".join(char for char in code.upper() if char.isalnum())
    return letters.removeprefix(CODE_PREFIX)


def badge_files(target: Path) -> list[Path]:
    """The badges (.jwt) a code covers: a badge file, a folder of badges, or the PDF's folder."""
    target = Path(target)
    if target.is_dir():
        return sorted(target.rglob("*.jwt"))
    if target.suffix.lower() == ".pdf":
        return sorted((target.parent / "badges").glob("*.jwt"))
    return [target.with_suffix(".jwt")]


def verify_code(target: Path, code: str, public_jwk: Mapping[str, Any] | None = None) -> bool:
    """Whether `code` (as printed on the PDF) is the code of the badges in `target`, all verified."""
    files = badge_files(target)
    if not files:
        raise BadgeError(t("attestation.verify_no_badges", path=target))
    signatures = [verify_badge(path, public_jwk).signature for path in files]
    return _normal(verification_code(signatures)) == _normal(code)


class quiet_eddsa_warning(warnings.catch_warnings):
    """joserfc warns that "EdDSA" is superseded (RFC 9864); it is still what OB 3.0 verifiers read."""

    def __enter__(self) -> None:
        super().__enter__()
        warnings.filterwarnings("ignore", category=SecurityWarning, message="EdDSA")
