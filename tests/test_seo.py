"""Search engines and link previews: sitemap, robots.txt, canonical links, Open Graph and JSON-LD."""

import json
import xml.etree.ElementTree as ElementTree
from datetime import datetime

import pytest

from helpers import PUBLISH_SITEURL, normalise

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def page_url(built_site, path):
    """The address a page file is served at: posts/x/index.html at SITEURL/posts/x/."""
    relative = path.relative_to(built_site.output).as_posix()
    return f"{built_site.settings['SITEURL']}/{relative.removesuffix('index.html')}"


def pages(built_site):
    for path in built_site.html_files():
        yield path, built_site.page(page_url(built_site, path))


def sitemap_entries(built_site):
    """{loc: lastmod or None} of the sitemap."""
    root = ElementTree.parse(built_site.output / "sitemap.xml").getroot()
    return {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in root}


def is_post(path):
    return path.parent.parent.name in ("posts", "drafts")


def byline_dates(soup):
    return [datetime.fromisoformat(time["datetime"]) for time in soup.select(".byline time")]


def test_sitemap_lists_every_page_but_the_404_page(sample_publish_site):
    # Drafts are not even built with the publish settings (tests/test_writing.py).
    built = sample_publish_site
    urls = {page_url(built, path) for path in built.html_files()}
    not_found_page = f"{PUBLISH_SITEURL}/404.html"
    assert not_found_page in urls
    assert set(sitemap_entries(built)) == urls - {not_found_page}


def test_sitemap_lastmod_comes_from_the_content_a_page_shows(sample_publish_site):
    # A post: modified, else published (its byline shows both). A listing: its newest post.
    # A page showing no dated content has none. Never the build time.
    entries = {
        url: lastmod and datetime.fromisoformat(lastmod)
        for url, lastmod in sitemap_entries(sample_publish_site).items()
    }
    posts = {url: max(byline_dates(sample_publish_site.page(url))) for url in entries if "/posts/" in url}
    assert len(posts) == len(list(sample_publish_site.output.glob("posts/*/index.html")))
    for url, lastmod in entries.items():
        if url in posts:
            assert lastmod == posts[url], url
            continue
        shown = {a["href"] for a in sample_publish_site.page(url).select("main a[href*='/posts/']")}
        if shown:
            assert lastmod == max(posts[post] for post in shown), url
        else:
            assert lastmod is None or lastmod in posts.values(), url


def test_a_modified_post_is_dated_by_its_modification(sample_publish_site):
    lastmod = sitemap_entries(sample_publish_site)[f"{PUBLISH_SITEURL}/posts/first-steps/"]
    assert datetime.fromisoformat(lastmod) == datetime.fromisoformat("2024-03-10T18:00:00+00:00")


def test_robots_txt_names_the_sitemap(sample_publish_site):
    lines = (sample_publish_site.output / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert f"Sitemap: {PUBLISH_SITEURL}/sitemap.xml" in lines


@pytest.mark.parametrize(
    ("built", "url"), [("sample_publish_site", "/404.html"), ("sample_site", "/drafts/a-draft/")]
)
def test_404_page_and_drafts_ask_not_to_be_indexed(request, built, url):
    robots = request.getfixturevalue(built).page(url).find("meta", attrs={"name": "robots"})
    assert robots and robots["content"] == "noindex"


def test_posts_may_be_indexed(sample_publish_site):
    assert sample_publish_site.page("/posts/first-steps/").find("meta", attrs={"name": "robots"}) is None


def meta_property(soup, name):
    element = soup.find("meta", property=name)
    return element and element["content"]


def test_every_page_names_its_canonical_address_and_describes_itself(sample_publish_site):
    for path, soup in pages(sample_publish_site):
        url = page_url(sample_publish_site, path)
        assert soup.find("link", rel="canonical")["href"] == url
        assert meta_property(soup, "og:url") == url
        assert meta_property(soup, "og:type") == ("article" if is_post(path) else "website"), path
        assert meta_property(soup, "og:title") == soup.title.get_text()
        description = soup.find("meta", attrs={"name": "description"})["content"]
        assert meta_property(soup, "og:description") == description
        assert meta_property(soup, "og:site_name") == sample_publish_site.settings["SITENAME"]
        # Every page has a picture, a post's own card or the site's (tests/test_social_cards.py).
        assert soup.find("meta", attrs={"name": "twitter:card"})["content"] == "summary_large_image"


def test_posts_give_their_publication_and_modification_times(sample_publish_site):
    soup = sample_publish_site.page("/posts/first-steps/")
    published, modified = byline_dates(soup)
    assert datetime.fromisoformat(meta_property(soup, "article:published_time")) == published
    assert datetime.fromisoformat(meta_property(soup, "article:modified_time")) == modified


def description(soup):
    return normalise(soup.find("meta", attrs={"name": "description"})["content"])


def test_description_is_the_summary(sample_site):
    assert description(sample_site.page("/posts/first-steps/")) == "The oldest post of the sample site."


def test_description_without_a_summary_is_the_subtitle(sample_site):
    page = sample_site.page("/colophon/")
    assert description(page) == normalise(page.select_one(".post-subtitle").get_text())


def test_description_without_summary_or_subtitle_is_the_start_of_the_text(sample_site):
    page = sample_site.page("/about/")
    text = normalise(page.select_one(".post-body").get_text())
    start = description(page)
    assert start.endswith("…") and len(start) <= 160 and len(text) > 160
    assert text.startswith(start.removesuffix("…"))


def blog_posting(soup):
    """The page's one BlogPosting; its BreadcrumbList is checked in tests/test_structured_data.py."""
    found = [json.loads(script.string) for script in soup.find_all("script", type="application/ld+json")]
    postings = [data for data in found if data["@type"] == "BlogPosting"]
    assert len(postings) == 1
    return postings[0]


def test_posts_describe_themselves_as_json_ld_blog_postings(sample_publish_site):
    for path, soup in pages(sample_publish_site):
        if not is_post(path):
            # Only the home page describes itself too: a WebSite (tests/test_structured_data.py).
            kinds = [
                json.loads(script.string)["@type"]
                for script in soup.find_all("script", type="application/ld+json")
            ]
            assert kinds == (["WebSite"] if path == sample_publish_site.output / "index.html" else []), path
            continue
        posting = blog_posting(soup)
        assert posting["@context"] == "https://schema.org" and posting["@type"] == "BlogPosting"
        assert posting["headline"] == soup.h1.get_text()
        dates = byline_dates(soup)
        assert datetime.fromisoformat(posting["datePublished"]) == dates[0]
        assert datetime.fromisoformat(posting["dateModified"]) == dates[-1]
        assert posting["mainEntityOfPage"] == posting["url"] == page_url(sample_publish_site, path)
        assert posting["publisher"] == {
            "@type": "Organization",
            "name": "Our Blog",
            "url": f"{PUBLISH_SITEURL}/",
        }
        authors = [
            {"@type": "Person", "name": a.get_text(), "url": a["href"]}
            for a in soup.select(".byline a[href*='/author/']")
        ]
        assert posting["author"] == (authors or posting["publisher"]), path


def test_a_post_without_an_author_is_credited_to_the_site(seed_publish_site):
    posting = blog_posting(seed_publish_site.page(f"{PUBLISH_SITEURL}/posts/military-information-agreement/"))
    assert posting["author"] == posting["publisher"]
    assert posting["author"]["@type"] == "Organization"


def test_local_build_names_no_absolute_addresses(seed_site):
    # With SITEURL "" there is no address to name: no sitemap, robots.txt, canonical link, Open Graph or JSON-LD.
    assert not (seed_site.output / "sitemap.xml").exists()
    assert not (seed_site.output / "robots.txt").exists()
    for path in seed_site.html_files():
        head = seed_site.page("/" + path.relative_to(seed_site.output).as_posix()).head
        assert head.find("link", rel="canonical") is None, path
        assert head.find("meta", property=True) is None, path
        assert head.find("script", type="application/ld+json") is None, path
