"""The benchmark harness's own logic: figures compared with the plain tool of the same run."""

from __future__ import annotations

from pathlib import Path

from tremplin.grading.bench import table, verdicts
from tremplin.grading.bench_search import percentile, search_latencies


def test_targets_are_ratios_to_the_plain_tools_of_the_same_run() -> None:
    figures = {
        "kiosk_first_widget_s": 2.0,
        "plain_voila_first_widget_s": 2.5,
        "autograde_epreuve_s": 1.6,
        "autograde_trivial_s": 1.0,
        "search_p95_ms_100k": 51.0,
        "kiosk_kernel_rss_mb": 90.0,
    }
    assert verdicts(figures) == {
        "kiosk_first_widget_s": True,
        "autograde_epreuve_s": False,
        "search_p95_ms_100k": False,
        "kiosk_kernel_rss_mb": True,
    }
    printed = table({"figures": figures, "targets_met": verdicts(figures)})
    assert "autograde_epreuve_s" in printed and "✘" in printed and "✔" in printed


def test_percentile_picks_the_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) in (50.0, 51.0)
    assert percentile(values, 0.95) == 95.0


def test_search_latencies_run_the_workload_on_a_real_index(data_root: Path) -> None:
    figures = search_latencies(data_root / "world", rounds=1)
    assert set(figures) == {"p50", "p95"}
    assert 0 < figures["p50"] <= figures["p95"]


def test_growth_bound_is_strict() -> None:
    assert verdicts({"search_p95_growth_10k_to_100k": 3.0}) == {"search_p95_growth_10k_to_100k": False}
    assert verdicts({"search_p95_growth_10k_to_100k": 2.9}) == {"search_p95_growth_10k_to_100k": True}


def test_typo_workload_gets_suggestions_on_a_real_index(data_root: Path) -> None:
    from tremplin.grading.bench_search import TYPOS, suggestion_latencies

    figures = suggestion_latencies(data_root / "world", rounds=1)
    assert figures["suggested"] >= len(TYPOS) // 2
    assert 0 < figures["p50"] <= figures["p95"]


def test_a_word_known_only_inside_a_hyphenated_title_is_suggested(data_root: Path, world) -> None:
    """"aide soignnant" must suggest "soignant", which the titles only hold as "aide-soignant"."""
    import re

    from tremplin.widgets.search import SearchEngine

    parts = sorted({
        part
        for offer in world.offers()
        for token in str(offer["title"]).lower().split()
        if "-" in token
        for part in token.split("-")
        if re.fullmatch(r"[a-z]{6,}", part)
    })
    assert parts, "the test world should have a hyphenated title word"
    engine = SearchEngine.open(data_root / "world")
    try:
        word = parts[0]
        typo = word[:3] + word[3] + word[3:]  # a doubled letter, as typed in a hurry
        results = engine.search(typo)
        assert results.total == 0 and word in [s.lower() for s in results.suggestions]
    finally:
        engine.close()
