"""Front matter splitting and YAML parsing keep the line numbers messages need."""
import string

import pytest

import yaml
from hypothesis import given, strategies as st

from sitegen.yamltext import Lines, parse_yaml, split_front_matter


def test_mapping_remembers_the_line_of_each_key():
    data, problems = parse_yaml("title: A\n\nareas:\n  - x\nnested:\n  deep: 1\n", "f.md", first_line=2)
    assert problems == []
    assert isinstance(data, Lines)
    assert (data.line_of("title"), data.line_of("areas"), data.line_of("nested")) == (2, 4, 6)
    assert data["nested"].line_of("deep") == 7
    assert data.line_of("absent") == 2


def test_syntax_error_names_the_file_line_of_the_error():
    _, problems = parse_yaml("title: ok\nareas: [a, b\norder: 1\n", "x.md", first_line=2)
    assert len(problems) == 1
    assert problems[0].reported().startswith("x.md:3: YAML: syntax error: the list that opens here with '[' ")


def test_an_unclosed_quote_is_reported_where_it_opens_not_where_the_parser_gave_up():
    text = 'title: "Party building\n' + "".join(f"field{n}: {n}\n" for n in range(26))
    _, problems = parse_yaml(text, "x.md", first_line=2)
    assert [p.reported() for p in problems] == [
        "x.md:2: YAML: syntax error: the quote that opens here is never closed (found unexpected end of "
        "stream) (check indentation, the ':' after each key, and quote text that starts with a special "
        "character such as : [ { \" ' * & ! | > % @)"]


def test_a_repeated_key_is_a_problem_not_a_silent_overwrite():
    _, problems = parse_yaml("title: a\ntitle: b\n", "x.md", first_line=2)
    assert [p.reported() for p in problems] == [
        "x.md:3: title: appears twice (each key once; delete or rename one of them)"]


def test_front_matter_and_body_are_split_with_the_body_line():
    document, problems = split_front_matter("---\ntitle: A\n---\nFirst line\n", "a.md")
    assert problems == []
    assert document.meta_text == "title: A\n"
    assert document.body == "First line\n"
    assert document.body_line == 4


def test_missing_and_unclosed_front_matter_are_reported():
    _, missing = split_front_matter("title: A\n", "a.md")
    _, unclosed = split_front_matter("---\ntitle: A\n", "a.md")
    assert missing[0].reported().startswith("a.md:1: front matter: missing")
    assert "did you forget it?" in str(unclosed[0])


keys = st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=12)
# Control characters are left out: PyYAML itself does not round-trip some of them (NEL).
printable = st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=30)
values = st.one_of(st.integers(), printable, st.lists(st.integers(), max_size=3))


@given(st.dictionaries(keys, values, max_size=6), st.text(max_size=80))
def test_split_and_parse_round_trip_any_mapping_and_body(meta, body):
    body = body.replace("\r", "")
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n" + body
    document, problems = split_front_matter(text, "p.md")
    assert problems == []
    data, problems = parse_yaml(document.meta_text, "p.md", document.meta_line)
    assert problems == []
    assert dict(data or {}) == meta
    assert document.body == body


def alias_bomb(levels: int) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for n in range(1, levels + 1):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_once_with_its_line():
    for levels in (5, 9):
        _, problems = parse_yaml("title: ok\n" + alias_bomb(levels), "x.md", first_line=2)
        assert [p.reported() for p in problems] == [
            "x.md:4: YAML: aliases (*name) from here on stand for more than 20,000 values more "
            "(write the values out instead of using & anchors and * aliases)"]


def test_a_long_file_without_aliases_is_no_bomb():
    """A glossary of thousands of terms writes every value out: nothing to refuse."""
    text = "".join(f"- {{hanzi: 词{n}, pinyin: ci, translation: {{en: word}}}}\n" for n in range(3000))
    data, problems = parse_yaml(text, "glossary.yaml")
    assert problems == [] and len(data) == 3000


def test_a_few_aliases_are_fine_and_keep_their_lines():
    data, problems = parse_yaml("base: &b {name: x}\ncopy: *b\nmore: [*b, *b]\n", "x.yaml", first_line=5)
    assert problems == []
    assert data["copy"]["name"] == "x" and data["copy"].line_of("name") == 5
    assert data.line_of("more") == 7


def test_an_alias_inside_itself_is_refused():
    _, problems = parse_yaml("loop: &l [a, *l]\n", "x.yaml")
    assert [p.reported() for p in problems] == [
        "x.yaml:1: YAML: an alias (*name) refers to the entry that contains it "
        "(write the values out instead of using & anchors and * aliases)"]


DATE, WHOLE = "a date written YYYY-MM-DD, e.g. 2026-07-01", "a whole number written with digits only, e.g. 12"


@pytest.mark.parametrize("text, line, message, fix", [
    ("a: 1\ndate: 2024-13-45\n", 2, "'2024-13-45' is not a real date (month must be in 1..12)", DATE),
    ("date: 2026-02-30\n", 1, "'2026-02-30' is not a real date (day is out of range for month)", DATE),
    ("a: 1\nb: !!timestamp soon\n", 2, "'soon' is not a real date", DATE),
    ("order: !!int three\n", 1, "'three' is not a whole number", WHOLE),
    ("value: !!float lots\n", 1, "'lots' is not a number", "a number such as 12 or 1.5"),
    ("x:\n  - 1\n  - " + "9" * 5000 + "\n", 3, "'" + "9" * 40 + "…' has too many digits (5000)", WHOLE),
    ("order: 010\n", 1, "'010' would be read as a number in another base", "write the number with digits only, "
     "without leading zeros, or in quotes to mean the text"),
    ("order: 1:30\n", 1, "'1:30' would be read as a number in another base", "write the number with digits only, "
     "without leading zeros, or in quotes to mean the text"),
    ("run: !!python/object:os.system echo\n", 1, "the tag '!!python/object:os.system' is not allowed",
     "delete the tag (the word starting with '!') and write the value as text"),
    ("? [a, b]\n: c\n", 1, "a field name must be a word, not a list or a set of fields", "one 'name: value' per line"),
], ids=["month-13", "february-30", "timestamp-tag", "int-tag", "float-tag", "5000-digits", "octal", "sexagesimal",
        "python-tag", "list-key"])
def test_values_yaml_cannot_read_are_problems_with_their_line(text, line, message, fix):
    _, problems = parse_yaml(text, "x.yaml")
    assert [p.reported() for p in problems] == [f"x.yaml:{line}: YAML: {message} ({fix})"]


@pytest.mark.parametrize("text, line, what, fix", [
    ("title: A\nareas:\n\t- north\n", 3, "is indented with a tab", "indent with spaces only"),
    ("title: A\nareas:\n\u3000- north\n", 3, "is indented with a full-width space (U+3000)", "indent with plain spaces"),
    ("title: A\nkey_figures:\n  - id: x\n\u00a0   value: 3\n", 4, "is indented with a no-break space (U+00A0)",
     "indent with plain spaces"),
    ("lead: 问\ntitle：完整的一对\norder: 1\n", 2, "uses a full-width colon '：' after the field name",
     "write the field name, a plain ':' and a space, e.g. 'title: …'"),
], ids=["tab", "ideographic-space", "no-break-space", "full-width-colon"])
def test_characters_that_only_look_like_yamls_are_named_on_their_line(text, line, what, fix):
    _, problems = parse_yaml(text, "x.md", first_line=1)
    assert [p.reported() for p in problems] == [f"x.md:{line}: YAML: syntax error: this line {what} ({fix})"]


def test_a_control_character_is_reported_on_its_line():
    _, problems = parse_yaml("a: 1\nb: x\x07y\n", "x.yaml", first_line=3)
    assert [p.reported() for p in problems] == [
        "x.yaml:4: YAML: syntax error: control characters are not allowed "
        "(delete the character; it may be invisible in your editor)"]
