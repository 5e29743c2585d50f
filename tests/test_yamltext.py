"""Front matter splitting and YAML parsing keep the line numbers messages need."""
import string

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
    assert str(problems[0]).startswith("x.md:4: YAML: syntax error: ")


def test_a_repeated_key_is_a_problem_not_a_silent_overwrite():
    _, problems = parse_yaml("title: a\ntitle: b\n", "x.md", first_line=2)
    assert [str(p) for p in problems] == [
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
    assert str(missing[0]).startswith("a.md:1: front matter: missing")
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
