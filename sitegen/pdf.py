"""The booklet as PDF handouts, one per language and one bilingual, with WeasyPrint."""
from __future__ import annotations

import logging
import subprocess
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.request import url2pathname

from .errors import BuildFailed, Problem
from .markup import find_line
from .model import Site, render_body
from .render import booklet_editions
from .urls import pdf_path
from .cache import on_cores

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

    Chinese text takes the Chinese font (full-width punctuation); every other language takes the
    Latin font first, falling back to the Chinese one for any hanzi it quotes. Pages named
    `latin` (booklet.css names a translation's pages so) set their running heads in it too.
    """
    chinese_stack = f'"{chinese}", sans-serif'
    latin_stack = f'"{latin}", "{chinese}", sans-serif' if latin else chinese_stack

    def margins(stack: str) -> str:
        return " ".join(f"@{box} {{ font-family: {stack}; }}" for box in ("top-left", "top-right", "bottom-center"))

    # :lang() matches an element by the language it inherits, so the innermost lang attribute
    # decides (with `:lang(zh) *`, English inside a Chinese page took the Chinese font).
    return (f"@page {{ {margins(latin_stack if latin_first else chinese_stack)} }} "
            f"@page latin {{ {margins(latin_stack)} }} "
            f"html, body, body * {{ font-family: {chinese_stack} !important; }} "
            f"body *:not(:lang(zh)) {{ font-family: {latin_stack} !important; }} "
            f"body *:lang(zh) {{ font-family: {chinese_stack} !important; }}")


def is_inside(url: str, root: Path) -> bool:
    """Return True for a file: URL naming a file inside `root` (links followed), or a data: URL."""
    parts = urlsplit(url)
    if parts.scheme == "data":
        return True
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    try:
        path = Path(url2pathname(parts.path)).resolve()
    except (OSError, RuntimeError, ValueError):
        return False
    return path.is_relative_to(root.resolve()) and path.is_file()


def make_fetcher(root: Path):
    """Return a WeasyPrint URL fetcher that serves the built site's own files and refuses every
    other file and every other server, keeping what it refused in `.refused`."""
    from weasyprint.urls import URLFetcher

    class SiteFetcher(URLFetcher):
        def __init__(self):
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            if not is_inside(url, root):
                self.refused.append(url)
                raise ValueError(f"not a file of the site: {url}")
            return super().fetch(url, headers)

    return SiteFetcher()


def refused_problems(site: Site, refused: list[str], root: Path, page: str) -> list[Problem]:
    """Return a problem for each address the PDF refused to fetch, on the body line that has it
    (a link or image, or the address written out in raw HTML); an address no body shows (in an
    SVG image, say) is reported as the PDF's own."""
    page_url = (root / page).resolve().as_uri()

    def same(address: str, url: str) -> bool:
        return urljoin(page_url, address).split("#")[0] == url.split("#")[0]

    problems = []
    for url in sorted(set(refused)):
        found = []
        for versions in [c.versions for c in site.cases] + [site.foreword]:
            for lang, version in versions.items():
                written = [link.address for link in render_body(versions, lang, site.config, html=False).links
                           if same(link.address, url)]
                written += [url] if not written and url in version.body else []
                for address in written[:1]:
                    line = find_line(version.body.split("\n"), address, version.body_line)
                    found.append(Problem(version.path, line, "pdf", f"'{address}' is not a file of the "
                                         "booklet, so it was left out of the PDF",
                                         "link only to the booklet's pages and images/"))
        found += [Problem(name, _line_in_file(path, url), "pdf", f"asks for '{url}', which is not a file of "
                          "the booklet, so it was left out of the PDF", "draw the image without outside files")
                  for name, path in site.images.items() if name.endswith(".svg") and _line_in_file(path, url)]
        problems += found or [Problem("pdf", 1, "pdf", f"'{url}' was asked for while printing, but it is not "
                                      "a file of the booklet, so it was left out of the PDF",
                                      "look for this address in the raw HTML of the cases and in the SVG "
                                      "files of images/")]
    return problems


def _line_in_file(path: Path, text: str) -> int:
    """Return the line of a text file on which `text` first appears, or 0."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    except OSError:
        return 0
    return next((number for number, line in enumerate(lines, 1) if text in line), 0)


class _ImageFailures(logging.Handler):
    """Collect the images WeasyPrint could not draw (it logs them and goes on without them)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.failed: dict[str, str] = {}

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg.startswith("Failed to load image") and len(record.args or ()) == 2:
            url, error = record.args
            self.failed[str(url)] = str(error) or type(error).__name__


def image_problems(failed: dict[str, str], refused: list[str], root: Path) -> list[Problem]:
    """Return a problem for each image of the site that could not be drawn in the PDF."""
    problems = []
    for url, reason in sorted(failed.items()):
        if url in refused or not url.startswith("file:"):
            continue
        try:
            relative = Path(url2pathname(urlsplit(url).path)).resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            relative = url
        problems.append(Problem(relative, 1, "pdf", f"could not be drawn in the PDF ({reason})",
                                "open it in an image editor and save it again as PNG, JPEG or SVG"))
    return problems


def _print(page: str, staged: Path, styles: tuple[str, ...]) -> tuple[bytes, list[str], dict[str, str]]:
    """Return one booklet page of `staged` printed to PDF with the `styles` (CSS texts), the
    addresses it refused to fetch and the images that could not be drawn. Run in a worker."""
    from weasyprint import CSS, HTML
    failures = _ImageFailures()
    weasyprint_log = logging.getLogger("weasyprint")
    weasyprint_log.addHandler(failures)
    try:
        fetcher = make_fetcher(staged)
        data = HTML(filename=str(staged / page), url_fetcher=fetcher).write_pdf(
            stylesheets=[CSS(string=style, url_fetcher=fetcher) for style in styles])
    finally:
        weasyprint_log.removeHandler(failures)
    return data, fetcher.refused, failures.failed


def render_pdfs(site: Site, staged: Path, paper: str = "a4",
                workers: int = 1) -> tuple[dict[str, tuple[str, bytes]], list[Problem]]:
    """Return every edition as (site path, PDF bytes), rendered from the booklet pages in `staged`
    on `workers` processes, and a problem (on the content's file and line) for each address it
    refused to fetch or image it could not draw."""
    family = pick_cjk_font(read_font_families())
    if family is None:
        raise BuildFailed([Problem("pdf", 1, "font", *NO_FONT)])
    latin = next((f for f in LATIN_FONTS if f in read_font_families("en")), None)
    # Quiet before the import: WeasyPrint logs its steps while it loads its own stylesheets.
    for name in ("weasyprint", "weasyprint.progress"):
        logging.getLogger(name).setLevel(logging.ERROR)
    import weasyprint  # noqa: F401 (imported once here, before the workers start: only pdf needs it)
    weasyprint_log = logging.getLogger("weasyprint")
    weasyprint_log.propagate = False  # what it says about our files, we say better below
    editions = booklet_editions(site)
    source = site.config.source_language
    jobs = [(page, staged, (PAPER[paper], font_css(family, latin, latin_first=lang not in (None, source))))
            for page, lang in editions.values()]
    try:
        printed = on_cores(_print, jobs, workers if len(jobs) > 1 else 1, chunked=True)
    except RecursionError:
        raise BuildFailed([Problem("pdf", 1, "pdf", "the booklet nests lists, quotations or HTML too deeply "
                                   "to be laid out on paper", "keep lists and quotations a few levels deep")])
    finally:
        weasyprint_log.propagate = True
    result, problems = {}, []
    for (edition, (page, _)), (data, refused, failed) in zip(editions.items(), printed):
        result[edition] = (pdf_path(edition, paper), data)
        problems += refused_problems(site, refused, staged, page) + image_problems(failed, refused, staged)
        log.info("%s: %d KB", pdf_path(edition, paper), len(data) // 1024)
    return result, sorted(set(problems))
