"""The kiosk's kernel manager: a hard cap on kernels, and learner pages only.

Voilà starts a kernel for every page view and nothing bounds their number but culling, which
works over minutes: a script (or a room reloading at once) could start kernels until the
machine runs out of memory. `KioskKernelManager` is Voilà's kernel manager
(`VoilaConfiguration.multi_kernel_manager_class` in voila.json) with two refusals, both made
where every kernel starts (a page served without a preheated kernel, and each pool refill):

- above `max_kernels` kernels (preheated ones count) it answers a calm 503 page « Trop de
  pages sont ouvertes en ce moment » (templates/tremplin/503.html, in the address's language
  like every error page) instead of starting one more; a pool refill refused so is
  retried each time a kernel is shut down or culled, so pages open again by themselves;
- in folder mode (the kiosk) a page under one of `hidden_folders` (the mediators' pages) is
  Tremplin's 404; a Voilà serving one notebook (`tremplin course dashboard`) serves it.

It also paces the pool refills, which profiling under 20 learners at once showed taking most
of the machine (each preheated kernel costs ~1.5 CPU-s to start and preload its lesson, and
Voilà starts one per page served, `fill_delay` later, all at once): a refill nobody waits for
starts only once no page has been served for `refill_quiet_s`, one at a time,
`refill_spacing_s` after the previous one is ready; a refill a visitor waits for starts at
once. The wait comes before Voilà prepares the refill's page renderer (its page config reads
every lab extension's package.json: ~10 ms of Voilà's single process per refill, 12 % of its
work while 20 learners arrived), not only before the kernel starts. And every kernel shares
one event logger (jupyter_server otherwise builds one per kernel, validating its schemas
again: ~0.1 s of Voilà's single process per kernel).
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import PurePosixPath
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado.web import HTTPError
from traitlets import Float, Int, List, Unicode


def machine_memory_mb() -> int:
    """The machine's physical memory in MiB (Linux and macOS)."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20


def sized_cap(memory_mb: int, kernel_mb: int, reserve_mb: int) -> int:
    """How many kernels fit in `memory_mb` once `reserve_mb` is kept for the system and Voilà;
    at least 2 (the home page and one lesson)."""
    return max(2, (memory_mb - reserve_mb) // max(kernel_mb, 1))


def hidden(path: str | None, folders: list[str]) -> bool:
    """True if the kernel's folder (an API path such as « mediateur/sub ») is under `folders`."""
    if not path:
        return False
    parts = PurePosixPath(os.path.normpath(str(path).strip("/"))).parts
    names = {folder.strip("/") for folder in folders}
    return bool(parts) and parts[0] in names


def is_refill(env: dict | None) -> bool:
    """True for the environment Voilà gives a pool's kernel (preheated, not yet any page's)."""
    return (env or {}).get("VOILA_PREHEAT") == "True"


def _paced(initialize: Any) -> Any:
    """Voilà's `_initialize`, held until `_wait_for_a_quiet_moment` lets a pool refill through."""

    async def paced_initialize(self: KioskKernelManager, notebook: str, *args: Any, **kwargs: Any) -> Any:
        env = kwargs.get("env")
        if not is_refill(env):
            return await initialize(self, notebook, *args, **kwargs)
        await self._wait_for_a_quiet_moment(after_page="VOILA_REQUEST_URL" in env)
        self._refilling = True  # the next refill waits until this kernel has started
        try:
            return await initialize(self, notebook, *args, **kwargs)
        finally:
            self._refilling, self._last_refill = False, time.monotonic()

    paced_initialize.__doc__ = initialize.__doc__
    return paced_initialize


class KioskKernelManager(AsyncMappingKernelManager):
    """Voilà's kernel manager, capped, refusing hidden folders (see the module's docstring)."""

    max_kernels = Int(
        0,
        config=True,
        help="Most kernels at once, preheated ones included; 0 sizes it from the machine's memory.",
    )
    kernel_mb = Int(150, config=True, help="Memory budget of one page's kernel (MiB), for the sizing.")
    reserve_mb = Int(1024, config=True, help="Memory kept for the system and Voilà (MiB), for the sizing.")
    hidden_folders = List(
        Unicode(),
        ["mediateur/"],
        config=True,
        help="Folders whose pages the kiosk never serves (404); ignored when Voilà serves one notebook.",
    )

    refill_quiet_s = Float(3.0, config=True, help="Seconds without a page served before a pool refills.")
    refill_spacing_s = Float(
        0.5, config=True, help="Seconds at least between a pool kernel ready and the next refill."
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._starting = 0
        self._closing = False
        self._last_page = float("-inf")  # the kiosk's first fill waits for no quiet
        self._last_refill = float("-inf")
        self._refilling = False
        self._events: Any = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Voilà's preheating subclasses this manager (voila_kernel_manager_factory): its
        `_initialize`, which builds a refill's page renderer and then starts its kernel, waits
        for a quiet moment first."""
        super().__init_subclass__(**kwargs)
        initialize = cls.__dict__.get("_initialize")
        if initialize is not None:
            cls._initialize = _paced(initialize)

    def _create_kernel_manager_factory(self) -> Any:
        """Voilà's per-kernel managers, all sharing the first one's event logger."""
        create = super()._create_kernel_manager_factory()

        def shared_events(*args: Any, **kwargs: Any) -> Any:
            manager = create(*args, **kwargs)
            if manager.has_trait("event_logger"):  # not hasattr: reading it would build a logger
                if self._events is None:
                    self._events = manager.event_logger
                else:
                    manager.event_logger = self._events
            return manager

        return shared_events

    @property
    def cap(self) -> int:
        """The bound in force: `max_kernels`, or sized from memory when it is 0."""
        return self.max_kernels or sized_cap(machine_memory_mb(), self.kernel_mb, self.reserve_mb)

    def kernel_count(self) -> int:
        """Kernels running, pending, or being started right now."""
        return len(set(self._kernels) | set(self._pending_kernels)) + self._starting

    def _one_notebook(self) -> bool:
        return getattr(self.parent, "notebook_path", None) is not None

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        """Start a kernel unless its page is hidden (404) or the cap is reached (503)."""
        if not self._one_notebook() and hidden(kwargs.get("path"), self.hidden_folders):
            raise HTTPError(404)
        if not is_refill(kwargs.get("env")):  # a page served without a preheated kernel
            self._last_page = time.monotonic()  # (a pool's kernel was paced by `_paced`)
        if self._closing or self.kernel_count() >= self.cap:
            count = self.kernel_count()
            self.log.warning("Kiosk full: %d kernels (cap %d), one more refused", count, self.cap)
            raise HTTPError(503, reason="Kiosk full")
        self._starting += 1
        try:
            return await super().start_kernel(*args, **kwargs)
        finally:
            self._starting -= 1

    async def _wait_for_a_quiet_moment(self, *, after_page: bool) -> None:
        """Hold a pool refill until pages stop arriving, no other refill is starting and the last one
        is `refill_spacing_s` old, unless a visitor already waits for this very kernel (Voilà took
        its task out of the pool): refills then use about one core, however many are due."""
        if after_page:
            self._last_page = time.monotonic()  # Voilà refills `fill_delay` after serving a page
        task = asyncio.current_task()
        while not self._closing and any(
            task in pool for pool in (getattr(self, "_pools", None) or {}).values()
        ):
            now = time.monotonic()
            if (
                not self._refilling
                and now - self._last_page >= self.refill_quiet_s
                and now - self._last_refill >= self.refill_spacing_s
            ):
                break
            await asyncio.sleep(0.2)

    async def shutdown_kernel(self, *args: Any, **kwargs: Any) -> None:
        """Shut the kernel down, then refill the pools a cap left short."""
        await super().shutdown_kernel(*args, **kwargs)
        if not self._closing:
            self._refill_short_pools()

    async def shutdown_all(self, *args: Any, **kwargs: Any) -> None:
        self._closing = True  # no refill, no new kernel while Voilà stops
        await super().shutdown_all(*args, **kwargs)

    def _refill_short_pools(self) -> None:
        """Drop the pool entries whose kernel the cap refused, and ask Voilà to top every pool up
        (a no-op for full pools; a pooled kernel shut down by hand leaves its pool short too)."""
        pools = getattr(self, "_pools", None)
        if not pools or not hasattr(self, "fill_if_needed"):
            return  # preheating is off: nothing waits for room
        for name, pool in list(pools.items()):
            refused = [t for t in pool if t.done() and (t.cancelled() or t.exception() is not None)]
            for task in refused:
                pool.remove(task)
            self.fill_if_needed(notebook_name=name)
