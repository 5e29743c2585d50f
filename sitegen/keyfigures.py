"""Editorial checks of key figures: each in the text, credited to its area in a case of several,
marked when the text only projects it, dated where the text dates it, and every quantity the text
reports held as a key figure (the booklet's policy, said in the README)."""
from __future__ import annotations

import re
from decimal import Decimal

from .errors import ERROR, WARNING, Problem
from .figures import KeyFigure, format_figure
from .markup import find_line
from .model import Case, Site

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
        return format(number.to_integral_value(), ",f")  # no int(): a number may have any length
    return f"{number.normalize():f}"


def check_figures(site: Site) -> list[Problem]:
    """Return findings for key figures: missing from a body, uncredited, unmarked as projected or
    undated, quantities of the text that are not key figures, and Chinese numbers missing in translation."""
    findings, source = [], site.config.source_language
    for case in site.cases:
        findings += check_policy(case, site) + check_credit_and_time(case, site)
        for lang, version in case.versions.items():
            body = " ".join(version.body.split("\n"))
            for figure in case.figures:
                shown = format_figure(figure, site.config.ui[lang])
                if shown.lower() not in body.lower():  # "More than 1,000" opens a sentence
                    findings.append(Problem.finding(version.path, version.line_of("key_figures"), ERROR,
                                            f"key figure '{figure.id}' ({shown}) does not appear in the text",
                                            "make the text and the figure say the same"))
        for lang, version in case.versions.items():
            if lang == source or lang != "en":
                continue
            expected = numbers_zh(case.versions[source].body)
            found = numbers_en(version.body)
            for number in sorted(set(expected)):
                if number not in found:
                    findings.append(Problem.finding(version.path, version.body_line, WARNING,
                                            f"the Chinese text has the number {plain_number(number)} "
                                            "but the English does not",
                                            "check that the figure is translated and identical"))
    return findings


# A quantity the text reports: digits, 余 or 多, 万 or 亿, then a counter or unit. Not one: a number
# in quotes (“1”个), before + (1+74+N), in a name (1655全域…, 5A), a date (3月), a duration (4个月).
_QUANTITY = re.compile(r"(?<![\d.“‘\"'+])(\d+(?:\.\d+)?)(余|多)?(万|亿)?"
                       r"(人次|名|次|个(?!月|小时|星期|工作日)|家|场|起|件|条|项|元|户|人|艘|所|座|批|%)(?![”’\"'+])")
# Words by which a Chinese sentence says a figure could or will be reached, not that it was.
_PROJECTED = re.compile(r"可(?!以说)|预计|有望|将|力争|预期")
# Words that date a figure in the text (以来 since, 累计 in all, 目前 so far…), and in a label.
_TIME_FRAME = re.compile(r"今年以来|成立以来|上线以来|\d+个月来|\d+年来|已?累计|至今|目前|现已|已有")
_ZH_TIME_WORDS = re.compile(r"以来|来|累计|目前|至今|已|今年|现")
_EN_TIME_WORDS = re.compile(r"\b(since|so far|to date|this year|in all|months?|now|current)\b", re.IGNORECASE)


def _sentence_before(text: str, end: int) -> str:
    """Return the sentence of `text` that runs up to `end`."""
    start = max(text.rfind(mark, 0, end) for mark in "。！？；\n") + 1
    return text[start:end]


def _suffix(figure: KeyFigure, ui: dict) -> str:
    return ui["units"][figure.unit].get("suffix", "")


def held_quantities(case: Case, ui: dict) -> set[tuple[Decimal, str]]:
    """Return (value, counter) for every key figure of a case, both ends of a range included."""
    held = set()
    for figure in case.figures:
        values = figure.value if isinstance(figure.value, tuple) else (figure.value,)
        held |= {(Decimal(str(v)), _suffix(figure, ui)) for v in values}
    return held


def check_policy(case: Case, site: Site) -> list[Problem]:
    """Return a finding for each quantity the source text reports that no key figure holds."""
    source = site.config.source_language
    version, ui = case.versions[source], site.config.ui[source]
    held = held_quantities(case, ui)
    lines, findings = version.body.split("\n"), []
    for match in _QUANTITY.finditer(version.body):
        number, _, scale, counter = match.groups()
        value = Decimal(number) * {"万": 10**4, "亿": 10**8}.get(scale or "", 1)
        if (value, counter) in held:
            continue
        context = version.body[max(0, match.start() - 10):match.end() + 6].replace("\n", " ")
        findings.append(Problem.finding(version.path, find_line(lines, match.group(), version.body_line), WARNING,
                                f"the text reports {match.group()} (…{context}…), which no key figure holds",
                                "add it to key_figures: every quantity the text reports is a key figure "
                                "(names, dates and durations are not)"))
    return findings


def check_credit_and_time(case: Case, site: Site) -> list[Problem]:
    """Return findings for figures of a case of several areas that name no area, projected figures
    not marked so (or marked but not projected), and labels that drop the text's time frame."""
    source = site.config.source_language
    version, findings = case.versions[source], []
    where = (version.path, version.line_of("key_figures"))
    body = " ".join(version.body.split("\n"))
    for figure in case.figures:
        if len(case.areas) > 1 and not figure.area:
            findings.append(Problem.finding(*where, WARNING, f"key figure '{figure.id}' does not say which of the case's "
                                    f"areas it belongs to", f"area: one of {', '.join(case.areas)}"))
        shown = format_figure(figure, site.config.ui[source])
        at = body.find(shown)
        if at < 0:
            continue  # reported by check_figures
        sentence = _sentence_before(body, at)
        projected = _PROJECTED.search(sentence)
        if projected and not figure.projected:
            findings.append(Problem.finding(*where, WARNING, f"key figure '{figure.id}' ({shown}) is one the text says "
                                    f"could be reached ('{projected.group()}…'), not one reached",
                                    "projected: true, and a label that says so in every language"))
        elif figure.projected and not projected:
            findings.append(Problem.finding(*where, WARNING, f"key figure '{figure.id}' is marked projected, but the text "
                                    "reports it as reached", "delete 'projected: true'"))
        dated = None if figure.projected else _TIME_FRAME.search(sentence)  # a projection has no date
        if dated and not _ZH_TIME_WORDS.search(figure.labels[source]):
            findings.append(Problem.finding(*where, WARNING, f"key figure '{figure.id}': the text dates it "
                                    f"('{dated.group()}') but its label does not", "say the time frame in "
                                    "the label, e.g. 上线以来…, 今年以来…, 目前…"))
        for lang, other in case.versions.items():
            if lang != source and dated and lang == "en" and not _EN_TIME_WORDS.search(figure.labels[lang]):
                findings.append(Problem.finding(other.path, other.line_of(f"key_figures.{figure.id}"), WARNING,
                                        f"key figure '{figure.id}': the text dates it ('{dated.group()}') but "
                                        "the label does not", "say the time frame in the label, e.g. since "
                                        "launch, since the start of the year, so far"))
    return findings
