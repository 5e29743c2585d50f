"""Checked files → the Site: cases paired across languages, grouped by area and theme."""
from __future__ import annotations

import re
from functools import cached_property
from dataclasses import dataclass, replace

from .config import Config, Term
from .content import CASES_DIR, FOREWORD, Facts, Version, parse_version
from .errors import Problem
from .figures import KeyFigure
from .markup import HEADINGS, block_lines, render_markdown, render_version

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
    images: frozenset[str] = frozenset()  # content-relative paths under images/
    preview: bool = False  # drafts included, marked as such

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


def _block_name(tag: str) -> str:
    return f"a level-{tag[1]} heading" if tag in HEADINGS else _BLOCK_NAMES.get(tag, f"a <{tag}>")


def check_alignment(source: Version, translation: Version) -> list[Problem]:
    """Return a problem if the translation's headings and paragraphs do not follow the source's."""
    theirs = render_markdown(source.body).blocks
    # Rendered with the source's anchors, as the page will be: one Markdown pass serves both.
    ours = render_version(translation.body, source.body).blocks
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
    versions: dict[str, dict[str, Version]] = {slug: {config.source_language: v}
                                               for slug, (v, _) in sources.items()}
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
        twin = versions[slug].get(translation.lang)
        if twin:
            problems.append(Problem(translation.path, translation.line_of("translation_of"), "translation_of",
                                    f"'{slug}' is already translated into {translation.lang} by {twin.path}",
                                    "one translation per language; delete or rename one"))
            continue
        source, facts = sources[slug]
        found = check_labels(facts.figures, translation) + check_alignment(source, translation)
        problems += found
        if not found:
            versions[slug][translation.lang] = translation
    cases = []
    for slug, (_, facts) in sources.items():
        figures = tuple(replace(f, labels={lang: v.figure_labels[f.id]
                                           for lang, v in versions[slug].items()})
                        for f in facts.figures)
        cases.append(Case(slug, facts.order, facts.areas, facts.themes, facts.date, figures,
                          dict(sorted(versions[slug].items())), facts.draft))
    cases.sort(key=lambda c: (c.order, c.slug))
    return cases, problems


_CASE_LINK = re.compile(r"\]\(case:([^)#\s]*)(?:#([^)\s]*))?")
_IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)")


def check_references(versions: list[Version], cases: list[Case], drafts: set[str],
                     images: frozenset[str], source_language: str,
                     unreadable: frozenset[str] = frozenset()) -> list[Problem]:
    """Return a problem for each link to a case, section or image that does not exist.

    Links to `unreadable` cases are left alone: those files' own problems were reported.
    """
    by_slug = {c.slug: c for c in cases}
    problems = []
    for version in versions:
        lines = version.body.split("\n")
        for number, line in enumerate(lines, start=version.body_line):
            for slug, anchor in _CASE_LINK.findall(line):
                target = by_slug.get(slug)
                if target is None and slug in unreadable:
                    continue
                if target is None:
                    why = "is a draft, not published" if slug in drafts else "is not a case"
                    problems.append(Problem(version.path, number, "link", f"case:{slug} {why}",
                                            "case:SLUG with the slug of a published case, "
                                            "e.g. case:" + (cases[0].slug if cases else "my-case")))
                elif anchor and anchor not in {h.anchor for h in render_markdown(
                        target.versions[source_language].body).headings}:
                    problems.append(Problem(version.path, number, "link",
                                            f"case:{slug}#{anchor}: no such section",
                                            "the anchor of one of that case's headings"))
            for src in _IMAGE.findall(line):
                if src.startswith(("http://", "https://", "//")):
                    problems.append(Problem(version.path, number, "image", f"'{src}' is on another site",
                                            "copy the image into content/images/ and write images/NAME"))
                elif src not in images:
                    problems.append(Problem(version.path, number, "image", f"'{src}' does not exist",
                                            "a file in content/images/, written images/NAME"))
    return problems


def build_site(texts: dict[str, str | None], config: Config, images: frozenset[str] = frozenset(),
               preview: bool = False) -> tuple[Site | None, list[Problem]]:
    """Return the Site from the decoded Markdown files (None: unreadable), or None and every problem.

    Drafts are checked always, but kept only in a preview.
    """
    problems: list[Problem] = []
    sources: dict[str, tuple[Version, Facts]] = {}
    translations: list[Version] = []
    foreword: dict[str, Version] = {}
    unreadable: set[str] = set()  # stems of source files with problems of their own
    for path, text in sorted(texts.items()):
        if not path.endswith(".md") or path.rsplit("/", 1)[-1].lower() == "readme.md":
            continue
        if not (path.startswith(f"{CASES_DIR}/") or path.startswith(f"{FOREWORD}.")):
            problems.append(Problem(path, 1, "file", "is neither a case nor the foreword",
                                    f"cases go in content/{CASES_DIR}/; the foreword is "
                                    f"content/{FOREWORD}.LANG.md"))
            continue
        parsed, found = parse_version(text, path, config) if text is not None else (None, [])
        problems += found
        if not parsed:
            name = path.rsplit("/", 1)[-1]
            if name.endswith(f".{config.source_language}.md"):
                unreadable.add(name.split(".", 1)[0])
            continue
        version, facts = parsed
        if path.startswith(f"{FOREWORD}."):
            foreword[version.lang] = version
        elif facts is None:
            translations.append(version)
        elif version.slug in sources:
            problems.append(Problem(path, 1, "slug",
                                    f"'{version.slug}' is also the slug of {sources[version.slug][0].path}",
                                    "a different file name, or a 'slug:' of its own"))
        else:
            sources[version.slug] = (version, facts)
    if foreword and config.source_language in foreword:
        source = foreword[config.source_language]
        for lang, version in list(foreword.items()):
            if lang != config.source_language:
                found = check_alignment(source, version)
                problems += found
                if found:
                    del foreword[lang]
    elif foreword:
        problems.append(Problem(f"{FOREWORD}.{config.source_language}.md", 1, "file", "missing",
                                "the foreword in the source language, which the others translate"))
    cases, found = _pair(sources, translations, config, unreadable)
    problems += found
    drafts = {c.slug for c in cases if c.draft}
    published = [c for c in cases if preview or not c.draft]
    versions = [v for c in published for v in c.versions.values()] + list(foreword.values())
    problems += check_references(versions, published, drafts, images, config.source_language,
                                 frozenset(unreadable))
    if problems:
        return None, problems
    return Site(config, dict(sorted(foreword.items())), tuple(published), images, preview), []
