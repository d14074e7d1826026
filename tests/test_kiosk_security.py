"""Issue 7, security: the kiosk runs no code sent by a browser, serves only its pages, and
keeps working (with a bounded number of kernels) when a learner reloads or opens many tabs.

One real `tremplin kiosk` for the module, on a copy of the kit's settings where only the
culling is made short (seconds instead of 30 minutes) so that culled kernels can be seen.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from security_support import KERNEL_ID, KernelChannel, kernel_processes, raw_get, snapshot, wait_for
from test_kiosk_support import SECRET_SOURCE, Kiosk, build_notebooks, start_kiosk
from tremplin.grading.browser import WIDGETS_TIMEOUT_MS
from tremplin.widgets.visit import start_visit

from tremplin import NOTEBOOKS_DIR

pytestmark = pytest.mark.slow
LESSON = "voila/render/lecons/00-essai.ipynb"
HOME = "voila/render/accueil.ipynb"
DASHBOARD = "mediateur/tableau-de-bord.ipynb"
#: Pages with a preheated kernel in this kiosk (the mediator's page is on the preheat denylist).
POOLED_PAGES = 2
#: Seconds of inactivity before the test kiosk culls a kernel nobody is connected to: short, yet
#: long enough for a kernel to start on a busy machine (jupyter_server also culls 'starting' ones).
CULL_S = 20
#: Reloads in a row and tabs opened at once by one learner: more than a person does in a visit.
RELOADS, TABS = 8, 5
#: A page opened in the browser gets a kernel of its own (the preheated one is refilled behind it).
PAGE_MS = 3 * WIDGETS_TIMEOUT_MS
#: Marks that must never reach a browser: file contents, settings, sources, tracebacks.
LEAKS = ("Traceback", 'File "/', "cull_idle_timeout", "cell_timeout_policy", "wait_for_visitor",
         SECRET_SOURCE, "kernelspec", "nbformat")


@pytest.fixture(scope="module")
def kiosk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kiosk]:
    tmp = tmp_path_factory.mktemp("kiosk-security")
    notebooks = build_notebooks(tmp / "notebooks")
    (notebooks / "boom.ipynb").unlink()  # fewer preheated kernels: only what these tests open
    shutil.rmtree(notebooks / "epreuves")
    (notebooks / "mediateur").mkdir()
    shutil.copy2(Path(NOTEBOOKS_DIR) / DASHBOARD, notebooks / DASHBOARD)
    settings_file = notebooks / "voila" / "voila.json"
    settings = json.loads(settings_file.read_text(encoding="utf-8"))
    # Short culling; idle connected tabs are spared here so that open tabs can be counted.
    settings["MappingKernelManager"].update(cull_idle_timeout=CULL_S, cull_interval=1, cull_connected=False)
    settings_file.write_text(json.dumps(settings), encoding="utf-8")
    server = start_kiosk(tmp, notebooks=notebooks)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def visit(kiosk: Kiosk):
    """A learner's visit with a saved file in their workspace (it must survive everything)."""
    visit = start_visit("Inès Sécurité", kiosk.data)
    (visit.workspace / "documents").mkdir(exist_ok=True)
    cv = visit.workspace / "documents" / "mon-cv.txt"
    cv.write_text("CV d'Inès — secret_cv_marker", encoding="utf-8")
    return visit


def kernels(kiosk: Kiosk) -> int:
    return len(kernel_processes(kiosk.process.pid))


def running(kiosk: Kiosk, kernel_ids: set[str]) -> set[str]:
    """Which of `kernel_ids` still have a kernel process (its connection file names the id)."""
    command_lines = [" ".join(p.cmdline()) for p in kernel_processes(kiosk.process.pid)]
    return {kernel_id for kernel_id in kernel_ids if any(kernel_id in line for line in command_lines)}


def rendered_kernel(kiosk: Kiosk, path: str) -> str:
    """Open a page over HTTP (as a browser would) and return the id of the kernel it got."""
    status, _, page = kiosk.get(path)
    assert status == 200
    return re.search(rf'"kernelId": "({KERNEL_ID})"', page).group(1)


# -- code sent by the browser -------------------------------------------------------------


def test_execute_requests_over_the_kernel_websocket_are_refused(kiosk: Kiosk, visit, tmp_path: Path) -> None:
    kernel_id = rendered_kernel(kiosk, f"{LESSON}?visit={visit.token}")
    target = tmp_path / f"pwned-{secrets.token_hex(6)}"
    code = f"open({str(target)!r}, 'w').write('pwned')"
    with KernelChannel.open(kiosk.port, kernel_id) as channel:
        refused = {
            "execute": channel.send("execute_request", {"code": code, "silent": False, "store_history": True,
                                                        "user_expressions": {}, "allow_stdin": False}),
            "execute on control": channel.send("execute_request", {"code": code, "silent": True}, "control"),
            "inspect": channel.send("inspect_request", {"code": code, "cursor_pos": 4, "detail_level": 1}),
            "complete": channel.send("complete_request", {"code": "open", "cursor_pos": 4}),
            "history": channel.send("history_request", {"hist_access_type": "tail", "n": 10, "raw": True,
                                                        "output": False}),
            "debug": channel.send("debug_request", {"seq": 1, "type": "request", "command": "evaluate",
                                                    "arguments": {"expression": code}}, "control"),
            "stdin": channel.send("input_reply", {"value": code}, "stdin"),
        }
        comms = {
            # comms that are not widgets: an unknown target, an unknown comm, a forged widget class
            "comm to unknown target": channel.send("comm_open", {"comm_id": secrets.token_hex(8),
                                                                 "target_name": "tremplin.exec",
                                                                 "data": {"code": code}}),
            "comm to unknown comm": channel.send("comm_msg", {"comm_id": secrets.token_hex(8),
                                                              "data": {"method": "custom",
                                                                       "content": {"code": code}}}),
            "forged widget": channel.send("comm_open", {
                "comm_id": secrets.token_hex(8), "target_name": "jupyter.widget",
                "data": {"state": {"_model_module": "builtins", "_model_name": "exec",
                                   "_model_module_version": "", "_view_module": "builtins",
                                   "_view_name": "exec", "_view_module_version": "", "value": code},
                         "buffer_paths": []}}),
        }
        # The shell channel answers in order: once kernel_info is answered, everything sent
        # before it has been either handled or dropped.
        probe = channel.send("kernel_info_request", {})
        info = channel.wait_reply(probe, "kernel_info_reply")
    assert info["content"]["status"] == "ok"  # the kernel is alive and listening
    assert not target.exists()
    for what, msg_id in refused.items():  # dropped by the server: the kernel never sees them
        assert channel.replies_to(msg_id) == [], what
    for what, msg_id in comms.items():  # handled by the kernel: no result, nothing on the page
        replies = channel.replies_to(msg_id)
        assert {m["header"]["msg_type"] for m in replies} <= {"status", "comm_close", "stream"}, what
        # at most the kernel's own log line about the bad comm, on stderr (a page never shows it)
        assert all(m["content"]["name"] == "stderr" for m in replies if "name" in m["content"]), what
    dropped = re.findall(r'Received message of type "(\w+)", which is not allowed', kiosk.output())
    for msg_type in ("execute_request", "inspect_request", "complete_request", "history_request",
                     "debug_request"):
        assert msg_type in dropped, msg_type


# -- what is served -------------------------------------------------------------------


def secrets_of(kiosk: Kiosk, visit) -> tuple[str, ...]:
    return (visit.token, "secret_cv_marker", *LEAKS)


def probes(visit) -> list[str]:
    token = visit.token
    data = "../data"
    return [
        "/api/kernels", "/api/kernels/", "/api/sessions", "/api/contents", "/api/contents/lecons",
        "/api/terminals", "/api/kernelspecs", "/api/config", "/tree", "/lab", "/notebooks/accueil.ipynb",
        "/edit/voila/voila.json", "/terminals/1",
        "/voila/api/contents", "/voila/api/contents/", "/voila/api/contents/lecons",
        "/voila/api/contents/voila", "/voila/api/contents/mediateur", "/voila/api/contents/voila/voila.json",
        "/voila/api/contents/accueil.ipynb", "/voila/api/contents/..", "/voila/api/contents/%2e%2e",
        "/voila/files/accueil.ipynb", "/voila/files/voila/voila.json", "/voila/files/voila/voila.py",
        "/voila/files/", f"/voila/files/{data}/visits/{token}.json",
        f"/voila/files/%2e%2e/data/visits/{token}.json",
        "/voila/static/../voila.json", "/voila/static/../../../../../../etc/passwd",
        "/voila/static/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/voila/static/",
        "/voila/templates/tremplin/static/../../../voila.json", "/voila/templates/tremplin/conf.json",
        "/voila/templates/tremplin/index.html.j2", "/voila/templates/../../voila.json",
        "/voila/templates/tremplin/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fvoila.json",
        "/voila/labextensions/../../voila.json", "/voila/labextensions/",
        "/voila/api/themes/../../voila.json",
        f"/voila/render/{data}/visits/{token}.json", f"/voila/render/%2e%2e/data/visits/{token}.json",
        f"/voila/render/%2e%2e%2fdata%2fvisits%2f{token}.json", f"/voila/render/{data}/learners/",
        f"/voila/render/{data}/learners/ines-securite/documents/mon-cv.txt", "/voila/render/voila/voila.json",
        "/voila/render/voila/voila.py", "/voila/render/voila/", "/voila/render/lecons/",
        "/voila/render/../../../../etc/passwd", "/voila/render/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/voila/render/mediateur/",
        f"/voila/render/{DASHBOARD}", f"/voila/tree/{data}", "/voila/tree/mediateur", "/voila/tree/%2e%2e",
        f"/voila/query/{'0' * 8}-0000-0000-0000-{'0' * 12}", "/login", "/logout",
    ]


def test_only_pages_are_served_no_listing_no_file_no_traceback(kiosk: Kiosk, visit) -> None:
    served = {}
    for path in probes(visit):
        status, headers, body = raw_get(kiosk.port, path)
        for leak in secrets_of(kiosk, visit):
            assert leak not in body, (path, leak)
        assert "root:x:0:0" not in body, path
        for name in ("00-essai.ipynb", "tableau-de-bord.ipynb", "voila.json", "mon-cv"):
            assert name not in body or status >= 300, (path, name)
        # Voilà's template-file handler (a path it cannot split) and its unused /logout answer a
        # bare 500: a status line at most, the details stay in the kiosk's log
        bare_500 = status == 500 and (body == "" or "<title>500: Internal Server Error</title>" in body)
        assert status in (200, 301, 302, 400, 403, 404, 405) or bare_500, (path, status, body[:300])
        if status in (301, 302):  # Voilà sends what is not a notebook to /voila/files/, which refuses
            status, _, body = raw_get(kiosk.port, headers["location"])
            assert status in (403, 404) and not any(leak in body for leak in secrets_of(kiosk, visit)), path
        if status == 200 and path.startswith("/voila/api/contents"):  # an empty listing, no content
            assert json.loads(body)["content"] in ([], None), path
        elif status == 200:  # only the folder views, which send learners home
            assert f'url=/{HOME}"' in body, path
        served[path] = status
    print(json.dumps(served, indent=1))


# -- reloads and tabs -------------------------------------------------------------------


@pytest.mark.timeout(900)  # 15 page loads, each with a fresh kernel, on a shared 2-core machine
def test_reloads_and_tabs_keep_kernels_bounded_and_lose_nothing(kiosk: Kiosk, visit, browser) -> None:
    before = snapshot(visit.workspace)
    url = kiosk.url + f"{LESSON}?visit={visit.token}"
    greeting = f"Bonjour {visit.pseudonym}"
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url, timeout=PAGE_MS, wait_until="commit")
        page.get_by_text(greeting).wait_for(timeout=PAGE_MS)
        peak = 0
        for _ in range(RELOADS):
            page.reload(timeout=PAGE_MS, wait_until="commit")
            page.get_by_text(greeting).wait_for(timeout=PAGE_MS)
            peak = max(peak, kernels(kiosk))
        # each reload's old kernel is shut down (Voilà's beforeunload beacon) or culled
        assert wait_for(lambda: kernels(kiosk) <= POOLED_PAGES + 1, 120), kernels(kiosk)
        tabs = []
        for _ in range(TABS):
            tab = context.new_page()
            tab.goto(url, timeout=PAGE_MS, wait_until="commit")
            tab.get_by_text(greeting).wait_for(timeout=PAGE_MS)
            tabs.append(tab)
        open_tabs = kernels(kiosk)
        assert open_tabs <= POOLED_PAGES + 1 + TABS + 1, open_tabs  # one each, plus a pool refill
        for tab in tabs:
            tab.close()  # no beforeunload: the tab vanishes, as when a browser is killed
        assert wait_for(lambda: kernels(kiosk) <= POOLED_PAGES + 1, 120), kernels(kiosk)  # culled
        page.reload(timeout=PAGE_MS, wait_until="commit")  # the first tab still works
        page.get_by_text(greeting).wait_for(timeout=PAGE_MS)
    finally:
        context.close()
    print(f"kernels: peak {peak} during {RELOADS} reloads, {open_tabs} with {TABS + 1} tabs open")
    status, _, home = kiosk.get(HOME)
    assert status == 200 and "Bienvenue sur Tremplin" in home
    after = snapshot(visit.workspace)
    assert {name: after.get(name) for name in before} == before


def test_a_page_can_shut_its_kernel_down_when_it_is_left(kiosk: Kiosk, visit) -> None:
    """Voilà's `beforeunload` beacon posts the `_xsrf` cookie, which the page often lacks: the kiosk
    must accept it, or every reload and every link followed leaves a kernel until culled."""
    kernel_id = rendered_kernel(kiosk, f"{LESSON}?visit={visit.token}")
    request = urllib.request.Request(f"{kiosk.url}voila/api/shutdown/{kernel_id}", data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 204
    assert f"Kernel shutdown: {kernel_id}" in kiosk.output()
    assert not running(kiosk, {kernel_id})


def test_pages_fetched_without_a_browser_leave_no_kernel_behind(kiosk: Kiosk, visit) -> None:
    """A script fetching pages never connects to their kernels: each is culled once idle.

    Judged on the fetched pages' own kernels, not on a count: the preheated pool refills
    (and its idle kernels are culled and refilled too) while this waits."""
    fetched = {rendered_kernel(kiosk, f"{LESSON}?visit={visit.token}") for _ in range(4)}
    assert len(fetched) == 4 and running(kiosk, fetched) == fetched
    assert wait_for(lambda: not running(kiosk, fetched), 120), running(kiosk, fetched)
