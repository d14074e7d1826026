"""The phishing traps and files of the world's inbox (issue 4): each one present in a built world."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from tremplin.widgets.mail_read_widget import is_dangerous, readable
from tremplin.widgets.world.inbox import FAKE_EXE, job_description_pdf


def _inbox(world) -> list[EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in world.inbox_paths()]


def _one(world, words: str) -> EmailMessage:
    [found] = [m for m in _inbox(world) if words in m["Subject"]]
    return found


def test_the_fake_offer_has_a_reply_to_on_another_domain(world) -> None:
    message = _one(world, "Félicitations")
    assert message["X-Tremplin-Kind"] == "phishing"
    sender, reply_to = message["From"].addresses[0].domain, message["Reply-To"].addresses[0].domain
    assert reply_to.endswith(".example") and reply_to != sender


def test_the_account_phishing_link_shows_one_address_and_goes_to_another(world) -> None:
    message = _one(world, "URGENT")
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(preferencelist=("plain",)).get_content()
    assert "https://francetravail-compte-verification.example/connexion" in plain
    _text, links = readable(message)
    [(url, text)] = [(u, x) for u, x in links if u != x]
    assert urlsplit(url).hostname == "francetravail-compte-verification.example"
    assert text == "https://www.francetravail.example/mon-espace"


def test_a_phishing_convocation_carries_a_program_named_like_a_pdf(world) -> None:
    message = _one(world, "CONVOCATION")
    assert message["X-Tremplin-Kind"] == "phishing"
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "convocation-entretien.pdf.exe"
    assert attachment.get_content_type() == "application/octet-stream"
    assert attachment.get_content() == FAKE_EXE and is_dangerous(attachment.get_filename())
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "ATTENTION" in body and "DEMAIN" in body


def test_one_recruiter_message_carries_a_real_job_description_pdf(world) -> None:
    with_files = [m for m in _inbox(world) if m["X-Tremplin-Kind"] == "recruiter" and m.is_multipart()]
    assert len(with_files) == 1
    [attachment] = list(with_files[0].iter_attachments())
    assert attachment.get_filename() == "fiche-de-poste.pdf"
    assert attachment.get_content_type() == "application/pdf"
    data = attachment.get_content()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF") and 1000 < len(data) < 20_000
    offer = world.offer(with_files[0]["X-Tremplin-Offer"])
    assert offer["reference"] in with_files[0].get_body(preferencelist=("plain",)).get_content()


@pytest.mark.parametrize("title", ["Agent(e) d'entretien", "Préparateur / préparatrice de commandes"])
def test_the_job_description_pdf_is_the_same_from_one_build_to_the_next(title: str) -> None:
    values = {"title_short": title, "reference": "R-1", "employer": "Ker Ouest", "street": "1 rue des Lices",
              "postcode": "35000", "commune": "Rennes", "schedule_lower": "du lundi au vendredi",
              "person": "Soizic Le Gall", "phone": "02 99 00 00 00"}
    assert job_description_pdf(values) == job_description_pdf(dict(values))


def test_the_scenario_gives_the_forward_task_the_message_with_the_pdf(world) -> None:
    from tremplin.grading.mail_scenario import FOLLOW, mail_scenario

    [with_pdf] = [m for m in _inbox(world) if m["X-Tremplin-Kind"] == "recruiter" and m.is_multipart()]
    for learner in ("alice", "bruno", "camille", "dominique"):
        scenario = mail_scenario(world, learner, FOLLOW)
        assert scenario.forward_id.strip("<>") == with_pdf["Message-ID"].strip("<>"), learner
        assert scenario.forward_subject == with_pdf["Subject"]
