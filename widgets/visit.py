"""The visit: one learner's time at the kiosk, from their pseudonym to "Terminer ma visite".

On the home page the learner gives a pseudonym once; `start_visit` opens (or creates)
their workspace at DATA/learners/<slug>/ and writes a random token to
DATA/visits/<token>.json. Every page link carries `?visit=<token>`, and a page finds its
learner with `current_visit()`. Nothing about the learner is kept in the browser, so a
public computer keeps nothing once the visit ends (`end_visit` deletes the token).

A page knows its visitor only from the request: Voilà gives the kernel the query string
(QUERY_STRING), after `voila.utils.wait_for_request()` when the kernel was preheated.
Outside Voilà (JupyterLab, tests, nbgrader, the demo) TREMPLIN_WORKSPACE names the
workspace instead, and nothing ever waits.

A visit ends by « Terminer ma visite », by the page's inactivity timer (tremplin.js), or on
the server when no page of it has been open for `end_after_s` (the visit file's mtime is
its last sign of life). Under Voilà every kernel that serves a visit runs `guard_visit`: it
touches the visit file while the kernel lives and, once the visit is gone, asks Voilà to
shut the kernel down, so no page of an ended visit keeps the learner's work in memory.
The timings are in the template's visit.json (`visit_settings`).

The language travels with the visit too, never in the browser: an address may carry
`lang=en` (or `lang=fr`); the page's kernel makes it its locale (`wait_for_visitor`), the
visit file remembers it, and `page_url()` adds it to the links, so English stays English
from page to page. Anything else than a supported language means French.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import re
import secrets
import tempfile
import threading
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode

from tremplin.widgets.i18n import DEFAULT_LOCALE, current_locale, supported_locale, t, use_locale
from tremplin.widgets.paths import data_root
from tremplin.widgets.workspace import Workspace, WorkspaceError, pseudonym_slug

__all__ = [
    "VISITOR_CELL_TAG",
    "VISIT_LIFETIME",
    "Visit",
    "VisitSettings",
    "current_visit",
    "data_root",
    "end_visit",
    "guard_visit",
    "home_url",
    "is_valid_token",
    "load_visit",
    "missing_visit_html",
    "page_url",
    "request_query",
    "set_visit_language",
    "shutdown_own_kernel",
    "start_visit",
    "touch_visit",
    "visit_settings",
    "wait_for_visitor",
]

LEARNERS_DIR, VISITS_DIR = "learners", "visits"
#: A page's first code cell carries this tag: it waits for the visitor with no time limit.
VISITOR_CELL_TAG = "tremplin-wait-for-visitor"
#: A token older than this is refused (a visit lasts one session at the kiosk).
VISIT_LIFETIME = timedelta(hours=12)
#: What `secrets.token_urlsafe(32)` makes: 43 characters of [A-Za-z0-9_-]. Nothing else is read.
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
_TOKEN_BYTES = 32
HOME_NOTEBOOK = "accueil.ipynb"
#: The visit's timings, beside the template that shows the warning (one file for both sides).
SETTINGS_PATH = Path("voila") / "templates" / "tremplin" / "visit.json"

_request_seen = False
_guard: tuple[threading.Event, threading.Thread] | None = None


@dataclass(frozen=True)
class VisitSettings:
    """The template's visit.json; the page warns at `warn_after_s` without input and ends at
    `end_after_s`; kernels check their visit every `check_every_s`; `max_failures` wrong codes
    lock a pseudonym for `lock_minutes` (doubled at each new lock)."""

    warn_after_s: float = 600
    end_after_s: float = 720
    check_every_s: float = 10
    max_failures: int = 5
    lock_minutes: float = 15

    @property
    def orphan_after(self) -> timedelta:
        """No page open for this long ends the visit: the page's own limit, plus two checks."""
        return timedelta(seconds=self.end_after_s + 2 * self.check_every_s)


def visit_settings(notebooks: Path | None = None) -> VisitSettings:
    """visit.json of the folder served ($TREMPLIN_NOTEBOOKS, else the kit's); defaults if unreadable."""
    if notebooks is None:
        from_env = os.environ.get("TREMPLIN_NOTEBOOKS")
        if from_env:
            notebooks = Path(from_env)
        else:
            from tremplin import NOTEBOOKS_DIR

            notebooks = Path(NOTEBOOKS_DIR)
    try:
        raw = json.loads((notebooks / SETTINGS_PATH).read_text(encoding="utf-8"))
        values = {field.name: float(raw[field.name]) for field in fields(VisitSettings) if field.name in raw}
    except (OSError, ValueError, TypeError, AttributeError):
        return VisitSettings()
    values = {name: value for name, value in values.items() if value > 0}  # a zero would end every visit
    if "max_failures" in values:
        values["max_failures"] = max(1, int(values["max_failures"]))
    return VisitSettings(**values)


@dataclass(frozen=True)
class Visit:
    """Who is in front of the page and where their work lives; token is None outside the kiosk."""

    token: str | None
    pseudonym: str
    slug: str
    workspace: Path
    started_at: str
    #: The learner's language at the kiosk ("fr" or "en"); visit files written before it read "fr".
    language: str = DEFAULT_LOCALE

    def to_json(self) -> dict[str, str]:
        return {
            "pseudonym": self.pseudonym,
            "slug": self.slug,
            "workspace": str(self.workspace),
            "started_at": self.started_at,
            "language": self.language,
        }


def is_valid_token(token: object) -> bool:
    """True only for a string shaped like our tokens: no dot, no slash, so no path tricks."""
    return isinstance(token, str) and bool(_TOKEN.fullmatch(token))


def _visit_file(root: Path, token: str) -> Path:
    if not is_valid_token(token):
        raise ValueError("invalid visit token")
    return root / VISITS_DIR / f"{token}.json"


def start_visit(
    pseudonym: str, root: Path | None = None, *, now: datetime | None = None, language: str | None = None
) -> Visit:
    """Open or create the learner's workspace and a new visit token; WorkspaceError if unfit.

    The pseudonym is checked before anything is written, so a refused one leaves no trace.
    The visit speaks `language`, by default the page's: signing in on an English page keeps English.
    """
    root = data_root(root)
    slug = pseudonym_slug(pseudonym)  # raises WorkspaceError with the French reason
    workspace = Workspace.create(root / LEARNERS_DIR / slug, pseudonym, world=_world_identity(root))
    _seed_inbox(workspace, root)
    started = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds")
    lang = supported_locale(language) or current_locale()
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    visit = Visit(token, workspace.pseudonym, slug, workspace.root, started, lang)
    folder = root / VISITS_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write_atomically(_visit_file(root, visit.token), json.dumps(visit.to_json(), ensure_ascii=False))
    except OSError as error:
        raise WorkspaceError(t("kiosk.visit_unwritable", reason=error.strerror or str(error))) from error
    return visit


def load_visit(token: object, root: Path | None = None, *, now: datetime | None = None) -> Visit | None:
    """The visit of a token, or None if it is malformed, unknown, expired or damaged."""
    if not is_valid_token(token):
        return None
    root = data_root(root)
    path = _visit_file(root, str(token))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        started = datetime.fromisoformat(data["started_at"])
        language = supported_locale(data.get("language")) or DEFAULT_LOCALE
        pseudonym, slug, workspace = str(data["pseudonym"]), str(data["slug"]), Path(data["workspace"])
        visit = Visit(str(token), pseudonym, slug, workspace, data["started_at"], language)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    now = now or datetime.now(UTC)
    if started.tzinfo is None or now - started > VISIT_LIFETIME or now - _last_seen(path) > _orphan_after():
        end_visit(str(token), root)
        return None
    learners = (root / LEARNERS_DIR).resolve()
    if visit.workspace.resolve().parent != learners or visit.workspace.name != visit.slug:
        return None  # a visit file never points outside DATA/learners
    return visit


def set_visit_language(visit: Visit, language: object, root: Path | None = None) -> Visit:
    """Remember the learner's choice of language in their visit file; the visit as it is now.

    An unsupported language, a visit without token or one already gone changes nothing.
    """
    lang = supported_locale(language)
    if lang is None or lang == visit.language or not visit.token:
        return visit
    changed = replace(visit, language=lang)
    path = _visit_file(data_root(root), visit.token)
    if not path.is_file():
        return visit
    try:
        _write_atomically(path, json.dumps(changed.to_json(), ensure_ascii=False))
    except OSError:
        return visit  # the page still speaks the language asked; only the next pages will not know
    return changed


def end_visit(token: object, root: Path | None = None) -> bool:
    """Forget the token ("Terminer ma visite"); True if there was one. The workspace stays."""
    if not is_valid_token(token):
        return False
    try:
        _visit_file(data_root(root), str(token)).unlink()
    except FileNotFoundError:
        return False
    return True


def touch_visit(token: object, root: Path | None = None) -> bool:
    """Record that a page of the visit is open (the file's mtime); False if the visit is gone."""
    if not is_valid_token(token):
        return False
    try:
        os.utime(_visit_file(data_root(root), str(token)))
    except OSError:
        return False
    return True


def _last_seen(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


def _orphan_after() -> timedelta:
    return visit_settings().orphan_after


def shutdown_own_kernel() -> bool:
    """Ask the Voilà server to shut this kernel down, as the page does when it closes.

    Voilà's own endpoint (POST voila/api/shutdown/<kernel id>, the one its page calls on
    `beforeunload`), so the kernel manager stops it for good: a kernel that exited by
    itself would be restarted. The XSRF check only wants the cookie and the field to agree.
    False outside Voilà or if the server did not answer.
    """
    kernel_id, port = os.environ.get("VOILA_KERNEL_ID"), os.environ.get("VOILA_APP_PORT")
    if not kernel_id or not port:
        return False
    server = (os.environ.get("VOILA_SERVER_URL") or "/").rstrip("/")
    host = os.environ.get("VOILA_APP_IP") or "127.0.0.1"
    xsrf = secrets.token_hex(16)
    request = urllib.request.Request(
        f"http://{host}:{port}{server}/voila/api/shutdown/{quote(kernel_id)}",
        data=urlencode({"_xsrf": xsrf}).encode("ascii"),
        headers={"Cookie": f"_xsrf={xsrf}"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status < 400
    except (OSError, urllib.error.HTTPError):
        return False


def guard_visit(
    visit: Visit,
    root: Path | None = None,
    *,
    shutdown: Callable[[], object] = shutdown_own_kernel,
    every: float | None = None,
) -> threading.Thread | None:
    """Under Voilà, watch `visit` from this kernel: keep it alive, and end the kernel with it.

    One guard per kernel (a new visit replaces the old guard). Returns the thread, or None
    when there is nothing to guard (no token) or no Voilà kernel to shut down. Tests pass
    their own `shutdown` and `every` and call it outside Voilà.
    """
    global _guard
    if not visit.token or (shutdown is shutdown_own_kernel and not os.environ.get("VOILA_KERNEL_ID")):
        return None
    if _guard is not None:
        _guard[0].set()
    root = data_root(root)
    period = every if every is not None else visit_settings().check_every_s
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(period):
            if load_visit(visit.token, root) is None or not touch_visit(visit.token, root):
                shutdown()
                return

    thread = threading.Thread(target=watch, name="tremplin-visit-guard", daemon=True)
    _guard = (stop, thread)
    thread.start()
    return thread


def request_query() -> dict[str, str]:
    """The page request's query string as {name: first value} (empty outside Voilà)."""
    wait_for_visitor()
    return _query()


def _query() -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(os.environ.get("QUERY_STRING", "")).items()}


def _language_asked() -> str | None:
    """The page's language as its address asks: `lang=` as written, "" (French) when the address
    has none, None outside a Voilà page (no request). Without `lang=` a page is French, as its
    template (tremplin.js) and `page_url` have it: kernel and page never speak two languages."""
    query = os.environ.get("QUERY_STRING")
    if query is None:
        return None
    asked = parse_qs(query, keep_blank_values=True).get("lang")
    return asked[0] if asked else ""


def wait_for_visitor() -> None:
    """In a preheated Voilà kernel, pause until the learner's request arrives; elsewhere return.

    Voilà preheats a page before anyone opens it; the request (and its query string) reaches
    the kernel only through `voila.utils.wait_for_request()`. Outside Voilà, or when the
    kernel was started for the request itself, QUERY_STRING is already there (or never
    will be), so this never blocks. Then the page speaks the request's `lang=`, if it has one.
    """
    global _request_seen
    if not _request_seen:
        _request_seen = True
        _wait_for_request()
    asked = _language_asked()
    if asked is not None:
        use_locale(asked)  # `lang=xx` or worse: French, without a word


def _wait_for_request() -> None:
    if os.environ.get("VOILA_PREHEAT") != "True" or not os.environ.get("VOILA_KERNEL_ID"):
        return
    try:
        from voila.utils import wait_for_request
    except ImportError:
        return
    wait_for_request()


def current_visit(root: Path | None = None) -> Visit | None:
    """The visit of the page's learner: `?visit=` under Voilà, else TREMPLIN_WORKSPACE, else None."""
    query = request_query()
    token = query.get("visit")
    if token is not None:
        visit = load_visit(token, root)
        if visit is not None:
            visit = _agree_on_language(visit, root)
            guard_visit(visit, root)
        return visit
    workspace = os.environ.get("TREMPLIN_WORKSPACE")
    if workspace:
        try:
            opened = Workspace.open(Path(workspace))
        except WorkspaceError:
            return None
        created = str(opened.profile.get("created_at", ""))
        return Visit(None, opened.pseudonym, opened.root.name, opened.root, created, current_locale())
    return None


def _agree_on_language(visit: Visit, root: Path | None) -> Visit:
    """The address's language wins and is remembered (links the kiosk makes carry it; one typed
    without `lang=` is French, like the page around it); outside a page, the visit's."""
    asked = _language_asked()
    if asked is not None:
        return set_visit_language(visit, supported_locale(asked) or DEFAULT_LOCALE, root)
    use_locale(visit.language)
    return visit


def base_url() -> str:
    """Voilà's base URL as the kernel sees it ("/" outside Voilà)."""
    base = os.environ.get("VOILA_BASE_URL") or "/"
    return base if base.endswith("/") else base + "/"


def page_url(notebook: str, visit: Visit | None = None) -> str:
    """The address of a page (path relative to the folder served), carrying the visit token and,
    unless the page speaks French, its language."""
    params = {}
    if visit is not None and visit.token:
        params["visit"] = visit.token
    if current_locale() != DEFAULT_LOCALE:
        params["lang"] = current_locale()
    url = f"{base_url()}voila/render/{quote(notebook)}"
    return f"{url}?{urlencode(params)}" if params else url


def home_url(visit: Visit | None = None) -> str:
    return page_url(HOME_NOTEBOOK, visit)


def missing_visit_html() -> str:
    """What a page shows when it does not know its learner: a kind word and the way home."""
    text = html.escape(t("kiosk.no_visit"))
    link = html.escape(t("kiosk.back_home"))
    return (
        f'<div class="tremplin-message" role="alert"><p>{text}</p>'
        f'<p><a class="tremplin-big-link" href="{html.escape(home_url())}">{link}</a></p></div>'
    )


def _world_identity(root: Path) -> dict | None:
    """The seed and size of the world the learner starts on (read from world.json), if any."""
    try:
        manifest = json.loads((root / "world" / "world.json").read_text(encoding="utf-8"))
        return {"seed": manifest["seed"], "offers": manifest["offers"]}
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _seed_inbox(workspace: Workspace, root: Path) -> None:
    """Give the learner the world's incoming messages once (recruiter replies, phishing…)."""
    from tremplin.widgets.world import World, WorldError

    with contextlib.suppress(WorldError):  # no world yet: the kiosk warned the mediator at start
        workspace.seed_inbox(World.open(root / "world").inbox_paths())


def _write_atomically(path: Path, text: str) -> None:
    """Write a whole file or nothing: a reader never sees half a visit."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".visit-", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
