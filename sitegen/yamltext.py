"""YAML and front matter parsing that keeps line numbers for messages."""
from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from .errors import Problem


class Lines(dict):
    """A YAML mapping that remembers the line of the mapping and of each key."""

    line: int = 1
    lines: dict

    def line_of(self, key: str) -> int:
        """Return the line of `key`, or of the mapping itself when the key is absent."""
        return self.lines.get(key, self.line)


# libyaml's parser is several times faster than the pure-Python one; both give the same marks.
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):
    """SafeLoader whose mappings are `Lines` and which notices repeated keys."""

    def __init__(self, stream):
        super().__init__(stream)
        self.repeated: list[tuple[str, int]] = []


def _construct_lines(loader: _Loader, node: yaml.MappingNode) -> Lines:
    loader.flatten_mapping(node)
    mapping = Lines()
    mapping.line = node.start_mark.line + 1
    mapping.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            key = str(key)
        if key in mapping:
            loader.repeated.append((str(key), key_node.start_mark.line + 1))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = key_node.start_mark.line + 1
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_lines)


def parse_yaml(text: str, path: str, first_line: int = 1) -> tuple[object, list[Problem]]:
    """Return the YAML document in `text` and the problems found, lines counted from `first_line`."""
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + (mark.line if mark else 0)
        what = (error.problem or error.context or "not valid YAML").strip()
        return None, [Problem(path, line, "YAML", f"syntax error: {what}",
                              "check indentation, the ':' after each key, and quote text that "
                              "starts with a special character such as : [ { \" ' * & ! | > % @")]
    except yaml.YAMLError as error:  # errors without a position, rare
        return None, [Problem(path, first_line, "YAML", f"syntax error: {error}", "valid YAML")]
    finally:
        loader.dispose()
    problems = [Problem(path, first_line + line - 1, key, "appears twice",
                        "each key once; delete or rename one of them")
                for key, line in loader.repeated]
    _shift_lines(data, first_line - 1)
    return data, problems


def _shift_lines(data: object, offset: int) -> None:
    if isinstance(data, Lines):
        data.line += offset
        data.lines = {k: v + offset for k, v in data.lines.items()}
        for value in data.values():
            _shift_lines(value, offset)
    elif isinstance(data, list):
        for item in data:
            _shift_lines(item, offset)


@dataclass(frozen=True)
class Document:
    """A Markdown file split into its front matter text and its body."""

    meta_text: str
    meta_line: int  # line of the first front matter line in the file
    body: str
    body_line: int  # line of the first body line in the file


_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


def split_front_matter(text: str, path: str) -> tuple[Document | None, list[Problem]]:
    """Return the front matter and body of a Markdown file, or a problem saying what is missing."""
    if not text.startswith("---"):
        return None, [Problem(path, 1, "front matter", "missing",
                              "the file must start with a line '---', then the fields, then another '---'")]
    first = text.find("\n")
    if first == -1 or text[:first].strip() != "---":
        return None, [Problem(path, 1, "front matter", "the first line must be exactly '---'",
                              "'---' alone on the first line")]
    closing = _FENCE.search(text, first + 1)
    if closing is None:
        return None, [Problem(path, 1, "front matter", "is never closed",
                              "a second line '---' after the fields; did you forget it?")]
    meta_text = text[first + 1:closing.start()]
    body_start = text.find("\n", closing.end())
    body = "" if body_start == -1 else text[body_start + 1:]
    body_line = text.count("\n", 0, closing.end()) + 2
    return Document(meta_text, 2, body, body_line), []
