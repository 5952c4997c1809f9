"""Structured data a search engine accepts: each `application/ld+json` block, read with json.loads.

Against the properties Google documents (Search Central: Article, Breadcrumb, Site names): a post has a
BlogPosting (headline, datePublished and dateModified with their time zone, author with url, image,
publisher) and a BreadcrumbList (ListItems with position, name and item: home, category, post); the home
page has a WebSite (name, url). Every URL in them is absolute and leads to a file of the build.
"""

import json
import re
from datetime import datetime

import pytest
from PIL import Image

from helpers import fixture_sites, normalise

PUBLISH_BUILDS = [
    "sample_publish_site",
    "sample_root_site",
    "seed_publish_site",
    "consumers_publish_site",
    "moved_in_publish_sites",
]
# ISO 8601 with the time zone: Google assumes its own without one.
DATE_WITH_ZONE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)$")


@pytest.fixture(params=PUBLISH_BUILDS)
def sites(request):
    return fixture_sites(request, request.param)


def structured_data(soup):
    return [json.loads(script.string) for script in soup.find_all("script", type="application/ld+json")]


def post_paths(site):
    return sorted(site.output.glob("**/posts/*/index.html"))


def leads_to_a_file(site, url):
    path = site.path_for_url(url)
    return url.startswith(site.settings["SITEURL"] + "/") and path is not None and path.is_file()


def test_each_post_has_a_blog_posting_and_its_breadcrumbs(sites):
    for site in sites:
        for path in post_paths(site):
            kinds = [data["@type"] for data in structured_data(site.page(site.url_of(path)))]
            assert kinds == ["BlogPosting", "BreadcrumbList"], path


def test_blog_postings_have_the_recommended_properties(sites):
    for site in sites:
        for path in post_paths(site):
            url = site.url_of(path)
            soup = site.page(url)
            posting = structured_data(soup)[0]
            assert posting["@context"] == "https://schema.org"
            assert posting["headline"] == " ".join(soup.h1.get_text().split())
            for name in ("datePublished", "dateModified"):
                assert DATE_WITH_ZONE.match(posting[name]), (path, posting[name])
            assert datetime.fromisoformat(posting["dateModified"]) >= datetime.fromisoformat(
                posting["datePublished"]
            )
            assert posting["mainEntityOfPage"] == posting["url"] == url
            publisher = posting["publisher"]
            assert publisher["@type"] == "Organization" and publisher["name"] == site.settings["SITENAME"]
            assert leads_to_a_file(site, publisher["url"])
            authors = posting["author"] if isinstance(posting["author"], list) else [posting["author"]]
            for author in authors:
                assert author["@type"] in ("Person", "Organization") and author["name"], path
                assert leads_to_a_file(site, author["url"]), path
            byline = [normalise(a.get_text()) for a in soup.select(".byline a[href*='/author/']")]
            assert [author["name"] for author in authors] == (byline or [site.settings["SITENAME"]]), path


def test_blog_postings_show_their_picture(sites):
    for site in sites:
        for path in post_paths(site):
            soup = site.page(site.url_of(path))
            image = structured_data(soup)[0]["image"]
            # Google: a crawlable image of at least 50,000 pixels; the same as the link preview's.
            assert image["@type"] == "ImageObject" and leads_to_a_file(site, image["url"]), path
            assert image["url"] == soup.find("meta", property="og:image")["content"]
            with Image.open(site.path_for_url(image["url"])) as picture:
                assert picture.size == (image["width"], image["height"])
            assert image["width"] * image["height"] >= 50_000


def test_breadcrumbs_lead_from_the_home_page_through_the_category_to_the_post(sites):
    for site in sites:
        for path in post_paths(site):
            url = site.url_of(path)
            soup = site.page(url)
            crumbs = structured_data(soup)[1]["itemListElement"]
            # Google: ListItems with position (from 1), name and item.
            assert [crumb["position"] for crumb in crumbs] == list(range(1, len(crumbs) + 1))
            assert all(crumb["@type"] == "ListItem" and crumb["name"] for crumb in crumbs)
            home = site.page(url).select_one(".site-title a")["href"]
            category = [a["href"] for a in soup.select(".byline a[href*='categor']")]
            assert [crumb["item"] for crumb in crumbs] == [home, *category, url], path
            assert crumbs[-1]["name"] == " ".join(soup.h1.get_text().split())
            assert all(leads_to_a_file(site, crumb["item"]) for crumb in crumbs)


def test_the_home_page_is_the_website(sites):
    for site in sites:
        home_path = site.output / site.settings["INDEX_SAVE_AS"]
        home = site.url_of(home_path)
        [website] = structured_data(site.page(home))
        assert website["@context"] == "https://schema.org" and website["@type"] == "WebSite"
        # Google, site names: name and url (the home page) are required.
        assert website["name"] == site.settings["SITENAME"] and website["url"] == home
        for path in site.html_files():
            if path != home_path:
                kinds = [data["@type"] for data in structured_data(site.page(site.url_of(path)))]
                assert "WebSite" not in kinds, path


def test_an_author_without_a_page_is_named_without_an_address(statuses_publish_site):
    site = statuses_publish_site
    posting = structured_data(site.page(site.settings["SITEURL"] + "/posts/hidden-post/"))[0]
    assert posting["author"] == [{"@type": "Person", "name": "Writer hidden"}]


@pytest.mark.parametrize("built", ["seed_site", "sample_site"])
def test_local_builds_have_no_structured_data(request, built):
    site = request.getfixturevalue(built)
    for path in site.html_files():
        assert structured_data(site.page("/" + path.relative_to(site.output).as_posix())) == [], path
