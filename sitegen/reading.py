"""Reading aids in the rendered HTML: glossary terms explained at first use, blocks for the parallel view."""
from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

from .config import GlossaryEntry
from .terminology import needles, term_pattern

_TAG = re.compile(r"(<[^>]+>)")
_SKIP = re.compile(r"^<(/?)(a|h[1-6]|code|pre|button|span class=\"gloss)\b")


def explain_terms(html: str, glossary: tuple[GlossaryEntry, ...], lang: str) -> tuple[str, list[GlossaryEntry]]:
    """Return `html` with the first use of each glossary term marked and explained, and the terms used.

    Only running text counts: not headings, links or code.
    """
    # Only the terms the page may hold somewhere (tags included) are looked for in each text:
    # (entry, pattern, needles), the needles of may_hold's quick test found once.
    folded, patterns = html.casefold(), []
    for entry in glossary:
        pattern, looked_for = term_pattern(entry, lang), needles(entry, lang)
        if pattern is not None and any(n in folded for n in looked_for):
            patterns.append((entry, pattern, looked_for))
    used: list[GlossaryEntry] = []
    parts, depth = _TAG.split(html), 0
    for index, part in enumerate(parts):
        if not patterns:
            break
        if part.startswith("<"):
            skip = _SKIP.match(part)
            if skip:
                depth += -1 if skip.group(1) else 1
            continue
        if depth or not part.strip():
            continue
        found, folded = [], part.casefold()  # (start, end, entry): in the text as written, never in a tip
        for entry, pattern, looked_for in patterns:
            match = pattern.search(part) if any(n in folded for n in looked_for) else None
            if match and all(match.end() <= s or match.start() >= e for s, e, _ in found):
                found.append((match.start(), match.end(), entry))
                used.append(entry)
        if found:
            patterns = [p for p in patterns if all(p[0] is not f for _, _, f in found)]
        for start, end, entry in sorted(found, reverse=True):
            part = part[:start] + _marked(entry, lang, part[start:end]) + part[end:]
        parts[index] = part
    return "".join(parts), used


def _marked(entry: GlossaryEntry, lang: str, text: str) -> str:
    tip = (f'<span lang="zh-Hans">{escape(entry.hanzi)}</span> <i>{escape(entry.pinyin)}</i>: '
           f"{escape(entry.explanation.get(lang, ''))}")
    return (f'<span class="gloss"><a class="term" href="#gloss-{entry.slug}" aria-describedby="tip-{entry.slug}">'
            f'{text}</a><span class="tip" role="tooltip" id="tip-{entry.slug}">{tip}</span></span>')


class _Blocks(HTMLParser):
    """Cut HTML into its top-level elements."""

    VOID = {"hr", "img", "br", "input", "meta", "link"}

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.depth, self.blocks, self.start = 0, [], None

    def handle_starttag(self, tag, attrs):
        if self.depth == 0:
            self.start = self.getpos()
        if tag not in self.VOID:
            self.depth += 1
        elif self.depth == 0:
            self.blocks.append((self.start, self.getpos()))

    def handle_endtag(self, tag):
        self.depth -= 1
        if self.depth == 0:
            self.blocks.append((self.start, self.getpos()))


def split_blocks(html: str) -> list[str]:
    """Return the top-level blocks of rendered Markdown, as HTML strings, in order."""
    lines = html.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    parser = _Blocks()
    parser.feed(html)
    blocks = []
    for (line1, col1), (line2, col2) in parser.blocks:
        start = offsets[line1 - 1] + col1
        end_tag = html.find(">", offsets[line2 - 1] + col2) + 1
        blocks.append(html[start:end_tag])
    return blocks
