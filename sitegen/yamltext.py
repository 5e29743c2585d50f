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


class LinesList(list):
    """A YAML list that remembers the line of each item (a plain value has no line of its own)."""

    lines: list


def line_of_item(data: object, index: int) -> int:
    """Return the line of a list's item when the list was read from YAML, else 1."""
    lines = getattr(data, "lines", None)
    return lines[index] if isinstance(data, LinesList) and index < len(lines) else 1


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
# What a tagged value must be, and how to write it, for messages about values YAML cannot read.
_TAG_WORDS = {"tag:yaml.org,2002:timestamp": ("a real date", "a date written YYYY-MM-DD, e.g. 2026-07-01"),
              "tag:yaml.org,2002:int": ("a whole number", "a whole number written with digits only, e.g. 12"),
              "tag:yaml.org,2002:float": ("a number", "a number such as 12 or 1.5")}
_OTHER_BASE = re.compile(r"^[-+]?(0[0-7]+|0[xX][0-9a-fA-F]+|0[bB][01]+|[1-9][0-9]*(:[0-5]?[0-9])+)$")
# Characters that look like the ones YAML needs but are not: the usual cause of a syntax error
# in a file typed with a Chinese keyboard, reported in words on their own line.
_LOOK_ALIKES = [
    (re.compile(r"^[ ]*\t"), "is indented with a tab", "indent with spaces only"),
    (re.compile(r"^[ \t]*\u3000"), "is indented with a full-width space (U+3000)", "indent with plain spaces"),
    (re.compile(r"^[ \t]*\u00a0"), "is indented with a no-break space (U+00A0)", "indent with plain spaces"),
    (re.compile(r"^[ \t-]*[A-Za-z_][\w-]*[ \t]*\uff1a"), "uses a full-width colon '：' after the field name",
     "write the field name, a plain ':' and a space, e.g. 'title: …'"),
]


class _BadValue(yaml.constructor.ConstructorError):
    """A value YAML read but cannot make into what its tag says (2026-02-30, !!int x)."""

    def __init__(self, message: str, fix: str, mark):
        super().__init__(None, None, message, mark)
        self.fix = fix


class _Loader(_BaseLoader):
    """SafeLoader whose mappings are `Lines` (lines counted from `first_line`), which notices
    repeated keys, and whose bad values (2026-02-30, !!int x, 010) are errors with their line."""

    def __init__(self, stream, first_line: int = 1):
        super().__init__(stream)
        self.first_line = first_line
        self.repeated: list[tuple[str, int]] = []

    def line(self, node: yaml.Node) -> int:
        return self.first_line + node.start_mark.line

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except yaml.MarkedYAMLError as error:
            if "could not determine a constructor" in str(error.problem):
                raise _BadValue(f"the tag '{node.tag.replace('tag:yaml.org,2002:', '!!')}' is not allowed",
                                "delete the tag (the word starting with '!') and write the value as text",
                                node.start_mark) from error
            raise
        except (ValueError, TypeError, OverflowError, AttributeError, IndexError) as error:
            what, fix = _TAG_WORDS.get(node.tag, ("a value YAML can read", "a plain value"))
            value = str(node.value) if isinstance(node, yaml.ScalarNode) else node.tag
            shown = value if len(value) <= 40 else value[:40] + "…"
            if "digits" in str(error):
                raise _BadValue(f"'{shown}' has too many digits ({len(value)})", fix, node.start_mark) from error
            detail = f" ({error})" if node.tag.endswith("timestamp") and isinstance(error, ValueError) else ""
            raise _BadValue(f"'{shown}' is not {what}{detail}", fix, node.start_mark) from error

    def construct_yaml_int(self, node):
        """Read whole numbers in decimal only: YAML 1.1 reads 010 as 8 and 1:30 as 90."""
        if _OTHER_BASE.match(str(node.value).replace("_", "")):
            raise _BadValue(f"'{node.value}' would be read as a number in another base",
                            "write the number with digits only, without leading zeros, or in quotes "
                            "to mean the text", node.start_mark)
        return super().construct_yaml_int(node)


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


def _construct_lines(loader: _Loader, node: yaml.MappingNode) -> Lines:
    loader.flatten_mapping(node)
    mapping = Lines()
    mapping.line = loader.line(node)
    mapping.lines = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _BadValue("a field name must be a word, not a list or a set of fields",
                            "one 'name: value' per line", key_node.start_mark)
        key = loader.construct_object(key_node, deep=True)
        if key is None or isinstance(key, bool):  # ~, null, yes, no, on, off
            raise _BadValue(f"'{key_node.value}' is read as {'nothing' if key is None else 'yes/no'}, not as a "
                            "field name", f"put it in quotes: '{key_node.value}': …", key_node.start_mark)
        if key in mapping:
            loader.repeated.append((str(key), loader.line(key_node)))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = loader.line(key_node)
    return mapping


def _construct_list(loader: _Loader, node: yaml.SequenceNode) -> LinesList:
    items = LinesList(loader.construct_object(child, deep=True) for child in node.value)
    items.lines = [loader.line(child) for child in node.value]
    return items


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_lines)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_list)


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


def distinct_nodes(root: yaml.Node) -> int:
    """Return how many values a document writes out (each aliased one once)."""
    seen, stack = set(), [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack += node.value
        elif isinstance(node, yaml.MappingNode):
            stack += [part for pair in node.value for part in pair]
    return len(seen)


def _first_alias_line(text: str) -> int:
    """Return the 0-based line of the first alias (*name) in a YAML text, for messages."""
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            return event.start_mark.line
    return 0


def look_alike(text: str, first_line: int) -> tuple[int, str, str] | None:
    """Return (line, what, fix) for the first character that only looks like YAML's own, or None."""
    for number, line in enumerate(text.split("\n"), start=first_line):
        for pattern, what, fix in _LOOK_ALIKES:
            if pattern.match(line):
                return number, what, fix
    return None


def _syntax_problem(error: yaml.MarkedYAMLError, path: str, first_line: int) -> Problem:
    """Return a YAML error at the place the problem starts, in words where we have them."""
    what = (error.problem or error.context or "not valid YAML").strip()
    mark = error.problem_mark or error.context_mark
    if isinstance(error, _BadValue):
        return Problem(path, first_line + mark.line, "YAML", what, error.fix)
    opened = _UNCLOSED.get(error.context or "")
    if opened and error.context_mark is not None:
        mark, what = error.context_mark, f"{opened} ({what})"
    return Problem(path, first_line + (mark.line if mark else 0), "YAML", f"syntax error: {what}", _SYNTAX_HELP)


def parse_yaml(text: str, path: str, first_line: int = 1) -> tuple[object, list[Problem]]:
    """Return the YAML document in `text` and the problems found, lines counted from `first_line`."""
    found = look_alike(text, first_line)  # YAML would misread the line, or stop further on
    if found:
        line, cause, fix = found
        return None, [Problem(path, line, "YAML", f"syntax error: this line {cause}", fix)]
    loader = _Loader(text, first_line)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, []
        written = distinct_nodes(node)  # a long file without aliases is no bomb
        counted = count_values(node, written + MAX_VALUES)
        if counted is None or counted > written + MAX_VALUES:
            line = first_line + _first_alias_line(text)
            message = ("an alias (*name) refers to the entry that contains it" if counted is None else
                       f"aliases (*name) from here on stand for more than {MAX_VALUES:,} values more")
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
