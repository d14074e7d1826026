"""The documents benchmark measures real exports of a real two-page CV beside fair plain tools."""

from __future__ import annotations

from pathlib import Path

from tremplin.grading import bench_documents as bench
from tremplin.grading.bench_documents import PAIRS, TARGETS, document_figures


def test_the_figures_come_from_real_files_and_pair_with_the_plain_tools(tmp_path: Path) -> None:
    figures = document_figures(tmp_path, runs=2, warmup=1)
    assert {name for name, _how, _bound in TARGETS} <= set(figures)
    for name, plain in PAIRS:
        tremplin, base = figures[f"doc_{name}_p95_ms"], figures[f"doc_{plain}_p95_ms"]
        assert tremplin > 0 and base > 0
        assert abs(figures[f"doc_{name}_ratio"] - tremplin / base) <= 0.05 * tremplin / base + 0.05
    assert figures["doc_cv_pages"] == 2
    documents = tmp_path / "learner" / "documents"
    assert sorted(p.name for p in documents.iterdir()) == [
        "bench_classique.docx", "bench_classique.pdf", "bench_moderne.docx", "bench_moderne.pdf"]


def test_the_plain_tools_are_given_the_same_words_as_the_export() -> None:
    from tremplin.widgets.documents.layout import cv_blocks
    from tremplin.widgets.documents.read_back import docx_text, normalise, pdf_pages, pdf_text
    from tremplin.widgets.documents.render_docx import render_docx

    blocks = cv_blocks(bench.two_page_cv())
    lines = bench.block_lines(blocks)
    exported = normalise(docx_text(render_docx(blocks)))
    for line in lines:
        assert normalise(line) in exported
    assert normalise(pdf_text(bench.plain_pdf(lines))) == normalise("".join(lines))
    assert normalise(docx_text(bench.plain_docx(lines))) == normalise("".join(lines))
    assert len(pdf_pages(bench.plain_pdf(lines))) >= 2  # the baseline draws the same amount of text
