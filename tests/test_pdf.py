"""`build.py pdf`: real PDFs with Chinese fonts embedded, page numbers, outline and working QR codes."""
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import sitegen
from sitegen.figures import format_figure
from conftest import PROJECT, need

TOOLS = ("pdftotext", "pdffonts", "pdfinfo", "pdftoppm", "zbarimg")


@pytest.fixture(scope="module")
def tools():
    for tool in TOOLS:
        need(tool, shutil.which(tool) is not None,
             "install poppler-utils and zbar-tools (Debian) to read the PDFs")
    try:
        import weasyprint  # noqa: F401
    except ImportError:
        need("weasyprint", False, "pip install -r requirements.txt")
    from sitegen.pdf import pick_cjk_font, read_font_families
    need("a Chinese font", pick_cjk_font(read_font_families()) is not None, "install fonts-noto-cjk")


@pytest.fixture(scope="module")
def handouts(tools, tmp_path_factory):
    out = tmp_path_factory.mktemp("pdf") / "site"
    site, _ = sitegen.build(sitegen.Paths(content=PROJECT / "content", out=out), pdf_paper="a4")
    return site, out


def run(*command) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def letters(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_one_pdf_per_language_and_a_bilingual_one(handouts):
    _, out = handouts
    assert sorted(p.name for p in (out / "downloads").iterdir()) == [
        "booklet-bilingual.pdf", "booklet-en.pdf", "booklet-zh.pdf"]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_titles_and_key_figures_appear_in_order(handouts, lang):
    site, out = handouts
    text = letters(run("pdftotext", str(out / f"downloads/booklet-{lang}.pdf"), "-"))
    position = text.index(letters(site.config.title[lang]))
    toc_end = text.index(letters(site.cases[-1].versions[lang].title)) + 1  # past the contents
    position = toc_end
    for case in site.cases:
        found = text.find(letters(case.versions[lang].title), position)
        assert found > 0, case.slug
        position = found
        for figure in case.figures:
            shown = letters(format_figure(figure, site.config.ui[lang]))
            assert text.find(shown, position) > 0, (case.slug, shown)


def test_bilingual_edition_alternates_chinese_and_english(handouts):
    site, out = handouts
    text = letters(run("pdftotext", str(out / "downloads/booklet-bilingual.pdf"), "-"))
    titles = [letters(c.versions[lang].title) for c in site.cases for lang in ("zh", "en")]
    positions = [text.rfind(title) for title in titles]  # the last is the case page, not the contents
    assert positions == sorted(positions) and -1 not in positions


@pytest.mark.parametrize("edition", ["zh", "en", "bilingual"])
def test_fonts_are_embedded_and_metadata_set(handouts, edition):
    site, out = handouts
    pdf = str(out / f"downloads/booklet-{edition}.pdf")
    rows = run("pdffonts", pdf).splitlines()[2:]
    assert rows and all(row.split()[-5] == "yes" for row in rows), rows  # the 'emb' column
    assert any("CJK" in row or "Han" in row or "YaHei" in row or "PingFang" in row for row in rows)
    info = run("pdfinfo", pdf)
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    cases = len(site.cases) * (2 if edition == "bilingual" else 1)
    assert cases + 4 <= pages <= 4 * cases + 10
    assert "A4" in info
    assert site.config.title[site.config.source_language if edition != "en" else "en"] in info


def outline(pdf: Path):
    from pypdf import PdfReader
    reader = PdfReader(str(pdf))

    def walk(items, level=1):
        for item in items:
            if isinstance(item, list):
                yield from walk(item, level + 1)
            else:
                yield level, item.title, reader.get_destination_page_number(item)
    return list(walk(reader.outline))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_outline_follows_cases_and_sections(handouts, lang):
    site, out = handouts
    entries = outline(out / f"downloads/booklet-{lang}.pdf")
    top = [title for level, title, page in entries if level == 1]
    cases = [c.versions[lang].title for c in site.cases]
    assert [t for t in top if t in cases] == cases
    ui = site.config.ui[lang]
    assert top[0] == ui["foreword"] and ui["glossary"] in top
    sections = [title for level, title, page in entries if level == 2]
    assert sitegen.render.headings(site, site.cases[0], lang)[0].text in sections


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_qr_codes_lead_to_the_online_case_pages(handouts, lang, tmp_path):
    site, out = handouts
    pdf = out / f"downloads/booklet-{lang}.pdf"
    starts = {title: page for level, title, page in outline(pdf) if level == 1}
    for case in site.cases:
        page = starts[case.versions[lang].title] + 1
        run("pdftoppm", "-r", "150", "-png", "-f", str(page), "-l", str(page), str(pdf), str(tmp_path / "p"))
        image = next(tmp_path.glob("p*.png"))
        decoded = run("zbarimg", "--quiet", "--raw", str(image)).split()
        image.unlink()
        assert decoded == [f"{site.config.base_url}{lang}/cases/{case.slug}.html"], case.slug


def test_a_rendered_case_page_is_not_blank(handouts, tmp_path):
    from PIL import Image
    site, out = handouts
    pdf = out / "downloads/booklet-zh.pdf"
    page = dict((t, p) for lvl, t, p in outline(pdf))[site.cases[0].versions["zh"].title] + 1
    run("pdftoppm", "-r", "50", "-gray", "-png", "-f", str(page), "-l", str(page), str(pdf), str(tmp_path / "p"))
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    dark = sum(image.histogram()[:128])
    assert dark / (image.width * image.height) > 0.01


def test_the_site_links_the_pdfs_with_their_sizes(handouts):
    _, out = handouts
    home = (out / "zh/index.html").read_text(encoding="utf-8")
    size = (out / "downloads/booklet-zh.pdf").stat().st_size
    assert 'href="../downloads/booklet-zh.pdf"' in home
    assert f"({size / 1024:.0f} KB)" in home or f"({size / 1024 / 1024:.1f} MB)" in home
    assert 'href="../downloads/booklet-bilingual.pdf"' in (out / "en/index.html").read_text(encoding="utf-8")


def test_a5_on_request(tools, fixture_site, tmp_path):
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, str(PROJECT / "build.py"), "pdf", "--paper", "a5", "--content",
                             str(fixture_site()), "--out", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    info = run("pdfinfo", str(out / "downloads/booklet-zh-a5.pdf"))
    assert "419.528 x 595.276 pts" in info  # A5: 148 × 210 mm


def test_no_chinese_font_stops_with_the_package_to_install(fixture_site, tmp_path, monkeypatch):
    from sitegen import pdf
    monkeypatch.setattr(pdf, "read_font_families", lambda language="zh": set())
    with pytest.raises(sitegen.errors.BuildFailed) as failure:
        sitegen.build(sitegen.Paths(content=fixture_site(), out=tmp_path / "out"), pdf_paper="a4")
    message = failure.value.problems[0].reported()
    assert message.startswith("pdf:1: font: no Chinese font is installed")
    assert "apt-get install fonts-noto-cjk" in message
    assert not (tmp_path / "out").exists()


def test_font_choice():
    from sitegen.pdf import pick_cjk_font
    assert pick_cjk_font({"DejaVu Sans", "Noto Sans CJK JP", "Noto Sans CJK SC"}) == "Noto Sans CJK SC"
    assert pick_cjk_font({"Microsoft YaHei", "Arial"}) == "Microsoft YaHei"
    assert pick_cjk_font({"DejaVu Sans"}) is None


def test_the_fetcher_serves_the_site_and_refuses_every_other_file_and_server(tools, tmp_path):
    import http.server
    import threading
    from sitegen.pdf import make_fetcher
    root = tmp_path / "site"
    (root / "zh").mkdir(parents=True)
    (root / "zh/page.html").write_text("<p>ours</p>", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("not for the PDF", encoding="utf-8")
    (root / "zh/link.txt").symlink_to(tmp_path / "secret.txt")
    asked = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    fetcher = make_fetcher(root)
    try:
        assert fetcher.fetch((root / "zh/page.html").as_uri())
        for url in ((tmp_path / "secret.txt").as_uri(), (root / "zh/link.txt").as_uri(), "file:///etc/passwd",
                    f"http://127.0.0.1:{server.server_port}/image.png", (root / "zh/../../secret.txt").as_uri()):
            with pytest.raises(ValueError, match="not a file of the site"):
                fetcher.fetch(url)
    finally:
        server.shutdown()
    assert asked == []
    assert len(fetcher.refused) == 5


def test_a_local_file_linked_as_an_attachment_never_reaches_the_pdf(tools, fixture_site, tmp_path):
    content, out = fixture_site(), tmp_path / "site"
    secret = tmp_path / "secret.txt"
    secret.write_text("the build machine's own file", encoding="utf-8")
    case = content / "cases/zh-only.zh.md"
    case.write_text(case.read_text(encoding="utf-8") + f"\n\n[附件]({secret.as_uri()}){{: rel=\"attachment\" }}\n",
                    encoding="utf-8")
    # By default the link is made safe before any PDF sees it: the build succeeds without it.
    sitegen.build(sitegen.Paths(content=content, out=out), pdf_paper="a4")
    from pypdf import PdfReader
    for pdf in (out / "downloads").iterdir():
        reader = PdfReader(pdf)
        assert not reader.attachments, pdf.name
        assert secret.as_uri() not in "".join(page.extract_text() for page in reader.pages)
    # A site that trusts its raw HTML still cannot put the file in a PDF: the build stops, naming the line.
    # Nor can raw HTML load a stylesheet from another server: each refusal is named on its line.
    site_yaml = content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8") + "allow_raw_html: true\n", encoding="utf-8")
    style = '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
    case.write_text(case.read_text(encoding="utf-8") + f"\n{style}\n", encoding="utf-8")
    lines = case.read_text(encoding="utf-8").split("\n")
    line = lines.index(f"[附件]({secret.as_uri()}){{: rel=\"attachment\" }}") + 1
    with pytest.raises(sitegen.errors.BuildFailed) as failure:
        sitegen.build(sitegen.Paths(content=content, out=out), pdf_paper="a4")
    assert [p.reported() for p in failure.value.problems] == [
        f"{content}/cases/zh-only.zh.md:{line}: pdf: '{secret.as_uri()}' is not a file of the booklet, so it "
        "was left out of the PDF (link only to the booklet's pages and images/)",
        f"{content}/cases/zh-only.zh.md:{lines.index(style) + 1}: pdf: 'http://127.0.0.1:9/x.css' is not a file "
        "of the booklet, so it was left out of the PDF (link only to the booklet's pages and images/)"]


def test_an_image_the_pdf_cannot_draw_is_named(tools, fixture_site, tmp_path):
    content = fixture_site()
    (content / "images/broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really a picture")
    case = content / "cases/zh-only.zh.md"
    case.write_text(case.read_text(encoding="utf-8") + "\n\n![坏图](images/broken.png)\n", encoding="utf-8")
    with pytest.raises(sitegen.errors.BuildFailed) as failure:
        sitegen.build(sitegen.Paths(content=content, out=tmp_path / "site"), pdf_paper="a4")
    problems = [p.reported() for p in failure.value.problems]
    assert len(problems) == 1 and problems[0].startswith(f"{content}/images/broken.png:1: pdf: could not be drawn "
                                                         "in the PDF (")
    assert problems[0].endswith("(open it in an image editor and save it again as PNG, JPEG or SVG)")


def glyph_fonts(pdf: Path) -> list[list[tuple[str, str]]]:
    """Return each page's characters in reading order, each with the name of the font that set it."""
    from pypdf import PdfReader
    pages = []
    for page in PdfReader(str(pdf)).pages:
        chars: list[tuple[str, str]] = []
        page.extract_text(visitor_text=lambda text, cm, tm, font, size: chars.extend(
            (c, str((font or {}).get("/BaseFont", ""))) for c in text))
        pages.append(chars)
    return pages


def test_english_quotes_are_set_in_the_latin_font(handouts):
    """In the bilingual handout a curly quote in English text (running heads included) takes the
    Latin font's narrow glyph, and one in Chinese text the Chinese font's full-width glyph."""
    site, out = handouts
    wrong, english, chinese = [], 0, 0
    for number, chars in enumerate(glyph_fonts(out / "downloads/booklet-bilingual.pdf"), start=1):
        for index, (char, font) in enumerate(chars):
            if char not in "“”‘’":
                continue
            near = "".join(c for c, _ in chars[max(0, index - 2):index + 3])
            in_chinese = re.search(r"[\u4e00-\u9fff]", near) is not None
            if not in_chinese and re.search(r"[A-Za-z]", near):
                english += 1
                if "CJK" in font:
                    wrong.append((number, near, font))
            elif in_chinese:
                chinese += 1
                if "CJK" not in font:
                    wrong.append((number, near, font))
    assert english > 50 and chinese > 50 and wrong == []


def test_contents_entries_keep_leader_and_page_number_on_their_last_line(handouts):
    site, out = handouts
    for edition in ("en", "bilingual"):
        text = run("pdftotext", "-layout", "-f", "1", "-l", "6", str(out / f"downloads/booklet-{edition}.pdf"), "-")
        entries = [line for line in text.splitlines() if re.search(r"\.{5,}\s*\d+\s*$", line)]
        assert len(entries) >= len(site.cases), text
        assert [line for line in entries if not re.search(r"[A-Za-z\u4e00-\u9fff]", line)] == []


def test_the_pdfs_are_printed_from_the_booklet_pages_alone(tools, fixture_site, tmp_path, monkeypatch):
    """Only the booklet pages are rendered for the printer; every page is rendered once, after,
    with the PDFs' sizes: no page but a booklet is rendered twice."""
    from collections import Counter
    from sitegen.render import SiteRenderer
    rendered, page = Counter(), SiteRenderer.page
    monkeypatch.setattr(SiteRenderer, "page", lambda self, p: rendered.update([p.path]) or page(self, p))
    sitegen.build(sitegen.Paths(content=fixture_site(), out=tmp_path / "out"), pdf_paper="a4")
    twice = sorted(path for path, count in rendered.items() if count > 1)
    assert twice and all("booklet" in path for path in twice), twice
    assert all(count <= 2 for count in rendered.values())
