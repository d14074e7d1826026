"""The visit: tokens, their files, their end, and how a page finds its learner."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
from tremplin.widgets import visit as visits
from tremplin.widgets import visit_code
from tremplin.widgets.i18n import current_locale, t, use_locale
from tremplin.widgets.visit import (
    VISIT_LIFETIME,
    VisitSettings,
    current_visit,
    end_visit,
    guard_visit,
    is_valid_token,
    load_visit,
    missing_visit_html,
    page_url,
    request_query,
    set_visit_language,
    start_visit,
    touch_visit,
    visit_settings,
)
from tremplin.widgets.visit_code import (
    CodeError,
    CodeRefused,
    TooManyAttempts,
    create_learner,
    has_code,
    propose_code,
    reset_code,
    sign_in,
)
from tremplin.widgets.workspace import Workspace, WorkspaceError


@pytest.fixture(autouse=True)
def outside_voila(monkeypatch: pytest.MonkeyPatch) -> None:
    names = (
        "QUERY_STRING",
        "TREMPLIN_WORKSPACE",
        "VOILA_PREHEAT",
        "VOILA_KERNEL_ID",
        "VOILA_BASE_URL",
        "VOILA_APP_PORT",
        "VOILA_SERVER_URL",
        "TREMPLIN_NOTEBOOKS",
    )
    for name in names:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TREMPLIN_LANG", "fr")  # a page's `lang=` changes it: restored after each test


def test_start_visit_creates_workspace_and_token_file(tmp_path: Path) -> None:
    visit = start_visit("  Zoé  L'Hôte ", tmp_path)
    assert is_valid_token(visit.token)
    assert visit.slug == "zoe-l-hote" and visit.pseudonym == "Zoé L'Hôte"
    assert visit.workspace == (tmp_path / "learners" / "zoe-l-hote").resolve()
    assert Workspace.open(visit.workspace).pseudonym == "Zoé L'Hôte"
    stored = json.loads((tmp_path / "visits" / f"{visit.token}.json").read_text(encoding="utf-8"))
    assert set(stored) == {"pseudonym", "slug", "workspace", "started_at", "language"}
    assert stored["language"] == "fr"
    assert stored["workspace"] == str(visit.workspace)
    assert load_visit(visit.token, tmp_path) == visit


def test_same_pseudonym_reopens_the_same_workspace_with_a_new_token(tmp_path: Path) -> None:
    first, second = start_visit("Camille", tmp_path), start_visit("camille", tmp_path)
    assert first.workspace == second.workspace and first.token != second.token


def test_world_identity_is_recorded_when_a_world_exists(tmp_path: Path) -> None:
    (tmp_path / "world").mkdir()
    (tmp_path / "world" / "world.json").write_text(json.dumps({"seed": 7, "offers": 10}), encoding="utf-8")
    visit = start_visit("Camille", tmp_path)
    assert Workspace.open(visit.workspace).world == {"seed": 7, "offers": 10}


@pytest.mark.parametrize("pseudonym", ["", "   ", "<script>", "a/b", "x" * 41, "🙂"])
def test_invalid_pseudonym_is_refused_in_french_and_writes_nothing(tmp_path: Path, pseudonym: str) -> None:
    with pytest.raises(WorkspaceError) as error:
        start_visit(pseudonym, tmp_path)
    assert str(error.value)
    assert not (tmp_path / "learners").exists() and not (tmp_path / "visits").exists()


@pytest.mark.parametrize(
    "token",
    [
        None,
        "",
        "abc",
        "../../etc/passwd",
        "..%2F..%2Fx",
        "a" * 42,
        "a" * 44,
        "a" * 40 + "/..",
        "a" * 42 + ".",
        "a" * 42 + "\n",
        12345,
    ],
)
def test_malformed_tokens_are_refused_without_touching_files(tmp_path: Path, token: object) -> None:
    assert not is_valid_token(token)
    assert load_visit(token, tmp_path) is None
    assert end_visit(token, tmp_path) is False


def test_unknown_damaged_and_expired_tokens_give_none(tmp_path: Path) -> None:
    assert load_visit("a" * 43, tmp_path) is None
    visit = start_visit("Camille", tmp_path)
    later = datetime.now(UTC) + VISIT_LIFETIME + timedelta(minutes=1)
    assert load_visit(visit.token, tmp_path, now=later) is None
    assert not (tmp_path / "visits" / f"{visit.token}.json").exists()  # expired: forgotten

    damaged = start_visit("Camille", tmp_path)
    (tmp_path / "visits" / f"{damaged.token}.json").write_text("{not json", encoding="utf-8")
    assert load_visit(damaged.token, tmp_path) is None


def test_a_visit_file_pointing_outside_learners_is_refused(tmp_path: Path) -> None:
    visit = start_visit("Camille", tmp_path)
    path = tmp_path / "visits" / f"{visit.token}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["workspace"] = str(tmp_path / "learners" / ".." / ".." / "elsewhere")
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_visit(visit.token, tmp_path) is None


def test_end_visit_deletes_the_token_and_keeps_the_work(tmp_path: Path) -> None:
    visit = start_visit("Camille", tmp_path)
    assert end_visit(visit.token, tmp_path) is True
    assert load_visit(visit.token, tmp_path) is None
    assert end_visit(visit.token, tmp_path) is False
    assert (visit.workspace / "profile.json").is_file()


def test_current_visit_reads_the_query_string(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    visit = start_visit("Camille", tmp_path)
    monkeypatch.setenv("QUERY_STRING", f"theme=x&visit={visit.token}")
    assert current_visit(tmp_path) == visit
    monkeypatch.setenv("QUERY_STRING", "visit=../../learners/camille")
    assert current_visit(tmp_path) is None


def test_current_visit_falls_back_to_tremplin_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert current_visit(tmp_path) is None
    workspace = Workspace.create(tmp_path / "ws", "Dominique")
    monkeypatch.setenv("TREMPLIN_WORKSPACE", str(workspace.root))
    found = current_visit(tmp_path)
    assert found is not None and found.token is None
    assert found.pseudonym == "Dominique" and found.workspace == workspace.root
    monkeypatch.setenv("TREMPLIN_WORKSPACE", str(tmp_path / "missing"))
    assert current_visit(tmp_path) is None


def test_data_root_comes_from_tremplin_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TREMPLIN_DATA", str(tmp_path))
    visit = start_visit("Camille")
    assert visit.workspace.parent == (tmp_path / "learners").resolve()
    monkeypatch.setenv("QUERY_STRING", f"visit={visit.token}")
    assert current_visit() == visit


def test_waiting_for_the_visitor_never_blocks_outside_voila(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(visits, "_request_seen", False)
    monkeypatch.setattr("voila.utils.wait_for_request", lambda *a: calls.append("waited"))
    visits.wait_for_visitor()  # not preheated: returns at once
    assert calls == []
    monkeypatch.setattr(visits, "_request_seen", False)
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    monkeypatch.setenv("VOILA_KERNEL_ID", "k")
    visits.wait_for_visitor()
    visits.wait_for_visitor()  # once per kernel
    assert calls == ["waited"]


def test_links_carry_the_token_and_the_base_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    visit = start_visit("Camille", tmp_path)
    assert page_url("lecons/01 a.ipynb", visit) == f"/voila/render/lecons/01%20a.ipynb?visit={visit.token}"
    monkeypatch.setenv("VOILA_BASE_URL", "/kiosque/")
    assert page_url("accueil.ipynb") == "/kiosque/voila/render/accueil.ipynb"
    assert 'href="/kiosque/voila/render/accueil.ipynb"' in missing_visit_html()


def test_a_visit_speaks_the_language_of_the_page_it_started_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert start_visit("Camille", tmp_path, language="en").language == "en"
    assert start_visit("Camille", tmp_path, language="xx").language == "fr"
    monkeypatch.setenv("TREMPLIN_LANG", "en")
    visit = start_visit("Camille", tmp_path)
    assert visit.language == "en" and load_visit(visit.token, tmp_path).language == "en"
    create = visit_code.create_learner("Dana Anglaise", "4827", tmp_path)
    assert load_visit(create.token, tmp_path).language == "en"  # signing in on an English page


def test_an_old_visit_file_without_a_language_is_french(tmp_path: Path) -> None:
    visit = start_visit("Camille", tmp_path, language="en")
    path = tmp_path / "visits" / f"{visit.token}.json"
    for stored in (None, "xx", 3):
        data = json.loads(path.read_text(encoding="utf-8"))
        data.pop("language", None)
        if stored is not None:
            data["language"] = stored
        path.write_text(json.dumps(data), encoding="utf-8")
        assert load_visit(visit.token, tmp_path).language == "fr", stored


def test_the_address_language_becomes_the_kernels_and_is_remembered_by_the_visit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    visit = start_visit("Camille", tmp_path)
    monkeypatch.setenv("QUERY_STRING", f"visit={visit.token}&lang=en")
    found = current_visit(tmp_path)
    assert (
        found.language == "en"
        and current_locale() == "en"
        and t("kiosk.back_home") == "Back to the home page"
    )
    assert load_visit(visit.token, tmp_path).language == "en"
    assert page_url("lecons/a.ipynb", found) == f"/voila/render/lecons/a.ipynb?visit={visit.token}&lang=en"
    assert "accueil.ipynb?lang=en" in missing_visit_html()
    # Outside a page (no request: a script, nbgrader), the visit's language.
    monkeypatch.setenv("TREMPLIN_LANG", "fr")
    monkeypatch.delenv("QUERY_STRING")
    use_locale("fr")
    assert visits._agree_on_language(found, tmp_path).language == "en" and current_locale() == "en"
    # « Français » on that page: French for the page and for the visit.
    monkeypatch.setenv("QUERY_STRING", f"lang=fr&visit={visit.token}")
    assert current_visit(tmp_path).language == "fr" and current_locale() == "fr"
    assert load_visit(visit.token, tmp_path).language == "fr"
    assert page_url("lecons/a.ipynb", found) == f"/voila/render/lecons/a.ipynb?visit={visit.token}"


def test_a_page_typed_without_lang_is_french_like_its_template_even_for_an_english_visit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    visit = start_visit("Camille", tmp_path, language="en")
    monkeypatch.setenv("TREMPLIN_LANG", "en")
    monkeypatch.setenv("QUERY_STRING", f"visit={visit.token}")  # tremplin.js shows this page in French
    assert current_visit(tmp_path).language == "fr" and current_locale() == "fr"
    assert load_visit(visit.token, tmp_path).language == "fr"  # the next pages agree


@pytest.mark.parametrize("value", ["xx", "<script>", "", "en-x", "%00"])
def test_a_bad_language_in_the_address_means_french_silently(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    visit = start_visit("Camille", tmp_path, language="en")
    monkeypatch.setenv("TREMPLIN_LANG", "en")
    monkeypatch.setenv("QUERY_STRING", f"visit={visit.token}&lang={quote(value)}")
    assert current_visit(tmp_path).language == "fr" and current_locale() == "fr"
    assert load_visit(visit.token, tmp_path).language == "fr"
    monkeypatch.setenv("TREMPLIN_LANG", "en")
    monkeypatch.setenv("QUERY_STRING", f"lang={quote(value)}")
    visits.wait_for_visitor()  # a page without visit (the home page before signing in)
    assert current_locale() == "fr"


def test_a_page_without_lang_is_french_and_a_gone_visit_keeps_its_file_away(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TREMPLIN_LANG", "en")
    monkeypatch.delenv("QUERY_STRING", raising=False)
    visits.wait_for_visitor()
    assert current_locale() == "en"  # no page (a script, nbgrader): the process's language
    monkeypatch.setenv("QUERY_STRING", "theme=x")
    visits.wait_for_visitor()
    assert current_locale() == "fr"  # a page without `lang=`: French, as tremplin.js shows it
    visit = start_visit("Camille", tmp_path)
    end_visit(visit.token, tmp_path)
    assert set_visit_language(visit, "fr", tmp_path) == visit
    assert not (tmp_path / "visits" / f"{visit.token}.json").exists()  # never written back


def test_a_visit_on_a_world_gets_its_inbox_once(tmp_path, world, data_root) -> None:
    import mailbox

    from tremplin.widgets.visit import start_visit

    root = tmp_path / "data"
    root.mkdir()
    (root / "world").symlink_to(data_root / "world", target_is_directory=True)
    first = start_visit("Nolwenn", root)
    start_visit("Nolwenn", root)  # a second visit adds nothing
    inbox = mailbox.Maildir(first.workspace / "mail", create=False)
    assert len(inbox) == len(world.inbox_paths()) > 0


# ---- The visit's settings, its end on the server, and the kernel guard ----------------------


def write_settings(folder: Path, **values: float) -> Path:
    path = folder / visits.SETTINGS_PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(values), encoding="utf-8")
    return folder


def test_settings_come_from_the_template_folder_served(tmp_path: Path, monkeypatch) -> None:
    from tremplin import NOTEBOOKS_DIR

    kit = visit_settings(NOTEBOOKS_DIR)
    assert 0 < kit.warn_after_s < kit.end_after_s and kit.max_failures == 5
    monkeypatch.setenv(
        "TREMPLIN_NOTEBOOKS", str(write_settings(tmp_path, warn_after_s=3, end_after_s=0, max_failures=2.7))
    )
    read = visit_settings()
    assert read.warn_after_s == 3 and read.max_failures == 2
    assert read.end_after_s == VisitSettings().end_after_s  # a zero would end every visit at once
    (tmp_path / visits.SETTINGS_PATH).write_text("{broken", encoding="utf-8")
    assert visit_settings() == VisitSettings()


def test_a_visit_with_no_page_open_ends_on_the_server(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(
        "TREMPLIN_NOTEBOOKS", str(write_settings(tmp_path / "nb", end_after_s=60, check_every_s=5))
    )
    visit = start_visit("Camille", tmp_path)
    path = tmp_path / "visits" / f"{visit.token}.json"
    seen = datetime.now(UTC).timestamp()
    assert load_visit(visit.token, tmp_path, now=datetime.now(UTC) + timedelta(seconds=65)) == visit
    os.utime(path, (seen - 3600, seen - 3600))  # an hour without a page: closed tab, kiosk restart
    assert touch_visit(visit.token, tmp_path) is True  # a page of the visit is open again
    assert load_visit(visit.token, tmp_path) == visit
    os.utime(path, (seen - 71, seen - 71))
    assert load_visit(visit.token, tmp_path) is None and not path.exists()
    assert touch_visit(visit.token, tmp_path) is False and touch_visit("../x", tmp_path) is False


def test_the_guard_keeps_the_visit_alive_then_shuts_the_kernel_down_with_it(tmp_path: Path) -> None:
    visit = start_visit("Camille", tmp_path)
    path = tmp_path / "visits" / f"{visit.token}.json"
    old = path.stat().st_mtime - 100
    os.utime(path, (old, old))
    stopped = threading.Event()
    thread = guard_visit(visit, tmp_path, shutdown=stopped.set, every=0.02)
    assert thread is not None
    deadline = datetime.now(UTC) + timedelta(seconds=20)
    while path.stat().st_mtime == old and datetime.now(UTC) < deadline:
        stopped.wait(0.02)
    assert path.stat().st_mtime > old and not stopped.is_set()  # touched, not shut down
    end_visit(visit.token, tmp_path)
    assert stopped.wait(20)
    thread.join(20)
    assert not thread.is_alive()


def test_a_new_guard_replaces_the_old_one_and_nothing_is_guarded_outside_voila(tmp_path: Path) -> None:
    first, second = start_visit("Camille", tmp_path), start_visit("Dominique", tmp_path)
    calls: list[str] = []
    old = guard_visit(first, tmp_path, shutdown=lambda: calls.append("first"), every=0.02)
    new = guard_visit(second, tmp_path, shutdown=lambda: calls.append("second"), every=0.02)
    old.join(20)
    end_visit(first.token, tmp_path)  # the replaced guard no longer watches
    end_visit(second.token, tmp_path)
    new.join(20)
    assert calls == ["second"]
    assert guard_visit(start_visit("Eden", tmp_path), tmp_path) is None  # no Voilà kernel here
    assert visits.shutdown_own_kernel() is False


def test_current_visit_under_voila_guards_its_kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    visit = start_visit("Camille", tmp_path)
    monkeypatch.setattr(visits, "_guard", None)
    monkeypatch.setenv("QUERY_STRING", f"visit={visit.token}&fin=")
    monkeypatch.setenv("VOILA_KERNEL_ID", "k-1")
    monkeypatch.setattr(visits, "_request_seen", True)
    assert request_query() == {"visit": visit.token}
    assert current_visit(tmp_path) == visit
    stop, thread = visits._guard
    assert thread.is_alive()
    stop.set()
    thread.join(20)


def test_the_kernel_asks_voila_to_shut_it_down_with_a_matching_xsrf(monkeypatch: pytest.MonkeyPatch) -> None:
    """The request Voilà's own page sends on leaving: POST voila/api/shutdown/<id>, cookie = field."""
    seen: list[tuple[str, str, str]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            seen.append((self.path, self.headers.get("Cookie", ""), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    serving = threading.Thread(target=server.handle_request, daemon=True)
    serving.start()
    monkeypatch.setenv("VOILA_KERNEL_ID", "4b2c-kernel")
    monkeypatch.setenv("VOILA_APP_PORT", str(server.server_address[1]))
    monkeypatch.setenv("VOILA_SERVER_URL", "/kiosque/")
    try:
        assert visits.shutdown_own_kernel() is True
    finally:
        serving.join(20)
        server.server_close()
    [(path, cookie, body)] = seen
    assert path == "/kiosque/voila/api/shutdown/4b2c-kernel"
    assert cookie.startswith("_xsrf=") and body == "_xsrf=" + cookie.removeprefix("_xsrf=")


# ---- The learner's code ----------------------------------------------------------------------


def code_record(root: Path, slug: str) -> dict:
    return json.loads((root / "codes" / f"{slug}.json").read_text(encoding="utf-8"))


def test_the_code_is_kept_only_as_a_salted_scrypt_hash_outside_the_workspace(tmp_path: Path) -> None:
    first = create_learner("Camille", "4821", tmp_path)
    create_learner("Dominique", "4821", tmp_path)
    record, other = code_record(tmp_path, "camille"), code_record(tmp_path, "dominique")
    assert record["kdf"] == "scrypt" and len(bytes.fromhex(record["salt"])) == 16
    expected = hashlib.scrypt(
        b"4821",
        salt=bytes.fromhex(record["salt"]),
        n=record["n"],
        r=record["r"],
        p=record["p"],
        dklen=32,
        maxmem=64 * 2**20,
    )
    assert bytes.fromhex(record["hash"]) == expected
    assert record["salt"] != other["salt"] and record["hash"] != other["hash"]  # same code, other salt
    assert "4821" not in json.dumps({k: v for k, v in record.items() if k not in ("salt", "hash")})
    assert not any("4821" in p.read_text(errors="replace") for p in first.workspace.rglob("*") if p.is_file())
    assert load_visit(first.token, tmp_path) == first


def test_signing_in_needs_the_right_code_and_never_says_if_the_pseudonym_exists(tmp_path: Path) -> None:
    create_learner("Camille", "4821", tmp_path)
    visit = sign_in(" camille ", "4821", tmp_path)
    assert visit.slug == "camille" and load_visit(visit.token, tmp_path) == visit
    with pytest.raises(CodeRefused) as wrong_code:
        sign_in("Camille", "4822", tmp_path)
    with pytest.raises(CodeRefused) as unknown:
        sign_in("Personne Ici", "4822", tmp_path)
    assert str(wrong_code.value) == str(unknown.value) and "médiat" in str(unknown.value)
    assert not (tmp_path / "learners" / "personne-ici").exists()
    for code in ("", "12a4", "123", "1234567"):
        with pytest.raises(CodeError) as error:
            sign_in("Camille", code, tmp_path)
        assert "4 à 6 chiffres" in str(error.value)


def test_five_wrong_codes_lock_the_pseudonym_on_disk_even_for_the_right_code(tmp_path: Path) -> None:
    create_learner("Camille", "4821", tmp_path)
    now = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
    for left in (4, 3, 2, 1):
        with pytest.raises(CodeRefused, match=f"encore {left} essai"):
            sign_in("Camille", "0001", tmp_path, now=now)
    with pytest.raises(TooManyAttempts, match="15 minute") as locked:
        sign_in("Camille", "0001", tmp_path, now=now)
    assert locked.value.until == now + timedelta(minutes=15)
    with pytest.raises(TooManyAttempts, match="10 minute"):  # read back from disk, as after a restart
        sign_in("Camille", "4821", tmp_path, now=now + timedelta(minutes=5))
    assert code_record(tmp_path, "camille")["lockouts"] == 1
    for _ in range(5):  # the next lock is twice as long
        with pytest.raises((CodeRefused, TooManyAttempts)):
            sign_in("Camille", "0001", tmp_path, now=now + timedelta(minutes=16))
    with pytest.raises(TooManyAttempts, match="30 minute"):
        sign_in("Camille", "4821", tmp_path, now=now + timedelta(minutes=16))
    visit = sign_in("Camille", "4821", tmp_path, now=now + timedelta(minutes=47))
    assert visit.slug == "camille"
    record = code_record(tmp_path, "camille")
    assert record["failures"] == 0 and not record["lockouts"] and not record["locked_until"]


def test_an_unknown_pseudonym_is_locked_the_same_way(tmp_path: Path) -> None:
    for _ in range(4):
        with pytest.raises(CodeRefused):
            sign_in("Inconnu", "4821", tmp_path)
    with pytest.raises(TooManyAttempts):
        sign_in("Inconnu", "4821", tmp_path)
    assert not (tmp_path / "learners" / "inconnu").exists()
    create_learner("Inconnu", "4821", tmp_path)  # still free to take: the lock is only about guessing


def test_first_visit_refuses_a_taken_pseudonym_and_obvious_codes(tmp_path: Path) -> None:
    create_learner("Camille", "4821", tmp_path)
    start_visit("Ancien Apprenant", tmp_path)  # a workspace from before codes is taken too
    for pseudonym in ("camille", "Ancien Apprenant"):
        with pytest.raises(CodeError, match="déjà pris"):
            create_learner(pseudonym, "5930", tmp_path)
    for code in ("1234", "0000", "98765", "111111"):
        with pytest.raises(CodeError, match="trop facile"):
            create_learner("Nouveau", code, tmp_path)
    with pytest.raises(WorkspaceError):
        create_learner("<b>", "4821", tmp_path)
    assert not (tmp_path / "learners" / "nouveau").exists()
    assert not (tmp_path / "codes" / "nouveau.json").exists()
    assert all(
        len(code) == 4 and code.isdigit() and not visit_code._obvious(code)
        for code in (propose_code() for _ in range(300))
    )


def test_a_first_visit_that_cannot_open_its_space_leaves_the_pseudonym_free(tmp_path: Path) -> None:
    (tmp_path / "learners").write_text("not a folder", encoding="utf-8")
    with pytest.raises(WorkspaceError):
        create_learner("Camille", "4821", tmp_path)
    assert not code_record(tmp_path, "camille")["hash"]
    (tmp_path / "learners").unlink()
    assert create_learner("Camille", "4821", tmp_path).slug == "camille"


def test_the_mediator_gives_a_new_code_and_lifts_the_lock(tmp_path: Path) -> None:
    create_learner("Camille", "4821", tmp_path)
    for _ in range(5):
        with pytest.raises((CodeRefused, TooManyAttempts)):
            sign_in("Camille", "0001", tmp_path)
    new = reset_code("Camille", tmp_path)
    assert len(new) == 4 and has_code("Camille", tmp_path)
    assert sign_in("Camille", new, tmp_path).slug == "camille"
    assert reset_code("Camille", tmp_path, code="705318") == "705318"
    with pytest.raises(CodeRefused):
        sign_in("Camille", new, tmp_path)
    with pytest.raises(CodeError, match="Personne"):
        reset_code("Personne", tmp_path)
    start_visit("Ancien Apprenant", tmp_path)
    assert not has_code("Ancien Apprenant", tmp_path)
    given = reset_code("Ancien Apprenant", tmp_path)
    assert sign_in("Ancien Apprenant", given, tmp_path).slug == "ancien-apprenant"


def test_the_mediator_command_gives_a_new_code(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from tremplin.grading import cli

    create_learner("Camille", "4821", tmp_path)
    assert cli.main(["visit", "reset-code", "Camille", "--code", "7305", "--data", str(tmp_path)]) == 0
    assert "Nouveau code de « Camille » : 7305" in capsys.readouterr().out
    assert sign_in("Camille", "7305", tmp_path).pseudonym == "Camille"  # the new code opens the visit
    assert cli.main(["visit", "reset-code", "Personne", "--data", str(tmp_path)]) == 1
    assert "Personne" in capsys.readouterr().err
