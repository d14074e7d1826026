"""`make bench`: Tremplin's figures beside the plain tools, measured in one run.

Each figure is a median of several runs; targets are ratios to the plain tool measured
in the same run (never absolute times in tests), so a slow machine moves both sides.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tremplin.grading.bench_certification import TARGETS as CERT_TARGETS
from tremplin.grading.bench_documents import TARGETS as DOCUMENT_TARGETS
from tremplin.grading.bench_load import TARGETS as LOAD_TARGETS
from tremplin.grading.bench_mail import TARGETS as MAIL_TARGETS

LESSON = "lecons/01-chercher-des-offres.ipynb"
EPREUVE = "chercher-offres"
#: (figure, how it compares, bound): what the issue asks of each measured figure.
TARGETS: tuple[tuple[str, str, float], ...] = (
    ("kiosk_first_widget_s", "≤ plain_voila_first_widget_s ×", 1.0),
    ("autograde_epreuve_s", "≤ autograde_trivial_s ×", 1.5),
    ("autograde_parallel_ratio", "≤ ×", 0.6),
    ("search_p95_ms_100k", "≤ ms", 30.0),
    ("search_p95_growth_10k_to_100k", "< ×", 3.0),
    ("suggest_p95_ms_100k", "≤ ms", 30.0),
    ("index_build_s_100k", "≤ s", 30.0),
    ("kiosk_kernel_rss_mb", "≤ MB", 150.0),
    ("route_p95_ms", "≤ ms", 50.0),
    *MAIL_TARGETS,
    *DOCUMENT_TARGETS,
    *CERT_TARGETS,
    *LOAD_TARGETS,
)
#: Bounds that must be strictly below (a growth of exactly 3× is not "under 3×").
STRICT = {"search_p95_growth_10k_to_100k"}


def _world(root: Path, offers: int, progress: Callable[[str], None]) -> tuple[Path, float]:
    """The world and its index; returns the seconds the index build took (0 if it existed)."""
    from tremplin.widgets.search import build_index
    from tremplin.widgets.world import build_world

    world_dir = root / "world"
    if not (world_dir / "world.json").exists():
        progress(f"bench: monde de {offers} offres / building a {offers}-offer world…")
        build_world(world_dir, seed=42, offers=offers)
    seconds = 0.0
    if not (world_dir / "search.sqlite").exists():
        start = time.perf_counter()
        build_index(world_dir)
        seconds = time.perf_counter() - start
    return world_dir, seconds


def verdicts(figures: dict[str, float]) -> dict[str, bool]:
    ratio_of = {
        "kiosk_first_widget_s": "plain_voila_first_widget_s",
        "autograde_epreuve_s": "autograde_trivial_s",
    }
    met = {}
    for name, _how, bound in TARGETS:
        if name not in figures:
            continue
        base = figures.get(ratio_of.get(name, ""), 1.0) if name in ratio_of else 1.0
        met[name] = figures[name] < base * bound if name in STRICT else figures[name] <= base * bound
    return met


def run_bench(data_root: Path, *, runs: int = 3, progress: Callable[[str], None] = print) -> dict[str, Any]:
    """Every figure of bench.json; `data_root` holds the kiosk's default world."""
    from playwright.sync_api import sync_playwright
    from tremplin.grading import (
        bench_autograde,
        bench_certification,
        bench_documents,
        bench_kiosk,
        bench_load,
        bench_mail,
        bench_routes,
        bench_search,
    )
    from tremplin.grading.browser import launch_chromium
    from tremplin.widgets.world import World

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="tremplin-bench-") as scratch:
        scratch_dir = Path(scratch)
        for offers, suffix in ((10_000, "10k"), (100_000, "100k")):
            world_dir, build_s = _world(scratch_dir / suffix, offers, progress)
            figures[f"index_build_s_{suffix}"] = round(build_s, 2)
            progress(f"bench: recherche sur {suffix} offres / search latency at {suffix}…")
            latency = bench_search.search_latencies(world_dir)
            figures[f"search_p50_ms_{suffix}"] = latency["p50"]
            figures[f"search_p95_ms_{suffix}"] = latency["p95"]
            typos = bench_search.suggestion_latencies(world_dir)
            figures[f"suggest_p95_ms_{suffix}"] = typos["p95"]
            figures[f"suggest_found_{suffix}"] = typos["suggested"]
        figures["search_p95_growth_10k_to_100k"] = round(
            figures["search_p95_ms_100k"] / max(figures["search_p95_ms_10k"], 0.01), 2
        )
        progress("bench: correction nbgrader / nbgrader autograde…")
        grading_root = scratch_dir / "grading"
        _world(grading_root, 2000, progress)
        world = World.open(grading_root / "world")
        progress("bench: itinéraires / route planning…")
        routes = bench_routes.route_latencies(world)
        figures["route_p50_ms"], figures["route_p95_ms"] = routes["p50"], routes["p95"]
        figures.update(bench_autograde.autograde_timings(grading_root, world, EPREUVE, runs=runs))
        progress("bench: 30 rendus, nbgrader seul puis Tremplin en parallèle / 30 hand-ins, "
                 "nbgrader then Tremplin's parallel autograde…")
        figures.update(bench_autograde.parallel_timings(grading_root / "many", world, EPREUVE))
        progress("bench: courrier / mail…")
        figures.update(bench_mail.mail_figures(scratch_dir / "mail"))
        progress("bench: documents (CV PDF/DOCX, aperçu) / documents (CV PDF/DOCX, preview)…")
        figures.update(bench_documents.document_figures(scratch_dir / "documents"))
        figures.update(bench_certification.certification_figures(scratch_dir / "certification"))
        progress("bench: kiosque dans chromium / kiosk in chromium…")
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            plain_dir = scratch_dir / "plain"
            plain_dir.mkdir()
            figures["plain_voila_first_widget_s"] = round(
                bench_kiosk.plain_voila(browser, plain_dir, runs), 3
            )
            figures.update(bench_kiosk.kiosk(browser, Path(data_root).resolve(), LESSON, runs))
            browser.close()
        progress("bench: 1, 5, 10 puis 20 apprenants à la fois / 1, 5, 10, 20 learners at once on a kiosk…")
        figures.update(bench_load.load_figures(Path(data_root).resolve() / "world", progress=progress))
    return {"figures": figures, "targets_met": verdicts(figures)}


def table(result: dict[str, Any]) -> str:
    lines = [f"{'mesure / figure':<32} {'valeur':>10}  cible / target"]
    targets = {name: f"{how} {bound:g}" for name, how, bound in TARGETS}
    for name, value in result["figures"].items():
        met = result["targets_met"].get(name)
        mark = "" if met is None else ("  ✔" if met else "  ✘")
        lines.append(f"{name:<32} {value:>10}  {targets.get(name, '')}{mark}")
    return "\n".join(lines)


def write(result: dict[str, Any], out: Path) -> None:
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
