"""What an author, a crash or a stray file can do: nothing leaks, nothing is lost, no traceback.

Grouped as issue 8 lists them: leaks, unsafe markup, tracebacks, messages, integrity.
"""
import errno
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import sitegen
from conftest import PROJECT, build_to, need, problems_of
from htmlcheck import SEARCH_BUNDLE, tree_bytes
from sitegen.errors import BuildFailed, Fault

ZH = "cases/zh-only.zh.md"


def edit(content: Path, relative: str, old: str, new: str) -> None:
    path = content / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"the fixture no longer holds {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(content: Path, relative: str, text: str) -> int:
    """Add text at the end of a file (which ends with a line break); return the line where the
    text's first non-blank line lands."""
    path = content / relative
    before = path.read_text(encoding="utf-8")
    path.write_text(before + text, encoding="utf-8")
    return before.count("\n") + 1 + len(text) - len(text.lstrip("\n"))


def findings_of(content: Path) -> list[str]:
    return [str(f) for f in sitegen.check(content)[0]]


def cli(*args, cwd=None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "BOOKLET_DEBUG"}  # as the office runs it
    return subprocess.run([sys.executable, str(PROJECT / "build.py"), *args], capture_output=True, text=True,
                          timeout=300, cwd=cwd, env=env)


# --- leaks: only what content/ holds, and only what pages use, is published -----------------------

def test_a_case_file_linking_outside_the_content_folder_is_refused(fixture_site, tmp_path):
    content = fixture_site()
    outside = tmp_path / "elsewhere.zh.md"
    outside.write_text((content / ZH).read_text(encoding="utf-8").replace("order: 2", "order: 5"), "utf-8")
    (content / "cases/linked.zh.md").symlink_to(outside)
    assert problems_of(content) == [
        f"{content}/cases/linked.zh.md:1: link: is a symbolic link to the file {outside}, outside the content "
        "folder: it was not used (copy the file into the content folder instead of linking to it)"]


def test_an_image_folder_linking_outside_is_refused_and_never_published(fixture_site, tmp_path):
    content = fixture_site()
    private = tmp_path / "private"
    private.mkdir()
    (private / "passport.png").write_bytes(b"\x89PNG private")
    (content / "images/scans").symlink_to(private, target_is_directory=True)
    assert problems_of(content) == [
        f"{content}/images/scans:1: link: is a symbolic link to the folder {private}, outside the content "
        "folder: it was not used (copy the file into the content folder instead of linking to it)"]


@pytest.mark.parametrize("kind", ["dangling", "loop"])
def test_a_broken_link_in_images_is_a_message(fixture_site, kind):
    content = fixture_site()
    link = content / "images/photo.png"
    if kind == "dangling":
        link.symlink_to(content / "images/gone.png")
        message = (f"is a symbolic link to {content}/images/gone.png, which cannot be reached "
                   "(it does not exist)")
    else:
        link.symlink_to(content / "images/photo2.png")
        (content / "images/photo2.png").symlink_to(link)
        message = "is a symbolic link that leads round in a loop"
    problems = problems_of(content)
    assert problems[0] == (f"{content}/images/photo.png:1: link: {message} "
                           "(delete the link; copy the file into the content folder instead of linking to it)")


def test_a_link_inside_the_content_folder_is_followed(fixture_site, tmp_path):
    content = fixture_site()
    (content / "images/map-copy.svg").symlink_to(content / "images/map.svg")
    append(content, ZH, "\n\n![地图](images/map-copy.svg)\n")
    build_to(content, tmp_path / "out")
    assert (tmp_path / "out/images/map-copy.svg").read_bytes() == (content / "images/map.svg").read_bytes()
    assert not (tmp_path / "out/images/map-copy.svg").is_symlink()


def test_only_the_images_pages_use_are_published(fixture_site, tmp_path):
    content = fixture_site()
    (content / "images/notes.txt").write_text("internal notes", encoding="utf-8")
    (content / "images/draft-only.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", "utf-8")
    append(content, "cases/draft-case.zh.md", "\n\n![草稿图](images/draft-only.svg)\n")
    build_to(content, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out/images").iterdir()) == ["map.svg"]
    assert f"{content}/images/notes.txt:1: warning: is used by no page, so it is not published " \
           "(use it in a case as ![description](images/notes.txt), or delete it)" in findings_of(content)


@pytest.mark.parametrize("markdown, message", [
    ("![外部][r]\n\n[r]: http://evil.example/x.png", "image: 'http://evil.example/x.png' is on another site"),
    ("![外部]( http://evil.example/x.png )", "image: 'http://evil.example/x.png' is on another site"),
    ('<img alt="外部" src="https://evil.example/x.png">', "image: 'https://evil.example/x.png' is on another site"),
    ("![坏][r]\n\n[r]: images/nope.png", "image: 'images/nope.png' does not exist"),
    ("![坏]( images/nope.png)", "image: 'images/nope.png' does not exist"),
    ("![逃](images/../../secret.png)", "image: 'images/../../secret.png' does not exist"),
    ("[案例][c]\n\n[c]: case:no-such-case", "link: case:no-such-case is not a case"),
    ("[案例]( case:full-pair#nowhere )", "link: case:full-pair#nowhere: no such section"),
], ids=["reference-external", "spaced-external", "raw-img-external", "reference-missing", "spaced-missing",
        "dot-dot", "reference-case", "spaced-section"])
def test_links_and_images_are_checked_as_the_markdown_produced_them(fixture_site, markdown, message):
    content = fixture_site()
    line = append(content, ZH, "\n\n" + markdown + "\n")
    problems = problems_of(content)
    assert len(problems) == 1 and problems[0].startswith(f"{content}/{ZH}:")
    assert f": {message} (" in problems[0]
    written = int(problems[0].split(":")[1])
    assert written in (line, line + 2), problems  # the image itself, or its reference definition


def test_an_image_without_alt_is_found_in_any_markdown_form(fixture_site):
    content = fixture_site()
    line = append(content, ZH, "\n\n![][r]\n\n[r]: images/map.svg\n")
    assert f"{content}/{ZH}:{line + 2}: error: image 'images/map.svg' has no alt text " \
           "(describe the image between the brackets: ![description](…))" in findings_of(content)


# --- raw HTML and unsafe markup ---------------------------------------------------------------

UNSAFE = """

<script>alert("body")</script>

<img src="images/map.svg" alt="图" onerror="alert('img')">

[点击](javascript:history.back)、[那里](https://example.org/){: onclick="alert('attr')" }。

<p onmouseover="alert('p')">段落</p>
"""


def test_unsafe_html_is_removed_from_every_page_and_each_removal_is_a_warning(fixture_site, tmp_path):
    content = fixture_site()
    line = append(content, "cases/full-pair.zh.md", UNSAFE)
    append(content, "cases/full-pair.en.md", UNSAFE.replace("段落", "A paragraph"))
    out = tmp_path / "out"
    build_to(content, out)
    pages = ["zh/cases/full-pair.html", "en/cases/full-pair.html", "en/parallel/full-pair.html",
             "zh/booklet.html", "en/booklet.html", "booklet.html"]
    for page in pages:
        html = (out / page).read_text(encoding="utf-8")
        for word in ("alert(", "onerror", "onclick", "onmouseover", "javascript:"):
            assert word not in html, (page, word)
    assert '<img src="../../images/map.svg" alt="图">' in (out / pages[0]).read_text(encoding="utf-8")
    fix = ("write it in Markdown: HTML that could run or load something is removed, unless site.yaml says "
           "allow_raw_html: true, for HTML you fully trust")
    found = [f for f in findings_of(content) if "left out of the page" in f and "full-pair.zh.md" in f]
    assert found == [
        f"{content}/cases/full-pair.zh.md:{line}: warning: left out of the page: <script> and its content ({fix})",
        f"{content}/cases/full-pair.zh.md:{line + 2}: warning: left out of the page: the attribute onerror of <img> "
        f"({fix})",
        f"{content}/cases/full-pair.zh.md:{line + 4}: warning: left out of the page: the address "
        f"'javascript:history.back' of <a> ({fix})",
        f"{content}/cases/full-pair.zh.md:{line + 4}: warning: left out of the page: the attribute onclick of <a> "
        f"({fix})",
        f"{content}/cases/full-pair.zh.md:{line + 6}: warning: left out of the page: the attribute onmouseover of "
        f"<p> ({fix})"]


def test_a_site_that_trusts_its_raw_html_publishes_it_as_written(fixture_site, tmp_path):
    content = fixture_site()
    append(content, "site.yaml", "allow_raw_html: true\n")
    append(content, ZH, '\n\n<p class="note" onclick="track()">记录</p>\n')
    build_to(content, tmp_path / "out")
    assert '<p class="note" onclick="track()">记录</p>' in (tmp_path / "out/zh/cases/zh-only.html").read_text("utf-8")
    assert not [f for f in findings_of(content) if "left out of the page" in f]


def test_raw_html_in_a_heading_leaves_no_placeholder_in_the_anchor_or_the_section_list(fixture_site, tmp_path):
    content = fixture_site()
    append(content, ZH, "\n\n## 新的<span>一节</span><script>bad()</script>\n\n正文。\n\n## 再一节\n\n正文。\n")
    build_to(content, tmp_path / "out")
    html = (tmp_path / "out/zh/cases/zh-only.html").read_text(encoding="utf-8")
    assert '<h2 id="xin-de-yi-jie">新的<span>一节</span></h2>' in html
    assert '<a href="#xin-de-yi-jie">新的一节</a>' in html
    for leak in ("wzxhzdk", "\x02", "\x03", "bad()"):
        assert leak not in html


# --- tracebacks become messages -------------------------------------------------------------

@pytest.mark.parametrize("old, new, message", [
    ("order: 2", "order: 2\ndate: 2024-13-45", ":8: YAML: '2024-13-45' is not a real date (month must be in 1..12)"),
    ("order: 2", "order: 2\ndate: 2026-02-30", ":8: YAML: '2026-02-30' is not a real date"),
    ("order: 2", "order: !!int two", ":7: YAML: 'two' is not a whole number"),
    ("order: 2", "order: " + "7" * 5000, ":7: YAML: '" + "7" * 40 + "…' has too many digits (5000)"),
], ids=["month-13", "february-30", "int-tag", "5000-digits"])
def test_values_yaml_cannot_read_in_front_matter(fixture_site, old, new, message):
    content = fixture_site()
    edit(content, ZH, old, new)
    problems = problems_of(content)
    assert len(problems) == 1 and problems[0].startswith(f"{content}/{ZH}{message}")


FIGURE = "  - id: money\n    value: 37840000\n"


@pytest.mark.parametrize("value, message", [
    (".nan", "'nan' is not a number a reader can use"),
    (".inf", "'inf' is not a number a reader can use"),
    ("1.0e+300", "is larger than any figure of a case (more than 10^15)"),
    ("-5", "-5 is negative: a figure is a count, a sum or a share"),
    ("[50, 40]", "the range [50, 40] does not go from low to high"),
    ("[1, .nan]", "'nan' is not a number a reader can use"),
    ("1.0e-300", "1e-300 has more decimals than a reader can use (4 at most)"),
])
def test_figure_values_a_page_cannot_show_are_refused(fixture_site, value, message):
    content = fixture_site()
    edit(content, "cases/full-pair.zh.md", FIGURE, f"  - id: money\n    value: {value}\n")
    assert problems_of(content) == [
        f"{content}/cases/full-pair.zh.md:10: key_figures[1].value: {message} (the number as a plain value, e.g. "
        "37840000 for 3784万, or a range [low, high]; a decrease is written as a positive number with a label "
        "saying so)"]


@pytest.mark.parametrize("ui, message", [
    ("- zh\n- en\n", "ui.yaml:1: file: expected one block per language, got a list"),
    ("zh: 标题\n", "ui.yaml:1: zh: expected 'name: text' lines, got text ('标题')"),
    ("en:\n  count_one: '{count} case'\n", "ui.yaml:2: en.count_one: '{count}' is not a placeholder of this text"),
    ("en:\n  area_cases: 'Cases in {name'\n", "ui.yaml:2: en.area_cases: has a '{' or '}' that does not pair up"),
    ("en:\n  figure: {exact: '{number}{unit}'}\n", "ui.yaml:2: en.figure.exact: '{unit}' is not a placeholder"),
    ("en:\n  contnets: Contents\n", "ui.yaml:2: en.contnets: is not an interface string (did you mean 'contents'?)"),
    ("en:\n  units: {boats: {suffix: 艘, group: fleet}}\n", "ui.yaml:2: en.units.boats.group: 'fleet' is not a group"),
    ("en:\n  number: {magnitudes: [[million, 1000000]]}\n", "ui.yaml:2: en.number.magnitudes: expected a list"),
    ("fr:\n  home: Accueil\n", "ui.yaml:1: fr: is not a language of this booklet (one of: zh, en)"),
    ("en:\n  home: [Home]\n", "ui.yaml:2: en.home: expected text, got a list"),
], ids=["list", "text", "placeholder", "brace", "figure", "typo", "group", "magnitudes", "language", "type"])
def test_a_wrong_ui_file_is_a_message_in_build_and_check(fixture_site, tmp_path, ui, message):
    content = fixture_site()
    (content / "ui.yaml").write_text(ui, encoding="utf-8")
    problems = problems_of(content)
    assert len(problems) == 1 and problems[0].startswith(f"{content}/{message}"), problems
    assert [f for f in findings_of(content) if " error: " in f] == [
        problems[0].replace(":", ": error:", 2).replace(": error:", ":", 1)]


@pytest.mark.parametrize("shape", ["file", "folder-named-json", "list", "no-blocks", "blocks-not-text", "binary",
                                   "pipe", "link-to-a-device"])
def test_a_reviewed_record_of_the_wrong_shape_counts_as_never_reviewed(fixture_site, shape):
    content = fixture_site()
    folder = content / "reviewed"
    record = folder / "full-pair.en.json"
    if shape == "file":
        folder.write_text("not a folder", encoding="utf-8")
    else:
        folder.mkdir()
        {"folder-named-json": lambda: record.mkdir(),
         "list": lambda: record.write_text("[1, 2]", encoding="utf-8"),
         "no-blocks": lambda: record.write_text('{"source": "x"}', encoding="utf-8"),
         "blocks-not-text": lambda: record.write_text('{"blocks": [1, {"a": 2}]}', encoding="utf-8"),
         "binary": lambda: record.write_bytes(b"\xff\xfe\x00garbage"),
         "pipe": lambda: os.mkfifo(record),
         "link-to-a-device": lambda: record.symlink_to("/dev/zero")}[shape]()
    findings = findings_of(content)
    assert f"{content}/cases/full-pair.en.md:1: warning: translation never marked as reviewed (check it against " \
           "the source, then run: python build.py review full-pair --lang en)" in findings
    expected = {"file": f"{content}/reviewed:1: warning: folder: is a file, not a folder",
                "folder-named-json": f"{content}/reviewed/full-pair.en.json:1: warning: file: is a folder, not a "
                                     "file; the translation counts as never reviewed",
                "pipe": f"{content}/reviewed/full-pair.en.json:1: warning: file: is not a regular file (a pipe or "
                        "a device), so it was not read; the translation counts as never reviewed",
                "link-to-a-device": f"{content}/reviewed/full-pair.en.json:1: warning: link: is a symbolic link to "
                                    "the file /dev/zero, outside the content folder: it was not used"}.get(
        shape, f"{content}/reviewed/full-pair.en.json:1: warning: review: is not a review record that can be read")
    assert any(f.startswith(expected) for f in findings), findings


def test_review_into_a_reviewed_file_is_one_line(fixture_site):
    content = fixture_site()
    (content / "reviewed").write_text("a stray file", encoding="utf-8")
    result = cli("review", "full-pair", "--content", str(content))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"Stopped: {content}/reviewed is a file, not a folder (delete or rename it, then run review again)"]


def test_review_into_a_read_only_file_is_one_line(fixture_site, monkeypatch):
    content = fixture_site()
    real_write = Path.write_text

    def read_only(self, *args, **kwargs):
        if self.parent.name == "reviewed":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_write(self, *args, **kwargs)

    monkeypatch.setattr(Path, "write_text", read_only)
    with pytest.raises(Fault) as fault:
        list(sitegen.mark_reviewed(content, ["full-pair"], None, False))
    assert fault.value.report() == (f"Cannot record the review in {content}/reviewed/full-pair.en.json: permission "
                                    "denied (check that the file and its folder are yours to write to, and that the disk has space)")


def make_unreadable(monkeypatch, name: str) -> None:
    """Make reading the file called `name` fail as it does without permission (tests run as root)."""
    real_read = Path.read_bytes

    def read_bytes(self):
        if self.name == name:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)


def test_an_unreadable_case_file_is_a_message(fixture_site, monkeypatch):
    content = fixture_site()
    make_unreadable(monkeypatch, "full-pair.en.md")
    assert problems_of(content) == [
        f"{content}/cases/full-pair.en.md:1: file: cannot be read: permission denied "
        "(give your user permission to read it, or save it again)"]


def test_an_out_folder_below_a_file_is_a_message(fixture_site, tmp_path):
    (tmp_path / "notes.txt").write_text("a file", encoding="utf-8")
    out = tmp_path / "notes.txt/site"
    with pytest.raises(BuildFailed) as failure:
        build_to(fixture_site(), out)
    assert [p.reported() for p in failure.value.problems] == [
        f"{out}:1: --out: {tmp_path}/notes.txt is a file, not a folder (an output folder whose parents are folders)"]


@pytest.mark.parametrize("code, reason, fix", [
    (errno.EACCES, "permission denied", "build to a folder you may write to, e.g. --out ~/booklet-site"),
    (errno.EROFS, "the disk is read-only", "build to a folder you may write to, e.g. --out ~/booklet-site"),
    (errno.ENOSPC, "the disk is full", "free some disk space, then build again"),
])
def test_a_parent_folder_that_cannot_be_written_is_one_line(fixture_site, tmp_path, monkeypatch, code, reason, fix):
    content, out = fixture_site(), tmp_path / "out"
    build_to(content, out)
    before = tree_bytes(out)
    real_mkdir = Path.mkdir

    def refuse(self, *args, **kwargs):
        if self.name.startswith("out.tmp-"):
            raise OSError(code, os.strerror(code), str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", refuse)
    with pytest.raises(Fault) as fault:
        build_to(content, out)
    monkeypatch.undo()
    assert fault.value.report() == f"Cannot write the site to {out}: {reason} ({fix}; the site built last was left " \
                                   "as it was)"
    assert tree_bytes(out) == before


def test_ctrl_c_during_a_build_is_one_line_and_leaves_the_site(fixture_site, tmp_path, monkeypatch, capsys):
    import build
    content, out = fixture_site(), tmp_path / "out"
    build_to(content, out)
    before = tree_bytes(out)

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(sitegen, "index_site", interrupted)
    edit(content, "cases/zh-only.zh.md", "只有中文的正文", "改过的正文")  # something to build
    assert build.main(["build", "--content", str(content), "--out", str(out)]) == 130
    assert capsys.readouterr().err.splitlines() == ["Stopped: the site built last was left as it was."]
    assert tree_bytes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bilingual", "out"]


def test_new_into_a_read_only_cases_folder_creates_nothing(fixture_site, monkeypatch):
    content = fixture_site()
    real_open = Path.open

    def read_only(self, mode="r", *args, **kwargs):
        if "x" in mode and self.name.endswith(".en.md"):
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", read_only)
    from sitegen.scaffold import run_new_case
    import argparse
    args = argparse.Namespace(content=content, title="新案例", areas="north", themes="tourism", slug="new-one")
    with pytest.raises(Fault) as fault:
        run_new_case(args)
    assert fault.value.report() == (f"Cannot create {content}/cases/new-one.en.md: permission denied (check that the "
                                    "content folder is yours to write to; nothing was created)")
    assert not list((content / "cases").glob("new-one*"))


# --- messages that point the right way ----------------------------------------------------------

@pytest.mark.parametrize("name", ["site.yaml", "areas.yaml", "themes.yaml", "glossary.yaml"])
def test_an_empty_data_file_is_one_message(fixture_site, name):
    content = fixture_site()
    (content / name).write_text("\n", encoding="utf-8")
    assert problems_of(content) == [
        f"{content}/{name}:1: file: is empty (write the file's fields and text, or delete the file)"]


def test_an_unreadable_data_file_is_one_message(fixture_site, monkeypatch):
    content = fixture_site()
    make_unreadable(monkeypatch, "areas.yaml")
    assert problems_of(content) == [f"{content}/areas.yaml:1: file: cannot be read: permission denied "
                                    "(give your user permission to read it, or save it again)"]


def test_a_data_file_with_a_syntax_error_is_one_message(fixture_site):
    content = fixture_site()
    edit(content, "themes.yaml", "- slug:", "- slug: [")
    problems = problems_of(content)
    assert len(problems) == 1 and problems[0].startswith(f"{content}/themes.yaml:1: YAML: syntax error")


@pytest.mark.parametrize("old, new, message", [
    ("source_language: zh", "source_language: cn", "site.yaml:5: source_language: 'cn' is not one of the languages "
                                                   "(one of: zh, en)"),
    ("  - {code: en, html_lang: en, name: English}", "  - {code: EN, html_lang: en, name: English}",
     "site.yaml:8: languages.code: 'EN' is not a valid slug"),
    ("languages:\n  - {code: zh, html_lang: zh-Hans, name: 中文}\n  - {code: en, html_lang: en, name: English}",
     "languages: zh, en", "site.yaml:6: languages: expected a list of languages, got text ('zh, en')"),
    ("languages:", "langauges:", "site.yaml:1: languages: missing"),
])
def test_a_wrong_language_setting_is_the_only_message(fixture_site, old, new, message):
    content = fixture_site()
    edit(content, "site.yaml", old, new)
    problems = problems_of(content)
    assert len(problems) == 1 and problems[0].startswith(f"{content}/{message}"), problems


def test_an_area_called_index_is_reported_in_areas_yaml(fixture_site):
    content = fixture_site()
    edit(content, "areas.yaml", "slug: east", "slug: index")
    assert problems_of(content) == [
        f"{content}/areas.yaml:8: slug: 'index' is the name of the page that lists them all "
        "(another slug, e.g. 'index-area')"]


def test_a_booklet_without_cases_says_so(fixture_site, tmp_path):
    content = fixture_site()
    for path in (content / "cases").iterdir():
        path.unlink()
    result = cli("build", "--content", str(content), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        f"{content}/cases:1: cases: no case to publish (write one with 'python build.py new', "
        "or delete the line 'draft: true' of a finished one)")
    assert "pagefind" not in result.stderr and "pip install" not in result.stderr


def test_new_with_a_missing_content_folder_says_so(tmp_path):
    result = cli("new", "--content", str(tmp_path / "nowhere"), "--title", "标题", "--areas", "north",
                 "--themes", "tourism")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"--content: '{tmp_path}/nowhere' is not a folder (the folder that holds site.yaml and cases/)"]


# --- integrity ------------------------------------------------------------------------------------

def test_two_cases_in_the_same_place_in_the_booklet(fixture_site):
    content = fixture_site()
    edit(content, ZH, "order: 2", "order: 1")
    assert problems_of(content) == [
        f"{content}/cases/zh-only.zh.md:7: order: 1 is also the order of cases/full-pair.zh.md "
        "(each case its own position in the booklet)"]


@pytest.mark.parametrize("character", ["\x00", "\x02", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\u2029"])
def test_a_control_character_in_a_body_is_a_message(fixture_site, character):
    content = fixture_site()
    edit(content, ZH, "只有中文的正文", f"只有{character}中文的正文")
    problems = problems_of(content)
    assert problems == [f"{content}/{ZH}:9: file: holds an invisible control character (U+{ord(character):04X}) "
                        "at column 3 (delete it: retype the few characters around that place)"]


@pytest.mark.parametrize("code", ["assets", "images", "downloads", "pagefind"])
def test_a_language_code_cannot_be_a_folder_of_the_site(fixture_site, code):
    content = fixture_site()
    edit(content, "site.yaml", "code: en,", f"code: {code},")
    assert problems_of(content) == [
        f"{content}/site.yaml:8: languages.code: '{code}' is a folder of the built site (a language code such "
        "as 'zh', 'en' or 'fr'; not one of: assets, downloads, images, pagefind)"]


def test_the_built_site_can_be_read_by_a_web_server_of_another_user(fixture_site, tmp_path):
    content, out = fixture_site(), tmp_path / "out"
    build_to(content, out)
    umask = os.umask(0o022)  # the usual umask, under which others may read and enter
    try:
        build_to(content, tmp_path / "shared")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "shared").stat().st_mode) == 0o755
    assert stat.S_IMODE(out.stat().st_mode) == 0o777 & ~umask


def test_leftovers_of_an_interrupted_build_are_cleaned_up(fixture_site, tmp_path):
    content, out = fixture_site(), tmp_path / "out"
    build_to(content, out)
    for name in ("out.tmp-dead1234", "out.old-dead5678"):
        (tmp_path / name).mkdir()
        (tmp_path / name / ".booklet-site").write_text("ours", encoding="utf-8")
    (tmp_path / "out.tmp-notours").mkdir()  # without the marker: not ours, kept
    build_to(content, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bilingual", "out", "out.tmp-notours"]


def test_a_symlinked_out_folder_stays_a_symlink(fixture_site, tmp_path):
    content = fixture_site()
    real, link = tmp_path / "real-site", tmp_path / "site"
    build_to(content, real)
    link.symlink_to(real, target_is_directory=True)
    edit(content, ZH, "只有中文的正文", "改过的正文")
    build_to(content, link)
    assert link.is_symlink() and link.resolve() == real
    assert "改过的正文" in (real / "zh/cases/zh-only.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bilingual", "real-site", "site"]


def test_a_failed_build_leaves_a_symlinked_site_as_it_was(fixture_site, tmp_path):
    content = fixture_site()
    real, link = tmp_path / "real-site", tmp_path / "site"
    build_to(content, real)
    link.symlink_to(real, target_is_directory=True)
    before = tree_bytes(real, SEARCH_BUNDLE)
    edit(content, ZH, "order: 2", "order: two")
    with pytest.raises(BuildFailed):
        build_to(content, link)
    assert link.is_symlink() and tree_bytes(real, SEARCH_BUNDLE) == before


def test_a_ui_group_of_the_wrong_shape_is_reported_on_its_own_line(fixture_site):
    content = fixture_site()
    (content / "ui.yaml").write_text("en:\n  home: Home\n  figure: plain text\n  units: [people]\n", "utf-8")
    assert problems_of(content) == [
        f"{content}/ui.yaml:3: en.figure: expected 'name: text' lines, got text ('plain text') "
        "(compare with the 'en' block of sitegen/ui.yaml)",
        f"{content}/ui.yaml:4: en.units: expected one entry per unit, got a list "
        "(compare with the 'en' block of sitegen/ui.yaml)"]


# --- found by a tester's pass over 614 bad inputs ------------------------------------------------

@pytest.mark.parametrize("file, old, new, message", [
    ("site.yaml", "base_url: https://example.org/booklet/", "base_url: 'http://[::1/'",
     "site.yaml:4: base_url: 'http://[::1/' is not a web address that can be read"),
    ("site.yaml", "base_url: https://example.org/booklet/", "base_url: https://exa mple.org/",
     "site.yaml:4: base_url: 'https://exa mple.org/' is not an absolute web address"),
    ("site.yaml", "languages:\n  - {code: zh, html_lang: zh-Hans, name: 中文}\n  - {code: en, html_lang: en, name: "
     "English}", "languages: []", "site.yaml:6: languages: is empty"),
    ("areas.yaml", "- slug: east", "- west\n- slug: east", "areas.yaml:8: entry 3: expected 'key: value' fields, "
     "got text ('west') (the fields of one entry: slug, name, description)"),
    ("areas.yaml", "- slug: north\n", "- slug: north\n  map: [150, -3]\n",
     "areas.yaml:2: map: expected [x, y] with numbers from 0 to 100, got [150, -3]"),
    ("areas.yaml", "- slug: north\n", "- slug: no\n", "areas.yaml:1: slug: expected text, got yes/no (false): put "
     "the word in quotes, e.g. 'no'"),
    ("glossary.yaml", "{en: ", "{zh: 民宿, en: ", "glossary.yaml:4: translation: 'zh' is not a language the booklet "
     "translates into"),
], ids=["ipv6", "space", "no-languages", "scalar-entry", "map-range", "bare-no", "glossary-source-language"])
def test_data_file_slips_found_by_the_tester(fixture_site, file, old, new, message):
    content = fixture_site()
    edit(content, file, old, new)
    problems = problems_of(content)
    assert len(problems) == 1 and problems[0].startswith(f"{content}/{message}"), problems


def test_an_empty_list_of_areas_says_so(fixture_site):
    content = fixture_site()
    (content / "areas.yaml").write_text("[]\n", encoding="utf-8")
    assert problems_of(content) == [f"{content}/areas.yaml:1: file: has no entries (one '- slug: …' entry per "
                                    "item, each with name and description)"]


@pytest.mark.parametrize("ui, message", [
    ('en:\n  count_one: "{n:s} case"\n', "ui.yaml:2: en.count_one: has a '{' or '}' that does not pair up, or a "
     "placeholder that is more than a {name}"),
    ('en:\n  count_one: "{n!r} case"\n', "ui.yaml:2: en.count_one: has a '{' or '}' that does not pair up"),
    ('en:\n  count_other: "{n:>100000000} cases"\n', "ui.yaml:2: en.count_other: has a '{' or '}'"),
    ('en:\n  figure: {exact: "{prefix}{number:q}{magnitude}{suffix}"}\n', "ui.yaml:2: en.figure.exact: has a '{'"),
    ('en:\n  figure: {range: "a range"}\n', "ui.yaml:2: en.figure.range: leaves out {high}, {low}"),
    ('en:\n  number: {magnitudes: [[0, " x"]]}\n', "ui.yaml:2: en.number.magnitudes: expected a list of [size, word] "
     "pairs, each size a whole number above 1"),
], ids=["format-spec", "conversion", "huge-width", "figure-spec", "range-without-numbers", "zero-magnitude"])
def test_ui_strings_that_would_crash_or_mislead_the_pages(fixture_site, ui, message):
    content = fixture_site()
    (content / "ui.yaml").write_text(ui, encoding="utf-8")
    problems = problems_of(content)
    assert len(problems) == 1 and problems[0].startswith(f"{content}/{message}"), problems


def test_an_out_folder_that_is_a_link_loop_or_too_long_is_a_message(fixture_site, tmp_path):
    content = fixture_site()
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    with pytest.raises(BuildFailed) as failure:
        build_to(content, tmp_path / "loop1")
    assert [p.reported() for p in failure.value.problems] == [
        f"{tmp_path}/loop1:1: --out: is a symbolic link that leads round in a loop (a real folder, or a link to one)"]
    with pytest.raises(BuildFailed) as failure:
        build_to(content, tmp_path / ("a" * 300))
    assert [p.reported() for p in failure.value.problems] == [
        f"{tmp_path}/{'a' * 300}:1: --out: cannot be used: the name is too long (a shorter folder name you may "
        "write to)"]


@pytest.mark.parametrize("body, message", [
    ("> " * 9 + "深", "nests too deeply for a page or a PDF (9 quotations inside each other)"),
    ("".join("  " * i + "- 层\n" for i in range(40)), "nests too deeply for a page or a PDF (a list item indented "
                                                      "50 spaces)"),
], ids=["quotations", "list"])
def test_a_body_nested_deeper_than_a_page_can_show(fixture_site, body, message):
    content = fixture_site()
    append(content, ZH, "\n\n" + body + "\n")
    problems = problems_of(content)
    assert len(problems) == 1 and f"zh-only.zh.md:" in problems[0] and f": body: {message} (" in problems[0]


def test_code_blocks_nest_nothing_and_may_hold_anything(fixture_site, tmp_path):
    content = fixture_site()
    append(content, ZH, "\n\n```\n" + " " * 60 + "字符画\n>>>>>>>>>> 引用的邮件\n```\n\n" + " " * 50 + "缩进的代码\n")
    build_to(content, tmp_path / "out")
    assert "字符画" in (tmp_path / "out/zh/cases/zh-only.html").read_text(encoding="utf-8")


def test_a_pipe_in_the_content_folder_is_not_read(fixture_site):
    content = fixture_site()
    os.mkfifo(content / "cases/pipe.zh.md")
    assert problems_of(content) == [
        f"{content}/cases/pipe.zh.md:1: file: is not a regular file (a pipe or a device), so it was not read "
        "(replace it with a text file, or delete it)"]


@pytest.mark.parametrize("make, message", [
    (lambda c: (c / "site.yaml").unlink() or (c / "site.yaml").mkdir(),
     "site.yaml:1: file: is a folder, not a file (a text file named site.yaml)"),
    (lambda c: shutil.rmtree(c / "images") or (c / "images").write_text("x"),
     "images:1: folder: is a file, not a folder (a folder named images (rename or delete the file))"),
    (lambda c: (c / "cases/zh-only.zh.md").rename(c / "cases/zh-only.zh.MD"),
     "cases/zh-only.zh.MD:1: file name: ends in '.MD', so it was not read (rename it to end in '.md', in lowercase)"),
], ids=["folder-for-a-file", "file-for-a-folder", "upper-case-ending"])
def test_a_name_that_holds_the_wrong_kind_of_thing(fixture_site, make, message):
    content = fixture_site()
    make(content)
    assert f"{content}/{message}" in problems_of(content)


def test_an_unreadable_image_is_named(fixture_site, monkeypatch):
    content = fixture_site()
    real_open = Path.open

    def guarded(self, mode="r", *args, **kwargs):
        if self.name == "map.svg":
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", guarded)
    assert f"{content}/images/map.svg:1: file: cannot be read: permission denied (give your user permission to " \
           "read it, or save it again)" in problems_of(content)


def test_a_foreword_with_a_wrong_field_is_one_message(fixture_site):
    content = fixture_site()
    edit(content, "foreword.zh.md", "byline:", "author:")
    problems = problems_of(content)
    assert [p.split(": ", 1)[0] for p in problems] == [f"{content}/foreword.zh.md:2", f"{content}/foreword.zh.md:2"]
    assert not any("missing (the foreword in the source language" in p for p in problems)


@pytest.mark.parametrize("markdown, message", [
    ("![图](file:///etc/passwd)", "image: 'file:///etc/passwd' does not exist"),
    ('<img alt="无址">', "image: has no address"),
], ids=["file-url", "no-src"])
def test_an_image_the_sanitiser_would_empty_still_stops_the_build(fixture_site, markdown, message):
    content = fixture_site()
    line = append(content, ZH, "\n\n" + markdown + "\n")
    problems = problems_of(content)
    assert len(problems) == 1 and problems[0].startswith(f"{content}/{ZH}:{line}: {message}"), problems


def test_an_image_name_written_with_percent_escapes_is_found(fixture_site, tmp_path):
    content = fixture_site()
    (content / "images/地图 1.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    append(content, ZH, "\n\n![地图](images/地图%201.svg)\n")
    build_to(content, tmp_path / "out")
    assert (tmp_path / "out/images/地图 1.svg").is_file()


def test_phone_links_are_kept(fixture_site, tmp_path):
    content = fixture_site()
    append(content, ZH, "\n\n电话：[0580-1234567](tel:0580-1234567)\n")
    build_to(content, tmp_path / "out")
    assert 'href="tel:0580-1234567"' in (tmp_path / "out/zh/cases/zh-only.html").read_text(encoding="utf-8")
    assert not [f for f in findings_of(content) if "left out of the page" in f]


def test_review_of_a_case_without_translation_says_so(fixture_site):
    content = fixture_site()
    result = cli("review", "zh-only", "--content", str(content))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "review:1: SLUG: 'zh-only' has no translation to mark (translate it first, as cases/zh-only.LANG.md)",
        "Stopped: 1 problem found; nothing was marked."]


def test_review_on_a_full_disk_keeps_the_earlier_record(fixture_site, monkeypatch):
    content = fixture_site()
    list(sitegen.mark_reviewed(content, ["full-pair"], None, False))
    record = content / "reviewed/full-pair.en.json"
    before = record.read_bytes()
    edit(content, "cases/full-pair.zh.md", "第二段。", "第二段，改过。")
    real_write = Path.write_text

    def full(self, text, *args, **kwargs):
        real_write(self, text[:10], *args, **kwargs)  # part of it lands, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_text", full)
    with pytest.raises(Fault) as fault:
        list(sitegen.mark_reviewed(content, ["full-pair"], None, False))
    assert fault.value.report().endswith("and that the disk has space; the earlier record was kept)")
    assert record.read_bytes() == before
    assert sorted(p.name for p in record.parent.iterdir()) == ["full-pair.en.json"]


def test_a_disk_that_filled_up_while_the_search_index_was_written_keeps_the_site(fixture_site, tmp_path,
                                                                                  monkeypatch):
    import shutil as shutil_module
    from collections import namedtuple
    content, out = fixture_site(), tmp_path / "out"
    build_to(content, out)
    before = tree_bytes(out, SEARCH_BUNDLE)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil_module, "disk_usage", lambda path: usage(10**9, 10**9 - 4096, 4096))
    with pytest.raises(Fault) as fault:
        build_to(content, out)
    assert fault.value.report() == (f"Cannot write the site to {out}: the disk is full (free some disk space, then "
                                    "build again; the site built last was left as it was)")
    assert tree_bytes(out, SEARCH_BUNDLE) == before


def test_an_empty_file_in_the_search_index_stops_the_build(tmp_path, monkeypatch):
    from sitegen import search

    class PagefindThatRanOutOfSpace:
        returncode = 0

        def __init__(self, command, **kwargs):
            bundle = Path(command[command.index("--output-path") + 1])
            bundle.mkdir(parents=True)
            (bundle / "pagefind.js").write_text("ok", encoding="utf-8")
            (bundle / "pagefind-ui.css").write_bytes(b"")

        def communicate(self, timeout=None):
            return "", ""

    (tmp_path / "zh/cases").mkdir(parents=True)
    (tmp_path / "zh/cases/a.html").write_text('<html lang="zh-Hans"><p>字</p></html>', encoding="utf-8")
    monkeypatch.setattr(search.subprocess, "Popen", PagefindThatRanOutOfSpace)
    with pytest.raises(Fault) as fault:
        search.index_site(tmp_path)
    assert fault.value.report() == (
        "The search index could not be written in full (1 of its files came out empty, e.g. pagefind-ui.css) "
        "(check that the disk has free space, then build again; the site built last was left as it was)")


def test_a_folder_that_cannot_be_removed_is_said(fixture_site, tmp_path, monkeypatch, caplog):
    import shutil as shutil_module
    content, out = fixture_site(), tmp_path / "out"
    build_to(content, out)
    monkeypatch.setattr(shutil_module, "rmtree", lambda path, *args, **kwargs: None)
    with caplog.at_level("INFO"):
        build_to(content, out)
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith("out.old-")]
    assert len(left) == 1
    assert f"Could not remove {tmp_path}/{left[0]} (the site this build replaced); delete it by hand to free its " \
           "space." in caplog.messages


@pytest.mark.parametrize("delay", [0.3, 0.5, 0.8])
def test_a_stop_while_the_generator_loads_is_one_line(fixture_site, tmp_path, delay):
    import signal
    import time
    env = {k: v for k, v in os.environ.items() if k != "BOOKLET_DEBUG"}
    process = subprocess.Popen([sys.executable, str(PROJECT / "build.py"), "build", "--content", str(fixture_site()),
                                "--out", str(tmp_path / "out")], stderr=subprocess.PIPE, text=True, env=env)
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert "Traceback" not in stderr and "KeyboardInterrupt" not in stderr
    if process.returncode != 0:  # a fast machine may have finished first
        assert process.returncode == 130 and len(stderr.splitlines()) == 1 and stderr.startswith("Stopped")


def test_sigterm_during_a_build_cleans_up_like_ctrl_c(fixture_site, tmp_path, monkeypatch, capsys):
    import signal
    import build
    content, out = fixture_site(), tmp_path / "out"
    build_to(content, out)
    before = tree_bytes(out)
    monkeypatch.setattr(sitegen, "index_site", lambda *args: os.kill(os.getpid(), signal.SIGTERM))
    edit(content, "cases/zh-only.zh.md", "只有中文的正文", "改过的正文")  # something to build
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        assert build.main(["build", "--content", str(content), "--out", str(out)]) == 130
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
    assert capsys.readouterr().err.splitlines() == ["Stopped: the site built last was left as it was."]
    assert tree_bytes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bilingual", "out"]


@pytest.fixture
def tools_for_pdf():
    from sitegen.pdf import pick_cjk_font, read_font_families
    need("a Chinese font", pick_cjk_font(read_font_families()) is not None, "install fonts-noto-cjk")


# --- found by the tester's second pass ----------------------------------------------------------------

def test_an_out_folder_that_cannot_be_looked_at_is_one_message(fixture_site, tmp_path):
    result = cli("build", "--content", str(fixture_site()), "--out", str(tmp_path / ("a" * 300)))
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == "Stopped: 1 problem found; nothing was written."
    assert "Internal error" not in result.stderr


def test_a_content_folder_this_user_cannot_open(fixture_site, monkeypatch):
    content = fixture_site()
    monkeypatch.setattr(os, "access", lambda path, mode: Path(path) != content)
    assert problems_of(content) == [f"{content}:1: --content: cannot be opened: permission denied (the folder that "
                                    "holds site.yaml and cases/)"]


def test_a_folder_nested_a_thousand_deep_is_walked(fixture_site):
    content = fixture_site()
    folders = [content / "cases"]
    for _ in range(1100):  # one by one: Python's own makedirs (and rmtree) would recurse too deeply
        folders.append(folders[-1] / "a")
        folders[-1].mkdir()
    (folders[-1] / "x.zh.md").write_text("---\n", encoding="utf-8")
    try:
        problems = problems_of(content)
    finally:
        (folders[-1] / "x.zh.md").unlink()
        for folder in reversed(folders[1:]):
            folder.rmdir()
    assert len(problems) == 1 and problems[0].endswith("/a/x.zh.md:1: front matter: is never closed (a second line "
                                                       "'---' after the fields; did you forget it?)")


def test_the_status_table_skips_links_that_lead_nowhere(fixture_site):
    content = fixture_site()
    (content / "cases/dang.zh.md").symlink_to("/nonexistent/x.zh.md")
    (content / "cases/loop.zh.md").symlink_to(content / "cases/loop.zh.md")
    result = cli("check", "--status", "--content", str(content))
    assert "Internal error" not in result.stderr and "Traceback" not in result.stderr
    assert "cases/dang.zh.md:1: error: link: is a symbolic link to /nonexistent/x.zh.md" in result.stdout


def test_check_output_into_a_closed_pipe_a_full_disk_or_a_legacy_console(fixture_site, tmp_path):
    content = fixture_site()
    edit(content, "cases/full-pair.zh.md", "areas: [north]", "areas: [北区]")
    env = {k: v for k, v in os.environ.items() if k != "BOOKLET_DEBUG"}
    command = [sys.executable, str(PROJECT / "build.py"), "check", "--content", str(content)]
    piped = subprocess.run(" ".join(f"'{c}'" for c in command) + " | head -c 10", shell=True, capture_output=True,
                           text=True, env=env, timeout=120)
    assert piped.stderr == ""
    with open("/dev/full", "w") as full:
        result = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True, env=env, timeout=120)
    assert result.returncode == 1
    assert result.stderr.splitlines() == ["Stopped: cannot write the output: the disk is full."]
    legacy = subprocess.run(command, capture_output=True, env={**env, "PYTHONIOENCODING": "cp1252"}, timeout=120)
    assert legacy.returncode == 1 and b"\\u5317\\u533a" in legacy.stdout and b"Internal error" not in legacy.stderr


def test_review_on_a_read_only_disk_is_one_line(fixture_site, monkeypatch):
    content = fixture_site()
    real_write, real_unlink = Path.write_text, Path.unlink

    def read_only(self, *args, **kwargs):
        if self.parent.name == "reviewed":
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        return real_write(self, *args, **kwargs)

    def unlink(self, missing_ok=False):
        if self.parent.name == "reviewed":
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        return real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "write_text", read_only)
    monkeypatch.setattr(Path, "unlink", unlink)
    with pytest.raises(Fault) as fault:
        list(sitegen.mark_reviewed(content, ["full-pair"], None, False))
    assert "the disk is read-only" in fault.value.report()


def test_review_says_each_record_as_it_is_written(fixture_site, monkeypatch, capsys):
    import build
    from sitegen import review
    content = fixture_site("checked")
    monkeypatch.setattr(sitegen, "write_snapshot", lambda *args: (_ for _ in ()).throw(KeyboardInterrupt))
    assert build.main(["review", "--all", "--content", str(content)]) == 130
    assert capsys.readouterr().err.splitlines() == [
        "Stopped: the translations listed above were marked, no others."]
    monkeypatch.setattr(sitegen, "write_snapshot", review.write_snapshot)
    assert build.main(["review", "--all", "--content", str(content)]) == 0
    assert capsys.readouterr().out.splitlines() == [f"Marked reviewed: {content}/reviewed/homestays.en.json"]


def test_a_second_build_into_the_same_folder_stops_at_once(fixture_site, tmp_path, monkeypatch):
    content, out = fixture_site(), tmp_path / "out"
    build_to(content, out)
    before = tree_bytes(out)
    outcome = []

    def build_again_meanwhile(*args):  # the first build is writing its staging folder
        with pytest.raises(Fault) as fault:
            build_to(content, out)
        outcome.append(fault.value.report())

    monkeypatch.setattr(sitegen, "index_site", build_again_meanwhile)
    build_to(content, out)
    assert outcome == [f"Another build is writing {out} right now (wait for it to finish, then build again)"]
    assert tree_bytes(out, SEARCH_BUNDLE).keys() - {".booklet-site"} <= before.keys()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bilingual", "out"]


@pytest.mark.parametrize("old, new, message", [
    ("order: 2", "order: -5", ":7: order: -5 is not a position: they start at 1"),
    ("order: 2", "order: 2\n~: c", ":8: YAML: '~' is read as nothing, not as a field name (put it in quotes: '~': …)"),
    ("order: 2", "order: 2\non: c", ":8: YAML: 'on' is read as yes/no, not as a field name"),
], ids=["negative-order", "null-key", "bool-key"])
def test_front_matter_values_found_by_the_second_pass(fixture_site, old, new, message):
    content = fixture_site()
    edit(content, ZH, old, new)
    problems = problems_of(content)
    assert len(problems) == 1 and problems[0].startswith(f"{content}/{ZH}{message}"), problems


def test_new_refuses_a_line_separator_in_the_title(fixture_site):
    content = fixture_site()
    result = cli("new", "--content", str(content), "--title", "新\u2028案例", "--areas", "north", "--themes",
                 "tourism", "--slug", "t2028")
    assert result.returncode == 1 and "--title: must be one line of text" in result.stderr


def test_a_refused_address_inside_an_svg_names_the_image(tools_for_pdf, fixture_site, tmp_path):
    content = fixture_site()
    (content / "images/map.svg").write_text(
        "<svg xmlns='http://www.w3.org/2000/svg' xmlns:xlink='http://www.w3.org/1999/xlink'>\n"
        "<image href='file:///etc/passwd' width='10' height='10'/>\n</svg>\n", encoding="utf-8")
    with pytest.raises(BuildFailed) as failure:
        sitegen.build(sitegen.Paths(content=content, out=tmp_path / "site"), pdf_paper="a4")
    assert f"{content}/images/map.svg:2: pdf: asks for 'file:///etc/passwd', which is not a file of the booklet, so " \
           "it was left out of the PDF (draw the image without outside files)" in [p.reported() for p in failure.value.problems]


def test_an_address_written_with_entities_is_found_on_its_line(fixture_site):
    content = fixture_site()
    line = append(content, ZH, '\n\n<a href="java&#115;cript&colon;alert(1)">点</a>\n')
    assert any(f.startswith(f"{content}/{ZH}:{line}: warning: left out of the page: the address 'javascript:alert(1)'")
               for f in findings_of(content))


def test_two_stops_in_a_row_still_end_in_one_line(fixture_site, tmp_path):
    import signal
    import time
    env = {k: v for k, v in os.environ.items() if k != "BOOKLET_DEBUG"}
    process = subprocess.Popen([sys.executable, str(PROJECT / "build.py"), "build", "--content", str(fixture_site()),
                                "--out", str(tmp_path / "out")], stderr=subprocess.PIPE, text=True, env=env)
    time.sleep(0.8)
    process.send_signal(signal.SIGINT)
    time.sleep(0.001)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert "Traceback" not in stderr and "Exception ignored" not in stderr
    assert process.returncode in (0, 130) and len(stderr.splitlines()) <= 1


# --- from the third tester pass ----------------------------------------------------------------------

def test_a_number_of_thousands_of_digits_in_a_body_is_a_warning(fixture_site):
    content = fixture_site("checked")
    edit(content, "cases/homestays.zh.md", "项目总投资3784万元。", f"项目总投资3784万元，另有{'9' * 5000}名群众。")
    found, _ = sitegen.check(content)
    assert any("the text reports 99999" in f.message for f in found)


def test_a_very_long_chinese_line_is_checked_without_hanging(fixture_site):
    """The typography patterns look at a few characters around a quote or a space, never at a
    whole run: a 100,000-character paragraph is checked in seconds (it took minutes)."""
    content = fixture_site("checked")
    edit(content, "cases/homestays.zh.md", "北区以党建联盟带动民宿业发展。",
         "北区" + "民宿" * 25000 + "'联盟" + "民宿" * 25000 + "a" * 40000 + " 民宿。")
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "check", "--content", str(content)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "straight quote in Chinese text" in result.stdout


def test_a_straight_quote_in_a_title_is_reported_once_not_again_as_generated(fixture_site):
    content = fixture_site("checked")
    edit(content, "cases/homestays.zh.md", "title: 民宿联盟", "title: \"'民宿'联盟\"")
    found = [str(f) for f in sitegen.check(content)[0] if "straight quote" in f.message]
    assert len(found) == 1 and "(generated)" not in found[0], found


def test_a_file_the_system_refuses_is_named_not_called_output(fixture_site, monkeypatch, capsys):
    import build
    content = fixture_site()

    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(content / "cases"))

    monkeypatch.setattr(sitegen, "check", refused)
    monkeypatch.delenv("BOOKLET_DEBUG")
    assert build.main(["check", "--content", str(content)]) == 1
    assert capsys.readouterr().err.splitlines() == [f"Stopped: cannot use {content / 'cases'}: permission denied."]
