"""Full-text search: Pagefind indexes the written site, in bundles per language.

Pagefind reads a copy of each case page made for it; the published pages stay as they are.
A language's pages go into bundles of about SHARD_PAGES pages (by a hash of each slug, so a
page stays in its bundle): Pagefind's memory stays small, bundles are made side by side, an
edit re-indexes one bundle, and the search page merges them (mergeIndex) into one search.

- Chinese (and the other languages written without spaces between words) is indexed as
  overlapping pairs of characters, each written as a plain code word (定海 → u05b9a06d77), and
  the search page asks for a query's pairs: a case is found when its text holds what the reader
  typed, and ranked by how often. Pagefind's own Chinese support cuts the text into words with
  one dictionary when it indexes and the query with another in the browser, so a word of the
  text is often not found (试点 is indexed as one word and asked as 试 + 点). The search page
  turns the code words back into characters in what it shows (assets/search.js codes alike).
- Pagefind keeps a word that a curly quote, a dash or an apostrophe joins to the next as one
  (“area, mentor–apprentice): its parts are added right after it, between two marks the search
  page cuts out of what it shows.
"""
from __future__ import annotations

import functools
import hashlib
import html
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from .cache import Cache, compute_all, key as cache_key
from .errors import BuildFailed, Fault, Problem
from .urls import CASES, bundle_path

log = logging.getLogger(__name__)
CASE_PAGES = f"{CASES}/*.html"  # only case pages are indexed (they carry data-pagefind-body)
SHARD_PAGES = 250  # the most pages a Pagefind bundle holds on average (by hash, some a few more)
PAGES_FILE = "indexed.json"  # beside each bundle: the pages it indexes, so a build can tell it may keep it
SPELLED = ("zh", "ja", "th")  # languages written without spaces: indexed in pairs of characters
SPACE = "\ue002"  # a space of a spelled text (Pagefind would squeeze it out of an excerpt)
PARTS_OPEN, PARTS_CLOSE = "\ue000", "\ue001"  # around added parts of joined words
_JOINERS = re.compile("[“”‘’–—]")
# A word (a run of non-spaces) a joiner is in: tried only where a word starts, since trying
# every position of a long text made this search most of an English page's indexing.
_JOINED = re.compile(r"(?<!\S)[^\s“”‘’–—]*[“”‘’–—]\S*")
# A run of letters and digits outside ASCII; a run of ASCII ones; spaces; anything else.
_PIECES = re.compile(r"((?:(?![A-Za-z0-9])[^\W_])+)|([A-Za-z0-9]+)|(\s+)|[^\w\s]+|_+")
_TEXT = re.compile(r"(<(script|style)\b.*?</\2>|<[^>]*>)|([^<]+)", re.DOTALL | re.IGNORECASE)
_FILTER = re.compile(r'(data-pagefind-filter="[^":]+)("[^>]*>)([^<]*)<')
_LANG = re.compile(r'<html[^>]*\blang="([^"]*)"', re.IGNORECASE)


def code_word(*characters: str) -> str:
    """Return the plain word a character, or a pair of characters, is indexed as: 定 → u05b9a,
    定海 → u05b9a06d77. A character's word begins the word of every pair it begins."""
    return "u" + "".join(f"{ord(c):05x}" for c in characters)


class _Codes(dict):
    """Each character's code (its number, five hex digits), made once: a page spells thousands."""

    def __missing__(self, character: str) -> str:
        code = self[character] = f"{ord(character):05x}"
        return code


_CODES = _Codes()


def _spelled_run(run: str) -> str:
    codes = list(map(_CODES.__getitem__, run))
    return " ".join(["u" + a + b for a, b in zip(codes, codes[1:])] + ["u" + codes[-1]])


def _spelled_piece(match: re.Match) -> str:
    run, ascii_word, space = match.group(1, 2, 3)
    if run:
        return f" {_spelled_run(run)} "
    if space:
        return f" {SPACE} "
    return f" {ascii_word or match.group()} "


def spelled(text: str) -> str:
    """Return text as a language without spaces is indexed: each run of letters and digits
    outside ASCII as the code words of its overlapping pairs, then of its last character alone
    (定海区 → 定海 海区 区); runs of ASCII letters and digits as words; punctuation kept between
    them (not a word, but shown); a space as a mark the search page shows as a space again.
    So a query finds what holds its pairs, ranked by how often, and each code word begins with
    its first character's: the search page reads them back as the text."""
    return " ".join(_PIECES.sub(_spelled_piece, text).split())


def with_parts(text: str) -> str:
    """Return text with the parts of each word a quote, dash or apostrophe joins added right after
    it, between marks: mentor–apprentice → mentor–apprentice ⟨mentor apprentice⟩."""
    def parts(match: re.Match) -> str:
        found = [p for p in re.findall(r"[^\W_]+", html.unescape(match.group())) if p != match.group()]
        return f"{match.group()} {PARTS_OPEN} {' '.join(found)} {PARTS_CLOSE}" if found else match.group()
    return _JOINED.sub(parts, text) if _JOINERS.search(text) else text


def indexed_text(text: str, spell: bool) -> str:
    """Return a piece of a page's text (HTML-escaped, as in the page) as Pagefind should read it."""
    if spell:  # spaced apart from the next text: an inline tag is no word break to Pagefind
        return f" {html.escape(spelled(html.unescape(text)), quote=False)} "
    return with_parts(text)


def index_copy(page: str, spell: bool) -> str:
    """Return a page's HTML with every text as Pagefind should read it (tags and scripts as they
    are, except that a filter names its value, which would otherwise be taken from the text)."""
    if spell:
        page = _FILTER.sub(lambda m: f"{m.group(1)}:{m.group(3).strip()}{m.group(2)}{m.group(3)}<", page)
    return _TEXT.sub(lambda m: m.group(1) or indexed_text(m.group(3), spell), page)


def is_spelled(html_lang: str) -> bool:
    """Return True for a language written without spaces, indexed in pairs of characters."""
    return html_lang.split("-")[0].lower() in SPELLED


def shard_count(pages: int) -> int:
    """Return how many bundles a language's index is split into: one up to SHARD_PAGES pages,
    else a power of two (so that a case keeps its bundle while the site grows, most of the time)."""
    count = 1
    while pages > count * SHARD_PAGES:
        count *= 2
    return count


@functools.lru_cache(maxsize=None)  # asked for every case on every preview rebuild
def _shard_of(slug: str, count: int) -> int:
    return int(hashlib.sha256(slug.encode("utf-8")).hexdigest()[:8], 16) % count


def shard_pages(lang: str, slugs: list[str]) -> dict[str, list[str]]:
    """Return a language's case pages (by slug) in their search bundles, by the bundle's site
    path: pagefind/LANG/ (the one the search page loads), then pagefind/LANG.2/… (merged into
    it), with no bundle for a share no page falls into."""
    count, shards = shard_count(len(slugs)), {}
    for slug in sorted(slugs):
        shards.setdefault(_shard_of(slug, count), []).append(slug)
    return {bundle_path(lang, place): shards[n] for place, n in enumerate(sorted(shards))}


def bundle_paths(lang: str, slugs: list[str]) -> list[str]:
    """Return the site paths of a language's search bundles, the one to load first."""
    return list(shard_pages(lang, slugs))


def _shards(folder: Path) -> dict[tuple[str, str], list[str]]:
    """Return the case pages (file names) of the site in `folder` by (language, bundle path)."""
    shards = {}
    for cases in sorted(folder.glob(f"*/{CASES}")):
        lang = cases.parent.name
        slugs = [p.name[:-len(".html")] for p in cases.glob("*.html")]
        for bundle, mine in shard_pages(lang, slugs).items():
            shards[(lang, bundle)] = [f"{slug}.html" for slug in mine]
    return shards


def _stage_copies(folder: Path, staged: Path, lang: str, pages: list[str], cache: Cache | None = None,
                  workers: int = 1) -> bool:
    """Write Pagefind's copy of a bundle's case `pages` into staged/<lang>/cases/ (made on `workers`
    processes, or taken from the cache for a page seen before); return whether the language is
    indexed in pairs of characters."""
    texts = {name: (folder / lang / CASES / name).read_text(encoding="utf-8") for name in pages}
    found = _LANG.search(next(iter(texts.values()), ""))
    spell = is_spelled(found.group(1) if found else lang)
    jobs = {name: cache_key("index copy", text, spell) for name, text in texts.items()}
    copies = compute_all({job: (texts[name], spell) for name, job in jobs.items()}, index_copy,
                         cache or Cache(None), "index copy", workers)
    for name, job in jobs.items():
        target = staged / lang / CASES / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(copies[job], encoding="utf-8")
    return spell


def reuse_index(folder: Path, previous: Path, lang: str, bundle: str, pages: list[str]) -> bool:
    """Give `folder` the search bundle of `lang`'s `pages` from the `previous` site when it indexed
    these very pages and each is the same, byte for byte (hard links: nothing is written again).
    Return whether it did."""
    old, cases = previous / bundle, f"{lang}/{CASES}/"
    try:
        if not (old / "pagefind.js").is_file() or _indexed_pages(old) != {cases + p for p in pages}:
            return False
        if not all(_same_file(folder / cases / page, previous / cases / page) for page in pages):
            return False
        shutil.copytree(old, folder / bundle, copy_function=_link_or_copy)
    except (OSError, ValueError):
        shutil.rmtree(folder / bundle, ignore_errors=True)
        return False
    return True


def _indexed_pages(bundle: Path) -> set[str]:
    """Return the pages a bundle indexes, as recorded beside it when it was made."""
    return set(json.loads((bundle / PAGES_FILE).read_text(encoding="utf-8")))


def _same_file(new: Path, old: Path) -> bool:
    """Return True when two files hold the same bytes: at once when the build linked an unchanged
    page to the old one (write does), else by their sizes, then their bytes."""
    if os.path.samefile(new, old):
        return True
    return new.stat().st_size == old.stat().st_size and new.read_bytes() == old.read_bytes()


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def index_site(folder: Path, previous: Path | None = None, cache: Cache | None = None, workers: int = 1) -> None:
    """Write the search index of each language of the site in `folder`: bundles of about
    SHARD_PAGES case pages (bundle_paths), made by Pagefind `workers` at a time, or taken from
    the `previous` site for a bundle none of whose pages changed."""
    shards = {place: pages for place, pages in _shards(folder).items()
              if previous is None or not reuse_index(folder, previous, place[0], place[1], pages)}
    if not shards:
        return
    with tempfile.TemporaryDirectory(prefix="booklet-search-") as staged:
        _run_pagefind(_runs(folder, Path(staged), shards, cache, workers), max(1, workers))


def _runs(folder: Path, staged: Path, shards: dict[tuple[str, str], list[str]], cache: Cache | None, workers: int):
    """Yield each bundle's Pagefind run (bundle, command, pages), its pages' copies staged just
    before: only one bundle's pages are in memory at a time, and a bundle is staged while
    Pagefind indexes the one before."""
    for number, ((lang, bundle), pages) in enumerate(sorted(shards.items())):
        site = staged / str(number)
        spell = _stage_copies(folder, site, lang, pages, cache, workers)
        command = [sys.executable, "-m", "pagefind", "--site", str(site), "--glob", f"{lang}/{CASE_PAGES}",
                   "--output-path", str(folder / bundle), "--silent"]
        # Code words are words of no language: nothing to stem, no query to cut into words.
        command += ["--force-language", "zxx"] if spell else []
        yield folder / bundle, command, [f"{lang}/{CASES}/{p}" for p in pages]


def _run_pagefind(commands, at_once: int) -> None:
    """Run Pagefind for every bundle (`commands` yields them as they are ready), `at_once` side by
    side, and check what each wrote."""
    waiting, running = iter(commands), []
    try:
        while True:
            while len(running) < at_once and (next_run := next(waiting, None)) is not None:
                bundle, command, pages = next_run
                try:
                    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                except OSError as error:
                    raise BuildFailed([Problem("search", 1, "pagefind", f"could not run: {error}",
                                               "pip install -r requirements.txt")]) from error
                running.append((bundle, run, pages))
            if not running:
                break
            bundle, run, pages = running.pop(0)
            try:
                stdout, stderr = run.communicate(timeout=600)
            except subprocess.TimeoutExpired as error:
                run.kill()
                raise BuildFailed([Problem("search", 1, "pagefind", "took more than 10 minutes",
                                           "report this; the site built last was left as it was")]) from error
            _check_bundle(bundle, run.returncode, stdout, stderr)
            (bundle / PAGES_FILE).write_text(json.dumps(pages, ensure_ascii=False), encoding="utf-8")
    finally:
        for _, run, _ in running:
            run.kill()
            run.wait()


def _check_bundle(bundle: Path, returncode: int, stdout: str, stderr: str) -> None:
    empty = [p.name for p in bundle.rglob("*") if p.is_file() and p.stat().st_size == 0]
    if empty and returncode == 0:  # Pagefind does not say when a write failed
        raise Fault(f"The search index could not be written in full ({len(empty)} of its files came out empty, "
                    f"e.g. {empty[0]})", "check that the disk has free space, then build again; the site built "
                    "last was left as it was")
    if returncode != 0 or not (bundle / "pagefind.js").is_file():
        said = (stderr or stdout).strip().splitlines()
        missing = any("No module named" in line for line in said)
        raise BuildFailed([Problem("search", 1, "pagefind", said[-1] if said else "no index was written",
                                   "pip install -r requirements.txt (the package 'pagefind[extended]')"
                                   if missing else "report this with the message above; the site built "
                                   "last was left as it was")])
