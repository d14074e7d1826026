"""Issue 7's load test: N learners open a lesson at once on one kiosk, for N in 1, 5, 10, 20.

Each simulated learner is a light client that does, in order, what the learner's browser
does before the first widget can appear: GET the lesson page with their own visit token
(Voilà hands a preheated kernel the request and sends the page once the rest of the
notebook has run), GET the kernel's model, open the kernel websocket, open the widget
manager's control comm and ask for every widget state (`request_states`). The time to
first widget is taken when those states arrive and hold the lesson's « Rechercher » button:
from then on only the browser's own drawing is left, and that runs on each learner's
computer, not on the kiosk (N chromium pages on the kiosk's 2 cores would measure chromium,
not the server). The plain reference, Voilà alone on a one-widget notebook, is measured by
the same client in the same run. Every step has a timeout and the whole test a budget, so
it always stops by itself.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import re
import shutil
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path

from tremplin.grading.bench_search import percentile

LESSON = "lecons/01-chercher-des-offres.ipynb"
#: What the lesson's first screen must hold for a session to count as served.
LESSON_BUTTON = "Rechercher"
COUNTS = (1, 5, 10, 20)
#: A learner who waits longer than this has not been served; it is also the value such a
#: session weighs in the p95 (it waited at least that long).
SESSION_TIMEOUT_S = 30.0
#: No round (nor the plain reference) starts after this many seconds: with the waits' own
#: timeouts the whole load test then ends within 6 minutes (the pool refills one kernel at a time
#: between rounds, as the kiosk does: pool_full).
BUDGET_S = 240.0
#: (figure, how it compares, bound): what issue 7 asks (for bench.TARGETS).
TARGETS = (
    ("load_p95_first_widget_s_20", "≤ s", 3.0),
    ("load_kernel_rss_mb_p95", "≤ MB", 150.0),
    ("load_errors", "≤", 0.0),
)
CONTROL_TARGET, CONTROL_VERSION = "jupyter.widget.control", "1.0.0"


@dataclass
class Session:
    """One simulated learner's page: seconds to the page and to the first widget, or an error."""

    page_s: float | None = None
    first_widget_s: float | None = None
    kernel_id: str | None = None
    error: str | None = None
    rss_mb: float = 0.0
    uss_mb: float = 0.0
    cookies: http.cookiejar.CookieJar | None = None


def serve_lesson(folder: Path, lesson: str, pool_size: int) -> Path:
    """A served folder with the kit's template and only `lesson`, whose pool holds `pool_size`
    preheated kernels (voila.json's own pool is 1 per page; a room needs one per learner)."""
    from tremplin.grading.kiosk import SETTINGS_FILE, voila_dir

    from tremplin import NOTEBOOKS_DIR

    shutil.copytree(voila_dir(), voila_dir(folder))
    (folder / lesson).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(Path(NOTEBOOKS_DIR) / lesson, folder / lesson)
    settings_file = voila_dir(folder) / SETTINGS_FILE
    settings = json.loads(settings_file.read_text(encoding="utf-8"))
    pools = settings.setdefault("VoilaKernelManager", {}).setdefault("kernel_pools_config", {})
    pools[lesson] = {"pool_size": pool_size}
    settings_file.write_text(json.dumps(settings, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


#: The kernel websocket protocol the page's JupyterLab services ask for (jupyter_server then
#: forwards the kernel's frames as they are, instead of decoding and re-encoding each message).
PAGE_PROTOCOL = "v1.kernel.websocket.jupyter.org"


def _pack(part: dict) -> bytes:
    return json.dumps(part).encode("utf-8")


def _frame(msg_type: str, content: dict, session: str, metadata: dict | None = None) -> bytes:
    """One message in the page's protocol (a binary frame: offsets, channel, then the parts)."""
    from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

    header = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": msg_type,
        "session": session,
        "username": "",
        "version": "5.3",
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    message = {"header": header, "parent_header": {}, "metadata": metadata or {}, "content": content}
    return serialize_msg_to_ws_v1(message, "shell", _pack)


def decode_frame(frame: bytes) -> tuple[dict, Callable[[], dict]]:
    """A kernel message in the page's protocol: its header now, its content when asked (the client,
    like the page, decodes only what it reads)."""
    from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1

    _channel, parts = deserialize_msg_from_ws_v1(frame)
    return json.loads(parts[0]), lambda: json.loads(parts[3])


def _kernel_id(page: str) -> str:
    found = re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page, re.DOTALL)
    kernel_id = json.loads(found.group(1)).get("kernelId") if found else None
    if not kernel_id:
        raise RuntimeError("no kernel id in the page")
    return kernel_id


def widget_states(base: str, kernel_id: str, timeout: float) -> dict:
    """Every widget state of the kernel, asked the way the page's widget manager asks."""
    import websocket

    session = uuid.uuid4().hex
    channel = f"ws://{base.split('://', 1)[1]}/api/kernels/{kernel_id}/channels?session_id={session}"
    socket = websocket.create_connection(channel, timeout=timeout, subprotocols=[PAGE_PROTOCOL])
    try:
        binary = websocket.ABNF.OPCODE_BINARY
        socket.send(_frame("kernel_info_request", {}, session), opcode=binary)
        comm_id = uuid.uuid4().hex
        opening = {"comm_id": comm_id, "target_name": CONTROL_TARGET, "data": {}}
        socket.send(_frame("comm_open", opening, session, {"version": CONTROL_VERSION}), opcode=binary)
        asking = {"comm_id": comm_id, "data": {"method": "request_states"}}
        socket.send(_frame("comm_msg", asking, session), opcode=binary)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            frame = socket.recv()
            if not isinstance(frame, bytes):
                raise RuntimeError("the kiosk did not speak the page's websocket protocol")
            header, content = decode_frame(frame)
            if header.get("msg_type") == "comm_msg":
                data = content()
                if data.get("comm_id") == comm_id:
                    return data.get("data", {}).get("states", {})
        raise TimeoutError("no widget states")
    finally:
        socket.close()


def open_page(base: str, path: str, button: str, timeout: float) -> Session:
    """One learner's page, timed from the request to the widget states holding `button` (a page
    that failed, or did not know its visitor, shows no such button: that is an error)."""
    session = Session(cookies=http.cookiejar.CookieJar())
    start = time.perf_counter()
    try:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(session.cookies))
        with opener.open(base + path, timeout=timeout) as response:
            page = response.read().decode("utf-8", "replace")
        session.page_s = time.perf_counter() - start
        session.kernel_id = _kernel_id(page)
        with opener.open(f"{base}/api/kernels/{session.kernel_id}", timeout=timeout) as response:
            response.read()
        states = widget_states(base, session.kernel_id, timeout)
        if not any(s.get("state", {}).get("description") == button for s in states.values()):
            raise RuntimeError(f"no « {button} » among {len(states)} widgets")
        session.first_widget_s = time.perf_counter() - start
    except Exception as error:  # noqa: BLE001 (any failure is this learner's error, counted)
        session.error = f"{type(error).__name__}: {error}"
    return session


def at_once(count: int, visit: Callable[[int], Session]) -> list[Session]:
    """`count` learners opening their page at the same instant (a barrier releases them); one
    still waiting after SESSION_TIMEOUT_S (and a margin) is counted as not served."""
    gate = threading.Barrier(count)

    def learner(index: int) -> Session:
        gate.wait(timeout=SESSION_TIMEOUT_S)
        return visit(index)

    pool = ThreadPoolExecutor(max_workers=count)
    futures = [pool.submit(learner, index) for index in range(count)]
    done, _late = wait(futures, timeout=SESSION_TIMEOUT_S + 5)  # a page may trickle in for ever
    pool.shutdown(wait=False, cancel_futures=True)  # a late learner's sockets time out on their own
    late = Session(error=f"TimeoutError: no widget after {SESSION_TIMEOUT_S:g} s")
    return [future.result() if future in done else replace(late) for future in futures]


def kernels_by_id(server_pid: int) -> dict[str, object]:
    """The server's kernel processes by kernel id (read from their connection file's name)."""
    import psutil

    found = {}
    for child in psutil.Process(server_pid).children(recursive=True):
        with contextlib.suppress(psutil.Error):
            named = re.search(r"kernel-([0-9a-f-]+)\.json", " ".join(child.cmdline()))
            if named:
                found[named.group(1)] = child
    return found


def kernel_memory(server_pid: int, sessions: list[Session]) -> None:
    """Each session's kernel RSS and USS (memory it alone holds)."""
    import psutil

    kernels = kernels_by_id(server_pid)
    for session in sessions:
        kernel = kernels.get(session.kernel_id or "")
        with contextlib.suppress(psutil.Error, AttributeError):
            memory = kernel.memory_full_info()
            session.rss_mb, session.uss_mb = memory.rss / 2**20, memory.uss / 2**20


def cpu_snapshot(server_pid: int) -> dict:
    """CPU seconds spent so far by each process of the server's family, this client, the machine."""
    import psutil

    family = {}
    root = psutil.Process(server_pid)
    for member in (root, *root.children(recursive=True)):
        with contextlib.suppress(psutil.Error):
            used = member.cpu_times()
            family[member.pid] = used.user + used.system
    own, machine = psutil.Process().cpu_times(), psutil.cpu_times()
    busy = sum(machine) - machine.idle - getattr(machine, "iowait", 0.0)
    return {"family": family, "client": own.user + own.system, "machine": busy}


def where_time_went(server_pid: int, before: dict, after: dict, sessions: list[Session]) -> dict[str, float]:
    """CPU seconds of a round by who spent them: Voilà's process, the learners' kernels, the kernels
    Voilà started meanwhile to refill its pool, this client, and everything else on the machine."""
    ids = {s.kernel_id for s in sessions}
    mine = {process.pid for kernel_id, process in kernels_by_id(server_pid).items() if kernel_id in ids}
    spent = {pid: seconds - before["family"].get(pid, 0.0) for pid, seconds in after["family"].items()}
    parts = {
        "server": spent.get(server_pid, 0.0),
        "session_kernels": sum((seconds for pid, seconds in spent.items() if pid in mine), 0.0),
        "refill_kernels": sum(
            (seconds for pid, seconds in spent.items() if pid not in before["family"] and pid not in mine),
            0.0,
        ),
        "client": after["client"] - before["client"],
    }
    parts["other"] = max(0.0, after["machine"] - before["machine"] - sum(parts.values()))
    return {name: round(seconds, 2) for name, seconds in parts.items()}


def leave(base: str, sessions: list[Session]) -> list[int]:
    """What the page does on unload: post its `_xsrf` cookie to Voilà's shutdown address for
    the session's kernel. Returns the HTTP statuses (204 when Voilà shut the kernel down)."""
    statuses = []
    for session in sessions:
        if not session.kernel_id:
            continue
        xsrf = next((c.value for c in session.cookies or () if c.name == "_xsrf"), "")
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(session.cookies))
        form = urllib.parse.urlencode({"_xsrf": xsrf}).encode()
        try:
            address = f"{base}/voila/api/shutdown/{session.kernel_id}"
            with opener.open(address, data=form, timeout=10) as answer:
                statuses.append(answer.status)
        except urllib.error.HTTPError as error:
            statuses.append(error.code)
        except OSError:
            statuses.append(0)
    return statuses


#: Seconds the pool may take to fill before a round starts anyway (it then measures a busier kiosk).
POOL_TIMEOUT_S = 120.0


def pool_full(process: object, pool_size: int) -> None:
    """Until the kiosk runs `pool_size` kernels (its refills all started) and is idle again: a
    round measures the kiosk as a room finds it, not while it refills."""
    from tremplin.grading.bench_kiosk import wait_until_idle

    deadline = time.monotonic() + POOL_TIMEOUT_S
    while len(kernels_by_id(process.pid)) < pool_size and time.monotonic() < deadline:
        time.sleep(0.5)
    wait_until_idle(process)


@dataclass
class LoadRun:
    """The sessions of every round (by learner count), the pool size, the plain reference, the
    CPU seconds of each round by who spent them, and how many unload shutdowns Voilà refused."""

    rounds: dict[int, list[Session]]
    pool_size: int
    plain: Session | None
    seconds: float
    cpu_seconds: dict[int, dict[str, float]] = field(default_factory=dict)
    unload_refused: int = 0


def run_load(
    world_dir: Path,
    scratch: Path,
    counts: tuple[int, ...] = COUNTS,
    *,
    lesson: str = LESSON,
    pool_size: int | None = None,
    plain: bool = True,
    progress: Callable[[str], None] = print,
) -> LoadRun:
    """Start the real kiosk on `lesson` alone, then one round per count, largest first (each
    learner with a new visit; then each page's unload is sent as the browser sends it and the
    pool refills), then plain Voilà."""
    from tremplin.grading.bench_kiosk import server
    from tremplin.grading.kiosk import free_port, kiosk_command, kiosk_env, prepare_data_root
    from tremplin.widgets.visit import page_url, start_visit

    started = time.monotonic()
    pool_size = pool_size or max(counts)
    data = scratch / "data"
    data.mkdir(parents=True)
    (data / "world").symlink_to(Path(world_dir).resolve(), target_is_directory=True)
    prepare_data_root(data)
    served = serve_lesson(scratch / "notebooks", lesson, pool_size)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    rounds: dict[int, list[Session]] = {}
    cpu: dict[int, dict[str, float]] = {}
    refused = 0
    order = sorted(counts, reverse=True)  # the largest round, the one with a target, runs first
    with server(kiosk_command(data, port, served), kiosk_env(data, served), port) as process:
        pool_full(process, pool_size)
        for count in order:
            if time.monotonic() - started > BUDGET_S:
                rounds[count] = [Session(error="not run: time budget spent") for _ in range(count)]
                continue
            progress(f"bench: {count} apprenant(s) à la fois / {count} learner(s) at once…")
            visits = [start_visit(f"Charge {index + 1}", data) for index in range(count)]
            before = cpu_snapshot(process.pid)
            sessions = at_once(
                count,
                lambda index, visits=visits: open_page(
                    base, page_url(lesson, visits[index]), LESSON_BUTTON, SESSION_TIMEOUT_S
                ),
            )
            cpu[count] = where_time_went(process.pid, before, cpu_snapshot(process.pid), sessions)
            kernel_memory(process.pid, sessions)
            rounds[count] = sessions
            refused += sum(status != 204 for status in leave(base, sessions))
            if count != order[-1] and time.monotonic() - started <= BUDGET_S:
                time.sleep(2)  # the kiosk refills the pool once pages stop arriving, one kernel at a time
                pool_full(process, pool_size)
    reference = None
    if plain:
        late = time.monotonic() - started > BUDGET_S
        reference = Session(error="not run: time budget spent") if late else _plain_session(scratch / "plain")
    return LoadRun(rounds, pool_size, reference, time.monotonic() - started, cpu, refused)


def _plain_session(folder: Path) -> Session:
    """Voilà alone on bench_kiosk's one-widget notebook, one learner, by the same client."""
    from tremplin.grading.bench_kiosk import plain_voila_server

    folder.mkdir(parents=True)
    with plain_voila_server(folder) as base:
        return open_page(base, "/", "OK", SESSION_TIMEOUT_S)


def figures(run: LoadRun) -> dict[str, float]:
    """bench.json's load figures: the p95 curve, errors, kernel memory, the plain reference."""
    result: dict[str, float] = {}
    every: list[Session] = []
    for count, sessions in sorted(run.rounds.items()):
        every += sessions
        waits = [s.first_widget_s if s.error is None else SESSION_TIMEOUT_S for s in sessions]
        pages = [s.page_s if s.page_s is not None else SESSION_TIMEOUT_S for s in sessions]
        result[f"load_p95_first_widget_s_{count}"] = round(percentile(waits, 0.95), 3)
        result[f"load_p95_page_s_{count}"] = round(percentile(pages, 0.95), 3)
    result["load_errors"] = float(sum(s.error is not None for s in every))
    rss = [s.rss_mb for s in every if s.rss_mb > 0] or [0.0]
    uss = [s.uss_mb for s in every if s.uss_mb > 0] or [0.0]
    result["load_kernel_rss_mb_max"] = round(max(rss), 1)
    result["load_kernel_rss_mb_p95"] = round(percentile(rss, 0.95), 1)
    result["load_kernel_uss_mb_p95"] = round(percentile(uss, 0.95), 1)
    largest = max(run.cpu_seconds, default=None)
    for part, seconds in run.cpu_seconds.get(largest, {}).items():
        result[f"load_cpu_{part}_s_{largest}"] = seconds
    result["load_pool_size"] = float(run.pool_size)
    result["load_unload_refused"] = float(run.unload_refused)
    result["load_wall_s"] = round(run.seconds, 1)
    if run.plain is not None:
        plain = run.plain.first_widget_s if run.plain.error is None else SESSION_TIMEOUT_S
        result["load_plain_voila_first_widget_s_1"] = round(plain, 3)
    return result


def load_figures(world_dir: Path, *, progress: Callable[[str], None] = print) -> dict[str, float]:
    """The whole load test on a scratch data root sharing `world_dir` (for `make bench`)."""
    with tempfile.TemporaryDirectory(prefix="tremplin-load-") as scratch:
        run = run_load(world_dir, Path(scratch), progress=progress)
    for count, sessions in run.rounds.items():
        for error in sorted({s.error for s in sessions if s.error}):
            progress(f"bench: {count} apprenant(s) / learner(s): {error}")
    return figures(run)
