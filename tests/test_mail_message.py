"""Addresses and message composition: every bad input refused with one French line."""

from __future__ import annotations

from pathlib import Path

import pytest
from tremplin.widgets.i18n import catalogue
from tremplin.widgets.mail_addresses import (
    LEARNER_DOMAIN,
    MailError,
    learner_address,
    lookup_learner,
    parse_address,
    parse_address_list,
    register_address,
)
from tremplin.widgets.mail_message import (
    MAX_ATTACHMENT,
    MAX_BODY,
    Attachment,
    Draft,
    compose,
    draft_from_message,
    draft_message,
    forward,
    parse_message,
    reply,
    reply_all,
    strip_prefixes,
)
from tremplin.widgets.workspace import Workspace


def test_catalogues_have_the_same_keys() -> None:
    french = {k for k in catalogue("fr") if k.startswith("mail.")}
    english = {k for k in catalogue("en") if k.startswith("mail.")}
    assert french == english and len(french) > 20


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a@b.example", "a@b.example"),
        ("  Marie Le Goff <Marie.LeGoff@Boulangerie.EXAMPLE> ", "Marie.LeGoff@boulangerie.example"),
        ('"Martin, Paul" <p@x.example>', "p@x.example"),
    ],
)
def test_parse_address_accepts(text: str, expected: str) -> None:
    assert parse_address(text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "Écrivez une adresse"),
        ("   ", "Écrivez une adresse"),
        ("loulou75", "arobase"),
        ("a@b", "nom de domaine"),
        ("zoé@exemple.fr", "accents"),
        ("a b@exemple.fr", "pas valable"),
        ("a@b.example\r\nBcc: victime@x.example", "une seule ligne"),
        ("a@b.example\n", "une seule ligne"),
        ("<script>@x.fr", "adresse"),
        ("<script>alert(1)</script>", "adresse"),
        ("x" * 300 + "@b.example", "trop longue"),
    ],
)
def test_parse_address_refuses_in_french(text: str, words: str) -> None:
    with pytest.raises(MailError, match=words):
        parse_address(text)


def test_address_lists() -> None:
    text = '"Le Goff, Marie" <m@b.example>; c@d.example, C@D.example'
    assert parse_address_list(text) == ["m@b.example", "c@d.example"]
    assert parse_address_list("") == [] and parse_address_list(None) == []
    assert parse_address_list(["a@b.example", "c@d.example"]) == ["a@b.example", "c@d.example"]
    with pytest.raises(MailError, match="arobase"):
        parse_address_list("a@b.example, oops")
    with pytest.raises(MailError, match="Trop de destinataires"):
        parse_address_list(", ".join(f"p{i}@b.example" for i in range(60)))


def test_learner_addresses_and_registry(tmp_path: Path) -> None:
    assert learner_address("Zoé L'Hôte") == f"zoe-l-hote@{LEARNER_DOMAIN}"
    assert learner_address("camille.martin") == "camille.martin@courriel.example"
    with pytest.raises(MailError, match="ne convient pas"):
        learner_address("!!")
    one = Workspace.create(tmp_path / "learners" / "camille", "Camille")
    two = Workspace.create(tmp_path / "learners" / "bruno", "Bruno")
    assert lookup_learner(tmp_path, "camille@courriel.example") == tmp_path / "learners" / "camille"
    register_address(tmp_path, "camille.martin@courriel.example", one.root)
    assert lookup_learner(tmp_path, "camille@courriel.example") is None  # chose another address
    assert lookup_learner(tmp_path, "Camille.Martin@courriel.example") == one.root.resolve()
    with pytest.raises(MailError, match="déjà prise"):
        register_address(tmp_path, "camille.martin@courriel.example", two.root)
    with pytest.raises(MailError, match="@courriel.example"):
        register_address(tmp_path, "bruno@gmail.example", two.root)
    register_address(tmp_path, "camille.m@courriel.example", one.root)  # the old one is freed
    assert lookup_learner(tmp_path, "camille.martin@courriel.example") is None
    # the default address of any pseudonym reaches its workspace folder before registration
    from tremplin.widgets.workspace import pseudonym_slug

    for pseudonym in ("Анна", "Zoé L'Hôte"):
        folder = tmp_path / "learners" / pseudonym_slug(pseudonym)
        Workspace.create(folder, pseudonym)
        assert lookup_learner(tmp_path, learner_address(pseudonym)) == folder


@pytest.fixture
def documents(tmp_path: Path) -> Path:
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "cv.pdf").write_bytes(b"%PDF-1.4 cv")
    return folder


def draft(**fields: object) -> Draft:
    values = {"sender": "alice@courriel.example", "to": "rh@boulangerie.example", "subject": "Candidature",
              "body": "Bonjour"}
    values.update(fields)
    return Draft(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"subject": "Candidature\r\nBcc: x@y.example"}, "Objet.*une seule ligne"),
        ({"subject": "Candidature\nsuite"}, "une seule ligne"),
        ({"to": "rh@boulangerie.example\nCc: x@y.example"}, "une seule ligne"),
        ({"to": ""}, "au moins un destinataire"),
        ({"to": "rh at boulangerie"}, "arobase"),
        ({"sender": ""}, "Écrivez une adresse"),
        ({"attachments": ("disparu.pdf",)}, "n'existe plus"),
        ({"attachments": ("../profile.json",)}, "pas valable"),
        ({"body": "x" * (3 * 1024 * 1024)}, "trop long"),
        ({"subject": "x" * 1000}, "trop long"),
    ],
)
def test_compose_refuses_in_french(documents: Path, fields: dict, words: str) -> None:
    with pytest.raises(MailError, match=words):
        compose(draft(**fields), documents)


def test_attachment_limits(documents: Path) -> None:
    (documents / "photo.jpg").write_bytes(b"\xff" * (MAX_ATTACHMENT + 1))
    with pytest.raises(MailError, match="photo.jpg.*trop lourd.*5 Mo"):
        compose(draft(attachments=("photo.jpg",)), documents)
    parts = tuple(Attachment(f"p{i}.pdf", "application/pdf", b"x" * (4 * 1024 * 1024)) for i in range(3))
    with pytest.raises(MailError, match="ensemble.*10 Mo"):
        compose(draft(carried=parts), documents)
    assert len(compose(draft(body="é" * MAX_BODY), documents).message.get_content()) >= MAX_BODY


def test_attachment_from_a_sub_folder_is_named_by_its_file(documents: Path) -> None:
    folder = documents / "Candidature Le Goff"
    folder.mkdir()
    (folder / "CV.pdf").write_bytes(b"%PDF-1.4 sous-dossier")
    (documents / ".cache").mkdir()
    (documents / ".cache" / "x.pdf").write_bytes(b"%PDF-1.4")
    message = parse_message(compose(draft(attachments=("Candidature Le Goff/CV.pdf",)), documents).as_bytes())
    assert [(a.get_filename(), a.get_content()) for a in message.iter_attachments()] == [
        ("CV.pdf", b"%PDF-1.4 sous-dossier")]
    for name in ("../cv.pdf", "Candidature Le Goff/../../cv.pdf", ".cache/x.pdf", "/etc/passwd", "a//b.pdf"):
        with pytest.raises(MailError, match="pas valable"):
            compose(draft(attachments=(name,)), documents)


def test_compose_headers_and_types(documents: Path) -> None:
    (documents / "lettre.docx").write_bytes(b"PK\x03\x04docx")
    out = compose(draft(cc="Bruno <b@courriel.example>", bcc="c@courriel.example",
                        attachments=("cv.pdf", "lettre.docx"), sender_name="Alice Martin"), documents)
    message = parse_message(out.as_bytes())
    assert message["Bcc"] is None and message["Cc"] == "b@courriel.example"
    assert message["From"] == "Alice Martin <alice@courriel.example>"
    assert message["Message-ID"].endswith("@courriel.example>")
    types = {a.get_filename(): a.get_content_type() for a in message.iter_attachments()}
    assert types == {"cv.pdf": "application/pdf",
                     "lettre.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
    assert message["Subject"] == "Candidature"
    assert compose(draft(subject="Objet\tavec tabulation", to="a@b.example\t; c@d.example"),
                   documents).message["Subject"] == "Objet avec tabulation"
    assert out.recipients == ["rh@boulangerie.example", "b@courriel.example", "c@courriel.example"]


def test_reply_all_and_prefixes(documents: Path) -> None:
    original = parse_message(compose(draft(cc="bruno@courriel.example, alice@courriel.example",
                                           subject="Re: TR : Entretien", attachments=("cv.pdf",)),
                                     documents).as_bytes())
    assert strip_prefixes("RE : Fwd: tr: Re[2]: Bonjour") == "Bonjour"
    answer = reply_all(original, "bruno@courriel.example")
    assert answer.to == "alice@courriel.example" and answer.cc == "rh@boulangerie.example"
    assert answer.subject == "RE : Entretien" and answer.kind == "reply_all"
    assert answer.in_reply_to == original["Message-ID"] and answer.references == (original["Message-ID"],)
    own = reply(original, "alice@courriel.example")  # answering one's own sent message
    assert own.to == "rh@boulangerie.example"
    fwd = forward(original, "bruno@courriel.example")
    assert fwd.subject == "TR : Entretien" and [a.filename for a in fwd.carried] == ["cv.pdf"]
    assert "Message transféré" in fwd.body


def test_draft_round_trip_is_lenient_but_keeps_everything(documents: Path) -> None:
    unfinished = draft(to="rh@boul", bcc="moi@courriel.example", subject="Ligne 1\nligne 2",
                       attachments=("cv.pdf",), kind="reply", in_reply_to="<x@y.example>")
    stored = parse_message(draft_message(unfinished, documents).as_bytes())
    back = draft_from_message(stored)
    assert (back.to, back.bcc, back.subject) == ("rh@boul", "moi@courriel.example", "Ligne 1 ligne 2")
    assert back.kind == "reply" and back.in_reply_to == "<x@y.example>"
    assert [(a.filename, a.data) for a in back.carried] == [("cv.pdf", b"%PDF-1.4 cv")]
    with pytest.raises(MailError, match="trop long"):
        draft_message(draft(body="x" * (MAX_BODY + 1)), documents)
