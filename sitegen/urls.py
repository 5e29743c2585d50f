"""Where every file of the site goes, and how one page links to another: the site's addresses
are defined here and nowhere else (the templates ask for them by these names)."""
from __future__ import annotations

HOME, ROOT_PAGES = "index.html", ("index.html", "404.html")  # the language chooser, the missing page
SITEMAP, ROBOTS = "sitemap.xml", "robots.txt"
DOWNLOADS = "downloads"  # the PDF handouts
SEARCH_BUNDLES = "pagefind"  # Pagefind's bundles, one folder each
CASES = "cases"  # each language's case pages: LANG/cases/SLUG.html


def relative_url(from_path: str, to_path: str) -> str:
    """Return the link from one output file to another, relative so the site works anywhere."""
    # posixpath.relpath would do, but it asks the OS for the working folder on every call.
    here, there = from_path.split("/")[:-1], to_path.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + there[common:])


def home_path(lang: str) -> str:
    return f"{lang}/index.html"


def case_path(lang: str, slug: str) -> str:
    return f"{lang}/{CASES}/{slug}.html"


def parallel_path(lang: str, slug: str) -> str:
    """Return the side-by-side page of a case: the source beside its `lang` translation."""
    return f"{lang}/parallel/{slug}.html"


def term_path(lang: str, kind: str, slug: str | None = None, number: int = 1) -> str:
    """Return the page of an area or theme (page `number` of its list), or of them all (no slug)."""
    return f"{lang}/{kind}/{slug}/{number}.html" if slug and number > 1 else f"{lang}/{kind}/{slug or 'index'}.html"


def page_path(lang: str, name: str) -> str:
    """Return a language's page of its own: glossary, figures, search."""
    return f"{lang}/{name}.html"


def feed_path(lang: str) -> str:
    return f"{lang}/feed.xml"


def booklet_path(lang: str | None, volume: str = "") -> str:
    """Return where the printable booklet of a language (None: the bilingual one) goes, or one of
    its volumes; a booklet in volumes has the list of them at the booklet's own place."""
    folder = f"{lang}/" if lang else ""
    return f"{folder}booklet/{volume}.html" if volume else f"{folder}booklet.html"


def edition_name(lang: str | None, volume: str = "") -> str:
    """Return the name of a PDF edition: the language or 'bilingual', and the volume's slug."""
    return (lang or "bilingual") + (f"-{volume}" if volume else "")


def pdf_path(edition: str, paper: str) -> str:
    """Return where an edition's PDF goes: A4 as booklet-EDITION.pdf, other papers named."""
    return f"{DOWNLOADS}/booklet-{edition}{'' if paper == 'a4' else '-' + paper}.pdf"


def bundle_path(lang: str, number: int) -> str:
    """Return the folder of a language's search bundle: the first (0), then LANG.2, LANG.3…"""
    return f"{SEARCH_BUNDLES}/{lang}/" if number == 0 else f"{SEARCH_BUNDLES}/{lang}.{number + 1}/"


def booklet_anchor(slug: str, lang: str) -> str:
    """Return the id of a case's section in the booklet page."""
    return f"{slug}-{lang}"
