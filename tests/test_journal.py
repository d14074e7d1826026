"""The journal alone: atomic appends under concurrency, torn and garbage lines, versions."""

from __future__ import annotations

import json
import multiprocessing
import shutil
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from tremplin.widgets.journal import (
    JOURNAL_VERSION,
    MAX_STRING,
    Event,
    JournalWarning,
    WorkspaceError,
    WorkspaceVersionError,
    append_event,
    read_events,
)

FIXTURES = Path(__file__).parent / "fixtures" / "workspaces"
NOW = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture(autouse=True)
def french(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TREMPLIN_LANG", raising=False)


def fixture_journal(name: str, tmp_path: Path) -> Path:
    """A copy of a fixture's journal, so tests never touch the fixture itself."""
    target = tmp_path / "journal.jsonl"
    shutil.copyfile(FIXTURES / name / "journal.jsonl", target)
    return target


def test_append_then_read_round_trip(tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    first = append_event(journal, "search.query", {"query": "aide à domicile"}, now=NOW)
    second = append_event(journal, "shortlist.add", {"offer_id": "OF-1", "title": "Caissier"})

    expected = Event(1, "2026-03-02T09:30:15.123Z", "search.query", {"query": "aide à domicile"})
    assert first == expected
    assert read_events(journal) == [first, second]
    lines = journal.read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 3
    assert json.loads(lines[0]) == {
        "v": 1,
        "at": "2026-03-02T09:30:15.123Z",
        "kind": "search.query",
        "data": {"query": "aide à domicile"},
    }
    assert "aide à domicile" in journal.read_text(encoding="utf-8")  # readable by a mediator


def test_timestamps_are_utc_with_milliseconds(tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    paris = timezone(timedelta(hours=1))
    event = append_event(journal, "visit.start", {}, now=datetime(2026, 3, 2, 10, 0, tzinfo=paris))
    assert event.at == "2026-03-02T09:00:00.000Z"
    assert event.timestamp == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    naive = append_event(journal, "visit.end", {}, now=datetime(2026, 3, 2, 9, 0, 0, 5000))
    assert naive.at == "2026-03-02T09:00:00.005Z"


@pytest.mark.parametrize("kind", ["search", "Search.query", "search.", ".query", "search query",
                                  "search.query!", "", "search.Query", "sé.query"])
def test_invalid_kinds_are_refused(tmp_path: Path, kind: str) -> None:
    journal = tmp_path / "journal.jsonl"
    with pytest.raises(ValueError):
        append_event(journal, kind, {})
    assert not journal.exists() or journal.read_bytes() == b""


def test_valid_kinds(tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    for kind in ("search.query", "mail.sent", "doc.cv.export_pdf", "a.b_c.d"):
        append_event(journal, kind, {})
    assert [e.kind for e in read_events(journal)] == [
        "search.query", "mail.sent", "doc.cv.export_pdf", "a.b_c.d"
    ]


def test_data_must_be_json_serialisable(tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    for bad in ({"when": datetime.now()}, {"tags": {1, 2}}, {1: "x"}, {"x": float("nan")}):
        with pytest.raises(TypeError):
            append_event(journal, "search.query", bad)
    with pytest.raises(TypeError):
        append_event(journal, "search.query", ["not", "a", "dict"])  # type: ignore[arg-type]
    assert read_events(journal) == []


def test_huge_strings_are_capped_with_a_marker(tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    paste = "x" * 10_000_000
    event = append_event(journal, "doc.paste", {"text": paste, "nested": [{"more": paste}]})

    assert journal.stat().st_size < 3 * MAX_STRING + 1000
    stored = read_events(journal)[0]
    assert stored == event
    text = stored.data["text"]
    assert text.startswith("x" * MAX_STRING)
    assert text[MAX_STRING:] == "…[tronqué : 10000000 caractères au total]"
    assert stored.data["nested"][0]["more"] == text
    short = append_event(journal, "doc.paste", {"text": "y" * MAX_STRING})
    assert short.data["text"] == "y" * MAX_STRING  # at the limit: untouched


def test_control_characters_and_line_separators_stay_on_one_line(tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    nasty = "a\nb\rc\x00d\x1b[31me\u2028f\u2029g\u0085h\x7f\ud800i"
    append_event(journal, "mail.draft", {"body": nasty, "k\ney": 1})
    append_event(journal, "mail.draft", {"body": "after"})

    raw = journal.read_bytes()
    assert raw.count(b"\n") == 2
    assert len(raw.decode("utf-8").splitlines()) == 2  # even for str.splitlines()
    first, second = read_events(journal)
    assert first.data["body"] == nasty.replace("\ud800", "?")
    assert first.data["k\ney"] == 1
    assert second.data == {"body": "after"}


def test_missing_journal_is_empty(tmp_path: Path) -> None:
    assert read_events(tmp_path / "nothing.jsonl") == []


def test_empty_journal_fixture_reads_without_warning(tmp_path: Path) -> None:
    journal = fixture_journal("empty-journal", tmp_path)
    with _no_warnings():
        assert read_events(journal) == []


def test_torn_last_line_is_skipped_with_warning_and_earlier_kept(tmp_path: Path) -> None:
    journal = fixture_journal("torn-journal", tmp_path)
    with pytest.warns(JournalWarning, match="dernière ligne est incomplète"):
        events = read_events(journal)
    assert [e.kind for e in events] == ["search.query", "shortlist.add", "shortlist.note"]

    new = append_event(journal, "search.query", {"query": "cuisinier"}, now=NOW)
    lines = journal.read_bytes().split(b"\n")
    assert lines[-2] == new.to_json().encode("utf-8")  # on its own line, not glued
    assert lines[-3].startswith(b'{"v":1,"at":"2026-03-02T09:04:00.000Z","kind":"search.qu')
    with pytest.warns(JournalWarning, match="ligne 4"):
        events = read_events(journal)
    assert [e.kind for e in events] == [
        "search.query", "shortlist.add", "shortlist.note", "search.query"
    ]
    assert events[-1] == new


def test_complete_last_line_without_newline_is_kept(tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    event = append_event(journal, "search.query", {"query": "a"})
    journal.write_bytes(journal.read_bytes().rstrip(b"\n"))  # an editor dropped the newline
    with _no_warnings():
        assert read_events(journal) == [event]
    later = append_event(journal, "search.query", {"query": "b"})
    with _no_warnings():
        assert read_events(journal) == [event, later]


def test_garbage_lines_in_the_middle_are_skipped_and_the_rest_kept(tmp_path: Path) -> None:
    journal = fixture_journal("garbage-line", tmp_path)
    with pytest.warns(JournalWarning) as caught:
        events = read_events(journal)
    assert [e.kind for e in events] == ["search.query", "shortlist.add", "shortlist.note"]
    messages = [str(w.message) for w in caught]
    assert len(messages) == 5
    assert [m.split("ligne ")[1].split(" ")[0] for m in messages] == ["2", "3", "4", "5", "6"]
    assert any("« at »" in m for m in messages) and any("« data »" in m for m in messages)


def test_unknown_kinds_are_kept(tmp_path: Path) -> None:
    journal = fixture_journal("unknown-kinds", tmp_path)
    with _no_warnings():
        events = read_events(journal)
    assert [e.kind for e in events] == [
        "search.query", "video.watch", "Mail.Sent-Legacy", "shortlist.add"
    ]
    assert events[1].data == {"id": "lecon-3", "seconds": 42}


def test_newer_event_version_is_refused_in_french(tmp_path: Path) -> None:
    journal = fixture_journal("newer-journal", tmp_path)
    before = journal.read_bytes()
    with pytest.raises(WorkspaceVersionError) as caught:
        read_events(journal)
    message = str(caught.value)
    assert message.startswith(
        "Cet espace de travail a été créé par une version plus récente de Tremplin"
    )
    assert "\n" not in message and f"jusqu'à la version {JOURNAL_VERSION}" in message
    assert isinstance(caught.value, WorkspaceError)
    assert journal.read_bytes() == before


def test_newer_version_on_a_torn_last_line_is_still_refused(tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    append_event(journal, "search.query", {})
    with journal.open("ab") as handle:
        handle.write(b'{"v":7,"at":"2030-01-01T00:00:00.000Z","kind":"x.y","data":{}}')
    with pytest.raises(WorkspaceVersionError):
        read_events(journal)


def test_english_messages_when_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TREMPLIN_LANG", "en")
    journal = fixture_journal("torn-journal", tmp_path)
    with pytest.warns(JournalWarning, match="last line is incomplete"):
        read_events(journal)


def test_write_failure_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="Impossible d'enregistrer dans le journal"):
        append_event(tmp_path / "missing-folder" / "journal.jsonl", "search.query", {})


def _append_many(path: str, writer: int, count: int, start: object) -> None:
    """Worker for the multiprocessing test (module level so it can be spawned)."""
    start.wait()  # type: ignore[attr-defined]
    padding = "é" * (1000 + 300 * writer)  # lines well beyond PIPE_BUF
    for index in range(count):
        append_event(Path(path), "test.concurrent", {"writer": writer, "i": index, "pad": padding})


def test_concurrent_processes_never_interleave_nor_lose(tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    workers = [
        context.Process(target=_append_many, args=(str(journal), w, 200, start)) for w in range(4)
    ]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0

    raw_lines = journal.read_bytes().split(b"\n")
    assert raw_lines.pop() == b""
    assert len(raw_lines) == 800
    parsed = [json.loads(line) for line in raw_lines]  # every line is whole JSON
    seen = {(p["data"]["writer"], p["data"]["i"]) for p in parsed}
    assert seen == {(w, i) for w in range(4) for i in range(200)}
    for writer in range(4):  # each writer's own events stay in its order
        order = [p["data"]["i"] for p in parsed if p["data"]["writer"] == writer]
        assert order == list(range(200))
    with _no_warnings():
        assert len(read_events(journal)) == 800


def test_concurrent_threads_never_interleave_nor_lose(tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    barrier = threading.Barrier(4)

    def run(writer: int) -> None:
        barrier.wait()
        for index in range(100):
            append_event(journal, "test.threads", {"writer": writer, "i": index, "pad": "z" * 5000})

    threads = [threading.Thread(target=run, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with _no_warnings():
        events = read_events(journal)
    assert sorted((e.data["writer"], e.data["i"]) for e in events) == [
        (w, i) for w in range(4) for i in range(100)
    ]


@contextmanager
def _no_warnings() -> Iterator[None]:
    """Fail if the block emits any JournalWarning (pytest.warns cannot say 'none')."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", JournalWarning)
        yield
