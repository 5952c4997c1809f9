"""One definition of public: a post or page of each status against every place that lists content.

Published is everywhere; hidden is built and reachable at its address, marked noindex, and in no
listing, search index, sitemap, feed or menu; a draft is built and labelled only in the local build,
and is in no file of the publish build at all (tests/sites/statuses has one post and one page of each).
"""

import json

import pytest

from helpers import indexed_urls

STATUSES = ["published", "hidden", "draft"]
LISTINGS = ["/", "/archives/", "/tag/shared/", "/category/status-published/", "/author/writer-published/"]


def post_url(status, site):
    return f"/{'drafts' if status == 'draft' else 'posts'}/{status}-post/"


def page_url(status):
    return f"/drafts/pages/{status}-page/" if status == "draft" else f"/{status}-page/"


def links_on(site, url):
    return {
        a["href"].removeprefix(site.settings["SITEURL"])
        for a in site.page(site.settings["SITEURL"] + url).select("main a[href], nav a[href]")
    }


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("built", ["statuses_site", "statuses_publish_site"])
def test_each_status_against_every_surface(request, built, status):
    site = request.getfixturevalue(built)
    publishing = built == "statuses_publish_site"
    post, page = post_url(status, site), page_url(status)
    exists = status != "draft" or not publishing
    assert site.path_for_url(post).is_file() == exists and site.path_for_url(page).is_file() == exists

    listed = status == "published"
    on_listings = set().union(*(links_on(site, url) for url in LISTINGS))
    # The local build lists drafts too, labelled, for their author: on the home page and their tags' pages.
    assert (post in on_listings) == (listed or (status == "draft" and not publishing)), "listings"
    assert (page in links_on(site, "/")) == listed, "menu"
    if exists:
        for url in (post, page):
            soup = site.page(site.settings["SITEURL"] + url)
            robots = soup.find("meta", attrs={"name": "robots"})
            assert (robots is not None and robots["content"] == "noindex") == (not listed), url
    assert (post in indexed_urls(site)) == listed and (page in indexed_urls(site)) == listed, "search"

    if publishing:
        served = {
            path: path.read_text(encoding="utf-8")
            for path in site.output.rglob("*")
            if path.suffix in (".xml", ".json", ".txt")
        }
        in_sitemap = f"{site.settings['SITEURL']}{post}" in served[site.output / "sitemap.xml"]
        assert (
            in_sitemap == listed
            and (f"{site.settings['SITEURL']}{page}" in served[site.output / "sitemap.xml"]) == listed
        )
        feeds = [
            text
            for path, text in served.items()
            if "feed" in path.name or path.parent.name in ("feeds", "tag", "category")
        ]
        assert len(feeds) >= 5 and any(f"{status}-post" in text for text in feeds) == listed, "feeds"
        feed = json.loads(served[site.output / "feed.json"])
        assert (f"{site.settings['SITEURL']}{post}" in [item["url"] for item in feed["items"]]) == listed


def test_no_draft_is_in_any_file_of_the_publish_build(statuses_publish_site):
    assert not (statuses_publish_site.output / "drafts").exists()
    for path in statuses_publish_site.output.rglob("*"):
        if path.suffix in (".html", ".xml", ".json", ".txt"):
            text = path.read_text(encoding="utf-8")
            assert "draft-post" not in text and "draft-page" not in text and "markerdraft" not in text, path
