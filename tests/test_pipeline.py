"""The build pipeline (issue 10): bodies rendered once and kept in the build cache, pages on all
cores, nothing done when nothing changed, the search index kept when no indexed page changed,
and whatever the sequence of edits, the same site as a clean build."""
import os
import shutil
import sys

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import sitegen
from conftest import PROJECT, FIXTURES
from htmlcheck import SEARCH_BUNDLE, tree_bytes
from sitegen import markup
from sitegen.cache import Cache, key

sys.path.insert(0, str(PROJECT / "bench"))


def build(content, out, **options):
    return sitegen.build(sitegen.Paths(content=content, out=out, cache=out.parent / "cache"), **options)


@pytest.fixture
def counted(monkeypatch):
    """Count the bodies Markdown renders (in this process: a fixture has too few for workers)."""
    calls = []
    real = markup._render

    def render(*args):
        calls.append(args[0][:20])
        return real(*args)

    monkeypatch.setattr(markup, "_render", render)
    markup.render_markdown.cache_clear()
    yield calls
    markup.render_markdown.cache_clear()


def test_a_second_build_renders_no_body_again(fixture_site, tmp_path, counted):
    content = fixture_site()
    build(content, tmp_path / "a")
    assert counted
    counted.clear()
    markup.render_markdown.cache_clear()  # a new process: only the cache on disk remembers
    build(content, tmp_path / "b")
    assert counted == []
    assert tree_bytes(tmp_path / "a", SEARCH_BUNDLE) == tree_bytes(tmp_path / "b", SEARCH_BUNDLE)


def test_an_edited_body_alone_is_rendered_again(fixture_site, tmp_path, counted):
    content = fixture_site()
    build(content, tmp_path / "out")
    counted.clear()
    markup.render_markdown.cache_clear()
    case = content / "cases/full-pair.zh.md"
    case.write_text(case.read_text(encoding="utf-8").rstrip("\n") + "又一句。\n", encoding="utf-8")
    build(content, tmp_path / "out")
    assert counted and all(text == counted[0] for text in counted)  # that body (and its translation's anchors)


def test_the_cache_is_safe_to_delete_or_to_find_broken(fixture_site, tmp_path):
    content = fixture_site()
    build(content, tmp_path / "a")
    shutil.rmtree(tmp_path / "cache")
    build(content, tmp_path / "b")
    (tmp_path / "cache/cache.sqlite3").write_bytes(b"not a database")
    markup.render_markdown.cache_clear()
    build(content, tmp_path / "c")
    assert tree_bytes(tmp_path / "a", SEARCH_BUNDLE) == tree_bytes(tmp_path / "c", SEARCH_BUNDLE)


def test_a_build_holds_the_bodies_shape_and_reads_their_html_back_from_the_cache(fixture_site, tmp_path):
    content = fixture_site()
    markup.render_markdown.cache_clear()
    build(content, tmp_path / "a")
    held = list(markup._RENDERED.values())
    assert held and all(r.html is None and r.blocks for r in held)  # the memory a large site needs
    markup.render_markdown.cache_clear()
    (tmp_path / "nowhere").write_text("a file, not a folder: no cache")
    sitegen.build(sitegen.Paths(content=content, out=tmp_path / "b", cache=tmp_path / "nowhere"))
    assert all(r.html for r in markup._RENDERED.values())  # no cache to read them back from: kept
    assert tree_bytes(tmp_path / "a", SEARCH_BUNDLE) == tree_bytes(tmp_path / "b", SEARCH_BUNDLE)
    markup.render_markdown.cache_clear()


def test_a_cached_value_is_keyed_by_the_generator_too():
    cache = Cache(None)
    assert cache.get_many("body", [key("x")]) == {}  # no folder: no cache, no error
    assert key("x") != key("y") and key("x") == key("x")


def test_what_another_generator_cached_is_removed_when_the_cache_opens(tmp_path, monkeypatch):
    """Entries made by another version of the generator can never be asked for again (their
    keys hold its fingerprint): the cache does not keep them. A forked worker's connection
    leaves them to the build; a cache file of the earlier layout is started afresh."""
    import sqlite3
    from sitegen import cache as cache_module
    cache = Cache(tmp_path / "c")
    cache.put_many("body", {"mine": 1})
    cache.close()
    monkeypatch.setattr(cache_module, "FINGERPRINT", "another generator")
    cache = Cache(tmp_path / "c")
    assert cache.get_many("body", ["mine"]) == {}
    cache.put_many("body", {"theirs": 2})
    cache.close()
    monkeypatch.undo()
    assert Cache(tmp_path / "c", sweep=False).get_many("body", ["theirs"]) == {"theirs": 2}
    assert Cache(tmp_path / "c").get_many("body", ["theirs"]) == {}
    old = sqlite3.connect(tmp_path / "old.sqlite3")
    old.execute("CREATE TABLE entries (kind TEXT, key TEXT, value BLOB, PRIMARY KEY (kind, key))")
    old.commit(), old.close()
    (tmp_path / "o").mkdir()
    (tmp_path / "old.sqlite3").rename(tmp_path / "o/cache.sqlite3")
    cache = Cache(tmp_path / "o")
    cache.put_many("body", {"new": 3})
    assert cache.usable and cache.get_many("body", ["new"]) == {"new": 3}


def test_nothing_changed_means_nothing_done(fixture_site, tmp_path):
    content, out = fixture_site(), tmp_path / "out"
    site, _ = build(content, out, reuse=True)
    assert site is not None
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    assert build(content, out, reuse=True) == (None, [])
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before
    (out / "index.html").write_text("changed by hand", encoding="utf-8")  # the site is not as left
    assert build(content, out, reuse=True)[0] is not None
    assert "changed by hand" not in (out / "index.html").read_text(encoding="utf-8")
    os.utime(content / "themes.yaml")  # an input touched: built again
    assert build(content, out, reuse=True)[0] is not None


def test_the_search_index_is_kept_when_no_indexed_page_changed(fixture_site, tmp_path):
    content, out = fixture_site(), tmp_path / "out"
    build(content, out)
    bundle = {p.relative_to(out): p.stat().st_mtime_ns for p in (out / "pagefind").rglob("*") if p.is_file()}
    themes = content / "themes.yaml"  # a theme's description is on its page, not on the cases'
    themes.write_text(themes.read_text(encoding="utf-8").replace("en: About alliances.", "en: On alliances.", 1),
                      encoding="utf-8")
    build(content, out)
    assert {p.relative_to(out): p.stat().st_mtime_ns for p in (out / "pagefind").rglob("*") if p.is_file()} == bundle
    case = content / "cases/full-pair.en.md"
    case.write_text(case.read_text(encoding="utf-8").rstrip("\n") + " More.\n", encoding="utf-8")
    build(content, out)
    after = {p.relative_to(out): p.stat().st_mtime_ns for p in (out / "pagefind").rglob("*") if p.is_file()}
    # The English index is made again; the Chinese one, whose pages did not change, is kept.
    assert {p: t for p, t in after.items() if p.parts[1] == "zh"} == {p: t for p, t in bundle.items() if p.parts[1] == "zh"}
    assert {p: t for p, t in after.items() if p.parts[1] == "en"} != {p: t for p, t in bundle.items() if p.parts[1] == "en"}


EDITS = st.lists(st.sampled_from(["zh-body", "en-body", "title", "theme", "figure", "undo"]), min_size=1, max_size=4)


@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "4")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
def test_any_sequence_of_edits_gives_the_site_a_clean_build_gives(tmp_path_factory, edits):
    root = tmp_path_factory.mktemp("edits")
    content, out = root / "content", root / "out"
    shutil.copytree(FIXTURES / "bilingual", content)
    originals = {p: p.read_text(encoding="utf-8") for p in content.rglob("*.*") if p.suffix in (".md", ".yaml")}
    build(content, out, reuse=True)
    for n, edit in enumerate(edits):
        zh, en, themes = content / "cases/full-pair.zh.md", content / "cases/full-pair.en.md", content / "themes.yaml"
        if edit == "zh-body":
            zh.write_text(zh.read_text(encoding="utf-8").rstrip("\n") + f"第{n}句。\n", encoding="utf-8")
        elif edit == "en-body":
            en.write_text(en.read_text(encoding="utf-8").rstrip("\n") + f" Sentence {n}.\n", encoding="utf-8")
        elif edit == "title":
            zh.write_text(zh.read_text(encoding="utf-8").replace("title: ", f"title: 第{n}版", 1), encoding="utf-8")
        elif edit == "theme":
            themes.write_text(themes.read_text(encoding="utf-8").replace("{en: Alliances", f"{{en: Alliances {n}", 1),
                              encoding="utf-8")
        elif edit == "figure":
            zh.write_text(zh.read_text(encoding="utf-8").replace("value: ", f"value: {n + 1}", 1), encoding="utf-8")
        else:
            for path, text in originals.items():
                path.write_text(text, encoding="utf-8")
        build(content, out, reuse=True)
    clean = root / "clean"
    sitegen.build(sitegen.Paths(content=content, out=clean, cache=root / "fresh-cache"))
    assert tree_bytes(out, SEARCH_BUNDLE) == tree_bytes(clean, SEARCH_BUNDLE)


def test_pages_rendered_on_all_cores_are_the_pages_rendered_on_one(tmp_path):
    from corpus import make_corpus
    from sitegen.render import render_site
    content = make_corpus(tmp_path / "corpus", 70)
    site = sitegen.load_site(content)
    assert len(site.cases) * 2 > 100
    one = render_site(site, sitegen.Paths.templates, workers=1)
    two = render_site(site, sitegen.Paths.templates, workers=2)
    assert len(one) > 200 and one == two


def test_a_build_says_its_stages_in_a_terminal_and_sums_them_up_otherwise(fixture_site, tmp_path):
    import pty
    import subprocess
    command = [sys.executable, str(PROJECT / "build.py"), "build", "--content", str(fixture_site()),
               "--out", str(tmp_path / "out")]
    piped = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert piped.returncode == 0 and piped.stderr == ""
    summary = piped.stdout.splitlines()[0]
    assert summary.startswith("Built 2 cases in 2 languages") and all(
        f"{stage} " in summary for stage in ("read", "bodies", "pages", "write", "search")), summary
    leader, follower = pty.openpty()
    (tmp_path / "out/index.html").write_text("", encoding="utf-8")  # something to build again
    run = subprocess.run(command, stdout=subprocess.PIPE, stderr=follower, timeout=300)
    os.close(follower)
    said = os.read(leader, 65536).decode("utf-8")
    os.close(leader)
    assert run.returncode == 0 and "Rendering the pages…" in said and "Indexing for search…" in said
    assert said.endswith("\r\x1b[K")  # the line is cleared before the summary


@pytest.fixture
def rendered(monkeypatch):
    """Record the pages each build renders (the others keep the previous site's file)."""
    from sitegen import render
    paths, real = [], render._render_pages

    def spy(pages, *args):
        paths.extend(page.path for page in pages)
        return real(pages, *args)

    monkeypatch.setattr(render, "_render_pages", spy)
    return paths


def test_a_page_whose_inputs_did_not_change_is_not_rendered_again(fixture_site, tmp_path, rendered):
    content, out = fixture_site(), tmp_path / "out"
    build(content, out)
    assert "zh/glossary.html" in rendered
    rendered.clear()
    build(content, out)  # everything the same: every page kept
    assert rendered == []
    case = content / "cases/full-pair.en.md"
    case.write_text(case.read_text(encoding="utf-8").rstrip("\n") + " More.\n", encoding="utf-8")
    build(content, out)
    assert {"en/cases/full-pair.html", "en/parallel/full-pair.html", "en/index.html", "booklet.html"} <= set(rendered)
    # the Chinese pages show the Chinese version only; the glossary and search pages no case
    assert not {"zh/cases/full-pair.html", "zh/index.html", "zh/booklet.html", "zh/glossary.html",
                "en/search.html"} & set(rendered)
    assert "More." in (out / "en/cases/full-pair.html").read_text(encoding="utf-8")
    rendered.clear()
    (out / "zh/glossary.html").write_text("changed by hand", encoding="utf-8")  # not as the build left it
    build(content, out)
    assert rendered == ["zh/glossary.html"]
    assert "changed by hand" not in (out / "zh/glossary.html").read_text(encoding="utf-8")
    rendered.clear()
    templates = tmp_path / "templates"  # a template changed: every page again
    shutil.copytree(sitegen.Paths.templates, templates)
    with (templates / "base.html").open("a", encoding="utf-8") as base:
        base.write("{# edited #}\n")
    sitegen.build(sitegen.Paths(content=content, out=out, templates=templates, cache=tmp_path / "cache"))
    assert "zh/glossary.html" in rendered and "en/search.html" in rendered


def test_search_bundles_keep_their_pages_as_the_site_grows():
    from sitegen.search import bundle_paths, shard_count, shard_pages
    slugs = [f"case-{n:05d}" for n in range(1000)]
    assert shard_count(250) == 1 and shard_count(251) == 2 and shard_count(1000) == 4 and shard_count(1001) == 8
    bundles = shard_pages("zh", slugs)
    assert list(bundles) == ["pagefind/zh/", "pagefind/zh.2/", "pagefind/zh.3/", "pagefind/zh.4/"]
    assert sorted(s for mine in bundles.values() for s in mine) == slugs
    assert all(150 < len(mine) < 350 for mine in bundles.values())
    grown = shard_pages("zh", slugs[:990] + [f"new-{n}" for n in range(10)])  # ten replaced
    assert sum(set(bundles[b]) != set(grown[b]) for b in bundles) <= 4
    kept = shard_pages("zh", slugs[:999])  # one removed: only its bundle changes
    assert sum(bundles[b] != kept[b] for b in bundles) == 1
    assert bundle_paths("en", ["only"]) == ["pagefind/en/"]


def test_an_edit_re_indexes_only_the_search_bundle_of_its_page(fixture_site, tmp_path, monkeypatch):
    from sitegen import search
    monkeypatch.setattr(search, "SHARD_PAGES", 1)
    content, out = fixture_site(), tmp_path / "out"
    build(content, out)
    zh = sorted(p.name for p in (out / "pagefind").iterdir() if p.name.startswith("zh"))
    assert len(zh) == 2  # two Chinese pages, a bundle each
    assert f'data-merge="../pagefind/{zh[1]}/"' in (out / "zh/search.html").read_text(encoding="utf-8")

    def stamps():
        return {p.relative_to(out): p.stat().st_mtime_ns for p in (out / "pagefind").rglob("*") if p.is_file()}

    before = stamps()
    case = content / "cases/zh-only.zh.md"
    case.write_text(case.read_text(encoding="utf-8").rstrip("\n") + "又一句。\n", encoding="utf-8")
    build(content, out)
    after = stamps()
    changed = {p.parts[1] for p in set(before) | set(after) if before.get(p) != after.get(p)}
    holder = next(b for b in zh if "zh/cases/zh-only.html" in (out / "pagefind" / b / "indexed.json").read_text("utf-8"))
    assert changed == {holder}
    clean = tmp_path / "clean"
    sitegen.build(sitegen.Paths(content=content, out=clean, cache=tmp_path / "fresh-cache"))
    assert tree_bytes(out, SEARCH_BUNDLE) == tree_bytes(clean, SEARCH_BUNDLE)
    assert {p.relative_to(out): p.read_bytes() for p in out.glob("pagefind/*/indexed.json")} == {
        p.relative_to(clean): p.read_bytes() for p in clean.glob("pagefind/*/indexed.json")}


def test_the_last_key_figures_removed_take_their_link_off_every_kept_page(fixture_site, tmp_path):
    """Every page's menu links the key figures page while any case has figures: a change that
    reaches every page without changing what each is given must still render them all again."""
    content, out = fixture_site(), tmp_path / "out"
    build(content, out)
    assert "figures.html" in (out / "zh/glossary.html").read_text(encoding="utf-8")
    zh, en = content / "cases/full-pair.zh.md", content / "cases/full-pair.en.md"
    text = zh.read_text(encoding="utf-8")
    zh.write_text(text[:text.index("key_figures:")] + text[text.index("---\n", 4):], encoding="utf-8")
    text = en.read_text(encoding="utf-8")
    en.write_text(text.replace("key_figures:\n  money: total investment\n  people: people taking part\n", ""),
                  encoding="utf-8")
    build(content, out)
    assert "figures.html" not in (out / "zh/glossary.html").read_text(encoding="utf-8")
    clean = tmp_path / "clean"
    sitegen.build(sitegen.Paths(content=content, out=clean, cache=tmp_path / "fresh-cache"))
    assert tree_bytes(out, SEARCH_BUNDLE) == tree_bytes(clean, SEARCH_BUNDLE)
