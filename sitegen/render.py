"""The Site → every output file as (path, text), rendered with Jinja; nothing is written here."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
import datetime
import functools
import hashlib
import heapq
import re
import sys
from pathlib import Path
from typing import Callable

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from markupsafe import Markup, escape

from .booklet import format_size, keep_tails, prefix_ids, qr_svg, shift_headings
from .figures import format_figure
from .interface import month_names
from .reading import explain_terms, split_blocks
from .search import bundle_paths, is_spelled
from .cache import Recall, key, on_cores_sharing
from .content import Version
from .model import Case, Site, render_body
from .urls import (HOME, ROBOTS, ROOT_PAGES, SITEMAP, booklet_anchor, booklet_path, bundle_path, case_path,
                   edition_name, feed_path, home_path, page_path, parallel_path, relative_url, term_path)

ROOT_LANG = ""  # pages outside any language folder: the chooser, 404


@dataclass(frozen=True)
class Output:
    """A file of the built site: where it goes and what it holds."""

    path: str  # relative to the output folder, '/'-separated
    text: str | None  # None: already in the staging folder (written where it was rendered, or kept)


@dataclass(frozen=True)
class Page:
    """One HTML page to render: its place, language, template and what the template needs."""

    path: str
    lang: str
    key: tuple[str, str]  # the same page in every language: (kind, slug)
    template: str
    title: str
    description: str
    context: dict = field(default_factory=dict, compare=False, hash=False)


def plan_pages(site: Site) -> list[Page]:
    """Return every HTML page of every language, with what its template needs."""
    config, pages = site.config, []
    for lang in config.codes:
        ui, cases = config.ui[lang], site.cases_in(lang)
        foreword = site.foreword.get(lang)
        size = config.list_page_size  # a long list is shown in part (home) or in pages (areas, themes)
        pages.append(Page(home_path(lang), lang, ("home", ""), "home.html",
                          config.title[lang], config.subtitle[lang],
                          {"cases": cases[:size], "total": len(cases), "foreword": foreword}))
        for index, case in enumerate(cases):
            previous = cases[index - 1] if index > 0 else None
            following = cases[index + 1] if index + 1 < len(cases) else None
            pages += _CASE_PAGES((lang, case.slug), (config, case, previous, following),
                                 lambda: _case_pages(config, lang, case, previous, following))
        for kind in ("areas", "themes"):
            grouped = site.cases_by(kind, lang)
            terms = getattr(config, kind)
            pages.append(Page(term_path(lang, kind), lang, (kind, ""), "terms.html",
                              ui[kind], ui[f"{kind}_intro"],
                              {"kind": kind, "terms": terms,
                               "counts": {slug: len(mine) for slug, mine in grouped.items()}}))
            for term in terms:
                mine = grouped[term.slug]
                pages += _term_pages(config, lang, kind, term, mine)
        if config.glossary:
            pages.append(Page(page_path(lang, "glossary"), lang, ("glossary", ""), "glossary.html",
                              ui["glossary"], ui["glossary_intro"], {}))
        if any(case.figures for case in cases):
            pages.append(Page(page_path(lang, "figures"), lang, ("figures", ""), "figures.html",
                              ui["figures_title"], ui["figures_intro"],
                              {"groups": compare_figures(cases, ui, size)}))
        pages.append(Page(page_path(lang, "search"), lang, ("search", ""), "search.html",
                          ui["search"], ui["search_intro"],
                          {"bundles": bundle_paths(lang, [c.slug for c in cases]) or [bundle_path(lang, 0)]}))
    for lang in (*config.codes, None):
        pages += _booklet_pages(site, lang)
    return pages


def _term_pages(config, lang: str, kind: str, term, mine: list[Case]) -> list[Page]:
    """Return the pages listing the cases of an area or theme, in parts of list_page_size."""
    ui, size = config.ui[lang], config.list_page_size
    parts = [mine[i:i + size] for i in range(0, len(mine), size)] or [[]]

    def page(number: int, part: list[Case]) -> Page:
        heading = ui["area_cases" if kind == "areas" else "theme_cases"].format(name=term.name[lang])
        title = heading if number == 1 else heading + ui["title_separator"] + ui["list_page"].format(
            n=number, total=len(parts))
        return Page(term_path(lang, kind, term.slug, number), lang,
                    (kind, term.slug if number == 1 else f"{term.slug}/{number}"), "term.html", title,
                    term.description[lang], {"kind": kind, "term": term, "cases": part, "total": len(mine),
                                             "number": number, "numbered": [term_path(lang, kind, term.slug, n)
                                                                            for n in range(1, len(parts) + 1)]})

    # Each part the very same page while its cases, and how many there are in all, are the same.
    return [_TERM_PAGES((lang, kind, term.slug, number, len(mine)), (config, term, *part),
                        lambda: page(number, part)) for number, part in enumerate(parts, 1)]


_TERM_PAGES = Recall()  # the preview's


_CASE_PAGES = Recall()  # the preview's: a case's pages are the very same while it and its neighbours are


def _case_pages(config, lang: str, case: Case, previous: Case | None, following: Case | None) -> list[Page]:
    """Return a case's page in a language, and its parallel page (a translation's)."""
    version = case.versions[lang]
    pages = [Page(case_path(lang, case.slug), lang, ("case", case.slug), "case.html", version.title,
                  version.summary, {"case": case, "version": version, "previous": previous, "next": following})]
    if lang != config.source_language:
        pages.append(Page(parallel_path(lang, case.slug), lang, ("parallel", f"{lang}/{case.slug}"),
                          "parallel.html", f"{version.title} ({config.ui[lang]['parallel']})", version.summary,
                          {"case": case, "version": version}))
    return pages


def pages_by_key(pages: list[Page]) -> dict[tuple, dict[str, Page]]:
    """Return the pages by key, then language: each page's translations, itself included."""
    found: dict[tuple, dict[str, Page]] = {}
    for page in pages:
        found.setdefault(page.key, {})[page.lang] = page
    return found


def page_digests(site: Site, templates: Path, downloads: dict[str, tuple[str, int]] | None = None,
                 pages: list[Page] | None = None) -> dict[str, str]:
    """Return, for each page, a digest of everything it is made from: the site's data, the
    templates, which cases exist in which languages, and what its template is given. A page whose
    digest is the one recorded for the file of the last build need not be rendered again."""
    digests = PageDigests(site, templates, downloads, pages)
    return {path: digests.of(path) for path in digests.paths}


class PageDigests:
    """page_digests(), one page at a time: the preview digests a page when it is asked for."""

    def __init__(self, site: Site, templates: Path, downloads: dict[str, tuple[str, int]] | None = None,
                 pages: list[Page] | None = None):
        self.site, self.pages = site, pages or plan_pages(site)
        self.by_path = {page.path: page for page in self.pages}
        self.paths = dict.fromkeys([*self.by_path, SITEMAP, *(feed_path(lang) for lang in site.config.codes)])
        self.templates, self.downloads = templates, downloads
        self.memo: dict[tuple, str] = {}  # a case's digest, by slug and languages shown

    @functools.cached_property
    def everything(self) -> str:
        """Return the digest of what every page is made from: the templates and the site's data."""
        site, shared = self.site, hashlib.sha256()
        for path in sorted(self.templates.rglob("*")):
            if path.is_file():
                shared.update(f"\0{path.relative_to(self.templates).as_posix()}\0".encode() + path.read_bytes())
        # What every page is given besides its own data: the site's (has_figures: the menu's link).
        shared.update(_written((site.config, site.foreword, sorted(site.images.items()), site.preview,
                                site.unused_images, [(c.slug, tuple(c.versions)) for c in site.cases],
                                sorted((self.downloads or {}).items()), any(c.figures for c in site.cases))))
        return sys.intern(shared.hexdigest())  # the very same string while it is the same (Recall)

    @functools.cached_property
    def languages(self) -> dict[tuple, list[str]]:
        """Return the languages each page exists in, by the page's key."""
        return {key: list(translations) for key, translations in pages_by_key(self.pages).items()}

    def of(self, path: str) -> str:
        """Return the digest of the page (or sitemap, or feed) at `path`."""
        everything, site = self.everything, self.site
        if path == SITEMAP:
            return key("sitemap", everything, "\n".join(f"{p.path}\t{p.lang}\t{p.key[0]}\t{p.key[1]}"
                                                        for p in self.pages))
        page = self.by_path.get(path)
        if page is None:  # a feed
            lang = next(code for code in site.config.codes if feed_path(code) == path)
            return key("feed", everything, self.digest(feed_cases(site, lang), frozenset((lang,))))
        languages = self.languages[page.key]
        # A page shows its own language's version of a case, and the source's (a translation takes
        # its anchors, a parallel page shows it), or every language it lists (the bilingual booklet).
        shown = frozenset((*page.context.get("languages", [page.lang]), site.config.source_language))
        return _PAGE_DIGESTS(path, (page, everything, *languages), lambda: key(
            "page", everything, page.path, page.template, page.title, page.description, languages,
            self.digest(page.context, shown)))

    def digest(self, value, langs: frozenset) -> str:
        """Return a digest of what a page's template is given, as shown in `langs`."""
        if isinstance(value, Case):  # met on many pages: digested once per set of languages shown
            if (value.slug, langs) not in self.memo:
                self.memo[value.slug, langs] = _case_digest(value, langs)
            return self.memo[value.slug, langs]
        if value is None or isinstance(value, (str, int, float)):  # repr() tells them apart
            return repr(value)
        if isinstance(value, (list, tuple)):
            return "[" + ",".join(self.digest(v, langs) for v in value) + "]"
        if isinstance(value, dict):
            return "{" + ",".join(f"{k!r}:{self.digest(v, langs)}" for k, v in value.items()) + "}"
        if isinstance(value, Volume):  # the very same volume while its cases are (booklet_volumes)
            return _VOLUME_DIGESTS((value.lang, value.slug, langs), (value,),
                                   lambda: self.digest((value.slug, value.area, value.part, value.cases), langs))
        if isinstance(value, Version):  # a case page's own: the same object while its file is unchanged
            return _VERSION_DIGESTS(value.path, (value,), lambda: hashlib.sha256(_written(value)).hexdigest())
        return hashlib.sha256(_written(value)).hexdigest()


def _written(value) -> bytes:
    """Return what a digest is taken of: the value as repr() writes it (the model's dataclasses
    write every field), encoded. Not pickled: pickling a string keeps a UTF-8 copy of it in
    memory for as long as it lives, and the model's Chinese text lives for the whole build."""
    return repr(value).encode("utf-8", "surrogatepass")


def feed_cases(site: Site, lang: str) -> list[Case]:
    """Return the cases a language's news feed lists: all of them, or the newest when there are
    more than a list page holds (in booklet order)."""
    cases, size = site.cases_in(lang), site.config.list_page_size
    if len(cases) <= size:
        return cases
    newest = {c.slug for c in sorted(cases, key=lambda c: c.date or site.config.date or datetime.date.min,
                                     reverse=True)[:size]}
    return [c for c in cases if c.slug in newest]


_VOLUME_DIGESTS = Recall()  # the preview's: a volume's digest, for each set of languages shown
_PAGE_DIGESTS = Recall()  # the preview's: the very same page, shared data and languages give the same digest
_VERSION_DIGESTS = Recall()  # the preview's: a version's digest, while its file is unchanged
_CASE_DIGESTS = Recall()  # the preview's: a case's digest for each set of languages, while it is the same case


def _case_digest(case: Case, langs: frozenset) -> str:
    """Return a digest of what a page in `langs` shows of a case."""
    def digest() -> str:
        shown = {code: v for code, v in case.versions.items() if code in langs}
        return hashlib.sha256(_written((replace(case, versions=shown), tuple(case.versions)))).hexdigest()

    return _CASE_DIGESTS((case.slug, langs), (case,), digest)


def compare_figures(cases: list[Case], ui: dict,
                    limit: int | None = None) -> list[tuple[str, list[tuple[Case, object, float]], int]]:
    """Return the key figures grouped by kind (people, money…), each with its bar length in
    percent, largest first: at most `limit` of a group, with how many it has."""
    # Ranked by case number, recalled while every case's figures are the very same (the ui
    # object is held with them, so its id names it).
    ranked = _RANKINGS((id(ui), limit), (ui, *(case.figures for case in cases)),
                       lambda: _rank_figures([case.figures for case in cases], ui, limit))
    return [(group, [(cases[number], figure, share) for number, figure, share in rows], count)
            for group, rows, count in ranked]


_RANKINGS = Recall()  # the preview's


def _rank_figures(figures: list[tuple], ui: dict, limit: int | None) -> list[tuple[str, list[tuple], int]]:
    """Return compare_figures() with each case as its number in `figures` (each case's figures)."""
    groups: dict[str, list] = {}
    for number, mine in enumerate(figures):
        for figure in mine:
            groups.setdefault(ui["units"][figure.unit].get("group", "count"), []).append((number, figure))
    result = []
    for group in ui["figure_groups"]:
        rows = groups.get(group, [])
        if not rows:
            continue
        top = max(_magnitude(f.value) for _, f in rows) or 1
        ranked = (sorted(rows, key=lambda r: -_magnitude(r[1].value)) if limit is None else
                  heapq.nsmallest(limit, rows, key=lambda r: -_magnitude(r[1].value)))  # the same, sooner
        result.append((group, [(number, figure, round(100 * _magnitude(figure.value) / top, 1))
                             for number, figure in ranked], len(rows)))
    return result


def _magnitude(value) -> float:
    return float(max(value) if isinstance(value, tuple) else value)


@dataclass(frozen=True)
class Volume:
    """One printed volume of a booklet: the whole booklet (slug ''), or the cases of one area,
    in parts when they are too many for one."""

    slug: str
    area: object  # the config's Term, or None for the whole booklet
    part: int  # 1, 2… when the area's cases fill several volumes; 0 otherwise
    cases: tuple[Case, ...]
    lang: str | None = None  # the booklet's language; None: the bilingual booklet


def booklet_volumes(site: Site, lang: str | None) -> list[Volume]:
    """Return the volumes of a language's booklet (None: the bilingual one): one, unless it holds
    more cases than site.yaml's booklet_volume_size; then one per area (by each case's first
    area), split in parts of at most that size."""
    cases = tuple(site.cases_in(lang) if lang else site.cases)
    size = site.config.booklet_volume_size
    if len(cases) <= size:
        return [_VOLUMES((lang, ""), cases, lambda: Volume("", None, 0, cases, lang))]
    by_area: dict[str, list[Case]] = {area.slug: [] for area in site.config.areas}
    for case in cases:
        by_area[case.areas[0]].append(case)
    volumes = []
    for area in site.config.areas:
        mine = by_area[area.slug]
        parts = [tuple(mine[i:i + size]) for i in range(0, len(mine), size)]
        for number, part in enumerate(parts, 1):
            several = len(parts) > 1
            slug = f"{area.slug}-{number}" if several else area.slug
            volumes.append(_VOLUMES((lang, slug), (area, *part),
                                    lambda: Volume(slug, area, number if several else 0, part, lang)))
    return volumes


_VOLUMES = Recall()  # the preview's: a volume is the very same while its cases are


def volume_title(config, volume: Volume, lang: str) -> str:
    """Return a volume's name: its area's, with the part's number when there are several."""
    name = volume.area.name[lang]
    return config.ui[lang]["volume_part"].format(name=name, n=volume.part) if volume.part else name


def booklet_editions(site: Site) -> dict[str, tuple[str, str | None]]:
    """Return every PDF edition: its booklet page, and its language (None: bilingual)."""
    return {edition_name(lang, v.slug): (booklet_path(lang, v.slug), lang)
            for lang in (*site.config.codes, None) for v in booklet_volumes(site, lang)}


def _booklet_pages(site: Site, lang: str | None) -> list[Page]:
    """Return the pages of a language's booklet (None: the bilingual one): the booklet, or its
    volumes and the list of them."""
    config, source = site.config, site.config.source_language
    page_lang, languages = lang or source, [lang] if lang else list(config.codes)
    ui = config.ui[page_lang]
    if lang:
        title, kind = ui["booklet"], ("booklet", "")
    else:
        title, kind = " / ".join(config.ui[c]["booklet_bilingual"] for c in config.codes), ("booklet-bilingual", "")

    def editions(cases) -> list:
        return [(case, [lang] if lang else sorted(case.versions, key=lambda c: c != source)) for case in cases]

    volumes = booklet_volumes(site, lang)
    if len(volumes) == 1 and not volumes[0].slug:
        return [_BOOKLET_PAGES((lang, ""), (config, volumes[0]), lambda: Page(
            booklet_path(lang), page_lang, kind, "booklet.html", title, config.subtitle[page_lang],
            {"editions": editions(volumes[0].cases), "languages": languages, "edition": edition_name(lang),
             "volume": None}))]
    pages = [_BOOKLET_PAGES((lang, None), (config, *volumes), lambda: Page(
        booklet_path(lang), page_lang, kind, "volumes.html", title, ui["volumes_intro"],
        {"volumes": [(v, booklet_path(lang, v.slug), edition_name(lang, v.slug)) for v in volumes],
         "languages": languages}))]
    for volume in volumes:
        pages.append(_BOOKLET_PAGES((lang, volume.slug), (config, volume), lambda: Page(
            booklet_path(lang, volume.slug), page_lang, (kind[0], volume.slug), "booklet.html",
            f"{title}{ui['title_separator']}{volume_title(config, volume, page_lang)}", config.subtitle[page_lang],
            {"editions": editions(volume.cases), "languages": languages,
             "edition": edition_name(lang, volume.slug), "volume": volume})))
    return pages


_BOOKLET_PAGES = Recall()  # the preview's: a booklet's page is the very same while its volume is


def _count(ui: dict, n: int) -> str:
    return ui["count_one" if n == 1 else "count_other"].format(n=n)


def long_date(ui: dict, day) -> str:
    """Return a date as a reader of `ui`'s language writes it: 2023年6月30日, 30 June 2023."""
    return ui["long_date"].format(year=day.year, month=day.month, day=day.day,
                                  month_name=month_names(ui["month_names"])[day.month - 1])


def source_note(config, lang: str) -> str:
    """Return what the reader is told about the original article: where and when it appeared,
    or that the source does not say (so that its "this year" is not read as the booklet's)."""
    ui, outlet, day = config.ui[lang], (config.original_outlet or {}).get(lang), config.original_date
    if outlet and day:
        return ui["source_both"].format(outlet=outlet, date=long_date(ui, day))
    if outlet:
        return ui["source_outlet"].format(outlet=outlet)
    if day:
        return ui["source_date"].format(date=long_date(ui, day))
    return ui["source_unstated"]


@pass_context
def _url(context, target: str) -> str:
    return relative_url(context["page"].path, target)


_ENVIRONMENTS: dict[Path, Environment] = {}  # by templates folder: compiled templates kept (the preview)


def build_environment(templates: Path) -> Environment:
    """Return the Jinja environment: autoescaping on, undefined names an error. One per templates
    folder and process; Jinja compiles a template again when its file changed."""
    if templates in _ENVIRONMENTS:
        return _ENVIRONMENTS[templates]
    env = _ENVIRONMENTS[templates] = Environment(
        loader=FileSystemLoader(str(templates)), undefined=StrictUndefined, autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.globals.update(url=_url, case_path=case_path, term_path=term_path, booklet_path=booklet_path,
                       parallel_path=parallel_path, source_note=source_note, search_spelled=is_spelled,
                       volume_title=volume_title)
    env.filters["count"] = _count
    return env


_CASE_HREF = re.compile(r'href="case:([^"#]*)(#[^"]*)?"')
_BACKLINK_TITLE = re.compile(r'(class="footnote-backref" href="[^"]*" title=")[^"]*"')
_IMAGE_SRC = re.compile(r'(src|href)="(images/[^"]*)"')


def body_html(site: Site, case_or_foreword, lang: str, page_path: str, in_booklet: bool = False) -> Markup:
    """Return a version's body as HTML for the page at `page_path`.

    A translation's headings take the source's anchors; case:SLUG links and images/
    files become links relative to the page. In the booklet, where every case shares
    one page, ids are prefixed, case links stay in the page and Chinese lines keep
    their last characters together.
    """
    versions = case_or_foreword.versions if isinstance(case_or_foreword, Case) else case_or_foreword
    rendered = render_body(versions, lang, site.config)
    languages = site.versions_by_slug

    def case_link(match: re.Match) -> str:
        slug, anchor = match.group(1), match.group(2) or ""
        if in_booklet:
            return f'href="#{booklet_anchor(slug, lang)}{"-" + anchor[1:] if anchor else ""}"'
        # An untranslated target opens in the original language rather than not at all.
        target_lang = lang if lang in languages.get(slug, {lang: None}) else site.config.source_language
        return f'href="{relative_url(page_path, case_path(target_lang, slug))}{anchor}"'

    html = rendered.html
    if in_booklet:  # ids first: the case links below already point into the booklet
        slug = case_or_foreword.slug if isinstance(case_or_foreword, Case) else "foreword"
        html = keep_tails(shift_headings(prefix_ids(html, booklet_anchor(slug, lang) + "-")))
    # Each pattern only where its text is (most bodies have no link, note or image to mend).
    if 'href="case:' in html:
        html = _CASE_HREF.sub(case_link, html)
    if "footnote-backref" in html:
        html = _BACKLINK_TITLE.sub(lambda m: f'{m.group(1)}{escape(site.config.ui[lang]["footnote_back"])}"', html)
    if '="images/' in html:
        html = _IMAGE_SRC.sub(lambda m: f'{m.group(1)}="{relative_url(page_path, m.group(2))}"', html)
    # Sanitised when rendered (or trusted by the site's own choice): the one place it is marked safe.
    return Markup(html)


def qr_codes(site: Site) -> list[tuple[str, str]]:
    """Return the (address, label) of every QR code the booklets print, as booklet.html asks."""
    codes = []
    for lang in site.config.codes:
        ui = site.config.ui[lang]
        codes.append((site.config.base_url, ui["back_page"] + ui["label_separator"] + site.config.base_url))
        for case in site.cases_in(lang):
            online = site.config.base_url + case_path(lang, case.slug)
            codes.append((online, ui["scan_to_read"] + ui["label_separator"] + online))
    return codes


def case_body(site: Site, case: Case, lang: str, page_path: str) -> tuple[Markup, list]:
    """Return a case page's body, with glossary terms explained at first use in a translation,
    and the glossary entries it explains."""
    html = body_html(site, case, lang, page_path)
    if lang == site.config.source_language or not site.config.glossary:
        return html, []
    explained, used = explain_terms(str(html), site.config.glossary, lang)
    return Markup(explained), used


def parallel_rows(site: Site, case: Case, lang: str, page_path: str) -> list[tuple[Markup, Markup]]:
    """Return the case's blocks side by side: (source block, translation block), in order."""
    source = site.config.source_language
    # The anchors stay on the translation's side only: one id per section on the page.
    left = split_blocks(re.sub(r' id="[^"]*"', "", str(body_html(site, case, source, page_path))))
    right = split_blocks(str(body_html(site, case, lang, page_path)))
    return [(Markup(a), Markup(b)) for a, b in zip(left, right)]


def bodies_of(site: Site, page: Page) -> dict:
    """Return the bodies a page shows, as HTML for its place, for its template: a case page's
    (with the glossary entries it explains and its sections), a parallel page's rows, the
    foreword on a home page, every body of a booklet (by slug and language)."""
    context, lang = page.context, page.lang
    if page.template == "case.html":
        body, terms = case_body(site, context["case"], lang, page.path)
        return {"body": body, "terms": terms, "sections": headings(site, context["case"], lang)}
    if page.template == "parallel.html":
        return {"rows": parallel_rows(site, context["case"], lang, page.path)}
    if page.template == "home.html" and context["foreword"]:
        return {"foreword_body": body_html(site, site.foreword, lang, page.path)}
    if page.template == "booklet.html":
        return {"foreword_bodies": {code: body_html(site, site.foreword, code, page.path, True)
                                    for code in context["languages"] if code in site.foreword},
                "bodies": {(case.slug, code): body_html(site, case, code, page.path, True)
                           for case, codes in context["editions"] for code in codes}}
    return {}


def headings(site: Site, case: Case, lang: str):
    """Return the section headings of a case in `lang`, with anchors shared across languages."""
    return render_body(case.versions, lang, site.config, html=False).headings


def render_site(site: Site, templates: Path, downloads: dict[str, tuple[str, int]] | None = None,
                workers: int = 1, keep: frozenset[str] = frozenset(), deliver=None,
                pages: list[Page] | None = None) -> list[Output]:
    """Return every file of the site, HTML and XML, in a stable order.

    `downloads` are the PDFs to link, by edition (a language code, or 'bilingual'): (path, size).
    The pages are rendered on `workers` processes, except those in `keep` (the build keeps the
    previous site's files). `deliver(output)`, called where a page was rendered, may write it
    and return a copy without its text: then the pages never gather in one process's memory.
    `pages`: plan_pages(site), when the caller has it already.
    """
    renderer = SiteRenderer(site, templates, downloads, pages)
    outputs = _render_pages([p for p in renderer.pages if p.path not in keep], renderer.page, workers, deliver)
    outputs += [Output(path, None) for path in sorted(keep)]
    outputs += [Output(path, make()) for path, make in renderer.others().items() if path not in keep]
    return sorted(outputs, key=lambda o: o.path)


def render_booklets(site: Site, templates: Path, workers: int = 1) -> list[Output]:
    """Return the booklet pages alone, rendered on `workers` processes: what the PDFs are
    printed from (without the PDFs' sizes, which the pages rendered afterwards show)."""
    renderer = SiteRenderer(site, templates)
    return _render_pages([p for p in renderer.pages if p.template == "booklet.html"], renderer.page, workers)


class SiteRenderer:
    """What renders the files of one site: each page, and the files that are not pages (the
    root pages, the sitemap, the feeds, robots.txt)."""

    def __init__(self, site: Site, templates: Path, downloads: dict[str, tuple[str, int]] | None = None,
                 pages: list[Page] | None = None):
        self.site, self.templates, self.env = site, templates, build_environment(templates)
        self.pages = pages or plan_pages(site)
        self.by_key = pages_by_key(self.pages)
        self.shared = {"site": site, "config": site.config, "format_figure": format_figure, "qr_svg": qr_svg,
                       "booklet_anchor": booklet_anchor, "downloads": downloads or {}, "format_size": format_size,
                       "has_figures": any(c.figures for c in site.cases)}

    def page(self, page: Page) -> Output:
        """Return a page rendered."""
        config, translations = self.site.config, self.by_key[page.key]
        context = {**self.shared, **page.context, **bodies_of(self.site, page), "page": page,
                   "ui": config.ui[page.lang], "translations": translations, "language": config.language(page.lang),
                   "x_default": _x_default(page, translations, config.source_language)}
        return Output(page.path, self.env.get_template(page.template).render(context))

    def others(self) -> dict[str, Callable[[], str]]:
        """Return how to render each file that is not a page, by its path."""
        site, config, env, shared = self.site, self.site.config, self.env, self.shared
        favicon_file = self.templates.parent / "assets" / "favicon.svg"

        def root_page(path: str, template: str) -> str:
            root = {**shared, "ui": config.ui, "translations": {}, "x_default": None,
                    "favicon": favicon_file.read_text(encoding="utf-8").strip() if favicon_file.is_file() else ""}
            page = Page(path, ROOT_LANG, ("root", path), template, config.title[config.source_language], "")
            return env.get_template(template).render({**root, "page": page})

        def feed(lang: str) -> str:
            cases = feed_cases(site, lang)
            dates = [d for d in [config.date, *(c.date for c in cases)] if d]
            return env.get_template("feed.xml").render(
                {**shared, "lang": lang, "language": config.language(lang), "cases": cases,
                 "updated": max(dates).isoformat() if dates else "1970-01-01"})

        made = {path: functools.partial(root_page, path, template)
                for path, template in zip(ROOT_PAGES, ("root.html", "404.html"))}
        made[SITEMAP] = lambda: env.get_template("sitemap.xml").render(
            {**shared, "pages": self.pages, "by_key": self.by_key})
        made.update({feed_path(lang): functools.partial(feed, lang) for lang in config.codes})
        made[ROBOTS] = lambda: f"User-agent: *\nAllow: /\n\nSitemap: {config.base_url}{SITEMAP}\n"
        return made


def _render_chunk(shared: tuple, numbers: list[int]) -> list[Output]:
    render_page, deliver, pages = shared
    rendered = (render_page(pages[n]) for n in numbers)
    return list(rendered) if deliver is None else [deliver(output) for output in rendered]


def _render_pages(pages: list[Page], render_page, workers: int, deliver=None) -> list[Output]:
    """Return the pages rendered, on `workers` processes when there are many: each booklet (the
    largest pages by far) as a task of its own, the others in chunks. The workers have the pages
    already (forked): a task sends only their numbers, not their cases."""
    big = [[n] for n, page in enumerate(pages) if page.template == "booklet.html"]
    rest = [n for n, page in enumerate(pages) if page.template != "booklet.html"]
    if len(rest) < 200 and len(big) < 8:  # too little to share out
        workers = 1
    size = max(1, len(rest) // (workers * 8))
    chunks = big + [rest[i:i + size] for i in range(0, len(rest), size)]
    done = on_cores_sharing((render_page, deliver, pages), _render_chunk, [(chunk,) for chunk in chunks], workers,
                            chunked=True)
    return [output for outputs in done for output in outputs]


def _x_default(page: Page, translations: dict[str, Page], source: str) -> str:
    """Return the path for hreflang x-default: the chooser for home pages, else the source page."""
    if page.key == ("home", ""):
        return HOME
    return (translations.get(source) or page).path


def render_status(site: Site, findings: list, statuses: list, templates: Path) -> str:
    """Return the preview's translation status page: every case in every language, with findings."""
    env = build_environment(templates)
    page = Page("_status.html", ROOT_LANG, ("status", ""), "status.html", "Status", "")
    by_case = {}
    for status in statuses:
        by_case.setdefault(status.slug, {})[status.lang] = status
    return env.get_template("status.html").render(
        site=site, config=site.config, page=page, statuses=by_case, findings=findings)
