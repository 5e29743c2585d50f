"""Interface strings: the package's defaults overlaid by a content folder's ui.yaml, checked
against the shape the templates and number formats use, so a slip is a message, not a crash."""
from __future__ import annotations

import difflib
import re
import string
from pathlib import Path

import yaml

from . import schema as s
from .errors import Problem
from .yamltext import Lines

UI_FILE = "ui.yaml"
DEFAULT_UI = yaml.safe_load((Path(__file__).parent / UI_FILE).read_text("utf-8"))
REFERENCE = DEFAULT_UI["en"]  # every language needs every string this one has
_FIX = f"compare with the 'en' block of sitegen/{UI_FILE}"


def placeholders(text: str) -> set[str] | None:
    """Return the {names} a format string fills in, or None when its braces do not pair up or a
    placeholder is more than a name ({n:>9}, {n!r}, {n.real}: Python's format mini-language)."""
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None]
    except ValueError:
        return None
    if any(spec or conversion or not name.isidentifier() for name, spec, conversion in fields):
        return None
    return {name for name, _, _ in fields}


def month_names(text: str) -> list[str]:
    """Return the twelve month names of a `month_names` string: separated by spaces or list commas."""
    return [name for name in re.split(r"[\s、，,]+", text) if name]


def _line(data: object, key: str) -> int:
    """Return the line of `key` in a mapping read from YAML, or 1."""
    return data.line_of(key) if isinstance(data, Lines) else 1


def check_text(value: object, reference: str, where: str, line: int, path: str) -> list[Problem]:
    """Return problems with one string: not text, or {placeholders} the reference does not fill in."""
    if not isinstance(value, str):
        return [Problem(path, line, where, f"expected text, got {s.type_name(value)}", _FIX)]
    wanted = placeholders(reference) or set()
    if not wanted:  # never formatted: braces are plain text
        return []
    found = placeholders(value)
    if found is None:
        return [Problem(path, line, where, "has a '{' or '}' that does not pair up, or a placeholder that "
                        "is more than a {name}", f"write the placeholders as in the default: '{reference}'")]
    unknown = sorted(found - wanted)
    if unknown:
        return [Problem(path, line, where, f"'{{{unknown[0]}}}' is not a placeholder of this text",
                        f"use only {', '.join('{' + w + '}' for w in sorted(wanted))}")]
    if where.split(".")[-2:-1] == ["figure"] and found != wanted:  # a figure must show all it is
        missing = sorted(wanted - found)
        return [Problem(path, line, where, f"leaves out {', '.join('{' + m + '}' for m in missing)}",
                        f"every placeholder of the default: '{reference}'")]
    return []


def _check_units(value: object, groups: set[str], where: str, line: int, path: str) -> list[Problem]:
    if not isinstance(value, dict):
        return [Problem(path, line, where, f"expected one entry per unit, got {s.type_name(value)}", _FIX)]
    problems = []
    for unit, shape in value.items():
        here = f"{where}.{unit}"
        if not isinstance(shape, dict):
            problems.append(Problem(path, _line(value, unit), here,
                                    f"expected prefix, suffix and group, got {s.type_name(shape)}", _FIX))
            continue
        for key, text in shape.items():
            if key not in ("prefix", "suffix", "group"):
                problems.append(Problem(path, _line(shape, key), f"{here}.{key}", "unknown field",
                                        "known fields: prefix, suffix, group"))
            elif not isinstance(text, str):
                problems.append(Problem(path, _line(shape, key), f"{here}.{key}",
                                        f"expected text, got {s.type_name(text)}", _FIX))
            elif key == "group" and text not in groups:
                problems.append(Problem(path, _line(shape, key), f"{here}.group", f"'{text}' is not a group",
                                        f"one of: {', '.join(sorted(groups))}"))
    return problems


def _check_magnitudes(value: object, where: str, line: int, path: str) -> list[Problem]:
    pairs = isinstance(value, list) and all(
        isinstance(p, list) and len(p) == 2 and isinstance(p[0], int) and not isinstance(p[0], bool)
        and p[0] > 1 and isinstance(p[1], str) for p in value)
    return [] if pairs else [Problem(path, line, where, "expected a list of [size, word] pairs, each size a "
                                     "whole number above 1", "e.g. [[1000000, \" million\"]]")]


def check_strings(given: object, reference: dict, where: str, line: int, path: str) -> list[Problem]:
    """Return problems with one language's strings (or a nested group of them, at `line`) against
    the reference."""
    if not isinstance(given, dict):
        return [Problem(path, line, where, f"expected 'name: text' lines, got {s.type_name(given)}", _FIX)]
    problems = []
    for key, value in given.items():
        here = f"{where}.{key}"
        line = _line(given, key)
        if key not in reference:
            guess = difflib.get_close_matches(str(key), list(reference), n=1)
            problems.append(Problem(path, line, here, "is not an interface string",
                                    f"did you mean '{guess[0]}'?" if guess else _FIX))
        elif key == "units":
            problems += _check_units(value, set(REFERENCE["figure_groups"]), here, line, path)
        elif key == "magnitudes":
            problems += _check_magnitudes(value, here, line, path)
        elif key == "month_names" and (not isinstance(value, str) or len(month_names(value)) != 12):
            problems.append(Problem(path, line, here, "expected the twelve month names, separated by spaces or '、'",
                                    f"e.g. '{reference[key]}'"))
        elif isinstance(reference[key], dict):
            problems += check_strings(value, reference[key], here, line, path)
        else:
            problems += check_text(value, reference[key], here, line, path)
    return problems


def merge_ui(custom: object, codes: list[str], path: str = UI_FILE) -> tuple[dict[str, dict], list[Problem]]:
    """Return interface strings per language: package defaults overlaid by the content's ui.yaml."""
    problems: list[Problem] = []
    if custom is not None and not isinstance(custom, dict):
        return {}, [Problem(path, 1, "file", f"expected one block per language, got "
                            f"{s.type_name(custom)}", "'zh:' and 'en:' blocks of 'name: text' lines")]
    custom = custom or {}
    for code in custom:
        if code not in codes:
            problems.append(Problem(path, _line(custom, code), str(code), "is not a language of this booklet",
                                    f"one of: {', '.join(codes)}"))
    ui: dict[str, dict] = {}
    for code in codes:
        given = custom.get(code) or {}
        found = check_strings(given, REFERENCE, code, _line(custom, code), path)
        problems += found
        if found:
            continue
        default = DEFAULT_UI.get(code, {})
        merged = {**default, **given}
        for key, value in given.items():  # a group given in part keeps the defaults' other entries
            if isinstance(value, dict) and isinstance(default.get(key), dict):
                merged[key] = {**default[key], **value}
        missing = [key for key in REFERENCE if key not in merged]
        missing += [f"{key}.{name}" for key in ("figure", "figure_groups") if key in merged
                    for name in REFERENCE[key] if name not in merged[key]]
        if missing:
            problems.append(Problem(path, _line(custom, code), code, f"no interface text for: {', '.join(missing)}",
                                    f"add them under '{code}:' in content/{UI_FILE}, "
                                    "using the 'en' block of sitegen/ui.yaml as a model"))
        ui[code] = merged
    return ui, problems
