"""Editorial checks beyond what the build enforces: translations, figures, typography, glossary."""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from decimal import Decimal

from .content import Version
from .errors import Problem
from .figures import format_figure
from .markup import Rendered, block_lines, locate
from .model import Site, render_body
from .review import MISSING, STALE, UNREVIEWED, Status
from .scaffold import TODO

ERROR, WARNING, NOTE = "error", "warning", "note"


@dataclass(frozen=True, order=True)
class Finding:
    """One thing `check` reports: where, how serious, what, and how to fix it."""

    path: str
    line: int
    severity: str
    message: str
    fix: str = ""

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.severity}: {self.message}" + (f" ({self.fix})" if self.fix else "")


def from_problems(problems: list[Problem], severity: str = ERROR) -> list[Finding]:
    """Return problems as findings: the build's are errors."""
    return [Finding(p.path, p.line, severity, f"{p.field}: {p.message}", p.expected) for p in problems]


# --- translations --------------------------------------------------------------------------

def check_translations(statuses: list[Status], site: Site) -> list[Finding]:
    """Return a finding for each translation that is missing, stale or never reviewed."""
    findings = []
    for status in statuses:
        case = next(c for c in site.cases if c.slug == status.slug)
        review = f"python build.py review {status.slug} --lang {status.lang}"
        if status.state == MISSING:
            findings.append(Finding(case.versions[site.config.source_language].path, 1, WARNING,
                                    f"no {status.lang} translation",
                                    f"translate it as cases/{status.slug}.{status.lang}.md"))
        elif status.state == UNREVIEWED:
            findings.append(Finding(status.path, 1, WARNING, "translation never marked as reviewed",
                                    f"check it against the source, then run: {review}"))
        elif status.state == STALE:
            version = case.versions[status.lang]
            starts = block_lines(version.body, version.body_line)
            for change in status.changes:
                keys = ("title", "lead", "summary")
                line = (version.line_of(keys[change.block - 1]) if change.block <= 3 else
                        starts[min(change.block - 4, len(starts) - 1)] if starts else version.body_line)
                findings.append(Finding(status.path, line, WARNING,
                                        f"the source's {change.label} (block {change.block}) was "
                                        f"{change.kind} since the translation was reviewed: {change.diff}",
                                        f"update the translation, then run: {review}"))
    return findings


# --- figures -------------------------------------------------------------------------------

_ZH_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿)?")
_EN_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(million|billion))?")
_EN_WORDS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())}
_MONTHS = {m: n for n, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_SCALE = {"万": 10**4, "亿": 10**8, "million": 10**6, "billion": 10**9}


def numbers_zh(text: str) -> list[Decimal]:
    """Return the numbers written in Chinese text, 万 and 亿 multiplied out: 1.63万 → 16300."""
    return [Decimal(n) * _SCALE.get(scale, 1) for n, scale in _ZH_NUMBER.findall(text)]


def numbers_en(text: str) -> list[Decimal]:
    """Return the numbers in English text: separators removed, millions multiplied out, words read."""
    found = [Decimal(n.replace(",", "")) * _SCALE.get(scale, 1) for n, scale in _EN_NUMBER.findall(text)]
    for word in re.findall(r"[A-Za-z]+", text):
        value = _EN_WORDS.get(word.lower(), _MONTHS.get(word.lower()))
        if value is not None:
            found.append(Decimal(value))
    return found


def plain_number(number: Decimal) -> str:
    """Return a number as a reader writes it: 16300 → '16,300', 1.5 → '1.5'."""
    if number == number.to_integral_value():
        return f"{int(number):,}"
    return f"{number.normalize():f}"


def check_figures(site: Site) -> list[Finding]:
    """Return findings for key figures missing from a body, and Chinese numbers missing in translation."""
    findings, source = [], site.config.source_language
    for case in site.cases:
        for lang, version in case.versions.items():
            body = " ".join(version.body.split("\n"))
            for figure in case.figures:
                shown = format_figure(figure, site.config.ui[lang])
                if shown.lower() not in body.lower():  # "More than 1,000" opens a sentence
                    findings.append(Finding(version.path, version.line_of("key_figures"), ERROR,
                                            f"key figure '{figure.id}' ({shown}) does not appear in the text",
                                            "make the text and the figure say the same"))
        for lang, version in case.versions.items():
            if lang == source or lang != "en":
                continue
            expected = numbers_zh(case.versions[source].body)
            found = numbers_en(version.body)
            for number in sorted(set(expected)):
                if number not in found:
                    findings.append(Finding(version.path, version.body_line, WARNING,
                                            f"the Chinese text has the number {plain_number(number)} "
                                            "but the English does not",
                                            "check that the figure is translated and identical"))
    return findings


# --- Chinese typography ----------------------------------------------------------------------

_HAN = r"[\u3400-\u9fff]"
_HALF_PUNCT = re.compile(rf"(?<={_HAN})[,:;?!]|[,:;?!](?=\s*{_HAN})")
_SPACE_MIX = re.compile(rf"{_HAN} +[A-Za-z0-9]+|[A-Za-z0-9%]+ +{_HAN}")
_DOUBLED = re.compile(rf"({_HAN}{{2,4}})\1")
_SENTENCE_END = re.compile(r"[。？！…：；”」』）)\]*_>|]$|^[#>\-*|!<]|^\d+\.")


def _inline_slips(line: str, path: str, number: int) -> list[Finding]:
    """Return the slips within one line of Chinese: half-width punctuation, spacing, doubled words."""
    findings = []
    for match in _HALF_PUNCT.finditer(line):
        full = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}[match.group()]
        findings.append(Finding(path, number, WARNING, f"half-width '{match.group()}' in Chinese text",
                                f"use the full-width '{full}'"))
    for match in _SPACE_MIX.finditer(line):
        findings.append(Finding(path, number, WARNING,
                                f"space between Chinese and Latin or digits: '{match.group()}'",
                                "this booklet writes them without a space, e.g. 1000余名"))
    for match in _DOUBLED.finditer(line):
        findings.append(Finding(path, number, WARNING, f"doubled words: '{match.group()}'",
                                "delete one of them"))
    return findings


def check_typography(version: Version) -> list[Finding]:
    """Return typographic slips in a Chinese text: half-width punctuation, spacing, doubled words, stray breaks."""
    findings = []
    for key in ("title", "lead", "summary"):
        findings += _inline_slips(getattr(version, key), version.path, version.line_of(key))
    chunks = [c for c in re.split(r"\n[ \t]*\n", version.body) if c.strip()]
    starts = block_lines(version.body, version.body_line)
    for index, (chunk, start) in enumerate(zip(chunks, starts)):
        for offset, line in enumerate(chunk.strip("\n").split("\n")):
            findings += _inline_slips(line, version.path, start + offset)
        lines = [l for l in chunk.strip("\n").split("\n") if l.strip()]
        first = lines[0].strip()
        if len(lines) > 1 and not first.startswith(("-", "*", "|", ">")) and not re.match(r"\d+\.", first):
            findings.append(Finding(version.path, start, WARNING,
                                    f"paragraph broken over {len(lines)} lines",
                                    "join the lines: a line break inside Chinese text is not needed"))
        last = lines[-1].strip()
        if index + 1 < len(chunks) and re.search(f"{_HAN}$", last) and not _SENTENCE_END.search(first):
            findings.append(Finding(version.path, start + len(lines) - 1, WARNING,
                                    f"paragraph ends mid-sentence: '…{last[-8:]}'",
                                    "a stray blank line? join it with the next paragraph"))
    return findings


# --- images, links and markup ---------------------------------------------------------------

def check_images(version: Version, rendered: Rendered) -> list[Finding]:
    """Return a finding for each image without a text alternative, as the page has it."""
    lines = locate(version.body, [link.address for link in rendered.links], version.body_line)
    return [Finding(version.path, line, ERROR, f"image '{link.address}' has no alt text",
                    "describe the image between the brackets: ![description](…)")
            for link, line in zip(rendered.links, lines) if link.tag == "img" and not link.alt.strip()]


def check_markup(version: Version, rendered: Rendered) -> list[Finding]:
    """Return a finding for each piece of raw HTML the page leaves out (a script, an onclick…)."""
    lines = locate(version.body, [d.needle for d in rendered.dropped], version.body_line)
    return [Finding(version.path, line, WARNING, f"left out of the page: {dropped.what}",
                    "write it in Markdown: HTML that could run or load something is removed, "
                    "unless site.yaml says allow_raw_html: true, for HTML you fully trust")
            for dropped, line in zip(rendered.dropped, lines)]


def check_unused_images(site: Site) -> list[Finding]:
    """Return a finding for each file in images/ that no page uses: it is not published."""
    return [Finding(path, 1, WARNING, "is used by no page, so it is not published",
                    "use it in a case as ![description](" + path + "), or delete it")
            for path in site.unused_images]


_TONE = re.compile(r"\b\w*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]\w*\b")


def check_glossary(site: Site) -> list[Finding]:
    """Return glossary terms never used, and Chinese or pinyin in translations that the glossary lacks."""
    findings, source = [], site.config.source_language
    source_text = " ".join(f"{v.title} {v.lead} {v.body}" for c in site.cases for v in [c.versions[source]])
    source_text += " ".join(v.body for l, v in site.foreword.items() if l == source)
    known_hanzi = {e.hanzi for e in site.config.glossary}
    known_pinyin = {w.lower() for e in site.config.glossary for w in re.findall(r"\w+", e.pinyin)}
    for entry in site.config.glossary:
        if entry.hanzi not in source_text:
            findings.append(Finding("glossary.yaml", 1, WARNING, f"'{entry.hanzi}' is never used in the cases",
                                    "remove the entry, or check its spelling"))
    for case in site.cases:
        for lang, version in case.versions.items():
            if lang == source:
                continue
            for number, line in enumerate(version.body.split("\n"), start=version.body_line):
                for hanzi in re.findall(rf"{_HAN}+", line):
                    if hanzi not in known_hanzi:
                        findings.append(Finding(version.path, number, WARNING,
                                                f"Chinese '{hanzi}' in the {lang} text is not in the glossary",
                                                "add it to glossary.yaml, or translate it"))
                for word in _TONE.findall(line):
                    if word.lower() not in known_pinyin:
                        findings.append(Finding(version.path, number, WARNING,
                                                f"pinyin '{word}' is not in the glossary",
                                                "add the term to glossary.yaml"))
    return findings


def check_placeholders(version: Version) -> list[Finding]:
    """Return a finding for each field or line that still holds the TODO mark of `build.py new`."""
    findings = [Finding(version.path, version.line_of(key), WARNING, f"{key}: text still to write",
                        f"replace the {TODO} mark with the text")
                for key in ("title", "lead", "summary") if TODO in getattr(version, key)]
    for number, line in enumerate(version.body.split("\n"), start=version.body_line):
        if TODO in line:
            findings.append(Finding(version.path, number, WARNING, "text still to write",
                                    f"replace the {TODO} mark with the text"))
    return findings


def editor_notes(site: Site) -> list[Finding]:
    """Return the notes editors left in the content, so they are not forgotten."""
    return [Finding(v.path, v.line_of("editor_note"), NOTE, v.editor_note)
            for c in site.cases for v in c.versions.values() if v.editor_note]


def run_checks(site: Site, statuses: list[Status]) -> list[Finding]:
    """Return every editorial finding for a site that built."""
    source = site.config.source_language
    findings = check_translations(statuses, site)
    findings += check_figures(site)
    findings += check_glossary(site)
    for case in site.cases:
        findings += check_typography(case.versions[source])
        for lang, version in case.versions.items():
            rendered = render_body(case.versions, lang, site.config)
            findings += check_images(version, rendered) + check_markup(version, rendered)
            findings += check_placeholders(version)
    for lang, version in site.foreword.items():
        rendered = render_body(site.foreword, lang, site.config)
        findings += check_images(version, rendered) + check_markup(version, rendered)
    if source in site.foreword:
        findings += check_typography(site.foreword[source])
    findings += check_unused_images(site)
    return sorted(set(findings + editor_notes(site)))


def format_findings(findings: list[Finding], as_json: bool) -> str:
    """Return the findings as lines for people or as JSON for tools."""
    counts = {s: sum(f.severity == s for f in findings) for s in (ERROR, WARNING, NOTE)}
    if as_json:
        return json.dumps({"findings": [asdict(f) for f in findings], "counts": counts},
                          ensure_ascii=False, indent=1, sort_keys=True)
    lines = [str(f) for f in findings]
    def count(n: int, noun: str) -> str:
        return f"{n} {noun}{'' if n == 1 else 's'}"
    lines.append(f"{count(counts[ERROR], 'error')}, {count(counts[WARNING], 'warning')}, "
                 f"{count(counts[NOTE], 'note')} for editors.")
    return "\n".join(lines)


def format_status(statuses: list[Status], last_changes: dict[str, str]) -> str:
    """Return the translation status as a table: case, language, state, last change, file."""
    rows = [("case", "language", "state", "last change", "file", "page")]
    for status in statuses:
        changed = last_changes.get(status.path or "", "")
        detail = f"{status.state} ({len(status.changes)} changes)" if status.changes else status.state
        page = f"{status.lang}/cases/{status.slug}.html" if status.path else "—"
        rows.append((status.slug, status.lang, detail, changed, status.path or "—", page))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)
