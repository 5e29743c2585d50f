"""The glossary as a rule: each Chinese term has one rendering in each translation (or an accepted
variant), found whatever quotes and plurals the text uses, both by the check and by the tooltips."""
from __future__ import annotations

import functools
import re

from .config import GlossaryEntry
from .errors import WARNING, Problem
from .markup import HAN, block_lines
from .model import Site
from .review import source_blocks
from .scaffold import TODO

_QUOTES = "\"'“”‘’"


def renderings(entry: GlossaryEntry, lang: str) -> list[str]:
    """Return the accepted renderings of a term in `lang`: the glossary's, without a parenthesis,
    then its variants."""
    return list(_renderings(*_words(entry, lang)))


def _words(entry: GlossaryEntry, lang: str) -> tuple[str, tuple[str, ...]]:
    """Return what a term's renderings are made from, hashable (for the memos below)."""
    return entry.translation.get(lang, ""), entry.variants.get(lang, ())


@functools.lru_cache(maxsize=1024)
def _renderings(translation: str, variants: tuple[str, ...]) -> tuple[str, ...]:
    found = []
    for words in (translation, *variants):
        words = re.sub(r"\s*\(.*?\)", "", words).strip()
        if words and words not in found:
            found.append(words)
    return tuple(found)


def term_pattern(entry: GlossaryEntry, lang: str) -> TermPattern | None:
    """Return how a term is found in text: any accepted rendering, any quote mark for a quote mark,
    a hyphen for a space (Party building, Party-building alliance), singular or plural, any case."""
    return _pattern(_renderings(*_words(entry, lang)))


def may_hold(entry: GlossaryEntry, lang: str, folded_text: str) -> bool:
    """Return False when `folded_text` (casefolded) cannot hold the term: no rendering's longest
    run of letters is in it. A quick test, before the slower pattern is searched."""
    return any(needle in folded_text for needle in needles(entry, lang))


def needles(entry: GlossaryEntry, lang: str) -> tuple[str, ...]:
    """Return what may_hold looks for: each rendering's longest run of letters, casefolded."""
    return _needles(*_words(entry, lang))


@functools.lru_cache(maxsize=1024)
def _needles(translation: str, variants: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(max(re.split(f"[ \\-{re.escape(_QUOTES)}]", words), key=len).casefold()
                 for words in _renderings(translation, variants))


_WORD_OR_HYPHEN = re.compile(r"[\w-]")


class TermPattern:
    """A term's regular expression, searched as if it began with (?<![\\w-]): not within a word.
    That test is made here, at each place the expression matches, instead: at the start of the
    expression it made Python's re try every position of the text, and searching took 2.6 times
    as long (glossary tooltips are looked for in every translated page)."""

    def __init__(self, alternatives: str):
        self.regex = re.compile(rf"((?:{alternatives})(?:e?s)?)(?![\w-])", re.IGNORECASE)

    def search(self, text: str) -> re.Match | None:
        """Return the first match of the term in `text` that does not follow a letter or hyphen."""
        position = 0
        while (match := self.regex.search(text, position)) is not None:
            start = match.start()
            if start == 0 or not _WORD_OR_HYPHEN.match(text, start - 1):
                return match
            position = start + 1
        return None


@functools.lru_cache(maxsize=1024)  # asked for on every translated page
def _pattern(renderings: tuple[str, ...]) -> TermPattern | None:
    alternatives = []
    for words in renderings:
        parts = [f"[{re.escape(_QUOTES)}]" if char in _QUOTES else "[ -]" if char in " -" else re.escape(char)
                 for char in words]
        alternatives.append("".join(parts))
    if not alternatives:
        return None
    return TermPattern("|".join(alternatives))


def check_terminology(site: Site) -> list[Problem]:
    """Return a finding for each block of a translation whose source block uses a glossary term
    that the translation does not render as the glossary says (or as one of its variants)."""
    source, findings = site.config.source_language, []
    everything = [c.versions for c in site.cases] + ([site.foreword] if site.foreword else [])
    for versions in everything:
        original = source_blocks(versions[source])
        for lang, version in versions.items():
            if lang == source:
                continue
            blocks = source_blocks(version)
            starts = block_lines(version.body, version.body_line)
            for index, (theirs, ours) in enumerate(zip(original, blocks)):
                if TODO in ours:  # still to write: check reports that instead
                    continue
                for entry in site.config.glossary:
                    pattern = term_pattern(entry, lang)
                    if pattern is None or entry.hanzi not in theirs or pattern.search(ours):
                        continue
                    line = (version.line_of(("title", "lead", "summary")[index]) if index < 3 else
                            starts[min(index - 3, len(starts) - 1)] if starts else version.body_line)
                    accepted = " or ".join(f"'{r}'" for r in renderings(entry, lang))
                    findings.append(Problem.finding(version.path, line, WARNING,
                                            f"the source says {entry.hanzi} here, but the {lang} text does not "
                                            f"say {accepted}", "use the glossary's rendering, or add this "
                                            "one to the entry's variants in glossary.yaml"))
    return findings


_TONE = re.compile(r"\b\w*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]\w*\b")


def check_glossary(site: Site) -> list[Problem]:
    """Return glossary terms never used, and Chinese or pinyin in translations that the glossary lacks."""
    findings, source = [], site.config.source_language
    source_text = " ".join(f"{v.title} {v.lead} {v.body}" for c in site.cases for v in [c.versions[source]])
    source_text += " ".join(v.body for l, v in site.foreword.items() if l == source)
    known_hanzi = {e.hanzi for e in site.config.glossary}
    known_pinyin = {w.lower() for e in site.config.glossary for w in re.findall(r"\w+", e.pinyin)}
    for entry in site.config.glossary:
        if entry.hanzi not in source_text:
            findings.append(Problem.finding("glossary.yaml", 1, WARNING, f"'{entry.hanzi}' is never used in the cases",
                                    "remove the entry, or check its spelling"))
    for case in site.cases:
        for lang, version in case.versions.items():
            if lang == source:
                continue
            for number, line in enumerate(version.body.split("\n"), start=version.body_line):
                for hanzi in re.findall(rf"{HAN}+", line):
                    if hanzi not in known_hanzi:
                        findings.append(Problem.finding(version.path, number, WARNING,
                                                f"Chinese '{hanzi}' in the {lang} text is not in the glossary",
                                                "add it to glossary.yaml, or translate it"))
                for word in _TONE.findall(line):
                    if word.lower() not in known_pinyin:
                        findings.append(Problem.finding(version.path, number, WARNING,
                                                f"pinyin '{word}' is not in the glossary",
                                                "add the term to glossary.yaml"))
    return findings
