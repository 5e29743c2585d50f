"""Field-by-field checks of YAML mappings, each failure a Problem with what was expected."""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Callable

from .errors import Problem
from .yamltext import Lines

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_HELP = "lowercase ASCII letters, digits and single hyphens, e.g. 'dinghai-three-cultivations'"


def type_name(value: object) -> str:
    """Return a plain-words name of a YAML value's type, for messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"yes/no ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ('{value}')"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    if isinstance(value, dict):
        return "a set of fields" if value else "no fields"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"a date ({value})"
    return type(value).__name__


def is_empty(value: object) -> bool:
    """Return True for values an editor left blank."""
    return value is None or (isinstance(value, (str, list, dict)) and not (
        value.strip() if isinstance(value, str) else value))


def slug_problem(value: object) -> str | None:
    """Return what is wrong with a slug, or None when it is a safe file name."""
    if not isinstance(value, str):
        return text(value)
    if "/" in value or "\\" in value or ".." in value or value.startswith("."):
        return f"'{value}' would lead outside its folder"
    if not SLUG.match(value):
        return f"'{value}' is not a valid slug"
    return None


# A checker takes a value and returns None when it is fine, or a message.
Checker = Callable[[object], "str | None"]


def text(value: object) -> str | None:
    if isinstance(value, bool):  # YAML reads yes, no, on, off as these
        return f"expected text, got {type_name(value)}: put the word in quotes, e.g. '{'yes' if value else 'no'}'"
    return None if isinstance(value, str) else f"expected text, got {type_name(value)}"


def integer(value: object) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool)
    return None if ok else f"expected a whole number, got {type_name(value)}"


def date(value: object) -> str | None:
    ok = isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    return None if ok else f"expected a date written YYYY-MM-DD, got {type_name(value)}"


def boolean(value: object) -> str | None:
    return None if isinstance(value, bool) else f"expected true or false, got {type_name(value)}"


def text_list(value: object) -> str | None:
    if not isinstance(value, list):
        return f"expected a list, got {type_name(value)}"
    for item in value:
        if not isinstance(item, str):
            return f"expected a list of text, but one item is {type_name(item)}"
    return None


@dataclass(frozen=True)
class Field:
    """One allowed key of a mapping: its checker, whether it is required, and help for messages."""

    name: str
    check: Checker
    required: bool
    expected: str


def check_fields(data: object, fields: list[Field], path: str, where: str = "",
                 line: int = 1) -> list[Problem]:
    """Return problems with `data` against `fields`: not a mapping, unknown, missing, empty, wrong type."""
    prefix = f"{where}." if where else ""
    if not isinstance(data, Lines):
        return [Problem(path, line, where or "front matter",
                        f"expected a set of 'key: value' fields, got {type_name(data)}",
                        "one 'key: value' per line")]
    known = {f.name: f for f in fields}
    problems = []
    for key in data:
        if key not in known:
            guess = difflib.get_close_matches(str(key), list(known), n=1)
            hint = f"did you mean '{guess[0]}'? " if guess else ""
            problems.append(Problem(path, data.line_of(key), f"{prefix}{key}", "unknown field",
                                    f"{hint}known fields: {', '.join(known)}"))
    for field in fields:
        name = f"{prefix}{field.name}"
        if field.name not in data:
            if field.required:
                problems.append(Problem(path, data.line, name, "missing", field.expected))
            continue
        value = data[field.name]
        if is_empty(value):
            if field.required:
                problems.append(Problem(path, data.line_of(field.name), name, "is empty",
                                        field.expected))
            continue
        message = field.check(value)
        if message:
            problems.append(Problem(path, data.line_of(field.name), name, message, field.expected))
    return problems
