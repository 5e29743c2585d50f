"""Typography of every text a reader sees: Chinese (full-width punctuation, no space between
Chinese and Latin or digits, no doubled words, no stray breaks) and English (curly quotes), in the
cases, the data files, the interface strings and the pages the templates generate."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from .content import Version
from .cache import on_cores_sharing
from .errors import WARNING, Problem
from .markup import HAN, block_lines, find_line
from .yamltext import Lines, LinesList

_HAN = HAN
_HALF_PUNCT = re.compile(rf"(?<={_HAN})[,:;?!]|[,:;?!](?=\s*{_HAN})")
# Each run is tried from its start only (the look-behind): a long run costs its length, not its square.
_SPACE_MIX = re.compile(rf"{_HAN} +[A-Za-z0-9]+|(?<![A-Za-z0-9%])[A-Za-z0-9%]+ +{_HAN}")
_DOUBLED = re.compile(rf"({_HAN}{{2,4}})\1")
# A straight quote that opens or closes Chinese words: "上云"
# A few characters of context on each side, never a whole run (that would cost its square).
_STRAIGHT_IN_CHINESE = re.compile(
    rf"{_HAN}{{0,6}}[\"'][^\"'\n]{{0,20}}?{_HAN}[^\"'\n]{{0,20}}?[\"']{_HAN}{{0,6}}|{_HAN}[\"']|[\"']{_HAN}")
_FOOTNOTE_MARK = re.compile(r"^\[\^[^\]]+\]:|\[\^[^\]]+\]")  # Markdown's [^note] and [^note]: …
_SENTENCE_END = re.compile(r"[。？！…：；”」』）)\]*_>|]$|^[#>\-*|!<]|^\d+\.")


def _inline_slips(line: str, path: str, number: int) -> list[Problem]:
    """Return the slips within one line of Chinese: half-width punctuation, spacing, doubled words."""
    findings = []
    for match in _HALF_PUNCT.finditer(line):
        full = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}[match.group()]
        findings.append(Problem.finding(path, number, WARNING, f"half-width '{match.group()}' in Chinese text",
                                f"use the full-width '{full}'"))
    for match in _SPACE_MIX.finditer(line):
        findings.append(Problem.finding(path, number, WARNING,
                                f"space between Chinese and Latin or digits: '{match.group()}'",
                                "this booklet writes them without a space, e.g. 1000余名"))
    match = _STRAIGHT_IN_CHINESE.search(line)  # once a line: its quotes are one slip to mend
    if match:
        findings.append(Problem.finding(path, number, WARNING, f"straight quote in Chinese text: '{match.group()}'",
                                "use the full-width quotes “ ”"))
    for match in _DOUBLED.finditer(line):
        findings.append(Problem.finding(path, number, WARNING, f"doubled words: '{match.group()}'",
                                "delete one of them"))
    return findings


def check_typography(version: Version) -> list[Problem]:
    """Return typographic slips in a Chinese text: half-width punctuation, spacing, doubled words, stray breaks."""
    findings = []
    for key in ("title", "lead", "summary", "byline"):
        findings += _inline_slips(getattr(version, key), version.path, version.line_of(key))
    chunks = [c for c in re.split(r"\n[ \t]*\n", version.body) if c.strip()]
    starts = block_lines(version.body, version.body_line)
    for index, (chunk, start) in enumerate(zip(chunks, starts)):
        for offset, line in enumerate(chunk.strip("\n").split("\n")):
            findings += _inline_slips(_FOOTNOTE_MARK.sub("", line), version.path, start + offset)
        lines = [l for l in chunk.strip("\n").split("\n") if l.strip()]
        first = lines[0].strip()
        if len(lines) > 1 and not first.startswith(("-", "*", "|", ">")) and not re.match(r"\d+\.", first):
            findings.append(Problem.finding(version.path, start, WARNING,
                                    f"paragraph broken over {len(lines)} lines",
                                    "join the lines: a line break inside Chinese text is not needed"))
        last = lines[-1].strip()
        if index + 1 < len(chunks) and re.search(f"{_HAN}$", last) and not _SENTENCE_END.search(first):
            findings.append(Problem.finding(version.path, start + len(lines) - 1, WARNING,
                                    f"paragraph ends mid-sentence: '…{last[-8:]}'",
                                    "a stray blank line? join it with the next paragraph"))
    return findings


# --- English: curly quotes -------------------------------------------------------------------

_STRAIGHT = re.compile(r"[\"']")


def english_slips(text: str, path: str, number: int) -> list[Problem]:
    """Return the first straight quote or apostrophe in a line of English prose."""
    m = _STRAIGHT.search(text)  # once a line: its quotes are one slip to mend
    return [Problem.finding(path, number, WARNING, f"straight quote in English text: '{text[max(0, m.start() - 12):m.end() + 12]}'",
                    "use curly quotes “ ” and the apostrophe ’")] if m else []


def check_english(version: Version, text_runs: list[str]) -> list[Problem]:
    """Return straight quotes in an English version: its fields, and its body as the page shows it
    (`text_runs`, so that Markdown's own quotes in links and attributes do not count)."""
    findings = []
    for key in ("title", "lead", "summary", "byline"):
        findings += english_slips(getattr(version, key), version.path, version.line_of(key))
    for label_id, label in version.figure_labels.items():
        findings += english_slips(label, version.path, version.line_of(f"key_figures.{label_id}"))
    lines, warned = version.body.split("\n"), set()
    for run in text_runs:
        for match in _STRAIGHT.finditer(run):
            line = find_line(lines, run[max(0, match.start() - 6):match.end() + 6].strip(), version.body_line)
            if line in warned:  # once a line: its quotes are one slip to mend
                continue
            warned.add(line)
            snippet = run[max(0, match.start() - 12):match.end() + 12]
            findings.append(Problem.finding(version.path, line, WARNING, f"straight quote in English text: '{snippet}'",
                                    "use curly quotes “ ” and the apostrophe ’"))
    return findings


# --- data files and interface strings ----------------------------------------------------------

def check_data_typography(data: object, path: str, source: str, line: int = 1, lang: str = "") -> list[Problem]:
    """Return slips in every text of a parsed data file (site, areas, themes, glossary, ui): the
    texts under the source language's code checked as Chinese, those under 'en' as English."""
    findings: list[Problem] = []
    if isinstance(data, Lines):
        for key, value in data.items():
            here = lang or (key if key in (source, "en") else "")
            if key == "hanzi":
                here = source
            findings += check_data_typography(value, path, source, data.line_of(key), here)
    elif isinstance(data, LinesList):
        for index, item in enumerate(data):
            findings += check_data_typography(item, path, source, data.lines[index], lang)
    elif isinstance(data, str) and lang == source:
        findings += _inline_slips(data, path, line)
    elif isinstance(data, str) and lang == "en":
        findings += english_slips(data, path, line)
    return findings


# --- the pages as generated ----------------------------------------------------------------------

_BLOCKS = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "section", "header",
           "footer", "nav", "ul", "ol", "figure", "figcaption", "br", "title", "table", "tr", "main", "article",
           "aside", "form", "label", "button", "option", "text", "blockquote"}
_SKIPPED = {"script", "style", "code", "pre", "noscript"}


class _Runs(HTMLParser):
    """Cut a page into runs of text as a reader sees them, each with its language and line."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []  # (tag, language)
        self.runs: list[tuple[str, str, int]] = []
        self.buffer, self.buffer_lang, self.buffer_line = "", "", 1

    def lang(self) -> str:
        return next((lang for _, lang in reversed(self.stack) if lang), "")

    def flush(self):
        if self.buffer.strip():
            self.runs.append((self.buffer_lang, " ".join(self.buffer.split()), self.buffer_line))
        self.buffer = ""

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCKS or dict(attrs).get("lang"):
            self.flush()
        if tag not in ("br", "img", "meta", "link", "input", "hr", "source", "circle", "rect", "path"):
            self.stack.append((tag, dict(attrs).get("lang") or ""))

    def handle_endtag(self, tag):
        if tag in _BLOCKS or any(t == tag and lang for t, lang in self.stack[-1:]):
            self.flush()
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        if any(tag in _SKIPPED for tag, _ in self.stack):
            return
        lang = self.lang()
        if lang != self.buffer_lang:
            self.flush()
        if not self.buffer.strip():
            self.buffer_lang, self.buffer_line = lang, self.getpos()[0]
        self.buffer += data


def page_runs(html: str) -> list[tuple[str, str, int]]:
    """Return (language, text, line) for every run of visible text of a page."""
    reader = _Runs()
    reader.feed(html)
    reader.close()
    reader.flush()
    return reader.runs


def check_page_typography(pages: dict[str, str], source_html_lang: str, written: str,
                          workers: int = 1) -> list[Problem]:
    """Return slips in the text the templates and interface strings add to the pages: what the
    content's own files hold (`written`, checked on their own lines) is not reported again.
    Read on `workers` processes when there are many pages (forked: each has the pages already)."""
    paths = sorted(pages, key=lambda path: -len(pages[path]))  # the largest (booklets) dealt out first
    workers = workers if len(paths) >= 200 else 1  # too few to share out
    shares = [paths[n::workers * 8] for n in range(workers * 8)]
    found = on_cores_sharing((pages, source_html_lang, written), _page_slips, [(share,) for share in shares],
                             workers, chunked=True)
    return [finding for share in found for finding in share]


def _page_slips(shared: tuple[dict[str, str], str, str], paths: list[str]) -> list[Problem]:
    pages, source_html_lang, written = shared  # the pages by path, their source language, the content's text
    findings = []
    for path in paths:
        for lang, text, line in page_runs(pages[path]):
            if lang.startswith(source_html_lang):
                slips = _inline_slips(text, path, line)
            elif lang == "en":
                slips = english_slips(text, path, line)
            else:
                continue
            for slip in slips:
                quoted = slip.message.find("'")  # the slip as quoted: from the first ' to the last
                snippet = slip.message[quoted + 1:slip.message.rindex("'")] if quoted >= 0 else ""
                if snippet and snippet.strip() in written:
                    continue
                findings.append(Problem.finding(slip.path, slip.line, WARNING, f"{slip.message} (generated)",
                                                f"{slip.fix}: in the template or interface string that writes it"))
    return findings
