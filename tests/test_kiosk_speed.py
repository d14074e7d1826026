"""The kiosk's per-process caches (grading/kiosk_speed.py) give what a fresh render gives.

A cache that served a stale template or another cell's HTML would show a learner the wrong
page; these tests change what each cache depends on and expect a new result. The pages the
kiosk serves with the caches installed are exercised by every kiosk browser test.
"""

from __future__ import annotations

import subprocess
import sys

from jinja2 import DictLoader, Environment
from tremplin.grading.kiosk_speed import MarkdownCache, SharedCodeCache, install, known_voila_series


def test_a_markdown_cell_is_rendered_once_then_again_when_it_changes() -> None:
    cache, renders = MarkdownCache(size=2), []

    def render(text: str):
        return lambda: renders.append(text) or f"<p>{text}</p>"

    assert cache.get("Bonjour", {}, render("Bonjour")) == "<p>Bonjour</p>"
    assert cache.get("Bonjour", {}, render("Bonjour")) == "<p>Bonjour</p>"
    assert cache.get("Bonjour", {"a.png": {"image/png": "AA"}}, render("Bonjour+a")) == "<p>Bonjour+a</p>"
    assert cache.get("Au revoir", {}, render("Au revoir")) == "<p>Au revoir</p>"
    assert renders == ["Bonjour", "Bonjour+a", "Au revoir"]
    assert len(cache.html) == 2  # the least recently used went first
    cache.get("Bonjour", {}, render("Bonjour"))
    assert renders[-1] == "Bonjour"


def test_a_cell_with_an_image_is_always_rendered_again() -> None:
    cache, renders = MarkdownCache(), []
    for _ in range(2):
        cache.get("![carte](carte.png)", {}, lambda: renders.append(1) or "<img>")
    assert len(renders) == 2 and not cache.html


def test_compiled_templates_are_shared_and_a_changed_template_is_compiled_again() -> None:
    codes = SharedCodeCache()

    def environment(source: str) -> Environment:
        return Environment(loader=DictLoader({"page.html": source}), bytecode_cache=codes)

    assert environment("Bonjour {{ nom }}").get_template("page.html").render(nom="Inès") == "Bonjour Inès"
    assert len(codes.codes) == 1
    # a new environment (a new page view) finds the compiled template instead of compiling it
    assert environment("Bonjour {{ nom }}").get_template("page.html").render(nom="Zoé") == "Bonjour Zoé"
    assert len(codes.codes) == 1
    assert environment("Hello {{ nom }}").get_template("page.html").render(nom="Zoé") == "Hello Zoé"
    assert len(codes.codes) == 2


def test_install_patches_once() -> None:
    """In a process of its own: the patches are for Voilà's process, not for this test session."""
    check = """
from nbconvert.exporters.templateexporter import TemplateExporter
from voila.exporter import VoilaExporter
from voila.tornado.handler import TornadoVoilaHandler
from tremplin.grading.kiosk_speed import install

install()
patched = (TemplateExporter._create_environment, VoilaExporter.markdown2html, TornadoVoilaHandler.get)
install()
assert (TemplateExporter._create_environment, VoilaExporter.markdown2html, TornadoVoilaHandler.get) == patched
assert TemplateExporter._create_environment.tremplin_cached
"""
    subprocess.run([sys.executable, "-c", check], check=True, timeout=120)


def test_an_untested_voila_series_is_left_as_it_is(monkeypatch, caplog) -> None:
    import voila
    from nbconvert.exporters.templateexporter import TemplateExporter

    assert known_voila_series(voila.__version__)  # the version constraints.txt installs
    assert known_voila_series("0.5.8") and not known_voila_series("0.6.0") and not known_voila_series("1.0")
    untouched = TemplateExporter._create_environment
    monkeypatch.setattr(voila, "__version__", "0.6.0")
    install()
    assert TemplateExporter._create_environment is untouched
    assert "0.6.0" in caplog.text and "without them" in caplog.text
