"""Your own site: content/ checked with rules that hold for any content, whatever you write.

The project's own behaviour is tested on the fixture sites in tests/sites/; these checks read
content/ (built by the author_site fixtures in conftest.py), and fail only for a real defect of it:
a page a reader cannot use, a broken link, a feed a reader cannot parse, an image without a
description, a draft that would be published. test_html_validity.py checks its pages too.
"""

import html
import re

import feedparser
import pytest

ENTITY_OR_TAG = re.compile(r"<|&[#\w]+;")


BUILDS = ["author_site", "author_publish_site"]


@pytest.mark.parametrize("built", BUILDS)
def test_every_page_has_a_language_one_h1_a_plain_title_and_a_description(request, built):
    site = request.getfixturevalue(built)
    for path, soup in site.pages():
        where = path.relative_to(site.output)
        assert soup.html.get("lang"), f"{where} has no language"
        assert len(soup.find_all("h1")) == 1, f"{where} has {len(soup.find_all('h1'))} <h1>"
        title = html.unescape(
            re.search(r"<title>(.*?)</title>", path.read_text(encoding="utf-8"), re.DOTALL).group(1)
        )
        assert title.strip() and not ENTITY_OR_TAG.search(title), f"{where}: title {title!r}"
        description = soup.find("meta", attrs={"name": "description"})
        assert description and description["content"].strip(), f"{where} has no description"
        assert not ENTITY_OR_TAG.search(description["content"]), (
            f"{where}: description {description['content']!r}"
        )


@pytest.mark.parametrize("built", BUILDS)
def test_every_internal_link_and_fragment_leads_somewhere(request, built):
    assert request.getfixturevalue(built).broken_links() == []


def test_every_feed_parses(author_publish_site):
    feeds = sorted(author_publish_site.output.glob("feeds/**/*.xml"))
    assert feeds, "the publish build wrote no feed"
    for path in feeds:
        feed = feedparser.parse(path)
        assert not feed.bozo, f"{path.relative_to(author_publish_site.output)}: {feed.bozo_exception}"


@pytest.mark.parametrize("built", BUILDS)
def test_every_image_is_described_and_local_ones_are_sized(request, built):
    site = request.getfixturevalue(built)
    for path, soup in site.pages():
        for image in soup.select("main img"):
            where = f"{path.relative_to(site.output)}: {image.get('src')}"
            assert image.get("alt", "").strip(), f"{where} has no alt text"
            local = site.path_for_url(image["src"])
            if local is not None and local.is_file():
                assert image.get("width") and image.get("height"), f"{where} has no width and height"


def test_no_draft_reaches_the_publish_build(author_site, author_publish_site):
    # A draft's own page: its title is the page's heading, and its byline says Draft.
    drafts = [
        path for path, soup in author_site.pages() if soup.select_one("article.post:has(h1) .draft-label")
    ]
    for draft in drafts:
        address = draft.relative_to(author_site.output).as_posix().removesuffix("index.html")
        for path in author_publish_site.output.rglob("*"):
            if path.suffix in (".html", ".xml", ".json", ".txt"):
                assert address not in path.read_text(encoding="utf-8"), f"{path}: {address}"
