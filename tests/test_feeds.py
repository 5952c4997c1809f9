"""Feeds: the publish build writes Atom, RSS and JSON Feed of whole posts, with absolute links and plain titles."""

import json
import re
import xml.etree.ElementTree as ElementTree
from datetime import datetime
from email.utils import parsedate_to_datetime

import feedparser
import pytest
from bs4 import BeautifulSoup

from helpers import normalise

ENTITY_OR_TAG = re.compile(r"<|&[#\w]+;")
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"


def parse_feed(built_site, path):
    feed = feedparser.parse(built_site.output / path)
    assert not feed.bozo, f"{path}: {feed.get('bozo_exception')}"
    return feed


def feed_paths(built_site):
    return [path.relative_to(built_site.output) for path in sorted(built_site.output.glob("feeds/**/*.xml"))]


def post_body_text(built_site, url):
    return normalise(built_site.page(url).select_one(".post-body").get_text())


def html_text(html):
    return normalise(BeautifulSoup(html, "html.parser").get_text())


def byline_date(built_site, url):
    return datetime.fromisoformat(built_site.page(url).select_one(".byline time")["datetime"])


def test_every_feed_parses_cleanly_with_unique_ids_and_links_that_resolve(sample_publish_site):
    paths = feed_paths(sample_publish_site)
    assert len(paths) == 2 + 2 + 3  # all posts (Atom, RSS), two categories, three tags
    for path in paths:
        feed = parse_feed(sample_publish_site, path)
        ids = [entry.id for entry in feed.entries]
        assert feed.entries and len(set(ids)) == len(ids), path
        for entry in feed.entries:
            assert sample_publish_site.path_for_url(entry.link).is_file(), f"{path}: {entry.link}"


@pytest.mark.parametrize("path", ["feeds/all.atom.xml", "feeds/all.rss.xml"])
def test_site_feeds_carry_every_post_in_full_with_its_date(sample_publish_site, path):
    feed = parse_feed(sample_publish_site, path)
    # Atom dates are RFC 3339, RSS dates RFC 822.
    parse_date = datetime.fromisoformat if path.endswith(".atom.xml") else parsedate_to_datetime
    listed = [a["href"] for a in sample_publish_site.page("/archives/").select(".post-list a")]
    assert [entry.link for entry in feed.entries] == listed
    for entry in feed.entries:
        # Atom has a content element; RSS carries the whole post in its description.
        content = entry.content[0].value if "content" in entry else entry.description
        assert html_text(content) == post_body_text(sample_publish_site, entry.link)
        published = parse_date(entry.published)
        assert published == byline_date(sample_publish_site, entry.link)


@pytest.mark.parametrize("path", ["feeds/all.atom.xml", "feeds/all.rss.xml"])
def test_feed_titles_carry_typography_but_no_markup(sample_publish_site, path):
    titles = [entry.title for entry in parse_feed(sample_publish_site, path).entries]
    assert "\u201cQuotes\u201d & dashes \u2014 in a title\u2026" in titles
    # Parsed XML text: an entity or tag here was escaped twice.
    root = ElementTree.parse(sample_publish_site.output / path).getroot()
    for title in (element.text for element in root.iter() if element.tag.endswith("title")):
        assert not ENTITY_OR_TAG.search(title), title


@pytest.mark.parametrize("kind", ["category", "tag"])
def test_each_listing_links_its_own_feed_of_its_posts(sample_publish_site, kind):
    listings = sorted(sample_publish_site.output.glob(f"{kind}/*/index.html"))
    assert listings
    for listing in listings:
        page = sample_publish_site.page("/" + listing.relative_to(sample_publish_site.output).as_posix())
        feed_links = page.head.find_all("link", rel="alternate", href=re.compile(f"/feeds/{kind}/"))
        assert len(feed_links) == 1, listing
        feed = parse_feed(sample_publish_site, sample_publish_site.path_for_url(feed_links[0]["href"]))
        posts = [a["href"] for a in page.select("main .post-title a")]
        assert [entry.link for entry in feed.entries] == posts, listing


def test_every_page_links_the_site_feeds(sample_publish_site):
    for path in sample_publish_site.html_files():
        head = sample_publish_site.page("/" + path.relative_to(sample_publish_site.output).as_posix()).head
        types = {link["type"] for link in head.find_all("link", rel="alternate")}
        assert {"application/atom+xml", "application/rss+xml", "application/feed+json"} <= types, path


def test_feeds_are_plain_and_a_subscribe_page_beside_them_gives_their_addresses(
    sample_publish_site, sample_site
):
    for path in feed_paths(sample_publish_site):
        text = (sample_publish_site.output / path).read_text(encoding="utf-8")
        assert "<?xml-stylesheet" not in text, path  # browsers are removing XSLT: no feed relies on it
    home = sample_publish_site.page("/")
    footer_links = {a.get_text(): a["href"] for a in home.select("footer a")}
    subscribe = sample_publish_site.page(footer_links["how to subscribe"])
    assert subscribe.h1.get_text() == "Subscribe"
    listed = [code.get_text() for code in subscribe.select("code.feed-address")]
    advertised = [link["href"] for link in home.select('link[rel="alternate"]')]
    assert listed == advertised and footer_links["Feed"] in listed
    for address in listed:
        assert sample_publish_site.path_for_url(address).is_file(), address
    # Locally there are no feeds, and so no page about them.
    assert not (sample_site.output / "subscribe").exists()
    assert not sample_site.page("/").select('footer a[href*="subscribe"]')


def test_json_feed_follows_the_json_feed_1_1_spec(sample_publish_site):
    settings = sample_publish_site.settings
    feed = json.loads((sample_publish_site.output / "feed.json").read_text(encoding="utf-8"))
    assert feed["version"] == JSON_FEED_VERSION
    assert feed["title"] == settings["SITENAME"]
    assert feed["home_page_url"] == settings["SITEURL"] + "/"
    assert sample_publish_site.path_for_url(feed["feed_url"]) == sample_publish_site.output / "feed.json"
    atom = parse_feed(sample_publish_site, "feeds/all.atom.xml")
    assert [item["url"] for item in feed["items"]] == [entry.link for entry in atom.entries]
    for item, entry in zip(feed["items"], atom.entries, strict=True):
        assert isinstance(item["id"], str) and item["id"] == item["url"]
        assert item["title"] == entry.title and not ENTITY_OR_TAG.search(item["title"])
        assert html_text(item["content_html"]) == post_body_text(sample_publish_site, item["url"])
        # RFC 3339: a full date and time with its offset.
        published = datetime.fromisoformat(item["date_published"])
        assert published.tzinfo and published == byline_date(sample_publish_site, item["url"])
        byline = sample_publish_site.page(item["url"]).select(".byline a[href*='/author/']")
        assert [author["name"] for author in item.get("authors", [])] == [a.get_text() for a in byline]
    assert len({item["id"] for item in feed["items"]}) == len(feed["items"])


def test_json_feed_names_no_author_for_a_post_without_one(seed_publish_site):
    feed = json.loads((seed_publish_site.output / "feed.json").read_text(encoding="utf-8"))
    assert feed["items"] and all("authors" not in item for item in feed["items"])


def test_local_build_writes_no_feeds(seed_site):
    # Feeds need absolute URLs; the local build has no SITEURL.
    assert not (seed_site.output / "feeds").exists()
    assert not (seed_site.output / "feed.json").exists()
    assert seed_site.page("/").head.find_all("link", rel="alternate") == []
