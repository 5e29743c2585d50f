"""The booklet as PDF handouts, one per language and one bilingual, with WeasyPrint."""
from __future__ import annotations

import logging
import subprocess
from pathlib import Path

from .errors import BuildFailed, Problem
from .model import Site
from .render import booklet_path

log = logging.getLogger(__name__)

# Chinese fonts by preference; the first installed one is embedded in the PDFs.
CJK_FONTS = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "PingFang SC", "Hiragino Sans GB",
             "Microsoft YaHei", "WenQuanYi Micro Hei", "Noto Serif CJK SC", "Source Han Serif SC")
NO_FONT = ("no Chinese font is installed, so the PDF would show empty boxes",
           "install one: on Debian or Ubuntu 'sudo apt-get install fonts-noto-cjk', on Fedora "
           "'sudo dnf install google-noto-sans-cjk-fonts'; macOS (PingFang SC) and Windows "
           "(Microsoft YaHei) have one already")
# Given as user stylesheets, which lose to the page's own unless marked important.
PAPER = {
    "a4": "@page { size: A4 !important; margin: 22mm 20mm 24mm !important; }",
    "a5": "@page { size: A5 !important; margin: 16mm 14mm 18mm !important; } "
          "body { font-size: 9.5pt !important; } .qr { width: 24mm !important; } "
          ".qr-code { width: 21mm !important; height: 21mm !important; } .cover { min-height: 160mm !important; }",
}
# Latin fonts for English: a Chinese font's quotation marks and separators are full-width.
LATIN_FONTS = ("Noto Sans", "Source Sans 3", "Liberation Sans", "DejaVu Sans", "Arial", "Helvetica")


def read_font_families(language: str = "zh") -> set[str]:
    """Return the font families fontconfig knows for `language` (empty if fontconfig is absent)."""
    try:
        listing = subprocess.run(["fc-list", f":lang={language}", "family"], capture_output=True, text=True,
                                 timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return set()
    return {name.strip() for line in listing.splitlines() for name in line.split(",") if name.strip()}


def pick_cjk_font(families: set[str]) -> str | None:
    """Return the preferred simplified-Chinese font among `families`, or any Chinese one, or None."""
    for name in CJK_FONTS:
        if name in families:
            return name
    chinese = sorted(f for f in families if "SC" in f.split() or "CJK" in f)
    return chinese[0] if chinese else None


def font_css(chinese: str, latin: str | None, latin_first: bool) -> str:
    """Return CSS that sets the fonts everywhere, the page-margin boxes included.

    Chinese text takes the Chinese font (full-width punctuation); English text takes the
    Latin font first, falling back to the Chinese one for any hanzi it quotes.
    """
    chinese_stack = f'"{chinese}", sans-serif'
    latin_stack = f'"{latin}", "{chinese}", sans-serif' if latin else chinese_stack
    margin = latin_stack if latin_first else chinese_stack
    boxes = " ".join(f"@{box} {{ font-family: {margin}; }}" for box in ("top-left", "top-right", "bottom-center"))
    return (f"@page {{ {boxes} }} html, body, body * {{ font-family: {chinese_stack} !important; }} "
            f":lang(en), :lang(en) * {{ font-family: {latin_stack} !important; }} "
            f":lang(zh), :lang(zh) * {{ font-family: {chinese_stack} !important; }}")


def editions(site: Site) -> dict[str, str]:
    """Return each PDF edition's booklet page: one per language and the bilingual one."""
    found = {lang: booklet_path(lang) for lang in site.config.codes}
    found["bilingual"] = booklet_path(None)
    return found


def pdf_path(edition: str, paper: str) -> str:
    return f"downloads/booklet-{edition}{'' if paper == 'a4' else '-' + paper}.pdf"


def render_pdfs(site: Site, staged: Path, paper: str = "a4") -> dict[str, tuple[str, bytes]]:
    """Return every edition as (site path, PDF bytes), rendered from the booklet pages in `staged`."""
    family = pick_cjk_font(read_font_families())
    if family is None:
        raise BuildFailed([Problem("pdf", 1, "font", *NO_FONT)])
    latin = next((f for f in LATIN_FONTS if f in read_font_families("en")), None)
    from weasyprint import CSS, HTML  # imported here: only the pdf command needs it
    for name in ("weasyprint", "weasyprint.progress"):
        logging.getLogger(name).setLevel(logging.ERROR)
    result = {}
    for edition, page in editions(site).items():
        fonts = font_css(family, latin, latin_first=edition not in ("bilingual", site.config.source_language))
        document = HTML(filename=str(staged / page))
        result[edition] = (pdf_path(edition, paper),
                           document.write_pdf(stylesheets=[CSS(string=PAPER[paper]), CSS(string=fonts)]))
        log.info("%s: %d KB", pdf_path(edition, paper), len(result[edition][1]) // 1024)
    return result
