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
# Aliases (*name) let a few lines stand for millions of values (the "billion laughs"):
# past this many values, counting every aliased copy, a document is refused.
MAX_VALUES = 20_000
_SYNTAX_HELP = ("check indentation, the ':' after each key, and quote text that starts with a "
                "special character such as : [ { \" ' * & ! | > % @")
# Errors whose start is more useful than where the parser gave up, in plain words.
_UNCLOSED = {"while scanning a quoted scalar": "the quote that opens here is never closed",
             "while parsing a flow sequence": "the list that opens here with '[' is never closed with ']'",
             "while parsing a flow mapping": "the '{' that opens here is never closed with '}'"}
_WHAT_TAG = {"tag:yaml.org,2002:timestamp": "a real date", "tag:yaml.org,2002:int": "a whole number",
             "tag:yaml.org,2002:float": "a number"}


class _Loader(_BaseLoader):
    """SafeLoader whose mappings are `Lines` (lines counted from `first_line`), which notices
    repeated keys, and whose bad values (2026-02-30, !!int x) are errors with their line."""

    def __init__(self, stream, first_line: int = 1):
        super().__init__(stream)
        self.first_line = first_line
        self.repeated: list[tuple[str, int]] = []

    def line(self, node: yaml.Node) -> int:
        return self.first_line + node.start_mark.line

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except yaml.MarkedYAMLError:
            raise
        except (ValueError, TypeError, OverflowError, AttributeError, IndexError) as error:
            what = _WHAT_TAG.get(node.tag, "a value YAML can read")
            value = str(node.value) if isinstance(node, yaml.ScalarNode) else node.tag
            detail = str(error) if isinstance(error, ValueError) and "digits" not in str(error) else ""
            shown = value if len(value) <= 40 else value[:40] + "…"
            raise yaml.constructor.ConstructorError(
                None, None, f"'{shown}' is not {what}" + (f" ({detail})" if detail else ""),
                node.start_mark) from error


def _construct_lines(loader: _Loader, node: yaml.MappingNode) -> Lines:
    loader.flatten_mapping(node)
    mapping = Lines()
    mapping.line = loader.line(node)
    mapping.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            key = str(key)
        if key in mapping:
            loader.repeated.append((str(key), loader.line(key_node)))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = loader.line(key_node)
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_lines)


def count_values(root: yaml.Node, limit: int = MAX_VALUES) -> int | None:
    """Return how many values a node stands for, every aliased copy counted (at most just past
    `limit`), or None when a node contains itself."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()

    def size(node: yaml.Node) -> int | None:
        if id(node) in sizes:
            return sizes[id(node)]
        if id(node) in on_path:
            return None
        on_path.add(id(node))
        total = 1
        children = node.value if isinstance(node, yaml.SequenceNode) else [
            part for pair in node.value for part in pair] if isinstance(node, yaml.MappingNode) else []
        for child in children:
            counted = size(child)
            if counted is None:
                return None
            total = min(total + counted, limit + 1)
        on_path.discard(id(node))
        sizes[id(node)] = total
        return total

    return size(root)


def _first_alias_line(text: str) -> int:
    """Return the 0-based line of the first alias (*name) in a YAML text, for messages."""
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            return event.start_mark.line
    return 0


def _syntax_problem(error: yaml.MarkedYAMLError, path: str, first_line: int) -> Problem:
    """Return a YAML syntax error at the place the problem starts, in words where we have them."""
    what = (error.problem or error.context or "not valid YAML").strip()
    mark = error.problem_mark or error.context_mark
    opened = _UNCLOSED.get(error.context or "")
    if opened and error.context_mark is not None:
        mark, what = error.context_mark, f"{opened} ({what})"
    line = first_line + (mark.line if mark else 0)
    if isinstance(error, yaml.constructor.ConstructorError) and error.context is None:
        return Problem(path, line, "YAML", what, "a value of the right kind, e.g. a date written YYYY-MM-DD")
    return Problem(path, line, "YAML", f"syntax error: {what}", _SYNTAX_HELP)


def parse_yaml(text: str, path: str, first_line: int = 1) -> tuple[object, list[Problem]]:
    """Return the YAML document in `text` and the problems found, lines counted from `first_line`."""
    loader = _Loader(text, first_line)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        counted = count_values(node)
        if counted is None or counted > MAX_VALUES:
            line = first_line + _first_alias_line(text)
            message = ("an alias (*name) refers to the entry that contains it" if counted is None else
                       f"aliases (*name) from here on stand for more than {MAX_VALUES:,} values")
            return None, [Problem(path, line, "YAML", message,
                                  "write the values out instead of using & anchors and * aliases")]
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as error:
        return None, [_syntax_problem(error, path, first_line)]
    except yaml.reader.ReaderError as error:  # a character YAML cannot hold
        line = first_line + text.count("\n", 0, max(error.position, 0))
        return None, [Problem(path, line, "YAML", f"syntax error: {error.reason}",
                              "delete the character; it may be invisible in your editor")]
    except yaml.YAMLError as error:  # errors without a position, rare
        return None, [Problem(path, first_line, "YAML", f"syntax error: {error}", "valid YAML")]
    except RecursionError:
        return None, [Problem(path, first_line, "YAML", "nested too deeply to read",
                              "fewer levels of lists and fields inside each other")]
    finally:
        loader.dispose()
    problems = [Problem(path, line, key, "appears twice", "each key once; delete or rename one of them")
                for key, line in loader.repeated]
    return data, problems


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
