"""Page structure: every template renders a page, and every page has the head and landmarks a reader needs."""

import html
import posixpath
import re
from pathlib import Path
from typing import ClassVar

import pytest
from pelican import signals
from pelican.writers import Writer

from helpers import ROOT, SAMPLE_CONTENT, build_site
from plugins.addresses import output_file_of

# One page per template, from the sample site: it has authors, a page and a second page of posts.
PAGE_PER_TEMPLATE = {
    "index": "/",
    "index, page 2": "/page/2/",
    "article": "/posts/a-post-with-a-subtitle/",
    "page": "/about/",
    "archives": "/archives/",
    "period_archives (year)": "/archives/2024/",
    "period_archives (month)": "/archives/2024/02/",
    "tags": "/tags/",
    "tag": "/tag/t1/",
    "categories": "/categories/",
    "category": "/category/notes/",
    "authors": "/authors/",
    "author": "/author/ada-example/",
    "404": "/404.html",
}

ENTITY_OR_TAG = re.compile(r"<|&[#\w]+;")


def raw_title(path):
    return re.search(r"<title>(.*?)</title>", path.read_text(encoding="utf-8"), re.DOTALL).group(1)


class TemplateRecordingWriter(Writer):
    """Pelican's writer, noting which template file wrote each page."""

    written_by: ClassVar[dict] = {}  # Pelican makes the writer itself: what it notes is the class's

    def write_file(self, name, template, context, *args, **options):
        self.written_by[posixpath.normpath(name)] = template.filename
        return super().write_file(name, template, context, *args, **options)


@pytest.fixture(scope="module")
def templates_of_pages(tmp_path_factory):
    """{output file: the template file that rendered it}, for the sample site."""
    with signals.get_writer.connected_to(lambda pelican: TemplateRecordingWriter):
        build_site(
            tmp_path_factory.mktemp("templates") / "output", PATH=str(SAMPLE_CONTENT), DEFAULT_PAGINATION=2
        )
    return dict(TemplateRecordingWriter.written_by)


@pytest.mark.parametrize("url", PAGE_PER_TEMPLATE.values(), ids=PAGE_PER_TEMPLATE.keys())
def test_every_page_kind_is_rendered_by_the_themes_own_template(templates_of_pages, url):
    # Pelican renders a page whose template the theme lacks with its `simple` theme's: the page exists
    # either way, so it is the template file that tells.
    output_file = output_file_of(url)
    # Pelican's writer writes every page of a listing in one call, named after its first page.
    template = Path(templates_of_pages[re.sub(r"page/\d+/", "", output_file)])
    assert template.parent == ROOT / "theme" / "templates", f"{url} was rendered by {template}"


@pytest.mark.parametrize("built", ["seed_site", "sample_site", "seed_publish_site"])
def test_every_page_has_lang_one_h1_title_and_description(request, built):
    built_site = request.getfixturevalue(built)
    for path in built_site.html_files():
        soup = built_site.page("/" + path.relative_to(built_site.output).as_posix())
        assert soup.html.get("lang"), path
        assert len(soup.find_all("h1")) == 1, path
        title = html.unescape(raw_title(path))
        assert title.strip() and not ENTITY_OR_TAG.search(title), f"{path}: {title!r}"
        description = soup.find("meta", attrs={"name": "description"})
        assert description and description["content"].strip(), path
        assert not ENTITY_OR_TAG.search(description["content"]), path


@pytest.mark.parametrize("built", ["seed_site", "sample_site"])
def test_every_page_is_framed_by_the_site_name_and_subtitle(request, built):
    built_site = request.getfixturevalue(built)
    for path in built_site.html_files():
        header = built_site.page("/" + path.relative_to(built_site.output).as_posix()).find("header")
        assert header.select_one(".site-title").get_text(strip=True) == built_site.settings["SITENAME"]
        assert header.select_one(".site-subtitle").get_text(strip=True) == built_site.settings["SITESUBTITLE"]


def test_every_page_has_landmarks_and_a_skip_link(sample_site):
    for path in sample_site.html_files():
        soup = sample_site.page("/" + path.relative_to(sample_site.output).as_posix())
        for landmark in ("header", "nav", "main", "footer"):
            assert soup.find(landmark), f"{path} has no <{landmark}>"
        first_link = soup.body.find("a")
        assert first_link["href"] == "#main" and soup.find("main", id="main"), path


def test_typographic_title_is_plain_text_in_head_and_typography_in_body(sample_site):
    page = sample_site.page("/posts/quotes-and-dashes/")
    assert page.title.string.startswith("\u201cQuotes\u201d & dashes \u2014 in a title\u2026")
    assert page.find("meta", attrs={"name": "description"})["content"].startswith(
        "Typogrify turns \u201cstraight"
    )
    assert "\u201cQuotes\u201d" in page.h1.get_text()


def test_post_subtitle_is_shown_under_its_title(sample_site):
    for url in ("/posts/a-post-with-a-subtitle/", "/tag/t11/"):
        subtitle = sample_site.page(url).select_one(".post-title + .post-subtitle")
        assert subtitle.get_text(strip=True) == "Shown under the title on the post and the home page", url


def test_home_page_shows_newest_post_in_full_then_summaries(sample_site):
    home = sample_site.page("/")
    assert [a.get_text() for a in home.select("article .post-title a")][:1] == [
        "\u201cQuotes\u201d & dashes \u2014 in a title\u2026"
    ]
    assert home.select("article.post .post-body") and home.select("article.post-summary .summary")
    assert sample_site.page("/page/2/").select("article.post") == []


def test_listing_pages_after_the_first_have_their_own_title(sample_site):
    assert sample_site.page("/page/2/").title.string != sample_site.page("/").title.string


def test_current_page_is_marked_in_the_navigation(sample_site):
    for url, label in [("/", "Home"), ("/archives/", "Archives"), ("/tags/", "Tags"), ("/about/", "About")]:
        current = sample_site.page(url).select('nav a[aria-current="page"]')
        assert [a.get_text() for a in current] == [label], url


def test_dates_are_machine_readable(sample_site):
    for time_element in sample_site.page("/archives/").find_all("time"):
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d", time_element["datetime"])


def test_favicon_ico_at_the_root_is_the_one_the_script_draws(seed_site):
    from make_favicon import ICON, ico, png

    served = (seed_site.output / "favicon.ico").read_bytes()
    assert served == ICON.read_bytes() == ico([(size, png(size)) for size in (16, 32)])
