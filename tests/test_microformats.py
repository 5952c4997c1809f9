"""Microformats2, as mf2py (the reference Python parser) reads each kind of page.

A post is an h-entry: p-name, dt-published, dt-updated when it was modified, u-url, e-content, p-summary,
p-category for each tag, and a p-author h-card (the site, with its home page, when the post names no
author). A listing is an h-feed of h-entries; the home page also has the site's h-card; a page (About)
is no entry at all. Each test asserts the items a page has, and exactly their properties.
"""

from datetime import datetime

import mf2py
import pytest
from bs4 import BeautifulSoup

from helpers import fixture_sites, normalise
from plugins.addresses import theme_urls

PUBLISH_BUILDS = ["sample_publish_site", "sample_root_site", "seed_publish_site", "consumers_publish_site"]


@pytest.fixture(params=[*PUBLISH_BUILDS, "moved_in_publish_sites"])
def sites(request):
    return fixture_sites(request, request.param)


def items(site, url):
    """The top-level microformats of a page, parsed with its address as the base of relative URLs."""
    path = site.path_for_url(url)
    return mf2py.parse(doc=path.read_text(encoding="utf-8"), url=url)["items"]


def types(found):
    return [item["type"] for item in found]


def when(value):
    return datetime.fromisoformat(value)


def post_urls(site):
    return [site.url_of(path) for path in sorted(site.output.glob("**/posts/*/index.html"))]


def site_card(site):
    home = site.settings["SITEURL"] + "/" + theme_urls(site.settings)["index"]
    return {"type": ["h-card"], "properties": {"name": [site.settings["SITENAME"]], "url": [home]}}


def expected_authors(site, url):
    """h-cards of the authors a post's byline links, or of the site when it names none."""
    soup = site.page(url)
    shown = soup.select(".byline a[href*='/author/']")
    if not shown:
        return [site_card(site)]
    return [
        {"type": ["h-card"], "properties": {"name": [normalise(a.get_text())], "url": [a["href"]]}}
        for a in shown
    ]


def authors_of(entry):
    return [
        {"type": author["type"], "properties": author["properties"]}
        for author in entry["properties"]["author"]
    ]


def test_every_post_is_one_h_entry_with_exactly_its_properties(sites):
    for site in sites:
        for url in post_urls(site):
            found = items(site, url)
            assert types(found) == [["h-entry"]], url
            entry = found[0]["properties"]
            soup = site.page(url)
            modified = soup.find("meta", property="article:modified_time")
            tags = [normalise(a.get_text()) for a in soup.select(".tag-list a, .tag-list li")]
            expected = {"name", "published", "url", "content", "summary", "author"}
            expected |= {"updated"} if modified else set()
            expected |= {"category"} if tags else set()
            assert set(entry) == expected, url
            assert entry["name"] == [soup.h1.get_text().strip()]
            assert entry["url"] == [url]
            published = soup.find("meta", property="article:published_time")["content"]
            assert [when(value) for value in entry["published"]] == [when(published)]
            if modified:
                assert [when(value) for value in entry["updated"]] == [when(modified["content"])]
            assert entry["summary"] == [soup.find("meta", attrs={"name": "description"})["content"]]
            content = BeautifulSoup(entry["content"][0]["html"], "html.parser").get_text()
            assert normalise(content) == normalise(soup.select_one(".post-body").get_text())
            assert sorted(entry.get("category", [])) == sorted(set(tags)), url
            assert authors_of(found[0]) == expected_authors(site, url), url


def test_a_post_naming_no_author_is_the_sites(seed_publish_site):
    [url] = post_urls(seed_publish_site)
    [entry] = items(seed_publish_site, url)
    assert authors_of(entry) == [site_card(seed_publish_site)]


def test_a_post_modified_on_its_day_of_publication_is_updated_all_the_same(consumers_publish_site):
    url = consumers_publish_site.settings["SITEURL"] + "/posts/own-picture/"
    [entry] = items(consumers_publish_site, url)
    assert [when(value) for value in entry["properties"]["updated"]] == [when("2024-05-02T17:30:00+01:00")]
    assert len(consumers_publish_site.page(url).select(".byline time")) == 1  # the byline shows one date


@pytest.mark.parametrize("built", PUBLISH_BUILDS)
def test_the_home_page_has_the_sites_h_card_and_an_h_feed_of_its_posts(request, built):
    site = request.getfixturevalue(built)
    home = site.settings["SITEURL"] + "/"
    card, feed = items(site, home)
    assert {"type": card["type"], "properties": card["properties"]} == site_card(site)
    assert feed["type"] == ["h-feed"] and feed["properties"] == {}
    shown = [a["href"] for a in site.page(home).select("main .post-title a")]
    entries = feed["children"]
    assert [entry["properties"]["url"] for entry in entries] == [[url] for url in shown]
    # The newest post in full, the rest as summaries.
    assert "content" in entries[0]["properties"]
    for entry in entries[1:]:
        assert {"name", "url", "published", "author", "summary"} <= set(entry["properties"])
        assert "content" not in entry["properties"]


@pytest.mark.parametrize("kind", ["tag", "category", "author"])
def test_each_listing_is_an_h_feed_named_by_its_heading(sample_publish_site, kind):
    site = sample_publish_site
    listings = sorted(site.output.glob(f"{kind}/*/index.html"))
    assert listings
    for path in listings:
        url = site.url_of(path)
        [feed] = items(site, url)
        soup = site.page(url)
        assert feed["type"] == ["h-feed"]
        assert feed["properties"] == {"name": [soup.h1.get_text()]}
        shown = [a["href"] for a in soup.select("main .post-title a")]
        assert [entry["properties"]["url"] for entry in feed["children"]] == [[url] for url in shown]
        for entry in feed["children"]:
            expected = {"name", "url", "published", "author", "summary"}
            assert expected <= set(entry["properties"]) <= expected | {"updated"}, url


def test_the_archives_are_an_h_feed_of_every_post(sample_publish_site):
    site = sample_publish_site
    url = site.settings["SITEURL"] + "/archives/"
    [feed] = items(site, url)
    assert feed["type"] == ["h-feed"] and feed["properties"] == {"name": ["Archives"]}
    listed = [a["href"] for a in site.page(url).select(".post-list a")]
    assert sorted(listed) == sorted(post_urls(site))
    for entry, post in zip(feed["children"], listed, strict=True):
        assert set(entry["properties"]) == {"name", "url", "published"}
        assert entry["properties"]["url"] == [post]


@pytest.mark.parametrize("path", ["/about/", "/colophon/", "/tags/", "/search/", "/404.html"])
def test_pages_that_are_not_posts_have_no_microformats(sample_publish_site, path):
    assert items(sample_publish_site, sample_publish_site.settings["SITEURL"] + path) == []
