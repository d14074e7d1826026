"""Blocks to an HTML fragment: the live preview beside the editors, redrawn on each keystroke.

Inline styles only (the fragment goes into an ipywidgets HTML widget, no stylesheet to
load), every text escaped, so what the learner typed is shown, never run. A plain string
join: a two-page CV takes about a millisecond.
"""

from __future__ import annotations

import base64
from html import escape

from tremplin.widgets.documents.layout import Block

_LOOKS = {
    "classique": {"font": "'Times New Roman', Times, serif", "accent": "#1F3A5F", "band": ""},
    "moderne": {"font": "Arial, Helvetica, sans-serif", "accent": "#0E7C7B",
                "band": "border-left:14mm solid #0E7C7B;"},
}


def _text(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def _styles(look: dict[str, str]) -> dict[str, str]:
    accent = look["accent"]
    return {
        "name": f"font-size:22pt;font-weight:bold;color:{accent};margin:0 0 2pt",
        "headline": "font-size:13pt;font-weight:bold;margin:0 0 4pt",
        "contact": "font-size:10pt;color:#333;margin:0 0 2pt",
        "heading": f"font-size:13pt;font-weight:bold;color:{accent};margin:12pt 0 4pt;"
                   f"border-bottom:1.5px solid {accent}",
        "entry": "font-weight:bold;margin:6pt 0 1pt;display:flex;justify-content:space-between;gap:8pt",
        "bullet": "margin:0 0 1pt 14pt;list-style:disc;display:list-item",
        "paragraph": "margin:0 0 8pt",
        "address": "margin:0 0 10pt",
        "to": "margin:0 0 14pt 45%",
        "date": "text-align:right;margin:0 0 12pt",
        "subject": "font-weight:bold;margin:0 0 12pt",
        "signature": "margin:18pt 0 0 45%",
    }


def _block(block: Block, styles: dict[str, str]) -> str:
    if block.kind == "entry":
        detail = _text(block.detail)
        detail = f'<span style="font-weight:normal;color:#555">{detail}</span>' if detail else ""
        return f'<div style="{styles["entry"]}"><span>{_text(block.text)}</span>{detail}</div>'
    key = "to" if block.kind == "address" and block.detail == "to" else block.kind
    style = styles.get(key, styles["paragraph"])
    return f'<div style="{style}">{_text(block.text)}</div>'


def render_html(blocks: list[Block], template: str = "classique", photo: bytes | None = None) -> str:
    """The preview of `blocks` as an escaped HTML fragment, an A4-like white page, with `photo`
    (prepared JPEG bytes, see `layout.prepare_photo`) at the top right."""
    look = _LOOKS.get(template, _LOOKS["classique"])
    styles = _styles(look)
    body = "".join(_block(block, styles) for block in blocks)
    if photo:
        source = "data:image/jpeg;base64," + base64.b64encode(photo).decode("ascii")
        body = f'<img src="{source}" alt="" style="float:right;width:32mm;margin:0 0 4mm 4mm">{body}'

    page = (f"background:#fff;color:#111;font-family:{look['font']};font-size:10.5pt;line-height:1.35;"
            f"max-width:210mm;min-height:120mm;padding:14mm 16mm;box-sizing:border-box;"
            f"box-shadow:0 1px 4px rgba(0,0,0,.25);{look['band']}")
    return f'<div class="tremplin-doc-preview" style="{page}">{body}</div>'
