"""What a page costs the kiosk's single Voilà process, paid once instead of on every page view.

Profiling Voilà under 20 learners at once (issue 7) showed most of its CPU going to work that
gives the same result every time: each page view (and each preheated kernel) builds a new
nbconvert exporter whose fresh Jinja environment parses and compiles the page templates
again (~0.1 s a page), and renders every markdown cell again with a new mistune parser.
`install()` (called from notebooks/voila/voila.py, so only in Voilà's process) keeps
compiled templates in one in-process cache shared by those environments, and the HTML of a
markdown cell keyed by its source and attachments (not a cell with an image: its file is
inlined and may change). Both caches are keyed by everything their result depends on (a
changed template or cell is compiled or rendered again). It also sends a page in a few large
writes instead of one flush per cell (~150 system calls a lesson page): the first part at once
(the « Chargement » message), then whenever FLUSH_BYTES wait or FLUSH_AFTER_S have passed.

These replace Voilà internals (`TornadoVoilaHandler.get`, `VoilaExporter.markdown2html`) written
for one Voilà series: on another (an upgrade outside constraints.txt), `install()` logs why and
leaves Voilà as it is — pages work, only slower — until someone checks them again.
"""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from types import CodeType
from typing import Any

from jinja2.bccache import Bucket, BytecodeCache

#: A page's parts are sent once this many characters wait, or this long after the last send.
FLUSH_BYTES, FLUSH_AFTER_S = 64 * 1024, 0.5
#: Markdown cells kept rendered (a lesson has about ten; the kit, a few hundred).
MARKDOWN_CACHE_SIZE = 2000
#: The Voilà series whose internals these patches were written and tested against.
TESTED_VOILA = (0, 5)
LOG = logging.getLogger(__name__)


def known_voila_series(version: str) -> bool:
    """True if `version` (Voilà's `__version__`) belongs to the series the patches know."""
    numbers = tuple(int(part) for part in version.split(".")[:2] if part.isdigit())
    return numbers == TESTED_VOILA


class SharedCodeCache(BytecodeCache):
    """Compiled Jinja templates kept in memory, for every environment with the same options."""

    def __init__(self) -> None:
        self.codes: dict[tuple, CodeType] = {}

    @staticmethod
    def _key(bucket: Bucket) -> tuple:
        env = bucket.environment
        options = (env.is_async, env.autoescape, env.optimized, tuple(sorted(env.extensions)))
        return (bucket.key, bucket.checksum, repr(options))

    def load_bytecode(self, bucket: Bucket) -> None:
        code = self.codes.get(self._key(bucket))
        if code is not None:
            bucket.code = code

    def dump_bytecode(self, bucket: Bucket) -> None:
        if bucket.code is not None:
            self.codes[self._key(bucket)] = bucket.code


class MarkdownCache:
    """The HTML of markdown cells by (source, attachments), least recently used dropped first."""

    def __init__(self, size: int = MARKDOWN_CACHE_SIZE) -> None:
        self.size = size
        self.html: OrderedDict[tuple[str, str], str] = OrderedDict()

    def get(self, source: str, attachments: Any, render: Any) -> str:
        if "![" in source or "<img" in source.lower():
            return render()  # an image is inlined from its file, which may change
        key = (source, json.dumps(attachments or {}, sort_keys=True))
        if key in self.html:
            self.html.move_to_end(key)
            return self.html[key]
        html = self.html[key] = render()
        if len(self.html) > self.size:
            self.html.popitem(last=False)
        return html


CODES = SharedCodeCache()
MARKDOWN = MarkdownCache()


def install() -> None:
    """Give nbconvert's template environments the shared code cache, and Voilà's exporter the
    markdown cache. Idempotent."""
    import voila
    from jinja2 import pass_context
    from nbconvert.exporters.templateexporter import TemplateExporter
    from voila.exporter import VoilaExporter

    if not known_voila_series(voila.__version__):
        LOG.warning(
            "Tremplin: Voilà %s is not the series %s its page caches were tested with; pages are "
            "served without them (see grading/kiosk_speed.py)",
            voila.__version__, ".".join(map(str, TESTED_VOILA)),
        )
        return
    if getattr(TemplateExporter._create_environment, "tremplin_cached", False):
        return
    create_environment = TemplateExporter._create_environment
    markdown2html = VoilaExporter.markdown2html

    def cached_environment(self: TemplateExporter) -> Any:
        environment = create_environment(self)
        environment.bytecode_cache = CODES
        return environment

    @pass_context
    def cached_markdown(self: VoilaExporter, context: Any, source: str) -> str:
        attachments = context["cell"].get("attachments", {})
        return MARKDOWN.get(source, attachments, lambda: markdown2html(self, context, source))

    cached_environment.tremplin_cached = True  # type: ignore[attr-defined]
    TemplateExporter._create_environment = cached_environment
    VoilaExporter.markdown2html = cached_markdown
    _send_pages_in_few_writes()


def _send_pages_in_few_writes() -> None:
    """Voilà's page handler, writing the page's parts together (see the module's docstring)."""
    import tornado.web
    from voila.tornado.handler import TornadoVoilaHandler

    @tornado.web.authenticated
    async def get(self: TornadoVoilaHandler, path: str | None = None) -> None:
        waiting: list[str] = []
        size, sent, last = 0, 0, time.monotonic()
        async for html in self.get_generator(path=path):
            waiting.append(html)
            size += len(html)
            if sent == 0 or size >= FLUSH_BYTES or time.monotonic() - last >= FLUSH_AFTER_S:
                self.write("".join(waiting))
                self.flush()
                waiting, size, sent, last = [], 0, sent + 1, time.monotonic()
        if waiting:
            self.write("".join(waiting))
            self.flush()

    TornadoVoilaHandler.get = get
