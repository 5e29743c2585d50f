"""Pieces of the printable booklet: QR codes to the online pages, and Chinese lines kept together."""
from __future__ import annotations

import re
from typing import Iterable

import zxingcpp
from markupsafe import Markup, escape

from .cache import Cache, compute_all, key as cache_key

# The last few characters of a Chinese paragraph, so that no line ends up holding one alone.
_TAIL = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f“”‘’…—%0-9A-Za-z]{2,4}\Z")


_QR_CODES: dict[tuple[str, str], Markup] = {}  # this process's codes, by address and label


def qr_svg(url: str, label: str) -> Markup:
    """Return an inline SVG QR code for `url`, scalable by CSS, with `label` as its text alternative."""
    found = _QR_CODES.get((url, label))
    if found is None:
        found = _QR_CODES[(url, label)] = Markup(_draw_qr(url, label))
    return found


def prerender_qr(codes: Iterable[tuple[str, str]], cache: Cache, workers: int) -> None:
    """Draw every QR code a build needs at once, across processes and from the build cache."""
    jobs = {cache_key("qr", url, label): (url, label) for url, label in codes if (url, label) not in _QR_CODES}
    drawn = compute_all(jobs, _draw_qr, cache, "qr", workers)
    _QR_CODES.update((args, Markup(drawn[k])) for k, args in jobs.items())


_DARK = re.compile(b"\x00+")  # a run of dark modules in a row of the code's image
QR_BORDER = 2  # light modules around the code (scanners want some; the page's margin adds more)


def _draw_qr(url: str, label: str) -> str:
    """Return the SVG of a QR code: one stroke per run of dark modules in each row. zxing-cpp
    (C++) makes the code, best mask chosen, in a third of the time segno (pure Python) took
    with a fixed one. The SVG is written here: zxing-cpp's own is larger and slower to make."""
    image = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M").to_image(
        scale=1, add_quiet_zones=False)
    height, width = image.shape
    modules = bytes(memoryview(image))  # one byte per module: 0 dark, 255 light
    strokes = "".join(f"M{run.start() - y * width + QR_BORDER} {y + QR_BORDER}.5h{run.end() - run.start()}"
                      for y in range(height) for run in _DARK.finditer(modules, y * width, (y + 1) * width))
    size = width + 2 * QR_BORDER
    return (f'<svg role="img" viewBox="0 0 {size} {size}" class="qr-code"><title>{escape(label)}</title>'
            f'<path stroke="#000" d="{strokes}"/></svg>')


def keep_tails(html: str) -> str:
    """Return HTML whose paragraphs end with their last characters bound together (no one-character
    widow): the last two to four before each </p>. (Looked for at each </p>, not by one pattern
    over the whole page: that tried every character of it.)"""
    parts = html.split("</p>")
    for index, part in enumerate(parts[:-1]):
        tail = _TAIL.search(part[-4:])
        if tail:
            parts[index] = f'{part[:len(part) - len(tail.group())]}<span class="keep">{tail.group()}</span>'
    return "</p>".join(parts)


# An id attribute (not data-id…). The test that no letter comes before it is made after `id="`:
# made first (\bid=), it kept re from skipping to each `id="`, and took ten times as long.
_ID = re.compile(r'id="(?<!\wid=")([^"]+)"')
_IN_PAGE_LINK = re.compile(r'href="#([^"]+)"')


def prefix_ids(html: str, prefix: str) -> str:
    """Return HTML with every id and in-page link prefixed, so that many bodies can share one page."""
    html = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', html)
    return _IN_PAGE_LINK.sub(lambda m: f'href="#{prefix}{m.group(1)}"', html)


def format_size(size: int) -> str:
    """Return a file size for a download link: 1.2 MB, 850 KB."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def shift_headings(html: str) -> str:
    """Return HTML with every heading one level lower: in the booklet a case title is the h2."""
    return re.sub(r"<(/?)h([1-5])\b", lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}", html)
