"""Checked files → the Site: cases paired across languages, grouped by area and theme."""
from __future__ import annotations

import hashlib
import pickle
from functools import cached_property
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .config import Config, Term
from .content import CASES_DIR, FOREWORD, Facts, Version, parse_version
from .errors import Problem
from .figures import KeyFigure
from .cache import Cache, Recall, compute_all, key as cache_key
from .markup import HEADINGS, Rendered, block_lines, locate, prerender, render_markdown, render_version
from .sources import IMAGES_DIR

_BLOCK_NAMES = {"p": "a paragraph", "ul": "a list", "ol": "a numbered list", "table": "a table",
                "blockquote": "a quotation", "hr": "a rule", "pre": "a code block", "div": "footnotes"}


@dataclass(frozen=True)
class Case:
    """A case: facts written once, and its version in each language it exists in."""

    slug: str
    order: int
    areas: tuple[str, ...]
    themes: tuple[str, ...]
    date: object
    figures: tuple[KeyFigure, ...]
    versions: dict[str, Version]
    draft: bool = False


@dataclass(frozen=True)
class Site:
    """The whole booklet, read and checked before anything is rendered."""

    config: Config
    foreword: dict[str, Version]
    cases: tuple[Case, ...]  # in booklet order
    images: dict[str, Path] = field(default_factory=dict)  # images/… the pages use → the file to publish
    preview: bool = False  # drafts included, marked as such
    unused_images: tuple[str, ...] = ()  # in images/ but used by no page: not published

    @cached_property
    def versions_by_slug(self) -> dict[str, dict[str, Version]]:
        """Return each case's versions by its slug."""
        return {c.slug: c.versions for c in self.cases}

    def cases_in(self, lang: str) -> list[Case]:
        """Return the cases that exist in `lang`, in booklet order."""
        return [c for c in self.cases if lang in c.versions]

    def cases_by(self, kind: str, lang: str) -> dict[str, list[Case]]:
        """Return the cases of `lang` under each area or theme slug, every term present."""
        terms: tuple[Term, ...] = getattr(self.config, kind)
        grouped = {t.slug: [] for t in terms}
        for case in self.cases_in(lang):
            for slug in getattr(case, kind):
                grouped[slug].append(case)
        return grouped


def render_body(versions: dict[str, Version], lang: str, config: Config, html: bool = True) -> Rendered:
    """Return one language's body rendered as published: a translation with its source's anchors
    (`html` False: its shape only, for a check)."""
    source = config.source_language
    return render_version(versions[lang].body, None if lang == source else versions[source].body,
                          config.allow_raw_html, html)


def _block_name(tag: str) -> str:
    return f"a level-{tag[1]} heading" if tag in HEADINGS else _BLOCK_NAMES.get(tag, f"a <{tag}>")


def check_alignment(source: Version, translation: Version) -> list[Problem]:
    """Return a problem if the translation's headings and paragraphs do not follow the source's."""
    theirs = render_markdown(source.body, html=False).blocks
    # Rendered with the source's anchors, as the page will be: one Markdown pass serves both.
    ours = render_version(translation.body, source.body, html=False).blocks
    if ours == theirs:
        return []
    lines = block_lines(translation.body, translation.body_line)
    for index, (mine, wanted) in enumerate(zip(ours, theirs)):
        if mine != wanted:
            line = lines[index] if index < len(lines) else translation.body_line
            return [Problem(translation.path, line, "body",
                            f"block {index + 1} is {_block_name(mine)} but in {source.path} "
                            f"it is {_block_name(wanted)}",
                            "the same headings and paragraphs as the source, in the same order")]
    line = lines[-1] if lines else translation.body_line
    return [Problem(translation.path, line, "body",
                    f"has {len(ours)} blocks but {source.path} has {len(theirs)}",
                    "one paragraph or heading for each of the source's, in the same order")]


def check_labels(case_figures: tuple[KeyFigure, ...], translation: Version) -> list[Problem]:
    """Return problems with a translation's figure labels: each source figure labelled, no others."""
    ids = [f.id for f in case_figures]
    problems = []
    for figure_id, label in translation.figure_labels.items():
        if figure_id not in ids:
            problems.append(Problem(translation.path, translation.line_of(f"key_figures.{figure_id}"),
                                    f"key_figures.{figure_id}", "is not a figure of the source",
                                    f"one of: {', '.join(ids) or 'none (the source has no figures)'}"))
        elif not isinstance(label, str) or not label.strip():
            problems.append(Problem(translation.path, translation.line_of(f"key_figures.{figure_id}"),
                                    f"key_figures.{figure_id}", "has no label", "the figure's label as text"))
    missing = [i for i in ids if i not in translation.figure_labels]
    if missing:
        problems.append(Problem(translation.path, translation.line_of("key_figures"), "key_figures",
                                f"no label for: {', '.join(missing)}",
                                "one 'figure-id: label' line for each key figure of the source"))
    return problems


def _pair(sources: dict[str, tuple[Version, Facts]], translations: list[Version],
          config: Config, unreadable: set[str]) -> tuple[list[Case], list[Problem]]:
    """Return the cases with their translations; `unreadable` sources were reported already."""
    problems: list[Problem] = []
    offered: dict[str, list[Version]] = {slug: [] for slug in sources}  # each case's translations, in order
    for translation in translations:
        slug = translation.translation_of
        if slug in unreadable and slug not in sources:
            continue
        if slug not in sources:
            problems.append(Problem(translation.path, translation.line_of("translation_of"), "translation_of",
                                    f"'{slug}' is not a case in {config.source_language}",
                                    "the slug of an existing source case: "
                                    + (", ".join(sorted(sources)) or "there are none yet")))
            continue
        offered[slug].append(translation)
    cases = []
    for slug, (source, facts) in sources.items():
        mine = offered[slug]
        case, found = _PAIRS(slug, (source, facts, config, *mine), lambda: _case(source, facts, mine, config))
        cases.append(case)
        problems += found
    cases.sort(key=lambda c: (c.order, c.slug))
    return cases, problems


_FIGURES = Recall()  # the preview's: each case's last key figures
_PAIRS = Recall()  # the preview's: a case made of the very same versions is the very same Case


def _case(source: Version, facts: Facts, translations: list[Version], config: Config) -> tuple[Case, list[Problem]]:
    """Return a case with those of its translations that follow the source, and a problem for
    each that does not."""
    problems: list[Problem] = []
    versions = {config.source_language: source}
    for translation in translations:
        twin = versions.get(translation.lang)
        if twin:
            problems.append(Problem(translation.path, translation.line_of("translation_of"), "translation_of",
                                    f"'{source.slug}' is already translated into {translation.lang} by {twin.path}",
                                    "one translation per language; delete or rename one"))
            continue
        found = check_labels(facts.figures, translation) + check_alignment(source, translation)
        problems += found
        if not found:
            versions[translation.lang] = translation
    figures = tuple(replace(f, labels={lang: v.figure_labels[f.id] for lang, v in versions.items()})
                    for f in facts.figures)
    # The last figures of this case, where they are written the same: what is made of them
    # (the figures page's ranking) is then recalled too, while a body is being edited.
    last = _FIGURES.get(source.slug, ())
    figures = last if last is not None and repr(last) == repr(figures) else figures
    _FIGURES.put(source.slug, (), figures)
    return Case(source.slug, facts.order, facts.areas, facts.themes, facts.date, figures,
                dict(sorted(versions.items())), facts.draft), problems


def _is_remote(address: str) -> bool:
    """Return True for an address on another web site."""
    try:
        return address.startswith("//") or urlsplit(address).scheme in ("http", "https")
    except ValueError:  # 'http://[::1' and the like: not an address at all
        return False


def check_links(version: Version, rendered: Rendered, cases: dict[str, Case], drafts: set[str],
                images: dict[str, Path], source_language: str,
                unreadable: frozenset[str] = frozenset()) -> tuple[list[Problem], set[str]]:
    """Return a problem for each link to a case, section or image that does not exist, read from
    the links and images the Markdown produced (inline, reference-style or raw HTML alike), and
    the images the version uses. Links to `unreadable` cases are left alone: reported already."""
    problems, used = [], set()
    lines = locate(version.body, [link.address or link.alt or "<img" for link in rendered.links],
                   version.body_line)
    for link, line in zip(rendered.links, lines):
        tag, address = link.tag, link.address
        where = (version.path, line)
        if tag == "a" and address.startswith("case:"):
            slug, _, anchor = address[len("case:"):].partition("#")
            target = cases.get(slug)
            if target is None and slug in unreadable:
                continue
            if target is None:
                why = "is a draft, not published" if slug in drafts else "is not a case"
                problems.append(Problem(*where, "link", f"case:{slug} {why}",
                                        "case:SLUG with the slug of a published case, e.g. case:"
                                        + (next(iter(cases), "my-case"))))
            elif anchor and anchor not in {h.anchor for h in render_markdown(
                    target.versions[source_language].body, html=False).headings}:
                problems.append(Problem(*where, "link", f"case:{slug}#{anchor}: no such section",
                                        "the anchor of one of that case's headings"))
        elif tag == "img" and not address:
            problems.append(Problem(*where, "image", "has no address", f"![description]({IMAGES_DIR}/NAME)"))
        elif tag == "img" or address.startswith(f"{IMAGES_DIR}/"):
            name = address if address in images else unquote(address)  # images/a%20b.png is 'a b.png'
            if name in images:
                used.add(name)
            elif tag == "img" and _is_remote(address):
                problems.append(Problem(*where, "image", f"'{address}' is on another site",
                                        f"copy the image into content/{IMAGES_DIR}/ and write {IMAGES_DIR}/NAME"))
            else:
                problems.append(Problem(*where, "image" if tag == "img" else "link",
                                        f"'{address}' does not exist",
                                        f"a file in content/{IMAGES_DIR}/, written {IMAGES_DIR}/NAME"))
    return problems, used


def check_orders(sources: dict[str, tuple[Version, Facts]]) -> list[Problem]:
    """Return a problem for each case that takes a position in the booklet another case has."""
    first: dict[int, Version] = {}
    problems = []
    for version, facts in sorted(sources.values(), key=lambda pair: pair[0].path):
        if facts.order in first:
            problems.append(Problem(version.path, version.line_of("order"), "order",
                                    f"{facts.order} is also the order of {first[facts.order].path}",
                                    "each case its own position in the booklet"))
        else:
            first[facts.order] = version
    return problems


_CONFIG: Config | None = None  # the config the worker processes parse files with (inherited: fork)
_PARSED = Recall()  # the preview's: a file whose text is the very same parses to the very same objects


def _parse(text: str, path: str):
    return parse_version(text, path, _CONFIG)


def parse_versions(texts: dict[str, str], config: Config, cache: Cache | None = None,
                   workers: int = 1) -> dict[str, tuple]:
    """Return parse_version's answer for each file (path → text), from the cache for a file seen
    before with the same text and data files, the others parsed on `workers` processes."""
    global _CONFIG
    answers = {path: _PARSED.get(path, (text, config), None) for path, text in texts.items()}
    missing = {path: texts[path] for path, answer in answers.items() if answer is None}
    if cache is None:
        computed = {path: parse_version(text, path, config) for path, text in missing.items()}
    else:
        settings = hashlib.sha256(pickle.dumps(config)).hexdigest()
        jobs = {path: cache_key("version", settings, path, text) for path, text in missing.items()}
        _CONFIG = config
        try:
            parsed = compute_all({job: (missing[path], path) for path, job in jobs.items()}, _parse,
                                 cache, "version", workers, inherited=True)
        finally:
            _CONFIG = None
        computed = {path: parsed[job] for path, job in jobs.items()}
    for path, answer in computed.items():
        _PARSED.put(path, (texts[path], config), answer)
        answers[path] = answer
    return answers


def read_versions(texts: dict[str, str | None], config: Config, cache: Cache | None = None, workers: int = 1):
    """Return the source cases (with their facts), the translations, the foreword's versions, the
    stems of sources that could not be read, and every problem with the files."""
    problems: list[Problem] = []
    sources: dict[str, tuple[Version, Facts]] = {}
    translations: list[Version] = []
    foreword: dict[str, Version] = {}
    unreadable: set[str] = set()  # stems of source files with problems of their own
    pages = {}
    for path, text in sorted(texts.items()):
        if not path.endswith(".md") or path.rsplit("/", 1)[-1].lower() == "readme.md":
            continue
        if not (path.startswith(f"{CASES_DIR}/") or path.startswith(f"{FOREWORD}.")):
            problems.append(Problem(path, 1, "file", "is neither a case nor the foreword",
                                    f"cases go in content/{CASES_DIR}/; the foreword is "
                                    f"content/{FOREWORD}.LANG.md"))
            continue
        pages[path] = text
    answers = parse_versions({p: t for p, t in pages.items() if t is not None}, config, cache, workers)
    for path, text in pages.items():
        parsed, found = answers[path] if text is not None else (None, [])
        problems += found
        if not parsed:
            name = path.rsplit("/", 1)[-1]
            if name.endswith(f".{config.source_language}.md"):
                unreadable.add(FOREWORD if path.startswith(f"{FOREWORD}.") else name.split(".", 1)[0])
            continue
        version, facts = parsed
        if path.startswith(f"{FOREWORD}."):
            foreword[version.lang] = version
        elif facts is None:
            translations.append(version)
        elif version.slug in sources:  # said in both files: either may be the one to change
            other = sources[version.slug][0]
            for mine, theirs in ((other, version), (version, other)):
                problems.append(Problem(mine.path, mine.line_of("slug"), "slug" if "slug" in mine.lines
                                        else "file name", f"'{version.slug}' is also the slug of {theirs.path}",
                                        "a different file name, or a 'slug:' of its own"))
        else:
            sources[version.slug] = (version, facts)
    return sources, translations, foreword, unreadable, problems


def _align_foreword(foreword: dict[str, Version], source: str,
                    unreadable: set[str]) -> tuple[dict[str, Version], list[Problem]]:
    """Return the foreword's versions that follow the source's, and a problem for each that does
    not (none when the source's own file had problems: those were reported)."""
    if not foreword or FOREWORD in unreadable:
        return {}, []
    if source not in foreword:
        return {}, [Problem(f"{FOREWORD}.{source}.md", 1, "file", "missing",
                            "the foreword in the source language, which the others translate")]
    problems, kept = [], {}
    for lang, version in sorted(foreword.items()):
        found = check_alignment(foreword[source], version) if lang != source else []
        problems += found
        if not found:
            kept[lang] = version
    return kept, problems


def _prerender(sources: dict[str, tuple[Version, Facts]], translations: list[Version],
               foreword: dict[str, Version], config: Config, cache: Cache, workers: int) -> None:
    """Render every body at once (sources first: translations take their anchors), but those
    rendered last time with the very same texts (the preview)."""
    source = config.source_language
    jobs = {v.path: (v.body,) for v, _ in sources.values()}
    jobs.update({t.path: (t.body, sources[t.translation_of][0].body) for t in translations
                 if t.translation_of in sources})
    if source in foreword:
        jobs.update({v.path: (v.body,) if lang == source else (v.body, foreword[source].body)
                     for lang, v in foreword.items()})
    jobs = {path: texts for path, texts in jobs.items() if not _PRERENDERED.get(path, (config, *texts))}
    prerender([texts[0] for texts in jobs.values() if len(texts) == 1],
              [texts for texts in jobs.values() if len(texts) == 2], config.allow_raw_html, cache, workers)
    for path, texts in jobs.items():
        _PRERENDERED.put(path, (config, *texts), True)


_PRERENDERED = Recall()  # the preview's: the bodies rendered already, by file


_SHAPES = Recall()  # the preview's: a body's shape (its links), while it and its source are the very same


def build_site(texts: dict[str, str | None], config: Config, images: dict[str, Path] | None = None,
               preview: bool = False, cache: Cache | None = None, workers: int = 1) -> tuple[Site | None, list[Problem]]:
    """Return the Site from the decoded Markdown files (None: unreadable), or None and every problem.

    Drafts are checked always, but kept only in a preview. Of the `images`, only those a
    page uses are kept, to be published. `texts` is emptied once read: the versions hold what
    the site needs of them, and a large site's text is not held twice while its bodies render.
    """
    images = images or {}
    sources, translations, foreword, unreadable, problems = read_versions(texts, config, cache, workers)
    texts.clear()
    if cache is not None:
        _prerender(sources, translations, foreword, config, cache, workers)
    problems += check_orders(sources)
    foreword, found = _align_foreword(foreword, config.source_language, unreadable)
    problems += found
    cases, found = _pair(sources, translations, config, unreadable)
    problems += found
    drafts = {c.slug for c in cases if c.draft}
    published = [c for c in cases if preview or not c.draft]
    if not preview and not published and not problems:
        problems.append(Problem(CASES_DIR, 1, "cases", "no case to publish" + (
            f": all {len(cases)} are drafts" if cases else ""), "write one with 'python build.py new', "
            "or delete the line 'draft: true' of a finished one"))
    by_slug, source, used = {c.slug: c for c in published}, config.source_language, set()
    for versions in [c.versions for c in published] + [foreword]:
        for lang, version in versions.items():
            rendered = _SHAPES(version.path, (version, versions[source], config),
                               lambda: render_body(versions, lang, config, html=False))
            if rendered.links:
                found, uses = check_links(version, rendered, by_slug, drafts, images, source, frozenset(unreadable))
                problems += found
                used |= uses
    if problems:
        return None, problems
    return Site(config, foreword, tuple(published), {path: images[path] for path in sorted(used)}, preview,
                tuple(sorted(set(images) - used))), []
