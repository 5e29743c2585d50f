"""Build a bilingual web booklet of case studies from Markdown and YAML."""
from __future__ import annotations

import logging
import os
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

from . import interface
from .config import DATA_FILES, parse_config
from .content import decode
from .sources import ContentFiles, folder_problem, read_content
from .check import run_checks
from .errors import WARNING, BuildFailed, Problem, from_problems
from .typography import check_data_typography, check_page_typography
from .yamltext import parse_yaml
from .search import index_site
from .review import Status, read_last_changes, read_snapshots, translation_status, write_snapshot  # noqa: F401 (read_last_changes: for build.py)
from .model import Site, build_site
from .render import Output, page_digests, plan_pages, qr_codes, render_booklets, render_site
from .booklet import prerender_qr
from .cache import FOLDER as CACHE_FOLDER, Cache, Recall
from .stamps import (input_stamp, is_up_to_date, kept_pages, record_build, record_pages, record_search_index,
                     search_index_reusable)
from .write import check_output_folder, keep_files, page_writer, sync_site, write_site

log = logging.getLogger(__name__)
PROJECT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Paths:
    """Where a build reads from and writes to."""

    content: Path = PROJECT / "content"
    out: Path = PROJECT / "site"
    templates: Path = PROJECT / "templates"
    assets: Path = PROJECT / "assets"
    cache: Path | None = None  # default: $BOOKLET_CACHE, or .booklet-cache beside the site


def load_site(content: Path, preview: bool = False, cache: Cache | None = None, workers: int = 1,
              stages: Stages | None = None, files: ContentFiles | None = None) -> Site:
    """Return the checked Site of a content folder, or raise BuildFailed with every problem.

    A preview keeps draft cases; a publishing build leaves them out. With a `cache`, the bodies
    are rendered at once, on `workers` processes, and what the cache holds is not rendered again.
    `files`: the folder's files when the caller has read them (the preview reads only what
    changed, and a file it did not read again is not decoded again).
    """
    unusable = folder_problem(content)
    if unusable:
        raise BuildFailed([unusable])
    files = read_content(content) if files is None else files
    if files.problems:  # a folder or link to mend first: what follows from it would only mislead
        raise BuildFailed(_located(list(files.problems), content))
    problems: list[Problem] = []
    texts: dict[str, str | None] = {}
    for path in list(files.texts):
        raw = files.texts.pop(path)  # each file's bytes let go once decoded: a large site's add up
        text, found = _DECODED(path, (raw,), lambda: decode(raw, path) if raw is not None else (None, []))
        problems += found
        texts[path] = text  # None when unreadable: already reported, and not to be reported again
    # Absent (a marker) and unreadable (None) files are told apart, as parse_config does.
    config, found = _CONFIGS("config", tuple(texts.get(name, DATA_FILES) for name in DATA_FILES),
                             lambda: parse_config({p: t for p, t in texts.items() if t is not None}, set(texts)))
    problems += found
    if config is None:
        raise BuildFailed(_located(problems, content))
    if stages:
        stages.begin("bodies")
    site, found = build_site(texts, config, files.images, preview, cache, workers)
    problems += found
    if problems:
        raise BuildFailed(_located(problems, content))
    return site


_DECODED = Recall()  # the preview's: the very same bytes (a file not read again) give the very same text
_CONFIGS = Recall()  # the preview's: the same data files give the very same Config


def _located(problems: list, content: Path) -> list:
    """Return problems or findings with file paths as the user would type them (content/cases/…)."""
    folder = content.resolve()
    cwd = Path.cwd().resolve()
    prefix = folder.relative_to(cwd) if folder.is_relative_to(cwd) else folder
    shown: dict[str, str] = {}  # each file's path worked out once (a large site has thousands of findings)
    for problem in problems:
        if problem.path not in shown:
            shown[problem.path] = (prefix / problem.path).as_posix()
    return [replace(p, path=shown[p.path]) for p in problems]


def check(content: Path) -> tuple[list[Problem], list[Status]]:
    """Return every finding for a content folder (drafts included) and its translation status,
    on every core and with the build cache (the bodies a build rendered are not rendered again)."""
    cache, workers = Cache(cache_folder(Paths(content=content))), os.cpu_count() or 1
    try:
        try:
            site = load_site(content, preview=True, cache=cache, workers=workers)
        except BuildFailed as failure:
            return from_problems(failure.problems), []
        prerender_qr(qr_codes(site), cache, workers)  # for the booklet pages, whose text is checked
        return check_site(site, content, workers=workers)
    finally:
        cache.close()


def check_site(site: Site, content: Path, templates: Path = Paths.templates,
               workers: int = 1) -> tuple[list[Problem], list[Status]]:
    """Return the editorial findings and translation status of a site read from `content`, the
    typography of its data files and of the pages its templates generate included (their pages
    rendered and read on `workers` processes: not from the preview, whose threads a fork would copy)."""
    snapshots, unreadable = read_snapshots(content)
    statuses = translation_status(site, snapshots)
    texts = {p: raw.decode("utf-8", "replace") for p, raw in read_content(content).texts.items() if raw}
    findings = run_checks(site, statuses) + from_problems(unreadable, WARNING)
    source = site.config.source_language
    for name in DATA_FILES:
        if name in texts:
            findings += check_data_typography(parse_yaml(texts[name], name)[0], name, source)
    package_ui = Path(interface.__file__).with_name(interface.UI_FILE)
    pages = {o.path: o.text for o in render_site(site, templates, workers=workers) if o.path.endswith(".html")}
    generated = check_page_typography(pages, site.config.language(source).html_lang.split("-")[0],
                                      "\n".join(texts.values()), workers)
    generated += check_data_typography(parse_yaml(package_ui.read_text(encoding="utf-8"), "ui.yaml")[0],
                                       _shown(package_ui), source)
    return _located(sorted(findings), content) + sorted(generated), statuses


def _shown(path: Path) -> str:
    """Return a path as the user would type it: relative to the working folder where it can be."""
    path, cwd = path.resolve(), Path.cwd().resolve()
    return path.relative_to(cwd).as_posix() if path.is_relative_to(cwd) else str(path)


def mark_reviewed(content: Path, slugs: list[str], lang: str | None, every: bool) -> Iterator[Path]:
    """Record the translations of `slugs` (or of every case) as reviewed, yielding each file as it
    is written (so that a stop midway can say what was marked)."""
    site = load_site(content, preview=True)
    source = site.config.source_language
    known = {c.slug: c for c in site.cases}
    unknown = [s for s in slugs if s not in known]
    if unknown or not (slugs or every):
        raise BuildFailed([Problem("review", 1, "SLUG",
                                   f"'{unknown[0]}' is not a case" if unknown else "no case named",
                                   "one or more of: " + ", ".join(known) + "; or --all")])
    if lang is not None and (lang not in site.config.codes or lang == source):
        raise BuildFailed([Problem("review", 1, "--lang", f"'{lang}' is not a translation language",
                                   "one of: " + ", ".join(c for c in site.config.codes if c != source))])
    chosen = site.cases if every else [known[s] for s in slugs]
    untranslated = [c.slug for c in chosen if not any(code != source and lang in (None, code)
                                                      for code in c.versions)]
    if untranslated and not every:
        raise BuildFailed([Problem("review", 1, "SLUG", f"'{untranslated[0]}' has no translation"
                                   + (f" into {lang}" if lang else "") + " to mark",
                                   f"translate it first, as cases/{untranslated[0]}.LANG.md")])
    for case in chosen:
        for code in case.versions:
            if code != source and lang in (None, code):
                yield write_snapshot(content, case.slug, code, case.versions[source])


def cache_folder(paths: Paths) -> Path:
    """Return where the build cache is: as given, else $BOOKLET_CACHE, else beside the site."""
    given = paths.cache or os.environ.get("BOOKLET_CACHE")
    return Path(given) if given else paths.out.absolute().parent / CACHE_FOLDER


STAGES = {"read": "reading and checking the content", "bodies": "rendering the bodies", "pages": "rendering the pages",
          "pdf": "printing the PDFs", "write": "writing the site", "search": "indexing for search"}


class Stages:
    """The stages of a build, timed; `said(name)` is called as each begins (for a progress line)."""

    def __init__(self, said=None):
        self.said, self.seconds, self._current, self._started = said, {}, None, 0.0

    def begin(self, name: str) -> None:
        now = time.perf_counter()
        if self._current:
            self.seconds[self._current] = self.seconds.get(self._current, 0.0) + now - self._started
        self._current, self._started = name, now
        if name and self.said:
            self.said(name)

    def end(self) -> None:
        self.begin("")


def build(paths: Paths = Paths(), pdf_paper: str | None = None, search: bool = True,
          reuse: bool = False, stages: Stages | None = None) -> tuple[Site | None, list[Output]]:
    """Load, render and write the site, with the PDF handouts when a paper size is given.

    Nothing is replaced unless everything succeeded. With `reuse`, a build whose inputs (the
    content, templates, assets, options and the generator itself) are those of the last build
    into the same folder, which is still as that build left it, does nothing and returns
    (None, []).
    """
    problems = check_output_folder(paths.out, [paths.content, paths.templates, paths.assets])
    if problems:
        raise BuildFailed(problems)
    cache, workers, stages = Cache(cache_folder(paths)), os.cpu_count() or 1, stages or Stages()
    try:
        inputs = input_stamp(paths, pdf_paper, search)
        if reuse and is_up_to_date(cache, paths.out, inputs):
            return None, []
        stages.begin("read")
        site = load_site(paths.content, cache=cache, workers=workers, stages=stages)
        prerender_qr(qr_codes(site), cache, workers)
        outputs = _write(site, paths, pdf_paper, search, cache, workers, stages)
        record_build(cache, paths.out, inputs)
    finally:
        stages.end()
        cache.close()
    return site, outputs


def _write(site: Site, paths: Paths, pdf_paper: str | None, search: bool, cache: Cache,
           workers: int, stages: Stages) -> list[Output]:
    """Render the pages into the staging folder as they come (a page whose inputs did not change
    keeps the previous site's file), then the PDFs' links, the search index, and swap it in."""
    folders = {"assets": paths.assets}
    files: dict[str, bytes | Path] = dict(site.images)
    downloads = None
    if pdf_paper:
        stages.begin("pdf")
        from .pdf import render_pdfs
        with tempfile.TemporaryDirectory(prefix="booklet-pdf-") as staged:
            # The PDFs are printed from the booklet pages alone: only they are rendered for it.
            sync_site(render_booklets(site, paths.templates, workers), folders, Path(staged), files)
            pdfs, problems = render_pdfs(site, Path(staged), pdf_paper, workers)
        if problems:  # located in the content, but for what no content file shows
            raise BuildFailed(_located([p for p in problems if p.path != "pdf"], paths.content)
                              + [p for p in problems if p.path == "pdf"])
        files.update({path: data for path, data in pdfs.values()})
        downloads = {edition: (path, len(data)) for edition, (path, data) in pdfs.items()}
    previous = paths.out if paths.out.is_dir() else None
    reusable = previous is not None and search_index_reusable(cache, paths.out)
    pages = plan_pages(site)
    digests = page_digests(site, paths.templates, downloads, pages)
    outputs: list[Output] = []

    def produce(staging: Path, previous: Path | None) -> list[Output]:
        stages.begin("pages")
        kept = kept_pages(cache, paths.out, digests) if previous else frozenset()
        if kept:
            keep_files(staging, previous, sorted(kept))
        outputs.extend(render_site(site, paths.templates, downloads, workers, kept,
                                   page_writer(staging, previous), pages))
        stages.begin("write")
        return outputs

    def index(staging: Path) -> None:
        stages.begin("search")
        index_site(staging, previous if reusable else None, cache, workers)

    write_site([], folders, paths.out, files, finish=index if search else None, produce=produce)
    record_pages(cache, paths.out, digests)
    if search:
        record_search_index(cache, paths.out)
    return outputs
