"""Kiosk time-to-first-widget in headless chromium, beside plain Voilà on a one-widget notebook,
and the resident memory of a kiosk kernel that serves a real lesson."""

from __future__ import annotations

import contextlib
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tremplin.grading.browser import WIDGET_SELECTOR, WIDGETS_TIMEOUT_MS
from tremplin.grading.kiosk import free_port

ONE_WIDGET_NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": "import ipywidgets as widgets\nwidgets.Button(description='OK')",
        }
    ],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}
#: Pause between page loads, so a preheated pool refills as it would between two learners.
SETTLE_S = 6.0



@contextmanager
def server(command: list[str], env: dict[str, str] | None, port: int) -> Iterator[subprocess.Popen]:
    from tremplin.grading.kiosk import wait_until_listening

    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not wait_until_listening(process, port):
            raise RuntimeError(f"server did not start: {' '.join(command)}")
        time.sleep(SETTLE_S)  # let a preheated pool start filling before the first visitor
        wait_until_idle(process)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


#: The kiosk is measured as a visitor finds it once it has started: every preheated kernel up
#: and waiting (a room's kiosk starts once, before the session), not while they boot.
IDLE_CPU_PERCENT, IDLE_FOR_S, IDLE_TIMEOUT_S = 15.0, 3, 240


def wait_until_idle(process: subprocess.Popen) -> None:
    """Until the server and its kernels use under IDLE_CPU_PERCENT together for IDLE_FOR_S seconds."""
    import psutil

    root = psutil.Process(process.pid)
    quiet, deadline = 0, time.monotonic() + IDLE_TIMEOUT_S
    while quiet < IDLE_FOR_S and time.monotonic() < deadline:
        family = [root, *root.children(recursive=True)]
        for member in family:
            with contextlib.suppress(psutil.Error):
                member.cpu_percent(None)
        time.sleep(1)
        busy = 0.0
        for member in family:
            with contextlib.suppress(psutil.Error):
                busy += member.cpu_percent(None)
        quiet = quiet + 1 if busy < IDLE_CPU_PERCENT else 0


def first_widget_seconds(browser: object, url: str, runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        context = browser.new_context()
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url)
        page.wait_for_selector(WIDGET_SELECTOR, state="visible", timeout=WIDGETS_TIMEOUT_MS)
        timings.append(time.perf_counter() - start)
        context.close()
        time.sleep(SETTLE_S)
    return timings


@contextmanager
def plain_voila_server(folder: Path) -> Iterator[str]:
    """Voilà alone, as installed, on the one-widget notebook (written in `folder`): its base URL.
    The baseline every kiosk figure is compared with (first widget, and the load test's client)."""
    import json

    notebook = folder / "one_widget.ipynb"
    notebook.write_text(json.dumps(ONE_WIDGET_NOTEBOOK), encoding="utf-8")
    port = free_port()
    command = [sys.executable, "-m", "voila", str(notebook), "--no-browser", f"--port={port}"]
    command.append("--Voila.ip=127.0.0.1")
    with server(command, None, port):
        yield f"http://127.0.0.1:{port}"


def plain_voila(browser: object, folder: Path, runs: int) -> float:
    with plain_voila_server(folder) as base:
        return statistics.median(first_widget_seconds(browser, base + "/", runs))


def kernel_rss_mb(process: subprocess.Popen) -> float:
    """The largest resident set among the kernels the server started (the lesson's)."""
    import psutil

    kernels = [
        child
        for child in psutil.Process(process.pid).children(recursive=True)
        if "ipykernel" in " ".join(child.cmdline())
    ]
    return max((k.memory_info().rss for k in kernels), default=0) / 2**20


def kiosk(browser: object, data_root: Path, lesson: str, runs: int) -> dict[str, float]:
    from tremplin.grading.kiosk import kiosk_command, kiosk_env, prepare_data_root
    from tremplin.widgets.visit import page_url, start_visit

    prepare_data_root(data_root)
    port = free_port()
    env = kiosk_env(data_root)
    with server(kiosk_command(data_root, port), env, port) as process:
        base = f"http://127.0.0.1:{port}"
        home = f"{base}/voila/render/accueil.ipynb"
        first = statistics.median(first_widget_seconds(browser, home, runs))
        visit = start_visit("Bench Mesure", data_root)
        context = browser.new_context()
        page = context.new_page()
        page.goto(base + page_url(lesson, visit))
        page.get_by_role("button", name="Rechercher").wait_for(timeout=WIDGETS_TIMEOUT_MS)
        rss = kernel_rss_mb(process)
        context.close()
    return {"kiosk_first_widget_s": round(first, 3), "kiosk_kernel_rss_mb": round(rss, 1)}
