"""Nothing is injected: metadata reaches every page and feed as text, and no page needs what the CSP forbids."""

import json
import re
import xml.etree.ElementTree as ElementTree
from urllib.parse import urlsplit

import markdown
import pytest
from bs4 import BeautifulSoup

from helpers import HOSTILE_CONTENT, front_matter, header_rules, normalise

BUILDS = ["seed_site", "sample_site", "seed_publish_site", "hostile_site"]
ATOM = "{http://www.w3.org/2005/Atom}"


HOSTILE_POSTS = {path.stem: front_matter(path) for path in HOSTILE_CONTENT.glob("*.md")}


def markdown_text(source):
    """The text a Markdown field shows once rendered, as normalise() folds it."""
    return normalise(BeautifulSoup(markdown.markdown(source), "html.parser").get_text())


def text(element):
    return normalise(element.get_text())


def structure(built_site):
    """{element name: attribute names seen on it} over every page of a build."""
    seen = {}
    for _, soup in built_site.pages():
        for element in soup.find_all(True):
            seen.setdefault(element.name, set()).update(element.attrs)
    return seen


def test_hostile_metadata_adds_no_element_and_no_attribute(hostile_site, sample_publish_site):
    # Both sites are built with the same templates and settings: markup typed into the hostile
    # titles, summaries or names must not add an element or attribute the sample site's pages lack.
    expected = structure(sample_publish_site)
    for name, attributes in structure(hostile_site).items():
        assert name in expected, f"<{name}> was injected"
        assert attributes <= expected[name], f"<{name}> has injected attributes {attributes - expected[name]}"


@pytest.mark.parametrize("slug", HOSTILE_POSTS)
def test_hostile_metadata_is_shown_as_typed(hostile_site, slug):
    source = HOSTILE_POSTS[slug]
    url = f"{hostile_site.settings['SITEURL']}/posts/{slug}/"
    page = hostile_site.page(url)
    assert text(page.h1) == source["title"]
    assert normalise(page.title.get_text()).startswith(source["title"] + " · ")
    assert text(page.select_one(".post-subtitle")) == source["subtitle"]
    assert normalise(page.find("meta", attrs={"name": "description"})["content"]) == markdown_text(
        source["summary"]
    )
    byline = [text(link) for link in page.select(".byline a")]
    assert byline == [source["author"], source["category"]]
    assert [text(tag) for tag in page.select(".tag-list a")] == source["tags"].split(", ")
    archives = hostile_site.page(f"{hostile_site.settings['SITEURL']}/archives/")
    assert source["title"] in [text(link) for link in archives.select(".post-list a")]


def test_hostile_summaries_are_rendered_as_markdown_in_listings(hostile_site):
    # A Summary is Markdown, as the body is; the hostile markup sits in the fields that are plain text.
    shown = {text(summary) for _, soup in hostile_site.pages() for summary in soup.select(".summary")}
    assert shown == {markdown_text(post["summary"]) for post in HOSTILE_POSTS.values()}


def test_hostile_page_title_and_summary_are_shown_as_typed(hostile_site):
    source = front_matter(HOSTILE_CONTENT / "pages" / "hostile-page.md")
    home = hostile_site.page(hostile_site.settings["SITEURL"] + "/")
    [menu_link] = [link for link in home.select("nav a") if text(link) == source["title"]]
    page = hostile_site.page(menu_link["href"])
    assert text(page.h1) == source["title"]
    assert normalise(page.find("meta", attrs={"name": "description"})["content"]) == markdown_text(
        source["summary"]
    )


def feed_entries(path):
    """(title, summary) of every entry of an Atom or RSS feed."""
    root = ElementTree.parse(path).getroot()
    if root.tag == f"{ATOM}feed":
        return [
            (entry.findtext(f"{ATOM}title"), entry.findtext(f"{ATOM}summary"))
            for entry in root.iter(f"{ATOM}entry")
        ]
    return [(item.findtext("title"), item.findtext("description")) for item in root.iter("item")]


def test_hostile_feeds_are_valid_xml_with_titles_as_typed(hostile_site):
    feeds = sorted((hostile_site.output / "feeds").rglob("*.xml"))
    assert len(feeds) > 2
    titles = {post["title"] for post in HOSTILE_POSTS.values()}
    for feed in feeds:
        for title, _ in feed_entries(feed):  # ElementTree raises on XML that is not well formed
            assert normalise(title) in titles, feed


@pytest.mark.parametrize("built", BUILDS)
def test_no_executable_script_no_inline_style_no_event_handler(request, built):
    built = request.getfixturevalue(built)
    for path, soup in built.pages():
        for script in soup.find_all("script"):
            if script.get("src"):
                # A file of the site's own (the search page's), never code written into the page.
                assert not (script.string or "").strip() and is_same_origin(
                    script["src"], site_origin(built)
                ), path
                continue
            # Else only data blocks, which a browser never runs: JSON-LD, which must stay valid JSON.
            assert script.get("type") == "application/ld+json", path
            json.loads(script.string)
        assert soup.find("style") is None, path
        for element in soup.find_all(True):
            handlers = [name for name in element.attrs if name.startswith("on") or name == "style"]
            assert handlers == [], f"{path}: <{element.name} {handlers}>"
            for name in ("href", "src", "action", "formaction"):
                assert not element.get(name, "").strip().lower().startswith(("javascript:", "data:")), path


def site_origin(built_site):
    return urlsplit(built_site.settings["SITEURL"]).netloc


def is_same_origin(url, origin):
    parts = urlsplit(url)
    if not parts.scheme and not parts.netloc:
        return True  # relative to the page
    return parts.netloc == origin and parts.scheme == "https"


@pytest.mark.parametrize("built", BUILDS)
def test_nothing_loads_from_another_origin(request, built):
    built_site = request.getfixturevalue(built)
    loaded = 0
    for path, soup in built_site.pages():
        for element in soup.find_all(["link", "script", "img", "source", "iframe", "video", "audio"]):
            url = element.get("src") or element.get("href")
            if element.name == "link" and "alternate" in element.get("rel", []):
                continue  # a feed is offered for a reader to follow, never loaded by the page
            if url:
                loaded += 1
                assert is_same_origin(url, site_origin(built_site)), f"{path}: {url}"
    assert loaded > 0


@pytest.fixture(scope="module")
def headers(seed_publish_site):
    """The rules of the _headers file the publish build writes (plugins/security_headers.py)."""
    return header_rules(seed_publish_site.output / "_headers")


@pytest.fixture(scope="module")
def content_security_policy(headers):
    """{directive: sources} of the policy every page is served with."""
    policy = headers["/*"]["Content-Security-Policy"]
    return {name: sources for name, *sources in (part.split() for part in policy.split(";"))}


def test_headers_file_sets_security_and_cache_headers(headers, content_security_policy):
    assert headers["/*"]["X-Content-Type-Options"] == "nosniff"
    assert headers["/*"]["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert content_security_policy["default-src"] == ["'none'"]
    for directive in ("base-uri", "form-action", "frame-ancestors"):
        assert content_security_policy[directive] == ["'none'"]


# What each kind of element loads, in the terms of a Content-Security-Policy directive.
DIRECTIVES = {"script": "script-src", "img": "img-src", "iframe": "frame-src", "object": "object-src"}
LINK_DIRECTIVES = {"stylesheet": "style-src", "icon": "img-src", "manifest": "manifest-src"}


def resources(soup):
    """(directive, url) of everything a page loads."""
    for element in soup.find_all([*DIRECTIVES, "link"]):
        if element.name == "link":
            for rel in element.get("rel", []):
                if rel in LINK_DIRECTIVES:
                    yield LINK_DIRECTIVES[rel], element["href"]
        elif element.get("type") != "application/ld+json":  # a data block: never run, so no CSP applies
            yield DIRECTIVES[element.name], element.get("src") or element.get("data") or "inline"


@pytest.mark.parametrize("built", BUILDS)
def test_pages_load_only_what_the_content_security_policy_allows(request, built, content_security_policy):
    built_site = request.getfixturevalue(built)
    for path, soup in built_site.pages():
        for directive, url in resources(soup):
            sources = content_security_policy.get(directive, content_security_policy["default-src"])
            allowed = "'self'" in sources and url != "inline" and is_same_origin(url, site_origin(built_site))
            assert allowed, f"{path}: {directive} forbids {url}"
        assert soup.find(["form", "base"]) is None, path


CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)""")


def test_stylesheets_load_nothing_from_another_origin(seed_site):
    linked = {link["href"] for _, soup in seed_site.pages() for link in soup.select('link[rel="stylesheet"]')}
    assert linked
    for stylesheet in (seed_site.path_for_url(url) for url in linked):
        for match in CSS_URL.finditer(stylesheet.read_text(encoding="utf-8")):
            url = match.group(1) or match.group(2)
            assert is_same_origin(url, ""), f"{stylesheet}: {url}"
